/* Expected verdicts (DESIGN §7): an emulator that deviates from the PCI spec
 * (Bochs 2.7) carries a file listing, per device BAR and check, the verdict
 * barmove must report there and the classes its diagnosis must name, each row
 * explained by the emulator's source. A run matches its file when every
 * listed row shows up as listed and no unlisted failure appears:
 *   - a listed failure that turned into ok (or a skip) means the check lost
 *     its power;
 *   - an unlisted failure is a new finding: look at it, then list it.
 *
 * File format (tests/matrix/expected/README), one row a line, '#' comments:
 *   BDF BARn CHECK VERDICT CLASSES SOURCE REASON...
 *   00:02.0 BAR0 decode-toggle not-ok cmd-readonly iodev/display/vga.cc refuses COMMAND writes
 * BDF and BARn are "- -" for a check of the whole machine (rebalance).
 * VERDICT is not-ok or skip; CLASSES is a comma list of class ids (each must
 * be among those the failure names on its "class:" line or, for deviations
 * seen after the first, its "later_class:" line) or '-' for none;
 * SOURCE is the emulator's source file (and function) that causes it.
 * No file I/O here: the caller supplies text and FILE *s (tests drive it). */
#ifndef BARMOVE_LOGEXPECT_H
#define BARMOVE_LOGEXPECT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "logparse.h"

#define EXPECT_MAX_CLASSES 6

enum expect_verdict { EXPECT_NOT_OK, EXPECT_SKIP };

struct expect_row {
    unsigned line;
    char desc[96]; /* "BDF BARn CHECK", as the test point's description */
    enum expect_verdict verdict;
    char classes[EXPECT_MAX_CLASSES][48];
    unsigned class_count;
    char source[128];
    char reason[256];
};

struct expect_file {
    struct expect_row *rows;
    size_t count, cap;
    char error[256]; /* "" or "LINE: what is wrong" (the first problem) */
};

/* parses text; false (with f->error) on a malformed row or a duplicate */
bool expect_parse(struct expect_file *f, const char *text, size_t len);
void expect_free(struct expect_file *f);

struct expect_outcome {
    unsigned matched; /* listed rows seen as listed */
    unsigned lost;    /* listed rows that did not show up as listed */
    unsigned unlisted; /* failures the file does not list */
};

/* compares a parsed log with the file; one line per mismatch to out, then
 * "verdicts: M as listed, L lost, U unlisted"; true when L and U are 0 */
bool expect_compare(const struct expect_file *f, const struct log_parse *p, FILE *out,
                    struct expect_outcome *o);

#endif

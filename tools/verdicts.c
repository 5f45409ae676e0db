/* barmove-verdicts EXPECTED LOGFILE: does a serial log show exactly the
 * failures its expected-verdict file lists, with their classes? (DESIGN §7,
 * tools/logexpect.h). Prints one line per mismatch, then
 * "verdicts: M as listed, L lost, U unlisted".
 * Exit: 0 as listed, 1 a mismatch, 2 a usage error, an unreadable file or a
 * malformed expected-verdict file (named with its line). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logexpect.h"
#include "logparse.h"
#include "readall.h"

#define EXIT_MISMATCH 1
#define EXIT_USAGE 2

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: barmove-verdicts EXPECTED-VERDICTS LOGFILE\n", stderr);
        return EXIT_USAGE;
    }
    size_t elen, llen;
    char *etext = read_path("barmove-verdicts", argv[1], &elen);
    char *ltext = etext ? read_path("barmove-verdicts", argv[2], &llen) : NULL;
    if (!ltext) {
        free(etext);
        return EXIT_USAGE;
    }
    struct expect_file f;
    if (!expect_parse(&f, etext, elen)) {
        fprintf(stderr, "barmove-verdicts: %s: %s\n", argv[1], f.error);
        expect_free(&f);
        free(etext);
        free(ltext);
        return EXIT_USAGE;
    }
    struct log_parse p;
    log_parse_whole(&p, ltext, llen);
    struct expect_outcome o;
    bool as_listed = expect_compare(&f, &p, stdout, &o);
    log_parse_free(&p);
    expect_free(&f);
    free(etext);
    free(ltext);
    return as_listed ? 0 : EXIT_MISMATCH;
}

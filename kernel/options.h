/* The kernel command line (DESIGN §6), parsed before any device is touched.
 *
 * Words are separated by spaces or tabs (CR and LF count as spaces too). The
 * first word is skipped when it holds a '/' and no '=': GRUB multiboot1 and
 * QEMU -kernel put the image path there. Every other word is one option:
 *
 *   only=GLOB[,GLOB...]  skip=GLOB[,GLOB...]   repeatable, OPT_MAX_PATTERNS in all
 *   window=BASE-END      inclusive END, BASE < END; repeatable, OPT_MAX_WINDOWS
 *   level=required|strict  seed=N  rounds=N (1..100000)  bdf=[SSSS:]BB:DD.F (hex)
 *   selftest=NAME  profile=NAME  cfg=ecam|cf8  verbose  latency  list
 *
 * Numbers are decimal or 0x-hex ("010" is ten, not octal); overflow is an
 * error. Every option but only/skip/window may appear once. Anything unknown,
 * malformed, too long or too many is an error: nothing is silently cut. */
#ifndef BARMOVE_OPTIONS_H
#define BARMOVE_OPTIONS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum run_level { LEVEL_REQUIRED, LEVEL_STRICT };
enum cfg_mechanism { CFG_AUTO, CFG_ECAM, CFG_CF8 };

#define OPT_MAX_PATTERNS 16
#define OPT_MAX_WINDOWS 8
#define OPT_PATTERN_LEN 64 /* including the NUL */
#define OPT_ROUNDS_MAX 100000u

struct addr_window {
    uint64_t base, end; /* end inclusive, as in ACPI _CRS */
};

struct options {
    char only[OPT_MAX_PATTERNS][OPT_PATTERN_LEN];
    unsigned only_count;
    char skip[OPT_MAX_PATTERNS][OPT_PATTERN_LEN];
    unsigned skip_count;
    enum run_level level; /* default required */
    uint64_t seed;
    bool seed_given;
    unsigned rounds; /* default 1, 1..OPT_ROUNDS_MAX */
    struct addr_window windows[OPT_MAX_WINDOWS];
    unsigned window_count;
    bool bdf_given;
    uint16_t segment;
    uint8_t bus, device, function;
    bool verbose, latency, list;
    char selftest[32];       /* "" = none, else one of options_selftest_names */
    char profile[32];        /* default "spec"; spec, hyperv, xen-vpci (kernel/profiles.c) */
    enum cfg_mechanism cfg;  /* default auto */
};

/* Fills o with the defaults (what an empty command line gives). */
void options_init(struct options *o);

/* 0 on success; -1 with a one-line message in err that quotes the offending
 * word ("unknown option 'foo=1'"). On error *out holds the defaults again:
 * the caller reports err and bails out. cmdline NULL is the empty line. */
int options_parse(const char *cmdline, struct options *out, char *err, size_t err_size);

/* A check runs when (no only= pattern, or one matches) and no skip= pattern
 * matches; a pattern matches the check id or the whole description
 * (e.g. "00:04.0 BAR2 decode-toggle"). description may be NULL. */
bool options_selects(const struct options *o, const char *check_id, const char *description);

/* NULL-terminated tables of the accepted selftest= and profile= names. */
extern const char *const options_selftest_names[];
extern const char *const options_profile_names[];

#endif

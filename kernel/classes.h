/* The bug classes and the diagnosis (issue 7 item 4).
 *
 * The class table (classes.c) is the project's own copy of the team's
 * bug-class catalogue (../shared/BUGS.md, sections A-F and the G facts that
 * diagnostics cite, read 2026-11); the build never reads ../shared/.
 *
 * The diagnosis: when the engine reports a failure it fills one struct
 * observation (what step ran, what the oracle wanted, what was seen) and
 * asks classes_diagnose() for the classes whose signature matches, from ONE
 * table of signatures shared by every check (classes.c). Some classes look
 * alike from inside a guest: then a signature names all of them, and the
 * table says so.
 *
 * Checks that compare outside the engine (the sweep after every relocation
 * check, cfg-consistency, function-isolation, restore, msix-follows'
 * give-back, baseline's refused probe, topology-bars-disjoint) fill the same
 * struct observation with what they saw and ask the same table; no check
 * names a class itself. */
#ifndef BARMOVE_CLASSES_H
#define BARMOVE_CLASSES_H
#include <stdbool.h>
#include <stddef.h>

struct bug_class {
    const char *id;    /* as BUGS.md spells it */
    char section;      /* 'A'..'G' */
    const char *what;  /* one line */
    const char *where; /* seen in (short) */
};

extern const struct bug_class bug_classes[];
extern const unsigned bug_class_count;
/* by id, or NULL */
const struct bug_class *bug_class(const char *id);

/* the kind of step whose result was wrong */
enum obs_step {
    OBS_AS_FOUND,   /* before any write */
    OBS_MSE_OFF,    /* COMMAND write clearing Memory Space Enable */
    OBS_MSE_ON,     /* COMMAND write setting it */
    OBS_COMMAND,    /* any other COMMAND write (other bits, same MSE) */
    OBS_BAR_LOW,    /* a write to a BAR's low dword (or a 32-bit BAR) */
    OBS_BAR_HIGH,   /* a write to a 64-bit BAR's high dword */
    OBS_SIZING,     /* a BAR write of a sizing value (all address bits set) */
    OBS_RESTORE,    /* a BAR write after a sizing value (the restore, or a move without one) */
    OBS_BAR_NARROW, /* a 1- or 2-byte BAR write */
    OBS_CONTENTS,   /* fill / verify / scribble of a RAM-backed BAR */
    OBS_BRIDGE,     /* a write to a bridge above the target */
    OBS_LOOK,       /* no write: a second look */
    OBS_IO,         /* a device request (NVMe admin command) through the BAR */
    OBS_AFTER,      /* after the check's last step: the sweep over every probed BAR (touched or
                       not), or a compare of config registers with what they held before */
    OBS_STEP_KINDS
};

/* what was wrong */
enum obs_what {
    OBS_AT_OLD,        /* answers (only) at where it answered before this step */
    OBS_NOWHERE,       /* must answer somewhere, answers at no watched address */
    OBS_AT_TRANSIENT,  /* answers at new_lo|old_hi or old_lo|new_hi (not the recorded address) */
    OBS_AT_BOTH,       /* answers where it must and also at its old address */
    OBS_AT_RECORDED,   /* answers at its recorded address although it must answer nowhere */
    OBS_ELSEWHERE,     /* answers at some other watched address */
    OBS_READBACK,      /* a BAR or COMMAND write does not read back as written */
    OBS_CONTENTS_LOST, /* a RAM-backed BAR lost the pattern the guest wrote */
    OBS_IO_FAILED,     /* a request through the BAR where it answers did not complete as asked */
    OBS_DOORBELL_STALE, /* a doorbell rung where the BAR must not answer started the request */
    OBS_CFG_DIFFERS,   /* one config register reads differently through ECAM and through 0xCF8 */
    OBS_IDENTITY,      /* a function's header reads another identity (or BARs) than enumerated */
    OBS_STALE_READ,    /* answered nowhere, but where it must once the address's cached
                          translation was dropped (hw_mmio_refresh) */
    OBS_WHAT_KINDS
};

struct observation {
    enum obs_step step;
    enum obs_what what;
    bool decode;        /* the target's recorded MSE after the step */
    bool other;         /* the failing BAR (or register) is not the one the step wrote; OBS_AFTER:
                           not of a function the check (or any check, for restore) wrote */
    bool readback_old;  /* OBS_READBACK: the register reads back its value from before the write */
    bool readback_zero; /* OBS_READBACK: it reads back 0 although the guest wrote a nonzero value */
    bool new_low;       /* OBS_AT_TRANSIENT: at new_lo|old_hi (else old_lo|new_hi) */
    bool unaligned;     /* the check wrote address bits below the BAR's size (hardware masks them) */
    bool overlap;       /* the BAR's range meets another target's, recorded or where it last answered */
    bool same_block;    /* the BAR shares a 64 KiB block with another target's range (no byte
                           in common): where a 64 KiB-granular decoder refuses it */
    bool sibling;       /* ... and that target is another function of the same device; outside the
                           engine: the failing function is another function of a device whose
                           function was written, or the wrong value is such a function's */
    enum obs_probe { OBS_PROBE_REGISTER, OBS_PROBE_RAM, OBS_PROBE_MSIX } probe; /* what identifies it */
};

#define DIAG_MAX_CLASSES 16

/* the ids (BUGS.md) whose signature matches o, deduplicated, in table
 * order; returns how many (0: no signature matches) */
unsigned classes_diagnose(const struct observation *o, const char **ids, unsigned max);

struct check_result;
/* the one call at a failure point (the engine's, or a check's outside it):
 * diagnoses o, adds the YAML line "class: a, b" to r and records the ids
 * with check_classes(); nothing when r was diagnosed already (the first
 * failure explains the rest) */
void check_diagnose(struct check_result *r, const struct observation *o);

/* "a, b, c" into buf; "unknown" for none */
void classes_join(const char *const *ids, unsigned n, char *buf, size_t size);

/* the signature table itself, for tests and documentation */
struct signature {
    unsigned steps;         /* mask of 1u << enum obs_step */
    unsigned whats;         /* mask of 1u << enum obs_what */
    signed char decode;     /* -1 any, 0 decode off, 1 decode on */
    signed char other;      /* -1 any, 0 the written BAR, 1 another BAR */
    signed char old;        /* OBS_READBACK only: -1 any, 1 reads back the old value, 0 another */
    signed char new_low;    /* OBS_AT_TRANSIENT only: -1 any, 1 new_lo|old_hi, 0 old_lo|new_hi */
    const char *classes[5]; /* the classes this observation can be (look-alikes together) */
    const char *note;
    /* further conditions, 0 = any */
    unsigned char unaligned; /* 1: only when the check wrote bits below the size */
    unsigned char overlap;   /* 1: only when the BAR meets another target's range */
    unsigned char sibling;   /* 1: only when that one is another function of the same device */
    unsigned probes;         /* mask of 1u << enum obs_probe */
    unsigned char zero;      /* 1: OBS_READBACK only when it reads 0 after a nonzero write */
    unsigned char same_block; /* 1: only when the BAR shares a 64 KiB block with another's */
};
extern const struct signature signatures[];
extern const unsigned signature_count;

/* known gaps: classes whose mutant's failures the diagnosis cannot name
 * yet, and why (the simulator lists them, and fails on any other miss).
 * None today: diagnosis_gap_count is 0. */
struct diagnosis_gap {
    const char *id;
    const char *why;
};
extern const struct diagnosis_gap diagnosis_gaps[];
extern const unsigned diagnosis_gap_count;
const struct diagnosis_gap *diagnosis_gap(const char *id);

#endif

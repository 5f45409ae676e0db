/* The relocation engine (DESIGN §3): a check is data — a list of steps over
 * one or more target BARs. The engine applies each step through the seam,
 * records it in the guest's own shadow of config space, verifies the write
 * stuck, then looks for every target at every address of interest and
 * compares with the one oracle. The first difference fails the check with
 * YAML diagnostics (step, readback, expected and observed location, values
 * read, the step's latency). Shared code: the kernel and the simulator run
 * the same engine over their own seam. */
#ifndef BARMOVE_ENGINE_H
#define BARMOVE_ENGINE_H
#include <stdbool.h>
#include <stdint.h>

#include "../drivers/probes.h"
#include "check.h"
#include "classes.h"
#include "oracle.h"
#include "shadow.h"

#define ENGINE_MAX_TARGETS 64
#define ENGINE_MAX_ADDRESSES 256
#define ENGINE_MAX_STEPS 512

enum step_kind {
    STEP_COMMAND,   /* write COMMAND (width 1, 2 or 4) with value */
    STEP_MSE,       /* COMMAND as recorded with MSE set (value 1) or cleared (0), at width */
    STEP_CONFIG,    /* write a config register: offset, width, value */
    STEP_LOOK,      /* no write: look again (e.g. after a pause with decode off) */
    STEP_FILL,      /* RAM-backed BAR: write the pattern (seed: value) where it answers */
    STEP_VERIFY,    /* RAM-backed BAR: the pattern must read back where it answers */
    STEP_SCRIBBLE,  /* write junk at the BAR's old or new address while it must not
                       answer there (value: 0 = recorded address, 1 = its home) */
    STEP_NVME_IDENTIFY, /* NVMe BAR0: an admin Identify Controller where it answers, start to stop */
    STEP_NVME_SUBMIT,   /* NVMe BAR0: enable the controller, put an Identify in the SQ, no doorbell */
    STEP_NVME_STALE,    /* ring the SQ0 doorbell where the BAR must not answer (value as
                           STEP_SCRIBBLE): nothing may complete within a bounded wait */
    STEP_NVME_COMPLETE, /* ring the doorbell where it answers; the Identify must complete; stop */
    STEP_VIRTIO_REQUEST, /* virtio-rng: one 16-byte request through the BAR where it answers, reset to reset */
    STEP_VIRTIO_SUBMIT,  /* virtio-rng: set up queue 0, make one buffer available, no notify */
    STEP_VIRTIO_STALE,   /* notify queue 0 where the BAR must not answer (value as
                            STEP_SCRIBBLE): the used index may not move within a bounded wait */
    STEP_VIRTIO_COMPLETE, /* notify where it answers; the buffer must come back filled; reset */
};

struct step {
    enum step_kind kind;
    const char *name; /* "MSE off", "write low", ... for diagnostics */
    unsigned target;  /* index into the engine's targets (whose function is written) */
    int fn;           /* or, when >= 0, this function (a bridge above the target) */
    uint16_t offset;
    uint8_t width;
    uint32_t value;
};

struct target {
    unsigned fn;         /* index in the topology / shadow */
    unsigned bar_num;
    struct probe probe;
    uint64_t home;       /* where firmware put it: restored at the end */
    uint32_t pattern_seed; /* of the contents pattern last written (STEP_FILL) */
};

struct engine {
    struct shadow *shadow;
    struct target targets[ENGINE_MAX_TARGETS];
    unsigned target_count;
    uint64_t addresses[ENGINE_MAX_ADDRESSES]; /* of interest, deduplicated */
    /* whose each address is: bit k, target k's (its home, where its steps
     * take it, its transients); ENGINE_EVERYONE, a free slot every target is
     * looked for at after every step */
    uint64_t address_owners[ENGINE_MAX_ADDRESSES];
    unsigned address_count;
    struct step steps[ENGINE_MAX_STEPS];
    unsigned step_count;
    uint64_t (*random)(void *ctx);
    void *random_ctx;
    void (*log)(const char *text); /* verbose step log (verbose option), may be NULL */
    /* announces step n of of before it is made (runner_step), may be NULL */
    void (*progress)(unsigned n, unsigned of, const char *name);
    /* optional: between targets of a look at every address (the watchdog's progress) */
    void (*alive)(void);
    /* optional: a probed BAR outside the run (the sweep looks for it at the
     * run's addresses) holds a nonce that nonce would clash with */
    bool (*nonce_taken_outside)(const struct probe *p, uint64_t nonce, const void *ctx); /* ctx: NULL */
    uint64_t latency_ns[ENGINE_MAX_STEPS]; /* per step, filled by engine_run */
    uint64_t planned[ENGINE_MAX_TARGETS];  /* where the steps built so far leave each target */
    bool overflow; /* a builder asked for more than the bounds: the run fails, never truncates */
    /* the steps overlap BARs, safe only while decode is really off: a failure
     * ends the run (engine_run otherwise goes on to show later deviations) */
    bool stop_at_failure;
};

void engine_init(struct engine *e, struct shadow *s, uint64_t (*random)(void *), void *ctx);
unsigned engine_add_target(struct engine *e, unsigned fn, unsigned bar_num, const struct probe *p);
#define ENGINE_EVERYONE (~0ull) /* one bit per target: ENGINE_MAX_TARGETS <= 64 */
_Static_assert(ENGINE_MAX_TARGETS <= 64, "address_owners holds one bit per target");
/* an address of interest to every target (a free slot) */
void engine_watch(struct engine *e, uint64_t addr);
/* an address of target k's: its steps take it there (or half-way there) */
void engine_watch_for(struct engine *e, unsigned k, uint64_t addr);
/* step builders: each appends one step */
void engine_mse(struct engine *e, unsigned target, bool on, unsigned width, const char *name);
void engine_command(struct engine *e, unsigned target, uint16_t value, unsigned width, const char *name);
void engine_bar_low(struct engine *e, unsigned target, uint32_t value, const char *name);
void engine_bar_high(struct engine *e, unsigned target, uint32_t value, const char *name);
void engine_config(struct engine *e, unsigned target, uint16_t offset, unsigned width, uint32_t value,
                   const char *name);
/* writes to a bridge above the targets: its COMMAND's MSE, or a window register */
void engine_bridge_mse(struct engine *e, unsigned fn, bool on, const char *name);
void engine_bridge_config(struct engine *e, unsigned fn, uint16_t offset, unsigned width,
                          uint32_t value, const char *name);
/* records that target k's steps now take it to `to`; returns where they took it before */
uint64_t engine_plan_move(struct engine *e, unsigned k, uint64_t to);
/* the steps that put target t back where firmware left it (decode off, low, high, decode on) */
void engine_restore_steps(struct engine *e, unsigned t);
void engine_look(struct engine *e, const char *name);
/* contents of a RAM-backed BAR (DESIGN contents check): a pattern of
 * ENGINE_PATTERN_WORDS words spread over the BAR (clear of the probe word) */
#define ENGINE_PATTERN_WORDS 8
void engine_fill(struct engine *e, unsigned target, uint32_t seed);
void engine_verify(struct engine *e, unsigned target, const char *name);
void engine_scribble(struct engine *e, unsigned target, bool at_home, const char *name);
/* NVMe admin I/O through BAR0 (kernel/engine_nvme.c; DESIGN works-after-move) */
void engine_nvme(struct engine *e, unsigned target, enum step_kind kind, bool at_home, const char *name);
/* virtio-rng requests through the common config's BAR (kernel/engine_virtio.c) */
void engine_virtio(struct engine *e, unsigned target, enum step_kind kind, bool at_home, const char *name);
/* applies every step, checking after each; true when all matched the oracle */
bool engine_run(struct engine *e, struct check_result *r);
/* what identifies a BAR seen through probe p, as an observation says it (kernel/classes.h) */
enum obs_probe engine_probe_kind(const struct probe *p);

#endif

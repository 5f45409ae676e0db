/* What the relocation checks share: the target BARs (every memory BAR that
 * firmware left decoding, with its probe), the guest's record of config
 * space, test slots from the address map, and the declaration macro.
 * Every check is "a builder of steps" for the engine (kernel/engine.h). */
#ifndef BARMOVE_RELOCATION_H
#define BARMOVE_RELOCATION_H
#include "../../drivers/addrmap.h"
#include "../../kernel/check.h"
#include "../../kernel/engine.h"

enum target_filter {
    TARGET_ANY,   /* every memory BAR */
    TARGET_MEM64, /* 64-bit BARs only: the moves that need two dwords */
    TARGET_MSIX,  /* BARs that hold their function's MSI-X table */
    TARGET_RAM,   /* RAM-backed BARs (ivshmem): their contents must move with them */
    TARGET_BEHIND_BRIDGE, /* BARs of functions below a bridge */
    TARGET_NVME,  /* NVMe BAR0 (class 01:08:02) whose controller halted (the AQA probe) */
    TARGET_VIRTIO_RNG, /* virtio-rng (1af4:1044, 1af4:1005): the common config's BAR (virtio-dfselect) */
    TARGET_WORKS, /* TARGET_NVME and TARGET_VIRTIO_RNG: BARs a request can go through */
};

struct bar_target {
    unsigned fn, bar_num;
    uint64_t home, size;
    bool is64;
    struct probe probe; /* prepared at home; type NONE with a reason when unusable */
    /* a known probe matched but did not behave at the firmware address (the
     * device does not answer there): baseline fails with this, the rest SKIP */
    const char *refused;
};

/* a check's body: appends steps for target t (engine index 0); returns false
 * after calling check_skip when it cannot run (no slot, nothing to do) */
typedef bool (*step_builder)(struct engine *e, const struct bar_target *t, struct check_result *r);

unsigned relocation_count(enum target_filter f);
/* the i-th target of filter f, or NULL */
const struct bar_target *relocation_nth(enum target_filter f, unsigned i);
/* every target BAR (for the restore check) and the guest's record */
const struct bar_target *relocation_targets(unsigned *count);
const struct shadow *relocation_record(void);
/* puts function fn's memory BARs and COMMAND back as firmware left them */
void relocation_put_back(unsigned fn);
void relocation_describe(enum target_filter f, unsigned i, const char *id, char *buf, size_t size);
void relocation_run(enum target_filter f, unsigned i, struct check_result *r, step_builder build);
/* the same with a probe of the check's choosing (prepared at home by the
 * chooser, which returns NULL or the SKIP reason) instead of the BAR's own */
typedef const char *(*probe_chooser)(const struct bar_target *t, struct probe *p);
void relocation_run_probe(enum target_filter f, unsigned i, struct check_result *r,
                          step_builder build, probe_chooser choose);

/* checks over two or more BARs: another target (not of t's function) with a
 * usable probe for which fits() holds, or NULL; then added to the engine */
struct bar_target *relocation_find_partner(const struct bar_target *t,
                                           bool (*fits)(const struct bar_target *t,
                                                        const struct bar_target *c));
unsigned relocation_add_partner(struct engine *e, struct bar_target *p);
/* relocation_run for figures: runs even a BAR with no probe (moved and timed,
 * nothing looked at), then hands the finished engine to report */
typedef void (*engine_report_fn)(const struct engine *e);
void relocation_run_measured(enum target_filter f, unsigned i, struct check_result *r,
                             step_builder build, engine_report_fn report);
/* one test point over every target with a probe (engine targets 0..n-1 in
 * relocation order); the builder appends steps for all of them */
typedef bool (*group_builder)(struct engine *e, struct check_result *r);
void relocation_run_group(struct check_result *r, group_builder build);
#define SLOT_OWNER 0xfffffffeu /* the address map's tag for a check's test slots */
/* memory BARs the relocation checks consider: 100 NVMe controllers and the
 * platform's own (at 64, 40 of 100 NVMe went untested, unsaid) */
#define RELOCATION_MAX_TARGETS 256

/* a free, naturally aligned slot, reserved until the check ends; false: none */
bool slot_take(uint64_t size, const struct addrmap_constraint *c, uint64_t *addr);
/* a slot for a 64-bit move from old whose transient mixes (new_lo|old_hi,
 * old_lo|new_hi) are free too, so a half-written BAR lands on nothing */
bool slot_take_move(uint64_t old, uint64_t size, const struct addrmap_constraint *c, uint64_t *addr);

/* where target t may be moved: inside its bridge's window (prefetchable one
 * for a prefetchable BAR when open), else below or above 4 GiB as asked;
 * false when no such space can exist (the reason goes to *why) */
bool target_space(const struct bar_target *t, bool above_4g, struct addrmap_constraint *c,
                  const char **why);
enum slot_side {
    SLOT_PREFER_HIGH, /* above 4 GiB for a 64-bit BAR where its bridge allows, else below */
    SLOT_HIGH,        /* above 4 GiB (64-bit BARs) */
    SLOT_LOW,         /* below 4 GiB */
};
/* a slot for t's move (transients free for 64-bit BARs); check_skip (unless r is
 * NULL) and false when none */
bool take_move_slot(const struct bar_target *t, enum slot_side side, struct check_result *r,
                    uint64_t *addr);

/* steps for a whole move of engine target 0 to addr: low then high, or high then low */
void steps_write_bar(struct engine *e, uint64_t addr, bool is64, bool high_first);
/* the same for engine target k */
void steps_write_bar_of(struct engine *e, unsigned k, uint64_t addr, bool is64, bool high_first);

#define BAR_CHECK(name, id_text, level_value, filter, builder)                                  \
    static unsigned name##_count(void) { return relocation_count(filter); }                     \
    static void name##_describe(unsigned i, char *buf, size_t size)                             \
    {                                                                                           \
        relocation_describe(filter, i, id_text, buf, size);                                     \
    }                                                                                           \
    static void name##_run(unsigned i, struct check_result *r) { relocation_run(filter, i, r, builder); } \
    CHECK(name) = {.id = id_text, .level = level_value, .instances = name##_count,              \
                   .describe = name##_describe, .run = name##_run}

#endif

/* kernel/engine*.c on the fake fabric (see test_engine.h): every guest
 * sequence passes on a conformant fabric and leaves it as found, and a
 * deliberately wrong record is reported so it can be understood unrun. */
#include <stdio.h>

#include "../../kernel/engine.h"
#include "../../kernel/prng.h"
#include "../../kernel/runner.h"
#include "harness.h"
#include "test_engine.h"

struct host_target {
    unsigned fn, bar_num;
    bool is64;
    uint64_t home, to; /* the move's slot: below 4 GiB (32-bit), above it (64-bit) */
    struct probe probe;
};

typedef void (*builder)(struct engine *e, const struct host_target *t);

static struct pci_topology topo;
static struct shadow record;
static struct host_target targets[2]; /* edu BAR0, ivshmem BAR2 */
static struct engine engine;
static struct prng prng;
static const struct fake_faults *point_faults;
static unsigned tamper_after; /* the demo: step after which the record goes wrong (0: never) */
static unsigned logged_steps;

static void prepare(struct host_target *t, unsigned fn, unsigned bar_num, uint64_t to)
{
    const struct pci_function *f = &topo.functions[fn];
    *t = (struct host_target){fn, bar_num, f->bars[bar_num].kind == PCI_BAR_MEM64,
                              f->bars[bar_num].addr, to, {0}};
    EXPECT(probe_find(f, bar_num, &t->probe));
    EXPECT(probe_prepare(&t->probe, t->home) == NULL);
    EXPECT(probe_plant(&t->probe, t->home, probe_usable_nonce(&t->probe, prng_next(&prng))));
}

/* the fabric as firmware left it, enumerated, recorded, probes planted */
static void fabric(void)
{
    static const struct pci_root root0 = {0, 0};
    fake_pci_reset();
    fake_dev_edu(BDF(0, 2, 0), (uint32_t)EDU_HOME);
    fake_dev_ivshmem(BDF(0, 3, 0), SHM_HOME);
    EXPECT_EQ(pci_enumerate(&root0, 1, &topo, fake_warn), 2);
    shadow_init(&record, &topo);
    prng_seed(&prng, 42);
    prepare(&targets[0], 0, 0, EDU_NEW);
    prepare(&targets[1], 1, 2, SHM_HIGH);
}

/* ---- the guest's sequences (tests/guest/checks_*.c), target 0 ---- */

static void write_bar(struct engine *e, uint64_t addr, bool is64, bool high_first)
{
    if (is64 && high_first)
        engine_bar_high(e, 0, (uint32_t)(addr >> 32), "write high");
    engine_bar_low(e, 0, (uint32_t)addr, "write low");
    if (is64 && !high_first)
        engine_bar_high(e, 0, (uint32_t)(addr >> 32), "write high");
}

static void decode_toggle(struct engine *e, const struct host_target *t)
{
    (void)t;
    engine_mse(e, 0, false, 2, "MSE off");
    engine_look(e, "still off");
    engine_mse(e, 0, true, 2, "MSE on");
}

static void move_off(struct engine *e, const struct host_target *t, bool high_first)
{
    engine_mse(e, 0, false, 2, "MSE off");
    write_bar(e, t->to, t->is64, high_first);
    engine_mse(e, 0, true, 2, "MSE on");
    engine_restore_steps(e, 0);
}

static void move_off_lo_hi(struct engine *e, const struct host_target *t) { move_off(e, t, false); }
static void move_off_hi_lo(struct engine *e, const struct host_target *t) { move_off(e, t, true); }

static void move_dark(struct engine *e, const struct host_target *t)
{
    engine_mse(e, 0, false, 2, "MSE off");
    write_bar(e, t->to, t->is64, false);
    engine_look(e, "dark at new");
    engine_bar_low(e, 0, (uint32_t)t->to, "write low again");
    engine_look(e, "still dark");
    engine_mse(e, 0, true, 2, "MSE on");
    engine_restore_steps(e, 0);
}

static void move_low_only(struct engine *e, const struct host_target *t)
{
    (void)t;
    engine_mse(e, 0, false, 2, "MSE off");
    engine_bar_low(e, 0, (uint32_t)SHM_LOW, "write low only");
    engine_mse(e, 0, true, 2, "MSE on");
    engine_restore_steps(e, 0);
}

static void move_high_only(struct engine *e, const struct host_target *t)
{
    (void)t;
    engine_mse(e, 0, false, 2, "MSE off");
    engine_bar_high(e, 0, (uint32_t)(SHM_BLOCK >> 32), "write high only");
    engine_mse(e, 0, true, 2, "MSE on");
    engine_restore_steps(e, 0);
}

static void cross_4g(struct engine *e, const struct host_target *t)
{
    (void)t; /* home below 4 GiB: out above it, back below, then home */
    engine_mse(e, 0, false, 2, "MSE off");
    write_bar(e, SHM_HIGH, true, false);
    engine_mse(e, 0, true, 2, "MSE on above 4 GiB");
    engine_mse(e, 0, false, 2, "MSE off");
    write_bar(e, SHM_LOW, true, true);
    engine_mse(e, 0, true, 2, "MSE on below 4 GiB");
    engine_restore_steps(e, 0);
}

static void move_on(struct engine *e, const struct host_target *t, bool high_first)
{
    write_bar(e, t->to, t->is64, high_first);
    engine_look(e, "settled at new");
    engine_restore_steps(e, 0);
}

static void move_on_lo_hi(struct engine *e, const struct host_target *t) { move_on(e, t, false); }
static void move_on_hi_lo(struct engine *e, const struct host_target *t) { move_on(e, t, true); }

/* ---- the local check table: one point per target, as relocation.c runs them ---- */

static uint64_t draw(void *ctx)
{
    return prng_next(ctx);
}

/* the demo's wrong record: the guest "forgets" its last BAR write */
static void tamper(const char *text)
{
    (void)text;
    if (++logged_steps == tamper_after)
        shadow_write(&record, targets[0].fn, PCI_BAR0, 4, (uint32_t)targets[0].home);
}

static void run_point(bool only64, unsigned i, struct check_result *r, builder build)
{
    if (point_faults) {
        fabric();
        fake_faults = *point_faults;
    }
    struct host_target *t = &targets[only64 ? 1 : i];
    engine_init(&engine, &record, draw, &prng);
    engine_add_target(&engine, t->fn, t->bar_num, &t->probe);
    engine.log = tamper;
    logged_steps = 0;
    build(&engine, t);
    if (engine_run(&engine, r))
        check_pass(r);
    t->probe = engine.targets[0].probe; /* the nonce planted last */
}

static void describe(bool only64, unsigned i, const char *id, char *buf, size_t size)
{
    const struct host_target *t = &targets[only64 ? 1 : i];
    char bar[32];
    pci_bar_describe(&topo.functions[t->fn], t->bar_num, bar, sizeof bar);
    snprintf(buf, size, "%s %s", bar, id);
}

#define SEQUENCE(name, id, only64)                                                        \
    static const char name##_id[] = id;                                                   \
    static unsigned name##_count(void) { return only64 ? 1 : 2; }                         \
    static void name##_describe(unsigned i, char *b, size_t n) { describe(only64, i, id, b, n); } \
    static void name##_run(unsigned i, struct check_result *r) { run_point(only64, i, r, name); }
#define ENTRY(name, level_)                                                               \
    {.id = name##_id, .level = level_, .instances = name##_count, .describe = name##_describe, \
     .run = name##_run}

SEQUENCE(decode_toggle, "decode-toggle", false)
SEQUENCE(move_off_lo_hi, "move-off-lo-hi", false)
SEQUENCE(move_off_hi_lo, "move-off-hi-lo", true)
SEQUENCE(move_dark, "move-dark", false)
SEQUENCE(move_low_only, "move-low-only", true)
SEQUENCE(move_high_only, "move-high-only", true)
SEQUENCE(cross_4g, "cross-4g", true)
SEQUENCE(move_on_lo_hi, "move-on-lo-hi", false)
SEQUENCE(move_on_hi_lo, "move-on-hi-lo", true)

static const struct check table[] = {
    ENTRY(decode_toggle, CHECK_REQUIRED), ENTRY(move_off_lo_hi, CHECK_REQUIRED),
    ENTRY(move_off_hi_lo, CHECK_REQUIRED), ENTRY(move_dark, CHECK_REQUIRED),
    ENTRY(move_low_only, CHECK_REQUIRED), ENTRY(move_high_only, CHECK_REQUIRED),
    ENTRY(cross_4g, CHECK_REQUIRED), ENTRY(move_on_lo_hi, CHECK_STRICT),
    ENTRY(move_on_hi_lo, CHECK_STRICT),
};

/* ---- running it, TAP captured ---- */

static char tap[65536];
static size_t tap_len;

static void capture(const char *s, size_t n)
{
    if (tap_len + n < sizeof tap) {
        memcpy(tap + tap_len, s, n);
        tap[tap_len += n] = '\0';
    }
}

static void no_exit(int code) { (void)code; }

int engine_table_run(const char *options, const struct fake_faults *faults)
{
    static struct options o;
    static struct tap t;
    char cmdline[256], err[128];
    snprintf(cmdline, sizeof cmdline, "level=strict %s", options);
    EXPECT_EQ(options_parse(cmdline, &o, err, sizeof err), 0);
    tap_len = 0;
    tap[0] = '\0';
    point_faults = faults;
    fabric(); /* also names the points: describe reads the topology */
    struct runner rn = {.tap = &t, .options = &o, .exit = no_exit};
    tap_begin(&t, capture);
    return runner_run(&rn, table, table + sizeof table / sizeof table[0]);
}

const char *engine_tap(void)
{
    return tap;
}

const char *engine_yaml(const char *key)
{
    static char value[512];
    char needle[64];
    snprintf(needle, sizeof needle, "\n  %s: ", key);
    const char *at = strstr(tap, needle);
    value[0] = '\0';
    if (at) {
        at += strlen(needle);
        snprintf(value, sizeof value, "%.*s", (int)strcspn(at, "\n"), at);
    }
    return value;
}

const char *engine_failed_points(void)
{
    static char list[1024];
    size_t used = 0;
    list[0] = '\0';
    for (const char *p = tap; (p = strstr(p, "\nnot ok ")) != NULL; p++) {
        const char *desc = strstr(p, " - ") + 3;
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%.*s", used ? "; " : "",
                                 (int)strcspn(desc, "\n"), desc);
    }
    return list;
}

void engine_expect_yaml_keys(const char *file, int line)
{
    static const char *const keys[] = {"message", "step",     "latency_ns", "target",
                                       "readback", "recorded", "expected",   "observed", "read"};
    for (unsigned k = 0; k < sizeof keys / sizeof keys[0]; k++)
        host_expect(engine_yaml(keys[k])[0] != '\0', keys[k], file, line);
}

/* ---- a conformant fabric ---- */

TEST(engine_passes_every_guest_sequence_and_leaves_the_fabric_as_found)
{
    EXPECT_EQ(engine_table_run("", NULL), 0);
    EXPECT(strstr(tap, "1..13\n") != NULL);
    EXPECT(strstr(tap, "barmove: 13 passed, 0 failed, 0 skipped, 0 todo\n") != NULL);
    EXPECT(strstr(tap, "ok 13 - 00:03.0 BAR2 move-on-hi-lo\n") != NULL);
    EXPECT(fake_pci_as_found());
    for (unsigned k = 0; k < 2; k++) { /* the record agrees, and the probes put back */
        struct host_target *t = &targets[k];
        EXPECT_EQ(shadow_bar_addr(&record, t->fn, t->bar_num), t->home);
        EXPECT_EQ(shadow_command(&record, t->fn), PCI_COMMAND_MEMORY);
        EXPECT(probe_restore(&t->probe, t->home));
    }
    EXPECT_EQ(fake_mmio_stats()->bad_accesses, 0);
    EXPECT_EQ(fake_pci_stats()->bad_accesses, 0);
}

/* ---- a deliberately wrong expectation ---- */

/* The guest's record is made to forget the move at step 3 ("MSE on"): it
 * says 0xfe000000 while the device, rightly, answers at 0xfd000000. The
 * report names the step and both addresses, and readback vs recorded shows
 * that the record, not the device, is the odd one out. */
TEST(engine_wrong_record_is_reported_with_step_and_both_addresses)
{
    tamper_after = 3;
    EXPECT_EQ(engine_table_run("only=00:02.0?BAR0?move-off-lo-hi", NULL), 1);
    tamper_after = 0;
    EXPECT(strstr(tap, "not ok 1 - 00:02.0 BAR0 move-off-lo-hi\n  ---\n") != NULL);
    EXPECT_STR(engine_yaml("message"),
               "does not answer at 0x00000000fe000000 after \"MSE on\" (decode on and forwarded: "
               "answers at 0xfe000000-0xfe0fffff only)");
    EXPECT_STR(engine_yaml("step"), "3/6 \"MSE on\"");
    EXPECT_STR(engine_yaml("target"), "00:02.0 BAR0 (probe edu-liveness)");
    EXPECT_STR(engine_yaml("readback"),
               "{bar_low: 0xfd000000, bar_high: 0x00000000, command: 0x0002}");
    EXPECT_STR(engine_yaml("recorded"), "{address: 0x00000000fe000000, command: 0x0002}");
    EXPECT_STR(engine_yaml("expected"), "answers at 0x00000000fe000000 only");
    EXPECT_STR(engine_yaml("observed"), "answers at 0x00000000fd000000");
    engine_expect_yaml_keys(__FILE__, __LINE__);
}

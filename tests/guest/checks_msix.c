/* What sits behind a BAR must move with it: the MSI-X table (BUGS.md E).
 * Hypervisors emulate the table themselves (it is where interrupts are
 * routed), keyed by the BAR's address: a move they miss leaves the table at
 * the old address, or live while decode is off, or wiped.
 *
 * The MSI-X probe (drivers/probe_msix.c) plants a nonce in entry 0's Message
 * Data with its mask bit flipped; the engine proves after every config write
 * that the table answers where the oracle says and nowhere else. It is safe
 * only while MSI-X is disabled, which the probe checks. */
#include "../../kernel/platform.h"
#include "relocation.h"

/* ---- the MSI-X probe for a BAR whose own probe is another one ---- */

/* the MSI-X probe as prepared at home: what entry 0 held, to give it back */
static struct probe chosen;
static bool chosen_ready;
/* another probe on the same BAR, for relocation_add_partner (rewrite-same) */
static struct bar_target extra;

static bool holds_table(const struct bar_target *t)
{
    const struct pci_caps *c = &platform()->pci.functions[t->fn].caps;
    return c->msix && c->msix_info.table_bir == t->bar_num;
}

/* target i of the TARGET_MSIX list (relocation.c's selection, same order) */
static const struct bar_target *table_target(unsigned i)
{
    unsigned count;
    const struct bar_target *all = relocation_targets(&count);
    for (unsigned k = 0; k < count; k++)
        if (holds_table(&all[k]) && i-- == 0)
            return &all[k];
    return NULL;
}

static bool own_probe_is_msix(const struct bar_target *t)
{
    return t->probe.type == &probe_msix_table;
}

/* probe_chooser: the MSI-X probe, prepared and planted at home (the BAR
 * decodes there between checks); NULL or the SKIP reason */
static const char *choose_msix(const struct bar_target *t, struct probe *p)
{
    const struct pci_function *f = &platform()->pci.functions[t->fn];
    chosen_ready = false;
    if (!probe_find_msix(f, t->bar_num, p))
        return p->reason;
    const char *refused = probe_prepare(p, t->home);
    if (refused)
        return refused;
    chosen = *p; /* from here on, give_back puts entry 0 back */
    chosen_ready = true;
    if (!probe_plant(p, t->home, probe_usable_nonce(p, prng_next(&platform_rw()->prng))))
        return "planting a nonce in MSI-X entry 0 failed";
    return NULL;
}

/* After a run with the chosen probe: entry 0 as firmware left it (the restore
 * check gives back only each BAR's own probe). Only where the record says the
 * BAR decodes at home again; elsewhere the restore check reports the BAR. */
static void give_back(const struct bar_target *t, struct check_result *r)
{
    uint64_t at = 0;
    if (!chosen_ready)
        return;
    chosen_ready = false;
    if (oracle_answer(relocation_record(), t->fn, t->bar_num, &at) != ORACLE_AT || at != t->home)
        return;
    if (probe_restore(&chosen, t->home))
        return;
    check_fail(r, "MSI-X entry 0 did not take its original value back at 0x%016llx",
               (unsigned long long)t->home);
    /* entry 0 does not keep a write at the BAR's home: no table answers there */
    check_diagnose(r, &(struct observation){.step = OBS_AFTER, .what = OBS_NOWHERE, .decode = true,
                                            .probe = OBS_PROBE_MSIX});
}

/* ---- msix-follows ---- */

/* Hazard: the table emulation stays at the BAR's old address (Xen
 * msixtbl_pt_register keeps an existing entry's address; BUGS.md
 * msix-stays), or still answers while MSE=0 (ACRN, Xen msixtbl;
 * msix-ignores-mse). Expect: the move is done as Linux does it (MSE off,
 * low, high, MSE on); the table is silent while MSE=0, readable and writable
 * at the new address (a fresh nonce is planted there and found), silent at
 * the old one; then the same back home. */
static bool build_follows(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    uint64_t to;
    if (!take_move_slot(t, SLOT_PREFER_HIGH, r, &to))
        return false;
    engine_mse(e, 0, false, 2, "MSE off");
    steps_write_bar(e, to, t->is64, false);
    engine_mse(e, 0, true, 2, "MSE on");
    engine_restore_steps(e, 0);
    return true;
}

/* A BAR whose own probe is already the MSI-X one runs with it: a second
 * probe on the same register would overwrite the nonce the after-check sweep
 * looks for. Any other table BAR (NVMe BAR0) runs with the chosen probe. */
static void run_follows(unsigned i, struct check_result *r)
{
    const struct bar_target *t = table_target(i);
    if (t && own_probe_is_msix(t)) {
        relocation_run(TARGET_MSIX, i, r, build_follows);
        return;
    }
    relocation_run_probe(TARGET_MSIX, i, r, build_follows, choose_msix);
    if (t)
        give_back(t, r);
}

static unsigned count_follows(void)
{
    return relocation_count(TARGET_MSIX);
}

static void describe_follows(unsigned i, char *buf, size_t size)
{
    relocation_describe(TARGET_MSIX, i, "msix-follows", buf, size);
}

CHECK(msix_follows) = {.id = "msix-follows", .level = CHECK_REQUIRED, .instances = count_follows,
                       .describe = describe_follows, .run = run_follows};

/* ---- rewrite-same ---- */

/* the BAR's dwords as the record says they read now, written again */
static void rewrite(struct engine *e, const struct bar_target *t, bool decoding)
{
    uint32_t low = 0, high = 0;
    shadow_expected_read(e->shadow, t->fn, pci_bar_offset(t->bar_num), 4, &low);
    engine_config(e, 0, pci_bar_offset(t->bar_num), 4, low,
                  decoding ? "rewrite low, MSE on" : "rewrite low, MSE off");
    if (!t->is64)
        return;
    shadow_expected_read(e->shadow, t->fn, pci_bar_offset(t->bar_num + 1), 4, &high);
    engine_config(e, 0, pci_bar_offset(t->bar_num + 1), 4, high,
                  decoding ? "rewrite high, MSE on" : "rewrite high, MSE off");
}

/* a table BAR whose own probe is another one: the MSI-X probe watched too */
static void watch_table(struct engine *e, const struct bar_target *t)
{
    if (!holds_table(t) || own_probe_is_msix(t) || choose_msix(t, &extra.probe))
        return;
    extra.fn = t->fn;
    extra.bar_num = t->bar_num;
    relocation_add_partner(e, &extra);
}

/* Hazard: a BAR write is taken as a change even when the value is the same:
 * the hypervisor unmaps and remaps (losing RAM contents), or masks and zeroes
 * the MSI-X table (ACRN vdev_pt_unmap_msix; BUGS.md msix-wiped-on-bar-write,
 * contents-lost). Expect: each BAR dword written with the value it holds,
 * with MSE on, then with MSE off and on again, changes nothing: the BAR, its
 * probe register (RAM word, MSI-X entry) and, on a table BAR, entry 0 with
 * its mask bit, all as before. */
static bool build_rewrite_same(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    (void)r;
    watch_table(e, t);
    rewrite(e, t, true);
    engine_mse(e, 0, false, 2, "MSE off");
    rewrite(e, t, false);
    engine_mse(e, 0, true, 2, "MSE on");
    return true;
}

static void run_rewrite_same(unsigned i, struct check_result *r)
{
    unsigned count;
    const struct bar_target *all = relocation_targets(&count);
    relocation_run(TARGET_ANY, i, r, build_rewrite_same);
    if (i < count)
        give_back(&all[i], r);
}

static unsigned count_rewrite_same(void)
{
    return relocation_count(TARGET_ANY);
}

static void describe_rewrite_same(unsigned i, char *buf, size_t size)
{
    relocation_describe(TARGET_ANY, i, "rewrite-same", buf, size);
}

CHECK(rewrite_same) = {.id = "rewrite-same", .level = CHECK_REQUIRED,
                       .instances = count_rewrite_same, .describe = describe_rewrite_same,
                       .run = run_rewrite_same};

/* Checks of a function's identity (DESIGN §4, second table): a move of one
 * function of a multi-function device must leave its siblings alone, and the
 * two config mechanisms (ECAM and 0xCF8) must show the same header.
 * BUGS.md function-aliasing (cloud-hypervisor ignores the function number)
 * and cfg-latch-mix (kvmtool routes an ECAM access by the stale 0xCF8 latch). */
#include "../../drivers/pci.h"
#include "../../kernel/format.h"
#include "../../kernel/platform.h"
#include "../../kernel/runner.h"
#include "relocation.h"

#define HEADER_BYTES 64 /* the type 0/1 header, read dword by dword */
#define HEADER_DWORDS (HEADER_BYTES / 4)
#define STATUS_INTERRUPT (1u << 19) /* dword 1 bit 19: INTx status, changes by itself */

static const struct pci_function *function_of(unsigned fn)
{
    return &platform()->pci.functions[fn];
}

/* ---- function-isolation ---- */

/* a target of function N != 0 whose slot has another function with a probed BAR */
static bool isolation_target(const struct bar_target *t)
{
    unsigned count;
    const struct bar_target *all = relocation_targets(&count);
    struct pci_bdf b = function_of(t->fn)->bdf;
    if (b.function == 0)
        return false;
    for (unsigned k = 0; k < count; k++)
        if (all[k].fn != t->fn && pci_same_device(function_of(all[k].fn)->bdf, b) &&
            all[k].probe.type->strength != PROBE_NONE)
            return true;
    return false;
}

/* the target index (TARGET_ANY) of instance i, or -1 */
static int isolation_nth(unsigned i)
{
    unsigned n = relocation_count(TARGET_ANY);
    for (unsigned k = 0; k < n; k++)
        if (isolation_target(relocation_nth(TARGET_ANY, k)) && i-- == 0)
            return (int)k;
    return -1;
}

static unsigned isolation_count(void)
{
    unsigned n = 0;
    while (isolation_nth(n) >= 0)
        n++;
    return n ? n : 1; /* one point that says why nothing ran */
}

static void isolation_describe(unsigned i, char *buf, size_t size)
{
    int k = isolation_nth(i);
    if (k < 0)
        format(buf, size, "function-isolation");
    else
        relocation_describe(TARGET_ANY, (unsigned)k, "function-isolation", buf, size);
}

/* partners added to the engine so far (relocation_find_partner returns the first that fits) */
static const struct bar_target *added[ENGINE_MAX_TARGETS];
static unsigned added_count;

static bool sibling_not_added(const struct bar_target *t, const struct bar_target *c)
{
    if (!pci_same_device(function_of(t->fn)->bdf, function_of(c->fn)->bdf))
        return false;
    for (unsigned k = 0; k < added_count; k++)
        if (added[k] == c)
            return false;
    return true;
}

/* Hazard: config access or the mapping of function N acts on function 0
 * (BUGS.md function-aliasing). Expect: function N moves as in
 * move-off-lo-hi; every BAR of the other functions of its slot (engine
 * partners, looked at after every step) stays where it is. */
static bool build_isolation(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    struct bar_target *p;
    uint64_t to;
    added_count = 0;
    while (added_count < ENGINE_MAX_TARGETS - 1 && e->target_count < ENGINE_MAX_TARGETS &&
           (p = relocation_find_partner(t, sibling_not_added)) != NULL) {
        added[added_count++] = p;
        relocation_add_partner(e, p);
    }
    if (!added_count) {
        check_skip(r, "no other function of the slot has a probed BAR");
        return false;
    }
    if (!take_move_slot(t, SLOT_PREFER_HIGH, r, &to))
        return false;
    engine_mse(e, 0, false, 2, "MSE off");
    steps_write_bar(e, to, t->is64, false);
    engine_look(e, "siblings after the move");
    engine_mse(e, 0, true, 2, "MSE on");
    engine_restore_steps(e, 0);
    return true;
}

/* what a function's config header must keep showing: identity and BAR registers */
struct slot_snapshot {
    unsigned fn[8];
    uint32_t id[8], class_rev[8], bars[8][PCI_MAX_BARS];
    unsigned count;
};

static void snapshot_slot(struct pci_bdf b, struct slot_snapshot *s)
{
    const struct pci_topology *pci = &platform()->pci;
    s->count = 0;
    for (unsigned fn = 0; fn < pci->count && s->count < 8; fn++) {
        const struct pci_function *f = &pci->functions[fn];
        if (!pci_same_device(f->bdf, b))
            continue;
        s->fn[s->count] = fn;
        s->id[s->count] = pci_cfg_read32(f->bdf, PCI_VENDOR_ID);
        s->class_rev[s->count] = pci_cfg_read32(f->bdf, PCI_CLASS_REVISION);
        for (unsigned k = 0; k < f->bar_count; k++)
            s->bars[s->count][k] = pci_cfg_read32(f->bdf, pci_bar_offset(k));
        s->count++;
    }
}

static uint32_t enumerated_id(const struct pci_function *f)
{
    return (uint32_t)f->device << 16 | f->vendor;
}

static uint32_t enumerated_class_rev(const struct pci_function *f)
{
    return f->class_code << 8 | f->revision;
}

/* what function-isolation saw, in the signature table's terms (kernel/classes.h):
 * a header of function fn that reads wrong, after the move (else before it) */
static void diagnose_header(unsigned fn, unsigned moved, enum obs_what what, bool after, bool sibling_value,
                            struct check_result *r)
{
    struct observation o = {.step = after ? OBS_AFTER : OBS_AS_FOUND, .what = what};
    o.decode = function_of(fn)->command & PCI_COMMAND_MEMORY;
    o.other = fn != moved;
    o.sibling = sibling_value;
    check_diagnose(r, &o);
}

/* each function's reads are its own: identity as enumerated */
static bool identity_ok(const struct slot_snapshot *s, unsigned moved, bool after, struct check_result *r)
{
    for (unsigned i = 0; i < s->count; i++) {
        const struct pci_function *f = function_of(s->fn[i]);
        if (s->id[i] == enumerated_id(f) && s->class_rev[i] == enumerated_class_rev(f))
            continue;
        check_fail(r, "%02x:%02x.%x reads %08x class %06x %s, enumerated %04x:%04x class %06x",
                   f->bdf.bus, f->bdf.device, f->bdf.function, s->id[i], s->class_rev[i] >> 8,
                   after ? "after the move" : "before the move", f->vendor, f->device, f->class_code);
        bool sibling = false; /* it reads another function of the slot's identity */
        for (unsigned k = 0; k < s->count; k++)
            sibling |= k != i && s->id[i] == enumerated_id(function_of(s->fn[k])) &&
                       s->class_rev[i] == enumerated_class_rev(function_of(s->fn[k]));
        diagnose_header(s->fn[i], moved, OBS_IDENTITY, after, sibling, r);
        return false;
    }
    return true;
}

static void run_isolation(unsigned i, struct check_result *r)
{
    int k = isolation_nth(i);
    if (k < 0) {
        check_skip(r, "no multi-function device with a probed BAR beyond function 0");
        return;
    }
    const struct bar_target *t = relocation_nth(TARGET_ANY, (unsigned)k);
    struct slot_snapshot before, after;
    snapshot_slot(function_of(t->fn)->bdf, &before);
    if (!identity_ok(&before, t->fn, false, r))
        return;
    relocation_run(TARGET_ANY, (unsigned)k, r, build_isolation);
    snapshot_slot(function_of(t->fn)->bdf, &after);
    if (!identity_ok(&after, t->fn, true, r))
        return;
    /* every BAR register of the slot as before (the moved one was restored);
     * a sibling's that changed is another function the check never wrote */
    for (unsigned n = 0; n < before.count; n++) {
        const struct pci_function *f = function_of(before.fn[n]);
        for (unsigned b = 0; b < f->bar_count; b++)
            if (before.bars[n][b] != after.bars[n][b]) {
                check_fail(r, "%02x:%02x.%x BAR%u reads %08x after the move of function %x, %08x before",
                           f->bdf.bus, f->bdf.device, f->bdf.function, b, after.bars[n][b],
                           function_of(t->fn)->bdf.function, before.bars[n][b]);
                diagnose_header(before.fn[n], t->fn, OBS_READBACK, true, before.fn[n] != t->fn, r);
                return;
            }
    }
}

CHECK(function_isolation) = {.id = "function-isolation", .level = CHECK_REQUIRED,
                             .instances = isolation_count, .describe = isolation_describe,
                             .run = run_isolation};

/* ---- cfg-consistency ---- */

/* the first register that read differently through the two mechanisms */
struct cfg_mismatch {
    unsigned fn;
    uint16_t offset;
    uint32_t ecam, cf8;
};

/* the observation of a mismatch (kernel/classes.h): the value one mechanism
 * read is the same register of another function of the slot, read through
 * the other mechanism (the function number ignored), or not */
static void diagnose_mismatch(const struct cfg_mismatch *m, const bool *both, struct check_result *r)
{
    const struct pci_topology *pci = &platform()->pci;
    struct pci_bdf b = pci->functions[m->fn].bdf;
    struct observation o = {.step = OBS_LOOK, .what = OBS_CFG_DIFFERS};
    o.decode = pci->functions[m->fn].command & PCI_COMMAND_MEMORY;
    for (unsigned g = 0; g < pci->count && !o.sibling; g++) {
        uint32_t g_ecam = 0, g_cf8 = 0;
        if (g == m->fn || !both[g] || !pci_same_device(pci->functions[g].bdf, b))
            continue;
        hw_cfg_read(HW_CFG_ECAM, pci->functions[g].bdf, m->offset, 4, &g_ecam);
        hw_cfg_read(HW_CFG_CF8, pci->functions[g].bdf, m->offset, 4, &g_cf8);
        o.sibling = m->ecam == g_cf8 || m->cf8 == g_ecam;
    }
    check_diagnose(r, &o);
}

/* Hazard: an ECAM access is routed by the stale 0xCF8 latch, or the two
 * mechanisms reach different registers (BUGS.md cfg-latch-mix). Expect:
 * every function's header (64 bytes, dword by dword) reads the same through
 * ECAM and through 0xCF8. The reads interleave across functions (ECAM of
 * one function right after 0xCF8 of the one before), so a stale latch shows.
 * One point for the whole fabric. */
static void run_cfg_consistency(unsigned i, struct check_result *r)
{
    (void)i;
    const struct pci_topology *pci = &platform()->pci;
    bool both[PCI_MAX_FUNCTIONS];
    unsigned compared = 0, no_ecam = 0, no_cf8 = 0, mismatches = 0;
    struct cfg_mismatch first = {0};
    for (unsigned fn = 0; fn < pci->count; fn++) {
        uint32_t v;
        struct pci_bdf b = pci->functions[fn].bdf;
        bool ecam = hw_cfg_read(HW_CFG_ECAM, b, PCI_VENDOR_ID, 4, &v);
        bool cf8 = hw_cfg_read(HW_CFG_CF8, b, PCI_VENDOR_ID, 4, &v);
        both[fn] = ecam && cf8;
        no_ecam += !ecam;
        no_cf8 += ecam && !cf8;
        compared += both[fn];
    }
    if (!compared) {
        if (no_ecam == pci->count)
            check_skip(r, "no ECAM (MCFG) covers any function: only 0xCF8 to compare with");
        else
            check_skip(r, "no function reachable through both ECAM and 0xCF8 (segment != 0)");
        return;
    }
    for (unsigned d = 0; d < HEADER_DWORDS; d++) {
        uint16_t off = (uint16_t)(4 * d);
        for (unsigned fn = 0; fn < pci->count; fn++) {
            uint32_t ecam = 0, cf8 = 0, mask = d == 1 ? ~STATUS_INTERRUPT : ~0u;
            if (!both[fn])
                continue;
            struct pci_bdf b = pci->functions[fn].bdf;
            hw_cfg_read(HW_CFG_ECAM, b, off, 4, &ecam);
            hw_cfg_read(HW_CFG_CF8, b, off, 4, &cf8);
            if (((ecam ^ cf8) & mask) == 0 || mismatches++)
                continue;
            check_fail(r, "%04x:%02x:%02x.%x offset 0x%02x reads %08x through ECAM, %08x through 0xCF8",
                       b.segment, b.bus, b.device, b.function, off, ecam, cf8);
            first = (struct cfg_mismatch){fn, off, ecam, cf8};
        }
    }
    if (mismatches) {
        check_diag(r, "mismatches", "%u dwords of %u functions", mismatches, compared);
        diagnose_mismatch(&first, both, r); /* after the compare: its reads move the 0xCF8 latch */
        return;
    }
    if (no_ecam || no_cf8) {
        char note[120];
        format(note, sizeof note,
                 "cfg-consistency: %u functions compared, %u without ECAM, %u beyond 0xCF8",
                 compared, no_ecam, no_cf8);
        runner_note(note);
    }
    check_pass(r);
}

CHECK(cfg_consistency) = {.id = "cfg-consistency", .level = CHECK_REQUIRED,
                          .run = run_cfg_consistency};

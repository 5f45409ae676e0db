/* The class table and the signature table (classes.h).
 *
 * Copied from the team's bug-class catalogue ../shared/BUGS.md (sections
 * A-F, and the G facts diagnostics cite; read 2026-11). The build never
 * reads ../shared/: when BUGS.md changes, this copy is updated by hand. */
#include "classes.h"

#include <string.h>

#include "check.h"
#include "format.h"

const struct bug_class bug_classes[] = {
    /* A. memory decode (MSE) */
    {"mse-clear-keeps-mapping", 'A', "MSE 1->0 does not unmap: the BAR still answers",
     "cloud-hypervisor, Firecracker, ACRN, crosvm VFIO, Bochs 2.7"},
    {"mse-set-no-remap", 'A', "unmaps on MSE clear, never maps again on set", "model only"},
    {"cmd-width-sensitive", 'A', "only a 16-bit COMMAND write (un)maps", "crosvm VFIO"},
    {"cmd-other-bits-remap", 'A', "a COMMAND write changing only other bits remaps the BAR (stale)",
     "model only"},
    {"cmd-write-lost", 'A', "a failed map drops the COMMAND write, or MSE=1 reads back with nothing mapped",
     "Xen vPCI"},
    {"cmd-readonly", 'A', "COMMAND ignores writes: decode cannot be turned off", "Bochs 2.7 std VGA"},
    {"others-reenabled", 'A', "moving one BAR re-enables decode of another device whose MSE=0", "kvmtool"},
    /* B. BAR writes */
    {"write-dropped-while-decoding", 'B', "a BAR write with MSE=1 is ignored; the old value reads back",
     "Xen vPCI, Hyper-V, OpenVMM, Firecracker"},
    {"write-deferred-to-mse-edge", 'B', "the write reads back but the mapping moves only at the next MSE 0->1",
     "Firecracker PR 6156, OpenHCL, OpenVMM"},
    {"dark-move-keeps-old-live", 'B', "a write with MSE=0 is queued while the old address still decodes",
     "cloud-hypervisor, Firecracker PR 6156"},
    {"low-dword-ignored", 'B', "64-bit BAR: only the high-dword write moves it, with the low register as it stands",
     "cloud-hypervisor"},
    {"high-dword-ignored", 'B', "the address is truncated to 32 bits", "kvmtool, Bochs 2.7 xHCI"},
    {"transient-decoded", 'B', "hardware-like: with MSE=1 new_lo:old_hi decodes for a moment",
     "QEMU, crosvm, bhyve, ACRN, OpenVMM"},
    {"high-write-not-acted-on", 'B', "64-bit BAR: a high-dword write alone leaves the old mapping", "model only"},
    {"stale-alias-after-move", 'B', "a move maps the new address and leaves the old one mapped too", "model only"},
    {"map-while-dark", 'B', "BAR writes map the new or half-written address although MSE=0", "ACRN, Bochs 2.7"},
    {"subdword-bar-write", 'B', "1- or 2-byte BAR writes dropped or applied unshifted",
     "bhyve, ACRN, kvmtool, cloud-hypervisor, crosvm VFIO"},
    {"bar-mask-not-applied", 'B', "bits below the BAR's size kept and/or mapped unaligned",
     "kvmtool, cloud-hypervisor, crosvm VFIO"},
    {"move-refused", 'B', "a move outside the VMM's window is refused (reverts, or reads new and stays old)",
     "cloud-hypervisor, Firecracker PR 6156"},
    {"insert-fails-silently", 'B', "the new range cannot be inserted: mapped nowhere, readback shows it",
     "crosvm, cloud-hypervisor"},
    {"rom-bar-ignored", 'B', "expansion ROM BAR writes dropped or read as 0", "ACRN DM, Xen vPCI"},
    /* C. sizing */
    {"sizing-on-moves-live", 'C', "hardware-like: all-ones with MSE=1 moves the range to the probe address",
     "bhyve, QEMU (64-bit low dword)"},
    {"sizing-keeps-old", 'C', "an all-ones write with MSE=1 keeps the old address decoding",
     "Bochs 2.7, cloud-hypervisor, kvmtool"},
    {"sizing-on-loses-mapping", 'C', "after sizing with decode on and the restore, the BAR decodes nowhere",
     "model only"},
    {"sizing-ignored-while-mapped", 'C', "all-ones ignored while mapped: the size reads back as the address",
     "Xen vPCI (hardware domain)"},
    {"sizing-pattern-exact", 'C', "only 0xffffffff is a sizing probe; 0xfffffff0-style probes are moves",
     "kvmtool, Firecracker, cloud-hypervisor <= v53.0"},
    {"sizing-desync", 'C', "sizing then a new address without restore leaves the old range live", "ACRN DM"},
    {"sizing-on-corrupts", 'C', "sizing with decode on leaves the register at the mask or maps unaligned",
     "kvmtool, crosvm VFIO"},
    /* D. overlap, aliasing, identity */
    {"overlap-alias", 'D', "a BAR placed over another's range is accepted but not mapped",
     "bhyve, ACRN DM, Xen vPCI"},
    {"coarse-block-overlap", 'D', "a BAR sharing a 64 KiB block with another's decodes nowhere", "Bochs 2.7"},
    {"overlap-loser-unmapped", 'D', "after a transient overlap the loser stays unmapped", "Bochs 2.7"},
    {"same-base-confusion", 'D', "two BARs at one base confuse address-keyed bookkeeping", "cloud-hypervisor"},
    {"swap-misroutes", 'D', "after two devices swap addresses, accesses reach the wrong device", "model only"},
    {"function-aliasing", 'D', "config access or mapping of function N acts on function 0", "cloud-hypervisor"},
    {"cfg-latch-mix", 'D', "an ECAM access is routed by the stale 0xCF8 latch", "kvmtool"},
    /* E. behind the BAR */
    {"ram-bar-not-relocated", 'E', "a RAM-backed BAR stays at its first address", "ACRN DM, crosvm"},
    {"contents-lost", 'E', "remapping loses the contents of a RAM-backed BAR", "model only"},
    {"doorbell-stale", 'E', "doorbells stay at the old address, or work with MSE=0",
     "crosvm, kvmtool, cloud-hypervisor"},
    {"msix-stays", 'E', "MSI-X table emulation stays at the BAR's old address", "Xen (inferred)"},
    {"msix-wiped-on-bar-write", 'E', "any write to the table's BAR masks and zeroes the MSI-X table",
     "ACRN hypervisor"},
    {"msix-ignores-mse", 'E', "the MSI-X table still answers while MSE=0", "ACRN hypervisor, Xen (inferred)"},
    /* F. bridges */
    {"bridge-window-ignored", 'F', "a device answers outside its bridge's window or while the bridge's MSE=0",
     "crosvm, Xen vPCI, ACRN"},
    /* G. facts diagnostics cite */
    {"readback-lies", 'G', "COMMAND and BAR readback do not reflect the mapping", "Hyper-V, OpenHCL"},
    {"unmapped-read-value", 'G', "an unmapped read returns 0, all-ones or stale bytes", "as BUGS.md lists"},
    /* Not in BUGS.md (found here, issue 8): Bochs caches a host pointer to its
     * all-ones page in its TLB when the guest reads an unmapped address, and
     * mapping a BAR there later does not flush it */
    {"stale-unmapped-cache", 'G', "an address read while unmapped keeps reading as unmapped after a BAR "
     "maps there, until its TLB entry is dropped", "Bochs 2.7 (measured: INVLPG makes the BAR appear)"},
};
const unsigned bug_class_count = sizeof bug_classes / sizeof bug_classes[0];

const struct bug_class *bug_class(const char *id)
{
    for (unsigned i = 0; i < bug_class_count; i++)
        if (!strcmp(bug_classes[i].id, id))
            return &bug_classes[i];
    return NULL;
}

#define S(k) (1u << (k))
#define DWORD_WRITES (S(OBS_BAR_LOW) | S(OBS_BAR_HIGH))
#define WRITES (DWORD_WRITES | S(OBS_RESTORE) | S(OBS_BAR_NARROW))
#define CMD (S(OBS_MSE_OFF) | S(OBS_MSE_ON) | S(OBS_COMMAND))
#define ANY_STEP ((1u << OBS_STEP_KINDS) - 1)
#define SEEN_WRONG (S(OBS_AT_OLD) | S(OBS_AT_RECORDED) | S(OBS_AT_TRANSIENT) | S(OBS_ELSEWHERE))

/* One table for every check. A row matches when the step kind, what was
 * seen and the conditions match; every matching row adds its classes.
 * Look-alikes (one row naming several classes) are what a guest cannot
 * tell apart from where the device answers and what config space reads. */
/* rows give the further conditions (unaligned, overlap, probes) by name, only where they apply */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
const struct signature signatures[] = {
    /* --- readback differs (DESIGN 3: writes must stick) --- */
    {S(OBS_BAR_HIGH), S(OBS_READBACK), 0, 0, 1, -1, {"high-dword-ignored", "move-refused"},
     "a 64-bit BAR's upper dword reads 0 after a nonzero write with decode off, and it held 0 before: an "
     "upper dword that is not implemented (Bochs 2.7 xHCI: the address truncated to 32 bits) and a refused "
     "move that reverts look the same. With decode on the same readback is named "
     "write-dropped-while-decoding alone (a row below), so a profile documenting the drop still covers it",
     .zero = 1},
    {S(OBS_BAR_HIGH), S(OBS_READBACK), -1, 0, 0, -1, {"high-dword-ignored"},
     "a 64-bit BAR's upper dword reads 0 after a nonzero write although it held another value before: "
     "not a dropped write, an upper dword that is not implemented",
     .zero = 1},
    {DWORD_WRITES, S(OBS_READBACK), 1, 0, 1, -1, {"write-dropped-while-decoding"},
     "the old value reads back after a BAR write with MSE=1. Looks like move-refused with decode on; "
     "listed alone so a profile documenting the drop covers it"},
    {S(OBS_SIZING), S(OBS_READBACK), 1, 0, 1, -1, {"sizing-ignored-while-mapped", "write-dropped-while-decoding"},
     "an all-ones write dropped while decoding: both classes look the same"},
    {DWORD_WRITES, S(OBS_READBACK), 0, 0, 1, -1, {"move-refused"},
     "the old value reads back after a BAR write with decode off"},
    {S(OBS_SIZING), S(OBS_READBACK), 0, 0, -1, -1, {"sizing-pattern-exact"},
     "a sizing pattern with decode off does not read back as the size: not taken as sizing"},
    {S(OBS_BAR_NARROW), S(OBS_READBACK) | SEEN_WRONG | S(OBS_NOWHERE), -1, 0, -1, -1, {"subdword-bar-write"},
     "a 1- or 2-byte BAR write dropped or misapplied (with decode on, looks like a dropped write too)"},
    {S(OBS_BAR_NARROW), S(OBS_READBACK), 1, 0, 1, -1, {"write-dropped-while-decoding"},
     "a 1- or 2-byte BAR write with MSE=1 that reads back the old value"},
    {S(OBS_RESTORE), S(OBS_READBACK) | SEEN_WRONG | S(OBS_NOWHERE), -1, 0, -1, -1, {"sizing-on-corrupts"},
     "the write after sizing does not take: the register stuck at the mask, or mapped unaligned"},
    {S(OBS_RESTORE), S(OBS_AT_OLD) | S(OBS_AT_BOTH), -1, 0, -1, -1, {"sizing-desync"},
     "after sizing, a new address leaves the old range live"},
    {ANY_STEP, S(OBS_READBACK) | SEEN_WRONG | S(OBS_NOWHERE), -1, 0, -1, -1, {"bar-mask-not-applied"},
     "the check wrote bits below the BAR's size: kept in the register or mapped unaligned", .unaligned = 1},
    {ANY_STEP, SEEN_WRONG | S(OBS_NOWHERE), 1, -1, -1, -1,
     {"overlap-alias", "overlap-loser-unmapped", "same-base-confusion", "swap-misroutes", "insert-fails-silently"},
     "the BAR meets another's range (now or where that one answered): overlap bookkeeping", .overlap = 1},
    {ANY_STEP, SEEN_WRONG | S(OBS_NOWHERE), -1, -1, -1, -1, {"function-aliasing"},
     "the BAR meets one of another function of the same device: config or mapping of one acts on the other",
     .overlap = 1, .sibling = 1},
    {ANY_STEP, S(OBS_STALE_READ), -1, -1, -1, -1, {"stale-unmapped-cache"},
     "answered nowhere until the CPU's cached translation of the address was dropped (INVLPG): the "
     "emulator served a stale unmapped page"},
    {ANY_STEP, S(OBS_NOWHERE), 1, -1, -1, -1, {"coarse-block-overlap"},
     "answers nowhere while it shares a 64 KiB block with another BAR (no byte in common): a decoder "
     "that books MMIO in 64 KiB blocks refused it", .same_block = 1},
    {ANY_STEP, S(OBS_NOWHERE) | S(OBS_AT_OLD), 1, 0, -1, -1, {"msix-wiped-on-bar-write", "msix-stays"},
     "the MSI-X table lost its entries or stayed behind", .probes = S(OBS_PROBE_MSIX)},
    {ANY_STEP, S(OBS_NOWHERE), 1, 0, -1, -1, {"contents-lost", "ram-bar-not-relocated"},
     "a RAM-backed BAR whose probe nonce is gone: the contents were lost or stayed behind",
     .probes = S(OBS_PROBE_RAM)},
    {S(OBS_AS_FOUND), S(OBS_NOWHERE), 1, -1, -1, -1,
     {"overlap-loser-unmapped", "msix-wiped-on-bar-write", "coarse-block-overlap", "insert-fails-silently",
      "sizing-on-loses-mapping"},
     "answers nowhere before this check wrote anything: an earlier check's moves left it unmapped"},
    {S(OBS_AS_FOUND), S(OBS_NOWHERE) | S(OBS_ELSEWHERE), 1, -1, -1, -1, {"same-base-confusion"},
     "answers nowhere or at another BAR's address before this check wrote anything: an earlier check "
     "left two BARs at one base, and address-keyed books moved the other one"},
    {S(OBS_AS_FOUND), S(OBS_NOWHERE), 1, -1, -1, -1, {"contents-lost"},
     "(as above, for a RAM-backed probe)", .probes = S(OBS_PROBE_RAM)},
    {WRITES | S(OBS_SIZING), S(OBS_READBACK), -1, 0, 0, -1,
     {"sizing-on-corrupts", "sizing-pattern-exact", "bar-mask-not-applied", "subdword-bar-write"},
     "a BAR reads back neither the old nor the written value (stuck at a mask, unmasked or unshifted)"},
    {CMD, S(OBS_READBACK), -1, 0, -1, -1, {"cmd-readonly", "cmd-write-lost", "readback-lies"},
     "COMMAND does not read back as written"},
    /* --- answers while it must be dark --- */
    {S(OBS_MSE_OFF) | S(OBS_LOOK) | S(OBS_AS_FOUND), S(OBS_AT_RECORDED) | S(OBS_AT_OLD), 0, 0, -1, -1,
     {"mse-clear-keeps-mapping", "cmd-width-sensitive", "cmd-readonly", "msix-ignores-mse",
      "ram-bar-not-relocated"},
     "still answers after MSE 1->0 (a COMMAND width the VMM ignores, a register that ignores writes, "
     "an MSI-X table or RAM left mapped look the same)"},
    {WRITES | S(OBS_SIZING), S(OBS_AT_OLD), 0, 0, -1, -1, {"dark-move-keeps-old-live", "mse-clear-keeps-mapping"},
     "the old address still decodes after a BAR write with MSE=0"},
    {WRITES | S(OBS_SIZING), S(OBS_AT_RECORDED) | S(OBS_AT_TRANSIENT) | S(OBS_ELSEWHERE), 0, 0, -1, -1,
     {"map-while-dark", "sizing-pattern-exact"},
     "a BAR write with MSE=0 is mapped at once (a sizing pattern taken as a move looks the same)"},
    {ANY_STEP, SEEN_WRONG, 0, 1, -1, -1, {"others-reenabled", "overlap-alias", "function-aliasing"},
     "another BAR whose decode is off answers"},
    {ANY_STEP, S(OBS_AT_RECORDED), 1, -1, -1, -1, {"bridge-window-ignored"},
     "answers at its address with its own decode on where a bridge above must block it"},
    /* --- answers at the wrong place with decode on --- */
    {WRITES | S(OBS_MSE_ON) | S(OBS_CONTENTS) | S(OBS_LOOK) | S(OBS_AFTER), S(OBS_AT_OLD), 1, 0, -1, -1,
     {"write-deferred-to-mse-edge", "low-dword-ignored", "high-dword-ignored", "high-write-not-acted-on",
      "move-refused"},
     "the mapping stays at the old address while the new value reads back (after the check: the "
     "target, seen through its own probe, stayed at an address the check had moved it to)"},
    {S(OBS_MSE_ON) | WRITES | S(OBS_LOOK) | S(OBS_AFTER), S(OBS_AT_OLD), 1, 0, -1, -1,
     {"ram-bar-not-relocated"},
     "a RAM-backed BAR left at the old address looks the same", .probes = S(OBS_PROBE_RAM)},
    {S(OBS_MSE_ON) | WRITES | S(OBS_LOOK) | S(OBS_AFTER), S(OBS_AT_OLD), 1, 0, -1, -1, {"msix-stays"},
     "an MSI-X table left at the old address looks the same", .probes = S(OBS_PROBE_MSIX)},
    {WRITES | S(OBS_MSE_ON) | S(OBS_LOOK), S(OBS_AT_TRANSIENT), 1, 0, -1, 0, {"low-dword-ignored"},
     "sticks at old_lo|new_hi: the low-dword write was not acted on"},
    {WRITES | S(OBS_MSE_ON) | S(OBS_LOOK), S(OBS_AT_TRANSIENT), 1, 0, -1, 1,
     {"high-write-not-acted-on", "high-dword-ignored", "write-deferred-to-mse-edge"},
     "sticks at new_lo|old_hi: the high-dword write was not acted on"},
    {WRITES | S(OBS_MSE_ON) | S(OBS_LOOK), S(OBS_ELSEWHERE), 1, -1, -1, -1,
     {"high-dword-ignored", "bar-mask-not-applied", "sizing-on-corrupts", "swap-misroutes", "cmd-other-bits-remap"},
     "answers at an address it was never written to"},
    {S(OBS_SIZING), S(OBS_AT_OLD), 1, 0, -1, -1, {"sizing-keeps-old"},
     "an all-ones write with MSE=1 keeps the old address decoding"},
    {ANY_STEP, S(OBS_AT_BOTH), -1, -1, -1, -1, {"stale-alias-after-move", "sizing-desync"},
     "answers at the new address and still at the old one"},
    {S(OBS_COMMAND), SEEN_WRONG | S(OBS_NOWHERE), -1, -1, -1, -1, {"cmd-other-bits-remap"},
     "a COMMAND write of other bits moved or lost the mapping"},
    /* --- answers nowhere --- */
    {S(OBS_MSE_ON), S(OBS_NOWHERE), 1, 0, -1, -1,
     {"mse-set-no-remap", "cmd-width-sensitive", "cmd-write-lost", "insert-fails-silently"},
     "MSE 0->1 maps nothing (a failed insert looks the same)"},
    {WRITES | S(OBS_LOOK), S(OBS_NOWHERE), 1, 0, -1, -1,
     {"insert-fails-silently", "sizing-on-loses-mapping", "overlap-loser-unmapped", "high-dword-ignored",
      "ram-bar-not-relocated"},
     "a BAR write with MSE=1 (or a restore after sizing) maps nothing"},
    {ANY_STEP, S(OBS_NOWHERE), 1, 1, -1, -1, {"overlap-loser-unmapped", "overlap-alias", "swap-misroutes",
                                              "same-base-confusion"},
     "another BAR lost its mapping (overlap bookkeeping)"},
    {S(OBS_BRIDGE), S(OBS_NOWHERE), 1, -1, -1, -1, {"bridge-window-ignored"},
     "a bridge write made the device vanish where its window covers it"},
    /* --- contents --- */
    {ANY_STEP, S(OBS_CONTENTS_LOST), -1, -1, -1, -1,
     {"contents-lost", "ram-bar-not-relocated", "msix-wiped-on-bar-write"},
     "the pattern the guest wrote is gone"},
    /* --- after the check: the sweep over every probed BAR (relocation.c), msix-follows' give-back --- */
    {S(OBS_AFTER), S(OBS_NOWHERE), 1, 0, -1, -1,
     {"mse-set-no-remap", "cmd-width-sensitive", "cmd-write-lost", "insert-fails-silently"},
     "after the check, a BAR of a function it wrote (another BAR of the target's function, a bridge it "
     "toggled, or the target seen through its own probe) answers nowhere: the last MSE 0->1 mapped "
     "nothing (a failed insert looks the same)"},
    {S(OBS_AFTER), S(OBS_NOWHERE), 1, 1, -1, -1, {"contents-lost"},
     "after the check, a RAM-backed BAR of a function it never wrote lost its probe nonce: a remap "
     "elsewhere lost its contents",
     .probes = S(OBS_PROBE_RAM)},
    {S(OBS_AFTER), S(OBS_ELSEWHERE), 1, 1, -1, -1, {"same-base-confusion", "swap-misroutes", "cfg-latch-mix"},
     "after the check, a BAR of a function it never wrote answers only at one of the check's addresses: "
     "the check's writes moved it too (address-keyed books, or config writes routed to it)"},
    {S(OBS_AFTER), SEEN_WRONG | S(OBS_NOWHERE) | S(OBS_AT_BOTH), -1, 1, -1, -1, {"function-aliasing"},
     "after the check, a BAR of another function of a device whose function it wrote lost its place or "
     "answers at the check's addresses: the mapping of one function acts on another",
     .sibling = 1},
    /* --- config access that reaches another function (cfg-consistency, function-isolation,
     * restore, topology-bars-disjoint) --- */
    {ANY_STEP, S(OBS_CFG_DIFFERS) | S(OBS_IDENTITY), -1, -1, -1, -1, {"cfg-latch-mix"},
     "config space shows another function's register (ECAM and 0xCF8 disagree, or a header reads another "
     "identity or BARs than enumerated): an access routed by a stale 0xCF8 latch"},
    {ANY_STEP, S(OBS_CFG_DIFFERS) | S(OBS_IDENTITY), -1, -1, -1, -1, {"function-aliasing"},
     "(as above) and the wrong value is another function's of the same device: an access that ignores "
     "the function number looks the same",
     .sibling = 1},
    {S(OBS_AFTER), S(OBS_READBACK), -1, 1, -1, -1, {"cfg-latch-mix"},
     "after the check(s), a config register of a function they never wrote reads otherwise than it was "
     "found: an access meant for another function reached it. (A register the checks did write has no "
     "signature here: a clean-up write after a failed check is not read back, so any class could be it)"},
    {S(OBS_AFTER), S(OBS_READBACK), -1, 1, -1, -1, {"function-aliasing"},
     "(as above) on another function of a device whose function was written: config access of one "
     "function acts on another",
     .sibling = 1},
    /* --- requests through the BAR (works-after-move) --- */
    {S(OBS_IO), S(OBS_DOORBELL_STALE), -1, -1, -1, -1, {"doorbell-stale"},
     "a doorbell written at the old address, or while MSE=0, started the request"},
    {S(OBS_IO), S(OBS_IO_FAILED), 1, -1, -1, -1, {"doorbell-stale"},
     "the request did not complete through the BAR's new address (its doorbell stayed behind)"},
};
#pragma GCC diagnostic pop
const unsigned signature_count = sizeof signatures / sizeof signatures[0];

/* None today: the last one (cfg-latch-mix: cfg-consistency compared outside
 * the engine, with no observation) closed when every check outside the
 * engine began to fill an observation too. A new gap is a row {id, why}
 * here, and diagnosis_gap_count counts the rows; the one empty slot keeps
 * the array legal C while there are none. */
const struct diagnosis_gap diagnosis_gaps[] = {{NULL, NULL}};
const unsigned diagnosis_gap_count = 0;

const struct diagnosis_gap *diagnosis_gap(const char *id)
{
    for (unsigned i = 0; i < diagnosis_gap_count; i++)
        if (!strcmp(diagnosis_gaps[i].id, id))
            return &diagnosis_gaps[i];
    return NULL;
}

static bool cond(signed char want, bool have)
{
    return want < 0 || (want == 1) == have;
}

unsigned classes_diagnose(const struct observation *o, const char **ids, unsigned max)
{
    unsigned n = 0;
    for (unsigned i = 0; i < signature_count; i++) {
        const struct signature *s = &signatures[i];
        if (!(s->steps & S(o->step)) || !(s->whats & S(o->what)) || !cond(s->decode, o->decode) ||
            !cond(s->other, o->other))
            continue;
        if (o->what == OBS_READBACK && !cond(s->old, o->readback_old))
            continue;
        if (o->what == OBS_AT_TRANSIENT && !cond(s->new_low, o->new_low))
            continue;
        if ((s->unaligned && !o->unaligned) || (s->overlap && !o->overlap) || (s->sibling && !o->sibling) ||
            (s->same_block && !o->same_block) ||
            (s->probes && !(s->probes & S(o->probe))) ||
            (s->zero && !(o->what == OBS_READBACK && o->readback_zero)))
            continue;
        for (unsigned k = 0; k < 5 && s->classes[k]; k++) {
            bool dup = false;
            for (unsigned j = 0; j < n; j++)
                dup |= !strcmp(ids[j], s->classes[k]);
            if (!dup && n < max)
                ids[n++] = s->classes[k];
        }
    }
    return n;
}

void classes_join(const char *const *ids, unsigned n, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    if (!n)
        format(buf, size, "unknown");
    for (unsigned i = 0; i < n && used < size; i++)
        used += (size_t)format(buf + used, size - used, "%s%s", i ? ", " : "", ids[i]);
}

void check_diagnose(struct check_result *r, const struct observation *o)
{
    const char *ids[DIAG_MAX_CLASSES];
    if (check_diagnosed(r)) /* the first failure's diagnosis stands, and its one class line */
        return;
    char text[512];
    unsigned n = classes_diagnose(o, ids, DIAG_MAX_CLASSES);
    classes_join(ids, n, text, sizeof text);
    check_diag(r, "class", "%s", text);
    check_classes(r, ids, n);
}

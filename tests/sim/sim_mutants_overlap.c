/* BUGS.md D (overlap, aliasing, identity): how a hypervisor's bookkeeping
 * goes wrong when BARs share addresses (one of them dark) or trade places.
 * Each function replaces one decision of the correct policy (sim_decode.c)
 * and says which real-world behaviour it stands for. */
#include "sim_mutants.h"

static bool ranges_overlap(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
    return a < b + b_size && b < a + a_size;
}

/* ---- overlap-alias ---- */

/* a BAR placed over another's range takes that range in the VMM's books,
 * mapped or not, so a dark BAR over a live one steals its accesses: they
 * reach nothing (bhyve register_mem_int, ACRN DM, Xen vPCI modify_bars'
 * overlap subtraction). The books: the BAR whose register was written last. */
static unsigned long written_at[SIM_MAX_REGIONS];
static unsigned long write_clock;

void overlap_alias_remap(const struct cfg_write *w)
{
    if (w->region)
        written_at[region_index(w->region)] = ++write_clock;
    correct_remap(w);
}

bool overlap_alias_route(uint64_t phys, unsigned width, struct hit *h)
{
    const struct region *owner = NULL;
    if (!correct_route(phys, width, h))
        return false;
    FOR_EACH_REGION(r)
        if (r->addr && region_inside(r->addr, r->size, phys, width) &&
            (!owner || written_at[region_index(r)] > written_at[region_index(owner)]))
            owner = r;
    return !owner || owner == h->region || owner->live;
}

/* ---- overlap-loser-unmapped ---- */

/* after a transient overlap, unmapping the BAR that won takes the loser's
 * pages too: the loser stays unmapped when the other moves away, even
 * across an MSE toggle (Bochs 2.7 unregisterMemoryHandlers tests && for ||;
 * fixed on master d6243e074). */
static bool lost_in_overlap[SIM_MAX_REGIONS];

static void lose_overlapped(const struct region *gone, uint64_t base)
{
    FOR_EACH_REGION(o)
        if (o->fn != gone->fn && o->addr && ranges_overlap(base, gone->size, o->addr, o->size))
            lost_in_overlap[region_index(o)] = true;
}

void overlap_loser_unmapped(const struct cfg_write *w)
{
    struct regions_before before;
    regions_remember(&before);
    correct_remap(w);
    FOR_EACH_REGION(r) {
        const struct region *was = region_before(&before, r);
        if (was->live && (!r->live || r->base != was->base))
            lose_overlapped(r, was->base);
    }
    FOR_EACH_REGION(r)
        if (lost_in_overlap[region_index(r)] && r->live) {
            region_unmap(r);
            msix_follow(region_fn(r));
        }
}

/* ---- insert-fails-silently ---- */

/* the new range overlaps a range still on the VMM's bus (another BAR's,
 * mapped or not): the insert fails, and the BAR is mapped nowhere while its
 * readback shows the new address (crosvm: let _ = mmio_bus.insert(..);
 * cloud-hypervisor Bus::update_range removes, then inserts). */
static bool overlaps_another(const struct region *r)
{
    FOR_EACH_REGION(o)
        if (o->fn != r->fn && o->addr && ranges_overlap(r->base, r->size, o->addr, o->size))
            return true;
    return false;
}

void insert_fails_silently(const struct cfg_write *w)
{
    struct regions_before before;
    regions_remember(&before);
    correct_remap(w);
    FOR_EACH_REGION(r) {
        const struct region *was = region_before(&before, r);
        bool inserted = r->live && (!was->live || r->base != was->base);
        if (inserted && overlaps_another(r))
            region_unmap(r);
    }
    msix_follow(w->fn);
}

/* ---- swap-misroutes ---- */

/* the VMM keys its mappings by address: a range it once mapped for one BAR
 * keeps routing to that BAR when another BAR is mapped there, so after two
 * devices trade addresses each reaches the other. Model only. */
#define BOOK_SIZE 128

struct booking {
    uint64_t base;
    unsigned region; /* the BAR it was first mapped for */
};

static struct booking book[BOOK_SIZE];
static unsigned book_count;

static int booked(uint64_t base)
{
    for (unsigned i = 0; i < book_count; i++)
        if (book[i].base == base)
            return (int)book[i].region;
    return -1;
}

void swap_misroutes_remap(const struct cfg_write *w)
{
    correct_remap(w);
    FOR_EACH_REGION(r)
        if (r->live && booked(r->base) < 0 && book_count < BOOK_SIZE)
            book[book_count++] = (struct booking){r->base, region_index(r)};
}

bool swap_misroutes_route(uint64_t phys, unsigned width, struct hit *h)
{
    if (!correct_route(phys, width, h))
        return false;
    int first = h->msix ? -1 : booked(h->region->base);
    if (first >= 0)
        h->region = &sim.regions[first];
    return true;
}

/* ---- same-base-confusion ---- */

/* the VMM books every BAR's range on its bus by base address, dark or not,
 * and finds the range a BAR write moves by the BAR's old address: when two
 * BARs share a base (one of them dark), it moves whichever it meets first,
 * and an access there reaches the BAR first booked at that base
 * (cloud-hypervisor, PR #8695: move_bar looks the BAR up by old base). */
static uint64_t booked_at[SIM_MAX_REGIONS];
static bool booked_yet[SIM_MAX_REGIONS];

static struct region *first_booked(uint64_t base)
{
    FOR_EACH_REGION(r)
        if (booked_yet[region_index(r)] && booked_at[region_index(r)] == base)
            return r;
    return NULL;
}

void same_base_remap(const struct cfg_write *w)
{
    FOR_EACH_REGION(r)
        if (!booked_yet[region_index(r)]) {
            booked_at[region_index(r)] = r->addr;
            booked_yet[region_index(r)] = true;
        }
    correct_remap(w);
    if (!w->region)
        return;
    struct region *moved = w->region->prev_addr ? first_booked(w->region->prev_addr) : NULL;
    booked_at[region_index(moved ? moved : w->region)] = w->region->addr;
}

bool same_base_route(uint64_t phys, unsigned width, struct hit *h)
{
    if (!correct_route(phys, width, h))
        return false;
    struct region *owner = h->msix ? NULL : first_booked(h->region->base);
    if (owner)
        h->region = owner;
    return true;
}

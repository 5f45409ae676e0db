/* kernel/oracle.c: where each BAR must answer, from the shadow alone. Most
 * tests are negative: each names an oracle that would be wrong in a way a
 * buggy hypervisor could hide behind (old address accepted, upper dwords
 * ignored, a closed bridge not hiding its subtree, sizing required). */
#include "../../drivers/pci.h"
#include "../../kernel/oracle.h"
#include "harness.h"

static struct pci_topology topo;
static struct shadow sh;
static char why[200];

enum { ROOT_PORT, NESTED_BRIDGE, BEHIND, ON_ROOT }; /* function indexes in the fabric below */
#define MEM_OK PCI_COMMAND_MEMORY

static void add_function(unsigned i, uint8_t bus, uint8_t dev, int upstream, uint8_t bar_count)
{
    topo.functions[i] = (struct pci_function){
        .bdf = {0, bus, dev, 0}, .command = MEM_OK, .bar_count = bar_count, .upstream = upstream};
    topo.count = topo.count > i + 1 ? topo.count : i + 1;
}

static void add_bar(unsigned fn, unsigned n, enum pci_bar_kind kind, uint64_t size, uint64_t addr,
                    bool pref)
{
    topo.functions[fn].bars[n] = (struct pci_bar){kind, pref, (uint8_t)n, addr, size, NULL};
    if (kind == PCI_BAR_MEM64)
        topo.functions[fn].bars[n + 1] = (struct pci_bar){.kind = PCI_BAR_MEM64_UPPER};
}

static void set_windows(unsigned fn, uint64_t mem_base, uint64_t mem_limit, uint64_t pref_base,
                        uint64_t pref_limit)
{
    topo.functions[fn].is_bridge = true;
    topo.functions[fn].bridge.mem = (struct pci_window){mem_base, mem_limit, 32, false};
    topo.functions[fn].bridge.pref = (struct pci_window){pref_base, pref_limit, 64, false};
}

/* 00:01.0 root port > 01:00.0 bridge > 02:00.0 device; 00:04.0 on the root bus */
static void fabric(void)
{
    memset(&topo, 0, sizeof topo);
    add_function(ROOT_PORT, 0, 1, PCI_NO_UPSTREAM, 2);
    set_windows(ROOT_PORT, 0xfe800000, 0xfe9fffff, 0x800000000, 0x8ffffffff);
    add_function(NESTED_BRIDGE, 1, 0, ROOT_PORT, 2);
    set_windows(NESTED_BRIDGE, 0xfe800000, 0xfe8fffff, 0x800000000, 0x87fffffff);
    add_function(BEHIND, 2, 0, NESTED_BRIDGE, 6);
    add_bar(BEHIND, 0, PCI_BAR_MEM32, 0x4000, 0xfe800000, false);
    add_bar(BEHIND, 2, PCI_BAR_MEM64, 0x4000000, 0x800000000, true); /* 64 MiB */
    add_bar(BEHIND, 4, PCI_BAR_MEM64, 0x4000, 0x810000000, false);
    add_function(ON_ROOT, 0, 4, PCI_NO_UPSTREAM, 6);
    add_bar(ON_ROOT, 0, PCI_BAR_MEM64, 0x4000, 0xfeb00000, false);
    add_bar(ON_ROOT, 2, PCI_BAR_MEM64, 0x200000000, 0x1000000000, true); /* 8 GiB */
    shadow_init(&sh, &topo);
}

static void write32(unsigned fn, uint16_t offset, uint32_t value)
{
    EXPECT(shadow_write(&sh, fn, offset, 4, value));
}

static void command16(unsigned fn, uint16_t value)
{
    EXPECT(shadow_write(&sh, fn, PCI_COMMAND, 2, value));
}

static const char *explain(unsigned fn, unsigned bar)
{
    oracle_explain(&sh, fn, bar, why, sizeof why);
    return why;
}

/* the BAR must answer at want and only there */
static void expect_at(unsigned fn, unsigned bar, uint64_t want)
{
    uint64_t addr = 0;
    EXPECT_EQ(oracle_answer(&sh, fn, bar, &addr), ORACLE_AT);
    EXPECT_EQ(addr, want);
    EXPECT(oracle_accepts(&sh, fn, bar, want, true));
    EXPECT(!oracle_accepts(&sh, fn, bar, want, false));
}

static void expect_nowhere(unsigned fn, unsigned bar)
{
    uint64_t addr;
    EXPECT_EQ(oracle_answer(&sh, fn, bar, &addr), ORACLE_NOWHERE);
    EXPECT(!oracle_where(&sh, fn, bar, &addr));
    EXPECT(!oracle_accepts(&sh, fn, bar, addr, true));
}

TEST(oracle_bar_answers_at_its_recorded_address_with_decode_on)
{
    fabric();
    expect_at(ON_ROOT, 0, 0xfeb00000);
    expect_at(BEHIND, 0, 0xfe800000);
    EXPECT_STR(explain(ON_ROOT, 0), "decode on and forwarded: answers at 0xfeb00000-0xfeb03fff only");
}

TEST(oracle_decode_off_answers_nowhere_and_not_at_the_old_address)
{
    fabric();
    command16(ON_ROOT, 0);
    expect_nowhere(ON_ROOT, 0);
    EXPECT(!oracle_accepts(&sh, ON_ROOT, 0, 0xfeb00000, true));
    EXPECT(oracle_accepts(&sh, ON_ROOT, 0, 0xfeb00000, false));
    EXPECT_STR(explain(ON_ROOT, 0), "decode off (COMMAND 0x0000): answers nowhere, not at 0xfeb00000");
}

TEST(oracle_after_a_move_expects_the_new_address_never_the_old)
{
    fabric();
    command16(ON_ROOT, 0);
    write32(ON_ROOT, 0x10, 0x40000000);
    write32(ON_ROOT, 0x14, 0x2);
    expect_nowhere(ON_ROOT, 0); /* move-dark: neither address while off */
    command16(ON_ROOT, MEM_OK);
    expect_at(ON_ROOT, 0, 0x240000000);
    EXPECT(!oracle_accepts(&sh, ON_ROOT, 0, 0xfeb00000, true));
    EXPECT(oracle_accepts(&sh, ON_ROOT, 0, 0xfeb00000, false));
}

TEST(oracle_64bit_low_then_high_with_decode_on_expects_new_lo_old_hi_first)
{
    fabric();
    write32(ON_ROOT, 0x10, 0x40000000);
    expect_at(ON_ROOT, 0, 0x40000000); /* new low | old high (0) */
    EXPECT(!oracle_accepts(&sh, ON_ROOT, 0, 0x240000000, true));
    write32(ON_ROOT, 0x14, 0x2);
    expect_at(ON_ROOT, 0, 0x240000000);
}

TEST(oracle_64bit_high_then_low_with_decode_on_expects_old_lo_new_hi_first)
{
    fabric();
    write32(ON_ROOT, 0x14, 0x2);
    expect_at(ON_ROOT, 0, 0x2feb00000);
    write32(ON_ROOT, 0x10, 0x40000000);
    expect_at(ON_ROOT, 0, 0x240000000);
}

TEST(oracle_bar_holding_zero_answers_nowhere)
{
    fabric();
    write32(ON_ROOT, 0x10, 0);
    expect_nowhere(ON_ROOT, 0);
    EXPECT_STR(explain(ON_ROOT, 0), "BAR holds 0: unmapped");
    write32(ON_ROOT, 0x14, 0x1); /* 0x100000000: the high dword alone makes it nonzero */
    expect_at(ON_ROOT, 0, 0x100000000);
}

TEST(oracle_bar_outside_its_bridge_window_answers_nowhere)
{
    fabric();
    write32(BEHIND, 0x10, 0xfe900000); /* in the root port's window, not the nested one's */
    expect_nowhere(BEHIND, 0);
    EXPECT_STR(explain(BEHIND, 0), "bridge 01:00.0 memory window 0xfe800000-0xfe8fffff does not "
                                   "cover 0xfe900000-0xfe903fff (prefetchable window "
                                   "0x800000000-0x87fffffff)");
}

TEST(oracle_bar_straddling_a_window_limit_answers_nowhere)
{
    fabric();
    write32(NESTED_BRIDGE, PCI_PREF_MEMORY_BASE, 0x01f10001); /* limit 0x801ffffff: 32 MiB */
    expect_nowhere(BEHIND, 2); /* 64 MiB BAR: only half covered */
    write32(NESTED_BRIDGE, PCI_PREF_MEMORY_BASE, 0x03f10001);
    expect_at(BEHIND, 2, 0x800000000);
}

TEST(oracle_bridge_with_decode_off_hides_everything_below_it)
{
    fabric();
    command16(ROOT_PORT, 0);
    expect_nowhere(BEHIND, 0);
    expect_nowhere(BEHIND, 2);
    expect_nowhere(BEHIND, 4);
    expect_at(ON_ROOT, 0, 0xfeb00000); /* not below it */
    EXPECT_STR(explain(BEHIND, 2), "bridge 00:01.0 decode off (COMMAND 0x0000): hides 0x800000000");
    command16(ROOT_PORT, MEM_OK);
    expect_at(BEHIND, 2, 0x800000000);
}

TEST(oracle_prefetchable_bar_in_a_64bit_window_above_4GiB_needs_the_upper_dwords)
{
    fabric();
    expect_at(BEHIND, 2, 0x800000000);
    /* same low dwords, window moved to 0x9_0000_0000: an oracle reading only
     * the low 32 bits of the window would still say "covered" */
    write32(ROOT_PORT, PCI_PREF_BASE_UPPER32, 0x9);
    write32(ROOT_PORT, PCI_PREF_LIMIT_UPPER32, 0x9);
    expect_nowhere(BEHIND, 2);
}

TEST(oracle_non_prefetchable_bar_is_forwarded_by_a_prefetchable_window)
{
    fabric();
    expect_at(BEHIND, 4, 0x810000000); /* no memory window reaches above 4 GiB */
}

TEST(oracle_bar_of_8GiB_moves_with_its_high_dword)
{
    fabric();
    expect_at(ON_ROOT, 2, 0x1000000000);
    write32(ON_ROOT, 0x18, 0x40000000); /* no address bits below 8 GiB: ignored */
    expect_at(ON_ROOT, 2, 0x1000000000);
    write32(ON_ROOT, 0x1c, 0x30);
    expect_at(ON_ROOT, 2, 0x3000000000);
    EXPECT(!oracle_accepts(&sh, ON_ROOT, 2, 0x1000000000, true));
    EXPECT_STR(explain(ON_ROOT, 2),
               "decode on and forwarded: answers at 0x3000000000-0x31ffffffff only");
}

TEST(oracle_sizing_answers_at_the_sizing_address_or_nowhere_never_at_the_old)
{
    fabric();
    uint64_t addr;
    write32(ON_ROOT, 0x10, 0xffffffff);
    write32(ON_ROOT, 0x14, 0xffffffff);
    EXPECT_EQ(oracle_answer(&sh, ON_ROOT, 0, &addr), ORACLE_AT_OR_NOWHERE);
    EXPECT_EQ(addr, 0xffffffffffffc000);
    EXPECT(!oracle_where(&sh, ON_ROOT, 0, &addr)); /* never required there */
    EXPECT(oracle_accepts(&sh, ON_ROOT, 0, 0xffffffffffffc000, true));
    EXPECT(oracle_accepts(&sh, ON_ROOT, 0, 0xffffffffffffc000, false));
    EXPECT(!oracle_accepts(&sh, ON_ROOT, 0, 0xfeb00000, true));
    EXPECT_STR(explain(ON_ROOT, 0),
               "sizing value 0xffffffffffffc000: answers there or nowhere, never elsewhere");
}

TEST(oracle_linux_style_low_dword_sizing_counts_as_sizing)
{
    fabric();
    uint64_t addr;
    write32(ON_ROOT, 0x10, 0xffffffff); /* high dword still 0 */
    EXPECT_EQ(oracle_answer(&sh, ON_ROOT, 0, &addr), ORACLE_AT_OR_NOWHERE);
    EXPECT_EQ(addr, 0xffffc000);
    EXPECT(!oracle_accepts(&sh, ON_ROOT, 0, 0xfeb00000, true));
}

TEST(oracle_sizing_then_restore_answers_at_the_old_address_again)
{
    fabric();
    write32(ON_ROOT, 0x10, 0xffffffff);
    write32(ON_ROOT, 0x14, 0xffffffff);
    write32(ON_ROOT, 0x10, 0xfeb00004);
    write32(ON_ROOT, 0x14, 0);
    expect_at(ON_ROOT, 0, 0xfeb00000);
}

TEST(oracle_sizing_with_decode_off_or_outside_the_windows_answers_nowhere)
{
    fabric();
    write32(BEHIND, 0x10, 0xffffffff); /* 0xffffc000: outside every window above it */
    expect_nowhere(BEHIND, 0);
    command16(ON_ROOT, 0);
    write32(ON_ROOT, 0x10, 0xffffffff);
    expect_nowhere(ON_ROOT, 0);
}

TEST(oracle_size_then_move_without_restore_answers_at_new_only)
{
    fabric();
    command16(ON_ROOT, 0);
    write32(ON_ROOT, 0x10, 0xffffffff);
    write32(ON_ROOT, 0x14, 0xffffffff);
    write32(ON_ROOT, 0x10, 0x40000000);
    write32(ON_ROOT, 0x14, 0x2);
    command16(ON_ROOT, MEM_OK);
    expect_at(ON_ROOT, 0, 0x240000000);
    EXPECT(!oracle_accepts(&sh, ON_ROOT, 0, 0xfeb00000, true));
}

TEST(oracle_other_command_bits_leave_the_answer_alone)
{
    fabric();
    command16(ON_ROOT, MEM_OK | PCI_COMMAND_IO | PCI_COMMAND_MASTER | 0x400);
    expect_at(ON_ROOT, 0, 0xfeb00000);
    EXPECT(shadow_write(&sh, ON_ROOT, PCI_COMMAND + 1, 1, 0)); /* INTx disable off, bytewise */
    expect_at(ON_ROOT, 0, 0xfeb00000);
}

TEST(oracle_bridge_window_and_bar_moved_together_answer_at_new)
{
    fabric();
    command16(ROOT_PORT, 0);
    command16(NESTED_BRIDGE, 0);
    write32(ROOT_PORT, PCI_MEMORY_BASE, 0xfd1ffd00);     /* 0xfd000000-0xfd1fffff */
    write32(NESTED_BRIDGE, PCI_MEMORY_BASE, 0xfd00fd00); /* 0xfd000000-0xfd0fffff */
    write32(BEHIND, 0x10, 0xfd004000);
    expect_nowhere(BEHIND, 0);
    command16(ROOT_PORT, MEM_OK);
    command16(NESTED_BRIDGE, MEM_OK);
    expect_at(BEHIND, 0, 0xfd004000);
    write32(BEHIND, 0x10, 0xfe800000); /* back to the old address, now outside */
    expect_nowhere(BEHIND, 0);
}

TEST(oracle_moving_one_function_leaves_the_others_where_they_are)
{
    fabric();
    command16(ON_ROOT, 0);
    write32(ON_ROOT, 0x10, 0xfe800000); /* over BEHIND's BAR0 while dark */
    expect_at(BEHIND, 0, 0xfe800000);
    expect_at(BEHIND, 2, 0x800000000);
    expect_nowhere(ON_ROOT, 2); /* MSE is per function: its other BAR is dark too */
    command16(ON_ROOT, MEM_OK);
    expect_at(ON_ROOT, 2, 0x1000000000); /* and comes back where it was */
}

TEST(oracle_uses_the_record_not_the_topology_after_construction)
{
    fabric();
    memset(&topo, 0xff, sizeof topo); /* enumeration data gone or corrupt */
    expect_at(BEHIND, 2, 0x800000000);
    expect_at(ON_ROOT, 0, 0xfeb00000);
}

TEST(oracle_has_no_expectation_for_registers_that_are_not_memory_bars)
{
    fabric();
    expect_nowhere(ON_ROOT, 1);  /* upper half of BAR0 */
    expect_nowhere(ON_ROOT, 4);  /* unused */
    expect_nowhere(ON_ROOT, 6);  /* past the header */
    expect_nowhere(9, 0);        /* no such function */
    EXPECT_STR(explain(ON_ROOT, 1), "BAR1 is not a memory BAR: no expectation");
}

TEST(oracle_broken_or_cyclic_upstream_chain_answers_nowhere)
{
    fabric();
    topo.functions[BEHIND].upstream = ON_ROOT; /* not a bridge */
    shadow_init(&sh, &topo);
    expect_nowhere(BEHIND, 0);
    EXPECT(strstr(explain(BEHIND, 0), "broken bridge chain") != NULL);
    fabric();
    topo.functions[ROOT_PORT].upstream = NESTED_BRIDGE; /* a loop: bounded */
    shadow_init(&sh, &topo);
    expect_nowhere(BEHIND, 0);
}

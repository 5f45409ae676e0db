/* The main flow: console first (so every later problem can be reported),
 * then boot info and options (a bad option bails out, after ACPI, before any device is
 * touched), then the machine's clocks and tables, then the checks. */
#include <stdint.h>
#include <string.h>

#include "../drivers/acpi.h"
#include "../drivers/hw_counts.h"
#include "../drivers/hw_kernel.h"
#include "../drivers/machine_map.h"
#include "console.h"
#include "hostile_selftests.h"
#include "step_selftests.h"
#include "cpu.h"
#include "exceptions.h"
#include "exit.h"
#include "hypervisor.h"
#include "paging.h"
#include "physmem.h"
#include "platform.h"
#include "runner.h"
#include "timer.h"
#include "watchdog.h"

extern const struct check __start_barmove_checks[], __stop_barmove_checks[];

static struct platform plat;
static struct tap tap;

void kmain(uint32_t magic, uint32_t info);

const struct platform *platform(void)
{
    return &plat;
}

struct platform *platform_rw(void)
{
    return &plat;
}

static void exit_with(int code)
{
    barmove_exit((enum exit_code)code);
}

static void print_comment_line(const char *text)
{
    tap_comment(&tap, "%s", text);
}

/* the suite's own count of its config and MMIO accesses (issue 9's benchmark) */
/* TSC at the start of each boot phase, for make bench's breakdown */
enum phase { PHASE_START, PHASE_ACPI, PHASE_TSC, PHASE_PCI, PHASE_LISTING, PHASE_COUNT };
static uint64_t phase_tsc[PHASE_COUNT];

static void mark(enum phase p)
{
    phase_tsc[p] = rdtsc();
}

static unsigned long long phase_us(enum phase from, enum phase to)
{
    uint64_t hz = timer_tsc_hz();
    return hz ? (unsigned long long)((phase_tsc[to] - phase_tsc[from]) * 1000000 / hz) : 0;
}

static void print_run_figures(struct tap *t)
{
    static char line[1024];
    hw_counts_format(line, sizeof line);
    tap_comment(t, "%s", line);
    unsigned next = 0;
    do
        if (hw_counts_format_by_device(line, 300, &next)) /* a TAP comment holds 400 */
            tap_comment(t, "%s", line);
    while (next);
    uint64_t end = rdtsc(), hz = timer_tsc_hz();
    tap_comment(t, "time: boot-info+options+acpi %llu us, tsc-calibration %llu us, pci %llu us, "
                   "listing %llu us, checks %llu us",
                phase_us(PHASE_START, PHASE_ACPI), phase_us(PHASE_ACPI, PHASE_TSC),
                phase_us(PHASE_TSC, PHASE_PCI), phase_us(PHASE_PCI, PHASE_LISTING),
                hz ? (unsigned long long)((end - phase_tsc[PHASE_LISTING]) * 1000000 / hz) : 0);
    runner_print_times(t);
    watchdog_summary(line, sizeof line);
    tap_comment(t, "%s", line);
}

/* a "# step" line: progress for the watchdog, then the step selftests' strike */
static void on_step(unsigned n, unsigned of, const char *name)
{
    watchdog_progress(n, of, name);
    step_selftests_on_step(n, of, name);
}

static void acpi_warning(const char *message)
{
    tap_comment(&tap, "warning: %s", message);
}

static void read_boot_info(uint32_t magic, uint32_t info)
{
    char err[160];
    if (bootinfo_parse(magic, info, physmem_read, NULL, &plat.boot, err, sizeof err) != 0)
        runner_bail("boot information unusable: %s", err);
    if (plat.boot.warning[0])
        tap_comment(&tap, "warning: boot information: %s", plat.boot.warning);
}

/* A bad command line is reported once ACPI has been read, so that the bail
 * can still power off where isa-debug-exit is absent (Bochs, a real
 * hypervisor): until then the defaults stand in, and no device is touched. */
static char option_error[320];

static void read_options(void)
{
    /* on error the options hold the defaults again (options.h) */
    if (options_parse(plat.boot.cmdline, &plat.options, option_error, sizeof option_error) == 0)
        option_error[0] = 0;
}

static void bail_on_bad_options(void)
{
    if (option_error[0])
        runner_bail("bad command line: %s", option_error);
}

static uint64_t default_seed(void)
{
    return rdtsc() ^ (rdtsc() << 29);
}

static void find_acpi(void)
{
    plat.acpi_found = acpi_init(&plat.boot, hostile_acpi_reader(plat.options.selftest), acpi_warning,
                                &plat.acpi) == 0;
    /* an ECAM over RAM would make every config access a write into RAM (the kernel's own) */
    if (plat.acpi_found)
        acpi_mcfg_drop_over_ram(&plat.acpi, plat.boot.ranges, plat.boot.range_count, acpi_warning);
    if (!strcmp(plat.options.selftest, "acpi-dump"))
        acpi_dump(&plat.acpi, &plat.boot, physmem_read, NULL, print_comment_line);
    if (plat.acpi_found && plat.acpi.s5_found)
        exit_set_acpi_poweroff(plat.acpi.pm1a_cnt, plat.acpi.pm1b_cnt, plat.acpi.slp_typa,
                               plat.acpi.slp_typb);
}

static void pci_warning(const char *message)
{
    tap_comment(&tap, "warning: pci: %s", message);
}

static enum hw_cfg_mechanism forced_mechanism(void)
{
    switch (plat.options.cfg) {
    case CFG_ECAM: return HW_CFG_ECAM;
    case CFG_CF8: return HW_CFG_CF8;
    default: return HW_CFG_DEFAULT;
    }
}

/* roots: the first bus of every MCFG entry, else bus 0 through 0xCF8 */
static void discover_pci(void)
{
    struct pci_root roots[ACPI_MAX_MCFG + 1];
    unsigned n = 0;
    const struct acpi_info *a = &plat.acpi;
    hw_kernel_config(a->mcfg_entries, plat.acpi_found ? a->mcfg_count : 0, forced_mechanism());
    if (plat.options.cfg != CFG_CF8)
        for (unsigned i = 0; plat.acpi_found && i < a->mcfg_count; i++)
            roots[n++] = (struct pci_root){a->mcfg_entries[i].segment, a->mcfg_entries[i].bus_start};
    bool bus0_covered = false;
    for (unsigned i = 0; i < n; i++)
        bus0_covered |= roots[i].segment == 0 && roots[i].bus == 0;
    if (!bus0_covered) /* no ECAM for the legacy root bus: reach it through 0xCF8 */
        roots[n++] = (struct pci_root){0, 0};
    if (plat.options.cfg == CFG_ECAM && (!plat.acpi_found || a->mcfg_count == 0))
        runner_bail("cfg=ecam, but the firmware describes no ECAM (no valid MCFG)");
    pci_enumerate(roots, n, &plat.pci, pci_warning);
    machine_map_build(&plat.map, paging_phys_bits(), &plat.boot, &plat.acpi, plat.acpi_found,
                      &plat.pci, &plat.options, pci_warning);
    unmapped_read_learn(&plat.map, &plat.unmapped);
}

static void print_topology(void)
{
    const struct acpi_info *a = &plat.acpi;
    for (unsigned i = 0; plat.acpi_found && i < a->mcfg_count; i++)
        tap_comment(&tap, "ecam segment %u buses %u-%u @0x%016llx", a->mcfg_entries[i].segment,
                    a->mcfg_entries[i].bus_start, a->mcfg_entries[i].bus_end,
                    (unsigned long long)a->mcfg_entries[i].base);
    for (unsigned i = 0; plat.acpi_found && i < a->window_count; i++)
        tap_comment(&tap, "host window 0x%016llx-0x%016llx", (unsigned long long)a->windows[i].base,
                    (unsigned long long)a->windows[i].end);
    pci_print_topology(&plat.pci, print_comment_line);
    machine_map_print_free(&plat.map, print_comment_line);
}

static void print_header(void)
{
    uint64_t hz = timer_tsc_hz();
    tap_comment(&tap, "barmove %s hv=%s cpu-phys-bits=%u loader=\"%s\" multiboot%u seed=0x%llx",
                BARMOVE_VERSION, hypervisor_name(), paging_phys_bits(), plat.boot.loader,
                plat.boot.protocol, (unsigned long long)plat.options.seed);
    tap_comment(&tap, "cmdline \"%s\"", plat.boot.cmdline);
    char unmapped[96];
    unmapped_read_describe(&plat.unmapped, unmapped, sizeof unmapped);
    tap_comment(&tap, "unmapped reads return %s", unmapped);
    tap_comment(&tap, "tsc %llu.%03llu MHz from %s", (unsigned long long)(hz / 1000000),
                (unsigned long long)(hz / 1000 % 1000), timer_source_name(timer_tsc_source()));
    if (plat.acpi_found)
        tap_comment(&tap, "acpi rev %u %s=0x%llx pm-timer=0x%x%s s5=%s", plat.acpi.revision,
                    plat.acpi.root_is_xsdt ? "xsdt" : "rsdt", (unsigned long long)plat.acpi.root,
                    plat.acpi.pm_timer_port, plat.acpi.pm_timer_32bit ? "/32" : "/24",
                    plat.acpi.s5_found ? "yes" : "no");
    else
        tap_comment(&tap, "acpi not found");
    char watchdog[128];
    watchdog_describe(watchdog, sizeof watchdog);
    tap_comment(&tap, "watchdog %s: a check is abandoned after %u s without progress", watchdog,
                WATCHDOG_BUDGET_S);
}

void kmain(uint32_t magic, uint32_t info)
{
    mark(PHASE_START);
    console_init();
    exceptions_init();
    struct runner rn = {.tap = &tap, .options = &plat.options, .exit = exit_with,
                         .before_summary = print_run_figures, .on_step = on_step,
                         .on_alive = watchdog_alive, .guard = watchdog_guard};
    tap_begin(&tap, console_write);
    runner_attach(&rn);
    read_boot_info(magic, info);
    read_options();
    if (!plat.options.seed_given)
        plat.options.seed = default_seed();
    prng_seed(&plat.prng, plat.options.seed);
    if (hostile_memmap(plat.options.selftest, &plat.boot))
        tap_comment(&tap, "selftest memmap-hostile: an overlapping RAM range, a reserved hole in RAM "
                          "and a range wrapping past 2^64 added to the memory map");
    paging_init(plat.boot.ranges, plat.boot.range_count);
    if (!strcmp(plat.options.selftest, "bootinfo-dump"))
        bootinfo_dump(magic, info, physmem_read, NULL, print_comment_line);
    find_acpi();
    bail_on_bad_options();
    mark(PHASE_ACPI);
    timer_init(plat.acpi_found ? plat.acpi.pm_timer_port : 0, plat.acpi.pm_timer_32bit);
    if (!strcmp(plat.options.selftest, "tsc-skew"))
        timer_skew_for_selftest(5);
    watchdog_init(); /* needs the TSC rate; interrupts stay off until a check runs */
    step_selftests_arm(plat.options.selftest);
    mark(PHASE_TSC);
    discover_pci();
    mark(PHASE_PCI);
    print_header();
    print_topology();
    mark(PHASE_LISTING);
    if (plat.options.list) { /* topology only: nothing is tested */
        tap_plan(&tap, 0);
        tap_summary(&tap);
        exit_with(runner_verdict(&tap));
    }
    exit_with(runner_run(&rn, __start_barmove_checks, __stop_barmove_checks));
}

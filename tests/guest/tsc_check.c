/* Hazard: latency figures and every timeout rest on the TSC rate. Check it
 * against the ACPI PM timer (3.579545 MHz), a clock it was not calibrated
 * with; they must agree within 2 %. When the rate came from the PIT, the PM
 * timer was read over the same windows (kernel/timer.c) and that figure is
 * used: no second wait. Otherwise (CPUID gave the rate) the check measures.
 * selftest=tsc-skew is its negative control: a rate 5 % off (applied after
 * calibration) that this check must report. */
#include "../../kernel/check.h"
#include "../../kernel/cpu.h"
#include "../../kernel/platform.h"
#include "../../kernel/sort.h"
#include "../../kernel/timer.h"

/* 5 ms: at 3.58 MHz a window is 17898 ticks, so one tick is 56 ppm of it and
 * an exit per port read under KVM (~15 us) 0.3 %, far below the 2 %
 * tolerance; the median of 5 rides out a descheduled vCPU. (50 ms windows
 * cost the suite a quarter of a second.) */
#define WINDOW_TICKS (PM_TIMER_HZ / 200)
#define WINDOW_MS 5 /* its own windows; the boot's are 1 ms (kernel/timer.c) */
#define ROUNDS 5
#define TOLERANCE_PERCENT 2

static uint32_t pm_read(uint16_t port, uint32_t mask)
{
    return inl(port) & mask;
}

/* TSC rate measured over one PM-timer window */
static uint64_t pm_window_hz(uint16_t port, uint32_t mask)
{
    uint32_t start = pm_read(port, mask), now, elapsed;
    uint64_t tsc0 = rdtsc();
    uint64_t guard = 0;
    do {
        now = pm_read(port, mask);
        elapsed = (now - start) & mask;
    } while (elapsed < WINDOW_TICKS && ++guard < 500000000ull);
    uint64_t tsc1 = rdtsc();
    return elapsed ? (tsc1 - tsc0) * PM_TIMER_HZ / elapsed : 0;
}

static void run_tsc(unsigned i, struct check_result *r)
{
    (void)i;
    const struct acpi_info *a = &platform()->acpi;
    if (!platform()->acpi_found || !a->pm_timer_port) {
        check_skip(r, "no ACPI PM timer to compare with");
        return;
    }
    uint32_t mask = a->pm_timer_32bit ? 0xffffffffu : 0xffffffu;
    uint64_t measured = timer_tsc_hz_by_pm_timer(), calibrated = timer_tsc_hz();
    bool at_boot = measured != 0;
    if (!at_boot) {
        uint64_t v[ROUNDS];
        for (unsigned k = 0; k < ROUNDS; k++)
            v[k] = pm_window_hz(a->pm_timer_port, mask);
        sort_u64(v, ROUNDS);
        measured = v[ROUNDS / 2];
    }
    uint64_t diff = measured > calibrated ? measured - calibrated : calibrated - measured;
    check_diag(r, "calibrated_hz", "%llu (%s)", (unsigned long long)calibrated,
               timer_source_name(timer_tsc_source()));
    if (at_boot)
        check_diag(r, "pm_timer_hz", "%llu (median over the PIT's own calibration windows)",
                   (unsigned long long)measured);
    else
        check_diag(r, "pm_timer_hz", "%llu (median of %u windows of %u ms)", (unsigned long long)measured,
                   ROUNDS, WINDOW_MS);
    check_diag(r, "difference_ppm", "%llu", (unsigned long long)(measured ? diff * 1000000 / measured : 0));
    if (!measured || diff * 100 > measured * TOLERANCE_PERCENT)
        check_fail(r, "TSC rate disagrees with the ACPI PM timer by more than %u %%",
                   TOLERANCE_PERCENT);
    else
        check_pass(r);
}

CHECK(tsc_calibration) = {.id = "tsc-calibration", .level = CHECK_REQUIRED, .run = run_tsc};

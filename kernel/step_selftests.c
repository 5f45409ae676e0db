/* Selftests that strike inside a relocation check, at its second step (after
 * "MSE off" or the first BAR write, so something is moved or dark): the host
 * side must name the check and the step, and a bail-out must put every BAR
 * back (runner_set_abort_cleanup). Kernel only: they fault, hang or reset
 * the machine for real.
 *   step-fault         an invalid opcode: exception report, put back, Bail out!
 *   step-hang          interrupts off, forever: the runner's timeout
 *   step-probe-hang    a spin with interrupts on, forever: the watchdog
 *                      abandons the check, every BAR is put back, the run goes on
 *   step-triple-fault  an empty IDT and a breakpoint: the CPU resets (QEMU
 *                      -no-reboot ends; the log simply stops) */
#include "step_selftests.h"

#include <stdint.h>
#include <string.h>

#include "cpu.h"

#define STRIKE_STEP 2

static const char *armed; /* the selftest name, or NULL */

void step_selftests_arm(const char *selftest)
{
    if (!strcmp(selftest, "step-fault") || !strcmp(selftest, "step-hang") ||
        !strcmp(selftest, "step-probe-hang") ||
        !strcmp(selftest, "step-triple-fault"))
        armed = selftest;
}

static void triple_fault(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } empty = {0, 0};
    __asm__ volatile("lidt %0; int3" ::"m"(empty));
}

void step_selftests_on_step(unsigned n, unsigned of, const char *name)
{
    (void)of, (void)name;
    if (!armed || n != STRIKE_STEP)
        return;
    const char *what = armed;
    armed = NULL; /* once */
    if (!strcmp(what, "step-fault"))
        __asm__ volatile("ud2");
    else if (!strcmp(what, "step-hang"))
        halt_forever();
    else if (!strcmp(what, "step-probe-hang"))
        for (;;) /* a probe that never returns (interrupts are on inside a check) */
            __asm__ volatile("pause");
    else
        triple_fault();
}

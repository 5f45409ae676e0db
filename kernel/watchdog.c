/* Timer: the local APIC timer, one-shot, at most 1 s ahead; where there is
 * no usable local APIC, PIT channel 0 ticking at 20 Hz on the 8259's IRQ0.
 * Either only wakes the handler: the deadline is kept in TSC ticks, so a
 * timer rate measured a little off makes a wake-up early (it rearms) or late
 * by that error, never an expiry before the budget is spent.
 *
 * Unwinding: watchdog_guard() saves its own context (watchdog.S) before the
 * check runs; on expiry the handler rewrites its interrupt frame to resume
 * there, so the check's frames are dropped and the guard returns the reason.
 * The check never gets control back: whatever it had moved, the runner's
 * abort clean-up puts back. */
#include "watchdog.h"

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "format.h"
#include "interrupts.h"
#include "lapic.h"
#include "pic.h"
#include "runner.h"
#include "timer.h"

/* the top priority class (0xf), so no interrupt left in service by firmware
 * or storming from a stray line can hold it off */
#define WATCHDOG_VECTOR 0xf0
#define WAKE_NS 1000000000ull
#define PIT_TICK_HZ 20
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_DF (1ull << 10)

/* watchdog.S writes it: keep the order */
struct watchdog_context {
    uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};
int watchdog_save(struct watchdog_context *c) __attribute__((returns_twice));

enum timer_kind { TIMER_NONE, TIMER_LAPIC, TIMER_PIT };

static enum timer_kind kind;
static struct watchdog_context resume;
static volatile bool armed;
static volatile uint64_t deadline, last_progress; /* TSC */
static uint64_t budget_ticks;
static unsigned step_n, step_of; /* the last "# step" of the running point; 0: none yet */
static char step_name[TAP_DESC_MAX];
static uint64_t stuck_rip;
static unsigned long wakeups, expiries;
static uint64_t longest; /* TSC ticks without progress, and where */
static char longest_where[TAP_DESC_MAX * 2];

static uint64_t ticks_to_ns(uint64_t ticks)
{
    uint64_t hz = timer_tsc_hz();
    return (uint64_t)((unsigned __int128)ticks * 1000000000u / hz);
}

static void wake_in(uint64_t ticks)
{
    uint64_t ns = ticks_to_ns(ticks);
    if (kind == TIMER_LAPIC)
        lapic_timer_oneshot(WATCHDOG_VECTOR, ns < WAKE_NS ? ns : WAKE_NS);
}

static void timer_start(void)
{
    if (kind == TIMER_LAPIC)
        wake_in(budget_ticks);
    else if (kind == TIMER_PIT)
        pic_pit_tick_start(PIT_TICK_HZ);
}

static void timer_stop(void)
{
    if (kind == TIMER_LAPIC)
        lapic_timer_stop();
    else if (kind == TIMER_PIT)
        pic_pit_tick_stop();
}

static void on_timer(struct exception_frame *f)
{
    wakeups++;
    if (!armed) /* a wake-up raised just before the guard disarmed */
        return;
    uint64_t now = rdtsc();
    if (now < deadline) {
        wake_in(deadline - now);
        return;
    }
    armed = false;
    expiries++;
    timer_stop();
    stuck_rip = f->rip;
    f->rbx = resume.rbx;
    f->rbp = resume.rbp;
    f->r12 = resume.r12;
    f->r13 = resume.r13;
    f->r14 = resume.r14;
    f->r15 = resume.r15;
    f->rsp = resume.rsp;
    f->rip = resume.rip;
    f->rax = 1; /* watchdog_save's second return */
    f->rflags &= ~(RFLAGS_IF | RFLAGS_DF);
}

void watchdog_init(void)
{
    pic_init();
    budget_ticks = timer_tsc_hz() * WATCHDOG_BUDGET_S;
    if (lapic_init()) {
        kind = TIMER_LAPIC;
        interrupt_route(WATCHDOG_VECTOR, on_timer);
    } else {
        kind = TIMER_PIT;
        interrupt_route(PIC_VECTOR_BASE, on_timer);
    }
}

/* the stretch since the last progress ends now: the longest is kept, and where */
static void stretch_ends(uint64_t now)
{
    uint64_t stretch = now - last_progress;
    last_progress = now;
    deadline = now + budget_ticks;
    if (stretch <= longest)
        return;
    longest = stretch;
    if (step_n)
        format(longest_where, sizeof longest_where, "check %s, step %u/%u %s", runner_current(), step_n,
               step_of, step_name);
    else
        format(longest_where, sizeof longest_where, "check %s, before any step", runner_current());
}

void watchdog_progress(unsigned n, unsigned of, const char *name)
{
    stretch_ends(rdtsc());
    step_n = n;
    step_of = of;
    tap_clean_desc(step_name, sizeof step_name, name);
}

void watchdog_alive(void)
{
    stretch_ends(rdtsc());
}

static struct check_result *guarded;

const char *watchdog_guard(void (*fn)(unsigned i, struct check_result *r), unsigned i,
                           struct check_result *r)
{
    static char why[TAP_DESC_MAX];
    if (kind == TIMER_NONE) {
        fn(i, r);
        return NULL;
    }
    guarded = r;
    step_n = 0;
    last_progress = rdtsc();
    deadline = last_progress + budget_ticks;
    armed = true;
    timer_start();
    if (watchdog_save(&resume) == 0) {
        interrupts_on();
        fn(i, r);
        interrupts_off();
        armed = false;
        timer_stop();
        stretch_ends(rdtsc());
        return NULL;
    }
    /* here again from on_timer, interrupts off: the check is abandoned */
    if (step_n)
        format(why, sizeof why, "watchdog: no progress for %u s at step %u/%u %s (a probe or wait that never returned)",
               WATCHDOG_BUDGET_S, step_n, step_of, step_name);
    else
        format(why, sizeof why, "watchdog: no progress for %u s since the check started (a probe or wait that never returned)",
               WATCHDOG_BUDGET_S);
    check_diag(guarded, "stuck_at", "rip 0x%016llx", (unsigned long long)stuck_rip);
    return why;
}

void watchdog_describe(char *buf, size_t size)
{
    uint64_t hz = lapic_timer_hz();
    if (kind == TIMER_LAPIC)
        format(buf, size, "lapic-timer (%s) %llu.%03llu MHz, vector 0x%x", lapic_is_x2apic() ? "x2apic" : "xapic",
               (unsigned long long)(hz / 1000000), (unsigned long long)(hz / 1000 % 1000), WATCHDOG_VECTOR);
    else
        format(buf, size, "pit channel 0 at %u Hz on IRQ0 (no usable local APIC)", PIT_TICK_HZ);
}

void watchdog_summary(char *buf, size_t size)
{
    unsigned last = 0;
    unsigned long strays = interrupt_strays(&last);
    uint64_t us = ticks_to_ns(longest) / 1000;
    int n = format(buf, size, "watchdog: longest without progress %llu.%03llu ms (%s); %lu wake-up%s, "
                   "%lu expir%s, %lu stray interrupt%s", (unsigned long long)(us / 1000),
                   (unsigned long long)(us % 1000), longest ? longest_where : "no check ran", wakeups,
                   wakeups == 1 ? "" : "s", expiries, expiries == 1 ? "y" : "ies", strays, strays == 1 ? "" : "s");
    if (strays && n > 0 && (size_t)n < size)
        format(buf + n, size - (size_t)n, " (last vector 0x%x)", last);
}

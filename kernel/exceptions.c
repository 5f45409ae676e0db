#include "exceptions.h"

#include "console.h"
#include "cpu.h"
#include "exit.h"
#include "interrupts.h"
#include "probe.h"
#include "runner.h"

struct idt_entry {
    uint16_t offset_low, selector;
    uint8_t ist, type;
    uint16_t offset_mid;
    uint32_t offset_high, reserved;
} __attribute__((packed));

struct probe_fixup {
    uint64_t access, resume;
};

extern const uint64_t isr_stubs[256];
extern const struct probe_fixup __start_probe_fixups[], __stop_probe_fixups[];

static struct idt_entry idt[256] __attribute__((aligned(16)));
static unsigned nesting; /* a fault inside the report must not recurse forever */

#define KERNEL_CS 0x18
#define INTERRUPT_GATE 0x8E

void exceptions_init(void)
{
    for (unsigned v = 0; v < 256; v++) { /* every vector: a stray interrupt must not find a hole */
        uint64_t a = isr_stubs[v];
        idt[v] = (struct idt_entry){
            .offset_low = (uint16_t)a,
            .selector = KERNEL_CS,
            .type = INTERRUPT_GATE,
            .offset_mid = (uint16_t)(a >> 16),
            .offset_high = (uint32_t)(a >> 32),
        };
    }
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) pointer = {sizeof idt - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" ::"m"(pointer));
}

const char *exception_name(unsigned vector)
{
    static const char *const names[32] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
        "#NP", "#SS", "#GP", "#PF", "reserved", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
    };
    return vector < 32 && names[vector] ? names[vector] : "reserved";
}

static int resume_probe(struct exception_frame *f)
{
    for (const struct probe_fixup *p = __start_probe_fixups; p < __stop_probe_fixups; p++) {
        if (p->access == f->rip) {
            f->rip = p->resume;
            f->rax = PROBE_FAULTED | f->vector;
            return 1;
        }
    }
    return 0;
}

void exception_dispatch(struct exception_frame *f)
{
    if (f->vector >= 32) { /* an interrupt: its RIP may be a probe's, but nothing faulted */
        interrupt_dispatch(f);
        return;
    }
    if (resume_probe(f))
        return;
    if (nesting++) /* faulted while reporting: leave as quietly as we can */
        barmove_exit(EXIT_BAIL);
    kprintf("# exception: vector %lu (%s) error 0x%lx rip 0x%016lx cr2 0x%016lx rsp 0x%016lx\n",
            f->vector, exception_name((unsigned)f->vector), f->error_code, f->rip, read_cr2(),
            f->rsp);
    runner_bail("exception %s (vector %lu) at rip 0x%lx", exception_name((unsigned)f->vector),
                f->vector, f->rip);
    barmove_exit(EXIT_BAIL); /* runner_bail exits; this covers a run with no runner yet */
}

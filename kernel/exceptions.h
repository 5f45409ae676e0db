/* The IDT: every vector goes through isr.S to exception_dispatch(); 32-255
 * are interrupts (interrupts.c). Exceptions 0-31: a recoverable probe's fault
 * resumes at its fixup; any other exception prints vector, error code, RIP, CR2 and the running check, then
 * "Bail out!", and the run exits with code 2. */
#ifndef BARMOVE_EXCEPTIONS_H
#define BARMOVE_EXCEPTIONS_H
#include <stdint.h>

struct exception_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

void exceptions_init(void);
void exception_dispatch(struct exception_frame *f);
const char *exception_name(unsigned vector);

#endif

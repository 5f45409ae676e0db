/* int watchdog_save(struct watchdog_context *c): saves where the caller will
 * resume, returns 0. The watchdog's interrupt handler "returns" there a second
 * time, with 1, by rewriting its interrupt frame from the context (RIP, RSP,
 * the callee-saved registers) before iretq: that abandons the check's stack.
 * Layout: struct watchdog_context in watchdog.c. */
    .text
    .code64
    .global watchdog_save
watchdog_save:
    movq %rbx, 0(%rdi)
    movq %rbp, 8(%rdi)
    movq %r12, 16(%rdi)
    movq %r13, 24(%rdi)
    movq %r14, 32(%rdi)
    movq %r15, 40(%rdi)
    leaq 8(%rsp), %rax          /* the caller's RSP once this returns */
    movq %rax, 48(%rdi)
    movq (%rsp), %rax           /* the return address */
    movq %rax, 56(%rdi)
    xorl %eax, %eax
    ret

/* Entry stubs for every vector: exceptions 0-31, interrupts 32-255. Each
 * pushes a dummy error code where the CPU pushes none, then the vector, so
 * exception_dispatch() always sees the same frame (struct exception_frame in
 * exceptions.h); it sends vectors 32-255 on to interrupt_dispatch(). */
    .text
    .code64

.macro stub vector, has_error
    .align 16
isr\vector:
    .if \has_error == 0
    pushq $0
    .endif
    pushq $\vector
    jmp isr_common
.endm

stub 0,0; stub 1,0; stub 2,0; stub 3,0; stub 4,0; stub 5,0; stub 6,0; stub 7,0
stub 8,1; stub 9,0; stub 10,1; stub 11,1; stub 12,1; stub 13,1; stub 14,1; stub 15,0
stub 16,0; stub 17,1; stub 18,0; stub 19,0; stub 20,0; stub 21,1; stub 22,0; stub 23,0
stub 24,0; stub 25,0; stub 26,0; stub 27,0; stub 28,0; stub 29,1; stub 30,1; stub 31,0

/* interrupts never push an error code (the CPU pushes one for exceptions only) */
    .altmacro
.macro irq_stub vector
    .align 16
isr\vector:
    pushq $0
    pushq $\vector
    jmp isr_common
.endm
    .set vec, 32
    .rept 224
    irq_stub %vec
    .set vec, vec + 1
    .endr

isr_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi
    cld
    call exception_dispatch
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp              /* vector and error code */
    iretq

    .section .rodata
    .align 8
    .global isr_stubs
isr_stubs:
.macro stub_address vector
    .quad isr\vector
.endm
    .set vec, 0
    .rept 256
    stub_address %vec
    .set vec, vec + 1
    .endr

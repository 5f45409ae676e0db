/* 32-bit entry for both multiboot magics: own GDT, identity map of the low
 * 4 GiB with 2 MiB pages, long mode, then kmain(magic, info).
 *
 * Firmware leftovers are undone by writing whole registers, never OR-ing:
 * OVMF leaves EFER.NXE and CR0.WP set, which would change what our page
 * table bits mean. */
#define COM1 0x3F8
#define PTE_P  0x001
#define PTE_RW 0x002
#define PTE_PS 0x080
#define EFER_MSR 0xC0000080
#define EFER_LME 0x100
#define CR0_PE 0x00000001
#define CR0_ET 0x00000010
#define CR0_PG 0x80000000
#define CR4_PAE 0x20

    .section .boot32, "ax"
    .code32
    .global _start32
_start32:
    cli
    cld
    movl %eax, boot_magic
    movl %ebx, boot_info
    lgdt gdt_pointer
    ljmp $0x08, $1f
1:  movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs

    /* .bss holds the stack and page tables: zero it before using either,
     * a dword a step (4-aligned in linker.ld; under TCG each step of a REP
     * is one block executed: 2 MiB byte by byte was 15 % of all of them) */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    shrl $2, %ecx
    xorl %eax, %eax
    rep stosl
    movl $boot_stack_top, %esp

    /* long mode present? (CPUID 0x80000001 EDX bit 29) */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    btl $29, %edx
    jnc no_long_mode

    /* PML4[0] -> PDPT; PDPT[0..3] -> the four PDs; PD entries: 2 MiB pages */
    movl $boot_pdpt, %eax
    orl $(PTE_P | PTE_RW), %eax
    movl %eax, boot_pml4
    movl $boot_pd, %eax
    orl $(PTE_P | PTE_RW), %eax
    xorl %ecx, %ecx
2:  movl %eax, boot_pdpt(, %ecx, 8)
    addl $4096, %eax
    incl %ecx
    cmpl $4, %ecx
    jb 2b
    movl $(PTE_P | PTE_RW | PTE_PS), %eax
    xorl %edx, %edx                 /* high dword of the physical address */
    xorl %ecx, %ecx
3:  movl %eax, boot_pd(, %ecx, 8)
    movl %edx, boot_pd+4(, %ecx, 8)
    addl $0x200000, %eax
    adcl $0, %edx
    incl %ecx
    cmpl $2048, %ecx
    jb 3b

    movl $CR4_PAE, %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $EFER_MSR, %ecx
    xorl %edx, %edx
    movl $EFER_LME, %eax
    wrmsr
    movl $(CR0_PG | CR0_ET | CR0_PE), %eax
    movl %eax, %cr0
    ljmp $0x18, $long_mode_entry

no_long_mode:
    movl $no_lm_message, %esi
4:  lodsb
    testb %al, %al
    jz 6f
    movb %al, %bl
    movw $(COM1 + 5), %dx
5:  inb %dx, %al                    /* wait for THRE */
    testb $0x20, %al
    jz 5b
    movw $COM1, %dx
    movb %bl, %al
    outb %al, %dx
    jmp 4b
6:  cli
    hlt
    jmp 6b

    .code64
long_mode_entry:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    movl boot_magic, %edi
    movl boot_info, %esi
    call kmain
7:  cli
    hlt
    jmp 7b

    .section .rodata
    .align 16
gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF        /* 0x08: 32-bit code */
    .quad 0x00CF92000000FFFF        /* 0x10: data */
    .quad 0x00AF9A000000FFFF        /* 0x18: 64-bit code */
gdt_end:
gdt_pointer:
    .short gdt_end - gdt - 1
    .long gdt
no_lm_message:
    .asciz "TAP version 14\nBail out! barmove needs an x86-64 CPU (no long mode)\n"

    .section .data
    .align 4
    .global boot_magic, boot_info
boot_magic: .long 0
boot_info:  .long 0

    .section .bss
    .align 4096
    .global boot_pml4, boot_pdpt, boot_pd
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4 * 4096
    .align 16
boot_stack: .skip 65536
    .global boot_stack_top
boot_stack_top:

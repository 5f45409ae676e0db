/* Both multiboot headers, first in the image (see linker.ld).
 * Multiboot1: ELF-loaded (GRUB "multiboot", QEMU -kernel with the ELF32 copy).
 * Multiboot2: GRUB "multiboot2"; no EFI tags, so GRUB exits boot services and
 * enters _start32 in 32-bit protected mode exactly as for multiboot1. */
#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00000003 /* page-align modules, want memory info */
#define MB2_MAGIC 0xE85250D6

    .section .multiboot, "a"
    .align 4
mb1_header:
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long -(MB1_MAGIC + MB1_FLAGS)

    .align 8
mb2_header:
    .long MB2_MAGIC
    .long 0                         /* architecture: i386 protected mode */
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
    /* information request: we use cmdline(1), loader name(2), mmap(6),
     * ACPI old(14) and new(15) RSDP; all optional so any loader boots us */
    .align 8
    .short 1, 1                     /* type 1, flags: optional */
    .long 8 + 5 * 4
    .long 1, 2, 6, 14, 15
    .align 8
    .short 0, 0                     /* end tag */
    .long 8
mb2_header_end:

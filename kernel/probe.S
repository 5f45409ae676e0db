/* Recoverable probes: one load or store that may fault. Each access
 * instruction is listed in the probe_fixups table with the place to resume;
 * exception_dispatch() looks the faulting RIP up there, resumes at the fixup
 * and returns PROBE_FAULTED | vector in %eax instead of crashing.
 *   int probe_readN(uint64_t addr, uintN_t *out);   0 = success
 *   int probe_writeN(uint64_t addr, uintN_t value); 0 = success */
    .text
    .code64

.macro fixup access, resume
    .pushsection probe_fixups, "a"
    .quad \access, \resume
    .popsection
.endm

.macro read_probe name, load, reg, store
    .global \name
\name:
    xorl %eax, %eax
1:  \load (%rdi), \reg
    \store \reg, (%rsi)
2:  ret
    fixup 1b, 2b
.endm

.macro write_probe name, store, reg
    .global \name
\name:
    xorl %eax, %eax
1:  \store \reg, (%rdi)
2:  ret
    fixup 1b, 2b
.endm

read_probe probe_read8,  movb, %cl,  movb
read_probe probe_read16, movw, %cx,  movw
read_probe probe_read32, movl, %ecx, movl
read_probe probe_read64, movq, %rcx, movq
write_probe probe_write8,  movb, %sil
write_probe probe_write16, movw, %si
write_probe probe_write32, movl, %esi
write_probe probe_write64, movq, %rsi

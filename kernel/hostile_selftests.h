/* selftest=acpi-bad-checksum|acpi-bad-length|memmap-hostile (issue 11):
 * firmware that lies in ways QEMU's -acpitable cannot inject (it recomputes
 * checksums and lengths), made by corrupting a copy before the parsers see it.
 * The kernel must say what it rejected, fall back, and complete the run. */
#ifndef BARMOVE_HOSTILE_SELFTESTS_H
#define BARMOVE_HOSTILE_SELFTESTS_H
#include "bootinfo.h"

/* the reader the ACPI parsers get: physmem_read, or one that hands out the
 * MCFG with a wrong checksum (acpi-bad-checksum) or a length running past the
 * end of memory (acpi-bad-length) */
phys_reader_fn hostile_acpi_reader(const char *selftest);
/* memmap-hostile: the boot memory map gets an overlapping RAM range, a
 * reserved range inside RAM and a RAM range that wraps past 2^64; returns
 * whether it changed anything */
int hostile_memmap(const char *selftest, struct bootinfo *bi);

#endif

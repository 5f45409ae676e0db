/* Is the machine as found self-consistent? Pure checks over the enumerated
 * topology (shared: the guest runs them in tests/guest/topology_checks.c, the
 * host tests feed them broken topologies as their negative controls).
 * A BAR "decodes" when it is a memory BAR with a nonzero address and its
 * function has memory decode on (QEMU never maps address 0). Each function
 * returns the number of problems and describes each through report(). */
#ifndef BARMOVE_PCI_CONSISTENCY_H
#define BARMOVE_PCI_CONSISTENCY_H
#include "acpi_tables.h"
#include "pci.h"

typedef void (*pci_report_fn)(void *ctx, const char *text);

bool pci_bar_decodes(const struct pci_function *fn, const struct pci_bar *bar);
/* no two decoding BARs share an address */
unsigned pci_check_bars_disjoint(const struct pci_topology *t, pci_report_fn report, void *ctx);
/* every decoding BAR behind bridges lies inside each upstream bridge's memory
 * window (a prefetchable BAR: the memory or the prefetchable window) */
unsigned pci_check_bars_in_bridge_windows(const struct pci_topology *t, pci_report_fn report,
                                          void *ctx);
/* every decoding BAR on a root bus and every open bridge memory window lies in
 * one of the host bridge's _CRS windows */
unsigned pci_check_inside_host_windows(const struct pci_topology *t, const struct acpi_window *w,
                                       unsigned window_count, pci_report_fn report, void *ctx);

#endif

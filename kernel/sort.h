/* Small sorts for medians (TSC calibration, the TSC check, latency figures):
 * a handful of values, so insertion sort. */
#ifndef BARMOVE_SORT_H
#define BARMOVE_SORT_H
#include <stdint.h>

void sort_u64(uint64_t *v, unsigned n);

#endif

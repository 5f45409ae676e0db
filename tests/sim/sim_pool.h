/* Many runs on every core: jobs 0..n-1 shared among worker processes, each
 * job's one-line result (at most SIM_POOL_LINE bytes, no newline) collected
 * by job number, so the report is the same whatever the order they ran in. */
#ifndef BARMOVE_SIM_POOL_H
#define BARMOVE_SIM_POOL_H
#include <stddef.h>

#define SIM_POOL_LINE 1000

/* job(i, ctx, out, size) writes job i's result; returns an array of n
 * malloc'ed lines ("" for a job whose worker died), free with sim_pool_free */
char **sim_pool_run(unsigned n, void (*job)(unsigned i, void *ctx, char *out, size_t size), void *ctx);
void sim_pool_free(char **lines, unsigned n);

#endif

/* barmove-sim --safety SEEDS (sim_sweep.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_pool.h"
#include "sim_random.h"
#include "sim_run.h"
#include "sim_safety.h"
#include "sim_sweep.h"

void sim_tap_find(const char *tap, const char *prefix, char *out, unsigned size)
{
    const char *at = tap;
    size_t len = strlen(prefix);
    out[0] = '\0';
    while (at && *at && strncmp(at, prefix, len)) {
        at = strchr(at, '\n');
        at = at ? at + 1 : NULL;
    }
    if (at && *at)
        snprintf(out, size, "%.*s", (int)strcspn(at + len, "\n"), at + len);
}

unsigned sim_tap_count(const char *tap, const char *prefix)
{
    unsigned n = 0;
    size_t len = strlen(prefix);
    for (const char *at = tap; at && *at;) {
        n += !strncmp(at, prefix, len);
        at = strchr(at, '\n');
        at = at ? at + 1 : NULL;
    }
    return n;
}

struct safety_ctx {
    const char *options;
};

/* "VIOLATIONS\tFIRST\tFAILED-IDS\tPROBLEM" */
static void one_seed(unsigned i, void *ctx, char *out, size_t size)
{
    const struct safety_ctx *c = ctx;
    char cmdline[1200], first[600], count[32], failed[400] = "";
    struct run_result r;
    sim_random_seed = i + 1;
    snprintf(cmdline, sizeof cmdline, "level=strict seed=%u%s%s", i + 1, c->options[0] ? " " : "",
             c->options);
    sim_run(NULL, cmdline, &r);
    sim_tap_find(r.tap, SIM_SAFETY_PREFIX, first, sizeof first);
    sim_tap_find(r.tap, SIM_SAFETY_SUMMARY, count, sizeof count);
    for (unsigned k = 0; k < r.failed_id_count; k++)
        snprintf(failed + strlen(failed), sizeof failed - strlen(failed), "%s%s", k ? ", " : "",
                 r.failed_ids[k]);
    snprintf(out, size, "%lu\t%s\t%s\t%s", strtoul(count, NULL, 10), first, failed,
             r.problem[0] ? r.problem : (count[0] ? "" : "no safety summary"));
    run_result_free(&r);
}

/* the negative control: RAM the memory map does not show, over the 64-bit
 * window, must be caught when the kernel puts a BAR there */
static bool control(const char *options)
{
    char cmdline[1200];
    struct run_result r;
    snprintf(cmdline, sizeof cmdline, "level=strict seed=0x1234%s%s", options[0] ? " " : "", options);
    sim_random_seed = 0;
    sim_hide_ram = true;
    sim_run(NULL, cmdline, &r);
    sim_hide_ram = false;
    unsigned n = sim_tap_count(r.tap, SIM_SAFETY_PREFIX);
    char first[600];
    sim_tap_find(r.tap, SIM_SAFETY_PREFIX, first, sizeof first);
    printf("safety control: RAM the memory map hides in the 64-bit window: %s\n",
           n ? "caught" : "NOT caught");
    if (n)
        printf("  %s\n", first);
    run_result_free(&r);
    return n != 0;
}

int sim_safety_sweep(unsigned seeds, const char *options)
{
    struct safety_ctx c = {options};
    char **lines = sim_pool_run(seeds, one_seed, &c);
    unsigned long violations = 0;
    bool ok = lines != NULL;
    for (unsigned i = 0; lines && i < seeds; i++) {
        char *f[4] = {lines[i], "", "", ""};
        for (unsigned k = 1; k < 4 && f[k - 1]; k++) {
            char *tab = strchr(f[k - 1], '\t');
            if (!tab)
                break;
            *tab = '\0';
            f[k] = tab + 1;
        }
        unsigned long v = strtoul(f[0], NULL, 10);
        violations += v;
        if (v)
            printf("safety seed %u: %s%s\n", i + 1, f[1], v > 1 ? " (and more)" : "");
        if (f[2][0])
            printf("safety seed %u: not ok %s (barmove-sim --topology %u --tap correct "
                   "level=strict seed=%u shows why)\n", i + 1, f[2], i + 1, i + 1);
        if (f[3][0] || !lines[i][0])
            printf("safety seed %u: the run did not complete: %s\n", i + 1,
                   f[3][0] ? f[3] : "its worker died");
        ok &= !v && !f[2][0] && !f[3][0] && lines[i][0];
    }
    ok &= control(options);
    printf("safety: %u runs, %lu violations\n", seeds, violations);
    sim_pool_free(lines, seeds);
    return ok ? 0 : 1;
}

/* barmove-sim --fault-sweep (sim_sweep.h): the census of the default run's
 * points and steps, then one run per point, step and fault kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_fault.h"
#include "sim_pool.h"
#include "sim_run.h"
#include "sim_safety.h"
#include "sim_sweep.h"

#define MAX_POINTS 1024
#define KINDS 2

struct point {
    char desc[TAP_DESC_MAX];
    unsigned steps; /* the largest M of its "# step N/M" lines */
    bool skipped;
};

static struct point points[MAX_POINTS];
static unsigned point_count;

struct injection {
    unsigned point, step;
    enum sim_fault_kind kind;
};

static struct injection *plan;

static void note_line(const char *whole, size_t len)
{
    unsigned n, k, m;
    char desc[TAP_DESC_MAX], line[TAP_DESC_MAX + 64];
    snprintf(line, sizeof line, "%.*s", (int)len, whole); /* this line alone */
    len = strlen(line);
    if (!strncmp(line, TAP_RUNNING_PREFIX, strlen(TAP_RUNNING_PREFIX)) && point_count < MAX_POINTS &&
        sscanf(line + strlen(TAP_RUNNING_PREFIX), "%u - ", &n) == 1) {
        const char *d = strstr(line, " - ") + 3;
        snprintf(desc, sizeof desc, "%.*s", (int)(line + len - d), d);
        points[point_count++] = (struct point){.steps = 0};
        memcpy(points[point_count - 1].desc, desc, sizeof desc);
    } else if (point_count && sscanf(line, TAP_STEP_PREFIX "%u/%u", &k, &m) == 2) {
        if (m > points[point_count - 1].steps)
            points[point_count - 1].steps = m;
    } else if (point_count && !strncmp(line, "ok ", 3) && strstr(line, "# SKIP")) {
        points[point_count - 1].skipped = true;
    }
}

static void census(const char *tap)
{
    for (const char *line = tap; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        note_line(line, len);
        line = nl ? nl + 1 : NULL;
    }
}

/* the point alone: only= with its description, blanks and commas as '?' */
static void only_glob(const char *desc, char *out, size_t size)
{
    snprintf(out, size, "only=%s", desc);
    for (char *p = out; *p; p++)
        if (*p == ' ' || *p == ',')
            *p = '?';
}

struct fault_ctx {
    const char *options;
};

/* "MOVED\tFIRED\tVIOLATIONS\tFIRST-MOVED\tPROBLEM" */
static void one_injection(unsigned i, void *ctx, char *out, size_t size)
{
    const struct fault_ctx *c = ctx;
    const struct injection *j = &plan[i];
    char cmdline[1400], only[TAP_DESC_MAX + 8], moved[300], violation[300];
    struct run_result r;
    only_glob(points[j->point].desc, only, sizeof only);
    snprintf(cmdline, sizeof cmdline, "%s %s", c->options, only);
    sim_fault_plan = (struct sim_fault_plan){.kind = j->kind, .step = j->step};
    memcpy(sim_fault_plan.point, points[j->point].desc, sizeof sim_fault_plan.point);
    sim_run(NULL, cmdline, &r);
    sim_tap_find(r.tap, SIM_MOVED_PREFIX, moved, sizeof moved);
    sim_tap_find(r.tap, SIM_SAFETY_PREFIX, violation, sizeof violation);
    snprintf(out, size, "%u\t%u\t%u\t%s%s%s\t%s", sim_tap_count(r.tap, SIM_MOVED_PREFIX),
             sim_tap_count(r.tap, SIM_FAULT_FIRED), sim_tap_count(r.tap, SIM_SAFETY_PREFIX), moved,
             violation[0] ? "; safety violation: " : "", violation, r.problem);
    run_result_free(&r);
}

static unsigned plan_injections(void)
{
    unsigned n = 0;
    for (unsigned p = 0; p < point_count; p++)
        if (!points[p].skipped)
            n += KINDS * (points[p].steps ? points[p].steps : 1);
    plan = calloc(n ? n : 1, sizeof *plan);
    n = 0;
    for (unsigned p = 0; plan && p < point_count; p++) {
        if (points[p].skipped)
            continue;
        unsigned first = points[p].steps ? 1 : 0;
        for (unsigned s = first; s <= points[p].steps; s++) {
            plan[n++] = (struct injection){p, s, SIM_FAULT_TRANSIENT};
            plan[n++] = (struct injection){p, s, SIM_FAULT_DEAD};
        }
    }
    return plan ? n : 0;
}

/* prints the injection's line when something went wrong; true when it left something moved */
static bool report(unsigned i, char *line, bool *bad)
{
    const struct injection *j = &plan[i];
    char *f[5] = {line, "", "", "", ""};
    for (unsigned k = 1; k < 5; k++) {
        char *tab = strchr(f[k - 1], '\t');
        if (!tab)
            break;
        *tab = '\0';
        f[k] = tab + 1;
    }
    unsigned long moved = strtoul(f[0], NULL, 10), fired = strtoul(f[1], NULL, 10);
    unsigned long violations = strtoul(f[2], NULL, 10);
    const char *kind = j->kind == SIM_FAULT_DEAD ? "dead" : "transient";
    bool wrong = moved || violations || f[4][0] || !line[0] || !fired;
    *bad |= wrong;
    if (wrong)
        printf("fault %s step %u/%u (%s): %s%s%s%s\n", points[j->point].desc, j->step,
               points[j->point].steps, kind, !fired ? "the step never came; " : "",
               moved ? "left " : "", f[3], f[4][0] ? f[4] : !line[0] ? "its worker died" : "");
    return moved != 0;
}

/* the negative control: the first move-dark point with selftest=no-restore
 * (its BAR left where the move put it) must be seen left moved */
static bool control(const char *options)
{
    char cmdline[1400], only[TAP_DESC_MAX + 8];
    struct run_result r;
    unsigned p = 0;
    while (p < point_count && (points[p].skipped || !strstr(points[p].desc, " move-dark")))
        p++;
    if (p == point_count)
        return false;
    only_glob(points[p].desc, only, sizeof only);
    snprintf(cmdline, sizeof cmdline, "%s %s selftest=no-restore", options, only);
    sim_fault_plan = (struct sim_fault_plan){SIM_FAULT_NONE, "", 0};
    sim_run(NULL, cmdline, &r);
    unsigned n = sim_tap_count(r.tap, SIM_MOVED_PREFIX);
    printf("fault sweep control: %s with selftest=no-restore: %s\n", points[p].desc,
           n ? "left something moved (caught)" : "NOT caught");
    run_result_free(&r);
    return n != 0;
}

int sim_fault_sweep(const char *options)
{
    struct run_result r;
    struct fault_ctx c = {options};
    sim_fault_plan = (struct sim_fault_plan){SIM_FAULT_NONE, "", 0};
    sim_run(NULL, options, &r);
    census(r.tap);
    bool ok = !r.problem[0] && r.summary;
    run_result_free(&r);
    unsigned n = plan_injections(), moved = 0;
    char **lines = sim_pool_run(n, one_injection, &c);
    bool bad = false;
    for (unsigned i = 0; lines && i < n; i++)
        moved += report(i, lines[i], &bad);
    ok &= control(options);
    printf("fault sweep: %u injections, %u left something moved\n", n, moved);
    sim_pool_free(lines, n);
    free(plan);
    return ok && lines && !bad ? 0 : 1;
}

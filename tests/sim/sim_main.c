/* build/barmove-sim: the relocation checks of tests/guest, compiled unchanged,
 * against the correct model and against every mutant of the kill matrix
 * (sim_matrix.c), printed in DESIGN §7's form:
 *
 *   model correct: P passed, F failed, S skipped
 *   mutant NAME: killed by CHECK, ... (expected CHECK, ...)
 *   mutant NAME: SURVIVED (expected CHECK, ...)
 *   mutant NAME: PARTIAL (missed CHECK, ...)
 *   diagnosis: N mutants, K named their class   (sim_diagnosis.c)
 *   profiles: N runs, K as expected
 *   kill matrix: N mutants, K killed, S survived
 *
 * Usage: barmove-sim [--topology SEED] [--tap NAME] [OPTION...]
 *        barmove-sim --safety SEEDS [OPTION...] | --fault-sweep [OPTION...]
 *   OPTION...   the kernel command line (DESIGN §6); default DEFAULT_OPTIONS
 *   --tap NAME  print the whole TAP of one run instead: "correct" or a mutant
 *   --topology SEED  that run on random topology SEED (as --safety runs it)
 *   --safety, --fault-sweep  the sweeps of sim_sweep.h instead of the matrix
 *
 * Exit 0 when the correct model passes everything, every mutant is named by
 * its diagnosis (or a known gap), the profile runs go as expected, and every mutant is
 * killed, 1 otherwise, 2 on a usage error or a matrix naming an unknown check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_diagnosis.h"
#include "sim_matrix.h"
#include "sim_random.h"
#include "sim_run.h"
#include "sim_sweep.h"

#define DEFAULT_OPTIONS "level=strict seed=0x1234"
#define CORRECT "correct"

/* STYLE rule 6: a matrix naming a check that does not exist is refused */
static bool matrix_valid(void)
{
    bool ok = true;
    for (unsigned i = 0; i < sim_mutant_count; i++) {
        const struct mutant *m = &sim_mutants[i];
        for (unsigned k = 0; k < MUTANT_MAX_EXPECTED && m->expected[k]; k++)
            if (!sim_check_exists(m->expected[k])) {
                fprintf(stderr, "barmove-sim: mutant %s expects unknown check '%s'\n", m->name,
                        m->expected[k]);
                ok = false;
            }
        if (!m->expected[0] || sim_mutant(m->name) != m) {
            fprintf(stderr, "barmove-sim: mutant %s: no expected check, or named twice\n", m->name);
            ok = false;
        }
    }
    return ok;
}

static void print_list(const char *const *ids, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "", ids[i]);
}

static bool report_correct(const struct run_result *r)
{
    unsigned failed = r->failed + r->todo; /* level=strict: a TODO is a failure too */
    bool ok = r->summary && !r->problem[0] && failed == 0 && r->exit_code == 0;
    printf("model correct: %u passed, %u failed, %u skipped\n", r->passed, failed, r->skipped);
    if (r->problem[0])
        printf("  the run did not complete: %s\n", r->problem);
    for (unsigned i = 0; i < r->failed_id_count; i++)
        printf("  not ok %s (barmove-sim --tap " CORRECT " shows why)\n", r->failed_ids[i]);
    return ok;
}

/* prints the mutant's line; true when it was killed */
static bool report_mutant(const struct mutant *m, const struct run_result *r)
{
    const char *missed[MUTANT_MAX_EXPECTED], *failed[SIM_MAX_FAILED_IDS];
    unsigned n_missed = 0, n_expected = 0;
    for (; n_expected < MUTANT_MAX_EXPECTED && m->expected[n_expected]; n_expected++)
        if (!run_failed_check(r, m->expected[n_expected]))
            missed[n_missed++] = m->expected[n_expected];
    for (unsigned i = 0; i < r->failed_id_count; i++)
        failed[i] = r->failed_ids[i];
    printf("mutant %s: ", m->name);
    if (r->problem[0]) {
        printf("SURVIVED (the run did not complete: %s; expected ", r->problem);
        print_list(m->expected, n_expected);
    } else if (n_missed == 0) {
        printf("killed by ");
        print_list(failed, r->failed_id_count);
        printf(" (expected ");
        print_list(m->expected, n_expected);
    } else if (n_missed == n_expected) {
        printf("SURVIVED (expected ");
        print_list(m->expected, n_expected);
    } else {
        printf("PARTIAL (missed ");
        print_list(missed, n_missed);
    }
    printf(")\n");
    return !r->problem[0] && n_missed == 0;
}

static int show_tap(const char *name, const char *options)
{
    const struct mutant *m = strcmp(name, CORRECT) ? sim_mutant(name) : NULL;
    struct run_result r;
    if (strcmp(name, CORRECT) && !m) {
        fprintf(stderr, "barmove-sim: no mutant named '%s'\n", name);
        return 2;
    }
    sim_run(m ? &m->policy : NULL, options, &r);
    fwrite(r.tap ? r.tap : "", 1, r.tap_len, stdout);
    run_result_free(&r);
    return r.exit_code;
}

static int kill_matrix(const char *options)
{
    struct run_result r;
    unsigned killed = 0;
    sim_run(NULL, options, &r);
    bool ok = report_correct(&r);
    run_result_free(&r);
    for (unsigned i = 0; i < sim_mutant_count; i++) {
        sim_run(&sim_mutants[i].policy, options, &r);
        killed += report_mutant(&sim_mutants[i], &r);
        diagnosis_note(&sim_mutants[i], &r);
        run_result_free(&r);
    }
    ok &= diagnosis_report();
    ok &= profiles_demo(options);
    printf("kill matrix: %u mutants, %u killed, %u survived\n", sim_mutant_count, killed,
           sim_mutant_count - killed);
    return ok && killed == sim_mutant_count ? 0 : 1;
}

/* the words after the flags, joined by spaces: the kernel command line */
static void join_options(int argc, char **argv, int first, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = first; i < argc && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%s", used ? " " : "", argv[i]);
    if (first >= argc)
        snprintf(out, size, "%s", DEFAULT_OPTIONS);
}

#define USAGE                                                                                   \
    "usage: barmove-sim [--topology SEED] [--tap correct|MUTANT] [OPTION...]\n"                 \
    "       barmove-sim --safety SEEDS [OPTION...] | --fault-sweep [OPTION...]\n"

/* a count or seed: decimal, 1 .. 10^6 */
static bool number_arg(const char *text, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    *out = (unsigned)v;
    return *text && !*end && v >= 1 && v <= 1000000;
}

int main(int argc, char **argv)
{
    static char options[1024];
    const char *tap_of = NULL;
    unsigned seeds = 0, topology = 0;
    bool sweep = false;
    int first = 1;
    for (; first < argc && !strncmp(argv[first], "--", 2); first += 2) {
        const char *flag = argv[first], *arg = first + 1 < argc ? argv[first + 1] : NULL;
        if (!strcmp(flag, "--fault-sweep")) {
            sweep = true;
            first--;
        } else if (!strcmp(flag, "--tap") && arg)
            tap_of = arg;
        else if (!(!strcmp(flag, "--safety") && arg && number_arg(arg, &seeds)) &&
                 !(!strcmp(flag, "--topology") && arg && number_arg(arg, &topology))) {
            fprintf(stderr, USAGE);
            return 2;
        }
    }
    if ((seeds != 0) + sweep + (tap_of != NULL) > 1 || (topology && !tap_of)) {
        fprintf(stderr, USAGE);
        return 2;
    }
    if (!matrix_valid())
        return 2;
    join_options(argc, argv, first, options, sizeof options);
    if (seeds)
        return sim_safety_sweep(seeds, first < argc ? options : "");
    if (sweep)
        return sim_fault_sweep(options);
    sim_random_seed = topology;
    return tap_of ? show_tap(tap_of, options) : kill_matrix(options);
}

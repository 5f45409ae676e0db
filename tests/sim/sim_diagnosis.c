/* barmove-sim's diagnosis check and profile demonstration (sim_diagnosis.h).
 *
 * Diagnosis: for each mutant, every check the kill matrix expects to fail
 * must, on at least one of its failing points, name the mutant's class in
 * its YAML "class:" line (the signature table of kernel/classes.c). A miss
 * fails barmove-sim unless kernel/classes.c lists the class as a known gap
 * (it lists none: checks outside the engine, cfg-consistency among them,
 * fill an observation for the same table).
 *
 * Profiles (issue 7 item 5): write-dropped-while-decoding fails under
 * profile=spec and passes with TODOs under profile=hyperv; low-dword-ignored
 * fails under both. */
#include <stdio.h>
#include <string.h>

#include "../../kernel/classes.h"
#include "sim_diagnosis.h"

#define MAX_MISSES 64

struct miss {
    const char *mutant;
    const char *check;
    char named[160]; /* the classes its points named, "" for none */
};

static struct miss misses[MAX_MISSES];
static unsigned miss_count, mutants_seen, mutants_named;

/* the check id of a "not ok N - DESC[ # ...]" line (DESC's last word), as sim_run.c reads it */
static bool failed_point_of(const char *line, size_t len, const char *id)
{
    const char *desc = strstr(line, " - "), *end = line + len;
    if (!desc || desc >= end)
        return false;
    const char *directive = strstr(desc, " # ");
    if (directive && directive < end)
        end = directive;
    size_t n = strlen(id);
    return (size_t)(end - desc) > n && !strncmp(end - n, id, n) && end[-(long)n - 1] == ' ';
}

/* true when the comma-separated list names id */
static bool list_names(const char *list, size_t len, const char *id)
{
    size_t n = strlen(id);
    for (size_t i = 0; i + n <= len; i++)
        if (!strncmp(list + i, id, n) && (i == 0 || list[i - 1] == ' ') &&
            (i + n == len || list[i + n] == ','))
            return true;
    return false;
}

/* named already holds this list (print each distinct diagnosis once) */
static bool strnstr_once(const char *named, const char *list, size_t len)
{
    for (const char *p = named; *p; p++)
        if (!strncmp(p, list, len) && (p[len] == ';' || p[len] == '\0') && (p == named || p[-1] == ' '))
            return true;
    return false;
}

/* whether some failing point of check id names class; named gets what they named */
static bool check_names(const char *tap, const char *id, const char *class, char *named, size_t size)
{
    bool in_point = false;
    size_t used = 0;
    named[0] = '\0';
    for (const char *line = tap; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (!strncmp(line, "not ok ", 7))
            in_point = failed_point_of(line, len, id);
        else if (!strncmp(line, "ok ", 3))
            in_point = false;
        else if (in_point && len > 9 && !strncmp(line, "  class: ", 9)) {
            if (list_names(line + 9, len - 9, class))
                return true;
            if (used + 4 < size && !strnstr_once(named, line + 9, len - 9))
                used += (size_t)snprintf(named + used, size - used, "%s%.*s", used ? "; " : "",
                                         (int)(len - 9), line + 9);
        }
        line = nl ? nl + 1 : NULL;
    }
    return false;
}

void diagnosis_note(const struct mutant *m, const struct run_result *r)
{
    bool all = true;
    mutants_seen++;
    for (unsigned k = 0; k < MUTANT_MAX_EXPECTED && m->expected[k]; k++) {
        char named[160];
        if (!run_failed_check(r, m->expected[k]) || !r->tap)
            continue; /* not killed: the kill matrix line says so */
        if (check_names(r->tap, m->expected[k], m->name, named, sizeof named))
            continue;
        all = false;
        if (miss_count < MAX_MISSES) {
            misses[miss_count].mutant = m->name;
            misses[miss_count].check = m->expected[k];
            snprintf(misses[miss_count].named, sizeof misses[miss_count].named, "%s",
                     named[0] ? named : "no class line");
            miss_count++;
        }
    }
    mutants_named += all;
}

bool diagnosis_report(void)
{
    bool ok = true;
    printf("diagnosis: %u mutants, %u named their class\n", mutants_seen, mutants_named);
    for (unsigned i = 0; i < miss_count; i++) {
        const struct diagnosis_gap *gap = diagnosis_gap(misses[i].mutant);
        printf("  diagnosis %s %s: %s named %s%s%s\n", gap ? "gap" : "MISS", misses[i].mutant,
               misses[i].check, misses[i].named, gap ? "; known gap: " : "", gap ? gap->why : "");
        ok &= gap != NULL;
    }
    return ok;
}

struct demo {
    const char *mutant;
    const char *profile;
    bool passes; /* with TODOs, exit 0; else at least one "not ok" that fails the run */
};

static const struct demo demos[] = {
    {"write-dropped-while-decoding", "spec", false},
    {"write-dropped-while-decoding", "hyperv", true},
    {"write-dropped-while-decoding", "xen-vpci", true},
    {"low-dword-ignored", "spec", false},
    {"low-dword-ignored", "hyperv", false},
};

bool profiles_demo(const char *options)
{
    unsigned good = 0, n = sizeof demos / sizeof demos[0];
    for (unsigned i = 0; i < n; i++) {
        const struct demo *d = &demos[i];
        const struct mutant *m = sim_mutant(d->mutant);
        char cmdline[1100];
        struct run_result r;
        snprintf(cmdline, sizeof cmdline, "%s profile=%s", options, d->profile);
        if (!m) {
            printf("profile %s, %s: no such mutant\n", d->profile, d->mutant);
            continue;
        }
        sim_run(&m->policy, cmdline, &r);
        bool passed = !r.problem[0] && r.summary && r.failed == 0 && r.exit_code == 0;
        bool as_expected = passed == d->passes && !r.problem[0] && r.summary && (!d->passes || r.todo > 0);
        printf("profile %s, %s: %s (%u not ok, %u todo; expected %s)%s%s\n", d->profile, d->mutant,
               passed ? "passes" : "fails", r.failed, r.todo, d->passes ? "passes with TODOs" : "fails",
               as_expected ? "" : " WRONG", r.problem[0] ? r.problem : "");
        good += as_expected;
        run_result_free(&r);
    }
    printf("profiles: %u runs, %u as expected\n", n, good);
    return good == n;
}

/* One run of the suite over the model (sim_run.c): a child process builds
 * the fabric under a policy, boots the platform from a command line
 * (sim_platform.c) and runs every check of the barmove_checks section, as
 * kernel/main.c does; the parent keeps its TAP and which checks failed. A
 * fresh process per run is the model's reset: the checks keep state of
 * their own (tests/guest/relocation.c builds its targets once). */
#ifndef BARMOVE_SIM_RUN_H
#define BARMOVE_SIM_RUN_H
#include <stdbool.h>
#include <stddef.h>

#include "sim.h"

#define SIM_MAX_FAILED_IDS 64
#define SIM_ID_MAX 48

struct run_result {
    char *tap; /* the whole output, NUL-terminated */
    size_t tap_len;
    bool summary; /* the "barmove: ..." line was seen */
    unsigned passed, failed, skipped, todo;
    /* ids of the checks with a "not ok" point (TODO too), in TAP order, once each */
    char failed_ids[SIM_MAX_FAILED_IDS][SIM_ID_MAX];
    unsigned failed_id_count;
    int exit_code;     /* of the run: the runner's verdict, or 128 + signal */
    char problem[160]; /* "" or why the run did not complete (a bail-out, a crash) */
};

/* the platform the checks see (platform(), platform_rw()), from the model as
 * it stands and cmdline; false with err when an option is bad */
bool sim_platform_boot(const char *cmdline, void (*warn)(const char *text), char *err,
                       size_t err_size);

/* runs the suite with overrides (NULL: the correct policy) in a child process */
void sim_run(const struct policy *overrides, const char *cmdline, struct run_result *out);
bool run_failed_check(const struct run_result *r, const char *id);
void run_result_free(struct run_result *r);

/* every check id in the barmove_checks section */
bool sim_check_exists(const char *id);

#endif

/* One run of the suite in a child process, and what the parent reads from
 * its TAP (see sim_run.h). */
#include "sim_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../kernel/format.h"
#include "../../kernel/platform.h"
#include "../../kernel/runner.h"
#include "sim_fault.h"
#include "sim_machine.h"
#include "sim_random.h"
#include "sim_safety.h"

extern const struct check __start_barmove_checks[], __stop_barmove_checks[];

bool sim_check_exists(const char *id)
{
    /* the linker's bounds of one section: one array to C, two symbols to cppcheck */
    // cppcheck-suppress comparePointers
    for (const struct check *c = __start_barmove_checks; c < __stop_barmove_checks; c++)
        if (!strcmp(c->id, id))
            return true;
    return false;
}

/* ---- the child: the kernel's main flow over the model ---- */

static struct tap tap;

static void to_stdout(const char *s, size_t n)
{
    sim_observe_tap(s, n);
    fwrite(s, 1, n, stdout);
}

static void warning(const char *text)
{
    tap_comment(&tap, "warning: pci: %s", text);
}

/* every way out of a run (the summary, a bail-out) passes here */
static void leave(int code)
{
    sim_fault_finish();
    sim_safety_finish();
    fflush(stdout);
    _exit(code); /* the parent judges; nothing else of this process is wanted */
}

static void run_child(const struct policy *overrides, const char *cmdline)
{
    char err[160];
    struct runner rn = {.tap = &tap, .options = &platform()->options, .exit = leave};
    policy_install(overrides);
    if (sim_random_seed)
        sim_random_build(sim_random_seed);
    else {
        sim_machine_q35(&sim_machine);
        sim_build_fabric();
    }
    sim_fault_start();
    sim_safety_start(!overrides); /* the kernel's writes judged against the correct model */
    sim_safety_check_initial();
    tap_begin(&tap, to_stdout);
    runner_attach(&rn);
    if (!sim_platform_boot(cmdline, warning, err, sizeof err))
        runner_bail("bad command line: %s", err);
    leave(runner_run(&rn, __start_barmove_checks, __stop_barmove_checks));
}

/* ---- the parent ---- */

static void read_all(int fd, struct run_result *out)
{
    size_t room = 1 << 16;
    out->tap = malloc(room);
    out->tap_len = 0;
    for (ssize_t n = 1; out->tap && n > 0;) {
        if (room - out->tap_len < 4096) {
            char *bigger = realloc(out->tap, room *= 2);
            if (!bigger)
                break;
            out->tap = bigger;
        }
        n = read(fd, out->tap + out->tap_len, room - out->tap_len - 1);
        if (n > 0)
            out->tap_len += (size_t)n;
    }
    if (out->tap)
        out->tap[out->tap_len] = '\0';
}

/* the check id of a "not ok N - DESC[ # ...]" line: DESC's last word */
static void note_failed(struct run_result *r, const char *line, size_t len)
{
    const char *desc = strstr(line, " - "), *end = line + len, *word;
    const char *directive = desc ? strstr(desc, " # ") : NULL;
    if (!desc || desc >= end)
        return;
    if (directive && directive < end)
        end = directive;
    for (word = end; word > desc + 3 && word[-1] != ' ';)
        word--;
    char id[SIM_ID_MAX];
    format(id, sizeof id, "%.*s", (int)(end - word), word);
    if (run_failed_check(r, id) || r->failed_id_count == SIM_MAX_FAILED_IDS)
        return;
    format(r->failed_ids[r->failed_id_count++], SIM_ID_MAX, "%s", id);
}

static void parse_line(struct run_result *r, const char *line, size_t len)
{
    if (!strncmp(line, "not ok ", 7))
        note_failed(r, line, len);
    else if (!strncmp(line, TAP_SUMMARY_PREFIX, strlen(TAP_SUMMARY_PREFIX)))
        r->summary = sscanf(line, TAP_SUMMARY_PREFIX "%u passed, %u failed, %u skipped, %u todo",
                            &r->passed, &r->failed, &r->skipped, &r->todo) == 4;
    else if (!strncmp(line, "Bail out!", 9))
        format(r->problem, sizeof r->problem, "%.*s", (int)len, line);
}

static void parse(struct run_result *r)
{
    for (const char *line = r->tap; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        parse_line(r, line, len);
        line = nl ? nl + 1 : NULL;
    }
    if (!r->problem[0] && !r->summary)
        format(r->problem, sizeof r->problem, "no summary line (exit %d)", r->exit_code);
}

void sim_run(const struct policy *overrides, const char *cmdline, struct run_result *out)
{
    int fds[2], status = 0;
    memset(out, 0, sizeof *out);
    fflush(stdout);
    if (pipe(fds) != 0) {
        format(out->problem, sizeof out->problem, "pipe failed");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[1]);
        run_child(overrides, cmdline);
    }
    close(fds[1]);
    read_all(fds[0], out);
    close(fds[0]);
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        out->exit_code = 128;
    else
        out->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    parse(out);
}

bool run_failed_check(const struct run_result *r, const char *id)
{
    for (unsigned i = 0; i < r->failed_id_count; i++)
        if (!strcmp(r->failed_ids[i], id))
            return true;
    return false;
}

void run_result_free(struct run_result *r)
{
    free(r->tap);
    r->tap = NULL;
}

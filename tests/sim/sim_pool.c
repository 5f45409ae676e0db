/* The worker pool (sim_pool.h): as many workers as online CPUs (at most 8,
 * SIM_JOBS overrides), each forked once and running jobs w, w + W, ...;
 * results come back over one pipe per worker as "INDEX TEXT\n" lines, read
 * as they come (poll) so that no worker waits on a full pipe. */
#include "sim_pool.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 8

static unsigned worker_count(void)
{
    const char *env = getenv("SIM_JOBS");
    long n = env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (unsigned)n;
}

static void worker(unsigned w, unsigned workers, unsigned n, int fd,
                   void (*job)(unsigned, void *, char *, size_t), void *ctx)
{
    FILE *out = fdopen(fd, "w");
    static char line[SIM_POOL_LINE];
    for (unsigned i = w; i < n && out; i += workers) {
        line[0] = '\0';
        job(i, ctx, line, sizeof line);
        for (char *p = line; *p; p++)
            if (*p == '\n')
                *p = ' ';
        fprintf(out, "%u %s\n", i, line);
        fflush(out);
    }
    _exit(0);
}

struct inbox {
    int fd;
    char *data;
    size_t len, room;
};

/* reads every worker's pipe to its end, whichever has something */
static void drain(struct inbox *box, unsigned workers)
{
    struct pollfd p[MAX_WORKERS];
    for (unsigned open = workers; open;) {
        for (unsigned w = 0; w < workers; w++)
            p[w] = (struct pollfd){box[w].fd, POLLIN, 0};
        if (poll(p, workers, -1) < 0)
            return;
        for (unsigned w = 0; w < workers; w++) {
            if (box[w].fd < 0 || !(p[w].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (box[w].room - box[w].len < 4096) {
                char *bigger = realloc(box[w].data, box[w].room = box[w].room * 2 + 65536);
                if (!bigger)
                    return;
                box[w].data = bigger;
            }
            ssize_t got = read(box[w].fd, box[w].data + box[w].len, box[w].room - box[w].len - 1);
            if (got > 0) {
                box[w].len += (size_t)got;
                continue;
            }
            close(box[w].fd);
            box[w].fd = -1;
            open--;
        }
    }
}

static void collect(struct inbox *b, char **lines, unsigned n)
{
    b->data[b->len] = '\0';
    for (char *line = b->data, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *text;
        unsigned long i = strtoul(line, &text, 10);
        if (i < n && *text == ' ') {
            free(lines[i]);
            lines[i] = strdup(text + 1);
        }
    }
}

char **sim_pool_run(unsigned n, void (*job)(unsigned, void *, char *, size_t), void *ctx)
{
    unsigned workers = worker_count(), started = 0;
    char **lines = calloc(n ? n : 1, sizeof *lines);
    struct inbox box[MAX_WORKERS] = {0};
    pid_t pid[MAX_WORKERS] = {0};
    fflush(stdout);
    for (unsigned w = 0; w < workers && lines; w++, started++) {
        int fds[2];
        if (pipe(fds) != 0)
            break;
        pid[w] = fork();
        if (pid[w] == 0) {
            close(fds[0]);
            for (unsigned k = 0; k < w; k++)
                close(box[k].fd);
            worker(w, workers, n, fds[1], job, ctx);
        }
        close(fds[1]);
        box[w].fd = fds[0];
    }
    drain(box, started);
    for (unsigned w = 0; w < started; w++) {
        if (box[w].data)
            collect(&box[w], lines, n);
        free(box[w].data);
        if (pid[w] > 0)
            waitpid(pid[w], NULL, 0);
    }
    for (unsigned i = 0; lines && i < n; i++)
        if (!lines[i])
            lines[i] = strdup("");
    return lines;
}

void sim_pool_free(char **lines, unsigned n)
{
    for (unsigned i = 0; lines && i < n; i++)
        free(lines[i]);
    free(lines);
}

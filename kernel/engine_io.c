/* The dispatch every works-after-move driver shares: a stale notify needs a
 * request pending; everything else needs the BAR to answer somewhere. */
#include "classes.h"
#include "engine_internal.h"

#define STALE_FACTOR 20
#define STALE_MIN_NS 2000000ull  /* 2 ms: 40x a live doorbell under TCG (~50 us) */
#define STALE_MAX_NS 50000000ull /* 50 ms */

static uint64_t last_complete_ns; /* 0: no request completed yet */

void engine_io_completed(uint64_t ns)
{
    last_complete_ns = ns ? ns : 1;
}

uint64_t engine_io_stale_wait_ns(void)
{
    if (!last_complete_ns)
        return STALE_MAX_NS;
    uint64_t w = last_complete_ns * STALE_FACTOR;
    return w < STALE_MIN_NS ? STALE_MIN_NS : w > STALE_MAX_NS ? STALE_MAX_NS : w;
}

void engine_io_failed(struct check_result *r)
{
    check_diagnose(r, &(struct observation){.step = OBS_IO, .what = OBS_IO_FAILED, .decode = true});
}

bool engine_io_step(const struct io_driver *d, struct engine *e, const struct step *s,
                    struct check_result *r, unsigned step_number)
{
    struct target *t = &e->targets[s->target];
    uint64_t at = 0;
    if (!d->buffers()) {
        check_fail(r, "%s", d->no_memory);
        return false;
    }
    bool needs_pending = s->kind == d->stale_kind || s->kind == d->complete_kind;
    if (needs_pending && !d->running()) {
        check_fail(r, "harness: step %u \"%s\" needs %s submitted", step_number, s->name, d->request);
        return false;
    }
    if (s->kind == d->stale_kind) /* value 1: at its home, 0: at its recorded address */
        return d->stale(e, s, r, step_number,
                        s->value ? t->home : shadow_bar_addr(e->shadow, t->fn, t->bar_num));
    if (oracle_answer(e->shadow, t->fn, t->bar_num, &at) != ORACLE_AT) {
        check_fail(r, "harness: step %u \"%s\" needs the BAR to answer somewhere", step_number, s->name);
        return false;
    }
    if (s->kind == d->complete_kind)
        return d->complete(e, s, r, step_number, at);
    if (!d->submit(r, t, at))
        return false;
    return s->kind == d->submit_kind || d->complete(e, s, r, step_number, at);
}

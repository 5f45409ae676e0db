#include "engine.h"

#include <string.h>

#include "../drivers/hw.h"
#include "format.h"

void engine_init(struct engine *e, struct shadow *s, uint64_t (*random)(void *), void *ctx)
{
    memset(e, 0, sizeof *e);
    e->shadow = s;
    e->random = random;
    e->random_ctx = ctx;
}

static void watch_owned(struct engine *e, uint64_t addr, uint64_t owners)
{
    for (unsigned i = 0; i < e->address_count; i++)
        if (e->addresses[i] == addr) {
            e->address_owners[i] |= owners;
            return;
        }
    if (e->address_count < ENGINE_MAX_ADDRESSES) {
        e->address_owners[e->address_count] = owners;
        e->addresses[e->address_count++] = addr;
    } else {
        e->overflow = true;
    }
}

void engine_watch(struct engine *e, uint64_t addr)
{
    watch_owned(e, addr, ENGINE_EVERYONE);
}

void engine_watch_for(struct engine *e, unsigned k, uint64_t addr)
{
    watch_owned(e, addr, 1ull << k);
}

unsigned engine_add_target(struct engine *e, unsigned fn, unsigned bar_num, const struct probe *p)
{
    struct target *t = &e->targets[e->target_count];
    t->fn = fn;
    t->bar_num = bar_num;
    t->probe = *p;
    t->home = shadow_bar_addr(e->shadow, fn, bar_num);
    e->planned[e->target_count] = t->home;
    engine_watch_for(e, e->target_count, t->home);
    return e->target_count++;
}

static void add_step(struct engine *e, enum step_kind kind, unsigned target, uint16_t offset,
                     unsigned width, uint32_t value, const char *name)
{
    if (e->step_count < ENGINE_MAX_STEPS)
        e->steps[e->step_count++] = (struct step){kind, name, target, -1, offset, (uint8_t)width, value};
    else
        e->overflow = true;
}

void engine_config(struct engine *e, unsigned target, uint16_t offset, unsigned width, uint32_t value,
                   const char *name)
{
    add_step(e, STEP_CONFIG, target, offset, width, value, name);
}

void engine_command(struct engine *e, unsigned target, uint16_t value, unsigned width, const char *name)
{
    add_step(e, STEP_COMMAND, target, PCI_COMMAND, width, value, name);
}

void engine_mse(struct engine *e, unsigned target, bool on, unsigned width, const char *name)
{
    /* the value is decided when the step runs, from the record as it stands then */
    add_step(e, STEP_COMMAND, target, PCI_COMMAND, width, on ? 1u : 0u, name);
    e->steps[e->step_count - 1].kind = STEP_MSE;
}

void engine_bar_low(struct engine *e, unsigned target, uint32_t value, const char *name)
{
    engine_config(e, target, pci_bar_offset(e->targets[target].bar_num), 4, value, name);
}

void engine_bar_high(struct engine *e, unsigned target, uint32_t value, const char *name)
{
    engine_config(e, target, pci_bar_offset(e->targets[target].bar_num + 1), 4, value, name);
}

void engine_bridge_mse(struct engine *e, unsigned fn, bool on, const char *name)
{
    add_step(e, STEP_MSE, 0, PCI_COMMAND, 2, on, name);
    e->steps[e->step_count - 1].fn = (int)fn;
}

void engine_bridge_config(struct engine *e, unsigned fn, uint16_t offset, unsigned width,
                          uint32_t value, const char *name)
{
    add_step(e, STEP_CONFIG, 0, offset, width, value, name);
    e->steps[e->step_count - 1].fn = (int)fn;
}

uint64_t engine_plan_move(struct engine *e, unsigned k, uint64_t to)
{
    uint64_t from = e->planned[k];
    e->planned[k] = to;
    return from;
}

void engine_restore_steps(struct engine *e, unsigned t)
{
    struct target *tg = &e->targets[t];
    engine_mse(e, t, false, 2, "restore: MSE off");
    engine_plan_move(e, t, tg->home);
    engine_bar_low(e, t, (uint32_t)tg->home, "restore: write low");
    if (shadow_bar_is64(e->shadow, tg->fn, tg->bar_num))
        engine_bar_high(e, t, (uint32_t)(tg->home >> 32), "restore: write high");
    engine_mse(e, t, true, 2, "restore: MSE on");
}

void engine_look(struct engine *e, const char *name)
{
    add_step(e, STEP_LOOK, 0, 0, 0, 0, name);
}

void engine_fill(struct engine *e, unsigned target, uint32_t seed)
{
    add_step(e, STEP_FILL, target, 0, 0, seed, "write pattern");
}

void engine_verify(struct engine *e, unsigned target, const char *name)
{
    add_step(e, STEP_VERIFY, target, 0, 0, 0, name);
}

void engine_scribble(struct engine *e, unsigned target, bool at_home, const char *name)
{
    add_step(e, STEP_SCRIBBLE, target, 0, 0, at_home, name);
}

void engine_nvme(struct engine *e, unsigned target, enum step_kind kind, bool at_home, const char *name)
{
    add_step(e, kind, target, 0, 0, at_home, name);
}

void engine_virtio(struct engine *e, unsigned target, enum step_kind kind, bool at_home, const char *name)
{
    add_step(e, kind, target, 0, 0, at_home, name);
}

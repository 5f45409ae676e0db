/* Fault injection and the leftover comparison (sim_fault.h). */
#include "sim_fault.h"

#include <stdio.h>
#include <string.h>

#include "../../drivers/pci.h"

struct sim_fault_plan sim_fault_plan;

static uint8_t start_cfg[SIM_MAX_FUNCTIONS][SIM_CFG_SIZE];
static char last_step[TAP_DESC_MAX];
static bool in_point, active, fired;
static bool victim[SIM_MAX_FUNCTIONS];

void sim_fault_start(void)
{
    for (unsigned i = 0; i < sim.fn_count; i++)
        memcpy(start_cfg[i], sim.fns[i].cfg, SIM_CFG_SIZE);
    snprintf(last_step, sizeof last_step, "before any step");
    in_point = active = fired = false;
}

const char *sim_last_step(void)
{
    return last_step;
}

/* the function(s) the point names: "BB:DD.F BARn ..." or none (then all) */
static void choose_victims(const char *desc)
{
    unsigned bus, dev, fn;
    bool named = sscanf(desc, "%x:%x.%x ", &bus, &dev, &fn) == 3;
    for (unsigned i = 0; i < sim.fn_count; i++) {
        struct pci_bdf b = sim.fns[i].bdf;
        victim[i] = !named || (b.bus == bus && b.device == dev && b.function == fn);
    }
}

static void fire(void)
{
    active = fired = true;
    printf(SIM_FAULT_FIRED " (%s) at %s\n",
           sim_fault_plan.kind == SIM_FAULT_DEAD ? "dead from here" : "faulting for this step",
           last_step);
}

static void running(const char *line, size_t n)
{
    const char *desc = memchr(line, '-', n);
    size_t len = n;
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    in_point = false;
    if (!desc || desc + 2 > line + len)
        return;
    desc += 2;
    size_t dlen = (size_t)(line + len - desc);
    in_point = sim_fault_plan.kind != SIM_FAULT_NONE && dlen == strlen(sim_fault_plan.point) &&
               !memcmp(desc, sim_fault_plan.point, dlen);
    if (in_point) {
        choose_victims(sim_fault_plan.point);
        if (sim_fault_plan.step == 0 && !fired)
            fire();
    }
}

void sim_observe_tap(const char *s, size_t n)
{
    size_t len = n;
    while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    if (!strncmp(s, TAP_RUNNING_PREFIX, strlen(TAP_RUNNING_PREFIX))) {
        snprintf(last_step, sizeof last_step, "before any step");
        running(s, n);
    } else if (!strncmp(s, TAP_STEP_PREFIX, strlen(TAP_STEP_PREFIX))) {
        snprintf(last_step, sizeof last_step, "%.*s", (int)(len - 2), s + 2);
        if (active && sim_fault_plan.kind == SIM_FAULT_TRANSIENT)
            active = false; /* the faulting step is over */
        unsigned k = 0;
        if (in_point && !fired && sscanf(s + strlen(TAP_STEP_PREFIX), "%u/", &k) == 1 &&
            k == sim_fault_plan.step)
            fire();
    } else if (!strncmp(s, "ok ", 3) || !strncmp(s, "not ok ", 7)) {
        if (sim_fault_plan.kind == SIM_FAULT_TRANSIENT)
            active = false;
        in_point = false;
        snprintf(last_step, sizeof last_step, "between checks");
    }
}

int sim_fault_mmio(const struct hit *h)
{
    if (!active || !h->region || !victim[h->region->fn])
        return 0;
    return sim_fault_plan.kind == SIM_FAULT_DEAD ? SIM_FAULT_SILENT : SIM_FAULT_ACCESS;
}

/* the registers compared: COMMAND, BARs, a bridge's bus numbers and windows */
static bool compared(const struct sim_fn *f, unsigned dword)
{
    unsigned off = dword * 4;
    if (off == PCI_COMMAND)
        return true;
    if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * (f->bridge ? PCI_BRIDGE_BARS : PCI_MAX_BARS))
        return true;
    return f->bridge && off >= PCI_PRIMARY_BUS && off <= PCI_PREF_LIMIT_UPPER32;
}

static const char *register_name(const struct sim_fn *f, unsigned off, char *buf, size_t size)
{
    if (off == PCI_COMMAND)
        return "COMMAND";
    if (off < PCI_BAR0 + 4 * (f->bridge ? PCI_BRIDGE_BARS : PCI_MAX_BARS)) {
        snprintf(buf, size, "BAR%u", (off - PCI_BAR0) / 4);
        return buf;
    }
    snprintf(buf, size, "bridge register 0x%02x", off);
    return buf;
}

void sim_fault_finish(void)
{
    unsigned moved = 0;
    char name[40];
    for (unsigned i = 0; i < sim.fn_count; i++) {
        const struct sim_fn *f = &sim.fns[i];
        for (unsigned d = 0; d < SIM_CFG_SIZE / 4; d++) {
            uint32_t was, now;
            memcpy(&was, &start_cfg[i][d * 4], 4);
            memcpy(&now, &f->cfg[d * 4], 4);
            if (d * 4 == PCI_COMMAND || (f->bridge && d * 4 == PCI_IO_BASE)) {
                was &= 0xffff; /* STATUS, secondary status: write-1-to-clear bits, not ours */
                now &= 0xffff;
            }
            if (!compared(f, d) || was == now)
                continue;
            moved++;
            printf(SIM_MOVED_PREFIX "%02x:%02x.%x %s reads 0x%08x, was 0x%08x\n", f->bdf.bus,
                   f->bdf.device, f->bdf.function, register_name(f, d * 4, name, sizeof name), now,
                   was);
        }
    }
    if (sim_fault_plan.kind != SIM_FAULT_NONE && !fired)
        printf("# sim-fault: step %u of \"%s\" never came\n", sim_fault_plan.step,
               sim_fault_plan.point);
}

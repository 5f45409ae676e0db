/* The oracle's rule (see oracle.h), decided once by evaluate() and then
 * either returned or put into words, so the answer and its explanation can
 * never disagree. */
#include "oracle.h"

#include "format.h"

enum oracle_reason {
    REASON_FORWARDED,      /* decode on all the way down: at addr */
    REASON_NOT_MEMORY,     /* not a memory BAR the shadow models */
    REASON_DECODE_OFF,     /* the function's MSE is clear */
    REASON_ZERO,           /* BAR holds 0 */
    REASON_BRIDGE_OFF,     /* a bridge upstream has MSE clear */
    REASON_BRIDGE_WINDOW,  /* no window of a bridge upstream covers the whole BAR */
    REASON_BRIDGE_CHAIN,   /* the upstream chain is broken or too deep */
    REASON_SIZING,         /* a sizing value: at addr or nowhere */
};

struct finding {
    enum oracle_answer answer;
    enum oracle_reason reason;
    uint64_t addr, size;
    int bridge; /* the bridge that blocks (REASON_BRIDGE_*), else PCI_NO_UPSTREAM */
};

/* a bridge forwards a memory transaction downstream when it falls in
 * either window, whatever the BAR's prefetchable bit (PCI-PCI Bridge 1.2
 * §4.3); a BAR straddling both windows is not claimed to answer */
static bool bridge_forwards(const struct shadow *s, unsigned bridge, uint64_t addr, uint64_t size)
{
    struct pci_window mem, pref;
    shadow_window(s, bridge, false, &mem);
    shadow_window(s, bridge, true, &pref);
    return pci_window_covers(&mem, addr, size) || pci_window_covers(&pref, addr, size);
}

static bool is_bridge_index(const struct shadow *s, int index)
{
    return index >= 0 && (unsigned)index < s->count && s->functions[index].is_bridge;
}

/* walks up from fn: every bridge must decode and forward the BAR's range;
 * bounded, so a corrupt chain cannot loop */
static void check_upstream(const struct shadow *s, unsigned fn, struct finding *f)
{
    int up = s->functions[fn].upstream;
    for (unsigned depth = 0; up != PCI_NO_UPSTREAM; depth++) {
        f->bridge = up;
        if (depth == PCI_MAX_BRIDGE_DEPTH || !is_bridge_index(s, up))
            f->reason = REASON_BRIDGE_CHAIN;
        else if (!shadow_decode_on(s, (unsigned)up))
            f->reason = REASON_BRIDGE_OFF;
        else if (!bridge_forwards(s, (unsigned)up, f->addr, f->size))
            f->reason = REASON_BRIDGE_WINDOW;
        else {
            up = s->functions[up].upstream;
            continue;
        }
        f->answer = ORACLE_NOWHERE;
        return;
    }
    f->bridge = PCI_NO_UPSTREAM;
}

static struct finding evaluate(const struct shadow *s, unsigned fn, unsigned bar_num)
{
    struct finding f = {ORACLE_NOWHERE, REASON_NOT_MEMORY, 0, 0, PCI_NO_UPSTREAM};
    if (!shadow_bar_is_memory(s, fn, bar_num))
        return f;
    f.addr = shadow_bar_addr(s, fn, bar_num);
    f.size = shadow_bar_size(s, fn, bar_num);
    if (!shadow_decode_on(s, fn)) {
        f.reason = REASON_DECODE_OFF;
        return f;
    }
    if (f.addr == 0) {
        f.reason = REASON_ZERO;
        return f;
    }
    f.answer = ORACLE_AT;
    f.reason = REASON_FORWARDED;
    check_upstream(s, fn, &f);
    /* a bridge that does not forward the sizing address hides it too */
    if (f.answer == ORACLE_AT && shadow_bar_sizing(s, fn, bar_num)) {
        f.answer = ORACLE_AT_OR_NOWHERE;
        f.reason = REASON_SIZING;
    }
    return f;
}

enum oracle_answer oracle_answer(const struct shadow *s, unsigned fn, unsigned bar_num,
                                 uint64_t *addr)
{
    struct finding f = evaluate(s, fn, bar_num);
    *addr = f.addr;
    return f.answer;
}

bool oracle_where(const struct shadow *s, unsigned fn, unsigned bar_num, uint64_t *addr)
{
    return oracle_answer(s, fn, bar_num, addr) == ORACLE_AT;
}

bool oracle_accepts(const struct shadow *s, unsigned fn, unsigned bar_num, uint64_t base,
                    bool answered)
{
    uint64_t addr;
    enum oracle_answer answer = oracle_answer(s, fn, bar_num, &addr);
    return oracle_answer_accepts(answer, addr, base, answered);
}

bool oracle_answer_accepts(enum oracle_answer answer, uint64_t at, uint64_t base, bool answered)
{
    if (!answered)
        return answer != ORACLE_AT || base != at;
    return answer != ORACLE_NOWHERE && base == at;
}

/* ---- explanations ---- */

static unsigned long long ull(uint64_t v)
{
    return (unsigned long long)v;
}

/* "memory window 0x...-0x..." or "memory window closed" */
static void describe_window(const struct shadow *s, unsigned bridge, bool prefetchable, char *buf,
                            size_t size)
{
    struct pci_window w;
    const char *name = prefetchable ? "prefetchable" : "memory";
    shadow_window(s, bridge, prefetchable, &w);
    if (w.closed)
        format(buf, size, "%s window closed", name);
    else
        format(buf, size, "%s window 0x%llx-0x%llx", name, ull(w.base), ull(w.limit));
}

static void explain_window(const struct shadow *s, const struct finding *f, const char *bridge,
                           char *buf, size_t size)
{
    char mem[64], pref[64];
    describe_window(s, (unsigned)f->bridge, false, mem, sizeof mem);
    describe_window(s, (unsigned)f->bridge, true, pref, sizeof pref);
    format(buf, size, "bridge %s %s does not cover 0x%llx-0x%llx (%s)", bridge, mem, ull(f->addr),
           ull(f->addr + f->size - 1), pref);
}

static void explain_bridge(const struct shadow *s, const struct finding *f, char *buf, size_t size)
{
    char bridge[16];
    if (f->reason == REASON_BRIDGE_CHAIN) {
        format(buf, size, "broken bridge chain: upstream index %d is not a bridge within depth %d",
               f->bridge, PCI_MAX_BRIDGE_DEPTH);
        return;
    }
    pci_bdf_format(s->functions[f->bridge].bdf, bridge, sizeof bridge);
    if (f->reason == REASON_BRIDGE_OFF)
        format(buf, size, "bridge %s decode off (COMMAND 0x%04x): hides 0x%llx", bridge,
               shadow_command(s, (unsigned)f->bridge), ull(f->addr));
    else
        explain_window(s, f, bridge, buf, size);
}

void oracle_explain(const struct shadow *s, unsigned fn, unsigned bar_num, char *buf, size_t size)
{
    struct finding f = evaluate(s, fn, bar_num);
    switch (f.reason) {
    case REASON_FORWARDED:
        format(buf, size, "decode on and forwarded: answers at 0x%llx-0x%llx only", ull(f.addr),
               ull(f.addr + f.size - 1));
        return;
    case REASON_NOT_MEMORY:
        format(buf, size, "BAR%u is not a memory BAR: no expectation", bar_num);
        return;
    case REASON_DECODE_OFF:
        format(buf, size, "decode off (COMMAND 0x%04x): answers nowhere, not at 0x%llx",
               shadow_command(s, fn), ull(f.addr));
        return;
    case REASON_ZERO:
        format(buf, size, "BAR holds 0: unmapped");
        return;
    case REASON_SIZING:
        format(buf, size, "sizing value 0x%llx: answers there or nowhere, never elsewhere",
               ull(f.addr));
        return;
    case REASON_BRIDGE_OFF:
    case REASON_BRIDGE_WINDOW:
    case REASON_BRIDGE_CHAIN:
        explain_bridge(s, &f, buf, size);
        return;
    }
    format(buf, size, "no reason recorded"); /* unreachable: every reason is handled above */
}

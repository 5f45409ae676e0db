/* The oracle (DESIGN §3): for any state of the guest's record of config
 * space (kernel/shadow.h), where each memory BAR must answer. One oracle
 * serves every check. It reads the shadow only: never config space, never
 * the enumeration's live reads, never hardware.
 *
 * The rule: a BAR answers at its current 64-bit address (type bits masked)
 * when its function has Memory Space Enable set, the address is not 0
 * (QEMU treats 0 as unmapped, and checks never use it), and every bridge
 * upstream has its own MSE set and a memory or prefetchable window
 * (prefetchable including its upper dwords) that covers the whole BAR by
 * itself; nowhere else. While the BAR holds a sizing value (every writable
 * address bit of a dword set, shadow_bar_sizing()), the answer weakens to
 * "at the sizing address or nowhere": hardware decodes there, QEMU does not,
 * so a check may never require it, and never accepts the old address. */
#ifndef BARMOVE_ORACLE_H
#define BARMOVE_ORACLE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shadow.h"

enum oracle_answer {
    ORACLE_NOWHERE,       /* must answer at no address */
    ORACLE_AT,            /* must answer at addr, and only there */
    ORACLE_AT_OR_NOWHERE, /* sizing: may answer at addr (the sizing address) or nowhere */
};

/* the answer for BAR bar_num (its low register) of function fn; *addr is
 * set to the BAR's recorded address whatever the answer (0 for a register
 * that is not a modelled memory BAR), so diagnostics can name it */
enum oracle_answer oracle_answer(const struct shadow *s, unsigned fn, unsigned bar_num,
                                 uint64_t *addr);

/* true with *addr when the BAR must answer there, false when it must answer
 * nowhere -- and false too while it holds a sizing value: a check that may
 * meet one (anything that writes all-ones) uses oracle_answer() or
 * oracle_accepts(), which tell the three cases apart */
bool oracle_where(const struct shadow *s, unsigned fn, unsigned bar_num, uint64_t *addr);

/* the comparison every check makes: a probe of BAR bar_num placed at base
 * found it answering (answered) or not. Accepted when that is what the
 * oracle allows: AT requires an answer at addr and silence elsewhere,
 * NOWHERE silence everywhere, AT_OR_NOWHERE silence everywhere but addr. */
bool oracle_accepts(const struct shadow *s, unsigned fn, unsigned bar_num, uint64_t base,
                    bool answered);
/* the same from an answer already given (answer, at): for many looks at one BAR */
bool oracle_answer_accepts(enum oracle_answer answer, uint64_t at, uint64_t base, bool answered);

/* one line in plain words saying why (e.g. "decode off (COMMAND 0x0400)",
 * "bridge 00:05.0 memory window 0x... does not cover 0x...", "BAR holds 0:
 * unmapped", "sizing value 0x...: ..."); no '#', every address 64-bit hex */
void oracle_explain(const struct shadow *s, unsigned fn, unsigned bar_num, char *buf, size_t size);

#endif

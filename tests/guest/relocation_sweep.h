/* The sweep around every relocation check (tests/guest/relocation_sweep.c). */
#ifndef BARMOVE_RELOCATION_SWEEP_H
#define BARMOVE_RELOCATION_SWEEP_H
#include <stdbool.h>

#include "../../kernel/check.h"
#include "../../kernel/engine.h"
#include "relocation.h"

/* what each probed BAR shows before the check writes anything (for the diagnosis) */
void sweep_before(const struct engine *e);
/* after the check: every probed BAR answers at its recorded address and at
 * none of e's addresses; false (the check failed, with diagnostics) otherwise */
bool sweep_after(const struct engine *e, struct check_result *r);
/* something was written outside a check (a put-back): the last sweep's view is stale */
void sweep_forget(void);

#endif

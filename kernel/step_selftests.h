/* selftest=step-fault|step-hang|step-probe-hang|step-triple-fault (kernel/step_selftests.c) */
#ifndef BARMOVE_STEP_SELFTESTS_H
#define BARMOVE_STEP_SELFTESTS_H

void step_selftests_arm(const char *selftest);
/* the runner's on_step hook */
void step_selftests_on_step(unsigned n, unsigned of, const char *name);

#endif

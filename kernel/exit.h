/* The one way the run ends (DESIGN §5): drain COM1, then QEMU isa-debug-exit
 * (port 0xf4, QEMU reports (code << 1) | 1), else ACPI soft-off, else halt. */
#ifndef BARMOVE_EXIT_H
#define BARMOVE_EXIT_H

enum exit_code {
    EXIT_PASS = 0,    /* every required check passed */
    EXIT_FAIL = 1,    /* a check failed */
    EXIT_BAIL = 2,    /* bail out: crash, bad option, unusable boot info */
    EXIT_NOTHING = 3, /* nothing to test: no check passed or failed */
};

/* ACPI soft-off, learned from the FADT and \_S5 (drivers/acpi); 0 port = unknown */
void exit_set_acpi_poweroff(unsigned pm1a_cnt_port, unsigned pm1b_cnt_port, unsigned slp_typa,
                            unsigned slp_typb);
__attribute__((noreturn)) void barmove_exit(enum exit_code code);

#endif

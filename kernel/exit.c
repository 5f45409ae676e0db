#include "exit.h"

#include "console.h"
#include "cpu.h"

#define DEBUG_EXIT_PORT 0xf4
#define SLP_EN (1u << 13)

static unsigned pm1a_cnt, pm1b_cnt, typ_a, typ_b;

void exit_set_acpi_poweroff(unsigned pm1a_cnt_port, unsigned pm1b_cnt_port, unsigned slp_typa,
                            unsigned slp_typb)
{
    pm1a_cnt = pm1a_cnt_port;
    pm1b_cnt = pm1b_cnt_port;
    typ_a = slp_typa;
    typ_b = slp_typb;
}

void barmove_exit(enum exit_code code)
{
    console_drain();
    /* QEMU with isa-debug-exit ends here; elsewhere the write goes nowhere */
    outb(DEBUG_EXIT_PORT, (uint8_t)code);
    if (pm1a_cnt) {
        outw((uint16_t)pm1a_cnt, (uint16_t)((typ_a << 10) | SLP_EN));
        if (pm1b_cnt)
            outw((uint16_t)pm1b_cnt, (uint16_t)((typ_b << 10) | SLP_EN));
    }
    halt_forever();
    __builtin_unreachable();
}

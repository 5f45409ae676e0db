#include <stdint.h>

#include "console.h"
#include "cpu.h"

void kmain(uint32_t magic, uint32_t info);

void kmain(uint32_t magic, uint32_t info)
{
    console_init();
    kprintf("TAP version 14\n# barmove magic=%#x info=%#x\n", magic, info);
    console_drain();
    outb(0xf4, 0);
    halt_forever();
}

/* The host's port I/O (drivers/hw.h hw_port_in/hw_port_out): a floating
 * bus, and the Bochs VBE DISPI interface the std VGA probe programs (see
 * fake_pci.h). The DISPI rules are Bochs 2.7's (iodev/display/vga.cc
 * vbe_write): the ID reads as set up, XRES, YRES and BPP take writes only
 * while the mode is off, ENABLE keeps what is written. */
#include "fake_pci.h"

#define DISPI_INDEX_PORT 0x1ce
#define DISPI_DATA_PORT 0x1cf
#define DISPI_ID 0
#define DISPI_ENABLE 4
#define DISPI_ENABLED 0x1u

struct fake_dispi fake_dispi;
static uint16_t dispi_index;

void fake_ports_reset(void)
{
    fake_dispi = (struct fake_dispi){0};
    dispi_index = 0;
}

static uint32_t floating(unsigned width)
{
    return width >= 4 ? 0xffffffffu : (1u << (8 * width)) - 1;
}

uint32_t hw_port_in(uint16_t port, unsigned width)
{
    if (!fake_dispi.present || width != 2)
        return floating(width);
    if (port == DISPI_INDEX_PORT)
        return dispi_index;
    if (port == DISPI_DATA_PORT)
        return dispi_index < FAKE_DISPI_REGS ? fake_dispi.regs[dispi_index] : 0;
    return floating(width);
}

static void dispi_write(uint16_t value)
{
    fake_dispi.writes++;
    if (dispi_index == DISPI_ID || dispi_index >= FAKE_DISPI_REGS)
        return;
    if (dispi_index == DISPI_ENABLE) {
        if (fake_dispi.enable_ignored)
            return;
        fake_dispi.regs[DISPI_ENABLE] = value;
        fake_dispi.on = value & DISPI_ENABLED;
        return;
    }
    if (!fake_dispi.on)
        fake_dispi.regs[dispi_index] = value;
}

void hw_port_out(uint16_t port, unsigned width, uint32_t value)
{
    if (!fake_dispi.present || width != 2)
        return;
    if (port == DISPI_INDEX_PORT)
        dispi_index = (uint16_t)value;
    else if (port == DISPI_DATA_PORT)
        dispi_write((uint16_t)value);
}

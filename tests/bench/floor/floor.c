/* The benchmark's floor kernel (issue 9): boots through barmove's own entry
 * (boot/: multiboot1+2, long mode) and makes exactly the config writes its
 * command line asks for, through 0xCF8, on the first function of bus 0 with
 * an assigned memory BAR (not a display controller: a framebuffer is RAM
 * with dirty tracking, dearer to remap than the suite's devices), or on the
 * one named by dev=DD.F, then exits with code 0 (isa-debug-exit):
 *   mse=N   COMMAND writes that toggle memory decode (off, on, off, ...)
 *   bar=M   writes of the BAR's own value while decode is off (nothing moves)
 *   live=K  BAR writes while decode is on, each moving the BAR by its
 *           alignment and back (a live move, as the suite's decode-on checks)
 *   dev=DD.F the function to write (bus 0, hex device number)
 * or, device by device as the suite's "# writes by device:" line counts them
 * (a framebuffer or a RAM BAR costs QEMU more per remap than a register BAR,
 * so the floor replays each device's share on that device):
 *   w=BB:DD.F=M,D,L   (repeated) mse=M bar=D live=K on that function's first
 *                     memory BAR
 *   reads=N           N config reads (one 0xCFC access each): what one trapped
 *                     port access costs, for the benchmark's second floor under KVM
 *   mreads=N          N MMIO reads of the first memory BAR (dev=DD.F, or the first
 *                     non-display function): what one trapped MMIO access costs
 * No options: the empty kernel, which boots and exits at once. It prints one
 * line, "floor: ...", saying what it did. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../../../kernel/console.h"
#include "../../../kernel/cpu.h"
#include "../../../kernel/exit.h"

#define MB1_MAGIC 0x2BADB002u
#define MB2_MAGIC 0x36D76289u
#define CF8 0xCF8
#define CFC 0xCFC
#define CMD_MEMORY 0x2u

void kmain(uint32_t magic, uint32_t info);

/* the boot loader's command line, or "" (the info block sits below 4 GiB, identity-mapped) */
static const char *cmdline(uint32_t magic, uint32_t info)
{
    const uint8_t *p = (const uint8_t *)(uintptr_t)info;
    if (!info)
        return "";
    if (magic == MB1_MAGIC) {
        uint32_t flags = *(const uint32_t *)p, line = *(const uint32_t *)(p + 16);
        return (flags & 4) && line ? (const char *)(uintptr_t)line : "";
    }
    if (magic != MB2_MAGIC)
        return "";
    uint32_t total = *(const uint32_t *)p;
    for (uint32_t off = 8; off + 8 <= total;) {
        uint32_t type = *(const uint32_t *)(p + off), size = *(const uint32_t *)(p + off + 4);
        if (type == 0 || size < 8)
            break;
        if (type == 1)
            return (const char *)(p + off + 8);
        off += (size + 7) & ~7u;
    }
    return "";
}

static unsigned hex(const char **s)
{
    unsigned v = 0;
    for (; (**s >= '0' && **s <= '9') || (**s >= 'a' && **s <= 'f'); (*s)++)
        v = v * 16 + (unsigned)(**s <= '9' ? **s - '0' : **s - 'a' + 10);
    return v;
}

static unsigned long dec(const char **s)
{
    unsigned long v = 0;
    for (; **s >= '0' && **s <= '9'; (*s)++)
        v = v * 10 + (unsigned long)(**s - '0');
    return v;
}

/* the value of KEY=N in line (decimal), 0 when absent */
static unsigned long option(const char *line, const char *key)
{
    size_t n = strlen(key);
    for (const char *s = line; *s; s++) {
        if ((s != line && s[-1] != ' ') || strncmp(s, key, n) || s[n] != '=')
            continue;
        s += n + 1;
        return dec(&s);
    }
    return 0;
}

static unsigned bus_now; /* the bus select_reg addresses (0 unless a w= names another) */

static uint32_t select_reg(unsigned dev, unsigned fn, unsigned off)
{
    return 0x80000000u | bus_now << 16 | dev << 11 | fn << 8 | (off & 0xfc);
}

static uint32_t cfg_read32(unsigned dev, unsigned fn, unsigned off)
{
    outl(CF8, select_reg(dev, fn, off));
    return inl(CFC);
}

static void cfg_write32(unsigned dev, unsigned fn, unsigned off, uint32_t v)
{
    outl(CF8, select_reg(dev, fn, off));
    outl(CFC, v);
}

static void cfg_write16(unsigned dev, unsigned fn, unsigned off, uint16_t v)
{
    outl(CF8, select_reg(dev, fn, off));
    outw((uint16_t)(CFC + (off & 2)), v);
}

struct target {
    unsigned dev, fn, bar;
    uint32_t value; /* the BAR's low dword as the firmware left it */
    uint16_t command;
};

/* dev=DD.F (hex device, function), or -1 */
static int wanted_function(const char *line)
{
    for (const char *s = line; *s; s++) {
        if ((s != line && s[-1] != ' ') || strncmp(s, "dev=", 4))
            continue;
        unsigned fn = 0;
        s += 4;
        unsigned v = hex(&s);
        if (*s == '.' && s[1] >= '0' && s[1] <= '7')
            fn = (unsigned)(s[1] - '0');
        return v < 32 ? (int)(v << 3 | fn) : -1;
    }
    return -1;
}

/* the first bus-0 function (or the wanted one) with a header of type 0, not
 * a display controller, and an assigned memory BAR */
static bool find_target(struct target *t, int wanted)
{
    for (unsigned dev = 0; dev < 32; dev++)
        for (unsigned fn = 0; fn < 8; fn++) {
            uint32_t id = cfg_read32(dev, fn, 0);
            if (id == 0xffffffffu) {
                if (fn == 0)
                    break;
                continue;
            }
            uint32_t hdr = cfg_read32(dev, fn, 0x0c) >> 16 & 0xff;
            bool candidate = wanted >= 0 ? (unsigned)wanted == (dev << 3 | fn)
                                         : cfg_read32(dev, fn, 0x08) >> 24 != 0x03;
            for (unsigned bar = 0; candidate && (hdr & 0x7f) == 0 && bar < 6; bar++) {
                uint32_t v = cfg_read32(dev, fn, 0x10 + 4 * bar);
                if (!(v & 1) && (v & ~0xfu)) {
                    *t = (struct target){dev, fn, bar, v, (uint16_t)cfg_read32(dev, fn, 0x04)};
                    return true;
                }
                if (!(v & 1) && (v & 6) == 4)
                    bar++; /* the upper dword of a 64-bit BAR */
            }
            if (candidate && wanted >= 0) { /* the suite wrote it (sizing): BAR0 as it is */
                *t = (struct target){dev, fn, 0, cfg_read32(dev, fn, 0x10), (uint16_t)cfg_read32(dev, fn, 0x04)};
                return true;
            }
            if (fn == 0 && !(hdr & 0x80))
                break;
        }
    return false;
}

static void floor_writes(const struct target *t, unsigned long mse, unsigned long bar, unsigned long live)
{
    unsigned off = 0x10 + 4 * t->bar;
    uint32_t addr = t->value & ~0xfu, moved = t->value + (addr & -addr); /* aligned to the BAR's size */
    uint16_t on = t->command | CMD_MEMORY, off_cmd = (uint16_t)(t->command & ~CMD_MEMORY);
    bool dark = false;
    for (unsigned long i = 0; i < live; i++) /* decode on, as the firmware left it */
        cfg_write32(t->dev, t->fn, off, i % 2 ? t->value : moved); /* odd K: left moved, unread */
    if (mse) {
        cfg_write16(t->dev, t->fn, 0x04, off_cmd);
        dark = true;
        mse--;
    }
    for (unsigned long i = 0; i < bar; i++)
        cfg_write32(t->dev, t->fn, off, t->value);
    for (; mse; mse--) {
        cfg_write16(t->dev, t->fn, 0x04, dark ? on : off_cmd);
        dark = !dark;
    }
}

/* every w=BB:DD.F=M,D,L of line: that device's share of the writes; returns
 * how many devices, or -1 when one names no function with a memory BAR */
static int per_device(const char *line, unsigned long *total)
{
    int devices = 0;
    for (const char *s = line; *s; s++) {
        if ((s != line && s[-1] != ' ') || strncmp(s, "w=", 2))
            continue;
        s += 2;
        unsigned bus = hex(&s);
        s += *s == ':';
        unsigned dev = hex(&s);
        s += *s == '.';
        unsigned fn = (unsigned)(*s >= '0' && *s <= '7' ? *s++ - '0' : 0);
        s += *s == '=';
        unsigned long m = dec(&s);
        s += *s == ',';
        unsigned long d = dec(&s);
        s += *s == ',';
        unsigned long l = dec(&s);
        struct target t;
        bus_now = bus;
        if (dev >= 32 || !find_target(&t, (int)(dev << 3 | fn))) {
            kprintf("floor: no function with a memory BAR at %02x:%02x.%x\n", bus, dev, fn);
            return -1;
        }
        floor_writes(&t, m, d, l);
        *total += m + d + l;
        devices++;
        if (!*s)
            break;
    }
    bus_now = 0;
    return devices;
}

void kmain(uint32_t magic, uint32_t info)
{
    console_init();
    const char *line = cmdline(magic, info);
    unsigned long total = 0, reads = option(line, "reads"), mreads = option(line, "mreads");
    if (mreads) {
        struct target t;
        if (!find_target(&t, wanted_function(line)))
            barmove_exit(EXIT_BAIL);
        volatile uint32_t *reg = (volatile uint32_t *)(uintptr_t)(t.value & ~0xfu); /* below 4 GiB: mapped */
        for (unsigned long i = 0; i < mreads; i++)
            (void)*reg;
        kprintf("floor: %lu MMIO reads at 0x%x\n", mreads, t.value & ~0xfu);
        barmove_exit(EXIT_PASS);
    }
    if (reads) {
        outl(CF8, select_reg(0, 0, 0));
        for (unsigned long i = 0; i < reads; i++)
            (void)inl(CFC);
        kprintf("floor: %lu config reads\n", reads);
        barmove_exit(EXIT_PASS);
    }
    int devices = per_device(line, &total);
    if (devices < 0)
        barmove_exit(EXIT_BAIL);
    if (devices > 0) {
        kprintf("floor: %lu writes on %d devices\n", total, devices);
        barmove_exit(EXIT_PASS);
    }
    unsigned long mse = option(line, "mse"), bar = option(line, "bar"), live = option(line, "live");
    struct target t;
    if (!mse && !bar && !live) {
        kprintf("floor: empty\n");
    } else if (!find_target(&t, wanted_function(line))) {
        kprintf("floor: no (such) function with a memory BAR on bus 0\n");
        barmove_exit(EXIT_BAIL);
    } else {
        floor_writes(&t, mse, bar, live);
        kprintf("floor: mse=%lu bar=%lu live=%lu on 00:%02x.%x BAR%u\n", mse, bar, live, t.dev, t.fn, t.bar);
    }
    barmove_exit(EXIT_PASS);
}

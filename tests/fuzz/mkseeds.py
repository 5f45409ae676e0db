#!/usr/bin/env python3
"""tests/fuzz/mkseeds.py: (re)writes the seed corpora tests/fuzz/corpus/TARGET/
from the real fixtures (tests/host/fixtures: QEMU/OVMF ACPI dumps, multiboot
blocks), a few serial logs (build/logs, trimmed, when `make check` ran) and
small hand-made fabrics and maps. Input formats: the header of each
tests/fuzz/fuzz_TARGET.c. Run from the top directory; idempotent."""
import glob, os, re, struct, sys

OUT = 'tests/fuzz/corpus'
FIX = 'tests/host/fixtures'


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def load_dump(path, prefix):
    """{addr: bytes} merged into contiguous segments, plus the header fields"""
    mem, head = {}, {}
    for line in open(path):
        line = line.strip()
        if line.startswith('# '):
            line = line[2:]
        m = re.match(prefix + r' mem 0x([0-9a-f]+) ([0-9a-f]+)$', line)
        if m:
            a, b = int(m.group(1), 16), bytes.fromhex(m.group(2))
            for i, x in enumerate(b):
                mem[a + i] = x
            continue
        m = re.match(prefix + r' rsdp 0x([0-9a-f]+)', line)
        if m:
            head['rsdp'] = int(m.group(1), 16)
        m = re.match(prefix + r' magic=0x([0-9a-f]+) info=0x([0-9a-f]+)', line)
        if m:
            head['magic'], head['info'] = int(m.group(1), 16), int(m.group(2), 16)
    segs, start, cur = [], None, b''
    for a in sorted(mem):
        if start is not None and a == start + len(cur):
            cur += bytes([mem[a]])
        else:
            if start is not None:
                segs.append((start, cur))
            start, cur = a, bytes([mem[a]])
    if start is not None:
        segs.append((start, cur))
    return segs, head


def phys(segs, first):
    """fuzz_phys.h format, the segment starting at `first` first (split there)"""
    out, lead = [], []
    for base, b in segs:
        if base <= first < base + len(b):
            if first > base:
                out.append((base, b[:first - base]))
            lead.append((first, b[first - base:]))
        else:
            out.append((base, b))
    return b''.join(struct.pack('<QI', a, len(b)) + b for a, b in lead + out)


def acpi_tables(segs):
    mem = {}
    for base, b in segs:
        mem[base] = b

    def read(addr, n):
        for base, b in segs:
            if base <= addr and addr + n <= base + len(b):
                return b[addr - base:addr - base + n]
        return None
    return read


def acpi_seeds():
    for path in sorted(glob.glob(FIX + '/acpi-*.txt')):
        name = os.path.basename(path)[:-4]
        segs, head = load_dump(path, 'acpi-dump')
        rsdp = head.get('rsdp', 0)
        mem = phys(segs, rsdp)
        write('acpi', name + '-read', bytes([10 if rsdp == 0 else 9]) + mem)  # + acpi_dump
        write('acpi', name + '-scan', bytes([2]) + mem)
        read = acpi_tables(segs)
        r = read(rsdp, 20)
        rev = r[15]
        root = struct.unpack('<I', r[16:20])[0]
        size = 4
        if rev >= 2:
            x = struct.unpack('<Q', read(rsdp, 36)[24:32])[0]
            if x:
                root, size = x, 8
        hdr = read(root, 36)
        rlen = struct.unpack('<I', hdr[4:8])[0]
        rt = read(root, rlen)
        for off in range(36, rlen, size):
            addr = int.from_bytes(rt[off:off + size], 'little')
            h = read(addr, 36)
            if not h:
                continue
            sig, tlen = h[:4].decode('latin1'), struct.unpack('<I', h[4:8])[0]
            t = read(addr, tlen)
            mode = {'MCFG': 3, 'APIC': 4, 'HPET': 5}.get(sig)
            if mode:
                write('acpi', '%s-%s' % (name, sig.lower()), bytes([mode]) + t)
            if sig == 'FACP':
                dsdt = struct.unpack('<I', t[40:44])[0]
                if tlen >= 148 and struct.unpack('<Q', t[140:148])[0]:
                    dsdt = struct.unpack('<Q', t[140:148])[0]
                dh = read(dsdt, 36)
                if dh:
                    d = read(dsdt, struct.unpack('<I', dh[4:8])[0])[36:]
                    write('acpi', name + '-dsdt-crs', bytes([6]) + d)
                    i = d.find(b'_S5_')
                    if i >= 0:
                        write('acpi', name + '-s5', bytes([8]) + d[max(0, i - 4):i + 16])
                    i = d.find(b'_CRS\x11')
                    if i >= 0:
                        # BufferOp PkgLength BufferSize: the template after it
                        p = i + 5
                        n = 1 + (d[p] >> 6)
                        plen = d[p] & 0x3f if n == 1 else (d[p] & 0x0f) | sum(
                            d[p + k] << (4 + 8 * (k - 1)) for k in range(1, n))
                        body = d[p:p + plen]
                        sz = {0x0a: 2, 0x0b: 3, 0x0c: 5}.get(body[n], 1)
                        write('acpi', name + '-crs-template', bytes([7]) + body[n + sz:])


def bootinfo_seeds():
    for path in sorted(glob.glob(FIX + '/bootinfo-*.txt')):
        name = os.path.basename(path)[:-4]
        segs, head = load_dump(path, 'bootinfo-dump')
        mode = 1 if head['magic'] == 0x36d76289 else 0
        write('bootinfo', name, bytes([mode]) + phys(segs, head['info']))


def options_seeds():
    lines = [
        'build/barmove32.elf level=strict',
        '/boot/barmove.elf level=strict seed=0x1234 only=*BAR2*',
        'selftest=acpi-dump only=none',
        'only=decode-toggle,*BAR0* skip=00:1f.* skip=rebalance rounds=100000 seed=18446744073709551615',
        'window=0x80000000-0x8fffffff window=0x800000000-0xfffffffff bdf=0001:00:04.7 cfg=cf8',
        'profile=xen-vpci verbose latency list selftest=tsc-skew level=required',
        'bdf=00:1f.0\tcfg=ecam\r\nprofile=hyperv rounds=010',
        'rounds=0 bad=1 window=5-4',
    ]
    for i, l in enumerate(lines):
        write('options', 'line-%d' % i, l.encode())


def pci_fn(bus, dev, fn, cfg, bars=(0,) * 6, flags=0):
    cfg = bytes(cfg)
    return bytes([bus, dev << 3 | fn, flags, len(cfg)] + list(bars)) + cfg


def header(vendor, device, cls, htype=0, cmd=0x0007, status=0x0010, bars=(), cap=0, extra=b''):
    c = bytearray(0x40)
    struct.pack_into('<HHHH', c, 0, vendor, device, cmd, status)
    struct.pack_into('<I', c, 8, cls << 8 | 1)
    c[0x0e] = htype
    for i, v in enumerate(bars):
        struct.pack_into('<I', c, 0x10 + 4 * i, v)
    c[0x34] = cap
    return c + extra


def caps(chain):
    """[(offset, id, next, body bytes)] into the area 0x40.."""
    c = bytearray(0xbf)  # the record length is one byte: config 0x00-0xfe
    for off, cid, nxt, body in chain:
        c[off - 0x40] = cid
        c[off - 0x40 + 1] = nxt
        c[off - 0x40 + 2:off - 0x40 + 2 + len(body)] = body
    return bytes(c)


def pci_seeds():
    k = lambda size: size.bit_length() - 1  # bar_spec: log2(size)
    host = pci_fn(0, 0, 0, header(0x8086, 0x29c0, 0x060000, status=0))
    vga = pci_fn(0, 1, 0, header(0x1234, 0x1111, 0x030000, bars=(0xfd000008, 0, 0xfebf0000)),
                 bars=(k(16 << 20), 0, k(4096), 0, 0, 0))
    nvme = pci_fn(0, 4, 0, header(0x1b36, 0x0010, 0x010802, bars=(0xfebf4004, 0), cap=0x40,
                                  extra=caps([(0x40, 0x11, 0x80, struct.pack('<HII', 64, 0x2000, 0x3000)),
                                              (0x80, 0x10, 0x60, struct.pack('<H', 0x0002)),
                                              (0x60, 0x01, 0x00, b'')])),
                  bars=(k(16384), 32, 0, 0, 0, 0))
    virtio = pci_fn(0, 3, 0, header(0x1af4, 0x1000, 0x020000, bars=(0xc001, 0xfebf1000, 0, 0, 0xfe00000c, 0),
                                    cap=0x98, extra=caps([(0x98, 0x11, 0x84, struct.pack('<HII', 2, 1, 0x801)),
                                                          (0x84, 0x09, 0x70, bytes(14)),
                                                          (0x70, 0x09, 0x60, bytes(14)),
                                                          (0x60, 0x09, 0x50, bytes(14)),
                                                          (0x50, 0x09, 0x40, bytes(14)),
                                                          (0x40, 0x09, 0x00, bytes(14))])),
                    bars=(k(32), k(4096), 0, 0, k(16384), 32))
    lpc = pci_fn(0, 0x1f, 0, header(0x8086, 0x2918, 0x060100, htype=0x80, status=0))
    smbus = pci_fn(0, 0x1f, 3, header(0x8086, 0x2930, 0x0c0500, bars=(0, 0, 0, 0, 0x0701)),
                   bars=(0, 0, 0, 0, k(64), 0))
    br = header(0x1b36, 0x0001, 0x060400, htype=1, bars=(0xfea00000,))
    br[0x18:0x1b] = bytes([0, 1, 1])
    struct.pack_into('<HH', br, 0x20, 0xfe80, 0xfe90)
    struct.pack_into('<HHII', br, 0x24, 0xfff1, 0x0001, 0, 0)
    bridge = pci_fn(0, 2, 0, br, bars=(k(256), 0, 0, 0, 0, 0), flags=4)
    behind = pci_fn(1, 0, 0, header(0x8086, 0x100e, 0x020000, bars=(0xfe800000, 0xc101)),
                    bars=(k(128 << 10), k(64), 0, 0, 0, 0))
    q35 = host + vga + virtio + nvme + bridge + behind + lpc + smbus
    write('pci', 'q35-like', bytes([0x00, 0x00]) + q35)
    cyclic = pci_fn(0, 5, 0, header(0x1af4, 0x1041, 0x020000, cap=0x40,
                                    extra=caps([(0x40, 0x09, 0x50, b''), (0x50, 0x05, 0x40, b'')])))
    ones = pci_fn(0, 6, 0, b'\x86\x80' + b'\xff' * 0x3e, flags=1)
    odd = pci_fn(0, 7, 0, header(0x1234, 0x5678, 0xff0000, bars=(0xe0000004, 0xffffff00, 0xc0000002,
                                                                   0x000f000c, 0x1, 0x4)),
                 bars=(0x45, 0x1f, 0x0c, 0x40 | 20, 3, 0x80))
    loop = header(0x1b36, 0x0001, 0x060400, htype=0x81)
    loop[0x18:0x1b] = bytes([0, 0, 0xff])
    loopbr = pci_fn(0, 8, 0, loop)
    gone = pci_fn(0, 9, 0, header(0x8086, 0x100e, 0x020000, bars=(0xfe800000,)),
                  bars=(k(4096), 0, 0, 0, 0, 0), flags=(3 << 3))
    write('pci', 'hostile', bytes([0x81, 0x00, 0x00]) + host + cyclic + ones + odd + loopbr + gone)


def addrmap_seeds():
    def rec(op, a, b):
        return struct.pack('<BQQ', op, a, b)
    # QEMU q35, 2 GiB, from tests/host/fixtures/bootinfo-grub-seabios-mb2.txt
    ram = [(0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0xf0000, 0x10000, 2), (0x100000, 0x7fee0000, 1),
           (0x7ffe0000, 0x20000, 2), (0xb0000000, 0x10000000, 2), (0xfed1c000, 0x4000, 2),
           (0xfeffc000, 0x4000, 2), (0xfffc0000, 0x40000, 2), (0xfd00000000, 0x300000000, 2)]
    mm = b''.join(rec(0x40 | t, a, n) for a, n, t in ram)
    direct = mm + rec(9, 0x80000000, 0xafffffff) + rec(9, 0xc0000000, 0xfebfffff) + \
        rec(9, 0x800000000, 0xfffffffff) + rec(3, 0xb0000000, 0xbfffffff) + \
        rec(4, 0xfee00000, 0xfee00fff) + rec(5, 0xfec00000, 0xfec00fff) + \
        rec(7, 0xfd000000, 0xfdffffff) + rec(8, 0xfe800000, 0xfe9fffff) + \
        rec(0x80, 0x1234, 12) + rec(0x81, 0, 24) + rec(0x82, 99, 21) + rec(0x83, 0xfe800000, 0x1000) + \
        rec(0x84, 0, 32) + rec(0xc0, 5, 0x3000)
    write('addrmap', 'q35-direct', bytes([40, 0]) + direct)
    machine = mm + rec(0, 0x80000000, 0xafffffff) + rec(0, 0xc0000000, 0xfebfffff) + \
        rec(0, 0x800000000, 0xfffffffff) + rec(1, 0x100000000, 0x1ffffffff) + \
        rec(2, 0xfee00000, 0) + rec(3, 0xfec00000, 0) + rec(4, 0xfed00000, 0) + \
        rec(5, 0xb0000000, 0xff00) + rec(0x80, 7, 14) + rec(0x82, 8, 30) + rec(0x89, 9, 16)
    write('addrmap', 'q35-machine', bytes([52 - 32, 1]) + machine)
    hostile = rec(0x41, 0xfffffffffffff000, 0x2000) + rec(0x41, 0x100000, 0xffffffffffffffff) + \
        rec(0x42, 0x80000000, 0) + rec(9, 0, 0xffffffffffffffff) + rec(9, 0x90000000, 0x8fffffff) + \
        rec(0x80, 1, 63) + rec(0xc1, 2, 0x1800) + rec(0x82, 3, 32)
    write('addrmap', 'hostile', bytes([32, 0]) + hostile)


def logparse_seeds():
    logs = sorted(glob.glob('build/logs/*.log'))
    picked = [p for p in ('build/logs/bad-option.log', 'build/logs/selftest-todo.log',
                          'build/logs/truth-pc-bridge.log', 'build/logs/selftest-fault.log')
              if p in logs]
    for p in picked:
        text = open(p, 'rb').read()
        lines = text.split(b'\n')
        if len(lines) > 80:  # keep the TAP: first 40 and last 40 lines
            text = b'\n'.join(lines[:40] + lines[-40:])
        write('logparse', os.path.basename(p)[:-4], bytes([2, 1]) + text[:6000])
    exp = 'tests/matrix/expected/bochs-pc.verdicts'
    log = 'build/logs/bochs-pc.log'
    if os.path.exists(exp) and os.path.exists(log):
        text = open(log, 'rb').read()
        tap = text[text.find(b'TAP version 14'):]
        keep = [l for l in tap.split(b'\n') if not l.startswith(b'# running') and
                not l.startswith(b'  ')][:400]
        write('logparse', 'bochs-pc-verdicts', bytes([2, 3]) + open(exp, 'rb').read() + b'\0' +
              b'\n'.join(keep)[:12000])
    write('logparse', 'minimal', bytes([0, 0]) + b'GRUB\x1b[2J\r\nTAP version 14\r\n1..2\n'
          b'ok 1 - memory-map\nnot ok 2 - 00:04.0 BAR2 decode-toggle\n  ---\n  message: x\n  ...\n'
          b'barmove: 1 passed, 1 failed, 0 skipped, 0 todo\n')


if __name__ == '__main__':
    acpi_seeds()
    bootinfo_seeds()
    options_seeds()
    pci_seeds()
    addrmap_seeds()
    logparse_seeds()

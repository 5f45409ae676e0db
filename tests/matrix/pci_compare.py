"""Compares barmove's topology listing (TAP comments in a serial log) with
QEMU's `query-pci` answer. Every function, every BAR (type, size, address)
and every bridge window and bus range must match, in both directions."""
import json
import re

FUNC = re.compile(r"^#\s+(?:([0-9a-f]{4}):)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7]) "
                  r"([0-9a-f]{4}):([0-9a-f]{4}) class ([0-9a-f]{6})(?: bridge \[([0-9a-f]{2})-([0-9a-f]{2})\])?")
BAR = re.compile(r"^#\s+BAR(\d) (\S+)( pref)? size 0x([0-9a-f]+) \(\S+\) @0x([0-9a-f]+)")
WINDOW = re.compile(r"^#\s+window (io|mem|pref32|pref64|pref) (?:(closed)|0x([0-9a-f]+)-0x([0-9a-f]+))")
UNMAPPED = 0xFFFFFFFFFFFFFFFF


def parse_listing(log_path):
    """{(bus, dev, fn): {...}} from the kernel's listing (segment 0 only: QEMU has one)."""
    functions, current = {}, None
    with open(log_path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = FUNC.match(line)
            if m:
                key = (int(m[2], 16), int(m[3], 16), int(m[4], 16))
                current = functions[key] = {
                    "id": (int(m[5], 16), int(m[6], 16)), "bars": {}, "windows": {},
                    "buses": (int(m[8], 16), int(m[9], 16)) if m[8] else None}
                continue
            m = BAR.match(line)
            if m and current is not None:
                current["bars"][int(m[1])] = {"kind": m[2], "pref": bool(m[3]),
                                              "size": int(m[4], 16), "addr": int(m[5], 16)}
                continue
            m = WINDOW.match(line)
            if m and current is not None:
                kind = "pref" if m[1].startswith("pref") else m[1]
                current["windows"][kind] = None if m[2] else (int(m[3], 16), int(m[4], 16))
    return functions


def walk_qmp(devices, out):
    for d in devices:
        key = (d["bus"], d["slot"], d["function"])
        out[key] = d
        bridge = d.get("pci_bridge")
        if bridge:
            walk_qmp(bridge.get("devices", []), out)


def qmp_functions(json_path):
    with open(json_path) as f:
        buses = json.load(f)
    out = {}
    for bus in buses:
        walk_qmp(bus["devices"], out)
    return out


def bdf(key):
    return "%02x:%02x.%x" % key


def compare_bar(name, n, q, k, problems):
    if k is None:
        problems.append(f"{name} BAR{n}: QEMU has {q['type']} size {q['size']:#x}, the listing has none")
        return
    if q["type"] == "io":
        want_kind = "io"
    else:
        want_kind = "mem64" if q.get("mem_type_64") else "mem32"
    if k["kind"] != want_kind:
        problems.append(f"{name} BAR{n}: type {k['kind']}, QEMU says {want_kind}")
    if q["type"] == "memory" and bool(q.get("prefetch")) != k["pref"]:
        problems.append(f"{name} BAR{n}: prefetchable {k['pref']}, QEMU says {bool(q.get('prefetch'))}")
    if k["size"] != q["size"]:
        problems.append(f"{name} BAR{n}: size {k['size']:#x}, QEMU says {q['size']:#x}")
    addr = q["address"] & UNMAPPED
    if addr != UNMAPPED and addr != k["addr"]:
        problems.append(f"{name} BAR{n}: address {k['addr']:#018x}, QEMU says {addr:#018x}")


def compare_window(name, kind, qrange, k, problems):
    if qrange is None:
        return
    base, limit = qrange["base"], qrange["limit"]
    closed = limit < base
    if kind not in k:
        problems.append(f"{name} window {kind}: missing from the listing")
    elif closed != (k[kind] is None) or (not closed and k[kind] != (base, limit)):
        mine = "closed" if k[kind] is None else "%#x-%#x" % k[kind]
        theirs = "closed" if closed else f"{base:#x}-{limit:#x}"
        problems.append(f"{name} window {kind}: {mine}, QEMU says {theirs}")


def compare_function(key, q, k, problems):
    name = bdf(key)
    qid = (q["id"]["vendor"], q["id"]["device"])
    if k["id"] != qid:
        problems.append(f"{name}: id {k['id'][0]:04x}:{k['id'][1]:04x}, QEMU says {qid[0]:04x}:{qid[1]:04x}")
    qbars = {r["bar"]: r for r in q.get("regions", []) if r["bar"] < 6}  # 6: the ROM, not listed
    for n, region in qbars.items():
        compare_bar(name, n, region, k["bars"].get(n), problems)
    for n in k["bars"]:
        if n not in qbars:
            problems.append(f"{name} BAR{n}: in the listing, unknown to QEMU")
    bridge = q.get("pci_bridge")
    if bridge:
        b = bridge["bus"]
        if k["buses"] != (b["secondary"], b["subordinate"]):
            problems.append(f"{name}: buses {k['buses']}, QEMU says {(b['secondary'], b['subordinate'])}")
        for kind, field in (("io", "io_range"), ("mem", "memory_range"), ("pref", "prefetchable_range")):
            compare_window(name, kind, b.get(field), k["windows"], problems)
    return sum(1 for _ in qbars)


def main(log_path, json_path):
    listed, qemu = parse_listing(log_path), qmp_functions(json_path)
    problems, bars = [], 0
    for key in sorted(set(listed) | set(qemu)):
        if key not in listed:
            problems.append(f"{bdf(key)}: QEMU has this function, the listing does not")
        elif key not in qemu:
            problems.append(f"{bdf(key)}: listed, but QEMU has no such function")
        else:
            bars += compare_function(key, qemu[key], listed[key], problems)
    for p in problems:
        print(f"  mismatch: {p}")
    print(f"query-pci: {len(qemu)} functions, {bars} BARs compared, {len(problems)} mismatches")
    return 1 if problems or not qemu else 0

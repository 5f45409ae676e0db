#!/usr/bin/env python3
"""side_by_side.py BOCHS.log QEMU.log: the verdicts of the same checks on the
same device kinds, Bochs's column next to QEMU's (issue 8, DESIGN §7).

Devices are matched by kind (from the class code the kernel's listing prints),
not by BDF or ID: Bochs's OHCI is 11c1:5803 and its xHCI 1912:0015, QEMU's are
106b:003f and 1b36:000d, and the slots differ. One line per (kind, BAR, check)
that either log has, then a summary. Exit 1 when a check that fails on Bochs
does not say ok on QEMU (then the Bochs failure proves nothing about the
check: the conformant reference must pass it), 2 on unreadable input."""
import re
import sys

KINDS = {"030000": "vga", "020000": "e1000", "0c0310": "ohci", "0c0320": "ehci", "0c0330": "xhci"}
LISTING = re.compile(r"^# ([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) ([0-9a-f]{4}:[0-9a-f]{4}) class ([0-9a-f]{6})")
POINT = re.compile(r"^(ok|not ok) \d+ - ([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) (BAR\d) (\S+)(.*)$")


def verdicts(path):
    """{(kind, bar, check): verdict text} of one log"""
    kind_of, out, last = {}, {}, None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = LISTING.match(line)
            if m and m.group(3) in KINDS:
                kind_of[m.group(1)] = KINDS[m.group(3)]
                continue
            m = POINT.match(line)
            if m:
                last = None
                kind = kind_of.get(m.group(2))
                if not kind:
                    continue
                rest = m.group(5)
                if m.group(1) == "ok":
                    text = "skip" if "# SKIP" in rest else "ok"
                else:
                    text = "not ok # TODO" if "# TODO" in rest else "not ok"
                last = (kind, m.group(3), m.group(4))
                out[last] = text
            elif last and line.startswith("  class: ") and out[last].startswith("not ok"):
                out[last] += " (" + line[len("  class: "):] + ")"
    return out


def main():
    if len(sys.argv) != 3:
        print("usage: side_by_side.py BOCHS.log QEMU.log", file=sys.stderr)
        return 2
    try:
        bochs, qemu = verdicts(sys.argv[1]), verdicts(sys.argv[2])
    except OSError as e:
        print("side by side: %s" % e, file=sys.stderr)
        return 2
    keys = sorted(set(bochs) | set(qemu))
    width = max([len("%s %s %s" % k) for k in keys] + [10])
    print("side by side: %-*s  %-44s  %s" % (width, "device check", "Bochs 2.7", "QEMU pc"))
    weak = []
    for k in keys:
        b, q = bochs.get(k, "-"), qemu.get(k, "-")
        print("side by side: %-*s  %-44s  %s" % (width, "%s %s %s" % k, b, q))
        if b.startswith("not ok") and q != "ok":
            weak.append("%s %s %s" % k)
    failing = sum(1 for v in bochs.values() if v.startswith("not ok"))
    print("side by side: %d checks on %d device kinds; %d fail on Bochs, %d of those also ok on QEMU"
          % (len(keys), len({k[0] for k in keys}), failing, failing - len(weak)))
    for w in weak:
        print("side by side: %s fails on Bochs but is not ok on QEMU: the reference must pass it" % w)
    if not failing:  # Bochs deviates (tests/matrix/expected): none read means the logs were not read
        print("side by side: no Bochs failure found in %s: nothing was compared" % sys.argv[1])
        return 1
    return 1 if weak else 0


if __name__ == "__main__":
    sys.exit(main())

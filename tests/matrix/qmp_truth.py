#!/usr/bin/env python3
"""QEMU's own view of PCI as the ground truth for barmove's enumeration.

  qmp_truth.py collect SOCKET OUT.json TIMEOUT
      Waits until the guest has powered itself off (QEMU runs with
      -no-shutdown, so it stays up), asks QMP `query-pci`, saves the answer,
      and quits QEMU. The kernel restores every BAR before it powers off, so
      what QEMU reports then is what the firmware programmed.
  qmp_truth.py mutate IN.json OUT.json
      The comparison's negative control: the same answer, one BAR moved.
  qmp_truth.py compare LOG OUT.json
      Compares every function, BAR (address, size, type) and bridge window
      that QEMU reports with the kernel's topology listing in the serial log;
      prints one line per difference and a summary line; exit 1 on any.
"""
import json
import re
import socket
import sys
import time


def qmp_connect(path, deadline):
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            if time.time() > deadline:
                raise SystemExit(f"qmp_truth: cannot connect to {path}")
            time.sleep(0.05)


class Qmp:
    def __init__(self, sock):
        self.file = sock.makefile("rw")
        self.events = []
        json.loads(self.file.readline())  # greeting
        self.command("qmp_capabilities")

    def command(self, name, **args):
        self.file.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        self.file.flush()
        while True:
            msg = json.loads(self.file.readline())
            if "event" in msg:
                self.events.append(msg["event"])
            elif "error" in msg:
                raise SystemExit(f"qmp_truth: {name}: {msg['error']}")
            elif "return" in msg:
                return msg["return"]


def collect(sock_path, out_path, timeout):
    deadline = time.time() + float(timeout)
    qmp = Qmp(qmp_connect(sock_path, deadline))
    while time.time() < deadline:
        status = qmp.command("query-status")["status"]
        if status == "shutdown" or "SHUTDOWN" in qmp.events:
            break
        time.sleep(0.05)
    else:
        qmp.command("quit")
        raise SystemExit("qmp_truth: the guest never powered off")
    with open(out_path, "w") as f:
        json.dump(qmp.command("query-pci"), f, indent=1)
    try:
        qmp.command("quit")
    except (OSError, ValueError, json.JSONDecodeError):
        pass  # QEMU may close the socket before answering


def mutate(in_path, out_path):
    """The comparison's negative control: move the first mapped memory BAR."""
    with open(in_path) as f:
        buses = json.load(f)
    def first_region(devices):
        for d in devices:
            for r in d.get("regions", []):
                if r["type"] == "memory" and r["bar"] < 6 and r["address"] not in (-1, 0):
                    return r
            found = first_region(d.get("pci_bridge", {}).get("devices", []))
            if found:
                return found
        return None
    for bus in buses:
        region = first_region(bus["devices"])
        if region:
            region["address"] += 0x100000
            break
    else:
        raise SystemExit("qmp_truth: nothing to mutate")
    with open(out_path, "w") as f:
        json.dump(buses, f)


def main(argv):
    if len(argv) == 4 and argv[1] == "mutate":
        mutate(argv[2], argv[3])
        return 0
    if len(argv) == 5 and argv[1] == "collect":
        collect(argv[2], argv[3], argv[4])
        return 0
    if len(argv) == 4 and argv[1] == "compare":
        import pci_compare
        return pci_compare.main(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

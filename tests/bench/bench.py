#!/usr/bin/env python3
"""make bench (issue 9): barmove's default suite against its floors.

Per boot path (-kernel q35, ISO + SeaBIOS q35, ISO + OVMF q35), all with one
ivshmem (64 MiB) and one NVMe: a first suite run counts the guest's writes (its
`# writes:` line; cross-checked once against QEMU's -trace pci_cfg_write),
then N rounds boot, interleaved, the empty kernel, the floor kernel with those
writes, and the suite; wall time from QEMU's start to its exit. Then the Linux
route (tests/bench/linux_route.sh, when present), scaling over NVMe counts
(scaling.py) and the -kernel table under KVM where /dev/kvm works.
Writes build/bench/results.json; --quick: one round, -kernel only."""
import sys
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import argparse
import datetime
import json
import os
import re
import platform
import subprocess

import boots
import stats

KINDS = ["empty", "floor", "suite"]


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    qemu = subprocess.run([boots.QEMU, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    return {"cpu": model, "cpus": os.cpu_count(), "kernel": platform.release(), "qemu": qemu,
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def count_run(path, devices, accel, suite_args, timeout):
    """the suite's first run on a path: its writes, or an error"""
    b = boots.run(path, "suite", suite_args, devices, accel, timeout=timeout, tag="%s.count.%s" % (path, accel))
    if not b.ok("suite") or not b.writes:
        raise RuntimeError("%s: the counting run of the suite failed (exit %s, %s)"
                           % (path, b.code, "no writes line" if not b.writes else "no summary"))
    return b.writes


def crosscheck(devices, writes, suite_args, timeout):
    """QEMU's own count of config writes (present functions only): suite minus
    empty must be every write the suite counted, floor minus empty its floor ones"""
    traces = {}
    for kind in KINDS:
        t = os.path.join(boots.OUT, "tmp", "trace.%s.txt" % kind)
        if os.path.exists(t):
            os.remove(t)
        args = boots.kernel_args(kind, suite_args, writes)
        b = boots.run("kernel-q35", kind, args, devices, trace=t, timeout=timeout, tag="trace." + kind)
        if not b.ok(kind) or not os.path.exists(t):
            raise RuntimeError("cross-check: the traced %s boot did not end as it should (exit %s)" % (kind, b.code))
        with open(t) as f:
            traces[kind] = sum(1 for line in f if "pci_cfg_write" in line)
    guest = sum(writes[k] for k in ("mse-toggles", "bar-dark", "bar-live", "bridge-win", "other-cfg"))
    floor = writes["mse-toggles"] + writes["bar-dark"] + writes["bar-live"]
    r = {"qemu_trace": traces, "suite_counted": guest, "floor_asked": floor,
         "suite_ok": traces["suite"] - traces["empty"] == guest,
         "floor_ok": traces["floor"] - traces["empty"] == floor}
    r["ok"] = r["suite_ok"] and r["floor_ok"]
    return r


def time_path(path, rounds, devices, accel, suite_args, timeout):
    writes = count_run(path, devices, accel, suite_args, timeout)
    times = {k: [] for k in KINDS}
    for r in range(rounds):
        order = KINDS[r % 3:] + KINDS[:r % 3]  # interleaved, each kernel first in turn
        for kind in order:
            b = boots.run(path, kind, boots.kernel_args(kind, suite_args, writes), devices, accel,
                          timeout=timeout)
            if not b.ok(kind):
                raise RuntimeError("%s: %s did not end as it should (exit %s)" % (path, kind, b.code))
            times[kind].append(b.seconds)
    kernels = {k: stats.summary(v) for k, v in times.items()}
    med = {k: s["median"] for k, s in kernels.items()}
    return {"kernels": kernels, "writes": writes, "floor_args": boots.floor_args(writes, boots.FLOOR_DEV["bench"]),
            "ratios": {"suite/empty": stats.ratio(med["suite"], med["empty"]),
                       "suite/floor": stats.ratio(med["suite"], med["floor"])}}


def paths_section(args, accel, only_kernel):
    out = {}
    for path in boots.PATHS:
        if only_kernel and path != "kernel-q35":
            continue
        rounds = args.ovmf_rounds if path == "iso-q35-ovmf" else args.rounds
        print("bench: %s (%s), %d round%s" % (path, accel, rounds, "" if rounds == 1 else "s"), flush=True)
        out[path] = time_path(path, rounds, boots.BENCH_DEVICES, accel, args.suite_args, args.timeout)
    return out


TRAP_READS = 20000
TIME_RE = re.compile(r"^# time: .* checks ([0-9]+) us$", re.M)


def second_floor(args):
    """Under KVM every config, MMIO and port access of the guest is an exit:
    the cost of one (a floor kernel making TRAP_READS config reads, against
    the empty kernel) times the accesses the suite made (its own counts, and
    the serial bytes it wrote), against its test phase (the guest's TSC)."""
    devices = boots.BENCH_DEVICES
    t = {"pio": [], "mmio": [], "empty": []}
    for _ in range(3):
        t["pio"].append(boots.run("kernel-q35", "floor", "reads=%d" % TRAP_READS, devices, "kvm",
                                  timeout=args.timeout, tag="trap.pio").seconds)
        t["mmio"].append(boots.run("kernel-q35", "floor", "mreads=%d dev=%s" % (TRAP_READS, boots.FLOOR_DEV["bench"]),
                                   devices, "kvm", timeout=args.timeout, tag="trap.mmio").seconds)
        t["empty"].append(boots.run("kernel-q35", "empty", "", devices, "kvm", timeout=args.timeout,
                                    tag="trap.empty").seconds)
    med = {k: stats.summary(v)["median"] for k, v in t.items()}
    pio = max(0.0, (med["pio"] - med["empty"]) / TRAP_READS)
    mmio = max(0.0, (med["mmio"] - med["empty"]) / TRAP_READS)
    suite = boots.run("kernel-q35", "suite", args.suite_args, devices, "kvm", timeout=args.timeout,
                      tag="trap.suite")
    w = suite.writes or {}
    m = TIME_RE.search(suite.log)
    serial = len(suite.log.encode())
    # q35: config space through ECAM (MMIO); COM1 is a port (a byte, and an LSR read per 16)
    mmio_accesses = sum(w.get(k, 0) for k in ("mse-toggles", "bar-dark", "bar-live", "bridge-win", "other-cfg",
                                              "cfg-reads", "mmio-reads", "mmio-writes"))
    pio_accesses = serial + serial // 16
    floor_s = mmio_accesses * mmio + pio_accesses * pio
    test_s = int(m.group(1)) / 1e6 if m else None
    return {"pio_us": pio * 1e6, "mmio_us": mmio * 1e6, "mmio_accesses": mmio_accesses,
            "pio_accesses": pio_accesses, "serial_bytes": serial, "second_floor_s": floor_s,
            "test_phase_s": test_s, "test/second_floor": stats.ratio(test_s, floor_s) if test_s else None}


def second_floor_lines(s):
    if s.get("test_phase_s") is None:
        return ["kvm second floor: the suite's log has no '# time:' line"]
    return ["kvm second floor: %d MMIO accesses (ECAM config and BAR registers) x %.1f us + %d port accesses "
            "(%d serial bytes) x %.1f us = %.2f s; the guest's test phase %.2f s; test / second floor %.2f"
            % (s["mmio_accesses"], s["mmio_us"], s["pio_accesses"], s["serial_bytes"], s["pio_us"],
               s["second_floor_s"], s["test_phase_s"], s["test/second_floor"])]


def kvm_reason():
    """None when QEMU can use KVM here (tests/matrix/run's probe), else why not"""
    if not os.path.exists("/dev/kvm"):
        return "no /dev/kvm on this host"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "/dev/kvm is not read/writable"
    p = subprocess.run([boots.QEMU, "-accel", "kvm", "-machine", "q35", "-S", "-nodefaults", "-display",
                        "none", "-monitor", "stdio"], input="quit\n", capture_output=True, text=True,
                       timeout=30)
    if p.returncode:
        lines = [l for l in (p.stdout + p.stderr).splitlines() if l and not l.startswith(("QEMU", "(qemu)"))]
        return "QEMU cannot use KVM: " + (lines[-1] if lines else "exit %d" % p.returncode)
    return None


def linux_lines(r):
    if not r.get("available"):
        return ["linux route: not available (%s)" % r.get("reason")]
    return ["linux route: boot-to-verdict median %.2f s (min %.2f, max %.2f, n %d); barmove suite median %.3f s; "
            "linux / suite %.1f" % (r["linux"]["median"], r["linux"]["min"], r["linux"]["max"], r["linux"]["n"],
                                    r["suite"]["median"], r["ratio_linux_suite"])]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, default=11)
    p.add_argument("--ovmf-rounds", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="1 round, -kernel path only, no scaling/Linux/KVM")
    p.add_argument("--no-scaling", action="store_true")
    p.add_argument("--no-linux", action="store_true")
    p.add_argument("--linux-rounds", type=int, default=5, help="Linux route boots (each beside a suite boot)")
    p.add_argument("--no-kvm", action="store_true")
    p.add_argument("--scaling-counts", default="1,5,25,100")
    p.add_argument("--scaling-rounds", type=int, default=3, help="timed rounds per count")
    p.add_argument("--suite-rounds", type=int, default=1, help="the suite's rounds= option in scaling")
    p.add_argument("--suite-args", default="", help="barmove options for the suite runs")
    p.add_argument("--timeout", type=int, default=900, help="seconds per boot")
    a = p.parse_args()
    if a.quick:
        a.rounds = a.ovmf_rounds = 1
        a.no_scaling = a.no_linux = a.no_kvm = True
    return a


def main():
    args = parse_args()
    os.makedirs(boots.OUT, exist_ok=True)
    res = {"machine": machine(), "quick": args.quick, "rounds": args.rounds, "ovmf_rounds": args.ovmf_rounds,
           "devices": " ".join(boots.BENCH_DEVICES)}
    print("bench: %(cpu)s, %(cpus)s cpus, %(qemu)s, %(date)s" % res["machine"], flush=True)
    res["paths"] = paths_section(args, "tcg", args.quick)
    res["crosscheck"] = crosscheck(boots.BENCH_DEVICES, res["paths"]["kernel-q35"]["writes"], args.suite_args,
                                   args.timeout)
    lines = stats.path_table("bench: TCG, one ivshmem + one NVMe (seconds, QEMU start to exit)", res["paths"])
    for path, r in res["paths"].items():
        lines.append("  %-16s %s" % (path, "# writes: " + " ".join("%s=%d" % kv for kv in r["writes"].items() if kv[0] != "by-device")))
    c = res["crosscheck"]
    lines.append("cross-check with QEMU -trace pci_cfg_write: %s (trace %s; suite counted %d, floor asked %d)"
                 % ("ok" if c["ok"] else "MISMATCH", c["qemu_trace"], c["suite_counted"], c["floor_asked"]))
    print("\n".join(lines), flush=True)
    extra = []
    if args.no_linux:
        res["linux_route"] = {"available": False, "reason": "skipped (--quick or --no-linux)"}
    else:
        import linux
        res["linux_route"] = linux.measure(args, res["paths"]["kernel-q35"])
    extra += linux_lines(res["linux_route"])
    if args.no_scaling:
        res["scaling"] = None
        extra.append("scaling: skipped (--quick or --no-scaling)")
    else:
        import scaling
        res["scaling"] = scaling.measure(args, res)
        extra += scaling.lines(res["scaling"])
    if args.no_kvm:
        res["kvm"] = {"skipped": "--quick or --no-kvm"}
        extra.append("kvm: skipped: --quick or --no-kvm")
    else:
        why = kvm_reason()
        if why:
            res["kvm"] = {"skipped": why}
            extra.append("kvm: skipped: " + why)
        else:
            res["kvm"] = {"paths": paths_section(args, "kvm", True)}
            extra += stats.path_table("bench: KVM, -kernel q35", res["kvm"]["paths"])
            res["kvm"]["second_floor"] = second_floor(args)
            extra += second_floor_lines(res["kvm"]["second_floor"])
    print("\n".join(extra), flush=True)
    with open(os.path.join(boots.OUT, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    print("bench: wrote %s" % os.path.join(boots.OUT, "results.json"))
    if not res["crosscheck"]["ok"]:  # the floor would not be the suite's writes: its ratios mean nothing
        print("bench: the suite's own count of config writes disagrees with QEMU's trace (above)")
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, subprocess.SubprocessError, OSError) as e:
        print("bench: error: %s" % e, file=sys.stderr)
        sys.exit(1)


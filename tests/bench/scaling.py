"""Scaling (issue 9): the default suite with a fixed rounds= over 1..100 NVMe
controllers (q35 root bus, eight functions a slot), each beside the empty and
floor kernels with the same devices, on the -kernel path. Per count: the
medians, suite / floor, remapping writes per device; a least-squares line of
suite time against devices; build/bench/scaling.svg through gnuplot."""
import os
import shutil
import subprocess

import boots
import stats

KINDS = ("empty", "floor", "suite")


def one_count(n, args):
    devices = boots.nvme_devices(n)
    suite_args = ("rounds=%d %s" % (args.suite_rounds, args.suite_args)).strip()
    # the counting run is the suite's first sample here: at 100 controllers one
    # suite run takes minutes, and a second only to count would double that
    first = boots.run("kernel-q35", "suite", suite_args, devices, timeout=args.timeout, tag="scale%d.count" % n)
    if not first.ok("suite") or not first.writes:
        raise RuntimeError("scaling %d: the suite's counting run failed (exit %s)" % (n, first.code))
    w = first.writes
    times = {"empty": [], "floor": [], "suite": [first.seconds]}
    rounds = args.scaling_rounds  # QEMU is bimodal here (a floor boot at 25 NVMe: 1.9 s or 2.9 s): one round is a coin toss
    for r in range(rounds):
        for kind in KINDS:
            if kind == "suite" and r == rounds - 1:
                continue  # the counting run stands in for this round's suite
            b = boots.run("kernel-q35", kind, boots.kernel_args(kind, suite_args, w, boots.FLOOR_DEV["scaling"]), devices,
                          timeout=args.timeout, tag="scale%d.%s" % (n, kind))
            if not b.ok(kind):
                raise RuntimeError("scaling %d: %s did not end as it should (exit %s)" % (n, kind, b.code))
            times[kind].append(b.seconds)
    k = {kind: stats.summary(t) for kind, t in times.items()}
    return {"devices": n, "suite_args": suite_args, "kernels": k, "writes": w,
            "suite/floor": stats.ratio(k["suite"]["median"], k["floor"]["median"]),
            "suite/empty": stats.ratio(k["suite"]["median"], k["empty"]["median"]),
            "remap_writes_per_device": remaps_of(w) / n,
            "remap_writes_per_nvme": nvme_remaps(w, n) / n}


def nvme_remaps(writes, n):
    """the remapping writes (decode toggles, live BAR writes) the suite made on
    the NVMe functions themselves, from its "# writes by device:" lines: what
    must stay constant per controller as controllers are added (the machine's
    own VGA, NIC and ICH9 functions are in the per-device figure too)"""
    nvme = set("00:%02x.%x" % boots.nvme_slot(i) for i in range(n))
    total = 0
    for entry in writes.get("by-device", []):
        bdf, counts = entry.split("=", 1)
        mse, _dark, live = (int(v) for v in counts.split(","))
        if bdf in nvme:
            total += mse + live
    return total


def measure(args, res):
    counts = [int(c) for c in args.scaling_counts.split(",") if c]
    out = {"counts": []}
    for n in counts:
        print("bench: scaling: %d NVMe" % n, flush=True)
        out["counts"].append(one_count(n, args))
    xs = [c["devices"] for c in out["counts"]]
    out["fit_suite"] = stats.fit(xs, [c["kernels"]["suite"]["median"] for c in out["counts"]])
    out["fit_floor"] = stats.fit(xs, [c["kernels"]["floor"]["median"] for c in out["counts"]])
    out["plot"] = plot(out, res)
    return out


def remaps_of(writes):
    """remapping writes: decode toggles and live BAR writes"""
    return writes["mse-toggles"] + writes["bar-live"]


def remaps(c):
    """remapping writes of one count"""
    return remaps_of(c["writes"])


def lines(s):
    out = ["scaling (-kernel q35, TCG, NVMe controllers, %s):" % s["counts"][0]["suite_args"],
           "%7s %8s %8s %8s %11s %11s %13s %15s %11s" % ("devices", "empty s", "floor s", "suite s", "suite/floor",
                                                         "suite/empty", "remaps/device", "remaps/added", "remaps/NVMe")]
    first = s["counts"][0]
    for c in s["counts"]:
        k = c["kernels"]
        # the machine's own devices (VGA, NIC, ivshmem) weigh on every count:
        # what each added NVMe costs is the marginal figure
        added = c["devices"] - first["devices"]
        marginal = ("%15.1f" % ((remaps(c) - remaps(first)) / added)) if added else "%15s" % "-"
        out.append("%7d %8.3f %8.3f %8.3f %11.2f %11.2f %13.1f %s %11.1f" % (
            c["devices"], k["empty"]["median"], k["floor"]["median"], k["suite"]["median"], c["suite/floor"],
            c["suite/empty"], c["remap_writes_per_device"], marginal, c.get("remap_writes_per_nvme", 0)))
    for name in ("suite", "floor"):
        f = s["fit_" + name]
        if f:
            out.append("fit %s: %.4f s/device, intercept %.3f s, residual (rms) %.3f s"
                       % (name, f["slope"], f["intercept"], f["residual_rms"]))
    out.append("plot: " + s["plot"])
    return out


def plot(s, res):
    """build/bench/scaling.svg: suite, floor and empty against devices, and the
    -kernel path's bars (empty, floor, suite, Linux route when measured)"""
    if not shutil.which("gnuplot"):
        return "skipped: gnuplot is not installed (make bench-deps installs gnuplot-nox)"
    d = boots.OUT
    with open(os.path.join(d, "scaling.dat"), "w") as f:
        f.write("# devices empty floor suite\n")
        for c in s["counts"]:
            k = c["kernels"]
            f.write("%d %.4f %.4f %.4f\n" % (c["devices"], k["empty"]["median"], k["floor"]["median"],
                                             k["suite"]["median"]))
    kp = res["paths"]["kernel-q35"]["kernels"]
    bars = [("empty", kp["empty"]["median"]), ("floor", kp["floor"]["median"]), ("suite", kp["suite"]["median"])]
    lr = res.get("linux_route") or {}
    if lr.get("available"):
        bars.append(("linux route", lr["linux"]["median"]))
    with open(os.path.join(d, "bars.dat"), "w") as f:
        for i, (name, v) in enumerate(bars):
            f.write('%d "%s" %.4f\n' % (i, name, v))
    fit = s["fit_suite"] or {"slope": 0, "intercept": 0}
    gp = """set terminal svg size 1000,450 dynamic font 'sans,11'
set output '%(d)s/scaling.svg'
set multiplot layout 1,2 title 'barmove benchmark, %(date)s, %(cpu)s'
set key top left
set xlabel 'NVMe controllers'
set ylabel 'seconds, QEMU start to exit (median)'
set grid
plot '%(d)s/scaling.dat' u 1:4 w lp t 'suite', '' u 1:3 w lp t 'floor', '' u 1:2 w lp t 'empty', \\
     %(slope).6f*x+%(icpt).6f w l dt 2 t 'fit (suite)'
set xlabel ''
set ylabel 'seconds (median), -kernel q35, ivshmem + NVMe'
set logscale y
set style fill solid 0.6
set boxwidth 0.6
unset key
plot '%(d)s/bars.dat' u 1:3:xtic(2) w boxes, '' u 1:3:(sprintf('%%.2f', $3)) w labels offset 0,1
unset multiplot
""" % {"d": d, "date": res["machine"]["date"], "cpu": res["machine"]["cpu"].replace("'", ""),
       "slope": fit["slope"], "icpt": fit["intercept"]}
    with open(os.path.join(d, "scaling.gp"), "w") as f:
        f.write(gp)
    p = subprocess.run(["gnuplot", os.path.join(d, "scaling.gp")], capture_output=True, text=True)
    if p.returncode:
        return "gnuplot failed: %s" % p.stderr.strip().splitlines()[-1:]
    return os.path.join(d, "scaling.svg")

"""The Linux route (issue 9): what engineers do today, built and booted by
tests/bench/linux_route.sh (`build`, then `boot`, whose last line is its
boot-to-verdict in seconds), booted interleaved with barmove's suite on the
-kernel path with the same devices."""
import os
import subprocess

import boots
import stats

SCRIPT = os.path.join(boots.ROOT, "tests", "bench", "linux_route.sh")


def _last_line(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-1].strip() if lines else ""


def _boot_seconds():
    p = subprocess.run([SCRIPT, "boot"], capture_output=True, text=True, timeout=600)
    if p.returncode:
        raise RuntimeError("boot exited %d: %s" % (p.returncode, _last_line(p.stderr + p.stdout)))
    return float(_last_line(p.stdout))


def measure(args, kernel_path):
    if not os.access(SCRIPT, os.X_OK):
        return {"available": False, "reason": "tests/bench/linux_route.sh is not there"}
    print("bench: linux route: build", flush=True)
    try:
        p = subprocess.run([SCRIPT, "build"], capture_output=True, text=True, timeout=3600)
        if p.returncode:
            return {"available": False,
                    "reason": "build exited %d: %s" % (p.returncode, _last_line(p.stderr + p.stdout))}
        print("bench: linux route: %d rounds beside the suite" % args.linux_rounds, flush=True)
        linux, suite = [], []
        for r in range(args.linux_rounds):
            for which in (("linux", "suite") if r % 2 == 0 else ("suite", "linux")):
                if which == "linux":
                    linux.append(_boot_seconds())
                else:
                    b = boots.run("kernel-q35", "suite", args.suite_args, boots.BENCH_DEVICES,
                                  timeout=args.timeout, tag="linux-route.suite")
                    if not b.ok("suite"):
                        raise RuntimeError("the suite beside it did not finish (exit %s)" % b.code)
                    suite.append(b.seconds)
    except (RuntimeError, ValueError, subprocess.SubprocessError, OSError) as e:
        return {"available": False, "reason": str(e)}
    l, s = stats.summary(linux), stats.summary(suite)
    return {"available": True, "linux": l, "suite": s, "ratio_linux_suite": stats.ratio(l["median"], s["median"]),
            "suite_path_median": kernel_path["kernels"]["suite"]["median"]}

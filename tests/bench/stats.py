"""Figures for the benchmark: min/median/max, ratios, a least-squares line,
and the text tables bench.py prints."""
import math
import statistics


def summary(times):
    if not times:
        return None
    return {"min": min(times), "median": statistics.median(times), "max": max(times),
            "n": len(times), "times": [round(t, 4) for t in times]}


def ratio(a, b):
    return a / b if a and b else None


def fit(xs, ys):
    """least squares y = slope * x + intercept; residual = RMS of the residuals"""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if not sxx:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    intercept = my - slope * mx
    rms = math.sqrt(sum((y - (slope * x + intercept)) ** 2 for x, y in zip(xs, ys)) / n)
    return {"slope": slope, "intercept": intercept, "residual_rms": rms}


def fmt(x, spec="%.3f"):
    return "-" if x is None else spec % x


def path_table(title, paths):
    """paths: {path: {"kernels": {kernel: summary}, "ratios": {...}}} -> lines"""
    lines = [title, "%-16s %-6s %8s %8s %8s %3s" % ("path", "kernel", "min s", "median s", "max s", "n")]
    for path, r in paths.items():
        for kernel, s in r["kernels"].items():
            if s:
                lines.append("%-16s %-6s %8.3f %8.3f %8.3f %3d" % (path, kernel, s["min"], s["median"],
                                                                s["max"], s["n"]))
            else:
                lines.append("%-16s %-6s %8s %8s %8s %3s" % (path, kernel, "-", "-", "-", "0"))
    lines.append("ratios of medians:")
    for path, r in paths.items():
        q = r["ratios"]
        lines.append("  %-16s suite/empty %s  suite/floor %s" % (path, fmt(q.get("suite/empty"), "%.2f"),
                                                               fmt(q.get("suite/floor"), "%.2f")))
    return lines

#!/usr/bin/python3
"""The LAVA stage's helper (tests/lava/check.sh): keeps the jobs and the local
device description in step, renders a job for lava-run, and compares what
LAVA recorded with the TAP the guest printed in the same boot.

  lavacheck.py agree DEVICE JOB...
      every job has the context the device description was rendered for, and
      the monitors of the first (the default suite's); one line saying so, or
      the first difference (exit 1)
  lavacheck.py render JOB ISO_URL CFG_URL OUT
      JOB with its @BARMOVE_ISO_URL@ and @BARMOVE_CFG_URL@ placeholders filled
      in, written to OUT; prints metadata.barmove_args (the barmove.cfg line)
  lavacheck.py compare LOG RESULT --expect KIND [--mutate all-pass|drop]
      LOG is lava-run's log (its stderr: one YAML mapping a line), RESULT the
      result.yaml it writes. The serial console LAVA logged ("target" and
      "feedback" lines) gives the TAP; the "results" lines give LAVA's cases.
      Exit 0 with one summary line when they agree and KIND holds, else 1
      with the reasons.

Runs under /usr/bin/python3: Debian's yaml and LAVA libraries are there.
"""
import argparse
import difflib
import re
import sys

import yaml

SUITE = "barmove"  # the monitors' name: LAVA's "definition" of their cases
LAVA_SUITE = "lava"  # LAVA's own results (job, validate, each action)
PLACEHOLDERS = ("@BARMOVE_ISO_URL@", "@BARMOVE_CFG_URL@")


def die(msg):
    print(msg)
    sys.exit(1)


def load_yaml(path):
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as exc:
        die("cannot read %s: %s" % (path, exc))


def monitors(job):
    tests = [a["test"] for a in job.get("actions", []) if "test" in a]
    return [m for t in tests for m in t.get("monitors", [])]


# --- agree ---------------------------------------------------------------------


def agree(args):
    device = load_yaml(args.device)
    qemu = device["actions"]["boot"]["methods"]["qemu"]["parameters"]
    options, extra = qemu.get("options", []), qemu.get("extra", [])
    first = None
    for path in args.jobs:
        job = load_yaml(path)
        name = path.rsplit("/", 1)[-1]
        ctx = job.get("context", {})
        if ctx.get("extra_options") != extra:
            die("%s: context.extra_options differs from the device's extra %s" % (name, args.device))
        if "-m %s" % ctx.get("memory") not in options:
            die("%s: memory %s, but the device has %s" % (name, ctx.get("memory"), options))
        if bool(ctx.get("no_kvm")) == ("-enable-kvm" in options):
            die("%s: no_kvm %s, but the device %s -enable-kvm"
                % (name, ctx.get("no_kvm"), "has" if "-enable-kvm" in options else "lacks"))
        if not isinstance(job.get("metadata", {}).get("barmove_args"), str):
            die("%s: no metadata.barmove_args (the barmove.cfg line)" % name)
        text = open(path, encoding="utf-8").read()
        for p in PLACEHOLDERS:
            if p not in text:
                die("%s: no %s placeholder" % (name, p))
        if first is None:
            first = (name, monitors(job))
            if len(first[1]) < 2:
                die("%s: expected the two monitors (points, then summary or running check)" % name)
        elif monitors(job) != first[1]:
            die("%s: its monitors differ from %s's" % (name, first[0]))
    print("%d jobs: the device's context (%d QEMU arguments, memory, no_kvm) and %s's monitors"
          % (len(args.jobs), len(extra), first[0]))


# --- render --------------------------------------------------------------------


def render(args):
    text = open(args.job, encoding="utf-8").read()
    for p, url in zip(PLACEHOLDERS, (args.iso_url, args.cfg_url)):
        if p not in text:
            die("%s: no %s placeholder" % (args.job, p))
        text = text.replace(p, url)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(yaml.safe_load(text)["metadata"]["barmove_args"])


# --- compare: the TAP side -----------------------------------------------------

POINT = re.compile(r"^(not )?ok\b(?: +(\d+))?(?: +- ?| +)?(.*)$")
SUMMARY = re.compile(r"^barmove: (\d+) passed, (\d+) failed, (\d+) skipped, (\d+) todo$")
RUNNING = re.compile(r"^# running (\d+) - (.*)$")


def lava_case_name(text):
    """LAVA 2023.01's test_case_id rule (actions/test/monitor.py)."""
    return re.sub(r"\W+", "_", text.strip().lower())


def tap_point(line):
    """(number, description, verdict) of a top-level TAP point, else None.
    The description ends at the first unescaped '#'; a SKIP or TODO directive
    (any case, as TAP 14 allows) decides the verdict, else ok / not ok."""
    m = POINT.match(line)
    if not m:
        return None
    rest, directive = m.group(3), ""
    hit = re.search(r"(?<!\\)#", rest)
    if hit:
        rest, directive = rest[: hit.start()], rest[hit.end():].strip()
    word = directive.split(" ", 1)[0].upper()
    if word.startswith("SKIP"):
        verdict = "skip"
    elif word.startswith("TODO"):
        verdict = "unknown"
    else:
        verdict = "fail" if m.group(1) else "pass"
    return int(m.group(2) or 0), rest.strip(), verdict


class Tap:
    def __init__(self, lines):
        self.points, self.summary, self.running, self.bailed = [], None, None, False
        try:
            start = lines.index("TAP version 14")
        except ValueError:
            start = None
        self.started = start is not None
        last_running = None
        for line in lines[start + 1:] if self.started else []:
            point = tap_point(line)
            if point:
                self.points.append(point)
            elif SUMMARY.match(line):
                self.summary = tuple(int(x) for x in SUMMARY.match(line).groups())
            elif RUNNING.match(line):
                m = RUNNING.match(line)
                last_running = (int(m.group(1)), m.group(2))
            elif line.startswith("Bail out!"):
                self.bailed = True
        # a check that started and never reported its point: a hang or a crash
        if last_running and self.summary is None and not any(p[0] == last_running[0] for p in self.points):
            self.running = last_running

    def expected(self):
        """The cases LAVA should hold, in order: (case, test_case_id, result, why)."""
        cases = [(lava_case_name(d), d, v, "point %d" % n) for n, d, v in self.points]
        if self.summary is not None:
            cases.append(("barmove", "barmove", "pass" if self.summary[1] == 0 else "fail", "the summary"))
        if self.running is not None:
            n, d = self.running
            cases.append((lava_case_name(d), d, "fail", "check %d, running when the points stopped" % n))
        return cases


# --- compare: the LAVA side ----------------------------------------------------


def read_log(path):
    """lava-run's log: (serial lines, barmove cases, lava cases, other suites)."""
    serial, cases, lava, other = [], [], {}, []
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError as exc:
        die("cannot read %s: %s" % (path, exc))
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for number, line in enumerate(lines, 1):
        try:
            rec = yaml.load(line, Loader=loader)
        except yaml.YAMLError:
            die("%s:%d: not a lava-run log line: %.80s" % (path, number, line))
        if not isinstance(rec, dict):
            continue
        msg = rec.get("msg")
        if rec.get("lvl") in ("target", "feedback"):
            # the serial console: "target" while an action reads it,
            # "feedback" for what finalize reads after the last one (the rest
            # of a line the monitors matched early, e.g. "Bail out! ..."). LAVA
            # escapes '"' in them; a line too long to log arrives as a mapping
            # and can then match no TAP point.
            serial.append(msg.replace('\\"', '"') if isinstance(msg, str) else "<%r>" % (msg,))
        elif rec.get("lvl") == "results" and isinstance(msg, dict):
            if msg.get("definition") == SUITE:
                tid = (msg.get("extra") or {}).get("test_case_id")
                cases.append((msg.get("case"), tid, msg.get("result")))
            elif msg.get("definition") == LAVA_SUITE:
                lava[msg.get("case")] = msg.get("result")
            else:
                other.append(msg)
    return serial, cases, lava, other


def compare_cases(expected, actual):
    """Problems, as lines: every TAP point must be one case, same name, same
    id, same result, in order; nothing more."""
    problems = []
    exp_names = [e[0] for e in expected]
    act_names = [a[0] for a in actual]
    matcher = difflib.SequenceMatcher(a=exp_names, b=act_names, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for e, a in zip(expected[i1:i2], actual[j1:j2]):
                if a[1] != e[1]:
                    problems.append("%s: LAVA's test_case_id is %r, the TAP says %r" % (e[3], a[1], e[1]))
                if a[2] != e[2]:
                    problems.append("%s (%s): the serial log says %s, LAVA says %s" % (e[3], e[0], e[2], a[2]))
            continue
        for e in expected[i1:i2]:
            problems.append("%s (%s, %s): no such LAVA case" % (e[3], e[0], e[2]))
        for a in actual[j1:j2]:
            problems.append("LAVA case %s (%s) is no TAP point, summary or running check" % (a[0], a[2]))
    return problems


def expectation_problems(kind, tap, lava):
    """What the job is for (tests/lava/check.sh names each job's KIND)."""
    p = []
    verdicts = sorted(v for _, _, v in tap.points)
    if lava.get("job") != "pass":
        p.append("LAVA's job result is %s, not pass" % lava.get("job"))
    if kind in ("pass", "verdicts") and lava.get("lava-test-monitor") != "pass":
        p.append("LAVA's lava-test-monitor result is %s, not pass" % lava.get("lava-test-monitor"))
    if kind == "pass":
        if not tap.points:
            p.append("no TAP points")
        if tap.summary is None or tap.summary[1] != 0:
            p.append("the summary is %s, not one with 0 failed" % (tap.summary,))
    elif kind == "verdicts":
        if verdicts != ["fail", "pass", "skip", "unknown"]:
            p.append("the guest's points are %s, not one pass, fail, skip and TODO" % verdicts)
    elif kind.startswith(("hang:", "bail:")):
        what, check = kind.split(":", 1)
        if tap.summary is not None:
            p.append("the guest printed its summary")
        if tap.running is None or tap.running[1] != check:
            p.append("the check running when the points stopped is %s, not %s" % (tap.running, check))
        if tap.bailed != (what == "bail"):
            p.append("the log %s a Bail out!" % ("has" if tap.bailed else "lacks"))
        # hang: the points monitor waited the boot timeout out
        monitor = "fail" if what == "hang" else "pass"
        if lava.get("lava-test-monitor") != monitor:
            p.append("LAVA's lava-test-monitor result is %s, not %s" % (lava.get("lava-test-monitor"), monitor))
    else:
        p.append("unknown expectation %r" % kind)
    return p


def mutate(cases, how):
    """Negative controls: what a broken monitor would have recorded."""
    if how == "all-pass":  # a monitor that reports every point as a pass
        return [(c, t, "pass") for c, t, _ in cases]
    if how == "drop":  # a monitor that lost a point
        return cases[: len(cases) // 2] + cases[len(cases) // 2 + 1:]
    return cases


def compare(args):
    serial, cases, lava, other = read_log(args.log)
    result = load_yaml(args.result) or {}
    tap = Tap(serial)
    if args.serial_out:
        with open(args.serial_out, "w", encoding="utf-8") as f:
            f.write("\n".join(serial) + "\n")
    if args.cases_out:
        with open(args.cases_out, "w", encoding="utf-8") as f:
            f.writelines("%s %s\n" % (c, r) for c, _, r in cases)
    cases = mutate(cases, args.mutate)
    problems = []
    if not tap.started:
        problems.append("the serial log LAVA captured has no 'TAP version 14'")
    if result.get("result") != lava.get("job"):
        problems.append("result.yaml says %s, the log's job case %s" % (result.get("result"), lava.get("job")))
    problems += ["a case in an unexpected suite: %r" % m for m in other]
    problems += compare_cases(tap.expected(), cases)
    problems += expectation_problems(args.expect, tap, lava)
    if problems:
        for line in problems[:20]:
            print("    " + line)
        if len(problems) > 20:
            print("    ... %d more" % (len(problems) - 20))
        print("%d problem%s" % (len(problems), "" if len(problems) == 1 else "s"))
        return 1
    counts = {}
    for _, _, r in cases:
        counts[r] = counts.get(r, 0) + 1
    extra = [c for c in tap.expected()[len(tap.points):]]
    print("%d cases = %d TAP points%s, each with the serial log's verdict (%s); lava-test-monitor %s, job %s"
          % (len(cases), len(tap.points),
             "".join(" + %s %s %s" % (e[3].split(",")[0], e[0], e[2]) for e in extra),
             ", ".join("%d %s" % (n, r) for r, n in sorted(counts.items())),
             lava.get("lava-test-monitor"), lava.get("job")))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("agree")
    a.add_argument("device")
    a.add_argument("jobs", nargs="+")
    r = sub.add_parser("render")
    r.add_argument("job")
    r.add_argument("iso_url")
    r.add_argument("cfg_url")
    r.add_argument("out")
    c = sub.add_parser("compare")
    c.add_argument("log")
    c.add_argument("result")
    c.add_argument("--expect", required=True, help="pass | verdicts | hang:CHECK | bail:CHECK")
    c.add_argument("--mutate", choices=("all-pass", "drop"))
    c.add_argument("--serial-out", help="write the serial lines LAVA logged here")
    c.add_argument("--cases-out", help="write LAVA's barmove cases here, 'CASE RESULT' a line")
    args = ap.parse_args()
    if args.cmd == "agree":
        agree(args)
    elif args.cmd == "render":
        render(args)
    else:
        sys.exit(compare(args))


if __name__ == "__main__":
    main()

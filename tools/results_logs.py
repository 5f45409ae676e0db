"""results_logs.py: what tools/results_page.py reads (issue 10): the serial
logs of a matrix run (TAP points, YAML diagnostics, the header's hypervisor,
the verdict barmove-logcheck gives), tests/matrix/matrix.cfg's groups, and
the class rows of docs/BUGS.md and kernel/classes.c. No HTML here."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POINT = re.compile(r"^(not )?ok (\d+) - (.*?)(?: # (SKIP|TODO)\b ?(.*))?$", re.I)
PER_BAR = re.compile(r"^((?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] BAR\d+) (\S.*)$")
SUMMARY = re.compile(r"^barmove: (\d+) passed, (\d+) failed, (\d+) skipped, (\d+) todo$")
KEYVAL = re.compile(r'([A-Za-z0-9_-]+)=("[^"]*"|\S+)')
CLASS_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CLASS_KEYS = ("class", "later_class")
HV_NAMES = {"TCGTCGTCGTCG": "QEMU TCG", "KVMKVMKVM": "KVM", "Microsoft_Hv": "Hyper-V",
            "XenVMMXenVMM": "Xen", "VMwareVMware": "VMware", "bhyve_bhyve_": "bhyve",
            "ACRNACRNACRN": "ACRN", "none": "no hypervisor CPUID leaf"}
STATE_TEXT = {"ok": "ok", "fail": "not ok", "todo": "TODO", "skip": "skip", "died": "died",
              "none": ""}


class Point:
    def __init__(self, number, state, desc, reason):
        self.number, self.state, self.desc, self.reason = number, state, desc, reason
        self.yaml = []     # (key, value) pairs of the YAML block
        self.latency = []  # "# latency ..." lines printed while the point ran

    def classes(self, key):
        return [c.strip() for k, v in self.yaml if k == key for c in v.split(",") if c.strip()]


class Run:
    """One configuration: its log, read; its verdict; its points by description."""

    def __init__(self, name, path):
        self.name, self.path = name, path
        self.runner, self.header, self.hv = {}, "", ""
        self.points, self.order, self.times = {}, [], []
        self.started, self.summary, self.bail = False, None, None
        self.running, self.step = None, None
        self.result, self.verdict, self.detail, self.seconds = "", "", "", ""
        self.groups = None  # of matrix.cfg; None for a log that is not a configuration there

    def add(self, point):
        key, n = point.desc, 2
        while key in self.points:  # the same description twice: a row each
            key, n = "%s (%d)" % (point.desc, n), n + 1
        point.desc = key
        self.points[key] = point
        self.order.append(key)

    def emulator(self):
        return self.runner.get("emulator") or HV_NAMES.get(self.hv, self.hv) or "unknown"


def read_log(name, path):
    run, point, yaml = Run(name, path), None, False
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not run.started:
                if line.startswith("# runner: "):
                    run.runner = {k: v.strip('"') for k, v in KEYVAL.findall(line)}
                run.started = line.rstrip().endswith("TAP version 14")
            elif yaml:
                yaml = line != "  ..."
                if yaml and ":" in line:
                    key, _, value = line.strip().partition(":")
                    point.yaml.append((key, value.strip()))
            elif point and line == "  ---":
                yaml = True
            else:
                point = read_line(run, line)
    if run.running and run.summary is None:
        died = Point(run.running[0], "died", run.running[1], None)
        died.yaml = [("died", "the log ends while this check runs, with no verdict for it")]
        died.yaml += [("last step", run.step)] if run.step else []
        died.yaml += [("bail out", run.bail)] if run.bail else []
        died.latency = run.running[2]
        run.add(died)
    return run


def read_line(run, line):
    """one TAP line after the version line; returns the point it reports, if any"""
    m = POINT.match(line)
    if m:
        state = ("todo" if m.group(4).upper() == "TODO" else "skip") if m.group(4) else "ok"
        state = "fail" if m.group(1) and state == "ok" else state
        point = Point(int(m.group(2)), state, m.group(3).rstrip(), m.group(5))
        if run.running and run.running[0] == point.number:
            point.latency = run.running[2]
        run.running = None
        run.add(point)
        return point
    if line.startswith("# running "):
        number, _, desc = line[len("# running "):].partition(" - ")
        run.running, run.step = (int(number) if number.isdigit() else 0, desc, []), None
    elif line.startswith("# step "):
        run.step = line[len("# step "):]
    elif line.startswith("# latency ") and run.running:
        run.running[2].append(line[len("# latency "):])
    elif line.startswith("# barmove "):
        run.header = line[2:]
        run.hv = dict(KEYVAL.findall(line)).get("hv", "")
    elif line.startswith("# time"):
        run.times.append(line[2:])
    elif line.startswith("Bail out!"):
        run.bail = line[len("Bail out!"):].strip() or "(no reason)"
    elif SUMMARY.match(line):
        run.summary = tuple(int(x) for x in SUMMARY.match(line).groups())
    return None


# --- sources and verdicts -------------------------------------------------------

def judge(run, logcheck):
    """the verdict barmove-logcheck gives (one judge for the page and make check)"""
    if not logcheck or not os.access(logcheck, os.X_OK):
        raise OSError("%s is not built: run make tools" % logcheck)
    out = subprocess.run([logcheck, "--suite", run.name, run.path], capture_output=True,
                         text=True, errors="replace").stdout.strip()
    parts = out.split(": ", 2)
    if len(parts) != 3 or parts[0] != run.name:
        raise OSError("%s said nothing usable about %s: %r" % (logcheck, run.path, out[:200]))
    run.verdict = parts[1]
    run.detail = parts[2].partition("; ")[2]


def read_directory(path, logcheck):
    """(runs, skipped): the configurations of DIR/matrix.results, or its TAP logs"""
    results = os.path.join(path, "matrix.results")
    if not os.path.exists(results):
        logs = [os.path.join(path, f) for f in sorted(os.listdir(path)) if f.endswith(".log")]
        return [read_file(log, logcheck) for log in logs if has_tap(log)], []
    runs, skipped = [], []
    with open(results) as f:
        for fields in (line.split() for line in f):
            if len(fields) < 3:
                continue
            log = os.path.join(path, fields[0] + ".log")
            if fields[1] == "skip":
                skipped.append(fields)
                continue
            run = read_log(fields[0], log) if os.path.exists(log) else Run(fields[0], log)
            run.result, run.verdict = fields[1], fields[2]
            run.detail = "" if os.path.exists(log) else "no %s" % log
            run.seconds = fields[3] if len(fields) > 3 else ""
            runs.append(run)
    return runs, skipped


def has_tap(path):
    with open(path, errors="replace") as f:
        return any(line.rstrip().endswith("TAP version 14") for line in f)


def read_file(path, logcheck):
    name = os.path.basename(path)
    run = read_log(name[:-4] if name.endswith(".log") else name, path)
    judge(run, logcheck)
    return run


def read_groups(path):
    """{configuration: [group]} from matrix.cfg ({} when it is not there)"""
    groups, name = {}, None
    if os.path.exists(path):
        for line in open(path):
            line = line.strip()
            if line.startswith("[") and line.endswith("]"):
                name = line[1:-1]
                groups[name] = []
            elif name and re.match(r"groups\s*=", line):
                groups[name] = line.partition("=")[2].split()
    return groups


def column_order(run):
    """conformance runs, then logs from elsewhere, then the matrix's other groups"""
    return 0 if "default" in (run.groups or ()) else 1 if run.groups is None else 2


# --- bug classes ------------------------------------------------------------------

def split_row(line):
    """the cells of a Markdown table row; "\\|" is a '|' inside a cell"""
    cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [c.strip().replace("\\|", "|") for c in cells]


def read_bugs(path):
    """{class id: (section, [(column, text)], line number)} from BUGS.md's tables"""
    classes, section, columns = {}, "", []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if line.startswith("## "):
                section, columns = line[3:].strip(), []
            elif line.startswith("|") and not re.match(r"^\|[-| ]+\|$", line.strip()):
                cells = split_row(line)
                m = re.fullmatch(r"`([a-z0-9-]+)`", cells[0])
                if not m:
                    columns = cells
                elif columns:
                    classes[m.group(1)] = (section, list(zip(columns[1:], cells[1:])), number)
    return classes


def read_class_table(path):
    """{class id: (catalogue letter, description, evidence)} from kernel/classes.c"""
    text = open(path).read()
    strings = r'((?:"(?:[^"\\]|\\.)*"\s*)+)'
    entry = re.compile(r'\{\s*"([a-z0-9-]+)",\s*\'([A-Z])\',\s*' + strings + r",\s*" + strings + r"\}")
    join = lambda s: "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', s))
    return {m.group(1): (m.group(2), join(m.group(3)), join(m.group(4))) for m in entry.finditer(text)}


# --- HTML -----------------------------------------------------------------------

#!/usr/bin/env python3
"""results_page.py: the serial logs of a matrix run as one static HTML page
(issue 10): checks down, configurations across, every failure with its bug
class (linked to that class's row, taken from docs/BUGS.md), its YAML
diagnostics and latency figures. Inline CSS, no script, no external asset.

  tools/results_page.py -o OUT.html [--bugs FILE] [--classes-c FILE] [--matrix FILE]
                        [--logcheck PATH] [--title TEXT] SOURCE...

A SOURCE is a directory or one serial log. A directory with a matrix.results
(tests/matrix/run) gives its configurations in that order with their
verdicts (one that was skipped is listed, without a column); without it, its
*.log files that hold a TAP stream. A log given by name (e.g. one from
another hypervisor) is a column named after its file, judged by
barmove-logcheck (build/barmove-logcheck; or from its own summary line
when that is not built). Columns: the conformance configurations first (group
"default" of tests/matrix/matrix.cfg: QEMU and Bochs side by side), then logs
given by name, then the other groups (negative controls, ground truth, ...).
Exit 0, or 2 on a usage or input error."""
import argparse
import html
import os
import re
import subprocess
import sys
import time

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

def own_verdict(run):
    """what barmove-logcheck would say, roughly, when it is not built"""
    if not run.started:
        return "empty"
    if run.bail:
        return "bail"
    if run.summary is None:
        return "truncated"
    passed, failed, _, todo = run.summary
    return "fail" if failed else "pass" if passed or todo else "nothing"


def judge(run, logcheck):
    if logcheck and os.access(logcheck, os.X_OK):
        out = subprocess.run([logcheck, "--suite", run.name, run.path], capture_output=True,
                             text=True, errors="replace").stdout.strip()
        parts = out.split(": ", 2)
        if len(parts) == 3 and parts[0] == run.name:
            run.verdict = parts[1]
            run.detail = parts[2].partition("; ")[2]
            return
    run.verdict = own_verdict(run)
    run.detail = "judged from the log's own summary line (barmove-logcheck is not built)"


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

E = html.escape
CSS = """
body{font:13px/1.35 "DejaVu Sans","Liberation Sans",sans-serif;margin:12px;color:#111}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:18px 0 6px;display:inline-block}
p{margin:4px 0;max-width:1100px} code{font-size:12px}
table{border-collapse:separate;border-spacing:0}
th,td{border-right:1px solid #ccc;border-bottom:1px solid #ccc;padding:2px 4px;vertical-align:top}
table.matrix thead th{position:sticky;top:0;background:#f2f2f2;z-index:2;vertical-align:bottom;
 font-weight:normal;font-size:11px;text-align:left;padding:3px 2px}
table.matrix thead th.g0{background:#dde8f8} table.matrix thead th.g1{background:#fbf1c8}
.vert{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;display:inline-block}
.vert b{font-size:12px}
table.matrix tbody th{position:sticky;left:0;background:#fff;text-align:left;white-space:nowrap;
 font-weight:normal;z-index:1;font-family:"DejaVu Sans Mono",monospace;font-size:12px}
table.matrix tr.check th{background:#e4e8f0;font-weight:bold;font-family:inherit}
td{font-size:11px;min-width:22px}
td.ok{background:#d6f0d6} td.fail{background:#f6b8b8} td.todo{background:#fbe3a6}
td.skip{background:#ececec;color:#777} td.died{background:#d9b8ef} td.none{background:#fff}
td[data-classes]{min-width:17em} .sum{display:inline-block;max-width:22em;vertical-align:top}
details>summary{cursor:pointer} td details[open]>dl{width:36em}
td a{color:#003a9e} .cls{white-space:nowrap;margin-right:5px}
dl.yaml{margin:3px 0;display:grid;grid-template-columns:max-content auto;gap:1px 8px}
dl.yaml dt{font-weight:bold}
dl.yaml dd{margin:0;font-family:"DejaVu Sans Mono",monospace;overflow-wrap:anywhere}
.lat{color:#7a3b00;font-weight:bold}
.v{display:inline-block;padding:0 3px;border-radius:3px;font-weight:bold}
.v-pass{background:#8fd18f} .v-fail{background:#f08080} .v-nothing{background:#ccc}
.v-bail,.v-timeout,.v-truncated,.v-empty,.v-error{background:#c99be8}
table.list th{background:#f2f2f2;text-align:left} table.list td{font-size:12px;max-width:60em}
td.lines{font:11px "DejaVu Sans Mono",monospace;max-width:110em}
tr.notbugs td{background:#fff3d0} table.legend{margin:4px 0} table.legend td{font-size:12px;border:0}
"""


def link_classes(value):
    out = []
    for c in (x.strip() for x in value.split(",")):
        if CLASS_ID.match(c):
            out.append('<a class="cls" href="#class-%s">%s</a>' % (c, c))
        elif c:
            out.append('<span class="cls">%s (not a class id)</span>' % E(c))
    return " ".join(out)


def yaml_list(point):
    items = []
    for key, value in point.yaml:
        text = link_classes(value) if key in CLASS_KEYS else E(value)
        lat = ' class="lat"' if key.startswith("latency") else ""
        items.append("<dt%s>%s</dt><dd%s>%s</dd>" % (lat, E(key), lat, text))
    for line in point.latency:
        items.append('<dt class="lat">latency</dt><dd class="lat">%s</dd>' % E(line))
    if point.reason:
        items.insert(0, "<dt>reason</dt><dd>%s</dd>" % E(point.reason))
    return '<dl class="yaml">%s</dl>' % "".join(items) if items else ""


def cell(run, desc):
    point = run.points.get(desc)
    state = point.state if point else "none"
    attrs = 'class="%s" data-config="%s" data-state="%s"' % (state, E(run.name), state)
    if not point:
        return "<td %s></td>" % attrs
    title = E("%s %d - %s" % (STATE_TEXT[state], point.number, point.desc), quote=True)
    if state == "skip":
        return '<td %s title="%s: %s">skip</td>' % (attrs, title, E(point.reason or "", quote=True))
    classes = point.classes("class")
    if classes:
        attrs += ' data-classes="%s"' % E(" ".join(classes), quote=True)
    body = yaml_list(point)
    if not body:
        return '<td %s title="%s">%s</td>' % (attrs, title, STATE_TEXT[state])
    head = STATE_TEXT[state]
    if classes:
        head += ' <span class="sum">%s</span>' % link_classes(", ".join(classes))
    return '<td %s><details><summary title="%s">%s</summary>%s</details></td>' % (attrs, title, head, body)


def column_header(run):
    counts = run.summary or tuple(sum(1 for p in run.points.values() if p.state == s)
                                  for s in ("ok", "fail", "skip", "todo"))
    where = "log given by name" if run.groups is None else "%s, %s" % (
        " ".join(run.groups) or "no group", "as expected" if run.result == "ok" else "NOT AS EXPECTED")
    text = "<b>%s</b><br>%s %s<br>%d ok %d fail %d skip %d todo<br>%s" % (
        E(run.name), E(run.emulator()), E(run.hv), *counts, E(where))
    return ('<th class="g%d" data-config="%s" data-emulator="%s" data-verdict="%s"><a href="#config-%s">'
            '<span class="vert">%s</span></a><br><span class="v v-%s">%s</span></th>'
            % (column_order(run), E(run.name), E(run.emulator()), E(run.verdict), E(run.name), text,
               E(run.verdict), E(run.verdict)))


def row_key(desc):
    m = PER_BAR.match(desc)
    return (m.group(2), m.group(1)) if m else (desc, "")


def matrix(runs, descs, table_id):
    """one table: a heading row per check, then a row per point (device and BAR)"""
    checks, groups = [], {}
    for desc in descs:
        check, device = row_key(desc)
        if check not in groups:
            checks.append(check)
            groups[check] = []
        groups[check].append((device, desc))
    out = ['<table class="matrix" id="%s"><thead><tr><th>check / device</th>%s</tr></thead><tbody>'
           % (table_id, "".join(column_header(r) for r in runs))]
    for check in checks:
        rows = sorted(groups[check])
        if rows != [("", check)]:
            out.append('<tr class="check"><th>%s</th>%s</tr>' % (E(check), "<td></td>" * len(runs)))
        for device, desc in rows:
            out.append('<tr data-point="%s"><th title="%s">%s</th>%s</tr>' % (
                E(desc, quote=True), E(desc, quote=True), E(device or desc),
                "".join(cell(r, desc) for r in runs)))
    out.append("</tbody></table>")
    return "\n".join(out)


def configurations(runs, skipped):
    out = ['<table class="list"><tr><th>configuration</th><th>emulator</th><th>verdict</th>'
           '<th>as expected</th><th>seconds</th><th>header and runner lines</th></tr>']
    for r in runs:
        lines = [r.header or "(no # barmove header line)"] + r.times
        if r.runner:
            lines.append("runner: " + " ".join("%s=%s" % kv for kv in r.runner.items()))
        out.append('<tr id="config-%s"><td>%s</td><td>%s</td><td><span class="v v-%s">%s</span> %s</td>'
                   "<td>%s</td><td>%s</td><td class=\"lines\">%s</td></tr>" % (
                       E(r.name), E(r.name), E(r.emulator()), E(r.verdict), E(r.verdict), E(r.detail),
                       E(r.result or "(a log given by name)"), E(r.seconds), "<br>".join(map(E, lines))))
    for fields in skipped:
        out.append("<tr><td>%s</td><td></td><td>%s</td><td>skipped here: no column</td><td></td>"
                   "<td></td></tr>" % (E(fields[0]), E(fields[2])))
    return "\n".join(out) + "</table>"


def markdown(text):
    """a BUGS.md cell as HTML: escaped, `code` spans kept"""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", E(text, quote=False))


def class_text(name, bugs, table):
    """(row class, section cell, text cell) of one class"""
    if name in bugs:
        section, cells, line = bugs[name]
        text = "<br>".join("<b>%s</b>: %s" % (E(k), markdown(v)) for k, v in cells)
        return "", E(section), "%s<br><i>docs/BUGS.md line %d</i>" % (text, line)
    unknown = ("?", "unknown: in neither docs/BUGS.md nor kernel/classes.c", "-")
    letter, desc, evidence = table.get(name, unknown)
    return (' class="notbugs"', "not in BUGS.md (listed under %s in kernel/classes.c)" % E(letter),
            "%s<br><b>seen in</b>: %s<br><i>kernel/classes.c</i>" % (E(desc), E(evidence)))


def class_rows(named, bugs, table):
    """one row per class a cell names: the catalogue's row, and where it was named"""
    out = ['<table class="list"><tr><th>class</th><th>BUGS.md section</th><th>the class</th>'
           "<th>named by (configuration: points)</th></tr>"]
    for name in sorted(named):
        kind, section, text = class_text(name, bugs, table)
        where = ", ".join('<a href="#config-%s">%s</a>: %d' % (E(c), E(c), n)
                          for c, n in named[name].items())
        out.append('<tr id="class-%s"%s><td><code>%s</code></td><td>%s</td><td>%s</td><td>%s</td></tr>'
                   % (name, kind, name, section, text, where))
    return "\n".join(out) + "</table>"


def page(runs, skipped, bugs, table, title, sources):
    descs, failing, named = {}, set(), {}  # descs: a dict keeps the order of first appearance
    for r in runs:
        for d in r.order:
            descs[d] = True
            failing.update([d] if r.points[d].state in ("fail", "todo", "died") else [])
            for c in {c for key in CLASS_KEYS for c in r.points[d].classes(key) if CLASS_ID.match(c)}:
                named.setdefault(c, {}).setdefault(r.name, 0)
                named[c][r.name] += 1
    bad = [d for d in descs if d in failing]
    good = [d for d in descs if d not in failing]
    emulators = sorted({r.emulator() for r in runs})
    return "\n".join([
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%s</title>' % E(title),
        "<style>%s</style></head><body>" % CSS,
        "<h1>%s</h1>" % E(title),
        "<p>%d configurations (%s), %d distinct test points, from %s. Rows: test points (a per-BAR check "
        "is a row per device and BAR under its check's name); columns: configurations, with the emulator "
        "or hypervisor, the counts and the verdict. Open a failing cell for its diagnostics; its class "
        'links to the <a href="#classes">bug classes</a>.</p>'
        % (len(runs), E(", ".join(emulators)), len(descs), E(sources)),
        '<table class="legend"><tr><td class="ok">ok</td><td class="fail">not ok</td><td class="todo">'
        'TODO (a failure the run tolerates: strict check, or a vendor profile)</td><td class="skip">skip</td>'
        '<td class="died">died: the log ends while the check runs</td><td>blank: not in that run</td>'
        "</tr></table>",
        '<h2 id="failing">Checks that fail somewhere (%d)</h2>' % len(bad),
        matrix(runs, bad, "matrix-failing"),
        '<details><summary><h2 id="passing">Checks that pass or skip everywhere (%d)</h2></summary>'
        % len(good),
        matrix(runs, good, "matrix-passing"), "</details>",
        '<h2 id="configurations">Configurations</h2>', configurations(runs, skipped),
        '<h2 id="classes">Bug classes named above (%d)</h2>' % len(named),
        "<p>Each row is the class's row of the team's catalogue (docs/BUGS.md); a class barmove found that "
        "the catalogue lacks is shown from kernel/classes.c, marked \"not in BUGS.md\".</p>",
        class_rows(named, bugs, table), "</body></html>", ""])


def describe(sources):
    """the sources, a matrix run with the time of its results"""
    out = []
    for s in sources:
        results = os.path.join(s, "matrix.results")
        when = os.path.exists(results) and time.strftime(
            " (matrix.results of %Y-%m-%d %H:%M UTC)", time.gmtime(os.path.getmtime(results)))
        out.append(s + (when or ""))
    return ", ".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--bugs", default=os.path.join(ROOT, "docs", "BUGS.md"))
    ap.add_argument("--classes-c", default=os.path.join(ROOT, "kernel", "classes.c"))
    ap.add_argument("--matrix", default=os.path.join(ROOT, "tests", "matrix", "matrix.cfg"))
    ap.add_argument("--logcheck", default=os.path.join(ROOT, "build", "barmove-logcheck"))
    ap.add_argument("--title", default="barmove results")
    ap.add_argument("sources", nargs="+", metavar="SOURCE")
    args = ap.parse_args()
    runs, skipped = [], []
    try:
        for source in args.sources:
            if os.path.isdir(source):
                r, s = read_directory(source, args.logcheck)
                runs, skipped = runs + r, skipped + s
            else:
                runs.append(read_file(source, args.logcheck))
        bugs, table = read_bugs(args.bugs), read_class_table(args.classes_c)
        groups = read_groups(args.matrix)
    except OSError as e:
        print("results_page: %s" % e, file=sys.stderr)
        return 2
    names = [r.name for r in runs]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup or not runs:
        why = "two logs named %s" % ", ".join(dup) if dup else "no logs"
        print("results_page: %s" % why, file=sys.stderr)
        return 2
    for r in runs:
        r.groups = groups.get(r.name) if r.result else None
    runs.sort(key=column_order)
    text = page(runs, skipped, bugs, table, args.title, describe(args.sources))
    with open(args.output + ".tmp", "w") as f:
        f.write(text)
    os.replace(args.output + ".tmp", args.output)
    print("results_page: %s: %d configurations, %d bytes" % (args.output, len(runs), len(text)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

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
barmove-logcheck (build/barmove-logcheck: make tools). Columns: the conformance configurations first (group
"default" of tests/matrix/matrix.cfg: QEMU and Bochs side by side), then logs
given by name, then the other groups (negative controls, ground truth, ...).
Reading the logs is tools/results_logs.py; this file writes the page.
Exit 0, or 2 on a usage or input error."""
import argparse
import html
import os
import re
import sys
import time

from results_logs import (CLASS_ID, CLASS_KEYS, PER_BAR, ROOT, STATE_TEXT, column_order, read_bugs,
                          read_class_table, read_directory, read_file, read_groups)

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

#!/usr/bin/env python3
"""check_dom.py DOM SOURCE...: asserts on the results page as a browser
rendered it (the DOM Chromium's --dump-dom printed), against the logs it was
made from. A SOURCE is a log directory (its matrix.results: every
configuration that ran) or one log (a column named after its file).

The logs are read here again, independently of tools/results_page.py, with
nothing but the TAP grammar (kernel/tap.h): a point's state and its YAML
"class:" line. One "ok"/"not ok" line per configuration (its column is
there, with its emulator; every point has its cell in the right state; every
failing cell carries each class of its YAML "class:" line, and links each
class of "class:" and "later_class:" to an existing #class-ID row that names
the class and its docs/BUGS.md line, or says it is not in BUGS.md), then one
for the page as a whole (QEMU and Bochs columns that tested something, no
column without a log, the same columns in both tables). Exit 0 when all hold,
1 when one does not, 2 on unreadable input.

  check_dom.py --png FILE WIDTH HEIGHT: the screenshot is a PNG of that size
  with something drawn on it (not one flat colour)."""
import os
import re
import struct
import sys
import zlib
from html.parser import HTMLParser

POINT = re.compile(r"^(not )?ok (\d+) - (.*?)(?: # (SKIP|TODO)\b.*)?$", re.I)
STATES = {("", ""): "ok", ("", "SKIP"): "skip", ("not ", ""): "fail", ("not ", "TODO"): "todo"}
TABLES = ("matrix-failing", "matrix-passing")
BUGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "BUGS.md")


def bugs_lines():
    """{class id: line number of its row in docs/BUGS.md}"""
    row = re.compile(r"^\| `([a-z0-9-]+)` \|")
    with open(BUGS) as f:
        return {m.group(1): n for n, m in enumerate(map(row.match, f), 1) if m}


class Dom(HTMLParser):
    """columns per matrix table, cells by (point, config), ids and the text of class rows"""

    def __init__(self):
        super().__init__()
        self.columns = {t: [] for t in TABLES}
        self.emulator, self.cells, self.ids, self.class_text = {}, {}, set(), {}
        self.table = self.point = self.cell = self.class_row = None
        self.bugs = bugs_lines()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "table":
            self.table = a.get("id")
        elif tag == "tr":
            self.point = a.get("data-point")
            if a.get("id", "").startswith("class-"):
                self.class_row = a["id"]
                self.class_text[self.class_row] = ""
        elif tag == "th" and "data-config" in a and self.table in self.columns:
            self.columns[self.table].append(a["data-config"])
            self.emulator[a["data-config"]] = a.get("data-emulator", "")
        elif tag == "td" and self.point is not None and "data-config" in a:
            self.cell = {"table": self.table, "state": a.get("data-state"), "hrefs": set(),
                         "classes": set((a.get("data-classes") or "").split())}
            self.cells.setdefault((self.point, a["data-config"]), []).append(self.cell)
        elif tag == "a" and self.cell is not None:
            self.cell["hrefs"].add(a.get("href", ""))

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None
        elif tag == "tr":
            self.point = self.class_row = None

    def handle_data(self, data):
        if self.class_row:
            self.class_text[self.class_row] += data


def read_points(path):
    """[(desc, state, [(key, class)])] of one log, key "class" or "later_class"; a
    description seen twice gets " (2)" as on the page; the check a log that ends
    early was running is one more, in state died"""
    points, started, seen, running, complete = [], False, set(), None, False
    if not os.path.exists(path):  # the runner wrote none: a column still, with no cells
        return []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not started:
                started = line.rstrip().endswith("TAP version 14")
                continue
            m = POINT.match(line)
            if m:
                desc, n, running = m.group(3).rstrip(), 2, None
                while desc in seen:
                    desc, n = "%s (%d)" % (m.group(3).rstrip(), n), n + 1
                seen.add(desc)
                points.append((desc, STATES.get(((m.group(1) or ""), (m.group(4) or "").upper()), "?"), []))
            elif points and re.match(r"^  (later_)?class: ", line):
                key, _, value = line.strip().partition(": ")
                points[-1][2].extend((key, c.strip()) for c in value.split(",") if c.strip())
            elif line.startswith("# running "):
                running = line.partition(" - ")[2]
            complete = complete or line.startswith("barmove: ")
    return points + ([(running, "died", [])] if running and not complete else [])


def runner_emulator(path):
    if not os.path.exists(path):
        return None
    with open(path, errors="replace") as f:
        m = re.search(r"^# runner: .*?\bemulator=(\S+)", f.read(4096), re.M)
    return m.group(1) if m else None


def configurations(sources):
    """[(name, log path)] of every configuration that ran"""
    out = []
    for source in sources:
        if not os.path.isdir(source):
            out.append((re.sub(r"\.log$", "", os.path.basename(source)), source))
            continue
        with open(os.path.join(source, "matrix.results")) as f:
            for fields in (line.split() for line in f):
                if len(fields) >= 3 and fields[1] != "skip":
                    out.append((fields[0], os.path.join(source, fields[0] + ".log")))
    return out


def cell_problems(dom, name, desc, state, classes):
    cells = dom.cells.get((desc, name), [])
    if len(cells) != 1:
        return ["%s: %d cells" % (desc, len(cells))]
    cell, out = cells[0], []
    if cell["state"] != state:
        out.append("%s: cell says %s, the log %s" % (desc, cell["state"], state))
    if state in ("fail", "todo") and cell["table"] != "matrix-failing":
        out.append("%s: a failure outside the failing checks' table" % desc)
    for key, c in classes:
        if key == "class" and c not in cell["classes"]:
            out.append("%s: class %s not on the cell" % (desc, c))
        elif "#class-" + c not in cell["hrefs"]:
            out.append("%s: no link to #class-%s" % (desc, c))
        elif "class-" + c not in dom.ids:
            out.append("%s: its link to #class-%s leads nowhere" % (desc, c))
        elif not class_row_names(dom, c):
            out.append("%s: #class-%s is not a row naming %s and its docs/BUGS.md line" % (desc, c, c))
    return out


def class_row_names(dom, c):
    """the #class-C row names C and where docs/BUGS.md has it (or that it does not)"""
    text = dom.class_text.get("class-" + c, "")
    line = dom.bugs.get(c)
    return c in text and (("docs/BUGS.md line %d" % line) in text if line else "not in BUGS.md" in text)


def check_configuration(dom, name, log):
    problems = []
    for table in TABLES:
        if dom.columns[table].count(name) != 1:
            problems.append("%d columns in %s" % (dom.columns[table].count(name), table))
    emulator = runner_emulator(log)
    if emulator and dom.emulator.get(name) != emulator:
        problems.append("column says emulator %r, the log's runner line %r" % (dom.emulator.get(name), emulator))
    points = read_points(log)
    for desc, state, classes in points:
        problems += cell_problems(dom, name, desc, state, classes)
    failing = sum(p[1] in ("fail", "todo") for p in points)
    died = sum(p[1] == "died" for p in points)
    links = sum(len(p[2]) for p in points)
    if problems:
        print("not ok page %s: %s%s" % (name, "; ".join(problems[:4]),
                                        " (and %d more)" % (len(problems) - 4) if len(problems) > 4 else ""))
        return False
    print("ok page %s: column (%s), %d points (%d failing, %d class links)%s"
          % (name, dom.emulator.get(name), len(points) - died, failing, links,
             ", and the check it died in" if died else ""))
    return True


def check_page(dom, configs):
    """QEMU and Bochs side by side: a column of each that tested something; no stray column"""
    names = [n for n, _ in configs]
    tested = {dom.emulator.get(n) for n, log in configs if read_points(log)}
    problems = ["no %s column with test points" % e for e in ("qemu", "bochs") if e not in tested]
    extra = [c for c in dom.columns[TABLES[0]] if c not in names]
    if extra:
        problems.append("columns without a log: %s" % ", ".join(extra))
    if dom.columns[TABLES[0]] != dom.columns[TABLES[1]]:
        problems.append("the two tables have different columns")
    if problems:
        print("not ok page: %s" % "; ".join(problems))
        return False
    count = lambda e: sum(dom.emulator.get(n) == e for n in names)
    print("ok page: %d columns, QEMU and Bochs side by side (%d qemu, %d bochs)"
          % (len(dom.columns[TABLES[0]]), count("qemu"), count("bochs")))
    return True


def check_png(path, width, height):
    """(good, what): a PNG of that size, not one flat colour (its pixel bytes vary)"""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return False, "not a PNG"
    w, h = struct.unpack(">II", data[16:24])
    if (w, h) != (width, height):
        return False, "%dx%d, not %dx%d" % (w, h, width, height)
    idat, pos = b"", 8
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        idat += data[pos + 8:pos + 8 + n] if kind == b"IDAT" else b""
        pos += 12 + n
    pixels = zlib.decompress(idat)
    distinct = len(set(pixels[::7]))
    if distinct < 64:
        return False, "only %d distinct byte values: a blank or flat image" % distinct
    return True, "%dx%d, %d bytes, %d distinct byte values" % (w, h, len(data), distinct)


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--png":
        try:
            good, what = check_png(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        except (OSError, ValueError, struct.error, zlib.error) as e:
            good, what = False, "unreadable: %s" % e
        print("%s page screenshot %s: %s" % ("ok" if good else "not ok", sys.argv[2], what))
        return 0 if good else 1
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        dom = Dom()
        with open(sys.argv[1], errors="replace") as f:
            dom.feed(f.read())
        configs = configurations(sys.argv[2:])
        results = [check_configuration(dom, n, log) for n, log in configs]
    except OSError as e:
        print("not ok page: %s" % e)
        return 2
    results.append(check_page(dom, configs))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

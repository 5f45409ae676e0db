#!/usr/bin/env python3
"""break_page.py MODE CONFIG IN.html OUT.html: the page with one defect, for
the DOM check's negative controls (tests/page/check.sh). Prints what it broke,
then the words tests/page/check_dom.py must say about it on a "not ok" line.

  unlink   CONFIG's first failing cell that names a class (CONFIG "any": the
           first of any configuration) loses every link to its first class
           (the text stays, as a careless edit would leave it)
  column   CONFIG's column is gone: its header and every cell

Exit 1 when there was nothing to break (no such cell or column)."""
import html
import re
import sys

CELL = r'<td (?=[^>]*data-config="(%s)")(?=[^>]*data-state="(?:fail|todo)")(?=[^>]*data-classes=)[^>]*>.*?</td>'
LINK = re.compile(r'<a class="cls" href="#class-([a-z0-9-]+)">([a-z0-9-]+)</a>')


def unlink(page, config):
    m = re.search(CELL % ('[^"]*' if config == "any" else re.escape(config)), page, re.S)
    if not m:
        return None, ("no failing cell of %s names a class" % config, "")
    link, config = LINK.search(m.group(0)), m.group(1)
    row = page.rfind("data-point=", 0, m.start())
    point = html.unescape(page[row:].split('"', 2)[1])
    cell = m.group(0).replace(link.group(0), link.group(2))
    return page[:m.start()] + cell + page[m.end():], (
        "%s: %s without its link to #class-%s" % (config, point, link.group(1)),
        "page %s: %s: no link to #class-%s" % (config, point, link.group(1)))


def drop_column(page, config):
    c = re.escape(config)
    page, headers = re.subn(r'<th [^>]*data-config="%s".*?</th>' % c, "", page, flags=re.S)
    page, cells = re.subn(r'<td [^>]*data-config="%s".*?</td>' % c, "", page, flags=re.S)
    if not headers:
        return None, ("no column %s" % config, "")
    return page, ("%s: %d headers and %d cells removed" % (config, headers, cells),
                  "page %s: 0 columns in matrix-failing" % config)


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("unlink", "column"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, config, src, dst = sys.argv[1:]
    page = open(src, errors="replace").read()
    broken, what = (unlink if mode == "unlink" else drop_column)(page, config)
    print("\n".join(what))
    if broken is None:
        return 1
    with open(dst, "w") as f:
        f.write(broken)
    return 0


if __name__ == "__main__":
    sys.exit(main())

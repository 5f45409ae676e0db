#!/usr/bin/env bash
# tests/page/check.sh: the results page (issue 10) in a real browser.
#
# Builds build/page/results.html from the matrix logs (build/logs, filled by
# the matrix stage: every configuration, QEMU and Bochs), renders it with
# headless Chromium (the DOM with --dump-dom, into build/page/check/, and
# build/page/results.png with --screenshot, kept with the page as the
# artefact) and asserts on the rendered DOM
# (tests/page/check_dom.py): per configuration that ran, its column and
# every point's cell, each failing one with its classes linked to existing
# class rows; then QEMU and Bochs side by side; then the screenshot. Two
# negative controls: the page with the first failing cell's links to one of
# its classes removed, and with the Bochs column removed, must each fail the
# same DOM check (rendered by Chromium the same way), naming what was broken.
# Ends with one line "page: N passed, N failed[, N skipped]"; exit 1 on a failure.
# Without Chromium every assertion that needs it is a skip, with the reason.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LOGS=${PAGE_LOGS_DIR:-$ROOT/build/logs}
OUT=$ROOT/build/page # results.html and results.png, the artefacts
WORK=$OUT/check      # the rendered DOMs and the controls' broken pages
HERE=$ROOT/tests/page
WINDOW=${PAGE_WINDOW:-1920,1200} # as tests/page/chromium.sh
BOCHS_CONFIG=bochs-pc # the column the column control drops (tests/matrix/matrix.cfg)
export PAGE_WINDOW=$WINDOW

passed=0 failed=0 skipped=0
pass() { echo "ok $*"; passed=$((passed + 1)); }
fail() { echo "not ok $*"; failed=$((failed + 1)); }

summary() {
    local s=
    [ $skipped = 0 ] || s=", $skipped skipped"
    echo "page: $passed passed, $failed failed$s"
    [ $failed = 0 ]
}

# the DOM check's own lines, counted; a check that stopped without saying
# what failed (a crash, unreadable input) is one failure more
dom_check() { # DOM.html
    local out line rc=0 before=$failed
    out=$(python3 "$HERE/check_dom.py" "$1" "$LOGS" 2>&1) || rc=$?
    while IFS= read -r line; do
        case $line in
        "ok "*) pass "${line#ok }" ;;
        "not ok "*) fail "${line#not ok }" ;;
        *) echo "    $line" ;;
        esac
    done <<<"$out"
    [ "$rc" = 0 ] || [ $failed -gt $before ] || fail "page: tests/page/check_dom.py exited $rc"
}

# A negative control: the page broken one way must fail the DOM check, and
# the check must name what was broken.
control() { # MODE CONFIG
    local mode=$1 broken=$WORK/broken-$1 said what want out rc=0
    if ! said=$(python3 "$HERE/break_page.py" "$mode" "$2" "$OUT/results.html" "$broken.html"); then
        fail "page control $mode: nothing to break ($said)"
        return
    fi
    what=$(head -n 1 <<<"$said") want=$(sed -n 2p <<<"$said")
    if ! "$HERE/chromium.sh" dom "$broken.html" "$broken.dom.html"; then
        fail "page control $mode: Chromium did not render the broken page"
        return
    fi
    out=$(python3 "$HERE/check_dom.py" "$broken.dom.html" "$LOGS") || rc=$?
    if [ "$rc" = 1 ] && grep '^not ok' <<<"$out" | grep -qF -- "$want"; then
        pass "page control $mode: $what; the DOM check said: $want"
    else
        fail "page control $mode: $what; the DOM check exited $rc and said:"
        grep '^not ok' <<<"$out" | head -3 | sed 's/^/    /' || true
    fi
}

main() {
    local results=$LOGS/matrix.results configs
    if [ ! -s "$results" ]; then
        fail "page: no $results (run the matrix first)"
        summary
        return
    fi
    configs=$(awk '$2 != "skip"' "$results" | wc -l)
    rm -rf "$WORK"
    mkdir -p "$OUT" "$WORK"
    if ! "$ROOT/tools/results_page.py" -o "$OUT/results.html" "$LOGS"; then
        fail "page: tools/results_page.py failed"
        summary
        return
    fi
    if ! command -v "${CHROMIUM:-chromium}" >/dev/null; then
        echo "skip page: chromium is not installed (make deps): $configs configurations, the page," \
            "the screenshot and 2 controls not checked in a browser"
        skipped=$((configs + 4))
        summary
        return
    fi
    if "$HERE/chromium.sh" dom "$OUT/results.html" "$WORK/results.dom.html"; then
        dom_check "$WORK/results.dom.html"
    else
        fail "page: Chromium did not render $OUT/results.html"
    fi
    if "$HERE/chromium.sh" screenshot "$OUT/results.html" "$OUT/results.png"; then
        dom_check_png
    else
        fail "page screenshot: Chromium wrote no $OUT/results.png"
    fi
    control unlink any
    control column "$BOCHS_CONFIG"
    summary
}

dom_check_png() {
    local line
    if line=$(python3 "$HERE/check_dom.py" --png "$OUT/results.png" "${WINDOW%,*}" "${WINDOW#*,}" 2>&1); then
        pass "${line#ok }"
    elif [[ $line == "not ok "* ]]; then
        fail "${line#not ok }"
    else
        fail "page screenshot: tests/page/check_dom.py --png: $(tail -n 1 <<<"$line")"
    fi
}

main

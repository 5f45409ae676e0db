#!/usr/bin/env bash
# scripts/check.sh run|check: what `make run` and `make check` do once everything
# is built (mk/check.mk builds first).
#
#   run    boot the default configuration (iso-q35-seabios), stream its serial
#          log, judge it with barmove-logcheck and Debian's tap-parser, and exit
#          with the verdict: 0 pass, 1 fail, 2 bail/timeout/truncated/empty,
#          3 nothing to test.
#   check  stages, each ending with its own "STAGE: N passed, N failed[, N skipped]"
#          line: host unit tests, the simulator's kill matrix, the QEMU matrix,
#          TAP validity of every completed log (tap-parser, and prove on the TAP
#          13 rewrite when installed), JUnit XML against tools/junit-10.xsd, the
#          results page in headless Chromium (tests/page), the LAVA jobs under
#          lava-run (tests/lava), the benchmark in its quick mode (tests/bench,
#          one point); then
#          one total line "N passed, N failed" (", N skipped" if any), the only
#          line of that form. Exit 1 on any failure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=$ROOT/build
LOGS=$B/logs
MATRIX_RUN=$ROOT/tests/matrix/run
RESULTS=$LOGS/matrix.results
JUNIT_XSD=$ROOT/tools/junit-10.xsd
DEFAULT_CONFIG=iso-q35-seabios

# Debian's node-tap-parser lives in /usr/share/nodejs, where the machine's own
# Node.js may not look (DESIGN §5).
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

# --- TAP, read by Debian's tap-parser -------------------------------------------

# The TAP stream of a log: from "TAP version 14" on (drops the runner's header,
# firmware and GRUB output).
tap_part() { sed -n '/^TAP version 14$/,$p' "$1"; }

# tap-parser's events as JSON; it exits 1 for a failing run, so its status is
# not a validity verdict: tap_summary reads the events instead.
tap_parser_json() {
    if command -v tap-parser >/dev/null; then
        tap-parser -j 0
    else
        node /usr/share/nodejs/tap-parser/bin/cmd.js -j 0
    fi
}

# One line from tap-parser's final "complete" event:
#   OK COUNT PASS FAIL SKIP TODO BAILOUT TAP_ERRORS
# OK is true/false, BAILOUT yes/no, TAP_ERRORS the parser's complaints joined
# by "|" (or "-"): a malformed stream, a plan that does not match, ...
tap_summary() {
    node -e '
let s = "";
process.stdin.on("data", d => (s += d)).on("end", () => {
  let ev;
  try { ev = JSON.parse(s); } catch (e) { console.log("invalid"); return; }
  const c = (ev.find(e => e[0] === "complete") || [])[1];
  if (!c) { console.log("invalid"); return; }
  const errs = (c.failures || []).filter(f => f.tapError).map(f => f.tapError);
  console.log([c.ok, c.count, c.pass, c.fail, c.skip, c.todo, c.bailout ? "yes" : "no",
               errs.join("|").replace(/ /g, "_") || "-"].join(" "));
});'
}

# Is LOG valid TAP that says what barmove-logcheck said (VERDICT)? Prints the
# reason and fails when not.
tap_parser_agrees() {
    local log=$1 verdict=$2 sum ok count pass fail skip todo bail errs
    sum=$(tap_part "$log" | tap_parser_json 2>&1 | tap_summary)
    read -r ok count pass fail skip todo bail errs <<<"$sum"
    if [ "$ok" = invalid ]; then
        echo "tap-parser gave no result"
        return 1
    fi
    if [ "$errs" != - ]; then
        echo "not valid TAP: ${errs//_/ }"
        return 1
    fi
    case $verdict in
    pass) [ "$ok" = true ] && [ "$count" -gt 0 ] ;;
    fail) [ "$ok" = false ] && [ "$fail" -gt 0 ] && [ "$bail" = no ] ;;
    bail) [ "$bail" = yes ] ;;
    nothing) [ "$ok" = true ] && [ "$count" = 0 ] ;;
    *) false ;;
    esac || {
        echo "tap-parser disagrees with verdict $verdict: ok=$ok count=$count pass=$pass fail=$fail skip=$skip todo=$todo bailout=$bail"
        return 1
    }
}

# --- make run ----------------------------------------------------------------------

verdict_status() { # the exit code of a verdict, as barmove-logcheck's
    case $1 in
    pass) echo 0 ;;
    fail) echo 1 ;;
    nothing) echo 3 ;;
    *) echo 2 ;;
    esac
}

run_default() {
    local name=$DEFAULT_CONFIG verdict why
    "$MATRIX_RUN" "$name" || true # its verdict is read below
    verdict=$(awk -v n="$name" '$1 == n {print $3}' "$RESULTS" 2>/dev/null)
    if [ -z "$verdict" ] || [ "$verdict" = error ] || [ "$verdict" = - ]; then
        echo "run: no verdict for $name (see above)"
        exit 2
    fi
    if [ -s "$LOGS/$name.log" ] && [ "$verdict" != timeout ] && [ "$verdict" != truncated ] &&
        [ "$verdict" != empty ]; then
        if why=$(tap_parser_agrees "$LOGS/$name.log" "$verdict"); then
            echo "run: tap-parser agrees"
        else
            echo "run: tap-parser: $why"
            [ "$verdict" != pass ] || verdict=fail
        fi
    fi
    echo "run: $verdict ($LOGS/$name.log)"
    exit "$(verdict_status "$verdict")"
}

# --- make check ----------------------------------------------------------------------

TOTAL_PASSED=0 TOTAL_FAILED=0 TOTAL_SKIPPED=0

add_counts() { # PASSED FAILED SKIPPED
    TOTAL_PASSED=$((TOTAL_PASSED + $1))
    TOTAL_FAILED=$((TOTAL_FAILED + $2))
    TOTAL_SKIPPED=$((TOTAL_SKIPPED + $3))
}

stage_line() { # STAGE PASSED FAILED SKIPPED
    local skipped=
    [ "$4" = 0 ] || skipped=", $4 skipped"
    echo "$1: $2 passed, $3 failed$skipped"
    add_counts "$2" "$3" "$4"
}

# Host unit tests: their last line is "host: N passed, N failed"; a crash (a
# sanitizer report, a signal) counts as one more failure.
stage_host() {
    local out rc=0 last
    out=$(mktemp)
    "$B/host/unit" 2>&1 | tee "$out" | sed '$d' || rc=${PIPESTATUS[0]}
    last=$(tail -n 1 "$out")
    rm -f "$out"
    if [[ $last =~ ^host:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        local passed=${BASH_REMATCH[1]} failed=${BASH_REMATCH[2]}
        [ "$rc" = 0 ] || [ "$failed" != 0 ] || failed=1
        stage_line host "$passed" "$failed" 0
    else
        echo "$last"
        echo "not ok host: no summary line (exit $rc)"
        stage_line host 0 1 0
    fi
}

# The simulator's kill matrix (tests/sim, DESIGN §7): one point for the
# correct model (passes every check) and one per mutant (killed by the checks
# named for it); a run that ends without its "kill matrix:" line, or exits
# non-zero with nothing counted as failed, is one failure more.
stage_sim() {
    local out rc=0 passed=0 failed=0 line
    out=$(mktemp)
    "$B/barmove-sim" >"$out" 2>&1 || rc=$?
    cat "$out"
    while IFS= read -r line; do
        case $line in
        "model correct: "*" 0 failed,"*) passed=$((passed + 1)) ;;
        "model correct: "*" passed, "*) failed=$((failed + 1)) ;;
        "mutant "*": killed by "*) passed=$((passed + 1)) ;;
        "mutant "*) failed=$((failed + 1)) ;;
        esac
    done <"$out"
    if ! tail -n 1 "$out" | grep -q '^kill matrix: '; then
        echo "not ok sim: no kill matrix line (exit $rc)"
        failed=$((failed + 1))
    elif [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
        echo "not ok sim: barmove-sim exited $rc"
        failed=1
    fi
    rm -f "$out"
    sim_proofs
    stage_line sim "$passed" "$failed" 0
}

# issue 11: the safety proofs over random topologies and hostile memory maps
# (no BAR ever decodes over RAM, firmware, APIC/IOAPIC/HPET, ECAM or another
# live BAR) and the fault-injection sweep (a fault at every step of every
# check leaves every BAR and COMMAND as found); each with its own control.
# Adds to the caller's passed/failed counts: one point per line that must hold.
sim_proofs() {
    local out line
    out=$(mktemp)
    "$B/barmove-sim" --safety 50 >"$out" 2>&1 || true
    "$B/barmove-sim" --fault-sweep >>"$out" 2>&1 || true
    grep -E '^(safety|fault sweep)' "$out" || true # none: a crash, counted below
    for line in "safety control: .*: caught" "safety: [0-9]+ runs, 0 violations" \
        "fault sweep control: .*\(caught\)" "fault sweep: [0-9]+ injections, 0 left something moved"; do
        if grep -qE "^$line$" "$out"; then
            passed=$((passed + 1))
        else
            echo "not ok sim: no line /$line/"
            failed=$((failed + 1))
        fi
    done
    rm -f "$out"
}

# The QEMU matrix: the runner prints its own "matrix: ..." line.
stage_matrix() {
    local out
    out=$(mktemp)
    "$MATRIX_RUN" --all | tee "$out" || true
    if [[ $(tail -n 1 "$out") =~ ^matrix:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
        add_counts "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
    else
        stage_line matrix 0 1 0
    fi
    rm -f "$out"
}

# Configurations whose log is a whole TAP run (not timed out, truncated, empty,
# or skipped): "NAME VERDICT" lines from the runner's results.
completed_logs() {
    awk '$2 != "skip" && $3 ~ /^(pass|fail|bail|nothing)$/ {print $1, $3}' "$RESULTS" 2>/dev/null || true
}

# prove (Perl's TAP::Harness) on the TAP 13 rewrite: optional. A bail-out ends
# the stream early, so only there may prove report a bad or missing plan.
prove_accepts() { # TAP13_FILE VERDICT
    local out
    out=$(prove -e cat "$1" 2>&1) || true
    if [ "$2" = bail ]; then
        out=$(printf '%s\n' "$out" | grep -v -E 'Parse errors: (Bad plan|No plan found)')
    fi
    if printf '%s\n' "$out" | grep -q 'Parse errors'; then
        printf '%s\n' "$out" | grep 'Parse errors' | head -3
        return 1
    fi
}

stage_tap() {
    local passed=0 failed=0 skipped=0 name verdict why have_prove=1
    command -v prove >/dev/null || have_prove=0
    while read -r name verdict; do
        if why=$(tap_parser_agrees "$LOGS/$name.log" "$verdict"); then
            echo "ok tap-parser $name"
            passed=$((passed + 1))
        else
            echo "not ok tap-parser $name: $why"
            failed=$((failed + 1))
        fi
        if [ $have_prove = 0 ]; then
            echo "skip prove $name: prove is not installed"
            skipped=$((skipped + 1))
        elif [ ! -s "$LOGS/$name.tap13" ]; then
            echo "not ok prove $name: barmove-logcheck wrote no $LOGS/$name.tap13"
            failed=$((failed + 1))
        elif why=$(prove_accepts "$LOGS/$name.tap13" "$verdict"); then
            echo "ok prove $name"
            passed=$((passed + 1))
        else
            echo "not ok prove $name: $why"
            failed=$((failed + 1))
        fi
    done < <(completed_logs)
    stage_line tap "$passed" "$failed" "$skipped"
}

# JUnit XML of every configuration that ran, against the strict Jenkins schema.
stage_junit() {
    local passed=0 failed=0 name result why
    if [ ! -r "$JUNIT_XSD" ]; then
        echo "not ok junit: $JUNIT_XSD is missing"
        stage_line junit 0 1 0
        return
    fi
    while read -r name result _; do
        [ "$result" != skip ] || continue
        if [ ! -s "$LOGS/$name.xml" ]; then
            echo "not ok junit $name: no $LOGS/$name.xml"
            failed=$((failed + 1))
        elif why=$(xmllint --noout --schema "$JUNIT_XSD" "$LOGS/$name.xml" 2>&1); then
            echo "ok junit $name"
            passed=$((passed + 1))
        else
            echo "not ok junit $name:"
            printf '%s\n' "$why" | head -5 | sed 's/^/    /'
            failed=$((failed + 1))
        fi
    done < <(cat "$RESULTS" 2>/dev/null)
    stage_line junit "$passed" "$failed" 0
    stage_kci
}

# The KernelCI-style flat list (barmove-logcheck --kci) of every configuration
# that ran: valid JSON, every entry a dotted path and a known status, one entry
# per test point of its TAP (plus an ERROR one for a harness error).
stage_kci() {
    local passed=0 failed=0 name result why
    while read -r name result _; do
        [ "$result" != skip ] || continue
        if why=$(python3 - "$LOGS/$name.kci.json" "$LOGS/$name.log" <<'PY' 2>&1
import json, re, sys
entries = json.load(open(sys.argv[1]))
# a last line without its newline was cut off mid-write: no point (tools/logparse.c)
points = sum(1 for l in open(sys.argv[2], errors="replace") if l.endswith("\n") and re.match(r"(not )?ok [0-9]+ - ", l))
bad = [e for e in entries if set(e) != {"path", "status"} or e["status"] not in ("PASS", "FAIL", "SKIP", "ERROR")
       or not re.fullmatch(r"barmove(\.[a-z0-9_]+)+", e["path"])]
if bad:
    sys.exit("malformed entry %r" % bad[0])
own = sum(1 for e in entries if e["status"] != "ERROR")
if own != points:
    sys.exit("%d entries for %d test points" % (own, points))
PY
        ); then
            echo "ok kci $name"
            passed=$((passed + 1))
        else
            echo "not ok kci $name: $why"
            failed=$((failed + 1))
        fi
    done < <(cat "$RESULTS" 2>/dev/null)
    stage_line kci "$passed" "$failed" 0
}

# Same seed, same run: the verbose step logs of seed-a-1 and seed-a-2 must be
# identical and non-empty, and seed-b's must differ from them.
steps_of() { grep -E '^# step ' "$LOGS/$1.log" 2>/dev/null; }
stage_seed() {
    local passed=0 failed=0 a1 a2 b
    a1=$(steps_of seed-a-1) a2=$(steps_of seed-a-2) b=$(steps_of seed-b)
    if [ -n "$a1" ] && [ "$a1" = "$a2" ]; then
        echo "ok seed: the same seed gave the same $(printf '%s\n' "$a1" | wc -l) steps"
        passed=$((passed + 1))
    else
        echo "not ok seed: the same seed gave different (or no) step logs"
        failed=$((failed + 1))
    fi
    if [ -n "$b" ] && [ "$a1" != "$b" ]; then
        echo "ok seed: another seed gave other steps"
        passed=$((passed + 1))
    else
        echo "not ok seed: another seed changed nothing"
        failed=$((failed + 1))
    fi
    stage_line seed "$passed" "$failed" 0
}

# Bochs next to QEMU (issue 8): the same checks on the same device kinds, one
# column each (tests/matrix/side_by_side.py). One point: every check that fails
# on Bochs says ok on QEMU. A second point is the expected-verdict comparison's
# own negative control: the Bochs log with its first listed failure turned into
# "ok" (a check that lost its power) must be reported as lost.
BOCHS_CONFIG=bochs-pc QEMU_TWIN=qemu-pc-bochs-devices
stage_side() {
    local passed=0 failed=0 skipped=0 b=$LOGS/$BOCHS_CONFIG.log q=$LOGS/$QEMU_TWIN.log
    if ! grep -q "^$BOCHS_CONFIG ok " "$RESULTS" 2>/dev/null || ! grep -q "^$QEMU_TWIN ok " "$RESULTS"; then
        echo "skip side-by-side: $BOCHS_CONFIG and $QEMU_TWIN did not both run as expected (see the matrix)"
        stage_line side 0 0 2
        return
    fi
    if "$ROOT/tests/matrix/side_by_side.py" "$b" "$q"; then
        passed=$((passed + 1))
    else
        echo "not ok side-by-side"
        failed=$((failed + 1))
    fi
    local weakened=$LOGS/$BOCHS_CONFIG.weakened.log out
    # the first "not ok" point becomes "ok": as if its check had stopped failing
    awk '!done && /^not ok [0-9]+ - / {sub(/^not ok/, "ok"); done = 1} {print}' "$b" >"$weakened"
    local status=0 lost
    out=$("$B/barmove-verdicts" "$ROOT/tests/matrix/expected/$BOCHS_CONFIG.verdicts" "$weakened") || status=$?
    # caught: a mismatch (exit 1) that names the lost check; exit 2 is a usage error
    if [ $status = 1 ] && lost=$(printf '%s\n' "$out" | grep -m1 'verdicts: lost'); then
        echo "ok verdicts control: $lost"
        passed=$((passed + 1))
    else
        echo "not ok verdicts control: a Bochs failure turned into ok went unnoticed (exit $status)"
        failed=$((failed + 1))
    fi
    stage_line side "$passed" "$failed" "$skipped"
}

# The benchmark (issue 9) once in its quick mode: one point, that it ran and
# wrote build/bench/results.json with both ratios of the -kernel path. Its
# figures are not judged here (make bench measures them).
stage_bench() {
    local results=$B/bench/results.json
    rm -f "$results"
    if ! python3 "$ROOT/tests/bench/bench.py" --quick; then
        echo "not ok bench: tests/bench/bench.py --quick failed"
        stage_line bench 0 1 0
    elif python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["paths"]["kernel-q35"]["ratios"]
sys.exit(0 if r["suite/empty"] and r["suite/floor"] else 1)' "$results" 2>/dev/null; then
        echo "ok bench: ran, $results has the ratios"
        stage_line bench 1 0 0
    else
        echo "not ok bench: $results is missing or has no ratios"
        stage_line bench 0 1 0
    fi
}

# The LAVA jobs (issue 10, ci/lava): validated with LAVA's schema, run with
# lava-run against QEMU TCG, LAVA's cases compared point by point with the
# serial log; tests/lava/check.sh prints its own "lava: ..." line.
# The results page (issue 10): built from build/logs, rendered by headless
# Chromium, asserted on the DOM; tests/page/check.sh prints "page: ...".
# A script that dies without its line counts as one failure.
stage_script() { # STAGE COMMAND (a script, or a function of this file)
    local out
    out=$(mktemp)
    "$2" >"$out" 2>&1 || true
    if [[ $(tail -n 1 "$out") =~ ^$1:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)?$ ]]; then
        sed '$d' "$out" # all but the summary line: stage_line prints that, and counts it
        stage_line "$1" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[4]:-0}"
    else
        cat "$out" # its last words say why
        echo "not ok $1: $2 ended without its summary line"
        stage_line "$1" 0 1 0
    fi
    rm -f "$out"
}

# libFuzzer (tests/fuzz, issue 11): every target replays the committed corpus
# and every crash ever found, then fuzzes a few seconds; its runner prints
# "fuzz: N passed, N failed" (one point per target). The build's compiler
# lines are left out.
fuzz_replay() {
    make --no-print-directory -C "$ROOT" fuzz-replay 2>&1 | grep -v '^clang \|^ar rcs'
}

check_all() {
    rm -rf "$LOGS" # stale logs of removed configurations must not be judged
    stage_host
    stage_script fuzz fuzz_replay
    stage_sim
    stage_matrix
    stage_seed
    stage_side
    stage_script page "$ROOT/tests/page/check.sh"
    stage_script lava "$ROOT/tests/lava/check.sh"
    stage_tap
    stage_junit
    stage_bench
    local skipped=
    [ $TOTAL_SKIPPED = 0 ] || skipped=", $TOTAL_SKIPPED skipped"
    echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed$skipped"
    [ $TOTAL_FAILED = 0 ]
}

case ${1:-} in
run) run_default ;;
check) check_all ;;
*)
    echo "usage: scripts/check.sh run|check" >&2
    exit 2
    ;;
esac

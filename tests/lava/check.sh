#!/usr/bin/env bash
# tests/lava/check.sh: the LAVA stage (issue 10). Validates every job of
# ci/lava/jobs with LAVA's own schema (--strict) and the device description,
# checks the jobs and the device agree, runs each job with lava-run against
# QEMU TCG (into build/lava/NAME/), and compares LAVA's cases with the TAP
# points of the serial log LAVA captured in the same boot (one case per point,
# same verdict: ok pass, not ok fail, # SKIP skip, # TODO unknown; plus the
# summary case, or the check that was running when a guest hung or crashed).
# Negative controls: the selftest job's results with every verdict turned into
# "pass", and with one case dropped, must both be caught.
#
# Prints "ok ..."/"not ok ..."/"skip ..." lines and ends with exactly one line
# "lava: N passed, N failed[, N skipped]". Exit 1 if anything failed.
# Needs lava-common and lava-dispatcher (Debian 12: 2023.01), root for
# lava-run, and `make kernel iso` first; what is missing is a skip, with why.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JOBS_DIR=$ROOT/ci/lava/jobs
DEVICE=$ROOT/ci/lava/devices/qemu-barmove.yaml
OUT=$ROOT/build/lava
ISO=$ROOT/build/barmove.iso
PY=/usr/bin/python3 # Debian's LAVA and yaml modules are not on other Pythons
SCHEMA=/usr/share/lava-common/lava-schema.py
LAVACHECK=$ROOT/tests/lava/lavacheck.py
MKCFGDISK=$ROOT/scripts/mkcfgdisk.sh
# A job takes 3 s here, the hang job ~55 s (its 45 s timeout, then LAVA's
# finalize); this only stops a stuck lava-run from holding make check.
RUN_LIMIT=${BARMOVE_LAVA_RUN_LIMIT:-100}

# What each job is for (lavacheck.py compare --expect): pass: a complete run
# with 0 failed; verdicts: exactly one pass, fail, skip and TODO; hang:CHECK /
# bail:CHECK: the points stop in CHECK, silent / with "Bail out!".
declare -A EXPECT=(
    [barmove-default]=pass
    [barmove-selftest-verdicts]=verdicts
    [barmove-selftest-hang]=hang:selftest-hang
    [barmove-selftest-fault]=bail:selftest-fault
)
CONTROL_JOB=barmove-selftest-verdicts # its results have all four verdicts
CONTROLS=(all-pass drop)

PASSED=0 FAILED=0 SKIPPED=0
ok() { echo "ok lava $*"; PASSED=$((PASSED + 1)); }
not_ok() { echo "not ok lava $*"; FAILED=$((FAILED + 1)); }
skip() { echo "skip lava $*"; SKIPPED=$((SKIPPED + 1)); }
finish() {
    local skipped=
    [ $SKIPPED = 0 ] || skipped=", $SKIPPED skipped"
    echo "lava: $PASSED passed, $FAILED failed$skipped"
    [ $FAILED = 0 ]
}

shopt -s nullglob
JOBS=("$JOBS_DIR"/*.yaml)
shopt -u nullglob
NAMES=()
for job in "${JOBS[@]}"; do NAMES+=("$(basename "$job" .yaml)"); done

# --- what this machine has -----------------------------------------------------

WHY_NO_SCHEMA='' WHY_NO_RUN=''
if [ ! -r "$SCHEMA" ] || ! "$PY" -c 'import lava_common, yaml' 2>/dev/null; then
    WHY_NO_SCHEMA="lava-common is not installed ($SCHEMA, $PY with lava_common and yaml)"
fi
if [ -n "$WHY_NO_SCHEMA" ]; then
    WHY_NO_RUN=$WHY_NO_SCHEMA
elif ! command -v lava-run >/dev/null || ! "$PY" -c 'import lava_dispatcher' 2>/dev/null; then
    WHY_NO_RUN="lava-dispatcher is not installed (lava-run)"
elif [ "$(id -u)" != 0 ]; then
    WHY_NO_RUN="lava-run must run as root (it refuses otherwise)"
fi

if [ ${#JOBS[@]} = 0 ]; then
    not_ok "jobs: no ci/lava/jobs/*.yaml"
    finish
    exit 1
fi

# --- static: LAVA's schema, the device, the jobs in step ------------------------

validate() { # KIND FILE: lava-schema's verdict, its message on failure
    local out
    if out=$("$PY" "$SCHEMA" "$1" ${2:+--strict} "$3" 2>&1); then
        return 0
    fi
    printf '%s\n' "$out" | grep -v '^\* ' | sed 's/^ *-> /    /'
    return 1
}

if [ -n "$WHY_NO_SCHEMA" ]; then
    for name in "${NAMES[@]}"; do skip "schema $name: $WHY_NO_SCHEMA"; done
    skip "schema device: $WHY_NO_SCHEMA"
    skip "agree: $WHY_NO_SCHEMA"
else
    for i in "${!JOBS[@]}"; do
        if validate job strict "${JOBS[$i]}"; then
            ok "schema ${NAMES[$i]} (lava-schema.py job --strict)"
        else
            not_ok "schema ${NAMES[$i]}: lava-schema.py job --strict rejects ${JOBS[$i]#"$ROOT"/}"
        fi
    done
    if validate device "" "$DEVICE"; then
        ok "schema device $(basename "$DEVICE") (lava-schema.py device)"
    else
        not_ok "schema device: lava-schema.py device rejects ${DEVICE#"$ROOT"/}"
    fi
    # the default suite's job first: the others must have its monitors
    ordered=("$JOBS_DIR/barmove-default.yaml")
    for job in "${JOBS[@]}"; do [ "$job" = "${ordered[0]}" ] || ordered+=("$job"); done
    if out=$("$PY" "$LAVACHECK" agree "$DEVICE" "${ordered[@]}"); then
        ok "agree: $out"
    else
        not_ok "agree: $out"
    fi
fi

# --- lava-run: each job, its cases against its serial log -----------------------

run_job() { # NAME: boot it with lava-run, then compare; sets RUN_OK
    local name=$1 dir=$OUT/$1 args rc=0 t0 secs out
    RUN_OK=0
    if [ -z "${EXPECT[$name]:-}" ]; then
        not_ok "run $name: tests/lava/check.sh has no EXPECT entry for this job"
        return
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    # the job as a lab would submit it, with file:// URLs of this build
    if ! args=$("$PY" "$LAVACHECK" render "$JOBS_DIR/$name.yaml" "file://$ISO" \
        "file://$dir/barmove.cfg.img" "$dir/job.yaml"); then
        not_ok "run $name: cannot render the job: $args"
        return
    fi
    if ! "$MKCFGDISK" "$dir/barmove.cfg.img" "$args" "" 0; then
        not_ok "run $name: scripts/mkcfgdisk.sh could not write the barmove.cfg drive"
        return
    fi
    if ! validate job strict "$dir/job.yaml"; then
        not_ok "run $name: the rendered job fails lava-schema.py job --strict"
        return
    fi
    t0=$(date +%s%N)
    # lava-run logs to stderr, one YAML mapping a line, cases included; its
    # --output-dir only gets description.yaml and result.yaml (the job's case)
    timeout -k 10 "$RUN_LIMIT" lava-run --job-id "barmove-$name-$$" --output-dir "$dir/out" \
        --device "$DEVICE" "$dir/job.yaml" >"$dir/lava-run.out" 2>"$dir/lava.log" || rc=$?
    secs=$((($(date +%s%N) - t0) / 100000000))
    secs="$((secs / 10)).$((secs % 10))"
    if [ $rc = 124 ] || [ $rc = 137 ]; then
        not_ok "run $name: lava-run still running after $RUN_LIMIT s, killed (log: ${dir#"$ROOT"/}/lava.log)"
        return
    fi
    if [ ! -s "$dir/out/result.yaml" ]; then
        not_ok "run $name: lava-run exited $rc without a result.yaml"
        tail -n 5 "$dir/lava.log" "$dir/lava-run.out" 2>/dev/null | sed 's/^/    /'
        return
    fi
    if out=$("$PY" "$LAVACHECK" compare "$dir/lava.log" "$dir/out/result.yaml" --expect "${EXPECT[$name]}" \
        --serial-out "$dir/serial.log" --cases-out "$dir/cases.txt"); then
        ok "run $name: $out ($secs s)"
        RUN_OK=1
    else
        not_ok "run $name: $(printf '%s\n' "$out" | tail -n 1) (${dir#"$ROOT"/}/lava.log, serial.log)"
        printf '%s\n' "$out" | sed '$d'  # the problems, indented
    fi
}

control() { # HOW: the control job's results, mutated, must not pass
    local how=$1 dir=$OUT/$CONTROL_JOB out
    if out=$("$PY" "$LAVACHECK" compare "$dir/lava.log" "$dir/out/result.yaml" \
        --expect "${EXPECT[$CONTROL_JOB]}" --mutate "$how"); then
        not_ok "control $how: $CONTROL_JOB's results mutated ($how) went unnoticed: $out"
    else
        ok "control $how: $CONTROL_JOB's results mutated ($how) caught: $(printf '%s\n' "$out" | head -n 1 | sed 's/^ *//'); $(printf '%s\n' "$out" | tail -n 1)"
    fi
}

if [ -n "$WHY_NO_RUN" ]; then
    for name in "${NAMES[@]}"; do skip "run $name: $WHY_NO_RUN"; done
    for how in "${CONTROLS[@]}"; do skip "control $how: $WHY_NO_RUN"; done
elif [ ! -r "$ISO" ]; then
    for name in "${NAMES[@]}"; do not_ok "run $name: $ISO is missing: run 'make iso' first"; done
    for how in "${CONTROLS[@]}"; do not_ok "control $how: no $CONTROL_JOB run"; done
else
    control_ran=0
    for name in "${NAMES[@]}"; do
        run_job "$name"
        [ "$name" != "$CONTROL_JOB" ] || control_ran=$RUN_OK
    done
    for how in "${CONTROLS[@]}"; do
        if [ $control_ran = 1 ]; then
            control "$how"
        else
            not_ok "control $how: $CONTROL_JOB did not run as expected, nothing to mutate"
        fi
    done
fi

finish

#!/usr/bin/env bash
# tests/page/chromium.sh: Debian's headless Chromium on one local HTML file.
#   chromium.sh dom PAGE.html OUT.html       the DOM after rendering (--dump-dom)
#   chromium.sh screenshot PAGE.html OUT.png  a PNG of the first PAGE_WINDOW pixels
# PAGE_WINDOW (default 1920,1200): the window, wide enough for the QEMU and
# Bochs columns side by side. A throw-away profile per call (two calls at
# once must not share one); Chromium's own chatter is shown only when it
# fails. Exit status: Chromium's (124 when it hung for 60 s).
set -euo pipefail

CHROMIUM=${CHROMIUM:-chromium}
WINDOW=${PAGE_WINDOW:-1920,1200}
if [ $# != 3 ] || { [ "$1" != dom ] && [ "$1" != screenshot ]; }; then
    echo "usage: tests/page/chromium.sh dom|screenshot PAGE.html OUT" >&2
    exit 2
fi
mode=$1 page=$(realpath "$2") out=$3
profile=$(mktemp -d)
log=$profile.log
trap 'rm -rf "$profile" "$log"' EXIT
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile"
    --window-size="$WINDOW" --no-first-run --disable-extensions)
tmp=$(realpath -m "$out").tmp.${out##*.} # Chromium picks the image format by the extension
rm -f "$out" "$tmp"
rc=0
if [ "$mode" = dom ]; then
    timeout 60 "$CHROMIUM" "${flags[@]}" --dump-dom "file://$page" >"$tmp" 2>"$log" || rc=$?
else
    timeout 60 "$CHROMIUM" "${flags[@]}" --screenshot="$tmp" "file://$page" >"$log" 2>&1 || rc=$?
fi
if [ "$rc" != 0 ] || [ ! -s "$tmp" ]; then
    echo "chromium $mode: exit $rc, nothing written; its last lines:" >&2
    tail -n 5 "$log" >&2
    rm -f "$tmp"
    exit $((rc ? rc : 1))
fi
mv -f "$tmp" "$out"

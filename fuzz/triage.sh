#!/bin/sh
# fuzz/triage.sh BINARY DIR...: runs each input on its own and prints the
# first failed property of each failing input, grouped by message shape.
# Prints nothing when every input passes.
if [ $# -lt 2 ]; then
  echo "usage: $0 BINARY DIR..." >&2
  exit 2
fi
bin=$1; shift
for d in "$@"; do
  find "$d" -type f ! -name '*.expected' ! -name '*.known-bug' | sort | while read -r f; do
    out=$("$bin" "$f" 2>&1) || printf '%s\n  %s\n' "$f" "$(printf '%s\n' "$out" | grep -A1 'property failed' | tail -1)"
  done
done

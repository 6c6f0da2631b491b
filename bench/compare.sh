#!/bin/sh
# compare.sh: smtp-bench against a memchr line scan (the ceiling), Go's
# net/textproto and Python's smtplib, in one run on the same generated
# inputs; writes the table between the compare markers of
# docs/performance.md (and prints it).
#
#   bench/compare.sh [BUILD_DIR]      (default: build-bench)
#   SIZE_MB=32 bench/compare.sh       input size per file, in MB (the
#                                     1-byte-feed rows use at most 2 MB)
#   DOC=FILE bench/compare.sh         the file to update (default
#                                     docs/performance.md; DOC= only prints)
#   INSTR=0 bench/compare.sh          no instruction counts (valgrind's
#                                     callgrind, on inputs of INSTR_MB MB made
#                                     by the same generators, default 2; "-"
#                                     in those columns without valgrind)
#
# Quick mode, as its test runs it: SIZE_MB=1 DOC= bench/compare.sh build/gcc
#
# Needs a build with -DSMTP_BUILD_BENCHMARKS=ON (it configures and builds
# BUILD_DIR if needed), go (stdlib only, no downloads) and python3.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build-bench}
SIZE_MB=${SIZE_MB:-32}
DOC=${DOC-$ROOT/docs/performance.md}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSMTP_BUILD_BENCHMARKS=ON -DSMTP_BUILD_TESTS=OFF >/dev/null
fi
ninja -C "$BUILD" -j2 smtp-bench memchr-scan >/dev/null
SMTP_BENCH=$BUILD/bench/smtp-bench
MEMCHR=$BUILD/bench/memchr-scan
(cd "$ROOT/bench/go" && GOPROXY=off GOFLAGS='' go build -o "$WORK/textproto-bench" .)
GO=$WORK/textproto-bench
PY="python3 $ROOT/bench/py_smtplib.py"
INSTR=${INSTR:-1}
INSTR_MB=${INSTR_MB:-2}
if ! command -v valgrind >/dev/null 2>&1; then INSTR=0; fi

# MB/s from a "MB/s=<n> items/s=<n> items=<n>" line; "-" when the tool failed.
mbps() { sed -n 's/^MB\/s=\([0-9.]*\) .*/\1/p'; }
run() { "$@" 2>/dev/null | mbps || true; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
# Instructions per input octet of FUNCTION's calls (callgrind counts
# instructions retired: repeatable, unlike time on a shared machine), over
# RUNS runs of the command that follows: "-" when INSTR=0 or it fails.
# perf stat would add cycles and IPC; the machines this was written on have
# no hardware counters (perf stat: "not supported").
instr() {
  fn=$1 bytes=$2 runs=$3
  shift 3
  if [ "$INSTR" = 0 ]; then echo "-"; return; fi
  refs=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect="$fn" "$@" 2>&1 >/dev/null |
    sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' | tr -d ,)
  awk -v r="$refs" -v b="$bytes" -v n="$runs" 'BEGIN { if (r == "" || b == 0) print "-"; else printf "%.1f", r / b / n }'
}
orna() { if [ -n "$1" ]; then echo "$1"; else echo "n/a"; fi; }

TABLE=$WORK/table.md
{
  echo "| input | smtp-bench MB/s | memchr MB/s | smtp / memchr | Go textproto MB/s | smtp / Go | Python smtplib MB/s | smtp / Python | smtp instr/B | memchr instr/B |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$TABLE"

# row NAME FILE [smtp-bench options...]. Python runs on reply inputs only
# (stdlib has no command parser); Go and Python always read whole buffers,
# so rows with smtp-bench options compare against the same whole-file runs.
row() {
  name=$1 file=$2
  shift 2
  smtp=$(run "$SMTP_BENCH" "$file" "$@")
  memchr=$(run "$MEMCHR" "$file")
  go=$(run "$GO" "$file")
  py=""
  if [ "$("$SMTP_BENCH" --kind "$file")" = replies ] && [ $# -eq 0 ]; then
    py=$(run $PY "$file")
  fi
  small=$file.small
  smtp_i=$(instr 'smtp::bench::ParseAll*' "$(wc -c <"$small")" 1 "$SMTP_BENCH" "$small" --runs 1 "$@")
  memchr_i=$(instr CountLines "$(wc -c <"$small")" 3 "$MEMCHR" "$small")
  echo "| $name | $(orna "$smtp") | $(orna "$memchr") | $(ratio "$smtp" "$memchr") | $(orna "$go") | $(ratio "$smtp" "$go") | $(orna "$py") | $(ratio "$smtp" "$py") | $smtp_i | $memchr_i |" >>"$TABLE"
}

# gen KIND SIZE_MB OUT [options]: OUT, and OUT.small of INSTR_MB MB for the
# instruction counts (and the session's .server files).
gen() {
  kind=$1 size=$2 out=$3
  shift 3
  "$SMTP_BENCH" --generate "$kind" "$size" "$out" "$@"
  if [ "$INSTR" != 0 ]; then "$SMTP_BENCH" --generate "$kind" "$INSTR_MB" "$out.small" "$@"; fi
}
gen replies "$SIZE_MB" "$WORK/replies"
gen ehlo-replies "$SIZE_MB" "$WORK/ehlo-replies"
gen commands "$SIZE_MB" "$WORK/commands"
gen data "$SIZE_MB" "$WORK/data-16k" --body 16384
gen data "$SIZE_MB" "$WORK/data-1m" --body 1048576
gen maxline-replies "$SIZE_MB" "$WORK/maxline-replies"
gen 1000line-replies "$SIZE_MB" "$WORK/1000line-replies"
gen maxline-commands "$SIZE_MB" "$WORK/maxline-commands"
gen manyparams "$SIZE_MB" "$WORK/manyparams"
gen dotlines "$SIZE_MB" "$WORK/dotlines"
gen maxline-data "$SIZE_MB" "$WORK/maxline-data"

row replies "$WORK/replies"
row "replies (EHLO mode: EHLO replies, all checks)" "$WORK/ehlo-replies" --ehlo
row commands "$WORK/commands"
row "data (16 KiB bodies)" "$WORK/data-16k"
row "data (1 MiB bodies)" "$WORK/data-1m"
row "adversarial: max-length reply lines" "$WORK/maxline-replies"
row "adversarial: 1000-line replies" "$WORK/1000line-replies"
row "adversarial: max-length command lines" "$WORK/maxline-commands"
row "adversarial: many parameters" "$WORK/manyparams"
row "adversarial: dot lines" "$WORK/dotlines"
row "adversarial: max-length DATA lines" "$WORK/maxline-data"
FEED_MB=$((SIZE_MB < 2 ? SIZE_MB : 2))
gen replies "$FEED_MB" "$WORK/replies-small"
gen commands "$FEED_MB" "$WORK/commands-small"
row "replies, 16-byte feeds" "$WORK/replies-small" --chunk 16
row "commands, 16-byte feeds" "$WORK/commands-small" --chunk 16
row "replies, 1-byte feeds" "$WORK/replies-small" --chunk 1
row "commands, 1-byte feeds" "$WORK/commands-small" --chunk 1

# The session (SPEC section 5) over paired client and server traffic, and
# the two one-way streams on the same octets, in the same run.
gen session "$SIZE_MB" "$WORK/session"
SESSION=$("$SMTP_BENCH" --session "$WORK/session" "$WORK/session.server" 2>/dev/null || true)
session_i=-
pair_i=-
if [ "$INSTR" != 0 ]; then
  small_bytes=$(($(wc -c <"$WORK/session.small") + $(wc -c <"$WORK/session.small.server")))
  session_i=$(instr 'smtp::bench::ParseSession*' "$small_bytes" 1 "$SMTP_BENCH" --session \
    "$WORK/session.small" "$WORK/session.small.server" --runs 1)
  pair_i=$(instr 'smtp::bench::ParseAll*' "$small_bytes" 1 "$SMTP_BENCH" --session \
    "$WORK/session.small" "$WORK/session.small.server" --runs 1)
fi
field() { echo "$SESSION" | tr ' ' '\n' | sed -n "s|^$1=||p"; }
SESSION_LINE="Session over paired traffic (commands, and the replies a server gives them): $(orna "$(field MB/s)") MB/s; the two one-way streams on the same octets: $(orna "$(field pair_MB/s)") MB/s; session cost / two streams: $(orna "$(field cost)") in time, $(ratio "$session_i" "$pair_i") in instructions ($session_i vs $pair_i instr/B)."

{
  echo "<!-- compare:begin -->"
  echo "Measured by \`bench/compare.sh\` on $(date -u +%Y-%m-%d), ${SIZE_MB} MB per input," \
    "$(uname -m), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')," \
    "$(go version | awk '{print $3}'), $(python3 --version)."
  echo "MB = 10^6 bytes; best of 3 runs per tool; every smtp-bench record checked ok;" \
    "instr/B: instructions retired per input octet (callgrind, ${INSTR_MB} MB inputs)."
  echo
  cat "$TABLE"
  echo
  echo "$SESSION_LINE"
  echo "<!-- compare:end -->"
} >"$WORK/section.md"

if [ -z "$DOC" ]; then
  :
elif [ -f "$DOC" ] && grep -q '<!-- compare:begin -->' "$DOC"; then
  awk -v section="$WORK/section.md" '
    /<!-- compare:begin -->/ { while ((getline line < section) > 0) print line; skip = 1; next }
    /<!-- compare:end -->/ { skip = 0; next }
    !skip { print }' "$DOC" >"$WORK/doc.md"
  cp "$WORK/doc.md" "$DOC"
else
  cat "$WORK/section.md" >>"$DOC"
fi
cat "$WORK/section.md"

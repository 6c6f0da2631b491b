#!/bin/bash
# fuzz/compare_mutators.sh [SECONDS] [RUNS]: structure-aware vs plain
# mutation on the same properties and the same seeds. Runs
# command_stream_structured and command_stream side by side (same CPU share)
# RUNS times for SECONDS each, from a copy of corpus/command_stream, and
# prints the final cov/ft of each run. Results go to docs/fuzzing.md.
# FUZZ_BUILD (default build/fuzz) holds the targets, FUZZ_WORK (default
# fuzz-work) the runs.
set -euo pipefail
secs=${1:-60} runs=${2:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${FUZZ_BUILD:-$root/build/fuzz}/fuzz
work=${FUZZ_WORK:-$root/fuzz-work}/compare
for r in $(seq 1 "$runs"); do
  for t in command_stream command_stream_structured; do
    rm -rf "$work/$t.$r" && mkdir -p "$work/$t.$r/corpus"
    cp "$root"/corpus/command_stream/* "$work/$t.$r/corpus/"
    "$bin/$t" -max_total_time="$secs" -seed="$r" -dict="$root/fuzz/smtp.dict" -max_len=8192 \
      -print_final_stats=1 -artifact_prefix="$work/$t.$r/" "$work/$t.$r/corpus" \
      > "$work/$t.$r/log" 2>&1 &
  done
  wait
  for t in command_stream command_stream_structured; do
    # cov at the start (after loading the seeds), every ~10 s, and at the end
    init=$(grep -m1 -E '(INITED|pulse|NEW).*cov:' "$work/$t.$r/log" | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+).*/\1 \2/')
    final=$(grep -E 'cov:' "$work/$t.$r/log" | tail -1 | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+).*exec\/s: ([0-9]+).*/\1 \2 \3/')
    echo "run $r $t start(cov ft)=$init end(cov ft exec/s)=$final"
  done
done

#!/bin/bash
# fuzz/compare_mutators.sh [SECONDS] [RUNS]: structure-aware vs plain
# mutation on the same properties and the same seeds. Runs
# command_stream_structured and command_stream side by side (same CPU share)
# RUNS times (default 5, seeds 1..RUNS) for SECONDS each, from a copy of
# corpus/command_stream, and prints the start and final cov/ft of each run,
# then per mutator the median and the range (min-max) over the runs of the
# gain in edges (cov) and features (ft) and of exec/s: one pair of runs proves
# little. Results go to docs/fuzzing.md. FUZZ_BUILD (default build/fuzz) holds
# the targets, FUZZ_WORK (default fuzz-work) the runs.
set -euo pipefail
secs=${1:-60} runs=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${FUZZ_BUILD:-$root/build/fuzz}/fuzz
work=${FUZZ_WORK:-$root/fuzz-work}/compare
targets=(command_stream command_stream_structured)
declare -A gains
for r in $(seq 1 "$runs"); do
  for t in "${targets[@]}"; do
    rm -rf "$work/$t.$r" && mkdir -p "$work/$t.$r/corpus"
    cp "$root"/corpus/command_stream/* "$work/$t.$r/corpus/"
    "$bin/$t" -max_total_time="$secs" -seed="$r" -dict="$root/fuzz/smtp.dict" -max_len=8192 \
      -print_final_stats=1 -artifact_prefix="$work/$t.$r/" "$work/$t.$r/corpus" \
      > "$work/$t.$r/log" 2>&1 &
  done
  wait
  for t in "${targets[@]}"; do
    # cov after loading the seeds, and at the end
    init=$(grep -m1 -E '(INITED|pulse|NEW).*cov:' "$work/$t.$r/log" | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+).*/\1 \2/')
    final=$(grep -E 'cov:' "$work/$t.$r/log" | tail -1 | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+).*exec\/s: ([0-9]+).*/\1 \2 \3/')
    echo "run $r $t start(cov ft)=$init end(cov ft exec/s)=$final"
    read -r c0 f0 <<<"$init"
    read -r c1 f1 rate <<<"$final"
    gains[$t]+="$((c1 - c0)) $((f1 - f0)) $rate"$'\n'
  done
done
# median (the lower middle one for an even count) and range of column $1
stat() {
  sort -n | awk '{ v[NR] = $1 } END { printf "%d [%d-%d]", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
for t in "${targets[@]}"; do
  rows=${gains[$t]%$'\n'}
  echo "median [range] over $runs runs: $t cov gain $(cut -d' ' -f1 <<<"$rows" | stat)" \
    "ft gain $(cut -d' ' -f2 <<<"$rows" | stat) exec/s $(cut -d' ' -f3 <<<"$rows" | stat)"
done

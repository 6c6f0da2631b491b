#!/bin/bash
# fuzz/test_clusterfuzzlite.sh: runs .clusterfuzzlite/build.sh directly with
# the OSS-Fuzz environment (libFuzzer + ASan) and checks what lands in $OUT:
# every target runs, has its .options, a seed corpus zip, and the dictionary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=${CFLITE_TMP:-$root/build/fuzz-cflite}
rm -rf "$tmp/out" && mkdir -p "$tmp/out" "$tmp/work"
export CC=clang-14 CXX=clang++-14
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address,undefined -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE="-fsanitize=fuzzer"
export OUT=$tmp/out WORK=$tmp/work SRC=$root/..
"$root/.clusterfuzzlite/build.sh" > "$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log"; exit 1; }
fail=0
targets=$(sed -n 's/^FUZZ_TARGETS ?= *//p' "$root/fuzz/fuzz.mk" | tr ',' ' ')
[[ -n $targets ]] || { echo "no FUZZ_TARGETS in fuzz/fuzz.mk"; exit 1; }
for t in $targets; do
  for f in "$OUT/$t" "$OUT/$t.options" "$OUT/${t}_seed_corpus.zip"; do
    [[ -s $f ]] || { echo "missing $f"; fail=1; }
  done
  "$OUT/$t" -runs=100 >/dev/null 2>&1 || { echo "$t does not run"; fail=1; }
done
[[ -s $OUT/smtp.dict ]] || { echo "missing smtp.dict"; fail=1; }
((fail == 0)) && echo "clusterfuzzlite: build.sh OK, $(find "$OUT" -mindepth 1 -maxdepth 1 | wc -l) files in \$OUT"
exit $fail

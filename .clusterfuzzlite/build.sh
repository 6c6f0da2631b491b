#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build: compiles every fuzz target with $CC $CXX
# $CFLAGS $CXXFLAGS, links it with $LIB_FUZZING_ENGINE, and puts into $OUT the
# binaries, their .options, the shared dictionary and <target>_seed_corpus.zip.
# Runs as is outside Docker too (fuzz/test_clusterfuzzlite.sh does).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -n "${SMTP_ROOT:-}" ]]; then
  root=$SMTP_ROOT
elif [[ -f "$here/../fuzz/CMakeLists.txt" ]]; then
  root=$(cd "$here/.." && pwd)
else
  root=$SRC/smtp
fi
# The targets: FUZZ_TARGETS of fuzz/fuzz.mk, the one list.
read -r -a targets <<<"$(sed -n 's/^FUZZ_TARGETS ?= *//p' "$root/fuzz/fuzz.mk" | tr ',' ' ')"
(( ${#targets[@]} )) || { echo "build.sh: no FUZZ_TARGETS in $root/fuzz/fuzz.mk" >&2; exit 1; }

cmake -S "$root" -B "$WORK/smtp-build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DSMTP_BUILD_FUZZERS=ON -DSMTP_BUILD_TESTS=OFF -DSMTP_BUILD_TOOLS=OFF \
  -DSMTP_FUZZ_ENGINE=external -DSMTP_FUZZ_LINK="$LIB_FUZZING_ENGINE"
cmake --build "$WORK/smtp-build" -j"$(nproc)" --target "${targets[@]}"

for t in "${targets[@]}"; do
  cp "$WORK/smtp-build/fuzz/$t" "$OUT/"
  cp "$root/fuzz/$t.options" "$OUT/"
  if [[ -d "$root/corpus/$t" ]]; then
    (cd "$root/corpus/$t" && python3 -m zipfile -c "$OUT/${t}_seed_corpus.zip" .)
  fi
done
cp "$root/fuzz/smtp.dict" "$OUT/"

#!/bin/bash
# fuzz/new_regression.sh TARGET FILE NAME
#
# Turns a crash or finding file into a regression in one step:
#   corpus/regressions/TARGET/NAME            the input
#   corpus/regressions/TARGET/NAME.expected   the outcome the parser gives now
# tests/regressions_test.cc then asserts that exact outcome (and the target's
# properties). When the input shows a parser bug, edit NAME.expected to the
# correct outcome and write the finding's id into NAME.known-bug until the
# parser is fixed; list the finding in docs/findings.md.
#
# TARGET is one of FUZZ_TARGETS in fuzz/fuzz.mk. REGRESSIONS_DIR (default
# corpus/regressions) is where it writes; the test of this script sets it.
set -euo pipefail
if [[ $# -ne 3 ]]; then
  echo "usage: $0 TARGET FILE NAME   (e.g. $0 differential fuzz-work/findings/differential/abc mail-space)" >&2
  exit 2
fi
target=$1 file=$2 name=$3
root=$(cd "$(dirname "$0")/.." && pwd)
targets=$(sed -n 's/^FUZZ_TARGETS ?= *//p' "$root/fuzz/fuzz.mk" | tr ',' ' ')
case " $targets " in
  *" $target "*) ;;
  *) echo "unknown target: $target (one of: $targets)" >&2; exit 2 ;;
esac
[[ -f $file ]] || { echo "no such file: $file" >&2; exit 2; }
describe=""
for b in "$root/build-fuzz-gcc/fuzz/smtp_fuzz_describe" "$root/build/fuzz/fuzz/smtp_fuzz_describe"; do
  [[ -x $b ]] && { describe=$b; break; }
done
if [[ -z $describe ]]; then
  cmake -S "$root" -B "$root/build-fuzz-gcc" -G Ninja -DSMTP_BUILD_FUZZERS=ON -DSMTP_BUILD_TESTS=OFF \
    -DSMTP_BUILD_TOOLS=OFF -DSMTP_FUZZ_ENGINE=replay >/dev/null
  cmake --build "$root/build-fuzz-gcc" --target smtp_fuzz_describe -j2 >/dev/null
  describe="$root/build-fuzz-gcc/fuzz/smtp_fuzz_describe"
fi
regressions=${REGRESSIONS_DIR:-$root/corpus/regressions}
dir="$regressions/$target"
mkdir -p "$dir"
cp "$file" "$dir/$name"
"$describe" "$target" "$dir/$name" > "$dir/$name.expected"
shown=$dir
[[ $shown == "$root"/* ]] && shown=${shown#"$root"/}
echo "wrote $shown/$name and $name.expected:"
sed 's/^/  /' "$dir/$name.expected"
echo "If this is not the correct outcome, edit $name.expected and record the finding id in $name.known-bug."

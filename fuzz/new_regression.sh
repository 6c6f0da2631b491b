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
set -euo pipefail
if [[ $# -ne 3 ]]; then
  echo "usage: $0 TARGET FILE NAME   (e.g. $0 differential fuzz-work/findings/differential/abc mail-space)" >&2
  exit 2
fi
target=$1 file=$2 name=$3
root=$(cd "$(dirname "$0")/.." && pwd)
case " command_line reply_line ehlo_reply command_stream command_stream_structured reply_stream policy data differential " in
  *" $target "*) ;;
  *) echo "unknown target: $target" >&2; exit 2 ;;
esac
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
dir="$root/corpus/regressions/$target"
mkdir -p "$dir"
cp "$file" "$dir/$name"
"$describe" "$target" "$dir/$name" > "$dir/$name.expected"
echo "wrote corpus/regressions/$target/$name and $name.expected:"
sed 's/^/  /' "$dir/$name.expected"
echo "If this is not the correct outcome, edit $name.expected and record the finding id in $name.known-bug."

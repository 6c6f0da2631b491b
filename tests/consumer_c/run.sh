#!/usr/bin/env bash
# tests/consumer_c/run.sh: the C consumer test (ctest c_api.consumer).
#
#   run.sh BUILD_DIR WORK_DIR SMTP_PARSE CC [SANITIZE]
#
# Installs BUILD_DIR into WORK_DIR/prefix, builds smtp_replay.c from that
# prefix alone with `pkg-config --cflags --libs smtp` (C99, pedantic,
# warnings as errors) and once more against the static libsmtp.a, checks the
# installed libsmtp.so's SONAME and exports, then replays every file under
# tests/data/ and corpus/regressions/ in every mode (commands, replies,
# ehlo) strict, lenient with utf8, and utf8 with a small --max-line, through both
# builds and in chunks of 1 to 65536 octets, and requires output and exit
# status byte-identical to smtp-parse's.
set -euo pipefail

if [[ $# -lt 4 ]]; then
  echo "usage: run.sh BUILD_DIR WORK_DIR SMTP_PARSE CC [SANITIZE]" >&2
  exit 2
fi
build=$1 work=$2 smtp_parse=$3 cc=$4 sanitize=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >"$work/install.log"

pc=$(find "$prefix" -name smtp.pc -print -quit)
[[ -n "$pc" ]] || { echo "FAIL: smtp.pc is not installed" >&2; exit 1; }
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
libdir=$(pkg-config --variable=libdir smtp)
echo "smtp.pc: $pc (version $(pkg-config --modversion smtp)), libdir $libdir"

# The installed shared library: SONAME libsmtp.so.<major>, only smtp_*.
so=$(readlink -f "$libdir/libsmtp.so")
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[[ "$soname" =~ ^libsmtp\.so\.[0-9]+$ ]] || { echo "FAIL: SONAME '$soname'" >&2; exit 1; }
[[ -e "$libdir/$soname" ]] || { echo "FAIL: $libdir/$soname missing" >&2; exit 1; }
others=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^smtp_' || true)
if [[ -n "$others" ]]; then
  echo "FAIL: libsmtp.so exports more than smtp_*:" >&2
  echo "$others" | head -20 >&2
  exit 1
fi
echo "libsmtp.so: SONAME $soname, $(nm -D --defined-only "$so" | wc -l) exports, all smtp_*"

flags=(-std=c99 -pedantic -Wall -Wextra -Werror -O1)
san=()
if [[ -n "$sanitize" ]]; then
  san=(-fsanitize="$sanitize" -fno-sanitize-recover=all)
  # libsmtp is C++: with clang, a C program needs the sanitizers' C++ runtime too.
  if "$cc" --version | grep -q clang; then san+=(-fsanitize-link-c++-runtime -lstdc++); fi
fi
# shellcheck disable=SC2046  # pkg-config output is a list of words
"$cc" "${flags[@]}" "${san[@]}" -o "$work/smtp_replay" "$here/smtp_replay.c" \
  $(pkg-config --cflags --libs smtp) -Wl,-rpath,"$libdir"
# The static library: the same program, no libsmtp.so needed at run time.
static_libs=$(pkg-config --static --libs smtp | sed 's/\(^\| \)-lsmtp\( \|$\)/ /')
# shellcheck disable=SC2046,SC2086
"$cc" "${flags[@]}" "${san[@]}" -o "$work/smtp_replay_static" "$here/smtp_replay.c" \
  $(pkg-config --cflags smtp) "$libdir/libsmtp.a" $static_libs
if readelf -d "$work/smtp_replay_static" | grep -q 'libsmtp\.so'; then
  echo "FAIL: the static build needs libsmtp.so" >&2
  exit 1
fi

files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(
  find "$root/tests/data" "$root/corpus/regressions" -type f -print0 | sort -z)
flag_sets=("" "--lenient --utf8" "--utf8 --max-line 64")
chunks=(65536 1 7 64 4096)
runs=0 failed=0 n=0
# The mode(s) a file is written for get every flag set; the other modes get
# lenient+utf8 (their records are mostly errors, still compared). The Python
# replay (python/tests) covers strict+utf8 and lenient alone.
natural() {
  case "$1" in
    *.sent | *.cmds | */regressions/command_* | */regressions/differential/* | \
      */regressions/policy/* | */regressions/data/*) echo commands ;;
    *.reply) echo "replies ehlo" ;;
    */regressions/reply_*) echo replies ;;
    */regressions/ehlo_*) echo ehlo ;;
    *) echo "commands replies ehlo" ;;
  esac
}
for f in "${files[@]}"; do
  mine=" $(natural "$f") "
  for mode in commands replies ehlo; do
    sets=("${flag_sets[@]}")
    [[ "$mine" == *" $mode "* ]] || sets=("--lenient --utf8")
    for set in "${sets[@]}"; do
      read -r -a extra <<<"$set"
      chunk=${chunks[$((n % ${#chunks[@]}))]}
      app=$work/smtp_replay
      (( n % 2 )) && app=$work/smtp_replay_static
      n=$((n + 1))
      want_rc=0 got_rc=0
      "$smtp_parse" "$mode" "$f" "${extra[@]}" >"$work/want" 2>/dev/null || want_rc=$?
      "$app" "$mode" "$f" "${extra[@]}" --chunk "$chunk" >"$work/got" || got_rc=$?
      runs=$((runs + 1))
      if [[ $want_rc -ne $got_rc ]] || ! cmp -s "$work/want" "$work/got"; then
        failed=$((failed + 1))
        if (( failed <= 5 )); then
          echo "FAIL: $mode ${f#"$root"/} $set --chunk $chunk ($(basename "$app")):" \
            "exit $got_rc, smtp-parse $want_rc" >&2
          diff "$work/want" "$work/got" | head -6 >&2 || true
        fi
      fi
    done
  done
done
echo "replayed ${#files[@]} files, $runs runs (3 modes, up to ${#flag_sets[@]} flag sets):" \
  "$((runs - failed)) byte-identical to smtp-parse, $failed differ"
(( failed == 0 ))

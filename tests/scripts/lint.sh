#!/bin/bash
# tests/scripts/lint.sh: static checks of every tracked script, run by
# `make test` (test-lint); any finding fails.
#   Python (*.py, or a python shebang): pyflakes3
#   shell (*.sh, or an sh/bash shebang, e.g. .ci/run): bash -n, shellcheck
# The corpus and the captured test data are data, not scripts.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
for tool in pyflakes3 shellcheck; do
  command -v "$tool" >/dev/null || { echo "lint: $tool is missing (make deps installs it)" >&2; exit 1; }
done

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -d '' files < <(git ls-files -z -- . ':!corpus' ':!tests/data')
else
  mapfile -d '' files < <(find . -type f ! -path './.git/*' ! -path './build*' ! -path './corpus/*' \
    ! -path './tests/data/*' ! -path './fuzz-work/*' -printf '%P\0')
fi
python=() shell=()
for f in "${files[@]}"; do
  [[ -f $f ]] || continue
  first=$(head -c 128 "$f" | head -n 1 | tr -d '\0')
  case $f in
    *.py) python+=("$f") ;;
    *.sh) shell+=("$f") ;;
    *)
      if [[ $first =~ ^#!.*python ]]; then
        python+=("$f")
      elif [[ $first =~ ^#!.*(/|env\ )(ba)?sh([[:space:]]|$) ]]; then
        shell+=("$f")
      fi ;;
  esac
done

# The tools must report what they are meant to (a check that cannot fail is
# no check): a planted undefined name and a planted unchecked cd.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'def f():\n    return undefined_name\n' >"$tmp/bad.py"
printf '#!/bin/bash\ncd /tmp\nls\n' >"$tmp/bad.sh"
if pyflakes3 "$tmp/bad.py" >/dev/null 2>&1 || shellcheck "$tmp/bad.sh" >/dev/null 2>&1; then
  echo "lint: pyflakes3 or shellcheck did not report a planted finding" >&2
  exit 1
fi

fail=0
if ((${#python[@]})); then
  pyflakes3 "${python[@]}" || fail=1
fi
for f in "${shell[@]}"; do
  bash -n "$f" || fail=1
done
if ((${#shell[@]})); then
  shellcheck "${shell[@]}" || fail=1
fi
if ((fail)); then
  echo "lint: FAILED (findings above)" >&2
  exit 1
fi
echo "lint: ${#python[@]} Python files (pyflakes3), ${#shell[@]} shell scripts (bash -n, shellcheck): no findings"
echo "  ${python[*]}"
echo "  ${shell[*]}"

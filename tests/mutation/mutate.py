#!/usr/bin/env python3
"""Mutation analysis of parser/src/: plants one small bug at a time and checks
that the suite notices it.

    tests/mutation/mutate.py [--mutants N] [--seed S] [--files a.cc,b.cc]
                             [--ids ID,...] [--rerun-survivors]
                             [--fuzz-seconds S] [--report docs/mutation.md]
    make mutate [MUTANTS=200] [SEED=1] [MUTATE_FUZZ_SECONDS=10]  (MUTANTS=all: every one)

No C++ mutation tool is packaged for Debian bookworm, so this is our own.
Operators, on the source text (comments, strings and preprocessor lines are
left alone):
  ROR  relational: < <= > >= == != each to its neighbour (< to <=, == to !=, ...)
  LCR  boolean: && to ||, || to &&, a leading ! removed
  AOR  arithmetic: + to -, - to +, += to -=, -= to +=, ++ to --, -- to ++
  CRP  constant: an integer literal n to n+1 (1 to 0), true to false and back
  RVR  return value: `return <expr>;` to `return {};` (false, 0, an ok Error,
       an empty view...), `return true;` and `return false;` swapped
  SDL  statement deletion: a one-line expression statement, or a one-line
       `if (...) statement;`, removed
The mutants are enumerated in a fixed order; --mutants N --seed S takes a
seeded sample of N (the same N and S give the same mutants on the same code).

Each mutant is judged in stages, each only for the survivors of the last:
  1. GCC build (build/mutate-gcc): compile error = stillborn (not counted);
     every unit-test binary run, two at a time, each with a timeout; the first
     failure or timeout kills the mutant and stops the others.
  2. Clang 14 ASan + UBSan build (build/mutate-asan), the same tests: an
     off-by-one read or an overflow shows only here.
  3. libFuzzer + ASan + UBSan build (build/mutate-fuzz): each fuzz target that
     reaches the mutated line (per-target line coverage from `make coverage`,
     build/fuzz-coverage/profiles; every target when that is missing) fuzzes
     for --fuzz-seconds from a copy of its corpus, with the campaign's target
     list and per-target options (fuzz/run_campaign.py: FUZZ_TARGETS of
     fuzz/fuzz.mk, fuzz/<target>.options); a finding kills the mutant only
     when its input passes the unmutated target (replayed on a copy of the
     baseline binary, build/mutate/baseline-fuzz/), or when the run hangs.
Baseline: before any mutant, the unmutated code's unit tests (both builds)
and fuzz targets (--fuzz-seconds each) run once; a failing baseline stops the
run (exit 2) with what failed, since a mutant cannot be judged against it.
The builds are incremental in their own directories and use a copy of the
source tree (build/mutate-src; corpus/ and tests/data/ are links): the working
tree is never written, so an interrupt cannot leave a mutant behind, and the
copy's file is restored after every mutant (also on an interrupt). Only the
mutated object is recompiled and the tests relinked.

A survivor's verdict comes from tests/mutation/verdicts.txt (one line per
mutant id: `<id> equivalent: why` or `<id> test: the test added`); a mutant
marked equivalent does not count. The score is killed / (mutants - stillborn
- equivalent). The run prints the table and writes the report (--report,
default docs/mutation.md) and build/mutate/results.json; --rerun-survivors
judges the survivors of that last run again (after tests were added) and
rewrites the report with both outcomes. Exit status: 0 done, 1 a survivor has
no verdict or a `test:` verdict that does not kill it, 2 usage or build
failure.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "fuzz"))
# The campaign's target list (fuzz/fuzz.mk FUZZ_TARGETS) and per-target
# libFuzzer options (fuzz/<target>.options): one copy, in the campaign driver.
from run_campaign import fuzz_targets, options_args  # noqa: E402
SRC_DIR = "parser/src"
LINKED = ("corpus", "tests/data")  # data, read only: linked into the copy

# --- mutant generation --------------------------------------------------------


def mask_line(line, in_block):
    """The line with comments, string and char literals blanked out (same
    length), and whether a block comment continues past it."""
    out = []
    i, n = 0, len(line)
    while i < n:
        if in_block:
            end = line.find("*/", i)
            if end < 0:
                out.append(" " * (n - i))
                return "".join(out), True
            out.append(" " * (end + 2 - i))
            i = end + 2
            in_block = False
            continue
        c = line[i]
        if line.startswith("//", i):
            out.append(" " * (n - i))
            break
        if line.startswith("/*", i):
            in_block = True
            continue
        if c in "\"'":
            j = i + 1
            while j < n and line[j] != c:
                j += 2 if line[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + "_" * (j - i - 2) + c if j - i >= 2 else " " * (j - i))
            i = j
            continue
        out.append(c)
        i += 1
    return "".join(out), in_block


# (operator, pattern on the masked line, replacement function)
def _int_plus(m):
    text = m.group(0)
    suffix = re.search(r"[uUlLzZ]*$", text).group(0)
    digits = text[: len(text) - len(suffix)] if suffix else text
    value = int(digits, 0) if not (digits.startswith("0") and len(digits) > 1
                                   and digits[1] not in "xXbB") else int(digits, 8)
    new = 0 if value == 1 else value + 1
    if digits.lower().startswith("0x"):
        return "0x%X%s" % (new, suffix)
    return "%d%s" % (new, suffix)


ROR = {" < ": " <= ", " <= ": " < ", " > ": " >= ", " >= ": " > ", " == ": " != ", " != ": " == "}
LCR = {" && ": " || ", " || ": " && "}
AOR = {" + ": " - ", " - ": " + ", " += ": " -= ", " -= ": " += "}
OPERATORS = [
    ("ROR", re.compile(r" (<=|>=|==|!=|<|>) "), lambda m: ROR[m.group(0)]),
    ("LCR", re.compile(r" (&&|\|\|) "), lambda m: LCR[m.group(0)]),
    ("LCR", re.compile(r"(?<![\w)\]!=<>])!(?!=)"), lambda m: ""),
    ("AOR", re.compile(r" (\+|-|\+=|-=) "), lambda m: AOR[m.group(0)]),
    ("AOR", re.compile(r"\+\+(?=\w)|(?<=\w)\+\+|--(?=\w)|(?<=\w)--"),
     lambda m: "--" if m.group(0) == "++" else "++"),
    ("CRP", re.compile(r"(?<![\w.])(0[xX][0-9a-fA-F]+|\d+)[uUlLzZ]*(?![\w.'])"), _int_plus),
    ("CRP", re.compile(r"\btrue\b"), lambda m: "false"),
    ("CRP", re.compile(r"\bfalse\b"), lambda m: "true"),
]
SKIP_LINE = re.compile(r"^\s*(#|static_assert|template\b|namespace\b|using\b|case\b.*:\s*$)|"
                       r"\boperator\b|\[\[|^\s*(enum|struct|class)\b")
# A declaration or a definition (type then name) is no statement to delete.
STATEMENT = re.compile(
    r"^\s*(\*?[A-Za-z_][\w.:\[\]]*(->[\w.\[\]]+)*\s*(=|\+=|-=|\|=|&=|\(|\+\+|--)"
    r"|(\+\+|--)[A-Za-z_]|if \(.*\) [^{]*;$|break;|continue;)")
RETURN = re.compile(r"^(\s*)return (.+);\s*$")


def enumerate_mutants(root, files=None):
    mutants = []
    src = os.path.join(root, SRC_DIR)
    names = sorted(f for f in os.listdir(src) if f.endswith((".cc", ".h")))
    if files:
        names = [f for f in names if f in files]
    for name in names:
        rel = "%s/%s" % (SRC_DIR, name)
        with open(os.path.join(src, name)) as f:
            lines = f.read().split("\n")
        in_block = False
        prev_code = "{"
        seen = {}
        for lineno, line in enumerate(lines, 1):
            masked, in_block = mask_line(line, in_block)
            code = masked.strip()
            if not code:
                continue
            starts_statement = prev_code.endswith((";", "{", "}", ":")) or prev_code.startswith("#")
            prev_code = code
            if SKIP_LINE.search(masked):
                continue
            key_base = (rel, line.strip(), seen.get(line.strip(), 0))
            seen[line.strip()] = seen.get(line.strip(), 0) + 1
            found = []
            rm = RETURN.match(masked)
            if rm and starts_statement:
                expr = rm.group(2).strip()
                if expr in ("true", "false"):
                    new = "%sreturn %s;" % (rm.group(1), "false" if expr == "true" else "true")
                    found.append(("RVR", 0, line, new))
                elif expr not in ("{}", "0", "nullptr"):
                    found.append(("RVR", 0, line, "%sreturn {};" % rm.group(1)))
            for op, pattern, repl in OPERATORS:
                for m in pattern.finditer(masked):
                    if rm and op == "CRP" and m.group(0) in ("true", "false") and \
                            rm.group(2).strip() == m.group(0):
                        continue  # that is the RVR mutant already
                    new = line[: m.start()] + repl(m) + line[m.end():]
                    if new != line:
                        found.append((op, m.start() + 1, line, new))
            if (starts_statement and code.endswith(";") and STATEMENT.match(masked)
                    and code.count("(") == code.count(")") and not code.startswith("return")):
                indent = line[: len(line) - len(line.lstrip())]
                found.append(("SDL", 0, line, indent + ";  // deleted"))
            for op, col, old, new in found:
                ident = hashlib.sha1(repr(key_base + (op, col, new.strip())).encode()).hexdigest()[:10]
                mutants.append({"id": ident, "file": rel, "line": lineno, "col": col, "op": op,
                                "old": old.strip(), "new": new.strip()})
    return mutants


def apply_mutant(path, mutant):
    """Writes the mutated file; returns the original text."""
    with open(path) as f:
        text = f.read()
    lines = text.split("\n")
    old = lines[mutant["line"] - 1]
    if old.strip() != mutant["old"]:
        raise RuntimeError("%s:%d changed since the mutants were listed" % (mutant["file"], mutant["line"]))
    indent = old[: len(old) - len(old.lstrip())]
    lines[mutant["line"] - 1] = indent + mutant["new"]
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return text


# --- the copy of the source tree and its builds -------------------------------


def sync_copy(root, copy):
    """Makes `copy` hold the working tree's files (git ls-files, tracked and
    new), writing only those that differ, so the builds stay incremental."""
    os.makedirs(copy, exist_ok=True)
    out = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=root,
                         capture_output=True, check=True).stdout.decode()
    for rel in filter(None, out.split("\0")):
        if rel.startswith(tuple(d + "/" for d in LINKED)):
            continue
        src, dst = os.path.join(root, rel), os.path.join(copy, rel)
        if not os.path.isfile(src):
            continue
        with open(src, "rb") as f:
            data = f.read()
        if os.path.exists(dst):
            with open(dst, "rb") as f:
                if f.read() == data:
                    continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f:
            f.write(data)
        shutil.copymode(src, dst)
    for d in LINKED:
        link = os.path.join(copy, d)
        if not os.path.islink(link):
            if os.path.exists(link):
                shutil.rmtree(link)
            os.makedirs(os.path.dirname(link), exist_ok=True)
            os.symlink(os.path.join(root, d), link)


class Build:
    def __init__(self, name, directory, env, flags, jobs):
        self.name, self.dir, self.env, self.flags, self.jobs = name, directory, env, flags, jobs
        self.tests = []

    def configure(self, copy):
        subprocess.run(["cmake", "-S", copy, "-B", self.dir, "-G", "Ninja"] + self.flags,
                       env=dict(os.environ, **self.env), check=True, stdout=subprocess.DEVNULL)

    def build(self, targets=None):
        """True when it built; False on a compile error."""
        cmd = ["cmake", "--build", self.dir, "-j%d" % self.jobs]
        if targets:
            cmd += ["--target"] + targets
        r = subprocess.run(cmd, env=dict(os.environ, **self.env), capture_output=True, text=True,
                           errors="replace")
        self.last_output = r.stdout[-3000:] + r.stderr[-2000:]
        return r.returncode == 0

    def find_tests(self):
        tdir = os.path.join(self.dir, "tests")
        self.tests = sorted(os.path.join(tdir, f) for f in os.listdir(tdir)
                            if f.endswith("_test") and os.access(os.path.join(tdir, f), os.X_OK))


def run_tests(binaries, timeouts, jobs, env):
    """Runs the test binaries `jobs` at a time; returns (None, None) when all
    pass, else (binary, what failed) of the first failure, the others stopped."""
    procs = {}
    pending = list(binaries)
    failure = (None, None)
    try:
        while pending or procs:
            while pending and len(procs) < jobs:
                b = pending.pop(0)
                log = tempfile.TemporaryFile()
                p = subprocess.Popen([b, "--gtest_brief=1"], stdout=log, stderr=subprocess.STDOUT,
                                     cwd=os.path.dirname(b), env=env, start_new_session=True)
                procs[b] = (p, log, time.monotonic())
            time.sleep(0.02)
            for b, (p, log, start) in list(procs.items()):
                rc = p.poll()
                if rc is None and time.monotonic() - start > timeouts.get(b, 60):
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
                    del procs[b]
                    return b, "timeout after %.0f s" % timeouts.get(b, 60)
                if rc is None:
                    continue
                del procs[b]
                if rc != 0:
                    log.seek(0)
                    out = log.read().decode(errors="replace")
                    failed = re.findall(r"\[  FAILED  \] (\S+)", out)
                    sanitizer = re.search(r"(ERROR: AddressSanitizer: [\w-]+|runtime error: [^\n]{0,80}|"
                                          r"property failed: [^\n]{0,80})", out)
                    what = failed[0] if failed else (sanitizer.group(1) if sanitizer else "exit %d" % rc)
                    if sanitizer and failed:
                        what = "%s (%s)" % (failed[0], sanitizer.group(1))
                    return b, what
        return failure
    finally:
        for b, (p, log, start) in procs.items():
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()


# --- which fuzz targets reach which line --------------------------------------


def reach_map(root, cov_build, targets):
    """{target: {"parser/src/x.cc": set(lines hit)}} from the per-target
    profiles of `make coverage`; None when they are missing."""
    cache = os.path.join(cov_build, "reach.json")
    profiles = os.path.join(cov_build, "profiles")
    if not os.path.isdir(profiles):
        return None
    stamps = [os.path.getmtime(os.path.join(profiles, f)) for f in os.listdir(profiles)]
    src = os.path.join(root, SRC_DIR)
    newest = max(os.path.getmtime(os.path.join(src, f)) for f in os.listdir(src))
    if not stamps:
        return None
    if newest > min(stamps):
        # make mutate runs make coverage first; an edit since then may shift
        # lines, which only changes which targets fuzz a survivor.
        print("mutate: note: parser/src/ changed after %s was written" % profiles)
    if os.path.exists(cache) and stamps and os.path.getmtime(cache) > max(stamps):
        with open(cache) as f:
            return {t: {k: set(v) for k, v in d.items()} for t, d in json.load(f).items()}
    result = {}
    for t in targets:
        raw = os.path.join(profiles, t + ".profraw")
        binary = os.path.join(cov_build, "fuzz", t)
        if not (os.path.exists(raw) and os.path.exists(binary)):
            continue
        data = os.path.join(cov_build, "reach-%s.profdata" % t)
        subprocess.run(["llvm-profdata-14", "merge", "-sparse", raw, "-o", data], check=True)
        out = subprocess.run(["llvm-cov-14", "export", "-format=lcov", binary,
                              "-instr-profile=" + data], capture_output=True, text=True,
                             check=True).stdout
        hits, current = {}, None
        for ln in out.splitlines():
            if ln.startswith("SF:"):
                path = ln[3:]
                i = path.find("/" + SRC_DIR + "/")
                current = hits.setdefault(path[i + 1:], set()) if i >= 0 else None
            elif ln.startswith("DA:") and current is not None:
                lineno, count = ln[3:].split(",")[:2]
                if int(count) > 0:
                    current.add(int(lineno))
        result[t] = hits
    with open(cache, "w") as f:
        json.dump({t: {k: sorted(v) for k, v in d.items()} for t, d in result.items()}, f)
    return result


FINDING_RE = re.compile(r"(ERROR: AddressSanitizer: [\w-]+|runtime error: [^\n]{0,80}|"
                        r"property failed: [^\n]{0,80}|ERROR: libFuzzer: [\w-]+|"
                        r"Assertion[^\n]{0,80}|[^\n]*abort[^\n]{0,40})")
# A single input may run this long (libFuzzer's default is 1200 s): a mutant
# that loops forever is a finding (timeout-*), not a stuck run.
INPUT_TIMEOUT = 10


def fuzz_command(binary, target, seconds, work, root=ROOT):
    """The libFuzzer command of one judging run: the campaign's options for
    the target, new inputs in `work`, the shipped corpus read only."""
    return ([binary, "-max_total_time=%d" % seconds, "-timeout=%d" % INPUT_TIMEOUT, "-seed=1",
             "-artifact_prefix=%s/" % work] + options_args(target)
            + [work, os.path.join(root, "corpus", target)])


def fuzz_once(binary, target, seconds, work):
    """Fuzzes `target` once; returns None, or (what it found, the input that
    shows it or None when the run hung)."""
    new = os.path.join(work, target)
    os.makedirs(new, exist_ok=True)
    try:
        r = subprocess.run(fuzz_command(binary, target, seconds, new), capture_output=True,
                           text=True, errors="replace", timeout=seconds * 4 + 60)
    except subprocess.TimeoutExpired:
        return "hang: no result after %d s" % (seconds * 4 + 60), None
    if r.returncode == 0:
        return None
    m = FINDING_RE.search(r.stderr)
    artifacts = sorted(os.path.join(new, f) for f in os.listdir(new)
                       if re.match(r"(crash|leak|timeout|oom|slow-unit)-", f))
    return (m.group(1) if m else "exit %d" % r.returncode), (artifacts[0] if artifacts else None)


def replay_passes(binary, artifact):
    """True when `binary` (the unmutated target) runs `artifact` cleanly."""
    try:
        r = subprocess.run([binary, "-timeout=%d" % INPUT_TIMEOUT, artifact], capture_output=True,
                           timeout=INPUT_TIMEOUT * 6 + 30)
    except subprocess.TimeoutExpired:
        return False
    return r.returncode == 0


def fuzz_baseline(binary_for, targets, seconds, jobs):
    """Fuzzes every target of the unmutated code once; returns the failures
    as [(target, what)] (empty: the baseline passes)."""
    work = tempfile.mkdtemp(prefix="smtp-mutate-baseline-")
    try:
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            found = list(pool.map(lambda t: (t, fuzz_once(binary_for(t), t, seconds, work)), targets))
        return [(t, "%s (input %s)" % (f[0], os.path.basename(f[1]) if f[1] else "none"))
                for t, f in found if f is not None]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def fuzz_mutant(binary_for, baseline_for, targets, seconds, jobs):
    """Fuzzes each target `seconds`; returns (target, finding) of the first
    finding that the unmutated target does not share, or (None, None)."""
    work = tempfile.mkdtemp(prefix="smtp-mutate-fuzz-")
    try:
        def one(t):
            found = fuzz_once(binary_for(t), t, seconds, work)
            if found is None:
                return None, None
            what, artifact = found
            if artifact is None:
                # No input: a hang (the baseline ran in time) or a failure
                # libFuzzer did not save; only the hang is the mutant's.
                return (t, what) if what.startswith("hang") else (None, None)
            if not replay_passes(baseline_for(t), artifact):
                # The unmutated code fails on it too: no difference.
                return None, None
            return t, what
        pool = concurrent.futures.ThreadPoolExecutor(jobs)
        try:
            for t, what in pool.map(one, targets):
                if t:
                    return t, what
            return None, None
        finally:
            # On a finding or an interrupt: no more targets.
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- verdicts and the report ---------------------------------------------------


def load_verdicts(path):
    verdicts = {}
    if os.path.exists(path):
        with open(path) as f:
            for ln in f:
                ln = ln.strip()
                if ln and not ln.startswith("#"):
                    ident, _, text = ln.partition(" ")
                    verdicts[ident] = text.strip()
    return verdicts


def score(results, verdicts):
    counted = [r for r in results if r["status"] != "stillborn"]
    equivalent = [r for r in counted if r["status"] == "survived"
                  and verdicts.get(r["id"], "").startswith("equivalent")]
    killed = [r for r in counted if r["status"] == "killed"]
    denominator = len(counted) - len(equivalent)
    # No mutant to judge gives no score, not 100%.
    return len(killed), denominator, len(equivalent), ("%.1f%%" % (100.0 * len(killed) / denominator)
                                                       if denominator else "n/a")


def describe(r):
    return "%s:%d %s `%s` -> `%s`" % (r["file"], r["line"], r["op"], r["old"], r["new"])


def write_report(path, run, verdicts):
    results = run["results"]
    killed, denominator, equivalent, pct = score(results, verdicts)
    stillborn = sum(r["status"] == "stillborn" for r in results)
    by_stage = {}
    for r in results:
        if r["status"] == "killed":
            by_stage[r["stage"]] = by_stage.get(r["stage"], 0) + 1
    lines = [
        "# Mutation analysis of parser/src/",
        "",
        "Written by `make mutate` (tests/mutation/mutate.py); the operators, the stages and",
        "how to read this are in the script's header and in docs/fuzzing.md.",
        "",
        "- Command: `%s`" % run["command"],
        "- Code: commit %s, %s" % (run["commit"], run["date"]),
        "- Mutants: %d sampled of %d (seed %s); %d stillborn (did not compile), %d equivalent"
        % (len(results), run["total"], run["seed"], stillborn, equivalent),
        "- Killed: %d of %d non-equivalent: **mutation score %s**"
        % (killed, denominator, pct),
        "- Killed by stage: %s" % ", ".join("%s %d" % (s, by_stage.get(s, 0))
                                            for s in ("gcc", "asan", "fuzz", "rerun")),
        "- Time: %.0f s for %d mutants (%.1f s each) on %s cores shared with other builds"
        % (run["seconds"], len(results), run["seconds"] / max(1, len(results)), run["cores"]),
        "",
    ]
    survivors = [r for r in results if r.get("first_status", r["status"]) == "survived"]
    lines += ["## Survivors of the run, and their verdicts", ""]
    if not survivors:
        lines += ["None.", ""]
    else:
        lines += ["| id | where | mutation | verdict |", "|---|---|---|---|"]
        for r in survivors:
            v = verdicts.get(r["id"], "")
            if r["status"] == "killed":
                v = "killed after a test was added (%s: %s)%s" % (
                    r["stage"], r["by"], "; " + v if v else "")
            elif not v:
                v = "**no verdict yet**"
            lines.append("| %s | %s:%d | %s `%s` -> `%s` | %s |" % (
                r["id"], r["file"], r["line"], r["op"], r["old"].replace("|", "\\|"),
                r["new"].replace("|", "\\|"), v.replace("|", "\\|")))
        lines.append("")
    lines += ["## Every mutant", "", "| id | where | op | status | by |", "|---|---|---|---|---|"]
    for r in results:
        lines.append("| %s | %s:%d | %s | %s | %s |" % (
            r["id"], r["file"], r["line"], r["op"], r["status"],
            ("%s: %s" % (r["stage"], r["by"])).replace("|", "\\|") if r["status"] == "killed" else ""))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


# --- main ------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mutants", default="200", help="how many (a seeded sample), or all")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--files", default="", help="only these files of parser/src (a.cc,b.cc)")
    ap.add_argument("--ids", default="", help="only these mutant ids (with --rerun-survivors: "
                    "only these of the last run's survivors)")
    ap.add_argument("--rerun-survivors", action="store_true")
    ap.add_argument("--resume", action="store_true",
                    help="take the outcome of mutants the last run judged (same id) from it: "
                    "a larger sample with the same seed extends a smaller one, on an unchanged tree")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--coverage-build", default=os.path.join(ROOT, "build", "fuzz-coverage"))
    ap.add_argument("--fuzz-seconds", type=int, default=10, help="0: no fuzz stage")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--report", default=os.path.join(ROOT, "docs", "mutation.md"))
    ap.add_argument("--verdicts", default=os.path.join(ROOT, "tests", "mutation", "verdicts.txt"))
    args = ap.parse_args()

    start = time.monotonic()
    build_root = os.path.abspath(args.build)
    copy = os.path.join(build_root, "mutate-src")
    results_path = os.path.join(build_root, "mutate", "results.json")
    all_mutants = enumerate_mutants(ROOT, set(filter(None, args.files.split(","))))
    previous = None
    if args.rerun_survivors:
        with open(results_path) as f:
            previous = json.load(f)
        wanted = {r["id"] for r in previous["results"] if r["status"] == "survived"}
        if args.ids:
            # Only these survivors (those a test was added for).
            wanted &= set(args.ids.split(","))
        chosen = [m for m in all_mutants if m["id"] in wanted]
        missing = wanted - {m["id"] for m in chosen}
        if missing:
            print("mutate: these survivors' lines changed, not re-run: %s" % " ".join(sorted(missing)))
    elif args.ids:
        wanted = set(args.ids.split(","))
        chosen = [m for m in all_mutants if m["id"] in wanted]
        if len(chosen) != len(wanted):
            print("mutate: unknown ids: %s" % " ".join(sorted(wanted - {m["id"] for m in chosen})),
                  file=sys.stderr)
            return 2
    elif args.mutants == "all":
        chosen = list(all_mutants)
    else:
        n = int(args.mutants)
        chosen = random.Random(args.seed).sample(all_mutants, min(n, len(all_mutants)))
        chosen.sort(key=lambda m: (m["file"], m["line"], m["col"]))
    if args.list:
        for m in chosen:
            print(m["id"], describe(m))
        print("mutate: %d of %d mutants" % (len(chosen), len(all_mutants)))
        return 0
    print("mutate: %d of %d mutants of %s (seed %d)" % (len(chosen), len(all_mutants), SRC_DIR, args.seed))

    sync_copy(ROOT, copy)
    # Warnings stay warnings for mutants: `a && b || c` is valid C++ that
    # -Werror=parentheses would turn into a stillborn mutant. The launcher
    # appends -Wno-error after the project's -Werror.
    launcher = os.path.join(build_root, "mutate", "no-werror.sh")
    os.makedirs(os.path.dirname(launcher), exist_ok=True)
    with open(launcher, "w") as f:
        f.write('#!/bin/sh\nexec "$@" -Wno-error\n')
    os.chmod(launcher, 0o755)
    common = ["-DSMTP_BUILD_TOOLS=OFF", "-DSMTP_BUILD_BENCHMARKS=OFF", "-DCMAKE_BUILD_TYPE=None",
              "-DCMAKE_CXX_FLAGS=-O1 -g0", "-DCMAKE_CXX_COMPILER_LAUNCHER=" + launcher]
    gcc = Build("gcc", os.path.join(build_root, "mutate-gcc"), {"CC": "gcc", "CXX": "g++"},
                common + ["-DSMTP_BUILD_TESTS=ON"], args.jobs)
    asan = Build("asan", os.path.join(build_root, "mutate-asan"), {"CC": "clang-14", "CXX": "clang++-14"},
                 common + ["-DSMTP_BUILD_TESTS=ON", "-DSMTP_SANITIZE=address,undefined"], args.jobs)
    san = "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
    fuzz = Build("fuzz", os.path.join(build_root, "mutate-fuzz"), {"CC": "clang-14", "CXX": "clang++-14"},
                 ["-DSMTP_BUILD_TOOLS=OFF", "-DSMTP_BUILD_TESTS=OFF", "-DSMTP_BUILD_FUZZERS=ON",
                  "-DSMTP_FUZZ_ENGINE=libfuzzer", "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                  "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link " + san,
                  "-DCMAKE_EXE_LINKER_FLAGS=" + san], args.jobs)
    targets = fuzz_targets()
    builds = [gcc, asan] + ([fuzz] if args.fuzz_seconds > 0 else [])
    timeouts = {}
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
               UBSAN_OPTIONS="print_stacktrace=0")
    baseline_dir = os.path.join(build_root, "mutate", "baseline-fuzz")
    for b in builds:
        b.configure(copy)
        if not b.build(targets if b is fuzz else None):
            print("mutate: the unmutated %s build fails:\n%s" % (b.name, b.last_output), file=sys.stderr)
            return 2
        if b is not fuzz:
            # Baseline: every test passes on the unmutated code, or no
            # failure of a mutant could be told from it.
            b.find_tests()
            for t in b.tests:
                t0 = time.monotonic()
                what = run_tests([t], {t: 600}, 1, env)
                if what[0]:
                    print("mutate: baseline failed: the unmutated %s unit tests fail: %s %s; "
                          "fix that before mutating" % (b.name, os.path.basename(what[0]), what[1]),
                          file=sys.stderr)
                    return 2
                timeouts[t] = max(20.0, 5 * (time.monotonic() - t0))
    if args.fuzz_seconds > 0:
        # Baseline of the fuzz stage: the unmutated targets, kept aside to
        # replay what a mutant's run finds.
        os.makedirs(baseline_dir, exist_ok=True)
        for t in targets:
            shutil.copy2(os.path.join(fuzz.dir, "fuzz", t), os.path.join(baseline_dir, t))
        failures = fuzz_baseline(lambda t: os.path.join(baseline_dir, t), targets,
                                 args.fuzz_seconds, args.jobs)
        if failures:
            print("mutate: baseline failed: the unmutated fuzz targets find something in %d s: %s; "
                  "fix that (or fuzz with --fuzz-seconds 0) before mutating"
                  % (args.fuzz_seconds, "; ".join("%s: %s" % f for f in failures)), file=sys.stderr)
            return 2
    print("mutate: baseline passes: %s unit tests%s" % (
        "+".join(b.name for b in (gcc, asan)),
        ", %d fuzz targets for %d s each" % (len(targets), args.fuzz_seconds)
        if args.fuzz_seconds > 0 else ""), flush=True)
    reach = reach_map(ROOT, args.coverage_build, targets) if args.fuzz_seconds > 0 else None
    if args.fuzz_seconds > 0 and reach is None:
        print("mutate: no per-target coverage in %s (make coverage): survivors fuzz every target"
              % args.coverage_build)
    print("mutate: builds ready in %.0f s" % (time.monotonic() - start))

    results = []
    t_mutants = time.monotonic()
    done = {}
    if args.resume and os.path.exists(results_path):
        with open(results_path) as f:
            last = json.load(f)
        done = {r["id"]: r for r in last["results"]}
        # The time of the reused mutants counts towards the run's time.
        t_mutants -= sum(r.get("seconds", 0) for r in last["results"] if r["id"] in
                         {m["id"] for m in chosen})
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    command = " ".join(["tests/mutation/mutate.py"] + sys.argv[1:])
    for i, m in enumerate(chosen, 1):
        if m["id"] in done:
            results.append(done[m["id"]])
            print("[%d/%d] %-9s %-6s %s (from the last run)" % (
                i, len(chosen), done[m["id"]]["status"], done[m["id"]]["stage"], describe(m)))
            continue
        path = os.path.join(copy, m["file"])
        r = dict(m, status="survived", stage="", by="")
        t0 = time.monotonic()
        original = apply_mutant(path, m)
        try:
            for b in (gcc, asan):
                if not b.build():
                    if b is gcc:
                        r["status"] = "stillborn"
                        break
                    raise RuntimeError("mutant %s compiles with GCC, not with Clang:\n%s"
                                       % (m["id"], b.last_output))
                binary, what = run_tests(b.tests, timeouts, args.jobs, env)
                if binary:
                    r.update(status="killed", stage=b.name, by="%s %s" % (os.path.basename(binary), what))
                    break
            if r["status"] == "survived" and args.fuzz_seconds > 0:
                known = reach is not None and any(m["file"] in d for d in reach.values())
                reaching = [t for t in targets if not known
                            or m["line"] in reach.get(t, {}).get(m["file"], ())]
                r["fuzzed"] = reaching
                if reaching and fuzz.build(targets):
                    t, what = fuzz_mutant(lambda t: os.path.join(fuzz.dir, "fuzz", t),
                                          lambda t: os.path.join(baseline_dir, t), reaching,
                                          args.fuzz_seconds, args.jobs)
                    if t:
                        r.update(status="killed", stage="fuzz", by="%s: %s" % (t, what))
        finally:
            with open(path, "w") as f:
                f.write(original)
        r["seconds"] = round(time.monotonic() - t0, 1)
        results.append(r)
        if previous is None and i < len(chosen):
            # A partial report after each mutant: an interrupted run still shows.
            partial = {"command": "(partial: %d of %d mutants) " % (i, len(chosen)) + command,
                       "commit": commit, "date": date, "seed": args.seed,
                       "total": len(all_mutants), "seconds": time.monotonic() - t_mutants,
                       "cores": os.cpu_count(), "results": results}
            write_report(args.report, partial, load_verdicts(args.verdicts))
        print("[%d/%d] %-9s %-6s %s%s" % (i, len(chosen), r["status"], r["stage"], describe(r),
                                           "  (%s)" % r["by"] if r["by"] else ""), flush=True)
    elapsed = time.monotonic() - t_mutants

    verdicts = load_verdicts(args.verdicts)
    if previous is not None:
        # A survivor judged again: keep the first outcome, record the new one.
        again = {r["id"]: r for r in results}
        for r in previous["results"]:
            if r["id"] in again and again[r["id"]]["status"] == "killed":
                new = again[r["id"]]
                r.update(first_status="survived", status="killed", stage="rerun",
                         by="%s: %s" % (new["stage"], new["by"]))
        run = previous
    else:
        run = {"command": command, "commit": commit, "date": date, "seed": args.seed,
               "total": len(all_mutants), "seconds": elapsed, "cores": os.cpu_count(),
               "results": results}
    os.makedirs(os.path.dirname(results_path), exist_ok=True)
    with open(results_path, "w") as f:
        json.dump(run, f, indent=1)
    write_report(args.report, run, verdicts)
    killed, denominator, equivalent, pct = score(run["results"], verdicts)
    stillborn = sum(r["status"] == "stillborn" for r in run["results"])
    print("mutate: %d mutants, %d stillborn, %d equivalent, %d of %d killed: mutation score %s"
          % (len(run["results"]), stillborn, equivalent, killed, denominator, pct))
    print("mutate: %.0f s for %d mutants (%.1f s each); report %s"
          % (elapsed, len(results), elapsed / max(1, len(results)), args.report))
    bad = 0
    for r in run["results"]:
        if r["status"] != "survived":
            continue
        v = verdicts.get(r["id"], "")
        if not v.startswith("equivalent"):
            bad += 1
            print("mutate: SURVIVOR %s %s: %s" % (r["id"], describe(r), v or "no verdict"))
    if denominator == 0:
        print("mutate: no mutant could be judged (all stillborn or equivalent)")
        return 1
    return 1 if bad else 0


def on_term(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)


if __name__ == "__main__":
    # SIGTERM too unwinds, so the copy's file is restored.
    signal.signal(signal.SIGTERM, on_term)
    sys.exit(main())

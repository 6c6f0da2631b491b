#!/usr/bin/env python3
"""Runs a fuzzing campaign over every target and summarizes it.

    fuzz/run_campaign.py --build build/fuzz [--seconds 60] [--jobs N]
                         [--engine libfuzzer|afl] [--targets a,b] [--no-merge]
                         [--corpus corpus] [--work fuzz-work]
                         [--merge-build build/fuzz]

For each target, in a pool of --jobs parallel workers: fuzz for --seconds
(restarting after a finding until the time is used), starting from
<corpus>/<target>/ with the target's .options (dictionary, max_len); then
merge what added coverage back into <corpus>/<target>/ (-merge=1, files named
by sha1); minimize each finding (-minimize_crash), de-duplicate it by the
failed property or the sanitizer's top frame, and keep one file per distinct
finding in <work>/findings/<target>/. With --engine afl, afl-fuzz runs the
AFL++ build and the libFuzzer build in --merge-build merges its queue and
minimizes its crashes. Prints live progress (exec/s, cov, corpus, findings),
a summary table (one row per target) and writes <work>/summary.json, and
next to it, per target, <target>.coverage.tsv (edges and features over time,
from libFuzzer's `cov: ft:` progress lines or AFL++'s plot_data) and its
plot <target>.coverage.png (gnuplot).

Exit status (docs/fuzzing.md):
  0  every target fuzzed for its budget, merged, nothing found
  1  findings (listed as FINDING lines), and the campaign itself ran fine
  2  usage error
  3  driver failure: a target did not run for its budget, its engine failed,
     its merge failed, a worker raised, or a summary row is not `done`
     (listed as DRIVER FAILURE lines naming target and cause; findings, if
     any, are still listed)
"""
import argparse
import configparser
import hashlib
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_DRIVER = 0, 1, 2, 3
STAT_RE = re.compile(r"cov: (\d+) ft: (\d+) corp: (\d+)/")
# libFuzzer's -max_total_time has one-second granularity and counts from
# process start-up: a run may end this much before its nominal budget.
BUDGET_SLACK = 2.0
MINIMIZE_SECONDS = 30  # at most, per distinct finding


def fuzz_targets():
    """The shipped targets: FUZZ_TARGETS of fuzz/fuzz.mk, the one list."""
    with open(os.path.join(ROOT, "fuzz", "fuzz.mk")) as f:
        m = re.search(r"^FUZZ_TARGETS \?= *(\S+)", f.read(), re.M)
    return [t for t in m.group(1).split(",") if t] if m else []


class State:
    def __init__(self, target):
        self.target = target
        self.status = "queued"
        self.failure = None  # cause, when the driver failed for this target
        self.cov = self.ft = self.corpus = 0
        self.total_execs = 0
        self.run_execs = 0  # of the libFuzzer run in progress, for the live view
        self.engine_seconds = 0.0  # time the engine ran
        self.fuzz_seconds = 0.0  # wall time of the fuzzing phase
        self.crashes = 0  # raw crashes, before de-duplication
        self.raw_findings = {}  # signature -> (first crashing input, its log)
        self.findings = {}  # signature -> {"path", "size", "raw_size", "minimized"}
        self.findings_dir = None  # <work>/findings/<target>
        self.merged = False
        self.added = 0
        self.series = []  # (seconds since the target started, edges, features or None)
        self.plot = None  # <work>/<target>.coverage.png
        self.lock = threading.Lock()

    def exec_rate(self):
        return int(self.total_execs / self.engine_seconds) if self.engine_seconds > 0 else 0

    def fail(self, cause):
        with self.lock:
            if self.failure is None:
                self.failure = cause
            self.status = "FAILED"


def options_args(target):
    """libFuzzer flags from fuzz/<target>.options ([libfuzzer] section)."""
    path = os.path.join(ROOT, "fuzz", target + ".options")
    args = []
    if os.path.exists(path):
        cp = configparser.ConfigParser()
        cp.read(path)
        if cp.has_section("libfuzzer"):
            for k, v in cp.items("libfuzzer"):
                if k == "dict":
                    v = os.path.join(ROOT, "fuzz", v)
                args.append("-%s=%s" % (k, v))
    return args


def signature(log):
    """A stable name for a finding: the failed property or the top frame."""
    m = re.search(r"(\S+:\d+): property failed: .*\n(.*)", log)
    if m:
        # The message without the input and offsets: "command: parser syntax,
        # oracle bad_path".
        msg = re.sub(r" on '.*", "", m.group(2))
        msg = re.sub(r"@\d+|\b\d+\b", "N", msg).strip()
        return os.path.basename(m.group(1)) + " " + msg
    m = re.search(r"(ERROR: \w+Sanitizer: [\w-]+|runtime error: .*|ERROR: libFuzzer: [\w-]+)", log)
    top = re.search(r"#\d+ 0x[0-9a-f]+ in (\S+) (\S+)", log[m.end():] if m else log)
    return (m.group(1) if m else "crash") + (" in " + top.group(1) if top else "")


def tail(path, lines=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def run_libfuzzer(binary, state, args, work, corpus):
    """Fuzzes until the budget is used, restarting after each finding."""
    start = time.time()
    deadline = start + args.seconds
    state.series = []
    new_dir = os.path.join(work, "new")
    art_dir = os.path.join(work, "artifacts") + "/"
    os.makedirs(new_dir, exist_ok=True)
    os.makedirs(art_dir, exist_ok=True)
    runs = 0
    while True:
        left = deadline - time.time()
        if runs > 0 and left < BUDGET_SLACK:
            break
        runs += 1
        budget = max(1, int(round(left)))
        cmd = [binary, "-max_total_time=%d" % budget, "-print_final_stats=1",
               "-artifact_prefix=" + art_dir, "-rss_limit_mb=2048", "-timeout=10"]
        cmd += options_args(state.target) + [new_dir, corpus]
        with state.lock:
            state.status = "fuzzing" if runs == 1 else "fuzzing (run %d)" % runs
        log_path = os.path.join(work, "log.%d" % runs)
        run_start = time.time()
        log = []
        with open(log_path, "w") as log_file:
            proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                    text=True, errors="replace")
            for line in proc.stderr:
                log.append(line)
                log_file.write(line)
                m = STAT_RE.search(line)
                if m:
                    with state.lock:
                        state.cov, state.ft, state.corpus = map(int, m.groups())
                        state.series.append((time.time() - start, state.cov, state.ft))
                        n = re.match(r"#(\d+)", line)
                        state.run_execs = int(n.group(1)) if n else state.run_execs
            proc.wait()
        elapsed = time.time() - run_start
        text = "".join(log)
        m = re.search(r"stat::number_of_executed_units: (\d+)", text)
        with state.lock:
            state.engine_seconds += elapsed
            state.total_execs += int(m.group(1)) if m else 0
            state.run_execs = 0
        unit = re.search(r"Test unit written to (\S+)", text)
        if proc.returncode != 0 and unit:
            record_finding(state, unit.group(1), text)
        elif proc.returncode != 0:
            state.fail("libFuzzer exited with status %d without a test unit (log %s):\n%s"
                       % (proc.returncode, log_path, tail(log_path)))
            return
        elif elapsed < budget - BUDGET_SLACK:
            state.fail("libFuzzer stopped after %.1f s of a %d s run (log %s)"
                       % (elapsed, budget, log_path))
            return
    with state.lock:
        state.fuzz_seconds = time.time() - start


def minimize(binary, crash, sig, work):
    """Shrinks a crashing input with libFuzzer's -minimize_crash. Returns the
    smaller input if it still fails with the same signature, else None."""
    out = os.path.join(work, "minimized")
    os.makedirs(out, exist_ok=True)
    minimized = os.path.join(out, os.path.basename(crash) + ".min")
    subprocess.run([binary, "-minimize_crash=1", "-runs=20000",
                    "-max_total_time=%d" % MINIMIZE_SECONDS, "-timeout=10",
                    "-exact_artifact_path=" + minimized, crash],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not os.path.exists(minimized) or os.path.getsize(minimized) > os.path.getsize(crash):
        return None
    # Keep it only if it still fails the same way.
    r = subprocess.run([binary, minimized], capture_output=True, text=True, errors="replace")
    if r.returncode == 0 or signature(r.stderr) != sig:
        return None
    return minimized


def record_finding(state, crash, log):
    """Notes a crash while fuzzing: the first input of each signature is kept
    for keep_findings; later ones with the same signature only count."""
    sig = signature(log)
    with state.lock:
        state.crashes += 1
        if sig not in state.raw_findings:
            state.raw_findings[sig] = (crash, log)


def keep_findings(state, minimizer, work):
    """After fuzzing: minimizes the first input of each distinct finding with
    the libFuzzer binary `minimizer` (None: keep it as found) and keeps one
    file per finding in <work>/findings/<target>/, with its signature and the
    end of its log in <file>.log."""
    with state.lock:
        raw = list(state.raw_findings.items())
    if raw:
        os.makedirs(state.findings_dir, exist_ok=True)
    for sig, (crash, log) in raw:
        with state.lock:
            if state.failure is None:
                state.status = "minimizing"
        minimized = minimize(minimizer, crash, sig, work) if minimizer else None
        dest = os.path.join(state.findings_dir, hashlib.sha1(sig.encode()).hexdigest()[:12])
        shutil.copyfile(minimized or crash, dest)
        with open(dest + ".log", "w") as f:
            f.write(sig + "\n\n" + log[-4000:])
        with state.lock:
            state.findings[sig] = {"path": dest, "size": os.path.getsize(dest),
                                   "raw_size": os.path.getsize(crash),
                                   "minimized": minimized is not None}


def merge(binary, state, work, corpus):
    """Merges <work>/new into the corpus: only inputs that add coverage are
    copied (libFuzzer -merge=1). A merge that fails is a driver failure."""
    with state.lock:
        if state.failure is None:
            state.status = "merging"
    before = set(os.listdir(corpus))
    log_path = os.path.join(work, "merge.log")
    with open(log_path, "w") as log:
        rc = subprocess.run([binary, "-merge=1", "-timeout=10", "-rss_limit_mb=2048", corpus,
                             os.path.join(work, "new")],
                            stdout=subprocess.DEVNULL, stderr=log).returncode
    text = tail(log_path, 40)
    if rc != 0 or not re.search(r"MERGE-OUTER: \d+ new files", text):
        state.fail("merge into %s failed (status %d, log %s):\n%s" % (corpus, rc, log_path, text))
        return
    with state.lock:
        state.added = len(set(os.listdir(corpus)) - before)
        state.merged = True


def afl_env():
    env = dict(os.environ, AFL_SKIP_CPUFREQ="1", AFL_NO_UI="1", AFL_NO_AFFINITY="1",
               AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES="1", AFL_SKIP_CRASHES="1")
    # afl-fuzz insists on these for sanitizer builds.
    env["ASAN_OPTIONS"] = "abort_on_error=1:symbolize=0:detect_leaks=0"
    env["UBSAN_OPTIONS"] = "halt_on_error=1:abort_on_error=1:symbolize=0"
    return env


def read_afl_stats(path):
    # "execs_per_sec     : 18924.81": keys are padded, so strip both sides.
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {k.strip(): v.strip() for k, v in (ln.split(":", 1) for ln in f if ":" in ln)}


def read_afl_plot_data(path):
    """AFL++'s plot_data as (relative seconds, edges_found, None) rows."""
    rows = []
    try:
        with open(path) as f:
            header = f.readline().lstrip("#").split(",")
            names = [h.strip() for h in header]
            t, e = names.index("relative_time"), names.index("edges_found")
            for line in f:
                cells = [c.strip() for c in line.split(",")]
                if len(cells) == len(names):
                    rows.append((float(cells[t]), int(cells[e]), None))
    except (OSError, ValueError):
        pass
    return rows


def plot_coverage(state, args):
    """Writes <work>/<target>.coverage.tsv and, with gnuplot (Debian
    gnuplot-nox), <target>.coverage.png: edges and features over time."""
    with state.lock:
        series = list(state.series)
    if not series:
        return
    base = os.path.join(args.work, state.target + ".coverage")
    with open(base + ".tsv", "w") as f:
        f.write("# seconds\tedges\tfeatures\n")
        for t, cov, ft in series:
            f.write("%.2f\t%d\t%s\n" % (t, cov, "-" if ft is None else ft))
    has_ft = any(ft is not None for _, _, ft in series)
    title = "%s: %s, %d s" % (state.target, args.engine, args.seconds)
    script = [
        "set terminal pngcairo size 800,450 font 'sans,10' noenhanced",
        "set output '%s.png'" % base,
        "set datafile missing '-'",
        "set title '%s'" % title.replace("'", ""),
        "set xlabel 'seconds'",
        "set ylabel 'edges (cov)'",
        "set key bottom right",
        "set grid",
    ]
    if has_ft:
        script += ["set y2label 'features (ft)'", "set ytics nomirror", "set y2tics",
                   "plot '%s.tsv' using 1:2 with steps lw 2 title 'edges (cov)', "
                   "'' using 1:3 axes x1y2 with steps lw 2 title 'features (ft)'" % base]
    else:
        script += ["plot '%s.tsv' using 1:2 with steps lw 2 title 'edges (AFL edges_found)'" % base]
    try:
        r = subprocess.run(["gnuplot"], input="\n".join(script) + "\n", capture_output=True,
                           text=True)
    except OSError:
        print("run_campaign: gnuplot not found (Debian gnuplot-nox): no plot for %s"
              % state.target, flush=True)
        return
    if r.returncode == 0 and os.path.exists(base + ".png"):
        with state.lock:
            state.plot = base + ".png"
    else:
        print("run_campaign: gnuplot failed for %s: %s" % (state.target, r.stderr.strip()),
              flush=True)


def run_afl(binary, state, args, work, corpus):
    """afl-fuzz -V <seconds> from the corpus, with the target's dictionary."""
    out = os.path.join(work, "afl")
    shutil.rmtree(out, ignore_errors=True)
    with state.lock:
        state.status = "fuzzing (afl)"
        state.ft = "-"  # libFuzzer's features; AFL reports bitmap coverage
    cmd = ["afl-fuzz", "-i", corpus, "-o", out, "-V", str(args.seconds), "-t", "10000"]
    for opt in options_args(state.target):
        if opt.startswith("-dict="):
            cmd += ["-x", opt[len("-dict="):]]
    cmd += ["--", binary]
    stats = os.path.join(out, "default", "fuzzer_stats")
    log_path = os.path.join(work, "afl.log")

    def read_stats():
        kv = read_afl_stats(stats)
        if not kv:
            return
        with state.lock:
            state.corpus = int(kv.get("corpus_count", "0") or 0)
            state.cov = kv.get("bitmap_cvg", "0")
            state.total_execs = int(kv.get("execs_done", "0") or 0)
            state.engine_seconds = float(kv.get("run_time", "0") or 0)

    start = time.time()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=afl_env())
        while proc.poll() is None:
            time.sleep(1)
            read_stats()
    read_stats()  # afl-fuzz writes its final numbers as it exits
    state.series = read_afl_plot_data(os.path.join(out, "default", "plot_data"))
    with state.lock:
        state.fuzz_seconds = time.time() - start
    if proc.returncode != 0 or not os.path.exists(stats):
        state.fail("afl-fuzz exited with status %d (log %s):\n%s"
                   % (proc.returncode, log_path, tail(log_path)))
        return
    crashes = os.path.join(out, "default", "crashes")
    if os.path.isdir(crashes):
        for name in sorted(os.listdir(crashes)):
            if name.startswith("id:"):
                path = os.path.join(crashes, name)
                # Replay to learn which property failed.
                r = subprocess.run([binary, path], capture_output=True, text=True,
                                   errors="replace", env=afl_env())
                record_finding(state, path, r.stderr)


def check_budget(state, args):
    """A target that did not fuzz for its budget, or executed nothing, failed."""
    with state.lock:
        if state.failure:
            return
        fuzz_seconds, execs = state.fuzz_seconds, state.total_execs
    if fuzz_seconds < args.seconds - BUDGET_SLACK:
        state.fail("fuzzed %.1f s of its %d s budget" % (fuzz_seconds, args.seconds))
    elif execs <= 0 or state.exec_rate() <= 0:
        state.fail("no inputs executed (%d execs in %.1f s)" % (execs, state.engine_seconds))


def fuzz_one(state, args):
    target = state.target
    binary = os.path.join(args.build, "fuzz", target)
    work = os.path.join(args.work, target)
    corpus = os.path.join(args.corpus, target)
    state.findings_dir = os.path.join(args.work, "findings", target)
    os.makedirs(corpus, exist_ok=True)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    if not os.access(binary, os.X_OK):
        state.fail("no fuzz target binary %s (build it first: make fuzz-build)" % binary)
        return
    # The libFuzzer binary that merges and minimizes (AFL: from --merge-build).
    libfuzzer = binary if args.engine == "libfuzzer" else os.path.join(
        args.merge_build, "fuzz", target)
    if args.engine == "afl":
        if not os.listdir(corpus):
            with open(os.path.join(corpus, "empty-seed"), "wb") as f:
                f.write(b"\r\n")  # afl-fuzz needs one input to start from
        run_afl(binary, state, args, work, corpus)
        check_budget(state, args)
        # AFL's driver has no -merge: merge its queue with the libFuzzer
        # build of the same target (make fuzz ENGINE=afl builds both).
        if state.failure is None and not args.no_merge:
            if not os.access(libfuzzer, os.X_OK):
                state.fail("no libFuzzer build %s to merge the AFL queue with" % libfuzzer)
        if state.failure is None and not args.no_merge:
            afl_queue = os.path.join(work, "afl", "default", "queue")
            shutil.rmtree(os.path.join(work, "new"), ignore_errors=True)
            shutil.copytree(afl_queue, os.path.join(work, "new"),
                            ignore=shutil.ignore_patterns(".*"))
            merge(libfuzzer, state, work, corpus)
    else:
        run_libfuzzer(binary, state, args, work, corpus)
        check_budget(state, args)
        if state.failure is None and not args.no_merge:
            merge(binary, state, work, corpus)
    keep_findings(state, libfuzzer if os.access(libfuzzer, os.X_OK) else None, work)
    plot_coverage(state, args)
    with state.lock:
        if state.failure is None:
            state.status = "done"


def worker(todo, states, args):
    while True:
        try:
            target = todo.get_nowait()
        except queue.Empty:
            return
        state = states[target]
        try:
            fuzz_one(state, args)
        except Exception as e:  # noqa: BLE001 - reported as this target's failure
            traceback.print_exc()
            state.fail("driver error: %s: %s" % (type(e).__name__, e))


def shown(path):
    """A path relative to the current directory when it is below it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def table(states):
    rows = [("target", "status", "seconds", "execs", "exec/s", "cov", "ft", "corpus",
             "+merged", "findings")]
    for s in states.values():
        with s.lock:
            rows.append((s.target, s.status, "%.0f" % s.fuzz_seconds, str(s.total_execs + s.run_execs),
                         str(s.exec_rate()), str(s.cov), str(s.ft), str(s.corpus),
                         str(s.added) if s.merged else "-", str(len(s.findings))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def write_summary(path, states, args):
    rows = []
    for s in states.values():
        with s.lock:
            rows.append({"target": s.target, "status": s.status, "failure": s.failure,
                         "seconds": round(s.fuzz_seconds, 2), "execs": s.total_execs,
                         "exec_per_sec": s.exec_rate(), "cov": s.cov, "ft": s.ft,
                         "corpus": s.corpus, "merged": s.merged, "added": s.added,
                         "crashes": s.crashes, "plot": s.plot,
                         "findings": [dict(v, signature=k) for k, v in s.findings.items()]})
    with open(path, "w") as f:
        json.dump({"engine": args.engine, "seconds": args.seconds, "targets": rows}, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "fuzz"))
    ap.add_argument("--seconds", type=int, default=int(os.environ.get("FUZZ_SECONDS", 60)))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--engine", default="libfuzzer", choices=["libfuzzer", "afl"])
    ap.add_argument("--targets", default=",".join(fuzz_targets()))
    ap.add_argument("--no-merge", action="store_true")
    ap.add_argument("--corpus", default=os.path.join(ROOT, "corpus"))
    ap.add_argument("--work", default=os.path.join(ROOT, "fuzz-work"))
    ap.add_argument("--merge-build", default=os.path.join(ROOT, "build", "fuzz"),
                    help="libFuzzer build that merges and minimizes for --engine afl")
    args = ap.parse_args()
    targets = [t for t in args.targets.split(",") if t]
    if not targets or args.seconds < 1 or args.jobs < 1:
        ap.error("need at least one target, --seconds >= 1 and --jobs >= 1")
    if len(set(targets)) != len(targets):
        ap.error("a target is listed twice: %s" % args.targets)
    for d in ("build", "corpus", "work", "merge_build"):
        setattr(args, d, os.path.abspath(getattr(args, d)))
    states = {t: State(t) for t in targets}
    shutil.rmtree(os.path.join(args.work, "findings"), ignore_errors=True)
    os.makedirs(args.work, exist_ok=True)
    todo = queue.Queue()
    for t in targets:
        todo.put(t)
    jobs = max(1, min(args.jobs, len(targets)))
    threads = [threading.Thread(target=worker, args=(todo, states, args), daemon=True)
               for _ in range(jobs)]
    for t in threads:
        t.start()
    start = time.time()
    tty = sys.stdout.isatty()
    last = 0
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        now = time.time()
        if tty:
            sys.stdout.write("\x1b[H\x1b[J[%4ds] fuzzing %d targets, %d jobs, %ds each (%s)\n%s\n" % (
                now - start, len(targets), jobs, args.seconds, args.engine, table(states)))
            sys.stdout.flush()
        elif now - last >= 10:
            last = now
            parts = []
            for s in states.values():
                with s.lock:
                    if s.status not in ("queued", "done", "FAILED"):
                        parts.append("%s: %s, %d execs, cov %s, corp %s, crashes %d" % (
                            s.target, s.status, s.total_execs + s.run_execs, s.cov, s.corpus,
                            s.crashes))
            print("[%4ds] %s" % (now - start, "; ".join(parts) or "..."), flush=True)
    for s in states.values():
        if s.status != "done" and s.failure is None:
            s.fail("not done: status %r at the end of the campaign" % s.status)
    write_summary(os.path.join(args.work, "summary.json"), states, args)
    print("\nSummary (%ds per target, %s, %d jobs):\n%s" % (
        args.seconds, args.engine, jobs, table(states)), flush=True)
    plots = [shown(s.plot) for s in states.values() if s.plot]
    if plots:
        print("Coverage over time (edges, features): %s" % " ".join(plots), flush=True)
    found = 0
    for s in states.values():
        for sig, f in s.findings.items():
            found += 1
            how = ("minimized from %d bytes" % f["raw_size"] if f["minimized"]
                   else "not minimized")
            print("FINDING %s: %s\n    %s (%d bytes, %s)" % (
                s.target, sig, shown(f["path"]), f["size"], how))
    if found:
        print("\nTurn a finding into a regression with:\n"
              "  fuzz/new_regression.sh TARGET FILE NAME")
    failed = [s for s in states.values() if s.failure]
    for s in failed:
        print("DRIVER FAILURE %s: %s" % (s.target, s.failure))
    if failed:
        print("\nrun_campaign: driver failure in %d of %d targets (%s); exit status %d%s" % (
            len(failed), len(states), ", ".join(s.target for s in failed), EXIT_DRIVER,
            ", findings above" if found else ""))
        return EXIT_DRIVER
    if found:
        print("\nrun_campaign: %d finding(s), all %d targets done; exit status %d" % (
            found, len(states), EXIT_FINDINGS))
        return EXIT_FINDINGS
    print("\nrun_campaign: all %d targets done, no findings; exit status %d" % (
        len(states), EXIT_OK))
    return EXIT_OK


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001 - a crash of the driver is no finding
        traceback.print_exc()
        print("run_campaign: driver error: %s: %s; exit status %d" % (
            type(e).__name__, e, EXIT_DRIVER), flush=True)
        sys.exit(EXIT_DRIVER)

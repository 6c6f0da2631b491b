#!/usr/bin/env python3
"""Runs a fuzzing campaign over every target and summarizes it.

    fuzz/run_campaign.py --build build/fuzz [--seconds 60] [--jobs N]
                         [--engine libfuzzer|afl] [--targets a,b] [--no-merge]

For each target, in a pool of --jobs parallel workers: fuzz for --seconds
(restarting after a finding until the time is used), starting from
corpus/<target>/ with the target's .options (dictionary, max_len); then merge
what added coverage back into corpus/<target>/ (-merge=1, files named by
sha1); minimize each finding (-minimize_crash), de-duplicate it by the failed
property or the sanitizer's top frame, and keep one file per distinct finding
in fuzz-work/findings/<target>/. Prints live progress (execs/s, cov, corpus,
findings) and a summary table; exits 1 when anything was found.
"""
import argparse
import configparser
import hashlib
import os
import re
import shutil
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS = ["command_line", "reply_line", "ehlo_reply", "command_stream",
           "command_stream_structured", "reply_stream", "policy", "data", "differential",
           "session_oneway", "session_split", "session_dialogue"]
STAT_RE = re.compile(r"cov: (\d+) ft: (\d+) corp: (\d+)/\S+ .*?exec/s: (\d+)")


class State:
    def __init__(self, target):
        self.target = target
        self.status = "queued"
        self.cov = self.ft = self.corpus = self.execs = 0
        self.total_execs = 0
        self.findings = {}  # signature -> file
        self.added = 0
        self.lock = threading.Lock()


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


def run_libfuzzer(binary, state, args, work, corpus):
    deadline = time.time() + args.seconds
    new_dir = os.path.join(work, "new")
    art_dir = os.path.join(work, "artifacts") + "/"
    os.makedirs(new_dir, exist_ok=True)
    os.makedirs(art_dir, exist_ok=True)
    runs = 0
    while True:
        left = int(deadline - time.time())
        if left < 2:
            break
        runs += 1
        cmd = [binary, "-max_total_time=%d" % left, "-print_final_stats=1",
               "-artifact_prefix=" + art_dir, "-rss_limit_mb=2048", "-timeout=10"]
        cmd += options_args(state.target) + [new_dir, corpus]
        with state.lock:
            state.status = "fuzzing" if runs == 1 else "fuzzing (run %d)" % runs
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                                errors="replace")
        log = []
        for line in proc.stderr:
            log.append(line)
            m = STAT_RE.search(line)
            if m:
                with state.lock:
                    state.cov, state.ft, state.corpus, state.execs = map(int, m.groups())
            m = re.match(r"#(\d+)", line)
            if m:
                with state.lock:
                    state.last_iter = int(m.group(1))
        proc.wait()
        with state.lock:
            state.total_execs += getattr(state, "last_iter", 0)
            state.last_iter = 0
        text = "".join(log)
        with open(os.path.join(work, "log.%d" % runs), "w") as f:
            f.write(text)
        m = re.search(r"Test unit written to (\S+)", text)
        if proc.returncode != 0 and m:
            record_finding(binary, state, m.group(1), text, work)
        elif proc.returncode != 0:
            with state.lock:
                state.findings.setdefault("engine failure rc=%d" % proc.returncode,
                                          os.path.join(work, "log.%d" % runs))
            break


def record_finding(binary, state, crash, log, work):
    """libFuzzer: minimize the input, then keep it."""
    minimized = crash + ".min"
    subprocess.run([binary, "-minimize_crash=1", "-runs=20000", "-exact_artifact_path=" + minimized,
                    crash], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    keep_finding(state, minimized if os.path.exists(minimized) else crash, log)


def record_finding_afl(state, path, log):
    keep_finding(state, path, log)


def keep_finding(state, path, log):
    """Keeps one file per distinct finding in fuzz-work/findings/<target>/."""
    sig = signature(log)
    with state.lock:
        if sig in state.findings:
            return
        out_dir = os.path.join(ROOT, "fuzz-work", "findings", state.target)
        os.makedirs(out_dir, exist_ok=True)
        dest = os.path.join(out_dir, hashlib.sha1(sig.encode()).hexdigest()[:12])
        shutil.copyfile(path, dest)
        with open(dest + ".log", "w") as f:
            f.write(sig + "\n\n" + log[-4000:])
        state.findings[sig] = dest


def worker(queue, states, args):
    while True:
        with queue_lock:
            if not queue:
                return
            target = queue.pop(0)
        state = states[target]
        binary = os.path.join(args.build, "fuzz", target)
        work = os.path.join(ROOT, "fuzz-work", target)
        corpus = os.path.join(ROOT, "corpus", target)
        os.makedirs(corpus, exist_ok=True)
        if os.path.isdir(work):
            shutil.rmtree(work)
        os.makedirs(work)
        if not os.path.exists(binary):
            with state.lock:
                state.status = "missing binary"
                state.findings["missing binary " + binary] = binary
            continue
        if args.engine == "afl":
            run_afl(binary, state, args, work, corpus)
            # AFL's driver has no -merge: merge its queue with the libFuzzer
            # build of the same target when there is one (make fuzz builds it).
            libfuzzer = os.path.join(ROOT, "build", "fuzz", "fuzz", target)
            queue = os.path.join(work, "afl", "default", "queue")
            if not args.no_merge and os.path.exists(libfuzzer) and os.path.isdir(queue):
                shutil.rmtree(os.path.join(work, "new"), ignore_errors=True)
                shutil.copytree(queue, os.path.join(work, "new"),
                                ignore=shutil.ignore_patterns(".*"))
                merge(libfuzzer, state, work, corpus)
        else:
            run_libfuzzer(binary, state, args, work, corpus)
            if not args.no_merge:
                merge(binary, state, work, corpus)
        with state.lock:
            state.status = "done"


queue_lock = threading.Lock()


def table(states):
    rows = [("target", "status", "exec/s", "cov", "ft", "corpus", "+merged", "findings")]
    for s in states.values():
        with s.lock:
            rows.append((s.target, s.status, str(s.execs), str(s.cov), str(s.ft), str(s.corpus),
                         str(s.added), str(len(s.findings))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "fuzz"))
    ap.add_argument("--seconds", type=int, default=int(os.environ.get("FUZZ_SECONDS", 60)))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--engine", default="libfuzzer", choices=["libfuzzer", "afl"])
    ap.add_argument("--targets", default=",".join(TARGETS))
    ap.add_argument("--no-merge", action="store_true")
    args = ap.parse_args()
    targets = [t for t in args.targets.split(",") if t]
    states = {t: State(t) for t in targets}
    shutil.rmtree(os.path.join(ROOT, "fuzz-work", "findings"), ignore_errors=True)
    queue = list(targets)
    threads = [threading.Thread(target=worker, args=(queue, states, args), daemon=True)
               for _ in range(max(1, min(args.jobs, len(targets))))]
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
                now - start, len(targets), args.jobs, args.seconds, args.engine, table(states)))
            sys.stdout.flush()
        elif now - last >= 10:
            last = now
            parts = []
            for s in states.values():
                with s.lock:
                    if s.status not in ("queued", "done"):
                        parts.append("%s: %s exec/s cov %s corp %s findings %d" % (
                            s.target, s.execs, s.cov, s.corpus, len(s.findings)))
            print("[%4ds] %s" % (now - start, "; ".join(parts) or "..."), flush=True)
    print("\nSummary (%ds per target, %s):\n%s" % (args.seconds, args.engine, table(states)))
    found = False
    for s in states.values():
        for sig, path in s.findings.items():
            found = True
            print("FINDING %s: %s\n    %s" % (s.target, sig, os.path.relpath(path, ROOT)))
    if found:
        print("\nTurn a finding into a regression with:\n"
              "  fuzz/new_regression.sh TARGET FILE NAME")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

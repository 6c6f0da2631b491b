#!/usr/bin/env python3
"""End-to-end test of the campaign driver (fuzz/run_campaign.py, `make fuzz`).

    fuzz/test_campaign.py --build build/fuzz --afl-build build/fuzz-afl
                          --targets a,b,... --afl-targets a,b
                          [--seconds 3] [--jobs 2] [unittest options]

Run by `make test-fuzz` (fuzz-campaign-test), which builds both builds first
(the AFL++ one for --afl-targets and planted_crash only). Every campaign runs
on a temporary copy of the corpus; the test checks that corpus/ is unchanged.

  - `make fuzz` with libFuzzer over --targets and `make fuzz ENGINE=afl` over
    --afl-targets: exit status 0, one summary row per target, every target
    `done`, fuzzed for its budget, exec/s > 0, merged.
  - the planted-crash target (fuzz/testing/planted_crash.cc) with both
    engines: exit status 1, one finding, minimized, de-duplicated, reported.
  - driver failures, exit status 3 with the target and the cause named: a
    missing binary, an engine that stops early or fails, a merge that
    fails, a worker that raises, a driver with a function deleted (the
    NameError of issue 9), and findings together with a failure.
"""
import argparse
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DRIVER = os.path.join(ROOT, "fuzz", "run_campaign.py")
sys.path.insert(0, os.path.join(ROOT, "fuzz"))
import run_campaign  # noqa: E402

ARGS = None  # command-line options, set in main()
PLANTED = "planted_crash"
# Seeds for the planted target, without the planted bytes: long ones, and
# short ones one octet away, so that both engines find it within a second.
PLANTED_SEEDS = [b"MAIL FROM:<a@b> SIZE=%d\r\nRCPT TO:<c@d>\r\n" % i * 4 for i in range(3)] + [
    b"BU", b"RCPT TO:<BU@d>\r\n"]


def snapshot(path):
    """Names, sizes and modification times of every file below path."""
    out = {}
    for dirpath, _, files in os.walk(path):
        for name in files:
            p = os.path.join(dirpath, name)
            st = os.stat(p)
            out[os.path.relpath(p, path)] = (st.st_size, st.st_mtime_ns)
    return out


def summary_rows(stdout):
    """The rows of the printed summary table, as lists of columns."""
    m = re.search(r"^Summary \(.*\):\n(target .*)\n((?:\S.*\n)*)", stdout, re.M)
    if not m:
        return None
    return [line.split() for line in m.group(2).splitlines()
            if not line.startswith(("FINDING", "DRIVER FAILURE", "Coverage over time", " "))]


def write_script(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


# A stand-in libFuzzer binary: fuzzes by sleeping for -max_total_time,
# reports executions, and merges successfully unless FAKE_MERGE_FAILS is set.
FAKE_FUZZER = r"""#!/bin/sh
for a in "$@"; do
  case $a in
    -merge=1)
      if [ -n "${FAKE_MERGE_FAILS:-}" ]; then echo "merge: cannot read control file" >&2; exit 1; fi
      echo "MERGE-OUTER: 0 new files with 0 new features added; 0 new coverage edges" >&2
      exit 0 ;;
    -max_total_time=*) sleep "${a#-max_total_time=}" ;;
  esac
done
echo "#100 DONE cov: 5 ft: 6 corp: 1/1b exec/s: 50 rss: 1Mb" >&2
echo "stat::number_of_executed_units: 100" >&2
exit 0
"""


class Campaign(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="smtp-campaign-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.corpus = os.path.join(self.tmp, "corpus")
        self.work = os.path.join(self.tmp, "work")
        os.makedirs(self.corpus)

    def copy_corpus(self, targets):
        for t in targets:
            src = os.path.join(ROOT, "corpus", t)
            self.assertTrue(os.path.isdir(src), "no corpus/%s for target %s" % (t, t))
            shutil.copytree(src, os.path.join(self.corpus, t))

    def plant_seeds(self):
        d = os.path.join(self.corpus, PLANTED)
        os.makedirs(d, exist_ok=True)
        for i, seed in enumerate(PLANTED_SEEDS):
            with open(os.path.join(d, "seed%d" % i), "wb") as f:
                f.write(seed)

    def run_cmd(self, cmd, env=None):
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, errors="replace",
                           env=dict(os.environ, **(env or {})))
        self.output = "$ %s\n%s%s" % (" ".join(cmd), r.stdout[-6000:], r.stderr[-3000:])
        return r

    def driver(self, targets, engine="libfuzzer", build=None, seconds=None, driver=DRIVER,
               env=None, merge_build=None):
        cmd = [sys.executable, driver, "--engine", engine, "--build", build or ARGS.build,
               "--merge-build", merge_build or ARGS.build, "--seconds",
               str(seconds or ARGS.seconds), "--jobs", str(ARGS.jobs), "--targets",
               ",".join(targets), "--corpus", self.corpus, "--work", self.work]
        return self.run_cmd(cmd, env)

    def make_fuzz(self, targets, engine):
        return self.run_cmd(["make", "--no-print-directory", "fuzz", "ENGINE=" + engine,
                             "FUZZ_SECONDS=%d" % ARGS.seconds, "FUZZ_JOBS=%d" % ARGS.jobs,
                             "FUZZ_TARGETS=" + ",".join(targets), "FUZZ_BUILD=" + ARGS.build,
                             "FUZZ_AFL_BUILD=" + ARGS.afl_build, "FUZZ_CORPUS=" + self.corpus,
                             "FUZZ_WORK=" + self.work])

    def summary(self):
        with open(os.path.join(self.work, "summary.json")) as f:
            return {row["target"]: row for row in json.load(f)["targets"]}

    def check_clean_run(self, r, targets, engine):
        msg = self.output
        self.assertEqual(r.returncode, 0, msg)
        rows = summary_rows(r.stdout)
        self.assertIsNotNone(rows, "no summary table\n" + msg)
        self.assertEqual(sorted(row[0] for row in rows), sorted(targets),
                         "summary: not one row per target\n" + msg)
        for row in rows:
            self.assertEqual(row[1], "done", "summary row %s\n%s" % (row, msg))
        self.assertIn("run_campaign: all %d targets done, no findings; exit status 0"
                      % len(targets), r.stdout, msg)
        self.assertNotIn("DRIVER FAILURE", r.stdout, msg)
        summary = self.summary()
        self.assertEqual(sorted(summary), sorted(targets), msg)
        for t in targets:
            row = summary[t]
            with self.subTest(target=t):
                self.assertEqual(row["status"], "done", msg)
                self.assertIsNone(row["failure"], msg)
                self.assertGreaterEqual(row["seconds"], ARGS.seconds - run_campaign.BUDGET_SLACK,
                                        "%s did not fuzz for its budget\n%s" % (t, msg))
                self.assertGreater(row["execs"], 0, msg)
                self.assertGreater(row["exec_per_sec"], 0, msg)
                self.assertTrue(row["merged"], "%s: no merge\n%s" % (t, msg))
                with open(os.path.join(self.work, t, "merge.log")) as f:
                    self.assertRegex(f.read(), r"MERGE-OUTER: \d+ new files", msg)
                self.assertEqual(row["findings"], [], msg)
                if engine == "afl":
                    self.assertTrue(os.path.isfile(os.path.join(
                        self.work, t, "afl", "default", "fuzzer_stats")), msg)
                self.check_plot(r, t, row, engine)

    def check_plot(self, r, target, row, engine):
        """Coverage over time next to the summary: the series (from libFuzzer's
        progress lines or AFL++'s plot_data) and its PNG."""
        msg = self.output
        base = os.path.join(self.work, target + ".coverage")
        self.assertEqual(row["plot"], base + ".png", msg)
        with open(base + ".png", "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", "%s: not a PNG" % target)
        self.assertRegex(r.stdout, r"(?m)^Coverage over time \(edges, features\): .*%s\.coverage\.png"
                         % re.escape(target), msg)
        with open(base + ".tsv") as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[0], "# seconds\tedges\tfeatures")
        rows = [ln.split("\t") for ln in lines[1:]]
        self.assertTrue(rows, "%s: empty series" % target)
        seconds = [float(c[0]) for c in rows]
        edges = [int(c[1]) for c in rows]
        self.assertEqual(seconds, sorted(seconds), "%s: time goes back" % target)
        self.assertLessEqual(seconds[-1], row["seconds"] + 5, msg)
        self.assertGreater(edges[-1], 0, msg)
        if engine == "libfuzzer":
            # The last progress line is the summary's cov and ft.
            self.assertEqual((edges[-1], int(rows[-1][2])), (row["cov"], row["ft"]), msg)
        else:
            self.assertTrue(all(c[2] == "-" for c in rows), msg)

    def check_planted(self, r, min_crashes):
        msg = self.output
        self.assertEqual(r.returncode, 1, msg)
        self.assertIn("run_campaign: 1 finding(s), all 1 targets done; exit status 1",
                      r.stdout, msg)
        self.assertNotIn("DRIVER FAILURE", r.stdout, msg)
        row = self.summary()[PLANTED]
        self.assertEqual(row["status"], "done", msg)
        self.assertGreaterEqual(row["crashes"], min_crashes, msg)
        # De-duplicated: every crash has the same signature, one finding.
        self.assertEqual(len(row["findings"]), 1, msg)
        f = row["findings"][0]
        self.assertRegex(f["signature"],
                         r"^planted_crash\.cc:\d+ planted bug: input contains BUG \(N octets\)$")
        # Minimized: smaller or equal, still the bug, a handful of octets.
        self.assertTrue(f["minimized"], msg)
        with open(f["path"], "rb") as fh:
            data = fh.read()
        self.assertIn(b"BUG", data)
        self.assertLessEqual(len(data), min(8, f["raw_size"]), data)
        self.assertEqual(os.path.dirname(f["path"]), os.path.join(self.work, "findings", PLANTED))
        self.assertEqual(sorted(os.listdir(os.path.dirname(f["path"]))),
                         sorted([os.path.basename(f["path"]), os.path.basename(f["path"]) + ".log"]))
        # Reported.
        self.assertIn("FINDING planted_crash: " + f["signature"], r.stdout, msg)
        self.assertIn("%s (%d bytes, minimized from %d bytes)" % (
            f["path"], len(data), f["raw_size"]), r.stdout, msg)
        self.assertIn("fuzz/new_regression.sh TARGET FILE NAME", r.stdout, msg)

    def check_failure(self, r, target, cause):
        msg = self.output
        self.assertEqual(r.returncode, run_campaign.EXIT_DRIVER, msg)
        self.assertRegex(r.stdout, r"DRIVER FAILURE %s: %s" % (re.escape(target), cause), msg)
        self.assertRegex(r.stdout, r"run_campaign: driver failure in \d+ of \d+ targets \(.*%s.*\); "
                         r"exit status 3" % re.escape(target), msg)
        self.assertEqual(self.summary()[target]["status"], "FAILED", msg)
        rows = summary_rows(r.stdout)
        self.assertIn(target, [row[0] for row in rows], msg)

    # --- the product: make fuzz, both engines -------------------------------
    def check_make_fuzz(self, targets, engine):
        """`make fuzz ENGINE=engine` on a copy of the corpus: a clean run that
        leaves corpus/ as it was."""
        self.copy_corpus(targets)
        before = snapshot(os.path.join(ROOT, "corpus"))
        self.check_clean_run(self.make_fuzz(targets, engine), targets, engine)
        self.assertEqual(snapshot(os.path.join(ROOT, "corpus")), before, "corpus/ changed")

    def test_make_fuzz_libfuzzer_every_target(self):
        self.check_make_fuzz(ARGS.targets, "libfuzzer")

    def test_make_fuzz_afl(self):
        self.check_make_fuzz(ARGS.afl_targets, "afl")

    # --- findings: exit status 1 ----------------------------------------------
    def test_planted_crash_libfuzzer(self):
        self.plant_seeds()
        r = self.driver([PLANTED])
        # libFuzzer stops at each crash and is restarted: it finds the bug
        # again and again, and the driver keeps one.
        self.check_planted(r, min_crashes=2)

    def test_planted_crash_afl(self):
        self.plant_seeds()
        r = self.driver([PLANTED], engine="afl", build=ARGS.afl_build)
        self.check_planted(r, min_crashes=1)

    # --- driver failures: exit status 3 -----------------------------------------
    def test_missing_binary_with_finding(self):
        self.plant_seeds()
        r = self.driver([PLANTED, "no_such_target"], seconds=2)
        self.check_failure(r, "no_such_target", "no fuzz target binary .*no_such_target")
        # The finding is still reported, and told apart from the failure.
        self.assertIn("FINDING planted_crash: ", r.stdout, self.output)
        self.assertIn("exit status 3, findings above", r.stdout, self.output)
        self.assertEqual(self.summary()[PLANTED]["status"], "done")

    def fake_build(self, name, script):
        build = os.path.join(self.tmp, "fake-build")
        write_script(os.path.join(build, "fuzz", name), script)
        os.makedirs(os.path.join(self.corpus, name), exist_ok=True)
        return build

    def test_engine_stops_early(self):
        build = self.fake_build("quits", "#!/bin/sh\nexit 0\n")
        r = self.driver(["quits"], build=build, merge_build=build)
        self.check_failure(r, "quits", r"libFuzzer stopped after \d+\.\d s of a \d+ s run")

    def test_engine_fails_without_test_unit(self):
        build = self.fake_build("broken", "#!/bin/sh\necho 'cannot start' >&2\nexit 1\n")
        r = self.driver(["broken"], build=build, merge_build=build, seconds=1)
        self.check_failure(r, "broken", "libFuzzer exited with status 1 without a test unit")
        self.assertIn("cannot start", r.stdout)

    def test_merge_fails(self):
        build = self.fake_build("nomerge", FAKE_FUZZER)
        r = self.driver(["nomerge"], build=build, merge_build=build, seconds=1,
                        env={"FAKE_MERGE_FAILS": "1"})
        self.check_failure(r, "nomerge", r"merge into .* failed \(status 1")
        self.assertFalse(self.summary()["nomerge"]["merged"])

    def test_fake_engine_runs_clean(self):
        # The control for the two tests above: the same stand-in succeeds.
        build = self.fake_build("fake", FAKE_FUZZER)
        r = self.driver(["fake"], build=build, merge_build=build, seconds=1)
        self.assertEqual(r.returncode, 0, self.output)
        self.assertEqual(self.summary()["fake"]["exec_per_sec"] > 0, True)

    def test_worker_raises(self):
        build = self.fake_build("raises", FAKE_FUZZER)
        shutil.rmtree(os.path.join(self.corpus, "raises"))
        with open(os.path.join(self.corpus, "raises"), "w") as f:
            f.write("a file where the corpus directory should be\n")
        r = self.driver(["raises"], build=build, merge_build=build, seconds=1)
        self.check_failure(r, "raises", "driver error: FileExistsError")

    def driver_without(self, function):
        """A copy of the driver with `function` deleted."""
        copy = os.path.join(self.tmp, "root", "fuzz")
        os.makedirs(copy, exist_ok=True)
        shutil.copy(os.path.join(ROOT, "fuzz", "fuzz.mk"), copy)
        with open(DRIVER) as f:
            source = f.read()
        source, n = re.subn(r"^def %s\(.*?(?=^def )" % function, "", source, flags=re.M | re.S)
        self.assertEqual(n, 1)
        with open(os.path.join(copy, "run_campaign.py"), "w") as f:
            f.write(source)
        return os.path.join(copy, "run_campaign.py")

    def test_driver_function_deleted(self):
        # Issue 9: the driver called a function that no longer existed, its
        # workers died with NameError and the campaign exited 0.
        build = self.fake_build("fake", FAKE_FUZZER)
        r = self.driver(["fake"], build=build, merge_build=build, seconds=1,
                        driver=self.driver_without("merge"))
        self.check_failure(r, "fake", "driver error: NameError: name 'merge' is not defined")

    def test_driver_crashes_in_main_thread(self):
        # Not in a worker: the driver itself fails, with status 3, not
        # Python's 1 (which would read as findings).
        build = self.fake_build("fake", FAKE_FUZZER)
        r = self.driver(["fake"], build=build, merge_build=build, seconds=1,
                        driver=self.driver_without("table"))
        self.assertEqual(r.returncode, run_campaign.EXIT_DRIVER, self.output)
        self.assertIn("run_campaign: driver error: NameError: name 'table' is not defined; "
                      "exit status 3", r.stdout, self.output)

    def test_usage_error(self):
        r = self.run_cmd([sys.executable, DRIVER, "--targets", "a,a"])
        self.assertEqual(r.returncode, run_campaign.EXIT_USAGE, self.output)
        self.assertIn("listed twice", r.stderr)

    # --- pure functions and the target lists -------------------------------------
    def test_signature(self):
        a = ("fuzz/differential.cc:120: property failed: x\n"
             "  command: parser syntax@12, oracle bad_path@3 on 'MAIL FROM:<a>'\n")
        b = ("fuzz/differential.cc:120: property failed: x\n"
             "  command: parser syntax@7, oracle bad_path@1 on 'RCPT TO:<b>'\n")
        c = ("fuzz/differential.cc:120: property failed: x\n"
             "  command: parser bad_path@7, oracle syntax@1 on 'RCPT TO:<b>'\n")
        self.assertEqual(run_campaign.signature(a), run_campaign.signature(b))
        self.assertNotEqual(run_campaign.signature(a), run_campaign.signature(c))
        asan = ("==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x1\n"
                "    #0 0x55 in smtp::ParseCommand(std::string_view) parser/src/command.cc:10\n")
        self.assertEqual(run_campaign.signature(asan),
                         "ERROR: AddressSanitizer: heap-buffer-overflow in smtp::ParseCommand(std::string_view)")

    def test_target_lists_agree(self):
        mk = run_campaign.fuzz_targets()
        self.assertTrue(mk, "no FUZZ_TARGETS in fuzz/fuzz.mk")
        with open(os.path.join(ROOT, "fuzz", "CMakeLists.txt")) as f:
            m = re.search(r"set\(SMTP_FUZZ_TARGETS\s+([^)]*)\)", f.read())
        self.assertEqual(m.group(1).split(), mk,
                         "FUZZ_TARGETS (fuzz/fuzz.mk) and SMTP_FUZZ_TARGETS (fuzz/CMakeLists.txt)")
        with open(os.path.join(ROOT, "tests", "fuzz.cmake")) as f:
            m = re.search(r"set\(_smtp_fuzz_targets\s+([^)]*)\)", f.read())
        self.assertEqual(m.group(1).split(), mk,
                         "FUZZ_TARGETS (fuzz/fuzz.mk) and _smtp_fuzz_targets (tests/fuzz.cmake)")
        self.assertNotIn(PLANTED, mk)
        for t in mk:
            for p in ("fuzz/%s.cc" % t, "fuzz/%s.options" % t, "corpus/%s" % t):
                self.assertTrue(os.path.exists(os.path.join(ROOT, p)), "%s: no %s" % (t, p))


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--afl-build", required=True)
    ap.add_argument("--targets", required=True)
    ap.add_argument("--afl-targets", required=True)
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ARGS, rest = ap.parse_known_args()
    ARGS.build = os.path.abspath(ARGS.build)
    ARGS.afl_build = os.path.abspath(ARGS.afl_build)
    ARGS.targets = [t for t in ARGS.targets.split(",") if t]
    ARGS.afl_targets = [t for t in ARGS.afl_targets.split(",") if t]
    unittest.main(argv=[sys.argv[0], "-v"] + rest)


if __name__ == "__main__":
    main()

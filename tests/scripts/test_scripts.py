#!/usr/bin/env python3
"""Runs every script and make target that README.md or docs/ tell a user to
run, on small inputs, and checks what it prints or writes.

    tests/scripts/test_scripts.py --fuzz-build build/fuzz --gcc-build build/gcc
                                  [unittest options]

Run by `make test` (test-scripts) after the GCC and fuzz builds exist. Nothing
here writes into the source tree: corpora, regressions and documents are
temporary copies. test_every_named_script_is_tested fails when README.md or
docs/ name a script or make target that no test runs.
"""
import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "fuzz"))
import run_campaign  # noqa: E402
from test_campaign import snapshot  # noqa: E402
sys.path.insert(0, os.path.join(ROOT, "tests", "mutation"))
import mutate  # noqa: E402

ARGS = None
TARGETS = run_campaign.fuzz_targets()

# What README.md and docs/ name, and what runs it: a test_* method of this
# file, or another test file or make part named here (checked to exist).
COVERED = {
    "fuzz/new_regression.sh": "test_new_regression",
    "fuzz/triage.sh": "test_triage",
    "fuzz/compare_mutators.sh": "test_compare_mutators",
    "fuzz/make_seeds.py": "test_make_seeds",
    "fuzz/run_campaign.py": "fuzz/test_campaign.py",
    "fuzz/test_clusterfuzzlite.sh": "fuzz/fuzz.mk:fuzz-cflite-test",
    ".clusterfuzzlite/build.sh": "fuzz/test_clusterfuzzlite.sh",
    "fuzz/test_campaign.py": "fuzz/fuzz.mk:fuzz-campaign-test",
    "tests/scripts/lint.sh": "Makefile:test-lint",
    "tests/scripts/test_scripts.py": "Makefile:test-scripts",
    "bench/compare.sh": "test_bench_compare",
    "bench/py_smtplib.py": "test_bench_compare",
    "bench/py_smtp_module.py": "python/CMakeLists.txt",
    "tests/pcap/regenerate.sh": "tests/pcap.cmake",
    "tests/pcap/capture.py": "tests/pcap.cmake",
    "tests/pcap/reorder.py": "tests/pcap.cmake",
    "tests/pcap/check_pcap.py": "tests/pcap.cmake",
    ".ci/run": "test_ci_run_is_make_test",
    "smtp-bench": "test_bench_compare",
    "smtp_benchmarks": "test_smtp_benchmarks",
    "smtp-parse": "tests/cli_test.cc",
    "make test": ".ci/run",
    "make fuzz": "fuzz/test_campaign.py",
    "make test-fuzz": "Makefile:test-fuzz",
    "make test-gcc": "Makefile:test-gcc",
    "make test-asan": "Makefile:test-asan",
    "make build": "test_make_build_and_tools",
    "make tools": "test_make_build_and_tools",
    "make coverage": "test_make_coverage",
    "make fuzz-gcc": "test_make_fuzz_gcc",
    "make format": "test_make_format",
    "make clean": "test_make_clean",
    "make mutate": "test_make_mutate",
    "tests/mutation/mutate.py": "test_make_mutate",
}
NAMED_RE = re.compile(
    r"(?<![\w/.-])((?:fuzz|bench|tests|tools|parser|cmake|\.ci|\.clusterfuzzlite)/[\w./-]+\.(?:sh|py)"
    r"|\.ci/run|smtp-bench|smtp_benchmarks|smtp-parse)\b"
    r"|(?:`|^[ \t]*|\$ )(make [a-z][\w-]*)", re.M)


def sha1(data):
    return hashlib.sha1(data).hexdigest()


class Scripts(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="smtp-scripts-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def run_cmd(self, cmd, env=None, cwd=ROOT):
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace",
                           env=dict(os.environ, **(env or {})))
        self.output = "$ %s\n%s%s" % (" ".join(cmd), r.stdout[-6000:], r.stderr[-4000:])
        return r

    def make(self, *args, cwd=ROOT):
        return self.run_cmd(["make", "--no-print-directory"] + list(args), cwd=cwd)

    def small_corpus(self, per_target=3):
        """The first few inputs of each target's corpus, in a temporary copy."""
        corpus = os.path.join(self.tmp, "corpus")
        for t in TARGETS:
            os.makedirs(os.path.join(corpus, t))
            for name in sorted(os.listdir(os.path.join(ROOT, "corpus", t)))[:per_target]:
                shutil.copy(os.path.join(ROOT, "corpus", t, name), os.path.join(corpus, t))
        return corpus

    # --- the list ------------------------------------------------------------
    def test_every_named_script_is_tested(self):
        docs = [os.path.join(ROOT, "README.md")] + sorted(
            os.path.join(ROOT, "docs", f) for f in os.listdir(os.path.join(ROOT, "docs"))
            if f.endswith(".md"))
        named = set()
        for path in docs:
            with open(path) as f:
                for m in NAMED_RE.finditer(f.read()):
                    named.add(m.group(1) or m.group(2))
        self.assertIn("make fuzz", named)
        untested = sorted(n for n in named if n not in COVERED)
        self.assertEqual(untested, [], "README.md or docs/ name these, and no test runs them: "
                         "add a test to tests/scripts/test_scripts.py and list it in COVERED")
        for name, how in COVERED.items():
            if how.startswith("test_"):
                self.assertTrue(hasattr(self, how), "%s: no test %s" % (name, how))
            else:
                path, _, rule = how.partition(":")
                self.assertTrue(os.path.exists(os.path.join(ROOT, path)), how)
                if rule:
                    with open(os.path.join(ROOT, path)) as f:
                        self.assertRegex(f.read(), r"(?m)^%s:" % re.escape(rule), how)

    def test_ci_run_is_make_test(self):
        with open(os.path.join(ROOT, ".ci", "run")) as f:
            lines = [ln for ln in f.read().splitlines() if ln and not ln.startswith("#")]
        self.assertRegex(lines[-1], r"^make test( |$)")
        with open(os.path.join(ROOT, "Makefile")) as f:
            mk = f.read()
        for part in ("test-lint", "test-gcc", "test-asan", "test-fuzz", "test-scripts"):
            self.assertRegex(mk, r"for t in [^;]*\b%s\b" % part, "make test does not run " + part)

    # --- fuzz/ scripts -------------------------------------------------------------
    def test_new_regression(self):
        script = os.path.join(ROOT, "fuzz", "new_regression.sh")
        regressions = os.path.join(self.tmp, "regressions")
        finding = os.path.join(self.tmp, "finding")
        with open(finding, "wb") as f:
            f.write(b"MAIL FROM:<a@b> SIZE=10\r\n")
        before = snapshot(os.path.join(ROOT, "corpus"))
        r = self.run_cmd([script, "command_line", finding, "mail-size"],
                         env={"REGRESSIONS_DIR": regressions})
        self.assertEqual(r.returncode, 0, self.output)
        dest = os.path.join(regressions, "command_line", "mail-size")
        with open(dest, "rb") as f:
            self.assertEqual(f.read(), b"MAIL FROM:<a@b> SIZE=10\r\n")
        with open(dest + ".expected") as f:
            expected = f.read()
        # What the target sees: the line in each policy, with its fields.
        for policy in ("strict", "lenient", "strict+utf8", "lenient+utf8"):
            self.assertIn("command %s: ok verb=MAIL path=a@b param=SIZE=10\n" % policy, expected)
        self.assertIn("wrote %s and mail-size.expected:\n" % dest, r.stdout)
        self.assertIn("".join("  " + ln + "\n" for ln in expected.splitlines()), r.stdout)
        self.assertEqual(snapshot(os.path.join(ROOT, "corpus")), before, "corpus/ changed")

        r = self.run_cmd([script, "no_such_target", finding, "x"],
                         env={"REGRESSIONS_DIR": regressions})
        self.assertEqual(r.returncode, 2, self.output)
        self.assertIn("unknown target: no_such_target (one of: %s)" % " ".join(TARGETS), r.stderr)
        r = self.run_cmd([script, "command_line"])
        self.assertEqual(r.returncode, 2, self.output)
        self.assertIn("usage:", r.stderr)

    def test_triage(self):
        script = os.path.join(ROOT, "fuzz", "triage.sh")
        d = os.path.join(self.tmp, "inputs")
        os.makedirs(d)
        for name, data in (("bad1", b"xxBUGxx"), ("bad2", b"BUG"), ("good", b"hello"),
                           ("good.expected", b"BUG is skipped here")):
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        planted = os.path.join(ARGS.fuzz_build, "fuzz", "planted_crash")
        r = self.run_cmd([script, planted, d])
        self.assertEqual(r.returncode, 0, self.output)
        self.assertEqual(r.stdout, (
            "{d}/bad1\n    planted bug: input contains BUG (7 octets)\n"
            "{d}/bad2\n    planted bug: input contains BUG (3 octets)\n").format(d=d))
        # A real target over part of its corpus: nothing fails, nothing printed.
        r = self.run_cmd([script, os.path.join(ARGS.fuzz_build, "fuzz", TARGETS[0]),
                          os.path.join(self.small_corpus(), TARGETS[0])])
        self.assertEqual((r.returncode, r.stdout), (0, ""), self.output)
        r = self.run_cmd([script])
        self.assertEqual(r.returncode, 2, self.output)

    def test_compare_mutators(self):
        runs = 3
        r = self.run_cmd([os.path.join(ROOT, "fuzz", "compare_mutators.sh"), "2", str(runs)],
                         env={"FUZZ_BUILD": ARGS.fuzz_build, "FUZZ_WORK": self.tmp})
        self.assertEqual(r.returncode, 0, self.output)
        lines = r.stdout.splitlines()
        targets = ("command_stream", "command_stream_structured")
        self.assertEqual(len(lines), 2 * runs + 2, self.output)
        gains = {t: [] for t in targets}
        for i, line in enumerate(lines[:2 * runs]):
            m = re.fullmatch(r"run (\d+) (\S+) start\(cov ft\)=(\d+) (\d+) "
                             r"end\(cov ft exec/s\)=(\d+) (\d+) (\d+)", line)
            self.assertIsNotNone(m, line)
            self.assertEqual((int(m.group(1)), m.group(2)), (i // 2 + 1, targets[i % 2]))
            cov0, ft0, cov1, ft1, rate = map(int, m.groups()[2:])
            self.assertGreater(cov0, 0, line)
            self.assertGreaterEqual(cov1, cov0, line)
            self.assertGreaterEqual(ft1, ft0, line)
            self.assertGreater(rate, 0, line)
            gains[m.group(2)].append((cov1 - cov0, ft1 - ft0, rate))
        # The medians and ranges are those of the runs above.
        for line, t in zip(lines[2 * runs:], targets):
            def stat(values):
                v = sorted(values)
                return "%d [%d-%d]" % (v[(len(v) - 1) // 2], v[0], v[-1])
            g = gains[t]
            self.assertEqual(line, "median [range] over %d runs: %s cov gain %s ft gain %s exec/s %s" % (
                runs, t, stat(x[0] for x in g), stat(x[1] for x in g), stat(x[2] for x in g)))

    def test_make_seeds(self):
        corpus = os.path.join(self.tmp, "seeds")
        script = os.path.join(ROOT, "fuzz", "make_seeds.py")
        r = self.run_cmd([sys.executable, script, "--corpus", corpus])
        self.assertEqual(r.returncode, 0, self.output)
        counts = {}
        for t in TARGETS:
            d = os.path.join(corpus, t)
            names = os.listdir(d)
            self.assertTrue(names, "no seeds for " + t)
            for name in names:
                with open(os.path.join(d, name), "rb") as f:
                    self.assertEqual(name, sha1(f.read()), "%s/%s is not named by its sha1" % (t, name))
            counts[t] = len(names)
        for t, seed in (("command_line", b"MAIL FROM:<;cmd;>\r\n"), ("reply_line", b"250-x\r\n250\r\n"),
                        ("differential", b"MAIL FROM:<;cmd;>\r\n")):
            self.assertTrue(os.path.exists(os.path.join(corpus, t, sha1(seed))), (t, seed))
        # A real-world capture, whole, behind a stream header.
        captures = sorted(os.path.join(dp, f) for dp, _, fs in
                          os.walk(os.path.join(ROOT, "tests", "data", "realworld"))
                          for f in fs if f.endswith((".sent", ".cmds")))
        self.assertTrue(captures)
        with open(captures[0], "rb") as f:
            whole = b"\x00\x07\x10" + f.read()
        self.assertTrue(os.path.exists(os.path.join(corpus, "command_stream", sha1(whole))))
        # Running it again adds nothing.
        r = self.run_cmd([sys.executable, script, "--corpus", corpus])
        self.assertEqual(r.returncode, 0, self.output)
        self.assertEqual({t: len(os.listdir(os.path.join(corpus, t))) for t in TARGETS}, counts)

    # --- make targets of the fuzz suite --------------------------------------------
    def test_make_coverage(self):
        corpus = self.small_corpus()
        r = self.make("coverage", "FUZZ_CORPUS=" + corpus, "FUZZ_COVERAGE_MIN=0",
                      "FUZZ_BRANCH_COVERAGE_MIN=0")
        self.assertEqual(r.returncode, 0, self.output)
        # The unit tests count too: their profiles are merged with the corpus's.
        profiles = os.path.join(ROOT, "build", "fuzz-coverage", "profiles")
        self.assertIn("unit-command_test.profraw", os.listdir(profiles))
        bm = re.search(r"^coverage: parser/ branch coverage ([\d.]+)% \(minimum 0%\)$", r.stdout, re.M)
        self.assertIsNotNone(bm, self.output)
        self.assertGreater(float(bm.group(1)), 10.0)
        m = re.search(r"^coverage: parser/ line coverage ([\d.]+)% \(minimum 0%\), "
                      r"HTML in (\S+)$", r.stdout, re.M)
        self.assertIsNotNone(m, self.output)
        pct_text, pct, html = m.group(1), float(m.group(1)), os.path.join(ROOT, m.group(2))
        self.assertGreater(pct, 10.0)
        self.assertLess(pct, 100.0)
        self.assertTrue(os.path.isfile(os.path.join(html, "index.html")))
        report = os.path.join(os.path.dirname(html), "report.txt")
        with open(report) as f:
            text = f.read()
        self.assertRegex(text, r"(?m)^TOTAL\s")
        for src in ("command.cc", "reply.cc", "stream.cc", "line.cc"):
            self.assertRegex(text, r"(?m)^\S*src/%s\s" % re.escape(src))
        # Each gate fails below its minimum.
        r = self.make("coverage", "FUZZ_CORPUS=" + corpus, "FUZZ_COVERAGE_MIN=100",
                      "FUZZ_BRANCH_COVERAGE_MIN=0")
        self.assertNotEqual(r.returncode, 0, self.output)
        self.assertIn("line coverage %s%% (minimum 100%%)" % pct_text, r.stdout)
        r = self.make("coverage", "FUZZ_CORPUS=" + corpus, "FUZZ_COVERAGE_MIN=0",
                      "FUZZ_BRANCH_COVERAGE_MIN=100")
        self.assertNotEqual(r.returncode, 0, self.output)
        self.assertIn("branch coverage %s%% (minimum 100%%)" % bm.group(1), r.stdout)

    def test_make_mutate(self):
        """make mutate on two mutants of parser/src/options.cc: a deviation's
        name returned empty (the unit tests check every name: killed by the
        GCC stage), and one more; the report goes to a temporary file."""
        script = os.path.join(ROOT, "tests", "mutation", "mutate.py")
        r = self.run_cmd([sys.executable, script, "--list", "--mutants", "all", "--files", "options.cc"])
        self.assertEqual(r.returncode, 0, self.output)
        listed = re.findall(r"^([0-9a-f]{10}) (parser/src/options.cc):(\d+) (\w+) `(.*)` -> `(.*)`$",
                            r.stdout, re.M)
        self.assertTrue(listed, self.output)
        killable = [m for m in listed if m[3] == "RVR" and re.match(r'return "\w+";$', m[4])]
        self.assertTrue(killable, self.output)
        other = [m for m in listed if m[0] != killable[0][0]][0]
        ids = [killable[0][0], other[0]]
        report = os.path.join(self.tmp, "mutation.md")
        verdicts = os.path.join(self.tmp, "verdicts.txt")
        with open(verdicts, "w") as f:
            f.write("%s equivalent: marked so by the test, should it survive\n" % other[0])
        src = os.path.join(ROOT, "parser", "src")
        before = snapshot(src), snapshot(os.path.join(ROOT, "docs"))
        r = self.make("mutate", "MUTATE_FUZZ_SECONDS=2",
                      "MUTATE_FLAGS=--ids %s --report %s --verdicts %s" % (",".join(ids), report, verdicts))
        self.assertEqual(r.returncode, 0, self.output)
        self.assertEqual((snapshot(src), snapshot(os.path.join(ROOT, "docs"))), before,
                         "parser/src/ or docs/ changed")
        self.assertRegex(r.stdout, r"(?m)^mutate: baseline passes: gcc\+asan unit tests, %d fuzz targets "
                         r"for 2 s each$" % len(TARGETS))
        m = re.search(r"^\[1/2\] killed +gcc +parser/src/options.cc:%s RVR `%s` -> `return \{\};`"
                      r"  \(options_test \S+\)$" % (killable[0][2], re.escape(killable[0][4])),
                      r.stdout, re.M)
        self.assertIsNotNone(m, self.output)
        m = re.search(r"^\[2/2\] (killed|survived) +(gcc|asan|fuzz|) +parser/src/options.cc:%s %s "
                      % (other[2], other[3]), r.stdout, re.M)
        self.assertIsNotNone(m, self.output)
        second_killed = m.group(1) == "killed"
        m = re.search(r"^mutate: 2 mutants, 0 stillborn, (\d) equivalent, (\d) of (\d) killed: "
                      r"mutation score ([\d.]+)%$", r.stdout, re.M)
        self.assertIsNotNone(m, self.output)
        expect = (0, 2, 2, 100.0) if second_killed else (1, 1, 1, 100.0)
        self.assertEqual((int(m.group(1)), int(m.group(2)), int(m.group(3)), float(m.group(4))),
                         expect, self.output)
        self.assertRegex(r.stdout, r"(?m)^mutate: \d+ s for 2 mutants \([\d.]+ s each\); report %s$"
                         % re.escape(report))
        with open(report) as f:
            text = f.read()
        self.assertIn("**mutation score 100.0%**", text)
        self.assertRegex(text, r"\| %s \| parser/src/options.cc:%s \| RVR \| killed \| gcc: options_test "
                         % (ids[0], killable[0][2]))
        if not second_killed:
            self.assertRegex(text, r"\| %s \| parser/src/options.cc:%s \| .* \| equivalent: marked so "
                             % (ids[1], other[2]))
        # An unknown id is a usage error.
        r = self.run_cmd([sys.executable, script, "--ids", "0000000000", "--report", report])
        self.assertEqual(r.returncode, 2, self.output)

    def test_mutate_fuzzes_with_the_campaign_targets_and_options(self):
        """mutate.py's fuzz stage takes run_campaign's target list (FUZZ_TARGETS
        of fuzz/fuzz.mk) and each target's fuzz/<target>.options, not a copy."""
        self.assertIs(mutate.fuzz_targets, run_campaign.fuzz_targets)
        self.assertIs(mutate.options_args, run_campaign.options_args)
        with open(os.path.join(ROOT, "fuzz", "fuzz.mk")) as f:
            listed = re.search(r"^FUZZ_TARGETS \?= *(\S+)", f.read(), re.M).group(1).split(",")
        self.assertEqual(mutate.fuzz_targets(), listed)
        max_lens = set()
        for t in listed:
            with self.subTest(target=t):
                with open(os.path.join(ROOT, "fuzz", t + ".options")) as f:
                    max_len = re.search(r"^max_len *= *(\d+)$", f.read(), re.M).group(1)
                max_lens.add(max_len)
                cmd = mutate.fuzz_command("/bin/" + t, t, 7, "/w")
                self.assertEqual(cmd[0], "/bin/" + t)
                self.assertIn("-max_total_time=7", cmd)
                self.assertIn("-max_len=" + max_len, cmd)
                self.assertEqual([a for a in cmd if a.startswith("-max_len=")], ["-max_len=" + max_len])
                self.assertIn("-dict=" + os.path.join(ROOT, "fuzz", "smtp.dict"), cmd)
                self.assertEqual(cmd[-2:], ["/w", os.path.join(ROOT, "corpus", t)])
        # The targets do not all share one max_len (the copy had 8192 for all).
        self.assertGreater(len(max_lens), 1, max_lens)

    def fake_fuzzer(self, name, fuzz_exit, replay_exit, artifact=True):
        """A stand-in for a libFuzzer binary: fuzzing (-artifact_prefix given)
        it reports an ASan finding and saves its input, or exits 0; replaying
        one input it exits replay_exit."""
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write("#!/bin/bash\nprefix=\nfor a in \"$@\"; do\n"
                    "  case $a in -artifact_prefix=*) prefix=${a#-artifact_prefix=} ;; esac\ndone\n"
                    "if [[ -z $prefix ]]; then exit %d; fi\n"
                    "if (( %d == 0 )); then exit 0; fi\n"
                    "%s"
                    "echo '==1==ERROR: AddressSanitizer: heap-buffer-overflow on address' >&2\n"
                    "exit %d\n" % (replay_exit, fuzz_exit,
                                    "printf x > \"${prefix}crash-1\"\n" if artifact else "", fuzz_exit))
        os.chmod(path, 0o755)
        return path

    def test_mutate_judges_fuzz_findings_against_the_baseline(self):
        """The fuzz stage counts a kill only when the unmutated target passes
        (its baseline run finds nothing, and it runs the mutant's input
        cleanly); a failing baseline is reported target by target."""
        t = TARGETS[0]
        clean = self.fake_fuzzer("clean", 0, 0)
        finds = self.fake_fuzzer("finds", 1, 1)
        finds_no_input = self.fake_fuzzer("finds_no_input", 1, 1, artifact=False)
        # Baseline: nothing found passes; a finding is named with its target.
        self.assertEqual(mutate.fuzz_baseline(lambda _: clean, [t, TARGETS[1]], 1, 2), [])
        self.assertEqual(mutate.fuzz_baseline(lambda x: finds if x == t else clean, [t, TARGETS[1]], 1, 2),
                         [(t, "ERROR: AddressSanitizer: heap-buffer-overflow (input crash-1)")])
        # A mutant's finding whose input the unmutated target runs cleanly: killed.
        self.assertEqual(mutate.fuzz_mutant(lambda _: finds, lambda _: clean, [t], 1, 1),
                         (t, "ERROR: AddressSanitizer: heap-buffer-overflow"))
        # The unmutated target fails on the same input: no difference, no kill.
        self.assertEqual(mutate.fuzz_mutant(lambda _: finds, lambda _: finds, [t], 1, 1), (None, None))
        # A failure without an input to replay (not a hang): not counted.
        self.assertEqual(mutate.fuzz_mutant(lambda _: finds_no_input, lambda _: clean, [t], 1, 1),
                         (None, None))
        # Nothing found: survived this stage.
        self.assertEqual(mutate.fuzz_mutant(lambda _: clean, lambda _: clean, [t], 1, 1), (None, None))

    def test_make_fuzz_gcc(self):
        corpus = self.small_corpus(per_target=2)
        r = self.make("fuzz-gcc", "FUZZ_CORPUS=" + corpus)
        self.assertEqual(r.returncode, 0, self.output)
        replays = re.findall(r"^replay: (\d+) inputs, no property failed$", r.stdout, re.M)
        self.assertEqual(replays, ["2"] * len(TARGETS), self.output)

    # --- bench/ --------------------------------------------------------------------
    def test_bench_compare(self):
        doc_src = os.path.join(ROOT, "docs", "performance.md")
        doc = os.path.join(self.tmp, "performance.md")
        shutil.copy(doc_src, doc)
        before = snapshot(os.path.join(ROOT, "docs"))
        r = self.run_cmd([os.path.join(ROOT, "bench", "compare.sh"), ARGS.gcc_build],
                         env={"SIZE_MB": "1", "INSTR_MB": "1", "DOC": doc})
        self.assertEqual(r.returncode, 0, self.output)
        self.assertEqual(snapshot(os.path.join(ROOT, "docs")), before, "docs/ changed")
        m = re.search(r"<!-- compare:begin -->\n.*<!-- compare:end -->\n", r.stdout, re.S)
        self.assertIsNotNone(m, self.output)
        section = m.group(0)
        self.assertRegex(section, r"Measured by `bench/compare.sh` on \d{4}-\d\d-\d\d, 1 MB per input")
        rows = [ln for ln in section.splitlines() if ln.startswith("| ")]
        self.assertEqual(rows[0], "| input | smtp-bench MB/s | memchr MB/s | smtp / memchr | "
                         "Go textproto MB/s | smtp / Go | Python smtplib MB/s | smtp / Python | "
                         "smtp instr/B | memchr instr/B |")
        names = [row.split(" | ")[0][2:] for row in rows[1:]]
        self.assertEqual(names, [
            "replies", "replies (EHLO mode: EHLO replies, all checks)", "commands",
            "data (16 KiB bodies)", "data (1 MiB bodies)",
            "adversarial: max-length reply lines", "adversarial: 1000-line replies",
            "adversarial: max-length command lines", "adversarial: many parameters",
            "adversarial: dot lines", "adversarial: max-length DATA lines",
            "replies, 16-byte feeds", "commands, 16-byte feeds",
            "replies, 1-byte feeds", "commands, 1-byte feeds"])
        num = r"\d+(?:\.\d+)?"
        for row in rows[1:]:
            cells = [c.strip() for c in row.strip("|").split("|")]
            name, smtp, memchr, r1, go, r2, py, r3, smtp_i, memchr_i = cells
            for value in (smtp, memchr, go, smtp_i, memchr_i):
                self.assertRegex(value, "^%s$" % num, row)
                self.assertGreater(float(value), 0, row)
            self.assertRegex(r1, "^%s$" % num, row)
            self.assertRegex(r2, "^%s$" % num, row)
            # Python's smtplib reads replies only, on whole files.
            if name in ("replies", "adversarial: max-length reply lines",
                        "adversarial: 1000-line replies"):
                self.assertRegex(py, "^%s$" % num, row)
                self.assertRegex(r3, "^%s$" % num, row)
            else:
                self.assertEqual((py, r3), ("n/a", "-"), row)
        # The session line: both speeds, and its cost in time and instructions.
        self.assertRegex(section, r"Session over paired traffic .*: %s MB/s; the two one-way "
                         r"streams on the same octets: %s MB/s; session cost / two streams: "
                         r"%s in time, %s in instructions \(%s vs %s instr/B\)\." %
                         ((num,) * 6))
        # The document: the section replaced, the rest as it was.
        with open(doc) as f:
            new = f.read()
        with open(doc_src) as f:
            old = f.read()
        self.assertIn(section, new)
        cut = re.compile(r"<!-- compare:begin -->.*<!-- compare:end -->\n", re.S)
        self.assertEqual(cut.sub("", new), cut.sub("", old))

    def test_smtp_benchmarks(self):
        binary = os.path.join(ARGS.gcc_build, "bench", "smtp_benchmarks")
        r = self.run_cmd([binary, "--benchmark_list_tests=true"])
        self.assertEqual(r.returncode, 0, self.output)
        names = r.stdout.split()
        self.assertTrue(names, self.output)
        first = names[0].split("/")[0]
        r = self.run_cmd([binary, "--benchmark_filter=^%s(/|$)" % re.escape(first),
                          "--benchmark_min_time=0.01", "--benchmark_format=console"])
        self.assertEqual(r.returncode, 0, self.output)
        self.assertRegex(r.stdout, r"(?m)^%s\S*\s+\d" % re.escape(first), self.output)

    # --- the other make targets ----------------------------------------------------
    def test_make_build_and_tools(self):
        r = self.make("tools", "GCC_DIR=" + ARGS.gcc_build)
        self.assertEqual(r.returncode, 0, self.output)
        tool = os.path.join(ARGS.gcc_build, "tools", "smtp-parse")
        p = subprocess.run([tool, "commands"], input=b"NOOP\r\n", capture_output=True)
        self.assertEqual(p.returncode, 0)
        self.assertEqual(p.stdout, b'{"ok":true,"kind":"command","offset":0,"length":6,"verb":"NOOP"}\n')
        # `make build` is build-gcc + build-asan, which make test's parts run;
        # here only that it names both.
        r = self.make("-n", "build")
        self.assertEqual(r.returncode, 0, self.output)
        self.assertIn("cmake --build build/gcc", r.stdout)
        self.assertIn("cmake --build build/clang-asan", r.stdout)

    def test_release_build_of_the_tools(self):
        # performance.md's benchmark build is Release (-O3): GCC 12 warns
        # there where -O2 does not (a false -Wrestrict in pcap_reader.cc once
        # broke it, warnings being errors). The CLI is its one part that
        # make test builds at -O2 only.
        build = os.path.join(self.tmp, "release")
        r = self.run_cmd(["cmake", "-S", ROOT, "-B", build, "-G", "Ninja",
                          "-DCMAKE_BUILD_TYPE=Release", "-DSMTP_BUILD_TESTS=OFF"])
        self.assertEqual(r.returncode, 0, self.output)
        r = self.run_cmd(["cmake", "--build", build, "-j2", "--target", "smtp-parse"])
        self.assertEqual(r.returncode, 0, self.output)
        p = subprocess.run([os.path.join(build, "tools", "smtp-parse"), "commands"],
                           input=b"NOOP\r\n", capture_output=True)
        self.assertEqual(p.returncode, 0)
        self.assertIn(b'"verb":"NOOP"', p.stdout)

    def test_make_format(self):
        # A copy of the tracked C++ files in a scratch repository: `make
        # format` reformats a planted file and leaves every tracked one as it
        # is (the tree is clang-format clean).
        tree = os.path.join(self.tmp, "tree")
        files = subprocess.run(["git", "ls-files", "*.cc", "*.h", "*.cpp", "*.hpp"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.split()
        self.assertTrue(files)
        for f in files + ["Makefile", ".clang-format"]:
            os.makedirs(os.path.dirname(os.path.join(tree, f)), exist_ok=True)
            shutil.copy(os.path.join(ROOT, f), os.path.join(tree, f))
        with open(os.path.join(tree, "planted.cc"), "w") as f:
            f.write("int  f( ){return 1;}\n")
        subprocess.run(["git", "init", "-q", tree], check=True)
        subprocess.run(["git", "add", "-A"], cwd=tree, check=True)
        r = self.make("format", cwd=tree)
        self.assertEqual(r.returncode, 0, self.output)
        with open(os.path.join(tree, "planted.cc")) as f:
            self.assertEqual(f.read(), "int f() {\n  return 1;\n}\n")
        changed = []
        for f in files:
            with open(os.path.join(tree, f), "rb") as a, open(os.path.join(ROOT, f), "rb") as b:
                if a.read() != b.read():
                    changed.append(f)
        self.assertEqual(changed, [], "not clang-format clean: run make format")

    def test_make_clean(self):
        build = os.path.join(self.tmp, "build")
        os.makedirs(os.path.join(build, "gcc"))
        keep = os.path.join(self.tmp, "keep")
        open(keep, "w").close()
        r = self.make("clean", "BUILD=" + build)
        self.assertEqual(r.returncode, 0, self.output)
        self.assertFalse(os.path.exists(build))
        self.assertTrue(os.path.exists(keep))


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fuzz-build", required=True)
    ap.add_argument("--gcc-build", required=True)
    ARGS, rest = ap.parse_known_args()
    ARGS.fuzz_build = os.path.abspath(ARGS.fuzz_build)
    ARGS.gcc_build = os.path.abspath(ARGS.gcc_build)
    unittest.main(argv=[sys.argv[0], "-v"] + rest)


if __name__ == "__main__":
    main()

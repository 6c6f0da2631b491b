# fuzz/fuzz.mk: the fuzz suite's make rules, included by the root Makefile.
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_JOBS=N] [FUZZ_TARGETS=a,b] [ENGINE=afl]
#             [FUZZ_CORPUS=corpus] [FUZZ_WORK=fuzz-work]
#       build the targets (clang-14, libFuzzer + ASan + UBSan, build/fuzz;
#       with ENGINE=afl also AFL++, build/fuzz-afl), fuzz every target in
#       parallel, merge new coverage into corpus/, minimize and de-duplicate
#       findings (fuzz-work/findings/), print a summary. The driver's exit
#       status: 0 all done and nothing found, 1 findings, 3 driver failure
#       (make then stops with "Error 1" / "Error 3" and exits 2)
#   make test-fuzz
#       replay corpus/ and corpus/regressions/ through every target under
#       ASan + UBSan, run the campaign driver end to end on a copy of the
#       corpus (fuzz/test_campaign.py), check the ClusterFuzzLite build, and
#       the coverage gate
#   make coverage
#       llvm-cov report + HTML (build/fuzz-coverage/html) of parser/ over the
#       shipped corpus and the unit tests; fails below FUZZ_COVERAGE_MIN
#       percent of lines or FUZZ_BRANCH_COVERAGE_MIN percent of branches
#   make fuzz-gcc
#       build the targets with GCC and the replay driver (build-fuzz-gcc)
#       and replay the corpus
SMTP_FUZZ_MK := 1

# The campaign driver is Python; AFL++ is the second engine, and make test
# runs both (test-fuzz). The root Makefile's `deps` installs these with the
# rest on a fresh machine.
SMTP_EXTRA_PACKAGES += python3 afl++

FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_JOBS ?= $(shell nproc)
FUZZ_TARGETS ?= command_line,reply_line,ehlo_reply,command_stream,command_stream_structured,reply_stream,policy,data,differential,c_api,session_oneway,session_split,session_dialogue
comma := ,
FUZZ_TARGET_LIST = $(subst $(comma), ,$(FUZZ_TARGETS))
ENGINE ?= libfuzzer
# Where campaigns read and merge seeds, and keep their logs and findings.
FUZZ_CORPUS ?= corpus
FUZZ_WORK ?= fuzz-work
# The campaign test (test-fuzz) fuzzes each target FUZZ_SMOKE_SECONDS; its
# AFL++ targets are the first two of FUZZ_TARGETS.
FUZZ_TEST_AFL_TARGETS ?= $(subst $(space),$(comma),$(wordlist 1,2,$(FUZZ_TARGET_LIST)))
empty :=
space := $(empty) $(empty)
FUZZ_BUILD ?= build/fuzz
FUZZ_AFL_BUILD ?= build/fuzz-afl
FUZZ_COV_BUILD ?= build/fuzz-coverage
FUZZ_GCC_BUILD ?= build-fuzz-gcc
# Measured: 99.2 % of lines, 96.2 % of branches (docs/fuzzing.md, Coverage).
FUZZ_COVERAGE_MIN ?= 98
FUZZ_BRANCH_COVERAGE_MIN ?= 95
FUZZ_JOBS_BUILD ?= $(JOBS)
# Extra compiler flags for the fuzz builds (none needed since findings F0).
FUZZ_CLANG_WORKAROUND ?=
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CMAKE := -G Ninja -DSMTP_BUILD_FUZZERS=ON -DSMTP_BUILD_TESTS=OFF -DSMTP_BUILD_TOOLS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: fuzz-cflite-test fuzz fuzz-build fuzz-build-afl fuzz-gcc test-fuzz fuzz-replay fuzz-campaign-test \
  coverage

fuzz-build: deps
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) $(FUZZ_CMAKE) \
	  -DSMTP_FUZZ_ENGINE=libfuzzer \
	  "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link $(FUZZ_SAN) $(FUZZ_CLANG_WORKAROUND)" \
	  "-DCMAKE_EXE_LINKER_FLAGS=$(FUZZ_SAN)"
	cmake --build $(FUZZ_BUILD) -j$(FUZZ_JOBS_BUILD)

# AFL++ (Debian afl++): afl-clang-fast++ instrumentation and its libFuzzer
# driver, same targets (only those in FUZZ_TARGETS are built).
fuzz-build-afl: deps
	CC=afl-clang-fast CXX=afl-clang-fast++ AFL_QUIET=1 cmake -S . -B $(FUZZ_AFL_BUILD) $(FUZZ_CMAKE) \
	  -DSMTP_FUZZ_ENGINE=external -DSMTP_FUZZ_LINK=/usr/lib/afl/libAFLDriver.a \
	  "-DCMAKE_CXX_FLAGS=$(FUZZ_SAN) $(FUZZ_CLANG_WORKAROUND)" "-DCMAKE_EXE_LINKER_FLAGS=$(FUZZ_SAN)"
	AFL_QUIET=1 cmake --build $(FUZZ_AFL_BUILD) -j$(FUZZ_JOBS_BUILD) --target $(FUZZ_TARGET_LIST)

# ENGINE=afl also builds the libFuzzer targets: they merge AFL's queue into
# the corpus (AFL's driver has no -merge) and minimize its crashes.
FUZZ_CAMPAIGN = python3 fuzz/run_campaign.py --seconds $(FUZZ_SECONDS) --jobs $(FUZZ_JOBS) \
  --targets $(FUZZ_TARGETS) --corpus $(FUZZ_CORPUS) --work $(FUZZ_WORK) --merge-build $(FUZZ_BUILD)
ifeq ($(ENGINE),afl)
fuzz: fuzz-build fuzz-build-afl
	$(FUZZ_CAMPAIGN) --engine afl --build $(FUZZ_AFL_BUILD)
else ifeq ($(ENGINE),libfuzzer)
fuzz: fuzz-build
	$(FUZZ_CAMPAIGN) --engine libfuzzer --build $(FUZZ_BUILD)
else
fuzz:
	@echo "make fuzz: unknown ENGINE=$(ENGINE) (libfuzzer or afl)" >&2; exit 2
endif

# Replays every corpus file and regression through its target (libFuzzer
# binaries with -runs=0 execute the given inputs and exit).
fuzz-replay: fuzz-build
	@for t in $(FUZZ_TARGET_LIST); do \
	  dirs="$(FUZZ_CORPUS)/$$t"; [[ -d $(FUZZ_CORPUS)/regressions/$$t ]] && dirs="$$dirs $(FUZZ_CORPUS)/regressions/$$t"; \
	  files=$$(find $$dirs -type f ! -name '*.expected' ! -name '*.known-bug' | wc -l); \
	  echo "replay $$t: $$files inputs"; \
	  find $$dirs -type f ! -name '*.expected' ! -name '*.known-bug' -print0 | \
	    xargs -0 -r -n 500 $(FUZZ_BUILD)/fuzz/$$t -runs=1 >/dev/null 2>$(FUZZ_BUILD)/replay-$$t.log || \
	    { tail -20 $(FUZZ_BUILD)/replay-$$t.log; echo "replay $$t: FAILED"; exit 1; }; \
	done

# The campaign driver end to end (fuzz/test_campaign.py): every target of
# FUZZ_TARGETS with libFuzzer, two with AFL++, and the planted-crash target,
# on a temporary copy of the corpus; checks statuses, numbers, merges, the
# summary, findings and exit statuses.
fuzz-campaign-test: fuzz-build
	$(MAKE) --no-print-directory fuzz-build-afl FUZZ_TARGETS=$(FUZZ_TEST_AFL_TARGETS),planted_crash
	python3 fuzz/test_campaign.py --build $(FUZZ_BUILD) --afl-build $(FUZZ_AFL_BUILD) \
	  --targets $(FUZZ_TARGETS) --afl-targets $(FUZZ_TEST_AFL_TARGETS) \
	  --seconds $(FUZZ_SMOKE_SECONDS) --jobs 2

test-fuzz: fuzz-replay fuzz-campaign-test fuzz-cflite-test coverage

# Runs .clusterfuzzlite/build.sh as OSS-Fuzz would and checks $OUT.
fuzz-cflite-test:
	fuzz/test_clusterfuzzlite.sh

# GCC + the replay driver: the targets build without libFuzzer.
fuzz-gcc:
	cmake -S . -B $(FUZZ_GCC_BUILD) $(FUZZ_CMAKE) -DCMAKE_C_COMPILER=gcc-12 \
	  -DCMAKE_CXX_COMPILER=g++-12 -DSMTP_FUZZ_ENGINE=replay -DSMTP_SANITIZE=address,undefined
	cmake --build $(FUZZ_GCC_BUILD) -j$(FUZZ_JOBS_BUILD)
	@for t in $(FUZZ_TARGET_LIST); do \
	  $(FUZZ_GCC_BUILD)/fuzz/$$t $(FUZZ_CORPUS)/$$t \
	    $$( [[ -d $(FUZZ_CORPUS)/regressions/$$t ]] && echo $(FUZZ_CORPUS)/regressions/$$t) \
	    2>&1 | tail -1; \
	done

# Source-based coverage of parser/ from the shipped corpus, replayed by the
# replay driver (no libFuzzer: every input runs exactly once), and from the
# unit tests (every tests/*_test binary of the same build). Gates: lines and
# branches of parser/ (FUZZ_COVERAGE_MIN, FUZZ_BRANCH_COVERAGE_MIN percent).
# The per-target profiles (profiles/<target>.profraw) also tell `make mutate`
# which targets reach a line.
coverage:
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_COV_BUILD) $(FUZZ_CMAKE) \
	  -DSMTP_FUZZ_ENGINE=replay -DSMTP_BUILD_TESTS=ON \
	  "-DCMAKE_CXX_FLAGS=-fprofile-instr-generate -fcoverage-mapping $(FUZZ_CLANG_WORKAROUND)" \
	  "-DCMAKE_EXE_LINKER_FLAGS=-fprofile-instr-generate"
	cmake --build $(FUZZ_COV_BUILD) -j$(FUZZ_JOBS_BUILD)
	rm -rf $(FUZZ_COV_BUILD)/profiles && mkdir -p $(FUZZ_COV_BUILD)/profiles
	@for t in $(FUZZ_TARGET_LIST); do \
	  LLVM_PROFILE_FILE=$(FUZZ_COV_BUILD)/profiles/$$t.profraw $(FUZZ_COV_BUILD)/fuzz/$$t $(FUZZ_CORPUS)/$$t \
	    $$( [[ -d $(FUZZ_CORPUS)/regressions/$$t ]] && echo $(FUZZ_CORPUS)/regressions/$$t) 2>/dev/null; \
	done
	@for t in $(FUZZ_COV_BUILD)/tests/*_test; do \
	  ( cd $(FUZZ_COV_BUILD)/tests && LLVM_PROFILE_FILE=$(CURDIR)/$(FUZZ_COV_BUILD)/profiles/unit-$$(basename $$t).profraw \
	    $(CURDIR)/$$t --gtest_brief=1 >/dev/null ) || { echo "coverage: $$t failed" >&2; exit 1; }; \
	done
	llvm-profdata-14 merge -sparse $(FUZZ_COV_BUILD)/profiles/*.profraw -o $(FUZZ_COV_BUILD)/fuzz.profdata
	@objs=""; for t in $(FUZZ_TARGET_LIST); do \
	  if [[ -z $$objs ]]; then objs="$(FUZZ_COV_BUILD)/fuzz/$$t"; else objs="$$objs -object $(FUZZ_COV_BUILD)/fuzz/$$t"; fi; \
	done; \
	for t in $(FUZZ_COV_BUILD)/tests/*_test; do objs="$$objs -object $$t"; done; \
	llvm-cov-14 report $$objs -instr-profile=$(FUZZ_COV_BUILD)/fuzz.profdata \
	  $(CURDIR)/parser/ | tee $(FUZZ_COV_BUILD)/report.txt; \
	llvm-cov-14 show $$objs -instr-profile=$(FUZZ_COV_BUILD)/fuzz.profdata -format=html \
	  -output-dir=$(FUZZ_COV_BUILD)/html $(CURDIR)/parser/ >/dev/null; \
	llvm-cov-14 show $$objs -instr-profile=$(FUZZ_COV_BUILD)/fuzz.profdata -format=text \
	  -show-branches=count $(CURDIR)/parser/ > $(FUZZ_COV_BUILD)/lines.txt; \
	pct=$$(awk '/^TOTAL/ {print $$10}' $(FUZZ_COV_BUILD)/report.txt | tr -d '%'); \
	bpct=$$(awk '/^TOTAL/ {print $$13}' $(FUZZ_COV_BUILD)/report.txt | tr -d '%'); \
	echo "coverage: parser/ line coverage $$pct% (minimum $(FUZZ_COVERAGE_MIN)%), HTML in $(FUZZ_COV_BUILD)/html"; \
	echo "coverage: parser/ branch coverage $$bpct% (minimum $(FUZZ_BRANCH_COVERAGE_MIN)%)"; \
	awk -v p="$$pct" -v m="$(FUZZ_COVERAGE_MIN)" -v bp="$$bpct" -v bm="$(FUZZ_BRANCH_COVERAGE_MIN)" \
	  'BEGIN { exit !(p + 0 >= m + 0 && bp + 0 >= bm + 0) }'

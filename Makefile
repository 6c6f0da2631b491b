# smtp: build, test and fuzz entry points.
#
#   make test     install missing Debian packages (as root), then: static checks
#                 of every script (test-lint), the whole suite twice: GCC
#                 (build/gcc) and Clang 14 with AddressSanitizer +
#                 UndefinedBehaviorSanitizer (build/clang-asan), the fuzz suite
#                 (test-fuzz), and every script the README and docs/ name
#                 (test-scripts)
#   make fuzz     fuzz the parser (see fuzz/); without the fuzz suite, run
#                 smtp-parse over the shipped real-world captures
#   make format   clang-format -i every tracked C++ file
#   make clean    remove build/
#
# Hook for the fuzz suite: fuzz/fuzz.mk, when present, is included below. It
# defines SMTP_FUZZ_MK and its own `fuzz` and `test-fuzz` rules (the defaults
# here are then left out), and may append Debian packages to
# SMTP_EXTRA_PACKAGES and CMake flags to SMTP_GCC_FLAGS / SMTP_ASAN_FLAGS.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

JOBS ?= 2
BUILD ?= build
GCC_DIR := $(BUILD)/gcc
ASAN_DIR := $(BUILD)/clang-asan
CTEST_FLAGS ?= --output-on-failure -j$(JOBS)

SMTP_PACKAGES := cmake ninja-build g++ clang-14 libclang-rt-14-dev llvm-14 \
  libgtest-dev libgmock-dev libbenchmark-dev libabsl-dev zlib1g-dev \
  pkg-config libpcap-dev libtins-dev python3-aiosmtpd tcpdump openssl iproute2
SMTP_EXTRA_PACKAGES ?=
# test-lint and test-scripts: pyflakes3, shellcheck; bench/compare.sh (Go,
# and valgrind's callgrind for instruction counts); make format.
SMTP_PACKAGES += python3 python3-pyflakes shellcheck golang-go valgrind clang-format-14
# make fuzz: coverage-over-time plots (gnuplot); make coverage: llvm-cov
# (llvm-14, above).
SMTP_PACKAGES += gnuplot-nox
# The C API's pkg-config consumer and the Python module (python/).
SMTP_EXTRA_PACKAGES += pkg-config python3-dev pybind11-dev python3-pytest python3-aiosmtpd

# The benchmarks are built (so they keep compiling) in the GCC build once
# bench/ has a CMakeLists.txt. The fuzz targets have their own build
# directories, set up by fuzz/fuzz.mk.
SMTP_GCC_FLAGS ?= $(if $(wildcard bench/CMakeLists.txt),-DSMTP_BUILD_BENCHMARKS=ON)
SMTP_ASAN_FLAGS ?=

-include fuzz/fuzz.mk

.PHONY: mutate test deps configure-gcc configure-asan build build-gcc build-asan test-gcc test-asan test-fuzz fuzz tools \
  format clean test-lint test-scripts

# Every part runs even when an earlier one failed, so one run shows all
# failures; the exit status is non-zero if any failed.
test: deps
	@failed=(); \
	for t in test-lint test-gcc test-asan test-fuzz test-scripts; do \
	  $(MAKE) --no-print-directory $$t || failed+=("$$t"); \
	done; \
	if (( $${#failed[@]} )); then echo "make test: FAILED: $${failed[*]}" >&2; exit 1; fi; \
	echo "make test: all passed (lint, GCC, Clang ASan/UBSan, fuzz suite, scripts)"

# --- Debian packages ---------------------------------------------------------
deps:
	@missing=(); \
	for p in $(SMTP_PACKAGES) $(SMTP_EXTRA_PACKAGES); do \
	  s=$$(dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null || true); \
	  [[ "$$s" == "install ok installed" ]] || missing+=("$$p"); \
	done; \
	if (( $${#missing[@]} == 0 )); then exit 0; fi; \
	line="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $${missing[*]}"; \
	if [[ $$(id -u) -ne 0 ]]; then \
	  echo "Missing Debian packages: $${missing[*]}" >&2; \
	  echo "Install them as root with:" >&2; \
	  echo "  $$line" >&2; \
	  exit 1; \
	fi; \
	echo "Installing missing Debian packages: $${missing[*]}"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update </dev/null; \
	apt-get install -y --no-install-recommends "$${missing[@]}" </dev/null

# --- Builds ------------------------------------------------------------------
# Configure every time (cheap once configured), so that new optional parts and
# changed flags are picked up by an existing build directory.
configure-gcc:
	cmake -S . -B $(GCC_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ $(SMTP_GCC_FLAGS)

configure-asan:
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
	  -DSMTP_SANITIZE=address,undefined $(SMTP_ASAN_FLAGS)

build-gcc: configure-gcc
	cmake --build $(GCC_DIR) -j$(JOBS)

build-asan: configure-asan
	cmake --build $(ASAN_DIR) -j$(JOBS)

build: build-gcc build-asan

tools: configure-gcc
	cmake --build $(GCC_DIR) -j$(JOBS) --target smtp-parse

# --- Tests -------------------------------------------------------------------
test-gcc: build-gcc
	ctest --test-dir $(GCC_DIR) $(CTEST_FLAGS)

test-asan: build-asan
	UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir $(ASAN_DIR) $(CTEST_FLAGS)

# Static checks of every tracked Python and shell script (pyflakes3, bash -n,
# shellcheck); any finding fails.
test-lint:
	tests/scripts/lint.sh

# Every script and make target that README.md and docs/ name, run on small
# inputs (tests/scripts/test_scripts.py); needs the GCC and fuzz builds.
test-scripts: build-gcc
	$(MAKE) --no-print-directory fuzz-build
	python3 tests/scripts/test_scripts.py --fuzz-build $(FUZZ_BUILD) --gcc-build $(GCC_DIR)

# --- Fuzzing (defaults until fuzz/fuzz.mk takes over) ------------------------
REALWORLD ?= tests/data/realworld
ifndef SMTP_FUZZ_MK
test-fuzz:
	@true

# Runs smtp-parse over every capture: commands for .sent/.cmds, ehlo for
# .reply, strict and lenient, and prints how many records were ok.
fuzz: tools
	@dir="$(REALWORLD)"; \
	[[ -d "$$dir" ]] || dir=../shared/realworld; \
	if [[ ! -d "$$dir" ]]; then echo "fuzz: no captures in $(REALWORLD); nothing to do"; exit 0; fi; \
	tool=$(GCC_DIR)/tools/smtp-parse; files=0; records=0; bad=0; usage=0; \
	while IFS= read -r -d '' f; do \
	  case "$$f" in *.sent|*.cmds) mode=commands ;; *.reply) mode=ehlo ;; *) continue ;; esac; \
	  files=$$((files + 1)); \
	  for policy in "" --lenient; do \
	    rc=0; out=$$("$$tool" $$mode "$$f" --utf8 $$policy) || rc=$$?; \
	    if (( rc == 2 )); then usage=$$((usage + 1)); echo "fuzz: smtp-parse failed on $$f" >&2; fi; \
	    n=$$(grep -c . <<<"$$out" || true); nbad=$$(grep -c '"ok":false' <<<"$$out" || true); \
	    records=$$((records + n)); bad=$$((bad + nbad)); \
	  done; \
	done < <(find "$$dir" -type f -print0 | sort -z); \
	echo "fuzz: $$files captures in $$dir, $$records records (strict + lenient), $$bad not ok"; \
	(( usage == 0 ))
endif

# --- Mutation analysis -----------------------------------------------------------
# make mutate [MUTANTS=200|all] [SEED=1] [MUTATE_FUZZ_SECONDS=10]
#             [MUTATE_FLAGS="--ids a,b --report F --verdicts F"]
# Plants one bug at a time in a copy of parser/src/ and checks that the unit
# tests (GCC, then ASan/UBSan) or, for survivors, a short fuzz run of the
# targets that reach the line catch it (tests/mutation/mutate.py; builds in
# build/mutate-*). Prints and writes docs/mutation.md. `make coverage` runs
# first for the per-target line coverage (its gates do not apply here).
MUTANTS ?= 200
SEED ?= 1
MUTATE_FUZZ_SECONDS ?= 10
MUTATE_FLAGS ?=
mutate: deps
	@if (( $(MUTATE_FUZZ_SECONDS) > 0 )) && [[ -n "$(SMTP_FUZZ_MK)" ]]; then \
	  $(MAKE) --no-print-directory coverage FUZZ_COVERAGE_MIN=0 FUZZ_BRANCH_COVERAGE_MIN=0 >/dev/null || \
	    echo "mutate: make coverage failed: survivors fuzz every target" >&2; \
	fi
	python3 tests/mutation/mutate.py --mutants $(MUTANTS) --seed $(SEED) \
	  --fuzz-seconds $(MUTATE_FUZZ_SECONDS) --jobs $(JOBS) --build $(BUILD) \
	  $(if $(SMTP_FUZZ_MK),--coverage-build $(FUZZ_COV_BUILD)) $(MUTATE_FLAGS)

# --- Housekeeping --------------------------------------------------------------
CLANG_FORMAT ?= $(firstword $(shell command -v clang-format-14 clang-format 2>/dev/null))
format:
	@[[ -n "$(CLANG_FORMAT)" ]] || { echo "format: clang-format not found (apt-get install clang-format-14)" >&2; exit 1; }
	git ls-files -z '*.cc' '*.h' '*.cpp' '*.hpp' | xargs -0 -r $(CLANG_FORMAT) -i

clean:
	rm -rf $(BUILD)

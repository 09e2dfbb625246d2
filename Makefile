# enroll — the two commands of README.md, and helpers.
SWIFT ?= swift
BIN := .build/debug/enroll
# The conformance suites and seeds the tests read (scripts/find-shared.sh): ../shared, or the
# one beside the repository a temporary clone came from; ENROLL_SHARED=DIR to say where.
export ENROLL_SHARED := $(shell bash scripts/find-shared.sh)

.PHONY: setup build test fuzz fuzz-ci sanitize-thread sanitize-address demo clean

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build

# Every test: unit, conformance suites (the store's on SQLite and PostgreSQL), interop with bagit-python and signify, end-to-end CLI,
# the station web app and the district review desk in a real headless Chromium (Tests/browser/).
# The store suites run against SQLite and PostgreSQL: a throw-away cluster
# (scripts/pg-cluster.sh) is started before the tests and stopped after, whatever happens.
test: setup
	$(SWIFT) build --build-tests
	eval "$$(bash scripts/pg-cluster.sh start)" && trap 'bash scripts/pg-cluster.sh stop' EXIT && $(SWIFT) test --skip-build
	bash Tests/browser/run.sh
	bash Tests/browser/desk-run.sh

# libFuzzer on every parser (scripts/fuzz.sh --list): SECONDS each, two at a time.
SECONDS_EACH ?= 300
fuzz: setup
	bash scripts/fuzz.sh all $(SECONDS_EACH) --parallel 2

# What CI runs after the tests: every fuzz target for 30 seconds.
fuzz-ci: setup
	bash scripts/fuzz.sh all 30 --parallel 2

# The test suite under ThreadSanitizer / AddressSanitizer.
sanitize-thread: setup
	bash scripts/sanitize.sh thread

sanitize-address: setup
	bash scripts/sanitize.sh address

# The main job end to end on SampleBundles/ with the embedded default store.
demo: build
	@bash scripts/demo.sh

clean:
	rm -rf .build .build-fuzz .build-thread .build-address enroll-demo

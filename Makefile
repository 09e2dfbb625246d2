# enroll — the two commands of README.md, and helpers.
SWIFT ?= swift
BIN := .build/debug/enroll

.PHONY: setup build test demo clean

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build

# Every test: unit, conformance suites, interop with bagit-python and signify, end-to-end CLI,
# the station web app and the district review desk in a real headless Chromium (Tests/browser/).
test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	bash Tests/browser/run.sh
	bash Tests/browser/desk-run.sh

# The main job end to end on SampleBundles/ with the embedded default store.
demo: build
	@bash scripts/demo.sh

clean:
	rm -rf .build enroll-demo

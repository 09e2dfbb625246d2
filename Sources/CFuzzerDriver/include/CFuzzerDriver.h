// The libFuzzer entry point, reached only when the fuzzing runtime is linked in.
//
// scripts/fuzz.sh links libFuzzer's driver-less library (libclang_rt.fuzzer_no_main) into
// enroll-fuzz; an ordinary build does not, and then enroll-fuzz replays inputs by itself.
#ifndef CFUZZERDRIVER_H
#define CFUZZERDRIVER_H

#include <stddef.h>
#include <stdint.h>

/// One fuzz input: the bytes, and their count. Returns 0 (libFuzzer reserves other values).
typedef int (*enroll_fuzz_callback)(const uint8_t *data, size_t size);

/// Whether libFuzzer's `LLVMFuzzerRunDriver` is linked into this program.
int enroll_fuzz_driver_linked(void);

/// Runs libFuzzer's `LLVMFuzzerRunDriver` with the command-line flags in argc/argv.
/// Only call it when enroll_fuzz_driver_linked() returns 1.
int enroll_fuzz_run_driver(int *argc, char ***argv, enroll_fuzz_callback callback);

#endif

#include "CFuzzerDriver.h"

// Weak, so that a program built without libFuzzer links and sees a null address here.
// libFuzzer documents LLVMFuzzerRunDriver for programs that keep their own main().
extern int LLVMFuzzerRunDriver(int *argc, char ***argv, enroll_fuzz_callback callback) __attribute__((weak));

int enroll_fuzz_driver_linked(void) { return LLVMFuzzerRunDriver != 0; }

int enroll_fuzz_run_driver(int *argc, char ***argv, enroll_fuzz_callback callback) {
    return LLVMFuzzerRunDriver(argc, argv, callback);
}

/* What every fuzz target (tests/fuzz/fuzz_NAME.c) starts with: the libFuzzer entry point's
 * prototype (the clang fuzz build's libFuzzer and replay.c's corpus replay both call it) and
 * REQUIRE, the invariant check: a broken invariant aborts, which libFuzzer and the replay
 * test report as a crash with the input that caused it. No state, nothing to free. */
#ifndef FLINT_TESTS_FUZZ_FUZZ_H
#define FLINT_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)      \
    do {                \
        if (!(c))       \
            abort();    \
    } while (0)

#endif

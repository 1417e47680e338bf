/* The test harness moved to tests/support/harness.h (its counters are defined once, in
 * flint_test_support); this name stays for the tests that include "harness.h". */
#ifndef FLINT_TESTS_HARNESS_H
#define FLINT_TESTS_HARNESS_H

#include "support/harness.h"

#endif

/* Harness: the counters of tests/support/harness.h, defined once for the whole program (the
 * test and the support functions it calls). */
#include "support/harness.h"

int harness_failed_checks;
int harness_tests_passed;
int harness_tests_failed;

int harness_done(void)
{
    printf("%d passed, %d failed\n", harness_tests_passed, harness_tests_failed);
    return harness_tests_failed ? 1 : 0;
}

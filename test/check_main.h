/* The main() body every Check suite in test/ ends with. */
#ifndef BULWARK_TEST_CHECK_MAIN_H
#define BULWARK_TEST_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

/* Run every test of `s` (the runner frees the suite) and turn the result
 * into the exit status meson reads. */
static inline int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif

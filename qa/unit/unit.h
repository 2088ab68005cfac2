#ifndef HASHMINT_QA_UNIT_H
#define HASHMINT_QA_UNIT_H
/* Shared scaffolding for Check unit tests. Each test file defines one Suite
 * and ends with UNIT_MAIN(<suite function>). */
#include <check.h>
#include <stdlib.h>

/* Absolute path of a file under qa/data (the test vectors). */
#define UNIT_DATA(name) HM_SRCDIR "/qa/data/" name

#define UNIT_MAIN(suite_fn)                                   \
    int main(void)                                            \
    {                                                         \
        SRunner *sr = srunner_create(suite_fn());             \
        srunner_run_all(sr, CK_NORMAL);                       \
        int failed = srunner_ntests_failed(sr);               \
        srunner_free(sr);                                     \
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;          \
    }

#endif

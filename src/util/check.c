/* Internal invariant checks: see src/util/check.h. */
#include "src/util/check.h"

#include <stdio.h>
#include <stdlib.h>

#ifdef HM_DEBUG
void check_assert_failed(const char *cond, const char *file, int line, const char *func)
{
    fprintf(stderr, "Internal invariant failed: %s (%s:%d, %s)\n", cond, file, line, func);
    fflush(stderr);
    abort();
}
#endif

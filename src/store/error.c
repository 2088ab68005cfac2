#include "src/store/error.h"

#include <stdio.h>
#include <string.h>

int store_error_set(struct store_error *e, enum store_error_kind kind, const char *fmt, ...)
{
    if (e) {
        e->kind = kind;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        va_end(ap);
    }
    return -1;
}

void store_error_clear(struct store_error *e)
{
    if (e) {
        e->kind = STORE_ERR_NONE;
        e->msg[0] = '\0';
    }
}

bool store_error_is_corrupt(const struct store_error *e)
{
    return e && e->kind == STORE_ERR_CORRUPT;
}

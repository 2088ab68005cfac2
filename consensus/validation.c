#include "consensus/validation.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void val_state_init(struct val_state *st)
{
    memset(st, 0, sizeof(*st));
}

static void set_reject(struct val_state *st, const char *reject)
{
    snprintf(st->reject, sizeof(st->reject), "%s", reject);
}

bool val_invalid(struct val_state *st, enum val_result result, const char *reject)
{
    st->mode = VAL_INVALID;
    st->result = result;
    set_reject(st, reject);
    st->debug[0] = '\0';
    return false;
}

bool val_invalid_debug(struct val_state *st, enum val_result result, const char *reject, const char *fmt, ...)
{
    val_invalid(st, result, reject);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->debug, sizeof(st->debug), fmt, ap);
    va_end(ap);
    return false;
}

bool val_error(struct val_state *st, const char *reason)
{
    st->mode = VAL_ERROR;
    st->result = VAL_RESULT_UNSET;
    set_reject(st, reason);
    st->debug[0] = '\0';
    return false;
}

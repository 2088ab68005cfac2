#include "src/store/fault.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "src/util/log.h"

bool store_fault_parse(struct store_fault *f, const char *what, const char *value)
{
    memset(f, 0, sizeof(*f));
    strncpy(f->what, what ? what : "", sizeof(f->what) - 1);
    if (!value || !*value)
        return true;
    if (*value < '0' || *value > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long n = strtoull(value, &end, 10);
    if (errno != 0 || n == 0)
        return false;
    bool applied = false;
    if (strcmp(end, ":applied") == 0)
        applied = true;
    else if (*end != '\0')
        return false;
    f->after = n;
    f->applied = applied;
    return true;
}

void store_fault_init(struct store_fault *f, const char *env_name)
{
    const char *v = getenv(env_name);
    if (!store_fault_parse(f, env_name, v)) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "Ignoring %s=%s: expected N or N:applied (N >= 1)", env_name, v);
        return;
    }
    if (f->after)
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "Fault injection (tests only): %s=%s: operation #%llu and later ones fail%s",
                   env_name, v, (unsigned long long)f->after, f->applied ? " (the first one after taking effect)" : "");
}

bool store_fault_enabled(const struct store_fault *f)
{
    return f->after != 0;
}

enum store_fault_action store_fault_next(struct store_fault *f)
{
    if (f->after == 0)
        return STORE_FAULT_PASS;
    uint64_t n = __atomic_add_fetch(&f->count, 1, __ATOMIC_RELAXED);
    if (n < f->after)
        return STORE_FAULT_PASS;
    log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "Injected fault (%s): operation #%llu fails", f->what, (unsigned long long)n);
    return n == f->after && f->applied ? STORE_FAULT_APPLY : STORE_FAULT_FAIL;
}

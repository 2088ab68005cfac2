#ifndef HASHMINT_UTIL_ALLOC_H
#define HASHMINT_UTIL_ALLOC_H
/* The one allocator. Every function aborts the process on out-of-memory, so
 * callers never check for NULL. Sizes that come from untrusted input must be
 * capped by the caller before they reach here. */
#include <stddef.h>

/** Returns n bytes of uninitialised memory (never NULL; n == 0 allowed). */
void *mem_alloc(size_t n);
/** Returns count * size zeroed bytes; aborts on multiplication overflow. */
void *mem_calloc(size_t count, size_t size);
/** Resizes p (which may be NULL) to n bytes. */
void *mem_realloc(void *p, size_t n);
/** Returns a heap copy of the n bytes at p. */
void *mem_dup(const void *p, size_t n);
/** Returns a heap copy of the string s. */
char *mem_strdup(const char *s);
/** Frees p; NULL is a no-op. */
void mem_free(void *p);
/** Zeroes n bytes at p in a way the compiler may not elide (for secrets). */
void mem_wipe(void *p, size_t n);

#endif

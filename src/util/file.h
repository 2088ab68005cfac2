#ifndef HASHMINT_UTIL_FILE_H
#define HASHMINT_UTIL_FILE_H
/* Replacing a small file atomically: a crash leaves either the old file or
 * the new one, never a torn mix (mempool.dat, peers.dat, banlist.dat, the
 * RPC cookie). */
#include <stddef.h>
#include <sys/types.h>

/**
 * Writes len bytes to "<path>.new" (created with `mode`, fchmod'ed to it if
 * it existed), fsyncs it, renames it over path and fsyncs the directory.
 * Returns 0, or -1 with errno set and the temporary file removed.
 */
int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

#endif

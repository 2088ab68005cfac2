#ifndef HASHMINT_STORE_DISK_H
#define HASHMINT_STORE_DISK_H
/* File-system helpers of the storage layer: free space (Core's
 * CheckDiskSpace), directory creation and fsync of directory entries. */
#include <stdbool.h>
#include <stdint.h>

#include "src/store/error.h"

/** Free space Core keeps in reserve on top of what a write needs (50 MiB). */
#define STORE_MIN_DISK_SPACE (UINT64_C(50) * 1024 * 1024)

/**
 * Returns true if the file system holding dir has at least
 * STORE_MIN_DISK_SPACE + additional bytes available to this user. Out:
 * *available (may be NULL). On a statvfs failure returns false with err set
 * (STORE_ERR_IO); on too little space false with STORE_ERR_DISK_FULL and the
 * message "Disk space is too low!". The chain then stops the node.
 */
bool store_disk_space_ok(const char *dir, uint64_t additional, uint64_t *available, struct store_error *err);
/** Creates dir and its missing parents (mode 0700 for new ones). Returns 0 or -1. */
int store_mkdirs(const char *dir, struct store_error *err);
/** fsyncs the directory entry of dir (after creating or renaming files in it). Returns 0 or -1. */
int store_fsync_dir(const char *dir, struct store_error *err);

#endif

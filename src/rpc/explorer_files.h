#ifndef HASHMINT_RPC_EXPLORER_FILES_H
#define HASHMINT_RPC_EXPLORER_FILES_H
/* The reserve explorer's page (src/rpc/explorer/), compiled in: the build
 * writes explorer_files.c with contrib/embed-files.sh (doc/explorer.md). */
#include <stddef.h>

struct explorer_file {
    const char *name;         /* file name, no directory: "index.html" */
    const char *content_type; /* static string */
    const unsigned char *data;
    size_t len;
};

/** Every file of the page; names are unique. */
extern const struct explorer_file explorer_files[];
extern const size_t explorer_file_count;

#endif

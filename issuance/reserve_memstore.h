#ifndef HASHMINT_ISSUANCE_RESERVE_MEMSTORE_H
#define HASHMINT_ISSUANCE_RESERVE_MEMSTORE_H
/* An in-memory node store for the reserve tree (issuance/reserve_tree.h):
 * a hash table of records. Standalone (parent NULL) it is the whole store,
 * for tests and benchmarks. Over a parent store it is a write-back overlay:
 * reads fall through to the parent, puts and deletes stay here until
 * reserve_memstore_flush() hands them over as one batch, so a chain can
 * update the tree every block and write the accumulated node changes to
 * its database in the same batch as its coins flush. */
#include <stddef.h>

#include "issuance/reserve_tree.h"

struct reserve_memstore;

/**
 * Returns a new empty store. parent (may be NULL) is copied; its ctx must
 * outlive the memstore. Free with reserve_memstore_free.
 */
struct reserve_memstore *reserve_memstore_new(const struct reserve_store *parent);
/** Frees the store and its records; NULL is a no-op. */
void reserve_memstore_free(struct reserve_memstore *m);
/** Out: *s = the store interface over m (m must outlive its users). */
void reserve_memstore_store(struct reserve_store *s, struct reserve_memstore *m);
/** Returns the number of records held here (deletions pending for the parent included). */
size_t reserve_memstore_count(const struct reserve_memstore *m);
/** Returns the bytes of memory the records and the table take (approximately). */
size_t reserve_memstore_usage(const struct reserve_memstore *m);
/**
 * Appends every record held here to out (puts, and deletes pending for the
 * parent) and empties the store: the caller writes out to the parent,
 * after which reads give the same answers as before the flush.
 */
void reserve_memstore_flush(struct reserve_memstore *m, struct reserve_batch *out);

#endif

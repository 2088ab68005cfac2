#ifndef HASHMINT_ISSUANCE_RESERVE_MEMSTORE_H
#define HASHMINT_ISSUANCE_RESERVE_MEMSTORE_H
/* An in-memory node store for the reserve tree (issuance/reserve_tree.h):
 * a hash table of records. Standalone (parent NULL) it is the whole store,
 * for tests and benchmarks. Over a parent store (the node's database) it is
 * a write-back cache: a read it cannot answer goes to the parent and the
 * record is kept (clean), puts and deletes stay here (dirty) until
 * reserve_memstore_flush() hands them over as one batch, so a chain can
 * update the tree every block and write the accumulated node changes to
 * its database in the same batch as its coins flush. */
#include <stdbool.h>
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
/** Returns the number of records held here (clean copies and deletions pending for the parent included). */
size_t reserve_memstore_count(const struct reserve_memstore *m);
/** Returns the number of records not yet handed to the parent (puts and deletes). */
size_t reserve_memstore_dirty(const struct reserve_memstore *m);
/** Returns the bytes of memory the records and the table take (approximately). */
size_t reserve_memstore_usage(const struct reserve_memstore *m);
/**
 * Appends every dirty record to out (puts, and deletes pending for the
 * parent): the caller writes out to the parent, after which reads give the
 * same answers as before the flush. keep_clean (with a parent): the
 * flushed puts stay as clean copies (a warm cache); otherwise the store is
 * emptied. Standalone stores are always emptied.
 */
void reserve_memstore_flush(struct reserve_memstore *m, struct reserve_batch *out, bool keep_clean);
/** Drops the clean copies (memory back), keeping what is not flushed yet. */
void reserve_memstore_drop_clean(struct reserve_memstore *m);

#endif

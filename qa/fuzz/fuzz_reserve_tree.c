/* Fuzz target: the incremental reserve tree (issuance/reserve_tree.c)
 * against the naive rebuild (reserve_root_compute). The input is a program
 * of batches: each byte pair inserts a new vault or deletes a live one.
 * After every batch the tree's root, count and sums equal the rebuild's,
 * and a path from the tree for some live vault recomputes that root. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "issuance/reserve_memstore.h"
#include "issuance/reserve_tree.h"
#include "src/util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LIVE 512

static void make_leaf(struct reserve_leaf *l, uint32_t id, uint8_t amount)
{
    memset(l, 0, sizeof(*l));
    memcpy(l->outpoint.txid.b, &id, sizeof(id));
    l->outpoint.n = id & 3;
    l->collateral = (uint64_t)amount * 1000003;
    l->debt = (uint64_t)(amount & 0x0f) << 40;
    l->owner_hash[0] = amount;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct reserve_memstore *m = reserve_memstore_new(NULL);
    struct reserve_store s;
    reserve_memstore_store(&s, m);
    struct reserve_tree t;
    reserve_tree_init(&t, &s);
    struct reserve_leaf *live = mem_alloc(MAX_LIVE * sizeof(*live));
    struct reserve_change *ch = mem_alloc(64 * sizeof(*ch));
    struct reserve_path *path = mem_alloc(sizeof(*path));
    size_t nlive = 0;
    uint32_t next_id = 0;
    size_t i = 0;
    while (i < size) {
        /* batch header: its length; then one byte pair per change */
        size_t n = data[i++] % 64 + 1, k = 0, dels = 0;
        for (size_t j = 0; j < n && i + 1 < size; j++, i += 2) {
            uint8_t op = data[i], arg = data[i + 1];
            if ((op & 1) && nlive - dels > 0) {
                size_t victim = arg % (nlive - dels);
                struct reserve_leaf tmp = live[victim];
                live[victim] = live[nlive - 1 - dels];
                live[nlive - 1 - dels] = tmp;
                ch[k].insert = false;
                ch[k++].leaf = tmp;
                dels++;
            } else if (nlive + (k - dels) < MAX_LIVE) {
                ch[k].insert = true;
                make_leaf(&ch[k++].leaf, next_id++, arg);
            }
        }
        struct reserve_state a, b;
        struct val_state st;
        val_state_init(&st);
        assert(reserve_tree_apply(&st, &a, &t, ch, k));
        nlive -= dels;
        for (size_t j = 0; j < k; j++)
            if (ch[j].insert)
                live[nlive++] = ch[j].leaf;
        val_state_init(&st);
        assert(reserve_root_compute(&st, &b, live, nlive));
        assert(hash256_eq(&a.root, &b.root) && a.count == b.count);
        assert(a.sums.collateral == b.sums.collateral && a.sums.debt == b.sums.debt);
        if (nlive) {
            bool found;
            val_state_init(&st);
            assert(reserve_tree_find(&st, &found, path, &t, &live[nlive / 2].outpoint) && found);
            struct reserve_state r;
            assert(reserve_path_root(&st, &r, &t.hasher, &path->leaf, path->leaf_count, path->siblings, path->depth));
            assert(hash256_eq(&r.root, &a.root));
        }
    }
    mem_free(path);
    mem_free(ch);
    mem_free(live);
    reserve_memstore_free(m);
    return 0;
}

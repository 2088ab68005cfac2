/* Undo records: writing/reading them through the flat files and applying
 * them to a coins view when a block is disconnected. */
#include "src/chain/undo.h"

#include <string.h>

#include "consensus/script.h"
#include "issuance/state_serialize.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"

void undo_record_build(struct undo_record *r, const struct block_undo *u, const struct issuance_undo *iu,
                       const struct hash256 *parent_hash)
{
    wbuf_init(&r->w);
    block_undo_serialize(&r->w, u);
    if (iu)
        issuance_undo_serialize(&r->w, iu);
    flatfile_undo_checksum(r->sum, parent_hash, r->w.data, r->w.len);
}

int undo_record_write(struct flatfile *ff, struct flat_pos *pos, int file, const struct undo_record *r,
                      struct store_error *err)
{
    return flatfile_write_undo_summed(ff, pos, file, r->w.data, r->w.len, r->sum, err);
}

void undo_record_clear(struct undo_record *r) { wbuf_clear(&r->w); }

int undo_write(struct flatfile *ff, struct flat_pos *pos, int file, const struct block_undo *u,
               const struct issuance_undo *iu, const struct hash256 *parent_hash, struct store_error *err)
{
    struct undo_record r;
    undo_record_build(&r, u, iu, parent_hash);
    int rc = undo_record_write(ff, pos, file, &r, err);
    undo_record_clear(&r);
    return rc;
}

int undo_read(struct flatfile *ff, struct block_undo *out, struct issuance_undo *iu, const struct flat_pos *pos,
              const struct hash256 *parent_hash, struct store_error *err)
{
    block_undo_init(out);
    if (iu)
        issuance_undo_init(iu);
    uint8_t *data = NULL;
    size_t len = 0;
    if (flatfile_read_undo(ff, &data, &len, pos, parent_hash, err) < 0)
        return -1;
    bool ok = block_undo_record_decode(out, iu, data, len);
    mem_free(data);
    if (!ok) {
        block_undo_init(out);
        return store_error_set(err, STORE_ERR_CORRUPT, "undo data at rev%05d.dat:%u does not parse", pos->file,
                               pos->pos);
    }
    return 0;
}

/*
 * Restores one spent coin (Core's ApplyTxInUndo): *coin is MOVED into the
 * view at op. Unlike Core there is no fallback for legacy undo records
 * without height (hashmint never wrote them, and a height of 0 is a real
 * genesis coin on hashmint chains). Returns UNDO_OK, UNDO_UNCLEAN if the outpoint was already unspent (it is
 * overwritten), UNDO_FAILED on a read error.
 */
static enum undo_result undo_apply_coin(struct coins_cache *view, struct coin *coin, const struct outpoint *op)
{
    const struct coin *cur;
    int r = coins_cache_get(view, op, &cur);
    if (r < 0) {
        coin_clear(coin);
        return UNDO_FAILED;
    }
    bool clean = r == 0; /* an unspent coin already there: we overwrite it */
    coins_cache_add(view, op, coin, !clean);
    return clean ? UNDO_OK : UNDO_UNCLEAN;
}

static bool txout_equal(const struct txout *a, const struct txout *b)
{
    return a->value == b->value && a->script_pubkey.len == b->script_pubkey.len &&
           memcmp(a->script_pubkey.data, b->script_pubkey.data, a->script_pubkey.len) == 0;
}

enum undo_result undo_disconnect_block(struct coins_cache *view, const struct block *b, int32_t height,
                                       struct block_undo *u, const struct hash256 *parent_hash, bool bip30_exception)
{
    if (b->tx_count == 0 || u->count + 1 != b->tx_count)
        return UNDO_FAILED;
    bool clean = true;
    for (size_t i = b->tx_count; i-- > 0;) {
        const struct tx *tx = &b->txs[i];
        bool coinbase = i == 0;
        /* Every output the block created must be there, exactly as created. */
        for (size_t o = 0; o < tx->vout_count; o++) {
            const struct txout *out = &tx->vout[o];
            if (script_is_unspendable(out->script_pubkey.data, out->script_pubkey.len))
                continue;
            struct outpoint op = { tx->txid, (uint32_t)o };
            struct coin coin;
            coin_init(&coin);
            int r = coins_cache_spend(view, &op, &coin);
            if (r < 0)
                return UNDO_FAILED;
            if (r == 0 || !txout_equal(out, &coin.out) || coin.height != (uint32_t)height || coin.coinbase != coinbase) {
                if (!(coinbase && bip30_exception))
                    clean = false;
            }
            coin_clear(&coin);
        }
        if (coinbase)
            continue;
        struct tx_undo *tu = &u->txs[i - 1];
        if (tu->count != tx->vin_count)
            return UNDO_FAILED;
        for (size_t j = tx->vin_count; j-- > 0;) {
            enum undo_result r = undo_apply_coin(view, &tu->prevout[j], &tx->vin[j].prevout);
            if (r == UNDO_FAILED)
                return UNDO_FAILED;
            if (r == UNDO_UNCLEAN)
                clean = false;
        }
    }
    coins_cache_set_best_block(view, parent_hash);
    return clean ? UNDO_OK : UNDO_UNCLEAN;
}

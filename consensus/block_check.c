#include "consensus/block_check.h"

#include <stdio.h>
#include <string.h>

#include "consensus/interpreter.h"
#include "consensus/merkle.h"
#include "consensus/pow.h"
#include "consensus/script.h"
#include "consensus/tx_check.h"
#include "consensus/tx_verify.h"
#include "src/crypto/sha256.h"

bool block_check_header(struct val_state *st, const struct block_header *h, const struct chain_params *p)
{
    struct hash256 hash;
    block_header_hash(&hash, h);
    if (!pow_check(&hash, h->bits, p))
        return val_invalid_debug(st, VAL_BLOCK_INVALID_HEADER, "high-hash", "proof of work failed");
    return true;
}

/* CVE-2012-2459: a tree with a repeated subtree has the same root as the list
 * without the repetition, so a mismatch or a duplicate says nothing about the
 * header and is reported as a mutation. */
static bool check_merkle_root(struct val_state *st, const struct block *b)
{
    struct hash256 root;
    bool mutated;
    merkle_block_root(&root, &mutated, b);
    if (!hash256_eq(&root, &b->header.merkle_root))
        return val_invalid_debug(st, VAL_BLOCK_MUTATED, "bad-txnmrklroot", "hashMerkleRoot mismatch");
    if (mutated)
        return val_invalid_debug(st, VAL_BLOCK_MUTATED, "bad-txns-duplicate", "duplicate transaction");
    return true;
}

bool block_check(struct val_state *st, const struct block *b, const struct chain_params *p, bool check_pow,
                 bool check_merkle)
{
    if (check_pow && !block_check_header(st, &b->header, p))
        return false;
    if (check_merkle && !check_merkle_root(st, b))
        return false;

    /* BIP 54: a 64-byte transaction can pose as an inner node of the Merkle
     * tree. Rejected as a mutation: the header may still commit to a valid
     * transaction list, which must not be marked invalid with this one. */
    if (p->reject_64byte_tx) {
        for (size_t i = 0; i < b->tx_count; i++)
            if (tx_size(&b->txs[i], false) == 64)
                return val_invalid_debug(st, VAL_BLOCK_MUTATED, BLOCK_REJECT_64BYTE_TX,
                                         "transaction %zu is 64 bytes without witness", i);
    }

    /* Size limits, before any per-transaction work. */
    if (b->tx_count == 0 || b->tx_count * WITNESS_SCALE_FACTOR > p->max_block_weight ||
        block_size(b, false) * WITNESS_SCALE_FACTOR > p->max_block_weight)
        return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "bad-blk-length", "size limits failed");

    if (!tx_is_coinbase(&b->txs[0]))
        return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "bad-cb-missing", "first tx is not coinbase");
    for (size_t i = 1; i < b->tx_count; i++)
        if (tx_is_coinbase(&b->txs[i]))
            return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "bad-cb-multiple", "more than one coinbase");

    for (size_t i = 0; i < b->tx_count; i++) {
        struct val_state tx_st;
        val_state_init(&tx_st);
        if (!tx_check(&tx_st, &b->txs[i])) {
            char txid[65];
            hash256_to_hex(txid, &b->txs[i].txid);
            return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, tx_st.reject, "transaction check failed (tx hash %.64s)",
                                     txid);
        }
    }

    uint32_t flags = p->tokens_enabled ? SCRIPT_VERIFY_TOKENS : 0;
    uint64_t sigops = 0;
    for (size_t i = 0; i < b->tx_count; i++)
        sigops += tx_legacy_sigop_count(&b->txs[i], flags);
    if (sigops * WITNESS_SCALE_FACTOR > p->max_block_sigops_cost)
        return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "bad-blk-sigops", "out-of-bounds SigOpCount");
    return true;
}

bool block_check_header_contextual(struct val_state *st, const struct block_header *h,
                                   const struct block_prev_context *prev, const struct chain_params *p,
                                   int64_t adjusted_time)
{
    int32_t height = prev->height + 1;
    uint32_t expected = pow_next_work_required(p, prev->height, prev->bits, prev->time, prev->period_first_time);
    if (h->bits != expected)
        return val_invalid_debug(st, VAL_BLOCK_INVALID_HEADER, "bad-diffbits", "incorrect proof of work");

    if ((int64_t)h->time <= prev->median_time_past)
        return val_invalid_debug(st, VAL_BLOCK_INVALID_HEADER, "time-too-old", "block's timestamp is too early");

    if (!pow_timewarp_ok(p, height, h->time, prev->time))
        return val_invalid_debug(st, VAL_BLOCK_INVALID_HEADER, "time-timewarp-attack",
                                 "block's timestamp is too early on diff adjustment block");

    if ((int64_t)h->time > adjusted_time + CHAIN_MAX_FUTURE_BLOCK_TIME)
        return val_invalid_debug(st, VAL_BLOCK_TIME_FUTURE, "time-too-new", "block timestamp too far in the future");

    /* Once BIP 34, 66 and 65 are enforced, blocks must signal them. */
    const struct chain_deployments *d = &p->deployments;
    if ((h->version < 2 && height >= d->bip34) || (h->version < 3 && height >= d->bip66) ||
        (h->version < 4 && height >= d->bip65)) {
        char reject[32];
        snprintf(reject, sizeof(reject), "bad-version(0x%08x)", (uint32_t)h->version);
        return val_invalid_debug(st, VAL_BLOCK_INVALID_HEADER, reject, "rejected nVersion=0x%08x block",
                                 (uint32_t)h->version);
    }
    return true;
}

/* BIP 141: a block with witness data must commit to it in the coinbase;
 * one without a commitment may carry no witness at all. */
static bool check_witness_malleation(struct val_state *st, const struct block *b, bool expect_commitment)
{
    if (expect_commitment) {
        long pos = merkle_witness_commitment_find(b);
        if (pos >= 0) {
            const struct witness *wit = &b->txs[0].vin[0].witness;
            if (wit->count != 1 || wit->items[0].len != 32)
                return val_invalid_debug(st, VAL_BLOCK_MUTATED, "bad-witness-nonce-size",
                                         "invalid witness reserved value size");
            struct hash256 commitment;
            merkle_witness_commitment_compute(&commitment, b, wit->items[0].data);
            const uint8_t *spk = b->txs[0].vout[pos].script_pubkey.data;
            if (memcmp(commitment.b, spk + 6, 32) != 0)
                return val_invalid_debug(st, VAL_BLOCK_MUTATED, "bad-witness-merkle-match",
                                         "witness merkle commitment mismatch");
            return true;
        }
    }
    for (size_t i = 0; i < b->tx_count; i++)
        if (tx_has_witness(&b->txs[i]))
            return val_invalid_debug(st, VAL_BLOCK_MUTATED, "unexpected-witness", "unexpected witness data found");
    return true;
}

bool block_check_contextual(struct val_state *st, const struct block *b, const struct block_prev_context *prev,
                            const struct chain_params *p)
{
    int32_t height = prev->height + 1;
    const struct chain_deployments *d = &p->deployments;

    /* BIP 113: lock times compare against the previous median time past. */
    int64_t cutoff = height >= d->csv ? prev->median_time_past : (int64_t)b->header.time;
    for (size_t i = 0; i < b->tx_count; i++)
        if (!tx_is_final(&b->txs[i], height, cutoff))
            return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "bad-txns-nonfinal", "non-final transaction");

    /* BIP 34: the coinbase scriptSig starts with the height as CScript() << height writes it. */
    if (height >= d->bip34) {
        struct wbuf expect;
        wbuf_init(&expect);
        script_push_int(&expect, height);
        const struct bytes *sig = &b->txs[0].vin[0].script_sig;
        bool ok = sig->len >= expect.len && memcmp(sig->data, expect.data, expect.len) == 0;
        wbuf_clear(&expect);
        if (!ok)
            return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "bad-cb-height", "block height mismatch in coinbase");
    }

    if (!check_witness_malleation(st, b, height >= d->segwit))
        return false;

    /* Checked only now: the coinbase witness, which the header does not
     * commit to, could otherwise inflate the weight of a valid block. */
    if (block_weight(b) > p->max_block_weight)
        return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "bad-blk-weight", "weight limit failed");
    return true;
}

int64_t block_median_time_past(const int64_t *times, size_t count)
{
    int64_t sorted[11];
    if (count == 0)
        return 0;
    if (count > 11)
        count = 11;
    memcpy(sorted, times, count * sizeof(int64_t));
    for (size_t i = 1; i < count; i++) { /* insertion sort: at most 11 values */
        int64_t v = sorted[i];
        size_t j = i;
        while (j > 0 && sorted[j - 1] > v) {
            sorted[j] = sorted[j - 1];
            j--;
        }
        sorted[j] = v;
    }
    return sorted[count / 2];
}

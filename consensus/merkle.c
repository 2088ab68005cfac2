#include "consensus/merkle.h"

#include <string.h>

#include "src/crypto/sha256.h"
#include "src/util/alloc.h"

const uint8_t MERKLE_WITNESS_COMMITMENT_HEADER[6] = { 0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed };

void merkle_root_compute(struct hash256 *root, bool *mutated, const struct hash256 *leaves, size_t count)
{
    bool mutation = false;
    if (count == 0) {
        memset(root, 0, sizeof(*root));
        if (mutated)
            *mutated = false;
        return;
    }
    /* One working buffer, one spare slot for the duplicated odd hash; each
     * level is hashed into a second buffer (sha256d_64 promises nothing about
     * overlapping input and output). */
    size_t n = count;
    uint8_t *level = mem_alloc((n + 1) * 32);
    uint8_t *next = mem_alloc((n / 2 + 1) * 32);
    for (size_t i = 0; i < n; i++)
        memcpy(level + 32 * i, leaves[i].b, 32);
    while (n > 1) {
        for (size_t pos = 0; pos + 1 < n; pos += 2)
            if (memcmp(level + 32 * pos, level + 32 * (pos + 1), 32) == 0)
                mutation = true;
        if (n & 1) {
            memcpy(level + 32 * n, level + 32 * (n - 1), 32);
            n++;
        }
        sha256d_64(next, level, n / 2);
        n /= 2;
        memcpy(level, next, 32 * n);
    }
    memcpy(root->b, level, 32);
    if (mutated)
        *mutated = mutation;
    mem_free(level);
    mem_free(next);
}

void merkle_block_root(struct hash256 *root, bool *mutated, const struct block *b)
{
    struct hash256 *leaves = mem_alloc((b->tx_count ? b->tx_count : 1) * sizeof(*leaves));
    for (size_t i = 0; i < b->tx_count; i++)
        leaves[i] = b->txs[i].txid;
    merkle_root_compute(root, mutated, leaves, b->tx_count);
    mem_free(leaves);
}

void merkle_block_witness_root(struct hash256 *root, bool *mutated, const struct block *b)
{
    struct hash256 *leaves = mem_alloc((b->tx_count ? b->tx_count : 1) * sizeof(*leaves));
    for (size_t i = 0; i < b->tx_count; i++)
        leaves[i] = b->txs[i].wtxid;
    if (b->tx_count)
        memset(leaves[0].b, 0, 32); /* the coinbase's wtxid is defined as zero */
    merkle_root_compute(root, mutated, leaves, b->tx_count);
    mem_free(leaves);
}

long merkle_witness_commitment_find(const struct block *b)
{
    long pos = -1;
    if (b->tx_count == 0)
        return -1;
    const struct tx *cb = &b->txs[0];
    for (size_t o = 0; o < cb->vout_count; o++) {
        const struct bytes *s = &cb->vout[o].script_pubkey;
        if (s->len >= MERKLE_WITNESS_COMMITMENT_MIN_SIZE &&
            memcmp(s->data, MERKLE_WITNESS_COMMITMENT_HEADER, sizeof(MERKLE_WITNESS_COMMITMENT_HEADER)) == 0)
            pos = (long)o;
    }
    return pos;
}

void merkle_witness_commitment_compute(struct hash256 *commitment, const struct block *b, const uint8_t reserved[32])
{
    uint8_t buf[64];
    struct hash256 root;
    merkle_block_witness_root(&root, NULL, b);
    memcpy(buf, root.b, 32);
    memcpy(buf + 32, reserved, 32);
    sha256d(commitment->b, buf, sizeof(buf));
}

void merkle_witness_commitment_add(struct block *b)
{
    struct tx *cb = &b->txs[0];
    static const uint8_t zero[32];
    if (cb->vin[0].witness.count == 0)
        txin_witness_push(&cb->vin[0], zero, sizeof(zero));
    const struct bytes *reserved = &cb->vin[0].witness.items[0];
    uint8_t nonce[32] = { 0 };
    if (reserved->len == 32)
        memcpy(nonce, reserved->data, 32);

    struct hash256 commitment;
    merkle_witness_commitment_compute(&commitment, b, nonce);
    uint8_t script[MERKLE_WITNESS_COMMITMENT_MIN_SIZE];
    memcpy(script, MERKLE_WITNESS_COMMITMENT_HEADER, sizeof(MERKLE_WITNESS_COMMITMENT_HEADER));
    memcpy(script + 6, commitment.b, 32);
    tx_add_output(cb, 0, script, sizeof(script));
    tx_update_hashes(cb);
}

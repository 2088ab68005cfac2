#include "src/rpc/json_block.h"

#include <stdio.h>

#include "consensus/arith256.h"
#include "consensus/script.h"
#include "src/rpc/json_write.h"

/*
 * Returns the height a coinbase states under BIP 34, or -1 if the block
 * does not state one (no transactions, version < 2, or no leading number).
 */
static long rpc_block_bip34_height(const struct block *b)
{
    if (b->tx_count == 0 || b->txs[0].vin_count == 0 || b->header.version < 2)
        return -1;
    const struct bytes *sig = &b->txs[0].vin[0].script_sig;
    const uint8_t *pc = sig->data, *end = sig->data + sig->len;
    enum opcode op;
    const uint8_t *data;
    size_t len;
    if (sig->len == 0 || !script_get_op(&pc, end, &op, &data, &len))
        return -1;
    if (op == OP_0)
        return 0;
    if (op >= OP_1 && op <= OP_16)
        return (long)op - (OP_1 - 1);
    /* BIP 34 serialises the height as CScript() << height does: a direct
     * push of a minimal number (heights fit 4 bytes for 10,000 years). */
    int64_t n;
    if (op < 1 || op > 4 || (size_t)op != len || !script_num_decode(&n, data, len, true, 4) || n < 17)
        return -1;
    return (long)n;
}

double rpc_difficulty(uint32_t bits)
{
    int shift = (bits >> 24) & 0xff;
    uint32_t mantissa = bits & 0x00ffffff;
    if (mantissa == 0)
        return 0.0; /* Core would divide by zero; no valid target has it */
    double diff = (double)0x0000ffff / (double)mantissa;
    while (shift < 29) {
        diff *= 256.0;
        shift++;
    }
    while (shift > 29) {
        diff /= 256.0;
        shift--;
    }
    return diff;
}

static json_t *json_hash(const struct hash256 *h)
{
    char hex[65];
    hash256_to_hex(hex, h);
    return json_string(hex);
}

static json_t *json_hex32(uint32_t v)
{
    char buf[9];
    snprintf(buf, sizeof(buf), "%08x", v);
    return json_string(buf);
}

json_t *rpc_block_to_json(const struct block *b, const struct rpc_tx_style *style, bool tx_details)
{
    const struct block_header *h = &b->header;
    json_t *o = json_object();
    struct hash256 hash;
    block_hash(&hash, b);
    json_object_set_new(o, "hash", json_hash(&hash));
    long height = rpc_block_bip34_height(b);
    if (height >= 0)
        json_object_set_new(o, "height", json_integer(height));
    json_object_set_new(o, "version", json_integer(h->version));
    json_object_set_new(o, "versionHex", json_hex32((uint32_t)h->version));
    json_object_set_new(o, "merkleroot", json_hash(&h->merkle_root));
    json_object_set_new(o, "time", json_integer(h->time));
    json_object_set_new(o, "nonce", json_integer(h->nonce));
    json_object_set_new(o, "bits", json_hex32(h->bits));
    struct arith256 target;
    bool negative, overflow;
    arith256_set_compact(&target, h->bits, &negative, &overflow);
    if (!negative && !overflow) {
        char hex[65];
        arith256_to_hex(hex, &target);
        json_object_set_new(o, "target", json_string(hex));
    }
    json_object_set_new(o, "difficulty", rpc_json_double(rpc_difficulty(h->bits)));
    json_object_set_new(o, "nTx", json_integer((json_int_t)b->tx_count));
    if (!hash256_is_zero(&h->prev_hash))
        json_object_set_new(o, "previousblockhash", json_hash(&h->prev_hash));
    json_object_set_new(o, "strippedsize", json_integer((json_int_t)block_size(b, false)));
    json_object_set_new(o, "size", json_integer((json_int_t)block_size(b, true)));
    json_object_set_new(o, "weight", json_integer((json_int_t)block_weight(b)));
    json_t *txs = json_array();
    for (size_t i = 0; i < b->tx_count; i++)
        json_array_append_new(txs, tx_details ? rpc_tx_to_json(&b->txs[i], style, true) : json_hash(&b->txs[i].txid));
    json_object_set_new(o, "tx", txs);
    return o;
}

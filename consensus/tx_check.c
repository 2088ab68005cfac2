#include "consensus/tx_check.h"

#include <stdlib.h>
#include <string.h>

#include "consensus/amount.h"
#include "src/util/alloc.h"

static int cmp_outpoint(const void *a, const void *b)
{
    const struct outpoint *x = a, *y = b;
    int c = memcmp(x->txid.b, y->txid.b, 32);
    if (c)
        return c;
    return x->n < y->n ? -1 : x->n > y->n;
}

/* Sorting makes the duplicate check O(n log n) for any input count. */
static bool has_duplicate_inputs(const struct tx *tx)
{
    if (tx->vin_count < 2)
        return false;
    struct outpoint *ops = mem_alloc(tx->vin_count * sizeof(*ops));
    for (size_t i = 0; i < tx->vin_count; i++)
        ops[i] = tx->vin[i].prevout;
    qsort(ops, tx->vin_count, sizeof(*ops), cmp_outpoint);
    bool dup = false;
    for (size_t i = 1; i < tx->vin_count && !dup; i++)
        dup = cmp_outpoint(&ops[i - 1], &ops[i]) == 0;
    mem_free(ops);
    return dup;
}

bool tx_check(struct val_state *st, const struct tx *tx)
{
    if (tx->vin_count == 0)
        return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-vin-empty");
    if (tx->vout_count == 0)
        return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-vout-empty");
    if (tx_size(tx, false) * WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT)
        return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-oversize");

    int64_t total = 0;
    for (size_t i = 0; i < tx->vout_count; i++) {
        int64_t v = tx->vout[i].value;
        if (v < 0)
            return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-vout-negative");
        if (v > MAX_MONEY)
            return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-vout-toolarge");
        total += v;
        if (!money_range(total))
            return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-txouttotal-toolarge");
    }

    if (has_duplicate_inputs(tx))
        return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-inputs-duplicate");

    if (tx_is_coinbase(tx)) {
        size_t n = tx->vin[0].script_sig.len;
        if (n < 2 || n > 100)
            return val_invalid(st, VAL_TX_CONSENSUS, "bad-cb-length");
    } else {
        for (size_t i = 0; i < tx->vin_count; i++)
            if (outpoint_is_null(&tx->vin[i].prevout))
                return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-prevout-null");
    }
    return true;
}

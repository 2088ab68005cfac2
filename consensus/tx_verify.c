#include "consensus/tx_verify.h"

#include "consensus/amount.h"
#include "consensus/interpreter.h"
#include "consensus/script.h"
#include "consensus/token_prefix.h"

bool tx_is_final(const struct tx *tx, int32_t height, int64_t block_time)
{
    if (tx->locktime == 0)
        return true;
    int64_t cutoff = tx->locktime < LOCKTIME_THRESHOLD ? (int64_t)height : block_time;
    if ((int64_t)tx->locktime < cutoff)
        return true;
    /* A lock time in the future is void if no input can still be replaced. */
    for (size_t i = 0; i < tx->vin_count; i++)
        if (tx->vin[i].sequence != SEQUENCE_FINAL)
            return false;
    return true;
}

void tx_sequence_locks_calculate(struct sequence_lock *lock, int32_t *prev_heights, const struct tx *tx, bool enforce,
                                 tx_mtp_at_fn mtp_at, void *ctx)
{
    lock->min_height = -1;
    lock->min_time = -1;
    /* BIP 68 reads the version as unsigned: version -1 is 0xffffffff >= 2. */
    if (!enforce || (uint32_t)tx->version < 2)
        return;
    for (size_t i = 0; i < tx->vin_count; i++) {
        uint32_t seq = tx->vin[i].sequence;
        if (seq & SEQUENCE_LOCKTIME_DISABLE_FLAG) {
            prev_heights[i] = 0;
            continue;
        }
        int32_t coin_height = prev_heights[i];
        int64_t value = seq & SEQUENCE_LOCKTIME_MASK;
        if (seq & SEQUENCE_LOCKTIME_TYPE_FLAG) {
            /* Time locks count from the median time past of the block before
             * the coin's block; "- 1" turns "at least" into the "greater
             * than" that evaluation tests. */
            int32_t h = coin_height - 1 > 0 ? coin_height - 1 : 0;
            int64_t coin_time = mtp_at(ctx, h);
            int64_t t = coin_time + (value << SEQUENCE_LOCKTIME_GRANULARITY) - 1;
            if (t > lock->min_time)
                lock->min_time = t;
        } else {
            int64_t hgt = (int64_t)coin_height + value - 1;
            if (hgt > lock->min_height)
                lock->min_height = (int32_t)hgt;
        }
    }
}

bool tx_sequence_locks_evaluate(const struct sequence_lock *lock, int32_t height, int64_t prev_mtp)
{
    return !(lock->min_height >= height || lock->min_time >= prev_mtp);
}

const uint8_t *tx_locking_script(const uint8_t *spk, size_t spk_len, uint32_t flags, size_t *len)
{
    *len = spk_len;
    if (!(flags & SCRIPT_VERIFY_TOKENS))
        return spk;
    struct token_prefix prefix;
    size_t prefix_len;
    if (token_prefix_parse(&prefix, &prefix_len, spk, spk_len) != TOKEN_PREFIX_OK)
        return spk;
    *len = spk_len - prefix_len;
    return spk + prefix_len;
}

unsigned tx_legacy_sigop_count(const struct tx *tx, uint32_t flags)
{
    unsigned n = 0;
    for (size_t i = 0; i < tx->vin_count; i++)
        n += script_sigop_count(tx->vin[i].script_sig.data, tx->vin[i].script_sig.len, false);
    for (size_t i = 0; i < tx->vout_count; i++) {
        size_t len;
        const uint8_t *s = tx_locking_script(tx->vout[i].script_pubkey.data, tx->vout[i].script_pubkey.len, flags, &len);
        n += script_sigop_count(s, len, false);
    }
    return n;
}

unsigned tx_p2sh_sigop_count(const struct tx *tx, const struct spent_coin *coins, uint32_t flags)
{
    if (tx_is_coinbase(tx))
        return 0;
    unsigned n = 0;
    for (size_t i = 0; i < tx->vin_count; i++) {
        size_t len;
        const struct txout *prev = coins[i].out;
        const uint8_t *s = tx_locking_script(prev->script_pubkey.data, prev->script_pubkey.len, flags, &len);
        n += script_p2sh_sigop_count(s, len, tx->vin[i].script_sig.data, tx->vin[i].script_sig.len);
    }
    return n;
}

int64_t tx_sigop_cost(const struct tx *tx, const struct spent_coin *coins, uint32_t flags)
{
    int64_t cost = (int64_t)tx_legacy_sigop_count(tx, flags) * WITNESS_SCALE_FACTOR;
    if (tx_is_coinbase(tx))
        return cost;
    if (flags & SCRIPT_VERIFY_P2SH)
        cost += (int64_t)tx_p2sh_sigop_count(tx, coins, flags) * WITNESS_SCALE_FACTOR;
    for (size_t i = 0; i < tx->vin_count; i++) {
        size_t len;
        const struct txout *prev = coins[i].out;
        const uint8_t *s = tx_locking_script(prev->script_pubkey.data, prev->script_pubkey.len, flags, &len);
        /* the prefix is already stripped: count as over a plain script */
        cost += script_witness_sigop_count(tx->vin[i].script_sig.data, tx->vin[i].script_sig.len, s, len,
                                           &tx->vin[i].witness, flags & ~SCRIPT_VERIFY_TOKENS);
    }
    return cost;
}

bool tx_check_inputs(struct val_state *st, int64_t *fee, const struct tx *tx, const struct spent_coin *coins,
                     int32_t spend_height, const struct chain_params *p)
{
    int64_t value_in = 0;
    *fee = 0;
    for (size_t i = 0; i < tx->vin_count; i++) {
        const struct spent_coin *coin = &coins[i];
        if (!chain_params_coin_mature(p, coin->is_coinbase, coin->height, spend_height))
            return val_invalid_debug(st, VAL_TX_PREMATURE_SPEND, "bad-txns-premature-spend-of-coinbase",
                                     "tried to spend coinbase at depth %lld",
                                     (long long)spend_height - coin->height);
        int64_t v = coin->out->value;
        if (!money_range(v))
            return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-inputvalues-outofrange");
        value_in += v; /* both terms <= MAX_MONEY: no overflow */
        if (!money_range(value_in))
            return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-inputvalues-outofrange");
    }
    int64_t value_out;
    if (!tx_value_out(tx, &value_out))
        return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-txouttotal-toolarge");
    if (value_in < value_out)
        return val_invalid_debug(st, VAL_TX_CONSENSUS, "bad-txns-in-belowout", "value in (%lld) < value out (%lld)",
                                 (long long)value_in, (long long)value_out);
    int64_t f = value_in - value_out;
    if (!money_range(f))
        return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-fee-outofrange");
    *fee = f;
    return true;
}

#include "qa/unit/chain/fake_chain.h"

#include <string.h>

#include "consensus/params.h"
#include "src/crypto/sha256.h"
#include "src/util/bytes.h"

uint8_t FAKE_SPK[34];

static void fc_tip(void *ctx, struct mempool_chain_tip *out)
{
    struct fake_chain *fc = ctx;
    memset(out, 0, sizeof(*out));
    memset(out->hash.b, 0x77, 32);
    out->height = fc->height;
    out->mtp = fc->mtp;
    out->next_bits = fc->params->pow_limit_bits;
    out->next_flags = chain_params_script_flags(fc->params, fc->height + 1, NULL);
}

static bool fc_get_coin(void *ctx, struct txout *out, int32_t *height, bool *coinbase, const struct outpoint *op)
{
    struct fake_chain *fc = ctx;
    for (size_t i = 0; i < fc->coin_count; i++) {
        struct fake_coin *c = &fc->coins[i];
        if (c->op.n == op->n && hash256_eq(&c->op.txid, &op->txid)) {
            out->value = c->out.value;
            memset(&out->script_pubkey, 0, sizeof(out->script_pubkey));
            bytes_set(&out->script_pubkey, c->out.script_pubkey.data, c->out.script_pubkey.len);
            *height = c->height;
            *coinbase = c->coinbase;
            return true;
        }
    }
    return false;
}

static int64_t fc_mtp_at(void *ctx, int32_t height)
{
    struct fake_chain *fc = ctx;
    (void)height;
    return fc->mtp;
}

static int64_t fc_clock(void *ctx)
{
    return ((struct fake_chain *)ctx)->now;
}

static void fc_added(void *ctx, const struct tx *tx, uint64_t seq)
{
    struct fake_chain *fc = ctx;
    if (fc->event_count < FAKE_MAX_EVENTS)
        fc->events[fc->event_count++] = (struct fake_event){ true, tx->txid, MEMPOOL_REMOVAL_EXPIRY, seq };
}

static void fc_removed(void *ctx, const struct tx *tx, enum mempool_removal_reason reason, uint64_t seq)
{
    struct fake_chain *fc = ctx;
    if (fc->event_count < FAKE_MAX_EVENTS)
        fc->events[fc->event_count++] = (struct fake_event){ false, tx->txid, reason, seq };
}

void fake_chain_init(struct fake_chain *fc, struct mempool_options *o)
{
    memset(fc, 0, sizeof(*fc));
    fc->params = chain_params_get("regtest");
    fc->height = 200;
    fc->mtp = 1700000000;
    fc->now = 1700000600;
    uint8_t op_true = 0x51;
    FAKE_SPK[0] = 0x00;
    FAKE_SPK[1] = 0x20;
    sha256(FAKE_SPK + 2, &op_true, 1);
    mempool_options_init(o, fc->params);
    o->chain.ctx = fc;
    o->chain.tip = fc_tip;
    o->chain.get_coin = fc_get_coin;
    o->chain.mtp_at = fc_mtp_at;
    o->notify.ctx = fc;
    o->notify.tx_added = fc_added;
    o->notify.tx_removed = fc_removed;
    o->clock = fc_clock;
    o->clock_ctx = fc;
}

void fake_chain_clear(struct fake_chain *fc)
{
    for (size_t i = 0; i < fc->coin_count; i++)
        txout_clear(&fc->coins[i].out);
    fc->coin_count = 0;
}

struct outpoint fake_chain_add_coin(struct fake_chain *fc, uint8_t id, uint32_t n, int64_t value, int32_t height,
                                    bool coinbase)
{
    struct fake_coin *c = &fc->coins[fc->coin_count++];
    memset(c, 0, sizeof(*c));
    memset(c->op.txid.b, id, 32);
    c->op.n = n;
    c->out.value = value;
    bytes_set(&c->out.script_pubkey, FAKE_SPK, sizeof(FAKE_SPK));
    c->height = height;
    c->coinbase = coinbase;
    return c->op;
}

void fake_chain_add_tx(struct fake_chain *fc, const struct tx *tx, int32_t height)
{
    for (size_t i = 0; i < tx->vout_count; i++) {
        struct fake_coin *c = &fc->coins[fc->coin_count++];
        memset(c, 0, sizeof(*c));
        c->op.txid = tx->txid;
        c->op.n = (uint32_t)i;
        c->out.value = tx->vout[i].value;
        bytes_set(&c->out.script_pubkey, tx->vout[i].script_pubkey.data, tx->vout[i].script_pubkey.len);
        c->height = height;
        c->coinbase = tx_is_coinbase(tx);
    }
}

void fake_chain_spend(struct fake_chain *fc, const struct outpoint *op)
{
    for (size_t i = 0; i < fc->coin_count; i++)
        if (fc->coins[i].op.n == op->n && hash256_eq(&fc->coins[i].op.txid, &op->txid)) {
            txout_clear(&fc->coins[i].out);
            fc->coins[i] = fc->coins[--fc->coin_count];
            return;
        }
}

void fake_tx(struct tx *tx, const struct outpoint *ins, size_t nin, const int64_t *values, size_t nout)
{
    tx_init(tx);
    uint8_t op_true = 0x51;
    for (size_t i = 0; i < nin; i++) {
        struct txin *in = tx_add_input(tx, &ins[i], NULL, 0, 0xfffffffd);
        txin_witness_push(in, &op_true, 1);
    }
    for (size_t i = 0; i < nout; i++)
        tx_add_output(tx, values[i], FAKE_SPK, sizeof(FAKE_SPK));
    tx_update_hashes(tx);
}

void fake_tx1(struct tx *tx, const struct outpoint *in, int64_t value)
{
    fake_tx(tx, in, 1, &value, 1);
}

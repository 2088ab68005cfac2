#include "issuance/reserve_commitment.h"

#include <string.h>

#include "src/util/endian.h"

const uint8_t RESERVE_COMMITMENT_HEADER[6] = { 0x6a, 0x34, 'H', 'M', 'R', 'S' };

void reserve_commitment_from_state(struct reserve_commitment *c, const struct reserve_state *state)
{
    c->root = state->root;
    c->collateral = state->sums.collateral;
    c->debt = state->sums.debt;
}

void reserve_commitment_script(uint8_t out[RESERVE_COMMITMENT_SCRIPT_SIZE], const struct reserve_commitment *c)
{
    memcpy(out, RESERVE_COMMITMENT_HEADER, sizeof(RESERVE_COMMITMENT_HEADER));
    memcpy(out + 6, c->root.b, 32);
    le64_write(out + 38, c->collateral);
    le64_write(out + 46, c->debt);
}

bool reserve_commitment_is_tagged(const uint8_t *script, size_t len)
{
    return len >= sizeof(RESERVE_COMMITMENT_HEADER) &&
           memcmp(script, RESERVE_COMMITMENT_HEADER, sizeof(RESERVE_COMMITMENT_HEADER)) == 0;
}

bool reserve_commitment_parse(struct reserve_commitment *out, const uint8_t *script, size_t len)
{
    memset(out, 0, sizeof(*out));
    if (len != RESERVE_COMMITMENT_SCRIPT_SIZE || !reserve_commitment_is_tagged(script, len))
        return false;
    memcpy(out->root.b, script + 6, 32);
    out->collateral = le64_read(script + 38);
    out->debt = le64_read(script + 46);
    return true;
}

bool reserve_commitment_find(struct val_state *st, struct reserve_commitment *c, size_t *index,
                             const struct tx *coinbase)
{
    memset(c, 0, sizeof(*c));
    size_t found = 0, at = 0;
    for (size_t i = 0; i < coinbase->vout_count; i++) {
        const struct bytes *spk = &coinbase->vout[i].script_pubkey;
        if (!reserve_commitment_is_tagged(spk->data, spk->len))
            continue;
        if (++found > 1)
            return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_COMMITMENT, "multiple");
        at = i;
    }
    if (!found)
        return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_COMMITMENT, "missing");
    const struct bytes *spk = &coinbase->vout[at].script_pubkey;
    if (!reserve_commitment_parse(c, spk->data, spk->len))
        return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_COMMITMENT, "malformed");
    if (index)
        *index = at;
    return true;
}

bool reserve_commitment_check(struct val_state *st, const struct tx *coinbase, const struct reserve_commitment *expect)
{
    struct reserve_commitment got;
    if (!reserve_commitment_find(st, &got, NULL, coinbase))
        return false;
    if (!hash256_eq(&got.root, &expect->root))
        return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_COMMITMENT, "root mismatch");
    if (got.collateral != expect->collateral)
        return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_COMMITMENT, "collateral mismatch");
    if (got.debt != expect->debt)
        return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_COMMITMENT, "debt mismatch");
    return true;
}

void reserve_commitment_add(struct tx *coinbase, const struct reserve_commitment *c)
{
    uint8_t script[RESERVE_COMMITMENT_SCRIPT_SIZE];
    reserve_commitment_script(script, c);
    tx_add_output(coinbase, 0, script, sizeof(script));
    tx_update_hashes(coinbase);
}

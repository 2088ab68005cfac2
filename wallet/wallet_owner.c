/* Ownership of prefixed outputs (wallet/wallet_owner.h). */
#include "wallet/wallet_owner.h"

#include <string.h>

#include "consensus/params.h"
#include "wallet/wallet_internal.h"

bool wallet_spk_prefixed(const struct wallet *w, const uint8_t *spk, size_t len)
{
    return w->params->tokens_enabled && len > 0 && spk[0] == TOKEN_PREFIX_MARKER;
}

const struct spkent *wallet_find_owner(struct wallet *w, struct token_prefix *tp, bool *prefixed,
                                       const uint8_t *spk, size_t len)
{
    if (tp)
        memset(tp, 0, sizeof(*tp));
    if (prefixed)
        *prefixed = false;
    if (!wallet_spk_prefixed(w, spk, len))
        return wallet_find_spk(w, spk, len);
    struct token_prefix p;
    size_t plen;
    if (token_prefix_parse(&p, &plen, spk, len) != TOKEN_PREFIX_OK)
        return NULL;
    if (tp)
        *tp = p;
    if (prefixed)
        *prefixed = true;
    return wallet_find_spk(w, spk + plen, len - plen);
}

#ifndef HASHMINT_ISSUANCE_ORACLE_H
#define HASHMINT_ISSUANCE_ORACLE_H
/* The protocol outputs: ORACLE and ISSUER (spec rules 8, 9 and 10,
 * doc/issuance.md "Oracle and issuer updates"). Each asset has exactly one
 * of each in the UTXO set, from genesis on; a transaction may replace one
 * only by spending it and creating exactly one new one. Who may do so is
 * decided by the spent output's locking script (the oracle's and issuer's
 * m-of-n multisig), which the ordinary interpreter checks. */
#include <stdbool.h>

#include "consensus/tx.h"
#include "consensus/validation.h"
#include "issuance/issuance_effects.h"
#include "issuance/tx_tally.h"

#define ISSUANCE_REJECT_ISSUER_MULTIPLE "bad-issuance-issuer-multiple"
#define ISSUANCE_REJECT_ISSUER_CREATE "bad-issuance-issuer-create"
#define ISSUANCE_REJECT_ISSUER_MISSING "bad-issuance-issuer-missing"
#define ISSUANCE_REJECT_ORACLE_MULTIPLE "bad-issuance-oracle-multiple"
#define ISSUANCE_REJECT_ORACLE_CREATE "bad-issuance-oracle-create"
#define ISSUANCE_REJECT_ORACLE_MISSING "bad-issuance-oracle-missing"
#define ISSUANCE_REJECT_ORACLE_PRICE_ZERO "bad-issuance-oracle-price-zero"

/**
 * Checks rules 8-10 for every asset, in asset order; per asset, in this
 * order: more than one ISSUER spent or created (ISSUANCE_REJECT_ISSUER_MULTIPLE),
 * an ISSUER created without spending the asset's ISSUER (..._ISSUER_CREATE;
 * a coinbase can never spend one, so no coinbase may create one), the
 * ISSUER spent but none created (..._ISSUER_MISSING); the same three for
 * ORACLE; then an ORACLE created with price 0 (..._ORACLE_PRICE_ZERO).
 * Out: fx->asset[a].oracle_updated/oracle/price and
 * issuer_updated/issuer/issuer_flags, plus the ORACLE_UPDATE and
 * ISSUER_UPDATE action bits, for every asset whose output was replaced.
 * Returns false with st set (VAL_TX_CONSENSUS).
 */
__attribute__((warn_unused_result)) bool issuance_protocol_outputs_check(struct val_state *st,
                                                                         struct issuance_effects *fx,
                                                                         const struct tx *tx,
                                                                         const struct issuance_tally *t);

#endif

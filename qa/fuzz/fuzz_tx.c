/* Fuzz target: transaction parsing, serialisation round trip and checks. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "consensus/tx.h"
#include "consensus/tx_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tx tx;
    if (!tx_decode(&tx, data, size, true))
        return 0;
    struct wbuf w;
    wbuf_init(&w);
    tx_serialize(&w, &tx, true);
    /* A parsed transaction re-serialises to exactly the bytes it came from. */
    assert(w.len == size && memcmp(w.data, data, size) == 0);
    assert(tx_size(&tx, true) == size);
    /* So the ids tx_parse hashed from those bytes are the re-serialisation's. */
    struct tx copy;
    tx_copy(&copy, &tx);
    tx_update_hashes(&copy);
    assert(hash256_eq(&copy.txid, &tx.txid) && hash256_eq(&copy.wtxid, &tx.wtxid));
    tx_clear(&copy);
    struct val_state st;
    val_state_init(&st);
    (void)tx_check(&st, &tx);
    wbuf_clear(&w);
    tx_clear(&tx);
    return 0;
}

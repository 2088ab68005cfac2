/* Fuzz target: signature hashing of arbitrary transactions and script codes.
 * Input: 1 control byte, 1 byte script length, the script code, then a
 * serialised transaction. Every scheme must hash without crashing, and the
 * BIP 341 message must hash to exactly what sighash_taproot streams. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "consensus/sighash.h"
#include "consensus/tx.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const uint8_t control = data[0];
    size_t code_len = data[1];
    if (size - 2 < code_len)
        return 0;
    const uint8_t *code = data + 2;
    struct tx tx;
    if (!tx_decode(&tx, data + 2 + code_len, size - 2 - code_len, true))
        return 0;

    /* Spent outputs: the script code as every scriptPubKey. */
    struct txout *spent = mem_calloc(tx.vin_count ? tx.vin_count : 1, sizeof(struct txout));
    for (size_t i = 0; i < tx.vin_count; i++) {
        spent[i].value = (int64_t)(i * 1000 + control);
        spent[i].script_pubkey.data = (uint8_t *)code;
        spent[i].script_pubkey.len = code_len;
    }
    struct tx_precomputed pre;
    tx_precomputed_init(&pre, &tx, (control & 1) ? spent : NULL, tx.vin_count);

    struct script_exec_data ed;
    memset(&ed, 0, sizeof(ed));
    ed.annex_init = true;
    ed.annex_present = (control & 2) != 0;
    ed.tapleaf_hash_init = true;
    ed.codeseparator_pos_init = true;
    ed.codeseparator_pos = control;

    uint8_t h[32], h2[32];
    const int32_t types[] = { 0, 1, 2, 3, 0x81, 0x82, 0x83, control, (int32_t)0x80000000u | control };
    for (size_t i = 0; i <= tx.vin_count; i++) {
        for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
            sighash_legacy(h, &tx, i, code, code_len, control % (code_len + 1), types[t]);
            if (i < tx.vin_count)
                sighash_witness_v0(h, &tx, i, code, code_len, spent[i].value, types[t], &pre);
            for (enum sig_version v = SIGVERSION_TAPROOT; v <= SIGVERSION_TAPSCRIPT; v++) {
                struct wbuf msg;
                wbuf_init(&msg);
                bool a = sighash_taproot_msg(&msg, &tx, i, (uint8_t)types[t], v, &ed, &pre);
                bool b = sighash_taproot(h, &tx, i, (uint8_t)types[t], v, &ed, &pre);
                assert(a == b);
                if (a) {
                    struct sha256_ctx c;
                    sha256_tagged_init(&c, "TapSighash");
                    sha256_write(&c, msg.data, msg.len);
                    sha256_finalize(&c, h2);
                    assert(memcmp(h, h2, 32) == 0);
                }
                wbuf_clear(&msg);
            }
        }
    }
    mem_free(spent);
    tx_clear(&tx);
    return 0;
}

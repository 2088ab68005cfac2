/* Mines the genesis blocks of the hashmint profiles and prints the values to
 * record in consensus/params.c and doc/chain-params.md.
 *
 * For each profile it computes every asset's asset_id from its canonical
 * definition, builds the genesis block from the profile's description with
 * those ids, and searches nonces from 0 until the header hash meets the
 * genesis bits. The keys and scripts come from contrib/genesis/derive_keys.py
 * (consensus/params_keys.h).
 *
 * Build (from a configured build directory, e.g. build-debug):
 *   cc -I.. -I. -o mine_genesis ../contrib/genesis/mine_genesis.c \
 *      libhm_consensus.a libhm_crypto.a libhm_util.a -lsecp256k1
 * Run: ./mine_genesis [main|test|regtest ...]
 */
#include <stdio.h>
#include <string.h>

#include "consensus/block.h"
#include "consensus/params.h"
#include "consensus/pow.h"
#include "src/util/hex.h"

static void print_bytes(const char *what, const uint8_t *p, size_t n)
{
    printf("  %s: ", what);
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    printf("\n");
}

static int mine(const char *name)
{
    const struct chain_params *orig = chain_params_get(name);
    if (!orig || !orig->is_hashmint) {
        fprintf(stderr, "unknown hashmint profile %s\n", name);
        return 1;
    }
    /* A writable copy: the recorded asset ids and nonce may be stale. */
    struct chain_params p = *orig;
    struct chain_asset assets[8];
    if (p.asset_count > 8)
        return 1;
    for (size_t i = 0; i < p.asset_count; i++) {
        assets[i] = orig->assets[i];
        chain_asset_id_compute(assets[i].asset_id, &assets[i]);
    }
    p.assets = assets;

    struct block b;
    chain_params_genesis_build(&b, &p);
    struct hash256 h;
    uint32_t nonce = 0;
    for (;;) {
        b.header.nonce = nonce;
        block_header_hash(&h, &b.header);
        if (pow_check(&h, b.header.bits, &p))
            break;
        if (++nonce == 0) {
            fprintf(stderr, "%s: nonce space exhausted; change the time\n", name);
            block_clear(&b);
            return 1;
        }
    }
    char hex[65];
    printf("%s:\n", name);
    for (size_t i = 0; i < p.asset_count; i++) {
        printf("  asset %s", assets[i].ticker);
        print_bytes("asset_id", assets[i].asset_id, 32);
        if (memcmp(assets[i].asset_id, orig->assets[i].asset_id, 32) != 0)
            printf("  (differs from the recorded asset_id: update consensus/params.c)\n");
    }
    printf("  time: %u\n  bits: 0x%08x\n  nonce: %u\n", b.header.time, b.header.bits, nonce);
    hash256_to_hex(hex, &h);
    printf("  hash: %s\n", hex);
    hash256_to_hex(hex, &b.header.merkle_root);
    printf("  merkle root: %s\n", hex);
    hash256_to_hex(hex, &b.txs[0].txid);
    printf("  coinbase txid: %s\n", hex);
    for (size_t i = 0; i < b.txs[0].vout_count; i++) {
        char what[32];
        snprintf(what, sizeof(what), "output %zu (%lld)", i, (long long)b.txs[0].vout[i].value);
        print_bytes(what, b.txs[0].vout[i].script_pubkey.data, b.txs[0].vout[i].script_pubkey.len);
    }
    struct wbuf w;
    wbuf_init(&w);
    block_serialize(&w, &b, true);
    print_bytes("block", w.data, w.len);
    wbuf_clear(&w);
    block_clear(&b);
    return 0;
}

int main(int argc, char **argv)
{
    static const char *all[] = { "regtest", "test", "main" };
    int rc = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            rc |= mine(argv[i]);
    } else {
        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
            rc |= mine(all[i]);
    }
    return rc;
}

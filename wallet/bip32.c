#include "wallet/bip32.h"

#include <stdio.h>
#include <string.h>

#include "src/crypto/base58.h"
#include "src/crypto/hmac.h"
#include "src/crypto/keys.h"
#include "src/crypto/ripemd160.h"
#include "src/util/alloc.h"

void bip32_key_wipe(struct bip32_key *k)
{
    mem_wipe(k, sizeof(*k));
}

static bool set_private(struct bip32_key *k, const uint8_t sec[32])
{
    size_t len;
    memcpy(k->sec, sec, 32);
    k->is_private = true;
    return keys_pubkey_create(k->pub, &len, k->sec, true);
}

bool bip32_from_seed(struct bip32_key *out, const uint8_t *seed, size_t len)
{
    uint8_t I[64];
    memset(out, 0, sizeof(*out));
    if (len < 16 || len > 64)
        return false;
    hmac_sha512(I, (const uint8_t *)"Bitcoin seed", 12, seed, len);
    memcpy(out->chaincode, I + 32, 32);
    bool ok = set_private(out, I);
    mem_wipe(I, sizeof(I));
    if (!ok)
        bip32_key_wipe(out);
    return ok;
}

void bip32_fingerprint(uint8_t fp[4], const struct bip32_key *k)
{
    uint8_t h[20];
    ripemd160_hash160(h, k->pub, 33);
    memcpy(fp, h, 4);
}

bool bip32_derive(struct bip32_key *out, const struct bip32_key *parent, uint32_t i)
{
    uint8_t data[37], I[64];
    struct bip32_key child;
    memset(&child, 0, sizeof(child));
    bool ok = false;
    if (parent->depth == 255)
        goto done;
    if (i >= BIP32_HARDENED) {
        if (!parent->is_private)
            goto done;
        data[0] = 0;
        memcpy(data + 1, parent->sec, 32);
    } else {
        memcpy(data, parent->pub, 33);
    }
    data[33] = (uint8_t)(i >> 24);
    data[34] = (uint8_t)(i >> 16);
    data[35] = (uint8_t)(i >> 8);
    data[36] = (uint8_t)i;
    hmac_sha512(I, parent->chaincode, 32, data, sizeof(data));
    memcpy(child.chaincode, I + 32, 32);
    child.depth = (uint8_t)(parent->depth + 1);
    child.child = i;
    bip32_fingerprint(child.parent_fp, parent);
    if (parent->is_private) {
        uint8_t sec[32];
        memcpy(sec, parent->sec, 32);
        ok = keys_seckey_tweak_add(sec, I) && set_private(&child, sec);
        mem_wipe(sec, sizeof(sec));
    } else {
        ok = keys_pubkey_tweak_add(child.pub, parent->pub, I);
    }
done:
    mem_wipe(data, sizeof(data));
    mem_wipe(I, sizeof(I));
    if (ok)
        *out = child;
    else
        bip32_key_wipe(out);
    bip32_key_wipe(&child);
    return ok;
}

bool bip32_derive_path(struct bip32_key *out, const struct bip32_key *k, const uint32_t *path, size_t n)
{
    struct bip32_key cur = *k;
    for (size_t i = 0; i < n; i++) {
        if (!bip32_derive(&cur, &cur, path[i])) {
            bip32_key_wipe(out);
            return false;
        }
    }
    *out = cur;
    bip32_key_wipe(&cur);
    return true;
}

void bip32_neuter(struct bip32_key *out, const struct bip32_key *k)
{
    if (out != k)
        *out = *k;
    mem_wipe(out->sec, sizeof(out->sec));
    out->is_private = false;
}

void bip32_encode(char out[112], const struct bip32_key *k, uint32_t pub_version, uint32_t priv_version)
{
    uint8_t b[78];
    uint32_t v = k->is_private ? priv_version : pub_version;
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
    b[4] = k->depth;
    memcpy(b + 5, k->parent_fp, 4);
    b[9] = (uint8_t)(k->child >> 24);
    b[10] = (uint8_t)(k->child >> 16);
    b[11] = (uint8_t)(k->child >> 8);
    b[12] = (uint8_t)k->child;
    memcpy(b + 13, k->chaincode, 32);
    if (k->is_private) {
        b[45] = 0;
        memcpy(b + 46, k->sec, 32);
    } else {
        memcpy(b + 45, k->pub, 33);
    }
    if (!base58check_encode(out, 112, b, sizeof(b)))
        out[0] = '\0';
    mem_wipe(b, sizeof(b));
}

bool bip32_decode(struct bip32_key *out, const char *s, uint32_t pub_version, uint32_t priv_version)
{
    uint8_t b[BASE58CHECK_MAX_PAYLOAD];
    size_t len = 0;
    bool ok = false;
    memset(out, 0, sizeof(*out));
    if (strlen(s) > 120 || !base58check_decode(b, sizeof(b), &len, s) || len != 78)
        goto done;
    uint32_t v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    out->depth = b[4];
    memcpy(out->parent_fp, b + 5, 4);
    out->child = (uint32_t)b[9] << 24 | (uint32_t)b[10] << 16 | (uint32_t)b[11] << 8 | b[12];
    memcpy(out->chaincode, b + 13, 32);
    static const uint8_t zero4[4];
    if (out->depth == 0 && (memcmp(out->parent_fp, zero4, 4) != 0 || out->child != 0))
        goto done;
    if (v == priv_version) {
        if (b[45] != 0)
            goto done;
        ok = set_private(out, b + 46);
    } else if (v == pub_version) {
        memcpy(out->pub, b + 45, 33);
        ok = (out->pub[0] == 2 || out->pub[0] == 3) && keys_pubkey_valid(out->pub, 33);
    }
done:
    mem_wipe(b, sizeof(b));
    if (!ok)
        bip32_key_wipe(out);
    return ok;
}

char *bip32_path_format(char *out, size_t cap, const uint32_t *path, size_t n, bool apos)
{
    size_t pos = 0;
    if (cap)
        out[0] = '\0';
    for (size_t i = 0; i < n && pos < cap; i++) {
        bool h = path[i] >= BIP32_HARDENED;
        int w = snprintf(out + pos, cap - pos, "/%u%s", path[i] & ~BIP32_HARDENED, h ? (apos ? "'" : "h") : "");
        if (w < 0)
            break;
        pos += (size_t)w;
    }
    return out;
}

bool bip32_parse_step(uint32_t *out, const char *s, size_t len)
{
    bool hardened = false;
    *out = 0;
    if (len > 0 && (s[len - 1] == '\'' || s[len - 1] == 'h' || s[len - 1] == 'H')) {
        hardened = true;
        len--;
    }
    if (len == 0 || len > 10)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v >= BIP32_HARDENED)
        return false;
    *out = (uint32_t)v | (hardened ? BIP32_HARDENED : 0);
    return true;
}

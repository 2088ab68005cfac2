#include "wallet/crypter.h"

#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "src/util/alloc.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool sodium_ok;

static void init_once(void)
{
    sodium_ok = sodium_init() >= 0;
}

bool crypter_init(void)
{
    pthread_once(&once, init_once);
    return sodium_ok;
}

void crypter_wipe(void *p, size_t len)
{
    if (p && len)
        sodium_memzero(p, len);
}

void crypter_free_secret(void *p, size_t len)
{
    if (!p)
        return;
    crypter_wipe(p, len);
    mem_free(p);
}

static bool kdf(uint8_t out[CRYPTER_KEY_LEN], const struct crypter_master *m, const char *pass, size_t len)
{
    return crypto_pwhash(out, CRYPTER_KEY_LEN, pass, len, m->salt, m->opslimit, (size_t)m->memlimit,
                         crypto_pwhash_ALG_ARGON2ID13) == 0;
}

static bool seal_master(struct crypter_master *m, const uint8_t key[CRYPTER_KEY_LEN], const char *pass, size_t len)
{
    uint8_t kek[CRYPTER_KEY_LEN];
    randombytes_buf(m->salt, sizeof(m->salt));
    randombytes_buf(m->nonce, sizeof(m->nonce));
    bool ok = kdf(kek, m, pass, len);
    if (ok) {
        unsigned long long clen;
        crypto_aead_xchacha20poly1305_ietf_encrypt(m->sealed, &clen, key, CRYPTER_KEY_LEN, m->salt, sizeof(m->salt),
                                                   NULL, m->nonce, kek);
    }
    crypter_wipe(kek, sizeof(kek));
    return ok;
}

bool crypter_master_new(uint8_t key[CRYPTER_KEY_LEN], struct crypter_master *out, const char *pass, size_t len,
                        uint64_t opslimit, uint64_t memlimit)
{
    if (!crypter_init())
        return false;
    memset(out, 0, sizeof(*out));
    out->opslimit = opslimit ? opslimit : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    out->memlimit = memlimit ? memlimit : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    crypto_aead_xchacha20poly1305_ietf_keygen(key);
    if (!seal_master(out, key, pass, len)) {
        crypter_wipe(key, CRYPTER_KEY_LEN);
        return false;
    }
    return true;
}

bool crypter_master_reseal(struct crypter_master *m, const uint8_t key[CRYPTER_KEY_LEN], const char *pass, size_t len)
{
    struct crypter_master n = *m;
    if (!crypter_init() || !seal_master(&n, key, pass, len))
        return false;
    *m = n;
    return true;
}

bool crypter_master_open(uint8_t key[CRYPTER_KEY_LEN], const struct crypter_master *m, const char *pass, size_t len)
{
    uint8_t kek[CRYPTER_KEY_LEN];
    unsigned long long plen;
    bool ok = crypter_init() && kdf(kek, m, pass, len) &&
              crypto_aead_xchacha20poly1305_ietf_decrypt(key, &plen, NULL, m->sealed, sizeof(m->sealed), m->salt,
                                                         sizeof(m->salt), m->nonce, kek) == 0 &&
              plen == CRYPTER_KEY_LEN;
    crypter_wipe(kek, sizeof(kek));
    if (!ok)
        crypter_wipe(key, CRYPTER_KEY_LEN);
    return ok;
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

void crypter_master_serialize(uint8_t out[CRYPTER_MASTER_SERIALIZED], const struct crypter_master *m)
{
    memcpy(out, m->salt, CRYPTER_SALT_LEN);
    put_u64(out + CRYPTER_SALT_LEN, m->opslimit);
    put_u64(out + CRYPTER_SALT_LEN + 8, m->memlimit);
    memcpy(out + CRYPTER_SALT_LEN + 16, m->nonce, CRYPTER_NONCE_LEN);
    memcpy(out + CRYPTER_SALT_LEN + 16 + CRYPTER_NONCE_LEN, m->sealed, sizeof(m->sealed));
}

bool crypter_master_parse(struct crypter_master *m, const uint8_t *p, size_t len)
{
    memset(m, 0, sizeof(*m));
    if (len != CRYPTER_MASTER_SERIALIZED)
        return false;
    memcpy(m->salt, p, CRYPTER_SALT_LEN);
    m->opslimit = get_u64(p + CRYPTER_SALT_LEN);
    m->memlimit = get_u64(p + CRYPTER_SALT_LEN + 8);
    memcpy(m->nonce, p + CRYPTER_SALT_LEN + 16, CRYPTER_NONCE_LEN);
    memcpy(m->sealed, p + CRYPTER_SALT_LEN + 16 + CRYPTER_NONCE_LEN, sizeof(m->sealed));
    /* A corrupted or hostile file must not make the KDF allocate without bound. */
    return m->opslimit >= crypto_pwhash_OPSLIMIT_MIN && m->opslimit <= 64 &&
           m->memlimit >= crypto_pwhash_MEMLIMIT_MIN && m->memlimit <= (UINT64_C(4) << 30);
}

uint8_t *crypter_seal(size_t *out_len, const uint8_t key[CRYPTER_KEY_LEN], const uint8_t *plain, size_t len,
                      const uint8_t *ad, size_t ad_len)
{
    crypter_init();
    size_t total = CRYPTER_NONCE_LEN + len + CRYPTER_TAG_LEN;
    uint8_t *out = mem_alloc(total);
    randombytes_buf(out, CRYPTER_NONCE_LEN);
    unsigned long long clen;
    crypto_aead_xchacha20poly1305_ietf_encrypt(out + CRYPTER_NONCE_LEN, &clen, plain, len, ad, ad_len, NULL, out, key);
    *out_len = total;
    return out;
}

uint8_t *crypter_open(size_t *out_len, const uint8_t key[CRYPTER_KEY_LEN], const uint8_t *box, size_t len,
                      const uint8_t *ad, size_t ad_len)
{
    *out_len = 0;
    if (!crypter_init() || len < CRYPTER_NONCE_LEN + CRYPTER_TAG_LEN)
        return NULL;
    size_t plen_max = len - CRYPTER_NONCE_LEN - CRYPTER_TAG_LEN;
    uint8_t *out = mem_alloc(plen_max + 1);
    unsigned long long plen;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &plen, NULL, box + CRYPTER_NONCE_LEN, len - CRYPTER_NONCE_LEN,
                                                   ad, ad_len, box, key) != 0) {
        crypter_free_secret(out, plen_max + 1);
        return NULL;
    }
    out[plen] = '\0';
    *out_len = (size_t)plen;
    return out;
}

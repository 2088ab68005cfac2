/* Solo and pplns payouts (payout.h). */
#include "src/stratum/payout.h"

#include <stdlib.h>
#include <string.h>

#include "src/chain/miner.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"

bool stratum_payee_eq(const struct stratum_payee *a, const struct stratum_payee *b)
{
    return a->script_len == b->script_len && a->vault_pct == b->vault_pct &&
           memcmp(a->script, b->script, a->script_len) == 0;
}

static void stratum_payout_init(struct stratum_payout *p)
{
    memset(p, 0, sizeof(*p));
}

void stratum_payout_clear(struct stratum_payout *p)
{
    for (size_t i = 0; i < p->count; i++)
        mem_free(p->outputs[i].script);
    mem_free(p->outputs);
    memset(p, 0, sizeof(*p));
}

static void add_output(struct stratum_payout *p, int64_t value, const uint8_t *script, size_t len)
{
    if (value <= 0)
        return;
    p->outputs = mem_realloc(p->outputs, (p->count + 1) * sizeof(*p->outputs));
    p->outputs[p->count].value = value;
    p->outputs[p->count].script = mem_dup(script, len ? len : 1);
    p->outputs[p->count].script_len = len;
    p->count++;
}

static size_t output_bytes(size_t script_len)
{
    return 8 + compact_size_len(script_len) + script_len;
}

size_t stratum_payout_bytes(const struct stratum_payout *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->count; i++)
        n += output_bytes(p->outputs[i].script_len);
    return n;
}

void stratum_payout_apply(const struct stratum_payout *p, struct tx *coinbase)
{
    for (size_t i = 0; i < p->count; i++)
        tx_add_output(coinbase, p->outputs[i].value, p->outputs[i].script, p->outputs[i].script_len);
}

/* Step 4: one payee's outputs. */
static void pay(struct stratum_payout *out, const struct stratum_payout_rules *r, const struct stratum_payee *payee,
                int64_t value)
{
    uint32_t pct = r->asset_id ? payee->vault_pct : 0;
    int64_t payout, vault;
    miner_vault_split(&payout, &vault, value, pct);
    add_output(out, payout, payee->script, payee->script_len);
    if (vault > 0) {
        struct wbuf w;
        wbuf_init(&w);
        miner_vault_script(&w, r->asset_id, payee->script, payee->script_len);
        add_output(out, vault, w.data, w.len);
        wbuf_clear(&w);
    }
}

/* The bytes one payee's outputs take (one or two outputs). */
static size_t payee_bytes(const struct stratum_payout_rules *r, const struct stratum_payee *payee)
{
    size_t n = output_bytes(payee->script_len);
    if (r->asset_id && payee->vault_pct > 0) {
        struct wbuf w;
        wbuf_init(&w);
        miner_vault_script(&w, r->asset_id, payee->script, payee->script_len);
        n += output_bytes(w.len);
        wbuf_clear(&w);
    }
    return n;
}

void stratum_payout_single(struct stratum_payout *out, const struct stratum_payout_rules *r,
                           const struct stratum_payee *payee, int64_t value)
{
    stratum_payout_init(out);
    pay(out, r, payee, value);
    out->payees_in_window = out->payees_paid = 1;
}

void stratum_pplns_init(struct stratum_pplns *p)
{
    memset(p, 0, sizeof(*p));
    p->next_seq = 1;
}

void stratum_pplns_clear(struct stratum_pplns *p)
{
    mem_free(p->v);
    memset(p, 0, sizeof(*p));
}

uint64_t stratum_pplns_add(struct stratum_pplns *p, const struct stratum_payee *payee, double difficulty,
                           double keep_diff)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 64;
        p->v = mem_realloc(p->v, p->cap * sizeof(*p->v));
    }
    struct stratum_share_entry *e = &p->v[p->n++];
    e->seq = p->next_seq++;
    e->difficulty = difficulty;
    e->payee = *payee;
    /* Forget what no window can reach any more: keep the newest shares worth
     * keep_diff (at most STRATUM_PPLNS_MAX_SHARES). Looked at every 1024
     * shares, so that adding a share costs O(1) on average. */
    if (p->n % 1024 == 0) {
        double sum = 0;
        size_t keep = 0;
        while (keep < p->n && keep < STRATUM_PPLNS_MAX_SHARES && sum < keep_diff)
            sum += p->v[p->n - 1 - keep++].difficulty;
        if (keep < p->n) {
            size_t drop = p->n - keep;
            memmove(p->v, p->v + drop, keep * sizeof(*p->v));
            p->n = keep;
        }
    }
    return e->seq;
}

struct credit {
    struct stratum_payee payee;
    double credit;
    int64_t value;
};

static int by_credit(const void *a, const void *b)
{
    const struct credit *x = a, *y = b;
    if (x->credit != y->credit)
        return x->credit > y->credit ? -1 : 1;
    if (x->payee.script_len != y->payee.script_len)
        return x->payee.script_len < y->payee.script_len ? -1 : 1;
    int c = memcmp(x->payee.script, y->payee.script, x->payee.script_len);
    if (c)
        return c;
    return x->payee.vault_pct < y->payee.vault_pct ? -1 : x->payee.vault_pct > y->payee.vault_pct;
}

void stratum_pplns_split(struct stratum_payout *out, const struct stratum_pplns *p,
                         const struct stratum_payout_rules *r, double window_diff, int64_t value)
{
    stratum_payout_init(out);
    /* Step 1: the window, newest first, and the credits. */
    struct credit *c = NULL;
    size_t nc = 0;
    double sum = 0;
    size_t oldest = p->n > STRATUM_PPLNS_MAX_SHARES ? p->n - STRATUM_PPLNS_MAX_SHARES : 0;
    for (size_t k = p->n; k > oldest && sum < window_diff; k--) {
        const struct stratum_share_entry *e = &p->v[k - 1];
        sum += e->difficulty;
        if (out->last_seq == 0)
            out->last_seq = e->seq;
        out->first_seq = e->seq;
        size_t i;
        for (i = 0; i < nc; i++)
            if (stratum_payee_eq(&c[i].payee, &e->payee))
                break;
        if (i == nc) {
            c = mem_realloc(c, (nc + 1) * sizeof(*c));
            memset(&c[nc], 0, sizeof(*c));
            c[nc++].payee = e->payee;
        }
        c[i].credit += e->difficulty;
    }
    out->payees_in_window = nc;
    if (nc == 0)
        return;
    /* Step 2: the largest that fit the cap. */
    qsort(c, nc, sizeof(*c), by_credit);
    size_t taken = 0, bytes = 0;
    for (size_t i = 0; i < nc; i++) {
        size_t b = payee_bytes(r, &c[i].payee);
        if (r->max_bytes && bytes + b > r->max_bytes)
            continue;
        bytes += b;
        c[taken++] = c[i];
    }
    /* Step 3: proportional values, the minimum output, the remainder. */
    while (taken > 0) {
        double total = 0;
        for (size_t i = 0; i < taken; i++)
            total += c[i].credit;
        int64_t paid = 0;
        for (size_t i = 0; i < taken; i++) {
            c[i].value = (int64_t)((long double)value * (long double)c[i].credit / (long double)total);
            paid += c[i].value;
        }
        if (taken > 1 && c[taken - 1].value < r->min_output) {
            taken--; /* sorted: the last is the smallest */
            continue;
        }
        c[0].value += value - paid;
        break;
    }
    for (size_t i = 0; i < taken; i++)
        pay(out, r, &c[i].payee, c[i].value);
    out->payees_paid = taken;
    mem_free(c);
}

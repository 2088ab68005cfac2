#include "wallet/coinselect.h"

#include <stdlib.h>
#include <string.h>

#include "src/util/alloc.h"

void coinsel_result_clear(struct coinsel_result *r)
{
    mem_free(r->idx);
    memset(r, 0, sizeof(*r));
}

const char *coinsel_algo_name(enum coinsel_algo a)
{
    switch (a) {
    case COINSEL_BNB:
        return "bnb";
    case COINSEL_KNAPSACK:
        return "knapsack";
    case COINSEL_SRD:
        return "srd";
    default:
        return "none";
    }
}

static int64_t eff(const struct coinsel_coin *c)
{
    return c->value - c->fee;
}

static uint64_t next_rand(uint64_t *s)
{
    uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

int64_t coinsel_waste(const struct coinsel_coin *coins, const size_t *idx, size_t count, int64_t change_cost,
                      int64_t target, bool use_effective)
{
    int64_t waste = 0, selected = 0;
    for (size_t i = 0; i < count; i++) {
        const struct coinsel_coin *c = &coins[idx[i]];
        waste += c->fee - c->long_term_fee;
        selected += use_effective ? eff(c) : c->value;
    }
    if (change_cost)
        waste += change_cost;
    else
        waste += selected - target;
    return waste;
}

static void fill(struct coinsel_result *r, const struct coinsel_coin *coins, const size_t *idx, size_t count,
                 enum coinsel_algo algo)
{
    r->algo = algo;
    r->idx = mem_dup(idx, count * sizeof(size_t));
    r->count = count;
    r->value = r->effective = 0;
    for (size_t i = 0; i < count; i++) {
        r->value += coins[idx[i]].value;
        r->effective += eff(&coins[idx[i]]);
    }
}

/* Sorts indices by effective value, descending. */
static const struct coinsel_coin *sort_coins;
static int by_eff_desc(const void *a, const void *b)
{
    int64_t x = eff(&sort_coins[*(const size_t *)a]), y = eff(&sort_coins[*(const size_t *)b]);
    return x < y ? 1 : x > y ? -1 : 0;
}

bool coinsel_bnb(struct coinsel_result *r, const struct coinsel_coin *coins, size_t n, int64_t target,
                 int64_t cost_of_change)
{
    memset(r, 0, sizeof(*r));
    /* only coins with positive effective value, largest first */
    size_t *pool = mem_calloc(n ? n : 1, sizeof(size_t));
    size_t m = 0;
    int64_t available = 0;
    for (size_t i = 0; i < n; i++) {
        if (eff(&coins[i]) > 0) {
            pool[m++] = i;
            available += eff(&coins[i]);
        }
    }
    if (available < target) {
        mem_free(pool);
        return false;
    }
    sort_coins = coins; /* qsort has no context argument; the caller's lock serialises selection */
    qsort(pool, m, sizeof(size_t), by_eff_desc);

    size_t *cur = mem_calloc(m ? m : 1, sizeof(size_t)); /* positions in pool, ascending */
    size_t *best = mem_calloc(m ? m : 1, sizeof(size_t));
    size_t ncur = 0, nbest = 0;
    bool found = false;
    int64_t best_waste = INT64_MAX, cur_value = 0, cur_waste = 0;
    bool feerate_high = m > 0 && coins[pool[0]].fee > coins[pool[0]].long_term_fee;
    size_t at = 0;
    /* Core's SelectCoinsBnB: depth first, "include" before "omit". */
    for (size_t tries = 0; tries < COINSEL_BNB_TRIES; tries++, at++) {
        bool backtrack = false;
        if (cur_value + available < target || cur_value > target + cost_of_change ||
            (cur_waste > best_waste && feerate_high)) {
            backtrack = true;
        } else if (cur_value >= target) {
            int64_t w = cur_waste + (cur_value - target);
            if (w <= best_waste) {
                best_waste = w;
                memcpy(best, cur, ncur * sizeof(size_t));
                nbest = ncur;
                found = true;
            }
            backtrack = true;
        }
        if (backtrack) {
            if (ncur == 0)
                break;
            /* put the omitted coins after the last included one back, then omit that one */
            for (--at; at > cur[ncur - 1]; --at)
                available += eff(&coins[pool[at]]);
            const struct coinsel_coin *c = &coins[pool[at]];
            cur_value -= eff(c);
            cur_waste -= c->fee - c->long_term_fee;
            ncur--;
        } else {
            const struct coinsel_coin *c = &coins[pool[at]];
            available -= eff(c);
            /* an omitted coin equal to this one: including this one gives the same sets */
            if (ncur == 0 || at - 1 == cur[ncur - 1] || eff(c) != eff(&coins[pool[at - 1]]) ||
                c->fee != coins[pool[at - 1]].fee) {
                cur[ncur++] = at;
                cur_value += eff(c);
                cur_waste += c->fee - c->long_term_fee;
            }
        }
    }
    if (found) {
        for (size_t i = 0; i < nbest; i++)
            best[i] = pool[best[i]];
        fill(r, coins, best, nbest, COINSEL_BNB);
        r->waste = coinsel_waste(coins, best, nbest, 0, target, true);
        r->change = false;
    }
    mem_free(cur);
    mem_free(best);
    mem_free(pool);
    return found;
}

/* Core's ApproximateBestSubset over effective values. */
static void approx_best(bool *best, int64_t *best_value, const struct coinsel_coin *coins, const size_t *pool, size_t m,
                        int64_t total, int64_t target, uint64_t *rng)
{
    bool *inc = mem_calloc(m ? m : 1, sizeof(bool));
    for (size_t i = 0; i < m; i++)
        best[i] = true;
    *best_value = total;
    for (int rep = 0; rep < 1000 && *best_value != target; rep++) {
        memset(inc, 0, m * sizeof(bool));
        int64_t sum = 0;
        bool reached = false;
        for (int pass = 0; pass < 2 && !reached; pass++) {
            for (size_t i = 0; i < m; i++) {
                if (pass == 0 ? (next_rand(rng) & 1) : !inc[i]) {
                    sum += eff(&coins[pool[i]]);
                    inc[i] = true;
                    if (sum >= target) {
                        reached = true;
                        if (sum < *best_value) {
                            *best_value = sum;
                            memcpy(best, inc, m * sizeof(bool));
                        }
                        sum -= eff(&coins[pool[i]]);
                        inc[i] = false;
                    }
                }
            }
        }
    }
    mem_free(inc);
}

static int64_t change_of(const struct coinsel_result *r, const struct coinsel_target *t)
{
    return r->effective - t->target - t->change_fee;
}

static void finish_with_change(struct coinsel_result *r, const struct coinsel_coin *coins,
                               const struct coinsel_target *t)
{
    r->change = change_of(r, t) >= t->min_change;
    r->waste = coinsel_waste(coins, r->idx, r->count, r->change ? t->cost_of_change : 0, t->target, true);
}

bool coinsel_knapsack(struct coinsel_result *r, const struct coinsel_coin *coins, size_t n,
                      const struct coinsel_target *t, uint64_t *rng)
{
    memset(r, 0, sizeof(*r));
    int64_t target = t->target + t->change_fee + COINSEL_MIN_CHANGE;
    size_t *pool = mem_calloc(n ? n : 1, sizeof(size_t));
    size_t m = 0, lowest_larger = SIZE_MAX;
    int64_t total_lower = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t e = eff(&coins[i]);
        if (e <= 0)
            continue;
        if (e == t->target) { /* exact match */
            fill(r, coins, &i, 1, COINSEL_KNAPSACK);
            finish_with_change(r, coins, t);
            mem_free(pool);
            return true;
        }
        if (e < target) {
            pool[m++] = i;
            total_lower += e;
        } else if (lowest_larger == SIZE_MAX || e < eff(&coins[lowest_larger])) {
            lowest_larger = i;
        }
    }
    bool ok = false;
    if (total_lower == t->target) {
        fill(r, coins, pool, m, COINSEL_KNAPSACK);
        ok = true;
    } else if (total_lower < t->target) {
        if (lowest_larger != SIZE_MAX) {
            fill(r, coins, &lowest_larger, 1, COINSEL_KNAPSACK);
            ok = true;
        }
    } else {
        sort_coins = coins;
        qsort(pool, m, sizeof(size_t), by_eff_desc);
        bool *best = mem_calloc(m ? m : 1, sizeof(bool));
        int64_t best_value;
        int64_t aim = total_lower >= target ? target : t->target;
        approx_best(best, &best_value, coins, pool, m, total_lower, aim, rng);
        if (lowest_larger != SIZE_MAX &&
            ((best_value != aim && best_value < target) || eff(&coins[lowest_larger]) <= best_value)) {
            fill(r, coins, &lowest_larger, 1, COINSEL_KNAPSACK);
        } else {
            size_t *idx = mem_calloc(m ? m : 1, sizeof(size_t));
            size_t k = 0;
            for (size_t i = 0; i < m; i++)
                if (best[i])
                    idx[k++] = pool[i];
            fill(r, coins, idx, k, COINSEL_KNAPSACK);
            mem_free(idx);
        }
        mem_free(best);
        ok = true;
    }
    mem_free(pool);
    if (ok && r->effective < t->target) {
        coinsel_result_clear(r);
        ok = false;
    }
    if (ok)
        finish_with_change(r, coins, t);
    return ok;
}

bool coinsel_srd(struct coinsel_result *r, const struct coinsel_coin *coins, size_t n, const struct coinsel_target *t,
                 uint64_t *rng)
{
    memset(r, 0, sizeof(*r));
    size_t *order = mem_calloc(n ? n : 1, sizeof(size_t));
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(next_rand(rng) % i);
        size_t tmp = order[i - 1];
        order[i - 1] = order[j];
        order[j] = tmp;
    }
    int64_t aim = t->target + t->change_fee + COINSEL_MIN_CHANGE, sum = 0;
    size_t k = 0;
    bool ok = false;
    for (size_t i = 0; i < n; i++) {
        if (eff(&coins[order[i]]) <= 0)
            continue;
        order[k++] = order[i];
        sum += eff(&coins[order[i]]);
        if (sum >= aim) {
            ok = true;
            break;
        }
    }
    if (ok) {
        fill(r, coins, order, k, COINSEL_SRD);
        finish_with_change(r, coins, t);
    }
    mem_free(order);
    return ok;
}

bool coinsel_select(struct coinsel_result *r, const struct coinsel_coin *coins, size_t n,
                    const struct coinsel_target *t, uint64_t *rng)
{
    struct coinsel_result cand[3];
    bool have[3];
    have[0] = coinsel_bnb(&cand[0], coins, n, t->target, t->cost_of_change);
    have[1] = coinsel_knapsack(&cand[1], coins, n, t, rng);
    have[2] = coinsel_srd(&cand[2], coins, n, t, rng);
    int best = -1;
    for (int i = 0; i < 3; i++) {
        if (!have[i])
            continue;
        if (best < 0 || cand[i].waste < cand[best].waste ||
            (cand[i].waste == cand[best].waste && cand[i].count > cand[best].count))
            best = i;
    }
    memset(r, 0, sizeof(*r));
    for (int i = 0; i < 3; i++) {
        if (i == best)
            *r = cand[i];
        else if (have[i])
            coinsel_result_clear(&cand[i]);
    }
    return best >= 0;
}

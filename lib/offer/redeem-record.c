/* SPDX-License-Identifier: MIT */
/*
 * Redemption records and the counters they hold. A record lives in "offer.redemption" under
 * "<customer>\x1f<offer>\x1f<booking>" and says "<state> <expires> <discount> <month> <date>
 * <route>": state R (reserved), C (committed) or X (released). Everything needed to give the
 * uses back is in the key and the record, so a release or a sweep works without the offer's
 * definition (another process may have loaded a different catalogue).
 *
 * Order of writes: a state change is written (compare-and-set) before counters move, so two
 * processes racing to release the same reservation cannot both give its use back; a crash
 * between the two leaves a use held (the safe side of a limit), never one given twice.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "redeem-private.h"

int mkt__rec_format(const struct redemption *x, char *buf, size_t size, size_t *len)
{
    int n = snprintf(buf, size, "%c %" PRId64 " %" PRId64 " %s %s %s", x->state, x->expires,
                     x->discount, x->month, x->date, x->route);
    if (n < 0 || (size_t)n >= size)
        return MKT_ERANGE;
    *len = (size_t)n;
    return MKT_OK;
}

int mkt__rec_parse(mkt_ctx *ctx, const char *v, size_t len, struct redemption *x)
{
    int used = 0;
    char state = 0;
    long long exp = 0, disc = 0;
    memset(x, 0, sizeof *x);
    if (len >= REC_MAX ||
        sscanf(v, "%c %lld %lld %7s %10s %n", &state, &exp, &disc, x->month, x->date, &used) < 5 ||
        used <= 0 || (size_t)used > len || (state != 'R' && state != 'C' && state != 'X') ||
        len - (size_t)used > ROUTE_TEXT_MAX)
        return mkt__error(ctx, MKT_ETYPE, "store %s: malformed redemption record", NS_REDEMPTION);
    x->state = state;
    x->expires = exp;
    x->discount = disc;
    memcpy(x->route, v + used, len - (size_t)used);
    x->route[len - (size_t)used] = '\0';
    return MKT_OK;
}

int mkt__rec_get(mkt_ctx *ctx, const struct skey *k, struct redemption *x, uint64_t *version)
{
    char v[REC_MAX];
    size_t len = 0;
    int rc = mkt__store_peek(ctx, NS_REDEMPTION, k, v, sizeof v, &len, version);
    return rc ? rc : mkt__rec_parse(ctx, v, len, x);
}

int mkt__rec_put(mkt_ctx *ctx, const struct skey *k, const struct redemption *x,
                 uint64_t expected, uint64_t *version)
{
    char buf[REC_MAX];
    size_t len;
    int rc = mkt__rec_format(x, buf, sizeof buf, &len);
    if (rc)
        return mkt__error(ctx, rc, "redemption record too long");
    return mkt_store_put(ctx, NS_REDEMPTION, k->b, k->len, buf, len, expected, version);
}

/* The counter keys of one redemption, in the order reserve takes them. */
static void counter_key(int i, const char *customer, const char *offer, const char *month,
                        struct skey *k, const char **ns)
{
    *ns = i == 0 || i == 3 ? NS_USAGE : NS_CUSTOMER;
    if (i == 0)
        mkt__key(k, offer, "held", NULL, NULL);
    else if (i == 1)
        mkt__key(k, customer, offer, "uses", NULL);
    else if (i == 2)
        mkt__key(k, customer, offer, "month", month);
    else
        mkt__key(k, offer, "budget", NULL, NULL);
}

/* Give back counters 0..n-1 in reverse order. A counter already at 0 stays there (ELIMIT):
 * someone reset it, and going negative would hand out extra uses. */
static int give_back(mkt_ctx *ctx, const char *customer, const char *offer, const char *month,
                     int64_t discount, int n)
{
    int first = MKT_OK;
    for (int i = n - 1; i >= 0; i--) {
        struct skey k;
        const char *ns;
        counter_key(i, customer, offer, month, &k, &ns);
        int64_t delta = i == 3 ? -discount : -1;
        int rc = delta ? mkt_store_incr(ctx, ns, k.b, k.len, delta, 0, NULL) : MKT_OK;
        if (rc != MKT_OK && rc != MKT_ELIMIT && first == MKT_OK)
            first = rc; /* go on: give back what can be given back */
    }
    return first;
}

int mkt__take_counters(mkt_ctx *ctx, const char *customer, const mkt_offer *o,
                       const char *month, int64_t discount, int32_t *reason)
{
    const int64_t limits[4] = {o->limit_total, o->limit_customer, o->limit_month, o->budget};
    static const int32_t reasons[4] = {
        MKT_OFFER_REASON_LIMIT_TOTAL, MKT_OFFER_REASON_LIMIT_PER_CUSTOMER,
        MKT_OFFER_REASON_LIMIT_PER_MONTH, MKT_OFFER_REASON_BUDGET_EXHAUSTED};
    *reason = 0;
    for (int i = 0; i < 4; i++) {
        struct skey k;
        const char *ns;
        counter_key(i, customer, o->id, month, &k, &ns);
        int64_t delta = i == 3 ? discount : 1;
        int rc = mkt_store_incr(ctx, ns, k.b, k.len, delta, limits[i] ? limits[i] : INT64_MAX,
                                NULL);
        if (rc != MKT_OK) {
            give_back(ctx, customer, o->id, month, discount, i);
            if (rc == MKT_ELIMIT)
                *reason = reasons[i];
            return rc;
        }
    }
    return MKT_OK;
}

int mkt__rec_giveback(mkt_ctx *ctx, const char *customer, const char *offer,
                      const struct redemption *x)
{
    return give_back(ctx, customer, offer, x->month, x->discount, 4);
}

/* Split "<customer>\x1f<offer>\x1f<booking>" into its parts (copies, NUL-terminated). */
int mkt__rec_key_split(const struct skey *k, char *customer, char *offer)
{
    const char *a = memchr(k->b, 0x1f, k->len);
    const char *b = a ? memchr(a + 1, 0x1f, k->len - (size_t)(a + 1 - k->b)) : NULL;
    if (!b || (size_t)(a - k->b) > CUSTOMER_ID_MAX || (size_t)(b - a - 1) > OFFER_ID_MAX)
        return MKT_ETYPE;
    memcpy(customer, k->b, (size_t)(a - k->b));
    customer[a - k->b] = '\0';
    memcpy(offer, a + 1, (size_t)(b - a - 1));
    offer[b - a - 1] = '\0';
    return MKT_OK;
}

/* Usage statistics of committed redemptions, moved by @sign (+1 commit, -1 release). */
int mkt__usage_move(mkt_ctx *ctx, const char *offer, const struct redemption *x, int sign)
{
    struct skey k[4];
    mkt__key(&k[0], offer, "redemptions", NULL, NULL);
    mkt__key(&k[1], offer, "discount", NULL, NULL);
    mkt__key(&k[2], offer, "route", x->route, NULL);
    mkt__key(&k[3], offer, "date", x->date, NULL);
    int first = MKT_OK;
    for (int i = 0; i < 4; i++) {
        int64_t delta = (i == 1 ? x->discount : 1) * sign;
        int rc = delta ? mkt_store_incr(ctx, NS_USAGE, k[i].b, k[i].len, delta,
                                        sign > 0 ? INT64_MAX : 0, NULL)
                       : MKT_OK;
        if (rc != MKT_OK && rc != MKT_ELIMIT && first == MKT_OK)
            first = rc;
    }
    return first;
}

int mkt__rec_release(mkt_ctx *ctx, const struct skey *k, struct redemption *x, uint64_t version,
                     uint64_t *new_version)
{
    char customer[CUSTOMER_ID_MAX + 1], offer[OFFER_ID_MAX + 1];
    if (mkt__rec_key_split(k, customer, offer) != MKT_OK)
        return mkt__error(ctx, MKT_ETYPE, "store %s: malformed redemption key", NS_REDEMPTION);
    char was = x->state;
    x->state = 'X';
    int rc = mkt__rec_put(ctx, k, x, version, new_version);
    if (rc)
        return rc;
    rc = give_back(ctx, customer, offer, x->month, x->discount, 4);
    if (rc == MKT_OK && was == 'C')
        rc = mkt__usage_move(ctx, offer, x, -1);
    return rc;
}

/* ---- sweep ------------------------------------------------------------------------------ */

struct sweep {
    mkt_ctx *ctx;
    mkt_time now;
    MKT__VEC(struct skey) keys;
    int rc;
};

static int sweep_visit(const char *key, size_t key_len, const void *value, size_t value_len,
                       uint64_t version, void *data)
{
    (void)version;
    struct sweep *s = data;
    const char *v = value;
    if (key_len >= sizeof ((struct skey *)0)->b || value_len < 2 || v[0] != 'R')
        return 0;
    long long exp = 0;
    char text[REC_MAX];
    size_t n = value_len < sizeof text - 1 ? value_len : sizeof text - 1;
    memcpy(text, v, n);
    text[n] = '\0';
    if (sscanf(text, "R %lld", &exp) != 1 || exp > s->now)
        return 0;
    struct skey k;
    memcpy(k.b, key, key_len);
    k.b[key_len] = '\0';
    k.len = key_len;
    if (MKT__VEC_PUSH(s->ctx, &s->keys, k) != MKT_OK)
        return MKT_ENOMEM;
    return 0;
}

MKT_EXPORT int mkt_offers_sweep(mkt_ctx *ctx, uint64_t *released)
{
    if (released)
        *released = 0;
    if (!ctx)
        return MKT_EINVAL;
    struct sweep s = {ctx, 0, MKT__VEC_EMPTY, MKT_OK};
    int rc = mkt_ctx_now(ctx, &s.now);
    if (rc == MKT_OK)
        rc = mkt_store_scan(ctx, NS_REDEMPTION, "", 0, sweep_visit, &s);
    for (size_t i = 0; rc == MKT_OK && i < s.keys.len; i++) {
        struct redemption x;
        uint64_t version;
        /* Re-read: another process may have committed or released it since the scan. */
        int g = mkt__rec_get(ctx, &s.keys.data[i], &x, &version);
        if (g == MKT_ENOTFOUND || (g == MKT_OK && (x.state != 'R' || x.expires > s.now)))
            continue;
        rc = g ? g : mkt__rec_release(ctx, &s.keys.data[i], &x, version, NULL);
        if (rc == MKT_ECONFLICT)
            rc = MKT_OK; /* someone else moved it on: not ours to release */
        else if (rc == MKT_OK && released)
            (*released)++;
    }
    MKT__VEC_FREE(ctx, &s.keys);
    return rc;
}

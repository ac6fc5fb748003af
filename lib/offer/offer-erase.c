/* SPDX-License-Identifier: MIT */
/*
 * mkt__offer_erase_customer(): the offer module's part of a right-to-be-forgotten erasure.
 * The privacy module then deletes every key of the customer in offer.customer,
 * offer.redemption and offer.customer_code by prefix. Committed redemptions stay counted in
 * the offer-wide usage (offer.usage holds no customer data), so totals survive the erasure.
 */
#include <string.h>

#include "offer-erase.h"
#include "promo-private.h"
#include "redeem-private.h"

/* Keys of the customer's records in @ns, collected before anything changes (a store must not
 * be modified by a scan's visitor). */
struct keys {
    mkt_ctx *ctx;
    MKT__VEC(struct skey) v;
};

static int collect(const char *key, size_t key_len, const void *value, size_t value_len,
                   uint64_t version, void *data)
{
    (void)value, (void)value_len, (void)version;
    struct keys *k = data;
    struct skey s;
    if (key_len >= sizeof s.b)
        return 0; /* no key of ours is that long */
    memcpy(s.b, key, key_len);
    s.b[key_len] = '\0';
    s.len = key_len;
    return MKT__VEC_PUSH(k->ctx, &k->v, s);
}

static int customer_keys(mkt_ctx *ctx, const char *ns, const char *customer_id, struct keys *k)
{
    struct skey prefix;
    mkt__key(&prefix, customer_id, "", NULL, NULL); /* "<id>\x1f" */
    k->ctx = ctx;
    return mkt_store_scan(ctx, ns, prefix.b, prefix.len, collect, k);
}

static int release_reservations(mkt_ctx *ctx, const char *customer_id)
{
    struct keys k = {ctx, MKT__VEC_EMPTY};
    int rc = customer_keys(ctx, NS_REDEMPTION, customer_id, &k);
    for (size_t i = 0; rc == MKT_OK && i < k.v.len; i++) {
        struct redemption x;
        uint64_t version;
        int g = mkt__rec_get(ctx, &k.v.data[i], &x, &version);
        if (g == MKT_ENOTFOUND || (g == MKT_OK && x.state != 'R'))
            continue;
        rc = g ? g : mkt__rec_release(ctx, &k.v.data[i], &x, version, NULL);
        if (rc == MKT_ECONFLICT)
            rc = MKT_OK; /* committed or released meanwhile: not a held use any more */
    }
    MKT__VEC_FREE(ctx, &k.v);
    return rc;
}

/* offer.customer_code keys are "<id>\x1f<code>": the code's binding in offer.code goes. */
static int unbind_codes(mkt_ctx *ctx, const char *customer_id)
{
    struct keys k = {ctx, MKT__VEC_EMPTY};
    int rc = customer_keys(ctx, MKT__PROMO_NS_CUSTOMER, customer_id, &k);
    size_t skip = strlen(customer_id) + 1;
    for (size_t i = 0; rc == MKT_OK && i < k.v.len; i++) {
        const char *code = k.v.data[i].b + skip;
        rc = mkt_store_delete(ctx, MKT__PROMO_NS_CODE, code, k.v.data[i].len - skip,
                              MKT_VERSION_ANY);
        if (rc == MKT_ENOTFOUND)
            rc = MKT_OK; /* a re-run after a failure */
    }
    MKT__VEC_FREE(ctx, &k.v);
    return rc;
}

int mkt__offer_erase_customer(mkt_ctx *ctx, const char *customer_id)
{
    int rc = release_reservations(ctx, customer_id);
    return rc ? rc : unbind_codes(ctx, customer_id);
}

/* SPDX-License-Identifier: MIT */
/*
 * Two-phase redemption: reserve -> commit, or reserve -> release. The record of a booking is
 * created and moved only by compare-and-set, and the limits only by bounded increments, so
 * any number of processes sharing one store agree: a limit of K gives exactly K holders, and
 * a booking holds at most one use of an offer. Every loop that retries a lost compare-and-set
 * is bounded (CAS_RETRIES); running out is reported as MKT_ECONFLICT.
 */
#include <string.h>

#include "redeem-private.h"

static int check_ids(mkt_ctx *ctx, const char *fn, const char *code, const char *customer,
                     const char *booking)
{
    if (!code)
        return mkt__error(ctx, MKT_EINVAL, "%s: NULL code", fn);
    int rc = mkt__offer_check_customer(ctx, fn, customer);
    return rc ? rc : mkt__offer_check_booking_id(ctx, booking);
}

/* The already-recorded decision of a booking (idempotent reserve). */
static void recorded(mkt_offer_result *r, const struct redemption *x)
{
    r->reasons.len = 0;
    mkt__buf_reset(&r->texts);
    r->valid = 1;
    r->discount = x->discount;
}

/* One attempt at reserving: MKT_OK when decided (reserved or refused), MKT_ECONFLICT when a
 * concurrent writer moved the record and the caller should try again. */
static int reserve_once(const mkt_offer *o, mkt_ctx *ctx, const mkt_offer_booking *b,
                        const struct skey *k, mkt_offer_result *r, mkt_time now)
{
    struct redemption x;
    uint64_t version = MKT_VERSION_ABSENT;
    int rc = mkt__rec_get(ctx, k, &x, &version);
    if (rc == MKT_ENOTFOUND) {
        version = MKT_VERSION_ABSENT;
    } else if (rc != MKT_OK) {
        return rc;
    } else if (x.state == 'C' || (x.state == 'R' && x.expires > now)) {
        recorded(r, &x);
        return MKT_OK;
    } else if (x.state == 'R') { /* lapsed: give it back before taking it anew */
        rc = mkt__rec_release(ctx, k, &x, version, &version);
        if (rc)
            return rc;
    }
    if (!r->valid)
        return MKT_OK;
    memset(&x, 0, sizeof x);
    x.state = 'R';
    x.expires = now + o->ttl;
    x.discount = r->discount;
    mkt__date_key(b->booking_date, 1, x.month);
    mkt__date_key(b->booking_date, 0, x.date);
    memcpy(x.route, b->route, strlen(b->route) + 1);
    int32_t reason = 0;
    rc = mkt__take_counters(ctx, b->customer_id, o, x.month, x.discount, &reason);
    if (rc == MKT_ELIMIT) {
        r->valid = 0;
        r->discount = 0;
        return mkt__result_add(r, reason, "%s: the limit was reached when reserving",
                               mkt_offer_reason_name(reason));
    }
    if (rc)
        return rc;
    rc = mkt__rec_put(ctx, k, &x, version, NULL);
    if (rc) {
        /* Lost the race for this booking's record (or the store failed): hand back. */
        char customer[CUSTOMER_ID_MAX + 1], offer[OFFER_ID_MAX + 1];
        if (mkt__rec_key_split(k, customer, offer) == MKT_OK)
            mkt__rec_giveback(ctx, customer, offer, &x);
    }
    return rc;
}

MKT_EXPORT int mkt_offers_reserve(const mkt_offers *s, mkt_ctx *ctx, const char *code,
                                  const mkt_offer_booking *b, mkt_offer_result *r)
{
    if (!ctx)
        return MKT_EINVAL;
    if (!s || !code || !b || !r)
        return mkt__error(ctx, MKT_EINVAL, "mkt_offers_reserve: NULL argument");
    const mkt_offer *o = NULL;
    mkt_time now;
    int rc = mkt__booking_check(ctx, b, 1);
    if (rc == MKT_OK)
        rc = mkt_ctx_now(ctx, &now);
    /* The rules first (limits are taken atomically below, not read as hints). */
    if (rc == MKT_OK)
        rc = mkt__offers_decide(s, ctx, code, b, r, 0, &o);
    if (rc != MKT_OK || !o)
        return rc;
    struct skey k;
    mkt__key(&k, b->customer_id, o->id, b->booking_id, NULL);
    for (int attempt = 0; attempt < CAS_RETRIES; attempt++) {
        rc = reserve_once(o, ctx, b, &k, r, now);
        if (rc != MKT_ECONFLICT)
            return rc;
    }
    return mkt__error(ctx, MKT_ECONFLICT,
                      "reserve %s for booking %s: the record kept changing under us", o->id,
                      b->booking_id);
}

/* Resolve @code to its offer and the record key of (@customer, @booking). */
static int find_record(const mkt_offers *s, mkt_ctx *ctx, const char *fn, const char *code,
                       const char *customer, const char *booking, struct skey *k)
{
    int rc = check_ids(ctx, fn, code, customer, booking);
    if (rc)
        return rc;
    char canon[MKT_PROMO_MAX_LEN + 1], *owned = NULL;
    struct code_entry e;
    rc = mkt__offers_lookup(s, ctx, code, canon, &e, &owned);
    mkt_free(owned);
    if (rc == MKT_ENOTFOUND)
        return mkt__error(ctx, MKT_ENOTFOUND, "%s: no offer has code %s", fn, code);
    if (rc == MKT_OK)
        mkt__key(k, customer, s->offers.data[e.offer]->id, booking, NULL);
    return rc;
}

static int not_reserved(mkt_ctx *ctx, const char *fn, const char *booking)
{
    return mkt__error(ctx, MKT_ENOTFOUND, "%s: booking %s holds no reservation of this code",
                      fn, booking);
}

MKT_EXPORT int mkt_offers_commit(const mkt_offers *s, mkt_ctx *ctx, const char *code,
                                 const char *customer, const char *booking)
{
    static const char fn[] = "mkt_offers_commit";
    if (!ctx)
        return MKT_EINVAL;
    if (!s)
        return mkt__error(ctx, MKT_EINVAL, "%s: NULL catalogue", fn);
    struct skey k;
    mkt_time now;
    int rc = find_record(s, ctx, fn, code, customer, booking, &k);
    if (rc == MKT_OK)
        rc = mkt_ctx_now(ctx, &now);
    for (int attempt = 0; rc == MKT_OK && attempt < CAS_RETRIES; attempt++) {
        struct redemption x;
        uint64_t version;
        rc = mkt__rec_get(ctx, &k, &x, &version);
        if (rc == MKT_ENOTFOUND)
            return not_reserved(ctx, fn, booking);
        if (rc)
            return rc;
        if (x.state == 'C')
            return MKT_OK;
        if (x.state == 'X')
            return mkt__error(ctx, MKT_ESTATE, "%s: booking %s: the reservation was released",
                              fn, booking);
        if (x.expires <= now) {
            rc = mkt__rec_release(ctx, &k, &x, version, NULL);
            if (rc == MKT_OK)
                return mkt__error(ctx, MKT_ESTATE,
                                  "%s: booking %s: the reservation lapsed (released now)", fn,
                                  booking);
            if (rc != MKT_ECONFLICT)
                return rc;
            rc = MKT_OK; /* moved under us: look again */
            continue;
        }
        x.state = 'C';
        rc = mkt__rec_put(ctx, &k, &x, version, NULL);
        if (rc == MKT_OK) {
            char customer_id[CUSTOMER_ID_MAX + 1], offer[OFFER_ID_MAX + 1];
            mkt__rec_key_split(&k, customer_id, offer);
            return mkt__usage_move(ctx, offer, &x, +1);
        }
        if (rc == MKT_ECONFLICT)
            rc = MKT_OK; /* moved under us: look again */
        else
            return rc;
    }
    return rc ? rc : mkt__error(ctx, MKT_ECONFLICT, "%s: the record kept changing", fn);
}

MKT_EXPORT int mkt_offers_release(const mkt_offers *s, mkt_ctx *ctx, const char *code,
                                  const char *customer, const char *booking)
{
    static const char fn[] = "mkt_offers_release";
    if (!ctx)
        return MKT_EINVAL;
    if (!s)
        return mkt__error(ctx, MKT_EINVAL, "%s: NULL catalogue", fn);
    struct skey k;
    int rc = find_record(s, ctx, fn, code, customer, booking, &k);
    for (int attempt = 0; rc == MKT_OK && attempt < CAS_RETRIES; attempt++) {
        struct redemption x;
        uint64_t version;
        rc = mkt__rec_get(ctx, &k, &x, &version);
        if (rc == MKT_ENOTFOUND)
            return not_reserved(ctx, fn, booking);
        if (rc || x.state == 'X')
            return rc;
        rc = mkt__rec_release(ctx, &k, &x, version, NULL);
        if (rc != MKT_ECONFLICT)
            return rc;
        rc = MKT_OK;
    }
    return rc ? rc : mkt__error(ctx, MKT_ECONFLICT, "%s: the record kept changing", fn);
}

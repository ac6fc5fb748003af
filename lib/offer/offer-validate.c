/* SPDX-License-Identifier: MIT */
/*
 * Validation of a code against a booking. Every rule is checked (none short-circuits the
 * others) so the caller learns every reason at once; the discount follows the documented
 * rounding (half-up to the minor unit, then the cap, never more than what is left). Limits
 * are read from the store only as a hint here: reserve enforces them atomically.
 */
#include <stdio.h>
#include <string.h>

#include "offer-private.h"

int mkt__offers_lookup(const mkt_offers *s, mkt_ctx *ctx, const char *code,
                       char canon[MKT_PROMO_MAX_LEN + 1], struct code_entry *entry,
                       char **owned)
{
    canon[0] = '\0';
    *owned = NULL;
    /* A malformed code is simply not a code of ours: an UNKNOWN_CODE decision. */
    if (mkt_promo_normalize(ctx, code, canon, MKT_PROMO_MAX_LEN + 1, NULL) != MKT_OK) {
        canon[0] = '\0';
        return MKT_ENOTFOUND;
    }
    uint32_t id;
    if (mkt__intern_find(&s->codes, canon, strlen(canon), &id)) {
        *entry = s->entries.data[id];
        return MKT_OK;
    }
    /* Not a code of the definitions: maybe one issued in the store (mkt_promo_generate()
     * with an offer, mkt_promo_bind()), for an offer of this catalogue. */
    char *offer_id = NULL;
    int rc = mkt_promo_lookup(ctx, canon, &offer_id, owned);
    if (rc == MKT_OK && !mkt__intern_find(&s->ids, offer_id, strlen(offer_id), &id))
        rc = MKT_ENOTFOUND;
    mkt_free(offer_id);
    if (rc != MKT_OK) {
        mkt_free(*owned);
        *owned = NULL;
        return rc == MKT_EINVAL ? MKT_ENOTFOUND : rc;
    }
    entry->offer = id;
    entry->customer = *owned;
    return MKT_OK;
}

int mkt__booking_check(mkt_ctx *ctx, const mkt_offer_booking *b, int need_booking_id)
{
    if (b->struct_size < offsetof(mkt_offer_booking, customer))
        return mkt__error(ctx, MKT_EINVAL, "booking: struct_size %zu too small",
                          b->struct_size);
    int rc = mkt__offer_check_customer(ctx, "booking", b->customer_id);
    if (rc == MKT_OK && need_booking_id)
        rc = mkt__offer_check_booking_id(ctx, b->booking_id);
    if (rc)
        return rc;
    size_t rlen = b->route ? strlen(b->route) : 0;
    if (rlen == 0 || rlen > ROUTE_TEXT_MAX)
        return mkt__error(ctx, MKT_EINVAL, "booking: route must be 1..%d bytes", ROUTE_TEXT_MAX);
    for (size_t i = 0; i < rlen; i++)
        if ((unsigned char)b->route[i] <= 0x20 || b->route[i] == 0x7f)
            return mkt__error(ctx, MKT_EINVAL, "booking: route has a space or control byte");
    if (b->fare_class && strlen(b->fare_class) > FARE_MAX)
        return mkt__error(ctx, MKT_EINVAL, "booking: fare class longer than %d bytes", FARE_MAX);
    if (!mkt__offer_is_currency(b->currency))
        return mkt__error(ctx, MKT_EINVAL, "booking: currency must be three upper-case letters");
    if (b->amount < 0)
        return mkt__error(ctx, MKT_EINVAL, "booking: negative amount");
    if (b->booking_date == MKT_NULL_DATE || b->travel_date == MKT_NULL_DATE)
        return mkt__error(ctx, MKT_EINVAL, "booking: booking and travel dates are required");
    int64_t prior = MKT_HAS_FIELD(b, mkt_offer_booking, prior_discount) ? b->prior_discount : 0;
    if (prior < 0 || prior > b->amount)
        return mkt__error(ctx, MKT_EINVAL, "booking: prior discount outside 0..amount");
    return MKT_OK;
}

int64_t mkt__offer_discount(const mkt_offer *o, const mkt_offer_booking *b)
{
    int64_t prior = MKT_HAS_FIELD(b, mkt_offer_booking, prior_discount) ? b->prior_discount : 0;
    int64_t base = b->amount - prior, d;
    if (o->kind == MKT_DISCOUNT_PERCENT) {
        /* base * bp / 10000 half-up without overflow: base = q * 10000 + r gives
         * q * bp + (r * bp + 5000) / 10000, and q * bp <= base since bp <= 10000. */
        int64_t q = base / 10000, r = base % 10000;
        d = q * o->value + (r * o->value + 5000) / 10000;
        if (o->cap && d > o->cap)
            d = o->cap;
    } else {
        d = o->value;
    }
    return d < base ? d : base;
}

static void fmt_money(const mkt_offer *o, const char *cur, int64_t v, char buf[MKT_MONEY_BUFSZ])
{
    mkt_money_format(v, mkt__currency_decimals(cur[0] ? cur : o->currency), buf,
                     MKT_MONEY_BUFSZ);
}

static int check_dates(const mkt_offer *o, const mkt_offer_booking *b, mkt_offer_result *r)
{
    char d1[MKT_DATE_BUFSZ], d2[MKT_DATE_BUFSZ];
    int rc = MKT_OK;
    if (o->booking.from != MKT_NULL_DATE && b->booking_date < o->booking.from) {
        mkt_date_format(o->booking.from, d1, sizeof d1);
        rc = mkt__result_add(r, MKT_OFFER_REASON_OUTSIDE_BOOKING_WINDOW,
                             "bookings are accepted from %s", d1);
    }
    if (rc == MKT_OK && o->booking.to != MKT_NULL_DATE && b->booking_date > o->booking.to) {
        mkt_date_format(o->booking.to, d1, sizeof d1);
        rc = mkt__result_add(r, MKT_OFFER_REASON_EXPIRED, "the offer ended on %s", d1);
    }
    if (rc == MKT_OK && ((o->travel.from != MKT_NULL_DATE && b->travel_date < o->travel.from) ||
                         (o->travel.to != MKT_NULL_DATE && b->travel_date > o->travel.to))) {
        mkt_date_format(b->travel_date, d1, sizeof d1);
        rc = mkt__result_add(r, MKT_OFFER_REASON_OUTSIDE_TRAVEL_WINDOW,
                             "travel date %s is outside the travel window", d1);
    }
    for (size_t i = 0; rc == MKT_OK && i < o->blackouts.len; i++) {
        const struct date_range *x = &o->blackouts.data[i];
        if (b->travel_date >= x->from && b->travel_date <= x->to) {
            mkt_date_format(x->from, d1, sizeof d1);
            mkt_date_format(x->to, d2, sizeof d2);
            rc = mkt__result_add(r, MKT_OFFER_REASON_BLACKOUT,
                                 "travel date falls in blackout %s..%s", d1, d2);
            break;
        }
    }
    return rc;
}

static int fare_listed(const mkt_offer *o, const char *fare, int excluded)
{
    char up[FARE_MAX + 1];
    size_t n = strlen(fare);
    for (size_t i = 0; i <= n; i++)
        up[i] = fare[i] >= 'a' && fare[i] <= 'z' ? (char)(fare[i] - 'a' + 'A') : fare[i];
    for (size_t i = 0; i < o->fares.len; i++)
        if (o->fares.data[i].excluded == excluded && strcmp(o->fares.data[i].name, up) == 0)
            return 1;
    return 0;
}

static int check_trip(const mkt_offer *o, const mkt_offer_booking *b, mkt_offer_result *r)
{
    int rc = MKT_OK;
    if (mkt__offer_route_matches(o, b->route, 1))
        rc = mkt__result_add(r, MKT_OFFER_REASON_ROUTE_EXCLUDED, "route %s is excluded", b->route);
    else if (o->has_applicable_route && !mkt__offer_route_matches(o, b->route, 0))
        rc = mkt__result_add(r, MKT_OFFER_REASON_ROUTE_NOT_APPLICABLE,
                             "route %s is not one the offer applies to", b->route);
    const char *fare = b->fare_class ? b->fare_class : "";
    if (rc == MKT_OK && fare[0] && fare_listed(o, fare, 1))
        rc = mkt__result_add(r, MKT_OFFER_REASON_FARE_EXCLUDED, "fare class %s is excluded", fare);
    else if (rc == MKT_OK && o->has_applicable_fare && !(fare[0] && fare_listed(o, fare, 0)))
        rc = mkt__result_add(r, MKT_OFFER_REASON_FARE_NOT_APPLICABLE,
                             "fare class %s is not one the offer applies to",
                             fare[0] ? fare : "(none)");
    return rc;
}

static int check_money(const mkt_offer *o, const mkt_offer_booking *b, mkt_offer_result *r)
{
    char m1[MKT_MONEY_BUFSZ], m2[MKT_MONEY_BUFSZ];
    if (o->currency[0] && strcmp(o->currency, b->currency) != 0)
        return mkt__result_add(r, MKT_OFFER_REASON_CURRENCY_MISMATCH,
                               "booking is in %s, the offer in %s", b->currency, o->currency);
    if (b->amount < o->min_purchase) {
        fmt_money(o, b->currency, o->min_purchase, m1);
        fmt_money(o, b->currency, b->amount, m2);
        return mkt__result_add(r, MKT_OFFER_REASON_MIN_PURCHASE,
                               "minimum purchase %s %s not met (amount %s)", m1, b->currency,
                               m2);
    }
    return MKT_OK;
}

static int check_customer(const mkt_offer *o, const struct code_entry *e, mkt_ctx *ctx,
                          const mkt_offer_booking *b, mkt_offer_result *r)
{
    if (o->customer && strcmp(o->customer, b->customer_id) != 0)
        return mkt__result_add(r, MKT_OFFER_REASON_NOT_ELIGIBLE,
                               "the offer is for another customer");
    if (e->customer && strcmp(e->customer, b->customer_id) != 0)
        return mkt__result_add(r, MKT_OFFER_REASON_NOT_ELIGIBLE,
                               "the code is for another customer");
    if (!o->rule)
        return MKT_OK;
    if (!o->segment)
        return mkt__error(ctx, MKT_ESTATE,
                          "offer %s: its segment rule is not compiled (mkt_offers_compile)",
                          o->id);
    mkt_record *rec = MKT_HAS_FIELD(b, mkt_offer_booking, customer) ? b->customer : NULL;
    if (!rec)
        return mkt__result_add(r, MKT_OFFER_REASON_NOT_ELIGIBLE,
                               "the offer needs the customer's profile (segment rule)");
    int32_t matched = 0;
    int rc = mkt_segment_match(o->segment, rec, &matched);
    if (rc)
        return rc;
    return matched ? MKT_OK
                   : mkt__result_add(r, MKT_OFFER_REASON_NOT_ELIGIBLE,
                                     "the customer is not in the offer's segment");
}

/* One limit hint: @used + @add over @limit adds @reason. */
static int check_limit(mkt_ctx *ctx, mkt_offer_result *r, const char *ns, const struct skey *k,
                       int64_t limit, int64_t add, int32_t reason, const char *what)
{
    int64_t used;
    int rc = mkt__counter_get(ctx, ns, k, &used);
    if (rc == MKT_OK && used > limit - add)
        rc = mkt__result_add(r, reason, "%s: %lld of %lld used", what, (long long)used,
                             (long long)limit);
    return rc;
}

static int check_limits(const mkt_offer *o, mkt_ctx *ctx, const mkt_offer_booking *b,
                        int64_t discount, mkt_offer_result *r)
{
    struct skey k;
    char month[MKT_DATE_BUFSZ];
    int rc = MKT_OK;
    if (o->limit_total) {
        mkt__key(&k, o->id, "held", NULL, NULL);
        rc = check_limit(ctx, r, NS_USAGE, &k, o->limit_total, 1, MKT_OFFER_REASON_LIMIT_TOTAL,
                         "total uses");
    }
    if (rc == MKT_OK && o->limit_customer) {
        mkt__key(&k, b->customer_id, o->id, "uses", NULL);
        rc = check_limit(ctx, r, NS_CUSTOMER, &k, o->limit_customer, 1,
                         MKT_OFFER_REASON_LIMIT_PER_CUSTOMER, "uses by this customer");
    }
    if (rc == MKT_OK && o->limit_month) {
        mkt__date_key(b->booking_date, 1, month);
        mkt__key(&k, b->customer_id, o->id, "month", month);
        rc = check_limit(ctx, r, NS_CUSTOMER, &k, o->limit_month, 1,
                         MKT_OFFER_REASON_LIMIT_PER_MONTH, "uses by this customer this month");
    }
    if (rc == MKT_OK && o->budget && discount > 0) {
        mkt__key(&k, o->id, "budget", NULL, NULL);
        rc = check_limit(ctx, r, NS_USAGE, &k, o->budget, discount,
                         MKT_OFFER_REASON_BUDGET_EXHAUSTED, "budget (minor units)");
    }
    return rc;
}

int mkt__offer_decide(const mkt_offer *o, const struct code_entry *e, mkt_ctx *ctx,
                      const mkt_offer_booking *b, mkt_offer_result *r, int with_limits)
{
    r->offer_id = o->id;
    int rc = check_dates(o, b, r);
    if (rc == MKT_OK)
        rc = check_trip(o, b, r);
    if (rc == MKT_OK)
        rc = check_money(o, b, r);
    if (rc == MKT_OK)
        rc = check_customer(o, e, ctx, b, r);
    int64_t d = mkt__offer_discount(o, b);
    if (rc == MKT_OK && d <= 0 && r->reasons.len == 0)
        rc = mkt__result_add(r, MKT_OFFER_REASON_NO_DISCOUNT, "nothing left to discount");
    if (rc == MKT_OK && with_limits)
        rc = check_limits(o, ctx, b, d, r);
    if (rc)
        return rc;
    r->valid = r->reasons.len == 0;
    r->discount = r->valid ? d : 0;
    return MKT_OK;
}

int mkt__offers_decide(const mkt_offers *s, mkt_ctx *ctx, const char *code,
                       const mkt_offer_booking *b, mkt_offer_result *r, int with_limits,
                       const mkt_offer **offer)
{
    char canon[MKT_PROMO_MAX_LEN + 1], *owned = NULL;
    struct code_entry e;
    if (offer)
        *offer = NULL;
    int rc = mkt__offers_lookup(s, ctx, code, canon, &e, &owned);
    mkt__result_reset(r, canon, NULL); /* "" for a malformed code */
    if (rc == MKT_ENOTFOUND)
        return mkt__result_add(r, MKT_OFFER_REASON_UNKNOWN_CODE, "no offer has this code");
    if (rc != MKT_OK)
        return rc;
    const mkt_offer *o = s->offers.data[e.offer];
    if (offer)
        *offer = o;
    rc = mkt__offer_decide(o, &e, ctx, b, r, with_limits);
    mkt_free(owned);
    return rc;
}

MKT_EXPORT int mkt_offers_validate(const mkt_offers *s, mkt_ctx *ctx, const char *code,
                                   const mkt_offer_booking *b, mkt_offer_result *r)
{
    if (!ctx)
        return MKT_EINVAL;
    if (!s || !code || !b || !r)
        return mkt__error(ctx, MKT_EINVAL, "mkt_offers_validate: NULL argument");
    int rc = mkt__booking_check(ctx, b, 0);
    return rc ? rc : mkt__offers_decide(s, ctx, code, b, r, 1, NULL);
}

MKT_EXPORT int mkt_offer_booking_init(mkt_offer_booking *b)
{
    if (!b)
        return MKT_EINVAL;
    mkt_offer_booking d = MKT_OFFER_BOOKING_INIT;
    *b = d;
    return MKT_OK;
}

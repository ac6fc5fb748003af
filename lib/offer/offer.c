/* SPDX-License-Identifier: MIT */
/*
 * Building one offer through the C API: creation, the discount and the restrictions. Every
 * setter checks its input at once, so a bad value is reported where it was given (not later
 * at validation); the checks that need the whole offer (a currency for a fixed discount, at
 * least one code) wait for mkt_offers_add().
 */
#include <string.h>

#include "offer-private.h"

static int check_id(mkt_ctx *ctx, const char *what, const char *id)
{
    size_t len = id ? strlen(id) : 0;
    if (len == 0 || len > OFFER_ID_MAX)
        return mkt__error(ctx, MKT_EINVAL, "%s: offer id must be 1..%d bytes", what,
                          OFFER_ID_MAX);
    for (size_t i = 0; i < len; i++) {
        char c = id[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == '-';
        if (!ok)
            return mkt__error(ctx, MKT_EINVAL,
                              "%s: offer id \"%s\": byte %zu is not one of [A-Za-z0-9_.-]",
                              what, id, i + 1);
    }
    return MKT_OK;
}

MKT_EXPORT int mkt_offer_new(mkt_offer **out, mkt_ctx *ctx, const char *id)
{
    if (out)
        *out = NULL;
    if (!out || !ctx)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_offer_new: NULL out") : MKT_EINVAL;
    int rc = check_id(ctx, "mkt_offer_new", id);
    if (rc)
        return rc;
    mkt_offer *o = mkt__calloc(ctx, 1, sizeof *o);
    if (!o || !(o->id = mkt__strdup(ctx, id))) {
        mkt__free(ctx, o);
        return mkt__oom(ctx);
    }
    o->ctx = ctx;
    o->booking.from = o->booking.to = MKT_NULL_DATE;
    o->travel.from = o->travel.to = MKT_NULL_DATE;
    o->ttl = DEFAULT_TTL;
    *out = o;
    return MKT_OK;
}

MKT_EXPORT void mkt_offer_free(mkt_offer *o)
{
    if (!o)
        return;
    mkt_ctx *ctx = o->ctx;
    for (size_t i = 0; i < o->combinable.len; i++)
        mkt__free(ctx, o->combinable.data[i]);
    for (size_t i = 0; i < o->codes.len; i++) {
        mkt__free(ctx, o->codes.data[i].code);
        mkt__free(ctx, o->codes.data[i].customer);
    }
    MKT__VEC_FREE(ctx, &o->combinable);
    MKT__VEC_FREE(ctx, &o->codes);
    MKT__VEC_FREE(ctx, &o->blackouts);
    MKT__VEC_FREE(ctx, &o->routes);
    MKT__VEC_FREE(ctx, &o->fares);
    mkt_segment_free(o->segment);
    mkt_rule_free(o->rule);
    mkt__free(ctx, o->rule_text);
    mkt__free(ctx, o->customer);
    mkt__free(ctx, o->id);
    mkt__free(ctx, o);
}

MKT_EXPORT const char *mkt_offer_id(const mkt_offer *o)
{
    return o ? o->id : NULL;
}

MKT_EXPORT int mkt_offer_set_discount(mkt_offer *o, int32_t kind, int64_t value, int64_t cap)
{
    if (!o)
        return MKT_EINVAL;
    if (kind == MKT_DISCOUNT_PERCENT) {
        if (value < 1 || value > 10000 || cap < 0)
            return mkt__error(o->ctx, MKT_EINVAL,
                              "offer %s: a percentage is 1..10000 basis points (got %lld) with "
                              "a cap >= 0", o->id, (long long)value);
    } else if (kind == MKT_DISCOUNT_FIXED) {
        if (value < 1 || cap != 0)
            return mkt__error(o->ctx, MKT_EINVAL,
                              "offer %s: a fixed discount is > 0 minor units, without cap",
                              o->id);
    } else {
        return mkt__error(o->ctx, MKT_EINVAL, "offer %s: unknown discount kind %d", o->id,
                          (int)kind);
    }
    o->kind = kind;
    o->value = value;
    o->cap = cap;
    return MKT_OK;
}

MKT_EXPORT int mkt_offer_set_currency(mkt_offer *o, const char *currency)
{
    if (!o)
        return MKT_EINVAL;
    if (!mkt__offer_is_currency(currency))
        return mkt__error(o->ctx, MKT_EINVAL,
                          "offer %s: currency must be three upper-case letters (ISO 4217)",
                          o->id);
    memcpy(o->currency, currency, 4);
    return MKT_OK;
}

MKT_EXPORT int mkt_offer_set_min_purchase(mkt_offer *o, int64_t amount)
{
    if (!o)
        return MKT_EINVAL;
    if (amount < 0)
        return mkt__error(o->ctx, MKT_EINVAL, "offer %s: negative minimum purchase", o->id);
    o->min_purchase = amount;
    return MKT_OK;
}

static int set_window(mkt_offer *o, struct date_range *w, const char *what, mkt_date from,
                      mkt_date to)
{
    if (!o)
        return MKT_EINVAL;
    if (from != MKT_NULL_DATE && to != MKT_NULL_DATE && from > to)
        return mkt__error(o->ctx, MKT_EINVAL, "offer %s: %s window starts after it ends",
                          o->id, what);
    w->from = from;
    w->to = to;
    return MKT_OK;
}

MKT_EXPORT int mkt_offer_set_booking_window(mkt_offer *o, mkt_date from, mkt_date to)
{
    return set_window(o, o ? &o->booking : NULL, "booking", from, to);
}

MKT_EXPORT int mkt_offer_set_travel_window(mkt_offer *o, mkt_date from, mkt_date to)
{
    return set_window(o, o ? &o->travel : NULL, "travel", from, to);
}

MKT_EXPORT int mkt_offer_add_blackout(mkt_offer *o, mkt_date from, mkt_date to)
{
    if (!o)
        return MKT_EINVAL;
    if (from == MKT_NULL_DATE || to == MKT_NULL_DATE || from > to)
        return mkt__error(o->ctx, MKT_EINVAL,
                          "offer %s: a blackout needs both dates, the first not after the "
                          "second", o->id);
    struct date_range r = {from, to};
    return MKT__VEC_PUSH(o->ctx, &o->blackouts, r);
}

MKT_EXPORT int mkt_offer_set_segment_rule(mkt_offer *o, const char *text)
{
    if (!o)
        return MKT_EINVAL;
    if (!text)
        return mkt__error(o->ctx, MKT_EINVAL, "offer %s: NULL segment rule", o->id);
    mkt_rule *rule = NULL;
    int rc = mkt_rule_parse(&rule, o->ctx, text, strlen(text), NULL);
    if (rc)
        return rc;
    char *copy = mkt__strdup(o->ctx, text);
    if (!copy) {
        mkt_rule_free(rule);
        return mkt__oom(o->ctx);
    }
    mkt_rule_free(o->rule);
    mkt_segment_free(o->segment);
    mkt__free(o->ctx, o->rule_text);
    o->rule = rule;
    o->rule_text = copy;
    o->segment = NULL;
    return MKT_OK;
}

MKT_EXPORT int mkt_offer_set_customer(mkt_offer *o, const char *customer_id)
{
    if (!o)
        return MKT_EINVAL;
    int rc = mkt__offer_check_customer(o->ctx, "mkt_offer_set_customer", customer_id);
    if (rc)
        return rc;
    char *copy = mkt__strdup(o->ctx, customer_id);
    if (!copy)
        return mkt__oom(o->ctx);
    mkt__free(o->ctx, o->customer);
    o->customer = copy;
    return MKT_OK;
}

MKT_EXPORT int mkt_offer_set_limit(mkt_offer *o, int32_t kind, int64_t value)
{
    if (!o)
        return MKT_EINVAL;
    if (value < 0)
        return mkt__error(o->ctx, MKT_EINVAL, "offer %s: negative limit", o->id);
    switch (kind) {
    case MKT_OFFER_LIMIT_TOTAL: o->limit_total = value; break;
    case MKT_OFFER_LIMIT_PER_CUSTOMER: o->limit_customer = value; break;
    case MKT_OFFER_LIMIT_PER_CUSTOMER_MONTH: o->limit_month = value; break;
    case MKT_OFFER_LIMIT_BUDGET: o->budget = value; break;
    default:
        return mkt__error(o->ctx, MKT_EINVAL, "offer %s: unknown limit kind %d", o->id,
                          (int)kind);
    }
    return MKT_OK;
}

MKT_EXPORT int mkt_offer_set_stacking(mkt_offer *o, int32_t stackable, int32_t priority)
{
    if (!o)
        return MKT_EINVAL;
    if (stackable != 0 && stackable != 1)
        return mkt__error(o->ctx, MKT_EINVAL, "offer %s: stackable is 0 or 1", o->id);
    o->stackable = stackable;
    o->priority = priority;
    return MKT_OK;
}

MKT_EXPORT int mkt_offer_add_combinable(mkt_offer *o, const char *offer_id)
{
    if (!o)
        return MKT_EINVAL;
    int rc = check_id(o->ctx, "mkt_offer_add_combinable", offer_id);
    if (rc)
        return rc;
    char *copy = mkt__strdup(o->ctx, offer_id);
    if (!copy)
        return mkt__oom(o->ctx);
    rc = MKT__VEC_PUSH(o->ctx, &o->combinable, copy);
    if (rc)
        mkt__free(o->ctx, copy);
    return rc;
}

MKT_EXPORT int mkt_offer_set_reservation_ttl(mkt_offer *o, int64_t seconds)
{
    if (!o)
        return MKT_EINVAL;
    if (seconds < 1 || seconds > MAX_TTL)
        return mkt__error(o->ctx, MKT_EINVAL, "offer %s: reservation TTL must be 1..%d s",
                          o->id, MAX_TTL);
    o->ttl = seconds;
    return MKT_OK;
}

MKT_EXPORT int mkt_offer_add_code(mkt_offer *o, const char *code, const char *customer_id)
{
    if (!o)
        return MKT_EINVAL;
    if (!code)
        return mkt__error(o->ctx, MKT_EINVAL, "offer %s: NULL code", o->id);
    char canon[MKT_PROMO_MAX_LEN + 1];
    int rc = mkt_promo_normalize(o->ctx, code, canon, sizeof canon, NULL);
    if (rc)
        return rc == MKT_ERANGE ? MKT_EINVAL : rc;
    if (customer_id && (rc = mkt__offer_check_customer(o->ctx, "mkt_offer_add_code",
                                                       customer_id)) != MKT_OK)
        return rc;
    for (size_t i = 0; i < o->codes.len; i++)
        if (strcmp(o->codes.data[i].code, canon) == 0)
            return mkt__error(o->ctx, MKT_EEXIST, "offer %s: code %s given twice", o->id,
                              canon);
    struct offer_code c = {mkt__strdup(o->ctx, canon),
                           customer_id ? mkt__strdup(o->ctx, customer_id) : NULL};
    if (!c.code || (customer_id && !c.customer) || MKT__VEC_PUSH(o->ctx, &o->codes, c)) {
        mkt__free(o->ctx, c.code);
        mkt__free(o->ctx, c.customer);
        return mkt__oom(o->ctx);
    }
    return MKT_OK;
}

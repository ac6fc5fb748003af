/* SPDX-License-Identifier: MIT */
/*
 * The decision object: valid flag, discount, and the list of reasons with their texts. It is
 * reused across calls and keeps its buffers, so a validation that passes allocates nothing.
 */
#include <stdarg.h>
#include <string.h>

#include "offer-private.h"

MKT_EXPORT int mkt_offer_result_new(mkt_offer_result **out, mkt_ctx *ctx)
{
    if (out)
        *out = NULL;
    if (!out || !ctx)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_offer_result_new: NULL out")
                   : MKT_EINVAL;
    mkt_offer_result *r = mkt__calloc(ctx, 1, sizeof *r);
    if (!r)
        return mkt__oom(ctx);
    r->ctx = ctx;
    mkt__buf_init(&r->texts, ctx);
    *out = r;
    return MKT_OK;
}

MKT_EXPORT void mkt_offer_result_free(mkt_offer_result *r)
{
    if (!r)
        return;
    MKT__VEC_FREE(r->ctx, &r->reasons);
    mkt__buf_free(&r->texts);
    mkt__free(r->ctx, r);
}

void mkt__result_reset(mkt_offer_result *r, const char *code, const char *offer_id)
{
    r->valid = 0;
    r->discount = 0;
    size_t n = code ? strlen(code) : 0;
    if (n > MKT_PROMO_MAX_LEN)
        n = MKT_PROMO_MAX_LEN;
    memcpy(r->code, code ? code : "", n);
    r->code[n] = '\0';
    r->offer_id = offer_id;
    r->reasons.len = 0;
    mkt__buf_reset(&r->texts);
}

int mkt__result_add(mkt_offer_result *r, int32_t code, const char *fmt, ...)
{
    size_t at = r->texts.len;
    va_list ap;
    va_start(ap, fmt);
    int rc = mkt__buf_vappendf(&r->texts, fmt, ap);
    va_end(ap);
    if (rc == MKT_OK)
        rc = mkt__buf_putc(&r->texts, '\0');
    struct reason x = {code, (uint32_t)at};
    if (rc == MKT_OK)
        rc = MKT__VEC_PUSH(r->ctx, &r->reasons, x);
    if (rc != MKT_OK) {
        mkt__buf_truncate(&r->texts, at);
        return mkt__oom(r->ctx);
    }
    return MKT_OK;
}

int mkt__result_copy(mkt_offer_result *dst, const mkt_offer_result *src)
{
    mkt__result_reset(dst, src->code, src->offer_id);
    int rc = MKT__VEC_RESERVE(dst->ctx, &dst->reasons, src->reasons.len);
    if (rc == MKT_OK && src->texts.len)
        rc = mkt__buf_append(&dst->texts, src->texts.data, src->texts.len);
    if (rc != MKT_OK)
        return rc;
    memcpy(dst->reasons.data, src->reasons.data, src->reasons.len * sizeof *src->reasons.data);
    dst->reasons.len = src->reasons.len;
    dst->valid = src->valid;
    dst->discount = src->discount;
    return MKT_OK;
}

MKT_EXPORT int32_t mkt_offer_result_valid(const mkt_offer_result *r)
{
    return r ? r->valid : 0;
}

MKT_EXPORT int64_t mkt_offer_result_discount(const mkt_offer_result *r)
{
    return r ? r->discount : 0;
}

MKT_EXPORT const char *mkt_offer_result_code(const mkt_offer_result *r)
{
    return r ? r->code : NULL;
}

MKT_EXPORT const char *mkt_offer_result_offer_id(const mkt_offer_result *r)
{
    return r ? r->offer_id : NULL;
}

MKT_EXPORT size_t mkt_offer_result_reason_count(const mkt_offer_result *r)
{
    return r ? r->reasons.len : 0;
}

MKT_EXPORT int32_t mkt_offer_result_reason(const mkt_offer_result *r, size_t i)
{
    return r && i < r->reasons.len ? r->reasons.data[i].code : 0;
}

MKT_EXPORT const char *mkt_offer_result_reason_text(const mkt_offer_result *r, size_t i)
{
    return r && i < r->reasons.len ? r->texts.data + r->reasons.data[i].text : NULL;
}

MKT_EXPORT const char *mkt_offer_reason_name(int32_t reason)
{
    static const char *const names[] = {
        NULL, "UNKNOWN_CODE", "EXPIRED", "OUTSIDE_BOOKING_WINDOW", "OUTSIDE_TRAVEL_WINDOW",
        "BLACKOUT", "ROUTE_NOT_APPLICABLE", "ROUTE_EXCLUDED", "FARE_NOT_APPLICABLE",
        "FARE_EXCLUDED", "CURRENCY_MISMATCH", "MIN_PURCHASE", "NOT_ELIGIBLE", "LIMIT_TOTAL",
        "LIMIT_PER_CUSTOMER", "LIMIT_PER_MONTH", "BUDGET_EXHAUSTED", "NO_DISCOUNT",
        "NOT_STACKABLE", "NOT_COMBINABLE", "LOWER_DISCOUNT", "DUPLICATE"};
    if (reason < 1 || (size_t)reason >= sizeof names / sizeof names[0])
        return NULL;
    return names[reason];
}

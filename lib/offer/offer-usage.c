/* SPDX-License-Identifier: MIT */
/*
 * Usage tracking read back from the store counters that reserve, commit and release keep
 * ("offer.usage" and "offer.customer"), so every process sharing the store sees the same
 * figures.
 */
#include <inttypes.h>
#include <string.h>

#include "offer-private.h"

static int check_offer_id(mkt_ctx *ctx, const char *fn, const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > OFFER_ID_MAX || memchr(id, 0x1f, n))
        return mkt__error(ctx, MKT_EINVAL, "%s: offer id must be 1..%d bytes", fn, OFFER_ID_MAX);
    return MKT_OK;
}

MKT_EXPORT int mkt_offer_usage_get(mkt_ctx *ctx, const char *offer_id, const char *customer_id,
                                   mkt_offer_usage *out)
{
    static const char fn[] = "mkt_offer_usage_get";
    if (!ctx)
        return MKT_EINVAL;
    if (!out || out->struct_size < offsetof(mkt_offer_usage, customer_uses))
        return mkt__error(ctx, MKT_EINVAL, "%s: NULL out or struct_size too small", fn);
    int rc = check_offer_id(ctx, fn, offer_id);
    if (rc == MKT_OK && customer_id)
        rc = mkt__offer_check_customer(ctx, fn, customer_id);
    if (rc)
        return rc;
    mkt_offer_usage u = {out->struct_size, 0, 0, 0, 0, 0, 0};
    struct skey k;
    static const char *const what[] = {"held", "redemptions", "discount", "budget"};
    int64_t *dst[] = {&u.held, &u.redemptions, &u.discount_total, &u.budget_used};
    for (int i = 0; rc == MKT_OK && i < 4; i++) {
        mkt__key(&k, offer_id, what[i], NULL, NULL);
        rc = mkt__counter_get(ctx, NS_USAGE, &k, dst[i]);
    }
    if (rc == MKT_OK && customer_id) {
        mkt__key(&k, customer_id, offer_id, "uses", NULL);
        rc = mkt__counter_get(ctx, NS_CUSTOMER, &k, &u.customer_uses);
    }
    if (rc)
        return rc;
    if (u.redemptions > 0) /* half-up; both are >= 0 */
        u.average_discount = u.discount_total / u.redemptions +
                             (u.discount_total % u.redemptions * 2 >= u.redemptions);
    size_t n = out->struct_size < sizeof u ? out->struct_size : sizeof u;
    memcpy(out, &u, n);
    return MKT_OK;
}

struct report {
    mkt__buf *out;
    size_t prefix_len;
};

static int report_row(const char *key, size_t key_len, const void *value, size_t value_len,
                      uint64_t version, void *data)
{
    (void)version;
    struct report *r = data;
    if (value_len == 1 && ((const char *)value)[0] == '0')
        return 0; /* given back to zero: nothing to report */
    int rc = mkt__buf_append(r->out, key + r->prefix_len, key_len - r->prefix_len);
    if (rc == MKT_OK)
        rc = mkt__buf_putc(r->out, ',');
    if (rc == MKT_OK)
        rc = mkt__buf_append(r->out, value, value_len);
    if (rc == MKT_OK)
        rc = mkt__buf_putc(r->out, '\n');
    return rc;
}

MKT_EXPORT int mkt_offer_usage_report(mkt_ctx *ctx, const char *offer_id, int32_t by,
                                      char **out)
{
    static const char fn[] = "mkt_offer_usage_report";
    if (out)
        *out = NULL;
    if (!ctx)
        return MKT_EINVAL;
    if (!out || (by != MKT_OFFER_USAGE_BY_ROUTE && by != MKT_OFFER_USAGE_BY_BOOKING_DATE))
        return mkt__error(ctx, MKT_EINVAL, "%s: NULL out or unknown breakdown %d", fn, (int)by);
    int rc = check_offer_id(ctx, fn, offer_id);
    if (rc)
        return rc;
    const char *what = by == MKT_OFFER_USAGE_BY_ROUTE ? "route" : "date";
    struct skey prefix;
    mkt__key(&prefix, offer_id, what, "", NULL);
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    struct report r = {&b, prefix.len};
    rc = mkt__buf_appendf(&b, "%s,redemptions\n", by == MKT_OFFER_USAGE_BY_ROUTE ? "route"
                                                                                : "booking_date");
    if (rc == MKT_OK)
        rc = mkt_store_scan(ctx, NS_USAGE, prefix.b, prefix.len, report_row, &r);
    size_t len = 0;
    char *text = rc == MKT_OK ? mkt__buf_detach(&b, &len) : NULL;
    if (rc == MKT_OK && !text)
        rc = mkt__oom(ctx);
    if (rc == MKT_OK) {
        *out = mkt__caller_alloc(ctx, len + 1);
        if (*out)
            memcpy(*out, text, len + 1);
        else
            rc = mkt__oom(ctx);
    }
    mkt__free(ctx, text);
    mkt__buf_free(&b);
    return rc;
}

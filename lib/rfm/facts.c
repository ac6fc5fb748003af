/* SPDX-License-Identifier: MIT */
/*
 * Step (a) of RFM: per-customer accumulators fed one booking at a time. They know nothing of
 * where bookings come from (the table here; later a streaming CSV scanner), so the window and
 * status rules live in mkt__rfm_acc_add() and the currency rule in mkt__rfm_acc_check().
 * Frequency counts bookings: booking ids are unique (every loader rejects a repeated one), so
 * COUNT(DISTINCT booking_id) is the number of bookings. With exchange rates, each customer's
 * exact sum of amount * rate is kept in 128 bits and rounded once at the end, so the result
 * does not depend on the order of bookings. That sum cannot overflow 128 bits while the
 * amounts themselves sum within int64 (rates are below 1e18 scaled units, 2^60), which the
 * table guarantees for everything it holds.
 */
#include <string.h>

#include "rfm-private.h"

int mkt__rfm_acc_init(struct mkt__rfm_acc *a, mkt_ctx *ctx, size_t ncust, mkt_date as_of,
                      int32_t months, const int64_t *rates, size_t nrates)
{
    memset(a, 0, sizeof *a);
    a->ctx = ctx;
    a->as_of = as_of;
    a->rates = rates;
    a->nrates = rates ? nrates : 0;
    int rc = mkt_date_add_months(&a->after, as_of, -months);
    if (rc)
        return mkt__error(ctx, MKT_ERANGE, "RFM window: %d months before the as-of date is "
                                           "out of range", (int)months);
    return mkt__rfm_acc_grow(a, ncust);
}

int mkt__rfm_acc_grow(struct mkt__rfm_acc *a, size_t ncust)
{
    if (ncust <= a->ncust)
        return MKT_OK;
    size_t want = ncust ? ncust : 1;
    struct mkt__rfm_cust *c = mkt__reallocarray(a->ctx, a->cust, want, sizeof *c);
    if (!c)
        return mkt__oom(a->ctx);
    a->cust = c;
    memset(c + a->ncust, 0, (ncust - a->ncust) * sizeof *c);
    if (a->rates) {
        mkt__i128 *s = mkt__reallocarray(a->ctx, a->scaled, want, sizeof *s);
        if (!s)
            return mkt__oom(a->ctx);
        a->scaled = s;
        memset(s + a->ncust, 0, (ncust - a->ncust) * sizeof *s);
    }
    a->ncust = ncust;
    return MKT_OK;
}

int mkt__rfm_acc_currencies(struct mkt__rfm_acc *a, size_t n)
{
    if (n <= a->nseen)
        return MKT_OK;
    uint8_t *s = mkt__realloc(a->ctx, a->seen, n);
    if (!s)
        return mkt__oom(a->ctx);
    memset(s + a->nseen, 0, n - a->nseen);
    a->seen = s;
    a->nseen = n;
    return MKT_OK;
}

/* "EUR, USD" of the currencies seen (the first few) into @b. */
static int list_seen(const struct mkt__rfm_acc *a, const char *(*names)(const void *, uint32_t),
                     const void *data, int missing_only, mkt__buf *b)
{
    int rc = MKT_OK;
    size_t listed = 0;
    for (size_t i = 0; i < a->nseen && rc == MKT_OK; i++) {
        if (!a->seen[i] || (missing_only && i < a->nrates && a->rates[i] != 0))
            continue;
        if (listed == 10) {
            rc = mkt__buf_appends(b, ", ...");
            break;
        }
        const char *name = names ? names(data, (uint32_t)i) : NULL;
        rc = mkt__buf_appendf(b, "%s%s", listed ? ", " : "", name ? name : "?");
        listed++;
    }
    return rc;
}

int mkt__rfm_acc_check(struct mkt__rfm_acc *a, const char *(*names)(const void *, uint32_t),
                       const void *names_data)
{
    if (a->unknown)
        return mkt__error(a->ctx, MKT_EINTERNAL, "RFM: a booking named a customer or currency "
                                                 "the accumulators were not grown for");
    if (a->overflow)
        return mkt__error(a->ctx, MKT_ERANGE, "RFM: a customer's monetary sum overflows");
    size_t distinct = 0, missing = 0;
    for (size_t i = 0; i < a->nseen; i++) {
        distinct += a->seen[i];
        missing += a->seen[i] && (i >= a->nrates || a->rates[i] == 0);
    }
    if (a->scaled ? missing == 0 : distinct <= 1)
        return MKT_OK;
    mkt__buf b;
    mkt__buf_init(&b, a->ctx);
    int rc = list_seen(a, names, names_data, a->scaled != NULL, &b);
    if (rc == MKT_OK && a->scaled)
        rc = mkt__error(a->ctx, MKT_ENOTFOUND, "RFM: no exchange rate for %s", b.data);
    else if (rc == MKT_OK)
        rc = mkt__error(a->ctx, MKT_EINVAL,
                        "RFM: the bookings in the window use %zu currencies (%s); give exchange "
                        "rates (--fx FILE, mkt_rfm_options.fx) to convert them to one",
                        distinct, b.data);
    mkt__buf_free(&b);
    return rc ? rc : mkt__oom(a->ctx);
}

int mkt__rfm_acc_monetary(const struct mkt__rfm_acc *a, size_t i, int64_t *out)
{
    if (!a->scaled) {
        *out = a->cust[i].sum;
        return MKT_OK;
    }
    if (mkt__fx_round(a->scaled[i], out))
        return mkt__error(a->ctx, MKT_ERANGE, "RFM: a converted monetary sum overflows");
    return MKT_OK;
}

void mkt__rfm_acc_free(struct mkt__rfm_acc *a)
{
    mkt__free(a->ctx, a->cust);
    mkt__free(a->ctx, a->scaled);
    mkt__free(a->ctx, a->seen);
    a->cust = NULL;
    a->scaled = NULL;
    a->seen = NULL;
    a->ncust = a->nseen = 0;
}

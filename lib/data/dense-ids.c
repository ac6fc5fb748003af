/* SPDX-License-Identifier: MIT */
/*
 * The dense form of the customer-id index (idindex.c). Customer ids that are a fixed prefix and
 * a fixed number of digits ("C0000001" .. "C1000000", "12345678") are the common case. While
 * every id of a table has the shape of the first and the numbers stay dense (at most
 * DENSE_SLACK numbers per customer), a lookup is a digit parse and one read of an array
 * indexed by number (4 bytes per number) instead of a probe of 16-byte hash slots.
 */
#include <string.h>

#include "table-private.h"

#define DENSE_MAX_WIDTH 18   /* digits: fits in uint64_t */
#define DENSE_SLACK 4        /* at most this many numbers per customer */

int64_t mkt__dense_number(const struct mkt__dense_ids *d, const char *s, size_t len)
{
    if (len != d->len)
        return -1;
    for (size_t i = 0; i < d->plen; i++) /* a prefix is short: a loop beats memcmp() */
        if (s[i] != d->prefix[i])
            return -1;
    if (len - d->plen <= 8 && len >= 8)
        return mkt__digits_before(s + len, len - d->plen);
    uint64_t v = 0;
    for (size_t i = d->plen; i < len; i++) {
        unsigned digit = (unsigned char)s[i] - '0';
        if (digit > 9)
            return -1;
        v = v * 10 + digit;
    }
    return (int64_t)v;
}

int mkt__dense_shape(struct mkt__dense_ids *d, const char *s, size_t len)
{
    size_t p = 0;
    while (p < len && (unsigned char)(s[p] - '0') > 9)
        p++;
    if (p == len || p > sizeof d->prefix || len - p > DENSE_MAX_WIDTH)
        return 0;
    for (size_t i = p; i < len; i++)
        if ((unsigned char)(s[i] - '0') > 9)
            return 0;
    memcpy(d->prefix, s, p);
    d->plen = p;
    d->len = len;
    return 1;
}

/* Whether adding number @v as customer number @rows keeps the numbers dense enough. */
static int dense_enough(const struct mkt__dense_ids *d, int64_t v, size_t rows)
{
    int64_t lo = rows > 1 && d->min < v ? d->min : v, hi = rows > 1 && d->max > v ? d->max : v;
    return (uint64_t)(hi - lo) < (uint64_t)rows * DENSE_SLACK + 1024;
}

/* Grow row1 to cover @v, with room beyond it in the direction it grew (ids often come in
 * ascending, sometimes descending order): amortized O(1) per id either way. */
static int grow(mkt_ctx *ctx, struct mkt__dense_ids *d, int64_t v)
{
    int64_t lo = v, hi = v;
    if (d->row1) {
        lo = d->lo < v ? d->lo : v;
        hi = d->lo + (int64_t)d->n - 1 > v ? d->lo + (int64_t)d->n - 1 : v;
    }
    int64_t extra = (hi - lo) / 2 + 1024;
    if (v == lo) /* grew downwards, or the first id */
        lo = lo > extra ? lo - extra : 0;
    if (v == hi)
        hi += extra;
    size_t n = (size_t)(hi - lo) + 1, below = d->row1 ? (size_t)(d->lo - lo) : 0;
    uint32_t *row1 = mkt__reallocarray(ctx, d->row1, n, sizeof *row1);
    if (!row1)
        return MKT_ENOMEM;
    if (below) /* the old entries move up; what they leave and the new top start empty */
        memmove(row1 + below, row1, d->n * sizeof *row1);
    memset(row1, 0, below * sizeof *row1);
    memset(row1 + below + d->n, 0, (n - below - d->n) * sizeof *row1);
    d->row1 = row1;
    d->lo = lo;
    d->n = n;
    return MKT_OK;
}

int mkt__dense_cover(mkt_ctx *ctx, struct mkt__dense_ids *d, const char *s, size_t len,
                     size_t rows, int *fits)
{
    *fits = 0;
    if (!d->len && !mkt__dense_shape(d, s, len))
        return MKT_OK;
    int64_t v = mkt__dense_number(d, s, len);
    if (v < 0 || !dense_enough(d, v, rows))
        return MKT_OK;
    if ((v < d->lo || (uint64_t)(v - d->lo) >= d->n) && grow(ctx, d, v)) {
        if (!d->row1)
            d->len = 0; /* the shape was taken from this id: nothing changed after all */
        return MKT_ENOMEM;
    }
    d->min = rows > 1 && d->min < v ? d->min : v;
    d->max = rows > 1 && d->max > v ? d->max : v;
    *fits = 1;
    return MKT_OK;
}

uint32_t mkt__dense_ids_find(const struct mkt__dense_ids *d, const char *s, size_t len)
{
    int64_t v = mkt__dense_number(d, s, len);
    return v >= d->lo && (uint64_t)(v - d->lo) < d->n ? d->row1[v - d->lo] : 0;
}

void mkt__dense_ids_prefetch(const struct mkt__dense_ids *d, const char *s, size_t len)
{
    int64_t v = mkt__dense_number(d, s, len);
    if (v >= d->lo && (uint64_t)(v - d->lo) < d->n)
        __builtin_prefetch(&d->row1[v - d->lo]);
}

void mkt__dense_ids_free(mkt_ctx *ctx, struct mkt__dense_ids *d)
{
    mkt__free(ctx, d->row1);
    memset(d, 0, sizeof *d);
}

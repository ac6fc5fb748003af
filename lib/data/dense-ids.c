/* SPDX-License-Identifier: MIT */
/*
 * Customer ids that are a fixed prefix and a fixed number of digits ("C0000001" ..
 * "C1000000", "12345678") are the common case. When every customer id of a table has that
 * shape and the numbers are dense, a lookup is a digit parse and one read of a small array
 * (4 bytes per number), instead of a probe of the 16-byte id index: what a perfect hash join
 * does for dense integer keys. The map is built for a table that does not change while it is
 * used (a fold); any other table keeps using the id index.
 */
#include <string.h>

#include "table-private.h"

#define DENSE_MAX_WIDTH 18   /* digits: fits in uint64_t */
#define DENSE_SLACK 4        /* at most this many numbers per customer */

int64_t mkt__dense_number(const struct mkt__dense_ids *d, const char *s, size_t len)
{
    if (len != d->len || memcmp(s, d->prefix, d->plen) != 0)
        return -1;
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

int mkt__dense_ids_build(const mkt_table *t, struct mkt__dense_ids *d)
{
    memset(d, 0, sizeof *d);
    size_t rows = mkt__table_rows(t);
    size_t len0;
    const char *first = rows ? mkt__intern_str(&t->ids, 0, &len0) : NULL;
    if (!first || !mkt__dense_shape(d, first, len0))
        return MKT_OK;
    int64_t lo = INT64_MAX, hi = -1;
    for (size_t r = 0; r < rows; r++) {
        size_t len;
        const char *s = mkt__intern_str(&t->ids, (uint32_t)r, &len);
        int64_t v = mkt__dense_number(d, s, len);
        if (v < 0)
            return MKT_OK; /* another shape: no map */
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    if ((uint64_t)(hi - lo) >= (uint64_t)rows * DENSE_SLACK + 1024)
        return MKT_OK; /* too sparse to be worth the array */
    d->row1 = mkt__calloc(t->ctx, (size_t)(hi - lo) + 1, sizeof *d->row1);
    if (!d->row1)
        return mkt__oom(t->ctx);
    d->lo = lo;
    d->n = (size_t)(hi - lo) + 1;
    for (size_t r = 0; r < rows; r++) {
        size_t len;
        const char *s = mkt__intern_str(&t->ids, (uint32_t)r, &len);
        d->row1[mkt__dense_number(d, s, len) - lo] = (uint32_t)r + 1;
    }
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

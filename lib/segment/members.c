/* SPDX-License-Identifier: MIT */
/*
 * Member sets: a bitmap over table rows with counting, membership, ordered iteration and
 * word-wise set algebra. Sets combine only when they range over the same number of rows, so a
 * set evaluated before rows were added is never silently mixed with a newer one.
 */
#include <string.h>

#include "segment-private.h"

int mkt__members_alloc(mkt_ctx *ctx, uint64_t rows, struct mkt_members **out)
{
    if (rows > (uint64_t)SIZE_MAX - 64)
        return mkt__error(ctx, MKT_ETOOBIG, "too many rows");
    struct mkt_members *m = mkt__calloc(ctx, 1, sizeof *m);
    if (!m)
        return mkt__oom(ctx);
    mkt__bitmap_init(&m->bits, ctx);
    if (mkt__bitmap_resize(&m->bits, (size_t)rows)) {
        mkt__free(ctx, m);
        return MKT_ENOMEM;
    }
    *out = m;
    return MKT_OK;
}

MKT_EXPORT int mkt_members_new(mkt_members **out, mkt_ctx *ctx, uint64_t rows)
{
    if (!out || !ctx)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_members_new: NULL argument") : MKT_EINVAL;
    *out = NULL;
    return mkt__members_alloc(ctx, rows, out);
}

MKT_EXPORT void mkt_members_free(mkt_members *m)
{
    if (!m)
        return;
    mkt_ctx *ctx = m->bits.ctx;
    mkt__bitmap_free(&m->bits);
    mkt__free(ctx, m);
}

MKT_EXPORT int mkt_members_copy(mkt_members **out, const mkt_members *m)
{
    if (!out || !m)
        return MKT_EINVAL;
    *out = NULL;
    struct mkt_members *c = NULL;
    int rc = mkt__members_alloc(m->bits.ctx, m->bits.nbits, &c);
    if (rc)
        return rc;
    if (m->bits.nbits)
        memcpy(c->bits.words, m->bits.words, (m->bits.nbits + 63) / 64 * sizeof(uint64_t));
    *out = c;
    return MKT_OK;
}

MKT_EXPORT uint64_t mkt_members_rows(const mkt_members *m)
{
    return m ? m->bits.nbits : 0;
}

MKT_EXPORT uint64_t mkt_members_count(const mkt_members *m)
{
    return m ? mkt__bitmap_count(&m->bits) : 0;
}

MKT_EXPORT int32_t mkt_members_contains(const mkt_members *m, uint64_t row)
{
    return m && row < m->bits.nbits ? mkt__bitmap_test(&m->bits, (size_t)row) : 0;
}

MKT_EXPORT int mkt_members_set(mkt_members *m, uint64_t row, int32_t member)
{
    if (!m)
        return MKT_EINVAL;
    if (row >= m->bits.nbits)
        return mkt__error(m->bits.ctx, MKT_ENOTFOUND, "mkt_members_set: row %llu out of range",
                          (unsigned long long)row);
    if (member)
        mkt__bitmap_set(&m->bits, (size_t)row);
    else
        mkt__bitmap_clear(&m->bits, (size_t)row);
    return MKT_OK;
}

MKT_EXPORT int mkt_members_next(const mkt_members *m, uint64_t from, uint64_t *row)
{
    if (!m || !row)
        return MKT_EINVAL;
    size_t n = m->bits.nbits;
    if (from >= n)
        return MKT_ENOTFOUND;
    size_t w = (size_t)from / 64, nw = (n + 63) / 64;
    uint64_t word = m->bits.words[w] & (~UINT64_C(0) << (from & 63));
    while (word == 0) {
        if (++w >= nw)
            return MKT_ENOTFOUND;
        word = m->bits.words[w];
    }
    *row = (uint64_t)w * 64 + (uint64_t)__builtin_ctzll(word);
    return MKT_OK;
}

static int same_rows(mkt_members *dst, const mkt_members *src, const char *fn)
{
    if (!dst || !src)
        return MKT_EINVAL;
    if (dst->bits.nbits != src->bits.nbits)
        return mkt__error(dst->bits.ctx, MKT_EINVAL,
                          "%s: the sets range over %zu and %zu rows", fn, dst->bits.nbits,
                          src->bits.nbits);
    return MKT_OK;
}

MKT_EXPORT int mkt_members_and(mkt_members *dst, const mkt_members *src)
{
    int rc = same_rows(dst, src, "mkt_members_and");
    if (rc == MKT_OK)
        mkt__bitmap_and(&dst->bits, &src->bits);
    return rc;
}

MKT_EXPORT int mkt_members_or(mkt_members *dst, const mkt_members *src)
{
    int rc = same_rows(dst, src, "mkt_members_or");
    if (rc == MKT_OK)
        mkt__bitmap_or(&dst->bits, &src->bits);
    return rc;
}

MKT_EXPORT int mkt_members_andnot(mkt_members *dst, const mkt_members *src)
{
    int rc = same_rows(dst, src, "mkt_members_andnot");
    if (rc == MKT_OK)
        mkt__bitmap_andnot(&dst->bits, &src->bits);
    return rc;
}

MKT_EXPORT int mkt_members_not(mkt_members *m)
{
    if (!m)
        return MKT_EINVAL;
    mkt__bitmap_not(&m->bits);
    return MKT_OK;
}

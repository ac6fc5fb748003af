/* SPDX-License-Identifier: MIT */
/*
 * Bitmaps over row numbers (segment membership, filters). Stored as 64-bit words; bits past
 * nbits in the last word are kept at zero at all times so that count and the set operations
 * never need to mask.
 */
#include "util.h"

#define WORDS(n) (((n) + 63) / 64)

void mkt__bitmap_init(mkt__bitmap *b, mkt_ctx *ctx)
{
    b->ctx = ctx;
    b->words = NULL;
    b->nbits = 0;
    b->cap_words = 0;
}

/* Zero the bits of the last word beyond nbits (the invariant above). */
static void trim_tail(mkt__bitmap *b)
{
    if (b->nbits & 63)
        b->words[b->nbits / 64] &= (UINT64_C(1) << (b->nbits & 63)) - 1;
}

int mkt__bitmap_resize(mkt__bitmap *b, size_t nbits)
{
    if (nbits > SIZE_MAX - 63)
        return mkt__oom(b->ctx);
    size_t nw = WORDS(nbits), old_nw = WORDS(b->nbits);
    if (nw > b->cap_words) {
        uint64_t *w = mkt__reallocarray(b->ctx, b->words, nw, sizeof *w);
        if (w == NULL)
            return mkt__oom(b->ctx);
        b->words = w;
        b->cap_words = nw;
    }
    if (nw > old_nw)
        memset(b->words + old_nw, 0, (nw - old_nw) * sizeof *b->words);
    b->nbits = nbits;
    if (nw)
        trim_tail(b);
    return MKT_OK;
}

void mkt__bitmap_fill(mkt__bitmap *b, int value)
{
    size_t nw = WORDS(b->nbits);
    if (nw == 0)
        return;
    memset(b->words, value ? 0xff : 0, nw * sizeof *b->words);
    trim_tail(b);
}

size_t mkt__bitmap_count(const mkt__bitmap *b)
{
    size_t n = 0, nw = WORDS(b->nbits);
    for (size_t i = 0; i < nw; i++)
        n += (size_t)__builtin_popcountll(b->words[i]);
    return n;
}

static size_t common_words(const mkt__bitmap *a, const mkt__bitmap *b)
{
    size_t na = WORDS(a->nbits), nb = WORDS(b->nbits);
    return na < nb ? na : nb;
}

void mkt__bitmap_and(mkt__bitmap *dst, const mkt__bitmap *src)
{
    size_t n = common_words(dst, src), nw = WORDS(dst->nbits);
    for (size_t i = 0; i < n; i++)
        dst->words[i] &= src->words[i];
    for (size_t i = n; i < nw; i++)
        dst->words[i] = 0;
}

void mkt__bitmap_or(mkt__bitmap *dst, const mkt__bitmap *src)
{
    size_t n = common_words(dst, src);
    for (size_t i = 0; i < n; i++)
        dst->words[i] |= src->words[i];
    if (n)
        trim_tail(dst);
}

void mkt__bitmap_andnot(mkt__bitmap *dst, const mkt__bitmap *src)
{
    size_t n = common_words(dst, src);
    for (size_t i = 0; i < n; i++)
        dst->words[i] &= ~src->words[i];
}

void mkt__bitmap_not(mkt__bitmap *b)
{
    size_t nw = WORDS(b->nbits);
    for (size_t i = 0; i < nw; i++)
        b->words[i] = ~b->words[i];
    if (nw)
        trim_tail(b);
}

void mkt__bitmap_free(mkt__bitmap *b)
{
    mkt__free(b->ctx, b->words);
    mkt__bitmap_init(b, b->ctx);
}

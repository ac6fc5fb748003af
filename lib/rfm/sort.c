/* SPDX-License-Identifier: MIT */
/*
 * The sorts behind NTILE. Rows are first put in customer-id order (byte order, as SQL's C
 * collation); each dimension is then ordered by its key with a stable sort, which keeps equal
 * keys in id order: exactly ORDER BY key, id. Both are LSD radix sorts of (64-bit key, index)
 * pairs held side by side, so every pass reads and writes memory sequentially, and a byte
 * position where all keys agree costs nothing. Ids are sorted 8 bytes at a time: a radix sort
 * on the next 8 bytes, then only the runs that still tie go on to the following 8 (ids like
 * "CUST00001234" tie on their first 8 bytes, so that level is one counting pass). No qsort:
 * it is not stable and its callback is slow at a million rows.
 */
#include <string.h>

#include "rfm-private.h"

/* Stable LSD radix sort of a[0..n) by key; tmp has room for n. The result is in a. Only
 * the byte positions where some keys differ are counted and passed over. */
static void radix(struct mkt__kv *a, struct mkt__kv *tmp, size_t n, size_t (*count)[256])
{
    if (n < 2)
        return;
    uint64_t diff = 0;
    for (size_t i = 1; i < n; i++)
        diff |= a[i].key ^ a[0].key;
    int pos[8], np = 0;
    for (int b = 0; b < 8; b++)
        if ((diff >> (8 * b)) & 0xff)
            pos[np++] = b;
    memset(count, 0, 8 * sizeof *count);
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < np; k++)
            count[k][(a[i].key >> (8 * pos[k])) & 0xff]++;
    struct mkt__kv *src = a, *dst = tmp;
    for (int k = 0; k < np; k++) {
        size_t *c = count[k], sum = 0;
        int shift = 8 * pos[k];
        for (int v = 0; v < 256; v++) {
            size_t m = c[v];
            c[v] = sum;
            sum += m;
        }
        for (size_t i = 0; i < n; i++)
            dst[c[(src[i].key >> shift) & 0xff]++] = src[i];
        struct mkt__kv *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

int mkt__sortbuf_init(mkt_ctx *ctx, struct mkt__sortbuf *b, size_t n)
{
    n = n ? n : 1;
    b->a = mkt__reallocarray(ctx, NULL, n, sizeof *b->a);
    b->tmp = mkt__reallocarray(ctx, NULL, n, sizeof *b->tmp);
    b->count = mkt__calloc(ctx, 8, sizeof *b->count);
    if (b->a && b->tmp && b->count)
        return MKT_OK;
    mkt__sortbuf_free(ctx, b);
    return mkt__oom(ctx);
}

void mkt__sortbuf_free(mkt_ctx *ctx, struct mkt__sortbuf *b)
{
    mkt__free(ctx, b->a);
    mkt__free(ctx, b->tmp);
    mkt__free(ctx, b->count);
    b->a = b->tmp = NULL;
    b->count = NULL;
}

void mkt__sort_kv(struct mkt__sortbuf *b, size_t n)
{
    radix(b->a, b->tmp, n, b->count);
}

/* Bytes [off, off + 8) of an id, big-endian, zero-padded past its end. */
static uint64_t chunk(const struct mkt__idref *r, size_t off)
{
    uint64_t v = 0;
    for (size_t i = off; i < off + 8; i++)
        v = v << 8 | (i < r->n ? (unsigned char)r->p[i] : 0u);
    return v;
}

/* 1 when id a sorts strictly before id b, both equal before byte @off. */
static int before(const struct mkt__idref *a, const struct mkt__idref *b, size_t off)
{
    size_t m = a->n < b->n ? a->n : b->n;
    if (m > off) {
        int c = memcmp(a->p + off, b->p + off, m - off);
        if (c)
            return c < 0;
    }
    return a->n < b->n;
}

struct idsort {
    const struct mkt__idref *ids;
    struct mkt__kv *a, *tmp;
    size_t (*count)[256];
};

static void insertion(const struct idsort *s, struct mkt__kv *a, size_t n, size_t off)
{
    for (size_t i = 1; i < n; i++) {
        struct mkt__kv x = a[i];
        size_t j = i;
        while (j > 0 && before(&s->ids[x.idx], &s->ids[a[j - 1].idx], off)) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
    }
}

/* Sort a[lo, hi), whose ids agree on their first @off bytes. */
static void sort_level(const struct idsort *s, size_t lo, size_t hi, size_t off)
{
    struct mkt__kv *a = s->a + lo;
    size_t n = hi - lo;
    if (n < 32) {
        insertion(s, a, n, off);
        return;
    }
    for (size_t i = 0; i < n; i++)
        a[i].key = chunk(&s->ids[a[i].idx], off);
    radix(a, s->tmp, n, s->count);
    /* Runs of equal chunks: ids that end within it come first, shorter first (a zero-padded
     * chunk equal to a longer id's makes the shorter one its prefix); the longer ones are
     * sorted on the next 8 bytes. */
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && a[j].key == a[i].key)
            j++;
        if (j - i > 1) {
            size_t ended = 0;
            for (size_t k = i; k < j; k++) /* stable partition: ended ones first */
                if (s->ids[a[k].idx].n <= off + 8)
                    s->tmp[ended++] = a[k];
            size_t rest = ended;
            for (size_t k = i; k < j; k++)
                if (s->ids[a[k].idx].n > off + 8)
                    s->tmp[rest++] = a[k];
            memcpy(a + i, s->tmp, (j - i) * sizeof *a);
            insertion(s, a + i, ended, off); /* same chunk: orders them by length */
            if (j - i - ended > 1)
                sort_level(s, lo + i + ended, lo + j, off + 8);
        }
        i = j;
    }
}

void mkt__sort_ids(struct mkt__sortbuf *b, const struct mkt__idref *ids, uint32_t *idx,
                   size_t n)
{
    if (n < 2)
        return;
    size_t i = 1;
    while (i < n && before(&ids[idx[i - 1]], &ids[idx[i]], 0))
        i++;
    if (i == n)
        return; /* already in order, as a numbered stream leaves them: one cheap pass */
    struct idsort s = {ids, b->a, b->tmp, b->count};
    for (i = 0; i < n; i++)
        s.a[i].idx = idx[i];
    sort_level(&s, 0, n, 0);
    for (i = 0; i < n; i++)
        idx[i] = s.a[i].idx;
}

int mkt__sort_by_id(mkt_ctx *ctx, const struct mkt__idref *ids, uint32_t *idx, size_t n)
{
    struct mkt__sortbuf b;
    int rc = mkt__sortbuf_init(ctx, &b, n);
    if (rc == MKT_OK)
        mkt__sort_ids(&b, ids, idx, n);
    mkt__sortbuf_free(ctx, &b);
    return rc;
}

int32_t mkt__ntile(uint64_t pos, uint64_t n, int32_t k)
{
    /* SQL: n rows into k buckets of n / k rows, the first n % k buckets one row larger. */
    uint64_t q = n / (uint64_t)k, r = n % (uint64_t)k;
    uint64_t big = r * (q + 1); /* rows in the larger buckets */
    if (pos < big)
        return (int32_t)(pos / (q + 1) + 1);
    return (int32_t)(r + (pos - big) / q + 1);
}

void mkt__percent_ranks(const struct mkt__kv *sorted, size_t n, const uint32_t *to, double *pct)
{
    size_t less = 0;
    for (size_t p = 0; p < n; p++) {
        if (p && sorted[p].key != sorted[p - 1].key)
            less = p;
        uint32_t i = to ? to[sorted[p].idx] : sorted[p].idx;
        pct[i] = n > 1 ? 100.0 * (double)less / (double)(n - 1) : 0.0;
    }
}

/* SPDX-License-Identifier: MIT */
/*
 * Batch evaluation: a compiled segment over every row of the columnar table, producing a
 * bitmap. Rows are processed in chunks of CHUNK_WORDS * 64 so that the intermediate bitmaps of
 * the and/or/not tree stay in L1; within a chunk each leaf runs a tight loop over one typed
 * column array, 64 rows per output word, masked with the column's validity word (which makes
 * every comparison on a null false). and/or/not combine whole words. A leaf skips the words
 * its parent has already decided (0 under an `and`, all ones under an `or`), and a group
 * stops early when its chunk is decided. String predicates run once per distinct string of
 * the column's dictionary into a lookup table indexed by the string id; list leaves use the
 * same table and OR it over each row's items.
 */
#include <string.h>

#include "eval-private.h"

#define CHUNK_WORDS 64

struct batch {
    const struct mkt_segment *seg;
    mkt_ctx *ctx;
    const mkt_table *t;
    size_t nrows, nwords;
    uint64_t tail; /* mask of the valid bits of the last word */
    struct mkt__rx rx;
    uint8_t **luts;    /* per string leaf: 1/0 per dictionary id, LUT_UNKNOWN until needed */
    uint32_t *lut_len;
    int *status;       /* the first regex failure of a lazily filled lookup table */
    uint64_t *scratch; /* depth * CHUNK_WORDS words */
};

/* Where the parent already knows the answer of a word: skip computing it. */
struct care {
    const uint64_t *w; /* parent accumulator, chunk-relative; NULL: compute everything */
    int is_or;
};

static inline int skip(const struct care *cr, size_t i)
{
    return cr->w && (cr->is_or ? cr->w[i] == ~UINT64_C(0) : cr->w[i] == 0);
}

static inline uint64_t valid_word(const struct batch *b, const struct mkt__col *c, size_t w)
{
    if (!c->valid.words) /* customer_id: always present */
        return w + 1 == b->nwords ? b->tail : ~UINT64_C(0);
    return c->valid.words[w];
}

/* Rows of word @w that exist (64 except in the last word). */
static inline size_t word_rows(const struct batch *b, size_t w)
{
    return w + 1 < b->nwords || (b->nrows & 63) == 0 ? 64 : (b->nrows & 63);
}

/* Range kernels: lo <= v <= hi as one unsigned comparison per value. */
#define RANGE_KERNEL(NAME, T)                                                                 \
    static void NAME(const struct batch *b, const struct mkt__node *lf,                        \
                     const struct mkt__col *c, size_t w0, size_t w1, const struct care *cr,   \
                     uint64_t *out)                                                           \
    {                                                                                         \
        const T *v = (const T *)c->v.any;                                                     \
        const uint64_t lo = (uint64_t)lf->lo, span = (uint64_t)lf->hi - (uint64_t)lf->lo;     \
        for (size_t w = w0; w < w1; w++) {                                                    \
            uint64_t vw = valid_word(b, c, w), m = 0;                                         \
            if (vw == 0 || skip(cr, w - w0)) {                                                \
                out[w - w0] = 0;                                                              \
                continue;                                                                     \
            }                                                                                 \
            const T *p = v + w * 64;                                                          \
            size_t n = word_rows(b, w);                                                       \
            if (n == 64) {                                                                    \
                for (unsigned j = 0; j < 64; j++)                                             \
                    m |= (uint64_t)((uint64_t)(int64_t)p[j] - lo <= span) << j;               \
            } else {                                                                          \
                for (unsigned j = 0; j < n; j++)                                              \
                    m |= (uint64_t)((uint64_t)(int64_t)p[j] - lo <= span) << j;               \
            }                                                                                 \
            out[w - w0] = m & vw;                                                             \
        }                                                                                     \
    }

RANGE_KERNEL(range_i64, int64_t)
RANGE_KERNEL(range_i32, int32_t)
RANGE_KERNEL(range_u8, uint8_t)

/* Set kernels: small sorted sets, tested by a linear or binary search per value. */
#define SET_KERNEL(NAME, T)                                                                   \
    static void NAME(const struct batch *b, const struct mkt__node *lf,                        \
                     const struct mkt__col *c, size_t w0, size_t w1, const struct care *cr,   \
                     uint64_t *out)                                                           \
    {                                                                                         \
        const T *v = (const T *)c->v.any;                                                     \
        for (size_t w = w0; w < w1; w++) {                                                    \
            uint64_t vw = valid_word(b, c, w), m = 0;                                         \
            if (vw == 0 || skip(cr, w - w0)) {                                                \
                out[w - w0] = 0;                                                              \
                continue;                                                                     \
            }                                                                                 \
            size_t n = word_rows(b, w);                                                       \
            for (unsigned j = 0; j < n; j++) {                                                \
                if (!((vw >> j) & 1))                                                         \
                    continue;                                                                 \
                int64_t x = (int64_t)v[w * 64 + j];                                           \
                size_t lo = 0, hi = lf->nset;                                                 \
                while (lo < hi) {                                                             \
                    size_t mid = lo + (hi - lo) / 2;                                          \
                    if (lf->iset[mid] < x)                                                    \
                        lo = mid + 1;                                                         \
                    else                                                                      \
                        hi = mid;                                                             \
                }                                                                             \
                m |= (uint64_t)(lo < lf->nset && lf->iset[lo] == x) << j;                     \
            }                                                                                 \
            out[w - w0] = m;                                                                  \
        }                                                                                     \
    }

SET_KERNEL(set_i64, int64_t)
SET_KERNEL(set_i32, int32_t)
SET_KERNEL(set_u8, uint8_t)

static void range_f64(const struct batch *b, const struct mkt__node *lf,
                      const struct mkt__col *c, size_t w0, size_t w1, const struct care *cr,
                      uint64_t *out)
{
    const double lo = lf->dlo, hi = lf->dhi;
    for (size_t w = w0; w < w1; w++) {
        uint64_t vw = valid_word(b, c, w), m = 0;
        if (vw == 0 || skip(cr, w - w0)) {
            out[w - w0] = 0;
            continue;
        }
        const double *p = c->v.f64 + w * 64;
        size_t n = word_rows(b, w);
        if (n == 64) {
            for (unsigned j = 0; j < 64; j++)
                m |= (uint64_t)((p[j] >= lo) & (p[j] <= hi)) << j;
        } else {
            for (unsigned j = 0; j < n; j++)
                m |= (uint64_t)((p[j] >= lo) & (p[j] <= hi)) << j;
        }
        out[w - w0] = m & vw;
    }
}

static void set_f64(const struct batch *b, const struct mkt__node *lf, const struct mkt__col *c,
                    size_t w0, size_t w1, const struct care *cr, uint64_t *out)
{
    for (size_t w = w0; w < w1; w++) {
        uint64_t vw = valid_word(b, c, w), m = 0;
        if (vw == 0 || skip(cr, w - w0)) {
            out[w - w0] = 0;
            continue;
        }
        size_t n = word_rows(b, w);
        for (unsigned j = 0; j < n; j++) {
            if (!((vw >> j) & 1))
                continue;
            double x = c->v.f64[w * 64 + j];
            for (size_t k = 0; k < lf->nset; k++)
                m |= (uint64_t)(x == lf->dset[k]) << j;
        }
        out[w - w0] = m;
    }
}

#define LUT_UNKNOWN 2

/* The strings of string column @c by entry: its dictionary's, or for customer_id (no
 * dictionary; entry = row) the table's ids. */
static const char *entry_str(const mkt_table *t, const struct mkt__col *c, uint32_t id,
                             size_t *n)
{
    return c->dict ? mkt__intern_str(c->dict, id, n) : mkt__table_id(t, id, n);
}

static size_t entry_count(const mkt_table *t, const struct mkt__col *c)
{
    return c->dict ? mkt__intern_count(c->dict) : mkt__table_rows(t);
}

static int entry_find(const mkt_table *t, const struct mkt__col *c, const char *s, size_t n,
                      uint32_t *id)
{
    return c->dict ? mkt__intern_find(c->dict, s, n, id) : mkt__idindex_find(t, s, n, id);
}

/* Evaluate a string predicate on dictionary entry @id the first time a row holds it: only
 * values present are tested (a dictionary keeps strings no row uses any more). */
static uint8_t lut_fill(const struct batch *b, const struct mkt__node *lf, uint32_t id)
{
    const struct mkt__col *c = b->t->cols.data[lf->col];
    size_t n;
    const char *s = entry_str(b->t, c, id, &n);
    int r = mkt__str_test(lf, s, n, &b->rx);
    if (r < 0) {
        if (*b->status == MKT_OK)
            *b->status = mkt__regex_fail(b->ctx, r, lf);
        r = 0;
    }
    b->luts[lf->lut][id] = (uint8_t)r;
    return (uint8_t)r;
}

/* String leaves: lut[id] over the dictionary (customer_id: the row is its id). */
static void str_lut(const struct batch *b, const struct mkt__node *lf, const struct mkt__col *c,
                    size_t w0, size_t w1, const struct care *cr, uint64_t *out)
{
    const uint8_t *lut = b->luts[lf->lut];
    const uint32_t len = b->lut_len[lf->lut];
    const int exact = lf->sop == MKT__S_EQ && !lf->strs[0].re; /* no lazy entries */
    for (size_t w = w0; w < w1; w++) {
        uint64_t vw = valid_word(b, c, w), m = 0;
        if (vw == 0 || skip(cr, w - w0)) {
            out[w - w0] = 0;
            continue;
        }
        size_t n = word_rows(b, w);
        if (exact && c->v.u32 && vw == ~UINT64_C(0)) { /* the common case, branch-free */
            const uint32_t *p = c->v.u32 + w * 64;
            for (unsigned j = 0; j < 64; j++)
                m |= (uint64_t)lut[p[j] < len ? p[j] : len] << j;
            out[w - w0] = m;
            continue;
        }
        for (unsigned j = 0; j < n; j++) {
            /* a null row's id is never read: its value may be anything */
            uint32_t id = !c->v.u32 ? (uint32_t)(w * 64 + j) : ((vw >> j) & 1) ? c->v.u32[w * 64 + j] : len;
            id = id < len ? id : len;
            uint64_t x = lut[id];
            if (MKT_UNLIKELY(x == LUT_UNKNOWN))
                x = lut_fill(b, lf, id);
            m |= x << j;
        }
        out[w - w0] = m & vw;
    }
}

/* 1 when no item of the word's rows can satisfy the leaf: the item runs of its valid rows lie
 * in [lo, hi) (back to back in row order for the derived lists), so one branch-free scan of that
 * range settles most words of a selective predicate without walking the rows. A lazily filled
 * table entry (LUT_UNKNOWN) counts as "maybe". */
static int list_word_empty(const struct mkt__span *sp, size_t n, uint64_t vw,
                           const uint32_t *items, const uint8_t *lut, uint32_t len)
{
    uint32_t lo = UINT32_MAX, hi = 0;
    for (unsigned j = 0; j < n; j++) {
        uint32_t valid = (uint32_t)(vw >> j) & 1, o = sp[j].off, e = sp[j].off + sp[j].len;
        lo = valid && o < lo ? o : lo;
        hi = valid && e > hi ? e : hi;
    }
    if (lo >= hi)
        return 1; /* only empty lists */
    if (hi - lo > 64 * 64)
        return 0; /* scattered runs: not worth it */
    unsigned any = 0;
    for (uint32_t i = lo; i < hi; i++)
        any |= lut[items[i] < len ? items[i] : len];
    return any == 0;
}

/* List leaves: a row holds when the lookup table says yes for any of its items (null rows and
 * empty lists: no). Each distinct string was (or is lazily) tested once, so a row costs a few
 * byte loads. */
static void list_lut(const struct batch *b, const struct mkt__node *lf,
                     const struct mkt__col *c, size_t w0, size_t w1, const struct care *cr,
                     uint64_t *out)
{
    const uint8_t *lut = b->luts[lf->lut];
    const uint32_t len = b->lut_len[lf->lut];
    const uint32_t *items = c->items;
    for (size_t w = w0; w < w1; w++) {
        uint64_t vw = valid_word(b, c, w), m = 0;
        const struct mkt__span *sp = c->v.span + w * 64;
        size_t n = word_rows(b, w);
        if (vw == 0 || !items || skip(cr, w - w0) ||
            list_word_empty(sp, n, vw, items, lut, len)) {
            out[w - w0] = 0;
            continue;
        }
        for (unsigned j = 0; j < n; j++) {
            if (!((vw >> j) & 1))
                continue;
            const uint32_t *it = items + sp[j].off;
            uint64_t x = 0;
            for (uint32_t k = 0; k < sp[j].len && !x; k++) {
                uint32_t id = it[k] < len ? it[k] : len;
                x = lut[id];
                if (MKT_UNLIKELY(x == LUT_UNKNOWN))
                    x = lut_fill(b, lf, id);
            }
            m |= x << j;
        }
        out[w - w0] = m;
    }
}

static void anniv(const struct batch *b, const struct mkt__node *lf, const struct mkt__col *c,
                  size_t w0, size_t w1, const struct care *cr, uint64_t *out)
{
    for (size_t w = w0; w < w1; w++) {
        uint64_t vw = valid_word(b, c, w), m = 0;
        if (vw == 0 || skip(cr, w - w0)) {
            out[w - w0] = 0;
            continue;
        }
        size_t n = word_rows(b, w);
        for (unsigned j = 0; j < n; j++) {
            if (!((vw >> j) & 1))
                continue;
            unsigned k = mkt__anniv_key(c->v.i32[w * 64 + j]);
            m |= ((lf->anniv[k / 64] >> (k % 64)) & 1) << j;
        }
        out[w - w0] = m;
    }
}

static void constant(const struct batch *b, size_t w0, size_t w1, uint64_t word, uint64_t *out)
{
    for (size_t w = w0; w < w1; w++)
        out[w - w0] = w + 1 == b->nwords ? word & b->tail : word;
}

static void eval_leaf(const struct batch *b, const struct mkt__node *lf, size_t w0, size_t w1,
                      const struct care *cr, uint64_t *out)
{
    const struct mkt__col *c = b->t->cols.data[lf->col];
    int t = lf->type;
    switch (lf->leaf) {
    case MKT__L_TRUE: constant(b, w0, w1, ~UINT64_C(0), out); return;
    case MKT__L_FALSE: constant(b, w0, w1, 0, out); return;
    case MKT__L_NULL:
        for (size_t w = w0; w < w1; w++)
            out[w - w0] = ~valid_word(b, c, w) & (w + 1 == b->nwords ? b->tail : ~UINT64_C(0));
        return;
    case MKT__L_I64_RANGE:
        if (t == MKT_TYPE_DATE)
            range_i32(b, lf, c, w0, w1, cr, out);
        else if (t == MKT_TYPE_BOOL)
            range_u8(b, lf, c, w0, w1, cr, out);
        else
            range_i64(b, lf, c, w0, w1, cr, out);
        return;
    case MKT__L_I64_SET:
        if (t == MKT_TYPE_DATE)
            set_i32(b, lf, c, w0, w1, cr, out);
        else if (t == MKT_TYPE_BOOL)
            set_u8(b, lf, c, w0, w1, cr, out);
        else
            set_i64(b, lf, c, w0, w1, cr, out);
        return;
    case MKT__L_F64_RANGE: range_f64(b, lf, c, w0, w1, cr, out); return;
    case MKT__L_F64_SET: set_f64(b, lf, c, w0, w1, cr, out); return;
    case MKT__L_STR: str_lut(b, lf, c, w0, w1, cr, out); return;
    case MKT__L_LIST: list_lut(b, lf, c, w0, w1, cr, out); return;
    default: anniv(b, lf, c, w0, w1, cr, out); return;
    }
}

/* 1 when every word of the chunk already has the value that decides the group. */
static int chunk_decided(const struct batch *b, const uint64_t *out, size_t w0, size_t w1,
                         int is_or)
{
    for (size_t w = w0; w < w1; w++) {
        uint64_t full = w + 1 == b->nwords ? b->tail : ~UINT64_C(0);
        if (out[w - w0] != (is_or ? full : 0))
            return 0;
    }
    return 1;
}

static void eval_node(const struct batch *b, const struct mkt__node *n, unsigned level,
                      size_t w0, size_t w1, const struct care *cr, uint64_t *out)
{
    size_t nw = w1 - w0;
    if (n->kind == MKT__N_LEAF) {
        eval_leaf(b, n, w0, w1, cr, out);
        return;
    }
    eval_node(b, n->kids[0], level + 1, w0, w1, cr, out);
    if (n->kind == MKT__N_NOT) {
        for (size_t i = 0; i < nw; i++)
            out[i] = ~out[i];
        if (w1 == b->nwords)
            out[nw - 1] &= b->tail;
        return;
    }
    int is_or = n->kind == MKT__N_OR;
    uint64_t *tmp = b->scratch + (size_t)level * CHUNK_WORDS;
    struct care mine = {out, is_or};
    for (uint32_t k = 1; k < n->nkids; k++) {
        if (chunk_decided(b, out, w0, w1, is_or))
            return;
        eval_node(b, n->kids[k], level + 1, w0, w1, &mine, tmp);
        if (is_or)
            for (size_t i = 0; i < nw; i++)
                out[i] |= tmp[i];
        else
            for (size_t i = 0; i < nw; i++)
                out[i] &= tmp[i];
    }
}

/* Walk the tree and fill the lookup table of every string leaf. */
static int build_luts(struct batch *b, const struct mkt__node *n)
{
    for (uint32_t i = 0; i < n->nkids; i++) {
        int rc = build_luts(b, n->kids[i]);
        if (rc)
            return rc;
    }
    if (n->kind != MKT__N_LEAF || (n->leaf != MKT__L_STR && n->leaf != MKT__L_LIST))
        return MKT_OK;
    const struct mkt__col *c = b->t->cols.data[n->col];
    /* A list without a dictionary (never made by the library) has no item that can match. */
    uint32_t len = n->leaf == MKT__L_LIST && !c->dict ? 0 : (uint32_t)entry_count(b->t, c);
    uint8_t *lut = mkt__calloc(b->ctx, (size_t)len + 1, 1);
    if (!lut)
        return mkt__oom(b->ctx);
    b->luts[n->lut] = lut;
    b->lut_len[n->lut] = len;
    if (n->sop == MKT__S_EQ && !n->strs[0].re) { /* exact: look the literals up */
        for (size_t i = 0; i < n->nstrs; i++) {
            uint32_t id;
            if (entry_find(b->t, c, n->strs[i].s, n->strs[i].n, &id) && id < len)
                lut[id] = 1;
        }
        return MKT_OK;
    }
    memset(lut, LUT_UNKNOWN, len); /* lut[len] stays 0: where nulls and strays point */
    return MKT_OK;
}

static void batch_free(struct batch *b, pcre2_general_context *gctx)
{
    for (uint32_t i = 0; b->luts && i < b->seg->nluts; i++)
        mkt__free(b->ctx, b->luts[i]);
    mkt__free(b->ctx, b->luts);
    mkt__free(b->ctx, b->lut_len);
    mkt__free(b->ctx, b->scratch);
    mkt__rx_free(&b->rx, gctx);
}

static int run(struct batch *b, uint64_t *words)
{
    int rc = build_luts(b, b->seg->root), status = MKT_OK;
    b->status = &status;
    for (size_t w0 = 0; rc == MKT_OK && status == MKT_OK && w0 < b->nwords;
         w0 += CHUNK_WORDS) {
        size_t w1 = w0 + CHUNK_WORDS < b->nwords ? w0 + CHUNK_WORDS : b->nwords;
        struct care none = {NULL, 0};
        eval_node(b, b->seg->root, 0, w0, w1, &none, words + w0);
    }
    return rc ? rc : status;
}

MKT_EXPORT int mkt_segment_evaluate(const mkt_segment *seg, mkt_ctx *ctx, const mkt_table *t,
                                    mkt_members **out)
{
    if (!seg || !ctx || !t || !out)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_segment_evaluate: NULL argument")
                   : MKT_EINVAL;
    *out = NULL;
    int rc = mkt__segment_check_table(seg, ctx, t);
    if (rc)
        return rc;
    struct batch b;
    memset(&b, 0, sizeof b);
    b.seg = seg;
    b.ctx = ctx;
    b.t = t;
    b.nrows = mkt__table_rows(t);
    b.nwords = (b.nrows + 63) / 64;
    b.tail = (b.nrows & 63) ? (UINT64_C(1) << (b.nrows & 63)) - 1 : ~UINT64_C(0);
    struct mkt_members *m = NULL;
    pcre2_general_context *gctx = NULL;
    if ((rc = mkt__members_alloc(ctx, b.nrows, &m)) ||
        (rc = mkt__rx_init(seg, ctx, &b.rx, &gctx)))
        goto done;
    if (!(b.scratch = mkt__calloc(ctx, (size_t)seg->depth + 1, CHUNK_WORDS * sizeof(uint64_t))) ||
        (seg->nluts && (!(b.luts = mkt__calloc(ctx, seg->nluts, sizeof *b.luts)) ||
                        !(b.lut_len = mkt__calloc(ctx, seg->nluts, sizeof *b.lut_len))))) {
        rc = mkt__oom(ctx);
        goto done;
    }
    if (b.nrows)
        rc = run(&b, m->bits.words);
done:
    batch_free(&b, gctx);
    if (rc) {
        mkt_members_free(m);
        return rc;
    }
    *out = m;
    return MKT_OK;
}

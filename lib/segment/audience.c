/* SPDX-License-Identifier: MIT */
/*
 * Audiences and samples. An audience is the include sets joined with and/or, minus the union
 * of the exclude sets: whole-word bitmap operations, linear in rows. A sample ranks members by
 * the stable hash of (seed, customer id) and keeps the n lowest in a bounded max-heap, so it
 * is deterministic across platforms and runs, independent of row order, and nested in n.
 */
#include <string.h>

#include "data/table-private.h"
#include "libmarketing/audience.h"
#include "segment-private.h"

static int check_sets(mkt_ctx *ctx, const mkt_members *const *sets, size_t n, uint64_t rows,
                      const char *what)
{
    if (n && !sets)
        return mkt__error(ctx, MKT_EINVAL, "mkt_audience_combine: NULL %s list", what);
    for (size_t i = 0; i < n; i++) {
        if (!sets[i])
            return mkt__error(ctx, MKT_EINVAL, "mkt_audience_combine: %s set %zu is NULL", what,
                              i);
        if (mkt_members_rows(sets[i]) != rows)
            return mkt__error(ctx, MKT_EINVAL,
                              "mkt_audience_combine: %s set %zu ranges over %llu rows, not "
                              "%llu",
                              what, i, (unsigned long long)mkt_members_rows(sets[i]),
                              (unsigned long long)rows);
    }
    return MKT_OK;
}

MKT_EXPORT int mkt_audience_combine(mkt_members **out, mkt_ctx *ctx,
                                    const mkt_members *const *include, size_t ninclude,
                                    int32_t logic, const mkt_members *const *exclude,
                                    size_t nexclude)
{
    if (!out || !ctx)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_audience_combine: NULL argument")
                   : MKT_EINVAL;
    *out = NULL;
    if (!include || !ninclude || !include[0])
        return mkt__error(ctx, MKT_EINVAL, "mkt_audience_combine: an audience needs at least "
                                           "one include set");
    if (logic != MKT_AUDIENCE_AND && logic != MKT_AUDIENCE_OR)
        return mkt__error(ctx, MKT_EINVAL, "mkt_audience_combine: logic %d is neither "
                                           "MKT_AUDIENCE_AND nor MKT_AUDIENCE_OR", (int)logic);
    uint64_t rows = mkt_members_rows(include[0]);
    int rc = check_sets(ctx, include, ninclude, rows, "include");
    if (rc == MKT_OK)
        rc = check_sets(ctx, exclude, nexclude, rows, "exclude");
    struct mkt_members *m = NULL;
    if (rc || (rc = mkt__members_alloc(ctx, rows, &m)))
        return rc;
    mkt__bitmap_or(&m->bits, &include[0]->bits);
    for (size_t i = 1; i < ninclude; i++) {
        if (logic == MKT_AUDIENCE_AND)
            mkt__bitmap_and(&m->bits, &include[i]->bits);
        else
            mkt__bitmap_or(&m->bits, &include[i]->bits);
    }
    for (size_t i = 0; i < nexclude; i++)
        mkt__bitmap_andnot(&m->bits, &exclude[i]->bits);
    *out = m;
    return MKT_OK;
}

static void free_sets(mkt_members **sets, size_t n)
{
    for (size_t i = 0; sets && i < n; i++)
        mkt_members_free(sets[i]);
}

/* Evaluate @n segments into sets[0..n). */
static int evaluate_all(mkt_ctx *ctx, const mkt_table *t, const mkt_segment *const *segs,
                        size_t n, mkt_members **sets, const char *what)
{
    if (n && !segs)
        return mkt__error(ctx, MKT_EINVAL, "mkt_audience_evaluate: NULL %s list", what);
    for (size_t i = 0; i < n; i++) {
        if (!segs[i])
            return mkt__error(ctx, MKT_EINVAL, "mkt_audience_evaluate: %s segment %zu is NULL",
                              what, i);
        int rc = mkt_segment_evaluate(segs[i], ctx, t, &sets[i]);
        if (rc)
            return rc;
    }
    return MKT_OK;
}

MKT_EXPORT int mkt_audience_evaluate(mkt_members **out, mkt_ctx *ctx, const mkt_table *t,
                                     const mkt_segment *const *include, size_t ninclude,
                                     int32_t logic, const mkt_segment *const *exclude,
                                     size_t nexclude)
{
    if (!out || !ctx || !t)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_audience_evaluate: NULL argument")
                   : MKT_EINVAL;
    *out = NULL;
    if (!ninclude)
        return mkt__error(ctx, MKT_EINVAL, "mkt_audience_evaluate: an audience needs at least "
                                           "one include segment");
    if (nexclude > SIZE_MAX / sizeof(mkt_members *) - ninclude)
        return mkt__error(ctx, MKT_EINVAL, "mkt_audience_evaluate: too many segments");
    mkt_members **sets = mkt__calloc(ctx, ninclude + nexclude, sizeof *sets);
    if (!sets)
        return mkt__oom(ctx);
    int rc = evaluate_all(ctx, t, include, ninclude, sets, "include");
    if (rc == MKT_OK)
        rc = evaluate_all(ctx, t, exclude, nexclude, sets + ninclude, "exclude");
    if (rc == MKT_OK)
        rc = mkt_audience_combine(out, ctx, (const mkt_members *const *)sets, ninclude, logic,
                                  (const mkt_members *const *)sets + ninclude, nexclude);
    free_sets(sets, ninclude + nexclude);
    mkt__free(ctx, sets);
    return rc;
}

/* ---- samples --------------------------------------------------------------------------- */

struct ranked {
    uint64_t key;
    uint64_t row;
};

struct sampler {
    const mkt_table *t;
    struct ranked *heap; /* max-heap on (key, id bytes): the root is the worst kept member */
    size_t len, cap;
};

/* 1 when @a ranks after @b. Equal keys (rare) fall back to the ids, which are unique. */
static int after(const struct sampler *s, const struct ranked *a, const struct ranked *b)
{
    if (a->key != b->key)
        return a->key > b->key;
    size_t na, nb;
    const char *x = mkt__table_id(s->t, a->row, &na);
    const char *y = mkt__table_id(s->t, b->row, &nb);
    int c = memcmp(x, y, na < nb ? na : nb);
    return c ? c > 0 : na > nb;
}

static void sift_up(struct sampler *s, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!after(s, &s->heap[i], &s->heap[p]))
            return;
        struct ranked tmp = s->heap[i];
        s->heap[i] = s->heap[p];
        s->heap[p] = tmp;
        i = p;
    }
}

static void sift_down(struct sampler *s, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, big = i;
        if (l < s->len && after(s, &s->heap[l], &s->heap[big]))
            big = l;
        if (r < s->len && after(s, &s->heap[r], &s->heap[big]))
            big = r;
        if (big == i)
            return;
        struct ranked tmp = s->heap[i];
        s->heap[i] = s->heap[big];
        s->heap[big] = tmp;
        i = big;
    }
}

/* Offer one member: kept while the heap has room, else it replaces the worst if better. */
static void offer(struct sampler *s, struct ranked x)
{
    if (s->len < s->cap) {
        s->heap[s->len++] = x;
        sift_up(s, s->len - 1);
    } else if (after(s, &s->heap[0], &x)) {
        s->heap[0] = x;
        sift_down(s, 0);
    }
}

MKT_EXPORT int mkt_members_sample(mkt_members **out, mkt_ctx *ctx, const mkt_members *m,
                                  const mkt_table *t, uint64_t n, uint64_t seed)
{
    if (!out || !ctx || !m || !t)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_members_sample: NULL argument")
                   : MKT_EINVAL;
    *out = NULL;
    uint64_t rows = mkt_members_rows(m), count = mkt_members_count(m);
    if (rows > mkt__table_rows(t))
        return mkt__error(ctx, MKT_EINVAL, "mkt_members_sample: the set ranges over %llu rows "
                                           "but the table has %llu",
                          (unsigned long long)rows, (unsigned long long)mkt__table_rows(t));
    if (n >= count) {
        int rc = mkt__members_alloc(ctx, rows, out);
        if (rc == MKT_OK)
            mkt__bitmap_or(&(*out)->bits, &m->bits);
        return rc;
    }
    struct sampler s = {t, NULL, 0, (size_t)n};
    struct mkt_members *res = NULL;
    int rc = mkt__members_alloc(ctx, rows, &res);
    if (rc)
        return rc;
    if (n && !(s.heap = mkt__reallocarray(ctx, NULL, (size_t)n, sizeof *s.heap))) {
        mkt_members_free(res);
        return mkt__oom(ctx);
    }
    for (uint64_t r = 0; n && mkt_members_next(m, r, &r) == MKT_OK; r++) {
        size_t len;
        const char *id = mkt__table_id(t, r, &len);
        offer(&s, (struct ranked){mkt__hash64(id, len, seed), r});
    }
    for (size_t i = 0; i < s.len; i++)
        mkt__bitmap_set(&res->bits, (size_t)s.heap[i].row);
    mkt__free(ctx, s.heap);
    *out = res;
    return MKT_OK;
}

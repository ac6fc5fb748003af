/* SPDX-License-Identifier: MIT */
/*
 * LIST columns: building booking.routes_12m for every customer and the public readers.
 * A list column keeps, per row, a span into one array of string ids (back to back, row after
 * row). The builder counts each customer's 12m routes in the main booking pass, scatters the
 * route ids into place in a second pass, then sorts and de-duplicates each customer's run by
 * the byte order of the routes (ranked once, since there are few distinct routes), compacting
 * the array in place. No hashing and no allocation per booking or customer.
 */
#include <stdlib.h>
#include <string.h>

#include "derive-private.h"

struct route {
    const char *s;
    size_t n;
    uint32_t id;
};

static int route_cmp(const void *a, const void *b)
{
    const struct route *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->s, y->s, n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void sort_u32(uint32_t *v, size_t n)
{
    if (n > 16) {
        qsort(v, n, sizeof *v, u32_cmp);
        return;
    }
    for (size_t i = 1; i < n; i++) { /* typical runs are a handful of routes */
        uint32_t x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* Scatter the 12m route ids of every customer into its run; @end[r] starts at the run's
 * start and ends at its end. Collects the distinct route ids (rank[] marks them). */
static size_t scatter(const mkt_table *t, const struct mkt__window *w, uint32_t *end,
                      uint32_t *items, uint32_t *rank, uint32_t *distinct)
{
    const struct mkt__bookings *b = &t->bk;
    size_t nd = 0;
    for (size_t i = 0; i < b->len; i++) {
        /* The same selection as mkt__bk_acc_add() for a 12m booking with a route. */
        if (b->status[i] != MKT_BOOKING_CONFIRMED || b->time[i] >= w->end ||
            b->time[i] < w->start12 || b->route[i] == MKT__NO_STR)
            continue;
        uint32_t id = b->route[i];
        items[end[b->cust[i]]++] = id;
        if (rank[id] == UINT32_MAX) {
            rank[id] = 0;
            distinct[nd++] = id;
        }
    }
    return nd;
}

/* Rank the distinct routes by byte order: rank[id] = k, and distinct[k] = id. */
static int rank_routes(mkt_table *t, uint32_t *rank, uint32_t *distinct, size_t nd)
{
    struct route *r = mkt__reallocarray(t->ctx, NULL, nd ? nd : 1, sizeof *r);
    if (!r)
        return mkt__oom(t->ctx);
    for (size_t k = 0; k < nd; k++) {
        r[k].id = distinct[k];
        r[k].s = mkt__intern_str(&t->strings, distinct[k], &r[k].n);
    }
    qsort(r, nd, sizeof *r, route_cmp);
    for (size_t k = 0; k < nd; k++) {
        distinct[k] = r[k].id;
        rank[r[k].id] = (uint32_t)k;
    }
    mkt__free(t->ctx, r);
    return MKT_OK;
}

/* Sort and de-duplicate each run, compact the array and write the spans. Cannot fail. */
static void compact(mkt_table *t, struct mkt__col *c, const uint32_t *end, uint32_t *items,
                    const uint32_t *rank, const uint32_t *distinct)
{
    size_t rows = mkt__table_rows(t);
    uint32_t from = 0, out = 0;
    for (size_t r = 0; r < rows; r++) {
        uint32_t n = end[r] - from, start = out;
        for (uint32_t k = 0; k < n; k++)
            items[from + k] = rank[items[from + k]];
        sort_u32(items + from, n);
        /* out <= from + k: the write may land on the slot just read, so keep the rank. */
        uint32_t prev = UINT32_MAX;
        for (uint32_t k = 0; k < n; k++) {
            uint32_t rk = items[from + k];
            if (rk != prev)
                items[out++] = distinct[rk];
            prev = rk;
        }
        c->v.span[r] = (struct mkt__span){start, out - start};
        from = end[r];
    }
    /* Every row holds a list (maybe empty); bits past the last row stay 0. */
    size_t full = rows / 64;
    for (size_t k = 0; k < full; k++)
        c->valid.words[k] = UINT64_MAX;
    if (rows % 64)
        c->valid.words[full] = (UINT64_C(1) << (rows % 64)) - 1;
}

int mkt__routes_build(mkt_table *t, const struct mkt__window *w, const struct mkt__bk_acc *acc,
                      struct mkt__col *c)
{
    size_t rows = mkt__table_rows(t), nstr = mkt__intern_count(&t->strings);
    size_t total = 0;
    for (size_t r = 0; r < rows; r++)
        total += acc[r].routes; /* < the number of bookings, so it fits uint32 offsets */
    uint32_t *end = mkt__reallocarray(t->ctx, NULL, rows ? rows : 1, sizeof *end);
    uint32_t *items = mkt__reallocarray(t->ctx, NULL, total ? total : 1, sizeof *items);
    uint32_t *rank = mkt__reallocarray(t->ctx, NULL, nstr ? nstr : 1, sizeof *rank);
    uint32_t *distinct = mkt__reallocarray(t->ctx, NULL, nstr ? nstr : 1, sizeof *distinct);
    int rc = MKT_OK;
    if (!end || !items || !rank || !distinct) {
        rc = mkt__oom(t->ctx);
        goto out;
    }
    uint32_t start = 0;
    for (size_t r = 0; r < rows; r++) {
        end[r] = start;
        start += acc[r].routes;
    }
    memset(rank, 0xff, nstr * sizeof *rank);
    size_t nd = scatter(t, w, end, items, rank, distinct);
    rc = rank_routes(t, rank, distinct, nd);
    if (rc)
        goto out;
    compact(t, c, end, items, rank, distinct);
    mkt__free(t->ctx, c->items);
    c->items = items;
    items = NULL;
out:
    mkt__free(t->ctx, end);
    mkt__free(t->ctx, items);
    mkt__free(t->ctx, rank);
    mkt__free(t->ctx, distinct);
    return rc;
}

/* The list column @column at @row, or NULL with *rc set. */
static const struct mkt__col *list_at(const mkt_table *t, uint32_t column, uint64_t row,
                                      int *rc, const char *fn)
{
    if (column >= t->cols.len) {
        *rc = mkt__error(t->ctx, MKT_ENOTFOUND, "%s: no column %u", fn, column);
        return NULL;
    }
    if (row >= mkt__table_rows(t)) {
        *rc = mkt__error(t->ctx, MKT_ENOTFOUND, "%s: no row %llu", fn, (unsigned long long)row);
        return NULL;
    }
    const struct mkt__col *c = t->cols.data[column];
    if (c->type != MKT_TYPE_LIST) {
        *rc = mkt__error(t->ctx, MKT_ETYPE, "%s: column '%s' is not a list", fn, c->name);
        return NULL;
    }
    if (mkt__col_stale(t, c)) {
        *rc = mkt__as_of_stale_error(t, c, fn);
        return NULL;
    }
    return c;
}

MKT_EXPORT int mkt_table_get_list_count(const mkt_table *t, uint32_t column, uint64_t row,
                                        uint32_t *count, int32_t *is_null)
{
    if (!t || !count || !is_null)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_get_list_count: NULL argument")
                 : MKT_EINVAL;
    int rc = MKT_OK;
    const struct mkt__col *c = list_at(t, column, row, &rc, "mkt_table_get_list_count");
    if (!c)
        return rc;
    *is_null = !mkt__bitmap_test(&c->valid, row);
    *count = *is_null ? 0 : c->v.span[row].len;
    return MKT_OK;
}

MKT_EXPORT int mkt_table_get_list_item(const mkt_table *t, uint32_t column, uint64_t row,
                                       uint32_t index, const char **out, size_t *len)
{
    if (!t || !out)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_get_list_item: NULL argument")
                 : MKT_EINVAL;
    int rc = MKT_OK;
    const struct mkt__col *c = list_at(t, column, row, &rc, "mkt_table_get_list_item");
    if (!c)
        return rc;
    if (!mkt__bitmap_test(&c->valid, row) || index >= c->v.span[row].len)
        return mkt__error(t->ctx, MKT_ENOTFOUND, "mkt_table_get_list_item: no item %u in '%s'",
                          index, c->name);
    size_t n = 0;
    *out = mkt__intern_str(c->dict, c->items[c->v.span[row].off + index], &n);
    if (len)
        *len = n;
    return MKT_OK;
}

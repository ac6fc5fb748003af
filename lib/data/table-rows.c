/* SPDX-License-Identifier: MIT */
/*
 * Customer rows of the table and the all-or-nothing machinery: growing every column together,
 * appending a customer (with the derived aggregates at their empty values), creating id-only
 * stubs for bookings and events of unknown customers, and marking / rolling back a load. A
 * load writes new rows and values in place; rolling back clears their validity bits and
 * truncates the interned strings, so a failed load leaves the table exactly as before.
 */
#include <string.h>

#include "table-private.h"

int mkt__table_reserve_rows(mkt_table *t, size_t n)
{
    if (n <= t->row_cap)
        return MKT_OK;
    size_t cap = t->row_cap + t->row_cap / 2;
    if (cap < n)
        cap = n;
    if (cap < 1024)
        cap = 1024;
    /* A failure half-way leaves some columns larger than row_cap, which is harmless: only
     * row_cap counts, and the extra validity bits are 0. */
    for (size_t i = 0; i < t->cols.len; i++) {
        int rc = mkt__col_resize(t->ctx, t->cols.data[i], cap);
        if (rc)
            return rc;
    }
    if (mkt__bitmap_resize(&t->stub, cap))
        return MKT_ENOMEM;
    t->row_cap = cap;
    return MKT_OK;
}

void mkt__col_set_valid(struct mkt__col *c, size_t row, int valid)
{
    if (valid)
        mkt__bitmap_set(&c->valid, row);
    else
        mkt__bitmap_clear(&c->valid, row);
}

static void clear_range(mkt__bitmap *b, size_t from, size_t to)
{
    if (to > b->nbits)
        to = b->nbits;
    while (from < to && (from & 63))
        mkt__bitmap_clear(b, from++);
    while (from + 64 <= to) {
        b->words[from >> 6] = 0;
        from += 64;
    }
    while (from < to)
        mkt__bitmap_clear(b, from++);
}

/* The aggregates that are 0, not null, for a customer without bookings or events. */
static const int zero_cols[] = {MKT__COL_BK_COUNT,     MKT__COL_BK_SPEND,
                                MKT__COL_BK_ANCILLARY, MKT__COL_BK_CANCELLED,
                                MKT__COL_BK_PASSENGERS, MKT__COL_EV_COUNT};
#define NZERO (sizeof zero_cols / sizeof zero_cols[0])

/* The derived aggregates of a new customer. Their values are 0 already: columns grow zeroed
 * and a rollback zeroes the rows it removes, so only the validity bits are written (which
 * keeps eight bytes per column and row from being touched). */
static void init_derived(mkt_table *t, size_t row)
{
    for (size_t i = 0; i < NZERO; i++)
        mkt__bitmap_set(&t->cols.data[zero_cols[i]]->valid, row);
    t->cols.data[MKT__COL_BK_CURRENCY]->v.u32[row] = MKT__NO_STR;
}

/* Rows [from, to) go away: leave their aggregates 0 for whoever takes the rows next. */
static void zero_derived(mkt_table *t, size_t from, size_t to)
{
    for (size_t i = 0; i < NZERO && from < to; i++)
        memset(&t->cols.data[zero_cols[i]]->v.i64[from], 0, (to - from) * sizeof(int64_t));
}

int mkt__table_append_row(mkt_table *t, const char *id, size_t len, uint32_t *row)
{
    size_t n = mkt__table_rows(t);
    if (n >= UINT32_MAX - 2)
        return mkt__error(t->ctx, MKT_ETOOBIG, "too many customers");
    int rc = mkt__table_reserve_rows(t, n + 1);
    if (rc == MKT_OK)
        rc = mkt__idindex_make_room(t, id, len);
    if (rc == MKT_OK)
        rc = mkt__idstore_append(&t->ids, id, len); /* the callers found no such id */
    if (rc)
        return rc;
    mkt__idindex_add(t, id, len, (uint32_t)n);
    mkt__as_of_invalidate(t);
    init_derived(t, n);
    *row = (uint32_t)n;
    return MKT_OK;
}

int mkt__table_customer_for(mkt_table *t, struct mkt__str id, int32_t unknown, uint32_t *row)
{
    if (mkt__idindex_find(t, id.p, id.n, row))
        return MKT_OK;
    if (unknown == MKT_UNKNOWN_CUSTOMER_AUTO)
        unknown = t->customers_loaded ? MKT_UNKNOWN_CUSTOMER_ERROR : MKT_UNKNOWN_CUSTOMER_CREATE;
    if (unknown != MKT_UNKNOWN_CUSTOMER_CREATE)
        return MKT_ENOTFOUND;
    int rc = mkt__table_append_row(t, id.p, id.n, row);
    if (rc)
        return rc;
    mkt__bitmap_set(&t->stub, *row);
    return MKT_OK;
}

void mkt__table_mark(mkt_table *t)
{
    t->mark.nrows = mkt__table_rows(t);
    t->mark.ncols = t->cols.len;
    t->mark.bookings = t->bk.len;
    t->mark.events = t->ev.len;
    t->mark.strings = mkt__intern_count(&t->strings);
    t->mark.currencies = mkt__intern_count(&t->currencies);
    t->mark.amount_guard = t->amount_guard;
    t->mark.as_of_dirty = t->as_of_dirty;
    mkt__as_of_invalidate(t); /* records or rows may change; a rollback restores the flag */
    for (size_t i = 0; i < t->cols.len; i++) {
        struct mkt__col *c = t->cols.data[i];
        c->mark_dict = c->dict ? mkt__intern_count(c->dict) : 0;
    }
    t->filled.len = 0;
}

void mkt__table_rollback(mkt_table *t)
{
    const struct mkt__mark *m = &t->mark;
    size_t nrows = mkt__table_rows(t);
    /* Stubs that the load filled in become id-only again. */
    for (size_t k = 0; k < t->filled.len; k++) {
        uint32_t row = t->filled.data[k];
        for (size_t i = 1; i < m->ncols; i++)
            if (!t->cols.data[i]->is_derived)
                mkt__bitmap_clear(&t->cols.data[i]->valid, row);
        mkt__bitmap_set(&t->stub, row);
    }
    t->filled.len = 0;
    while (t->cols.len > m->ncols)
        mkt__col_free(t->ctx, t->cols.data[--t->cols.len]);
    for (size_t i = 0; i < t->cols.len; i++) {
        struct mkt__col *c = t->cols.data[i];
        clear_range(&c->valid, m->nrows, nrows);
        if (c->dict == &c->own)
            mkt__intern_truncate(c->dict, c->mark_dict);
    }
    clear_range(&t->stub, m->nrows, nrows);
    zero_derived(t, m->nrows, nrows);
    mkt__idindex_truncate(t, (uint32_t)m->nrows);
    mkt__idstore_truncate(&t->ids, m->nrows);
    t->bk.len = m->bookings;
    mkt__idstore_truncate(&t->bk.ids, m->bookings);
    t->ev.len = m->events;
    mkt__idstore_truncate(&t->ev.ids, m->events);
    mkt__intern_truncate(&t->strings, m->strings);
    mkt__strcache_clear(t->scache); /* it may name ids just truncated */
    mkt__intern_truncate(&t->currencies, m->currencies);
    t->amount_guard = m->amount_guard;
    t->as_of_dirty = m->as_of_dirty;
}

int mkt__grow_arrays(mkt_ctx *ctx, const struct mkt__arrays *a, size_t need, size_t *cap)
{
    if (need <= *cap)
        return MKT_OK;
    size_t ncap = *cap + *cap / 2;
    if (ncap < need)
        ncap = need;
    if (ncap < 1024)
        ncap = 1024;
    for (size_t i = 0; i < a->n; i++) {
        void *old;
        memcpy(&old, a->slots[i], sizeof old);
        void *p = mkt__reallocarray(ctx, old, ncap, a->sizes[i]);
        if (!p)
            return mkt__oom(ctx);
        memcpy(a->slots[i], &p, sizeof p);
    }
    *cap = ncap;
    return MKT_OK;
}

void mkt__free_arrays(mkt_ctx *ctx, const struct mkt__arrays *a)
{
    for (size_t i = 0; i < a->n; i++) {
        void *p;
        memcpy(&p, a->slots[i], sizeof p);
        mkt__free(ctx, p);
    }
}

int mkt__str_id(mkt__intern *dict, struct mkt__str s, uint32_t *id)
{
    if (!s.p) {
        *id = MKT__NO_STR;
        return MKT_OK;
    }
    return mkt__intern_put(dict, s.p, s.n, id, NULL);
}

int mkt__currency_valid(const char *s, size_t n)
{
    if (n != 3)
        return 0;
    for (size_t i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return 0;
    return 1;
}

int mkt__order_by_customer(mkt_table *t, const uint32_t *cust, size_t n, uint32_t **order)
{
    *order = NULL;
    if (n < 4096)
        return MKT_OK;
    size_t rows = mkt__table_rows(t);
    uint32_t *start = mkt__calloc(t->ctx, rows + 1, sizeof *start);
    uint32_t *out = mkt__reallocarray(t->ctx, NULL, n, sizeof *out);
    if (!start || !out) {
        mkt__free(t->ctx, start);
        mkt__free(t->ctx, out);
        return mkt__oom(t->ctx);
    }
    for (size_t i = 0; i < n; i++)
        start[cust[i] + 1]++;
    for (size_t r = 0; r < rows; r++)
        start[r + 1] += start[r];
    for (size_t i = 0; i < n; i++)
        out[start[cust[i]]++] = (uint32_t)i;
    mkt__free(t->ctx, start);
    *order = out;
    return MKT_OK;
}

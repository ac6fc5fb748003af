/* SPDX-License-Identifier: MIT */
/*
 * Loading customers.csv into the table: header columns in any order mapped to the standard
 * columns, unknown ones kept as custom columns (STRING when new, parsed by their type when the
 * host created them), every value validated, duplicates rejected, id-only stubs made by
 * earlier booking/event loads filled in, only the columns of the load options' projection
 * stored. Plain files are parsed by worker threads (load-parallel.c), the records staged here
 * in file order with their id slots prefetched. All-or-nothing through the table's
 * mark/rollback.
 */
#include <string.h>

#include "load-private.h"

#define SKIP UINT32_MAX /* a header column the caller's projection leaves out */

/* Whether the caller's projection keeps header column @h (customer_id always stays). */
static int kept(const struct mkt__csv_field *h, const mkt_load_options *o)
{
    if (!o->columns || (h->len == 11 && memcmp(h->ptr, "customer_id", 11) == 0))
        return 1;
    for (size_t i = 0; i < o->ncolumns; i++)
        if (o->columns[i] && strlen(o->columns[i]) == h->len &&
            memcmp(o->columns[i], h->ptr, h->len) == 0)
            return 1;
    return 0;
}

/* Map each header column to a table column, creating custom columns for unknown names;
 * columns the projection leaves out map to SKIP. */
static int map_columns(mkt_table *t, mkt__csv *r, const mkt_load_options *o, uint32_t *map,
                       int *id_col)
{
    *id_col = -1;
    for (size_t col = 0; col < r->nheader; col++) {
        const struct mkt__csv_field *h = &r->header[col];
        uint32_t idx;
        if (h->len == 0)
            return mkt__error_at(t->ctx, MKT_EPARSE, r->name, r->line, col + 1, NULL,
                                 "empty column name in the header");
        if (!kept(h, o)) {
            map[col] = SKIP;
            continue;
        }
        if (mkt__table_column_lookup(t, h->ptr, h->len, &idx) != MKT_OK) {
            if ((h->len >= 8 && memcmp(h->ptr, "booking.", 8) == 0) ||
                (h->len >= 6 && memcmp(h->ptr, "event.", 6) == 0) ||
                (h->len >= 4 && memcmp(h->ptr, "rfm.", 4) == 0) ||
                (h->len >= 10 && memcmp(h->ptr, "lifecycle.", 10) == 0))
                return mkt__error_at(t->ctx, MKT_EPARSE, r->name, r->line, col + 1, h->ptr,
                                     "column names starting with 'booking.', 'event.', 'rfm.' "
                                     "or 'lifecycle.' are reserved");
            int rc = mkt__table_add_column(t, h->ptr, h->len, MKT_TYPE_STRING, 1, 0, &idx);
            if (rc)
                return rc;
        } else if (t->cols.data[idx]->is_derived) {
            return mkt__error_at(t->ctx, MKT_EPARSE, r->name, r->line, col + 1, h->ptr,
                                 "derived column cannot be loaded");
        }
        for (size_t k = 0; k < col; k++)
            if (map[k] == idx)
                return mkt__error_at(t->ctx, MKT_EPARSE, r->name, r->line, col + 1, h->ptr,
                                     "duplicate column in the header");
        map[col] = idx;
        if (idx == MKT__COL_CUSTOMER_ID)
            *id_col = (int)col;
    }
    if (*id_col < 0)
        return mkt__error_at(t->ctx, MKT_EPARSE, r->name, r->line, 0, "customer_id",
                             "missing required column 'customer_id'");
    return MKT_OK;
}

/* The row of this record's customer: new, or an id-only stub filled in now. */
static int customer_row(mkt_table *t, mkt__csv *r, int id_col, uint32_t *row)
{
    struct mkt__str id;
    int rc = mkt__field_str(r, id_col, 1, &id);
    if (rc)
        return rc;
    if (!mkt__idindex_find(t, id.p, id.n, row))
        return mkt__table_append_row(t, id.p, id.n, row);
    if (!mkt__bitmap_test(&t->stub, *row))
        return mkt__csv_error(r, MKT_EEXIST, (size_t)id_col, "duplicate customer_id '%.*s'",
                              mkt__quote_len(id.p, id.n), id.p);
    if (MKT__VEC_PUSH(t->ctx, &t->filled, *row))
        return MKT_ENOMEM;
    mkt__bitmap_clear(&t->stub, *row);
    return MKT_OK;
}

/* Store field @col of the record at @row. Text columns (names, cities, tiers ...) repeat a
 * lot: they go through the table's string cache before their dictionary. */
static int store_field(mkt_table *t, mkt__csv *r, size_t col, uint32_t column, uint32_t row)
{
    struct mkt__col *c = t->cols.data[column];
    if (c->type != MKT_TYPE_STRING)
        return mkt__field_store(r, (int)col, c, column, row);
    struct mkt__str s = {r->fields[col].ptr, r->fields[col].len};
    int rc = mkt__strcache_id(t->scache, c->dict, s, &c->v.u32[row]);
    if (rc == MKT_OK)
        mkt__bitmap_set(&c->valid, row);
    return rc;
}

/* Rows read before the rest of the file is estimated from their average size. */
#define PRESIZE_AFTER 256

/* Grow the columns and the id index once for the rest of a plain file: growing them step by
 * step copies every column several times. Failing only means growing later. */
static void presize(mkt_table *t, const mkt__csv *r, size_t seen)
{
    size_t more = mkt__records_ahead(r, seen), n = mkt__table_rows(t);
    if (more == 0 || more > UINT32_MAX - n)
        return;
    size_t id_bytes = t->ids.nbytes / (n ? n : 1) + 1;
    if (mkt__table_reserve_rows(t, n + more) != MKT_OK || mkt__idindex_reserve(t, n + more) ||
        mkt__idstore_reserve(&t->ids, more, more * id_bytes))
        mkt_ctx_clear_error(t->ctx);
}

/* One load: what the record loop, sequential or fed by parsing threads, works with. */
struct load {
    mkt_table *t;
    mkt__csv *r;
    const uint32_t *map;
    uint32_t *cols; /* the header columns kept (id included), in order: all a record needs */
    size_t ncols;
    int id_col;
    size_t id_k; /* cols[id_k] == id_col */
    size_t rows;
};

/* Store the reader's current record (its width checked). */
static int store_record(struct load *l)
{
    mkt_table *t = l->t;
    mkt__csv *r = l->r;
    uint32_t row;
    int rc = customer_row(t, r, l->id_col, &row);
    for (size_t k = 0; rc == MKT_OK && k < l->ncols; k++) {
        uint32_t col = l->cols[k];
        if ((int)col == l->id_col || r->fields[col].len == 0)
            continue; /* empty = null, and the row's values start null */
        rc = store_field(t, r, col, l->map[col], row);
    }
    if (rc == MKT_OK && ++l->rows == PRESIZE_AFTER)
        presize(t, r, l->rows);
    return rc;
}

static int rows(void *cfg)
{
    struct load *l = cfg;
    int rc;
    while ((rc = mkt__csv_next(l->r)) == 1)
        if ((rc = mkt__check_width(l->r)) || (rc = store_record(l)))
            return rc;
    return rc;
}

/* ---- parsing threads (load-parallel.c): a record is its kept fields, pointing into the
 * chunk (a projection of two columns out of twenty copies two) ---------------------------- */

struct rec {
    struct mkt__par_rec h;
    struct mkt__csv_field f[]; /* field cols[k] of the record */
};

static int par_parse(mkt__csv *r, const void *cfg, void *rec)
{
    const struct load *l = cfg;
    int rc = mkt__check_width(r);
    for (size_t k = 0; rc == MKT_OK && k < l->ncols; k++)
        ((struct rec *)rec)->f[k] = r->fields[l->cols[k]];
    return rc;
}

/* The reader's fields are the record's where store_record() reads them: the kept columns. */
static int par_stage(void *cfg, void *rec)
{
    struct load *l = cfg;
    for (size_t k = 0; k < l->ncols; k++)
        l->r->fields[l->cols[k]] = ((struct rec *)rec)->f[k];
    l->r->nfields = l->r->nheader;
    return store_record(l);
}

/* The id index entry of a record staged soon: the cache miss every new customer costs. */
static void par_prefetch(const void *cfg, const void *rec)
{
    const struct load *l = cfg;
    const struct mkt__csv_field *id = &((const struct rec *)rec)->f[l->id_k];
    mkt__idindex_prefetch(l->t, id->ptr, id->len);
}

static int load_rows(struct load *l, size_t threads)
{
    if (!l->t->scache) /* without it (no memory) every lookup goes to the dictionary */
        l->t->scache = mkt__calloc(l->t->ctx, 1, mkt__strcache_size());
    struct mkt__par_ops ops = {
        sizeof(struct rec) + l->ncols * sizeof(struct mkt__csv_field),
        par_parse, par_stage, rows, par_prefetch, NULL,
    };
    return mkt__load_parallel(l->r, threads, &ops, l);
}

int mkt__load_customers_csv(mkt_table *t, mkt__csv *r, const mkt_load_options *o,
                            size_t threads)
{
    int rc = mkt__csv_next(r);
    if (rc == 0)
        return mkt__error_at(t->ctx, MKT_EPARSE, r->name, 1, 0, NULL, "empty file: no header");
    if (rc < 0)
        return rc;
    uint32_t *map = mkt__reallocarray(t->ctx, NULL, 2 * r->nheader, sizeof *map);
    if (!map)
        return mkt__oom(t->ctx);
    mkt__table_mark(t);
    struct load l = {t, r, map, map + r->nheader, 0, -1, 0, 0};
    rc = map_columns(t, r, o, map, &l.id_col);
    for (size_t col = 0; rc == MKT_OK && col < r->nheader; col++) {
        l.id_k = (int)col == l.id_col ? l.ncols : l.id_k;
        if (map[col] != SKIP)
            l.cols[l.ncols++] = (uint32_t)col;
    }
    if (rc == MKT_OK)
        rc = load_rows(&l, threads);
    if (rc == MKT_OK)
        rc = mkt__csv_finish(r);
    mkt__free(t->ctx, map);
    if (rc) {
        mkt__table_rollback(t);
        return rc;
    }
    if (l.rows > 0)
        t->customers_loaded = 1;
    t->filled.len = 0;
    return MKT_OK;
}

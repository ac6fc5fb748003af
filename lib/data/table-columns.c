/* SPDX-License-Identifier: MIT */
/*
 * Column storage of the customer table: creating a typed column sized to the table's row
 * capacity, finding columns by name, freeing them. Each column is one flat array of its value
 * type plus a validity bitmap, so a segment rule scans it without touching other columns.
 */
#include <string.h>

#include "table-private.h"

static size_t elem_size(int32_t type)
{
    switch (type) {
    case MKT_TYPE_STRING: return sizeof(uint32_t);
    case MKT_TYPE_DATE: return sizeof(int32_t);
    case MKT_TYPE_BOOL: return sizeof(uint8_t);
    case MKT_TYPE_NUMBER: return sizeof(double);
    case MKT_TYPE_LIST: return sizeof(struct mkt__span);
    default: return sizeof(int64_t);
    }
}

int mkt__col_resize(mkt_ctx *ctx, struct mkt__col *c, size_t cap)
{
    if (c->type == MKT_TYPE_STRING && c->dict == NULL)
        return MKT_OK; /* customer_id: values are the row ids themselves */
    /* Zeroed growth: rows not written yet read as 0, and a fresh block stays untouched until
     * written (see mkt__calloc), which null columns and zero aggregates never are. */
    size_t have = c->valid.nbits < cap ? c->valid.nbits : cap, size = elem_size(c->type);
    void *p = mkt__calloc(ctx, cap ? cap : 1, size);
    if (!p)
        return mkt__oom(ctx);
    if (have)
        memcpy(p, c->v.any, have * size);
    mkt__free(ctx, c->v.any);
    c->v.any = p;
    return mkt__bitmap_resize(&c->valid, cap);
}

void mkt__col_free(mkt_ctx *ctx, struct mkt__col *c)
{
    if (!c)
        return;
    mkt__free(ctx, c->name);
    mkt__free(ctx, c->v.any);
    mkt__free(ctx, c->items);
    mkt__bitmap_free(&c->valid);
    mkt__intern_free(&c->own);
    mkt__free(ctx, c);
}

int mkt__table_column_lookup(const mkt_table *t, const char *name, size_t len, uint32_t *index)
{
    for (size_t i = 0; i < t->cols.len; i++) {
        const char *cn = t->cols.data[i]->name;
        if (strlen(cn) == len && memcmp(cn, name, len) == 0) {
            *index = (uint32_t)i;
            return MKT_OK;
        }
    }
    return MKT_ENOTFOUND;
}

int mkt__table_add_column(mkt_table *t, const char *name, size_t len, int32_t type,
                          int is_custom, int is_derived, uint32_t *index)
{
    mkt_ctx *ctx = t->ctx;
    if (t->cols.len >= UINT32_MAX - 1)
        return mkt__error(ctx, MKT_ETOOBIG, "too many columns");
    if (MKT__VEC_RESERVE(ctx, &t->cols, 1))
        return MKT_ENOMEM;
    struct mkt__col *c = mkt__calloc(ctx, 1, sizeof *c);
    if (!c)
        return mkt__oom(ctx);
    c->type = type;
    c->is_custom = is_custom;
    c->is_derived = is_derived;
    mkt__bitmap_init(&c->valid, ctx);
    mkt__intern_init(&c->own, ctx);
    if (type == MKT_TYPE_STRING)
        c->dict = &c->own;
    c->name = mkt__strndup(ctx, name, len);
    if (!c->name || mkt__col_resize(ctx, c, t->row_cap)) {
        mkt__col_free(ctx, c);
        return mkt__oom(ctx);
    }
    t->cols.data[t->cols.len++] = c;
    if (index)
        *index = (uint32_t)(t->cols.len - 1);
    return MKT_OK;
}

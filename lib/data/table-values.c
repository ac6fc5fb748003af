/* SPDX-License-Identifier: MIT */
/*
 * Reading and writing single values of the customer table (the host API), adding custom
 * columns and customers. The range rules of the standard columns (nps_score 0..10,
 * email_open_rate 0..1, bools 0/1) are the same here as in the loaders, in one place.
 */
#include <math.h>
#include <string.h>

#include "table-private.h"

int mkt__col_check_int(uint32_t column, int32_t type, int64_t v)
{
    if (column == MKT__COL_NPS && (v < 0 || v > 10))
        return MKT_ERANGE;
    if (type == MKT_TYPE_BOOL && v != 0 && v != 1)
        return MKT_ERANGE;
    if (type == MKT_TYPE_DATE && (v < INT32_MIN + 1 || v > INT32_MAX))
        return MKT_ERANGE;
    return MKT_OK;
}

int mkt__col_check_number(uint32_t column, double v)
{
    if (!isfinite(v))
        return MKT_ERANGE;
    if (column == MKT__COL_EMAIL_OPEN_RATE && (v < 0 || v > 1))
        return MKT_ERANGE;
    return MKT_OK;
}

/* Common checks of the get/set calls: the column (or NULL) for a valid row and column. */
static struct mkt__col *locate(const mkt_table *t, uint32_t column, uint64_t row, int *rc,
                               const char *fn)
{
    if (column >= t->cols.len) {
        *rc = mkt__error(t->ctx, MKT_ENOTFOUND, "%s: no column %u", fn, column);
        return NULL;
    }
    if (row >= mkt__table_rows(t)) {
        *rc = mkt__error(t->ctx, MKT_ENOTFOUND, "%s: no row %llu", fn, (unsigned long long)row);
        return NULL;
    }
    return t->cols.data[column];
}

/* locate() for the getters: an as-of column is unreadable while stale. */
static const struct mkt__col *readable(const mkt_table *t, uint32_t column, uint64_t row,
                                       int *rc, const char *fn)
{
    const struct mkt__col *c = locate(t, column, row, rc, fn);
    if (c && mkt__col_stale(t, c)) {
        *rc = mkt__as_of_stale_error(t, c, fn);
        return NULL;
    }
    return c;
}

static int type_error(const mkt_table *t, const struct mkt__col *c, const char *fn)
{
    return mkt__error(t->ctx, MKT_ETYPE, "%s: column '%s' has another type", fn, c->name);
}

MKT_EXPORT int mkt_table_get_int(const mkt_table *t, uint32_t column, uint64_t row,
                                 int64_t *out, int32_t *is_null)
{
    if (!t || !out || !is_null)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_get_int: NULL argument")
                 : MKT_EINVAL;
    int rc = MKT_OK;
    const struct mkt__col *c = readable(t, column, row, &rc, "mkt_table_get_int");
    if (!c)
        return rc;
    if (c->type == MKT_TYPE_STRING || c->type == MKT_TYPE_NUMBER || c->type == MKT_TYPE_LIST)
        return type_error(t, c, "mkt_table_get_int");
    *is_null = !mkt__bitmap_test(&c->valid, row);
    *out = 0;
    if (*is_null)
        return MKT_OK;
    if (c->type == MKT_TYPE_DATE)
        *out = c->v.i32[row];
    else if (c->type == MKT_TYPE_BOOL)
        *out = c->v.u8[row];
    else
        *out = c->v.i64[row];
    return MKT_OK;
}

MKT_EXPORT int mkt_table_get_number(const mkt_table *t, uint32_t column, uint64_t row,
                                    double *out, int32_t *is_null)
{
    if (!t || !out || !is_null)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_get_number: NULL argument")
                 : MKT_EINVAL;
    int rc = MKT_OK;
    const struct mkt__col *c = readable(t, column, row, &rc, "mkt_table_get_number");
    if (!c)
        return rc;
    if (c->type != MKT_TYPE_NUMBER && c->type != MKT_TYPE_INT)
        return type_error(t, c, "mkt_table_get_number");
    *is_null = !mkt__bitmap_test(&c->valid, row);
    *out = 0;
    if (!*is_null)
        *out = c->type == MKT_TYPE_NUMBER ? c->v.f64[row] : (double)c->v.i64[row];
    return MKT_OK;
}

MKT_EXPORT int mkt_table_get_string(const mkt_table *t, uint32_t column, uint64_t row,
                                    const char **out, size_t *len)
{
    if (!t || !out)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_get_string: NULL argument")
                 : MKT_EINVAL;
    int rc = MKT_OK;
    const struct mkt__col *c = readable(t, column, row, &rc, "mkt_table_get_string");
    if (!c)
        return rc;
    if (c->type != MKT_TYPE_STRING)
        return type_error(t, c, "mkt_table_get_string");
    size_t n = 0;
    if (column == MKT__COL_CUSTOMER_ID)
        *out = mkt__table_id(t, row, &n);
    else if (mkt__bitmap_test(&c->valid, row))
        *out = mkt__intern_str(c->dict, c->v.u32[row], &n);
    else
        *out = NULL;
    if (len)
        *len = n;
    return MKT_OK;
}

/* Checks shared by the setters; returns the column to write or NULL with *rc set. */
static struct mkt__col *writable(mkt_table *t, uint32_t column, uint64_t row, int *rc,
                                 const char *fn)
{
    struct mkt__col *c = locate(t, column, row, rc, fn);
    if (!c)
        return NULL;
    if (c->is_derived || column == MKT__COL_CUSTOMER_ID) {
        *rc = mkt__error(t->ctx, MKT_EINVAL, "%s: column '%s' is read-only", fn, c->name);
        return NULL;
    }
    return c;
}

/* A value set by the host makes a stub a real customer (a customers load no longer fills it). */
static void touch(mkt_table *t, struct mkt__col *c, uint64_t row)
{
    mkt__bitmap_set(&c->valid, row);
    mkt__bitmap_clear(&t->stub, row);
    if (c == t->cols.data[MKT__COL_DATE_OF_BIRTH])
        mkt__as_of_invalidate(t); /* customer.age depends on it */
}

MKT_EXPORT int mkt_table_set_int(mkt_table *t, uint32_t column, uint64_t row, int64_t value)
{
    if (!t)
        return MKT_EINVAL;
    int rc = MKT_OK;
    struct mkt__col *c = writable(t, column, row, &rc, "mkt_table_set_int");
    if (!c)
        return rc;
    if (c->type == MKT_TYPE_STRING || c->type == MKT_TYPE_NUMBER)
        return type_error(t, c, "mkt_table_set_int");
    if (mkt__col_check_int(column, c->type, value))
        return mkt__error(t->ctx, MKT_ERANGE, "mkt_table_set_int: %lld is out of range for '%s'",
                          (long long)value, c->name);
    if (c->type == MKT_TYPE_DATE)
        c->v.i32[row] = (int32_t)value;
    else if (c->type == MKT_TYPE_BOOL)
        c->v.u8[row] = (uint8_t)value;
    else
        c->v.i64[row] = value;
    touch(t, c, row);
    return MKT_OK;
}

MKT_EXPORT int mkt_table_set_number(mkt_table *t, uint32_t column, uint64_t row, double value)
{
    if (!t)
        return MKT_EINVAL;
    int rc = MKT_OK;
    struct mkt__col *c = writable(t, column, row, &rc, "mkt_table_set_number");
    if (!c)
        return rc;
    if (c->type != MKT_TYPE_NUMBER)
        return type_error(t, c, "mkt_table_set_number");
    if (mkt__col_check_number(column, value))
        return mkt__error(t->ctx, MKT_ERANGE, "mkt_table_set_number: value out of range for '%s'",
                          c->name);
    c->v.f64[row] = value;
    touch(t, c, row);
    return MKT_OK;
}

MKT_EXPORT int mkt_table_set_string(mkt_table *t, uint32_t column, uint64_t row,
                                    const char *value, size_t len)
{
    if (!t || !value)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_set_string: NULL argument")
                 : MKT_EINVAL;
    int rc = MKT_OK;
    struct mkt__col *c = writable(t, column, row, &rc, "mkt_table_set_string");
    if (!c)
        return rc;
    if (c->type != MKT_TYPE_STRING)
        return type_error(t, c, "mkt_table_set_string");
    if (!mkt__utf8_valid(value, len))
        return mkt__error(t->ctx, MKT_EPARSE, "mkt_table_set_string: invalid UTF-8 for '%s'",
                          c->name);
    uint32_t id;
    rc = mkt__intern_put(c->dict, value, len, &id, NULL);
    if (rc)
        return rc;
    c->v.u32[row] = id;
    touch(t, c, row);
    return MKT_OK;
}

MKT_EXPORT int mkt_table_set_null(mkt_table *t, uint32_t column, uint64_t row)
{
    if (!t)
        return MKT_EINVAL;
    int rc = MKT_OK;
    struct mkt__col *c = writable(t, column, row, &rc, "mkt_table_set_null");
    if (!c)
        return rc;
    mkt__bitmap_clear(&c->valid, row);
    mkt__bitmap_clear(&t->stub, row);
    if (column == MKT__COL_DATE_OF_BIRTH)
        mkt__as_of_invalidate(t); /* customer.age depends on it */
    return MKT_OK;
}

static int reserved_name(const char *name)
{
    /* rfm.* and lifecycle.* are written by mkt_rfm_apply() and mkt_lifecycle_apply(). */
    return strncmp(name, "booking.", 8) == 0 || strncmp(name, "event.", 6) == 0 ||
           strncmp(name, "rfm.", 4) == 0 || strncmp(name, "lifecycle.", 10) == 0;
}

MKT_EXPORT int mkt_table_add_column(mkt_table *t, const char *name, int32_t type,
                                    uint32_t *column)
{
    if (!t || !name)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_add_column: NULL argument")
                 : MKT_EINVAL;
    size_t len = strlen(name);
    if (len == 0 || !mkt__utf8_valid(name, len) || reserved_name(name))
        return mkt__error(t->ctx, MKT_EINVAL, "mkt_table_add_column: invalid column name '%.60s'",
                          name);
    if (type < MKT_TYPE_STRING || type > MKT_TYPE_BOOL)
        return mkt__error(t->ctx, MKT_EINVAL, "mkt_table_add_column: invalid type %d", (int)type);
    uint32_t existing;
    if (mkt__table_column_lookup(t, name, len, &existing) == MKT_OK)
        return mkt__error(t->ctx, MKT_EEXIST, "mkt_table_add_column: column '%.60s' exists", name);
    return mkt__table_add_column(t, name, len, type, 1, 0, column);
}

MKT_EXPORT int mkt_table_add_customer(mkt_table *t, const char *customer_id, size_t id_len,
                                      uint64_t *row)
{
    if (!t || !customer_id)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_add_customer: NULL argument")
                 : MKT_EINVAL;
    if (id_len == 0 || !mkt__utf8_valid(customer_id, id_len))
        return mkt__error(t->ctx, MKT_EINVAL,
                          "mkt_table_add_customer: empty or invalid UTF-8 customer id");
    uint32_t id;
    if (mkt__idindex_find(t, customer_id, id_len, &id)) {
        if (row)
            *row = id;
        return mkt__error(t->ctx, MKT_EEXIST, "mkt_table_add_customer: customer '%.*s' exists",
                          (int)(id_len > 60 ? 60 : id_len), customer_id);
    }
    int rc = mkt__table_append_row(t, customer_id, id_len, &id);
    if (rc)
        return rc;
    if (row)
        *row = id;
    return MKT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * Records: one customer's values supplied by the host, laid out like the table's columns so
 * that a compiled segment reads slot N where it would read column N. Field names are resolved
 * once per set (a hash lookup); evaluation reads slots directly and never allocates. Also the
 * single-record and single-row entry points of evaluation.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "data/csv-private.h"
#include "eval-private.h"

MKT_EXPORT void mkt_record_free(mkt_record *rec)
{
    if (!rec)
        return;
    mkt_ctx *ctx = rec->ctx;
    for (uint32_t i = 0; i < rec->ncols; i++) {
        if (rec->names)
            mkt__free(ctx, rec->names[i]);
        if (rec->bufs)
            mkt__free(ctx, rec->bufs[i]);
        if (rec->offs)
            mkt__free(ctx, rec->offs[i]);
    }
    mkt__free(ctx, rec->names);
    mkt__free(ctx, rec->bufs);
    mkt__free(ctx, rec->caps);
    mkt__free(ctx, rec->offs);
    mkt__free(ctx, rec->ocaps);
    mkt__free(ctx, rec->types);
    mkt__free(ctx, rec->prefix);
    mkt__free(ctx, rec->vals);
    mkt__intern_free(&rec->fields);
    pcre2_match_data_free(rec->md);
    pcre2_general_context_free(rec->gctx);
    mkt__free(ctx, rec);
}

static int add_column(mkt_record *rec, const mkt_table *t, uint32_t i)
{
    const struct mkt__col *c = t->cols.data[i];
    char rule[512];
    int n = snprintf(rule, sizeof rule, "%s%s", strchr(c->name, '.') ? "" : "customer.",
                     c->name);
    uint32_t id;
    int is_new;
    if (n < 0 || (size_t)n >= sizeof rule)
        n = (int)sizeof rule - 1; /* a pathological name: kept truncated, unreachable */
    if (!(rec->names[i] = mkt__strdup(rec->ctx, c->name)))
        return mkt__oom(rec->ctx);
    int rc = mkt__intern_put(&rec->fields, rule, (size_t)n, &id, &is_new);
    if (rc)
        return rc;
    if (!is_new || id != i) /* only if two columns share a rule name: keep the first */
        return mkt__error(rec->ctx, MKT_EEXIST, "mkt_record_new: two columns named '%s'", rule);
    rec->types[i] = c->type;
    rec->prefix[i] = mkt__schema_step(i ? rec->prefix[i - 1] : 0, c->name, c->type);
    rec->vals[i].is_null = 1;
    return MKT_OK;
}

MKT_EXPORT int mkt_record_new(mkt_record **out, mkt_ctx *ctx, const mkt_table *t)
{
    if (!out || !ctx || !t)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_record_new: NULL argument") : MKT_EINVAL;
    *out = NULL;
    mkt_record *rec = mkt__calloc(ctx, 1, sizeof *rec);
    if (!rec)
        return mkt__oom(ctx);
    rec->ctx = ctx;
    mkt__intern_init(&rec->fields, ctx);
    uint32_t n = (uint32_t)t->cols.len;
    rec->ncols = n;
    int rc = MKT_OK;
    if (!(rec->types = mkt__calloc(ctx, n, sizeof *rec->types)) ||
        !(rec->names = mkt__calloc(ctx, n, sizeof *rec->names)) ||
        !(rec->bufs = mkt__calloc(ctx, n, sizeof *rec->bufs)) ||
        !(rec->caps = mkt__calloc(ctx, n, sizeof *rec->caps)) ||
        !(rec->offs = mkt__calloc(ctx, n, sizeof *rec->offs)) ||
        !(rec->ocaps = mkt__calloc(ctx, n, sizeof *rec->ocaps)) ||
        !(rec->prefix = mkt__calloc(ctx, n, sizeof *rec->prefix)) ||
        !(rec->vals = mkt__calloc(ctx, n, sizeof *rec->vals)) ||
        !(rec->gctx = mkt__pcre_gctx(ctx)) ||
        !(rec->md = pcre2_match_data_create(1, rec->gctx)))
        rc = mkt__oom(ctx);
    for (uint32_t i = 0; i < n && rc == MKT_OK; i++)
        rc = add_column(rec, t, i);
    if (rc) {
        mkt_record_free(rec);
        return rc;
    }
    *out = rec;
    return MKT_OK;
}

MKT_EXPORT void mkt_record_clear(mkt_record *rec)
{
    if (!rec)
        return;
    for (uint32_t i = 0; i < rec->ncols; i++) {
        memset(&rec->vals[i], 0, sizeof rec->vals[i]);
        rec->vals[i].is_null = 1;
    }
}

/* The slot of a field by its rule name (aliases accepted). */
static int slot_of(mkt_record *rec, const char *field, uint32_t *slot, const char *fn)
{
    if (!field)
        return mkt__error(rec->ctx, MKT_EINVAL, "%s: NULL field", fn);
    const char *alias = mkt__field_alias(field, strlen(field));
    if (alias)
        field = alias;
    if (!mkt__intern_find(&rec->fields, field, strlen(field), slot))
        return mkt__error(rec->ctx, MKT_ENOTFOUND, "%s: unknown field '%s'", fn, field);
    return MKT_OK;
}

static int type_error(mkt_record *rec, uint32_t slot, const char *fn)
{
    return mkt__error(rec->ctx, MKT_ETYPE, "%s: '%s' has another type", fn, rec->names[slot]);
}

MKT_EXPORT int mkt_record_set_int(mkt_record *rec, const char *field, int64_t value)
{
    if (!rec)
        return MKT_EINVAL;
    uint32_t s;
    int rc = slot_of(rec, field, &s, "mkt_record_set_int");
    if (rc)
        return rc;
    struct mkt__val *v = &rec->vals[s];
    switch (rec->types[s]) {
    case MKT_TYPE_STRING:
    case MKT_TYPE_LIST:
        return type_error(rec, s, "mkt_record_set_int");
    case MKT_TYPE_NUMBER:
        v->d = (double)value;
        break;
    case MKT_TYPE_BOOL:
        if (value != 0 && value != 1)
            return mkt__error(rec->ctx, MKT_ERANGE, "mkt_record_set_int: bool must be 0 or 1");
        break;
    case MKT_TYPE_DATE:
        if (value <= INT32_MIN || value > INT32_MAX)
            return mkt__error(rec->ctx, MKT_ERANGE, "mkt_record_set_int: date out of range");
        break;
    default:
        break;
    }
    v->i = value;
    v->is_null = 0;
    return MKT_OK;
}

MKT_EXPORT int mkt_record_set_number(mkt_record *rec, const char *field, double value)
{
    if (!rec)
        return MKT_EINVAL;
    uint32_t s;
    int rc = slot_of(rec, field, &s, "mkt_record_set_number");
    if (rc)
        return rc;
    if (!isfinite(value))
        return mkt__error(rec->ctx, MKT_ERANGE, "mkt_record_set_number: not a finite number");
    if (rec->types[s] == MKT_TYPE_NUMBER) {
        rec->vals[s].d = value;
        rec->vals[s].is_null = 0;
        return MKT_OK;
    }
    if (rec->types[s] != MKT_TYPE_INT || value != floor(value) || fabs(value) > 9.0e18)
        return rec->types[s] == MKT_TYPE_INT
                   ? mkt__error(rec->ctx, MKT_ERANGE, "mkt_record_set_number: not a whole number")
                   : type_error(rec, s, "mkt_record_set_number");
    return mkt_record_set_int(rec, field, (int64_t)value);
}

static int store_string(mkt_record *rec, uint32_t s, const char *value, size_t len)
{
    if (len + 1 > rec->caps[s]) {
        size_t cap = len + 1 < 32 ? 32 : len + 1;
        char *b = mkt__realloc(rec->ctx, rec->bufs[s], cap);
        if (!b)
            return mkt__oom(rec->ctx);
        rec->bufs[s] = b;
        rec->caps[s] = cap;
    }
    if (len)
        memcpy(rec->bufs[s], value, len);
    rec->bufs[s][len] = '\0';
    rec->vals[s].s = rec->bufs[s];
    rec->vals[s].n = len;
    rec->vals[s].is_null = 0;
    return MKT_OK;
}

MKT_EXPORT int mkt_record_set_string(mkt_record *rec, const char *field, const char *value,
                                     size_t len)
{
    if (!rec || (!value && len))
        return rec ? mkt__error(rec->ctx, MKT_EINVAL, "mkt_record_set_string: NULL value")
                   : MKT_EINVAL;
    uint32_t s;
    int rc = slot_of(rec, field, &s, "mkt_record_set_string");
    if (rc)
        return rc;
    if (rec->types[s] != MKT_TYPE_STRING)
        return type_error(rec, s, "mkt_record_set_string");
    if (!mkt__utf8_valid(value ? value : "", len))
        return mkt__error(rec->ctx, MKT_EPARSE, "mkt_record_set_string: invalid UTF-8 for '%s'",
                          rec->names[s]);
    return store_string(rec, s, value ? value : "", len);
}

/* Room in slot @s for a list of @n items of @bytes bytes in all. Buffers only grow, so a
 * record reused for many customers stops allocating once it has seen the longest list. */
static int reserve_list(mkt_record *rec, uint32_t s, size_t n, size_t bytes)
{
    if (bytes + 1 > rec->caps[s]) {
        size_t cap = bytes + 1 < 64 ? 64 : bytes + 1;
        char *b = mkt__realloc(rec->ctx, rec->bufs[s], cap);
        if (!b)
            return mkt__oom(rec->ctx);
        if (rec->vals[s].s) /* the current value moved with its buffer */
            rec->vals[s].s = b;
        rec->bufs[s] = b;
        rec->caps[s] = cap;
    }
    if (n + 1 > rec->ocaps[s]) {
        size_t cap = n + 1 < 16 ? 16 : n + 1;
        size_t *o = mkt__reallocarray(rec->ctx, rec->offs[s], cap, sizeof *o);
        if (!o)
            return mkt__oom(rec->ctx);
        if (rec->vals[s].off)
            rec->vals[s].off = o;
        rec->offs[s] = o;
        rec->ocaps[s] = cap;
    }
    rec->offs[s][0] = 0;
    return MKT_OK;
}

/* Append item @k (after reserve_list) and, after the last one, publish the value. */
static void put_item(mkt_record *rec, uint32_t s, size_t k, const char *p, size_t n)
{
    size_t at = rec->offs[s][k];
    if (n)
        memcpy(rec->bufs[s] + at, p, n);
    rec->offs[s][k + 1] = at + n;
}

static void publish_list(mkt_record *rec, uint32_t s, size_t n)
{
    struct mkt__val *v = &rec->vals[s];
    memset(v, 0, sizeof *v);
    v->s = rec->bufs[s];
    v->off = rec->offs[s];
    v->nitems = n;
}

MKT_EXPORT int mkt_record_set_list(mkt_record *rec, const char *field,
                                   const char *const *items, const size_t *lens, size_t n)
{
    static const char fn[] = "mkt_record_set_list";
    if (!rec || (!items && n))
        return rec ? mkt__error(rec->ctx, MKT_EINVAL, "%s: NULL items", fn) : MKT_EINVAL;
    uint32_t s;
    int rc = slot_of(rec, field, &s, fn);
    if (rc)
        return rc;
    if (rec->types[s] != MKT_TYPE_LIST)
        return type_error(rec, s, fn);
    if (n > SIZE_MAX / 2 / sizeof(size_t))
        return mkt__error(rec->ctx, MKT_ETOOBIG, "%s: too many items", fn);
    size_t bytes = 0;
    for (size_t k = 0; k < n; k++) {
        if (!items[k])
            return mkt__error(rec->ctx, MKT_EINVAL, "%s: item %zu of '%s' is NULL", fn, k,
                              rec->names[s]);
        size_t len = lens ? lens[k] : strlen(items[k]);
        if (!mkt__utf8_valid(items[k], len))
            return mkt__error(rec->ctx, MKT_EPARSE, "%s: item %zu of '%s' is not valid UTF-8",
                              fn, k, rec->names[s]);
        if (__builtin_add_overflow(bytes, len, &bytes) || bytes >= SIZE_MAX / 2)
            return mkt__error(rec->ctx, MKT_ETOOBIG, "%s: items too long", fn);
    }
    if ((rc = reserve_list(rec, s, n, bytes)))
        return rc;
    for (size_t k = 0; k < n; k++)
        put_item(rec, s, k, items[k], lens ? lens[k] : strlen(items[k]));
    publish_list(rec, s, n);
    return MKT_OK;
}

/* Copy a table row's list (items in the table's dictionary) into slot @s. */
static int load_list(mkt_record *rec, uint32_t s, const struct mkt__val *v)
{
    size_t bytes = 0, n;
    for (size_t k = 0; k < v->nitems; k++) {
        mkt__val_item(v, k, &n);
        bytes += n;
    }
    int rc = reserve_list(rec, s, v->nitems, bytes);
    if (rc)
        return rc;
    for (size_t k = 0; k < v->nitems; k++) {
        const char *p = mkt__val_item(v, k, &n);
        put_item(rec, s, k, p ? p : "", n);
    }
    publish_list(rec, s, v->nitems);
    return MKT_OK;
}

MKT_EXPORT int mkt_record_set_null(mkt_record *rec, const char *field)
{
    if (!rec)
        return MKT_EINVAL;
    uint32_t s;
    int rc = slot_of(rec, field, &s, "mkt_record_set_null");
    if (rc == MKT_OK)
        rec->vals[s].is_null = 1;
    return rc;
}

MKT_EXPORT int mkt_record_load_row(mkt_record *rec, const mkt_table *t, uint64_t row)
{
    if (!rec || !t)
        return rec ? mkt__error(rec->ctx, MKT_EINVAL, "mkt_record_load_row: NULL argument")
                   : MKT_EINVAL;
    if (row >= mkt__table_rows(t))
        return mkt__error(rec->ctx, MKT_ENOTFOUND, "mkt_record_load_row: no row %llu",
                          (unsigned long long)row);
    uint64_t h = 0;
    for (uint32_t i = 0; i < rec->ncols && i < t->cols.len; i++)
        h = mkt__schema_step(h, t->cols.data[i]->name, t->cols.data[i]->type);
    if (t->cols.len < rec->ncols || rec->prefix[rec->ncols - 1] != h)
        return mkt__error(rec->ctx, MKT_ESTATE, "mkt_record_load_row: the table's columns "
                                                "differ from the record's");
    for (uint32_t i = 0; i < rec->ncols; i++) {
        struct mkt__val v;
        mkt__row_value(t, i, (size_t)row, &v);
        if (rec->types[i] == MKT_TYPE_STRING && !v.is_null) {
            int rc = store_string(rec, i, v.s, v.n);
            if (rc)
                return rc;
        } else if (rec->types[i] == MKT_TYPE_LIST && !v.is_null) {
            int rc = load_list(rec, i, &v);
            if (rc)
                return rc;
        } else {
            rec->vals[i] = v;
        }
    }
    return MKT_OK;
}

/* ---- evaluation entry points ----------------------------------------------------------- */

static int check_record(const mkt_segment *seg, const mkt_record *rec)
{
    if (seg->maxcol < 0)
        return MKT_OK;
    if ((uint32_t)seg->maxcol >= rec->ncols || rec->prefix[seg->maxcol] != seg->schema_hash)
        return mkt__error(rec->ctx, MKT_ESTATE,
                          "the record was made from a schema other than the segment's");
    return MKT_OK;
}

static void record_src(const mkt_segment *seg, mkt_record *rec, struct mkt__src *s)
{
    memset(s, 0, sizeof *s);
    s->ctx = rec->ctx;
    s->rec = rec;
    s->rx.md = rec->md;
    s->rx.mctx = seg->mctx;
}

MKT_EXPORT int mkt_segment_match(const mkt_segment *seg, mkt_record *rec, int32_t *matched)
{
    if (!seg || !rec || !matched)
        return rec ? mkt__error(rec->ctx, MKT_EINVAL, "mkt_segment_match: NULL argument")
                   : MKT_EINVAL;
    int rc = check_record(seg, rec), r = 0;
    if (rc)
        return rc;
    struct mkt__src s;
    record_src(seg, rec, &s);
    if ((rc = mkt__eval_one(seg->root, &s, &r)))
        return rc;
    *matched = r;
    return MKT_OK;
}

static int explain_text(const mkt_segment *seg, struct mkt__src *s, int32_t *matched,
                        char **text)
{
    mkt__buf b;
    mkt__buf_init(&b, s->ctx);
    int r = 0, rc = mkt__explain(seg, s, &b, &r);
    if (rc == MKT_OK) {
        if (!(*text = mkt__caller_alloc(s->ctx, b.len + 1))) {
            rc = mkt__oom(s->ctx);
        } else {
            memcpy(*text, b.data ? b.data : "", b.len);
            (*text)[b.len] = '\0';
            if (matched)
                *matched = r;
        }
    }
    mkt__buf_free(&b);
    return rc;
}

MKT_EXPORT int mkt_segment_explain(const mkt_segment *seg, mkt_record *rec, int32_t *matched,
                                   char **text)
{
    if (!seg || !rec || !text)
        return rec ? mkt__error(rec->ctx, MKT_EINVAL, "mkt_segment_explain: NULL argument")
                   : MKT_EINVAL;
    *text = NULL;
    int rc = check_record(seg, rec);
    if (rc)
        return rc;
    struct mkt__src s;
    record_src(seg, rec, &s);
    return explain_text(seg, &s, matched, text);
}

/* Set up a row source: schema check, row range, regex scratch. */
static int row_src(const mkt_segment *seg, mkt_ctx *ctx, const mkt_table *t, uint64_t row,
                   struct mkt__src *s, pcre2_general_context **gctx)
{
    memset(s, 0, sizeof *s);
    int rc = mkt__segment_check_table(seg, ctx, t);
    if (rc)
        return rc;
    if (row >= mkt__table_rows(t))
        return mkt__error(ctx, MKT_ENOTFOUND, "no row %llu in the table",
                          (unsigned long long)row);
    s->ctx = ctx;
    s->table = t;
    s->row = (size_t)row;
    return mkt__rx_init(seg, ctx, &s->rx, gctx);
}

MKT_EXPORT int mkt_segment_match_row(const mkt_segment *seg, mkt_ctx *ctx, const mkt_table *t,
                                     uint64_t row, int32_t *matched)
{
    if (!seg || !ctx || !t || !matched)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_segment_match_row: NULL argument")
                   : MKT_EINVAL;
    struct mkt__src s;
    pcre2_general_context *gctx = NULL;
    int r = 0, rc = row_src(seg, ctx, t, row, &s, &gctx);
    if (rc == MKT_OK && (rc = mkt__eval_one(seg->root, &s, &r)) == MKT_OK)
        *matched = r;
    mkt__rx_free(&s.rx, gctx);
    return rc;
}

MKT_EXPORT int mkt_segment_explain_row(const mkt_segment *seg, mkt_ctx *ctx, const mkt_table *t,
                                       uint64_t row, int32_t *matched, char **text)
{
    if (!seg || !ctx || !t || !text)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_segment_explain_row: NULL argument")
                   : MKT_EINVAL;
    *text = NULL;
    struct mkt__src s;
    pcre2_general_context *gctx = NULL;
    int rc = row_src(seg, ctx, t, row, &s, &gctx);
    if (rc == MKT_OK)
        rc = explain_text(seg, &s, matched, text);
    mkt__rx_free(&s.rx, gctx);
    return rc;
}

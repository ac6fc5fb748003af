/* SPDX-License-Identifier: MIT */
/*
 * What every CSV loader shares: mapping the header to known columns (any order, duplicates and
 * missing required columns rejected), the width check of each record, and typed field
 * parsers whose errors name the file, line, column, field and the offending value.
 */
#include <string.h>

#include "load-private.h"

int mkt__quote_len(const char *s, size_t n)
{
    if (n <= 60)
        return (int)n;
    n = 60;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--; /* do not cut a multi-byte character */
    return (int)n;
}

int mkt__map_header(mkt__csv *r, const struct mkt__field_spec *spec, size_t n, int *map)
{
    for (size_t k = 0; k < n; k++)
        map[k] = -1;
    for (size_t col = 0; col < r->nheader; col++) {
        const struct mkt__csv_field *h = &r->header[col];
        for (size_t k = 0; k < n; k++) {
            if (strlen(spec[k].name) != h->len || memcmp(spec[k].name, h->ptr, h->len) != 0)
                continue;
            if (map[k] >= 0)
                return mkt__error_at(r->ctx, MKT_EPARSE, r->name, r->line, col + 1, spec[k].name,
                                     "duplicate column in the header");
            map[k] = (int)col;
        }
    }
    for (size_t k = 0; k < n; k++)
        if (spec[k].required && map[k] < 0)
            return mkt__error_at(r->ctx, MKT_EPARSE, r->name, r->line, 0, spec[k].name,
                                 "missing required column '%s'", spec[k].name);
    return MKT_OK;
}

int mkt__check_width(mkt__csv *r)
{
    if (r->nfields == r->nheader)
        return MKT_OK;
    size_t col = r->nfields < r->nheader ? r->nfields : r->nheader;
    return mkt__csv_error(r, MKT_EPARSE, col, "expected %zu fields, found %zu", r->nheader,
                          r->nfields);
}

int mkt__field_missing(mkt__csv *r, int col)
{
    return mkt__csv_error(r, MKT_EPARSE, (size_t)col, "missing value");
}

static int bad_value(mkt__csv *r, int col, int code, const char *what, struct mkt__str s)
{
    return mkt__csv_error(r, code, (size_t)col, "%s '%.*s'", what, mkt__quote_len(s.p, s.n), s.p);
}

int mkt__field_time(mkt__csv *r, int col, int required, const char *what, mkt_time *out)
{
    struct mkt__str s = mkt__field(r, col);
    *out = MKT_NULL_INT64;
    if (!s.p)
        return required ? mkt__field_missing(r, col) : MKT_OK;
    int64_t days;
    if (mkt__date_parse_memo(&r->months[0], s.p, s.n, &days)) { /* a bare date: its midnight */
        *out = days * 86400;
        return MKT_OK;
    }
    if (mkt_time_parse(out, s.p, s.n) != MKT_OK)
        return bad_value(r, col, MKT_EPARSE, what, s);
    return MKT_OK;
}

int mkt__field_date(mkt__csv *r, int col, mkt_date *out)
{
    struct mkt__str s = mkt__field(r, col);
    *out = MKT_NULL_DATE;
    if (!s.p)
        return MKT_OK;
    int64_t days;
    if (!mkt__date_parse_memo(&r->months[1], s.p, s.n, &days))
        return bad_value(r, col, MKT_EPARSE, "invalid date", s);
    *out = (mkt_date)days;
    return MKT_OK;
}

int mkt__field_money(mkt__csv *r, int col, int required, int nonneg, int64_t *out)
{
    struct mkt__str s = mkt__field(r, col);
    *out = MKT_NULL_INT64;
    if (!s.p)
        return required ? mkt__field_missing(r, col) : MKT_OK;
    if (mkt__money_plain(s.p, s.n, 2, out))
        return MKT_OK; /* never negative */
    int rc = mkt_money_parse(out, s.p, s.n, 2);
    if (rc == MKT_ERANGE)
        return bad_value(r, col, MKT_ERANGE, "amount out of range", s);
    if (rc)
        return bad_value(r, col, MKT_EPARSE, "invalid amount (at most 2 decimals)", s);
    if (nonneg && *out < 0)
        return bad_value(r, col, MKT_ERANGE, "negative amount", s);
    return MKT_OK;
}

static int store_int(mkt__csv *r, int col, struct mkt__col *c, uint32_t column, size_t row,
                     struct mkt__str s)
{
    int64_t v;
    uint8_t b;
    int rc;
    switch (c->type) {
    case MKT_TYPE_DATE:
        if (mkt_date_parse(&c->v.i32[row], s.p, s.n) != MKT_OK)
            return bad_value(r, col, MKT_EPARSE, "invalid date", s);
        return MKT_OK;
    case MKT_TYPE_TIME:
        if (mkt_time_parse(&c->v.i64[row], s.p, s.n) != MKT_OK)
            return bad_value(r, col, MKT_EPARSE, "invalid timestamp", s);
        return MKT_OK;
    case MKT_TYPE_BOOL:
        if (mkt__parse_bool(s.p, s.n, &b) != MKT_OK)
            return bad_value(r, col, MKT_EPARSE, "invalid boolean (expected 0 or 1)", s);
        c->v.u8[row] = b;
        return MKT_OK;
    case MKT_TYPE_MONEY:
        rc = mkt_money_parse(&c->v.i64[row], s.p, s.n, 2);
        if (rc)
            return bad_value(r, col, rc == MKT_ERANGE ? MKT_ERANGE : MKT_EPARSE,
                             "invalid amount (at most 2 decimals)", s);
        return MKT_OK;
    default: /* MKT_TYPE_INT */
        rc = mkt__parse_int64(s.p, s.n, &v);
        if (rc)
            return bad_value(r, col, rc, "invalid integer", s);
        if (mkt__col_check_int(column, c->type, v))
            return bad_value(r, col, MKT_ERANGE, "integer out of range", s);
        c->v.i64[row] = v;
        return MKT_OK;
    }
}

int mkt__field_store(mkt__csv *r, int col, struct mkt__col *c, uint32_t column, size_t row)
{
    struct mkt__str s = mkt__field(r, col);
    int rc;
    if (c->type == MKT_TYPE_STRING) {
        rc = mkt__intern_put(c->dict, s.p, s.n, &c->v.u32[row], NULL);
    } else if (c->type == MKT_TYPE_NUMBER) {
        double d;
        rc = mkt__parse_number(s.p, s.n, &d);
        if (rc)
            return bad_value(r, col, rc, "invalid number", s);
        if (mkt__col_check_number(column, d))
            return bad_value(r, col, MKT_ERANGE, "number out of range", s);
        c->v.f64[row] = d;
    } else {
        rc = store_int(r, col, c, column, row, s);
    }
    if (rc == MKT_OK)
        mkt__bitmap_set(&c->valid, row);
    return rc;
}

int mkt__open_for_load(mkt__csv **out, mkt_ctx *ctx, const char *path, int32_t sep,
                       mkt_progress_fn progress, void *progress_data)
{
    struct mkt__csv_options o = {0};
    o.sep = sep;
    o.has_header = 1;
    o.progress = progress;
    o.progress_data = progress_data;
    return mkt__csv_open_file(out, ctx, path, &o);
}

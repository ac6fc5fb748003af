/* SPDX-License-Identifier: MIT */
/*
 * Writing RFM and lifecycle results into read-only columns of the customer table, so that
 * segment rules can name rfm.* and lifecycle.stage like any other field. The names are
 * reserved (mkt_table_add_column() and customers.csv refuse them), so an existing column of
 * that name is one an earlier call made and is reused. Results are matched to rows by customer
 * id, so one computed from a file or from another table applies too (customers the table does
 * not hold are left out). A failure part-way leaves every column of the call null rather than
 * half written.
 */
#include <stdio.h>
#include <string.h>

#include "data/table-private.h"
#include "rfm-private.h"

struct colspec {
    const char *name;
    int32_t type;
};

/* Find or create the derived columns @spec[0..n) into @idx. */
static int columns(mkt_table *t, const struct colspec *spec, size_t n, uint32_t *idx,
                   const char *fn)
{
    size_t first_new = t->cols.len;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(spec[i].name);
        if (mkt__table_column_lookup(t, spec[i].name, len, &idx[i]) == MKT_OK) {
            const struct mkt__col *c = t->cols.data[idx[i]];
            if (c->type == spec[i].type && c->is_derived)
                continue;
            return mkt__error(t->ctx, MKT_EEXIST, "%s: column '%s' exists and is not ours", fn,
                              spec[i].name);
        }
        int rc = mkt__table_add_column(t, spec[i].name, len, spec[i].type, 0, 1, &idx[i]);
        if (rc) {
            while (t->cols.len > first_new)
                mkt__col_free(t->ctx, t->cols.data[--t->cols.len]);
            return rc;
        }
    }
    return MKT_OK;
}

static void clear_all(mkt_table *t, const uint32_t *idx, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mkt__bitmap_fill(&t->cols.data[idx[i]]->valid, 0);
}

static void put_int(mkt_table *t, uint32_t col, uint32_t row, int64_t v)
{
    struct mkt__col *c = t->cols.data[col];
    c->v.i64[row] = v;
    mkt__bitmap_set(&c->valid, row);
}

static int put_str(mkt_table *t, uint32_t col, uint32_t row, const char *s)
{
    struct mkt__col *c = t->cols.data[col];
    uint32_t id;
    int rc = mkt__intern_put(c->dict, s, strlen(s), &id, NULL);
    if (rc)
        return rc == MKT_ENOMEM ? mkt__oom(t->ctx) : rc;
    c->v.u32[row] = id;
    mkt__bitmap_set(&c->valid, row);
    return MKT_OK;
}

/* The table row of result row @i with customer id @id: where the result says when it was
 * computed from this table (the id there matches), else found by id; UINT32_MAX when the
 * table does not hold the customer. */
static uint32_t row_of(const mkt_table *t, uint32_t hint, const char *id, size_t len)
{
    size_t have;
    const char *at = hint < mkt__table_rows(t) ? mkt__table_id(t, hint, &have) : NULL;
    if (at && have == len && memcmp(at, id, len) == 0)
        return hint;
    uint32_t row;
    return mkt__idindex_find(t, id, len, &row) ? row : UINT32_MAX;
}

enum { C_REC, C_FREQ, C_MON, C_R, C_F, C_M, C_CODE, C_SEG, C_PCT, C_N };

static const struct colspec rfm_cols[C_N] = {
    {"rfm.recency", MKT_TYPE_INT}, {"rfm.frequency", MKT_TYPE_INT},
    {"rfm.monetary", MKT_TYPE_MONEY}, {"rfm.r", MKT_TYPE_INT}, {"rfm.f", MKT_TYPE_INT},
    {"rfm.m", MKT_TYPE_INT}, {"rfm.code", MKT_TYPE_STRING}, {"rfm.segment", MKT_TYPE_STRING},
    {"rfm.monetary_percentile", MKT_TYPE_NUMBER},
};

static int put_rfm_row(mkt_table *t, const uint32_t *idx, const mkt_rfm *rfm, size_t i)
{
    const mkt_rfm_facts *f = &rfm->facts[i];
    uint32_t row = row_of(t, rfm->row[i], f->customer_id, f->id_len);
    if (row == UINT32_MAX)
        return MKT_OK; /* a customer the table does not hold */
    const mkt_rfm_score *s = &rfm->score[i];
    put_int(t, idx[C_REC], row, f->recency);
    put_int(t, idx[C_FREQ], row, f->frequency);
    put_int(t, idx[C_MON], row, f->monetary);
    put_int(t, idx[C_R], row, s->r);
    put_int(t, idx[C_F], row, s->f);
    put_int(t, idx[C_M], row, s->m);
    struct mkt__col *pct = t->cols.data[idx[C_PCT]];
    pct->v.f64[row] = rfm->pct[i];
    mkt__bitmap_set(&pct->valid, row);
    char code[16];
    snprintf(code, sizeof code, "%d%d%d", (int)s->r, (int)s->f, (int)s->m);
    int rc = put_str(t, idx[C_CODE], row, code);
    if (rc == MKT_OK && s->segment != MKT_RFM_SEGMENT_NONE)
        rc = put_str(t, idx[C_SEG], row, mkt_rfm_segment_name(s->segment));
    return rc;
}

MKT_EXPORT int mkt_rfm_apply(mkt_table *t, const mkt_rfm *rfm)
{
    if (!t || !rfm)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_rfm_apply: NULL argument") : MKT_EINVAL;
    uint32_t idx[C_N];
    int rc = columns(t, rfm_cols, C_N, idx, "mkt_rfm_apply");
    if (rc)
        return rc;
    clear_all(t, idx, C_N);
    for (size_t i = 0; rc == MKT_OK && i < rfm->n; i++)
        rc = put_rfm_row(t, idx, rfm, i);
    if (rc)
        clear_all(t, idx, C_N);
    return rc;
}

MKT_EXPORT int mkt_lifecycle_apply(mkt_table *t, const mkt_lifecycle *lc)
{
    if (!t || !lc)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_lifecycle_apply: NULL argument")
                 : MKT_EINVAL;
    static const struct colspec spec[1] = {{"lifecycle.stage", MKT_TYPE_STRING}};
    uint32_t idx[1];
    int rc = columns(t, spec, 1, idx, "mkt_lifecycle_apply");
    if (rc)
        return rc;
    clear_all(t, idx, 1);
    /* A customer the result does not name had no booking in it: a prospect. */
    const char *prospect = mkt_lifecycle_stage_name(MKT_STAGE_PROSPECT);
    for (size_t r = 0; rc == MKT_OK && r < mkt__table_rows(t); r++)
        rc = put_str(t, idx[0], (uint32_t)r, prospect);
    for (size_t i = 0; rc == MKT_OK && i < lc->n; i++) {
        const char *id = lc->ids_buf + lc->id_off[i];
        uint32_t row = row_of(t, lc->row[i], id, lc->id_off[i + 1] - lc->id_off[i] - 1);
        if (row != UINT32_MAX)
            rc = put_str(t, idx[0], row, mkt_lifecycle_stage_name(lc->stage[i]));
    }
    if (rc)
        clear_all(t, idx, 1);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * Evaluating compiled leaves on single values. This is the one definition of what every
 * operator means: the single-record and single-row evaluators call it per value, and the batch
 * evaluator calls mkt__str_test() once per distinct string of a column, so the paths cannot
 * disagree. It also holds the tree walk for one record or row, with short-circuit.
 */
#include <string.h>

#include "eval-private.h"
#include "libmarketing/values.h"

static int bytes_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

static int rx_match(const pcre2_code *re, const char *s, size_t n, const struct mkt__rx *rx)
{
    int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, rx->md, rx->mctx);
    if (rc >= 0)
        return 1; /* 0 means "matched, ovector too small", still a match */
    return rc == PCRE2_ERROR_NOMATCH ? 0 : rc;
}

int mkt__str_test(const struct mkt__node *lf, const char *s, size_t n, const struct mkt__rx *rx)
{
    const struct mkt__strlit *l = lf->strs;
    switch (lf->sop) {
    case MKT__S_EQ:
        for (size_t i = 0; i < lf->nstrs; i++) {
            int r = l[i].re ? rx_match(l[i].re, s, n, rx)
                            : (l[i].n == n && memcmp(l[i].s, s, n) == 0);
            if (r)
                return r;
        }
        return 0;
    case MKT__S_LT: return bytes_cmp(s, n, l[0].s, l[0].n) < 0;
    case MKT__S_LE: return bytes_cmp(s, n, l[0].s, l[0].n) <= 0;
    case MKT__S_GT: return bytes_cmp(s, n, l[0].s, l[0].n) > 0;
    case MKT__S_GE: return bytes_cmp(s, n, l[0].s, l[0].n) >= 0;
    case MKT__S_BETWEEN:
        return bytes_cmp(s, n, l[0].s, l[0].n) >= 0 && bytes_cmp(s, n, l[1].s, l[1].n) <= 0;
    case MKT__S_CONTAINS:
        if (l[0].re)
            return rx_match(l[0].re, s, n, rx);
        return l[0].n == 0 || (n >= l[0].n && memmem(s, n, l[0].s, l[0].n) != NULL);
    case MKT__S_STARTS:
        if (l[0].re)
            return rx_match(l[0].re, s, n, rx);
        return n >= l[0].n && memcmp(s, l[0].s, l[0].n) == 0;
    case MKT__S_ENDS:
        if (l[0].re)
            return rx_match(l[0].re, s, n, rx);
        return n >= l[0].n && memcmp(s + n - l[0].n, l[0].s, l[0].n) == 0;
    default:
        return rx_match(l[0].re, s, n, rx);
    }
}

unsigned mkt__anniv_key(mkt_date d)
{
    int32_t y, m, day;
    mkt_date_to_ymd(d, &y, &m, &day);
    return (unsigned)(m * 32 + day);
}

static int in_sorted(const int64_t *set, size_t n, int64_t v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && set[lo] == v;
}

/* A list holds when any item satisfies the string predicate (none for an empty list). */
static int list_test(const struct mkt__node *lf, const struct mkt__val *v,
                     const struct mkt__rx *rx)
{
    for (size_t k = 0; k < v->nitems; k++) {
        size_t n;
        const char *s = mkt__val_item(v, k, &n);
        int r = s ? mkt__str_test(lf, s, n, rx) : 0;
        if (r)
            return r; /* 1, or a regex error */
    }
    return 0;
}

int mkt__leaf_test(const struct mkt__node *lf, const struct mkt__val *v,
                   const struct mkt__rx *rx)
{
    if (lf->leaf == MKT__L_NULL)
        return v->is_null;
    if (lf->leaf == MKT__L_TRUE)
        return 1;
    if (v->is_null || lf->leaf == MKT__L_FALSE)
        return 0; /* every comparison with a null is false */
    switch (lf->leaf) {
    case MKT__L_I64_RANGE: return v->i >= lf->lo && v->i <= lf->hi;
    case MKT__L_I64_SET: return in_sorted(lf->iset, lf->nset, v->i);
    case MKT__L_F64_RANGE: return v->d >= lf->dlo && v->d <= lf->dhi;
    case MKT__L_F64_SET:
        for (size_t i = 0; i < lf->nset; i++)
            if (v->d == lf->dset[i])
                return 1;
        return 0;
    case MKT__L_STR: return mkt__str_test(lf, v->s, v->n, rx);
    case MKT__L_LIST: return list_test(lf, v, rx);
    case MKT__L_ANNIV: {
        unsigned k = mkt__anniv_key((mkt_date)v->i);
        return (int)((lf->anniv[k / 64] >> (k % 64)) & 1);
    }
    default: return 0;
    }
}

int mkt__rx_init(const struct mkt_segment *seg, mkt_ctx *ctx, struct mkt__rx *rx,
                 pcre2_general_context **gctx)
{
    rx->md = NULL;
    rx->mctx = seg->mctx;
    *gctx = NULL;
    if (!seg->uses_regex)
        return MKT_OK;
    if (!(*gctx = mkt__pcre_gctx(ctx)) || !(rx->md = pcre2_match_data_create(1, *gctx))) {
        pcre2_general_context_free(*gctx);
        *gctx = NULL;
        return mkt__oom(ctx);
    }
    return MKT_OK;
}

void mkt__rx_free(struct mkt__rx *rx, pcre2_general_context *gctx)
{
    pcre2_match_data_free(rx->md);
    pcre2_general_context_free(gctx);
    rx->md = NULL;
}

/* ---- the tree walk for one record or row ----------------------------------------------- */

void mkt__row_value(const mkt_table *t, uint32_t col, size_t row, struct mkt__val *v)
{
    const struct mkt__col *c = t->cols.data[col];
    memset(v, 0, sizeof *v);
    if (col == MKT__COL_CUSTOMER_ID) {
        v->s = mkt__table_id(t, row, &v->n);
        return;
    }
    v->is_null = !mkt__bitmap_test(&c->valid, row);
    if (v->is_null)
        return;
    switch (c->type) {
    case MKT_TYPE_STRING: v->s = mkt__intern_str(c->dict, c->v.u32[row], &v->n); break;
    case MKT_TYPE_NUMBER: v->d = c->v.f64[row]; break;
    case MKT_TYPE_DATE: v->i = c->v.i32[row]; break;
    case MKT_TYPE_BOOL: v->i = c->v.u8[row]; break;
    case MKT_TYPE_LIST:
        v->nitems = c->v.span[row].len;
        v->ids = c->items ? c->items + c->v.span[row].off : NULL;
        v->nitems = v->ids ? v->nitems : 0;
        v->dict = c->dict;
        break;
    default: v->i = c->v.i64[row]; break;
    }
    if (c->type == MKT_TYPE_STRING && !v->s)
        v->is_null = 1; /* an id outside the dictionary (never expected) reads as null */
}

static void get_value(const struct mkt__src *s, uint32_t col, struct mkt__val *v)
{
    if (s->rec)
        *v = s->rec->vals[col];
    else
        mkt__row_value(s->table, col, s->row, v);
}

int mkt__eval_one(const struct mkt__node *n, const struct mkt__src *s, int *res)
{
    int rc, r = 0;
    switch (n->kind) {
    case MKT__N_AND:
    case MKT__N_OR: {
        int want = n->kind == MKT__N_OR; /* the value that decides the group */
        for (uint32_t i = 0; i < n->nkids; i++) {
            if ((rc = mkt__eval_one(n->kids[i], s, &r)))
                return rc;
            if (r == want) {
                *res = want;
                return MKT_OK;
            }
        }
        *res = !want;
        return MKT_OK;
    }
    case MKT__N_NOT:
        if ((rc = mkt__eval_one(n->kids[0], s, &r)))
            return rc;
        *res = !r;
        return MKT_OK;
    default: {
        struct mkt__val v;
        get_value(s, n->col, &v);
        r = mkt__leaf_test(n, &v, &s->rx);
        if (r < 0)
            return mkt__regex_fail(s->ctx, r, n);
        *res = r;
        return MKT_OK;
    }
    }
}

/* SPDX-License-Identifier: MIT */
/*
 * Explaining one evaluation: the rule's clauses as an indented outline, each line starting
 * with "yes" or "no", conditions followed by the value they saw. Every clause is shown (no
 * short-circuit), so the reader sees why a customer is in or out, not just the first reason.
 */
#include <stdio.h>
#include <string.h>

#include "eval-private.h"
#include "libmarketing/values.h"

static int put_quoted(mkt__buf *b, const char *s, size_t n)
{
    int rc = mkt__buf_putc(b, '\'');
    for (size_t i = 0; i < n && rc == MKT_OK; i++)
        rc = s[i] == '\'' ? mkt__buf_appends(b, "''") : mkt__buf_putc(b, s[i]);
    return rc ? rc : mkt__buf_putc(b, '\'');
}

/* A list as the rule language writes one: ('A', 'B'); () when empty. */
static int put_list(mkt__buf *b, const struct mkt__val *v)
{
    int rc = mkt__buf_putc(b, '(');
    for (size_t k = 0; k < v->nitems && rc == MKT_OK; k++) {
        size_t n;
        const char *s = mkt__val_item(v, k, &n);
        if (k && (rc = mkt__buf_appends(b, ", ")))
            break;
        rc = s ? put_quoted(b, s, n) : mkt__buf_appends(b, "null");
    }
    return rc ? rc : mkt__buf_putc(b, ')');
}

static int put_value(mkt__buf *b, const struct mkt__node *lf, const struct mkt__val *v)
{
    char tmp[64];
    if (v->is_null)
        return mkt__buf_appends(b, "null");
    switch (lf->type) {
    case MKT_TYPE_STRING: return put_quoted(b, v->s, v->n);
    case MKT_TYPE_LIST: return put_list(b, v);
    case MKT_TYPE_NUMBER: return mkt__buf_appendf(b, "%.15g", v->d);
    case MKT_TYPE_BOOL: return mkt__buf_appends(b, v->i ? "true" : "false");
    case MKT_TYPE_MONEY:
        if (mkt_money_format(v->i, 2, tmp, sizeof tmp))
            break;
        return mkt__buf_appends(b, tmp);
    case MKT_TYPE_DATE:
        if (mkt_date_format((mkt_date)v->i, tmp, sizeof tmp))
            break;
        return mkt__buf_appends(b, tmp);
    case MKT_TYPE_TIME:
        if (mkt_time_format(v->i, tmp, sizeof tmp))
            break;
        return mkt__buf_appends(b, tmp);
    default:
        break;
    }
    return mkt__buf_appendf(b, "%lld", (long long)v->i);
}

static int explain_node(const struct mkt__node *n, const struct mkt__src *s, mkt__buf *b,
                        unsigned depth)
{
    int r = 0, rc = mkt__eval_one(n, s, &r);
    if (rc)
        return rc;
    const struct mkt_rule *src = n->src;
    if (src && (rc = mkt__buf_appendf(b, "%*s%s ", (int)(depth * 2), "", r ? "yes" : "no ")))
        return rc;
    if (src && src->kind == MKT_RULE_CONDITION) {
        const struct mkt__node *lf = n->kind == MKT__N_LEAF ? n : n->kids[0];
        struct mkt__val v;
        if (s->rec)
            v = s->rec->vals[lf->col];
        else
            mkt__row_value(s->table, lf->col, s->row, &v);
        if ((rc = mkt__format_clause(b, src)) || (rc = mkt__buf_appendf(b, "  [%s = ",
                                                                          src->field)) ||
            (rc = put_value(b, lf, &v)))
            return rc;
        return mkt__buf_appends(b, "]\n");
    }
    if (src) {
        if (src->kind == MKT_RULE_SEGMENT)
            rc = mkt__format_clause(b, src);
        else
            rc = mkt__buf_appends(b, src->kind == MKT_RULE_AND  ? "and"
                                     : src->kind == MKT_RULE_OR ? "or"
                                                                : "not");
        if (rc || (rc = mkt__buf_putc(b, '\n')))
            return rc;
        depth++;
    }
    for (uint32_t i = 0; i < n->nkids && rc == MKT_OK; i++)
        rc = explain_node(n->kids[i], s, b, depth);
    return rc;
}

int mkt__explain(const struct mkt_segment *seg, const struct mkt__src *s, mkt__buf *b, int *res)
{
    int rc = mkt__eval_one(seg->root, s, res);
    return rc ? rc : explain_node(seg->root, s, b, 0);
}

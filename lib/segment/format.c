/* SPDX-License-Identifier: MIT */
/*
 * Printing rules in normalized form: lower-case keywords, single-quoted strings ('' for a
 * quote), values as parsed, one space around operators, parentheses only where the grammar
 * needs them (an `or` inside an `and`, an `and`/`or` under `not`). Because the parser
 * flattens nested and/or the same way, parse(format(rule)) equals rule.
 */
#include <inttypes.h>
#include <string.h>

#include "segment-private.h"

static int put_quoted(mkt__buf *b, const char *s, size_t n, char q)
{
    int rc = mkt__buf_putc(b, q);
    for (size_t i = 0; i < n && rc == MKT_OK; i++) {
        if (s[i] == q)
            rc = mkt__buf_putc(b, q);
        if (rc == MKT_OK)
            rc = mkt__buf_putc(b, s[i]);
    }
    return rc ? rc : mkt__buf_putc(b, q);
}

static int put_days(mkt__buf *b, int64_t n)
{
    return mkt__buf_appendf(b, "%" PRId64 " %s", n, n == 1 ? "day" : "days");
}

static int put_value(mkt__buf *b, const struct mkt__lit *v)
{
    switch (v->kind) {
    case MKT_VALUE_STRING:
        return put_quoted(b, v->text, v->len, '\'');
    case MKT_VALUE_DECIMAL:
        return mkt__buf_append(b, v->text, v->len);
    case MKT_VALUE_BOOL:
        return mkt__buf_appends(b, v->i ? "true" : "false");
    case MKT_VALUE_TODAY:
        if (v->i == 0)
            return mkt__buf_appends(b, "today");
        {
            int rc = mkt__buf_appends(b, v->i < 0 ? "today - " : "today + ");
            /* -INT64_MIN cannot happen: offsets are bounded by the builder and parser */
            return rc ? rc : put_days(b, v->i < 0 ? -v->i : v->i);
        }
    default:
        return mkt__buf_appendf(b, "%" PRId64, v->i);
    }
}

static int put_field(mkt__buf *b, const char *f)
{
    size_t n = strlen(f);
    /* A bare word could be a keyword; only dotted paths print unquoted. */
    return mkt__field_plain(f, n) && memchr(f, '.', n) ? mkt__buf_append(b, f, n)
                                                       : put_quoted(b, f, n, '"');
}

static int put_values(mkt__buf *b, const struct mkt_rule *r)
{
    int rc = MKT_OK;
    switch (r->op) {
    case MKT_OP_IN:
    case MKT_OP_NOT_IN:
        rc = mkt__buf_appends(b, " (");
        for (size_t i = 0; i < r->nvals && rc == MKT_OK; i++) {
            if (i)
                rc = mkt__buf_appends(b, ", ");
            if (rc == MKT_OK)
                rc = put_value(b, &r->vals[i]);
        }
        return rc ? rc : mkt__buf_putc(b, ')');
    case MKT_OP_BETWEEN:
    case MKT_OP_NOT_BETWEEN:
        if ((rc = mkt__buf_putc(b, ' ')) || (rc = put_value(b, &r->vals[0])) ||
            (rc = mkt__buf_appends(b, " and ")))
            return rc;
        return put_value(b, &r->vals[1]);
    case MKT_OP_WITHIN_LAST:
    case MKT_OP_WITHIN_NEXT:
    case MKT_OP_ANNIVERSARY_NEXT:
        return (rc = mkt__buf_putc(b, ' ')) ? rc : put_days(b, r->vals[0].i);
    default:
        for (size_t i = 0; i < r->nvals && rc == MKT_OK; i++)
            if ((rc = mkt__buf_putc(b, ' ')) == MKT_OK)
                rc = put_value(b, &r->vals[i]);
        return rc;
    }
}

int mkt__format_clause(mkt__buf *b, const struct mkt_rule *r)
{
    int rc;
    if (r->kind == MKT_RULE_SEGMENT)
        return (rc = mkt__buf_appends(b, "in segment ")) ? rc
                                                         : put_quoted(b, r->field,
                                                                      strlen(r->field), '\'');
    int bday = strcmp(r->field, "customer.date_of_birth") == 0 &&
               (r->op == MKT_OP_ANNIVERSARY_NEXT || r->op == MKT_OP_ANNIVERSARY_MONTH);
    const char *op = mkt_rule_op_name(r->op);
    if (bday)
        rc = mkt__buf_appendf(b, "birthday%s", op + strlen("anniversary"));
    else if ((rc = put_field(b, r->field)) == MKT_OK)
        rc = mkt__buf_appendf(b, " %s", op);
    if (rc == MKT_OK)
        rc = put_values(b, r);
    if (rc == MKT_OK && r->flags)
        rc = mkt__buf_appends(b, r->flags & MKT_RULE_CI ? " ci" : " cs");
    return rc;
}

static int put_kid(mkt__buf *b, const struct mkt_rule *k, int paren)
{
    int rc = MKT_OK;
    if (paren && (rc = mkt__buf_putc(b, '(')))
        return rc;
    if ((rc = mkt__format_rule(b, k)))
        return rc;
    return paren ? mkt__buf_putc(b, ')') : MKT_OK;
}

int mkt__format_rule(mkt__buf *b, const struct mkt_rule *r)
{
    int rc = MKT_OK;
    switch (r->kind) {
    case MKT_RULE_AND:
    case MKT_RULE_OR:
        for (size_t i = 0; i < r->nkids && rc == MKT_OK; i++) {
            if (i)
                rc = mkt__buf_appends(b, r->kind == MKT_RULE_AND ? " and " : " or ");
            if (rc == MKT_OK)
                rc = put_kid(b, r->kids[i], r->kind == MKT_RULE_AND &&
                                                r->kids[i]->kind == MKT_RULE_OR);
        }
        return rc;
    case MKT_RULE_NOT:
        if ((rc = mkt__buf_appends(b, "not ")))
            return rc;
        return put_kid(b, r->kids[0], r->kids[0]->kind == MKT_RULE_AND ||
                                          r->kids[0]->kind == MKT_RULE_OR);
    default:
        return mkt__format_clause(b, r);
    }
}

MKT_EXPORT int mkt_rule_format(const mkt_rule *rule, mkt_ctx *ctx, char **out)
{
    if (!rule || !ctx || !out)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_rule_format: NULL argument") : MKT_EINVAL;
    *out = NULL;
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    int rc = mkt__format_rule(&b, rule);
    if (rc == MKT_OK) {
        char *s = mkt__caller_alloc(ctx, b.len + 1);
        if (!s) {
            rc = mkt__oom(ctx);
        } else {
            memcpy(s, b.data ? b.data : "", b.len);
            s[b.len] = '\0';
            *out = s;
        }
    }
    mkt__buf_free(&b);
    return rc;
}

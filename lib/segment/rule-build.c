/* SPDX-License-Identifier: MIT */
/*
 * The C builders of rules (the seed's SegmentCriteria shape: logic + {field, operator,
 * values}, nestable) and the read accessors. Values are validated and normalized here exactly
 * as the parser normalizes text (a date becomes its 'YYYY-MM-DD' string, a decimal without a
 * fraction becomes an integer), so building and parsing give equal trees.
 */
#include <string.h>

#include "data/csv-private.h"
#include "libmarketing/values.h"
#include "segment-private.h"

int mkt__lit_number(mkt_ctx *ctx, const char *s, size_t n, struct mkt__lit *out)
{
    size_t i = (n && s[0] == '-') ? 1 : 0, digits = 0, point = 0;
    for (; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else if (s[i] == '.' && !point && digits && i + 1 < n)
            point = i;
        else
            return MKT_EPARSE;
    }
    if (!digits)
        return MKT_EPARSE;
    memset(out, 0, sizeof *out);
    if (!point) {
        int64_t v = 0;
        int ok = 1;
        for (i = s[0] == '-'; i < n && ok; i++)
            ok = !__builtin_mul_overflow(v, 10, &v) &&
                 !__builtin_add_overflow(v, (s[0] == '-' ? -1 : 1) * (s[i] - '0'), &v);
        if (ok) {
            out->kind = MKT_VALUE_INT;
            out->i = v;
            return MKT_OK;
        }
    }
    out->kind = MKT_VALUE_DECIMAL;
    out->text = mkt__strndup(ctx, s, n);
    out->len = n;
    return out->text ? MKT_OK : mkt__oom(ctx);
}

static int bad(mkt_ctx *ctx, const char *what)
{
    return mkt__error(ctx, MKT_EINVAL, "mkt_rule_condition: %s", what);
}

/* Convert one caller value into a literal of the tree (normalized). */
static int take_value(mkt_ctx *ctx, const mkt_rule_value *v, struct mkt__lit *out)
{
    memset(out, 0, sizeof *out);
    if (!v || v->struct_size < offsetof(mkt_rule_value, integer) + sizeof v->integer)
        return bad(ctx, "value without struct_size");
    switch (v->kind) {
    case MKT_VALUE_STRING:
        if (!v->text && v->len)
            return bad(ctx, "NULL string value");
        if (memchr(v->text ? v->text : "", '\0', v->len) || !mkt__utf8_valid(v->text, v->len))
            return bad(ctx, "string value is not valid UTF-8 text");
        out->kind = MKT_VALUE_STRING;
        out->len = v->len;
        out->text = mkt__strndup(ctx, v->text ? v->text : "", v->len);
        return out->text ? MKT_OK : mkt__oom(ctx);
    case MKT_VALUE_DECIMAL: {
        int rc = v->text ? mkt__lit_number(ctx, v->text, v->len, out) : MKT_EPARSE;
        return rc == MKT_EPARSE ? bad(ctx, "decimal value is not -digits[.digits]") : rc;
    }
    case MKT_VALUE_INT:
    case MKT_VALUE_TODAY:
        out->kind = v->kind;
        out->i = v->integer;
        if (v->kind == MKT_VALUE_TODAY && (v->integer > 3660000 || v->integer < -3660000))
            return bad(ctx, "today offset out of range");
        return MKT_OK;
    case MKT_VALUE_BOOL:
        if (v->integer != 0 && v->integer != 1)
            return bad(ctx, "bool value must be 0 or 1");
        out->kind = MKT_VALUE_BOOL;
        out->i = v->integer;
        return MKT_OK;
    case MKT_VALUE_DATE: {
        char buf[16];
        if (v->integer < INT32_MIN + 1 || v->integer > INT32_MAX ||
            mkt_date_format((mkt_date)v->integer, buf, sizeof buf))
            return bad(ctx, "date value out of range");
        out->kind = MKT_VALUE_STRING;
        out->len = strlen(buf);
        out->text = mkt__strdup(ctx, buf);
        return out->text ? MKT_OK : mkt__oom(ctx);
    }
    default:
        return bad(ctx, "unknown value kind");
    }
}

static int op_takes_ci(int32_t op)
{
    return op == MKT_OP_EQ || op == MKT_OP_NE || op == MKT_OP_IN || op == MKT_OP_NOT_IN ||
           (op >= MKT_OP_CONTAINS && op <= MKT_OP_NOT_MATCHES);
}

int mkt__check_condition(mkt_ctx *ctx, int32_t op, size_t nvalues, int32_t flags)
{
    int arity = mkt__op_arity(op);
    if (arity == -2)
        return bad(ctx, "unknown operator");
    if ((arity >= 0 && nvalues != (size_t)arity) || (arity == -1 && nvalues == 0))
        return bad(ctx, "wrong number of values for the operator");
    if ((flags & ~(MKT_RULE_CI | MKT_RULE_CS)) || flags == (MKT_RULE_CI | MKT_RULE_CS))
        return bad(ctx, "bad flags");
    if (flags && !op_takes_ci(op))
        return bad(ctx, "ci/cs apply to =, !=, in, contains, starts with, ends with, matches");
    return MKT_OK;
}

static int check_kinds(mkt_ctx *ctx, const struct mkt_rule *r)
{
    for (size_t i = 0; i < r->nvals; i++) {
        int32_t k = r->vals[i].kind;
        if ((r->op == MKT_OP_MATCHES || r->op == MKT_OP_NOT_MATCHES) && k != MKT_VALUE_STRING)
            return bad(ctx, "matches takes a string pattern");
        if (r->op >= MKT_OP_WITHIN_LAST && (k != MKT_VALUE_INT || r->vals[i].i < 0 ||
                                            r->vals[i].i > 36600))
            return bad(ctx, "a day count must be an integer 0..36600");
    }
    return MKT_OK;
}

MKT_EXPORT int mkt_rule_condition(mkt_rule **out, mkt_ctx *ctx, const char *field, int32_t op,
                                  const mkt_rule_value *values, size_t nvalues, int32_t flags)
{
    if (!out || !ctx || !field || (nvalues && !values))
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_rule_condition: NULL argument")
                   : MKT_EINVAL;
    *out = NULL;
    size_t flen = strlen(field);
    if (flen == 0 || memchr(field, '\n', flen) || !mkt__utf8_valid(field, flen))
        return bad(ctx, "bad field name");
    int rc = mkt__check_condition(ctx, op, nvalues, flags);
    if (rc)
        return rc;
    struct mkt_rule *r = mkt__rule_alloc(ctx, MKT_RULE_CONDITION);
    if (!r)
        return MKT_ENOMEM;
    r->op = op;
    r->flags = flags;
    const char *alias = mkt__field_alias(field, flen);
    r->field = mkt__strdup(ctx, alias ? alias : field);
    if (!r->field) {
        mkt_rule_free(r);
        return mkt__oom(ctx);
    }
    if (nvalues && !(r->vals = mkt__calloc(ctx, nvalues, sizeof *r->vals))) {
        mkt_rule_free(r);
        return mkt__oom(ctx);
    }
    for (size_t i = 0; i < nvalues; i++, r->nvals++) {
        if ((rc = take_value(ctx, &values[i], &r->vals[i]))) {
            mkt_rule_free(r);
            return rc;
        }
    }
    if ((rc = check_kinds(ctx, r))) {
        mkt_rule_free(r);
        return rc;
    }
    *out = r;
    return MKT_OK;
}

static int group(mkt_rule **out, mkt_ctx *ctx, const mkt_rule *const *children, size_t n,
                 int32_t kind, const char *fn)
{
    if (!out || !ctx || !children || n == 0)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "%s: NULL argument or no children", fn)
                   : MKT_EINVAL;
    *out = NULL;
    for (size_t i = 0; i < n; i++)
        if (!children[i])
            return mkt__error(ctx, MKT_EINVAL, "%s: child %zu is NULL", fn, i);
    struct mkt_rule **kids = mkt__calloc(ctx, n, sizeof *kids);
    if (!kids)
        return mkt__oom(ctx);
    for (size_t i = 0; i < n; i++) {
        if (!(kids[i] = mkt__rule_dup(ctx, children[i]))) {
            for (size_t j = 0; j < i; j++)
                mkt_rule_free(kids[j]);
            mkt__free(ctx, kids);
            return MKT_ENOMEM;
        }
    }
    int rc = mkt__rule_group(ctx, kind, kids, n, out);
    mkt__free(ctx, kids);
    return rc;
}

MKT_EXPORT int mkt_rule_and(mkt_rule **out, mkt_ctx *ctx, const mkt_rule *const *children,
                            size_t n)
{
    return group(out, ctx, children, n, MKT_RULE_AND, "mkt_rule_and");
}

MKT_EXPORT int mkt_rule_or(mkt_rule **out, mkt_ctx *ctx, const mkt_rule *const *children,
                           size_t n)
{
    return group(out, ctx, children, n, MKT_RULE_OR, "mkt_rule_or");
}

MKT_EXPORT int mkt_rule_not(mkt_rule **out, mkt_ctx *ctx, const mkt_rule *child)
{
    if (!out || !ctx || !child)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_rule_not: NULL argument") : MKT_EINVAL;
    *out = NULL;
    struct mkt_rule *n = mkt__rule_alloc(ctx, MKT_RULE_NOT);
    if (!n || !(n->kids = mkt__calloc(ctx, 1, sizeof *n->kids)) ||
        !(n->kids[0] = mkt__rule_dup(ctx, child))) {
        mkt_rule_free(n);
        return n ? mkt__oom(ctx) : MKT_ENOMEM;
    }
    n->nkids = 1;
    *out = n;
    return MKT_OK;
}

MKT_EXPORT int mkt_rule_segment_ref(mkt_rule **out, mkt_ctx *ctx, const char *name)
{
    if (!out || !ctx || !name)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_rule_segment_ref: NULL argument")
                   : MKT_EINVAL;
    *out = NULL;
    size_t n = strlen(name);
    if (n == 0 || !mkt__utf8_valid(name, n))
        return mkt__error(ctx, MKT_EINVAL, "mkt_rule_segment_ref: bad segment name");
    struct mkt_rule *r = mkt__rule_alloc(ctx, MKT_RULE_SEGMENT);
    if (!r || !(r->field = mkt__strdup(ctx, name))) {
        mkt_rule_free(r);
        return r ? mkt__oom(ctx) : MKT_ENOMEM;
    }
    *out = r;
    return MKT_OK;
}

MKT_EXPORT int32_t mkt_rule_kind_get(const mkt_rule *r)
{
    return r ? r->kind : 0;
}

MKT_EXPORT size_t mkt_rule_child_count(const mkt_rule *r)
{
    return r ? r->nkids : 0;
}

MKT_EXPORT const mkt_rule *mkt_rule_child(const mkt_rule *r, size_t index)
{
    return r && index < r->nkids ? r->kids[index] : NULL;
}

MKT_EXPORT const char *mkt_rule_field(const mkt_rule *r)
{
    return r ? r->field : NULL;
}

MKT_EXPORT int32_t mkt_rule_op_get(const mkt_rule *r)
{
    return r && r->kind == MKT_RULE_CONDITION ? r->op : 0;
}

MKT_EXPORT int32_t mkt_rule_flags(const mkt_rule *r)
{
    return r ? r->flags : 0;
}

MKT_EXPORT size_t mkt_rule_value_count(const mkt_rule *r)
{
    return r ? r->nvals : 0;
}

MKT_EXPORT int mkt_rule_value_get(const mkt_rule *r, size_t index, mkt_rule_value *out)
{
    if (!r || !out)
        return MKT_EINVAL;
    if (index >= r->nvals)
        return MKT_ENOTFOUND;
    const struct mkt__lit *l = &r->vals[index];
    out->struct_size = sizeof *out;
    out->kind = l->kind;
    out->text = l->text;
    out->len = l->len;
    out->integer = l->i;
    return MKT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * The rule syntax tree: allocation, deep copy, structural equality, the C builders
 * (conditions, and/or/not, segment references), read accessors for bindings and the XML
 * loader, operator names, and the documented field aliases of the seed's example. Builders
 * normalize as the parser does (aliases replaced, nested and/or flattened) so that a rule built
 * in C prints and re-parses to an equal rule.
 */
#include <string.h>

#include "segment-private.h"

static const struct {
    const char *alias, *field;
} aliases[] = {
    {"customer.totalSpend", "booking.spend_total"},
    {"booking.frequency", "booking.count_12m"},
    {"booking.cabinClass", "booking.preferred_cabin"},
    {"customer.rfmSegment", "rfm.segment"},
};

const char *mkt__field_alias(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strlen(aliases[i].alias) == len && memcmp(aliases[i].alias, name, len) == 0)
            return aliases[i].field;
    return NULL;
}

static int ident_char(char c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

int mkt__field_plain(const char *s, size_t n)
{
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.' && !first && i + 1 < n) {
            first = 1;
            continue;
        }
        if (!ident_char(s[i], first))
            return 0;
        first = 0;
    }
    return n > 0 && !first;
}

static const struct {
    int32_t op;
    const char *text;
    const char *snake;
    int arity;
} ops[] = {
    {MKT_OP_EQ, "=", "equals", 1},
    {MKT_OP_NE, "!=", "not_equals", 1},
    {MKT_OP_LT, "<", "less_than", 1},
    {MKT_OP_LE, "<=", "less_than_or_equal", 1},
    {MKT_OP_GT, ">", "greater_than", 1},
    {MKT_OP_GE, ">=", "greater_than_or_equal", 1},
    {MKT_OP_IN, "in", "in", -1},
    {MKT_OP_NOT_IN, "not in", "not_in", -1},
    {MKT_OP_BETWEEN, "between", "between", 2},
    {MKT_OP_NOT_BETWEEN, "not between", "not_between", 2},
    {MKT_OP_CONTAINS, "contains", "contains", 1},
    {MKT_OP_NOT_CONTAINS, "not contains", "not_contains", 1},
    {MKT_OP_STARTS_WITH, "starts with", "starts_with", 1},
    {MKT_OP_NOT_STARTS_WITH, "not starts with", "not_starts_with", 1},
    {MKT_OP_ENDS_WITH, "ends with", "ends_with", 1},
    {MKT_OP_NOT_ENDS_WITH, "not ends with", "not_ends_with", 1},
    {MKT_OP_MATCHES, "matches", "matches", 1},
    {MKT_OP_NOT_MATCHES, "not matches", "not_matches", 1},
    {MKT_OP_IS_NULL, "is null", "is_null", 0},
    {MKT_OP_IS_NOT_NULL, "is not null", "is_not_null", 0},
    {MKT_OP_WITHIN_LAST, "within last", "within_last", 1},
    {MKT_OP_WITHIN_NEXT, "within next", "within_next", 1},
    {MKT_OP_ANNIVERSARY_NEXT, "anniversary within next", "anniversary_within_next", 1},
    {MKT_OP_ANNIVERSARY_MONTH, "anniversary this month", "anniversary_this_month", 0},
};

int mkt__op_arity(int32_t op)
{
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (ops[i].op == op)
            return ops[i].arity;
    return -2;
}

MKT_EXPORT const char *mkt_rule_op_name(int32_t op)
{
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (ops[i].op == op)
            return ops[i].text;
    return NULL;
}

/* Compare ignoring ASCII case, with runs of spaces in @name matching one space. */
static int name_eq(const char *name, const char *canon)
{
    while (*name == ' ')
        name++;
    while (*canon) {
        char a = *name, b = *canon;
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != b)
            return 0;
        name++;
        canon++;
        if (b == ' ')
            while (*name == ' ')
                name++;
    }
    while (*name == ' ')
        name++;
    return *name == '\0';
}

MKT_EXPORT int mkt_rule_op_from_name(const char *name, int32_t *op)
{
    if (!name || !op)
        return MKT_EINVAL;
    static const struct {
        const char *name;
        int32_t op;
    } extra[] = {{"==", MKT_OP_EQ}, {"<>", MKT_OP_NE}, {"eq", MKT_OP_EQ}, {"ne", MKT_OP_NE},
                 {"lt", MKT_OP_LT}, {"lte", MKT_OP_LE}, {"gt", MKT_OP_GT}, {"gte", MKT_OP_GE}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (name_eq(name, ops[i].text) || name_eq(name, ops[i].snake)) {
            *op = ops[i].op;
            return MKT_OK;
        }
    }
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        if (name_eq(name, extra[i].name)) {
            *op = extra[i].op;
            return MKT_OK;
        }
    }
    return MKT_ENOTFOUND;
}

struct mkt_rule *mkt__rule_alloc(mkt_ctx *ctx, int32_t kind)
{
    struct mkt_rule *r = mkt__calloc(ctx, 1, sizeof *r);
    if (!r) {
        mkt__oom(ctx);
        return NULL;
    }
    r->ctx = ctx;
    r->kind = kind;
    return r;
}

MKT_EXPORT void mkt_rule_free(mkt_rule *r)
{
    if (!r)
        return;
    mkt_ctx *ctx = r->ctx;
    for (size_t i = 0; i < r->nkids; i++)
        mkt_rule_free(r->kids[i]);
    mkt__free(ctx, r->kids);
    for (size_t i = 0; i < r->nvals; i++)
        mkt__free(ctx, r->vals[i].text);
    mkt__free(ctx, r->vals);
    mkt__free(ctx, r->field);
    mkt__free(ctx, r->source);
    mkt__free(ctx, r);
}

static int dup_vals(mkt_ctx *ctx, struct mkt_rule *d, const struct mkt__lit *vals, size_t n)
{
    if (n == 0)
        return MKT_OK;
    d->vals = mkt__calloc(ctx, n, sizeof *d->vals);
    if (!d->vals)
        return mkt__oom(ctx);
    d->nvals = n;
    for (size_t i = 0; i < n; i++) {
        d->vals[i] = vals[i];
        d->vals[i].text = NULL;
        if (vals[i].text && !(d->vals[i].text = mkt__strndup(ctx, vals[i].text, vals[i].len)))
            return mkt__oom(ctx);
    }
    return MKT_OK;
}

struct mkt_rule *mkt__rule_dup(mkt_ctx *ctx, const struct mkt_rule *r)
{
    struct mkt_rule *d = mkt__rule_alloc(ctx, r->kind);
    if (!d)
        return NULL;
    d->line = r->line;
    d->col = r->col;
    d->op_line = r->op_line;
    d->op_col = r->op_col;
    d->op = r->op;
    d->flags = r->flags;
    if ((r->field && !(d->field = mkt__strdup(ctx, r->field))) ||
        (r->source && !(d->source = mkt__strdup(ctx, r->source))))
        goto oom;
    if (dup_vals(ctx, d, r->vals, r->nvals))
        goto fail;
    if (r->nkids) {
        if (!(d->kids = mkt__calloc(ctx, r->nkids, sizeof *d->kids)))
            goto oom;
        for (size_t i = 0; i < r->nkids; i++, d->nkids++)
            if (!(d->kids[i] = mkt__rule_dup(ctx, r->kids[i])))
                goto fail;
    }
    return d;
oom:
    mkt__oom(ctx);
fail:
    mkt_rule_free(d);
    return NULL;
}

int mkt__rule_group(mkt_ctx *ctx, int32_t kind, struct mkt_rule **kids, size_t n,
                    struct mkt_rule **out)
{
    if (n == 1) {
        *out = kids[0];
        return MKT_OK;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += kids[i]->kind == kind ? kids[i]->nkids : 1;
    struct mkt_rule *g = mkt__rule_alloc(ctx, kind);
    struct mkt_rule **k = g ? mkt__calloc(ctx, total, sizeof *k) : NULL;
    if (!k) {
        if (g)
            mkt__free(ctx, g);
        for (size_t i = 0; i < n; i++)
            mkt_rule_free(kids[i]);
        return mkt__oom(ctx);
    }
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (kids[i]->kind == kind) {
            for (size_t c = 0; c < kids[i]->nkids; c++)
                k[j++] = kids[i]->kids[c];
            kids[i]->nkids = 0;
            mkt_rule_free(kids[i]);
        } else {
            k[j++] = kids[i];
        }
    }
    g->kids = k;
    g->nkids = total;
    g->line = k[0]->line;
    g->col = k[0]->col;
    *out = g;
    return MKT_OK;
}

static int lit_equal(const struct mkt__lit *a, const struct mkt__lit *b)
{
    if (a->kind != b->kind || a->i != b->i || a->len != b->len)
        return 0;
    return a->len == 0 || memcmp(a->text, b->text, a->len) == 0;
}

MKT_EXPORT int32_t mkt_rule_equal(const mkt_rule *a, const mkt_rule *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind || a->op != b->op || a->flags != b->flags ||
        a->nkids != b->nkids || a->nvals != b->nvals)
        return 0;
    if ((a->field == NULL) != (b->field == NULL) || (a->field && strcmp(a->field, b->field)))
        return 0;
    for (size_t i = 0; i < a->nvals; i++)
        if (!lit_equal(&a->vals[i], &b->vals[i]))
            return 0;
    for (size_t i = 0; i < a->nkids; i++)
        if (!mkt_rule_equal(a->kids[i], b->kids[i]))
            return 0;
    return 1;
}

MKT_EXPORT int mkt_rule_copy(mkt_rule **out, mkt_ctx *ctx, const mkt_rule *rule)
{
    if (!out || !ctx || !rule)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_rule_copy: NULL argument") : MKT_EINVAL;
    *out = mkt__rule_dup(ctx, rule);
    return *out ? MKT_OK : MKT_ENOMEM;
}

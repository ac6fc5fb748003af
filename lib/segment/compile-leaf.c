/* SPDX-License-Identifier: MIT */
/*
 * Compiling one condition: checking that the operator and literals suit the column's type and
 * converting the literals once into the column's own representation, so that evaluation only
 * compares machine values. Integer-like columns (INT, MONEY in minor units, DATE, TIME) turn
 * every comparison into an inclusive range [lo, hi]: a literal that is not a whole number of
 * the column's unit becomes the exact bound (x >= 2.5 on an INT is x >= 3), and a day literal
 * on a TIME column is the whole UTC day. Negated operators become NOT over the positive leaf.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compile-private.h"
#include "libmarketing/values.h"

/* A literal on an integer domain: cl = ceil(min), fl = floor(max); cl > fl: no integer. */
struct ival {
    int64_t cl, fl;
};

static const char *type_name(int32_t type)
{
    switch (type) {
    case MKT_TYPE_STRING: return "a text field";
    case MKT_TYPE_INT: return "an integer field";
    case MKT_TYPE_NUMBER: return "a number field";
    case MKT_TYPE_MONEY: return "a money field";
    case MKT_TYPE_DATE: return "a date field";
    case MKT_TYPE_TIME: return "a timestamp field";
    case MKT_TYPE_BOOL: return "a true/false field";
    case MKT_TYPE_LIST: return "a list field";
    default: return "a field of an unsupported type";
    }
}

static const char *type_expects(int32_t type)
{
    switch (type) {
    case MKT_TYPE_STRING:
    case MKT_TYPE_LIST: return "a quoted string";
    case MKT_TYPE_INT: return "an integer";
    case MKT_TYPE_NUMBER: return "a number";
    case MKT_TYPE_MONEY: return "an amount in major units such as 5000 or 49.99";
    case MKT_TYPE_DATE: return "a date 'YYYY-MM-DD' or today";
    case MKT_TYPE_TIME: return "a date 'YYYY-MM-DD', a timestamp or today";
    default: return "true or false";
    }
}

static int lit_type_error(struct mkt__comp *c, const struct mkt_rule *r,
                          const struct mkt__lit *v, int32_t type)
{
    const char *hint = "";
    if ((type == MKT_TYPE_STRING || type == MKT_TYPE_LIST) && (v->kind == MKT_VALUE_INT || v->kind == MKT_VALUE_DECIMAL))
        hint = " (put text in single quotes)";
    return mkt__comp_error(c, MKT_ETYPE, r, v, "%s is %s; expected %s%s", r->field,
                           type_name(type), type_expects(type), hint);
}

static int op_error(struct mkt__comp *c, const struct mkt_rule *r, int32_t type)
{
    return mkt__comp_error(c, MKT_ETYPE, r, NULL, "operator '%s' does not apply to %s (%s)",
                           mkt_rule_op_name(r->op), r->field, type_name(type));
}

/* The positive operator of a negated one; *neg tells whether it was negated. */
static int32_t positive_op(int32_t op, int *neg)
{
    static const int32_t pairs[][2] = {
        {MKT_OP_NE, MKT_OP_EQ},
        {MKT_OP_NOT_IN, MKT_OP_IN},
        {MKT_OP_NOT_BETWEEN, MKT_OP_BETWEEN},
        {MKT_OP_NOT_CONTAINS, MKT_OP_CONTAINS},
        {MKT_OP_NOT_STARTS_WITH, MKT_OP_STARTS_WITH},
        {MKT_OP_NOT_ENDS_WITH, MKT_OP_ENDS_WITH},
        {MKT_OP_NOT_MATCHES, MKT_OP_MATCHES},
        {MKT_OP_IS_NOT_NULL, MKT_OP_IS_NULL},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if (pairs[i][0] == op) {
            *neg = 1;
            return pairs[i][1];
        }
    }
    *neg = 0;
    return op;
}

/* floor and ceil of the decimal text times 10^scale. */
static int decimal_bounds(const char *s, size_t n, int scale, struct ival *out)
{
    int neg = s[0] == '-', point = 0, frac = 0, rest = 0;
    int64_t v = 0;
    for (size_t i = (size_t)neg; i < n; i++) {
        if (s[i] == '.') {
            point = 1;
            continue;
        }
        if (point && frac >= scale) {
            rest |= s[i] != '0';
            continue;
        }
        frac += point;
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s[i] - '0', &v))
            return MKT_ERANGE;
    }
    for (; frac < scale; frac++)
        if (__builtin_mul_overflow(v, 10, &v))
            return MKT_ERANGE;
    if (!neg) {
        out->fl = v;
        if (__builtin_add_overflow(v, rest, &out->cl))
            return MKT_ERANGE;
    } else {
        out->cl = -v;
        out->fl = -v - rest;
    }
    return MKT_OK;
}

static int today_plus(struct mkt__comp *c, const struct mkt_rule *r, const struct mkt__lit *v,
                      int64_t days, int64_t *out)
{
    *out = (int64_t)c->seg->as_of + days;
    if (*out < -3000000 || *out > 3000000)
        return mkt__comp_error(c, MKT_ERANGE, r, v, "date out of range");
    return MKT_OK;
}

/* A literal as an interval of an integer-like column (INT, MONEY, DATE, TIME, BOOL). */
static int lit_ival(struct mkt__comp *c, const struct mkt_rule *r, const struct mkt__lit *v,
                    int32_t type, struct ival *iv)
{
    int64_t d;
    int rc = MKT_OK;
    switch (type) {
    case MKT_TYPE_INT:
    case MKT_TYPE_MONEY:
        if (v->kind == MKT_VALUE_INT) {
            iv->cl = iv->fl = v->i;
            if (type == MKT_TYPE_MONEY && __builtin_mul_overflow(v->i, 100, &iv->cl))
                rc = MKT_ERANGE;
            iv->fl = iv->cl;
        } else if (v->kind == MKT_VALUE_DECIMAL) {
            rc = decimal_bounds(v->text, v->len, type == MKT_TYPE_MONEY ? 2 : 0, iv);
        } else {
            return lit_type_error(c, r, v, type);
        }
        return rc ? mkt__comp_error(c, MKT_ERANGE, r, v, "number out of range") : MKT_OK;
    case MKT_TYPE_BOOL:
        if (v->kind != MKT_VALUE_BOOL && !(v->kind == MKT_VALUE_INT && (v->i == 0 || v->i == 1)))
            return lit_type_error(c, r, v, type);
        iv->cl = iv->fl = v->i;
        return MKT_OK;
    case MKT_TYPE_DATE:
    case MKT_TYPE_TIME:
        break;
    default:
        return lit_type_error(c, r, v, type);
    }
    if (v->kind == MKT_VALUE_TODAY) {
        if ((rc = today_plus(c, r, v, v->i, &d)))
            return rc;
    } else if (v->kind != MKT_VALUE_STRING) {
        return lit_type_error(c, r, v, type);
    } else {
        mkt_date dd;
        mkt_time t;
        if (mkt_date_parse(&dd, v->text, v->len) == MKT_OK) {
            d = dd;
        } else if (type == MKT_TYPE_TIME && mkt_time_parse(&t, v->text, v->len) == MKT_OK) {
            iv->cl = iv->fl = t;
            return MKT_OK;
        } else {
            return mkt__comp_error(c, MKT_EPARSE, r, v, "bad date '%.40s'; expected %s",
                                   v->text, type_expects(type));
        }
    }
    iv->cl = type == MKT_TYPE_TIME ? d * 86400 : d;
    iv->fl = type == MKT_TYPE_TIME ? d * 86400 + 86399 : d;
    return MKT_OK;
}

static int leaf_new(struct mkt__comp *c, int32_t kind, uint32_t col, int32_t type,
                    struct mkt__node **out)
{
    struct mkt__node *n = mkt__node_new(c, MKT__N_LEAF);
    if (!n)
        return c->ctx->err.pub.code; /* MKT_ETOOBIG or MKT_ENOMEM, recorded by node_new */
    n->leaf = kind;
    n->col = col;
    n->type = type;
    *out = n;
    return MKT_OK;
}

/* An inclusive range leaf, or FALSE when empty. */
static int range_leaf(struct mkt__comp *c, uint32_t col, int32_t type, int64_t lo, int64_t hi,
                      struct mkt__node **out)
{
    if (type == MKT_TYPE_DATE) { /* the column holds int32 */
        lo = lo < INT32_MIN ? INT32_MIN : lo;
        hi = hi > INT32_MAX ? INT32_MAX : hi;
    }
    int rc = leaf_new(c, lo > hi ? MKT__L_FALSE : MKT__L_I64_RANGE, col, type, out);
    if (rc == MKT_OK) {
        (*out)->lo = lo;
        (*out)->hi = hi;
    }
    return rc;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* `in (...)` on an integer-like column: a sorted set of the whole values. */
static int int_set(struct mkt__comp *c, const struct mkt_rule *r, uint32_t col, int32_t type,
                   struct mkt__node **out)
{
    int64_t *set = mkt__calloc(c->ctx, r->nvals, sizeof *set);
    if (!set)
        return mkt__oom(c->ctx);
    size_t n = 0;
    int rc = MKT_OK;
    for (size_t i = 0; i < r->nvals && rc == MKT_OK; i++) {
        struct ival iv = {0, 0};
        if ((rc = lit_ival(c, r, &r->vals[i], type, &iv)))
            break;
        if (iv.cl != iv.fl && type == MKT_TYPE_TIME)
            rc = mkt__comp_error(c, MKT_ETYPE, r, &r->vals[i],
                                 "'in' on a timestamp takes exact timestamps; use "
                                 "'between' for days");
        else if (iv.cl == iv.fl)
            set[n++] = iv.cl;
    }
    if (rc == MKT_OK)
        rc = leaf_new(c, n ? MKT__L_I64_SET : MKT__L_FALSE, col, type, out);
    if (rc) {
        mkt__free(c->ctx, set);
        return rc;
    }
    qsort(set, n, sizeof *set, cmp_i64);
    (*out)->iset = set;
    (*out)->nset = n;
    return MKT_OK;
}

static int int_leaf(struct mkt__comp *c, const struct mkt_rule *r, int32_t op, uint32_t col,
                    int32_t type, struct mkt__node **out)
{
    struct ival a = {0, 0}, b = {0, 0};
    int rc;
    if (op == MKT_OP_IN)
        return int_set(c, r, col, type, out);
    if (type == MKT_TYPE_BOOL && op != MKT_OP_EQ)
        return op_error(c, r, type);
    if (op == MKT_OP_WITHIN_LAST || op == MKT_OP_WITHIN_NEXT) {
        if (type != MKT_TYPE_DATE && type != MKT_TYPE_TIME)
            return op_error(c, r, type);
        struct mkt__lit t0 = {MKT_VALUE_TODAY, NULL, 0, 0, 0, 0};
        struct mkt__lit tn = {MKT_VALUE_TODAY, NULL, 0, op == MKT_OP_WITHIN_LAST ? -r->vals[0].i
                                                                                 : r->vals[0].i,
                              0, 0};
        if ((rc = lit_ival(c, r, &t0, type, &a)) || (rc = lit_ival(c, r, &tn, type, &b)))
            return rc;
        return op == MKT_OP_WITHIN_LAST ? range_leaf(c, col, type, b.cl, a.fl, out)
                                        : range_leaf(c, col, type, a.cl, b.fl, out);
    }
    if ((rc = lit_ival(c, r, &r->vals[0], type, &a)) ||
        (op == MKT_OP_BETWEEN && (rc = lit_ival(c, r, &r->vals[1], type, &b))))
        return rc;
    switch (op) {
    case MKT_OP_EQ: return range_leaf(c, col, type, a.cl, a.fl, out);
    case MKT_OP_LT:
        return a.cl == INT64_MIN ? range_leaf(c, col, type, 1, 0, out)
                                 : range_leaf(c, col, type, INT64_MIN, a.cl - 1, out);
    case MKT_OP_LE: return range_leaf(c, col, type, INT64_MIN, a.fl, out);
    case MKT_OP_GT:
        return a.fl == INT64_MAX ? range_leaf(c, col, type, 1, 0, out)
                                 : range_leaf(c, col, type, a.fl + 1, INT64_MAX, out);
    case MKT_OP_GE: return range_leaf(c, col, type, a.cl, INT64_MAX, out);
    case MKT_OP_BETWEEN: return range_leaf(c, col, type, a.cl, b.fl, out);
    default: return op_error(c, r, type);
    }
}

/* A number literal as a double: exact digits scaled by an exact power of ten when possible
 * (correctly rounded), without strtod, whose decimal point depends on the locale. */
static int lit_double(struct mkt__comp *c, const struct mkt_rule *r, const struct mkt__lit *v,
                      double *out)
{
    if (v->kind == MKT_VALUE_INT) {
        *out = (double)v->i;
        return MKT_OK;
    }
    if (v->kind != MKT_VALUE_DECIMAL)
        return lit_type_error(c, r, v, MKT_TYPE_NUMBER);
    long double m = 0, scale = 1;
    int point = 0;
    for (size_t i = v->text[0] == '-'; i < v->len; i++) {
        if (v->text[i] == '.')
            point = 1;
        else {
            m = m * 10 + (v->text[i] - '0');
            if (point)
                scale *= 10;
        }
    }
    /* Both exact in a double: one correctly rounded division. Otherwise extended precision. */
    if (m <= 9007199254740992.0L && scale <= 1e22L)
        *out = (double)m / (double)scale;
    else
        *out = (double)(m / scale);
    if (v->text[0] == '-')
        *out = -*out;
    if (!isfinite(*out))
        return mkt__comp_error(c, MKT_ERANGE, r, v, "number out of range");
    return MKT_OK;
}

static int number_leaf(struct mkt__comp *c, const struct mkt_rule *r, int32_t op, uint32_t col,
                       struct mkt__node **out)
{
    double a = 0, b = 0;
    int rc;
    if (op == MKT_OP_IN) {
        double *set = mkt__calloc(c->ctx, r->nvals, sizeof *set);
        if (!set)
            return mkt__oom(c->ctx);
        for (size_t i = 0; i < r->nvals; i++) {
            if ((rc = lit_double(c, r, &r->vals[i], &set[i]))) {
                mkt__free(c->ctx, set);
                return rc;
            }
        }
        if ((rc = leaf_new(c, MKT__L_F64_SET, col, MKT_TYPE_NUMBER, out))) {
            mkt__free(c->ctx, set);
            return rc;
        }
        (*out)->dset = set;
        (*out)->nset = r->nvals;
        return MKT_OK;
    }
    if (op < MKT_OP_EQ || op > MKT_OP_BETWEEN || op == MKT_OP_NE)
        return op_error(c, r, MKT_TYPE_NUMBER);
    if ((rc = lit_double(c, r, &r->vals[0], &a)) ||
        (op == MKT_OP_BETWEEN && (rc = lit_double(c, r, &r->vals[1], &b))))
        return rc;
    if ((rc = leaf_new(c, MKT__L_F64_RANGE, col, MKT_TYPE_NUMBER, out)))
        return rc;
    double lo = -INFINITY, hi = INFINITY;
    switch (op) {
    case MKT_OP_EQ: lo = hi = a; break;
    case MKT_OP_LT: hi = nextafter(a, -INFINITY); break;
    case MKT_OP_LE: hi = a; break;
    case MKT_OP_GT: lo = nextafter(a, INFINITY); break;
    case MKT_OP_GE: lo = a; break;
    default: lo = a; hi = b; break;
    }
    (*out)->dlo = lo;
    (*out)->dhi = hi;
    return MKT_OK;
}

static int string_op(int32_t op)
{
    switch (op) {
    case MKT_OP_EQ:
    case MKT_OP_IN: return MKT__S_EQ;
    case MKT_OP_LT: return MKT__S_LT;
    case MKT_OP_LE: return MKT__S_LE;
    case MKT_OP_GT: return MKT__S_GT;
    case MKT_OP_GE: return MKT__S_GE;
    case MKT_OP_BETWEEN: return MKT__S_BETWEEN;
    case MKT_OP_CONTAINS: return MKT__S_CONTAINS;
    case MKT_OP_STARTS_WITH: return MKT__S_STARTS;
    case MKT_OP_ENDS_WITH: return MKT__S_ENDS;
    case MKT_OP_MATCHES: return MKT__S_MATCHES;
    default: return 0;
    }
}

/* The pattern options of a string literal under `ci` (or of a `matches`). A literal is
 * escaped into a pattern (see mkt__regex_compile's @literal) rather than compiled with
 * PCRE2_LITERAL, which PCRE2 does not combine with PCRE2_UCP (Unicode case folding). */
static uint32_t pattern_options(int sop, int ci)
{
    uint32_t o = ci ? PCRE2_CASELESS : 0;
    if (sop == MKT__S_MATCHES)
        return o;
    if (sop == MKT__S_EQ || sop == MKT__S_STARTS)
        o |= PCRE2_ANCHORED;
    if (sop == MKT__S_EQ || sop == MKT__S_ENDS)
        o |= PCRE2_ENDANCHORED;
    return o;
}

static int string_leaf(struct mkt__comp *c, const struct mkt_rule *r, int32_t op, uint32_t col,
                       struct mkt__node **out)
{
    int sop = string_op(op);
    if (!sop)
        return op_error(c, r, MKT_TYPE_STRING);
    int ci = (r->flags & MKT_RULE_CI) ||
             (c->o.case_insensitive && !(r->flags & MKT_RULE_CS) && sop != MKT__S_BETWEEN &&
              (sop < MKT__S_LT || sop > MKT__S_GE));
    for (size_t i = 0; i < r->nvals; i++)
        if (r->vals[i].kind != MKT_VALUE_STRING)
            return lit_type_error(c, r, &r->vals[i], MKT_TYPE_STRING);
    int rc = leaf_new(c, MKT__L_STR, col, MKT_TYPE_STRING, out);
    struct mkt__node *n = *out;
    if (rc || !(n->strs = mkt__calloc(c->ctx, r->nvals, sizeof *n->strs)))
        return rc ? rc : mkt__oom(c->ctx);
    n->sop = sop;
    n->lut = c->seg->nluts++;
    for (size_t i = 0; i < r->nvals; i++) {
        struct mkt__strlit *s = &n->strs[i];
        if (!(s->s = mkt__strndup(c->ctx, r->vals[i].text, r->vals[i].len)))
            return mkt__oom(c->ctx);
        n->nstrs++;
        s->n = r->vals[i].len;
        if ((ci || sop == MKT__S_MATCHES) &&
            (rc = mkt__regex_compile(c, r, &r->vals[i], pattern_options(sop, ci),
                                     sop != MKT__S_MATCHES, &s->re)))
            return rc;
    }
    return MKT_OK;
}

/* Bit (month * 32 + day) of each month/day in the window; a 29 February anniversary falls on
 * 28 February in other years. */
static void anniv_mark(uint64_t *bits, mkt_date d)
{
    int32_t y, m, day;
    mkt_date_to_ymd(d, &y, &m, &day);
    unsigned k = (unsigned)(m * 32 + day);
    bits[k / 64] |= UINT64_C(1) << (k % 64);
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && day == 28 && !leap) {
        k = 2 * 32 + 29;
        bits[k / 64] |= UINT64_C(1) << (k % 64);
    }
}

static int anniv_leaf(struct mkt__comp *c, const struct mkt_rule *r, uint32_t col, int32_t type,
                      struct mkt__node **out)
{
    if (type != MKT_TYPE_DATE)
        return op_error(c, r, type);
    int rc = leaf_new(c, MKT__L_ANNIV, col, type, out);
    if (rc)
        return rc;
    mkt_date today = c->seg->as_of;
    if (r->op == MKT_OP_ANNIVERSARY_NEXT) {
        int64_t n = r->vals[0].i > 366 ? 366 : r->vals[0].i;
        for (int64_t i = 0; i <= n; i++)
            anniv_mark((*out)->anniv, (mkt_date)(today + i));
    } else {
        int32_t y, m, d;
        mkt_date_to_ymd(today, &y, &m, &d);
        for (unsigned day = 1; day <= 31; day++) {
            unsigned k = (unsigned)m * 32 + day;
            (*out)->anniv[k / 64] |= UINT64_C(1) << (k % 64);
        }
    }
    return MKT_OK;
}

/* `contains 'x'` on a list: an item equal to x (the string `=` predicate, so `ci` and the
 * compile default work as on text), tested per item; the only operator besides is null. */
static int list_leaf(struct mkt__comp *c, const struct mkt_rule *r, int32_t op, uint32_t col,
                     struct mkt__node **out)
{
    if (op != MKT_OP_CONTAINS)
        return mkt__comp_error(c, MKT_ETYPE, r, NULL,
                               "operator '%s' does not apply to %s (a list field); use "
                               "contains, not contains, is null or is not null",
                               mkt_rule_op_name(r->op), r->field);
    for (size_t i = 0; i < r->nvals; i++)
        if (r->vals[i].kind != MKT_VALUE_STRING)
            return lit_type_error(c, r, &r->vals[i], MKT_TYPE_LIST);
    int rc = string_leaf(c, r, MKT_OP_EQ, col, out);
    if (rc == MKT_OK) {
        (*out)->leaf = MKT__L_LIST;
        (*out)->type = MKT_TYPE_LIST;
    }
    return rc;
}

static int positive_leaf(struct mkt__comp *c, const struct mkt_rule *r, int32_t op,
                         uint32_t col, int32_t type, struct mkt__node **out)
{
    if (op == MKT_OP_IS_NULL)
        return leaf_new(c, MKT__L_NULL, col, type, out);
    if (type == MKT_TYPE_LIST)
        return list_leaf(c, r, op, col, out);
    if (op == MKT_OP_ANNIVERSARY_NEXT || op == MKT_OP_ANNIVERSARY_MONTH)
        return anniv_leaf(c, r, col, type, out);
    if (r->flags && type != MKT_TYPE_STRING)
        return mkt__comp_error(c, MKT_ETYPE, r, NULL, "ci/cs apply to text fields; %s is %s",
                               r->field, type_name(type));
    switch (type) {
    case MKT_TYPE_STRING: return string_leaf(c, r, op, col, out);
    case MKT_TYPE_NUMBER: return number_leaf(c, r, op, col, out);
    case MKT_TYPE_INT:
    case MKT_TYPE_MONEY:
    case MKT_TYPE_DATE:
    case MKT_TYPE_TIME:
    case MKT_TYPE_BOOL:
        if (op >= MKT_OP_CONTAINS && op <= MKT_OP_NOT_MATCHES)
            return op_error(c, r, type);
        return int_leaf(c, r, op, col, type, out);
    default:
        return mkt__comp_error(c, MKT_ETYPE, r, NULL, "%s has a type rules do not support",
                               r->field);
    }
}

int mkt__comp_condition(struct mkt__comp *c, const struct mkt_rule *r, uint32_t col,
                        int32_t type, struct mkt__node **out)
{
    int neg;
    int32_t op = positive_op(r->op, &neg);
    struct mkt__node *leaf = NULL;
    int rc = positive_leaf(c, r, op, col, type, &leaf);
    if (rc) {
        mkt__node_free(c->ctx, leaf);
        return rc;
    }
    if (!neg) {
        *out = leaf;
        return MKT_OK;
    }
    struct mkt__node *n = mkt__node_new(c, MKT__N_NOT);
    if (!n || !(n->kids = mkt__calloc(c->ctx, 1, sizeof *n->kids))) {
        mkt__node_free(c->ctx, leaf);
        mkt__node_free(c->ctx, n);
        return n ? mkt__oom(c->ctx) : c->ctx->err.pub.code; /* node_new's ETOOBIG/ENOMEM */
    }
    n->kids[0] = leaf;
    n->nkids = 1;
    *out = n;
    return MKT_OK;
}

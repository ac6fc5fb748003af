/* SPDX-License-Identifier: MIT */
/*
 * The rule parser: recursive descent over the grammar of doc/rules.md (or < and < not <
 * primary), building the syntax tree with source positions. It normalizes as it goes (aliases
 * to canonical fields, `[A, B]` word lists to string lists, nested and/or flattened), bounds
 * its recursion (max_depth, reported as MKT_ETOOBIG with the position) and names line and
 * column in every error.
 */
#include <string.h>

#include "data/csv-private.h"
#include "lex-private.h"

struct parser {
    struct mkt__lexer lx;
    const mkt_rule_parse_options *o;
    uint32_t depth;
};

#define TOK(p) (&(p)->lx.tok)

static int next(struct parser *p)
{
    return mkt__lex_next(&p->lx);
}

static int fail(struct parser *p, const char *what)
{
    char found[64];
    mkt__tok_describe(TOK(p), found, sizeof found);
    return mkt__lex_error(&p->lx, MKT_EPARSE, TOK(p)->line, TOK(p)->col, "expected %s, found %s",
                          what, found);
}

static int expect_kw(struct parser *p, const char *kw, const char *what)
{
    if (!mkt__tok_is(TOK(p), kw))
        return fail(p, what);
    return next(p);
}

/* The text of a quoted token with doubled quotes collapsed, NUL-terminated. */
static char *unquote(struct parser *p, const struct mkt__tok *t, size_t *len)
{
    char *s = mkt__malloc(p->lx.ctx, t->n + 1);
    if (!s) {
        mkt__oom(p->lx.ctx);
        return NULL;
    }
    /* Only the token's own quote is doubled: '' in a string, "" in a quoted field. */
    char q = t->type == MKT__T_QFIELD ? '"' : '\'';
    size_t j = 0;
    for (size_t i = 0; i < t->n; i++) {
        s[j++] = t->p[i];
        if (t->escapes && t->p[i] == q)
            i++;
    }
    s[j] = '\0';
    *len = j;
    return s;
}

static int parse_or(struct parser *p, struct mkt_rule **out);

/* `N day(s)` after within/next: N a non-negative integer up to 100 years. */
static int parse_days(struct parser *p, int64_t *days)
{
    if (TOK(p)->type != MKT__T_NUMBER)
        return fail(p, "a number of days");
    struct mkt__lit l;
    int rc = mkt__lit_number(p->lx.ctx, TOK(p)->p, TOK(p)->n, &l);
    if (rc || l.kind != MKT_VALUE_INT || l.i > 36600) {
        if (l.kind == MKT_VALUE_DECIMAL)
            mkt__free(p->lx.ctx, l.text);
        return rc == MKT_ENOMEM ? rc : fail(p, "a whole number of days (0..36600)");
    }
    *days = l.i;
    if ((rc = next(p)))
        return rc;
    if (!mkt__tok_is(TOK(p), "days") && !mkt__tok_is(TOK(p), "day"))
        return fail(p, "'days'");
    return next(p);
}

/* today [(+|-) N days] */
static int parse_today(struct parser *p, struct mkt__lit *v)
{
    v->kind = MKT_VALUE_TODAY;
    int rc = next(p);
    if (rc || (TOK(p)->type != MKT__T_PLUS && TOK(p)->type != MKT__T_MINUS))
        return rc;
    int neg = TOK(p)->type == MKT__T_MINUS;
    if ((rc = next(p)) || (rc = parse_days(p, &v->i)))
        return rc;
    if (neg)
        v->i = -v->i;
    return MKT_OK;
}

static int parse_number(struct parser *p, struct mkt__lit *v, int neg)
{
    if (TOK(p)->type != MKT__T_NUMBER)
        return fail(p, "a number after '-'");
    char buf[72];
    const char *s = TOK(p)->p;
    size_t n = TOK(p)->n;
    if (neg) {
        if (n + 1 >= sizeof buf)
            return mkt__lex_error(&p->lx, MKT_ERANGE, TOK(p)->line, TOK(p)->col,
                                  "number too long");
        buf[0] = '-';
        memcpy(buf + 1, s, n);
        s = buf;
        n++;
    }
    uint32_t line = v->line, col = v->col;
    int rc = mkt__lit_number(p->lx.ctx, s, n, v);
    v->line = line;
    v->col = col;
    if (rc == MKT_EPARSE)
        return fail(p, "a number");
    return rc ? rc : next(p);
}

/* One literal value; @words: bare words are strings (inside [ ] lists). */
static int parse_value(struct parser *p, struct mkt__lit *v, int words)
{
    struct mkt__tok *t = TOK(p);
    memset(v, 0, sizeof *v);
    v->line = t->line;
    v->col = t->col;
    if (t->type == MKT__T_STRING) {
        v->kind = MKT_VALUE_STRING;
        if (!(v->text = unquote(p, t, &v->len)))
            return MKT_ENOMEM;
        return next(p);
    }
    if (t->type == MKT__T_NUMBER)
        return parse_number(p, v, 0);
    if (t->type == MKT__T_MINUS) {
        int rc = next(p);
        return rc ? rc : parse_number(p, v, 1);
    }
    if (mkt__tok_is(t, "true") || mkt__tok_is(t, "false")) {
        v->kind = MKT_VALUE_BOOL;
        v->i = mkt__tok_is(t, "true");
        return next(p);
    }
    if (mkt__tok_is(t, "today"))
        return parse_today(p, v);
    if (words && t->type == MKT__T_IDENT) {
        v->kind = MKT_VALUE_STRING;
        if (!(v->text = mkt__strndup(p->lx.ctx, t->p, t->n)))
            return mkt__oom(p->lx.ctx);
        v->len = t->n;
        return next(p);
    }
    if (mkt__tok_is(t, "null"))
        return mkt__lex_error(&p->lx, MKT_EPARSE, t->line, t->col,
                              "null is not a value here; use 'is null' or 'is not null'");
    return fail(p, "a value (a 'string', a number, true, false or today)");
}

static int add_value(struct parser *p, struct mkt_rule *r, int words)
{
    if (r->nvals >= p->o->max_list)
        return mkt__lex_error(&p->lx, MKT_ETOOBIG, TOK(p)->line, TOK(p)->col,
                              "list has more than %u values", p->o->max_list);
    if ((r->nvals & (r->nvals - 1)) == 0) { /* capacity doubles at powers of two */
        size_t cap = r->nvals ? r->nvals * 2 : 2;
        struct mkt__lit *v = mkt__reallocarray(p->lx.ctx, r->vals, cap, sizeof *v);
        if (!v)
            return mkt__oom(p->lx.ctx);
        r->vals = v;
    }
    int rc = parse_value(p, &r->vals[r->nvals], words);
    if (rc == MKT_OK || r->vals[r->nvals].text)
        r->nvals++; /* keep a partly made value so that its text is freed */
    return rc;
}

/* ( v, v, ... ) or [ v, word, ... ] */
static int parse_list(struct parser *p, struct mkt_rule *r)
{
    int close = TOK(p)->type == MKT__T_LPAREN ? MKT__T_RPAREN : MKT__T_RBRACK;
    if (TOK(p)->type != MKT__T_LPAREN && TOK(p)->type != MKT__T_LBRACK)
        return fail(p, "'(' starting a list of values");
    int rc = next(p);
    while (rc == MKT_OK) {
        if ((rc = add_value(p, r, close == MKT__T_RBRACK)))
            return rc;
        if (TOK(p)->type == close)
            return next(p);
        if (TOK(p)->type != MKT__T_COMMA)
            return fail(p, close == MKT__T_RPAREN ? "',' or ')'" : "',' or ']'");
        rc = next(p);
    }
    return rc;
}

static int parse_ci(struct parser *p, struct mkt_rule *r)
{
    if (mkt__tok_is(TOK(p), "ci") || mkt__tok_is(TOK(p), "cs")) {
        r->flags = mkt__tok_is(TOK(p), "ci") ? MKT_RULE_CI : MKT_RULE_CS;
        return next(p);
    }
    return MKT_OK;
}

/* birthday/anniversary tail: within next N days | this month */
static int parse_anniversary(struct parser *p, struct mkt_rule *r)
{
    int rc = next(p);
    if (rc)
        return rc;
    if (mkt__tok_is(TOK(p), "this")) {
        r->op = MKT_OP_ANNIVERSARY_MONTH;
        return (rc = next(p)) ? rc : expect_kw(p, "month", "'month'");
    }
    r->op = MKT_OP_ANNIVERSARY_NEXT;
    if ((rc = expect_kw(p, "within", "'within next N days' or 'this month'")) ||
        (rc = expect_kw(p, "next", "'next'")))
        return rc;
    r->vals = mkt__calloc(p->lx.ctx, 1, sizeof *r->vals);
    if (!r->vals)
        return mkt__oom(p->lx.ctx);
    r->nvals = 1;
    r->vals[0].kind = MKT_VALUE_INT;
    r->vals[0].line = TOK(p)->line;
    r->vals[0].col = TOK(p)->col;
    return parse_days(p, &r->vals[0].i);
}

static int parse_within(struct parser *p, struct mkt_rule *r)
{
    int rc = next(p);
    if (rc)
        return rc;
    if (!mkt__tok_is(TOK(p), "last") && !mkt__tok_is(TOK(p), "next"))
        return fail(p, "'last' or 'next'");
    r->op = mkt__tok_is(TOK(p), "last") ? MKT_OP_WITHIN_LAST : MKT_OP_WITHIN_NEXT;
    if ((rc = next(p)))
        return rc;
    r->vals = mkt__calloc(p->lx.ctx, 1, sizeof *r->vals);
    if (!r->vals)
        return mkt__oom(p->lx.ctx);
    r->nvals = 1;
    r->vals[0].kind = MKT_VALUE_INT;
    r->vals[0].line = TOK(p)->line;
    r->vals[0].col = TOK(p)->col;
    return parse_days(p, &r->vals[0].i);
}

static int parse_cmp(struct parser *p, struct mkt_rule *r)
{
    const struct mkt__tok *t = TOK(p);
    static const struct {
        const char *text;
        int32_t op;
    } cmp[] = {{"=", MKT_OP_EQ},  {"==", MKT_OP_EQ}, {"!=", MKT_OP_NE}, {"<>", MKT_OP_NE},
               {"<", MKT_OP_LT},  {"<=", MKT_OP_LE}, {">", MKT_OP_GT},  {">=", MKT_OP_GE}};
    for (size_t i = 0; i < sizeof cmp / sizeof cmp[0]; i++)
        if (strlen(cmp[i].text) == t->n && memcmp(cmp[i].text, t->p, t->n) == 0)
            r->op = cmp[i].op;
    int rc = next(p);
    if (rc || (rc = add_value(p, r, 0)))
        return rc;
    return (r->op == MKT_OP_EQ || r->op == MKT_OP_NE) ? parse_ci(p, r) : MKT_OK;
}

/* Operators that may follow `not`: in, between, contains, starts with, ends with, matches. */
static int parse_word_op(struct parser *p, struct mkt_rule *r, int neg)
{
    struct mkt__tok *t = TOK(p);
    int rc;
    if (mkt__tok_is(t, "in")) {
        r->op = neg ? MKT_OP_NOT_IN : MKT_OP_IN;
        return (rc = next(p)) || (rc = parse_list(p, r)) ? rc : parse_ci(p, r);
    }
    if (mkt__tok_is(t, "between")) {
        r->op = neg ? MKT_OP_NOT_BETWEEN : MKT_OP_BETWEEN;
        if ((rc = next(p)) || (rc = add_value(p, r, 0)) ||
            (rc = expect_kw(p, "and", "'and' in 'between a and b'")))
            return rc;
        return add_value(p, r, 0);
    }
    if (mkt__tok_is(t, "contains"))
        r->op = neg ? MKT_OP_NOT_CONTAINS : MKT_OP_CONTAINS;
    else if (mkt__tok_is(t, "matches"))
        r->op = neg ? MKT_OP_NOT_MATCHES : MKT_OP_MATCHES;
    else if (mkt__tok_is(t, "starts") || mkt__tok_is(t, "ends")) {
        int starts = mkt__tok_is(t, "starts");
        r->op = starts ? (neg ? MKT_OP_NOT_STARTS_WITH : MKT_OP_STARTS_WITH)
                       : (neg ? MKT_OP_NOT_ENDS_WITH : MKT_OP_ENDS_WITH);
        if ((rc = next(p)))
            return rc;
        if (!mkt__tok_is(TOK(p), "with"))
            return fail(p, "'with'");
    } else {
        return fail(p, neg ? "in, between, contains, starts with, ends with or matches after "
                             "'not'"
                           : "an operator (=, !=, <, <=, >, >=, in, between, contains, starts "
                             "with, ends with, matches, is null, within, anniversary)");
    }
    if ((rc = next(p)) || (rc = add_value(p, r, 0)))
        return rc;
    if ((r->op == MKT_OP_MATCHES || r->op == MKT_OP_NOT_MATCHES) &&
        r->vals[0].kind != MKT_VALUE_STRING)
        return mkt__lex_error(&p->lx, MKT_EPARSE, r->vals[0].line, r->vals[0].col,
                              "matches takes a quoted pattern");
    return parse_ci(p, r);
}

static int parse_predicate(struct parser *p, struct mkt_rule *r)
{
    struct mkt__tok *t = TOK(p);
    r->op_line = t->line;
    r->op_col = t->col;
    int rc;
    if (t->type == MKT__T_OP)
        return parse_cmp(p, r);
    if (mkt__tok_is(t, "is")) {
        if ((rc = next(p)))
            return rc;
        r->op = MKT_OP_IS_NULL;
        if (mkt__tok_is(TOK(p), "not")) {
            r->op = MKT_OP_IS_NOT_NULL;
            if ((rc = next(p)))
                return rc;
        }
        return expect_kw(p, "null", "'null'");
    }
    if (mkt__tok_is(t, "within"))
        return parse_within(p, r);
    if (mkt__tok_is(t, "birthday") || mkt__tok_is(t, "anniversary"))
        return parse_anniversary(p, r);
    if (mkt__tok_is(t, "not"))
        return (rc = next(p)) ? rc : parse_word_op(p, r, 1);
    return parse_word_op(p, r, 0);
}

/* The field of a condition: a word, a dotted path or a "quoted name"; aliases replaced. */
static int parse_field(struct parser *p, struct mkt_rule *r)
{
    struct mkt__tok *t = TOK(p);
    size_t n = t->n;
    char *name = t->type == MKT__T_QFIELD ? unquote(p, t, &n) : mkt__strndup(p->lx.ctx, t->p, n);
    if (!name)
        return mkt__oom(p->lx.ctx);
    if (n == 0 || !mkt__utf8_valid(name, n) || memchr(name, '\n', n)) {
        mkt__free(p->lx.ctx, name);
        return mkt__lex_error(&p->lx, MKT_EPARSE, t->line, t->col, "bad field name");
    }
    const char *alias = mkt__field_alias(name, n);
    if (alias) {
        mkt__free(p->lx.ctx, name);
        if (!(name = mkt__strdup(p->lx.ctx, alias)))
            return mkt__oom(p->lx.ctx);
    }
    r->field = name;
    return next(p);
}

static int parse_condition(struct parser *p, struct mkt_rule **out)
{
    struct mkt__tok *t = TOK(p);
    struct mkt_rule *r = mkt__rule_alloc(p->lx.ctx, MKT_RULE_CONDITION);
    if (!r)
        return MKT_ENOMEM;
    r->line = t->line;
    r->col = t->col;
    int rc;
    if (mkt__tok_is(t, "birthday")) { /* the customer's birthday: no field named */
        r->op_line = t->line;
        r->op_col = t->col;
        rc = (r->field = mkt__strdup(p->lx.ctx, "customer.date_of_birth"))
                 ? parse_anniversary(p, r)
                 : mkt__oom(p->lx.ctx);
    } else if (t->type == MKT__T_IDENT || t->type == MKT__T_QFIELD) {
        rc = parse_field(p, r);
        if (rc == MKT_OK)
            rc = parse_predicate(p, r);
    } else {
        rc = fail(p, "a condition (a field such as customer.tier), '(' or 'not'");
    }
    if (rc) {
        mkt_rule_free(r);
        return rc;
    }
    *out = r;
    return MKT_OK;
}

static int enter(struct parser *p)
{
    if (++p->depth > p->o->max_depth)
        return mkt__lex_error(&p->lx, MKT_ETOOBIG, TOK(p)->line, TOK(p)->col,
                              "rule nested deeper than %u levels", p->o->max_depth);
    return MKT_OK;
}

static int parse_segment_ref(struct parser *p, struct mkt_rule **out)
{
    uint32_t line = TOK(p)->line, col = TOK(p)->col;
    int rc = next(p);
    if (rc || (rc = expect_kw(p, "segment", "'segment' in 'in segment'")))
        return rc;
    if (TOK(p)->type != MKT__T_STRING || TOK(p)->n == 0)
        return fail(p, "a quoted segment name");
    struct mkt_rule *r = mkt__rule_alloc(p->lx.ctx, MKT_RULE_SEGMENT);
    size_t n;
    if (!r || !(r->field = unquote(p, TOK(p), &n))) {
        mkt_rule_free(r);
        return MKT_ENOMEM;
    }
    r->line = r->op_line = line;
    r->col = r->op_col = col;
    if ((rc = next(p)) != MKT_OK) { /* a lexer error after the name: the caller keeps nothing */
        mkt_rule_free(r);
        return rc;
    }
    *out = r;
    return MKT_OK;
}

static int parse_primary(struct parser *p, struct mkt_rule **out)
{
    int rc = enter(p);
    if (rc)
        return rc;
    struct mkt__tok *t = TOK(p);
    if (t->type == MKT__T_LPAREN) {
        if ((rc = next(p)) || (rc = parse_or(p, out)))
            return rc;
        if (TOK(p)->type != MKT__T_RPAREN) {
            mkt_rule_free(*out);
            *out = NULL;
            return fail(p, "')'");
        }
        rc = next(p);
    } else if (mkt__tok_is(t, "not")) {
        uint32_t line = t->line, col = t->col;
        struct mkt_rule *n = mkt__rule_alloc(p->lx.ctx, MKT_RULE_NOT);
        if (!n || !(n->kids = mkt__calloc(p->lx.ctx, 1, sizeof *n->kids))) {
            mkt_rule_free(n);
            return n ? mkt__oom(p->lx.ctx) : MKT_ENOMEM;
        }
        n->line = line;
        n->col = col;
        if ((rc = next(p)) || (rc = parse_primary(p, &n->kids[0]))) {
            mkt_rule_free(n);
            return rc;
        }
        n->nkids = 1;
        *out = n;
    } else if (mkt__tok_is(t, "in")) {
        rc = parse_segment_ref(p, out);
    } else {
        rc = parse_condition(p, out);
    }
    p->depth--;
    return rc;
}

/* and-chain or or-chain: items separated by the keyword, flattened into one node. */
static int parse_chain(struct parser *p, struct mkt_rule **out, const char *kw, int32_t kind)
{
    MKT__VEC(struct mkt_rule *) kids = MKT__VEC_EMPTY;
    mkt_ctx *ctx = p->lx.ctx;
    int rc = MKT_OK;
    for (int first = 1; rc == MKT_OK; first = 0) {
        if (!first && !mkt__tok_is(TOK(p), kw))
            break;
        struct mkt_rule *k = NULL;
        if (!first && (rc = next(p)))
            break;
        rc = kind == MKT_RULE_OR ? parse_chain(p, &k, "and", MKT_RULE_AND) : parse_primary(p, &k);
        if (rc == MKT_OK && MKT__VEC_PUSH(ctx, &kids, k)) {
            mkt_rule_free(k);
            rc = MKT_ENOMEM;
        }
    }
    if (rc == MKT_OK)
        rc = mkt__rule_group(ctx, kind, kids.data, kids.len, out);
    else
        for (size_t i = 0; i < kids.len; i++)
            mkt_rule_free(kids.data[i]);
    MKT__VEC_FREE(ctx, &kids);
    return rc;
}

static int parse_or(struct parser *p, struct mkt_rule **out)
{
    return parse_chain(p, out, "or", MKT_RULE_OR);
}

MKT_EXPORT int mkt_rule_parse_options_init(mkt_rule_parse_options *opts)
{
    if (!opts)
        return MKT_EINVAL;
    mkt_rule_parse_options d = MKT_RULE_PARSE_OPTIONS_INIT;
    *opts = d;
    return MKT_OK;
}

/* Caller options read within their struct_size, zero limits meaning the default. */
static int read_options(mkt_ctx *ctx, const mkt_rule_parse_options *in,
                        mkt_rule_parse_options *o)
{
    mkt_rule_parse_options_init(o);
    if (!in)
        return MKT_OK;
    if (in->struct_size < sizeof(size_t))
        return mkt__error(ctx, MKT_EINVAL, "mkt_rule_parse: options without struct_size");
    if (MKT_HAS_FIELD(in, mkt_rule_parse_options, source))
        o->source = in->source;
    if (MKT_HAS_FIELD(in, mkt_rule_parse_options, first_line) && in->first_line)
        o->first_line = in->first_line;
    if (MKT_HAS_FIELD(in, mkt_rule_parse_options, max_length) && in->max_length)
        o->max_length = in->max_length;
    if (MKT_HAS_FIELD(in, mkt_rule_parse_options, max_depth) && in->max_depth)
        o->max_depth = in->max_depth;
    if (MKT_HAS_FIELD(in, mkt_rule_parse_options, max_list) && in->max_list)
        o->max_list = in->max_list;
    return MKT_OK;
}

static int check_text(struct parser *p, const char *text, size_t len)
{
    if (len > p->o->max_length)
        return mkt__lex_error(&p->lx, MKT_ETOOBIG, p->lx.line, 1,
                              "rule is %zu bytes long; the limit is %u", len, p->o->max_length);
    for (size_t i = 0; i < len;) {
        int n = mkt__utf8_seq((const unsigned char *)text + i, len - i);
        if (n <= 0)
            return mkt__lex_error(&p->lx, MKT_EPARSE, p->lx.line, p->lx.col,
                                  "invalid UTF-8 or NUL byte in the rule");
        if (text[i] == '\n') {
            p->lx.line++;
            p->lx.col = 1;
        } else {
            p->lx.col++;
        }
        i += (size_t)n;
    }
    p->lx.line = p->o->first_line;
    p->lx.col = 1;
    return MKT_OK;
}

MKT_EXPORT int mkt_rule_parse(mkt_rule **out, mkt_ctx *ctx, const char *text, size_t len,
                              const mkt_rule_parse_options *opts)
{
    if (!out || !ctx || (!text && len))
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_rule_parse: NULL argument") : MKT_EINVAL;
    *out = NULL;
    mkt_rule_parse_options o;
    int rc = read_options(ctx, opts, &o);
    if (rc)
        return rc;
    struct parser p = {{ctx, o.source, text ? text : "", len, 0, o.first_line, 1, {0}}, &o, 0};
    if ((rc = check_text(&p, p.lx.s, len)) || (rc = next(&p)))
        return rc;
    struct mkt_rule *r = NULL;
    if ((rc = parse_or(&p, &r)))
        return rc;
    if (TOK(&p)->type != MKT__T_EOF) {
        mkt_rule_free(r);
        return fail(&p, "'and', 'or' or the end of the rule");
    }
    if (o.source && !(r->source = mkt__strdup(ctx, o.source))) {
        mkt_rule_free(r);
        return mkt__oom(ctx);
    }
    *out = r;
    return MKT_OK;
}

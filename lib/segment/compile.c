/* SPDX-License-Identifier: MIT */
/*
 * Compiling a rule against a table's schema: field names resolved to columns (with a "did you
 * mean" hint from the nearest field name by edit distance), `in segment` references expanded
 * through the caller's resolver with cycle detection, and the and/or/not tree turned into the
 * compiled node tree the evaluators run. The segment keeps copies of every rule it used, so
 * it owns all it points to and is immutable afterwards.
 */
#include <stdio.h>
#include <string.h>

#include "compile-private.h"
#include "data/table-private.h"

struct mkt__node *mkt__node_new(struct mkt__comp *c, int32_t kind)
{
    if (c->nodes >= c->o.max_nodes) {
        mkt__error(c->ctx, MKT_ETOOBIG, "rule has more than %u nodes after expanding segments",
                   c->o.max_nodes);
        return NULL;
    }
    struct mkt__node *n = mkt__calloc(c->ctx, 1, sizeof *n);
    if (!n) {
        mkt__oom(c->ctx);
        return NULL;
    }
    c->nodes++;
    n->kind = kind;
    return n;
}

void mkt__node_free(mkt_ctx *ctx, struct mkt__node *n)
{
    if (!n)
        return;
    for (uint32_t i = 0; i < n->nkids; i++)
        mkt__node_free(ctx, n->kids[i]);
    mkt__free(ctx, n->kids);
    mkt__free(ctx, n->iset);
    mkt__free(ctx, n->dset);
    for (size_t i = 0; i < n->nstrs; i++) {
        mkt__free(ctx, n->strs[i].s);
        pcre2_code_free(n->strs[i].re);
    }
    mkt__free(ctx, n->strs);
    mkt__free(ctx, n);
}

int mkt__comp_error(struct mkt__comp *c, int code, const struct mkt_rule *r,
                    const struct mkt__lit *v, const char *fmt, ...)
{
    uint32_t line = r->line, col = r->col;
    if (v && v->line) {
        line = v->line;
        col = v->col;
    } else if (r->op_line && code == MKT_ETYPE && !v) {
        line = r->op_line;
        col = r->op_col;
    }
    va_list ap;
    va_start(ap, fmt);
    mkt__verror_at(c->ctx, code, c->source, line, col, NULL, fmt, ap);
    va_end(ap);
    return code;
}

/* ---- fields --------------------------------------------------------------------------- */

static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
    size_t row[65];
    if (na > 64 || nb > 64)
        return SIZE_MAX;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

/* The rule name of column @name: "customer.X" for a plain column, the name itself otherwise. */
static void rule_name(const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", strchr(name, '.') ? "" : "customer.", name);
}

/* The nearest field name to @field, or "" if none is near enough to suggest. */
static void suggest(const mkt_table *t, const char *field, char *best, size_t size)
{
    size_t best_d = SIZE_MAX, nf = strlen(field);
    size_t limit = nf / 3 > 2 ? nf / 3 : 2;
    best[0] = '\0';
    for (uint32_t i = 0; i < mkt_table_column_count(t); i++) {
        mkt_column_info info = {sizeof info, NULL, 0, 0, 0, 0};
        if (mkt_table_column_info(t, i, &info))
            continue;
        char cand[256];
        rule_name(info.name, cand, sizeof cand);
        size_t d = edit_distance(field, nf, cand, strlen(cand));
        const char *dot = strchr(cand, '.');
        if (!strchr(field, '.') && dot) { /* a bare word: compare with the part after the dot */
            size_t d2 = edit_distance(field, nf, dot + 1, strlen(dot + 1));
            d = d2 < d ? d2 : d;
        }
        if (d < best_d && d <= limit) {
            best_d = d;
            snprintf(best, size, "%s", cand);
        }
    }
}

static int find_column(const mkt_table *t, const char *field, uint32_t *col)
{
    /* customer.X with no further dot: the last dot is the one after "customer" */
    if (strncmp(field, "customer.", 9) == 0 && strrchr(field, '.') == field + 8 &&
        mkt_table_column_find(t, field + 9, col) == MKT_OK)
        return MKT_OK;
    if (!strchr(field, '.'))
        return MKT_ENOTFOUND; /* plain column names are written customer.X */
    return mkt_table_column_find(t, field, col);
}

static int note_column(struct mkt__comp *c, uint32_t col, int32_t type, const char *name)
{
    for (size_t i = 0; i < c->seg->cols.len; i++)
        if (c->seg->cols.data[i].col == col)
            return MKT_OK;
    struct mkt__colref ref = {col, type, mkt__strdup(c->ctx, name)};
    if (!ref.name)
        return mkt__oom(c->ctx);
    if (MKT__VEC_PUSH(c->ctx, &c->seg->cols, ref)) {
        mkt__free(c->ctx, ref.name);
        return MKT_ENOMEM;
    }
    return MKT_OK;
}

static int compile_condition(struct mkt__comp *c, const struct mkt_rule *r,
                             struct mkt__node **out)
{
    uint32_t col;
    if (find_column(c->t, r->field, &col) != MKT_OK) {
        char hint[256];
        suggest(c->t, r->field, hint, sizeof hint);
        return mkt__comp_error(c, MKT_ENOTFOUND, r, NULL, "unknown field '%.80s'%s%s%s",
                               r->field, hint[0] ? "; did you mean " : "", hint,
                               hint[0] ? "?" : "");
    }
    mkt_column_info info = {sizeof info, NULL, 0, 0, 0, 0};
    int rc = mkt_table_column_info(c->t, col, &info);
    if (rc == MKT_OK)
        rc = note_column(c, col, info.type, info.name);
    if (rc == MKT_OK)
        rc = mkt__comp_condition(c, r, col, info.type, out);
    if (rc == MKT_OK) {
        (*out)->src = r;
        if ((*out)->kind == MKT__N_NOT)
            (*out)->kids[0]->src = r; /* so that regex errors can name the field */
        if ((int32_t)col > c->seg->maxcol)
            c->seg->maxcol = (int32_t)col;
    }
    return rc;
}

/* ---- tree ----------------------------------------------------------------------------- */

static int compile_node(struct mkt__comp *c, const struct mkt_rule *r, uint32_t depth,
                        struct mkt__node **out);

static int compile_segment(struct mkt__comp *c, const struct mkt_rule *r, uint32_t depth,
                           struct mkt__node **out)
{
    for (size_t i = 0; i < c->stack.len; i++)
        if (strcmp(c->stack.data[i], r->field) == 0)
            return mkt__comp_error(c, MKT_ECONFLICT, r, NULL,
                                   "segment '%.80s' refers to itself (through %zu reference%s)",
                                   r->field, c->stack.len - i, c->stack.len - i == 1 ? "" : "s");
    if (!c->o.resolver)
        return mkt__comp_error(c, MKT_ENOTFOUND, r, NULL,
                               "unknown segment '%.80s' (no segment resolver given)", r->field);
    const mkt_rule *found = NULL;
    int rc = c->o.resolver(r->field, &found, c->o.resolver_data);
    if (rc == MKT_ENOTFOUND || (rc == MKT_OK && !found))
        return mkt__comp_error(c, MKT_ENOTFOUND, r, NULL, "unknown segment '%.80s'", r->field);
    if (rc)
        return mkt__comp_error(c, rc, r, NULL, "resolving segment '%.80s' failed: %s", r->field,
                               mkt_strerror(rc));
    struct mkt_rule *copy = mkt__rule_dup(c->ctx, found);
    if (!copy)
        return MKT_ENOMEM;
    if (MKT__VEC_PUSH(c->ctx, &c->seg->owned, copy)) {
        mkt_rule_free(copy);
        return MKT_ENOMEM;
    }
    struct mkt__node *n = mkt__node_new(c, MKT__N_AND);
    if (!n || !(n->kids = mkt__calloc(c->ctx, 1, sizeof *n->kids))) {
        mkt__node_free(c->ctx, n);
        return n ? mkt__oom(c->ctx) : c->ctx->err.pub.code; /* node_new's ETOOBIG/ENOMEM */
    }
    n->src = r;
    if (MKT__VEC_PUSH(c->ctx, &c->stack, r->field)) {
        mkt__node_free(c->ctx, n);
        return MKT_ENOMEM;
    }
    const char *outer = c->source;
    c->source = copy->source;
    rc = compile_node(c, copy, depth + 1, &n->kids[0]);
    c->source = outer;
    c->stack.len--;
    if (rc) {
        mkt__node_free(c->ctx, n);
        return rc;
    }
    n->nkids = 1;
    *out = n;
    return MKT_OK;
}

static int compile_node(struct mkt__comp *c, const struct mkt_rule *r, uint32_t depth,
                        struct mkt__node **out)
{
    if (depth + 2 > c->seg->depth)
        c->seg->depth = depth + 2; /* a condition adds up to two levels (NOT over a leaf) */
    if (r->kind == MKT_RULE_CONDITION)
        return compile_condition(c, r, out);
    if (r->kind == MKT_RULE_SEGMENT)
        return compile_segment(c, r, depth, out);
    int32_t kind = r->kind == MKT_RULE_AND ? MKT__N_AND
                   : r->kind == MKT_RULE_OR ? MKT__N_OR
                                            : MKT__N_NOT;
    struct mkt__node *n = mkt__node_new(c, kind);
    if (!n || !(n->kids = mkt__calloc(c->ctx, r->nkids ? r->nkids : 1, sizeof *n->kids))) {
        mkt__node_free(c->ctx, n);
        return n ? mkt__oom(c->ctx) : c->ctx->err.pub.code; /* node_new's ETOOBIG/ENOMEM */
    }
    n->src = r;
    for (size_t i = 0; i < r->nkids; i++, n->nkids++) {
        int rc = compile_node(c, r->kids[i], depth + 1, &n->kids[i]);
        if (rc) {
            mkt__node_free(c->ctx, n);
            return rc;
        }
    }
    *out = n;
    return MKT_OK;
}

/* ---- public --------------------------------------------------------------------------- */

uint64_t mkt__schema_step(uint64_t h, const char *name, int32_t type)
{
    return mkt__hash64(name, strlen(name), h ^ (uint64_t)(uint32_t)type);
}

static uint64_t schema_hash(const mkt_table *t, int32_t upto)
{
    uint64_t h = 0;
    for (int32_t i = 0; i <= upto; i++)
        h = mkt__schema_step(h, t->cols.data[i]->name, t->cols.data[i]->type);
    return h;
}

MKT_EXPORT int mkt_segment_options_init(mkt_segment_options *opts)
{
    if (!opts)
        return MKT_EINVAL;
    mkt_segment_options d = MKT_SEGMENT_OPTIONS_INIT;
    *opts = d;
    return MKT_OK;
}

static int read_options(mkt_ctx *ctx, const mkt_segment_options *in, mkt_segment_options *o)
{
    mkt_segment_options_init(o);
    if (!in)
        return MKT_OK;
    if (in->struct_size < sizeof(size_t))
        return mkt__error(ctx, MKT_EINVAL, "mkt_segment_compile: options without struct_size");
#define TAKE(f)                                                                              \
    if (MKT_HAS_FIELD(in, mkt_segment_options, f))                                           \
        o->f = in->f;
    TAKE(as_of)
    TAKE(case_insensitive)
    TAKE(regex_match_limit)
    TAKE(regex_depth_limit)
    TAKE(regex_jit)
    TAKE(resolver)
    TAKE(resolver_data)
    TAKE(max_nodes)
#undef TAKE
    if (!o->regex_match_limit || !o->regex_depth_limit || !o->max_nodes)
        return mkt__error(ctx, MKT_EINVAL, "mkt_segment_compile: a limit of 0");
    return MKT_OK;
}

/* `today`: the option, else the date the table's as-of fields were computed at (so that
 * booking.*_12m and `today` agree), else the context clock's UTC date. */
static int as_of_date(mkt_ctx *ctx, const mkt_table *t, const mkt_segment_options *o,
                      mkt_date *out)
{
    mkt_date table_date;
    int trc = mkt_table_as_of(t, &table_date);
    if (o->as_of == MKT_NULL_DATE && (trc == MKT_OK || trc == MKT_ESTATE)) {
        *out = table_date;
        return MKT_OK;
    }
    if (o->as_of != MKT_NULL_DATE) {
        if (o->as_of < -3000000 || o->as_of > 3000000)
            return mkt__error(ctx, MKT_ERANGE, "mkt_segment_compile: as_of out of range");
        *out = o->as_of;
        return MKT_OK;
    }
    mkt_time now;
    int rc = mkt_ctx_now(ctx, &now);
    if (rc)
        return rc;
    int64_t d = now / 86400 - (now % 86400 < 0);
    *out = (mkt_date)d;
    return MKT_OK;
}

MKT_EXPORT void mkt_segment_free(mkt_segment *seg)
{
    if (!seg)
        return;
    mkt_ctx *ctx = seg->ctx;
    mkt__node_free(ctx, seg->root);
    mkt_rule_free(seg->rule);
    for (size_t i = 0; i < seg->owned.len; i++)
        mkt_rule_free(seg->owned.data[i]);
    MKT__VEC_FREE(ctx, &seg->owned);
    for (size_t i = 0; i < seg->cols.len; i++)
        mkt__free(ctx, seg->cols.data[i].name);
    MKT__VEC_FREE(ctx, &seg->cols);
    pcre2_match_context_free(seg->mctx);
    pcre2_general_context_free(seg->gctx);
    mkt__free(ctx, seg);
}

static int make_regex_contexts(struct mkt__comp *c)
{
    struct mkt_segment *seg = c->seg;
    if (!(seg->gctx = mkt__pcre_gctx(c->ctx)) ||
        !(seg->mctx = pcre2_match_context_create(seg->gctx)))
        return mkt__oom(c->ctx);
    pcre2_set_match_limit(seg->mctx, c->o.regex_match_limit);
    pcre2_set_depth_limit(seg->mctx, c->o.regex_depth_limit);
    return MKT_OK;
}

MKT_EXPORT int mkt_segment_compile(mkt_segment **out, mkt_ctx *ctx, const mkt_rule *rule,
                                   const mkt_table *table, const mkt_segment_options *opts)
{
    if (!out || !ctx || !rule || !table)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_segment_compile: NULL argument")
                   : MKT_EINVAL;
    *out = NULL;
    struct mkt__comp c;
    memset(&c, 0, sizeof c);
    c.ctx = ctx;
    c.t = table;
    int rc = read_options(ctx, opts, &c.o);
    if (rc)
        return rc;
    struct mkt_segment *seg = mkt__calloc(ctx, 1, sizeof *seg);
    if (!seg)
        return mkt__oom(ctx);
    seg->ctx = ctx;
    c.seg = seg;
    if ((rc = as_of_date(ctx, table, &c.o, &seg->as_of)) || (rc = make_regex_contexts(&c)))
        goto fail;
    if (!(seg->rule = mkt__rule_dup(ctx, rule))) {
        rc = MKT_ENOMEM;
        goto fail;
    }
    c.source = seg->rule->source;
    seg->maxcol = -1;
    if ((rc = compile_node(&c, seg->rule, 0, &seg->root)))
        goto fail;
    seg->schema_hash = schema_hash(table, seg->maxcol);
    MKT__VEC_FREE(ctx, &c.stack);
    *out = seg;
    return MKT_OK;
fail:
    MKT__VEC_FREE(ctx, &c.stack);
    mkt_segment_free(seg);
    return rc;
}

MKT_EXPORT const mkt_rule *mkt_segment_rule(const mkt_segment *seg)
{
    return seg ? seg->rule : NULL;
}

MKT_EXPORT mkt_date mkt_segment_as_of(const mkt_segment *seg)
{
    return seg ? seg->as_of : MKT_NULL_DATE;
}

int mkt__segment_check_table(const struct mkt_segment *seg, mkt_ctx *ctx, const mkt_table *t)
{
    uint32_t ncols = (uint32_t)t->cols.len;
    for (size_t i = 0; i < seg->cols.len; i++) {
        const struct mkt__colref *ref = &seg->cols.data[i];
        const struct mkt__col *col = ref->col < ncols ? t->cols.data[ref->col] : NULL;
        if (!col || col->type != ref->type || strcmp(col->name, ref->name) != 0)
            return mkt__error(ctx, MKT_ESTATE,
                              "the table has no column '%s' of the type the segment was "
                              "compiled for at position %u",
                              ref->name, ref->col);
        if (mkt__col_stale(t, col))
            return mkt__error(ctx, MKT_ESTATE,
                              "field '%s' is out of date: the table changed since "
                              "mkt_table_set_as_of()",
                              ref->name);
    }
    return MKT_OK;
}

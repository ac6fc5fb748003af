/* SPDX-License-Identifier: MIT */
/*
 * The issue list and the frame of the load-time checks: defaults of the options, recording
 * problems (every one, not just the first: a person fixing a journey wants the whole list),
 * the context error made from the first problem, and compiling the builder's nodes and edges
 * into the dense, resolved layout of an ::mkt_journey.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "journey-private.h"

MKT_EXPORT int mkt_journey_issues_new(mkt_journey_issues **out, mkt_ctx *ctx)
{
    if (out)
        *out = NULL;
    if (!out || !ctx)
        return MKT_EINVAL;
    mkt_journey_issues *l = mkt__calloc(ctx, 1, sizeof *l);
    if (!l)
        return mkt__oom(ctx);
    l->ctx = ctx;
    mkt__arena_init(&l->arena, ctx);
    *out = l;
    return MKT_OK;
}

MKT_EXPORT void mkt_journey_issues_free(mkt_journey_issues *issues)
{
    if (!issues)
        return;
    mkt_ctx *ctx = issues->ctx;
    MKT__VEC_FREE(ctx, &issues->v);
    mkt__arena_free(&issues->arena);
    mkt__free(ctx, issues);
}

MKT_EXPORT size_t mkt_journey_issues_count(const mkt_journey_issues *issues)
{
    return issues ? issues->v.len : 0;
}

MKT_EXPORT int mkt_journey_issues_get(const mkt_journey_issues *issues, size_t index,
                                      mkt_journey_issue *out)
{
    if (!issues || !out || out->struct_size < sizeof(size_t))
        return MKT_EINVAL;
    if (index >= issues->v.len)
        return MKT_ENOTFOUND;
    size_t keep = out->struct_size;
    const mkt_journey_issue *src = &issues->v.data[index].pub;
    memcpy(out, src, keep < sizeof *src ? keep : sizeof *src);
    out->struct_size = keep;
    return MKT_OK;
}

MKT_EXPORT const char *mkt_journey_check_name(int32_t check)
{
    static const char *const names[] = {
        NULL, "syntax", "invalid", "duplicate", "unknown-node", "no-entry", "unreachable",
        "cycle", "no-default", "missing-exit", "never-fires", "unknown-segment",
        "unknown-template", "unknown-offer", "unknown-event", "rule", "limit"};
    return check >= 1 && check <= MKT_JOURNEY_CHECK_LIMIT ? names[check] : NULL;
}

void mkt__j_options(mkt_journey_options *o, const mkt_journey_options *in)
{
    *o = (mkt_journey_options)MKT_JOURNEY_OPTIONS_INIT;
    if (in)
        memcpy(o, in, in->struct_size < sizeof *o ? in->struct_size : sizeof *o);
    o->struct_size = sizeof *o;
    if (o->max_nodes == 0 || o->max_nodes > MKT__J_HARD_MAX_NODES)
        o->max_nodes = o->max_nodes ? MKT__J_HARD_MAX_NODES : 1000u;
    if (o->max_depth == 0)
        o->max_depth = 256u;
    if (o->max_text == 0)
        o->max_text = 4096u;
}

static const char *arena_str(mkt__arena *a, const char *s)
{
    return s ? mkt__arena_strndup(a, s, strlen(s)) : NULL;
}

int mkt__j_problem(struct mkt__jcheck *c, int32_t check, int code, const char *node,
                   uint32_t line, const char *hint, const char *fmt, ...)
{
    if (c->nproblems >= MKT__J_MAX_ISSUES) { /* counted, not kept: bounded memory */
        c->nproblems++;
        return code;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mkt_journey_issues *l = c->issues;
    struct mkt__jissue is = {{sizeof(mkt_journey_issue), check, code, NULL, NULL, line, 0,
                              NULL, NULL}};
    is.pub.node = arena_str(&l->arena, node);
    is.pub.source = arena_str(&l->arena, c->source);
    is.pub.message = arena_str(&l->arena, msg);
    is.pub.hint = arena_str(&l->arena, hint);
    if ((node && !is.pub.node) || (c->source && !is.pub.source) || !is.pub.message ||
        (hint && !is.pub.hint) || MKT__VEC_PUSH(l->ctx, &l->v, is) != MKT_OK)
        return mkt__oom(c->ctx);
    if (c->first_code == MKT_OK) {
        c->first_code = code;
        c->first_issue = l->v.len - 1;
    }
    c->nproblems++;
    return code;
}

const char *mkt__j_last_error_text(mkt_ctx *ctx, uint32_t *line, uint32_t *column)
{
    const mkt_error *e = mkt_ctx_last_error(ctx);
    const char *m = e->message;
    size_t slen = e->source ? strlen(e->source) : 0;
    if (e->source && strncmp(m, e->source, slen) == 0 && m[slen] == ':')
        m += slen + 1;
    while (*m >= '0' && *m <= '9') { /* line: and column: */
        const char *p = m;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p != ':')
            break;
        m = p + 1;
    }
    while (*m == ' ')
        m++;
    *line = e->line <= UINT32_MAX ? (uint32_t)e->line : 0;
    *column = e->column <= UINT32_MAX ? (uint32_t)e->column : 0;
    return m;
}

int mkt__j_check_result(struct mkt__jcheck *c)
{
    if (c->first_code == MKT_OK)
        return MKT_OK;
    const mkt_journey_issue *f = &c->issues->v.data[c->first_issue].pub;
    char more[64] = "";
    if (c->nproblems > 1)
        snprintf(more, sizeof more, " (and %zu more problem%s)", c->nproblems - 1,
                 c->nproblems > 2 ? "s" : "");
    return mkt__error_at(c->ctx, c->first_code, f->source, f->line, f->column, f->node,
                         "%s%s%s%s", f->message, f->hint ? "; " : "", f->hint ? f->hint : "",
                         more);
}

/* Edges of the builder sorted by source node (stable: branches keep their rank). */
static int sort_edges(mkt_journey *dst, const mkt_journey *src)
{
    uint32_t *start = mkt__calloc(dst->ctx, (size_t)src->nnodes + 1, sizeof *start);
    if (!start)
        return mkt__oom(dst->ctx);
    for (uint32_t i = 0; i < src->nedges; i++)
        start[src->edges[i].def.from + 1]++;
    for (uint32_t i = 0; i < src->nnodes; i++) {
        dst->nodes[i].first_edge = start[i];
        start[i + 1] += start[i];
    }
    for (uint32_t i = 0; i < src->nedges; i++) {
        struct mkt__jedge *e = &dst->edges[start[src->edges[i].def.from]++];
        memset(e, 0, sizeof *e);
        e->since = MKT__J_NONE;
        if (mkt__j_copy_edge(dst, &e->def, &src->edges[i].def) != MKT_OK) {
            mkt__free(dst->ctx, start);
            return mkt__oom(dst->ctx);
        }
    }
    mkt__free(dst->ctx, start);
    dst->nedges = src->nedges;
    return MKT_OK;
}

int mkt__j_compile(mkt_journey *dst, const mkt_journey *src)
{
    if (mkt__j_copy_def(dst, &dst->def, &src->def) != MKT_OK)
        return mkt__oom(dst->ctx);
    dst->nodes = mkt__calloc(dst->ctx, src->nnodes ? src->nnodes : 1, sizeof *dst->nodes);
    dst->edges = mkt__calloc(dst->ctx, src->nedges ? src->nedges : 1, sizeof *dst->edges);
    if (!dst->nodes || !dst->edges)
        return mkt__oom(dst->ctx);
    int rc = mkt__intern_reserve(&dst->ids, src->nnodes);
    for (uint32_t i = 0; i < src->nnodes && rc == MKT_OK; i++) {
        struct mkt__jnode *n = &dst->nodes[i];
        const struct mkt__jnode *s = &src->nodes[i];
        n->next = s->next;
        n->on_event = s->on_event;
        n->on_timeout = s->on_timeout;
        n->otherwise = s->otherwise;
        n->nedges = s->nedges;
        /* counted before the copy so that release() never sees a half-made node */
        dst->nnodes = i + 1;
        if (mkt__j_copy_node(dst, &n->def, &s->def) != MKT_OK)
            rc = mkt__oom(dst->ctx);
        else
            rc = mkt__intern_put(&dst->ids, n->def.id, strlen(n->def.id), &(uint32_t){0}, NULL);
    }
    return rc == MKT_OK ? sort_edges(dst, src) : rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * The compiled journey: option and definition initialisers, deep copies into the journey's
 * arena, release, and the read-only accessors (settings, nodes, edges, lookup by id). Reading
 * never allocates, so any number of threads may read one journey at once.
 */
#include <string.h>

#include "journey-private.h"

MKT_EXPORT int mkt_journey_def_init(mkt_journey_def *def)
{
    if (!def)
        return MKT_EINVAL;
    *def = (mkt_journey_def)MKT_JOURNEY_DEF_INIT;
    return MKT_OK;
}

MKT_EXPORT int mkt_journey_node_def_init(mkt_journey_node_def *def)
{
    if (!def)
        return MKT_EINVAL;
    *def = (mkt_journey_node_def)MKT_JOURNEY_NODE_DEF_INIT;
    return MKT_OK;
}

MKT_EXPORT int mkt_journey_edge_def_init(mkt_journey_edge_def *def)
{
    if (!def)
        return MKT_EINVAL;
    *def = (mkt_journey_edge_def)MKT_JOURNEY_EDGE_DEF_INIT;
    return MKT_OK;
}

MKT_EXPORT int mkt_journey_options_init(mkt_journey_options *opts)
{
    if (!opts)
        return MKT_EINVAL;
    *opts = (mkt_journey_options)MKT_JOURNEY_OPTIONS_INIT;
    return MKT_OK;
}

void mkt__j_init(mkt_journey *j, mkt_ctx *ctx)
{
    memset(j, 0, sizeof *j);
    j->ctx = ctx;
    mkt__arena_init(&j->arena, ctx);
    mkt__intern_init(&j->ids, ctx);
    j->def = (mkt_journey_def)MKT_JOURNEY_DEF_INIT;
}

void mkt__j_release(mkt_journey *j)
{
    for (uint32_t i = 0; i < j->nnodes; i++) {
        mkt_rule_free(j->nodes[i].rule);
        mkt_segment_free(j->nodes[i].compiled);
    }
    for (uint32_t i = 0; i < j->nedges; i++) {
        mkt_rule_free(j->edges[i].rule);
        mkt_segment_free(j->edges[i].compiled);
    }
    mkt__free(j->ctx, j->nodes);
    mkt__free(j->ctx, j->edges);
    mkt__intern_free(&j->ids);
    mkt__arena_free(&j->arena);
    j->nodes = NULL;
    j->edges = NULL;
    j->nnodes = j->nedges = 0;
}

MKT_EXPORT void mkt_journey_free(mkt_journey *journey)
{
    if (!journey)
        return;
    mkt_ctx *ctx = journey->ctx;
    mkt__j_release(journey);
    mkt__free(ctx, journey);
}

/* Copy @s into the arena (NULL stays NULL); 0 on allocation failure. */
static int dup(mkt_journey *j, const char **dst, const char *s)
{
    *dst = s ? mkt__arena_strndup(&j->arena, s, strlen(s)) : NULL;
    return !s || *dst;
}

int mkt__j_copy_def(mkt_journey *j, mkt_journey_def *dst, const mkt_journey_def *src)
{
    mkt_journey_def d = MKT_JOURNEY_DEF_INIT;
    memcpy(&d, src, src->struct_size < sizeof d ? src->struct_size : sizeof d);
    d.struct_size = sizeof d;
    if (!dup(j, &d.id, d.id) || !dup(j, &d.name, d.name ? d.name : d.id) ||
        !dup(j, &d.description, d.description) || !dup(j, &d.zone, d.zone ? d.zone : "UTC") ||
        !dup(j, &d.source, d.source))
        return MKT_ENOMEM;
    *dst = d;
    return MKT_OK;
}

static int copy_context(mkt_journey *j, mkt_journey_node_def *d)
{
    if (d->ncontext == 0) {
        d->context_keys = d->context_values = NULL;
        return MKT_OK;
    }
    const char **keys = mkt__arena_alloc(&j->arena, 2 * d->ncontext * sizeof *keys,
                                         _Alignof(const char *));
    if (!keys)
        return MKT_ENOMEM;
    const char **values = keys + d->ncontext;
    for (size_t i = 0; i < d->ncontext; i++)
        if (!dup(j, &keys[i], d->context_keys[i]) || !dup(j, &values[i], d->context_values[i]))
            return MKT_ENOMEM;
    d->context_keys = keys;
    d->context_values = values;
    return MKT_OK;
}

int mkt__j_copy_node(mkt_journey *j, mkt_journey_node_def *dst, const mkt_journey_node_def *src)
{
    mkt_journey_node_def d = MKT_JOURNEY_NODE_DEF_INIT;
    memcpy(&d, src, src->struct_size < sizeof d ? src->struct_size : sizeof d);
    d.struct_size = sizeof d;
    if (!dup(j, &d.id, d.id) || !dup(j, &d.label, d.label) || !dup(j, &d.event, d.event) ||
        !dup(j, &d.segment, d.segment) || !dup(j, &d.rule, d.rule) ||
        !dup(j, &d.field, d.field) || !dup(j, &d.value, d.value) ||
        !dup(j, &d.template_id, d.template_id) || !dup(j, &d.subject, d.subject) ||
        !dup(j, &d.offer, d.offer) || !dup(j, &d.experiment, d.experiment) ||
        copy_context(j, &d) != MKT_OK)
        return MKT_ENOMEM;
    *dst = d;
    return MKT_OK;
}

int mkt__j_copy_edge(mkt_journey *j, mkt_journey_edge_def *dst, const mkt_journey_edge_def *src)
{
    mkt_journey_edge_def d = MKT_JOURNEY_EDGE_DEF_INIT;
    memcpy(&d, src, src->struct_size < sizeof d ? src->struct_size : sizeof d);
    d.struct_size = sizeof d;
    if (!dup(j, &d.rule, d.rule) || !dup(j, &d.segment, d.segment) ||
        !dup(j, &d.event, d.event) || !dup(j, &d.since, d.since) ||
        !dup(j, &d.variant, d.variant))
        return MKT_ENOMEM;
    *dst = d;
    return MKT_OK;
}

/* Copy a library-side struct into a caller's, up to the size the caller compiled. */
#define COPY_OUT(out, src)                                                                   \
    do {                                                                                     \
        size_t n_ = (out)->struct_size < sizeof(src) ? (out)->struct_size : sizeof(src);      \
        size_t keep_ = (out)->struct_size;                                                   \
        memcpy((out), &(src), n_);                                                           \
        (out)->struct_size = keep_;                                                          \
    } while (0)

MKT_EXPORT int mkt_journey_get(const mkt_journey *journey, mkt_journey_def *out)
{
    if (!journey || !out || out->struct_size < sizeof(size_t))
        return MKT_EINVAL;
    COPY_OUT(out, journey->def);
    return MKT_OK;
}

MKT_EXPORT uint32_t mkt_journey_node_count(const mkt_journey *journey)
{
    return journey ? journey->nnodes : 0;
}

MKT_EXPORT uint32_t mkt_journey_edge_count(const mkt_journey *journey)
{
    return journey ? journey->nedges : 0;
}

MKT_EXPORT int mkt_journey_node_get(const mkt_journey *journey, uint32_t index,
                                    mkt_journey_node_def *out)
{
    if (!journey || !out || out->struct_size < sizeof(size_t))
        return MKT_EINVAL;
    if (index >= journey->nnodes)
        return MKT_ENOTFOUND;
    COPY_OUT(out, journey->nodes[index].def);
    return MKT_OK;
}

MKT_EXPORT int mkt_journey_edge_get(const mkt_journey *journey, uint32_t index,
                                    mkt_journey_edge_def *out)
{
    if (!journey || !out || out->struct_size < sizeof(size_t))
        return MKT_EINVAL;
    if (index >= journey->nedges)
        return MKT_ENOTFOUND;
    COPY_OUT(out, journey->edges[index].def);
    return MKT_OK;
}

MKT_EXPORT int mkt_journey_node_find(const mkt_journey *journey, const char *id,
                                     uint32_t *index)
{
    if (!journey || !id || !index)
        return MKT_EINVAL;
    return mkt__intern_find(&journey->ids, id, strlen(id), index) ? MKT_OK : MKT_ENOTFOUND;
}

MKT_EXPORT int mkt_journey_node_edges(const mkt_journey *journey, uint32_t node,
                                      uint32_t *first, uint32_t *count)
{
    if (!journey || !first || !count)
        return MKT_EINVAL;
    if (node >= journey->nnodes)
        return MKT_ENOTFOUND;
    *first = journey->nodes[node].first_edge;
    *count = journey->nodes[node].nedges;
    return MKT_OK;
}

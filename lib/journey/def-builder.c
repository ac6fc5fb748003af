/* SPDX-License-Identifier: MIT */
/*
 * The journey builder: nodes and edges are checked one by one as they arrive (so a caller
 * learns of a bad field at the call that made it), copied into the builder's arena, and
 * finish() compiles a fresh immutable journey from them after the whole-graph checks. The
 * builder itself is left untouched by finish, so a caller may fix nothing and retry, or
 * finish twice with different registries.
 */
#include <string.h>

#include "journey-private.h"

MKT_EXPORT int mkt_journey_builder_new(mkt_journey_builder **out, mkt_ctx *ctx,
                                       const mkt_journey_def *def)
{
    if (out)
        *out = NULL;
    if (!out || !ctx)
        return MKT_EINVAL;
    if (!def || def->struct_size < offsetof(mkt_journey_def, id) + sizeof def->id)
        return mkt__error(ctx, MKT_EINVAL, "mkt_journey_builder_new: NULL or short definition");
    mkt_journey_def d = MKT_JOURNEY_DEF_INIT;
    memcpy(&d, def, def->struct_size < sizeof d ? def->struct_size : sizeof d);
    int rc = mkt__j_check_def(ctx, &d);
    if (rc)
        return rc;
    mkt_journey_builder *b = mkt__calloc(ctx, 1, sizeof *b);
    if (!b)
        return mkt__oom(ctx);
    mkt__j_init(&b->j, ctx);
    rc = mkt__j_copy_def(&b->j, &b->j.def, &d);
    if (rc) {
        mkt_journey_builder_free(b);
        return mkt__oom(ctx);
    }
    *out = b;
    return MKT_OK;
}

MKT_EXPORT void mkt_journey_builder_free(mkt_journey_builder *builder)
{
    if (!builder)
        return;
    mkt_ctx *ctx = builder->j.ctx;
    mkt__j_release(&builder->j);
    mkt__free(ctx, builder);
}

static int grow(mkt_ctx *ctx, void **arr, size_t *cap, uint32_t have, size_t elem)
{
    if (have < *cap)
        return MKT_OK;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *p = mkt__reallocarray(ctx, *arr, ncap, elem);
    if (!p)
        return mkt__oom(ctx);
    *arr = p;
    *cap = ncap;
    return MKT_OK;
}

MKT_EXPORT int mkt_journey_builder_add_node(mkt_journey_builder *builder,
                                            const mkt_journey_node_def *def, uint32_t *index)
{
    if (!builder)
        return MKT_EINVAL;
    mkt_journey *j = &builder->j;
    if (!def || def->struct_size < offsetof(mkt_journey_node_def, id) + sizeof def->id)
        return mkt__error(j->ctx, MKT_EINVAL, "mkt_journey_builder_add_node: NULL or short "
                          "node definition");
    mkt_journey_node_def d = MKT_JOURNEY_NODE_DEF_INIT;
    memcpy(&d, def, def->struct_size < sizeof d ? def->struct_size : sizeof d);
    int rc = mkt__j_check_node(j->ctx, &j->def, &d);
    if (rc)
        return rc;
    if (j->nnodes >= MKT__J_HARD_MAX_NODES)
        return mkt__error(j->ctx, MKT_ETOOBIG, "%s: more than %u nodes", d.id,
                          MKT__J_HARD_MAX_NODES);
    uint32_t id;
    if (mkt__intern_find(&j->ids, d.id, strlen(d.id), &id))
        return mkt__error_at(j->ctx, MKT_EEXIST, j->def.source, d.line, 0, d.id,
                             "node id '%s' is already used (line %u)", d.id,
                             (unsigned)j->nodes[id].def.line);
    rc = grow(j->ctx, (void **)&j->nodes, &builder->nodes_cap, j->nnodes, sizeof *j->nodes);
    if (rc)
        return rc;
    mkt__arena_mark mark = mkt__arena_mark_get(&j->arena);
    struct mkt__jnode *n = &j->nodes[j->nnodes];
    memset(n, 0, sizeof *n);
    n->next = n->on_event = n->on_timeout = n->otherwise = MKT__J_NONE;
    if (mkt__j_copy_node(j, &n->def, &d) != MKT_OK) {
        mkt__arena_rewind(&j->arena, mark);
        return mkt__oom(j->ctx);
    }
    rc = mkt__intern_put(&j->ids, d.id, strlen(d.id), &id, NULL);
    if (rc) {
        mkt__arena_rewind(&j->arena, mark);
        return rc;
    }
    if (index)
        *index = j->nnodes;
    j->nnodes++;
    return MKT_OK;
}

/* The single-exit slot a port fills on its source node, or NULL for branches. */
static uint32_t *exit_slot(struct mkt__jnode *n, int32_t port)
{
    switch (port) {
    case MKT_JOURNEY_PORT_NEXT: return &n->next;
    case MKT_JOURNEY_PORT_EVENT: return &n->on_event;
    case MKT_JOURNEY_PORT_TIMEOUT: return &n->on_timeout;
    case MKT_JOURNEY_PORT_DEFAULT: return &n->otherwise;
    default: return NULL;
    }
}

MKT_EXPORT int mkt_journey_builder_connect(mkt_journey_builder *builder,
                                           const mkt_journey_edge_def *def)
{
    if (!builder)
        return MKT_EINVAL;
    mkt_journey *j = &builder->j;
    if (!def || def->struct_size < offsetof(mkt_journey_edge_def, port) + sizeof def->port)
        return mkt__error(j->ctx, MKT_EINVAL, "mkt_journey_builder_connect: NULL or short "
                          "edge definition");
    mkt_journey_edge_def d = MKT_JOURNEY_EDGE_DEF_INIT;
    memcpy(&d, def, def->struct_size < sizeof d ? def->struct_size : sizeof d);
    int rc = mkt__j_check_edge(j->ctx, j, &d);
    if (rc)
        return rc;
    struct mkt__jnode *from = &j->nodes[d.from];
    uint32_t *slot = exit_slot(from, d.port);
    if (slot && *slot != MKT__J_NONE)
        return mkt__error_at(j->ctx, MKT_EEXIST, j->def.source, d.line, 0, from->def.id,
                             "the '%s' exit of node '%s' is already connected (to '%s')",
                             mkt__j_port_name(d.port), from->def.id,
                             j->nodes[*slot].def.id);
    if (d.port == MKT_JOURNEY_PORT_BRANCH && from->nedges >= 1000)
        return mkt__error(j->ctx, MKT_ETOOBIG, "%s: more than 1000 branches", from->def.id);
    rc = grow(j->ctx, (void **)&j->edges, &builder->edges_cap, j->nedges, sizeof *j->edges);
    if (rc)
        return rc;
    struct mkt__jedge *e = &j->edges[j->nedges];
    memset(e, 0, sizeof *e);
    e->since = MKT__J_NONE;
    if (mkt__j_copy_edge(j, &e->def, &d) != MKT_OK)
        return mkt__oom(j->ctx);
    if (slot)
        *slot = d.to;
    from->nedges++;
    j->nedges++;
    return MKT_OK;
}

int mkt__j_finish(const mkt_journey_builder *b, struct mkt__jcheck *c, mkt_journey **out)
{
    mkt_journey *j = mkt__calloc(c->ctx, 1, sizeof *j);
    if (!j)
        return mkt__oom(c->ctx);
    mkt__j_init(j, c->ctx);
    int rc = mkt__j_compile(j, &b->j);
    if (rc == MKT_OK)
        rc = mkt__j_check_graph(c, j);
    if (rc == MKT_OK)
        rc = mkt__j_check_refs(c, j);
    if (rc != MKT_OK || c->first_code != MKT_OK) {
        mkt_journey_free(j);
        return rc;
    }
    *out = j;
    return MKT_OK;
}

MKT_EXPORT int mkt_journey_builder_finish(mkt_journey_builder *builder,
                                          const mkt_journey_options *opts, mkt_journey **out)
{
    if (out)
        *out = NULL;
    if (!builder || !out)
        return builder ? mkt__error(builder->j.ctx, MKT_EINVAL, "mkt_journey_builder_finish: "
                                    "NULL out") : MKT_EINVAL;
    mkt_ctx *ctx = builder->j.ctx;
    if (opts && opts->struct_size < sizeof(size_t))
        return mkt__error(ctx, MKT_EINVAL, "mkt_journey_builder_finish: bad options size");
    mkt_journey_options o;
    mkt__j_options(&o, opts);
    mkt_journey_issues *own = NULL;
    if (!o.issues) {
        int rc = mkt_journey_issues_new(&own, ctx);
        if (rc)
            return rc;
        o.issues = own;
    }
    struct mkt__jcheck c = {ctx, &o, o.issues, builder->j.def.source, MKT_OK, 0, 0, 0};
    mkt_journey *j = NULL;
    int rc = mkt__j_finish(builder, &c, &j);
    if (rc == MKT_OK)
        rc = mkt__j_check_result(&c);
    mkt_journey_issues_free(own);
    if (rc != MKT_OK) {
        mkt_journey_free(j);
        return rc;
    }
    *out = j;
    return MKT_OK;
}

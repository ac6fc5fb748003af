/* SPDX-License-Identifier: MIT */
/*
 * mkt_rule_fields(): the fields a rule reads, `in segment` references followed through the
 * caller's resolver, each name once in order of first appearance. A host fetches just those
 * attributes for a real-time profile; `mkt segment` loads just those columns. Cycles are
 * reported as mkt_segment_compile() reports them.
 */
#include <string.h>

#include "segment-private.h"

struct walk {
    mkt_ctx *ctx;
    mkt_segment_resolver_fn resolver;
    void *data;
    MKT__VEC(const char *) names; /* borrowed from the rules */
    MKT__VEC(const char *) stack; /* segments being expanded */
};

static int add_name(struct walk *w, const char *name)
{
    for (size_t i = 0; i < w->names.len; i++)
        if (strcmp(w->names.data[i], name) == 0)
            return MKT_OK;
    return MKT__VEC_PUSH(w->ctx, &w->names, name) ? mkt__oom(w->ctx) : MKT_OK;
}

static int walk(struct walk *w, const struct mkt_rule *r);

static int walk_segment(struct walk *w, const struct mkt_rule *r)
{
    if (!w->resolver)
        return MKT_OK; /* not followed: the caller asked for this rule's own fields */
    for (size_t i = 0; i < w->stack.len; i++)
        if (strcmp(w->stack.data[i], r->field) == 0)
            return mkt__error(w->ctx, MKT_ECONFLICT, "segment '%.80s' refers to itself", r->field);
    const mkt_rule *found = NULL;
    int rc = w->resolver(r->field, &found, w->data);
    if (rc == MKT_ENOTFOUND || (rc == MKT_OK && !found))
        return mkt__error(w->ctx, MKT_ENOTFOUND, "unknown segment '%.80s'", r->field);
    if (rc)
        return mkt__error(w->ctx, rc, "resolving segment '%.80s' failed: %s", r->field,
                          mkt_strerror(rc));
    if (MKT__VEC_PUSH(w->ctx, &w->stack, r->field))
        return mkt__oom(w->ctx);
    rc = walk(w, found);
    w->stack.len--;
    return rc;
}

static int walk(struct walk *w, const struct mkt_rule *r)
{
    switch (r->kind) {
    case MKT_RULE_CONDITION: return add_name(w, r->field);
    case MKT_RULE_SEGMENT: return walk_segment(w, r);
    default:
        for (size_t i = 0; i < r->nkids; i++) {
            int rc = walk(w, r->kids[i]);
            if (rc)
                return rc;
        }
        return MKT_OK;
    }
}

/* One block: the pointer array, then the NUL-terminated names. */
static int pack(struct walk *w, char ***out)
{
    size_t bytes = (w->names.len + 1) * sizeof(char *);
    for (size_t i = 0; i < w->names.len; i++)
        bytes += strlen(w->names.data[i]) + 1;
    char **v = mkt__caller_alloc(w->ctx, bytes);
    if (!v)
        return mkt__oom(w->ctx);
    char *p = (char *)(v + w->names.len + 1);
    for (size_t i = 0; i < w->names.len; i++) {
        size_t n = strlen(w->names.data[i]) + 1;
        v[i] = memcpy(p, w->names.data[i], n);
        p += n;
    }
    v[w->names.len] = NULL;
    *out = v;
    return MKT_OK;
}

MKT_EXPORT int mkt_rule_fields(const mkt_rule *rule, mkt_ctx *ctx,
                               mkt_segment_resolver_fn resolver, void *resolver_data,
                               char ***out, size_t *n)
{
    if (!ctx)
        return MKT_EINVAL;
    if (!rule || !out || !n)
        return mkt__error(ctx, MKT_EINVAL, "mkt_rule_fields: NULL argument");
    struct walk w = {ctx, resolver, resolver_data, MKT__VEC_EMPTY, MKT__VEC_EMPTY};
    int rc = walk(&w, rule);
    if (rc == MKT_OK && (rc = pack(&w, out)) == MKT_OK)
        *n = w.names.len;
    MKT__VEC_FREE(ctx, &w.names);
    MKT__VEC_FREE(ctx, &w.stack);
    return rc;
}

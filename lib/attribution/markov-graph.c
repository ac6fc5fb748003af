/* SPDX-License-Identifier: MIT */
/*
 * The Markov chain of a path set. A state of order k is the sequence of the last k channels
 * of a journey (fewer at its start: a journey's i-th state, i < k, holds its first i
 * channels), encoded as a base-(channels + 1) number with digit (channel id + 1), oldest
 * first, so a prefix state never equals a full one. START, CONVERSION and NULL are states 0,
 * 1 and 2; the others are numbered in order of first appearance. A path with c conversions
 * and n nulls is c + n journeys: each of its transitions counts c + n, and its last state
 * moves to CONVERSION c times and to NULL n times.
 */
#include <stdlib.h>
#include <string.h>

#include "attribution-private.h"

/* Open addressing map from a non-zero 64-bit key to a 32-bit value; linear probing, load
 * at most 1/2. */
struct u64map {
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, len;
};

static int map_grow(mkt_ctx *ctx, struct u64map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    uint64_t *keys = mkt__calloc(ctx, cap, sizeof *keys);
    uint32_t *vals = mkt__calloc(ctx, cap, sizeof *vals);
    if (!keys || !vals) {
        mkt__free(ctx, keys);
        mkt__free(ctx, vals);
        return MKT_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t j = mkt__hash_u64(m->keys[i], 0) & (cap - 1);
            while (keys[j])
                j = (j + 1) & (cap - 1);
            keys[j] = m->keys[i];
            vals[j] = m->vals[i];
        }
    mkt__free(ctx, m->keys);
    mkt__free(ctx, m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return MKT_OK;
}

/* The value of @key, inserting @fresh when absent (*is_new set). */
static int map_get(mkt_ctx *ctx, struct u64map *m, uint64_t key, uint32_t fresh, uint32_t *val,
                   int *is_new)
{
    if (2 * (m->len + 1) > m->cap && map_grow(ctx, m))
        return MKT_ENOMEM;
    size_t j = mkt__hash_u64(key, 0) & (m->cap - 1);
    while (m->keys[j] && m->keys[j] != key)
        j = (j + 1) & (m->cap - 1);
    *is_new = !m->keys[j];
    if (*is_new) {
        m->keys[j] = key;
        m->vals[j] = fresh;
        m->len++;
    }
    *val = m->vals[j];
    return MKT_OK;
}

static void map_free(mkt_ctx *ctx, struct u64map *m)
{
    mkt__free(ctx, m->keys);
    mkt__free(ctx, m->vals);
}

struct builder {
    struct mkt__markov *m;
    struct u64map states, edges;
    MKT__VEC(uint64_t) keys;
    MKT__VEC(struct mkt__attr_edge) list;
};

static int state_of(struct builder *b, uint64_t key, uint32_t *s)
{
    int is_new;
    if (map_get(b->m->ctx, &b->states, key, (uint32_t)b->keys.len, s, &is_new))
        return MKT_ENOMEM;
    if (is_new && MKT__VEC_PUSH(b->m->ctx, &b->keys, key))
        return MKT_ENOMEM;
    return MKT_OK;
}

static int count_edge(struct builder *b, uint32_t from, uint32_t to, int64_t n)
{
    if (n == 0)
        return MKT_OK;
    uint32_t e;
    int is_new;
    if (map_get(b->m->ctx, &b->edges, (uint64_t)from << 32 | to, (uint32_t)b->list.len, &e,
                &is_new))
        return MKT_ENOMEM;
    if (is_new) {
        struct mkt__attr_edge edge = {from, to, 0, 0};
        if (MKT__VEC_PUSH(b->m->ctx, &b->list, edge))
            return MKT_ENOMEM;
    }
    if (__builtin_add_overflow(b->list.data[e].count, n, &b->list.data[e].count))
        return MKT_ERANGE;
    return MKT_OK;
}

/* The transitions of one path. */
static int add_path(struct builder *b, const uint32_t *ch, uint32_t len, int64_t conv,
                    int64_t nulls, uint64_t base, uint64_t keep, int collapse)
{
    int64_t journeys;
    if (__builtin_add_overflow(conv, nulls, &journeys))
        return MKT_ERANGE;
    if (journeys == 0)
        return MKT_OK;
    uint32_t prev = MKT_ATTR_STATE_START, s;
    uint64_t key = 0;
    int rc;
    for (uint32_t i = 0; i < len; i++) {
        if (collapse && i > 0 && ch[i] == ch[i - 1])
            continue;
        key = (key % keep) * base + ch[i] + 1;
        if ((rc = state_of(b, key, &s)) || (rc = count_edge(b, prev, s, journeys)))
            return rc;
        prev = s;
    }
    if ((rc = count_edge(b, prev, MKT_ATTR_STATE_CONVERSION, conv)))
        return rc;
    return count_edge(b, prev, MKT_ATTR_STATE_NULL, nulls);
}

static int by_from_to(const void *a, const void *b)
{
    const struct mkt__attr_edge *x = a, *y = b;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    return x->to < y->to ? -1 : x->to > y->to;
}

/* Sort the edges by state, index them (CSR) and turn counts into probabilities. */
static int finish(struct builder *b)
{
    struct mkt__markov *m = b->m;
    m->nstates = (uint32_t)b->keys.len;
    m->keys = b->keys.data;
    m->edges = b->list.data;
    m->nedges = b->list.len;
    b->keys.data = NULL;
    b->list.data = NULL;
    if (m->nedges > 1)
        qsort(m->edges, m->nedges, sizeof *m->edges, by_from_to);
    m->out_start = mkt__calloc(m->ctx, (size_t)m->nstates + 1, sizeof *m->out_start);
    if (!m->out_start)
        return MKT_ENOMEM;
    for (uint64_t e = 0; e < m->nedges; e++)
        m->out_start[m->edges[e].from + 1]++;
    for (uint32_t s = 0; s < m->nstates; s++)
        m->out_start[s + 1] += m->out_start[s];
    for (uint32_t s = 0; s < m->nstates; s++) {
        double total = 0;
        for (uint32_t e = m->out_start[s]; e < m->out_start[s + 1]; e++)
            total += (double)m->edges[e].count;
        for (uint32_t e = m->out_start[s]; e < m->out_start[s + 1]; e++)
            m->edges[e].prob = (double)m->edges[e].count / total;
    }
    return MKT_OK;
}

int mkt__markov_build(struct mkt__markov *m, const mkt_paths *paths, uint32_t order,
                      int collapse_repeats)
{
    mkt_ctx *ctx = paths->ctx;
    memset(m, 0, sizeof *m);
    m->ctx = ctx;
    m->order = order;
    m->nch = mkt_paths_channel_count(paths);
    uint64_t base = (uint64_t)m->nch + 1, keep = 1, top;
    for (uint32_t i = 1; i < order; i++)
        keep *= base; /* fits: checked below with one more factor */
    if (__builtin_mul_overflow(keep, base, &top) || m->nch > UINT32_MAX / 2)
        return mkt__error(ctx, MKT_ETOOBIG, "attribution: %u channels are too many for a "
                          "Markov chain of order %u", m->nch, order);
    struct builder b;
    memset(&b, 0, sizeof b);
    b.m = m;
    int rc = MKT_OK;
    for (uint32_t s = 0; s < 3 && rc == MKT_OK; s++) /* START, CONVERSION, NULL: key 0 */
        rc = MKT__VEC_PUSH(ctx, &b.keys, 0);
    for (size_t i = 0; i < paths->paths.len && rc == MKT_OK; i++) {
        const struct mkt__path *p = &paths->paths.data[i];
        rc = add_path(&b, paths->touch_ch.data + p->off, p->len, p->conversions, p->nulls,
                      base, keep, collapse_repeats);
        if (rc == MKT_OK && b.keys.len > UINT32_MAX - 1)
            rc = MKT_ETOOBIG;
    }
    if (rc == MKT_OK)
        rc = finish(&b);
    map_free(ctx, &b.states);
    map_free(ctx, &b.edges);
    MKT__VEC_FREE(ctx, &b.keys);
    MKT__VEC_FREE(ctx, &b.list);
    if (rc) {
        mkt__markov_free(m);
        if (rc == MKT_ERANGE)
            return mkt__error(ctx, rc, "attribution: transition counts overflow 64 bits");
        return rc == MKT_ENOMEM ? mkt__oom(ctx) : mkt__error(ctx, rc, "attribution: too many "
                                                               "Markov states");
    }
    return MKT_OK;
}

void mkt__markov_free(struct mkt__markov *m)
{
    mkt__free(m->ctx, m->keys);
    mkt__free(m->ctx, m->out_start);
    mkt__free(m->ctx, m->edges);
    m->keys = NULL;
    m->out_start = NULL;
    m->edges = NULL;
}

int mkt__markov_key_has(const struct mkt__markov *m, uint64_t key, uint32_t ch)
{
    uint64_t base = (uint64_t)m->nch + 1;
    for (; key; key /= base)
        if (key % base == (uint64_t)ch + 1)
            return 1;
    return 0;
}

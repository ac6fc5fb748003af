/* SPDX-License-Identifier: MIT */
/*
 * Journey engine counts: gathered in memory by every saved step, added to the store's totals
 * ("journey.count", one mkt_store_incr() counter per field) at a flush, read back as stored
 * total + unflushed.
 *
 * Why deltas and a flush rather than a store write per step: a step changes 3 to 6 counts, and
 * an increment each would double the store operations of the hot path (an entry event is one
 * read and one write). Why not exact: the instance write and the increments are separate
 * store operations, so a crash between them loses or repeats something whatever the order;
 * losing the deltas since the last flush is the cheap, bounded choice (documented in
 * engine.h). Counters are incremented, never read-modify-written, so engines sharing a store
 * add up without conflicts.
 *
 * Key: "<journey id>\x1f<node id>\x1f<what>", what = a field name below, "suppressed.<r>"
 * (a consent reason code) or "edge.<edge index>" (under the edge's source node).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "engine-private.h"

static const struct {
    const char *name;
    size_t offset;
} fields[] = {
    { "entered", offsetof(mkt_journey_node_counts, entered) },
    { "exited", offsetof(mkt_journey_node_counts, exited) },
    { "waiting", offsetof(mkt_journey_node_counts, waiting) },
    { "converted", offsetof(mkt_journey_node_counts, converted) },
    { "ended", offsetof(mkt_journey_node_counts, ended) },
    { "sent", offsetof(mkt_journey_node_counts, sent) },
    { "failed", offsetof(mkt_journey_node_counts, failed) },
    { "deferred", offsetof(mkt_journey_node_counts, deferred) },
    { "retried", offsetof(mkt_journey_node_counts, retried) },
    { "suppressed", offsetof(mkt_journey_node_counts, suppressed) },
    { "no_field", offsetof(mkt_journey_node_counts, no_field) },
};
#define NFIELDS (sizeof fields / sizeof fields[0])
#define NREASONS 32u

/* Every count is a uint64_t (waiting through its unsigned alias, see MKT__JE_WAITING). */
static uint64_t *field_at(mkt_journey_node_counts *c, size_t i)
{
    return (uint64_t *)(void *)((char *)c + fields[i].offset);
}

void mkt__je_tally_undo(mkt_journey_engine *e)
{
    struct mkt__je_tally *t = &e->tally;
    while (t->len > 0) {
        t->len--;
        *t->log[t->len].field -= t->log[t->len].delta;
    }
}

/* "<journey id>\x1f<node id>\x1f" into @b (from the engine's copy, see engine-private.h). */
static int node_prefix(mkt__buf *b, const struct mkt__je_journey *jj, uint32_t node)
{
    uint32_t start = node > 0 ? jj->count_key_end[node - 1] : 0;
    mkt__buf_reset(b);
    return mkt__buf_append(b, jj->count_keys + start, jj->count_key_end[node] - start);
}

/* Add the unflushed @*delta to counter "<prefix in e->key2><what><index>" and clear it. */
static int flush_one(mkt_journey_engine *e, size_t prefix_len, const char *what, long index,
                     uint64_t *delta)
{
    if (*delta == 0)
        return MKT_OK;
    mkt__buf_truncate(&e->key2, prefix_len);
    int rc = index < 0 ? mkt__buf_appends(&e->key2, what)
                       : mkt__buf_appendf(&e->key2, "%s%ld", what, index);
    if (rc != MKT_OK)
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    int64_t d = (int64_t)*delta; /* waiting may be negative: limits in both directions */
    rc = mkt_store_incr(e->ctx, MKT__JE_NS_COUNT, e->key2.data, e->key2.len, d,
                        d >= 0 ? INT64_MAX : INT64_MIN, NULL);
    if (rc == MKT_OK)
        *delta = 0;
    return rc;
}

static int flush_node(mkt_journey_engine *e, struct mkt__je_journey *jj, uint32_t node)
{
    mkt_journey_node_counts *c = &jj->counts[node];
    if (node_prefix(&e->key2, jj, node) != MKT_OK)
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    size_t plen = e->key2.len;
    int rc = MKT_OK;
    for (size_t i = 0; i < NFIELDS && rc == MKT_OK; i++)
        rc = flush_one(e, plen, fields[i].name, -1, field_at(c, i));
    for (uint32_t r = 0; r < NREASONS && rc == MKT_OK; r++)
        rc = flush_one(e, plen, "suppressed.", (long)r, &c->suppressed_by_reason[r]);
    return rc;
}

static int flush_edge(mkt_journey_engine *e, struct mkt__je_journey *jj, uint32_t edge)
{
    if (jj->taken[edge] == 0)
        return MKT_OK;
    if (node_prefix(&e->key2, jj, jj->edge_from[edge]) != MKT_OK)
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    return flush_one(e, e->key2.len, "edge.", (long)edge, &jj->taken[edge]);
}

/* Reads only the engine's copies (never jj->j): free() flushes after a binding may have
 * freed the journeys. */
MKT_EXPORT int mkt_journey_engine_flush(mkt_journey_engine *e)
{
    if (!e)
        return MKT_EINVAL;
    int rc = MKT_OK;
    for (size_t i = 0; i < e->njourneys && rc == MKT_OK; i++) {
        struct mkt__je_journey *jj = &e->journeys[i];
        if (!jj->count_keys) /* a journey whose setup failed: nothing counted */
            continue;
        for (uint32_t node = 0; node < jj->nnodes && rc == MKT_OK; node++)
            rc = flush_node(e, jj, node);
        for (uint32_t edge = 0; edge < jj->nedges && rc == MKT_OK; edge++)
            rc = flush_edge(e, jj, edge);
    }
    return rc;
}

/* ---- reading: stored totals + unflushed ---------------------------------------------------- */

struct reader {
    mkt_ctx *ctx;
    size_t prefix_len;
    mkt_journey_node_counts *out;
    long edge;           /* reading one edge: its index, else -1 */
    uint64_t *edge_out;
    int rc;
};

static int parse_counter(const void *value, size_t len, int64_t *out)
{
    char text[24];
    char *end = NULL;
    if (len == 0 || len >= sizeof text)
        return MKT_EPARSE;
    memcpy(text, value, len);
    text[len] = '\0';
    long long v = strtoll(text, &end, 10);
    if (*end != '\0')
        return MKT_EPARSE;
    *out = (int64_t)v;
    return MKT_OK;
}

/* The slot of counter @what (already past the prefix) in @r, or NULL (unknown: skipped, so
 * that a later version's counters do not break this one). */
static uint64_t *slot_of(struct reader *r, const char *what, size_t len)
{
    char name[32];
    if (len >= sizeof name)
        return NULL;
    memcpy(name, what, len);
    name[len] = '\0';
    char *end = NULL;
    if (strncmp(name, "edge.", 5) == 0) {
        long i = strtol(name + 5, &end, 10);
        return r->edge >= 0 && *end == '\0' && i == r->edge ? r->edge_out : NULL;
    }
    if (!r->out)
        return NULL;
    if (strncmp(name, "suppressed.", 11) == 0) {
        long i = strtol(name + 11, &end, 10);
        return *end == '\0' && i >= 0 && i < (long)NREASONS
                   ? &r->out->suppressed_by_reason[i] : NULL;
    }
    for (size_t i = 0; i < NFIELDS; i++)
        if (strcmp(name, fields[i].name) == 0)
            return field_at(r->out, i);
    return NULL;
}

static int visit_counter(const char *key, size_t klen, const void *value, size_t vlen,
                         uint64_t version, void *data)
{
    struct reader *r = data;
    int64_t v;
    (void)version;
    if (parse_counter(value, vlen, &v) != MKT_OK) {
        r->rc = mkt__error(r->ctx, MKT_EPARSE, "journey engine: %s %.*s is not a counter",
                           MKT__JE_NS_COUNT, (int)klen, key);
        return r->rc;
    }
    uint64_t *slot = slot_of(r, key + r->prefix_len, klen - r->prefix_len);
    if (slot)
        *slot += (uint64_t)v;
    return 0;
}

static int read_stored(const mkt_journey_engine *e, const struct mkt__je_journey *jj,
                       uint32_t node, struct reader *r)
{
    mkt__buf prefix;
    mkt__buf_init(&prefix, e->ctx);
    if (node_prefix(&prefix, jj, node) != MKT_OK) {
        mkt__buf_free(&prefix);
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    }
    r->ctx = e->ctx;
    r->prefix_len = prefix.len;
    r->rc = MKT_OK;
    int rc = mkt_store_scan(e->ctx, MKT__JE_NS_COUNT, prefix.data, prefix.len, visit_counter, r);
    mkt__buf_free(&prefix);
    return r->rc != MKT_OK ? r->rc : rc;
}

MKT_EXPORT int mkt_journey_engine_counts(const mkt_journey_engine *e, const char *journey_id,
                                         uint32_t node, mkt_journey_node_counts *out)
{
    if (!e || !journey_id || !out || out->struct_size < sizeof *out)
        return MKT_EINVAL;
    const struct mkt__je_journey *jj = mkt__je_find(e, journey_id, strlen(journey_id));
    if (!jj || node >= jj->j->nnodes)
        return MKT_ENOTFOUND;
    mkt_journey_node_counts c = jj->counts[node];
    struct reader r = { NULL, 0, &c, -1, NULL, MKT_OK };
    int rc = read_stored(e, jj, node, &r);
    if (rc == MKT_OK)
        *out = c;
    return rc;
}

MKT_EXPORT int mkt_journey_engine_edge_count(const mkt_journey_engine *e,
                                             const char *journey_id, uint32_t edge,
                                             uint64_t *taken)
{
    if (!e || !journey_id || !taken)
        return MKT_EINVAL;
    const struct mkt__je_journey *jj = mkt__je_find(e, journey_id, strlen(journey_id));
    if (!jj || edge >= jj->j->nedges)
        return MKT_ENOTFOUND;
    uint64_t n = jj->taken[edge];
    struct reader r = { NULL, 0, NULL, (long)edge, &n, MKT_OK };
    int rc = read_stored(e, jj, jj->edge_from[edge], &r);
    if (rc == MKT_OK)
        *taken = n;
    return rc;
}

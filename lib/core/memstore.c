/* SPDX-License-Identifier: MIT */
/*
 * The built-in in-memory store (the default when the host gives none), following the contract
 * in include/libmarketing/store.h.
 *
 * Each namespace is a treap (memstore-tree.c) for the ordered prefix scan, plus a hash index
 * for point operations (get, put, incr, delete): open addressing, linear probing, keyed by the
 * node's priority, which is already a hash of the key: one or two cache lines instead of a
 * ~2 ln n walk down the treap. Namespaces are few and are kept in a small array searched by
 * name (hot paths resolve theirs once: mkt__memstore_ns_lookup()).
 *
 * Nodes come from a slab per namespace (memstore-slab.c): dense, on 2 MiB pages once large,
 * with the treap links before the node so that a read touches only header, key and value (a
 * consent record: three cache lines, where malloc'd nodes with a 64-byte header took four,
 * each on its own 4 KiB page: a TLB miss and a page walk per record with 100,000 customers).
 *
 * Every write allocates what it needs before changing anything, so a failed allocation
 * (MKT_ENOMEM) leaves the store exactly as it was.
 */
#include <inttypes.h>
#include <stdio.h>

#include "memstore-private.h"
#include "util.h"

typedef struct mkt__ms_node node;

/* Values up to this size live in the node's block, right after the key: a read then touches
 * one block instead of two (state records and counters are small). A value that outgrows its
 * room moves the node to a bigger block; the room never shrinks, so counters rewritten in
 * place never allocate. */
#define INLINE_MAX 256
#define INLINE_MIN 24
/* Node bytes mkt__memstore_prefetch() pulls in: header, a short key, a small value. 224: a
 * typical consent state record with its send counters is ~185 bytes (16-byte header and a
 * key ahead of it); at 192 the decision stalled on the counters at the record's end. */
#define PREFETCH_BYTES 224

_Static_assert(INLINE_MIN >= sizeof(struct mkt__ms_apart), "the room can hold an apart value");

#define PRIO_SEED UINT64_C(0x747265617073)

struct memstore {
    mkt_ctx *ctx;
    struct mkt__ms_ns *ns;
    size_t nns, cap;
    size_t recent[2]; /* the namespaces found last: callers alternate between a few */
};

/* ---- node blocks ---------------------------------------------------------------------------- */

static size_t block_size(size_t key_len, size_t room)
{
    return sizeof(struct mkt__ms_links) + sizeof(node) + key_len + room;
}

/* A node with @key and room for a value of @value_len bytes (or for its apart pointer), links
 * and value not set; NULL when the allocator fails. */
static node *node_alloc(mkt_ctx *ctx, struct mkt__ms_ns *n, const unsigned char *key,
                        size_t key_len, size_t value_len)
{
    size_t room = value_len > INLINE_MAX ? INLINE_MIN : value_len < INLINE_MIN ? INLINE_MIN
                                                                              : value_len;
    size_t size = block_size(key_len, room);
    unsigned char *b;
    if (size <= MKT__SLAB_MAX) {
        size = mkt__slab_round(size);
        room = size - block_size(key_len, 0); /* the class's slack is room too */
        b = mkt__slab_alloc(ctx, &n->slab, size);
    } else {
        b = mkt__malloc(ctx, size);
    }
    if (b == NULL)
        return NULL;
    node *e = (node *)(void *)(b + sizeof(struct mkt__ms_links));
    memcpy(e->key, key, key_len);
    e->key_len = (uint16_t)key_len;
    e->room = (uint16_t)room;
    e->value_len = 0;
    return e;
}

static void free_apart(mkt_ctx *ctx, node *e)
{
    if (e->value_len == MKT__MS_APART) {
        struct mkt__ms_apart a;
        memcpy(&a, e->key + e->key_len, sizeof a);
        mkt__free(ctx, a.value);
    }
}

/* Free @e's block (its apart value too). */
static void node_free(mkt_ctx *ctx, struct mkt__ms_ns *n, node *e)
{
    free_apart(ctx, e);
    size_t size = block_size(e->key_len, e->room);
    void *b = mkt__ms_links_of(e);
    if (size <= MKT__SLAB_MAX)
        mkt__slab_free(&n->slab, b, size);
    else
        mkt__free(ctx, b);
}

/* Store @value in @e: inline when it fits the room, else in @apart (allocated by the
 * caller). Frees the old apart value. */
static void node_set(mkt_ctx *ctx, node *e, const void *value, size_t len, unsigned char *apart)
{
    free_apart(ctx, e);
    if (apart) {
        memcpy(apart, value, len);
        struct mkt__ms_apart a = { apart, len };
        memcpy(e->key + e->key_len, &a, sizeof a);
        e->value_len = MKT__MS_APART;
        return;
    }
    if (len)
        memcpy(e->key + e->key_len, value, len);
    e->value_len = (uint32_t)len;
}

/* Blocks that are not slab blocks (long keys) and apart values; the slab goes as a whole. */
static void free_outside_slab(mkt_ctx *ctx, struct mkt__ms_ns *n, node *t)
{
    while (t) {
        free_outside_slab(ctx, n, mkt__ms_links_of(t)->left);
        node *r = mkt__ms_links_of(t)->right;
        if (block_size(t->key_len, t->room) > MKT__SLAB_MAX)
            node_free(ctx, n, t);
        else
            free_apart(ctx, t);
        t = r;
    }
}

static node *lookup(const struct mkt__ms_ns *n, const unsigned char *key, size_t len)
{
    return mkt__ms_lookup(n, key, len, mkt__memstore_hash((const char *)key, len));
}

/* ---- namespaces --------------------------------------------------------------------------- */

static struct mkt__ms_ns *ns_find(struct memstore *m, const char *name)
{
    for (int r = 0; r < 2; r++)
        if (m->recent[r] < m->nns && strcmp(m->ns[m->recent[r]].name, name) == 0)
            return &m->ns[m->recent[r]];
    for (size_t i = 0; i < m->nns; i++) {
        if (strcmp(m->ns[i].name, name) == 0) {
            m->recent[1] = m->recent[0];
            m->recent[0] = i;
            return &m->ns[i];
        }
    }
    return NULL;
}

static struct mkt__ms_ns *ns_get_or_add(struct memstore *m, const char *name)
{
    struct mkt__ms_ns *n = ns_find(m, name);
    if (n)
        return n;
    if (mkt__vec_reserve_(m->ctx, &m->ns, &m->cap, m->nns, 1, sizeof *m->ns) != MKT_OK)
        return NULL;
    char *copy = mkt__strdup(m->ctx, name);
    if (copy == NULL)
        return NULL;
    n = &m->ns[m->nns++];
    memset(n, 0, sizeof *n);
    n->name = copy;
    return n;
}

/* ---- operations --------------------------------------------------------------------------- */

static int ms_get(const char *ns, const char *key, size_t key_len, mkt_store_reply *reply,
                  void *user_data)
{
    node *e = lookup(ns_find(user_data, ns), (const unsigned char *)key, key_len);
    if (e == NULL)
        return MKT_ENOTFOUND;
    size_t len;
    const unsigned char *v = mkt__ms_value(e, &len);
    return mkt_store_reply_set(reply, v, len, e->version);
}

/* The contract's version rule shared by put and delete. */
static int version_ok(const node *e, uint64_t expected)
{
    if (expected == MKT_VERSION_ANY)
        return 1;
    return (e ? e->version : MKT_VERSION_ABSENT) == expected;
}

/* Move @e to a block with room for @len bytes (the value itself is set by the caller); the
 * treap and the index point to the new block. NULL (nothing changed) when out of memory. */
static node *node_grow(mkt_ctx *ctx, struct mkt__ms_ns *n, node *e, size_t len)
{
    node *g = node_alloc(ctx, n, e->key, e->key_len, len);
    if (g == NULL)
        return NULL;
    g->version = e->version;
    g->value_len = e->value_len;
    memcpy(g->key + g->key_len, e->key + e->key_len, sizeof(struct mkt__ms_apart));
    *mkt__ms_links_of(g) = *mkt__ms_links_of(e);
    mkt__ms_replace(&n->root, e, g);
    n->slots[mkt__ms_index_find(n, e)].node = g;
    e->value_len = 0; /* its apart value, if any, is g's now */
    node_free(ctx, n, e);
    return g;
}

/* Replace the value of node *@ep (which may move to a bigger block); allocates first, so a
 * failure changes nothing. */
static int set_value(mkt_ctx *ctx, struct mkt__ms_ns *n, node **ep, const void *value, size_t len)
{
    node *e = *ep;
    if (e->version >= MKT_VERSION_ANY - 1)
        return MKT_ERANGE;
    unsigned char *apart = NULL;
    if (len > e->room && len > INLINE_MAX) {
        if ((apart = mkt__malloc(ctx, len)) == NULL)
            return MKT_ENOMEM;
    } else if (len > e->room) {
        if ((e = node_grow(ctx, n, e, len)) == NULL)
            return MKT_ENOMEM;
        *ep = e;
    }
    node_set(ctx, e, value, len, apart);
    e->version++;
    return MKT_OK;
}

static int add_node(struct memstore *m, const char *ns, const unsigned char *key, size_t key_len,
                    const void *value, size_t value_len)
{
    struct mkt__ms_ns *n = ns_get_or_add(m, ns);
    if (n == NULL || key_len > MKT_STORE_MAX_KEY)
        return MKT_ENOMEM;
    node *e = node_alloc(m->ctx, n, key, key_len, value_len);
    unsigned char *apart = NULL;
    if (e && value_len > e->room)
        apart = mkt__malloc(m->ctx, value_len);
    if (e == NULL || (value_len > e->room && apart == NULL) ||
        mkt__ms_index_reserve(m->ctx, n) != MKT_OK) {
        mkt__free(m->ctx, apart);
        if (e)
            node_free(m->ctx, n, e);
        return MKT_ENOMEM;
    }
    node_set(m->ctx, e, value, value_len, apart);
    struct mkt__ms_links *l = mkt__ms_links_of(e);
    l->left = l->right = NULL;
    l->prio = mkt__memstore_hash((const char *)key, key_len);
    e->version = 1;
    n->root = mkt__ms_insert(n->root, e);
    mkt__ms_index_put(n->slots, n->mask, l->prio, e);
    n->count++;
    return MKT_OK;
}

static int ms_put(const char *ns, const char *key, size_t key_len, const void *value,
                  size_t value_len, uint64_t expected_version, uint64_t *new_version,
                  void *user_data)
{
    struct memstore *m = user_data;
    struct mkt__ms_ns *n = ns_find(m, ns);
    const unsigned char *k = (const unsigned char *)key;
    node *e = lookup(n, k, key_len);
    if (!version_ok(e, expected_version))
        return MKT_ECONFLICT;
    int rc = e ? set_value(m->ctx, n, &e, value, value_len)
               : add_node(m, ns, k, key_len, value, value_len);
    if (rc == MKT_OK && new_version)
        *new_version = e ? e->version : 1;
    return rc;
}

static int ms_del(const char *ns, const char *key, size_t key_len, uint64_t expected_version,
                  void *user_data)
{
    struct memstore *m = user_data;
    struct mkt__ms_ns *n = ns_find(m, ns);
    const unsigned char *k = (const unsigned char *)key;
    node *e = lookup(n, k, key_len);
    if (e == NULL)
        return expected_version == MKT_VERSION_ANY || expected_version == MKT_VERSION_ABSENT
                   ? MKT_ENOTFOUND : MKT_ECONFLICT;
    if (!version_ok(e, expected_version))
        return MKT_ECONFLICT;
    mkt__ms_index_remove(n, e);
    n->root = mkt__ms_erase(n->root, k, key_len);
    node_free(m->ctx, n, e);
    return MKT_OK;
}

/* Strict int64 decimal: optional '-', 1..19 digits, nothing else. */
static int parse_counter(const unsigned char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    int neg = len > 0 && s[0] == '-';
    i += (size_t)neg;
    if (i == len)
        return MKT_ETYPE;
    uint64_t v = 0, max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return MKT_ETYPE;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (max - d) / 10)
            return MKT_ETYPE; /* not an int64: not a counter */
        v = v * 10 + d;
    }
    *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return MKT_OK;
}

/* The incr rule: overflow first (MKT_ERANGE), then the bound (MKT_ELIMIT). */
static int counter_step(int64_t cur, int64_t delta, int64_t limit, int64_t *next)
{
    if ((delta > 0 && cur > INT64_MAX - delta) || (delta < 0 && cur < INT64_MIN - delta))
        return MKT_ERANGE;
    int64_t v = cur + delta;
    if ((delta >= 0 && v > limit) || (delta < 0 && v < limit))
        return MKT_ELIMIT;
    *next = v;
    return MKT_OK;
}

static int ms_incr(const char *ns, const char *key, size_t key_len, int64_t delta,
                   int64_t limit, int64_t *result, void *user_data)
{
    struct memstore *m = user_data;
    struct mkt__ms_ns *n = ns_find(m, ns);
    const unsigned char *k = (const unsigned char *)key;
    node *e = lookup(n, k, key_len);
    int64_t cur = 0, next;
    size_t vlen = 0;
    const unsigned char *v = e ? mkt__ms_value(e, &vlen) : NULL;
    int rc = e ? parse_counter(v, vlen, &cur) : MKT_OK;
    if (rc == MKT_OK)
        rc = counter_step(cur, delta, limit, &next);
    if (rc)
        return rc;
    char text[24];
    int len = snprintf(text, sizeof text, "%" PRId64, next);
    rc = e ? set_value(m->ctx, n, &e, text, (size_t)len)
           : add_node(m, ns, k, key_len, text, (size_t)len);
    if (rc == MKT_OK && result)
        *result = next;
    return rc;
}

static int ms_scan(const char *ns, const char *prefix, size_t prefix_len,
                   mkt_store_visit_fn visit, void *visit_data, void *user_data)
{
    struct mkt__ms_ns *n = ns_find(user_data, ns);
    if (n == NULL)
        return MKT_OK;
    int rc = mkt__ms_walk(n->root, (const unsigned char *)prefix, prefix_len, visit, visit_data);
    return rc < 0 ? rc : MKT_OK;
}

static void ms_destroy(void *user_data)
{
    struct memstore *m = user_data;
    for (size_t i = 0; i < m->nns; i++) {
        free_outside_slab(m->ctx, &m->ns[i], m->ns[i].root);
        mkt__slab_release(m->ctx, &m->ns[i].slab);
        mkt__free(m->ctx, m->ns[i].slots_block);
        mkt__free(m->ctx, m->ns[i].name);
    }
    mkt__free(m->ctx, m->ns);
    mkt__free(m->ctx, m);
}

uint64_t mkt__memstore_hash(const char *key, size_t key_len)
{
    return mkt__hash64(key, key_len, PRIO_SEED);
}

/* Namespaces are only ever appended, so an index stays valid for the store's life. A small
 * namespace stays in the caches: hints would only cost time (~30 ns a request). */
#define PREFETCH_MIN_KEYS 8192

long mkt__memstore_ns_lookup(void *user_data, const char *ns)
{
    struct memstore *m = user_data;
    const struct mkt__ms_ns *n = ns_find(m, ns);
    return n ? (long)(n - m->ns) : -1;
}

long mkt__memstore_ns_index(void *user_data, const char *ns)
{
    const struct memstore *m = user_data;
    long i = mkt__memstore_ns_lookup(user_data, ns);
    return i >= 0 && m->ns[i].count >= PREFETCH_MIN_KEYS ? i : -1;
}

int mkt__memstore_view_at(void *user_data, long ns_index, const char *key, size_t key_len,
                          uint64_t hash, const unsigned char **value, size_t *value_len,
                          uint64_t *version)
{
    const struct memstore *m = user_data;
    node *e = mkt__ms_lookup(&m->ns[ns_index], (const unsigned char *)key, key_len, hash);
    if (e == NULL)
        return MKT_ENOTFOUND;
    *value = mkt__ms_value(e, value_len);
    if (version)
        *version = e->version;
    return MKT_OK;
}

/* Stage 0 pulls the key's first hash slot towards the cache; stage 1 (some requests later,
 * when that slot has arrived) follows the probe run by hash alone and pulls the matching
 * node's block: header, key and inline value. Only the slot array is read. */
void mkt__memstore_prefetch(void *user_data, long ns_index, uint64_t hash, int stage)
{
    const struct memstore *m = user_data;
    if (ns_index < 0 || (size_t)ns_index >= m->nns || m->ns[ns_index].slots == NULL)
        return;
    const struct mkt__ms_ns *n = &m->ns[ns_index];
    size_t i = (size_t)hash & n->mask;
    if (stage == 0) {
        MKT__PREFETCH(&n->slots[i]);
        return;
    }
    for (size_t probes = 0; probes < 8; probes++, i = (i + 1) & n->mask) {
        const struct mkt__ms_slot *sl = &n->slots[i];
        if (sl->node == NULL)
            return;
        if (sl->hash == hash) {
            /* The sizes are in the node itself: cover the header, a short key and a
             * small inline value (records read on hot paths are small). Measured: 128
             * or 64 bytes instead cost 25-40% more time a decision; exactly the lines a
             * consent decision reads (fewer for the counters), no better. */
            const char *p = (const char *)sl->node;
            for (size_t off = 0; off < PREFETCH_BYTES; off += 64)
                MKT__PREFETCH(p + off);
            MKT__PREFETCH(p + PREFETCH_BYTES - 1);
            return;
        }
    }
}

int mkt__memstore_init(mkt_ctx *ctx, mkt_store_ops *ops)
{
    struct memstore *m = mkt__calloc(ctx, 1, sizeof *m);
    if (m == NULL)
        return MKT_ENOMEM;
    m->ctx = ctx;
    *ops = (mkt_store_ops){
        .struct_size = sizeof *ops,
        .get = ms_get,
        .put = ms_put,
        .del = ms_del,
        .incr = ms_incr,
        .scan = ms_scan,
        .destroy = ms_destroy,
        .user_data = m,
    };
    return MKT_OK;
}

int mkt__store_is_builtin(const mkt_ctx *ctx)
{
    return ctx->store.get == ms_get;
}

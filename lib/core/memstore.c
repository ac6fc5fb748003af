/* SPDX-License-Identifier: MIT */
/*
 * The built-in in-memory store (the default when the host gives none), following the contract
 * in include/libmarketing/store.h.
 *
 * Each namespace is a treap ordered by unsigned byte order of key (shorter key first on a
 * common prefix), with node priorities taken from a fixed hash of the key, so the shape is
 * deterministic. Point operations are O(log n) expected and a prefix scan is O(log n + m)
 * walking only the matching range: no sorting on demand, no rebuild after writes. Namespaces
 * are few and are kept in a small array searched by name.
 *
 * Point operations (get, put, incr, delete) find their key through a hash index (open
 * addressing, linear probing, keyed by the node's priority, which is already a hash of the
 * key): one or two cache lines instead of a ~2 ln n walk down the treap, which made a get cost
 * ~0.7 us with a thousand keys and kept the consent decision far from its 5M/s target.
 *
 * Every write allocates what it needs before changing anything, so a failed allocation
 * (MKT_ENOMEM) leaves the store exactly as it was.
 */
#include <inttypes.h>
#include <stdio.h>

#include "util.h"

struct node {
    struct node *left, *right;
    uint64_t prio;
    uint64_t version;
    unsigned char *value; /* the inline room after the key, or an own allocation */
    size_t value_len;
    size_t inline_cap;    /* bytes of room after the key (0: values live apart) */
    size_t key_len;
    unsigned char key[];  /* key_len bytes, then inline_cap bytes of room for the value */
};

/* Values up to this size live in the node's own block, right after the key: a read then
 * touches one block instead of two (state records and counters are small). The room never
 * shrinks, so counters rewritten in place never allocate. */
#define INLINE_MAX 256
#define INLINE_MIN 24
/* Inline value bytes mkt__memstore_prefetch() pulls in with a node. */
#define PREFETCH_VALUE 176

static int value_is_inline(const struct node *e)
{
    return e->inline_cap > 0 && e->value == e->key + e->key_len;
}

static void free_value(mkt_ctx *ctx, struct node *e)
{
    if (!value_is_inline(e))
        mkt__free(ctx, e->value);
}

/* A hash-index slot keeps the node's hash next to the pointer: probing past other keys then
 * reads only the slot array, not each node it passes (a cache miss apiece once the store
 * outgrows the caches; that was most of a decision's time with 100,000 customers). */
struct slot {
    uint64_t hash; /* the node's prio */
    struct node *node;
};

struct ns {
    char *name;
    struct node *root;
    struct slot *slots;  /* hash index of the same nodes; NULL while empty */
    size_t mask;         /* slot count - 1 (a power of two) */
    size_t count;        /* nodes indexed */
};

#define PRIO_SEED UINT64_C(0x747265617073)

struct memstore {
    mkt_ctx *ctx;
    struct ns *ns;
    size_t nns, cap;
    size_t recent[2]; /* the namespaces found last: callers alternate between a few */
};

/* ---- ordering and search ------------------------------------------------------------------ */

static int key_cmp(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
    size_t m = alen < blen ? alen : blen;
    int r = m ? memcmp(a, b, m) : 0;
    if (r)
        return r;
    return alen < blen ? -1 : alen > blen;
}

/* Split @t into keys < key (l) and keys >= key (r). */
static void split(struct node *t, const unsigned char *key, size_t len, struct node **l,
                  struct node **r)
{
    if (t == NULL) {
        *l = *r = NULL;
    } else if (key_cmp(t->key, t->key_len, key, len) < 0) {
        split(t->right, key, len, &t->right, r);
        *l = t;
    } else {
        split(t->left, key, len, l, &t->left);
        *r = t;
    }
}

static struct node *merge(struct node *a, struct node *b)
{
    if (a == NULL)
        return b;
    if (b == NULL)
        return a;
    if (a->prio > b->prio) {
        a->right = merge(a->right, b);
        return a;
    }
    b->left = merge(a, b->left);
    return b;
}

/* Insert @n whose key is absent from @t. */
static struct node *insert(struct node *t, struct node *n)
{
    if (t == NULL)
        return n;
    if (n->prio > t->prio) {
        split(t, n->key, n->key_len, &n->left, &n->right);
        return n;
    }
    if (key_cmp(n->key, n->key_len, t->key, t->key_len) < 0)
        t->left = insert(t->left, n);
    else
        t->right = insert(t->right, n);
    return t;
}

/* Unlink the node with @key (which must be present) and return the new root. */
static struct node *erase(struct node *t, const unsigned char *key, size_t len,
                          struct node **gone)
{
    int c = key_cmp(key, len, t->key, t->key_len);
    if (c == 0) {
        *gone = t;
        return merge(t->left, t->right);
    }
    if (c < 0)
        t->left = erase(t->left, key, len, gone);
    else
        t->right = erase(t->right, key, len, gone);
    return t;
}

static void free_tree(mkt_ctx *ctx, struct node *t)
{
    while (t) {
        free_tree(ctx, t->left);
        struct node *r = t->right;
        free_value(ctx, t);
        mkt__free(ctx, t);
        t = r;
    }
}

/* ---- the hash index ------------------------------------------------------------------------- */

static struct node *lookup_hashed(const struct ns *n, const unsigned char *key, size_t len,
                                  uint64_t h)
{
    if (n == NULL || n->slots == NULL)
        return NULL;
    for (size_t i = (size_t)h & n->mask;; i = (i + 1) & n->mask) {
        const struct slot *sl = &n->slots[i];
        if (sl->node == NULL)
            return NULL;
        if (sl->hash == h && sl->node->key_len == len && memcmp(sl->node->key, key, len) == 0)
            return sl->node;
    }
}

static struct node *lookup(const struct ns *n, const unsigned char *key, size_t len)
{
    return lookup_hashed(n, key, len, mkt__hash64(key, len, PRIO_SEED));
}

static void index_put(struct slot *slots, size_t mask, struct node *e)
{
    size_t i = (size_t)e->prio & mask;
    while (slots[i].node)
        i = (i + 1) & mask;
    slots[i].hash = e->prio;
    slots[i].node = e;
}

/* Room for one more node (load factor at most 1/2); MKT_ENOMEM changes nothing. */
static int index_reserve(mkt_ctx *ctx, struct ns *n)
{
    size_t nslots = n->slots ? n->mask + 1 : 0;
    if ((n->count + 1) * 2 <= nslots)
        return MKT_OK;
    size_t grown = nslots ? nslots * 2 : 16;
    struct slot *slots = mkt__calloc(ctx, grown, sizeof *slots);
    if (slots == NULL)
        return MKT_ENOMEM;
    for (size_t i = 0; i < nslots; i++)
        if (n->slots[i].node)
            index_put(slots, grown - 1, n->slots[i].node);
    mkt__free(ctx, n->slots);
    n->slots = slots;
    n->mask = grown - 1;
    return MKT_OK;
}

/* Remove @e, shifting later members of its probe run back (no tombstones). */
static void index_remove(struct ns *n, const struct node *e)
{
    size_t i = (size_t)e->prio & n->mask;
    while (n->slots[i].node != e)
        i = (i + 1) & n->mask;
    for (size_t j = (i + 1) & n->mask; n->slots[j].node; j = (j + 1) & n->mask) {
        size_t home = (size_t)n->slots[j].hash & n->mask;
        /* slots[j] may move to the hole at i unless its home lies cyclically in (i, j]. */
        int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            n->slots[i] = n->slots[j];
            i = j;
        }
    }
    n->slots[i].node = NULL;
    n->slots[i].hash = 0;
    n->count--;
}

/* ---- namespaces --------------------------------------------------------------------------- */

static struct ns *ns_find(struct memstore *m, const char *name)
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

static struct ns *ns_get_or_add(struct memstore *m, const char *name)
{
    struct ns *n = ns_find(m, name);
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
    struct node *e = lookup(ns_find(user_data, ns), (const unsigned char *)key, key_len);
    if (e == NULL)
        return MKT_ENOTFOUND;
    return mkt_store_reply_set(reply, e->value, e->value_len, e->version);
}

/* The contract's version rule shared by put and delete. */
static int version_ok(const struct node *e, uint64_t expected)
{
    if (expected == MKT_VERSION_ANY)
        return 1;
    return (e ? e->version : MKT_VERSION_ABSENT) == expected;
}

/* Replace the value of an existing node; allocates first, so a failure changes nothing. */
static int set_value(mkt_ctx *ctx, struct node *e, const void *value, size_t len)
{
    if (e->version >= MKT_VERSION_ANY - 1)
        return MKT_ERANGE;
    unsigned char *dst = e->inline_cap ? e->key + e->key_len : NULL;
    if (len > e->inline_cap) {
        dst = mkt__malloc(ctx, len);
        if (dst == NULL)
            return MKT_ENOMEM;
    }
    if (len)
        memcpy(dst, value, len);
    free_value(ctx, e);
    e->value = dst;
    e->value_len = len;
    e->version++;
    return MKT_OK;
}

static int add_node(struct memstore *m, const char *ns, const unsigned char *key, size_t key_len,
                    const void *value, size_t value_len)
{
    size_t room = value_len > INLINE_MAX ? 0 : value_len < INLINE_MIN ? INLINE_MIN : value_len;
    struct ns *n = ns_get_or_add(m, ns);
    struct node *e = n && key_len <= SIZE_MAX - sizeof *e - room
                         ? mkt__malloc(m->ctx, sizeof *e + key_len + room) : NULL;
    unsigned char *apart = NULL;
    if (e && room == 0 && value_len)
        apart = mkt__malloc(m->ctx, value_len);
    if (e == NULL || (room == 0 && value_len && apart == NULL) ||
        index_reserve(m->ctx, n) != MKT_OK) {
        mkt__free(m->ctx, apart);
        mkt__free(m->ctx, e);
        return MKT_ENOMEM;
    }
    memcpy(e->key, key, key_len);
    e->key_len = key_len;
    e->inline_cap = room;
    e->value = room ? e->key + key_len : apart;
    if (value_len)
        memcpy(e->value, value, value_len);
    e->value_len = value_len;
    e->left = e->right = NULL;
    e->prio = mkt__hash64(key, key_len, PRIO_SEED);
    e->version = 1;
    n->root = insert(n->root, e);
    index_put(n->slots, n->mask, e);
    n->count++;
    return MKT_OK;
}

static int ms_put(const char *ns, const char *key, size_t key_len, const void *value,
                  size_t value_len, uint64_t expected_version, uint64_t *new_version,
                  void *user_data)
{
    struct memstore *m = user_data;
    struct ns *n = ns_find(m, ns);
    const unsigned char *k = (const unsigned char *)key;
    struct node *e = lookup(n, k, key_len);
    if (!version_ok(e, expected_version))
        return MKT_ECONFLICT;
    int rc = e ? set_value(m->ctx, e, value, value_len)
               : add_node(m, ns, k, key_len, value, value_len);
    if (rc == MKT_OK && new_version)
        *new_version = e ? e->version : 1;
    return rc;
}

static int ms_del(const char *ns, const char *key, size_t key_len, uint64_t expected_version,
                  void *user_data)
{
    struct memstore *m = user_data;
    struct ns *n = ns_find(m, ns);
    const unsigned char *k = (const unsigned char *)key;
    struct node *e = lookup(n, k, key_len);
    if (e == NULL)
        return expected_version == MKT_VERSION_ANY || expected_version == MKT_VERSION_ABSENT
                   ? MKT_ENOTFOUND : MKT_ECONFLICT;
    if (!version_ok(e, expected_version))
        return MKT_ECONFLICT;
    struct node *gone = NULL;
    index_remove(n, e);
    n->root = erase(n->root, k, key_len, &gone);
    free_value(m->ctx, gone);
    mkt__free(m->ctx, gone);
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
    struct ns *n = ns_find(m, ns);
    const unsigned char *k = (const unsigned char *)key;
    struct node *e = lookup(n, k, key_len);
    int64_t cur = 0, next;
    int rc = e ? parse_counter(e->value, e->value_len, &cur) : MKT_OK;
    if (rc == MKT_OK)
        rc = counter_step(cur, delta, limit, &next);
    if (rc)
        return rc;
    char text[24];
    int len = snprintf(text, sizeof text, "%" PRId64, next);
    rc = e ? set_value(m->ctx, e, text, (size_t)len)
           : add_node(m, ns, k, key_len, text, (size_t)len);
    if (rc == MKT_OK && result)
        *result = next;
    return rc;
}

struct scan_state {
    const unsigned char *prefix;
    size_t prefix_len;
    mkt_store_visit_fn visit;
    void *visit_data;
};

/* In-order walk of the keys starting with the prefix; returns the visitor's non-zero result
 * to stop. Subtrees wholly before or after the prefix range are skipped. */
static int walk(const struct node *t, const struct scan_state *s)
{
    while (t) {
        size_t m = t->key_len < s->prefix_len ? t->key_len : s->prefix_len;
        int c = m ? memcmp(t->key, s->prefix, m) : 0;
        if (c == 0 && t->key_len < s->prefix_len)
            c = -1; /* a proper prefix of the prefix sorts before the range */
        if (c < 0) {
            t = t->right;
        } else if (c > 0) {
            t = t->left;
        } else {
            int rc = walk(t->left, s);
            if (rc)
                return rc;
            rc = s->visit((const char *)t->key, t->key_len, t->value, t->value_len, t->version,
                          s->visit_data);
            if (rc)
                return rc;
            t = t->right;
        }
    }
    return 0;
}

static int ms_scan(const char *ns, const char *prefix, size_t prefix_len,
                   mkt_store_visit_fn visit, void *visit_data, void *user_data)
{
    struct ns *n = ns_find(user_data, ns);
    if (n == NULL)
        return MKT_OK;
    struct scan_state s = { (const unsigned char *)prefix, prefix_len, visit, visit_data };
    int rc = walk(n->root, &s);
    return rc < 0 ? rc : MKT_OK;
}

static void ms_destroy(void *user_data)
{
    struct memstore *m = user_data;
    for (size_t i = 0; i < m->nns; i++) {
        free_tree(m->ctx, m->ns[i].root);
        mkt__free(m->ctx, m->ns[i].slots);
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

long mkt__memstore_ns_index(void *user_data, const char *ns)
{
    struct memstore *m = user_data;
    const struct ns *n = ns_find(m, ns);
    return n && n->count >= PREFETCH_MIN_KEYS ? (long)(n - m->ns) : -1;
}

/* Stage 0 pulls the key's first hash slot towards the cache; stage 1 (some requests later,
 * when that slot has arrived) follows the probe run by hash alone and pulls the matching
 * node's block: header, key and inline value. Only the slot array is read. */
void mkt__memstore_prefetch(void *user_data, long ns_index, uint64_t hash, int stage)
{
    const struct memstore *m = user_data;
    if (ns_index < 0 || (size_t)ns_index >= m->nns || m->ns[ns_index].slots == NULL)
        return;
    const struct ns *n = &m->ns[ns_index];
    size_t i = (size_t)hash & n->mask;
    if (stage == 0) {
        MKT__PREFETCH(&n->slots[i]);
        return;
    }
    for (size_t probes = 0; probes < 8; probes++, i = (i + 1) & n->mask) {
        const struct slot *sl = &n->slots[i];
        if (sl->node == NULL)
            return;
        if (sl->hash == hash) {
            /* The sizes are in the node itself: cover the header, a short key and
             * PREFETCH_VALUE bytes of inline value (records read on hot paths are small). */
            const char *p = (const char *)sl->node;
            size_t end = sizeof *sl->node + PREFETCH_VALUE;
            for (size_t off = 0; off < end; off += 64)
                MKT__PREFETCH(p + off);
            MKT__PREFETCH(p + end - 1);
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

/* SPDX-License-Identifier: MIT */
/*
 * The memory store's order: each namespace is a treap ordered by key, with node priorities
 * taken from a fixed hash of the key, so the shape is deterministic. Point operations find
 * their node through the hash index (memstore.c); the treap serves the ordered prefix scan
 * (O(log n + m), walking only the matching range: no sorting on demand, no rebuild after
 * writes) and keeps the nodes in one structure for insertion and removal.
 */
#include "memstore-private.h"

#define L(n) mkt__ms_links_of(n)

int mkt__ms_key_cmp(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
    size_t m = alen < blen ? alen : blen;
    int r = m ? memcmp(a, b, m) : 0;
    if (r)
        return r;
    return alen < blen ? -1 : alen > blen;
}

static int node_cmp(const struct mkt__ms_node *a, const struct mkt__ms_node *b)
{
    return mkt__ms_key_cmp(a->key, a->key_len, b->key, b->key_len);
}

/* Split @t into keys < @key's (l) and keys >= @key's (r). */
static void split(struct mkt__ms_node *t, const struct mkt__ms_node *key,
                  struct mkt__ms_node **l, struct mkt__ms_node **r)
{
    if (t == NULL) {
        *l = *r = NULL;
    } else if (node_cmp(t, key) < 0) {
        split(L(t)->right, key, &L(t)->right, r);
        *l = t;
    } else {
        split(L(t)->left, key, l, &L(t)->left);
        *r = t;
    }
}

static struct mkt__ms_node *merge(struct mkt__ms_node *a, struct mkt__ms_node *b)
{
    if (a == NULL)
        return b;
    if (b == NULL)
        return a;
    if (L(a)->prio > L(b)->prio) {
        L(a)->right = merge(L(a)->right, b);
        return a;
    }
    L(b)->left = merge(a, L(b)->left);
    return b;
}

struct mkt__ms_node *mkt__ms_insert(struct mkt__ms_node *t, struct mkt__ms_node *n)
{
    if (t == NULL)
        return n;
    if (L(n)->prio > L(t)->prio) {
        split(t, n, &L(n)->left, &L(n)->right);
        return n;
    }
    if (node_cmp(n, t) < 0)
        L(t)->left = mkt__ms_insert(L(t)->left, n);
    else
        L(t)->right = mkt__ms_insert(L(t)->right, n);
    return t;
}

struct mkt__ms_node *mkt__ms_erase(struct mkt__ms_node *t, const unsigned char *key,
                                   size_t len)
{
    int c = mkt__ms_key_cmp(key, len, t->key, t->key_len);
    if (c == 0)
        return merge(L(t)->left, L(t)->right);
    if (c < 0)
        L(t)->left = mkt__ms_erase(L(t)->left, key, len);
    else
        L(t)->right = mkt__ms_erase(L(t)->right, key, len);
    return t;
}

void mkt__ms_replace(struct mkt__ms_node **root, struct mkt__ms_node *old,
                     struct mkt__ms_node *fresh)
{
    struct mkt__ms_node **link = root;
    while (*link != old)
        link = node_cmp(fresh, *link) < 0 ? &L(*link)->left : &L(*link)->right;
    L(fresh)->left = L(old)->left;
    L(fresh)->right = L(old)->right;
    *link = fresh;
}

int mkt__ms_walk(const struct mkt__ms_node *t, const unsigned char *prefix, size_t prefix_len,
                 mkt_store_visit_fn visit, void *visit_data)
{
    while (t) {
        size_t m = t->key_len < prefix_len ? t->key_len : prefix_len;
        int c = m ? memcmp(t->key, prefix, m) : 0;
        if (c == 0 && t->key_len < prefix_len)
            c = -1; /* a proper prefix of the prefix sorts before the range */
        if (c < 0) {
            t = L(t)->right;
        } else if (c > 0) {
            t = L(t)->left;
        } else {
            int rc = mkt__ms_walk(L(t)->left, prefix, prefix_len, visit, visit_data);
            if (rc)
                return rc;
            size_t len;
            const unsigned char *v = mkt__ms_value(t, &len);
            rc = visit((const char *)t->key, t->key_len, v, len, t->version, visit_data);
            if (rc)
                return rc;
            t = L(t)->right;
        }
    }
    return 0;
}

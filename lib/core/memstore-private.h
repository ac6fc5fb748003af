/* SPDX-License-Identifier: MIT */
/*
 * Internals of the built-in memory store (memstore.c): the slab allocator its nodes come
 * from (memstore-slab.c), the node layout, the namespaces' hash index (memstore-index.c) and
 * treap (memstore-tree.c). Nothing here is exported.
 */
#ifndef MKT_MEMSTORE_PRIVATE_H
#define MKT_MEMSTORE_PRIVATE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core-private.h"

/* Blocks up to this size come from slabs, in size classes of MKT__SLAB_STEP bytes; larger
 * ones straight from the context allocator. */
#define MKT__SLAB_STEP 16
#define MKT__SLAB_MAX 1024
#define MKT__SLAB_CLASSES (MKT__SLAB_MAX / MKT__SLAB_STEP)

/* Small blocks carved from large chunks of the context allocator, one slab per namespace:
 * the records of one namespace lie dense in a few chunks (2 MiB pages where the system
 * gives them) instead of scattered among every other malloc of the process, so a read far
 * from the last one costs a cache miss, not a TLB miss and a page walk too. Freed blocks are
 * kept per size class for reuse; chunks go back only when the slab is released. */
struct mkt__slab {
    void *chunks;                       /* list through each chunk's first word */
    unsigned char *next, *end;          /* free room of the newest chunk */
    size_t chunk_size;                  /* size of the next chunk */
    void *free_list[MKT__SLAB_CLASSES]; /* freed blocks, through their first word */
};

#define MKT__HUGE_PAGE ((size_t)2 << 20)

/* @p rounded up to a huge-page boundary. */
static inline unsigned char *mkt__align_huge(unsigned char *p)
{
    uintptr_t a = ((uintptr_t)p + MKT__HUGE_PAGE - 1) & ~(uintptr_t)(MKT__HUGE_PAGE - 1);
    return p + (a - (uintptr_t)p);
}

/* The size a block of @size bytes really has (its class), for sizes up to MKT__SLAB_MAX. */
size_t mkt__slab_round(size_t size);
/* A block of at least @size bytes (1..MKT__SLAB_MAX), aligned to MKT__SLAB_STEP within a
 * chunk of the context allocator; NULL when the allocator fails (nothing changed). */
void *mkt__slab_alloc(mkt_ctx *ctx, struct mkt__slab *s, size_t size);
/* Give back block @p allocated with @size. */
void mkt__slab_free(struct mkt__slab *s, void *p, size_t size);
/* Free every chunk (every block with them). */
void mkt__slab_release(mkt_ctx *ctx, struct mkt__slab *s);

/* ---- nodes ---------------------------------------------------------------------------------
 * A node's block is its treap links, then the node: header, key, and room for the value. A
 * read touches only the node (the hash slot carries the hash), so the links stay out of its
 * cache lines: a typical consent record (9-byte key, ~130-byte value) is 155 bytes to read,
 * where the earlier layout's 64-byte header put it on four lines. */
struct mkt__ms_node;

struct mkt__ms_links {
    struct mkt__ms_node *left, *right;
    uint64_t prio; /* a hash of the key: the treap priority and the hash-index key */
};

/* value_len of a node whose value lives in its own allocation: then the room holds a
 * struct mkt__ms_apart. */
#define MKT__MS_APART UINT32_MAX

struct mkt__ms_node {
    uint64_t version;
    uint32_t value_len; /* bytes of inline value, or MKT__MS_APART */
    uint16_t key_len;   /* <= MKT_STORE_MAX_KEY */
    uint16_t room;      /* bytes after the key (>= sizeof(struct mkt__ms_apart)) */
    unsigned char key[];
};

struct mkt__ms_apart {
    unsigned char *value;
    size_t len;
};

static inline struct mkt__ms_links *mkt__ms_links_of(const struct mkt__ms_node *n)
{
    return (struct mkt__ms_links *)(void *)((char *)(uintptr_t)n - sizeof(struct mkt__ms_links));
}

/* The value of @n and its length. */
static inline const unsigned char *mkt__ms_value(const struct mkt__ms_node *n, size_t *len)
{
    if (n->value_len != MKT__MS_APART) {
        *len = n->value_len;
        return n->key + n->key_len;
    }
    struct mkt__ms_apart a;
    memcpy(&a, n->key + n->key_len, sizeof a);
    *len = a.len;
    return a.value;
}

/* ---- namespaces and their hash index (memstore-index.c) ----------------------------------- */

/* A hash-index slot keeps the node's hash next to the pointer: probing past other keys then
 * reads only the slot array, not each node it passes (a cache miss apiece once the store
 * outgrows the caches; that was most of a decision's time with 100,000 customers). */
struct mkt__ms_slot {
    uint64_t hash; /* the node's prio */
    struct mkt__ms_node *node;
};

struct mkt__ms_ns {
    char *name;
    struct mkt__ms_node *root;
    struct mkt__ms_slot *slots;  /* hash index of the same nodes; NULL while empty */
    void *slots_block;   /* the allocation slots lie in */
    size_t mask;         /* slot count - 1 (a power of two) */
    size_t count;        /* nodes indexed */
    struct mkt__slab slab; /* where its nodes live */
};

/* The node with @key (of hash @h), or NULL; @n may be NULL (no such namespace). Inline: two
 * of these are most of a consent decision's store time. */
static inline struct mkt__ms_node *mkt__ms_lookup(const struct mkt__ms_ns *n,
                                                  const unsigned char *key, size_t len,
                                                  uint64_t h)
{
    if (n == NULL || n->slots == NULL)
        return NULL;
    for (size_t i = (size_t)h & n->mask;; i = (i + 1) & n->mask) {
        const struct mkt__ms_slot *sl = &n->slots[i];
        if (sl->node == NULL)
            return NULL;
        if (sl->hash == h && sl->node->key_len == len && memcmp(sl->node->key, key, len) == 0)
            return sl->node;
    }
}

void mkt__ms_index_put(struct mkt__ms_slot *slots, size_t mask, uint64_t hash,
                       struct mkt__ms_node *e);
/* Room for one more node (load factor at most 1/2); MKT_ENOMEM changes nothing. */
int mkt__ms_index_reserve(mkt_ctx *ctx, struct mkt__ms_ns *n);
/* The slot of @e (indexed). */
size_t mkt__ms_index_find(const struct mkt__ms_ns *n, const struct mkt__ms_node *e);
/* Remove @e from the index. */
void mkt__ms_index_remove(struct mkt__ms_ns *n, const struct mkt__ms_node *e);

/* The treap (memstore-tree.c): ordered by unsigned byte order of key (shorter first on a
 * common prefix), heap-ordered by prio. */
int mkt__ms_key_cmp(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen);
/* Insert @n, whose key is absent; returns the new root. */
struct mkt__ms_node *mkt__ms_insert(struct mkt__ms_node *root, struct mkt__ms_node *n);
/* Unlink the node with @key (present); returns the new root. */
struct mkt__ms_node *mkt__ms_erase(struct mkt__ms_node *root, const unsigned char *key,
                                   size_t len);
/* Put @fresh (same key and prio, links not set) where @old is. */
void mkt__ms_replace(struct mkt__ms_node **root, struct mkt__ms_node *old,
                     struct mkt__ms_node *fresh);
/* In-order walk of the keys starting with @prefix; returns the visitor's first non-zero
 * result. */
int mkt__ms_walk(const struct mkt__ms_node *t, const unsigned char *prefix, size_t prefix_len,
                 mkt_store_visit_fn visit, void *visit_data);

#endif /* MKT_MEMSTORE_PRIVATE_H */

/* SPDX-License-Identifier: MIT */
/*
 * The customer-id index: id bytes -> row, beside the ids themselves (t->ids, which has no
 * lookup of its own). Every customer load, booking and event looks its customer up here.
 *
 * Dense while the ids allow: ids of one shape, a fixed prefix and a fixed number of digits
 * ("C0000001" .. "C1000000"), whose numbers are dense, map to their row through an array
 * indexed by number (dense-ids.c), 4 bytes per number: what a perfect hash join does for
 * dense integer keys. Building it touches an eighth of the memory a hash index does, which on
 * a million customers is most of the cost of loading their ids. The first id of another
 * shape, or one that would make the numbers too sparse, turns the index into the hashed form
 * for good (until a rollback empties the table).
 *
 * Hashed, a lookup costs one cache miss: ids of up to 8 bytes (most customer ids) live inside
 * the 16-byte slot and compare there; longer ids keep their 64-bit hash in the slot and are
 * checked against t->ids only when the hash matches. Linear probing without deletions, grown
 * by reinserting rows in order, so removing the newest rows in reverse order restores the
 * earlier table exactly (what rolling back a load needs).
 */
#include <string.h>

#include "table-private.h"

#define IDX_SEED UINT64_C(0x637573746f6d6572) /* fixed: the layout never depends on it */

static uint64_t key_of(const char *s, size_t len)
{
    if (len > 8)
        return mkt__hash64(s, len, IDX_SEED);
    uint64_t k = 0;
    memcpy(&k, s, len);
    return k;
}

static uint32_t home(uint64_t key, uint32_t len, uint32_t mask)
{
    uint64_t h = len > 8 ? key : mkt__hash_u64(key ^ len, IDX_SEED);
    return (uint32_t)(h ^ (h >> 32)) & mask;
}

static int matches(const mkt_table *t, const struct mkt__idx_slot *e, uint64_t key, size_t len,
                   const char *s)
{
    if (e->key != key || e->len != len)
        return 0;
    if (len <= 8)
        return 1;
    size_t n;
    const char *stored = mkt__table_id(t, e->row1 - 1, &n);
    return n == len && memcmp(stored, s, len) == 0;
}

static int find_hashed(const mkt_table *t, const char *s, size_t len, uint32_t *row)
{
    const struct mkt__idindex *x = &t->index;
    if (!x->slots || len > UINT32_MAX)
        return 0;
    uint64_t key = key_of(s, len);
    for (uint32_t i = home(key, (uint32_t)len, x->mask);; i = (i + 1) & x->mask) {
        const struct mkt__idx_slot *e = &x->slots[i];
        if (e->row1 == 0)
            return 0;
        if (matches(t, e, key, len, s)) {
            *row = e->row1 - 1;
            return 1;
        }
    }
}

int mkt__idindex_find(const mkt_table *t, const char *s, size_t len, uint32_t *row)
{
    if (t->index.hashed)
        return find_hashed(t, s, len, row);
    uint32_t row1 = mkt__dense_ids_find(&t->index.dense, s, len);
    if (row1)
        *row = row1 - 1;
    return row1 != 0;
}

void mkt__idindex_prefetch(const mkt_table *t, const char *s, size_t len)
{
    const struct mkt__idindex *x = &t->index;
    if (!x->hashed)
        mkt__dense_ids_prefetch(&x->dense, s, len);
    else if (x->slots && len <= UINT32_MAX)
        __builtin_prefetch(&x->slots[home(key_of(s, len), (uint32_t)len, x->mask)]);
}

static void place(struct mkt__idindex *x, uint64_t key, uint32_t len, uint32_t row)
{
    uint32_t i = home(key, len, x->mask);
    while (x->slots[i].row1)
        i = (i + 1) & x->mask;
    x->slots[i] = (struct mkt__idx_slot){key, row + 1, len};
}

int mkt__idindex_reserve(mkt_table *t, size_t rows)
{
    struct mkt__idindex *x = &t->index;
    uint64_t cap = x->slots ? (uint64_t)x->mask + 1 : 0;
    if (!x->hashed || rows * 2 <= cap)
        return MKT_OK;
    uint64_t ncap = cap ? cap : 1024;
    while (ncap < (uint64_t)rows * 2)
        ncap *= 2;
    if (ncap > (uint64_t)UINT32_MAX + 1)
        return mkt__error(t->ctx, MKT_ETOOBIG, "too many customers");
    struct mkt__idx_slot *slots = mkt__calloc(t->ctx, (size_t)ncap, sizeof *slots);
    if (!slots)
        return mkt__oom(t->ctx);
    mkt__free(t->ctx, x->slots);
    x->slots = slots;
    x->mask = (uint32_t)(ncap - 1);
    size_t n = mkt__table_rows(t);
    for (size_t r = 0; r < n; r++) { /* in row order, see the file comment */
        size_t len;
        const char *s = mkt__table_id(t, r, &len);
        place(x, key_of(s, len), (uint32_t)len, (uint32_t)r);
    }
    return MKT_OK;
}

/* Turn a dense index into a hashed one holding the same rows, or change nothing. */
static int to_hashed(mkt_table *t)
{
    struct mkt__idindex *x = &t->index;
    x->hashed = 1;
    int rc = mkt__idindex_reserve(t, mkt__table_rows(t) + 1);
    if (rc) {
        x->hashed = 0;
        return rc;
    }
    mkt__dense_ids_free(t->ctx, &x->dense);
    return MKT_OK;
}

int mkt__idindex_make_room(mkt_table *t, const char *s, size_t len)
{
    struct mkt__idindex *x = &t->index;
    size_t rows = mkt__table_rows(t);
    if (!x->hashed) {
        int fits = 0;
        if (mkt__dense_cover(t->ctx, &x->dense, s, len, rows + 1, &fits))
            return mkt__oom(t->ctx);
        if (fits)
            return MKT_OK;
        return to_hashed(t);
    }
    return mkt__idindex_reserve(t, rows + 1);
}

void mkt__idindex_add(mkt_table *t, const char *s, size_t len, uint32_t row)
{
    struct mkt__idindex *x = &t->index;
    if (!x->hashed) {
        x->dense.row1[mkt__dense_number(&x->dense, s, len) - x->dense.lo] = row + 1;
        return;
    }
    place(x, key_of(s, len), (uint32_t)len, row);
}

void mkt__idindex_free(mkt_table *t)
{
    struct mkt__idindex *x = &t->index;
    mkt__dense_ids_free(t->ctx, &x->dense);
    mkt__free(t->ctx, x->slots);
    memset(x, 0, sizeof *x);
}

void mkt__idindex_truncate(mkt_table *t, uint32_t n)
{
    struct mkt__idindex *x = &t->index;
    if (n == 0) { /* back to the start: the next ids may be dense again */
        mkt__idindex_free(t);
        return;
    }
    for (size_t r = mkt__table_rows(t); r-- > n;) {
        size_t len;
        const char *s = mkt__table_id(t, r, &len);
        if (!x->hashed) {
            x->dense.row1[mkt__dense_number(&x->dense, s, len) - x->dense.lo] = 0;
            continue;
        }
        uint32_t i = home(key_of(s, len), (uint32_t)len, x->mask);
        while (x->slots[i].row1 != r + 1)
            i = (i + 1) & x->mask;
        x->slots[i] = (struct mkt__idx_slot){0, 0, 0};
    }
}

/* SPDX-License-Identifier: MIT */
/*
 * The customer-id index: id bytes -> row, beside the id dictionary (which keeps the strings).
 * Every booking and event looks its customer up here, so the lookup is built to cost one cache
 * miss: ids of up to 8 bytes (most customer ids) live inside the 16-byte slot and compare
 * there; longer ids keep their 64-bit hash in the slot and are checked against the dictionary
 * only when the hash matches. Linear probing without deletions, grown by reinserting rows in
 * order, so removing the newest rows in reverse order restores the earlier table exactly
 * (what rolling back a load needs).
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
    const char *stored = mkt__intern_str(&t->ids, e->row1 - 1, &n);
    return n == len && memcmp(stored, s, len) == 0;
}

int mkt__idindex_find(const mkt_table *t, const char *s, size_t len, uint32_t *row)
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

void mkt__idindex_prefetch(const mkt_table *t, const char *s, size_t len)
{
    const struct mkt__idindex *x = &t->index;
    if (x->slots && len <= UINT32_MAX)
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
    if (rows * 2 <= cap)
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
    uint32_t n = mkt__intern_count(&t->ids);
    for (uint32_t r = 0; r < n; r++) { /* in row order, see the file comment */
        size_t len;
        const char *s = mkt__intern_str(&t->ids, r, &len);
        place(x, key_of(s, len), (uint32_t)len, r);
    }
    return MKT_OK;
}

void mkt__idindex_add(mkt_table *t, const char *s, size_t len, uint32_t row)
{
    place(&t->index, key_of(s, len), (uint32_t)len, row);
}

void mkt__idindex_truncate(mkt_table *t, uint32_t n)
{
    struct mkt__idindex *x = &t->index;
    for (uint32_t r = mkt__intern_count(&t->ids); r-- > n;) {
        size_t len;
        const char *s = mkt__intern_str(&t->ids, r, &len);
        uint32_t i = home(key_of(s, len), (uint32_t)len, x->mask);
        while (x->slots[i].row1 != r + 1)
            i = (i + 1) & x->mask;
        x->slots[i] = (struct mkt__idx_slot){0, 0, 0};
    }
}

/* SPDX-License-Identifier: MIT */
/*
 * The id store of bookings and events: ids kept back to back in one byte array (NUL-terminated,
 * addressed by index) plus a hash set used only to find duplicates. Appending an id does no
 * lookup; a load appends every id of the file and then indexes them all at once in
 * mkt__idstore_index(), computing each hash a few ids ahead and prefetching its slot, so ten
 * million ids cost ten million overlapped cache misses instead of serial ones. The first
 * duplicate in append order is the one reported, exactly as a row-by-row check would.
 *
 * A slot is 64 bits: the upper half of the id's hash and index + 1 (0 = empty), so most
 * probes are settled inside the slot without touching the id bytes. Linear probing without
 * deletions, grown by reinserting ids in index order, so removing the newest ids in reverse
 * order restores the earlier table exactly (what rolling back a load needs).
 */
#include <string.h>

#include "table-private.h"

#define IDS_SEED UINT64_C(0x69647374) /* fixed: the layout never depends on it */
#define IDS_AHEAD 16                  /* ids hashed (and prefetched) ahead of the insert */

void mkt__idstore_init(struct mkt__idstore *s, mkt_ctx *ctx)
{
    memset(s, 0, sizeof *s);
    s->ctx = ctx;
}

void mkt__idstore_free(struct mkt__idstore *s)
{
    mkt__free(s->ctx, s->bytes);
    mkt__free(s->ctx, s->off);
    mkt__free(s->ctx, s->slots);
    mkt__idstore_init(s, s->ctx);
}

/* Length of id @i (< len), without the bounds check of mkt__idstore_str(). */
static size_t id_len(const struct mkt__idstore *s, size_t i)
{
    return (size_t)(s->off[i + 1] - s->off[i] - 1);
}

static uint64_t id_hash(const struct mkt__idstore *s, size_t i)
{
    return mkt__hash64(s->bytes + s->off[i], id_len(s, i), IDS_SEED);
}

/* Grow @n elements of @size at *p to hold @need (x1.5 steps, at least @need). */
static int grow(mkt_ctx *ctx, void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return MKT_OK;
    size_t ncap = *cap + *cap / 2;
    if (ncap < need)
        ncap = need;
    void *old;
    memcpy(&old, p, sizeof old);
    void *q = mkt__reallocarray(ctx, old, ncap, size);
    if (!q)
        return mkt__oom(ctx);
    memcpy(p, &q, sizeof q);
    *cap = ncap;
    return MKT_OK;
}

int mkt__idstore_reserve(struct mkt__idstore *s, size_t ids, size_t bytes)
{
    if (ids > SIZE_MAX - s->len - 1 || bytes > SIZE_MAX - s->nbytes)
        return mkt__oom(s->ctx);
    int rc = grow(s->ctx, &s->off, &s->cap, s->len + ids + 1, sizeof *s->off);
    if (rc == MKT_OK)
        rc = grow(s->ctx, &s->bytes, &s->bytes_cap, s->nbytes + bytes, 1);
    return rc;
}

int mkt__idstore_append(struct mkt__idstore *s, const char *p, size_t n)
{
    if (MKT_UNLIKELY(s->len + 2 > s->cap || n + 1 > s->bytes_cap - s->nbytes)) {
        size_t more = s->len < 1024 ? 1024 : s->len / 2;
        int rc = mkt__idstore_reserve(s, more, n + 1 > more * 16 ? n + 1 : more * 16);
        if (rc)
            return rc;
    }
    memcpy(s->bytes + s->nbytes, p, n);
    s->bytes[s->nbytes + n] = '\0';
    s->off[s->len++] = s->nbytes;
    s->nbytes += n + 1;
    s->off[s->len] = s->nbytes; /* the end of the last id, for its length */
    return MKT_OK;
}

const char *mkt__idstore_str(const struct mkt__idstore *s, size_t i, size_t *len)
{
    if (i >= s->len)
        return NULL;
    if (len)
        *len = (size_t)(s->off[i + 1] - s->off[i] - 1);
    return s->bytes + s->off[i];
}

static int same_id(const struct mkt__idstore *s, size_t a, size_t b)
{
    size_t la = id_len(s, a);
    return la == id_len(s, b) && memcmp(s->bytes + s->off[a], s->bytes + s->off[b], la) == 0;
}

/* Insert id @i with hash @h; 0, or 1 with *dup = the earlier equal id (nothing inserted). */
static int place(struct mkt__idstore *s, size_t i, uint64_t h, size_t *dup)
{
    uint64_t hi = h & ~UINT64_C(0xffffffff);
    for (uint32_t k = (uint32_t)h & s->mask;; k = (k + 1) & s->mask) {
        uint64_t v = s->slots[k];
        if (v == 0) {
            s->slots[k] = hi | (uint64_t)(i + 1);
            return 0;
        }
        if ((v & ~UINT64_C(0xffffffff)) == hi && same_id(s, (uint32_t)v - 1, i)) {
            *dup = (uint32_t)v - 1;
            return 1;
        }
    }
}

int mkt__idstore_find(const struct mkt__idstore *s, const char *p, size_t n)
{
    if (!s->slots)
        return 0;
    uint64_t h = mkt__hash64(p, n, IDS_SEED), hi = h & ~UINT64_C(0xffffffff);
    for (uint32_t k = (uint32_t)h & s->mask;; k = (k + 1) & s->mask) {
        uint64_t v = s->slots[k];
        if (v == 0)
            return 0;
        size_t i = (uint32_t)v - 1;
        if ((v & ~UINT64_C(0xffffffff)) == hi && id_len(s, i) == n &&
            memcmp(s->bytes + s->off[i], p, n) == 0)
            return 1;
    }
}

/* Room for @n indexed ids at load factor <= 0.7, rebuilding the table in index order. */
static int reserve_slots(struct mkt__idstore *s, size_t n)
{
    uint64_t cap = s->slots ? (uint64_t)s->mask + 1 : 0;
    if ((uint64_t)n * 10 <= cap * 7)
        return MKT_OK;
    uint64_t ncap = cap ? cap : 1024;
    while ((uint64_t)n * 10 > ncap * 7)
        ncap *= 2;
    if (ncap > (uint64_t)UINT32_MAX + 1 || ncap > SIZE_MAX / sizeof(uint64_t))
        return mkt__error(s->ctx, MKT_ETOOBIG, "too many ids");
    uint64_t *slots = mkt__calloc(s->ctx, (size_t)ncap, sizeof *slots);
    if (!slots)
        return mkt__oom(s->ctx);
    mkt__free(s->ctx, s->slots);
    s->slots = slots;
    s->mask = (uint32_t)(ncap - 1);
    size_t unused;
    for (size_t i = 0; i < s->indexed; i++)
        place(s, i, id_hash(s, i), &unused); /* ids already indexed are distinct */
    return MKT_OK;
}

int mkt__idstore_index(struct mkt__idstore *s, size_t *dup_of, size_t *dup)
{
    int rc = reserve_slots(s, s->len);
    if (rc)
        return rc;
    uint64_t ring[IDS_AHEAD];
    size_t from = s->indexed, end = s->len;
    for (size_t i = from; i < end && i < from + IDS_AHEAD; i++)
        ring[i % IDS_AHEAD] = id_hash(s, i);
    for (size_t i = from; i < end; i++) {
        uint64_t h = ring[i % IDS_AHEAD];
        size_t ahead = i + IDS_AHEAD;
        if (ahead < end) {
            uint64_t ha = id_hash(s, ahead);
            ring[ahead % IDS_AHEAD] = ha;
            __builtin_prefetch(&s->slots[(uint32_t)ha & s->mask], 1);
        }
        if (place(s, i, h, dup_of)) {
            *dup = i;
            return MKT_EEXIST;
        }
        s->indexed = i + 1;
    }
    return MKT_OK;
}

void mkt__idstore_truncate(struct mkt__idstore *s, size_t n)
{
    if (n >= s->len)
        return;
    for (size_t i = s->indexed; i-- > n;) { /* newest first, see the file comment */
        uint32_t k = (uint32_t)id_hash(s, i) & s->mask;
        while ((uint32_t)s->slots[k] != (uint32_t)(i + 1))
            k = (k + 1) & s->mask;
        s->slots[k] = 0;
    }
    if (s->indexed > n)
        s->indexed = n;
    s->nbytes = (size_t)s->off[n];
    s->len = n;
}

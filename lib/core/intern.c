/* SPDX-License-Identifier: MIT */
/*
 * String interning: byte strings -> dense uint32 ids in insertion order. Open addressing with
 * linear probing over a power-of-two slot array of ids; each entry keeps its full 64-bit hash so
 * that growing never rehashes bytes and most mismatches are rejected without a memcmp.
 *
 * Truncation relies on a property of linear probing without deletions: the table is exactly
 * what inserting ids 0..n-1 in order produces (growth reinserts in id order too), so removing
 * ids in reverse insertion order, each from the slot it occupies, restores the table that
 * existed before they were added. Rolling back a failed load is therefore O(ids removed).
 */
#include "util.h"

#define INTERN_MIN_SLOTS 64u
#define INTERN_MAX_IDS (UINT32_MAX - 1u) /* slots store id + 1 */

void mkt__intern_init(mkt__intern *t, mkt_ctx *ctx)
{
    t->ctx = ctx;
    mkt__arena_init(&t->arena, ctx);
    t->entries = NULL;
    t->count = 0;
    t->entries_cap = 0;
    t->slots = NULL;
    t->slot_mask = 0;
    t->seed = UINT64_C(0x6d6b745f696e7465); /* fixed: iteration order never depends on it */
}

static int same(const struct mkt__intern_entry *e, uint64_t h, const char *s, size_t len)
{
    return e->hash == h && e->len == len && (len == 0 || memcmp(e->str, s, len) == 0);
}

/* Slot index holding @id (which must be present). */
static uint32_t slot_of(const mkt__intern *t, uint32_t id)
{
    uint32_t i = (uint32_t)t->entries[id].hash & t->slot_mask;
    while (t->slots[i] != id + 1)
        i = (i + 1) & t->slot_mask;
    return i;
}

int mkt__intern_find(const mkt__intern *t, const char *s, size_t len, uint32_t *id)
{
    if (t->slots == NULL)
        return 0;
    uint64_t h = mkt__hash64(s, len, t->seed);
    for (uint32_t i = (uint32_t)h & t->slot_mask;; i = (i + 1) & t->slot_mask) {
        uint32_t v = t->slots[i];
        if (v == 0)
            return 0;
        if (same(&t->entries[v - 1], h, s, len)) {
            *id = v - 1;
            return 1;
        }
    }
}

/* Double the slot array (or create it) and reinsert every id in id order. */
static int grow_slots(mkt__intern *t)
{
    uint64_t ncap = t->slots ? ((uint64_t)t->slot_mask + 1) * 2 : INTERN_MIN_SLOTS;
    if (ncap > (uint64_t)UINT32_MAX + 1 || ncap > SIZE_MAX / sizeof(uint32_t))
        return mkt__error(t->ctx, MKT_ETOOBIG, "intern table: too many strings");
    uint32_t *slots = mkt__calloc(t->ctx, (size_t)ncap, sizeof *slots);
    if (slots == NULL)
        return mkt__oom(t->ctx);
    uint32_t mask = (uint32_t)(ncap - 1);
    for (uint32_t id = 0; id < t->count; id++) {
        uint32_t i = (uint32_t)t->entries[id].hash & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = id + 1;
    }
    mkt__free(t->ctx, t->slots);
    t->slots = slots;
    t->slot_mask = mask;
    return MKT_OK;
}

static int grow_entries(mkt__intern *t)
{
    size_t cap = t->entries_cap;
    int rc = mkt__vec_reserve_(t->ctx, &t->entries, &cap, t->count, 1, sizeof *t->entries);
    if (rc)
        return rc;
    t->entries_cap = cap > INTERN_MAX_IDS ? INTERN_MAX_IDS : (uint32_t)cap;
    return MKT_OK;
}

void mkt__intern_prefetch(const mkt__intern *t, const char *s, size_t len)
{
    if (t->slots != NULL)
        __builtin_prefetch(&t->slots[(uint32_t)mkt__hash64(s, len, t->seed) & t->slot_mask]);
}

int mkt__intern_reserve(mkt__intern *t, size_t n)
{
    if (n > INTERN_MAX_IDS)
        return mkt__error(t->ctx, MKT_ETOOBIG, "intern table: more than %u strings",
                          (unsigned)INTERN_MAX_IDS);
    while (t->slots == NULL || (uint64_t)n * 2 > (uint64_t)t->slot_mask + 1) {
        int rc = grow_slots(t);
        if (rc)
            return rc;
    }
    size_t cap = t->entries_cap;
    int rc = n > cap ? mkt__vec_reserve_(t->ctx, &t->entries, &cap, t->count, n - t->count,
                                         sizeof *t->entries)
                     : MKT_OK;
    if (rc == MKT_OK)
        t->entries_cap = cap > INTERN_MAX_IDS ? INTERN_MAX_IDS : (uint32_t)cap;
    return rc;
}

int mkt__intern_put(mkt__intern *t, const char *s, size_t len, uint32_t *id, int *is_new)
{
    if (is_new)
        *is_new = 0;
    if (mkt__intern_find(t, s, len, id))
        return MKT_OK;
    if (t->count >= INTERN_MAX_IDS)
        return mkt__error(t->ctx, MKT_ETOOBIG, "intern table: more than %u strings",
                          (unsigned)INTERN_MAX_IDS);
    /* Keep the load factor <= 1/2 so probes stay short. */
    if (t->slots == NULL || (uint64_t)(t->count + 1) * 2 > (uint64_t)t->slot_mask + 1) {
        int rc = grow_slots(t);
        if (rc)
            return rc;
    }
    if (t->count == t->entries_cap) {
        int rc = grow_entries(t);
        if (rc)
            return rc;
    }
    char *copy = mkt__arena_strndup(&t->arena, s, len);
    if (copy == NULL)
        return MKT_ENOMEM;
    uint64_t h = mkt__hash64(s, len, t->seed);
    uint32_t i = (uint32_t)h & t->slot_mask;
    while (t->slots[i])
        i = (i + 1) & t->slot_mask;
    uint32_t nid = t->count++;
    t->entries[nid].str = copy;
    t->entries[nid].len = len;
    t->entries[nid].hash = h;
    t->slots[i] = nid + 1;
    *id = nid;
    if (is_new)
        *is_new = 1;
    return MKT_OK;
}

const char *mkt__intern_str(const mkt__intern *t, uint32_t id, size_t *len)
{
    if (id >= t->count)
        return NULL;
    if (len)
        *len = t->entries[id].len;
    return t->entries[id].str;
}

void mkt__intern_truncate(mkt__intern *t, uint32_t n)
{
    if (n >= t->count)
        return;
    /* Strings are stored in id order with alignment 1, so string n starts where the arena's
     * bump pointer stood before it was added (or at the start of a newer chunk): rewinding
     * there releases the bytes of every later string. */
    mkt__arena_rewind_to(&t->arena, t->entries[n].str);
    while (t->count > n) {
        uint32_t id = t->count - 1;
        t->slots[slot_of(t, id)] = 0;
        t->count = id;
    }
}

void mkt__intern_free(mkt__intern *t)
{
    mkt__free(t->ctx, t->entries);
    mkt__free(t->ctx, t->slots);
    mkt__arena_free(&t->arena);
    mkt__intern_init(t, t->ctx);
}

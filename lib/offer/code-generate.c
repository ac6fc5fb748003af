/* SPDX-License-Identifier: MIT */
/*
 * Random generation of distinct promo codes.
 *
 * Randomness: the host's random callback only, drawn 64 KiB at a time (one system call per
 * ~8000 codes) and mapped to charset values by rejection sampling (a byte at or above the
 * largest multiple of n that fits in 256 is skipped), so every character is exactly uniform.
 *
 * Uniqueness in the batch: an open-addressing set (linear probing, load <= 2/3, doubled when
 * redraws fill it). When n^L fits in 64 bits a code is its base-n value and the set holds the
 * values themselves; otherwise the set holds code indexes, hashed and compared by the rendered
 * line. Slots are looked up 16 codes at a time with prefetching: the table is far larger than
 * the caches, and overlapping the misses is most of the speed.
 * Uniqueness against the store: create-only compare-and-set per code; a code that is taken is
 * drawn again (see mkt_promo_generate() for the termination argument).
 */
#include <string.h>

#include "core/util.h"
#include "offer/promo-private.h"

#define RNG_BUF (64 * 1024)
#define EMPTY 0
/* Codes drawn together, so that their set slots are fetched from memory in parallel. */
#define GROUP 16

typedef struct rng {
    mkt_ctx *ctx;
    uint8_t *buf;
    size_t pos;
} rng;

typedef struct codeset {
    uint64_t *slots;
    uint64_t mask;
    uint64_t used;    /* filled slots */
    int packed;       /* slots hold base-n values + 1, else code indexes + 1 */
    const char *lines;
    size_t stride;
} codeset;

typedef struct gen {
    mkt_ctx *ctx;
    const mkt_promo_format *fmt;
    rng r;
    codeset set;
    char *lines;
    size_t stride;
} gen;

static int draw_values(gen *g, uint8_t *v)
{
    const uint8_t *map = g->fmt->byte_map;
    for (uint32_t j = 0; j < g->fmt->random_chars;) {
        if (MKT_UNLIKELY(g->r.pos == RNG_BUF)) {
            int rc = mkt_ctx_random(g->ctx, g->r.buf, RNG_BUF);
            if (rc)
                return rc;
            g->r.pos = 0;
        }
        uint8_t x = map[g->r.buf[g->r.pos++]];
        if (x != 0xFF)
            v[j++] = x;
    }
    return MKT_OK;
}

static uint64_t slot_hash(uint64_t key)
{
    return (key ^ (key >> 29)) * UINT64_C(0x9E3779B97F4A7C15);
}

/* The set key of a code (its base-n value + 1 when packed: 0 marks an empty slot; else the
 * code index + 1) and its hash. */
static void code_key(const codeset *s, const mkt_promo_format *f, const uint8_t *v,
                     uint64_t index, uint64_t *key, uint64_t *hash)
{
    if (s->packed) {
        uint64_t x = 0;
        for (uint32_t j = f->random_chars; j-- > 0;)
            x = x * f->n + v[j];
        *key = x + 1;
        *hash = slot_hash(x);
    } else {
        *key = index + 1;
        *hash = mkt__hash64(s->lines + index * s->stride, s->stride, 0);
    }
}

/* Insert a code (already rendered at lines + index * stride); 1 if it was new, 0 if the same
 * code is in the set already. */
static int set_insert(codeset *s, uint64_t key, uint64_t hash, uint64_t index)
{
    for (uint64_t i = (hash >> 20) & s->mask;; i = (i + 1) & s->mask) {
        uint64_t e = s->slots[i];
        if (e == EMPTY) {
            s->slots[i] = key;
            s->used++;
            return 1;
        }
        if (s->packed) {
            if (e == key)
                return 0;
        } else if (e != key && memcmp(s->lines + (e - 1) * s->stride,
                                      s->lines + index * s->stride, s->stride) == 0) {
            /* (A slot naming @index itself is stale: the code at @index was redrawn because
             * the store had it; it matches nothing.) */
            return 0;
        }
    }
}

/* Keep the load at most 2/3 with room for @extra more codes: redraws (duplicates, codes the
 * store already has) add slots beyond the batch size, and a full table would never find an
 * empty slot. Stale slots of redrawn codes are carried over harmlessly (unpacked: dropped when
 * they repeat an index). */
static int set_reserve(gen *g, uint64_t extra)
{
    codeset *s = &g->set;
    uint64_t cap = s->mask + 1;
    if ((s->used + extra) * 3 <= cap * 2)
        return MKT_OK;
    uint64_t *slots = mkt__calloc(g->ctx, cap * 2, sizeof *slots);
    if (slots == NULL)
        return mkt__oom(g->ctx);
    uint64_t mask = cap * 2 - 1, used = 0;
    for (uint64_t k = 0; k < cap; k++) {
        uint64_t e = s->slots[k];
        if (e == EMPTY)
            continue;
        uint64_t h = s->packed ? slot_hash(e - 1)
                               : mkt__hash64(s->lines + (e - 1) * s->stride, s->stride, 0);
        uint64_t i = (h >> 20) & mask;
        while (slots[i] != EMPTY && slots[i] != e)
            i = (i + 1) & mask;
        used += slots[i] == EMPTY;
        slots[i] = e;
    }
    mkt__free(g->ctx, s->slots);
    s->slots = slots;
    s->mask = mask;
    s->used = used;
    return MKT_OK;
}

/* Draw, render and insert code @index; MKT_ELIMIT after MKT__PROMO_MAX_DRAWS duplicates. */
static int new_code(gen *g, uint64_t index, uint8_t *v)
{
    char *line = g->lines + index * g->stride;
    for (int draw = 0; draw < MKT__PROMO_MAX_DRAWS; draw++) {
        int rc = set_reserve(g, 1);
        if (rc == MKT_OK)
            rc = draw_values(g, v);
        if (rc)
            return rc;
        mkt__promo_render(g->fmt, v, line);
        line[g->stride - 1] = '\n';
        uint64_t key, hash;
        code_key(&g->set, g->fmt, v, index, &key, &hash);
        if (set_insert(&g->set, key, hash, index))
            return MKT_OK;
    }
    return mkt__error(g->ctx, MKT_ELIMIT,
                      "promo generate: no new code found in %d draws: the code space is "
                      "exhausted", MKT__PROMO_MAX_DRAWS);
}

/* Codes @first .. @first + @m - 1 (m <= GROUP): draw and render all, prefetch their slots, then
 * insert; a duplicate is drawn again one at a time. The slots are random in a table far larger
 * than the caches, so overlapping the misses is what makes generation fast. */
static int new_group(gen *g, uint64_t first, uint32_t m)
{
    uint8_t v[GROUP][MKT_PROMO_MAX_LEN];
    uint64_t key[GROUP], hash[GROUP];
    int rc = set_reserve(g, m);
    if (rc)
        return rc;
    for (uint32_t t = 0; t < m; t++) {
        rc = draw_values(g, v[t]);
        if (rc)
            return rc;
        char *line = g->lines + (first + t) * g->stride;
        mkt__promo_render(g->fmt, v[t], line);
        line[g->stride - 1] = '\n';
        code_key(&g->set, g->fmt, v[t], first + t, &key[t], &hash[t]);
        __builtin_prefetch(&g->set.slots[(hash[t] >> 20) & g->set.mask], 1);
    }
    for (uint32_t t = 0; t < m; t++) {
        if (set_insert(&g->set, key[t], hash[t], first + t))
            continue;
        rc = new_code(g, first + t, v[t]);
        if (rc)
            return rc;
    }
    return MKT_OK;
}

static int check_count(mkt_ctx *ctx, const mkt_promo_format *f, uint64_t count)
{
    mkt_promo_entropy e;
    mkt_promo_entropy_get(f, 0, &e);
    if (count == 0)
        return mkt__error(ctx, MKT_EINVAL, "promo generate: count is 0");
    if (count > e.max_batch)
        return mkt__error(ctx, MKT_ERANGE,
                          "promo generate: %llu codes do not fit: the code space has %.6g codes "
                          "(%d characters from a set of %d, %.1f bits) and one batch may fill at "
                          "most half of it (%llu codes, at most 2^32); use longer codes or a "
                          "larger charset", (unsigned long long)count, e.space, e.random_chars,
                          e.charset_size, e.bits, (unsigned long long)e.max_batch);
    return MKT_OK;
}

static int offer_id_ok(mkt_ctx *ctx, const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 256)
        return mkt__error(ctx, MKT_EINVAL, "promo: offer id must have 1..256 bytes");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)id[i] < 0x20)
            return mkt__error(ctx, MKT_EINVAL, "promo: offer id: byte %zu is a control byte",
                              i + 1);
    return MKT_OK;
}

static int canonical_of_line(gen *g, uint64_t index, char *key, size_t *key_len)
{
    char tmp[MKT_PROMO_MAX_DISPLAY + 1];
    memcpy(tmp, g->lines + index * g->stride, g->stride - 1);
    tmp[g->stride - 1] = '\0';
    return mkt_promo_normalize(g->ctx, tmp, key, MKT_PROMO_MAX_LEN + 1, key_len);
}

/* Create every code in the store; a taken code is replaced by a new draw. On failure, delete
 * the codes created so far. */
static int issue_all(gen *g, uint64_t count, const char *offer_id, uint8_t *v)
{
    size_t vlen = strlen(offer_id);
    char key[MKT_PROMO_MAX_LEN + 1];
    size_t klen;
    uint64_t i = 0;
    int rc = MKT_OK;
    for (; i < count && rc == MKT_OK; i++) {
        for (int draw = 0;; draw++) {
            rc = canonical_of_line(g, i, key, &klen);
            if (rc == MKT_OK)
                rc = mkt_store_put(g->ctx, MKT__PROMO_NS_CODE, key, klen, offer_id, vlen,
                                   MKT_VERSION_ABSENT, NULL);
            if (rc != MKT_ECONFLICT)
                break;
            if (draw + 1 >= MKT__PROMO_MAX_DRAWS) {
                rc = mkt__error(g->ctx, MKT_ELIMIT, "promo generate: no code free in the "
                                "store in %d draws: the code space is exhausted",
                                MKT__PROMO_MAX_DRAWS);
                break;
            }
            rc = new_code(g, i, v);
            if (rc)
                break;
        }
    }
    if (rc == MKT_OK)
        return MKT_OK;
    /* i - 1 failed; roll back 0 .. i - 2, keeping the first error as the context's error. */
    for (uint64_t k = 0; k + 1 < i; k++)
        if (canonical_of_line(g, k, key, &klen) == MKT_OK)
            (void)mkt_store_delete(g->ctx, MKT__PROMO_NS_CODE, key, klen, MKT_VERSION_ANY);
    return rc;
}

static int setup(gen *g, uint64_t count)
{
    uint64_t cap = 16;
    while (cap < count + count / 2)
        cap <<= 1;
    g->set.mask = cap - 1;
    g->set.packed = mkt__promo_exact_space(g->fmt) != UINT64_MAX;
    g->r.buf = mkt__malloc(g->ctx, RNG_BUF);
    g->set.slots = mkt__calloc(g->ctx, cap, sizeof *g->set.slots);
    if (count > (SIZE_MAX - 1) / g->stride)
        return mkt__error(g->ctx, MKT_ENOMEM, "promo generate: %llu codes do not fit in memory",
                          (unsigned long long)count);
    g->lines = mkt__caller_alloc(g->ctx, (size_t)count * g->stride + 1);
    if (g->r.buf == NULL || g->set.slots == NULL || g->lines == NULL)
        return mkt__oom(g->ctx);
    mkt__hint_huge_pages(g->lines, (size_t)count * g->stride);
    g->r.pos = RNG_BUF;
    g->set.lines = g->lines;
    return MKT_OK;
}

MKT_EXPORT int mkt_promo_generate(mkt_ctx *ctx, const mkt_promo_format *fmt, uint64_t count,
                                  const char *offer_id, char **codes, size_t *codes_len)
{
    if (codes != NULL)
        *codes = NULL;
    if (codes_len != NULL)
        *codes_len = 0;
    if (ctx == NULL)
        return MKT_EINVAL;
    if (fmt == NULL || codes == NULL)
        return mkt__error(ctx, MKT_EINVAL, "promo generate: %s is NULL",
                          fmt == NULL ? "format" : "codes");
    int rc = check_count(ctx, fmt, count);
    if (rc == MKT_OK && offer_id != NULL)
        rc = offer_id_ok(ctx, offer_id);
    if (rc)
        return rc;
    gen g = {.ctx = ctx, .fmt = fmt, .r = {.ctx = ctx}, .stride = fmt->display_len + 1};
    g.set.stride = g.stride;
    rc = setup(&g, count);
    uint8_t v[MKT_PROMO_MAX_LEN];
    for (uint64_t i = 0; i < count && rc == MKT_OK; i += GROUP)
        rc = new_group(&g, i, count - i < GROUP ? (uint32_t)(count - i) : GROUP);
    if (rc == MKT_OK && offer_id != NULL)
        rc = issue_all(&g, count, offer_id, v);
    mkt__free(ctx, g.r.buf);
    mkt__free(ctx, g.set.slots);
    if (rc) {
        mkt_free(g.lines);
        return rc;
    }
    size_t len = (size_t)count * g.stride;
    g.lines[len] = '\0';
    *codes = g.lines;
    if (codes_len != NULL)
        *codes_len = len;
    return MKT_OK;
}

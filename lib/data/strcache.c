/* SPDX-License-Identifier: MIT */
/*
 * A small direct-mapped cache in front of the dictionaries of categorical booking and event
 * text (origin, cabin_class, channel, currency, event type ...). Such fields take a few
 * hundred distinct values over millions of rows, so nearly every lookup hits here: the key is
 * the text itself (at most 16 bytes, loaded into two words), compared as two integers, so
 * a hit costs neither a hash of the bytes nor a probe of the dictionary. Longer text and misses
 * go to mkt__intern_put(), which stays the only owner of ids. The cache is cleared whenever a
 * rollback truncates a dictionary, so a cached id is always live.
 */
#include <string.h>

#include "table-private.h"

#define SC_BITS 12
#define SC_SIZE (1u << SC_BITS)

struct sc_entry {
    uint64_t w0, w1;
    const mkt__intern *dict; /* NULL: empty */
    uint32_t len, id;
};

struct mkt__strcache {
    struct sc_entry e[SC_SIZE];
};

size_t mkt__strcache_size(void)
{
    return sizeof(struct mkt__strcache);
}

void mkt__strcache_clear(struct mkt__strcache *c)
{
    if (c)
        memset(c, 0, sizeof *c);
}

static uint64_t rd8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static uint64_t rd4(const char *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* Two words that, together with the length, determine the (1..16) bytes exactly: overlapping
 * fixed-size loads instead of a variable-length copy, which costs a library call. */
static void key_of(const char *p, size_t n, uint64_t *w0, uint64_t *w1)
{
    if (n >= 8) {
        *w0 = rd8(p);
        *w1 = rd8(p + n - 8);
    } else if (n >= 4) {
        *w0 = rd4(p) | rd4(p + n - 4) << 32;
        *w1 = 0;
    } else {
        *w0 = (uint64_t)(unsigned char)p[0] | (uint64_t)(unsigned char)p[n / 2] << 8 |
              (uint64_t)(unsigned char)p[n - 1] << 16;
        *w1 = 0;
    }
}

static uint32_t slot(uint64_t w0, uint64_t w1, size_t n, const mkt__intern *dict)
{
    uint64_t h = w0 * UINT64_C(0x9E3779B97F4A7C15) ^ w1 * UINT64_C(0xC2B2AE3D27D4EB4F) ^
                 ((uint64_t)n << 56) ^ (uint64_t)(uintptr_t)dict;
    h *= UINT64_C(0xFF51AFD7ED558CCD);
    return (uint32_t)(h >> (64 - SC_BITS));
}

int mkt__strcache_id(struct mkt__strcache *c, mkt__intern *dict, struct mkt__str s, uint32_t *id)
{
    if (!s.p) {
        *id = MKT__NO_STR;
        return MKT_OK;
    }
    if (!c || s.n > 16 || s.n == 0)
        return mkt__intern_put(dict, s.p, s.n, id, NULL);
    uint64_t w0, w1;
    key_of(s.p, s.n, &w0, &w1);
    struct sc_entry *e = &c->e[slot(w0, w1, s.n, dict)];
    if (e->dict == dict && e->w0 == w0 && e->w1 == w1 && e->len == s.n) {
        *id = e->id;
        return MKT_OK;
    }
    int rc = mkt__intern_put(dict, s.p, s.n, id, NULL);
    if (rc == MKT_OK)
        *e = (struct sc_entry){w0, w1, dict, (uint32_t)s.n, *id};
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * Internal utilities shared by every module: a growable byte buffer, an arena allocator, a
 * stable 64-bit hash, string interning (strings -> dense uint32 ids), bitmaps and typed growable
 * vectors. Nothing here is exported.
 *
 * Conventions:
 * - Every object is bound to a context at init; all memory comes from the host allocator
 *   (mkt__malloc and friends).
 * - Functions that allocate return MKT_OK or MKT_ENOMEM (MKT_ERANGE / MKT_ETOOBIG where noted)
 *   and, on failure, have ALREADY recorded the error on the context (mkt__oom), so a caller may
 *   simply propagate the code or overwrite the message with more context. On failure the object
 *   is unchanged and still valid (no half-done state, no leak).
 * - init functions never allocate and never fail; free functions are NULL-safe and leave the
 *   object re-initialised (empty, still bound to its context), so free twice is harmless.
 * - None of these objects is thread-safe; use one per thread or lock around it.
 */
#ifndef MKT_CORE_UTIL_H
#define MKT_CORE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core-private.h"

/* ---- growable byte buffer (lib/core/buf.c) ---------------------------------------------- */

/* data is always NUL-terminated once anything was appended (data[len] == '\0'); before that it
 * is NULL. cap counts the bytes available including room for the terminator. */
typedef struct mkt__buf {
    mkt_ctx *ctx;
    char *data;
    size_t len;
    size_t cap;
} mkt__buf;

void mkt__buf_init(mkt__buf *b, mkt_ctx *ctx);
/* Make room for @extra more bytes (plus the terminator) without further allocation. */
int mkt__buf_reserve(mkt__buf *b, size_t extra);
int mkt__buf_append(mkt__buf *b, const void *data, size_t len);
int mkt__buf_appends(mkt__buf *b, const char *s); /* NUL-terminated */
int mkt__buf_appendf(mkt__buf *b, const char *fmt, ...) MKT_PRINTF(2, 3);
int mkt__buf_vappendf(mkt__buf *b, const char *fmt, va_list ap) MKT_PRINTF(2, 0);
/* Shorten to @len bytes (no-op if already shorter); keeps the memory. */
void mkt__buf_truncate(mkt__buf *b, size_t len);
/* Empty the buffer but keep its memory for reuse. */
void mkt__buf_reset(mkt__buf *b);
/* Hand the contents to the caller as a NUL-terminated block released with mkt__free(ctx, p)
 * (an empty buffer gives an allocated ""); *len (may be NULL) gets the length. The buffer is
 * left empty. Returns NULL only on allocation failure (buffer unchanged). */
char *mkt__buf_detach(mkt__buf *b, size_t *len);
void mkt__buf_free(mkt__buf *b);
/* Append @s (@len bytes) as a JSON string literal: the one JSON string writer of the library
 * (privacy export, journey message context). */
int mkt__json_string(mkt__buf *b, const char *s, size_t len);

static inline int mkt__buf_putc(mkt__buf *b, char c)
{
    if (MKT_UNLIKELY(b->len + 1 >= b->cap)) {
        int rc = mkt__buf_reserve(b, 1);
        if (rc)
            return rc;
    }
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
    return MKT_OK;
}

/* ---- arena (lib/core/arena.c) ------------------------------------------------------------ */

/* Chunked bump allocator: many small allocations, released all at once. Chunks start at 64 KiB
 * and double up to 4 MiB; a request bigger than the chunk size gets a chunk of its own. */
struct mkt__arena_chunk;
typedef struct mkt__arena {
    mkt_ctx *ctx;
    struct mkt__arena_chunk *head; /* most recent chunk first */
    unsigned char *ptr;            /* next free byte in head */
    unsigned char *end;            /* end of head's payload */
    size_t next_size;              /* payload size of the next ordinary chunk */
    size_t used;                   /* bytes handed out incl. alignment padding (statistics) */
    size_t reserved;               /* bytes obtained from the host (statistics) */
} mkt__arena;

/* A position to roll back to (see mkt__arena_rewind). */
typedef struct mkt__arena_mark {
    struct mkt__arena_chunk *chunk;
    unsigned char *ptr;
    size_t used;
} mkt__arena_mark;

void mkt__arena_init(mkt__arena *a, mkt_ctx *ctx);
/* @align must be a power of two (1..4096). size 0 returns a valid (not unique) pointer. NULL
 * on failure (context error set to MKT_ENOMEM). */
void *mkt__arena_alloc(mkt__arena *a, size_t size, size_t align);
void *mkt__arena_memdup(mkt__arena *a, const void *p, size_t len);   /* align 1 */
char *mkt__arena_strndup(mkt__arena *a, const char *s, size_t len);  /* adds a NUL */
mkt__arena_mark mkt__arena_mark_get(const mkt__arena *a);
/* Forget everything allocated after @m (frees whole chunks made since); pointers handed out
 * after the mark become invalid. */
void mkt__arena_rewind(mkt__arena *a, mkt__arena_mark m);
/* Forget @p (a pointer this arena returned) and everything allocated after it. */
void mkt__arena_rewind_to(mkt__arena *a, const void *p);
void mkt__arena_free(mkt__arena *a);

/* ---- hashing (lib/core/hash.c) ----------------------------------------------------------- */

/* Bytes p[0..7] as a little-endian number, whatever the host's byte order: one load (GCC
 * does not always merge the eight byte loads of the portable form, e.g. at negative offsets
 * from a pointer). */
static inline uint64_t mkt__load_le64(const void *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
#else
    const unsigned char *b = p;
    return (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24 |
           (uint64_t)b[4] << 32 | (uint64_t)b[5] << 40 | (uint64_t)b[6] << 48 |
           (uint64_t)b[7] << 56;
#endif
}

/* The value of the @n (1..8) ASCII digits that end just before @end, where the 8 bytes
 * before @end are readable; -1 when one of them is not a digit. Eight at a time (SWAR): the
 * bytes before the digits become '0', every byte is checked to be a digit, then pairs,
 * quads and halves are combined by three multiplications. Customer ids ("C0000001") are
 * turned into numbers this way for every booking. */
static inline int64_t mkt__digits_before(const char *end, size_t n)
{
    const uint64_t zeros = UINT64_C(0x3030303030303030), tops = UINT64_C(0x8080808080808080);
    uint64_t w = mkt__load_le64(end - 8);
    uint64_t keep = n >= 8 ? ~UINT64_C(0) : ~UINT64_C(0) << (8 * (8 - n)); /* the last n */
    w = (w & keep) | (zeros & ~keep);
    /* a byte is a digit exactly when neither b - '0' nor b + (0x7f - '9') sets its top bit */
    if (((w - zeros) | (w + UINT64_C(0x4646464646464646))) & tops)
        return -1;
    w -= zeros; /* byte 0 (the first in memory) is the most significant digit */
    w = (w * 2561) >> 8; /* 10 * 256 + 1: pairs */
    w = ((w & UINT64_C(0x00FF00FF00FF00FF)) * 6553601) >> 16; /* 100 * 65536 + 1: quads */
    return (int64_t)(((w & UINT64_C(0x0000FFFF0000FFFF)) * UINT64_C(42949672960001)) >> 32);
}

/* The amounts of a typical file ("184.00", "71.5", "12") with at most @decimals (0..9)
 * decimals: no sign, and at most 18 digits once scaled, so nothing can overflow and one pass
 * without checks per digit does. 1 with *out set (in minor units), or 0 to leave the text
 * (errors included) to mkt_money_parse()'s general parser. Inline: loaders parse amounts for
 * every booking. */
static inline int mkt__money_plain(const char *text, size_t len, int32_t decimals,
                                   int64_t *out)
{
    uint64_t v = 0;
    const size_t point = len - (size_t)decimals - 1; /* where "184.00" has it */
    if (decimals > 0 && len > (size_t)decimals + 1 && point + (size_t)decimals <= 18 &&
        text[point] == '.') { /* every decimal written: the common shape, one loop a side */
        for (size_t i = 0; i < point; i++) {
            unsigned digit = (unsigned)(text[i] - '0');
            if (digit > 9)
                return 0;
            v = v * 10 + digit;
        }
        for (size_t i = point + 1; i < len; i++) {
            unsigned digit = (unsigned)(text[i] - '0');
            if (digit > 9)
                return 0;
            v = v * 10 + digit;
        }
        *out = (int64_t)v;
        return 1;
    }
    size_t i = 0;
    while (i < len && (unsigned)(text[i] - '0') <= 9)
        v = v * 10 + (unsigned)(text[i++] - '0');
    size_t int_digits = i, frac = 0;
    if (int_digits == 0 || int_digits + (size_t)decimals > 18)
        return 0;
    if (i < len) {
        if (text[i] != '.' || len - i - 1 == 0 || len - i - 1 > (size_t)decimals)
            return 0;
        for (i++; i < len && (unsigned)(text[i] - '0') <= 9; i++, frac++)
            v = v * 10 + (unsigned)(text[i] - '0');
        if (i != len)
            return 0;
    }
    for (; frac < (size_t)decimals; frac++)
        v *= 10;
    *out = (int64_t)v;
    return 1;
}

/* A fast non-cryptographic 64-bit hash (wyhash "final 4" with its default secret _wyp,
 * reading input bytes little-endian explicitly). Its output is FIXED FOREVER: it is used for
 * deterministic A/B allocation, so the same (data, seed) gives the same value on every platform
 * and in every release. Known-answer tests in tests/unit/core/test_util.c guard it. */
uint64_t mkt__hash64(const void *data, size_t len, uint64_t seed);
/* Mix one 64-bit integer with a seed (for integer keys); also fixed forever. */
uint64_t mkt__hash_u64(uint64_t x, uint64_t seed);

/* ---- SHA-256 and HMAC-SHA-256 (lib/core/sha256.c) ------------------------------------------ */

/* FIPS 180-4 SHA-256 and RFC 2104 HMAC, for keyed codes, signed tokens, tombstones and the
 * audit chain (mkt__hash64 is fast but not cryptographic). Incremental or one-shot; the final
 * calls wipe the state. */
#define MKT__SHA256_LEN 32
typedef struct mkt__sha256 {
    uint32_t h[8];
    uint64_t total; /* bytes hashed so far */
    uint8_t buf[64];
    size_t fill;
} mkt__sha256;
typedef struct mkt__hmac_sha256 {
    mkt__sha256 inner, outer;
} mkt__hmac_sha256;
void mkt__sha256_init(mkt__sha256 *s);
void mkt__sha256_update(mkt__sha256 *s, const void *data, size_t len);
void mkt__sha256_final(mkt__sha256 *s, uint8_t out[MKT__SHA256_LEN]);
void mkt__sha256_buf(const void *data, size_t len, uint8_t out[MKT__SHA256_LEN]);
void mkt__hmac_sha256_init(mkt__hmac_sha256 *m, const void *key, size_t key_len);
void mkt__hmac_sha256_update(mkt__hmac_sha256 *m, const void *data, size_t len);
void mkt__hmac_sha256_final(mkt__hmac_sha256 *m, uint8_t out[MKT__SHA256_LEN]);
void mkt__hmac_sha256_buf(const void *key, size_t key_len, const void *data, size_t len,
                          uint8_t out[MKT__SHA256_LEN]);
/* 1 if the @len bytes are equal, 0 if not, in time independent of where they differ (for
 * comparing MACs). */
int mkt__ct_equal(const void *a, const void *b, size_t len);

/* ---- string interning (lib/core/intern.c) ------------------------------------------------ */

/* Strings -> dense ids 0..count-1. Open addressing with linear probing, power-of-two
 * capacity, load factor <= 1/2, each entry keeps its full hash. The bytes live in an arena
 * owned by the table (stored with a trailing NUL, embedded NULs allowed). */
struct mkt__intern_entry {
    const char *str;
    size_t len;
    uint64_t hash;
};
typedef struct mkt__intern {
    mkt_ctx *ctx;
    mkt__arena arena;
    struct mkt__intern_entry *entries; /* by id */
    uint32_t count;
    uint32_t entries_cap;
    uint32_t *slots;    /* id + 1, 0 = empty */
    uint32_t slot_mask; /* capacity - 1, capacity a power of two (0 when no table yet) */
    uint64_t seed;
} mkt__intern;

void mkt__intern_init(mkt__intern *t, mkt_ctx *ctx);
/* The id of @s (existing or new). *is_new (may be NULL) is set to 1 when added. MKT_ETOOBIG
 * when 2^32 - 1 ids exist. */
int mkt__intern_put(mkt__intern *t, const char *s, size_t len, uint32_t *id, int *is_new);
/* 1 and *id when present, 0 when absent. Never allocates. */
int mkt__intern_find(const mkt__intern *t, const char *s, size_t len, uint32_t *id);
/* Fetch the slot a lookup of @s starts at (a loader does it a few records ahead). */
void mkt__intern_prefetch(const mkt__intern *t, const char *s, size_t len);
/* Room for @n strings in all without growing (the bytes grow by blocks anyway). MKT_OK,
 * MKT_ETOOBIG, MKT_ENOMEM (error recorded). */
int mkt__intern_reserve(mkt__intern *t, size_t n);
/* The stored bytes of @id (NUL-terminated; *len may be NULL); NULL for an unknown id. The
 * pointer stays valid until the table is freed or truncated below @id. */
const char *mkt__intern_str(const mkt__intern *t, uint32_t id, size_t *len);
static inline uint32_t mkt__intern_count(const mkt__intern *t) { return t->count; }
/* Forget every id >= n (no-op if n >= count); their bytes are released. Never fails. */
void mkt__intern_truncate(mkt__intern *t, uint32_t n);
void mkt__intern_free(mkt__intern *t);

/* ---- bitmaps (lib/core/bitmap.c) --------------------------------------------------------- */

typedef struct mkt__bitmap {
    mkt_ctx *ctx;
    uint64_t *words;
    size_t nbits;
    size_t cap_words;
} mkt__bitmap;

void mkt__bitmap_init(mkt__bitmap *b, mkt_ctx *ctx);
/* Set the size to @nbits; bits added are 0, bits beyond a shrink are forgotten. */
int mkt__bitmap_resize(mkt__bitmap *b, size_t nbits);
void mkt__bitmap_fill(mkt__bitmap *b, int value); /* all bits 0 or 1 */
size_t mkt__bitmap_count(const mkt__bitmap *b);   /* number of 1 bits */
/* dst op= src over min(dst->nbits, src->nbits) bits; dst bits beyond src are cleared by and,
 * kept by or/andnot. */
void mkt__bitmap_and(mkt__bitmap *dst, const mkt__bitmap *src);
void mkt__bitmap_or(mkt__bitmap *dst, const mkt__bitmap *src);
void mkt__bitmap_andnot(mkt__bitmap *dst, const mkt__bitmap *src);
void mkt__bitmap_not(mkt__bitmap *b);
void mkt__bitmap_free(mkt__bitmap *b);

/* Unchecked accessors: @i must be < nbits. */
static inline void mkt__bitmap_set(mkt__bitmap *b, size_t i)
{
    b->words[i >> 6] |= UINT64_C(1) << (i & 63);
}
static inline void mkt__bitmap_clear(mkt__bitmap *b, size_t i)
{
    b->words[i >> 6] &= ~(UINT64_C(1) << (i & 63));
}
static inline int mkt__bitmap_test(const mkt__bitmap *b, size_t i)
{
    return (int)((b->words[i >> 6] >> (i & 63)) & 1u);
}

/* ---- typed growable vectors (lib/core/vec.c) --------------------------------------------- */

/* Usage:
 *     MKT__VEC(double) v = MKT__VEC_EMPTY;
 *     if (MKT__VEC_PUSH(ctx, &v, 3.5)) return MKT_ENOMEM;   (error already recorded)
 *     ... v.data[i], v.len ...
 *     MKT__VEC_FREE(ctx, &v);
 * Growth is geometric (x1.5, at least 8) and every size computation is overflow-checked. */
#define MKT__VEC(T) struct { T *data; size_t len; size_t cap; }
#define MKT__VEC_EMPTY { NULL, 0, 0 }

/* Grow the array whose pointer is at @datap (a T **) so that @cap >= have + extra. Returns
 * MKT_OK, or MKT_ENOMEM (also on size overflow) with the array untouched. */
int mkt__vec_reserve_(mkt_ctx *ctx, void *datap, size_t *cap, size_t have, size_t extra,
                      size_t elem_size);

/* Room for @n more elements. */
#define MKT__VEC_RESERVE(ctx, v, n) \
    mkt__vec_reserve_((ctx), &(v)->data, &(v)->cap, (v)->len, (n), sizeof *(v)->data)
/* Append @x; evaluates to MKT_OK or MKT_ENOMEM. */
#define MKT__VEC_PUSH(ctx, v, x)                                                         \
    (((v)->len < (v)->cap || MKT__VEC_RESERVE((ctx), (v), 1) == MKT_OK)                   \
         ? ((v)->data[(v)->len++] = (x), MKT_OK)                                          \
         : MKT_ENOMEM)
/* Set len to @n (growing if needed; new elements are uninitialised). */
#define MKT__VEC_RESIZE(ctx, v, n)                                                        \
    (((n) <= (v)->cap || MKT__VEC_RESERVE((ctx), (v), (n) - (v)->len) == MKT_OK)          \
         ? ((v)->len = (n), MKT_OK)                                                       \
         : MKT_ENOMEM)
#define MKT__VEC_FREE(ctx, v) \
    (mkt__free((ctx), (v)->data), (v)->data = NULL, (v)->len = 0, (v)->cap = 0)

#endif /* MKT_CORE_UTIL_H */

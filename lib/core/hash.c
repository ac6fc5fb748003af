/* SPDX-License-Identifier: MIT */
/*
 * The library's 64-bit hash: wyhash "final 4" with its default secret (_wyp = a0761d64...),
 * written so that its result does not depend on the host: input bytes are assembled
 * little-endian explicitly and the 64x64->128 multiply has a portable fallback. The output is
 * part of the library's observable behaviour (A/B allocation buckets), so it must never change;
 * tests/unit/core/test_util.c checks it against the published wyhash final4 test vectors.
 */
#include "util.h"

static const uint64_t secret[4] = {
    UINT64_C(0xa0761d6478bd642f), UINT64_C(0xe7037ed1a0b428db),
    UINT64_C(0x8ebc6af09c88c6e3), UINT64_C(0x589965cc75374cc3),
};

/* Full 128-bit product of a and b: low half into *a, high half into *b. */
static inline void mum(uint64_t *a, uint64_t *b)
{
#if defined(__SIZEOF_INT128__)
    __extension__ unsigned __int128 r = (unsigned __int128)*a * *b;
    *a = (uint64_t)r;
    *b = (uint64_t)(r >> 64);
#else
    uint64_t ha = *a >> 32, hb = *b >> 32, la = (uint32_t)*a, lb = (uint32_t)*b;
    uint64_t rh = ha * hb, rm0 = ha * lb, rm1 = hb * la, rl = la * lb;
    uint64_t t = rl + (rm0 << 32), c = t < rl;
    uint64_t lo = t + (rm1 << 32);
    c += lo < t;
    *a = lo;
    *b = rh + (rm0 >> 32) + (rm1 >> 32) + c;
#endif
}

static inline uint64_t mix(uint64_t a, uint64_t b)
{
    mum(&a, &b);
    return a ^ b;
}

static inline uint64_t rd4(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
}

/* 1..3 bytes: first, middle and last byte. */
static inline uint64_t rd3(const unsigned char *p, size_t k)
{
    return (uint64_t)p[0] << 16 | (uint64_t)p[k >> 1] << 8 | p[k - 1];
}

/* Consume 16-byte blocks (and 48-byte stripes) of inputs longer than 16 bytes. */
static uint64_t hash_long(const unsigned char *p, size_t len, uint64_t seed, uint64_t *a,
                          uint64_t *b)
{
    size_t i = len;
    if (i > 48) {
        uint64_t s1 = seed, s2 = seed;
        do {
            seed = mix(mkt__load_le64(p) ^ secret[1], mkt__load_le64(p + 8) ^ seed);
            s1 = mix(mkt__load_le64(p + 16) ^ secret[2], mkt__load_le64(p + 24) ^ s1);
            s2 = mix(mkt__load_le64(p + 32) ^ secret[3], mkt__load_le64(p + 40) ^ s2);
            p += 48;
            i -= 48;
        } while (i > 48);
        seed ^= s1 ^ s2;
    }
    while (i > 16) {
        seed = mix(mkt__load_le64(p) ^ secret[1], mkt__load_le64(p + 8) ^ seed);
        i -= 16;
        p += 16;
    }
    *a = mkt__load_le64(p + i - 16);
    *b = mkt__load_le64(p + i - 8);
    return seed;
}

uint64_t mkt__hash64(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t a = 0, b = 0;
    seed ^= mix(seed ^ secret[0], secret[1]);
    if (len <= 16) {
        if (len >= 4) {
            size_t m = (len >> 3) << 2;
            a = rd4(p) << 32 | rd4(p + m);
            b = rd4(p + len - 4) << 32 | rd4(p + len - 4 - m);
        } else if (len > 0) {
            a = rd3(p, len);
        }
    } else {
        seed = hash_long(p, len, seed, &a, &b);
    }
    a ^= secret[1];
    b ^= seed;
    mum(&a, &b);
    return mix(a ^ secret[0] ^ (uint64_t)len, b ^ secret[1]);
}

uint64_t mkt__hash_u64(uint64_t x, uint64_t seed)
{
    /* Defined as the hash of x's 8 little-endian bytes, so it is reproducible from any
     * language that has wyhash; spelled out to skip the byte loop. */
    uint64_t lo = x & UINT64_C(0xffffffff), hi = x >> 32;
    uint64_t a = lo << 32 | hi, b = hi << 32 | lo;
    seed ^= mix(seed ^ secret[0], secret[1]);
    a ^= secret[1];
    b ^= seed;
    mum(&a, &b);
    return mix(a ^ secret[0] ^ 8u, b ^ secret[1]);
}

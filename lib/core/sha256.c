/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), for the places where the library needs a
 * cryptographic hash rather than the fast one in hash.c: keyed promo codes that must not be
 * guessable from a customer id, signed unsubscribe tokens, salted erasure tombstones and the
 * audit hash chain. Written from the standard; tests/unit/core/test_util.c checks the FIPS and
 * RFC 4231 known answers.
 */
#include <string.h>

#include "util.h"

static const uint32_t round_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void compress(uint32_t h[8], const uint8_t block[64])
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 |
               (uint32_t)block[4 * i + 2] << 8 | block[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                      round_k[i] + w[i];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

void mkt__sha256_init(mkt__sha256 *s)
{
    static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(s->h, iv, sizeof iv);
    s->total = 0;
    s->fill = 0;
}

void mkt__sha256_update(mkt__sha256 *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    s->total += len;
    if (s->fill) {
        size_t take = 64 - s->fill < len ? 64 - s->fill : len;
        memcpy(s->buf + s->fill, p, take);
        s->fill += take, p += take, len -= take;
        if (s->fill < 64)
            return;
        compress(s->h, s->buf);
        s->fill = 0;
    }
    for (; len >= 64; p += 64, len -= 64)
        compress(s->h, p);
    if (len)
        memcpy(s->buf, p, len);
    s->fill = len;
}

void mkt__sha256_final(mkt__sha256 *s, uint8_t out[MKT__SHA256_LEN])
{
    uint64_t bits = s->total * 8;
    s->buf[s->fill++] = 0x80;
    if (s->fill > 56) {
        memset(s->buf + s->fill, 0, 64 - s->fill);
        compress(s->h, s->buf);
        s->fill = 0;
    }
    memset(s->buf + s->fill, 0, 56 - s->fill);
    for (int i = 0; i < 8; i++)
        s->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    compress(s->h, s->buf);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = (uint8_t)(s->h[i] >> (24 - 8 * j));
    memset(s, 0, sizeof *s); /* no message state left behind (keys pass through here) */
}

void mkt__sha256_buf(const void *data, size_t len, uint8_t out[MKT__SHA256_LEN])
{
    mkt__sha256 s;
    mkt__sha256_init(&s);
    mkt__sha256_update(&s, data, len);
    mkt__sha256_final(&s, out);
}

void mkt__hmac_sha256_init(mkt__hmac_sha256 *m, const void *key, size_t key_len)
{
    uint8_t block[64] = { 0 };
    if (key_len > 64)
        mkt__sha256_buf(key, key_len, block); /* RFC 2104: long keys are hashed first */
    else if (key_len)
        memcpy(block, key, key_len);
    for (int i = 0; i < 64; i++)
        block[i] ^= 0x36;
    mkt__sha256_init(&m->inner);
    mkt__sha256_update(&m->inner, block, 64);
    for (int i = 0; i < 64; i++)
        block[i] ^= 0x36 ^ 0x5c;
    mkt__sha256_init(&m->outer);
    mkt__sha256_update(&m->outer, block, 64);
    memset(block, 0, sizeof block);
}

void mkt__hmac_sha256_update(mkt__hmac_sha256 *m, const void *data, size_t len)
{
    mkt__sha256_update(&m->inner, data, len);
}

void mkt__hmac_sha256_final(mkt__hmac_sha256 *m, uint8_t out[MKT__SHA256_LEN])
{
    uint8_t inner[MKT__SHA256_LEN];
    mkt__sha256_final(&m->inner, inner);
    mkt__sha256_update(&m->outer, inner, sizeof inner);
    mkt__sha256_final(&m->outer, out);
}

void mkt__hmac_sha256_buf(const void *key, size_t key_len, const void *data, size_t len,
                          uint8_t out[MKT__SHA256_LEN])
{
    mkt__hmac_sha256 m;
    mkt__hmac_sha256_init(&m, key, key_len);
    mkt__hmac_sha256_update(&m, data, len);
    mkt__hmac_sha256_final(&m, out);
}

int mkt__ct_equal(const void *a, const void *b, size_t len)
{
    const volatile uint8_t *x = a, *y = b;
    uint8_t diff = 0;
    for (size_t i = 0; i < len; i++)
        diff |= x[i] ^ y[i];
    return diff == 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the core utilities (lib/core/util.h): buffer, arena, hash (known answers from
 * the published wyhash final4 vectors), interning with truncation, bitmaps and vectors, each
 * also under allocation-failure injection.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failalloc.h"
#include "hash_kat.h"
#include "util.h"

static mkt_ctx *new_ctx(void)
{
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    return ctx;
}

/* ---- buffer ---------------------------------------------------------------------------- */

START_TEST(buf_basic)
{
    mkt_ctx *ctx = new_ctx();
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    ck_assert_ptr_null(b.data);
    ck_assert_int_eq(mkt__buf_appends(&b, "abc"), MKT_OK);
    ck_assert_int_eq(mkt__buf_putc(&b, 'd'), MKT_OK);
    ck_assert_int_eq(mkt__buf_append(&b, "e\0f", 3), MKT_OK);
    ck_assert_uint_eq(b.len, 7);
    ck_assert_int_eq(memcmp(b.data, "abcde\0f", 8), 0);
    ck_assert_int_eq(mkt__buf_appendf(&b, "[%d:%s]", 42, "x"), MKT_OK);
    ck_assert_str_eq(b.data + 7, "[42:x]");
    mkt__buf_truncate(&b, 3);
    ck_assert_str_eq(b.data, "abc");
    mkt__buf_truncate(&b, 10); /* longer: no-op */
    ck_assert_uint_eq(b.len, 3);
    mkt__buf_reset(&b);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_str_eq(b.data, "");
    mkt__buf_free(&b);
    mkt__buf_free(&b); /* twice is harmless */
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(buf_growth_and_long_format)
{
    mkt_ctx *ctx = new_ctx();
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    for (int i = 0; i < 100000; i++)
        if (mkt__buf_putc(&b, (char)('a' + i % 26)) != MKT_OK)
            ck_abort_msg("putc %d failed", i);
    ck_assert_uint_eq(b.len, 100000);
    ck_assert_int_eq(b.data[99999], 'a' + 99999 % 26);
    ck_assert_int_eq(b.data[100000], '\0');
    char big[5000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    mkt__buf_reset(&b);
    ck_assert_int_eq(mkt__buf_appendf(&b, "%s|%s", big, big), MKT_OK);
    ck_assert_uint_eq(b.len, 2 * 4999 + 1);
    ck_assert_int_eq(b.data[4999], '|');
    size_t len = 0;
    char *s = mkt__buf_detach(&b, &len);
    ck_assert_uint_eq(len, 9999);
    ck_assert_uint_eq(strlen(s), 9999);
    ck_assert_ptr_null(b.data);
    mkt__free(ctx, s);
    s = mkt__buf_detach(&b, &len); /* empty buffer gives "" */
    ck_assert_str_eq(s, "");
    ck_assert_uint_eq(len, 0);
    mkt__free(ctx, s);
    ck_assert_int_eq(mkt__buf_reserve(&b, SIZE_MAX), MKT_ENOMEM);
    ck_assert_int_eq(mkt_ctx_last_error(ctx)->code, MKT_ENOMEM);
    mkt__buf_free(&b);
    mkt_ctx_free(ctx);
}
END_TEST

static int buf_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    for (int i = 0; i < 300 && rc == MKT_OK; i++)
        rc = mkt__buf_appendf(&b, "%05d,", i);
    if (rc == MKT_OK) {
        /* content is intact after any failure-free run */
        ck_assert_uint_eq(b.len, 1800);
        ck_assert(memcmp(b.data + 6 * 299, "00299,", 6) == 0);
    } else {
        ck_assert_int_eq(rc, MKT_ENOMEM);
        ck_assert_uint_eq(strlen(b.data ? b.data : ""), b.len); /* still consistent */
    }
    char *s = rc ? NULL : mkt__buf_detach(&b, NULL);
    if (rc == MKT_OK && s == NULL)
        rc = MKT_ENOMEM;
    mkt__free(ctx, s);
    mkt__buf_free(&b);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(buf_failalloc)
{
    ck_assert_int_gt(failalloc_run(buf_scenario, NULL), 2);
    failalloc_run_sticky(buf_scenario, NULL);
}
END_TEST

/* ---- arena ----------------------------------------------------------------------------- */

START_TEST(arena_alloc_align_and_rewind)
{
    mkt_ctx *ctx = new_ctx();
    mkt__arena a;
    mkt__arena_init(&a, ctx);
    char *s = mkt__arena_strndup(&a, "hello world", 5);
    ck_assert_str_eq(s, "hello");
    for (size_t align = 1; align <= 4096; align *= 2) {
        unsigned char *p = mkt__arena_alloc(&a, 3, align);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % align, 0);
        memset(p, 0xab, 3);
    }
    ck_assert_ptr_null(mkt__arena_alloc(&a, 8, 3));
    ck_assert_int_eq(mkt_ctx_last_error(ctx)->code, MKT_EINTERNAL);
    mkt__arena_mark m = mkt__arena_mark_get(&a);
    size_t used = a.used, reserved = a.reserved;
    /* many small + one huge allocation beyond the chunk size */
    for (int i = 0; i < 50000; i++)
        if (mkt__arena_memdup(&a, "0123456789", 10) == NULL)
            ck_abort_msg("memdup %d failed", i);
    void *huge = mkt__arena_alloc(&a, (size_t)10 << 20, 16);
    ck_assert_ptr_nonnull(huge);
    memset(huge, 1, (size_t)10 << 20);
    ck_assert_uint_gt(a.reserved, reserved + ((size_t)10 << 20));
    mkt__arena_rewind(&a, m);
    ck_assert_uint_eq(a.used, used);
    ck_assert_uint_eq(a.reserved, reserved);
    ck_assert_str_eq(s, "hello"); /* before the mark: still valid */
    /* rewind_to a pointer in an older chunk */
    char *first = mkt__arena_strndup(&a, "abc", 3);
    for (int i = 0; i < 20000; i++)
        if (mkt__arena_strndup(&a, "0123456789abcdef", 16) == NULL)
            ck_abort_msg("strndup %d failed", i);
    mkt__arena_rewind_to(&a, first);
    ck_assert_uint_eq(a.used, used);
    ck_assert_uint_eq(a.reserved, reserved);
    char *again = mkt__arena_strndup(&a, "xyz", 3);
    ck_assert_ptr_eq(again, first); /* the space is reused */
    ck_assert_ptr_nonnull(mkt__arena_alloc(&a, 0, 1));
    ck_assert_ptr_null(mkt__arena_alloc(&a, SIZE_MAX - 8, 8));
    ck_assert_int_eq(mkt_ctx_last_error(ctx)->code, MKT_ENOMEM);
    mkt__arena_free(&a);
    ck_assert_uint_eq(a.used, 0);
    ck_assert_uint_eq(a.reserved, 0);
    mkt__arena_free(&a);
    mkt_ctx_free(ctx);
}
END_TEST

static int arena_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt__arena a;
    mkt__arena_init(&a, ctx);
    for (int i = 0; i < 20000 && rc == MKT_OK; i++) {
        char *p = mkt__arena_strndup(&a, "a string of some length", 23);
        if (p == NULL)
            rc = mkt_ctx_last_error(ctx)->code;
    }
    mkt__arena_free(&a);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(arena_failalloc)
{
    ck_assert_int_gt(failalloc_run(arena_scenario, NULL), 3);
}
END_TEST

/* ---- hash ------------------------------------------------------------------------------ */


START_TEST(hash_known_answers)
{
    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
        uint64_t h = mkt__hash64(kat[i].msg, strlen(kat[i].msg), kat[i].seed);
        ck_assert_msg(h == kat[i].hash, "vector %zu (\"%s\"): got %016llx want %016llx", i,
                      kat[i].msg, (unsigned long long)h, (unsigned long long)kat[i].hash);
    }
}
END_TEST

START_TEST(hash_u64_matches_bytes)
{
    const uint64_t xs[] = { 0, 1, 0xff, 0x0102030405060708u, UINT64_MAX, 1234567890123u };
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        unsigned char le[8];
        for (int k = 0; k < 8; k++)
            le[k] = (unsigned char)(xs[i] >> (8 * k));
        for (uint64_t seed = 0; seed < 3; seed++)
            ck_assert_uint_eq(mkt__hash_u64(xs[i], seed), mkt__hash64(le, 8, seed));
    }
    /* seeds and single bits matter */
    ck_assert_uint_ne(mkt__hash64("abc", 3, 0), mkt__hash64("abc", 3, 1));
    ck_assert_uint_ne(mkt__hash64("abd", 3, 0), mkt__hash64("abc", 3, 0));
    ck_assert_uint_ne(mkt__hash64("a\0", 2, 0), mkt__hash64("a", 1, 0));
}
END_TEST

/* ---- SHA-256 / HMAC-SHA-256: FIPS 180-2 appendix B and RFC 4231 known answers ----------- */

static void hex_of(const uint8_t *d, char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check_sha(const char *msg, size_t len, const char *want)
{
    uint8_t d[MKT__SHA256_LEN];
    char hex[65];
    mkt__sha256_buf(msg, len, d);
    hex_of(d, hex);
    ck_assert_str_eq(hex, want);
}

START_TEST(sha256_known_answers)
{
    check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_sha(m448, strlen(m448),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* One million 'a', fed in uneven pieces so every buffering path runs. */
    static char as[1100]; /* pieces go up to 1059 bytes */
    memset(as, 'a', sizeof as);
    mkt__sha256 s;
    mkt__sha256_init(&s);
    size_t done = 0, piece = 1;
    while (done < 1000000) {
        size_t n = piece < 1000000 - done ? piece : 1000000 - done;
        mkt__sha256_update(&s, as, n);
        done += n;
        piece = piece % 997 + 63;
    }
    uint8_t d[MKT__SHA256_LEN];
    char hex[65];
    mkt__sha256_final(&s, d);
    hex_of(d, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

START_TEST(hmac_sha256_known_answers)
{
    uint8_t key[131], d[MKT__SHA256_LEN];
    char hex[65];
    memset(key, 0x0b, 20); /* RFC 4231 test case 1 */
    mkt__hmac_sha256_buf(key, 20, "Hi There", 8, d);
    hex_of(d, hex);
    ck_assert_str_eq(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    const char *q = "what do ya want for nothing?"; /* test case 2 */
    mkt__hmac_sha256_buf("Jefe", 4, q, strlen(q), d);
    hex_of(d, hex);
    ck_assert_str_eq(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    memset(key, 0xaa, sizeof key); /* test case 6: a key longer than the block is hashed */
    const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    mkt__hmac_sha256 m;
    mkt__hmac_sha256_init(&m, key, sizeof key);
    mkt__hmac_sha256_update(&m, m6, 10);
    mkt__hmac_sha256_update(&m, m6 + 10, strlen(m6) - 10);
    mkt__hmac_sha256_final(&m, d);
    hex_of(d, hex);
    ck_assert_str_eq(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}
END_TEST

START_TEST(ct_equal_compares_every_byte)
{
    ck_assert_int_eq(mkt__ct_equal("abcd", "abcd", 4), 1);
    ck_assert_int_eq(mkt__ct_equal("abcd", "abce", 4), 0);
    ck_assert_int_eq(mkt__ct_equal("xbcd", "abcd", 4), 0);
    ck_assert_int_eq(mkt__ct_equal("a", "b", 0), 1);
}
END_TEST

/* ---- intern ---------------------------------------------------------------------------- */

START_TEST(intern_basic)
{
    mkt_ctx *ctx = new_ctx();
    mkt__intern t;
    mkt__intern_init(&t, ctx);
    uint32_t id = 99;
    ck_assert_int_eq(mkt__intern_find(&t, "x", 1, &id), 0);
    ck_assert_ptr_null(mkt__intern_str(&t, 0, NULL));
    int is_new = 0;
    ck_assert_int_eq(mkt__intern_put(&t, "LHR", 3, &id, &is_new), MKT_OK);
    ck_assert_uint_eq(id, 0);
    ck_assert_int_eq(is_new, 1);
    ck_assert_int_eq(mkt__intern_put(&t, "CDG", 3, &id, &is_new), MKT_OK);
    ck_assert_uint_eq(id, 1);
    ck_assert_int_eq(mkt__intern_put(&t, "LHR", 3, &id, &is_new), MKT_OK);
    ck_assert_uint_eq(id, 0);
    ck_assert_int_eq(is_new, 0);
    ck_assert_int_eq(mkt__intern_put(&t, "", 0, &id, NULL), MKT_OK);
    ck_assert_uint_eq(id, 2);
    ck_assert_int_eq(mkt__intern_put(&t, "a\0b", 3, &id, NULL), MKT_OK);
    ck_assert_uint_eq(id, 3);
    ck_assert_int_eq(mkt__intern_put(&t, "a", 1, &id, NULL), MKT_OK);
    ck_assert_uint_eq(id, 4);
    size_t len = 0;
    const char *s = mkt__intern_str(&t, 3, &len);
    ck_assert_uint_eq(len, 3);
    ck_assert_int_eq(memcmp(s, "a\0b", 4), 0);
    ck_assert_str_eq(mkt__intern_str(&t, 2, NULL), "");
    ck_assert_int_eq(mkt__intern_find(&t, "CDG", 3, &id), 1);
    ck_assert_uint_eq(id, 1);
    ck_assert_uint_eq(mkt__intern_count(&t), 5);
    mkt__intern_free(&t);
    ck_assert_uint_eq(mkt__intern_count(&t), 0);
    mkt__intern_free(&t);
    mkt_ctx_free(ctx);
}
END_TEST

static void key_of(char *buf, size_t size, uint32_t i)
{
    snprintf(buf, size, "customer-%u", (unsigned)i);
}

START_TEST(intern_many_and_truncate)
{
    mkt_ctx *ctx = new_ctx();
    mkt__intern t;
    mkt__intern_init(&t, ctx);
    char k[32];
    const uint32_t n = 200000;
    for (uint32_t i = 0; i < n / 2; i++) {
        uint32_t id = UINT32_MAX;
        key_of(k, sizeof k, i);
        if (mkt__intern_put(&t, k, strlen(k), &id, NULL) != MKT_OK || id != i)
            ck_abort_msg("put %u gave id %u", (unsigned)i, (unsigned)id);
    }
    size_t used_half = t.arena.used;
    for (uint32_t i = n / 2; i < n; i++) {
        uint32_t id = UINT32_MAX;
        key_of(k, sizeof k, i);
        if (mkt__intern_put(&t, k, strlen(k), &id, NULL) != MKT_OK || id != i)
            ck_abort_msg("put %u gave id %u", (unsigned)i, (unsigned)id);
    }
    for (uint32_t i = 0; i < n; i += 997) {
        uint32_t id;
        key_of(k, sizeof k, i);
        ck_assert_int_eq(mkt__intern_find(&t, k, strlen(k), &id), 1);
        ck_assert_uint_eq(id, i);
        ck_assert_str_eq(mkt__intern_str(&t, i, NULL), k);
    }
    /* roll back the second half (across several table growths) */
    mkt__intern_truncate(&t, n / 2);
    ck_assert_uint_eq(mkt__intern_count(&t), n / 2);
    ck_assert_uint_eq(t.arena.used, used_half);
    for (uint32_t i = 0; i < n; i += 101) {
        uint32_t id = UINT32_MAX;
        key_of(k, sizeof k, i);
        ck_assert_int_eq(mkt__intern_find(&t, k, strlen(k), &id), i < n / 2);
        if (i < n / 2)
            ck_assert_uint_eq(id, i);
    }
    ck_assert_ptr_null(mkt__intern_str(&t, n / 2, NULL));
    /* new ids continue densely after the truncation point */
    uint32_t id;
    ck_assert_int_eq(mkt__intern_put(&t, "fresh", 5, &id, NULL), MKT_OK);
    ck_assert_uint_eq(id, n / 2);
    key_of(k, sizeof k, n - 1);
    ck_assert_int_eq(mkt__intern_put(&t, k, strlen(k), &id, NULL), MKT_OK);
    ck_assert_uint_eq(id, n / 2 + 1);
    mkt__intern_truncate(&t, 1000000); /* beyond count: no-op */
    ck_assert_uint_eq(mkt__intern_count(&t), n / 2 + 2);
    mkt__intern_truncate(&t, 0);
    ck_assert_uint_eq(mkt__intern_count(&t), 0);
    ck_assert_uint_eq(t.arena.used, 0);
    ck_assert_int_eq(mkt__intern_find(&t, "fresh", 5, &id), 0);
    ck_assert_int_eq(mkt__intern_put(&t, "fresh", 5, &id, NULL), MKT_OK);
    ck_assert_uint_eq(id, 0);
    mkt__intern_free(&t);
    mkt_ctx_free(ctx);
}
END_TEST

static int intern_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt__intern t;
    mkt__intern_init(&t, ctx);
    char k[32];
    uint32_t i = 0;
    for (; i < 5000 && rc == MKT_OK; i++) {
        uint32_t id;
        key_of(k, sizeof k, i);
        rc = mkt__intern_put(&t, k, strlen(k), &id, NULL);
        if (rc == MKT_OK)
            ck_assert_uint_eq(id, i);
    }
    /* a failed put changed nothing: count is what succeeded, all of it findable */
    uint32_t ok = rc ? i - 1 : i;
    ck_assert_uint_eq(mkt__intern_count(&t), ok);
    for (uint32_t j = 0; j < ok; j += 37) {
        uint32_t id;
        key_of(k, sizeof k, j);
        ck_assert_int_eq(mkt__intern_find(&t, k, strlen(k), &id), 1);
    }
    mkt__intern_free(&t);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(intern_failalloc)
{
    ck_assert_int_gt(failalloc_run(intern_scenario, NULL), 5);
}
END_TEST

/* ---- bitmap ---------------------------------------------------------------------------- */

/* The last n digits of a buffer, eight bytes read at a time; worked by hand. */
START_TEST(digits_before_values)
{
    static const char text[] = "C0000001C1234567899876543210XY12345678";
    ck_assert_int_eq(mkt__digits_before(text + 8, 7), 1);        /* "0000001" */
    ck_assert_int_eq(mkt__digits_before(text + 8, 8), -1);       /* "C0000001": a letter */
    ck_assert_int_eq(mkt__digits_before(text + 16, 7), 1234567); /* "1234567" after 'C' */
    ck_assert_int_eq(mkt__digits_before(text + 18, 8), 23456789);
    ck_assert_int_eq(mkt__digits_before(text + 18, 1), 9);
    ck_assert_int_eq(mkt__digits_before(text + 18, 2), 89);
    ck_assert_int_eq(mkt__digits_before(text + 26, 8), 98765432);
    ck_assert_int_eq(mkt__digits_before(text + 28, 8), 76543210);
    ck_assert_int_eq(mkt__digits_before(text + 38, 8), 12345678);
    ck_assert_int_eq(mkt__digits_before(text + 30, 3), -1);      /* "0XY" */
    ck_assert_int_eq(mkt__digits_before(text + 30, 1), -1);      /* "Y" */
    /* every byte that is not a digit, in every position, is refused */
    char buf[8];
    for (int pos = 0; pos < 8; pos++)
        for (int c = 0; c < 256; c++) {
            memset(buf, '5', sizeof buf);
            buf[pos] = (char)c;
            int digit = c >= '0' && c <= '9';
            int64_t got = mkt__digits_before(buf + 8, 8);
            ck_assert_msg(digit ? got >= 0 : got == -1, "byte %d at %d: %lld", c, pos,
                          (long long)got);
        }
}
END_TEST

START_TEST(bitmap_ops)
{
    mkt_ctx *ctx = new_ctx();
    mkt__bitmap a, b;
    mkt__bitmap_init(&a, ctx);
    mkt__bitmap_init(&b, ctx);
    ck_assert_uint_eq(mkt__bitmap_count(&a), 0);
    ck_assert_int_eq(mkt__bitmap_resize(&a, 130), MKT_OK);
    ck_assert_uint_eq(mkt__bitmap_count(&a), 0);
    mkt__bitmap_set(&a, 0);
    mkt__bitmap_set(&a, 63);
    mkt__bitmap_set(&a, 64);
    mkt__bitmap_set(&a, 129);
    ck_assert_int_eq(mkt__bitmap_test(&a, 63), 1);
    ck_assert_int_eq(mkt__bitmap_test(&a, 62), 0);
    ck_assert_uint_eq(mkt__bitmap_count(&a), 4);
    mkt__bitmap_clear(&a, 63);
    ck_assert_uint_eq(mkt__bitmap_count(&a), 3);
    mkt__bitmap_not(&a);
    ck_assert_uint_eq(mkt__bitmap_count(&a), 127); /* tail bits stay clear */
    mkt__bitmap_fill(&a, 1);
    ck_assert_uint_eq(mkt__bitmap_count(&a), 130);
    /* shrink then grow: the forgotten bits come back as 0 */
    ck_assert_int_eq(mkt__bitmap_resize(&a, 70), MKT_OK);
    ck_assert_uint_eq(mkt__bitmap_count(&a), 70);
    ck_assert_int_eq(mkt__bitmap_resize(&a, 1000), MKT_OK);
    ck_assert_uint_eq(mkt__bitmap_count(&a), 70);
    ck_assert_int_eq(mkt__bitmap_test(&a, 70), 0);
    ck_assert_int_eq(mkt__bitmap_resize(&b, 100), MKT_OK);
    for (size_t i = 0; i < 100; i += 2)
        mkt__bitmap_set(&b, i);
    mkt__bitmap_or(&a, &b); /* 0..69 all + evens 70..98 = 70 + 15 */
    ck_assert_uint_eq(mkt__bitmap_count(&a), 85);
    mkt__bitmap_andnot(&a, &b); /* odds below 70 */
    ck_assert_uint_eq(mkt__bitmap_count(&a), 35);
    mkt__bitmap_fill(&a, 1);
    mkt__bitmap_and(&a, &b); /* bits beyond b are cleared */
    ck_assert_uint_eq(mkt__bitmap_count(&a), 50);
    mkt__bitmap_fill(&a, 0);
    ck_assert_uint_eq(mkt__bitmap_count(&a), 0);
    ck_assert_int_eq(mkt__bitmap_resize(&a, SIZE_MAX), MKT_ENOMEM);
    ck_assert_uint_eq(a.nbits, 1000);
    mkt__bitmap_free(&a);
    mkt__bitmap_free(&b);
    mkt__bitmap_free(&b);
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- vectors --------------------------------------------------------------------------- */

START_TEST(vec_push_resize)
{
    mkt_ctx *ctx = new_ctx();
    MKT__VEC(uint64_t) v = MKT__VEC_EMPTY;
    for (uint64_t i = 0; i < 100000; i++)
        if (MKT__VEC_PUSH(ctx, &v, i * 3) != MKT_OK)
            ck_abort_msg("push failed");
    ck_assert_uint_eq(v.len, 100000);
    ck_assert_uint_eq(v.data[77777], 77777 * 3);
    ck_assert_int_eq(MKT__VEC_RESIZE(ctx, &v, 10), MKT_OK);
    ck_assert_uint_eq(v.len, 10);
    ck_assert_int_eq(MKT__VEC_RESIZE(ctx, &v, 300000), MKT_OK);
    ck_assert_uint_ge(v.cap, 300000);
    size_t cap = v.cap;
    ck_assert_int_eq(MKT__VEC_RESERVE(ctx, &v, SIZE_MAX), MKT_ENOMEM);
    ck_assert_int_eq(MKT__VEC_RESERVE(ctx, &v, SIZE_MAX / 4), MKT_ENOMEM); /* bytes overflow */
    ck_assert_uint_eq(v.cap, cap);
    ck_assert_uint_eq(v.data[9], 27);
    MKT__VEC_FREE(ctx, &v);
    ck_assert_ptr_null(v.data);
    mkt_ctx_free(ctx);
}
END_TEST

static int vec_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    MKT__VEC(int) v = MKT__VEC_EMPTY;
    for (int i = 0; i < 1000 && rc == MKT_OK; i++)
        rc = MKT__VEC_PUSH(ctx, &v, i);
    for (size_t i = 0; i < v.len; i++)
        ck_assert_int_eq(v.data[i], (int)i);
    MKT__VEC_FREE(ctx, &v);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(vec_failalloc)
{
    ck_assert_int_gt(failalloc_run(vec_scenario, NULL), 3);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("util");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, buf_basic);
    tcase_add_test(tc, buf_growth_and_long_format);
    tcase_add_test(tc, buf_failalloc);
    tcase_add_test(tc, arena_alloc_align_and_rewind);
    tcase_add_test(tc, arena_failalloc);
    tcase_add_test(tc, hash_known_answers);
    tcase_add_test(tc, hash_u64_matches_bytes);
    tcase_add_test(tc, sha256_known_answers);
    tcase_add_test(tc, hmac_sha256_known_answers);
    tcase_add_test(tc, ct_equal_compares_every_byte);
    tcase_add_test(tc, intern_basic);
    tcase_add_test(tc, intern_many_and_truncate);
    tcase_add_test(tc, intern_failalloc);
    tcase_add_test(tc, digits_before_values);
    tcase_add_test(tc, bitmap_ops);
    tcase_add_test(tc, vec_push_resize);
    tcase_add_test(tc, vec_failalloc);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

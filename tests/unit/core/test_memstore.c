/* SPDX-License-Identifier: MIT */
/*
 * The built-in memory store's own layout (lib/core/memstore*.c): nodes carved from slabs,
 * values that outgrow their node's room (the node moves to a bigger block, the treap and the
 * hash index follow it), values past the inline limit (kept apart) and back, blocks reused
 * after deletes. The contract itself is the conformance suite's business (test_store.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmarketing.h"

enum { NKEYS = 300, ROUNDS = 30, MAXLEN = 600 };

/* What the test believes the store holds. */
struct model {
    int present[NKEYS];
    int round[NKEYS];      /* the round whose value was put last */
    size_t len[NKEYS];
    uint64_t version[NKEYS];
};

/* Value bytes of key @i put in round @r: every byte depends on both, so a value read from a
 * moved or reused block that is not the last one put shows. */
static void fill(unsigned char *buf, int i, int r, size_t len)
{
    for (size_t j = 0; j < len; j++)
        buf[j] = (unsigned char)(i * 31 + r * 7 + (int)j);
}

static int key_of(char *key, int i)
{
    return snprintf(key, 16, "key%04d", i);
}

static int same_value(const void *v, size_t len, int i, int r, size_t want_len)
{
    static unsigned char expect[MAXLEN];
    if (len != want_len)
        return 0;
    fill(expect, i, r, len);
    return len == 0 || memcmp(v, expect, len) == 0;
}

struct scan_check {
    const struct model *m;
    int seen, bad;
    char last[16];
};

static int check_visit(const char *key, size_t key_len, const void *value, size_t value_len,
                       uint64_t version, void *data)
{
    struct scan_check *s = data;
    char k[16];
    if (key_len >= sizeof k)
        return ++s->bad, 0;
    memcpy(k, key, key_len); /* keys are not NUL-terminated */
    k[key_len] = '\0';
    int i = atoi(k + 3);
    if (i < 0 || i >= NKEYS)
        return ++s->bad, 0;
    /* keys come in order (all have the same length), each value the last one put */
    if ((s->seen && strcmp(s->last, k) >= 0) || !s->m->present[i] ||
        version != s->m->version[i] ||
        !same_value(value, value_len, i, s->m->round[i], s->m->len[i]))
        s->bad++;
    memcpy(s->last, k, key_len + 1);
    s->seen++;
    return 0;
}

START_TEST(values_survive_moves_and_reuse)
{
    static struct model m;
    static unsigned char buf[MAXLEN];
    memset(&m, 0, sizeof m);
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    uint64_t x = 0x9E3779B97F4A7C15u;
    long bad = 0;
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < NKEYS; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
            char key[16];
            size_t klen = (size_t)key_of(key, i);
            if (m.present[i] && (x >> 40) % 5 == 0) { /* a delete frees a block to reuse */
                bad += mkt_store_delete(ctx, "ns", key, klen, m.version[i]) != MKT_OK;
                m.present[i] = 0;
                continue;
            }
            /* 0..599 bytes: inline, grown past the room, apart (> 256), back inline */
            size_t len = (size_t)(x % MAXLEN);
            fill(buf, i, r, len);
            uint64_t v = 0;
            uint64_t expected = m.present[i] ? m.version[i] : MKT_VERSION_ABSENT;
            bad += mkt_store_put(ctx, "ns", key, klen, buf, len, expected, &v) != MKT_OK;
            bad += v != (m.present[i] ? m.version[i] + 1 : 1);
            m.present[i] = 1, m.round[i] = r, m.len[i] = len, m.version[i] = v;
        }
        for (int i = 0; i < NKEYS; i++) { /* every get sees the last put */
            char key[16], *v = NULL;
            size_t klen = (size_t)key_of(key, i), len = 0;
            uint64_t ver = 0;
            int rc = mkt_store_get(ctx, "ns", key, klen, &v, &len, &ver);
            if (!m.present[i])
                bad += rc != MKT_ENOTFOUND;
            else
                bad += rc != MKT_OK || ver != m.version[i] ||
                       !same_value(v, len, i, m.round[i], m.len[i]);
            mkt_free(v);
        }
    }
    struct scan_check s = { &m, 0, 0, "" };
    ck_assert_int_eq(mkt_store_scan(ctx, "ns", "key", 3, check_visit, &s), MKT_OK);
    int present = 0;
    for (int i = 0; i < NKEYS; i++)
        present += m.present[i];
    ck_assert_int_eq(bad, 0);
    ck_assert_int_eq(s.bad, 0);
    ck_assert_int_eq(s.seen, present);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(counter_grows_in_place_and_long_keys)
{
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    /* A key of the maximum length: its node is too big for a slab block (1024-byte key +
     * header + room > 1024), so it comes from the allocator on its own. */
    static char key[MKT_STORE_MAX_KEY];
    memset(key, 'k', sizeof key);
    int64_t n = 0;
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(mkt_store_incr(ctx, "c", key, sizeof key, 1, INT64_MAX, &n), MKT_OK);
    ck_assert_int_eq(n, 1000);
    char *v = NULL;
    uint64_t ver = 0;
    ck_assert_int_eq(mkt_store_get(ctx, "c", key, sizeof key, &v, NULL, &ver), MKT_OK);
    ck_assert_str_eq(v, "1000");
    ck_assert_uint_eq(ver, 1000);
    mkt_free(v);
    /* its value past the inline limit and back */
    static char big[1000];
    memset(big, 'b', sizeof big);
    ck_assert_int_eq(mkt_store_put(ctx, "c", key, sizeof key, big, sizeof big, 1000, NULL),
                     MKT_OK);
    ck_assert_int_eq(mkt_store_put(ctx, "c", key, sizeof key, "x", 1, 1001, NULL), MKT_OK);
    ck_assert_int_eq(mkt_store_get(ctx, "c", key, sizeof key, &v, NULL, &ver), MKT_OK);
    ck_assert_str_eq(v, "x");
    ck_assert_uint_eq(ver, 1002);
    mkt_free(v);
    mkt_ctx_free(ctx); /* frees the big node and everything else (ASan/valgrind: no leak) */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("memstore");
    TCase *tc = tcase_create("layout");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, values_survive_moves_and_reuse);
    tcase_add_test(tc, counter_grows_in_place_and_long_keys);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

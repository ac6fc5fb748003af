/* SPDX-License-Identifier: MIT */
/*
 * Test support for the privacy and audit suites: a host store that forwards to the memory
 * store of a backing context (so several contexts share one store, as processes share SQLite)
 * and fails on request: call number fail_at of the chosen kinds returns MKT_EIO (and, when
 * sticky, every one after it). Header-only: each test binary includes it once.
 */
#ifndef TEST_PRIVACY_STORE_H
#define TEST_PRIVACY_STORE_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "libmarketing.h"

enum { FS_READ = 1, FS_WRITE = 2 }; /* kinds: get/scan, put/del/incr */

typedef struct faultstore {
    mkt_ctx *backing;   /* owns the data */
    long calls;         /* calls of the failing kinds so far */
    long fail_at;       /* -1 never */
    int sticky;
    int kinds;          /* FS_READ | FS_WRITE */
    const char *only_ns;/* NULL: every namespace; else fail only calls on it */
    long failures;
    int nns;            /* every namespace ever written, for a full scan of the store */
    char ns[32][64];
} faultstore;

static inline void fs_note_ns(faultstore *f, const char *ns)
{
    for (int i = 0; i < f->nns; i++)
        if (strcmp(f->ns[i], ns) == 0)
            return;
    ck_assert_int_lt(f->nns, 32);
    ck_assert_uint_lt(strlen(ns), 64);
    strcpy(f->ns[f->nns++], ns);
}

static inline int fs_fail(faultstore *f, int kind, const char *ns)
{
    if (!(f->kinds & kind) || (f->only_ns && strcmp(ns, f->only_ns) != 0))
        return 0;
    long n = f->calls++;
    if (f->fail_at >= 0 && (n == f->fail_at || (f->sticky && n > f->fail_at))) {
        f->failures++;
        return 1;
    }
    return 0;
}

static inline int fs_get(const char *ns, const char *key, size_t key_len, mkt_store_reply *reply,
                  void *ud)
{
    faultstore *f = ud;
    if (fs_fail(f, FS_READ, ns))
        return MKT_EIO;
    char *v = NULL;
    size_t len = 0;
    uint64_t ver = 0;
    int rc = mkt_store_get(f->backing, ns, key, key_len, &v, &len, &ver);
    if (rc == MKT_OK)
        rc = mkt_store_reply_set(reply, v, len, ver);
    mkt_free(v);
    return rc;
}

static inline int fs_put(const char *ns, const char *key, size_t key_len, const void *value,
                  size_t value_len, uint64_t expected, uint64_t *nv, void *ud)
{
    faultstore *f = ud;
    if (fs_fail(f, FS_WRITE, ns))
        return MKT_EIO;
    fs_note_ns(f, ns);
    return mkt_store_put(f->backing, ns, key, key_len, value, value_len, expected, nv);
}

static inline int fs_del(const char *ns, const char *key, size_t key_len, uint64_t expected,
                         void *ud)
{
    faultstore *f = ud;
    if (fs_fail(f, FS_WRITE, ns))
        return MKT_EIO;
    return mkt_store_delete(f->backing, ns, key, key_len, expected);
}

static inline int fs_incr(const char *ns, const char *key, size_t key_len, int64_t delta,
                   int64_t limit, int64_t *result, void *ud)
{
    faultstore *f = ud;
    if (fs_fail(f, FS_WRITE, ns))
        return MKT_EIO;
    fs_note_ns(f, ns);
    return mkt_store_incr(f->backing, ns, key, key_len, delta, limit, result);
}

static inline int fs_scan(const char *ns, const char *prefix, size_t prefix_len,
                   mkt_store_visit_fn visit, void *visit_data, void *ud)
{
    faultstore *f = ud;
    if (fs_fail(f, FS_READ, ns))
        return MKT_EIO;
    return mkt_store_scan(f->backing, ns, prefix, prefix_len, visit, visit_data);
}

/* A faultstore over a fresh backing context (never failing until fail_at is set). */
static inline void faultstore_init(faultstore *f)
{
    memset(f, 0, sizeof *f);
    ck_assert_int_eq(mkt_ctx_new(&f->backing, NULL, NULL), MKT_OK);
    f->fail_at = -1;
    f->kinds = FS_READ | FS_WRITE;
}

static inline void faultstore_free(faultstore *f)
{
    mkt_ctx_free(f->backing);
    f->backing = NULL;
}

/* Start counting afresh: fail call number @fail_at from now on (-1: never). */
static inline void faultstore_arm(faultstore *f, long fail_at, int sticky)
{
    f->calls = 0;
    f->failures = 0;
    f->fail_at = fail_at;
    f->sticky = sticky;
}

static inline int fixed_clock_1700(mkt_time *out, void *u)
{
    (void)u;
    *out = 1700000000;
    return MKT_OK;
}

/* A context on the faultstore, with a fixed clock. */
static inline mkt_ctx *faultstore_ctx(faultstore *f)
{
    static const mkt_store_ops ops = { sizeof(mkt_store_ops), fs_get, fs_put, fs_del, fs_incr,
                                       fs_scan, NULL, NULL };
    mkt_store_ops o = ops;
    o.user_data = f;
    mkt_host h = MKT_HOST_INIT;
    h.store = &o;
    h.now = fixed_clock_1700;
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_OK);
    return ctx;
}

/* Does any key or value of the backing store contain @needle? (the erasure check) */
struct fs_needle {
    const char *needle;
    size_t len;
    int found;
    char where[128];
};

static inline int fs_needle_visit(const char *key, size_t kl, const void *v, size_t vl,
                                  uint64_t ver, void *d)
{
    (void)ver;
    struct fs_needle *n = d;
    if (memmem(key, kl, n->needle, n->len) || memmem(v, vl, n->needle, n->len)) {
        n->found++;
        size_t c = kl < sizeof n->where - 1 ? kl : sizeof n->where - 1;
        memcpy(n->where, key, c);
        n->where[c] = '\0';
    }
    return 0;
}

/* Occurrences of @needle in every key and value of every namespace ever written. */
static inline int faultstore_count(faultstore *f, const char *needle, char *where, size_t where_len)
{
    struct fs_needle n = { needle, strlen(needle), 0, "" };
    for (int i = 0; i < f->nns; i++)
        ck_assert_int_eq(mkt_store_scan(f->backing, f->ns[i], NULL, 0, fs_needle_visit, &n),
                         MKT_OK);
    if (where && n.found)
        snprintf(where, where_len, "%s", n.where);
    return n.found;
}

#endif /* TEST_PRIVACY_STORE_H */

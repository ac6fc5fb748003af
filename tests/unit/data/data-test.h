/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the data-layer unit tests: a scratch directory, writing plain and gzip
 * files, and the location of the committed fixtures (tests/data/loader).
 */
#ifndef MKT_TEST_DATA_TEST_H
#define MKT_TEST_DATA_TEST_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "libmarketing.h"

/* A fresh scratch directory for this process (created once). */
static inline const char *test_dir(void)
{
    static char dir[256];
    if (!dir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/mkt-data-XXXXXX", base ? base : "/tmp");
        ck_assert_ptr_nonnull(mkdtemp(dir));
    }
    return dir;
}

/* Write @len bytes to @name in the scratch directory; returns the full path (static buffer
 * rotated among 4 so a test can hold a few at once). */
static inline const char *write_bytes(const char *name, const void *data, size_t len)
{
    static char paths[4][512];
    static int next;
    char *p = paths[next++ & 3];
    snprintf(p, 512, "%s/%s", test_dir(), name);
    FILE *f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
    return p;
}

static inline const char *write_text(const char *name, const char *text)
{
    return write_bytes(name, text, strlen(text));
}

/* gzip @len bytes into a malloc'd buffer (*out_len set). */
static inline unsigned char *gzip_bytes(const void *data, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)len);
    unsigned char *out = malloc(cap);
    ck_assert_ptr_nonnull(out);
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

static inline const char *write_gzip(const char *name, const char *text)
{
    size_t n;
    unsigned char *gz = gzip_bytes(text, strlen(text), &n);
    const char *p = write_bytes(name, gz, n);
    free(gz);
    return p;
}

/* Path of a committed fixture. */
static inline const char *fixture(const char *name)
{
    static char paths[4][512];
    static int next;
    char *p = paths[next++ & 3];
    const char *dir = getenv("MKT_TEST_DATA");
    snprintf(p, 512, "%s/loader/%s", dir ? dir : "tests/data", name);
    return p;
}

static inline mkt_ctx *new_ctx(void)
{
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    return ctx;
}

/* The last error's message on @ctx. */
static inline const char *last_msg(mkt_ctx *ctx)
{
    return mkt_ctx_last_error(ctx)->message;
}

#define ck_assert_msg_has(ctx, text)                                                         \
    ck_assert_msg(strstr(last_msg(ctx), (text)) != NULL, "message '%s' lacks '%s'",           \
                  last_msg(ctx), (text))

#endif /* MKT_TEST_DATA_TEST_H */

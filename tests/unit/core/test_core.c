/* SPDX-License-Identifier: MIT */
/*
 * Tests of the context (creation, host and options handling with struct_size versioning),
 * errors and their detail, status texts, versions, caller-owned memory, host callbacks that
 * fail, and mkt_ctx_audit with both sinks.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core-private.h"
#include "failalloc.h"
#include "libmarketing.h"

START_TEST(ctx_defaults_and_bad_args)
{
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(NULL, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(ctx->opts.log_level, MKT_LOG_WARN);
    ck_assert_uint_eq(ctx->opts.max_field_bytes, 1u << 20);
    ck_assert_uint_eq(ctx->opts.max_fields, 4096);
    const mkt_error *e = mkt_ctx_last_error(ctx);
    ck_assert_int_eq(e->code, MKT_OK);
    ck_assert_str_eq(e->message, "");
    ck_assert_uint_eq(e->struct_size, sizeof(mkt_error));
    mkt_ctx_free(ctx);
    mkt_ctx_free(NULL);
    ck_assert_int_eq(mkt_host_init(NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_ctx_options_init(NULL), MKT_EINVAL);
    ck_assert_ptr_null(mkt_ctx_last_error(NULL));
    mkt_ctx_clear_error(NULL);
}
END_TEST

static void *my_alloc(size_t n, void *u) { (void)u; return malloc(n); }
static void *my_realloc(void *p, size_t n, void *u) { (void)u; return realloc(p, n); }
static void my_free(void *p, void *u) { (void)u; free(p); }

START_TEST(partial_allocator_hooks)
{
    mkt_host h = MKT_HOST_INIT;
    mkt_ctx *ctx = (mkt_ctx *)&h;
    h.alloc = my_alloc;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_EINVAL);
    ck_assert_ptr_null(ctx);
    h.realloc = my_realloc;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_EINVAL);
    h.alloc = NULL;
    h.free = my_free;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_EINVAL);
    h.alloc = my_alloc;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_OK);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(struct_size_versions)
{
    mkt_ctx *ctx = NULL;
    /* bad sizes */
    mkt_host h = MKT_HOST_INIT;
    h.struct_size = 0;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_EINVAL);
    mkt_ctx_options o = MKT_CTX_OPTIONS_INIT;
    o.struct_size = 3;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, &o), MKT_EINVAL);

    /* an "older" caller compiled options without max_fields/max_errors: the garbage behind
     * its struct must not be read, and the missing fields keep their defaults */
    mkt_ctx_options *old = malloc(sizeof *old);
    memset(old, 0, sizeof *old);
    old->struct_size = offsetof(mkt_ctx_options, max_fields);
    old->log_level = MKT_LOG_DEBUG;
    old->max_field_bytes = 77;
    old->max_fields = 0;      /* would be invalid if read */
    old->max_errors = 12345;  /* would be visible if read */
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, old), MKT_OK);
    ck_assert_int_eq(ctx->opts.log_level, MKT_LOG_DEBUG);
    ck_assert_uint_eq(ctx->opts.max_field_bytes, 77);
    ck_assert_uint_eq(ctx->opts.max_fields, 4096);
    ck_assert_uint_eq(ctx->opts.max_errors, 0);
    ck_assert_uint_eq(ctx->opts.struct_size, sizeof(mkt_ctx_options));
    mkt_ctx_free(ctx);
    free(old);

    /* an older host without store/user_data: the built-in store is used */
    mkt_host *oh = calloc(1, sizeof *oh);
    oh->struct_size = offsetof(mkt_host, store);
    oh->store = (const mkt_store_ops *)(uintptr_t)1; /* garbage beyond its size */
    ck_assert_int_eq(mkt_ctx_new(&ctx, oh, NULL), MKT_OK);
    ck_assert_int_eq(mkt_store_put(ctx, "ns", "k", 1, "v", 1, MKT_VERSION_ANY, NULL), MKT_OK);
    mkt_ctx_free(ctx);
    free(oh);

    /* a "newer" caller with fields we do not know yet */
    struct { mkt_ctx_options o; uint64_t future; } newer;
    mkt_ctx_options_init(&newer.o);
    newer.o.struct_size = sizeof newer;
    newer.future = 42;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, &newer.o), MKT_OK);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(options_validation)
{
    mkt_ctx *ctx = NULL;
    mkt_ctx_options o;
    ck_assert_int_eq(mkt_ctx_options_init(&o), MKT_OK);
    ck_assert_uint_eq(o.struct_size, sizeof o);
    o.max_field_bytes = 0;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, &o), MKT_EINVAL);
    ck_assert_ptr_null(ctx);
    mkt_ctx_options_init(&o);
    o.max_fields = 0;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, &o), MKT_EINVAL);
    mkt_ctx_options_init(&o);
    o.max_fields = 1;
    o.max_field_bytes = 1;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, &o), MKT_OK);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(last_error_detail_and_clear)
{
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    ck_assert_int_eq(mkt__error_at(ctx, MKT_EPARSE, "bookings.csv", 12, 3, "email",
                                   "expected '%s'", "@"), MKT_EPARSE);
    const mkt_error *e = mkt_ctx_last_error(ctx);
    ck_assert_int_eq(e->code, MKT_EPARSE);
    ck_assert_str_eq(e->message, "bookings.csv:12:3: email: expected '@'");
    ck_assert_str_eq(e->source, "bookings.csv");
    ck_assert_str_eq(e->field, "email");
    ck_assert_uint_eq(e->line, 12);
    ck_assert_uint_eq(e->column, 3);
    /* a successful call does not clear it */
    ck_assert_int_eq(mkt_store_put(ctx, "ns", "k", 1, "v", 1, MKT_VERSION_ANY, NULL), MKT_OK);
    ck_assert_int_eq(mkt_ctx_last_error(ctx)->code, MKT_EPARSE);
    /* a new failure replaces it entirely */
    ck_assert_int_eq(mkt_store_get(ctx, "ns", "zz", 2, NULL, NULL, NULL), MKT_ENOTFOUND);
    e = mkt_ctx_last_error(ctx);
    ck_assert_int_eq(e->code, MKT_ENOTFOUND);
    ck_assert_ptr_null(e->source);
    ck_assert_ptr_null(e->field);
    ck_assert_uint_eq(e->line, 0);
    mkt_ctx_clear_error(ctx);
    e = mkt_ctx_last_error(ctx);
    ck_assert_int_eq(e->code, MKT_OK);
    ck_assert_str_eq(e->message, "");
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(strerror_every_code)
{
    static const int codes[] = {
        MKT_OK,     MKT_EINVAL, MKT_ENOMEM, MKT_ENOTFOUND,   MKT_EEXIST,  MKT_ECONFLICT,
        MKT_ELIMIT, MKT_EPARSE, MKT_EIO,    MKT_EUSER,       MKT_ERANGE,  MKT_ETOOBIG,
        MKT_ETYPE,  MKT_EUNSUPPORTED,       MKT_ESTATE,      MKT_EINTERNAL,
    };
    size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        const char *s = mkt_strerror(codes[i]);
        ck_assert_ptr_nonnull(s);
        ck_assert_str_ne(s, "unknown status");
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(s, mkt_strerror(codes[j]));
    }
    ck_assert_str_eq(mkt_strerror(-16), "unknown status");
    ck_assert_str_eq(mkt_strerror(1), "unknown status");
    ck_assert_str_eq(mkt_strerror(INT32_MIN), "unknown status");
    ck_assert_str_eq(mkt_strerror(MKT_ENOMEM), "out of memory");
}
END_TEST

START_TEST(versions)
{
    ck_assert_str_eq(mkt_version(), MKT_VERSION_STRING);
    ck_assert_int_eq(mkt_version_number(), MKT_VERSION_NUMBER);
    ck_assert_int_eq(mkt_version_number(),
                     MKT_VERSION_MAJOR * 10000 + MKT_VERSION_MINOR * 100 + MKT_VERSION_PATCH);
}
END_TEST

START_TEST(caller_blocks_outlive_ctx)
{
    mkt_free(NULL);
    failalloc fa;
    failalloc_init(&fa);
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &fa.host, NULL), MKT_OK);
    ck_assert_int_eq(mkt_store_put(ctx, "ns", "k", 1, "hello", 5, MKT_VERSION_ANY, NULL),
                     MKT_OK);
    char *v = NULL;
    ck_assert_int_eq(mkt_store_get(ctx, "ns", "k", 1, &v, NULL, NULL), MKT_OK);
    mkt_ctx_free(ctx);
    ck_assert_int_eq(fa.live, 1); /* only the caller's block is left */
    ck_assert_str_eq(v, "hello");
    mkt_free(v);                  /* released through the host allocator */
    ck_assert_int_eq(fa.live, 0);
}
END_TEST

/* ---- host callbacks that fail ---------------------------------------------------------- */

static int bad_clock(mkt_time *out, void *u) { (void)out; (void)u; return MKT_EIO; }
static int bad_random(void *b, size_t n, void *u) { (void)b; (void)n; (void)u; return MKT_EUSER; }

START_TEST(failing_callbacks_reported)
{
    mkt_host h = MKT_HOST_INIT;
    h.now = bad_clock;
    h.random = bad_random;
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_OK);
    mkt_time t = 5;
    ck_assert_int_eq(mkt_ctx_now(ctx, &t), MKT_EIO);
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->message,
                     "clock callback failed: input/output error");
    unsigned char buf[8];
    ck_assert_int_eq(mkt_ctx_random(ctx, buf, sizeof buf), MKT_EUSER);
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->message,
                     "random callback failed: aborted by callback");
    ck_assert_int_eq(mkt_ctx_random(ctx, buf, 0), MKT_OK); /* nothing to draw */
    ck_assert_int_eq(mkt_ctx_random(ctx, NULL, 4), MKT_EINVAL);
    ck_assert_int_eq(mkt_ctx_random(NULL, buf, 4), MKT_EINVAL);
    ck_assert_int_eq(mkt_ctx_now(NULL, &t), MKT_EINVAL);
    ck_assert_int_eq(mkt_ctx_now(ctx, NULL), MKT_EINVAL);
    /* audit stamps records from the clock, so it fails with the clock */
    mkt_audit_record r = { sizeof r, 0, NULL, "erase", NULL, NULL };
    ck_assert_int_eq(mkt_ctx_audit(ctx, &r), MKT_EIO);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(default_callbacks_work)
{
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    mkt_time t = 0;
    ck_assert_int_eq(mkt_ctx_now(ctx, &t), MKT_OK);
    ck_assert_int_gt(t, 1700000000); /* after Nov 2023 */
    unsigned char a[32] = { 0 }, b[32] = { 0 };
    ck_assert_int_eq(mkt_ctx_random(ctx, a, sizeof a), MKT_OK);
    ck_assert_int_eq(mkt_ctx_random(ctx, b, sizeof b), MKT_OK);
    ck_assert(memcmp(a, b, sizeof a) != 0);
    mkt_ctx_free(ctx);
}
END_TEST

struct logged {
    int n;
    int32_t level;
    char text[128];
};

static void catch_log(int32_t level, const char *message, void *u)
{
    struct logged *l = u;
    l->n++;
    l->level = level;
    strncpy(l->text, message, sizeof l->text - 1);
}

START_TEST(log_level_filter)
{
    struct logged l = { 0 };
    mkt_host h = MKT_HOST_INIT;
    h.log = catch_log;
    h.user_data = &l;
    mkt_ctx_options o = MKT_CTX_OPTIONS_INIT;
    o.log_level = MKT_LOG_INFO;
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, &o), MKT_OK);
    mkt__log(ctx, MKT_LOG_DEBUG, "hidden %d", 1);
    ck_assert_int_eq(l.n, 0);
    mkt__log(ctx, MKT_LOG_WARN, "shown %d", 2);
    ck_assert_int_eq(l.n, 1);
    ck_assert_int_eq(l.level, MKT_LOG_WARN);
    ck_assert_str_eq(l.text, "shown 2");
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- audit ------------------------------------------------------------------------------ */

static int clock_1700(mkt_time *out, void *u)
{
    (void)u;
    *out = 1700000000;
    return MKT_OK;
}

struct audit_seen {
    int n;
    mkt_time ts;
    char action[32];
    int detail_null;
    int rc;
};

static int catch_audit(const mkt_audit_record *r, void *u)
{
    struct audit_seen *s = u;
    s->n++;
    s->ts = r->ts;
    strncpy(s->action, r->action, sizeof s->action - 1);
    s->detail_null = r->detail == NULL;
    ck_assert_uint_eq(r->struct_size, sizeof *r);
    return s->rc;
}

START_TEST(audit_validation_and_host_sink)
{
    struct audit_seen seen = { 0 };
    mkt_host h = MKT_HOST_INIT;
    h.now = clock_1700;
    h.audit = catch_audit;
    h.user_data = &seen;
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_OK);
    mkt_audit_record r = { sizeof r, 0, "ops", "dnc.remove", "c9", "requested" };
    ck_assert_int_eq(mkt_ctx_audit(NULL, &r), MKT_EINVAL);
    ck_assert_int_eq(mkt_ctx_audit(ctx, NULL), MKT_EINVAL);
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->message, "audit: record is NULL");
    r.action = "";
    ck_assert_int_eq(mkt_ctx_audit(ctx, &r), MKT_EINVAL);
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->message, "audit: record has no action");
    r.action = NULL;
    ck_assert_int_eq(mkt_ctx_audit(ctx, &r), MKT_EINVAL);
    r.action = "dnc.remove";
    r.struct_size = offsetof(mkt_audit_record, action);
    ck_assert_int_eq(mkt_ctx_audit(ctx, &r), MKT_EINVAL);
    r.struct_size = sizeof r;
    r.ts = -5;
    ck_assert_int_eq(mkt_ctx_audit(ctx, &r), MKT_EINVAL);
    ck_assert_int_eq(seen.n, 0);
    r.ts = 0;
    ck_assert_int_eq(mkt_ctx_audit(ctx, &r), MKT_OK);
    ck_assert_int_eq(seen.n, 1);
    ck_assert_int_eq(seen.ts, 1700000000); /* stamped from the clock */
    ck_assert_str_eq(seen.action, "dnc.remove");
    r.ts = 123;
    ck_assert_int_eq(mkt_ctx_audit(ctx, &r), MKT_OK);
    ck_assert_int_eq(seen.ts, 123); /* given ts kept */
    /* an older caller's record without detail: detail is not read */
    r.struct_size = offsetof(mkt_audit_record, detail);
    ck_assert_int_eq(mkt_ctx_audit(ctx, &r), MKT_OK);
    ck_assert_int_eq(seen.detail_null, 1);
    r.struct_size = sizeof r;
    seen.rc = MKT_EUSER;
    ck_assert_int_eq(mkt_ctx_audit(ctx, &r), MKT_EUSER);
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->message,
                     "audit callback failed for action 'dnc.remove': aborted by callback");
    mkt_ctx_free(ctx);
}
END_TEST

struct audit_rows {
    int n;
    char keys[4][48];
    char values[4][400];
};

static int collect(const char *k, size_t kl, const void *v, size_t vl, uint64_t ver, void *d)
{
    (void)ver;
    struct audit_rows *a = d;
    ck_assert_int_lt(a->n, 4);
    ck_assert_uint_lt(kl, sizeof a->keys[0]);
    ck_assert_uint_lt(vl, sizeof a->values[0]);
    memcpy(a->keys[a->n], k, kl);
    memcpy(a->values[a->n], v, vl);
    a->n++;
    return 0;
}

/* The default sink's hash chain (tests/unit/consent/test_audit.c checks the hashes and the
 * verification): keys are chain numbers, values escape their text. */
START_TEST(audit_default_sink_format)
{
    mkt_host h = MKT_HOST_INIT;
    h.now = clock_1700;
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_OK);
    mkt_audit_record r = { sizeof r, 0, "crm\\agent", "consent.withdraw", "c42",
                           "line one\nline two\r" };
    ck_assert_int_eq(mkt_ctx_audit(ctx, &r), MKT_OK);
    mkt_audit_record early = { sizeof early, 999, NULL, "erase", NULL, NULL };
    ck_assert_int_eq(mkt_ctx_audit(ctx, &early), MKT_OK);
    struct audit_rows rows = { 0 };
    ck_assert_int_eq(mkt_store_scan(ctx, "audit", NULL, 0, collect, &rows), MKT_OK);
    ck_assert_int_eq(rows.n, 2);
    /* chain order (the order of writing), whatever the timestamps */
    ck_assert_str_eq(rows.keys[0], "00000000000000000001");
    ck_assert_str_eq(rows.keys[1], "00000000000000000002");
    ck_assert_ptr_nonnull(strstr(rows.values[0], "seq=1\nts=1700000000\nactor=crm\\\\agent\n"
                                                 "action=consent.withdraw\nsubject_mac="));
    const char *prev = strstr(rows.values[0], "\nprev=");
    ck_assert_ptr_nonnull(prev);
    ck_assert_str_eq(prev + 7 + 64, "subject=c42\ndetail=line one\\nline two\\r\n");
    ck_assert_ptr_nonnull(strstr(rows.values[1], "seq=2\nts=999\naction=erase\nprev="));
    mkt_ctx_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, ctx_defaults_and_bad_args);
    tcase_add_test(tc, partial_allocator_hooks);
    tcase_add_test(tc, struct_size_versions);
    tcase_add_test(tc, options_validation);
    tcase_add_test(tc, last_error_detail_and_clear);
    tcase_add_test(tc, strerror_every_code);
    tcase_add_test(tc, versions);
    tcase_add_test(tc, caller_blocks_outlive_ctx);
    tcase_add_test(tc, failing_callbacks_reported);
    tcase_add_test(tc, default_callbacks_work);
    tcase_add_test(tc, log_level_filter);
    tcase_add_test(tc, audit_validation_and_host_sink);
    tcase_add_test(tc, audit_default_sink_format);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

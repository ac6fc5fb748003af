/* SPDX-License-Identifier: MIT */
/*
 * The bookings stream (lib/data/bkstream.c): the same records in the same order whether it
 * runs on one thread, on several with tiny chunks, or in its exact (id-interning) mode; a
 * reset and a second pass when the ids do not ascend; and errors (bad field, duplicate id)
 * worded and placed exactly as mkt_table_load_bookings() words and places them.
 */
#include "data/bkstream-private.h"
#include "data-test.h"

#define HEADER "booking_id,customer_id,booking_date,total_amount,status\n"

/* The sink under test: a text trace of what it saw. */
struct trace {
    char text[1 << 16];
    size_t len;
    int resets, fail_at; /* fail_at: return MKT_EUSER at this record (1-based), 0 never */
    size_t seen;
};

/* The fact a parsing thread hands over. */
struct tfact {
    int64_t time, total;
    int32_t status;
};

static void trace_condense(const void *data, const struct mkt__bk_in *in, void *fact)
{
    (void)data;
    *(struct tfact *)fact = (struct tfact){in->time, in->total, in->status};
}

static int trace_add(void *data, mkt__csv *r, const int *map, const struct mkt__bk_in *in,
                     const void *fact)
{
    struct trace *t = data;
    const struct tfact *f = fact;
    if (++t->seen == (size_t)t->fail_at)
        return mkt__csv_error(r, MKT_EUSER, (size_t)map[B_CUST], "sink refuses '%.*s'",
                              (int)in->cust.n, in->cust.p);
    int n = snprintf(t->text + t->len, sizeof t->text - t->len, "%.*s %.*s %lld %lld %d\n",
                     (int)in->id.n, in->id.p, (int)in->cust.n, in->cust.p, (long long)f->time,
                     (long long)f->total, (int)f->status);
    ck_assert_int_gt(n, 0);
    t->len += (size_t)n;
    return MKT_OK;
}

static void trace_reset(void *data)
{
    struct trace *t = data;
    t->len = 0;
    t->text[0] = 0;
    t->seen = 0;
    t->resets++;
}

#define TRACE_SINK(t) \
    { .condense = trace_condense, .add = trace_add, .reset = trace_reset, .data = (t) }

/* @n bookings; ids ascend unless @swap (then rows 3 and 4 trade ids). */
static const char *make_file(const char *name, int n, int swap, const char *extra)
{
    static char buf[1 << 16];
    size_t len = (size_t)snprintf(buf, sizeof buf, "%s", HEADER);
    for (int i = 0; i < n; i++) {
        int id = swap && (i == 3 || i == 4) ? 7 - i : i;
        len += (size_t)snprintf(buf + len, sizeof buf - len,
                                "B%05d,C%d,2024-%02d-%02d,%d.%02d,%s\n", id, i % 7, 1 + i % 12,
                                1 + i % 28, i * 3, i % 100, i % 5 ? "CONFIRMED" : "CANCELLED");
    }
    if (extra)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s", extra);
    return write_bytes(name, buf, len);
}

static int stream(mkt_ctx *ctx, const char *path, int threads, size_t chunk, int exact,
                  struct trace *t)
{
    memset(t, 0, sizeof *t);
    struct mkt__bk_sink sink = TRACE_SINK(t);
    mkt_load_options o;
    mkt_load_options_init(&o);
    o.threads = threads;
    mkt__par_chunk_bytes = chunk;
    mkt__bk_stream_exact = exact;
    int rc = mkt__bk_stream(ctx, path, &o, &sink);
    mkt__par_chunk_bytes = 0;
    mkt__bk_stream_exact = 0;
    return rc;
}

START_TEST(same_records_every_way)
{
    mkt_ctx *ctx = new_ctx();
    for (int swap = 0; swap <= 1; swap++) {
        const char *path = make_file("bk.csv", 300, swap, NULL);
        static struct trace one, par, exact;
        ck_assert_int_eq(stream(ctx, path, 1, 0, 0, &one), MKT_OK);
        ck_assert_int_eq(stream(ctx, path, 3, 128, 0, &par), MKT_OK);
        ck_assert_int_eq(stream(ctx, path, 1, 0, 1, &exact), MKT_OK);
        ck_assert_int_eq(one.resets, swap); /* the bet fails only when ids do not ascend */
        ck_assert_int_eq(par.resets, swap);
        ck_assert_int_eq(exact.resets, 0);
        ck_assert_uint_eq(one.seen, 300);
        ck_assert_str_eq(one.text, exact.text);
        ck_assert_str_eq(par.text, exact.text);
        ck_assert_ptr_nonnull(strstr(exact.text, "B00000 C0 1704067200 0 2\n")); /* cancelled */
        ck_assert_ptr_nonnull(strstr(exact.text, "B00001 C1 1706832000 301 1\n"));
    }
    mkt_ctx_free(ctx);
}
END_TEST

/* The error of a load of the same file, for comparison. */
static const char *load_error(mkt_ctx *ctx, const char *path, int *rc)
{
    static char msg[512];
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    *rc = mkt_table_load_bookings(t, path, NULL);
    snprintf(msg, sizeof msg, "%s", mkt_ctx_last_error(ctx)->message);
    mkt_table_free(t);
    return msg;
}

static void same_error_as_load(const char *path, int want_rc, const char *want_text)
{
    mkt_ctx *ctx = new_ctx();
    int load_rc;
    const char *want = load_error(ctx, path, &load_rc);
    ck_assert_int_eq(load_rc, want_rc);
    ck_assert_ptr_nonnull(strstr(want, want_text));
    struct trace t;
    for (int threads = 1; threads <= 2; threads++) {
        ck_assert_int_eq(stream(ctx, path, threads, 64, 0, &t), want_rc);
        ck_assert_str_eq(mkt_ctx_last_error(ctx)->message, want);
    }
    mkt_ctx_free(ctx);
}

START_TEST(bad_field_as_load)
{
    same_error_as_load(make_file("bad.csv", 50, 0, "B90000,C1,2024-13-01,1.00,CONFIRMED\n"),
                       MKT_EPARSE, "bad.csv:52:3: booking_date: invalid date");
}
END_TEST

START_TEST(duplicate_as_load)
{
    /* Ids ascend up to the repeat, so the bet fails there and the exact pass names it. */
    same_error_as_load(make_file("dup.csv", 40, 0, "B00007,C1,2024-01-01,1.00,CONFIRMED\n"),
                       MKT_EEXIST, "dup.csv:42:1: booking_id: duplicate booking_id 'B00007'");
}
END_TEST

START_TEST(sink_error_stops)
{
    mkt_ctx *ctx = new_ctx();
    const char *path = make_file("sink.csv", 100, 0, NULL);
    struct trace t;
    memset(&t, 0, sizeof t);
    t.fail_at = 10;
    struct mkt__bk_sink sink = TRACE_SINK(&t);
    ck_assert_int_eq(mkt__bk_stream(ctx, path, NULL, &sink), MKT_EUSER);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message,
                                 "sink.csv:11:2: customer_id: sink refuses 'C2'"));
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(bad_options_and_files)
{
    mkt_ctx *ctx = new_ctx();
    struct trace t;
    memset(&t, 0, sizeof t);
    struct mkt__bk_sink sink = TRACE_SINK(&t);
    mkt_load_options o;
    mkt_load_options_init(&o);
    o.threads = -1;
    ck_assert_int_eq(mkt__bk_stream(ctx, make_file("x.csv", 3, 0, NULL), &o, &sink), MKT_EINVAL);
    char missing[600];
    snprintf(missing, sizeof missing, "%s/absent.csv", test_dir());
    ck_assert_int_eq(mkt__bk_stream(ctx, missing, NULL, &sink), MKT_EIO);
    ck_assert_int_eq(mkt__bk_stream(ctx, write_text("empty.csv", ""), NULL, &sink), MKT_EPARSE);
    ck_assert_int_eq(mkt__bk_stream(ctx, write_text("nocol.csv", "booking_id\nB1\n"), NULL, &sink),
                     MKT_EPARSE);
    ck_assert_uint_eq(t.seen, 0);
    mkt_ctx_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bkstream");
    TCase *tc = tcase_create("stream");
    tcase_add_test(tc, same_records_every_way);
    tcase_add_test(tc, bad_field_as_load);
    tcase_add_test(tc, duplicate_as_load);
    tcase_add_test(tc, sink_error_stops);
    tcase_add_test(tc, bad_options_and_files);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

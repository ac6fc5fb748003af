/* SPDX-License-Identifier: MIT */
/*
 * The threads load option: customers, bookings and events parsed by several threads (with tiny chunks,
 * so that every file is cut in many places) give a table identical to a single-threaded load,
 * fail with exactly the same first error (code, message, file, line, column, field) leaving
 * the table unchanged, never mis-split quoted line feeds, find duplicates across chunks, keep
 * gzip sequential, and never call the host allocator from another thread.
 */
#include <pthread.h>

#include "data/load-private.h"
#include "table-dump.h"

static const char *BK_HEAD = "booking_id,customer_id,booking_date,departure_date,origin,"
                             "destination,route,trip_type,cabin_class,fare_class,channel,"
                             "passengers,total_amount,ancillary_amount,currency,status\n";
static const char *EV_HEAD = "event_id,customer_id,ts,type,campaign,channel,value,properties\n";

enum { V_PLAIN, V_CRLF, V_QUOTES, V_BLANKS, V_NO_EOL, V_N };

struct text {
    char *s;
    size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            ck_abort_msg("vsnprintf failed");
        if (t->s && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        t->cap = (t->cap + (size_t)n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        if (!t->s)
            ck_abort_msg("out of memory");
    }
}

static const char *CITY[] = {"LHR", "JFK", "Z\xC3\xBCR", "S\xC3\xA3o", "CDG", "NRT"};

/* @n bookings of customers C0..C(ncust-1) in one of the V_* shapes. */
static char *bookings_text(size_t n, size_t ncust, int variant, size_t *len)
{
    struct text t = {0};
    add(&t, "%s", BK_HEAD);
    const char *eol = variant == V_CRLF ? "\r\n" : "\n";
    for (size_t i = 0; i < n; i++) {
        const char *o = CITY[i % 6], *d = CITY[(i / 6) % 6];
        if (variant == V_QUOTES && i % 5 == 2) /* a quoted line feed that looks like records */
            add(&t, "B%zu,C%zu,2024-02-%02zu,,%s,%s,\"%s\nB%zu,C1,2024-01-01,,,,x\n\",RT,Y,,WEB,"
                    "2,%zu.50,,EUR,%s",
                i, i % ncust, 1 + i % 28, o, d, o, i + 1, i % 900, i % 11 ? "CONFIRMED" : "");
        else
            add(&t, "B%zu,C%zu,2024-02-%02zu,2024-03-01,%s,%s,%s-%s,OW,J,Q,APP,%s,%zu.%02zu,"
                    "%s,%s,%s",
                i, i % ncust, 1 + i % 28, o, d, o, d, i % 4 ? "1" : "", i % 5000, i % 100,
                i % 3 ? "1.25" : "", i % 7 ? "USD" : "GBP", i % 13 ? "CONFIRMED" : "CANCELLED");
        if (variant != V_NO_EOL || i + 1 < n)
            add(&t, "%s", eol);
        if (variant == V_BLANKS && i % 9 == 0)
            add(&t, "%s", i % 2 ? "\n\n" : "\r\n");
    }
    *len = t.len;
    return t.s;
}

static char *events_text(size_t n, size_t ncust, size_t *len)
{
    struct text t = {0};
    add(&t, "%s", EV_HEAD);
    for (size_t i = 0; i < n; i++)
        add(&t, "E%zu,C%zu,2024-06-01T00:%02zu:00Z,%s,%s,EMAIL,%s,k=%zu\n", i, i % ncust, i % 60,
            i % 3 ? "PAGE_VIEW" : "SEARCH", i % 4 ? "" : "spring", i % 5 ? "" : "3.10", i % 17);
    *len = t.len;
    return t.s;
}

static char *customers_text(size_t n, size_t *len)
{
    struct text t = {0};
    add(&t, "customer_id,first_name,tier\n");
    for (size_t i = 0; i < n; i++)
        add(&t, "C%zu,N%zu,%s\n", i, i % 37, i % 2 ? "GOLD" : "NONE");
    *len = t.len;
    return t.s;
}

static mkt_load_options threads_opts(int threads)
{
    mkt_load_options o;
    mkt_load_options_init(&o);
    o.threads = threads;
    return o;
}

struct outcome {
    int rc;
    char *msg, *dump;
    uint64_t line, column;
    char *field;
};

static void outcome_free(struct outcome *o)
{
    free(o->msg);
    free(o->dump);
    free(o->field);
}

typedef int (*load_fn)(mkt_table *, const char *, const mkt_load_options *);

/* Load @path into a table (after customers.csv when @custs) with @threads and @chunk. */
static struct outcome run_load(const char *custs, load_fn fn, const char *path, int threads,
                               size_t chunk)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    mkt_load_options o = threads_opts(threads);
    if (custs)
        ck_assert_int_eq(mkt_table_load_customers(t, custs, &o), MKT_OK);
    char *before = dump_table(t);
    mkt__par_chunk_bytes = chunk;
    struct outcome out = {0};
    out.rc = fn(t, path, &o);
    mkt__par_chunk_bytes = 0;
    const mkt_error *e = mkt_ctx_last_error(ctx);
    out.msg = strdup(out.rc ? e->message : "");
    out.field = strdup(out.rc && e->field ? e->field : "");
    out.line = out.rc ? e->line : 0;
    out.column = out.rc ? e->column : 0;
    out.dump = dump_table(t);
    if (out.rc) /* all or nothing */
        ck_assert_str_eq(before, out.dump);
    free(before);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
    return out;
}

#define ANY_ERROR (-1000)

static const size_t CHUNKS[] = {64, 97, 300, 1000, 4096};

/* Every threads/chunk combination gives what a single-threaded load gives. */
static void expect_same(const char *custs, load_fn fn, const char *path, int want_rc)
{
    struct outcome one = run_load(custs, fn, path, 1, 0);
    if (want_rc == ANY_ERROR)
        ck_assert_msg(one.rc != MKT_OK, "loaded: %s", path);
    else
        ck_assert_msg(one.rc == want_rc, "rc %d (want %d): %s", one.rc, want_rc, one.msg);
    for (size_t c = 0; c < sizeof CHUNKS / sizeof CHUNKS[0]; c++) {
        for (int threads = 2; threads <= 5; threads += 3) {
            struct outcome many = run_load(custs, fn, path, threads, CHUNKS[c]);
            ck_assert_msg(many.rc == one.rc, "threads %d chunk %zu: rc %d: %s", threads,
                          CHUNKS[c], many.rc, many.msg);
            ck_assert_str_eq(many.msg, one.msg);
            ck_assert_str_eq(many.field, one.field);
            ck_assert_uint_eq(many.line, one.line);
            ck_assert_uint_eq(many.column, one.column);
            ck_assert_str_eq(many.dump, one.dump);
            outcome_free(&many);
        }
    }
    outcome_free(&one);
}

static const char *customers_file(size_t n)
{
    size_t len;
    char *text = customers_text(n, &len);
    const char *p = write_bytes("customers.csv", text, len);
    free(text);
    return p;
}

START_TEST(test_same_table)
{
    static char custs[512];
    snprintf(custs, sizeof custs, "%s", customers_file(400));
    for (int v = 0; v < V_N; v++) {
        size_t len;
        char *text = bookings_text(700, 450, v, &len); /* some unknown customers: stubs */
        const char *path = write_bytes("bookings.csv", text, len);
        expect_same(NULL, mkt_table_load_bookings, path, MKT_OK);
        free(text);
        text = bookings_text(700, 400, v, &len);
        path = write_bytes("bookings.csv", text, len);
        expect_same(custs, mkt_table_load_bookings, path, MKT_OK);
        free(text);
    }
    size_t len;
    char *text = events_text(900, 400, &len);
    expect_same(custs, mkt_table_load_events, write_bytes("events.csv", text, len), MKT_OK);
    expect_same(NULL, mkt_table_load_events, write_bytes("events.csv", text, len), MKT_OK);
    free(text);
}
END_TEST

/* Replace record @rec (0-based, after the header) of @text by @line. */
static char *with_record(const char *text, size_t rec, const char *line)
{
    const char *p = strchr(text, '\n') + 1;
    for (size_t i = 0; i < rec; i++)
        p = strchr(p, '\n') + 1;
    const char *end = strchr(p, '\n');
    struct text t = {0};
    add(&t, "%.*s%s%s", (int)(p - text), text, line, end);
    return t.s;
}

START_TEST(test_same_error)
{
    static char custs[512];
    snprintf(custs, sizeof custs, "%s", customers_file(400));
    size_t len;
    char *good = bookings_text(600, 400, V_PLAIN, &len);
    static const char *bad[] = {
        "X1,C1,2024-13-01,,,,,,,,,,1.00,,,",             /* bad date */
        "X1,C1,2024-01-01,,,,,,,,,,-1.00,,,",            /* negative amount */
        "X1,C9999,2024-01-01,,,,,,,,,,1.00,,,",          /* unknown customer */
        "B3,C1,2024-01-01,,,,,,,,,,1.00,,,",             /* duplicate of an earlier id */
        "X1,C1,2024-01-01,,,,,,,,,,1.00,,",              /* a field short */
        "X1,C1,2024-01-01,,a\"b,,,,,,,,1.00,,,",         /* quote in an unquoted field */
        "X1,C1,2024-01-01,,\xC3(,,,,,,,,1.00,,,",        /* invalid UTF-8 */
        "X1,C1,2024-01-01,,\"open,,,,,,,,1.00,,,",       /* unterminated quote */
        "X1,C1,2024-01-01,,,,,,,,,,1.00,,,BOOKED",       /* bad status */
        "X1,C1,2024-01-01,,,,,,,,,,99999999999999999.00,,,", /* amount overflow */
    };
    static const size_t at[] = {0, 1, 57, 300, 599};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
            if (b == 3 && at[k] < 4)
                continue; /* B3 is itself there */
            char *text = with_record(good, at[k], bad[b]);
            const char *path = write_bytes("bad.csv", text, strlen(text));
            expect_same(custs, mkt_table_load_bookings, path, b == 2 ? MKT_ENOTFOUND : ANY_ERROR);
            free(text);
        }
    }
    free(good);
}
END_TEST

START_TEST(test_duplicates_across_chunks)
{
    size_t len;
    char *text = events_text(800, 50, &len);
    char *dup = with_record(text, 790, "E12,C1,2024-06-01T00:00:00Z,SEARCH,,,,");
    expect_same(NULL, mkt_table_load_events, write_text("events.csv", dup), MKT_EEXIST);
    free(dup);
    /* The first duplicate wins over a later parse error, across chunks. */
    char *two = with_record(text, 500, "E3,C1,2024-06-01T00:00:00Z,SEARCH,,,,");
    char *both = with_record(two, 700, "E9999,C1,not-a-time,SEARCH,,,,");
    expect_same(NULL, mkt_table_load_events, write_text("events.csv", both), MKT_EEXIST);
    free(two);
    free(both);
    free(text);
}
END_TEST

/* @n customers with typed, custom, null and UTF-8 values; V_QUOTES adds quoted line feeds. */
static char *customers_rich(size_t n, int variant)
{
    struct text t = {0};
    add(&t, "customer_id,first_name,date_of_birth,tier,loyalty_member,nps_score,favourite\n");
    for (size_t i = 0; i < n; i++) {
        if (variant == V_QUOTES && i % 7 == 3)
            add(&t, "C%zu,\"Ann\nC9%zu,x\",,GOLD,1,,\"te\"\"a\"\n", i, i);
        else
            add(&t, "C%zu,%s,%s,%s,%s,%s,%s\n", i, CITY[i % 6], i % 3 ? "1980-02-29" : "",
                i % 4 ? "SILVER" : "GOLD", i % 2 ? "1" : "0", i % 5 ? "7" : "", i % 9 ? "" : "x");
    }
    return t.s;
}

START_TEST(test_customers)
{
    for (int v = V_PLAIN; v <= V_QUOTES; v += V_QUOTES - V_PLAIN) {
        char *text = customers_rich(500, v);
        expect_same(NULL, mkt_table_load_customers, write_text("customers.csv", text), MKT_OK);
        static const char *bad[] = {
            "C3,Bob,1980-01-01,GOLD,1,7,",  /* duplicate id */
            "X1,Bob,1980-13-01,GOLD,1,7,",  /* bad date */
            "X1,Bob,1980-01-01,GOLD,2,7,",  /* bad bool */
            "X1,Bob,1980-01-01,GOLD,1,7",   /* a field short */
            "X1,B\xC3(,1980-01-01,GOLD,1,7,", /* invalid UTF-8 */
        };
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            char *one = with_record(text, 450, bad[b]);
            expect_same(NULL, mkt_table_load_customers, write_text("customers.csv", one),
                        ANY_ERROR);
            free(one);
        }
        free(text);
    }
}
END_TEST

/* A quoted field holding whole fake records across every possible cut: never mis-split. */
START_TEST(test_quoted_line_feeds)
{
    struct text t = {0};
    add(&t, "%s", EV_HEAD);
    for (size_t i = 0; i < 300; i++) {
        if (i == 150)
            add(&t, "E%zu,C1,2024-06-01T00:00:00Z,X,,,,\"%s\"\n", i,
                "a\nE9001,C1,2024-06-01T00:00:00Z,X,,,,b\nE9002,C1,2024-06-01T00:00:00Z,X,,,,\n"
                "\"\"q\"\",\n\n");
        else
            add(&t, "E%zu,C%zu,2024-06-01T00:00:00Z,X,,,,p\n", i, i % 7);
    }
    expect_same(NULL, mkt_table_load_events, write_bytes("events.csv", t.s, t.len), MKT_OK);
    free(t.s);
}
END_TEST

START_TEST(test_gzip_and_options)
{
    size_t len;
    char *text = events_text(500, 30, &len);
    text[len] = '\0';
    expect_same(NULL, mkt_table_load_events, write_gzip("events.csv.gz", text), MKT_OK);
    mkt_ctx *ctx = new_ctx();
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    mkt_load_options o = threads_opts(-1);
    ck_assert_int_eq(mkt_table_load_events(t, write_bytes("e.csv", text, len), &o), MKT_EINVAL);
    ck_assert_msg_has(ctx, "threads");
    o = threads_opts(1000); /* more than sensible: capped */
    mkt__par_chunk_bytes = 128;
    ck_assert_int_eq(mkt_table_load_events(t, write_bytes("e.csv", text, len), &o), MKT_OK);
    mkt__par_chunk_bytes = 0;
    ck_assert_uint_eq(mkt_table_event_count(t), 500);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
    free(text);
}
END_TEST

/* The host allocator is only called from the loading thread. */
static pthread_t loader;
static int foreign_calls;
static void *h_alloc(size_t n, void *u)
{
    (void)u;
    foreign_calls += !pthread_equal(pthread_self(), loader);
    return malloc(n);
}
static void *h_realloc(void *p, size_t n, void *u)
{
    (void)u;
    foreign_calls += !pthread_equal(pthread_self(), loader);
    return realloc(p, n);
}
static void h_free(void *p, void *u)
{
    (void)u;
    foreign_calls += !pthread_equal(pthread_self(), loader);
    free(p);
}

static int aborting(uint64_t done, uint64_t total, uint64_t rows, void *data)
{
    (void)total;
    (void)rows;
    return done > *(uint64_t *)data;
}

START_TEST(test_allocator_and_progress)
{
    loader = pthread_self();
    mkt_host host;
    mkt_host_init(&host);
    host.alloc = h_alloc;
    host.realloc = h_realloc;
    host.free = h_free;
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &host, NULL), MKT_OK);
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    size_t len;
    char *text = bookings_text(3000, 100, V_PLAIN, &len);
    const char *path = write_bytes("b.csv", text, len);
    mkt_load_options o = threads_opts(4);
    mkt__par_chunk_bytes = 512;
    ck_assert_int_eq(mkt_table_load_bookings(t, path, &o), MKT_OK);
    ck_assert_int_eq(foreign_calls, 0);
    /* A progress callback may abort a threaded load: nothing changes. */
    char *before = dump_table(t);
    uint64_t limit = 1 << 20;
    char *big = events_text(60000, 100, &len);
    o.progress = aborting;
    o.progress_data = &limit;
    ck_assert_int_eq(mkt_table_load_events(t, write_bytes("e.csv", big, len), &o), MKT_EUSER);
    char *after = dump_table(t);
    ck_assert_str_eq(before, after);
    ck_assert_int_eq(foreign_calls, 0);
    free(after);
    free(big);
    free(before);
    mkt__par_chunk_bytes = 0;
    free(text);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("load-threads");
    TCase *tc = tcase_create("threads");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_same_table);
    tcase_add_test(tc, test_customers);
    tcase_add_test(tc, test_same_error);
    tcase_add_test(tc, test_duplicates_across_chunks);
    tcase_add_test(tc, test_quoted_line_feeds);
    tcase_add_test(tc, test_gzip_and_options);
    tcase_add_test(tc, test_allocator_and_progress);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

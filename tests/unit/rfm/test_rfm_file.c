/* SPDX-License-Identifier: MIT */
/*
 * mkt_rfm_compute_file() and mkt_lifecycle_compute_file(): on generated bookings files (ids
 * that take the by-number path and ids that do not, cancelled and future bookings, several
 * threads with tiny chunks) they give exactly what loading the same file and calling
 * mkt_rfm_compute() / mkt_lifecycle_compute() gives; their results apply to a table by id;
 * file errors are the load's; the argument errors.
 */
#include <stdarg.h>
#include <stdio.h>

#include "data/load-private.h"
#include "failalloc.h"
#include "rfm-test.h"
#include "testfile.h"

/* How customer ids look, which decides how the stream numbers customers (lib/rfm/stream.c). */
enum id_mix {
    IDS_MIXED,   /* every 11th customer has an id of another shape: the dictionary takes over */
    IDS_NUMBERS, /* all "C%05u" with gaps: indexed by number to the end, then compacted */
    IDS_SPARSE,  /* numbers far apart: the dictionary takes over at the first big jump */
    IDS_COUNT
};
static enum id_mix id_mix = IDS_MIXED;

static void customer_name(char *cust, size_t size, unsigned c)
{
    if (id_mix == IDS_MIXED && c % 11 == 0)
        snprintf(cust, size, "VIP-%u", c);
    else if (id_mix == IDS_SPARSE)
        snprintf(cust, size, "C%09u", c * 1000003u % 999999937u);
    else if (id_mix == IDS_NUMBERS)
        snprintf(cust, size, "C%05u", 3 * c);
    else
        snprintf(cust, size, "C%05u", c);
}

/* @n bookings with ids as id_mix says; @eur: some EUR bookings. */
static const char *bookings_file(int n, int eur)
{
    size_t cap = (size_t)n * 96 + 256, len = 0;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    len += (size_t)snprintf(s, cap, "booking_id,customer_id,booking_date,total_amount,"
                                    "currency,status\n");
    uint64_t x = 88172645463325252u;
    for (int i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        unsigned c = (unsigned)(x % 300), day = (unsigned)(x >> 20) % 800;
        char cust[16], date[MKT_DATE_BUFSZ];
        customer_name(cust, sizeof cust, c);
        mkt_date_format(19500 + (mkt_date)day, date, sizeof date);
        len += (size_t)snprintf(s + len, cap - len, "B%06d,%s,%s,%u.%02u,%s,%s\n", i, cust,
                                date, (unsigned)(x >> 33) % 3000, (unsigned)(x >> 45) % 100,
                                eur && c % 7 == 0 ? "EUR" : i % 3 ? "USD" : "",
                                (x >> 50) % 9 == 0 ? "CANCELLED" : "CONFIRMED");
    }
    const char *p = test_write_file(eur ? "eur.csv" : "bookings.csv", s);
    free(s);
    return p;
}

static mkt_table *loaded(mkt_ctx *ctx, const char *path)
{
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    ck_assert_int_eq(mkt_table_load_bookings(t, path, NULL), MKT_OK);
    return t;
}

static mkt_load_options threads(int n, size_t chunk)
{
    mkt_load_options o;
    mkt_load_options_init(&o);
    o.threads = n;
    mkt__par_chunk_bytes = chunk;
    return o;
}

/* Every row of two RFM results agrees but for customer_row. */
static void same_rfm(const mkt_rfm *a, const mkt_rfm *b)
{
    ck_assert_uint_eq(mkt_rfm_count(a), mkt_rfm_count(b));
    ck_assert_int_eq(mkt_rfm_as_of(a), mkt_rfm_as_of(b));
    for (uint64_t i = 0; i < mkt_rfm_count(a); i++) {
        mkt_rfm_row x = {.struct_size = sizeof x}, y = {.struct_size = sizeof y};
        ck_assert_int_eq(mkt_rfm_get(a, i, &x), MKT_OK);
        ck_assert_int_eq(mkt_rfm_get(b, i, &y), MKT_OK);
        ck_assert_str_eq(x.customer_id, y.customer_id);
        ck_assert_uint_eq(y.customer_row, UINT64_MAX); /* from a file: no table row */
        ck_assert(x.recency == y.recency && x.frequency == y.frequency &&
                  x.monetary == y.monetary && x.r == y.r && x.f == y.f && x.m == y.m &&
                  x.segment == y.segment && x.monetary_percentile == y.monetary_percentile);
    }
}

START_TEST(test_rfm_same_as_table)
{
    id_mix = (enum id_mix)_i;
    mkt_ctx *ctx = new_ctx();
    const char *path = bookings_file(4000, 0);
    mkt_table *t = loaded(ctx, path);
    for (int32_t scoring = MKT_RFM_FIXED; scoring <= MKT_RFM_NTILE; scoring++) {
        mkt_rfm_options o;
        mkt_rfm_options_init(&o);
        o.scoring = scoring;
        o.as_of = dt("2025-06-30");
        mkt_rfm *want, *one, *par;
        ck_assert_int_eq(mkt_rfm_compute(&want, ctx, t, &o), MKT_OK);
        ck_assert_uint_gt(mkt_rfm_count(want), 200);
        mkt_load_options l1 = threads(1, 0), l2 = threads(2, 300);
        ck_assert_int_eq(mkt_rfm_compute_file(&one, ctx, path, &o, &l1), MKT_OK);
        ck_assert_int_eq(mkt_rfm_compute_file(&par, ctx, path, &o, &l2), MKT_OK);
        mkt__par_chunk_bytes = 0;
        same_rfm(want, one);
        same_rfm(want, par);
        mkt_rfm_free(want);
        mkt_rfm_free(one);
        mkt_rfm_free(par);
    }
    mkt_table_free(t);
    mkt_ctx_free(ctx);
    id_mix = IDS_MIXED; /* the other tests share the process under CK_FORK=no */
}
END_TEST

START_TEST(test_lifecycle_same_as_table)
{
    id_mix = (enum id_mix)_i;
    mkt_ctx *ctx = new_ctx();
    const char *path = bookings_file(3000, 0);
    mkt_table *t = loaded(ctx, path);
    mkt_lifecycle *want, *got;
    mkt_load_options l = threads(2, 256);
    ck_assert_int_eq(mkt_lifecycle_compute(&want, ctx, t, dt("2025-03-01")), MKT_OK);
    ck_assert_int_eq(mkt_lifecycle_compute_file(&got, ctx, path, dt("2025-03-01"), &l), MKT_OK);
    mkt__par_chunk_bytes = 0;
    ck_assert_uint_eq(mkt_lifecycle_count(want), mkt_lifecycle_count(got));
    for (uint64_t i = 0; i < mkt_lifecycle_count(want); i++) {
        mkt_lifecycle_row x = {.struct_size = sizeof x}, y = {.struct_size = sizeof y};
        ck_assert_int_eq(mkt_lifecycle_get(want, i, &x), MKT_OK);
        ck_assert_int_eq(mkt_lifecycle_get(got, i, &y), MKT_OK);
        ck_assert_str_eq(x.customer_id, y.customer_id);
        ck_assert_int_eq(x.stage, y.stage);
        ck_assert_uint_eq(y.customer_row, UINT64_MAX);
    }
    /* Applied by id: the table's column is the one its own result gives. */
    ck_assert_int_eq(mkt_lifecycle_apply(t, got), MKT_OK);
    uint32_t col;
    ck_assert_int_eq(mkt_table_column_find(t, "lifecycle.stage", &col), MKT_OK);
    for (uint64_t i = 0; i < mkt_lifecycle_count(want); i++) {
        mkt_lifecycle_row x = {.struct_size = sizeof x};
        ck_assert_int_eq(mkt_lifecycle_get(want, i, &x), MKT_OK);
        const char *s;
        ck_assert_int_eq(mkt_table_get_string(t, col, x.customer_row, &s, NULL), MKT_OK);
        ck_assert_str_eq(s, mkt_lifecycle_stage_name(x.stage));
    }
    mkt_lifecycle_free(want);
    mkt_lifecycle_free(got);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
    id_mix = IDS_MIXED; /* the other tests share the process under CK_FORK=no */
}
END_TEST

START_TEST(test_apply_by_id)
{
    mkt_ctx *ctx = new_ctx();
    const char *path = bookings_file(2000, 0);
    mkt_table *t = loaded(ctx, path);
    mkt_rfm_options o;
    mkt_rfm_options_init(&o);
    o.as_of = dt("2025-06-30");
    mkt_rfm *r;
    ck_assert_int_eq(mkt_rfm_compute_file(&r, ctx, path, &o, NULL), MKT_OK);
    ck_assert_int_eq(mkt_rfm_apply(t, r), MKT_OK);
    uint32_t col;
    ck_assert_int_eq(mkt_table_column_find(t, "rfm.segment", &col), MKT_OK);
    for (uint64_t i = 0; i < mkt_rfm_count(r); i++) {
        mkt_rfm_row x = {.struct_size = sizeof x};
        ck_assert_int_eq(mkt_rfm_get(r, i, &x), MKT_OK);
        uint64_t row;
        ck_assert_int_eq(mkt_table_find(t, x.customer_id, x.id_len, &row), MKT_OK);
        const char *s;
        ck_assert_int_eq(mkt_table_get_string(t, col, row, &s, NULL), MKT_OK);
        ck_assert_str_eq(s, mkt_rfm_segment_name(x.segment));
    }
    mkt_rfm_free(r);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* The parsing threads fold into lanes of their own (lib/rfm/stream.c): with exchange rates
 * the lanes keep exact converted sums too, and whatever depends on file order (which
 * currencies a message names, the 65th currency refused at its line) comes out as one thread
 * gives it. */
START_TEST(test_threads_same_as_one)
{
    id_mix = (enum id_mix)_i;
    mkt_ctx *ctx = new_ctx();
    const char *eur = bookings_file(4000, 1);
    mkt_rfm_fx *fx;
    ck_assert_int_eq(mkt_rfm_fx_new(&fx, ctx), MKT_OK);
    ck_assert_int_eq(mkt_rfm_fx_add(fx, "USD", "1"), MKT_OK);
    ck_assert_int_eq(mkt_rfm_fx_add(fx, "EUR", "1.0837"), MKT_OK);
    mkt_rfm_options o;
    mkt_rfm_options_init(&o);
    o.as_of = dt("2025-06-30");
    o.scoring = MKT_RFM_NTILE;
    o.fx = fx;
    mkt_table *t = loaded(ctx, eur);
    mkt_rfm *want, *par;
    ck_assert_int_eq(mkt_rfm_compute(&want, ctx, t, &o), MKT_OK);
    mkt_load_options l2 = threads(2, 300);
    ck_assert_int_eq(mkt_rfm_compute_file(&par, ctx, eur, &o, &l2), MKT_OK);
    same_rfm(want, par);
    mkt_rfm_free(want);
    mkt_rfm_free(par);
    mkt_table_free(t);
    /* Without rates: the same message from one thread and from two. */
    o.fx = NULL;
    char one_msg[512];
    mkt_load_options l1 = threads(1, 0);
    ck_assert_int_eq(mkt_rfm_compute_file(&par, ctx, eur, &o, &l1), MKT_EINVAL);
    snprintf(one_msg, sizeof one_msg, "%s", last_message(ctx));
    l2 = threads(2, 300);
    ck_assert_int_eq(mkt_rfm_compute_file(&par, ctx, eur, &o, &l2), MKT_EINVAL);
    ck_assert_str_eq(last_message(ctx), one_msg);
    /* USD, then "ZZA", "ZZB", ...: the 64th of those, k = 63 ("ZXL", first at booking
     * 20 + 63 * 30 = 1910, line 1912), is the 65th currency, refused. */
    size_t cap = 2000 * 64, len = 0;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    len += (size_t)snprintf(text, cap, "booking_id,customer_id,booking_date,total_amount,"
                                       "currency\n");
    for (int i = 0; i < 2000; i++) {
        int k = (i - 20) / 30; /* currency k + 1 first appears at booking 20 + 30 * k */
        char cur[4] = {'U', 'S', 'D', 0};
        if (i >= 20 && (i - 20) % 30 == 0 && k < 65)
            cur[0] = 'Z', cur[1] = (char)('Z' - k / 26), cur[2] = (char)('A' + k % 26);
        char cust[16];
        customer_name(cust, sizeof cust, (unsigned)i % 300);
        len += (size_t)snprintf(text + len, cap - len, "B%06d,%s,2025-03-01,1.00,%s\n", i, cust,
                                cur);
    }
    const char *many = test_write_file("many.csv", text);
    free(text);
    ck_assert_int_eq(mkt_rfm_compute_file(&par, ctx, many, &o, &l1), MKT_ETOOBIG);
    ck_assert_msg(strstr(last_message(ctx), "many.csv:1912:5: currency: more than 64 "
                                            "currencies") != NULL, "%s", last_message(ctx));
    snprintf(one_msg, sizeof one_msg, "%s", last_message(ctx));
    l2 = threads(2, 300);
    ck_assert_int_eq(mkt_rfm_compute_file(&par, ctx, many, &o, &l2), MKT_ETOOBIG);
    ck_assert_str_eq(last_message(ctx), one_msg);
    /* Customer 7's sum overflows int64: 10 bookings in a row of 5e18 minor units each, so
     * some lane folds two of them (or the calling thread does), and a merge adds the rest. */
    text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    len = (size_t)snprintf(text, cap, "booking_id,customer_id,booking_date,total_amount\n");
    for (int i = 0; i < 400; i++) {
        char cust[16];
        customer_name(cust, sizeof cust, i >= 200 && i < 210 ? 7u : (unsigned)i % 300);
        len += (size_t)snprintf(text + len, cap - len, "B%06d,%s,2025-03-01,%s\n", i, cust,
                                i >= 200 && i < 210 ? "50000000000000000.00" : "1.00");
    }
    const char *big = test_write_file("big.csv", text);
    free(text);
    ck_assert_int_eq(mkt_rfm_compute_file(&par, ctx, big, &o, &l1), MKT_ERANGE);
    ck_assert_str_eq(last_message(ctx), "RFM: a customer's monetary sum overflows");
    l2 = threads(2, 300);
    ck_assert_int_eq(mkt_rfm_compute_file(&par, ctx, big, &o, &l2), MKT_ERANGE);
    ck_assert_str_eq(last_message(ctx), "RFM: a customer's monetary sum overflows");
    mkt__par_chunk_bytes = 0;
    mkt_rfm_fx_free(fx);
    mkt_ctx_free(ctx);
    id_mix = IDS_MIXED;
}
END_TEST

/* Any allocation of a threaded RFM pass may fail (lanes, merge, result): MKT_ENOMEM and no
 * leak (the lanes of every id mix: the dictionary takes over in IDS_MIXED). */
static int alloc_scenario(failalloc *fa, void *arg)
{
    const char *path = arg;
    mkt_ctx *ctx = NULL;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_rfm_options o;
    mkt_rfm_options_init(&o);
    o.as_of = dt("2025-06-30");
    o.scoring = MKT_RFM_NTILE;
    mkt_load_options l = threads(2, 300);
    mkt_rfm *r = NULL;
    rc = mkt_rfm_compute_file(&r, ctx, path, &o, &l);
    ck_assert(rc == MKT_OK || r == NULL);
    mkt_rfm_free(r);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(test_threads_failalloc)
{
    id_mix = IDS_MIXED;
    static char path[512];
    snprintf(path, sizeof path, "%s", bookings_file(600, 0));
    ck_assert_int_gt(failalloc_run(alloc_scenario, path), 10);
    ck_assert_int_gt(failalloc_run_sticky(alloc_scenario, path), 10);
    mkt__par_chunk_bytes = 0;
}
END_TEST

START_TEST(test_errors)
{
    mkt_ctx *ctx = new_ctx();
    mkt_rfm *r = (mkt_rfm *)1;
    mkt_lifecycle *lc = (mkt_lifecycle *)1;
    mkt_rfm_options o;
    mkt_rfm_options_init(&o);
    o.as_of = dt("2025-06-30");
    /* Several currencies without rates: named, as from a table. */
    ck_assert_int_eq(mkt_rfm_compute_file(&r, ctx, bookings_file(500, 1), &o, NULL), MKT_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(strstr(last_message(ctx), "EUR"));
    /* A bad record: the load's message. */
    const char *bad = test_write_file("bad.csv", "booking_id,customer_id,booking_date,total_amount\n"
                                            "B1,C1,2025-01-01,1.00\nB2,C2,2025-02-30,1.00\n");
    ck_assert_int_eq(mkt_rfm_compute_file(&r, ctx, bad, &o, NULL), MKT_EPARSE);
    ck_assert_ptr_nonnull(strstr(last_message(ctx), "bad.csv:3:3: booking_date: invalid date"));
    ck_assert_int_eq(mkt_lifecycle_compute_file(&lc, ctx, bad, o.as_of, NULL), MKT_EPARSE);
    ck_assert_ptr_null(lc);
    ck_assert_int_eq(mkt_rfm_compute_file(&r, ctx, test_file_path("absent.csv"), &o, NULL), MKT_EIO);
    ck_assert_int_eq(mkt_lifecycle_compute_file(&lc, ctx, test_file_path("absent.csv"), o.as_of, NULL),
                     MKT_EIO);
    /* Arguments. */
    ck_assert_int_eq(mkt_rfm_compute_file(NULL, ctx, bad, &o, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_compute_file(&r, NULL, bad, &o, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_compute_file(&r, ctx, NULL, &o, NULL), MKT_EINVAL);
    o.buckets = 0;
    ck_assert_int_eq(mkt_rfm_compute_file(&r, ctx, bad, &o, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_lifecycle_compute_file(NULL, ctx, bad, o.as_of, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_lifecycle_compute_file(&lc, NULL, bad, o.as_of, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_lifecycle_compute_file(&lc, ctx, NULL, o.as_of, NULL), MKT_EINVAL);
    mkt_load_options l;
    mkt_load_options_init(&l);
    l.threads = -1;
    o.buckets = 5;
    ck_assert_int_eq(mkt_rfm_compute_file(&r, ctx, bad, &o, &l), MKT_EINVAL);
    mkt_ctx_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rfm_file");
    TCase *tc = tcase_create("file");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_rfm_same_as_table, 0, IDS_COUNT);
    tcase_add_loop_test(tc, test_lifecycle_same_as_table, 0, IDS_COUNT);
    tcase_add_loop_test(tc, test_threads_same_as_one, 0, IDS_COUNT);
    tcase_add_test(tc, test_threads_failalloc);
    tcase_add_test(tc, test_apply_by_id);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

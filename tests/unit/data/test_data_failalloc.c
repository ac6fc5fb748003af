/* SPDX-License-Identifier: MIT */
/*
 * Allocation-failure injection over the data layer: every allocation of the loaders (CSV
 * reader, gzip, interning, columns, staging, commit) and of the host API fails in turn; each
 * run must return MKT_OK or MKT_ENOMEM, leak nothing, and a load that failed must leave the
 * table exactly as it was. The same again with the threads load option (tiny chunks, so the
 * plain bookings and events files are parsed by worker threads).
 */
#include "data/load-private.h"
#include "failalloc.h"
#include "table-dump.h"

struct scenario {
    const char *events; /* plain or gzip */
    int threads;
};

/* Load @what into @t; on failure check that the table did not change. */
static int checked(mkt_table *t, int rc_of(mkt_table *, const char *, const mkt_load_options *),
                   const char *path, failalloc *fa, int threads)
{
    mkt_load_options o;
    mkt_load_options_init(&o);
    o.threads = threads;
    failalloc_pause(fa);
    char *before = dump_table(t);
    failalloc_resume(fa);
    int rc = rc_of(t, path, &o);
    if (rc) {
        failalloc_pause(fa);
        char *after = dump_table(t);
        ck_assert_str_eq(before, after);
        free(after);
        failalloc_resume(fa);
    }
    free(before);
    return rc;
}

static int table_scenario(failalloc *fa, void *arg)
{
    const struct scenario *sc = arg;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_table *t;
    rc = mkt_table_new(&t, ctx);
    if (rc == MKT_OK) {
        int n = sc->threads;
        if (!(rc = checked(t, mkt_table_load_bookings, fixture("bookings.csv"), fa, n)) &&
            !(rc = checked(t, mkt_table_load_customers, fixture("customers.csv"), fa, n)) &&
            !(rc = checked(t, mkt_table_load_events, sc->events, fa, n))) {
            mkt_booking b;
            memset(&b, 0, sizeof b);
            b.struct_size = sizeof b;
            b.booking_id = "H1";
            b.customer_id = "C2";
            b.booking_time = 1;
            b.departure_date = MKT_NULL_DATE;
            b.ancillary_amount = MKT_NULL_INT64;
            b.currency = "GBP";
            uint32_t col;
            if (!(rc = mkt_table_add_booking(t, &b)) &&
                !(rc = mkt_table_add_column(t, "extra", MKT_TYPE_STRING, &col)) &&
                !(rc = mkt_table_set_string(t, col, 0, "value", 5)))
                rc = mkt_table_add_customer(t, "C99", 3, NULL);
        }
        mkt_table_free(t);
    }
    mkt_ctx_free(ctx);
    return rc;
}

static int paths_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_paths *p;
    rc = mkt_paths_new(&p, ctx);
    if (rc == MKT_OK) {
        if (!(rc = mkt_paths_load_paths(p, fixture("paths.csv"), NULL)) &&
            !(rc = mkt_paths_load_touchpoints(p, fixture("touchpoints.csv"), NULL))) {
            const char *ch[] = {"EMAIL", "NEW"};
            rc = mkt_paths_add(p, ch, 2, 1, 2, 3);
        }
        if (rc == MKT_ENOMEM) { /* whatever failed, what is there is consistent */
            for (uint64_t i = 0; i < mkt_paths_count(p); i++) {
                mkt_path path;
                ck_assert_int_eq(mkt_paths_get(p, i, &path), MKT_OK);
                for (uint32_t k = 0; k < path.length; k++)
                    ck_assert_ptr_nonnull(mkt_paths_channel_name(p, path.channels[k]));
            }
        }
        mkt_paths_free(p);
    }
    mkt_ctx_free(ctx);
    return rc;
}

static const char *events_gz(void)
{
    FILE *f = fopen(fixture("events.csv"), "rb");
    ck_assert_ptr_nonnull(f);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return write_gzip("events.csv.gz", buf);
}

START_TEST(test_table_failalloc)
{
    struct scenario sc = {events_gz(), 1};
    ck_assert_int_gt(failalloc_run(table_scenario, &sc), 50);
    ck_assert_int_gt(failalloc_run_sticky(table_scenario, &sc), 50);
}
END_TEST

START_TEST(test_table_failalloc_threads)
{
    static char events[512]; /* fixture() reuses its buffers */
    snprintf(events, sizeof events, "%s", fixture("events.csv"));
    struct scenario sc = {events, 2};
    mkt__par_chunk_bytes = 64; /* the fixtures are cut into several chunks */
    ck_assert_int_gt(failalloc_run(table_scenario, &sc), 50);
    ck_assert_int_gt(failalloc_run_sticky(table_scenario, &sc), 50);
    mkt__par_chunk_bytes = 0;
}
END_TEST

/* Folding bookings with parsing threads: any allocation may fail (the chunks, the columns). The table is then as it was, except as documented: out of memory while
 * computing the columns leaves the bookings folded, and retrying mkt_table_set_as_of() at the
 * fold's date then works. */
static int fold_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_table *t;
    rc = mkt_table_new(&t, ctx);
    if (rc == MKT_OK && !(rc = checked(t, mkt_table_load_customers, fixture("customers.csv"), fa,
                                       1))) {
        mkt_load_options o;
        mkt_load_options_init(&o);
        o.threads = 2;
        failalloc_pause(fa);
        char *before = dump_table(t);
        failalloc_resume(fa);
        rc = mkt_table_fold_bookings(t, fixture("bookings.csv"), 19889, NULL, 0, &o);
        failalloc_pause(fa);
        char *after = dump_table(t);
        int same = strcmp(before, after) == 0;
        ck_assert_msg(rc == MKT_OK || same || (rc == MKT_ENOMEM &&
                                               mkt_table_set_as_of(t, 19889) == MKT_OK),
                      "fold failed (%d) and changed the table", rc);
        failalloc_resume(fa);
        free(before);
        free(after);
    }
    mkt_table_free(t);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(test_fold_failalloc_threads)
{
    mkt__par_chunk_bytes = 64; /* the bookings are cut into several chunks */
    ck_assert_int_gt(failalloc_run(fold_scenario, NULL), 10);
    ck_assert_int_gt(failalloc_run_sticky(fold_scenario, NULL), 10);
    mkt__par_chunk_bytes = 0;
}
END_TEST

START_TEST(test_paths_failalloc)
{
    ck_assert_int_gt(failalloc_run(paths_scenario, NULL), 10);
    ck_assert_int_gt(failalloc_run_sticky(paths_scenario, NULL), 10);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("data-failalloc");
    TCase *tc = tcase_create("failalloc");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_table_failalloc);
    tcase_add_test(tc, test_table_failalloc_threads);
    tcase_add_test(tc, test_fold_failalloc_threads);
    tcase_add_test(tc, test_paths_failalloc);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

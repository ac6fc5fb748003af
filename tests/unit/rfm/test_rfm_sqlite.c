/* SPDX-License-Identifier: MIT */
/*
 * Cross-check against an independent NTILE: SQLite's own window function, through the sqlite3
 * command-line tool (Debian package sqlite3). Two checks on generated, tie-heavy data:
 * 1. mkt_rfm_score_facts() against `NTILE(k) OVER (ORDER BY key, id)` for several n and k;
 * 2. mkt_rfm_compute() from bookings against the seed's SQL over the same bookings (window,
 *    CONFIRMED only, recency, COUNT(DISTINCT booking_id), SUM(total_amount)), and the
 *    monetary percentile against PERCENT_RANK().
 * SQLite's default BINARY collation compares ids with memcmp, the C collation the library
 * uses. Without /usr/bin/sqlite3 the test skips (exit 77).
 */
#include <unistd.h>

#include "rfm-test.h"

#define SQLITE "/usr/bin/sqlite3"

static char dir[] = "/tmp/mkt-rfm-sqlite-XXXXXX";
static char csv_path[512], sql_path[512];

static uint64_t rng = 88172645463325252ULL;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Ids of varied length and case, some sharing long prefixes, none numeric-looking. */
static void make_id(char *buf, size_t size, int i)
{
    static const char *const stems[] = {"C", "c", "CUSTOMER0000", "cust-", "Z", "customer_0"};
    snprintf(buf, size, "%s%d%s", stems[next_rand() % 6], i, (next_rand() % 3) ? "" : "x");
}

/* Run sqlite3 on sql_path; the output lines go to @out (one per row). */
static FILE *run_sqlite(void)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, SQLITE " -batch -bail :memory: < %s", sql_path);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    return p;
}

static void write_sql(const char *text)
{
    FILE *f = fopen(sql_path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void check_facts(size_t n, int32_t k)
{
    mkt_ctx *ctx = new_ctx();
    mkt_rfm_facts *f = calloc(n ? n : 1, sizeof *f);
    mkt_rfm_score *s = calloc(n ? n : 1, sizeof *s);
    char (*ids)[40] = calloc(n ? n : 1, sizeof *ids);
    FILE *csv = fopen(csv_path, "w");
    ck_assert_ptr_nonnull(csv);
    for (size_t i = 0; i < n; i++) {
        make_id(ids[i], sizeof ids[i], (int)i);
        /* few distinct values: many ties, so the id order matters */
        f[i] = (mkt_rfm_facts){ids[i], strlen(ids[i]), (int32_t)(next_rand() % 20),
                               (int64_t)(next_rand() % 6) + 1,
                               (int64_t)(next_rand() % 15) * 2500 - 5000};
        fprintf(csv, "%s,%d,%lld,%lld\n", ids[i], (int)f[i].recency, (long long)f[i].frequency,
                (long long)f[i].monetary);
    }
    fclose(csv);
    mkt_rfm_options o;
    mkt_rfm_options_init(&o);
    o.buckets = k;
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, n, &o, s), MKT_OK);
    char sql[2048];
    snprintf(sql, sizeof sql,
             "CREATE TABLE f(id TEXT, rec INTEGER, freq INTEGER, mon INTEGER);\n"
             ".mode csv\n.import %s f\n"
             "SELECT id, NTILE(%d) OVER (ORDER BY rec DESC, id), NTILE(%d) OVER (ORDER BY freq, "
             "id), NTILE(%d) OVER (ORDER BY mon, id) FROM f ORDER BY id;\n",
             csv_path, k, k, k);
    write_sql(sql);
    FILE *p = run_sqlite();
    char line[256];
    size_t rows = 0;
    while (fgets(line, sizeof line, p)) {
        char id[64];
        int r, fs, m;
        ck_assert_int_eq(sscanf(line, "%63[^,],%d,%d,%d", id, &r, &fs, &m), 4);
        size_t i = 0;
        while (i < n && strcmp(ids[i], id) != 0)
            i++;
        ck_assert_msg(i < n, "sqlite returned unknown id %s", id);
        ck_assert_msg(s[i].r == r && s[i].f == fs && s[i].m == m,
                      "n=%zu k=%d %s: ours %d%d%d, sqlite %d%d%d", n, k, id, s[i].r, s[i].f,
                      s[i].m, r, fs, m);
        rows++;
    }
    ck_assert_int_eq(pclose(p), 0);
    ck_assert_uint_eq(rows, n);
    free(f);
    free(s);
    free(ids);
    mkt_ctx_free(ctx);
}

START_TEST(test_facts_vs_sqlite)
{
    static const size_t ns[] = {1, 4, 5, 6, 13, 37, 500};
    static const int32_t ks[] = {5, 3, 7};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        for (size_t j = 0; j < sizeof ks / sizeof ks[0]; j++)
            check_facts(ns[i], ks[j]);
}
END_TEST

START_TEST(test_bookings_vs_sqlite)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = NULL;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    FILE *csv = fopen(csv_path, "w");
    ck_assert_ptr_nonnull(csv);
    char ids[300][40];
    for (int c = 0; c < 300; c++)
        make_id(ids[c], sizeof ids[c], c);
    mkt_date from = dt("2023-01-01"); /* bookings over 2023-01-01 .. 2024-07-14 */
    for (int b = 0; b < 3000; b++) {
        char bid[32], day[MKT_DATE_BUFSZ];
        snprintf(bid, sizeof bid, "B%05d", b);
        mkt_date d = from + (mkt_date)(next_rand() % 561);
        mkt_date_format(d, day, sizeof day);
        int c = (int)(next_rand() % 300);
        int64_t amount = (int64_t)(next_rand() % 40) * 1000;
        int cancelled = next_rand() % 10 == 0;
        struct bk one = {bid, ids[c], day, amount, NULL, cancelled};
        add_bookings(t, &one, 1);
        fprintf(csv, "%s,%s,%s,%lld,%s\n", bid, ids[c], day, (long long)amount,
                cancelled ? "CANCELLED" : "CONFIRMED");
    }
    fclose(csv);
    mkt_rfm_options o;
    mkt_rfm_options_init(&o);
    o.as_of = dt("2024-06-15");
    mkt_rfm *r = NULL;
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, t, &o), MKT_OK);
    /* The seed's SQL with CURRENT_DATE = 2024-06-15, in SQLite's dialect. */
    char sql[2048];
    snprintf(sql, sizeof sql,
             "CREATE TABLE bookings(booking_id TEXT, customer_id TEXT, booking_date TEXT, "
             "total_amount INTEGER, status TEXT);\n"
             ".mode csv\n.import %s bookings\n"
             "WITH rfm_base AS (SELECT customer_id, CAST(julianday('2024-06-15') - "
             "julianday(MAX(booking_date)) AS INTEGER) AS recency, COUNT(DISTINCT booking_id) "
             "AS frequency, SUM(total_amount) AS monetary FROM bookings WHERE status = "
             "'CONFIRMED' AND booking_date > date('2024-06-15', '-12 months') AND booking_date "
             "<= '2024-06-15' GROUP BY customer_id)\n"
             "SELECT customer_id, recency, frequency, monetary, NTILE(5) OVER (ORDER BY recency "
             "DESC, customer_id), NTILE(5) OVER (ORDER BY frequency, customer_id), NTILE(5) "
             "OVER (ORDER BY monetary, customer_id), PERCENT_RANK() OVER (ORDER BY monetary) * 100 "
             "FROM rfm_base ORDER BY customer_id;\n",
             csv_path);
    write_sql(sql);
    FILE *p = run_sqlite();
    char line[256];
    uint64_t i = 0;
    while (fgets(line, sizeof line, p)) {
        char id[64];
        int rec, rs, fs, ms;
        long long freq, mon;
        double pct;
        ck_assert_int_eq(sscanf(line, "%63[^,],%d,%lld,%lld,%d,%d,%d,%lf", id, &rec, &freq,
                                &mon, &rs, &fs, &ms, &pct), 8);
        mkt_rfm_row row = {sizeof row, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        ck_assert_int_eq(mkt_rfm_get(r, i, &row), MKT_OK); /* same order: by id bytes */
        ck_assert_str_eq(row.customer_id, id);
        ck_assert_int_eq(row.recency, rec);
        ck_assert_int_eq(row.frequency, freq);
        ck_assert_int_eq(row.monetary, mon);
        ck_assert_msg(row.r == rs && row.f == fs && row.m == ms, "%s: ours %d%d%d sqlite %d%d%d",
                      id, row.r, row.f, row.m, rs, fs, ms);
        ck_assert_double_eq_tol(row.monetary_percentile, pct, 1e-9);
        i++;
    }
    ck_assert_int_eq(pclose(p), 0);
    ck_assert_uint_eq(i, mkt_rfm_count(r));
    ck_assert_uint_gt(i, 100);
    mkt_rfm_free(r);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

int main(void)
{
    if (access(SQLITE, X_OK) != 0) {
        puts("SKIP: " SQLITE " not installed (apt-get install sqlite3)");
        return 77;
    }
    if (!mkdtemp(dir))
        return EXIT_FAILURE;
    snprintf(csv_path, sizeof csv_path, "%s/data.csv", dir);
    snprintf(sql_path, sizeof sql_path, "%s/query.sql", dir);
    Suite *s = suite_create("rfm_sqlite");
    TCase *tc = tcase_create("rfm_sqlite");
    tcase_set_timeout(tc, 100);
    tcase_add_test(tc, test_facts_vs_sqlite);
    tcase_add_test(tc, test_bookings_vs_sqlite);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK); /* the tests share the files */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    unlink(csv_path);
    unlink(sql_path);
    rmdir(dir);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the fast load paths: booking and event ids checked for duplicates in one batch
 * after the rows are read (the error must still be the one a row-by-row check stops at, with
 * the duplicate's own line, also after quoted newlines and blank lines), the categorical
 * string cache (ids stay right across rollbacks), the unquoted-record fast path of the CSV
 * parser against the general one (CRLF, UTF-8, long fields, tiny blocks), and large files
 * that go through the presizing of the stores.
 */
#include "table-dump.h"

static mkt_table *new_table(mkt_ctx *ctx)
{
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    return t;
}

static const char *BK = "booking_id,customer_id,booking_date,total_amount,currency,status\n";

/* Load @text as bookings and check the result code and the exact message (F = the path). */
static void expect_bookings(mkt_table *t, mkt_ctx *ctx, const char *text, int code,
                            const char *message)
{
    const char *path = write_text("b.csv", text);
    int rc = mkt_table_load_bookings(t, path, NULL);
    ck_assert_msg(rc == code, "rc %d (%s)", rc, last_msg(ctx));
    if (!message)
        return;
    char want[512];
    snprintf(want, sizeof want, "%s%s", path, message + 1);
    ck_assert_str_eq(last_msg(ctx), want);
}

START_TEST(test_duplicate_before_later_error)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    char text[1024];
    /* The duplicate on line 4 wins over the bad date on line 5 after it. */
    snprintf(text, sizeof text,
             "%sA1,C1,2024-01-01,1.00,USD,\nA2,C1,2024-01-01,1.00,USD,\n"
             "A1,C2,2024-01-01,1.00,USD,\nA3,C1,2024-13-01,1.00,USD,\n", BK);
    char *before = dump_table(t);
    expect_bookings(t, ctx, text, MKT_EEXIST, "F:4:1: booking_id: duplicate booking_id 'A1'");
    char *after = dump_table(t);
    ck_assert_str_eq(before, after);
    /* ... and over an unknown customer on a later line. */
    ck_assert_int_eq(mkt_table_add_customer(t, "C1", 2, NULL), MKT_OK);
    snprintf(text, sizeof text,
             "%sA1,C1,2024-01-01,1.00,USD,\nA1,C1,2024-01-01,1.00,USD,\n"
             "A3,C9,2024-01-01,1.00,USD,\n", BK);
    mkt_load_options o;
    mkt_load_options_init(&o);
    o.unknown_customer = MKT_UNKNOWN_CUSTOMER_ERROR;
    const char *path = write_text("b.csv", text);
    ck_assert_int_eq(mkt_table_load_bookings(t, path, &o), MKT_EEXIST);
    ck_assert_uint_eq(mkt_ctx_last_error(ctx)->line, 3);
    /* A row both duplicate and of an unknown customer: the id is named, as before. */
    snprintf(text, sizeof text, "%sA1,C1,2024-01-01,1.00,USD,\nA1,C9,2024-01-01,1.00,USD,\n", BK);
    path = write_text("b.csv", text);
    ck_assert_int_eq(mkt_table_load_bookings(t, path, &o), MKT_EEXIST);
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->field, "booking_id");
    /* Without a duplicate the later error is reported. */
    snprintf(text, sizeof text, "%sA1,C1,2024-01-01,1.00,USD,\nA3,C9,2024-01-01,1.00,USD,\n", BK);
    path = write_text("b.csv", text);
    ck_assert_int_eq(mkt_table_load_bookings(t, path, &o), MKT_ENOTFOUND);
    ck_assert_uint_eq(mkt_ctx_last_error(ctx)->line, 3);
    free(before);
    free(after);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_duplicate_line_after_multiline_records)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    char text[1024];
    /* A quoted newline (line 3-4) and a blank line (6) shift every later line. */
    snprintf(text, sizeof text,
             "event_id,customer_id,ts,type,properties\n"
             "E1,C1,2024-06-01T00:00:00Z,SEARCH,\n"
             "E2,C1,2024-06-01T00:00:00Z,SEARCH,\"a=1\nb=2\"\n"
             "E3,C1,2024-06-01T00:00:00Z,SEARCH,\n"
             "\n"
             "E4,C1,2024-06-01T00:00:00Z,SEARCH,\n"
             "E2,C1,2024-06-01T00:00:00Z,SEARCH,\n");
    const char *path = write_text("e.csv", text);
    ck_assert_int_eq(mkt_table_load_events(t, path, NULL), MKT_EEXIST);
    char want[512];
    snprintf(want, sizeof want, "%s:8:1: event_id: duplicate event_id 'E2'", path);
    ck_assert_str_eq(last_msg(ctx), want);
    ck_assert_uint_eq(mkt_table_event_count(t), 0);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_duplicate_across_loads_and_host)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    char text[1024];
    snprintf(text, sizeof text, "%sA1,C1,2024-01-01,1.00,USD,\nA2,C1,2024-01-02,2.00,EUR,\n", BK);
    expect_bookings(t, ctx, text, MKT_OK, NULL);
    snprintf(text, sizeof text, "%sA3,C1,2024-01-01,1.00,USD,\nA2,C1,2024-01-01,1.00,USD,\n", BK);
    expect_bookings(t, ctx, text, MKT_EEXIST, "F:3:1: booking_id: duplicate booking_id 'A2'");
    ck_assert_uint_eq(mkt_table_booking_count(t), 2);
    /* The rolled-back id A3 is free again, from the host API too. */
    mkt_booking b;
    memset(&b, 0, sizeof b);
    b.struct_size = sizeof b;
    b.booking_id = "A3";
    b.customer_id = "C1";
    b.booking_time = 0;
    b.departure_date = MKT_NULL_DATE;
    b.ancillary_amount = MKT_NULL_INT64;
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_OK);
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_EEXIST);
    b.booking_id = "A1";
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_EEXIST);
    mkt_booking got;
    ck_assert_int_eq(mkt_table_get_booking(t, 2, &got), MKT_OK);
    ck_assert_str_eq(got.booking_id, "A3");
    ck_assert_int_eq(mkt_table_get_booking(t, 1, &got), MKT_OK);
    ck_assert_str_eq(got.booking_id, "A2");
    ck_assert_str_eq(got.currency, "EUR");
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* After a rollback the dictionaries lose their newest strings; the cache must not hand out
 * their old ids for other text. */
START_TEST(test_string_cache_after_rollback)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    const char *h = "booking_id,customer_id,booking_date,total_amount,origin,cabin_class\n";
    char text[1024];
    snprintf(text, sizeof text, "%sA1,C1,2024-01-01,1.00,JFK,ECONOMY\nA2,C1,2024-01-01,x,LAX,\n", h);
    ck_assert_int_eq(mkt_table_load_bookings(t, write_text("b.csv", text), NULL), MKT_EPARSE);
    snprintf(text, sizeof text,
             "%sA1,C1,2024-01-01,1.00,CDG,FIRST\nA2,C1,2024-01-01,1.00,JFK,A_LONGER_CABIN_NAME\n",
             h);
    ck_assert_int_eq(mkt_table_load_bookings(t, write_text("b.csv", text), NULL), MKT_OK);
    mkt_booking b;
    ck_assert_int_eq(mkt_table_get_booking(t, 0, &b), MKT_OK);
    ck_assert_str_eq(b.origin, "CDG");
    ck_assert_str_eq(b.cabin_class, "FIRST");
    ck_assert_int_eq(mkt_table_get_booking(t, 1, &b), MKT_OK);
    ck_assert_str_eq(b.origin, "JFK");
    ck_assert_str_eq(b.cabin_class, "A_LONGER_CABIN_NAME");
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* Strings of every length 1..20 (cached or not) come back exactly, including ones that share
 * their first and last bytes. */
START_TEST(test_string_cache_lengths)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    const char *h = "booking_id,customer_id,booking_date,total_amount,route\n";
    size_t cap = 64 * 1024, len = 0;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    len += (size_t)snprintf(text, cap, "%s", h);
    char want[2][40][24];
    for (int v = 0; v < 2; v++) {
        for (int n = 1; n <= 20; n++) {
            char *s = want[v][n];
            for (int k = 0; k < n; k++)
                s[k] = (char)('a' + (k == n / 2 || k == 5 || k == 9 ? v : 0) + k % 3);
            s[n] = '\0';
            len += (size_t)snprintf(text + len, cap - len, "B%d_%d,C1,2024-01-01,1.00,%s\n", v, n,
                                    s);
        }
    }
    ck_assert_int_eq(mkt_table_load_bookings(t, write_text("b.csv", text), NULL), MKT_OK);
    for (int v = 0; v < 2; v++) {
        for (int n = 1; n <= 20; n++) {
            mkt_booking b;
            ck_assert_int_eq(mkt_table_get_booking(t, (uint64_t)(v * 20 + n - 1), &b), MKT_OK);
            ck_assert_str_eq(b.route, want[v][n]);
        }
    }
    free(text);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* A big file (presized stores, many blocks, both parser paths) loads to the same table as the
 * same rows with CRLF ends, quoting and UTF-8 that force the general parser. */
static char *make_bookings(size_t n, int variant, size_t *len)
{
    size_t cap = n * 96 + 256;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    size_t k = (size_t)snprintf(text, cap, "%s", BK);
    const char *eol = variant ? "\r\n" : "\n";
    for (size_t i = 0; i < n; i++) {
        const char *cur = i % 3 == 0 ? "EUR" : "USD";
        if (variant && i % 7 == 0)
            k += (size_t)snprintf(text + k, cap - k, "\"B%zu\",C%zu,2024-01-%02zu,%zu.%02zu,%s,%s",
                                  i, i % 997, 1 + i % 28, i % 5000, i % 100, cur, eol);
        else
            k += (size_t)snprintf(text + k, cap - k, "B%zu,C%zu,2024-01-%02zu,%zu.%02zu,%s,%s", i,
                                  i % 997, 1 + i % 28, i % 5000, i % 100, cur, eol);
    }
    *len = k;
    return text;
}

START_TEST(test_big_file_both_paths)
{
    size_t n = 200000, len;
    char *dumps[2];
    for (int v = 0; v < 2; v++) {
        mkt_ctx *ctx = new_ctx();
        mkt_table *t = new_table(ctx);
        char *text = make_bookings(n, v, &len);
        const char *path = write_bytes("big.csv", text, len);
        ck_assert_msg(mkt_table_load_bookings(t, path, NULL) == MKT_OK, "%s", last_msg(ctx));
        ck_assert_uint_eq(mkt_table_booking_count(t), n);
        ck_assert_uint_eq(mkt_table_customer_count(t), 997);
        mkt_booking b;
        ck_assert_int_eq(mkt_table_get_booking(t, 123457, &b), MKT_OK);
        ck_assert_str_eq(b.booking_id, "B123457");
        dumps[v] = dump_table(t);
        free(text);
        mkt_table_free(t);
        mkt_ctx_free(ctx);
    }
    ck_assert_str_eq(dumps[0], dumps[1]);
    free(dumps[0]);
    free(dumps[1]);
}
END_TEST

START_TEST(test_big_file_late_duplicate)
{
    size_t n = 100000, len;
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    char *text = make_bookings(n, 0, &len);
    char *more = realloc(text, len + 64);
    ck_assert_ptr_nonnull(more);
    len += (size_t)snprintf(more + len, 64, "B77,C1,2024-01-01,1.00,USD,\n");
    const char *path = write_bytes("big.csv", more, len);
    ck_assert_int_eq(mkt_table_load_bookings(t, path, NULL), MKT_EEXIST);
    char want[512];
    snprintf(want, sizeof want, "%s:%zu:1: booking_id: duplicate booking_id 'B77'", path, n + 2);
    ck_assert_str_eq(last_msg(ctx), want);
    ck_assert_uint_eq(mkt_table_booking_count(t), 0);
    ck_assert_uint_eq(mkt_table_customer_count(t), 0);
    free(more);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* Fields and records the fast path hands back to the general parser still load right. */
START_TEST(test_fast_path_fallbacks)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    const char *text = "event_id,customer_id,ts,type,properties\r\n"
                       "E1,C1,2024-06-01T00:00:00Z,SEARCH,k=caf\xC3\xA9;city=Z\xC3\xBCrich\r\n"
                       "E2,C1,2024-06-01T00:00:00Z,SEARCH,\"q=\"\"x\"\"\"\r\n"
                       "E3,C1,2024-06-01T00:00:00Z,SEARCH,a_field_longer_than_sixteen_bytes\n"
                       "E4,C1,2024-06-01T00:00:00Z,SEARCH,last";
    ck_assert_msg(mkt_table_load_events(t, write_text("e.csv", text), NULL) == MKT_OK, "%s",
                  last_msg(ctx));
    mkt_event e;
    ck_assert_int_eq(mkt_table_get_event(t, 0, &e), MKT_OK);
    ck_assert_str_eq(e.properties, "k=caf\xC3\xA9;city=Z\xC3\xBCrich");
    ck_assert_int_eq(mkt_table_get_event(t, 1, &e), MKT_OK);
    ck_assert_str_eq(e.properties, "q=\"x\"");
    ck_assert_int_eq(mkt_table_get_event(t, 2, &e), MKT_OK);
    ck_assert_str_eq(e.properties, "a_field_longer_than_sixteen_bytes");
    ck_assert_int_eq(mkt_table_get_event(t, 3, &e), MKT_OK);
    ck_assert_str_eq(e.properties, "last");
    /* Invalid UTF-8 and a lone CR in an unquoted field are still errors with their column. */
    const char *bad = "event_id,customer_id,ts,type,properties\n"
                      "E9,C1,2024-06-01T00:00:00Z,SEARCH,k=\xC3(\n";
    ck_assert_int_eq(mkt_table_load_events(t, write_text("e.csv", bad), NULL), MKT_EPARSE);
    ck_assert_uint_eq(mkt_ctx_last_error(ctx)->column, 5);
    bad = "event_id,customer_id,ts,type,properties\nE9,C1,2024-06-01T00:00:00Z,SE\rARCH,\n";
    ck_assert_int_eq(mkt_table_load_events(t, write_text("e.csv", bad), NULL), MKT_EPARSE);
    ck_assert_uint_eq(mkt_ctx_last_error(ctx)->column, 4);
    ck_assert_uint_eq(mkt_table_event_count(t), 4);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("load_fast");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_duplicate_before_later_error);
    tcase_add_test(tc, test_duplicate_line_after_multiline_records);
    tcase_add_test(tc, test_duplicate_across_loads_and_host);
    tcase_add_test(tc, test_string_cache_after_rollback);
    tcase_add_test(tc, test_string_cache_lengths);
    tcase_add_test(tc, test_big_file_both_paths);
    tcase_add_test(tc, test_big_file_late_duplicate);
    tcase_add_test(tc, test_fast_path_fallbacks);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

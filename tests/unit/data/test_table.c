/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the host-built table API: schema and columns, customers, typed get/set with
 * their errors (types, ranges, read-only columns), adding bookings and events with validation,
 * and the rule that a failed call leaves the table unchanged.
 */
#include "table-dump.h"

static mkt_booking booking(const char *id, const char *cust, const char *date, int64_t total,
                           const char *currency)
{
    mkt_booking b;
    memset(&b, 0, sizeof b);
    b.struct_size = sizeof b;
    b.booking_id = id;
    b.customer_id = cust;
    ck_assert_int_eq(mkt_time_parse(&b.booking_time, date, strlen(date)), MKT_OK);
    b.departure_date = MKT_NULL_DATE;
    b.total_amount = total;
    b.ancillary_amount = MKT_NULL_INT64;
    b.currency = currency;
    return b;
}

START_TEST(test_schema)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(NULL, ctx), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_new(&t, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    ck_assert_uint_eq(mkt_table_column_count(t), 34);
    static const char *names[] = {"customer_id", "email", "date_of_birth", "tier",
                                  "email_open_rate", "nps_score", "last_complaint_date",
                                  "booking.count", "booking.currency", "event.last_time"};
    static const int types[] = {MKT_TYPE_STRING, MKT_TYPE_STRING, MKT_TYPE_DATE,
                                MKT_TYPE_STRING, MKT_TYPE_NUMBER, MKT_TYPE_INT, MKT_TYPE_DATE,
                                MKT_TYPE_INT, MKT_TYPE_STRING, MKT_TYPE_TIME};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        mkt_column_info info;
        ck_assert_int_eq(mkt_table_column_info(t, col_of(t, names[i]), &info), MKT_OK);
        ck_assert_str_eq(info.name, names[i]);
        ck_assert_int_eq(info.type, types[i]);
        ck_assert_int_eq(info.is_derived, strchr(names[i], '.') != NULL);
        ck_assert_int_eq(info.is_custom, 0);
    }
    uint32_t c;
    mkt_column_info info;
    ck_assert_int_eq(mkt_table_column_find(t, "nope", &c), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_column_find(t, NULL, &c), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_column_info(t, 34, &info), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_column_info(t, 0, NULL), MKT_EINVAL);
    ck_assert_uint_eq(mkt_table_customer_count(NULL), 0);
    ck_assert_uint_eq(mkt_table_column_count(NULL), 0);
    mkt_table_free(t);
    mkt_table_free(NULL);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_customers_and_values)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    uint64_t row, row2;
    ck_assert_int_eq(mkt_table_add_customer(t, "C1", 2, &row), MKT_OK);
    ck_assert_uint_eq(row, 0);
    ck_assert_int_eq(mkt_table_add_customer(t, "C1xx", 2, &row2), MKT_EEXIST);
    ck_assert_uint_eq(row2, 0);
    ck_assert_int_eq(mkt_table_add_customer(t, "C2", 2, NULL), MKT_OK);
    ck_assert_int_eq(mkt_table_add_customer(t, "", 0, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_add_customer(t, "\xFF", 1, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_add_customer(t, NULL, 1, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_find(t, "C2", 2, &row), MKT_OK);
    ck_assert_uint_eq(row, 1);
    ck_assert_int_eq(mkt_table_find(t, "C3", 2, &row), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_find(t, NULL, 2, &row), MKT_EINVAL);

    uint32_t email = col_of(t, "email"), nps = col_of(t, "nps_score");
    uint32_t rate = col_of(t, "email_open_rate"), loyal = col_of(t, "loyalty_member");
    uint32_t dob = col_of(t, "date_of_birth"), count = col_of(t, "booking.count");
    const char *s;
    size_t len;
    ck_assert_int_eq(mkt_table_get_string(t, email, 0, &s, &len), MKT_OK);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(mkt_table_set_string(t, email, 0, "a@b.c", 5), MKT_OK);
    ck_assert_int_eq(mkt_table_get_string(t, email, 0, &s, &len), MKT_OK);
    ck_assert_str_eq(s, "a@b.c");
    ck_assert_uint_eq(len, 5);
    ck_assert_int_eq(mkt_table_get_string(t, 0, 1, &s, NULL), MKT_OK);
    ck_assert_str_eq(s, "C2");
    ck_assert_int_eq(mkt_table_set_string(t, email, 0, "\xC3", 1), MKT_EPARSE);
    ck_assert_int_eq(mkt_table_set_string(t, email, 0, NULL, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_set_string(t, 0, 0, "X", 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_set_string(t, nps, 0, "X", 1), MKT_ETYPE);

    int64_t v;
    int32_t is_null;
    ck_assert_int_eq(mkt_table_set_int(t, nps, 1, 10), MKT_OK);
    ck_assert_int_eq(mkt_table_get_int(t, nps, 1, &v, &is_null), MKT_OK);
    ck_assert_int_eq(v, 10);
    ck_assert_int_eq(is_null, 0);
    ck_assert_int_eq(mkt_table_set_int(t, nps, 1, 11), MKT_ERANGE);
    ck_assert_msg_has(ctx, "nps_score");
    ck_assert_int_eq(mkt_table_set_int(t, loyal, 1, 2), MKT_ERANGE);
    ck_assert_int_eq(mkt_table_set_int(t, loyal, 1, 1), MKT_OK);
    ck_assert_int_eq(mkt_table_set_int(t, dob, 1, (int64_t)INT32_MAX + 1), MKT_ERANGE);
    ck_assert_int_eq(mkt_table_set_int(t, dob, 1, ymd(1980, 2, 29)), MKT_OK);
    ck_assert_int_eq(mkt_table_set_int(t, email, 1, 1), MKT_ETYPE);
    ck_assert_int_eq(mkt_table_set_int(t, rate, 1, 1), MKT_ETYPE);
    ck_assert_int_eq(mkt_table_set_int(t, count, 1, 1), MKT_EINVAL);
    ck_assert_msg_has(ctx, "read-only");
    ck_assert_int_eq(mkt_table_set_int(t, nps, 2, 1), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_set_int(t, 99, 0, 1), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_get_int(t, email, 0, &v, &is_null), MKT_ETYPE);
    ck_assert_int_eq(mkt_table_get_int(t, nps, 5, &v, &is_null), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_get_int(t, nps, 0, NULL, &is_null), MKT_EINVAL);

    double d;
    ck_assert_int_eq(mkt_table_set_number(t, rate, 0, 0.25), MKT_OK);
    ck_assert_int_eq(mkt_table_get_number(t, rate, 0, &d, &is_null), MKT_OK);
    ck_assert(d == 0.25);
    ck_assert_int_eq(mkt_table_set_number(t, rate, 0, 1.5), MKT_ERANGE);
    ck_assert_int_eq(mkt_table_set_number(t, rate, 0, 0.0 / 0.0), MKT_ERANGE);
    ck_assert_int_eq(mkt_table_set_number(t, nps, 0, 1.0), MKT_ETYPE);
    ck_assert_int_eq(mkt_table_get_number(t, nps, 1, &d, &is_null), MKT_OK); /* INT converts */
    ck_assert(d == 10.0);
    ck_assert_int_eq(mkt_table_get_number(t, email, 1, &d, &is_null), MKT_ETYPE);

    ck_assert_int_eq(mkt_table_set_null(t, nps, 1), MKT_OK);
    ck_assert_int_eq(mkt_table_get_int(t, nps, 1, &v, &is_null), MKT_OK);
    ck_assert_int_eq(is_null, 1);
    ck_assert_int_eq(v, 0);
    ck_assert_int_eq(mkt_table_set_null(t, count, 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_set_null(t, 0, 1), MKT_EINVAL);

    /* Custom columns. */
    uint32_t score;
    ck_assert_int_eq(mkt_table_add_column(t, "score", MKT_TYPE_MONEY, &score), MKT_OK);
    ck_assert_uint_eq(score, 34);
    ck_assert_int_eq(mkt_table_add_column(t, "score", MKT_TYPE_INT, NULL), MKT_EEXIST);
    ck_assert_int_eq(mkt_table_add_column(t, "email", MKT_TYPE_INT, NULL), MKT_EEXIST);
    ck_assert_int_eq(mkt_table_add_column(t, "booking.mine", MKT_TYPE_INT, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_add_column(t, "event.mine", MKT_TYPE_INT, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_add_column(t, "", MKT_TYPE_INT, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_add_column(t, "x", 0, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_add_column(t, "x", 8, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_set_int(t, score, 1, -250), MKT_OK);
    mkt_column_info info;
    ck_assert_int_eq(mkt_table_column_info(t, score, &info), MKT_OK);
    ck_assert_int_eq(info.is_custom, 1);
    ck_assert_uint_eq(info.null_count, 1);
    /* Rows added later start null in every column, custom ones included. */
    ck_assert_int_eq(mkt_table_add_customer(t, "C3", 2, &row), MKT_OK);
    ck_assert_int_eq(mkt_table_get_int(t, score, row, &v, &is_null), MKT_OK);
    ck_assert_int_eq(is_null, 1);
    ck_assert_int_eq(mkt_table_get_int(t, count, row, &v, &is_null), MKT_OK);
    ck_assert_int_eq(is_null, 0);
    ck_assert_int_eq(v, 0);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_many_rows_grow)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    uint32_t tag;
    ck_assert_int_eq(mkt_table_add_column(t, "tag", MKT_TYPE_INT, &tag), MKT_OK);
    char id[32];
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(id, sizeof id, "K%d", i);
        uint64_t row;
        ck_assert_int_eq(mkt_table_add_customer(t, id, (size_t)n, &row), MKT_OK);
        if (i % 3 == 0)
            ck_assert_int_eq(mkt_table_set_int(t, tag, row, i), MKT_OK);
    }
    mkt_column_info info;
    ck_assert_int_eq(mkt_table_column_info(t, tag, &info), MKT_OK);
    ck_assert_uint_eq(info.null_count, 5000 - 1667);
    int64_t v;
    int32_t is_null;
    ck_assert_int_eq(mkt_table_get_int(t, tag, 4998, &v, &is_null), MKT_OK);
    ck_assert_int_eq(v, 4998);
    ck_assert_str_eq(mkt_table_customer_id(t, 4999), "K4999");
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_add_booking)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    mkt_booking b = booking("B1", "C1", "2024-03-01T12:00:00Z", 1000, NULL);
    b.passengers = 2;
    b.ancillary_amount = 150;
    b.route = "JFK-LAX";
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_OK); /* creates C1 (AUTO) */
    b = booking("B2", "C1", "2024-04-01", 500, "USD");
    b.status = MKT_BOOKING_CANCELLED;
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_OK);
    ck_assert_uint_eq(mkt_table_customer_count(t), 1);
    ck_assert_int_eq(ival(t, "C1", "booking.count"), 1);
    ck_assert_int_eq(ival(t, "C1", "booking.total_spend"), 1000);
    ck_assert_int_eq(ival(t, "C1", "booking.ancillary_spend"), 150);
    ck_assert_int_eq(ival(t, "C1", "booking.passengers"), 2);
    ck_assert_int_eq(ival(t, "C1", "booking.cancelled_count"), 1);
    ck_assert_str_eq(sval(t, "C1", "booking.currency"), "USD");
    mkt_booking r;
    ck_assert_int_eq(mkt_table_get_booking(t, 0, &r), MKT_OK);
    ck_assert_str_eq(r.booking_id, "B1");
    ck_assert_str_eq(r.route, "JFK-LAX");
    ck_assert_str_eq(r.currency, "USD");
    ck_assert_int_eq(r.status, MKT_BOOKING_CONFIRMED);
    ck_assert_ptr_null(r.origin);

    char *before = dump_table(t);
    b = booking("B1", "C1", "2024-04-01", 5, NULL);
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_EEXIST);
    ck_assert_msg_has(ctx, "duplicate booking_id 'B1'");
    b = booking("B3", "C1", "2024-04-01", -5, NULL);
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_ERANGE);
    b = booking("B3", "C1", "2024-04-01", 5, NULL);
    b.ancillary_amount = -1;
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_ERANGE);
    b = booking("B3", "C1", "2024-04-01", 5, NULL);
    b.passengers = -1;
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_ERANGE);
    b = booking("B3", "C1", "2024-04-01", 5, "us");
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_EINVAL);
    b = booking("", "C1", "2024-04-01", 5, NULL);
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_EINVAL);
    b = booking("B3", NULL, "2024-04-01", 5, NULL);
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_EINVAL);
    b = booking("B3", "C1", "2024-04-01", 5, NULL);
    b.booking_time = MKT_NULL_INT64;
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_EINVAL);
    b = booking("B3", "C1", "2024-04-01", 5, NULL);
    b.status = 3;
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_EINVAL);
    b = booking("B3", "C1", "2024-04-01", 5, NULL);
    b.struct_size = 8;
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_EINVAL);
    b = booking("B3", "C1", "2024-04-01", INT64_MAX, NULL);
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_ERANGE);
    ck_assert_msg_has(ctx, "overflow");
    ck_assert_int_eq(mkt_table_add_booking(t, NULL), MKT_EINVAL);
    char *after = dump_table(t);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);

    /* A second currency makes the customer's spend null. */
    b = booking("B4", "C1", "2024-05-01", 700, "EUR");
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_OK);
    ck_assert_int_eq(ival(t, "C1", "booking.total_spend"), INT64_MIN);
    ck_assert_ptr_null(sval(t, "C1", "booking.currency"));
    b = booking("B5", "C1", "2024-05-02", 700, "USD");
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_OK);
    ck_assert_int_eq(ival(t, "C1", "booking.total_spend"), INT64_MIN); /* stays mixed */
    ck_assert_int_eq(ival(t, "C1", "booking.count"), 3);
    ck_assert_uint_eq(mkt_table_booking_count(t), 4);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_add_event_and_stub_rules)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    mkt_event e;
    memset(&e, 0, sizeof e);
    e.struct_size = sizeof e;
    e.event_id = "E1";
    e.customer_id = "C1";
    e.ts = 1700000000;
    e.type = "SEARCH";
    e.value = MKT_NULL_INT64;
    ck_assert_int_eq(mkt_table_add_event(t, &e), MKT_OK);
    e.event_id = "E2";
    e.ts = 1600000000;
    e.campaign = "SUMMER";
    e.value = 1234;
    ck_assert_int_eq(mkt_table_add_event(t, &e), MKT_OK);
    ck_assert_int_eq(ival(t, "C1", "event.count"), 2);
    ck_assert_int_eq(ival(t, "C1", "event.last_time"), 1700000000);
    mkt_event r;
    ck_assert_int_eq(mkt_table_get_event(t, 1, &r), MKT_OK);
    ck_assert_str_eq(r.campaign, "SUMMER");
    ck_assert_int_eq(r.value, 1234);
    ck_assert_int_eq(mkt_table_get_event(t, 2, &r), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_add_event(t, &e), MKT_EEXIST);
    e.event_id = "E3";
    e.type = NULL;
    ck_assert_int_eq(mkt_table_add_event(t, &e), MKT_EINVAL);
    e.type = "X";
    e.value = -5;
    ck_assert_int_eq(mkt_table_add_event(t, &e), MKT_ERANGE);
    e.value = MKT_NULL_INT64;
    e.ts = MKT_NULL_INT64;
    ck_assert_int_eq(mkt_table_add_event(t, &e), MKT_EINVAL);
    ck_assert_uint_eq(mkt_table_event_count(t), 2);
    mkt_table_stats s;
    ck_assert_int_eq(mkt_table_stats_get(t, &s), MKT_OK);
    ck_assert_int_eq(s.first_event_time, 1600000000);
    ck_assert_int_eq(s.last_event_time, 1700000000);
    ck_assert_int_eq(s.first_booking_date, MKT_NULL_DATE);
    ck_assert_int_eq(mkt_table_stats_get(t, NULL), MKT_EINVAL);

    /* C1 is an id-only stub; once the host sets a value it is a real customer and a
     * customers file naming it is a duplicate. */
    ck_assert_int_eq(mkt_table_set_string(t, col_of(t, "tier"), 0, "GOLD", 4), MKT_OK);
    const char *p = write_text("c.csv", "customer_id,tier\nC1,SILVER\n");
    ck_assert_int_eq(mkt_table_load_customers(t, p, NULL), MKT_EEXIST);
    /* After a customers load, AUTO rejects unknown customers in host calls too. */
    p = write_text("c.csv", "customer_id,tier\nC2,SILVER\n");
    ck_assert_int_eq(mkt_table_load_customers(t, p, NULL), MKT_OK);
    e.event_id = "E4";
    e.ts = 1;
    e.customer_id = "C9";
    ck_assert_int_eq(mkt_table_add_event(t, &e), MKT_ENOTFOUND);
    ck_assert_msg_has(ctx, "unknown customer_id 'C9'");
    ck_assert_uint_eq(mkt_table_customer_count(t), 2);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_id_index_long_ids_and_rollback)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    char id[64];
    for (int i = 0; i < 3000; i++) {
        int n = snprintf(id, sizeof id, i % 2 ? "K%d" : "customer-%08d-long-identifier", i);
        ck_assert_int_eq(mkt_table_add_customer(t, id, (size_t)n, NULL), MKT_OK);
    }
    /* A load adding 2000 more (the index grows) that fails on its last line. */
    size_t cap = 200000, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text, cap, "customer_id,email\n");
    for (int i = 3000; i < 5000; i++)
        len += (size_t)snprintf(text + len, cap - len, i % 2 ? "K%d,x\n" : "customer-%08d-long-identifier,x\n", i);
    snprintf(text + len, cap - len, "K1,duplicate\n");
    ck_assert_int_eq(mkt_table_load_customers(t, write_text("ids.csv", text), NULL), MKT_EEXIST);
    free(text);
    ck_assert_uint_eq(mkt_table_customer_count(t), 3000);
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(id, sizeof id, i % 2 ? "K%d" : "customer-%08d-long-identifier", i);
        uint64_t row;
        int rc = mkt_table_find(t, id, (size_t)n, &row);
        if (i < 3000) {
            ck_assert_int_eq(rc, MKT_OK);
            ck_assert_uint_eq(row, (uint64_t)i);
        } else {
            ck_assert_int_eq(rc, MKT_ENOTFOUND);
        }
    }
    /* Prefixes and extensions of stored ids are not found. */
    uint64_t row;
    ck_assert_int_eq(mkt_table_find(t, "K", 1, &row), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_find(t, "K11", 2, &row), MKT_OK);
    ck_assert_int_eq(mkt_table_find(t, "customer-00000000-long-identifierX", 34, &row),
                     MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_add_customer(t, "K3001", 5, &row), MKT_OK);
    ck_assert_uint_eq(row, 3000);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("table");
    TCase *tc = tcase_create("table");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_schema);
    tcase_add_test(tc, test_customers_and_values);
    tcase_add_test(tc, test_many_rows_grow);
    tcase_add_test(tc, test_add_booking);
    tcase_add_test(tc, test_add_event_and_stub_rules);
    tcase_add_test(tc, test_id_index_long_ids_and_rollback);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

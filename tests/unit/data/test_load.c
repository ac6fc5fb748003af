/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the CSV loaders: the hand-computed fixture set (aggregates, statistics,
 * currencies), plain and gzip input, every error class with its exact file:line:column: field
 * message, all-or-nothing loads (the table is byte-for-byte unchanged after a failure on the
 * last line), unknown-customer policies and id-only stubs filled by a later customers load.
 */
#include "table-dump.h"

static mkt_table *new_table(mkt_ctx *ctx)
{
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    return t;
}

static void load_fixtures(mkt_table *t, mkt_ctx *ctx)
{
    ck_assert_msg(mkt_table_load_customers(t, fixture("customers.csv"), NULL) == MKT_OK, "%s",
                  last_msg(ctx));
    ck_assert_msg(mkt_table_load_bookings(t, fixture("bookings.csv"), NULL) == MKT_OK, "%s",
                  last_msg(ctx));
    ck_assert_msg(mkt_table_load_events(t, fixture("events.csv"), NULL) == MKT_OK, "%s",
                  last_msg(ctx));
}

START_TEST(test_fixture_profiles)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    load_fixtures(t, ctx);
    ck_assert_uint_eq(mkt_table_customer_count(t), 4);
    ck_assert_str_eq(sval(t, "C2", "first_name"), "Bob \"B\"");
    ck_assert_str_eq(sval(t, "C1", "last_name"), "O'Brien");
    ck_assert_str_eq(sval(t, "C3", "first_name"), "Zo\xC3\xAB");
    ck_assert_ptr_null(sval(t, "C3", "email"));
    ck_assert_ptr_null(sval(t, "C1", "phone")); /* column absent from the file */
    ck_assert_int_eq(ival(t, "C2", "signup_date"), ymd(2024, 2, 29));
    ck_assert_int_eq(ival(t, "C3", "signup_date"), INT64_MIN);
    ck_assert_int_eq(ival(t, "C1", "loyalty_member"), 1);
    ck_assert_int_eq(ival(t, "C4", "loyalty_member"), 0);
    ck_assert_int_eq(ival(t, "C1", "nps_score"), 9);
    ck_assert_int_eq(ival(t, "C2", "nps_score"), INT64_MIN);
    double rate;
    int32_t is_null;
    ck_assert_int_eq(mkt_table_get_number(t, col_of(t, "email_open_rate"), row_of(t, "C2"),
                                          &rate, &is_null), MKT_OK);
    ck_assert_int_eq(is_null, 0);
    ck_assert(rate == 0.125);
    /* The custom column is kept as a string column. */
    uint32_t seat = col_of(t, "favourite_seat");
    mkt_column_info info;
    ck_assert_int_eq(mkt_table_column_info(t, seat, &info), MKT_OK);
    ck_assert_int_eq(info.type, MKT_TYPE_STRING);
    ck_assert_int_eq(info.is_custom, 1);
    ck_assert_int_eq(info.is_derived, 0);
    ck_assert_uint_eq(info.null_count, 2);
    ck_assert_str_eq(sval(t, "C3", "favourite_seat"), "aisle");
    ck_assert_int_eq(mkt_table_column_info(t, col_of(t, "booking.count"), &info), MKT_OK);
    ck_assert_int_eq(info.is_derived, 1);
    ck_assert_str_eq(mkt_table_customer_id(t, 2), "C3");
    ck_assert_ptr_null(mkt_table_customer_id(t, 4));
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_fixture_aggregates)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    load_fixtures(t, ctx);
    /* C1: B1 + B2 confirmed, B3 cancelled (counts nowhere else). */
    ck_assert_int_eq(ival(t, "C1", "booking.count"), 2);
    ck_assert_int_eq(ival(t, "C1", "booking.total_spend"), 30050);
    ck_assert_int_eq(ival(t, "C1", "booking.ancillary_spend"), 1000);
    ck_assert_str_eq(sval(t, "C1", "booking.currency"), "USD");
    ck_assert_int_eq(ival(t, "C1", "booking.first_date_all"), ymd(2024, 1, 10));
    ck_assert_int_eq(ival(t, "C1", "booking.last_date_all"), ymd(2024, 3, 5));
    ck_assert_int_eq(ival(t, "C1", "booking.cancelled_count"), 1);
    ck_assert_int_eq(ival(t, "C1", "booking.passengers"), 3);
    /* C2: one booking at 23:30 -02:00, i.e. 2024-01-01 UTC; no passenger count = 1. */
    ck_assert_int_eq(ival(t, "C2", "booking.count"), 1);
    ck_assert_int_eq(ival(t, "C2", "booking.total_spend"), 5000);
    ck_assert_int_eq(ival(t, "C2", "booking.ancillary_spend"), 150);
    ck_assert_int_eq(ival(t, "C2", "booking.first_date_all"), ymd(2024, 1, 1));
    ck_assert_int_eq(ival(t, "C2", "booking.passengers"), 1);
    /* C3: EUR and USD bookings: spend and currency are null, never mixed. */
    ck_assert_int_eq(ival(t, "C3", "booking.count"), 2);
    ck_assert_int_eq(ival(t, "C3", "booking.total_spend"), INT64_MIN);
    ck_assert_int_eq(ival(t, "C3", "booking.ancillary_spend"), INT64_MIN);
    ck_assert_ptr_null(sval(t, "C3", "booking.currency"));
    ck_assert_int_eq(ival(t, "C3", "booking.first_date_all"), ymd(2024, 5, 1));
    ck_assert_int_eq(ival(t, "C3", "booking.last_date_all"), ymd(2024, 5, 2));
    ck_assert_int_eq(ival(t, "C3", "booking.passengers"), 4);
    /* C4: only a cancelled booking. */
    ck_assert_int_eq(ival(t, "C4", "booking.count"), 0);
    ck_assert_int_eq(ival(t, "C4", "booking.total_spend"), 0);
    ck_assert_ptr_null(sval(t, "C4", "booking.currency"));
    ck_assert_int_eq(ival(t, "C4", "booking.first_date_all"), INT64_MIN);
    ck_assert_int_eq(ival(t, "C4", "booking.cancelled_count"), 1);
    ck_assert_int_eq(ival(t, "C4", "booking.passengers"), 0);
    /* Events. */
    mkt_time t2;
    ck_assert_int_eq(mkt_time_parse(&t2, "2024-06-02T10:00:00Z", 20), MKT_OK);
    ck_assert_int_eq(ival(t, "C1", "event.count"), 3);
    ck_assert_int_eq(ival(t, "C1", "event.last_time"), t2);
    ck_assert_int_eq(ival(t, "C2", "event.count"), 1);
    ck_assert_int_eq(ival(t, "C3", "event.count"), 0);
    ck_assert_int_eq(ival(t, "C3", "event.last_time"), INT64_MIN);

    mkt_table_stats s;
    ck_assert_int_eq(mkt_table_stats_get(t, &s), MKT_OK);
    ck_assert_uint_eq(s.struct_size, sizeof s);
    ck_assert_uint_eq(s.customers, 4);
    ck_assert_uint_eq(s.customers_with_bookings, 3);
    ck_assert_uint_eq(s.bookings, 7);
    ck_assert_uint_eq(s.bookings_cancelled, 2);
    ck_assert_uint_eq(s.events, 4);
    ck_assert_int_eq(s.first_booking_date, ymd(2024, 1, 1));
    ck_assert_int_eq(s.last_booking_date, ymd(2024, 5, 2));
    ck_assert_int_eq(s.last_event_time, t2);
    ck_assert_uint_eq(s.currencies, 2);
    const char *code;
    uint64_t n;
    int64_t amount;
    ck_assert_int_eq(mkt_table_currency(t, 0, &code, &n, &amount), MKT_OK);
    ck_assert_str_eq(code, "USD");
    ck_assert_uint_eq(n, 6);
    ck_assert_int_eq(amount, 10050 + 20000 + 5000 + 2000);
    ck_assert_int_eq(mkt_table_currency(t, 1, &code, &n, &amount), MKT_OK);
    ck_assert_str_eq(code, "EUR");
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(amount, 30000);
    ck_assert_int_eq(mkt_table_currency(t, 2, NULL, NULL, NULL), MKT_ENOTFOUND);

    mkt_booking b;
    ck_assert_int_eq(mkt_table_get_booking(t, 3, &b), MKT_OK);
    ck_assert_str_eq(b.booking_id, "B4");
    ck_assert_str_eq(b.customer_id, "C2");
    ck_assert_uint_eq(b.customer_row, 1);
    ck_assert_ptr_null(b.route);
    ck_assert_int_eq(b.passengers, 0);
    ck_assert_int_eq(b.departure_date, MKT_NULL_DATE);
    ck_assert_int_eq(mkt_table_get_booking(t, 6, &b), MKT_OK);
    ck_assert_str_eq(b.currency, "USD"); /* empty currency = the default */
    ck_assert_int_eq(b.status, MKT_BOOKING_CANCELLED);
    ck_assert_int_eq(mkt_table_get_booking(t, 7, &b), MKT_ENOTFOUND);
    mkt_event e;
    ck_assert_int_eq(mkt_table_get_event(t, 2, &e), MKT_OK);
    ck_assert_str_eq(e.properties, "route=LAX-JFK;pax=2");
    ck_assert_ptr_null(e.campaign);
    ck_assert_int_eq(e.value, MKT_NULL_INT64);
    ck_assert_int_eq(mkt_table_get_event(t, 1, &e), MKT_OK);
    ck_assert_int_eq(e.value, 12000);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* Copy a fixture into the scratch directory, gzip-compressed. */
static const char *gz_fixture(const char *name, const char *out)
{
    FILE *f = fopen(fixture(name), "rb");
    ck_assert_ptr_nonnull(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return write_gzip(out, buf);
}

START_TEST(test_gzip_same_as_plain)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *a = new_table(ctx), *b = new_table(ctx);
    load_fixtures(a, ctx);
    ck_assert_int_eq(mkt_table_load_customers(b, gz_fixture("customers.csv", "c.csv.gz"), NULL),
                     MKT_OK);
    ck_assert_int_eq(mkt_table_load_bookings(b, gz_fixture("bookings.csv", "b.csv.gz"), NULL),
                     MKT_OK);
    ck_assert_int_eq(mkt_table_load_events(b, gz_fixture("events.csv", "e.csv"), NULL), MKT_OK);
    char *da = dump_table(a), *db = dump_table(b);
    ck_assert_str_eq(da, db);
    free(da);
    free(db);
    mkt_table_free(a);
    mkt_table_free(b);
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- errors: each failing on the last line of an otherwise valid file ------------------ */

static const char *BK_HEAD = "booking_id,customer_id,booking_date,total_amount,currency,status\n"
                             "X1,C1,2024-01-01,10.00,USD,CONFIRMED\n"
                             "X2,C2,2024-01-02,20.00,USD,\n";

struct load_err {
    int kind; /* 0 customers, 1 bookings, 2 events */
    const char *text;
    int code;
    const char *message; /* exact, with "F" standing for the file's path */
};

static const struct load_err load_errs[] = {
    /* bookings */
    {1, "X9,C1,\"2024-01-03\"x,1.00,USD,\n", MKT_EPARSE,
     "F:4:3: booking_date: unexpected character after the closing quote"},
    {1, "X9,C1,2024-01-03\n", MKT_EPARSE, "F:4:4: total_amount: expected 6 fields, found 3"},
    {1, "X9,C1,2024-01-03,1,USD,,extra\n", MKT_EPARSE, "F:4:7: expected 6 fields, found 7"},
    {1, "X9,C1,2024-13-01,1.00,USD,\n", MKT_EPARSE, "F:4:3: booking_date: invalid date '2024-13-01'"},
    {1, "X9,C1,2024-01-03,-5.00,USD,\n", MKT_ERANGE, "F:4:4: total_amount: negative amount '-5.00'"},
    {1, "X9,C1,2024-01-03,1.005,USD,\n", MKT_EPARSE,
     "F:4:4: total_amount: invalid amount (at most 2 decimals) '1.005'"},
    {1, "X9,C1,2024-01-03,,USD,\n", MKT_EPARSE, "F:4:4: total_amount: missing value"},
    {1, "X1,C1,2024-01-03,1.00,USD,\n", MKT_EEXIST, "F:4:1: booking_id: duplicate booking_id 'X1'"},
    {1, "X9,C\xC3(,2024-01-03,1.00,USD,\n", MKT_EPARSE, "F:4:2: customer_id: invalid UTF-8"},
    {1, "X9,C1,2024-01-03,1.00,usd,\n", MKT_EPARSE,
     "F:4:5: currency: invalid currency 'usd' (an ISO 4217 code such as USD)"},
    {1, "X9,C1,2024-01-03,1.00,USD,PENDING\n", MKT_EPARSE,
     "F:4:6: status: invalid status 'PENDING' (expected CONFIRMED or CANCELLED)"},
    {1, "X9,,2024-01-03,1.00,USD,\n", MKT_EPARSE, "F:4:2: customer_id: missing value"},
    {1, "X9,C1,2024-01-03,1.00,USD,\"CONFIRMED\n", MKT_EPARSE,
     "F:4:6: status: unterminated quoted field"},
    /* customers */
    {0, "C9,x@y,2,0.5,3,2024-01-01\n", MKT_EPARSE,
     "F:4:3: loyalty_member: invalid boolean (expected 0 or 1) '2'"},
    {0, "C9,x@y,1,1.5,3,2024-01-01\n", MKT_ERANGE, "F:4:4: email_open_rate: number out of range '1.5'"},
    {0, "C9,x@y,1,0.5,11,2024-01-01\n", MKT_ERANGE, "F:4:5: nps_score: integer out of range '11'"},
    {0, "C9,x@y,1,0.5,ten,2024-01-01\n", MKT_EPARSE, "F:4:5: nps_score: invalid integer 'ten'"},
    {0, "C9,x@y,1,abc,1,2024-01-01\n", MKT_EPARSE, "F:4:4: email_open_rate: invalid number 'abc'"},
    {0, "C9,x@y,1,0.5,1,2024-02-30\n", MKT_EPARSE, "F:4:6: signup_date: invalid date '2024-02-30'"},
    {0, "C1,x@y,1,0.5,1,2024-01-01\n", MKT_EEXIST, "F:4:1: customer_id: duplicate customer_id 'C1'"},
    {0, ",x@y,1,0.5,1,2024-01-01\n", MKT_EPARSE, "F:4:1: customer_id: missing value"},
    /* events */
    {2, "Y9,C1,2024-06-01 25:00:00,SEARCH,,\n", MKT_EPARSE,
     "F:4:3: ts: invalid timestamp '2024-06-01 25:00:00'"},
    {2, "Y1,C1,2024-06-01T00:00:00Z,SEARCH,,\n", MKT_EEXIST, "F:4:1: event_id: duplicate event_id 'Y1'"},
    {2, "Y9,C1,2024-06-01T00:00:00Z,,,\n", MKT_EPARSE, "F:4:4: type: missing value"},
    {2, "Y9,C1,2024-06-01T00:00:00Z,CONVERTED,,-1\n", MKT_ERANGE, "F:4:6: value: negative amount '-1'"},
};

static const char *CU_HEAD = "customer_id,email,loyalty_member,email_open_rate,nps_score,signup_date\n"
                             "C1,a@b,1,0.5,3,2024-01-01\n"
                             "C2,,0,,,\n";
static const char *EV_HEAD = "event_id,customer_id,ts,type,campaign,value\n"
                             "Y1,C1,2024-06-01T00:00:00Z,SEARCH,,\n"
                             "Y2,C2,2024-06-02T00:00:00Z,CONVERTED,SUMMER,10.00\n";

static int run_load(mkt_table *t, int kind, const char *path, const mkt_load_options *o)
{
    if (kind == 0)
        return mkt_table_load_customers(t, path, o);
    if (kind == 1)
        return mkt_table_load_bookings(t, path, o);
    return mkt_table_load_events(t, path, o);
}

START_TEST(test_load_errors)
{
    const struct load_err *c = &load_errs[_i];
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    load_fixtures(t, ctx);
    /* A first good load of the same kind, so ids X1/Y1 can clash. */
    const char *head = c->kind == 0 ? CU_HEAD : c->kind == 1 ? BK_HEAD : EV_HEAD;
    if (c->kind != 0) {
        const char *good = write_text("good.csv", head);
        ck_assert_msg(run_load(t, c->kind, good, NULL) == MKT_OK, "%s", last_msg(ctx));
    }
    char *before = dump_table(t);
    char text[1024];
    const char *body = head;
    if (c->kind == 0) /* customers C1/C2 exist already: use fresh ids except the dup case */
        body = "customer_id,email,loyalty_member,email_open_rate,nps_score,signup_date\n"
               "C7,a@b,1,0.5,3,2024-01-01\n"
               "C8,,0,,,\n";
    else if (c->kind == 1)
        body = "booking_id,customer_id,booking_date,total_amount,currency,status\n"
               "Z1,C1,2024-01-01,10.00,USD,CONFIRMED\n"
               "Z2,C2,2024-01-02,20.00,EUR,\n";
    else
        body = "event_id,customer_id,ts,type,campaign,value\n"
               "W1,C1,2024-06-01T00:00:00Z,SEARCH,,\n"
               "W2,C2,2024-06-02T00:00:00Z,CONVERTED,SUMMER,10.00\n";
    snprintf(text, sizeof text, "%s%s", body, c->text);
    const char *path = write_text("bad.csv", text);
    int rc = run_load(t, c->kind, path, NULL);
    ck_assert_msg(rc == c->code, "case %d: rc %d (%s)", _i, rc, last_msg(ctx));
    char want[512];
    snprintf(want, sizeof want, "%s%s", path, c->message + 1);
    ck_assert_str_eq(last_msg(ctx), want);
    const mkt_error *e = mkt_ctx_last_error(ctx);
    ck_assert_int_eq(e->code, c->code);
    ck_assert_uint_eq(e->line, 4);
    ck_assert_str_eq(e->source, path);
    /* All-or-nothing: nothing of the two good rows before the bad one is left. */
    char *after = dump_table(t);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_header_errors)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    char *before = dump_table(t);
    const char *p = write_text("h.csv", "booking_id,customer_id,booking_date,currency\nB1,C1,2024-01-01,USD\n");
    ck_assert_int_eq(mkt_table_load_bookings(t, p, NULL), MKT_EPARSE);
    ck_assert_msg_has(ctx, "h.csv:1: total_amount: missing required column 'total_amount'");
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->field, "total_amount");
    p = write_text("h.csv", "first_name,email\nAna,a@b\n");
    ck_assert_int_eq(mkt_table_load_customers(t, p, NULL), MKT_EPARSE);
    ck_assert_msg_has(ctx, "missing required column 'customer_id'");
    p = write_text("h.csv", "customer_id,email,email\nC1,a,b\n");
    ck_assert_int_eq(mkt_table_load_customers(t, p, NULL), MKT_EPARSE);
    ck_assert_msg_has(ctx, "h.csv:1:3: email: duplicate column in the header");
    p = write_text("h.csv", "customer_id,booking.count\nC1,3\n");
    ck_assert_int_eq(mkt_table_load_customers(t, p, NULL), MKT_EPARSE);
    ck_assert_msg_has(ctx, "booking.count: derived column cannot be loaded");
    p = write_text("h.csv", "customer_id,booking.extra\nC1,3\n");
    ck_assert_int_eq(mkt_table_load_customers(t, p, NULL), MKT_EPARSE);
    ck_assert_msg_has(ctx, "reserved");
    p = write_text("h.csv", "customer_id,,x\nC1,3,4\n");
    ck_assert_int_eq(mkt_table_load_customers(t, p, NULL), MKT_EPARSE);
    ck_assert_msg_has(ctx, "h.csv:1:2: empty column name");
    p = write_text("h.csv", "event_id,customer_id,ts,type,ts\n");
    ck_assert_int_eq(mkt_table_load_events(t, p, NULL), MKT_EPARSE);
    ck_assert_msg_has(ctx, "h.csv:1:5: ts: duplicate column in the header");
    p = write_text("empty.csv", "");
    ck_assert_int_eq(mkt_table_load_customers(t, p, NULL), MKT_EPARSE);
    ck_assert_msg_has(ctx, "empty file");
    ck_assert_int_eq(mkt_table_load_bookings(t, p, NULL), MKT_EPARSE);
    ck_assert_int_eq(mkt_table_load_events(t, p, NULL), MKT_EPARSE);
    ck_assert_int_eq(mkt_table_load_customers(t, "/nonexistent.csv", NULL), MKT_EIO);
    ck_assert_msg_has(ctx, "/nonexistent.csv: cannot open");
    char *after = dump_table(t);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_truncated_gzip_load)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    load_fixtures(t, ctx);
    char *before = dump_table(t);
    char text[65536];
    size_t n = (size_t)snprintf(text, sizeof text, "booking_id,customer_id,booking_date,total_amount\n");
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "T%d,C%d,2024-01-01,%d.50\n", i,
                              1 + i % 4, i);
    size_t zlen;
    unsigned char *gz = gzip_bytes(text, n, &zlen);
    const char *p = write_bytes("trunc.csv.gz", gz, zlen - 20);
    ck_assert_int_eq(mkt_table_load_bookings(t, p, NULL), MKT_EIO);
    ck_assert_msg_has(ctx, "trunc.csv.gz:");
    ck_assert_msg_has(ctx, ": truncated gzip stream");
    ck_assert_uint_gt(mkt_ctx_last_error(ctx)->line, 1);
    /* A bad CRC is only seen at the very end, after every row was staged. */
    gz[zlen - 8] ^= 0xFF;
    p = write_bytes("corrupt.csv.gz", gz, zlen);
    ck_assert_int_eq(mkt_table_load_bookings(t, p, NULL), MKT_EIO);
    ck_assert_msg_has(ctx, "corrupt.csv.gz:");
    ck_assert_msg_has(ctx, ": corrupt gzip stream");
    /* Damage inside the deflate data: decoded garbage may be reported as a CSV error first,
     * but the load fails either way. */
    gz[zlen - 8] ^= 0xFF;
    gz[zlen / 2] ^= 0xFF;
    p = write_bytes("corrupt2.csv.gz", gz, zlen);
    int rc = mkt_table_load_bookings(t, p, NULL);
    ck_assert(rc == MKT_EIO || rc == MKT_EPARSE);
    char *after = dump_table(t);
    ck_assert_str_eq(before, after);
    free(gz);
    free(before);
    free(after);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_unknown_customers)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    const char *bk = write_text("u.csv", "booking_id,customer_id,booking_date,total_amount\n"
                                         "B1,C1,2024-01-01,10\nB2,C9,2024-01-02,5\n");
    mkt_load_options o;
    ck_assert_int_eq(mkt_load_options_init(&o), MKT_OK);
    o.unknown_customer = MKT_UNKNOWN_CUSTOMER_ERROR;
    ck_assert_int_eq(mkt_table_load_bookings(t, bk, &o), MKT_ENOTFOUND);
    ck_assert_msg_has(ctx, "u.csv:2:2: customer_id: unknown customer_id 'C1'");
    ck_assert_uint_eq(mkt_table_customer_count(t), 0);
    /* AUTO without loaded customers creates id-only stubs. */
    ck_assert_int_eq(mkt_table_load_bookings(t, bk, NULL), MKT_OK);
    ck_assert_uint_eq(mkt_table_customer_count(t), 2);
    ck_assert_int_eq(ival(t, "C9", "booking.total_spend"), 500);
    ck_assert_ptr_null(sval(t, "C9", "email"));
    /* A customers load fills the stubs in and may add others. */
    const char *cu = write_text("c.csv", "customer_id,email\nC1,one@x\nC9,nine@x\nC2,two@x\n");
    ck_assert_msg(mkt_table_load_customers(t, cu, NULL) == MKT_OK, "%s", last_msg(ctx));
    ck_assert_uint_eq(mkt_table_customer_count(t), 3);
    ck_assert_str_eq(sval(t, "C9", "email"), "nine@x");
    ck_assert_int_eq(ival(t, "C9", "booking.total_spend"), 500); /* aggregates kept */
    /* Filled once: a second time is a duplicate. */
    const char *again = write_text("c2.csv", "customer_id,email\nC9,other@x\n");
    ck_assert_int_eq(mkt_table_load_customers(t, again, NULL), MKT_EEXIST);
    /* Now customers are loaded: AUTO rejects unknown ids, CREATE still makes stubs. */
    const char *bk2 = write_text("u2.csv", "booking_id,customer_id,booking_date,total_amount\n"
                                           "B3,C5,2024-01-01,10\n");
    ck_assert_int_eq(mkt_table_load_bookings(t, bk2, NULL), MKT_ENOTFOUND);
    o.unknown_customer = MKT_UNKNOWN_CUSTOMER_CREATE;
    ck_assert_int_eq(mkt_table_load_bookings(t, bk2, &o), MKT_OK);
    ck_assert_uint_eq(mkt_table_customer_count(t), 4);
    const char *ev = write_text("e.csv", "event_id,customer_id,ts,type\nE1,C6,2024-01-01,SEARCH\n");
    ck_assert_int_eq(mkt_table_load_events(t, ev, NULL), MKT_ENOTFOUND);
    ck_assert_msg_has(ctx, "e.csv:2:2: customer_id: unknown customer_id 'C6'");
    ck_assert_int_eq(mkt_table_load_events(t, ev, &o), MKT_OK);
    ck_assert_int_eq(ival(t, "C6", "event.count"), 1);
    o.unknown_customer = 7;
    ck_assert_int_eq(mkt_table_load_events(t, ev, &o), MKT_EINVAL);
    o.unknown_customer = MKT_UNKNOWN_CUSTOMER_AUTO;
    o.separator = '"';
    ck_assert_int_eq(mkt_table_load_events(t, ev, &o), MKT_EINVAL);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_failed_fill_rolls_back)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    const char *bk = write_text("u.csv", "booking_id,customer_id,booking_date,total_amount\n"
                                         "B1,C1,2024-01-01,10\nB2,C2,2024-01-02,5\n");
    ck_assert_int_eq(mkt_table_load_bookings(t, bk, NULL), MKT_OK);
    char *before = dump_table(t);
    /* Fills C1 and creates C3 and a custom column, then fails on the last line. */
    const char *cu = write_text("c.csv", "customer_id,email,club\nC1,one@x,gold\nC3,three@x,\n"
                                         "C2,two@x,x,extra\n");
    ck_assert_int_eq(mkt_table_load_customers(t, cu, NULL), MKT_EPARSE);
    char *after = dump_table(t);
    ck_assert_str_eq(before, after);
    uint32_t col;
    ck_assert_int_eq(mkt_table_column_find(t, "club", &col), MKT_ENOTFOUND);
    /* C1 is still an id-only stub: a correct file fills it. */
    cu = write_text("c.csv", "customer_id,email\nC1,one@x\nC2,two@x\n");
    ck_assert_int_eq(mkt_table_load_customers(t, cu, NULL), MKT_OK);
    ck_assert_str_eq(sval(t, "C1", "email"), "one@x");
    free(before);
    free(after);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

static int stop_now(uint64_t done, uint64_t total, uint64_t rows, void *data)
{
    (void)done;
    (void)total;
    (void)rows;
    (*(int *)data)++;
    return 1;
}

START_TEST(test_progress_abort)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    load_fixtures(t, ctx);
    char *before = dump_table(t);
    int calls = 0;
    mkt_load_options o;
    mkt_load_options_init(&o);
    o.progress = stop_now;
    o.progress_data = &calls;
    const char *p = write_text("p.csv", "booking_id,customer_id,booking_date,total_amount\nP1,C1,2024-01-01,1\n");
    ck_assert_int_eq(mkt_table_load_bookings(t, p, &o), MKT_EUSER);
    ck_assert_int_eq(calls, 1); /* the final report of a small file */
    char *after = dump_table(t);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_typed_custom_columns_and_separator)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx);
    uint32_t score, vip;
    ck_assert_int_eq(mkt_table_add_column(t, "score", MKT_TYPE_INT, &score), MKT_OK);
    ck_assert_int_eq(mkt_table_add_column(t, "vip", MKT_TYPE_BOOL, &vip), MKT_OK);
    mkt_load_options o;
    mkt_load_options_init(&o);
    o.separator = ';';
    const char *p = write_text("s.csv", "vip;customer_id;score;note\n1;C1;-42;a,b\n;C2;;\n");
    ck_assert_msg(mkt_table_load_customers(t, p, &o) == MKT_OK, "%s", last_msg(ctx));
    ck_assert_int_eq(ival(t, "C1", "score"), -42);
    ck_assert_int_eq(ival(t, "C1", "vip"), 1);
    ck_assert_int_eq(ival(t, "C2", "vip"), INT64_MIN);
    ck_assert_str_eq(sval(t, "C1", "note"), "a,b");
    p = write_text("s.csv", "customer_id;score\nC3;4.5\n");
    ck_assert_int_eq(mkt_table_load_customers(t, p, &o), MKT_EPARSE);
    ck_assert_msg_has(ctx, "s.csv:2:2: score: invalid integer '4.5'");
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("load");
    TCase *tc = tcase_create("load");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_fixture_profiles);
    tcase_add_test(tc, test_fixture_aggregates);
    tcase_add_test(tc, test_gzip_same_as_plain);
    tcase_add_loop_test(tc, test_load_errors, 0, (int)(sizeof load_errs / sizeof load_errs[0]));
    tcase_add_test(tc, test_header_errors);
    tcase_add_test(tc, test_truncated_gzip_load);
    tcase_add_test(tc, test_unknown_customers);
    tcase_add_test(tc, test_failed_fill_rolls_back);
    tcase_add_test(tc, test_progress_abort);
    tcase_add_test(tc, test_typed_custom_columns_and_separator);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

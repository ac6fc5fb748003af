/* SPDX-License-Identifier: MIT */
/*
 * mkt_table_fold_bookings(): every as-of field it computes equals what a load followed by
 * mkt_table_set_as_of() computes, on generated files that cover every categorical value, null
 * fields, cancelled rows, bookings after D, mixed currencies and ids out of order; only the
 * fields asked for get columns; the table-state rules (a table holds folded or loaded
 * bookings, one as-of date) and every error path; and the customer column projection of the
 * load options.
 */
#include "data/load-private.h"
#include "table-dump.h"

static const mkt_date D = 19889; /* 2024-06-15 */

/* A small deterministic generator (xorshift). */
static uint32_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (uint32_t)(*s >> 11);
}

static const char *pick(uint64_t *s, const char *const *v, size_t n)
{
    return v[rnd(s) % n];
}
#define PICK(s, ...) pick(s, (const char *const[]){__VA_ARGS__}, \
                          sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

struct text {
    char *s;
    size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    if (t->cap - t->len < 512) {
        t->cap = t->cap * 2 + 4096;
        t->s = realloc(t->s, t->cap);
        ck_assert_ptr_nonnull(t->s);
    }
    va_start(ap, fmt);
    t->len += (size_t)vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
}

#define CUSTOMERS 40

/* write_text() rotates 4 path buffers: keep each file's path in its own. */
static const char *keep(char *buf, const char *path)
{
    snprintf(buf, 512, "%s", path);
    return buf;
}

/* Customer ids of one shape (C00 ..) take the dense map in folds; with @odd one id of
 * another shape makes folds use the id index. */
static int odd_customer;

static const char *write_customers(void)
{
    struct text t = {0};
    put(&t, "customer_id,tier,date_of_birth,email,vip\n");
    for (int i = 0; i < CUSTOMERS; i++)
        put(&t, "C%02d,%s,%s,c%d@x.org,%s\n", i, i % 3 ? "GOLD" : "SILVER",
            i % 4 ? "1980-02-29" : "", i, i % 5 ? "" : "yes");
    if (odd_customer)
        put(&t, "VIP-1,GOLD,,,\n");
    static char path[512];
    keep(path, write_text("customers.csv", t.s));
    free(t.s);
    return path;
}

/* @n bookings of customers C00..C(CUSTOMERS-2) (the last one has none); ids ascend unless
 * @shuffle; customer C07 books in USD and EUR. */
static const char *write_bookings(int n, int shuffle)
{
    struct text t = {0};
    uint64_t s = 0x9e3779b97f4a7c15u;
    put(&t, "booking_id,customer_id,booking_date,departure_date,route,trip_type,cabin_class,"
            "channel,passengers,total_amount,ancillary_amount,currency,status\n");
    for (int i = 0; i < n; i++) {
        int cust = (int)(rnd(&s) % (CUSTOMERS - 1));
        int day = (int)(rnd(&s) % 1100); /* 2022-01-01 + day: some after D */
        mkt_date bd = 18993 + day, dep = bd + (int)(rnd(&s) % 200);
        char bdate[MKT_DATE_BUFSZ], ddate[MKT_DATE_BUFSZ];
        mkt_date_format(bd, bdate, sizeof bdate);
        mkt_date_format(dep, ddate, sizeof ddate);
        put(&t, "B%05d,C%02d,%s,%s,%s,%s,%s,%s,%s,%u.%02u,%s,%s,%s\n",
            shuffle ? (i * 7919) % n : i, cust, bdate, rnd(&s) % 5 ? ddate : "",
            PICK(&s, "JFK-LAX", "LAX-JFK", "", "CDG-NRT"),
            PICK(&s, "DOMESTIC", "INTERNATIONAL", "TRANSCONTINENTAL", ""),
            PICK(&s, "ECONOMY", "PREMIUM_ECONOMY", "BUSINESS", "FIRST", "", "ECONOMY"),
            PICK(&s, "WEB", "MOBILE", "AGENT", "", "KIOSK"), PICK(&s, "1", "2", "", "4"),
            rnd(&s) % 3000, rnd(&s) % 100, PICK(&s, "", "0.00", "12.50"),
            cust == 7 ? PICK(&s, "USD", "EUR") : PICK(&s, "USD", "", "USD"),
            PICK(&s, "CONFIRMED", "CANCELLED", "", "CONFIRMED"));
    }
    static char path[2][512];
    keep(path[shuffle], write_text(shuffle ? "bookings-shuffled.csv" : "bookings.csv", t.s));
    free(t.s);
    return path[shuffle];
}

static const char *write_events(void)
{
    static char path[512];
    return keep(path, write_text("events.csv",
                      "event_id,customer_id,ts,type\n"
                      "E1,C01,2024-06-14T10:00:00Z,CART_ABANDONED\n"
                      "E2,C01,2024-06-01T10:00:00Z,SEARCH\n"
                      "E3,C02,2024-04-01T10:00:00Z,EMAIL_OPENED\n"
                      "E4,C03,2024-06-16T10:00:00Z,SPAM_COMPLAINT\n"
                      "E5,C03,2024-06-10T10:00:00Z,SPAM_COMPLAINT\n"));
}

/* Every as-of field but booking.routes_12m (which folding cannot compute). */
static const char *const FIELDS[] = {
    "booking.count_12m", "booking.spend_12m", "booking.count_total", "booking.spend_total",
    "booking.first_date", "booking.last_date", "booking.days_since_last",
    "booking.premium_share_12m", "booking.preferred_cabin", "booking.preferred_channel",
    "booking.avg_advance_days_12m", "booking.group_share_12m",
    "booking.international_share_12m", "booking.transcontinental_share_12m",
    "booking.weekend_share_12m", "booking.summer_share_12m", "booking.winter_share_12m",
    "booking.ancillary_share_12m", "age", "event.cart_abandoned_7d",
    "event.cart_abandoned_30d", "event.searches_30d", "event.page_views_30d",
    "event.bookings_30d", "event.email_opens_90d", "event.email_clicks_90d",
    "event.unsubscribed", "event.email_bounced_hard", "event.last_complaint_date",
    "event.last_date",
};
#define NFIELDS (sizeof FIELDS / sizeof FIELDS[0])

/* The values of @names for every customer, as text. */
static char *dump_fields(const mkt_table *t, const char *const *names, size_t n)
{
    struct dump d = {0};
    for (uint64_t r = 0; r < mkt_table_customer_count(t); r++) {
        dump_add(&d, "%s:", mkt_table_customer_id(t, r));
        for (size_t i = 0; i < n; i++) {
            mkt_column_info info;
            uint32_t c = col_of(t, names[i]);
            ck_assert_int_eq(mkt_table_column_info(t, c, &info), MKT_OK);
            ck_assert_int_eq(dump_value(&d, t, c, info.type, r), MKT_OK);
        }
        dump_add(&d, "\n");
    }
    return d.s;
}

/* Equal dumps; otherwise fail naming the first line that differs (dumps are too long for
 * one message). */
static void same_lines(const char *got, const char *want)
{
    while (*got && *want) {
        size_t g = strcspn(got, "\n"), w = strcspn(want, "\n");
        ck_assert_msg(g == w && memcmp(got, want, g) == 0, "got  %.*s\nwant %.*s", (int)g, got,
                      (int)w, want);
        got += g + (got[g] != 0);
        want += w + (want[w] != 0);
    }
    ck_assert_msg(!*got && !*want, "the dumps differ in length");
}

static mkt_table *with_customers(mkt_ctx *ctx, int events)
{
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    ck_assert_int_eq(mkt_table_load_customers(t, write_customers(), NULL), MKT_OK);
    if (events)
        ck_assert_int_eq(mkt_table_load_events(t, write_events(), NULL), MKT_OK);
    return t;
}

/* The reference: the bookings loaded, then mkt_table_set_as_of(); @names of them. */
static char *loaded_fields(mkt_ctx *ctx, const char *bookings, const char *const *names,
                           size_t n)
{
    mkt_table *t = with_customers(ctx, 1);
    ck_assert_int_eq(mkt_table_load_bookings(t, bookings, NULL), MKT_OK);
    ck_assert_int_eq(mkt_table_set_as_of(t, D), MKT_OK);
    char *s = dump_fields(t, names, n);
    mkt_table_free(t);
    return s;
}

static char *loaded(mkt_ctx *ctx, const char *bookings)
{
    return loaded_fields(ctx, bookings, FIELDS, NFIELDS);
}

/* A table of the customers (and the events with @events) with @bookings folded as of D by
 * @threads threads in chunks of @chunk bytes (0: the default); the fold's status in *rc. */
static mkt_table *fold_table(mkt_ctx *ctx, const char *bookings, int events, int threads,
                             size_t chunk, int *rc)
{
    mkt_table *t = with_customers(ctx, events);
    mkt_load_options o;
    mkt_load_options_init(&o);
    o.threads = threads;
    mkt__par_chunk_bytes = chunk;
    *rc = mkt_table_fold_bookings(t, bookings, D, NULL, 0, &o);
    mkt__par_chunk_bytes = 0;
    return t;
}

static char *folded(mkt_ctx *ctx, const char *bookings, int threads, size_t chunk)
{
    int rc;
    mkt_table *t = fold_table(ctx, bookings, 1, threads, chunk, &rc);
    ck_assert_msg(rc == MKT_OK, "%s", mkt_ctx_last_error(ctx)->message);
    mkt_date at;
    ck_assert_int_eq(mkt_table_as_of(t, &at), MKT_OK);
    ck_assert_int_eq(at, D);
    ck_assert_uint_eq(mkt_table_booking_count(t), 0); /* folded, not kept */
    char *s = dump_fields(t, FIELDS, NFIELDS);
    mkt_table_free(t);
    return s;
}

START_TEST(test_same_values_as_load)
{
    mkt_ctx *ctx = new_ctx();
    odd_customer = _i;
    for (int shuffle = 0; shuffle <= 1; shuffle++) {
        const char *path = write_bookings(1500, shuffle);
        char *want = loaded(ctx, path);
        /* No bookings: counts and sums 0, the rest null; mixed USD and EUR: sums null. */
        ck_assert_ptr_nonnull(strstr(want, "C39: 0 0 0 0 null null null null (null) (null) "));
        ck_assert_ptr_nonnull(strstr(want, odd_customer ? "VIP-1: 0 0 0 0 " : "C39:"));
        ck_assert_ptr_nonnull(strstr(want, "C07: 13 null 23 null "));
        char *one = folded(ctx, path, 1, 0), *par = folded(ctx, path, 2, 512);
        same_lines(one, want);
        same_lines(par, want);
        free(want);
        free(one);
        free(par);
    }
    odd_customer = 0; /* (tests share the process under valgrind: CK_FORK=no) */
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_only_fields_asked_for)
{
    mkt_ctx *ctx = new_ctx();
    const char *path = write_bookings(300, 0);
    mkt_table *t = with_customers(ctx, 0);
    static const char *const some[] = {"booking.premium_share_12m", "customer.age",
                                       "event.searches_30d"};
    ck_assert_int_eq(mkt_table_fold_bookings(t, path, D, some, 3, NULL), MKT_OK);
    uint32_t c;
    ck_assert_int_eq(mkt_table_column_find(t, "booking.spend_12m", &c), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_column_find(t, "event.last_date", &c), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_column_find(t, "booking.routes_12m", &c), MKT_ENOTFOUND);
    static const char *const premium[] = {"booking.premium_share_12m", "age"};
    char *got = dump_fields(t, premium, 2), *want = loaded_fields(ctx, path, premium, 2);
    same_lines(got, want);
    /* No booking field at all: the bookings are still checked, nothing is kept for them. */
    mkt_table *ev = with_customers(ctx, 1);
    static const char *const events_only[] = {"event.searches_30d"};
    ck_assert_int_eq(mkt_table_fold_bookings(ev, path, D, events_only, 1, NULL), MKT_OK);
    ck_assert_int_eq(ival(ev, "C01", "event.searches_30d"), 1);
    ck_assert_int_eq(mkt_table_column_find(ev, "booking.count_12m", &c), MKT_ENOTFOUND);
    mkt_table_free(ev);
    /* Events loaded later count at the same date; another date needs another fold. */
    ck_assert_int_eq(mkt_table_load_events(t, write_events(), NULL), MKT_OK);
    ck_assert_int_eq(mkt_table_set_as_of(t, D), MKT_OK);
    ck_assert_int_eq(ival(t, "C01", "event.searches_30d"), 1);
    ck_assert_int_eq(mkt_table_set_as_of(t, D + 1), MKT_ESTATE);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message,
                                 "the bookings were folded as of 2024-06-15 and not kept"));
    free(got);
    free(want);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* Each booking field folded alone (so with only the accumulator parts it needs) has the
 * values a load gives. */
START_TEST(test_each_field_alone)
{
    mkt_ctx *ctx = new_ctx();
    const char *path = write_bookings(800, 0);
    for (size_t i = 0; strncmp(FIELDS[i], "booking.", 8) == 0; i++) {
        mkt_table *t = with_customers(ctx, 0);
        ck_assert_int_eq(mkt_table_fold_bookings(t, path, D, &FIELDS[i], 1, NULL), MKT_OK);
        char *got = dump_fields(t, &FIELDS[i], 1), *want = loaded_fields(ctx, path, &FIELDS[i], 1);
        same_lines(got, want);
        free(got);
        free(want);
        mkt_table_free(t);
    }
    mkt_ctx_free(ctx);
}
END_TEST

/* A failed call leaves the table as it was: same dump, no as-of fields. */
static void fails_unchanged(mkt_ctx *ctx, mkt_table *t, const char *path, const char *const *f,
                            size_t nf, const mkt_load_options *o, int want, const char *msg)
{
    char *before = dump_table(t);
    ck_assert_int_eq(mkt_table_fold_bookings(t, path, D, f, nf, o), want);
    ck_assert_msg(strstr(mkt_ctx_last_error(ctx)->message, msg) != NULL, "%s",
                  mkt_ctx_last_error(ctx)->message);
    char *after = dump_table(t);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
}

START_TEST(test_errors)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = with_customers(ctx, 0);
    const char *good = write_bookings(50, 0);
    static const char *const routes[] = {"booking.routes_12m"}, *const typo[] = {"booking.spnd"};
    fails_unchanged(ctx, t, good, routes, 1, NULL, MKT_EINVAL, "needs the bookings kept");
    fails_unchanged(ctx, t, good, typo, 1, NULL, MKT_EINVAL, "'booking.spnd' is not an as-of");
    fails_unchanged(ctx, t, NULL, NULL, 0, NULL, MKT_EINVAL, "NULL argument");
    mkt_load_options o;
    mkt_load_options_init(&o);
    o.unknown_customer = MKT_UNKNOWN_CUSTOMER_CREATE;
    fails_unchanged(ctx, t, good, NULL, 0, &o, MKT_EINVAL, "load customers first");
    o.unknown_customer = 99;
    fails_unchanged(ctx, t, good, NULL, 0, &o, MKT_EINVAL, "invalid unknown_customer");
    const char *stranger = write_text("stranger.csv",
                                      "booking_id,customer_id,booking_date,total_amount\n"
                                      "B1,C01,2024-01-01,1.00\nB2,C99,2024-01-01,1.00\n");
    fails_unchanged(ctx, t, stranger, NULL, 0, NULL, MKT_ENOTFOUND,
                    "stranger.csv:3:2: customer_id: unknown customer_id 'C99'");
    const char *dup = write_text("dup.csv", "booking_id,customer_id,booking_date,total_amount\n"
                                            "B1,C01,2024-01-01,1.00\nB1,C02,2024-01-01,1.00\n");
    fails_unchanged(ctx, t, dup, NULL, 0, NULL, MKT_EEXIST, "dup.csv:3:1: booking_id: duplicate");
    ck_assert_int_eq(mkt_table_fold_bookings(t, good, INT32_MAX, NULL, 0, NULL), MKT_ERANGE);
    ck_assert_int_eq(mkt_table_fold_bookings(NULL, good, D, NULL, 0, NULL), MKT_EINVAL);
    /* One fold per table, and no loaded bookings beside folded ones. */
    ck_assert_int_eq(mkt_table_fold_bookings(t, good, D, NULL, 0, NULL), MKT_OK);
    fails_unchanged(ctx, t, good, NULL, 0, NULL, MKT_ESTATE, "holds folded bookings already");
    ck_assert_int_eq(mkt_table_load_bookings(t, good, NULL), MKT_ESTATE);
    mkt_booking b = {.struct_size = sizeof b, .booking_id = "X", .customer_id = "C01"};
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_ESTATE);
    ck_assert_int_eq(mkt_table_set_as_of(t, D), MKT_OK);
    mkt_table_free(t);
    /* Folding comes before the as-of fields and instead of a load. */
    t = with_customers(ctx, 0);
    ck_assert_int_eq(mkt_table_set_as_of(t, D), MKT_OK);
    fails_unchanged(ctx, t, good, NULL, 0, NULL, MKT_ESTATE, "fold before");
    mkt_table_free(t);
    t = with_customers(ctx, 0);
    ck_assert_int_eq(mkt_table_load_bookings(t, good, NULL), MKT_OK);
    fails_unchanged(ctx, t, good, NULL, 0, NULL, MKT_ESTATE, "holds loaded bookings already");
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* @n bookings cycling over C00..C09 at 1.00 each, except that @count of them, booking
 * @first and every @step-th after it (booking k is on line k + 2), are at @amount and
 * customer @who's (NULL: the cycle's customer). */
static const char *write_amounts(int n, const char *who, const char *amount, int first,
                                 int step, int count)
{
    struct text t = {0};
    put(&t, "booking_id,customer_id,booking_date,total_amount\n");
    for (int k = 0; k < n; k++) {
        int special = k >= first && (k - first) % step == 0 && (k - first) / step < count;
        char cust[4] = {'C', '0', (char)('0' + k % 10), 0};
        put(&t, "B%06d,%s,2024-01-%02d,%s\n", k, special && who ? who : cust, 1 + k % 28,
            special ? amount : "1.00");
    }
    static char path[512];
    keep(path, write_text("amounts.csv", t.s));
    free(t.s);
    return path;
}

/* Fold @path with @threads threads and chunks of @chunk bytes: the dump of every field, or
 * the error message. */
static char *fold_outcome(mkt_ctx *ctx, const char *path, int threads, size_t chunk)
{
    int rc;
    mkt_table *t = fold_table(ctx, path, 0, threads, chunk, &rc);
    char *s = rc == MKT_OK ? dump_fields(t, FIELDS, NFIELDS)
                           : strdup(mkt_ctx_last_error(ctx)->message);
    mkt_table_free(t);
    return s;
}

/* With parsing threads, errors found while folding (a money overflow, an unknown customer)
 * are named at the line a single thread names. */
START_TEST(test_threads_fold_exactly)
{
    mkt_ctx *ctx = new_ctx();
    struct {
        const char *who, *amount;
        int first, step, count;
        const char *want; /* in the message, or NULL: a success */
    } cases[] = {
        /* 2,500,000,000,000,000.00 is 2.5e17 minor units; C03's sum passes 2^63 - 1
         * (9.22e18) at its 37th, booking 3 + 36 * 30 = 1083 on line 1085, spread over chunks
         * both threads parse. */
        {"C03", "2500000000000000.00", 3, 30, 40, "amounts.csv:1085:4: total_amount: the "
                                                  "sum of amounts overflows"},
        /* Three customers with 4e18 minor units each: 1.2e19 in all, past 2^63, but no
         * customer's sum overflows: no error and exact sums. */
        {NULL, "40000000000000000.00", 101, 404, 3, NULL},
        /* An unknown customer: named at its line. */
        {"C77", "1.00", 700, 1, 1, "amounts.csv:702:2: customer_id: unknown customer_id 'C77'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* The second case: bookings 101, 505 and 909 of C01, C05 and C09. */
        const char *path = write_amounts(1200, cases[i].who, cases[i].amount, cases[i].first,
                                         cases[i].step, cases[i].count);
        char *one_thread = fold_outcome(ctx, path, 1, 0);
        char *two_threads = fold_outcome(ctx, path, 2, 1024);
        if (cases[i].want)
            ck_assert_msg(strstr(one_thread, cases[i].want) != NULL, "%s", one_thread);
        else /* C01 (k = 1, 11, ..): 120 bookings in the 12 months, one of 4e18 minor units
              * (k = 101) and 119 of 100: 4000000000000011900, all-time the same. */
            ck_assert_msg(strstr(one_thread, "C01: 120 4000000000000011900 120 "
                                             "4000000000000011900 ") != NULL,
                          "%.80s", strstr(one_thread, "C01:"));
        ck_assert_msg(strcmp(two_threads, one_thread) == 0, "2 threads: %.100s\n1 thread:  %.100s",
                      two_threads, one_thread); /* (dumps are too long for a whole message) */
        free(one_thread);
        free(two_threads);
    }
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_column_projection)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    static const char *const cols[] = {"tier", "absent", "date_of_birth"};
    mkt_load_options o;
    mkt_load_options_init(&o);
    o.columns = cols;
    o.ncolumns = 3;
    ck_assert_int_eq(mkt_table_load_customers(t, write_customers(), &o), MKT_OK);
    ck_assert_uint_eq(mkt_table_customer_count(t), CUSTOMERS);
    ck_assert_str_eq(sval(t, "C01", "tier"), "GOLD");
    ck_assert_ptr_null(sval(t, "C01", "email")); /* left out: null, as if absent */
    uint32_t c;
    ck_assert_int_eq(mkt_table_column_find(t, "vip", &c), MKT_ENOTFOUND);
    /* customer_id is always loaded, so duplicates are still found. */
    o.ncolumns = 0;
    ck_assert_int_eq(mkt_table_load_customers(t, write_customers(), &o), MKT_EEXIST);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fold");
    TCase *tc = tcase_create("fold");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_same_values_as_load, 0, 2);
    tcase_add_test(tc, test_only_fields_asked_for);
    tcase_add_test(tc, test_each_field_alone);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_threads_fold_exactly);
    tcase_add_test(tc, test_column_projection);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

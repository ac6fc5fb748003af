/* SPDX-License-Identifier: MIT */
/*
 * Lifecycle stages: every stage, every boundary (30, 90, 180 days; the 180-day gap), every
 * overlap of the seed's definitions resolved by the documented precedence, from facts
 * (mkt_lifecycle_stage_of) and from a table (mkt_lifecycle_compute), the lifecycle.stage
 * column under a rule, and the error paths.
 */
#include "failalloc.h"
#include "rfm-test.h"

#define D0 "2024-06-15"

/* The stage of a customer whose bookings are @ago days before D (-1 ends the list). */
static int32_t stage_of_ages(const int *ago)
{
    mkt_date d = dt(D0);
    mkt_lifecycle_facts f;
    ck_assert_int_eq(mkt_lifecycle_facts_init(&f), MKT_OK);
    for (int i = 0; ago[i] >= 0; i++) {
        mkt_date b = d - ago[i];
        if (f.first_date == MKT_NULL_DATE || b < f.first_date)
            f.first_date = b;
        if (f.last_date == MKT_NULL_DATE || b > f.last_date)
            f.last_date = b;
        if (ago[i] <= 90) {
            f.count_90++;
            if (f.first_within_90 == MKT_NULL_DATE || b < f.first_within_90)
                f.first_within_90 = b;
        } else if (f.last_before_90 == MKT_NULL_DATE || b > f.last_before_90) {
            f.last_before_90 = b;
        }
        if (ago[i] <= 180)
            f.count_180++;
    }
    int32_t s = 0;
    ck_assert_int_eq(mkt_lifecycle_stage_of(&f, d, &s), MKT_OK);
    return s;
}

/* Each case: booking ages in days before D, and the stage the precedence gives. */
static const struct {
    const char *why;
    int ago[8];
    int32_t stage;
} cases[] = {
    {"no bookings", {-1}, MKT_STAGE_PROSPECT},
    /* New: first booking ever at most 30 days ago */
    {"first booking today", {0, -1}, MKT_STAGE_NEW},
    {"first booking 30 days ago", {30, -1}, MKT_STAGE_NEW},
    {"first 31 days ago, one booking: the gap -> Active", {31, -1}, MKT_STAGE_ACTIVE},
    /* Active: 2+ in 90 days */
    {"two in 90 days", {40, 90, -1}, MKT_STAGE_ACTIVE},
    {"one in 90 days, one at 91: the gap -> Active", {60, 91, -1}, MKT_STAGE_ACTIVE},
    {"the issue's gap: one booking 60 days ago, not the first", {60, 100, -1},
     MKT_STAGE_ACTIVE},
    /* Engaged: 5+ in 180 days (last within 90) */
    {"five in 180 days", {10, 100, 120, 150, 180, -1}, MKT_STAGE_ENGAGED},
    {"four in 180 days, one at 181", {10, 100, 120, 150, 181, -1}, MKT_STAGE_ACTIVE},
    /* At-Risk: last booking 91..180 days ago */
    {"last booking 91 days ago", {91, -1}, MKT_STAGE_AT_RISK},
    {"last booking 180 days ago", {180, 400, -1}, MKT_STAGE_AT_RISK},
    /* Churned: more than 180 days */
    {"last booking 181 days ago", {181, -1}, MKT_STAGE_CHURNED},
    {"last booking 3 years ago", {1100, 1200, -1}, MKT_STAGE_CHURNED},
    /* Reactivated: a booking in 90 days after a gap > 180 days */
    {"back after a 181-day gap", {10, 191, -1}, MKT_STAGE_REACTIVATED},
    {"back after exactly 180 days: no", {10, 190, 400, -1}, MKT_STAGE_ACTIVE},
    {"the gap ends on day 90 of the window", {90, 271, -1}, MKT_STAGE_REACTIVATED},
    {"two returns in the window, gap before the first", {5, 80, 300, -1},
     MKT_STAGE_REACTIVATED},
    /* overlaps */
    {"New and Active: New wins", {1, 2, 3, -1}, MKT_STAGE_NEW},
    {"New and Engaged: New wins", {1, 2, 3, 4, 5, 30, -1}, MKT_STAGE_NEW},
    {"Reactivated and Active: Reactivated wins", {5, 6, 400, -1}, MKT_STAGE_REACTIVATED},
    {"Reactivated and Engaged: Reactivated wins", {1, 2, 3, 4, 5, 400, -1},
     MKT_STAGE_REACTIVATED},
    {"Engaged and Active: Engaged wins", {1, 2, 3, 4, 5, 100, -1}, MKT_STAGE_ENGAGED},
    {"Engaged by count but At-Risk by recency: At-Risk wins", {91, 100, 120, 150, 170, -1},
     MKT_STAGE_AT_RISK},
    {"Churned after a long history", {181, 182, 183, 184, 185, 186, -1}, MKT_STAGE_CHURNED},
};

START_TEST(test_stages)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int32_t s = stage_of_ages(cases[i].ago);
        ck_assert_msg(s == cases[i].stage, "%s: %s, want %s", cases[i].why,
                      mkt_lifecycle_stage_name(s), mkt_lifecycle_stage_name(cases[i].stage));
    }
}
END_TEST

START_TEST(test_names)
{
    static const char *names[] = {NULL, "Prospect", "New", "Active", "Engaged", "At-Risk",
                                  "Churned", "Reactivated"};
    for (int32_t s = 1; s <= MKT_LIFECYCLE_STAGE_COUNT; s++)
        ck_assert_str_eq(mkt_lifecycle_stage_name(s), names[s]);
    ck_assert_ptr_null(mkt_lifecycle_stage_name(0));
    ck_assert_ptr_null(mkt_lifecycle_stage_name(8));
}
END_TEST

START_TEST(test_stage_of_errors)
{
    mkt_date d = dt(D0);
    mkt_lifecycle_facts f;
    int32_t s;
    ck_assert_int_eq(mkt_lifecycle_facts_init(NULL), MKT_EINVAL);
    mkt_lifecycle_facts_init(&f);
    ck_assert_int_eq(mkt_lifecycle_stage_of(NULL, d, &s), MKT_EINVAL);
    ck_assert_int_eq(mkt_lifecycle_stage_of(&f, d, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_lifecycle_stage_of(&f, MKT_NULL_DATE, &s), MKT_EINVAL);
    f.struct_size = 8;
    ck_assert_int_eq(mkt_lifecycle_stage_of(&f, d, &s), MKT_EINVAL);
    /* contradictions */
    mkt_lifecycle_facts ok = {sizeof ok, d - 10, d - 5, 2, 2, MKT_NULL_DATE, d - 10};
    ck_assert_int_eq(mkt_lifecycle_stage_of(&ok, d, &s), MKT_OK);
    ck_assert_int_eq(s, MKT_STAGE_NEW);
    f = ok;
    f.last_date = d + 1; /* after D */
    ck_assert_int_eq(mkt_lifecycle_stage_of(&f, d, &s), MKT_EINVAL);
    f = ok;
    f.first_date = d - 4; /* after last */
    ck_assert_int_eq(mkt_lifecycle_stage_of(&f, d, &s), MKT_EINVAL);
    f = ok;
    f.count_90 = 0; /* last within 90 days but none counted */
    ck_assert_int_eq(mkt_lifecycle_stage_of(&f, d, &s), MKT_EINVAL);
    f = ok;
    f.count_180 = 1; /* fewer in 180 than in 90 */
    ck_assert_int_eq(mkt_lifecycle_stage_of(&f, d, &s), MKT_EINVAL);
    f = ok;
    f.last_before_90 = d - 50; /* not before the window */
    ck_assert_int_eq(mkt_lifecycle_stage_of(&f, d, &s), MKT_EINVAL);
    f = ok;
    f.first_within_90 = MKT_NULL_DATE;
    ck_assert_int_eq(mkt_lifecycle_stage_of(&f, d, &s), MKT_EINVAL);
    mkt_lifecycle_facts_init(&f);
    f.count_90 = 1; /* no first date but a count */
    ck_assert_int_eq(mkt_lifecycle_stage_of(&f, d, &s), MKT_EINVAL);
}
END_TEST

/* D = 2024-06-15. Days before D: 2024-05-16 is 15 + 15 = 30; 2024-03-17 is 14 + 30 + 31 + 15
 * = 90 and 2024-03-16 91; 2023-12-18 is 13 + 31 + 29 + 31 + 30 + 31 + 15 = 180 and 2023-12-17
 * 181; 2024-04-16 is 14 + 31 + 15 = 60. */
static const struct bk fixture[] = {
    {"n1", "NEW", "2024-05-16", 100, NULL, 0},   /* first ever, 30 days: New */
    {"a1", "ACT", "2024-03-17", 100, NULL, 0},   /* 90 days */
    {"a2", "ACT", "2024-06-01", 100, NULL, 0},   /* 2 in 90 days, first 90 days ago: Active */
    {"r1", "RISK", "2024-03-16", 100, NULL, 0},  /* last 91 days ago: At-Risk */
    {"c1", "CHURN", "2023-12-17", 100, NULL, 0}, /* 181 days: Churned */
    {"k1", "RISK2", "2023-12-18", 100, NULL, 0}, /* 180 days: At-Risk */
    {"x1", "REACT", "2023-01-01", 100, NULL, 0},
    {"x2", "REACT", "2024-06-10", 100, NULL, 0}, /* back after > 180 days: Reactivated */
    {"p1", "PROS", "2024-06-16", 100, NULL, 0},  /* after D only: Prospect */
    {"p2", "PROS", "2024-06-01", 100, NULL, 1},  /* cancelled: does not count */
    {"g1", "GAP", "2024-04-16", 100, NULL, 0},   /* the gap: 60 days ago ... */
    {"g2", "GAP", "2023-12-31", 100, NULL, 0},   /* ... not the first: Active */
};
#define NFIX (sizeof fixture / sizeof fixture[0])

START_TEST(test_compute)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = table_of(ctx, fixture, NFIX);
    uint64_t none_row;
    ck_assert_int_eq(mkt_table_add_customer(t, "NOBOOK", 6, &none_row), MKT_OK);
    mkt_lifecycle *lc = NULL;
    ck_assert_int_eq(mkt_lifecycle_compute(&lc, ctx, t, dt(D0)), MKT_OK);
    ck_assert_int_eq(mkt_lifecycle_as_of(lc), dt(D0));
    ck_assert_uint_eq(mkt_lifecycle_count(lc), 9);
    /* sorted by id bytes: ACT CHURN GAP NEW NOBOOK PROS REACT RISK RISK2 */
    static const struct {
        const char *id;
        int32_t stage;
    } want[] = {
        {"ACT", MKT_STAGE_ACTIVE}, {"CHURN", MKT_STAGE_CHURNED}, {"GAP", MKT_STAGE_ACTIVE},
        {"NEW", MKT_STAGE_NEW}, {"NOBOOK", MKT_STAGE_PROSPECT}, {"PROS", MKT_STAGE_PROSPECT},
        {"REACT", MKT_STAGE_REACTIVATED}, {"RISK", MKT_STAGE_AT_RISK},
        {"RISK2", MKT_STAGE_AT_RISK},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        mkt_lifecycle_row r = {sizeof r, NULL, 0, 0, 0, 0, 0, 0, 0};
        ck_assert_int_eq(mkt_lifecycle_get(lc, i, &r), MKT_OK);
        ck_assert_str_eq(r.customer_id, want[i].id);
        ck_assert_uint_eq(r.id_len, strlen(want[i].id));
        ck_assert_str_eq(mkt_table_customer_id(t, r.customer_row), want[i].id);
        ck_assert_msg(r.stage == want[i].stage, "%s: %s", want[i].id,
                      mkt_lifecycle_stage_name(r.stage));
    }
    mkt_lifecycle_row r = {sizeof r, NULL, 0, 0, 0, 0, 0, 0, 0};
    ck_assert_int_eq(mkt_lifecycle_get(lc, 0, &r), MKT_OK); /* ACT */
    ck_assert_int_eq(r.first_date, dt("2024-03-17"));
    ck_assert_int_eq(r.last_date, dt("2024-06-01"));
    ck_assert_int_eq(r.count_90, 2);
    ck_assert_int_eq(r.count_180, 2);
    ck_assert_int_eq(mkt_lifecycle_get(lc, 5, &r), MKT_OK); /* PROS */
    ck_assert_int_eq(r.first_date, MKT_NULL_DATE);
    /* counts per stage */
    static const uint64_t counts[] = {0, 2, 1, 2, 0, 2, 1, 1};
    for (int32_t s = 1; s <= MKT_LIFECYCLE_STAGE_COUNT; s++) {
        uint64_t n = 99;
        ck_assert_int_eq(mkt_lifecycle_stage_count(lc, s, &n), MKT_OK);
        ck_assert_uint_eq(n, counts[s]);
    }
    uint64_t n;
    ck_assert_int_eq(mkt_lifecycle_stage_count(lc, 0, &n), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_lifecycle_stage_count(lc, 8, &n), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_lifecycle_stage_count(lc, 1, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_lifecycle_stage_count(NULL, 1, &n), MKT_EINVAL);
    ck_assert_int_eq(mkt_lifecycle_get(lc, 9, &r), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_lifecycle_get(NULL, 0, &r), MKT_EINVAL);
    ck_assert_int_eq(mkt_lifecycle_get(lc, 0, NULL), MKT_EINVAL);
    r.struct_size = 0;
    ck_assert_int_eq(mkt_lifecycle_get(lc, 0, &r), MKT_EINVAL);
    /* the column and a rule over it */
    ck_assert_int_eq(mkt_lifecycle_apply(t, lc), MKT_OK);
    ck_assert_int_eq(mkt_lifecycle_apply(t, lc), MKT_OK); /* again: reuses the column */
    mkt_rule *rule = NULL;
    mkt_segment *seg = NULL;
    mkt_members *m = NULL;
    const char *text = "lifecycle.stage in ('Active', 'New')";
    ck_assert_int_eq(mkt_rule_parse(&rule, ctx, text, strlen(text), NULL), MKT_OK);
    ck_assert_int_eq(mkt_segment_compile(&seg, ctx, rule, t, NULL), MKT_OK);
    ck_assert_int_eq(mkt_segment_evaluate(seg, ctx, t, &m), MKT_OK);
    ck_assert_uint_eq(mkt_members_count(m), 3);
    ck_assert_int_eq(mkt_members_contains(m, none_row), 0);
    mkt_members_free(m);
    mkt_segment_free(seg);
    mkt_rule_free(rule);
    /* another, smaller table: matched by customer id */
    mkt_table *small = table_of(ctx, fixture, 1);
    ck_assert_int_eq(mkt_lifecycle_apply(small, lc), MKT_OK);
    uint32_t col;
    const char *got, *in_t;
    uint64_t row;
    ck_assert_int_eq(mkt_table_column_find(small, "lifecycle.stage", &col), MKT_OK);
    ck_assert_int_eq(mkt_table_get_string(small, col, 0, &got, NULL), MKT_OK);
    ck_assert_int_eq(mkt_table_find(t, fixture[0].cust, strlen(fixture[0].cust), &row), MKT_OK);
    ck_assert_int_eq(mkt_table_column_find(t, "lifecycle.stage", &col), MKT_OK);
    ck_assert_int_eq(mkt_table_get_string(t, col, row, &in_t, NULL), MKT_OK);
    ck_assert_str_eq(got, in_t);
    ck_assert_int_eq(mkt_lifecycle_apply(NULL, lc), MKT_EINVAL);
    ck_assert_int_eq(mkt_lifecycle_apply(small, NULL), MKT_EINVAL);
    mkt_table_free(small);
    mkt_lifecycle_free(lc);
    /* default as-of: today; errors */
    ck_assert_int_eq(mkt_lifecycle_compute(&lc, ctx, t, MKT_NULL_DATE), MKT_OK);
    mkt_time now;
    ck_assert_int_eq(mkt_ctx_now(ctx, &now), MKT_OK);
    ck_assert_int_eq(mkt_lifecycle_as_of(lc), mkt_time_to_date(now));
    mkt_lifecycle_free(lc);
    lc = (mkt_lifecycle *)1;
    ck_assert_int_eq(mkt_lifecycle_compute(&lc, ctx, t, INT32_MAX), MKT_ERANGE);
    ck_assert_ptr_null(lc);
    ck_assert_int_eq(mkt_lifecycle_compute(NULL, ctx, t, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_lifecycle_compute(&lc, NULL, t, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_lifecycle_compute(&lc, ctx, NULL, 0), MKT_EINVAL);
    ck_assert_uint_eq(mkt_lifecycle_count(NULL), 0);
    ck_assert_int_eq(mkt_lifecycle_as_of(NULL), MKT_NULL_DATE);
    mkt_lifecycle_free(NULL);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

static int alloc_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx = NULL;
    failalloc_pause(fa);
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    mkt_table *t = NULL;
    if (rc == MKT_OK)
        rc = mkt_table_new(&t, ctx);
    for (size_t i = 0; rc == MKT_OK && i < NFIX; i++) {
        mkt_booking x;
        memset(&x, 0, sizeof x);
        x.struct_size = sizeof x;
        x.booking_id = fixture[i].id;
        x.customer_id = fixture[i].cust;
        mkt_date d;
        mkt_date_parse(&d, fixture[i].date, 10);
        x.booking_time = (mkt_time)d * 86400;
        x.departure_date = MKT_NULL_DATE;
        x.total_amount = fixture[i].amount;
        x.ancillary_amount = MKT_NULL_INT64;
        x.status = fixture[i].cancelled ? MKT_BOOKING_CANCELLED : MKT_BOOKING_CONFIRMED;
        rc = mkt_table_add_booking(t, &x);
    }
    failalloc_resume(fa);
    mkt_lifecycle *lc = NULL;
    mkt_date d;
    mkt_date_parse(&d, D0, 10);
    if (rc == MKT_OK)
        rc = mkt_lifecycle_compute(&lc, ctx, t, d);
    if (rc == MKT_OK)
        rc = mkt_lifecycle_apply(t, lc);
    mkt_lifecycle_free(lc);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(test_failalloc)
{
    failalloc_run(alloc_scenario, NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lifecycle");
    TCase *tc = tcase_create("lifecycle");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_stages);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_stage_of_errors);
    tcase_add_test(tc, test_compute);
    tcase_add_test(tc, test_failalloc);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

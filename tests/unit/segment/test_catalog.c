/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of segment catalogs: the shipped definitions (all parse, the available ones
 * compile and evaluate against a table loaded from tests/cli/data with hand-checked counts,
 * the unavailable ones fail with their reason and compile once their fields exist), adding
 * definitions and its errors, lookups, compilation through the catalog's resolver with
 * references and cycles, and allocation failures.
 */
#include "failalloc.h"
#include "seg-test.h"

/* 2026-06-30, the as-of date of tests/cli/data/README.md. */
static mkt_date as_of(void)
{
    mkt_date d;
    ck_assert_int_eq(mkt_date_parse(&d, "2026-06-30", 10), MKT_OK);
    return d;
}

static char *data_path(const char *name)
{
    const char *dir = getenv("MKT_CLI_DATA");
    ck_assert_msg(dir != NULL, "MKT_CLI_DATA not set");
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

/* The CLI test data loaded and its as-of fields computed. */
static mkt_table *load_table(mkt_ctx *ctx)
{
    mkt_table *t = NULL;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    ck_assert_int_eq(mkt_table_load_customers(t, data_path("customers.csv"), NULL), MKT_OK);
    ck_assert_int_eq(mkt_table_load_bookings(t, data_path("bookings.csv"), NULL), MKT_OK);
    ck_assert_int_eq(mkt_table_load_events(t, data_path("events.csv"), NULL), MKT_OK);
    ck_assert_int_eq(mkt_table_set_as_of(t, as_of()), MKT_OK);
    return t;
}

static uint64_t count_of(mkt_ctx *ctx, const mkt_catalog *c, const char *name,
                         const mkt_table *t)
{
    mkt_segment *s = NULL;
    int rc = mkt_catalog_compile(&s, ctx, c, name, t, NULL);
    ck_assert_msg(rc == MKT_OK, "compile %s: %s", name, mkt_ctx_last_error(ctx)->message);
    mkt_members *m = NULL;
    ck_assert_int_eq(mkt_segment_evaluate(s, ctx, t, &m), MKT_OK);
    uint64_t n = mkt_members_count(m);
    mkt_members_free(m);
    mkt_segment_free(s);
    return n;
}

static const char *const categories[] = {"Sales & Revenue", "Geographic",  "Behavioral",
                                         "Lifecycle",       "Engagement",  "Product Affinity",
                                         "Predictive",      "Special"};

static int known_category(const char *c)
{
    for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++)
        if (c && strcmp(c, categories[i]) == 0)
            return 1;
    return 0;
}

START_TEST(builtin_shape)
{
    mkt_ctx *ctx = new_ctx();
    mkt_catalog *c = NULL;
    ck_assert_int_eq(mkt_catalog_builtin(&c, ctx), MKT_OK);
    ck_assert_uint_eq(mkt_catalog_count(c), 50);
    size_t unavailable = 0, per_cat[8] = {0};
    for (size_t i = 0; i < mkt_catalog_count(c); i++) {
        mkt_segment_def d = MKT_SEGMENT_DEF_INIT;
        ck_assert_int_eq(mkt_catalog_get(c, i, &d), MKT_OK);
        ck_assert_msg(known_category(d.category), "%s: category %s", d.id, d.category);
        for (size_t k = 0; k < 8; k++)
            per_cat[k] += strcmp(d.category, categories[k]) == 0;
        ck_assert_ptr_nonnull(d.description);
        ck_assert_ptr_nonnull(mkt_catalog_rule(c, i));
        unavailable += d.unavailable != NULL;
        /* The normalized text parses back to the same rule. */
        mkt_rule *r = parse_ok(ctx, d.rule);
        ck_assert(mkt_rule_equal(r, mkt_catalog_rule(c, i)));
        mkt_rule_free(r);
        size_t j;
        ck_assert_int_eq(mkt_catalog_find(c, d.id, &j), MKT_OK);
        ck_assert_uint_eq(j, i);
        ck_assert_int_eq(mkt_catalog_find(c, d.name, &j), MKT_OK);
        ck_assert_uint_eq(j, i);
    }
    /* The brief's counts per category: 10, 5, 7, 6, 6, 4, 4, 8. */
    static const size_t want[8] = {10, 5, 7, 6, 6, 4, 4, 8};
    for (size_t k = 0; k < 8; k++)
        ck_assert_uint_eq(per_cat[k], want[k]);
    ck_assert_uint_eq(unavailable, 10);
    mkt_segment_def d = MKT_SEGMENT_DEF_INIT;
    ck_assert_int_eq(mkt_catalog_get(c, 50, &d), MKT_ENOTFOUND);
    ck_assert_ptr_null(mkt_catalog_rule(c, 50));
    size_t j;
    ck_assert_int_eq(mkt_catalog_find(c, "nope", &j), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_catalog_find(NULL, "nope", &j), MKT_EINVAL);
    d.struct_size = 4;
    ck_assert_int_eq(mkt_catalog_get(c, 0, &d), MKT_EINVAL);
    d.struct_size = sizeof d;
    ck_assert_uint_eq(mkt_catalog_count(NULL), 0);
    ck_assert_int_eq(mkt_segment_def_init(NULL), MKT_EINVAL);
    d.id = "x";
    ck_assert_int_eq(mkt_segment_def_init(&d), MKT_OK);
    ck_assert_ptr_null(d.id);
    ck_assert_uint_eq(d.struct_size, sizeof d);
    ck_assert_int_eq(mkt_catalog_builtin(NULL, ctx), MKT_EINVAL);
    mkt_catalog_free(c);
    mkt_ctx_free(ctx);
}
END_TEST

/* Every available definition compiles and evaluates; every unavailable one fails with its
 * reason, naming the missing field. */
START_TEST(builtin_compile_all)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = load_table(ctx);
    mkt_catalog *c = NULL;
    ck_assert_int_eq(mkt_catalog_builtin(&c, ctx), MKT_OK);
    for (size_t i = 0; i < mkt_catalog_count(c); i++) {
        mkt_segment_def d = MKT_SEGMENT_DEF_INIT;
        ck_assert_int_eq(mkt_catalog_get(c, i, &d), MKT_OK);
        mkt_segment *s = NULL;
        int rc = mkt_catalog_compile(&s, ctx, c, d.id, t, NULL);
        if (d.unavailable) {
            ck_assert_msg(rc == MKT_EUNSUPPORTED, "%s compiled", d.id);
            ck_assert_ptr_null(s);
            const char *msg = mkt_ctx_last_error(ctx)->message;
            ck_assert_msg(strstr(msg, d.unavailable) && strstr(msg, "unknown field"), "%s",
                          msg);
            continue;
        }
        ck_assert_msg(rc == MKT_OK, "%s: %s", d.id, mkt_ctx_last_error(ctx)->message);
        mkt_members *m = NULL;
        ck_assert_int_eq(mkt_segment_evaluate(s, ctx, t, &m), MKT_OK);
        ck_assert_uint_le(mkt_members_count(m), 5);
        mkt_members_free(m);
        mkt_segment_free(s);
    }
    mkt_catalog_free(c);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* Counts worked out by hand from tests/cli/data at 2026-06-30 (see its README). */
START_TEST(builtin_counts)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = load_table(ctx);
    mkt_catalog *c = NULL;
    ck_assert_int_eq(mkt_catalog_builtin(&c, ctx), MKT_OK);
    static const struct {
        const char *name;
        uint64_t n;
    } want[] = {
        {"loyalty-members", 3},     /* C1 C3 C4 */
        {"repeat-customers", 2},    /* C1 (B1 B2 B8), C4 (B5 B6) */
        {"first-time-bookers", 2},  /* C3, C5 */
        {"email-engaged", 2},       /* 0.42, 0.91 */
        {"nps-promoters", 2},       /* 9, 10 */
        {"Detractors", 1},          /* 3 */
        {"high-value", 0},          /* C4's 12 months: 2100.50 */
        {"churned-customers", 1},   /* C3: last 2025-06-01 */
        {"at-risk-customers", 1},   /* C1: last 2026-01-15, 166 days */
        {"premium-seekers", 1},     /* C4: B6 business */
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(count_of(ctx, c, want[i].name, t) == want[i].n, "%s", want[i].name);
    mkt_catalog_free(c);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* An unavailable segment is not faked: it compiles as soon as a module adds its field. */
START_TEST(unavailable_compiles_with_field)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = load_table(ctx);
    mkt_catalog *c = NULL;
    ck_assert_int_eq(mkt_catalog_builtin(&c, ctx), MKT_OK);
    mkt_segment *s = NULL;
    ck_assert_int_eq(mkt_catalog_compile(&s, ctx, c, "VIP Customers", t, NULL),
                     MKT_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "mkt_rfm_apply"));
    add_col(t, "rfm.monetary_percentile", MKT_TYPE_NUMBER);
    ck_assert_int_eq(mkt_catalog_compile(&s, ctx, c, "vip", t, NULL), MKT_OK);
    mkt_segment_free(s);
    ck_assert_int_eq(mkt_catalog_compile(&s, ctx, c, "no such", t, NULL), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_catalog_compile(&s, ctx, NULL, "vip", t, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_catalog_compile(&s, NULL, c, "vip", t, NULL), MKT_EINVAL);
    mkt_catalog_free(c);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

static int add(mkt_catalog *c, const char *id, const char *name, const char *rule)
{
    mkt_segment_def d = {sizeof d, id, name, "Special", "d", rule, NULL, "defs.txt", 7};
    return mkt_catalog_add(c, &d);
}

START_TEST(add_errors)
{
    mkt_ctx *ctx = new_ctx();
    mkt_catalog *c = NULL;
    ck_assert_int_eq(mkt_catalog_new(&c, ctx), MKT_OK);
    ck_assert_int_eq(add(c, "a", "A", "customer.tier = 'GOLD'"), MKT_OK);
    ck_assert_int_eq(add(c, "a", "B", "customer.tier = 'GOLD'"), MKT_EEXIST);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "duplicate segment id 'a'"));
    ck_assert_int_eq(add(c, "b", "A", "customer.tier = 'GOLD'"), MKT_EEXIST);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "duplicate segment name"));
    ck_assert_int_eq(add(c, "Bad Id", "C", "customer.tier = 'GOLD'"), MKT_EINVAL);
    ck_assert_int_eq(add(c, "b-", "C", "customer.tier = 'GOLD'"), MKT_EINVAL);
    ck_assert_int_eq(add(c, "b--c", "C", "customer.tier = 'GOLD'"), MKT_EINVAL);
    ck_assert_int_eq(add(c, NULL, "C", "customer.tier = 'GOLD'"), MKT_EINVAL);
    ck_assert_int_eq(add(c, "c", "", "customer.tier = 'GOLD'"), MKT_EINVAL);
    ck_assert_int_eq(add(c, "c", "C", NULL), MKT_EINVAL);
    /* A bad rule names the source and the line (def line 7 + 1). */
    ck_assert_int_eq(add(c, "c", "C", "customer.tier = 'GOLD'\n  and ~"), MKT_EPARSE);
    const mkt_error *e = mkt_ctx_last_error(ctx);
    ck_assert_str_eq(e->source, "defs.txt");
    ck_assert_uint_eq(e->line, 8);
    ck_assert_uint_eq(mkt_catalog_count(c), 1);
    /* Doubled quotes collapse only for the string's own quote (a fuzzer finding). */
    ck_assert_int_eq(add(c, "q", "Q", "customer.tier = 'a''b\"c\" d' or in segment 'x''y\"z\" w'"),
                     MKT_OK);
    const mkt_rule *q = mkt_catalog_rule(c, 1);
    mkt_rule_value v = {sizeof v, 0, NULL, 0, 0};
    ck_assert_int_eq(mkt_rule_value_get(mkt_rule_child(q, 0), 0, &v), MKT_OK);
    ck_assert_str_eq(v.text, "a'b\"c\" d");
    ck_assert_str_eq(mkt_rule_field(mkt_rule_child(q, 1)), "x'y\"z\" w");
    mkt_segment_def back = MKT_SEGMENT_DEF_INIT;
    ck_assert_int_eq(mkt_catalog_get(c, 1, &back), MKT_OK);
    ck_assert_str_eq(back.rule, "customer.tier = 'a''b\"c\" d' or in segment 'x''y\"z\" w'");
    mkt_segment_def small = MKT_SEGMENT_DEF_INIT;
    small.struct_size = 4;
    ck_assert_int_eq(mkt_catalog_add(c, &small), MKT_EINVAL);
    ck_assert_int_eq(mkt_catalog_add(NULL, &small), MKT_EINVAL);
    ck_assert_int_eq(mkt_catalog_new(NULL, ctx), MKT_EINVAL);
    mkt_catalog *x = NULL;
    ck_assert_int_eq(mkt_catalog_new(&x, NULL), MKT_EINVAL);
    mkt_catalog_free(NULL);
    mkt_catalog_free(c);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(references_and_cycles)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = load_table(ctx);
    mkt_catalog *c = NULL;
    ck_assert_int_eq(mkt_catalog_builtin(&c, ctx), MKT_OK);
    ck_assert_int_eq(add(c, "loyal-repeat", "Loyal Repeat",
                         "in segment 'Repeat Customers' and in segment 'loyalty-members'"),
                     MKT_OK);
    ck_assert_uint_eq(count_of(ctx, c, "Loyal Repeat", t), 2); /* C1, C4 */
    ck_assert_int_eq(add(c, "x", "X", "in segment 'Y' or customer.tier = 'GOLD'"), MKT_OK);
    ck_assert_int_eq(add(c, "y", "Y", "in segment 'x'"), MKT_OK);
    ck_assert_int_eq(add(c, "self", "Self", "not in segment 'Self'"), MKT_OK);
    ck_assert_int_eq(add(c, "dangling", "Dangling", "in segment 'Nowhere'"), MKT_OK);
    mkt_segment *s = NULL;
    ck_assert_int_eq(mkt_catalog_compile(&s, ctx, c, "X", t, NULL), MKT_ECONFLICT);
    ck_assert_int_eq(mkt_catalog_compile(&s, ctx, c, "self", t, NULL), MKT_ECONFLICT);
    ck_assert_int_eq(mkt_catalog_compile(&s, ctx, c, "dangling", t, NULL), MKT_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "Nowhere"));
    /* The resolver also plugs into mkt_segment_compile directly. */
    mkt_rule *r = parse_ok(ctx, "in segment 'Loyal Repeat' and customer.tier = 'GOLD'");
    mkt_segment_options o;
    mkt_segment_options_init(&o);
    o.resolver = mkt_catalog_resolve;
    o.resolver_data = c;
    ck_assert_int_eq(mkt_segment_compile(&s, ctx, r, t, &o), MKT_OK);
    mkt_members *m = NULL;
    ck_assert_int_eq(mkt_segment_evaluate(s, ctx, t, &m), MKT_OK);
    ck_assert_uint_eq(mkt_members_count(m), 1); /* C1 */
    mkt_members_free(m);
    mkt_segment_free(s);
    mkt_rule_free(r);
    const mkt_rule *got = NULL;
    ck_assert_int_eq(mkt_catalog_resolve("nope", &got, c), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_catalog_resolve("x", NULL, c), MKT_EINVAL);
    /* Old, smaller options structs are accepted. */
    mkt_segment_options_init(&o);
    o.struct_size = offsetof(mkt_segment_options, resolver);
    ck_assert_int_eq(mkt_catalog_compile(&s, ctx, c, "Loyal Repeat", t, &o), MKT_OK);
    mkt_segment_free(s);
    o.struct_size = 1;
    ck_assert_int_eq(mkt_catalog_compile(&s, ctx, c, "Loyal Repeat", t, &o), MKT_EINVAL);
    mkt_catalog_free(c);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

static int alloc_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx = NULL;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_catalog *c = NULL;
    rc = mkt_catalog_builtin(&c, ctx);
    if (rc == MKT_OK)
        rc = add(c, "z", "Z", "in segment 'vip' or customer.tier = 'GOLD'");
    if (rc == MKT_OK && mkt_catalog_count(c) != 51)
        rc = MKT_EINTERNAL;
    mkt_catalog_free(c);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(alloc_failures)
{
    failalloc_run(alloc_scenario, NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("catalog");
    TCase *tc = tcase_create("catalog");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, builtin_shape);
    tcase_add_test(tc, builtin_compile_all);
    tcase_add_test(tc, builtin_counts);
    tcase_add_test(tc, unavailable_compiles_with_field);
    tcase_add_test(tc, add_errors);
    tcase_add_test(tc, references_and_cycles);
    tcase_add_test(tc, alloc_failures);
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

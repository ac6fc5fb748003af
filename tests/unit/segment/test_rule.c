/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the rule language text side: parsing every construct, precedence, the
 * normalized form and its round trip, aliases, the C builders producing the same trees as the
 * text, accessors, operator names, parse errors with line and column, and the limits.
 */
#include "seg-test.h"

static char *fmt(mkt_ctx *ctx, const mkt_rule *r)
{
    char *s = NULL;
    ck_assert_int_eq(mkt_rule_format(r, ctx, &s), MKT_OK);
    return s;
}

/* parse(text) prints as @want, and parse(want) is equal to parse(text). */
static void check_norm(mkt_ctx *ctx, const char *text, const char *want)
{
    mkt_rule *r = parse_ok(ctx, text);
    char *s = fmt(ctx, r);
    ck_assert_msg(strcmp(s, want) == 0, "'%s' printed as '%s', want '%s'", text, s, want);
    mkt_rule *r2 = parse_ok(ctx, s);
    ck_assert_msg(mkt_rule_equal(r, r2), "round trip of '%s'", text);
    mkt_free(s);
    mkt_rule_free(r);
    mkt_rule_free(r2);
}

START_TEST(test_normal_form)
{
    mkt_ctx *ctx = new_ctx();
    check_norm(ctx, "customer.tier IN ('GOLD','PLATINUM')", "customer.tier in ('GOLD', 'PLATINUM')");
    check_norm(ctx, "a.b = 1 AND c.d = 2 OR e.f = 3", "a.b = 1 and c.d = 2 or e.f = 3");
    check_norm(ctx, "a.b = 1 and (c.d = 2 or e.f = 3)", "a.b = 1 and (c.d = 2 or e.f = 3)");
    check_norm(ctx, "(a.b = 1 and c.d = 2) and e.f = 3", "a.b = 1 and c.d = 2 and e.f = 3");
    check_norm(ctx, "((a.b = 1))", "a.b = 1");
    check_norm(ctx, "NOT (a.b = 1 or c.d = 2)", "not (a.b = 1 or c.d = 2)");
    check_norm(ctx, "not not a.b is null", "not not a.b is null");
    check_norm(ctx, "a.b <> 'x''y' CI", "a.b != 'x''y' ci");
    check_norm(ctx, "a.b == -5.50", "a.b = -5.50");
    check_norm(ctx, "a.b between 1 and 2.5", "a.b between 1 and 2.5");
    check_norm(ctx, "a.b not between today - 30 days and today+1 day",
               "a.b not between today - 30 days and today + 1 day");
    check_norm(ctx, "a.b not in (1, 2)", "a.b not in (1, 2)");
    check_norm(ctx, "a.b  NOT   CONTAINS 'x' cs", "a.b not contains 'x' cs");
    check_norm(ctx, "a.b starts with 'x' and a.b not ends with 'y'",
               "a.b starts with 'x' and a.b not ends with 'y'");
    check_norm(ctx, "a.b matches '^[a-z]+$' ci", "a.b matches '^[a-z]+$' ci");
    check_norm(ctx, "a.b is not null", "a.b is not null");
    check_norm(ctx, "a.b within last 30 days or a.b within next 1 days",
               "a.b within last 30 days or a.b within next 1 day");
    check_norm(ctx, "birthday within next 7 days", "birthday within next 7 days");
    check_norm(ctx, "customer.signup_date anniversary this month",
               "customer.signup_date anniversary this month");
    check_norm(ctx, "customer.date_of_birth birthday this month", "birthday this month");
    check_norm(ctx, "in segment 'High ''Value''' and not in segment 'X'",
               "in segment 'High ''Value''' and not in segment 'X'");
    check_norm(ctx, "a.b = true or a.b = FALSE", "a.b = true or a.b = false");
    check_norm(ctx, "\"customer.home airport\" = 'x' -- comment\n", "\"customer.home airport\" = 'x'");
    check_norm(ctx, "tier = 'x'", "\"tier\" = 'x'");
    check_norm(ctx, "a.b = 99999999999999999999", "a.b = 99999999999999999999");
    check_norm(ctx, "a.b = 'caf\xc3\xa9'", "a.b = 'caf\xc3\xa9'");
    /* the seed's example through the aliases and [ ] lists */
    check_norm(ctx,
               "customer.totalSpend >= 5000 AND booking.frequency >= 10 AND "
               "booking.cabinClass IN [BUSINESS, FIRST] AND customer.rfmSegment IN [Champions, Loyal]",
               "booking.spend_total >= 5000 and booking.count_12m >= 10 and "
               "booking.preferred_cabin in ('BUSINESS', 'FIRST') and rfm.segment in "
               "('Champions', 'Loyal')");
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_precedence)
{
    mkt_ctx *ctx = new_ctx();
    mkt_rule *r = parse_ok(ctx, "a.a = 1 or b.b = 2 and not c.c = 3");
    ck_assert_int_eq(mkt_rule_kind_get(r), MKT_RULE_OR);
    ck_assert_uint_eq(mkt_rule_child_count(r), 2);
    const mkt_rule *and = mkt_rule_child(r, 1);
    ck_assert_int_eq(mkt_rule_kind_get(and), MKT_RULE_AND);
    ck_assert_int_eq(mkt_rule_kind_get(mkt_rule_child(and, 1)), MKT_RULE_NOT);
    ck_assert_ptr_null(mkt_rule_child(and, 2));
    mkt_rule_free(r);
    /* between's 'and' binds to between */
    r = parse_ok(ctx, "a.a between 1 and 2 and b.b = 3");
    ck_assert_int_eq(mkt_rule_kind_get(r), MKT_RULE_AND);
    ck_assert_int_eq(mkt_rule_op_get(mkt_rule_child(r, 0)), MKT_OP_BETWEEN);
    ck_assert_uint_eq(mkt_rule_value_count(mkt_rule_child(r, 0)), 2);
    mkt_rule_free(r);
    mkt_ctx_free(ctx);
}
END_TEST

static mkt_rule_value sv(const char *s)
{
    mkt_rule_value v = {sizeof v, MKT_VALUE_STRING, s, strlen(s), 0};
    return v;
}

START_TEST(test_builder)
{
    mkt_ctx *ctx = new_ctx();
    mkt_rule *c1, *c2, *c3, *o, *a, *n, *ref;
    mkt_rule_value tiers[] = {sv("GOLD"), sv("PLATINUM")};
    ck_assert_int_eq(mkt_rule_condition(&c1, ctx, "customer.tier", MKT_OP_IN, tiers, 2, 0), MKT_OK);
    mkt_rule_value spend = {sizeof spend, MKT_VALUE_DECIMAL, "5000", 4, 0};
    ck_assert_int_eq(mkt_rule_condition(&c2, ctx, "customer.totalSpend", MKT_OP_GE, &spend, 1, 0),
                     MKT_OK);
    mkt_rule_value d = {sizeof d, MKT_VALUE_DATE, NULL, 0, TEST_AS_OF};
    ck_assert_int_eq(mkt_rule_condition(&c3, ctx, "customer.signup_date", MKT_OP_LT, &d, 1, 0),
                     MKT_OK);
    const mkt_rule *or_kids[] = {c2, c3};
    ck_assert_int_eq(mkt_rule_or(&o, ctx, or_kids, 2), MKT_OK);
    ck_assert_int_eq(mkt_rule_not(&n, ctx, o), MKT_OK);
    ck_assert_int_eq(mkt_rule_segment_ref(&ref, ctx, "VIP"), MKT_OK);
    const mkt_rule *and_kids[] = {c1, n, ref};
    ck_assert_int_eq(mkt_rule_and(&a, ctx, and_kids, 3), MKT_OK);
    char *s = fmt(ctx, a);
    ck_assert_str_eq(s, "customer.tier in ('GOLD', 'PLATINUM') and not (booking.spend_total >= "
                        "5000 or customer.signup_date < '2024-06-15') and in segment 'VIP'");
    mkt_rule *p = parse_ok(ctx, s);
    ck_assert(mkt_rule_equal(p, a));
    mkt_free(s);
    /* accessors */
    ck_assert_str_eq(mkt_rule_field(c1), "customer.tier");
    ck_assert_int_eq(mkt_rule_op_get(c1), MKT_OP_IN);
    mkt_rule_value got;
    ck_assert_int_eq(mkt_rule_value_get(c1, 1, &got), MKT_OK);
    ck_assert_int_eq(got.kind, MKT_VALUE_STRING);
    ck_assert_str_eq(got.text, "PLATINUM");
    ck_assert_int_eq(mkt_rule_value_get(c1, 2, &got), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_rule_value_get(c2, 0, &got), MKT_OK);
    ck_assert_int_eq(got.kind, MKT_VALUE_INT); /* "5000" normalizes to an integer */
    ck_assert_int_eq(got.integer, 5000);
    /* one child gives the child; nested groups flatten */
    mkt_rule *one;
    const mkt_rule *single[] = {c1};
    ck_assert_int_eq(mkt_rule_and(&one, ctx, single, 1), MKT_OK);
    ck_assert(mkt_rule_equal(one, c1));
    mkt_rule *flat;
    const mkt_rule *nest[] = {a, c1};
    ck_assert_int_eq(mkt_rule_and(&flat, ctx, nest, 2), MKT_OK);
    ck_assert_uint_eq(mkt_rule_child_count(flat), 4);
    /* copy */
    mkt_rule *cp;
    ck_assert_int_eq(mkt_rule_copy(&cp, ctx, a), MKT_OK);
    ck_assert(mkt_rule_equal(cp, a));
    ck_assert(!mkt_rule_equal(cp, c1));
    mkt_rule *all[] = {c1, c2, c3, o, n, ref, a, p, one, flat, cp};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        mkt_rule_free(all[i]);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_builder_errors)
{
    mkt_ctx *ctx = new_ctx();
    mkt_rule *r = (mkt_rule *)1;
    mkt_rule_value v = sv("x");
    ck_assert_int_eq(mkt_rule_condition(&r, ctx, "a.b", 999, &v, 1, 0), MKT_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(mkt_rule_condition(&r, ctx, "a.b", MKT_OP_EQ, &v, 0, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_condition(&r, ctx, "a.b", MKT_OP_IS_NULL, &v, 1, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_condition(&r, ctx, "a.b", MKT_OP_LT, &v, 1, MKT_RULE_CI),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_condition(&r, ctx, "a.b", MKT_OP_EQ, &v, 1, 3), MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_condition(&r, ctx, "", MKT_OP_EQ, &v, 1, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_condition(NULL, ctx, "a.b", MKT_OP_EQ, &v, 1, 0), MKT_EINVAL);
    mkt_rule_value bad = {sizeof bad, MKT_VALUE_DECIMAL, "1.2.3", 5, 0};
    ck_assert_int_eq(mkt_rule_condition(&r, ctx, "a.b", MKT_OP_EQ, &bad, 1, 0), MKT_EINVAL);
    mkt_rule_value utf = {sizeof utf, MKT_VALUE_STRING, "\xff", 1, 0};
    ck_assert_int_eq(mkt_rule_condition(&r, ctx, "a.b", MKT_OP_EQ, &utf, 1, 0), MKT_EINVAL);
    mkt_rule_value b2 = {sizeof b2, MKT_VALUE_BOOL, NULL, 0, 2};
    ck_assert_int_eq(mkt_rule_condition(&r, ctx, "a.b", MKT_OP_EQ, &b2, 1, 0), MKT_EINVAL);
    mkt_rule_value days = {sizeof days, MKT_VALUE_INT, NULL, 0, -1};
    ck_assert_int_eq(mkt_rule_condition(&r, ctx, "a.b", MKT_OP_WITHIN_LAST, &days, 1, 0),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_condition(&r, ctx, "a.b", MKT_OP_MATCHES, &days, 1, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_and(&r, ctx, NULL, 0), MKT_EINVAL);
    const mkt_rule *nul[] = {NULL};
    ck_assert_int_eq(mkt_rule_or(&r, ctx, nul, 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_not(&r, ctx, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_segment_ref(&r, ctx, ""), MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_copy(&r, ctx, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_format(NULL, ctx, NULL), MKT_EINVAL);
    mkt_rule_free(NULL);
    ck_assert_int_eq(mkt_rule_kind_get(NULL), 0);
    ck_assert(mkt_rule_equal(NULL, NULL));
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_op_names)
{
    int32_t op;
    for (int32_t i = MKT_OP_EQ; i <= MKT_OP_ANNIVERSARY_MONTH; i++) {
        const char *n = mkt_rule_op_name(i);
        ck_assert_ptr_nonnull(n);
        ck_assert_int_eq(mkt_rule_op_from_name(n, &op), MKT_OK);
        ck_assert_int_eq(op, i);
    }
    ck_assert_ptr_null(mkt_rule_op_name(0));
    ck_assert_int_eq(mkt_rule_op_from_name("NOT  IN", &op), MKT_OK);
    ck_assert_int_eq(op, MKT_OP_NOT_IN);
    ck_assert_int_eq(mkt_rule_op_from_name("greater_than_or_equal", &op), MKT_OK);
    ck_assert_int_eq(op, MKT_OP_GE);
    ck_assert_int_eq(mkt_rule_op_from_name("<>", &op), MKT_OK);
    ck_assert_int_eq(op, MKT_OP_NE);
    ck_assert_int_eq(mkt_rule_op_from_name("bogus", &op), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_rule_op_from_name(NULL, &op), MKT_EINVAL);
}
END_TEST

/* Parsing @text fails with @code at line:col and a message containing @msg. */
static void check_error(const char *text, int code, unsigned line, unsigned col, const char *msg)
{
    mkt_ctx *ctx = new_ctx();
    mkt_rule *r = (mkt_rule *)1;
    mkt_rule_parse_options o;
    mkt_rule_parse_options_init(&o);
    o.source = "rules.txt";
    o.max_depth = 10;
    o.max_list = 3;
    o.max_length = 300;
    int rc = mkt_rule_parse(&r, ctx, text, strlen(text), &o);
    const mkt_error *e = mkt_ctx_last_error(ctx);
    ck_assert_msg(rc == code, "'%s': rc %d (%s)", text, rc, e->message);
    ck_assert_ptr_null(r);
    ck_assert_msg(e->line == line && e->column == col, "'%s': at %llu:%llu (%s), want %u:%u",
                  text, (unsigned long long)e->line, (unsigned long long)e->column, e->message,
                  line, col);
    ck_assert_msg(strstr(e->message, msg) != NULL, "'%s': message '%s' lacks '%s'", text,
                  e->message, msg);
    ck_assert_msg(strncmp(e->message, "rules.txt:", 10) == 0, "no source in '%s'", e->message);
    mkt_ctx_free(ctx);
}

START_TEST(test_parse_errors)
{
    check_error("", MKT_EPARSE, 1, 1, "expected a condition");
    check_error("a.b =", MKT_EPARSE, 1, 6, "found end of rule");
    check_error("a.b = 1 and\n  c.d ~ 2", MKT_EPARSE, 2, 7, "unexpected character '~'");
    check_error("a.b = 1\n  c.d = 2", MKT_EPARSE, 2, 3, "expected 'and', 'or'");
    check_error("a.b in ('x' 'y')", MKT_EPARSE, 1, 13, "',' or ')'");
    check_error("a.b = 'open", MKT_EPARSE, 1, 7, "unterminated string");
    check_error("(a.b = 1", MKT_EPARSE, 1, 9, "expected ')'");
    check_error("a.b is nul", MKT_EPARSE, 1, 8, "expected 'null'");
    check_error("a.b = null", MKT_EPARSE, 1, 7, "use 'is null'");
    check_error("a.b not = 1", MKT_EPARSE, 1, 9, "after 'not'");
    check_error("a.b within last x days", MKT_EPARSE, 1, 17, "number of days");
    check_error("a.b within last 1.5 days", MKT_EPARSE, 1, 17, "whole number");
    check_error("a.b between 1 or 2", MKT_EPARSE, 1, 15, "'and'");
    check_error("a.b starts 'x'", MKT_EPARSE, 1, 12, "'with'");
    check_error("a.b matches 5", MKT_EPARSE, 1, 13, "quoted pattern");
    check_error("in segment ''", MKT_EPARSE, 1, 12, "segment name");
    check_error("\xc3\xa9 = 1", MKT_EPARSE, 1, 1, "unexpected character");
    check_error("a.b = 'x\xff'", MKT_EPARSE, 1, 9, "invalid UTF-8");
    check_error("a.b = 1 \x01", MKT_EPARSE, 1, 9, "unexpected character '\\x1'");
    /* limits */
    check_error("a.b in (1, 2, 3, 4)", MKT_ETOOBIG, 1, 18, "more than 3 values");
    check_error("((((((((((((a.b = 1))))))))))))", MKT_ETOOBIG, 1, 11, "deeper than 10");
    check_error("not not not not not not not not not not a.b = 1", MKT_ETOOBIG, 1, 41,
                "deeper than 10");
    char longer[400];
    memset(longer, ' ', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    check_error(longer, MKT_ETOOBIG, 1, 1, "the limit is 300");
}
END_TEST

START_TEST(test_parse_args)
{
    mkt_ctx *ctx = new_ctx();
    mkt_rule *r;
    ck_assert_int_eq(mkt_rule_parse(NULL, ctx, "a.b = 1", 7, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_parse(&r, NULL, "a.b = 1", 7, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_parse(&r, ctx, NULL, 7, NULL), MKT_EINVAL);
    mkt_rule_parse_options o = {0, NULL, 0, 0, 0, 0};
    ck_assert_int_eq(mkt_rule_parse(&r, ctx, "a.b = 1", 7, &o), MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_parse_options_init(NULL), MKT_EINVAL);
    /* the text need not be NUL-terminated; first_line shifts line numbers */
    mkt_rule_parse_options_init(&o);
    o.first_line = 10;
    ck_assert_int_eq(mkt_rule_parse(&r, ctx, "a.b = 1 junk", 7, &o), MKT_OK);
    mkt_rule_free(r);
    ck_assert_int_eq(mkt_rule_parse(&r, ctx, "a.b = 1\n)", 9, &o), MKT_EPARSE);
    ck_assert_uint_eq(mkt_ctx_last_error(ctx)->line, 11);
    mkt_ctx_free(ctx);
}
END_TEST

/* A resolver over three named rules; "Loop" refers to itself through "Again". */
struct refs {
    mkt_rule *vip, *loop, *again;
};

static int resolve(const char *name, const mkt_rule **rule, void *data)
{
    struct refs *r = data;
    *rule = strcmp(name, "VIP") == 0     ? r->vip
            : strcmp(name, "Loop") == 0  ? r->loop
            : strcmp(name, "Again") == 0 ? r->again
                                         : NULL;
    return *rule ? MKT_OK : strcmp(name, "Broken") == 0 ? MKT_EIO : MKT_ENOTFOUND;
}

static mkt_rule *parse(mkt_ctx *ctx, const char *text)
{
    mkt_rule *r;
    ck_assert_int_eq(mkt_rule_parse(&r, ctx, text, strlen(text), NULL), MKT_OK);
    return r;
}

/* The fields of @text, joined by spaces, or the status. */
static int fields_of(mkt_ctx *ctx, struct refs *refs, const char *text, char *out, size_t cap)
{
    mkt_rule *r = parse(ctx, text);
    char **names = NULL;
    size_t n = 99;
    int rc = mkt_rule_fields(r, ctx, refs ? resolve : NULL, refs, &names, &n);
    out[0] = 0;
    for (size_t i = 0; rc == MKT_OK && i < n; i++)
        snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? " " : "", names[i]);
    if (rc == MKT_OK)
        ck_assert_ptr_null(names[n]);
    mkt_free(names);
    mkt_rule_free(r);
    return rc;
}

START_TEST(test_fields)
{
    mkt_ctx *ctx = new_ctx();
    struct refs refs = {parse(ctx, "customer.tier = 'GOLD' and booking.count_12m > 2"),
                        parse(ctx, "customer.country = 'FR' or in segment 'Again'"),
                        parse(ctx, "in segment 'Loop'")};
    char got[256];
    /* Each once, in order of first appearance; aliases are their fields already. */
    ck_assert_int_eq(fields_of(ctx, &refs,
                               "customer.totalSpend >= 5000 and (customer.tier in ('A') or "
                               "not customer.tier is null) and in segment 'VIP'",
                               got, sizeof got),
                     MKT_OK);
    ck_assert_str_eq(got, "booking.spend_total customer.tier booking.count_12m");
    /* Without a resolver references are not followed. */
    ck_assert_int_eq(fields_of(ctx, NULL, "in segment 'VIP' or customer.age > 3", got,
                               sizeof got),
                     MKT_OK);
    ck_assert_str_eq(got, "customer.age");
    ck_assert_int_eq(fields_of(ctx, &refs, "in segment 'VIP' and in segment 'VIP'", got,
                               sizeof got),
                     MKT_OK);
    ck_assert_str_eq(got, "customer.tier booking.count_12m");
    ck_assert_int_eq(fields_of(ctx, &refs, "in segment 'Loop'", got, sizeof got),
                     MKT_ECONFLICT);
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->message, "segment 'Loop' refers to itself");
    ck_assert_int_eq(fields_of(ctx, &refs, "in segment 'Nope'", got, sizeof got), MKT_ENOTFOUND);
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->message, "unknown segment 'Nope'");
    ck_assert_int_eq(fields_of(ctx, &refs, "in segment 'Broken'", got, sizeof got), MKT_EIO);
    /* Argument errors. */
    char **names;
    size_t n;
    ck_assert_int_eq(mkt_rule_fields(refs.vip, NULL, NULL, NULL, &names, &n), MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_fields(NULL, ctx, NULL, NULL, &names, &n), MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_fields(refs.vip, ctx, NULL, NULL, NULL, &n), MKT_EINVAL);
    ck_assert_int_eq(mkt_rule_fields(refs.vip, ctx, NULL, NULL, &names, NULL), MKT_EINVAL);
    mkt_rule_free(refs.vip);
    mkt_rule_free(refs.loop);
    mkt_rule_free(refs.again);
    mkt_ctx_free(ctx);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rule");
    TCase *tc = tcase_create("rule");
    tcase_add_test(tc, test_normal_form);
    tcase_add_test(tc, test_precedence);
    tcase_add_test(tc, test_builder);
    tcase_add_test(tc, test_builder_errors);
    tcase_add_test(tc, test_op_names);
    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_parse_args);
    tcase_add_test(tc, test_fields);
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

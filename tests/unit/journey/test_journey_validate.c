/* SPDX-License-Identifier: MIT */
/*
 * Load-time checks: each kind of problem found at the line it is on, all problems reported
 * at once, registries (given: checked; absent: skipped), rules compiled against a customer
 * table, limits (nodes, depth, text), and the seed's journeys in examples/journeys/.
 */
#include <stdlib.h>

#include "jtest.h"

#define HEAD "<?xml version=\"1.0\"?>\n" NS_OPEN " id=\"t\">\n" /* lines 1 and 2 */

/* Load @xml; expect failure with an issue of @check at @line. */
static void expect(const char *xml, int32_t check, uint32_t line, int code)
{
    mkt_ctx *ctx = jt_ctx();
    mkt_journey_issues *is = NULL;
    ck_assert_int_eq(mkt_journey_issues_new(&is, ctx), MKT_OK);
    mkt_journey *j = NULL;
    int rc = jt_load(ctx, xml, NULL, is, &j);
    ck_assert_ptr_null(j);
    if (jt_find(is, check, line) < 0 || rc != code) {
        jt_dump(is);
        ck_abort_msg("expected %s at line %u (status %d), got status %d",
                     mkt_journey_check_name(check), (unsigned)line, code, rc);
    }
    mkt_journey_issues_free(is);
    mkt_ctx_free(ctx);
}

START_TEST(test_syntax)
{
    expect(HEAD "  <entry id=\"e\" manual=\"true\">\n</journey>\n", MKT_JOURNEY_CHECK_SYNTAX, 5,
           MKT_EPARSE); /* <entry> never closed: the parser notices at the end, line 5 */
    expect("<?xml version=\"1.0\"?>\n<!DOCTYPE j [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
           NS_OPEN " id=\"t\">&x;</journey>\n", MKT_JOURNEY_CHECK_SYNTAX, 2, MKT_EPARSE);
    expect(HEAD "  <entry id=\"e\" manual=\"true\"/>\n  <bogus/>\n</journey>\n",
           MKT_JOURNEY_CHECK_SYNTAX, 4, MKT_EPARSE);
    expect(HEAD "  <send id=\"s\" channel=\"fax\" template=\"t\"/>\n</journey>\n",
           MKT_JOURNEY_CHECK_SYNTAX, 3, MKT_EPARSE);
    expect("", MKT_JOURNEY_CHECK_SYNTAX, 0, MKT_EPARSE);
}
END_TEST

START_TEST(test_invalid_values)
{
    expect(HEAD "  <entry id=\"e\" event=\"E\" delay=\"1 hourz\"/>\n  <exit id=\"x\"/>\n"
           "</journey>\n", MKT_JOURNEY_CHECK_INVALID, 3, MKT_EINVAL);
    expect(HEAD "  <entry id=\"e\" manual=\"true\"/>\n  <wait id=\"w\" at=\"25:00\"/>\n"
           "  <exit id=\"x\"/>\n</journey>\n", MKT_JOURNEY_CHECK_INVALID, 4, MKT_EINVAL);
    expect(HEAD "  <entry id=\"e\" manual=\"true\"/>\n  <wait id=\"w\" date=\"2030-02-30\"/>\n"
           "  <exit id=\"x\"/>\n</journey>\n", MKT_JOURNEY_CHECK_INVALID, 4, MKT_EINVAL);
    expect(HEAD "  <entry id=\"e\" manual=\"true\"/>\n  <add-tag id=\"bad id\" tag=\"x\"/>\n"
           "  <exit id=\"x\"/>\n</journey>\n", MKT_JOURNEY_CHECK_INVALID, 4, MKT_EINVAL);
    expect("<?xml version=\"1.0\"?>\n" NS_OPEN " id=\"t\"\n zone=\"Nowhere\">\n"
           "<entry id=\"e\" manual=\"true\"/><exit id=\"x\"/></journey>\n",
           MKT_JOURNEY_CHECK_INVALID, 3, MKT_EINVAL); /* libxml2: where the start tag ends */
    expect(HEAD "  <entry id=\"e\" manual=\"true\"/>\n  <split id=\"s\">\n"
           "    <variant name=\"A\" weight=\"0\" next=\"x\"/>\n"
           "    <variant name=\"B\" weight=\"0\" next=\"x\"/>\n  </split>\n"
           "  <exit id=\"x\"/>\n</journey>\n", MKT_JOURNEY_CHECK_INVALID, 4, MKT_EINVAL);
}
END_TEST

START_TEST(test_duplicates_and_unknown_nodes)
{
    expect(HEAD "  <entry id=\"e\" manual=\"true\"/>\n  <exit id=\"x\"/>\n  <exit id=\"x\"/>\n"
           "</journey>\n", MKT_JOURNEY_CHECK_DUPLICATE, 5, MKT_EEXIST);
    expect(HEAD "  <entry id=\"e\" manual=\"true\"/>\n  <split id=\"s\">\n"
           "    <variant name=\"A\" weight=\"1\" next=\"x\"/>\n"
           "    <variant name=\"A\" weight=\"1\" next=\"x\"/>\n  </split>\n"
           "  <exit id=\"x\"/>\n</journey>\n", MKT_JOURNEY_CHECK_DUPLICATE, 6, MKT_EINVAL);
    expect(HEAD "  <entry id=\"e\" manual=\"true\" next=\"nowhere\"/>\n  <exit id=\"x\"/>\n"
           "</journey>\n", MKT_JOURNEY_CHECK_UNKNOWN_NODE, 3, MKT_ENOTFOUND);
    expect(HEAD "  <entry id=\"e\" manual=\"true\"/>\n  <decision id=\"d\">\n"
           "    <when event=\"E\" since=\"nowhere\" next=\"x\"/>\n"
           "    <otherwise next=\"x\"/>\n  </decision>\n  <exit id=\"x\"/>\n</journey>\n",
           MKT_JOURNEY_CHECK_UNKNOWN_NODE, 5, MKT_ENOTFOUND);
}
END_TEST

START_TEST(test_graph_checks)
{
    expect(HEAD "  <exit id=\"x\"/>\n</journey>\n", MKT_JOURNEY_CHECK_NO_ENTRY, 2, MKT_EINVAL);
    expect(HEAD "  <entry id=\"e\" manual=\"true\" next=\"x\"/>\n  <exit id=\"x\"/>\n"
           "  <add-tag id=\"lost\" tag=\"t\" next=\"x\"/>\n</journey>\n",
           MKT_JOURNEY_CHECK_UNREACHABLE, 5, MKT_EINVAL);
    /* a -> b -> a with no wait between; the cycle is reported at its first node */
    expect(HEAD "  <entry id=\"e\" manual=\"true\"/>\n  <add-tag id=\"a\" tag=\"t\"/>\n"
           "  <remove-tag id=\"b\" tag=\"t\" next=\"a\"/>\n</journey>\n",
           MKT_JOURNEY_CHECK_CYCLE, 4, MKT_EINVAL);
    expect(HEAD "  <entry id=\"e\" manual=\"true\"/>\n  <decision id=\"d\">\n"
           "    <when event=\"E\" next=\"x\"/>\n  </decision>\n  <exit id=\"x\"/>\n"
           "</journey>\n", MKT_JOURNEY_CHECK_NO_DEFAULT, 4, MKT_EINVAL);
    /* the last node falls off the end of the document */
    expect(HEAD "  <entry id=\"e\" manual=\"true\"/>\n  <add-tag id=\"a\" tag=\"t\"/>\n"
           "</journey>\n", MKT_JOURNEY_CHECK_MISSING_EXIT, 4, MKT_EINVAL);
    expect(HEAD "  <entry id=\"e\" manual=\"true\"/>\n  <split id=\"s\">\n"
           "    <variant name=\"A\" weight=\"1\" next=\"x\"/>\n  </split>\n"
           "  <exit id=\"x\"/>\n</journey>\n", MKT_JOURNEY_CHECK_MISSING_EXIT, 4, MKT_EINVAL);
}
END_TEST

START_TEST(test_cycle_with_wait_is_fine)
{
    /* a loop through a 1-day wait is a legitimate reminder cycle */
    const char *xml = HEAD "  <entry id=\"e\" manual=\"true\"/>\n"
                      "  <send id=\"s\" channel=\"email\" template=\"t\"/>\n"
                      "  <wait id=\"w\" duration=\"1 day\" next=\"s\"/>\n</journey>\n";
    mkt_ctx *ctx = jt_ctx();
    mkt_journey *j = NULL;
    ck_assert_int_eq(jt_load(ctx, xml, NULL, NULL, &j), MKT_OK);
    mkt_journey_free(j);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_never_fires)
{
    expect(HEAD "  <entry id=\"e\" event=\"E\"/>\n"
           "  <wait id=\"w\" event=\"OPENED\" timeout=\"0\" on-event=\"x\" on-timeout=\"x\"/>\n"
           "  <exit id=\"x\"/>\n</journey>\n", MKT_JOURNEY_CHECK_NEVER_FIRES, 4, MKT_EINVAL);
    expect("<?xml version=\"1.0\"?>\n" NS_OPEN " id=\"t\" max-duration=\"2 days\">\n"
           "  <entry id=\"e\" manual=\"true\"/>\n  <wait id=\"w\" duration=\"3 days\"/>\n"
           "  <exit id=\"x\"/>\n</journey>\n", MKT_JOURNEY_CHECK_NEVER_FIRES, 4, MKT_EINVAL);
    expect(HEAD "  <entry id=\"e\" manual=\"true\"/>\n"
           "  <wait id=\"w\" field=\"event.departure_date\"/>\n  <exit id=\"x\"/>\n"
           "</journey>\n", MKT_JOURNEY_CHECK_NEVER_FIRES, 4, MKT_EINVAL);
    expect(HEAD "  <entry id=\"e\" manual=\"true\"/>\n  <wait id=\"w\" date=\"2001-01-01\"/>\n"
           "  <exit id=\"x\"/>\n</journey>\n", MKT_JOURNEY_CHECK_NEVER_FIRES, 4, MKT_EINVAL);
}
END_TEST

/* A journey referring to one segment, template, offer and event each. */
static const char *refs_xml =
    HEAD "  <entry id=\"e\" segment=\"Gold Members\"/>\n"                               /* 3 */
    "  <send id=\"s\" channel=\"email\" template=\"tpl-1\" offer=\"OFF-1\"/>\n"         /* 4 */
    "  <wait id=\"w\" event=\"OPENED\" timeout=\"1 day\" on-event=\"x\" on-timeout=\"x\"/>\n"
    "  <exit id=\"x\"/>\n</journey>\n";

START_TEST(test_registries)
{
    mkt_ctx *ctx = jt_ctx();
    mkt_journey *j = NULL;
    /* no registry: nothing checked */
    ck_assert_int_eq(jt_load(ctx, refs_xml, NULL, NULL, &j), MKT_OK);
    mkt_journey_free(j);
    /* empty registries: all four unknown, each at its line, all reported */
    static const char *const none[] = {"nothing"};
    mkt_journey_options o;
    mkt_journey_options_init(&o);
    o.segments = none, o.nsegments = 1;
    o.templates = none, o.ntemplates = 1;
    o.offers = none, o.noffers = 1;
    o.events = none, o.nevents = 1;
    mkt_journey_issues *is = NULL;
    ck_assert_int_eq(mkt_journey_issues_new(&is, ctx), MKT_OK);
    ck_assert_int_eq(jt_load(ctx, refs_xml, &o, is, &j), MKT_ENOTFOUND);
    ck_assert_uint_eq(mkt_journey_issues_count(is), 4);
    ck_assert_int_ge(jt_find(is, MKT_JOURNEY_CHECK_UNKNOWN_SEGMENT, 3), 0);
    ck_assert_int_ge(jt_find(is, MKT_JOURNEY_CHECK_UNKNOWN_TEMPLATE, 4), 0);
    ck_assert_int_ge(jt_find(is, MKT_JOURNEY_CHECK_UNKNOWN_OFFER, 4), 0);
    ck_assert_int_ge(jt_find(is, MKT_JOURNEY_CHECK_UNKNOWN_EVENT, 5), 0);
    /* the context error names the first problem and counts the others */
    const char *msg = mkt_ctx_last_error(ctx)->message;
    ck_assert_msg(strstr(msg, "t.xml:3:") && strstr(msg, "unknown segment 'Gold Members'") &&
                      strstr(msg, "(and 3 more problems)"), "%s", msg);
    mkt_journey_issue issue = {sizeof issue, 0, 0, NULL, NULL, 0, 0, NULL, NULL};
    ck_assert_int_eq(mkt_journey_issues_get(is, 0, &issue), MKT_OK);
    ck_assert_str_eq(issue.node, "e");
    ck_assert_str_eq(issue.source, "t.xml");
    ck_assert_ptr_nonnull(issue.hint);
    ck_assert_int_eq(mkt_journey_issues_get(is, 4, &issue), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_journey_issues_get(NULL, 0, &issue), MKT_EINVAL);
    mkt_journey_issues_free(is);
    /* known names, and a segment known through the catalog */
    static const char *const tpl[] = {"tpl-1"}, *const off[] = {"OFF-1"}, *const ev[] = {"OPENED"};
    mkt_catalog *cat = NULL;
    ck_assert_int_eq(mkt_catalog_new(&cat, ctx), MKT_OK);
    mkt_segment_def sd;
    mkt_segment_def_init(&sd);
    sd.id = "gold", sd.name = "Gold Members", sd.rule = "customer.tier = 'GOLD'";
    ck_assert_int_eq(mkt_catalog_add(cat, &sd), MKT_OK);
    o.segments = NULL, o.catalog = cat;
    o.templates = tpl, o.offers = off, o.events = ev;
    ck_assert_int_eq(jt_load(ctx, refs_xml, &o, NULL, &j), MKT_OK);
    mkt_journey_free(j);
    mkt_catalog_free(cat);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_rules)
{
    /* a rule that does not parse: the line of its <when>, with the rule's column */
    expect(HEAD "  <entry id=\"e\" manual=\"true\"/>\n  <decision id=\"d\">\n"
           "    <when rule=\"customer.tier = = 'X'\" next=\"x\"/>\n"
           "    <otherwise next=\"x\"/>\n  </decision>\n  <exit id=\"x\"/>\n</journey>\n",
           MKT_JOURNEY_CHECK_RULE, 5, MKT_EPARSE);
    /* against a table: an unknown field in a rule and in a wait */
    mkt_ctx *ctx = jt_ctx();
    mkt_table *t = NULL;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    uint32_t col; /* a new table has the standard customer columns */
    ck_assert_int_eq(mkt_table_column_find(t, "tier", &col), MKT_OK);
    ck_assert_int_eq(mkt_table_column_find(t, "renewal", &col), MKT_ENOTFOUND);
    const char *xml = HEAD "  <entry id=\"e\" rule=\"customer.teir = 'GOLD'\"/>\n"
                      "  <wait id=\"w\" field=\"customer.renewal\"/>\n"
                      "  <exit id=\"x\"/>\n</journey>\n";
    mkt_journey_options o;
    mkt_journey_options_init(&o);
    o.schema = t;
    mkt_journey_issues *is = NULL;
    ck_assert_int_eq(mkt_journey_issues_new(&is, ctx), MKT_OK);
    mkt_journey *j = NULL;
    ck_assert_int_eq(jt_load(ctx, xml, &o, is, &j), MKT_ENOTFOUND);
    ck_assert_int_ge(jt_find(is, MKT_JOURNEY_CHECK_RULE, 3), 0);
    ck_assert_int_ge(jt_find(is, MKT_JOURNEY_CHECK_INVALID, 4), 0);
    mkt_journey_issues_free(is);
    /* without the schema both pass: rules are only parsed */
    o.schema = NULL;
    ck_assert_int_eq(jt_load(ctx, xml, &o, NULL, &j), MKT_OK);
    mkt_journey_free(j);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* A chain entry -> n1 -> ... -> n<count> -> exit of add-tag nodes. */
static char *chain_xml(unsigned count, size_t tag_len)
{
    size_t cap = 256 + count * (64 + tag_len);
    char *x = malloc(cap), *tag = malloc(tag_len + 1);
    ck_assert(x && tag);
    memset(tag, 'a', tag_len);
    tag[tag_len] = '\0';
    size_t at = (size_t)snprintf(x, cap, HEAD "<entry id=\"e\" manual=\"true\"/>\n");
    for (unsigned i = 0; i < count; i++)
        at += (size_t)snprintf(x + at, cap - at, "<add-tag id=\"n%u\" tag=\"%s\"/>\n", i, tag);
    snprintf(x + at, cap - at, "<exit id=\"x\"/>\n</journey>\n");
    free(tag);
    return x;
}

START_TEST(test_limits)
{
    mkt_ctx *ctx = jt_ctx();
    mkt_journey_options o;
    mkt_journey_options_init(&o);
    mkt_journey_issues *is = NULL;
    mkt_journey *j = NULL;
    /* 10 tags + entry + exit = 12 nodes; the exit is 11 steps from the entry */
    char *x = chain_xml(10, 4);
    o.max_nodes = 12, o.max_depth = 11;
    ck_assert_int_eq(jt_load(ctx, x, &o, NULL, &j), MKT_OK);
    mkt_journey_free(j);
    ck_assert_int_eq(mkt_journey_issues_new(&is, ctx), MKT_OK);
    o.max_nodes = 11, o.max_depth = 10;
    ck_assert_int_eq(jt_load(ctx, x, &o, is, &j), MKT_ETOOBIG);
    ck_assert_int_ge(jt_find(is, MKT_JOURNEY_CHECK_LIMIT, 2), 0);  /* nodes: journey line */
    ck_assert_int_ge(jt_find(is, MKT_JOURNEY_CHECK_LIMIT, 14), 0); /* depth: the exit */
    mkt_journey_issues_free(is);
    free(x);
    /* a 5000-byte tag against the 4096 default */
    x = chain_xml(1, 5000);
    mkt_journey_options_init(&o);
    ck_assert_int_eq(mkt_journey_issues_new(&is, ctx), MKT_OK);
    ck_assert_int_eq(jt_load(ctx, x, &o, is, &j), MKT_ETOOBIG);
    ck_assert_int_ge(jt_find(is, MKT_JOURNEY_CHECK_LIMIT, 4), 0);
    o.max_text = 5000;
    ck_assert_int_eq(jt_load(ctx, x, &o, NULL, &j), MKT_OK);
    mkt_journey_free(j);
    mkt_journey_issues_free(is);
    free(x);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_issue_cap)
{
    /* 1500 unreachable exits: 1500 problems, the first 1000 kept, all counted */
    size_t cap = 64 + 1500 * 32;
    char *x = malloc(cap);
    ck_assert_ptr_nonnull(x);
    size_t at = (size_t)snprintf(x, cap, HEAD "<entry id=\"e\" manual=\"true\" next=\"x0\"/>\n");
    for (unsigned i = 0; i <= 1500; i++)
        at += (size_t)snprintf(x + at, cap - at, "<exit id=\"x%u\"/>\n", i);
    snprintf(x + at, cap - at, "</journey>\n");
    mkt_ctx *ctx = jt_ctx();
    mkt_journey_options o;
    mkt_journey_options_init(&o);
    o.max_nodes = 2000;
    mkt_journey_issues *is = NULL;
    ck_assert_int_eq(mkt_journey_issues_new(&is, ctx), MKT_OK);
    mkt_journey *j = NULL;
    ck_assert_int_eq(jt_load(ctx, x, &o, is, &j), MKT_EINVAL);
    ck_assert_uint_eq(mkt_journey_issues_count(is), 1000);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "(and 1499 more problems)"));
    mkt_journey_issues_free(is);
    mkt_ctx_free(ctx);
    free(x);
}
END_TEST

START_TEST(test_load_errors)
{
    mkt_ctx *ctx = jt_ctx();
    mkt_journey *j = NULL;
    ck_assert_int_eq(mkt_journey_load_xml_file(&j, ctx, "/nonexistent/j.xml", NULL), MKT_EIO);
    ck_assert_int_eq(mkt_journey_load_xml_file(&j, ctx, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_load_xml_memory(&j, NULL, "", 0, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_load_xml_memory(NULL, ctx, "", 0, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_load_xml_memory(&j, ctx, "x", (size_t)17 << 20, NULL, NULL),
                     MKT_ETOOBIG);
    ck_assert_int_eq(mkt_journey_issues_new(NULL, ctx), MKT_EINVAL);
    ck_assert_uint_eq(mkt_journey_issues_count(NULL), 0);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_seed_examples)
{
    static const char *const files[] = {"abandoned-cart", "post-booking", "welcome-series",
                                        "birthday", "win-back", "welcome-opened"};
    static const char *const templates[] = {
        "abandoned-cart-1", "abandoned-cart-2", "abandoned-cart-sms", "booking-confirmation",
        "ancillary-upsell", "seat-selection-push", "pre-departure", "welcome-1",
        "welcome-2-app", "welcome-3-loyalty", "welcome-4-offer", "welcome-5-survey",
        "birthday-offer", "winback-1", "winback-2", "winback-3-final", "welcome",
        "app-download", "re-engage"};
    static const char *const events[] = {"CART_ABANDONED", "BOOKING_COMPLETED", "SEAT_SELECTED",
                                         "FIRST_BOOKING", "EMAIL_OPENED"};
    static const char *const offers[] = {"CART10", "WELCOME10", "BDAY15", "WINBACK20",
                                         "WINBACK25"};
    const char *root = getenv("MKT_SOURCE_ROOT");
    ck_assert_ptr_nonnull(root);
    mkt_ctx *ctx = jt_ctx();
    mkt_catalog *cat = NULL;
    ck_assert_int_eq(mkt_catalog_builtin(&cat, ctx), MKT_OK);
    mkt_journey_options o;
    mkt_journey_options_init(&o);
    o.catalog = cat;
    o.templates = templates, o.ntemplates = sizeof templates / sizeof templates[0];
    o.events = events, o.nevents = sizeof events / sizeof events[0];
    o.offers = offers, o.noffers = sizeof offers / sizeof offers[0];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/examples/journeys/%s.xml", root, files[i]);
        mkt_journey *j = NULL;
        int rc = mkt_journey_load_xml_file(&j, ctx, path, &o);
        ck_assert_msg(rc == MKT_OK, "%s", mkt_ctx_last_error(ctx)->message);
        mkt_journey_def d = MKT_JOURNEY_DEF_INIT;
        ck_assert_int_eq(mkt_journey_get(j, &d), MKT_OK);
        ck_assert_str_eq(d.id, files[i]);
        mkt_journey_free(j);
    }
    mkt_catalog_free(cat);
    mkt_ctx_free(ctx);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("journey-validate");
    TCase *tc = tcase_create("validate");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_syntax);
    tcase_add_test(tc, test_invalid_values);
    tcase_add_test(tc, test_duplicates_and_unknown_nodes);
    tcase_add_test(tc, test_graph_checks);
    tcase_add_test(tc, test_cycle_with_wait_is_fine);
    tcase_add_test(tc, test_never_fires);
    tcase_add_test(tc, test_registries);
    tcase_add_test(tc, test_rules);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_issue_cap);
    tcase_add_test(tc, test_load_errors);
    tcase_add_test(tc, test_seed_examples);
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

/* SPDX-License-Identifier: MIT */
/*
 * Allocation-failure injection: loading a journey (good and broken ones, so the issue list
 * and the error paths are covered too), building one, and drawing it; every run returns
 * MKT_OK or MKT_ENOMEM (the expected failure status for the broken file) and leaks nothing.
 * libxml2 allocates through its own allocator, so only the library's allocations fail here.
 */
#include <stdlib.h>

#include "failalloc.h"
#include "jtest.h"

static const char *good_xml =
    "<?xml version=\"1.0\"?>\n" NS_OPEN " id=\"g\" reentry=\"allowed\" max-duration=\"9 days\">\n"
    "  <goal id=\"won\" event=\"BOOKED\"/>\n"
    "  <entry id=\"e\" event=\"CART\" delay=\"1 hour\"/>\n"
    "  <send id=\"s\" channel=\"email\" template=\"t\" subject=\"Hi\">\n"
    "    <context name=\"a\" value=\"b\"/>\n  </send>\n"
    "  <wait id=\"w\" event=\"OPENED\" timeout=\"1 day\" on-event=\"d\" on-timeout=\"sp\"/>\n"
    "  <decision id=\"d\">\n    <when rule=\"customer.tier = 'GOLD'\" next=\"x\"/>\n"
    "    <when event=\"OPENED\" since=\"s\" next=\"x\"/>\n    <otherwise next=\"x\"/>\n"
    "  </decision>\n"
    "  <split id=\"sp\">\n    <variant name=\"A\" weight=\"1\" next=\"x\"/>\n"
    "    <variant name=\"B\" weight=\"1\" next=\"x\"/>\n  </split>\n"
    "  <exit id=\"x\"/>\n</journey>\n";

/* unreachable node, no default, unknown template, bad duration: four problems */
static const char *bad_xml =
    "<?xml version=\"1.0\"?>\n" NS_OPEN " id=\"b\">\n"
    "  <entry id=\"e\" manual=\"true\"/>\n"
    "  <decision id=\"d\">\n    <when event=\"E\" next=\"x\"/>\n  </decision>\n"
    "  <send id=\"lost\" channel=\"sms\" template=\"nope\" next=\"x\"/>\n"
    "  <exit id=\"x\"/>\n</journey>\n";

static int load_scenario(failalloc *fa, void *arg)
{
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    static const char *const templates[] = {"t"};
    mkt_journey_options o;
    mkt_journey_options_init(&o);
    o.templates = templates, o.ntemplates = 1;
    mkt_journey_issues *is = NULL;
    rc = mkt_journey_issues_new(&is, ctx);
    mkt_journey *j = NULL;
    if (rc == MKT_OK) {
        o.issues = is;
        rc = mkt_journey_load_xml_memory(&j, ctx, arg, strlen(arg), "a.xml", &o);
    }
    char *text = NULL;
    if (rc == MKT_OK)
        rc = mkt_journey_format(j, ctx, &text);
    mkt_free(text);
    mkt_journey_free(j);
    mkt_journey_issues_free(is);
    mkt_ctx_free(ctx);
    /* the broken file fails with its first problem's status when memory holds */
    return arg == bad_xml && rc == MKT_EINVAL ? MKT_OK : rc;
}

static int build_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_journey_def jd;
    mkt_journey_def_init(&jd);
    jd.id = "b";
    mkt_journey_builder *b = NULL;
    rc = mkt_journey_builder_new(&b, ctx, &jd);
    mkt_journey_node_def n;
    mkt_journey_node_def_init(&n);
    n.type = MKT_JOURNEY_ENTRY, n.kind = MKT_JOURNEY_ENTRY_SEGMENT, n.id = "e";
    n.rule = "customer.tier = 'GOLD'";
    if (rc == MKT_OK)
        rc = mkt_journey_builder_add_node(b, &n, NULL);
    mkt_journey_node_def_init(&n);
    n.type = MKT_JOURNEY_EXIT, n.id = "x";
    if (rc == MKT_OK)
        rc = mkt_journey_builder_add_node(b, &n, NULL);
    mkt_journey_edge_def e;
    mkt_journey_edge_def_init(&e);
    e.from = 0, e.to = 1, e.port = MKT_JOURNEY_PORT_NEXT;
    if (rc == MKT_OK)
        rc = mkt_journey_builder_connect(b, &e);
    mkt_journey *j = NULL;
    if (rc == MKT_OK)
        rc = mkt_journey_builder_finish(b, NULL, &j);
    mkt_journey_free(j);
    mkt_journey_builder_free(b);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(test_alloc_load)
{
    failalloc_run(load_scenario, (void *)good_xml);
    failalloc_run(load_scenario, (void *)bad_xml);
}
END_TEST

START_TEST(test_alloc_build)
{
    failalloc_run(build_scenario, NULL);
    failalloc_run_sticky(build_scenario, NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("journey-alloc");
    TCase *tc = tcase_create("alloc");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_alloc_load);
    tcase_add_test(tc, test_alloc_build);
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

/* SPDX-License-Identifier: MIT */
/*
 * The journey engine's API edges: argument and option errors, journeys the engine refuses
 * (naming the node), and decisions on profile rules read from a customers table.
 */
#include "etest.h"

#define T0 INT64_C(1800000000) /* 2027-01-15 08:00 UTC */

START_TEST(argument_errors)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load_file(h.ctx, "abandoned-cart.xml");
    const mkt_journey *two[2] = { j, j };
    mkt_journey_engine *e = NULL;
    mkt_journey_engine_options o;
    ck_assert_int_eq(mkt_journey_engine_options_init(NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_engine_options_init(&o), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_new(NULL, h.ctx, two, 1, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_engine_new(&e, NULL, two, 1, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, two, 0, NULL), MKT_EINVAL);
    et_promo(&h, &o);
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, two, 2, &o), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(h.ctx)->message, "given twice"));
    o.max_attempts = 0;
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, two, 1, &o), MKT_EINVAL);
    mkt_journey_engine_options_init(&o);
    o.retry_delay = 0;
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, two, 1, &o), MKT_EINVAL);
    mkt_journey_engine_options_init(&o);
    o.message_class = 9;
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, two, 1, &o), MKT_EINVAL);
    ck_assert_ptr_null(e);

    e = et_engine(&h, j);
    char longid[300];
    memset(longid, 'x', 257);
    longid[257] = '\0';
    ck_assert_int_eq(mkt_journey_engine_event(e, "", "CART_ABANDONED", T0), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_engine_event(e, longid, "CART_ABANDONED", T0), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_engine_event(e, "a\x01", "CART_ABANDONED", T0), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_engine_event(e, "a\xff", "CART_ABANDONED", T0), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_engine_event(e, NULL, "CART_ABANDONED", T0), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "", T0), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_engine_event(NULL, "C1", "X", T0), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0 - 1), MKT_ERANGE);
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 - 1, NULL), MKT_ERANGE);
    ck_assert_int_eq(mkt_journey_engine_advance(NULL, T0, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "nope", "C1", T0, NULL), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_journey_engine_enter(e, NULL, "C1", T0, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_engine_enter(NULL, "x", "C1", T0, NULL), MKT_EINVAL);
    mkt_journey_node_counts c = { 0 };
    ck_assert_int_eq(mkt_journey_engine_counts(e, "abandoned-cart", 0, &c), MKT_EINVAL);
    c.struct_size = sizeof c;
    ck_assert_int_eq(mkt_journey_engine_counts(e, "abandoned-cart", 999, &c), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_journey_engine_counts(e, "nope", 0, &c), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_journey_engine_counts(NULL, "x", 0, &c), MKT_EINVAL);
    uint64_t t;
    ck_assert_int_eq(mkt_journey_engine_edge_count(e, "abandoned-cart", 999, &t), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_journey_engine_edge_count(e, "abandoned-cart", 0, NULL), MKT_EINVAL);
    mkt_journey_instance in = { 0, 0, 0, 0, 0, 0, 0 };
    ck_assert_int_eq(mkt_journey_engine_instance(e, "abandoned-cart", "C1", &in), MKT_EINVAL);
    in.struct_size = sizeof in;
    ck_assert_int_eq(mkt_journey_engine_instance(e, "nope", "C1", &in), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_journey_engine_instance(e, "abandoned-cart", "", &in), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_engine_next_due(e, NULL), MKT_EINVAL);
    mkt_journey_engine_free(e);
    mkt_journey_engine_free(NULL);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

static const char *rule_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"r\">\n"
    "  <entry id=\"e\" manual=\"true\"/>\n"
    "  <decision id=\"d\">\n    <when rule=\"customer.tier = 'GOLD'\" next=\"gold\"/>\n"
    "    <otherwise next=\"other\"/>\n  </decision>\n"
    "  <send id=\"gold\" channel=\"email\" template=\"t-gold\" next=\"x\"/>\n"
    "  <send id=\"other\" channel=\"email\" template=\"t-other\" next=\"x\"/>\n"
    "  <exit id=\"x\"/>\n</journey>\n";

START_TEST(decision_on_profile_rule)
{
    et_host h;
    et_init(&h);
    mkt_table *t = NULL;
    uint32_t tier;
    uint64_t row;
    ck_assert_int_eq(mkt_table_new(&t, h.ctx), MKT_OK);
    ck_assert_int_eq(mkt_table_column_find(t, "tier", &tier), MKT_OK);
    ck_assert_int_eq(mkt_table_add_customer(t, "G", 1, &row), MKT_OK);
    ck_assert_int_eq(mkt_table_set_string(t, tier, row, "GOLD", 4), MKT_OK);
    ck_assert_int_eq(mkt_table_add_customer(t, "S", 1, &row), MKT_OK);
    ck_assert_int_eq(mkt_table_set_string(t, tier, row, "SILVER", 6), MKT_OK);
    mkt_journey_options jo;
    mkt_journey_options_init(&jo);
    jo.schema = t;
    mkt_journey *j = NULL;
    ck_assert_int_eq(mkt_journey_load_xml_memory(&j, h.ctx, rule_xml, strlen(rule_xml), "r.xml",
                                                 &jo), MKT_OK);
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    o.customers = t;
    mkt_journey_engine *e = NULL;
    const mkt_journey *js[1] = { j };
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, &o), MKT_OK);
    /* G is GOLD, S is SILVER, U has no row: only G takes the rule's branch */
    ck_assert_int_eq(mkt_journey_engine_enter(e, "r", "G", T0, NULL), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "r", "S", T0, NULL), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "r", "U", T0, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 3);
    ck_assert_str_eq(h.sent[0].template_id, "t-gold");
    ck_assert_str_eq(h.sent[1].template_id, "t-other");
    ck_assert_str_eq(h.sent[2].template_id, "t-other");
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    /* loaded without a schema: refused even with the table */
    ck_assert_int_eq(mkt_journey_load_xml_memory(&j, h.ctx, rule_xml, strlen(rule_xml), "r.xml",
                                                 NULL), MKT_OK);
    js[0] = j;
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, &o), MKT_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(h.ctx)->message, "without a schema"));
    mkt_journey_free(j);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

START_TEST(unsupported_nodes_are_refused_by_name)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, rule_xml);
    const mkt_journey *js[1] = { j };
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, NULL), MKT_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(h.ctx)->message, "node d"));
    mkt_journey_free(j);
    /* A tag action needs a host callback the engine does not have: refused, not skipped. */
    static const char *tag_xml =
        "<?xml version=\"1.0\"?>\n"
        "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"tg\">\n"
        "  <entry id=\"e\" manual=\"true\"/>\n"
        "  <add-tag id=\"t\" tag=\"vip\" next=\"x\"/>\n"
        "  <exit id=\"x\"/>\n"
        "</journey>\n";
    j = et_load(h.ctx, tag_xml);
    js[0] = j;
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, NULL), MKT_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(h.ctx)->message, "node t"));
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("journey_engine_api");
    TCase *tc = tcase_create("api");
    tcase_add_test(tc, argument_errors);
    tcase_add_test(tc, unsupported_nodes_are_refused_by_name);
    tcase_add_test(tc, decision_on_profile_rule);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

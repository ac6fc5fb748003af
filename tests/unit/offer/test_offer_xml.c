/* SPDX-License-Identifier: MIT */
/*
 * Offer definitions in XML: a full document decides like the same offer built through the C
 * API; schema, meaning and XML errors name the line; DOCTYPE is refused; a failed load leaves
 * the catalogue unchanged; segment-rule eligibility (compile, match, not compiled, no
 * profile).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_offer_util.h"

#define HEAD "<?xml version=\"1.0\"?>\n<offers xmlns=\"https://libmarketing.dev/ns/offers/1\">\n"

static const char summer_xml[] =
    HEAD
    "  <offer id=\"summer\" currency=\"USD\" stackable=\"true\" priority=\"3\"\n"
    "         reservation-ttl=\"600\">\n"
    "    <description>Summer sale</description>\n"
    "    <discount percent=\"15\" cap=\"50.00\"/>\n"
    "    <min-purchase>100.00</min-purchase>\n"
    "    <booking-window from=\"2026-06-01\" to=\"2026-08-31\"/>\n"
    "    <travel-window from=\"2026-06-15\" to=\"2026-09-30\"/>\n"
    "    <blackout from=\"2026-07-01\" to=\"2026-07-04\"/>\n"
    "    <routes><include>JFK-*</include><exclude>JFK-LAX</exclude></routes>\n"
    "    <fare-classes><include>Y</include><include>M</include><exclude>M</exclude>"
    "</fare-classes>\n"
    "    <limits total=\"100\" per-customer=\"1\" budget=\"500.00\"/>\n"
    "    <combine-with>gold</combine-with>\n"
    "    <code>SUMMER24</code>\n"
    "  </offer>\n"
    "  <offer id=\"gold\" currency=\"USD\">\n"
    "    <discount amount=\"20\"/>\n"
    "    <eligible><segment>customer.tier = 'GOLD'</segment></eligible>\n"
    "    <code>GOLD-20</code>\n"
    "    <code customer=\"C7\">GOLD-C7</code>\n"
    "  </offer>\n"
    "</offers>\n";

static mkt_ctx *new_ctx(void)
{
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    return ctx;
}

START_TEST(test_full_document)
{
    mkt_ctx *ctx = new_ctx();
    mkt_offers *set = NULL;
    mkt_offer_result *r = NULL;
    ok(ctx, mkt_offers_new(&set, ctx));
    ok(ctx, mkt_offer_result_new(&r, ctx));
    ok(ctx, mkt_offers_load_xml_memory(set, summer_xml, strlen(summer_xml), "summer.xml"));
    ck_assert_uint_eq(mkt_offers_count(set), 2);
    /* The same decisions as the C-API reference offer (test_offer_rules.c). */
    mkt_offer_booking b = ref_booking();
    ok(ctx, mkt_offers_validate(set, ctx, "SUMMER24", &b, r));
    ck_assert_int_eq(mkt_offer_result_discount(r), 3000);
    b.booking_date = D("2026-09-15");
    b.travel_date = D("2026-07-02");
    b.route = "JFK-LAX";
    b.fare_class = "M";
    b.amount = 5000;
    ok(ctx, mkt_offers_validate(set, ctx, "SUMMER24", &b, r));
    int32_t want[] = {MKT_OFFER_REASON_EXPIRED, MKT_OFFER_REASON_BLACKOUT,
                      MKT_OFFER_REASON_ROUTE_EXCLUDED, MKT_OFFER_REASON_FARE_EXCLUDED,
                      MKT_OFFER_REASON_MIN_PURCHASE};
    ck_assert_uint_eq(mkt_offer_result_reason_count(r), 5);
    for (size_t i = 0; i < 5; i++)
        ck_assert_int_eq(mkt_offer_result_reason(r, i), want[i]);
    /* Limits came through: per-customer 1. */
    b = ref_booking();
    ok(ctx, mkt_offers_reserve(set, ctx, "SUMMER24", &b, r));
    ck_assert_int_eq(mkt_offer_result_valid(r), 1);
    b.booking_id = "B2";
    ok(ctx, mkt_offers_reserve(set, ctx, "SUMMER24", &b, r));
    ck_assert_int_eq(mkt_offer_result_reason(r, 0), MKT_OFFER_REASON_LIMIT_PER_CUSTOMER);
    /* A second load of the same file: duplicate ids, nothing added. */
    ck_assert_int_eq(mkt_offers_load_xml_memory(set, summer_xml, strlen(summer_xml), NULL),
                     MKT_EEXIST);
    ck_assert_uint_eq(mkt_offers_count(set), 2);
    mkt_offer_result_free(r);
    mkt_offers_free(set);
    mkt_ctx_free(ctx);
}
END_TEST

/* Loading @xml fails with @code and a message containing @where and @what. */
static void load_fails(const char *xml, int code, const char *where, const char *what)
{
    mkt_ctx *ctx = new_ctx();
    mkt_offers *set = NULL;
    ok(ctx, mkt_offers_new(&set, ctx));
    ck_assert_int_eq(mkt_offers_load_xml_memory(set, xml, strlen(xml), "t.xml"), code);
    const char *msg = mkt_ctx_last_error(ctx)->message;
    ck_assert_msg(strstr(msg, where) && strstr(msg, what), "message: %s", msg);
    ck_assert_uint_eq(mkt_offers_count(set), 0);
    mkt_offers_free(set);
    mkt_ctx_free(ctx);
}

START_TEST(test_errors_name_the_line)
{
    /* Schema: no <discount>. */
    load_fails(HEAD "<offer id=\"a\">\n<code>A</code>\n</offer></offers>", MKT_EPARSE, "t.xml:",
               "offer schema");
    /* Meaning: a date that does not exist, on line 4. */
    load_fails(HEAD "<offer id=\"a\" currency=\"USD\">\n<discount amount=\"1\"/>\n"
                    "<booking-window from=\"2026-02-30\"/>\n<code>A</code></offer></offers>",
               MKT_EPARSE, "t.xml:5:", "not a date");
    /* JPY has no minor unit: 10.5 is not an amount of it. */
    load_fails(HEAD "<offer id=\"a\" currency=\"JPY\">\n<discount amount=\"10.5\"/>\n"
                    "<code>A</code></offer></offers>",
               MKT_EPARSE, "t.xml:4:", "not an amount of JPY");
    /* An amount without currency. */
    load_fails(HEAD "<offer id=\"a\">\n<discount amount=\"10\"/>\n<code>A</code></offer></offers>",
               MKT_EPARSE, "t.xml:4:", "needs the offer's currency");
    /* A window backwards. */
    load_fails(HEAD "<offer id=\"a\" currency=\"USD\">\n<discount amount=\"1\"/>\n"
                    "<travel-window from=\"2026-02-03\" to=\"2026-02-01\"/>\n"
                    "<code>A</code></offer></offers>",
               MKT_EPARSE, "t.xml:5:", "starts after it ends");
    /* Percent over 100. */
    load_fails(HEAD "<offer id=\"a\">\n<discount percent=\"100.01\"/>\n<code>A</code></offer>"
                    "</offers>",
               MKT_EPARSE, "t.xml:4:", "0.01..100");
    /* A rule that does not parse. */
    load_fails(HEAD "<offer id=\"a\">\n<discount percent=\"5\"/>\n<eligible><segment>tier ==="
                    "</segment></eligible>\n<code>A</code></offer></offers>",
               MKT_EPARSE, "t.xml:5:", "");
    /* Two offers share a code: EEXIST, and the first offer is not kept either. */
    load_fails(HEAD "<offer id=\"a\"><discount percent=\"5\"/><code>A-1</code></offer>\n"
                    "<offer id=\"b\"><discount percent=\"5\"/><code>a1</code></offer></offers>",
               MKT_EEXIST, "t.xml:4:", "already belongs to offer a");
    /* DOCTYPE and malformed XML. */
    load_fails("<?xml version=\"1.0\"?>\n<!DOCTYPE offers [<!ENTITY x SYSTEM \"/etc/passwd\">]>"
               "<offers/>",
               MKT_EPARSE, "t.xml:2:", "DOCTYPE");
    load_fails(HEAD "<offer id=\"a\">\n</offers>", MKT_EPARSE, "t.xml:", "malformed XML");
}
END_TEST

START_TEST(test_file_and_args)
{
    mkt_ctx *ctx = new_ctx();
    mkt_offers *set = NULL;
    ok(ctx, mkt_offers_new(&set, ctx));
    ck_assert_int_eq(mkt_offers_load_xml_file(set, "/nonexistent/offers.xml"), MKT_EIO);
    char path[] = "/tmp/offers-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, summer_xml, strlen(summer_xml)), (ssize_t)strlen(summer_xml));
    close(fd);
    ok(ctx, mkt_offers_load_xml_file(set, path));
    unlink(path);
    ck_assert_uint_eq(mkt_offers_count(set), 2);
    ck_assert_int_eq(mkt_offers_load_xml_file(NULL, path), MKT_EINVAL);
    ck_assert_int_eq(mkt_offers_load_xml_file(set, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_offers_load_xml_memory(set, NULL, 0, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_offers_load_xml_memory(NULL, "", 0, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_offers_load_xml_memory(set, "", (size_t)65 << 20, NULL), MKT_ETOOBIG);
    mkt_offers_free(set);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_segment_eligibility)
{
    mkt_ctx *ctx = new_ctx();
    mkt_offers *set = NULL;
    mkt_offer_result *r = NULL;
    mkt_table *t = NULL;
    mkt_record *rec = NULL;
    ok(ctx, mkt_offers_new(&set, ctx));
    ok(ctx, mkt_offer_result_new(&r, ctx));
    ok(ctx, mkt_offers_load_xml_memory(set, summer_xml, strlen(summer_xml), NULL));
    mkt_offer_booking b = ref_booking();
    /* Not compiled yet: a host error, not a decision. */
    ck_assert_int_eq(mkt_offers_validate(set, ctx, "GOLD20", &b, r), MKT_ESTATE);
    ok(ctx, mkt_table_new(&t, ctx));
    ok(ctx, mkt_offers_compile(set, t));
    ok(ctx, mkt_record_new(&rec, ctx, t));
    /* No profile given. */
    ok(ctx, mkt_offers_validate(set, ctx, "GOLD20", &b, r));
    ck_assert_int_eq(mkt_offer_result_reason(r, 0), MKT_OFFER_REASON_NOT_ELIGIBLE);
    b.customer = rec;
    ok(ctx, mkt_record_set_string(rec, "customer.tier", "SILVER", 6));
    ok(ctx, mkt_offers_validate(set, ctx, "GOLD20", &b, r));
    ck_assert_int_eq(mkt_offer_result_reason(r, 0), MKT_OFFER_REASON_NOT_ELIGIBLE);
    ok(ctx, mkt_record_set_string(rec, "customer.tier", "GOLD", 4));
    ok(ctx, mkt_offers_validate(set, ctx, "GOLD20", &b, r));
    ck_assert_int_eq(mkt_offer_result_valid(r), 1);
    ck_assert_int_eq(mkt_offer_result_discount(r), 2000);
    /* The bound code of the same offer: segment and binding both hold for C7 only. */
    ok(ctx, mkt_offers_validate(set, ctx, "GOLDC7", &b, r));
    ck_assert_int_eq(mkt_offer_result_reason(r, 0), MKT_OFFER_REASON_NOT_ELIGIBLE);
    b.customer_id = "C7";
    ok(ctx, mkt_offers_validate(set, ctx, "GOLDC7", &b, r));
    ck_assert_int_eq(mkt_offer_result_valid(r), 1);
    ck_assert_int_eq(mkt_offers_compile(set, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_offers_compile(NULL, t), MKT_EINVAL);
    mkt_record_free(rec);
    mkt_table_free(t);
    mkt_offer_result_free(r);
    mkt_offers_free(set);
    mkt_ctx_free(ctx);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("offer_xml");
    TCase *tc = tcase_create("xml");
    tcase_add_test(tc, test_full_document);
    tcase_add_test(tc, test_errors_name_the_line);
    tcase_add_test(tc, test_file_and_args);
    tcase_add_test(tc, test_segment_eligibility);
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

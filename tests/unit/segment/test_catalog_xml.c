/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of XML segment definitions: good files (text rules and structured criteria, the
 * brief's SegmentCriteria example verbatim), schema violations and malformed XML with their
 * lines, bad rules with the rule's line in the file, duplicates, all-or-nothing loading,
 * external entities refused without reading the file, the shipped schema equal to
 * data/segments.rng, and doc/segments.md agreeing with the built-in catalog.
 */
#include <unistd.h>

#include "failalloc.h"
#include "seg-test.h"

#define HEAD "<segments xmlns=\"https://libmarketing.dev/ns/segments/1\">\n"

static mkt_catalog *empty(mkt_ctx *ctx)
{
    mkt_catalog *c = NULL;
    ck_assert_int_eq(mkt_catalog_new(&c, ctx), MKT_OK);
    return c;
}

static int load(mkt_catalog *c, const char *xml)
{
    return mkt_catalog_load_xml_memory(c, xml, strlen(xml), "defs.xml");
}

/* Load @xml expecting failure @code at @line; the catalog must stay as it was. */
static void load_fails(const char *xml, int code, uint64_t line, const char *needle)
{
    mkt_ctx *ctx = new_ctx();
    mkt_catalog *c = empty(ctx);
    int rc = load(c, xml);
    const mkt_error *e = mkt_ctx_last_error(ctx);
    ck_assert_msg(rc == code, "rc %d: %s", rc, e->message);
    ck_assert_msg(e->line == line, "line %llu: %s", (unsigned long long)e->line, e->message);
    ck_assert_msg(strstr(e->message, needle) != NULL, "'%s' not in: %s", needle, e->message);
    ck_assert_msg(strncmp(e->message, "defs.xml:", 9) == 0, "%s", e->message);
    ck_assert_msg(strchr(e->message, '\n') == NULL, "one-line message: '%s'", e->message);
    ck_assert_uint_eq(mkt_catalog_count(c), 0);
    mkt_catalog_free(c);
    mkt_ctx_free(ctx);
}

static const char good[] =
    HEAD
    "  <segment id=\"gold\" name=\"Gold &amp; Platinum\" category=\"Special\">\n"
    "    <description>Top tiers.</description>\n"
    "    <rule>customer.tier in ('GOLD', 'PLATINUM')</rule>\n"
    "  </segment>\n"
    "  <segment id=\"later\" name=\"Later\">\n"
    "    <unavailable>needs the RFM module</unavailable>\n"
    "    <rule>rfm.segment = 'Champions'</rule>\n"
    "  </segment>\n"
    "  <segment id=\"mixed\" name=\"Mixed\">\n"
    "    <criteria logic=\"OR\">\n"
    "      <condition field=\"customer.email\" operator=\"ENDS_WITH\" value=\"@X.COM\""
    " case=\"insensitive\"/>\n"
    "      <criteria logic=\"AND\">\n"
    "        <condition field=\"booking.count_12m\" operator=\"BETWEEN\">"
    "<value>1</value><value>9.5</value></condition>\n"
    "        <condition field=\"customer.signup_date\" operator=\"&gt;=\" value=\"today - 30 days\"/>\n"
    "        <condition field=\"customer.loyalty_member\" operator=\"EQUALS\" value=\"true\"/>\n"
    "        <condition field=\"customer.phone\" operator=\"IS_NULL\"/>\n"
    "        <condition field=\"customer.first_name\" operator=\"not_in\" type=\"string\">"
    "<value>123</value></condition>\n"
    "      </criteria>\n"
    "    </criteria>\n"
    "  </segment>\n"
    "</segments>\n";

START_TEST(good_file)
{
    mkt_ctx *ctx = new_ctx();
    mkt_catalog *c = empty(ctx);
    ck_assert_msg(load(c, good) == MKT_OK, "%s", mkt_ctx_last_error(ctx)->message);
    ck_assert_uint_eq(mkt_catalog_count(c), 3);
    mkt_segment_def d = MKT_SEGMENT_DEF_INIT;
    ck_assert_int_eq(mkt_catalog_get(c, 0, &d), MKT_OK);
    ck_assert_str_eq(d.id, "gold");
    ck_assert_str_eq(d.name, "Gold & Platinum");
    ck_assert_str_eq(d.category, "Special");
    ck_assert_str_eq(d.description, "Top tiers.");
    ck_assert_str_eq(d.rule, "customer.tier in ('GOLD', 'PLATINUM')");
    ck_assert_ptr_null(d.unavailable);
    ck_assert_str_eq(d.source, "defs.xml");
    ck_assert_int_eq(mkt_catalog_get(c, 1, &d), MKT_OK);
    ck_assert_str_eq(d.unavailable, "needs the RFM module");
    ck_assert_ptr_null(d.category);
    ck_assert_int_eq(mkt_catalog_get(c, 2, &d), MKT_OK);
    mkt_rule *want = parse_ok(ctx, "customer.email ends with '@X.COM' ci or "
                                   "(booking.count_12m between 1 and 9.5 and "
                                   "customer.signup_date >= today - 30 days and "
                                   "customer.loyalty_member = true and customer.phone is null "
                                   "and customer.first_name not in ('123'))");
    ck_assert_msg(mkt_rule_equal(want, mkt_catalog_rule(c, 2)), "got %s", d.rule);
    mkt_rule_free(want);
    /* It compiles against a table with those columns. */
    mkt_table *t = new_table(ctx, 2);
    mkt_segment *s = NULL;
    ck_assert_int_eq(mkt_catalog_compile(&s, ctx, c, "mixed", t, NULL), MKT_OK);
    mkt_segment_free(s);
    mkt_table_free(t);
    /* Loading the same file again: duplicates of what is there, nothing added. */
    ck_assert_int_eq(load(c, good), MKT_EEXIST);
    ck_assert_uint_eq(mkt_catalog_count(c), 3);
    mkt_catalog_free(c);
    mkt_ctx_free(ctx);
}
END_TEST

/* The product brief's SegmentCriteria example, as it is written there. */
static const char seed[] =
    HEAD
    "  <segment id=\"hv-frequent-business\" name=\"High-value frequent business travelers\">\n"
    "    <criteria logic=\"AND\">\n"
    "      <condition field=\"customer.totalSpend\" operator=\">=\" value=\"5000\"/>\n"
    "      <condition field=\"booking.frequency\" operator=\">=\" value=\"10\"/>\n"
    "      <condition field=\"booking.cabinClass\" operator=\"IN\">\n"
    "        <value>BUSINESS</value><value>FIRST</value>\n"
    "      </condition>\n"
    "      <condition field=\"customer.rfmSegment\" operator=\"IN\">\n"
    "        <value>Champions</value><value>Loyal</value>\n"
    "      </condition>\n"
    "    </criteria>\n"
    "  </segment>\n"
    "  <segment id=\"named-operators\" name=\"Named operators\">\n"
    "    <criteria logic=\"AND\">\n"
    "      <condition field=\"customer.totalSpend\" operator=\"GREATER_THAN_OR_EQUAL\""
    " value=\"5000\"/>\n"
    "      <condition field=\"booking.frequency\" operator=\"GREATER_THAN_OR_EQUAL\""
    " value=\"10\"/>\n"
    "      <condition field=\"booking.cabinClass\" operator=\"IN\">"
    "<value>BUSINESS</value><value>FIRST</value></condition>\n"
    "      <condition field=\"customer.rfmSegment\" operator=\"IN\">"
    "<value>Champions</value><value>Loyal</value></condition>\n"
    "    </criteria>\n"
    "  </segment>\n"
    "  <segment id=\"seed-text\" name=\"Seed as text\">\n"
    "    <rule>customer.totalSpend >= 5000 AND booking.frequency >= 10 AND\n"
    "      booking.cabinClass IN [BUSINESS, FIRST] AND customer.rfmSegment IN [Champions, "
    "Loyal]</rule>\n"
    "  </segment>\n"
    "</segments>\n";

START_TEST(seed_example)
{
    mkt_ctx *ctx = new_ctx();
    mkt_catalog *c = empty(ctx);
    ck_assert_msg(load(c, seed) == MKT_OK, "%s", mkt_ctx_last_error(ctx)->message);
    mkt_rule *want = parse_ok(ctx, "booking.spend_total >= 5000 and booking.count_12m >= 10 "
                                   "and booking.preferred_cabin in ('BUSINESS', 'FIRST') and "
                                   "rfm.segment in ('Champions', 'Loyal')");
    for (size_t i = 0; i < 3; i++)
        ck_assert_msg(mkt_rule_equal(want, mkt_catalog_rule(c, i)), "definition %zu", i);
    mkt_rule_free(want);
    /* Evaluated on a table: row 0 qualifies, row 1 misses on the cabin. */
    mkt_table *t = new_table(ctx, 2);
    for (uint64_t r = 0; r < 2; r++) {
        ck_assert_int_eq(mkt_table_set_int(t, col_of(t, "booking.spend_total"), r, 600000), 0);
        ck_assert_int_eq(mkt_table_set_int(t, col_of(t, "booking.count_12m"), r, 12), 0);
        ck_assert_int_eq(mkt_table_set_string(t, col_of(t, "rfm.segment"), r, "Loyal", 5), 0);
        ck_assert_int_eq(mkt_table_set_string(t, col_of(t, "booking.preferred_cabin"), r,
                                              r ? "ECONOMY" : "FIRST", r ? 7 : 5),
                         0);
    }
    mkt_segment *s = NULL;
    ck_assert_int_eq(mkt_catalog_compile(&s, ctx, c, "hv-frequent-business", t, NULL), MKT_OK);
    mkt_members *m = NULL;
    ck_assert_int_eq(mkt_segment_evaluate(s, ctx, t, &m), MKT_OK);
    ck_assert_uint_eq(mkt_members_count(m), 1);
    ck_assert(mkt_members_contains(m, 0));
    mkt_members_free(m);
    mkt_segment_free(s);
    mkt_table_free(t);
    mkt_catalog_free(c);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(bad_files)
{
    /* Schema violations, with the line of the offending element. */
    load_fails(HEAD "  <segment id=\"a\" name=\"A\"><rule>customer.tier = 'A'</rule></segment>\n"
                    "  <segment id=\"b\">\n    <rule>customer.tier = 'B'</rule>\n  </segment>\n"
                    "</segments>\n",
               MKT_EPARSE, 3, "schema");
    load_fails(HEAD "\n  <segment id=\"Bad Id\" name=\"A\"><rule>x.y = 1</rule></segment>\n"
                    "</segments>\n",
               MKT_EPARSE, 3, "schema");
    load_fails(HEAD "  <segment id=\"a\" name=\"A\"><rule>x.y = 1</rule><bogus/></segment>\n"
                    "</segments>\n",
               MKT_EPARSE, 2, "schema");
    load_fails("<segments><segment id=\"a\" name=\"A\"><rule>x.y = 1</rule></segment>"
               "</segments>\n",
               MKT_EPARSE, 1, "schema");
    load_fails(HEAD "  <segment id=\"a\" name=\"A\">\n"
                    "    <criteria logic=\"XOR\"><condition field=\"a.b\" operator=\"=\""
                    " value=\"1\"/></criteria>\n  </segment>\n</segments>\n",
               MKT_EPARSE, 3, "schema");
    /* Malformed XML, with line and column. */
    load_fails(HEAD "  <segment id=\"a\" name=\"A\">\n    <rule>x.y = 1</rul>\n"
                    "  </segment>\n</segments>\n",
               MKT_EPARSE, 3, "malformed XML");
    load_fails("", MKT_EPARSE, 1, "malformed XML");
    /* A bad rule names the line of the rule in the file. */
    load_fails(HEAD "  <segment id=\"a\" name=\"A\">\n"
                    "    <rule>\n      customer.tier = 'GOLD'\n      and ~</rule>\n"
                    "  </segment>\n</segments>\n",
               MKT_EPARSE, 5, "unexpected character");
    /* A lexer error right after a segment reference (once leaked the reference). */
    load_fails(HEAD "  <segment id=\"a\" name=\"A\">\n    <rule>in segment 'b'~</rule>\n"
                    "  </segment>\n</segments>\n",
               MKT_EPARSE, 3, "unexpected character");
    /* Unknown operator and wrong value count in criteria, at the condition's line. */
    load_fails(HEAD "  <segment id=\"a\" name=\"A\">\n    <criteria logic=\"AND\">\n"
                    "      <condition field=\"a.b\" operator=\"ROUGHLY\" value=\"1\"/>\n"
                    "    </criteria>\n  </segment>\n</segments>\n",
               MKT_EPARSE, 4, "unknown operator 'ROUGHLY'");
    load_fails(HEAD "  <segment id=\"a\" name=\"A\">\n    <criteria logic=\"AND\">\n"
                    "      <condition field=\"a.b\" operator=\"BETWEEN\" value=\"1\"/>\n"
                    "    </criteria>\n  </segment>\n</segments>\n",
               MKT_EPARSE, 4, "");
    /* Duplicates: the second definition's line; nothing of the file is added. */
    load_fails(HEAD "  <segment id=\"a\" name=\"A\"><rule>x.y = 1</rule></segment>\n"
                    "  <segment id=\"a\" name=\"B\"><rule>x.y = 2</rule></segment>\n"
                    "</segments>\n",
               MKT_EEXIST, 3, "duplicate segment id 'a'");
    load_fails(HEAD "  <segment id=\"a\" name=\"A\"><rule>x.y = 1</rule></segment>\n"
                    "  <segment id=\"b\" name=\"A\"><rule>x.y = 2</rule></segment>\n"
                    "</segments>\n",
               MKT_EEXIST, 3, "duplicate segment name 'A'");
}
END_TEST

/* Criteria nested deeper than 64 levels are refused, not recursed into without bound. */
START_TEST(deep_criteria)
{
    mkt__buf b;
    mkt_ctx *ctx = new_ctx();
    mkt__buf_init(&b, ctx);
    mkt__buf_appends(&b, HEAD "<segment id=\"a\" name=\"A\">");
    for (int i = 0; i < 80; i++)
        mkt__buf_appends(&b, "<criteria logic=\"AND\">");
    mkt__buf_appends(&b, "<condition field=\"a.b\" operator=\"=\" value=\"1\"/>");
    for (int i = 0; i < 80; i++)
        mkt__buf_appends(&b, "</criteria>");
    mkt__buf_appends(&b, "</segment></segments>");
    mkt_catalog *c = empty(ctx);
    ck_assert_int_eq(mkt_catalog_load_xml_memory(c, b.data, b.len, NULL), MKT_ETOOBIG);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "<memory>"));
    mkt__buf_free(&b);
    mkt_catalog_free(c);
    mkt_ctx_free(ctx);
}
END_TEST

/* An external entity (or any DOCTYPE) is refused and its file never read. */
START_TEST(external_entities_off)
{
    char path[] = "/tmp/mkt-xxe-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "SECRET-XXE-CONTENT", 18), 18);
    close(fd);
    char xml[1024];
    snprintf(xml, sizeof xml,
             "<?xml version=\"1.0\"?>\n<!DOCTYPE segments [\n"
             "  <!ENTITY secret SYSTEM \"file://%s\">\n]>\n" HEAD
             "  <segment id=\"a\" name=\"A\"><description>&secret;</description>"
             "<rule>customer.tier = 'GOLD'</rule></segment>\n</segments>\n",
             path);
    mkt_ctx *ctx = new_ctx();
    mkt_catalog *c = empty(ctx);
    ck_assert_int_eq(load(c, xml), MKT_EPARSE);
    const char *msg = mkt_ctx_last_error(ctx)->message;
    ck_assert_ptr_nonnull(strstr(msg, "DOCTYPE"));
    ck_assert_ptr_null(strstr(msg, "SECRET"));
    ck_assert_uint_eq(mkt_ctx_last_error(ctx)->line, 2);
    ck_assert_uint_eq(mkt_catalog_count(c), 0);
    /* Also with an external DTD only. */
    snprintf(xml, sizeof xml, "<!DOCTYPE segments SYSTEM \"file://%s\">\n" HEAD "</segments>",
             path);
    ck_assert_int_eq(load(c, xml), MKT_EPARSE);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "DOCTYPE"));
    unlink(path);
    mkt_catalog_free(c);
    mkt_ctx_free(ctx);
}
END_TEST

static char *slurp(const char *rel, size_t *len)
{
    char path[4096];
    const char *root = getenv("MKT_SOURCE_ROOT");
    ck_assert_ptr_nonnull(root);
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = malloc(1 << 20);
    ck_assert_ptr_nonnull(buf);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

START_TEST(files_and_schema)
{
    size_t len;
    char *rng = slurp("data/segments.rng", &len);
    ck_assert_str_eq(rng, mkt_catalog_xml_schema());
    free(rng);
    mkt_ctx *ctx = new_ctx();
    mkt_catalog *c = empty(ctx);
    char path[] = "/tmp/mkt-defs-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, seed, strlen(seed)), (ssize_t)strlen(seed));
    close(fd);
    ck_assert_int_eq(mkt_catalog_load_xml_file(c, path), MKT_OK);
    ck_assert_uint_eq(mkt_catalog_count(c), 3);
    unlink(path);
    ck_assert_int_eq(mkt_catalog_load_xml_file(c, path), MKT_EIO);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, path));
    ck_assert_int_eq(mkt_catalog_load_xml_file(c, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_catalog_load_xml_file(NULL, path), MKT_EINVAL);
    ck_assert_int_eq(mkt_catalog_load_xml_memory(c, NULL, 0, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_catalog_load_xml_memory(c, "x", (size_t)65 << 20, NULL), MKT_ETOOBIG);
    /* An empty <segments/> loads nothing and is fine. */
    ck_assert_int_eq(load(c, HEAD "</segments>"), MKT_OK);
    ck_assert_uint_eq(mkt_catalog_count(c), 3);
    mkt_catalog_free(c);
    mkt_ctx_free(ctx);
}
END_TEST

/* doc/segments.md lists every built-in definition as one table row, and nothing else. */
START_TEST(doc_agrees)
{
    size_t len;
    char *doc = slurp("doc/segments.md", &len);
    mkt_ctx *ctx = new_ctx();
    mkt_catalog *c = NULL;
    ck_assert_int_eq(mkt_catalog_builtin(&c, ctx), MKT_OK);
    char row[2048];
    for (size_t i = 0; i < mkt_catalog_count(c); i++) {
        mkt_segment_def d = MKT_SEGMENT_DEF_INIT;
        ck_assert_int_eq(mkt_catalog_get(c, i, &d), MKT_OK);
        snprintf(row, sizeof row, "\n| `%s` | %s | %s | `%s` | %s%s |\n", d.id, d.name,
                 d.description, d.rule, d.unavailable ? "no: " : "yes",
                 d.unavailable ? d.unavailable : "");
        ck_assert_msg(strstr(doc, row) != NULL, "doc/segments.md lacks the row:%s", row);
    }
    size_t rows = 0;
    for (const char *p = doc; (p = strstr(p, "\n| `")) != NULL; p++)
        rows++;
    ck_assert_uint_eq(rows, mkt_catalog_count(c));
    mkt_catalog_free(c);
    mkt_ctx_free(ctx);
    free(doc);
}
END_TEST

static int alloc_scenario(failalloc *fa, void *arg)
{
    const char *xml = arg;
    mkt_ctx *ctx = NULL;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_catalog *c = NULL;
    rc = mkt_catalog_new(&c, ctx);
    if (rc == MKT_OK)
        rc = load(c, xml);
    if (rc == MKT_OK && mkt_catalog_count(c) != 3)
        rc = MKT_EINTERNAL;
    if (rc != MKT_OK && rc != MKT_ENOMEM)
        fprintf(stderr, "%s\n", mkt_ctx_last_error(ctx)->message);
    mkt_catalog_free(c);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(alloc_failures)
{
    failalloc_run(alloc_scenario, (void *)good);
    failalloc_run(alloc_scenario, (void *)seed);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("catalog_xml");
    TCase *tc = tcase_create("xml");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, good_file);
    tcase_add_test(tc, seed_example);
    tcase_add_test(tc, bad_files);
    tcase_add_test(tc, deep_criteria);
    tcase_add_test(tc, external_entities_off);
    tcase_add_test(tc, files_and_schema);
    tcase_add_test(tc, doc_agrees);
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

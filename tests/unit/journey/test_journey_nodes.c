/* SPDX-License-Identifier: MIT */
/*
 * Every node type and kind: parsed from XML with the values expected by hand, built through
 * the C builder into an equal journey (same nodes, edges and drawing), read back through the
 * accessors, and the builder's own error paths (bad fields, ports, duplicates).
 */
#include <stdint.h>
#include <stdlib.h>

#include "jtest.h"

/* One journey using every node type and kind; line numbers matter to the checks below. */
static const char *all_xml =
    "<?xml version=\"1.0\"?>\n"                                                          /* 1 */
    NS_OPEN " id=\"all\" name=\"All nodes\" reentry=\"allowed\" reentry-after=\"1 day\"\n" /* 2 */
    "  reentry-max=\"2\" max-duration=\"60 days\" timezone=\"fixed\" zone=\"Europe/Paris\">\n"
    "  <description>every node</description>\n"                                          /* 4 */
    "  <goal id=\"g\" event=\"BOOKED\"/>\n"                                              /* 5 */
    "  <entry id=\"e-seg\" segment=\"VIP Customers\" next=\"w-dur\"/>\n"                 /* 6 */
    "  <entry id=\"e-rule\" rule=\"customer.tier = 'GOLD'\" next=\"w-dur\"/>\n"          /* 7 */
    "  <entry id=\"e-ev\" event=\"CART\" delay=\"1 hour\" next=\"w-dur\"/>\n"            /* 8 */
    "  <entry id=\"e-date\" field=\"customer.date_of_birth\" offset=\"-3 days\" at=\"09:30\""
    " yearly=\"true\" next=\"w-dur\"/>\n"                                                /* 9 */
    "  <entry id=\"e-man\" manual=\"true\" next=\"w-dur\"/>\n"                           /* 10 */
    "  <wait id=\"w-dur\" duration=\"2 hours\"/>\n"                                      /* 11 */
    "  <wait id=\"w-time\" at=\"08:00\"/>\n"                                             /* 12 */
    "  <wait id=\"w-date\" date=\"2099-01-01\" at=\"10:00\"/>\n"                         /* 13 */
    "  <wait id=\"w-field\" field=\"event.departure_date\" offset=\"-3 days\" at=\"09:00\"/>\n"
    "  <wait id=\"w-ev\" event=\"OPENED\" timeout=\"3 days\" on-event=\"dec\" on-timeout=\"split\"/>\n"
    "  <decision id=\"dec\" label=\"which?\">\n"                                         /* 16 */
    "    <when rule=\"customer.tier = 'GOLD'\" next=\"send\"/>\n"
    "    <when segment=\"VIP Customers\" negate=\"true\" next=\"upd\"/>\n"
    "    <when event=\"OPENED\" since=\"w-ev\" next=\"tag-add\"/>\n"
    "    <otherwise next=\"tag-rm\"/>\n"
    "  </decision>\n"
    "  <split id=\"split\" experiment=\"exp-1\">\n"                                      /* 22 */
    "    <variant name=\"A\" weight=\"75\" next=\"send\"/>\n"
    "    <variant name=\"B\" weight=\"25\" next=\"emit\"/>\n"
    "  </split>\n"
    "  <send id=\"send\" channel=\"email\" template=\"t1\" subject=\"Hi {{x}}\" offer=\"O1\" next=\"x\">\n"
    "    <context name=\"route\" value=\"{{event.route}}\"/>\n"
    "  </send>\n"
    "  <update id=\"upd\" field=\"customer.tier\" value=\"GOLD\" next=\"x\"/>\n"
    "  <add-tag id=\"tag-add\" tag=\"vip\" next=\"x\"/>\n"
    "  <remove-tag id=\"tag-rm\" tag=\"vip\" next=\"x\"/>\n"
    "  <emit id=\"emit\" event=\"DONE\" next=\"x\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

static mkt_journey_node_def node(int32_t type, int32_t kind, const char *id)
{
    mkt_journey_node_def d;
    mkt_journey_node_def_init(&d);
    d.type = type;
    d.kind = kind;
    d.id = id;
    return d;
}

static uint32_t add(mkt_journey_builder *b, mkt_journey_node_def d)
{
    uint32_t index = MKT_JOURNEY_NONE;
    ck_assert_int_eq(mkt_journey_builder_add_node(b, &d, &index), MKT_OK);
    return index;
}

static void link(mkt_journey_builder *b, uint32_t from, uint32_t to, int32_t port)
{
    mkt_journey_edge_def e;
    mkt_journey_edge_def_init(&e);
    e.from = from;
    e.to = to;
    e.port = port;
    ck_assert_int_eq(mkt_journey_builder_connect(b, &e), MKT_OK);
}

static void branch(mkt_journey_builder *b, mkt_journey_edge_def e, uint32_t from, uint32_t to)
{
    e.from = from;
    e.to = to;
    e.port = MKT_JOURNEY_PORT_BRANCH;
    ck_assert_int_eq(mkt_journey_builder_connect(b, &e), MKT_OK);
}

static void add_entries(mkt_journey_builder *b)
{
    mkt_journey_node_def d = node(MKT_JOURNEY_GOAL, 0, "g");
    d.event = "BOOKED";
    add(b, d);
    d = node(MKT_JOURNEY_ENTRY, MKT_JOURNEY_ENTRY_SEGMENT, "e-seg");
    d.segment = "VIP Customers";
    add(b, d);
    d = node(MKT_JOURNEY_ENTRY, MKT_JOURNEY_ENTRY_SEGMENT, "e-rule");
    d.rule = "customer.tier = 'GOLD'";
    add(b, d);
    d = node(MKT_JOURNEY_ENTRY, MKT_JOURNEY_ENTRY_EVENT, "e-ev");
    d.event = "CART";
    d.delay = 3600;
    add(b, d);
    d = node(MKT_JOURNEY_ENTRY, MKT_JOURNEY_ENTRY_DATE, "e-date");
    d.field = "customer.date_of_birth";
    d.delay = -3 * 86400;
    d.time_of_day = 9 * 3600 + 30 * 60;
    d.yearly = 1;
    add(b, d);
    add(b, node(MKT_JOURNEY_ENTRY, MKT_JOURNEY_ENTRY_MANUAL, "e-man"));
}

static void add_waits(mkt_journey_builder *b)
{
    mkt_journey_node_def d = node(MKT_JOURNEY_WAIT, MKT_JOURNEY_WAIT_DURATION, "w-dur");
    d.delay = 7200;
    add(b, d);
    d = node(MKT_JOURNEY_WAIT, MKT_JOURNEY_WAIT_TIME, "w-time");
    d.time_of_day = 8 * 3600;
    add(b, d);
    d = node(MKT_JOURNEY_WAIT, MKT_JOURNEY_WAIT_DATE, "w-date");
    ck_assert_int_eq(mkt_date_from_ymd(&d.until_date, 2099, 1, 1), MKT_OK);
    d.time_of_day = 10 * 3600;
    add(b, d);
    d = node(MKT_JOURNEY_WAIT, MKT_JOURNEY_WAIT_FIELD, "w-field");
    d.field = "event.departure_date";
    d.delay = -3 * 86400;
    d.time_of_day = 9 * 3600;
    add(b, d);
    d = node(MKT_JOURNEY_WAIT, MKT_JOURNEY_WAIT_EVENT, "w-ev");
    d.event = "OPENED";
    d.delay = 3 * 86400;
    add(b, d);
}

static void add_rest(mkt_journey_builder *b)
{
    mkt_journey_node_def d = node(MKT_JOURNEY_DECISION, 0, "dec");
    d.label = "which?";
    add(b, d);
    d = node(MKT_JOURNEY_SPLIT, 0, "split");
    d.experiment = "exp-1";
    add(b, d);
    static const char *const keys[] = {"route"}, *const values[] = {"{{event.route}}"};
    d = node(MKT_JOURNEY_ACTION, MKT_JOURNEY_SEND, "send");
    d.channel = MKT_CHANNEL_EMAIL;
    d.template_id = "t1";
    d.subject = "Hi {{x}}";
    d.offer = "O1";
    d.context_keys = keys;
    d.context_values = values;
    d.ncontext = 1;
    add(b, d);
    d = node(MKT_JOURNEY_ACTION, MKT_JOURNEY_UPDATE, "upd");
    d.field = "customer.tier";
    d.value = "GOLD";
    add(b, d);
    d = node(MKT_JOURNEY_ACTION, MKT_JOURNEY_TAG_ADD, "tag-add");
    d.value = "vip";
    add(b, d);
    d = node(MKT_JOURNEY_ACTION, MKT_JOURNEY_TAG_REMOVE, "tag-rm");
    d.value = "vip";
    add(b, d);
    d = node(MKT_JOURNEY_ACTION, MKT_JOURNEY_EMIT, "emit");
    d.event = "DONE";
    add(b, d);
    add(b, node(MKT_JOURNEY_EXIT, 0, "x"));
}

/* Node indexes follow the XML's document order: g=0 e-seg=1 e-rule=2 e-ev=3 e-date=4
 * e-man=5 w-dur=6 w-time=7 w-date=8 w-field=9 w-ev=10 dec=11 split=12 send=13 upd=14
 * tag-add=15 tag-rm=16 emit=17 x=18. */
static void add_edges(mkt_journey_builder *b)
{
    for (uint32_t entry = 1; entry <= 5; entry++)
        link(b, entry, 6, MKT_JOURNEY_PORT_NEXT);
    link(b, 6, 7, MKT_JOURNEY_PORT_NEXT); /* the XML's fall-through to the next node */
    link(b, 7, 8, MKT_JOURNEY_PORT_NEXT);
    link(b, 8, 9, MKT_JOURNEY_PORT_NEXT);
    link(b, 9, 10, MKT_JOURNEY_PORT_NEXT);
    link(b, 10, 11, MKT_JOURNEY_PORT_EVENT);
    link(b, 10, 12, MKT_JOURNEY_PORT_TIMEOUT);
    mkt_journey_edge_def e;
    mkt_journey_edge_def_init(&e);
    e.condition = MKT_JOURNEY_COND_RULE;
    e.rule = "customer.tier = 'GOLD'";
    branch(b, e, 11, 13);
    mkt_journey_edge_def_init(&e);
    e.condition = MKT_JOURNEY_COND_SEGMENT;
    e.segment = "VIP Customers";
    e.negate = 1;
    branch(b, e, 11, 14);
    mkt_journey_edge_def_init(&e);
    e.condition = MKT_JOURNEY_COND_EVENT;
    e.event = "OPENED";
    e.since = "w-ev";
    branch(b, e, 11, 15);
    link(b, 11, 16, MKT_JOURNEY_PORT_DEFAULT);
    mkt_journey_edge_def_init(&e);
    e.variant = "A";
    e.weight = 75;
    branch(b, e, 12, 13);
    e.variant = "B";
    e.weight = 25;
    branch(b, e, 12, 17);
    for (uint32_t n = 13; n <= 17; n++)
        link(b, n, 18, MKT_JOURNEY_PORT_NEXT);
}

static mkt_journey *build_all(mkt_ctx *ctx)
{
    mkt_journey_def jd;
    mkt_journey_def_init(&jd);
    jd.id = "all";
    jd.name = "All nodes";
    jd.description = "every node";
    jd.reentry = MKT_JOURNEY_REENTRY_ALLOWED;
    jd.reentry_after = 86400;
    jd.reentry_max = 2;
    jd.max_duration = 60 * 86400;
    jd.zone_policy = MKT_JOURNEY_ZONE_FIXED;
    jd.zone = "Europe/Paris";
    mkt_journey_builder *b = NULL;
    ck_assert_int_eq(mkt_journey_builder_new(&b, ctx, &jd), MKT_OK);
    add_entries(b);
    add_waits(b);
    add_rest(b);
    add_edges(b);
    mkt_journey *j = NULL;
    int rc = mkt_journey_builder_finish(b, NULL, &j);
    ck_assert_msg(rc == MKT_OK, "%s", mkt_ctx_last_error(ctx)->message);
    mkt_journey_builder_free(b);
    return j;
}

static mkt_journey *load_all(mkt_ctx *ctx)
{
    mkt_journey_issues *is = NULL;
    ck_assert_int_eq(mkt_journey_issues_new(&is, ctx), MKT_OK);
    mkt_journey *j = NULL;
    int rc = jt_load(ctx, all_xml, NULL, is, &j);
    if (rc != MKT_OK)
        jt_dump(is);
    ck_assert_int_eq(rc, MKT_OK);
    ck_assert_uint_eq(mkt_journey_issues_count(is), 0);
    mkt_journey_issues_free(is);
    return j;
}

static int str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static void same_node(const mkt_journey_node_def *a, const mkt_journey_node_def *b)
{
    ck_assert_msg(a->type == b->type && a->kind == b->kind && str_eq(a->id, b->id) &&
                      str_eq(a->label, b->label) && str_eq(a->event, b->event) &&
                      str_eq(a->segment, b->segment) && str_eq(a->rule, b->rule) &&
                      str_eq(a->field, b->field) && str_eq(a->value, b->value) &&
                      a->delay == b->delay && a->time_of_day == b->time_of_day &&
                      a->yearly == b->yearly && a->until_date == b->until_date &&
                      a->channel == b->channel && str_eq(a->template_id, b->template_id) &&
                      str_eq(a->subject, b->subject) && str_eq(a->offer, b->offer) &&
                      str_eq(a->experiment, b->experiment) && a->ncontext == b->ncontext,
                  "node %s differs", a->id);
    for (size_t i = 0; i < a->ncontext; i++)
        ck_assert(str_eq(a->context_keys[i], b->context_keys[i]) &&
                  str_eq(a->context_values[i], b->context_values[i]));
}

static void same_edge(const mkt_journey_edge_def *a, const mkt_journey_edge_def *b)
{
    ck_assert_msg(a->from == b->from && a->to == b->to && a->port == b->port &&
                      a->condition == b->condition && str_eq(a->rule, b->rule) &&
                      str_eq(a->segment, b->segment) && str_eq(a->event, b->event) &&
                      str_eq(a->since, b->since) && a->negate == b->negate &&
                      a->weight == b->weight && str_eq(a->variant, b->variant),
                  "edge %u -> %u differs", (unsigned)a->from, (unsigned)a->to);
}

START_TEST(test_xml_equals_builder)
{
    mkt_ctx *ctx = jt_ctx();
    mkt_journey *x = load_all(ctx), *b = build_all(ctx);
    ck_assert_uint_eq(mkt_journey_node_count(x), 19);
    ck_assert_uint_eq(mkt_journey_node_count(b), 19);
    /* 5 entries + 4 single waits + 2 (w-ev) + 4 (dec) + 2 (split) + 5 actions = 22 */
    ck_assert_uint_eq(mkt_journey_edge_count(x), 22);
    ck_assert_uint_eq(mkt_journey_edge_count(b), 22);
    for (uint32_t i = 0; i < 19; i++) {
        mkt_journey_node_def nx = MKT_JOURNEY_NODE_DEF_INIT, nb = MKT_JOURNEY_NODE_DEF_INIT;
        ck_assert_int_eq(mkt_journey_node_get(x, i, &nx), MKT_OK);
        ck_assert_int_eq(mkt_journey_node_get(b, i, &nb), MKT_OK);
        same_node(&nx, &nb);
        ck_assert_uint_eq(nb.line, 0);
    }
    for (uint32_t i = 0; i < 22; i++) {
        mkt_journey_edge_def ex = MKT_JOURNEY_EDGE_DEF_INIT, eb = MKT_JOURNEY_EDGE_DEF_INIT;
        ck_assert_int_eq(mkt_journey_edge_get(x, i, &ex), MKT_OK);
        ck_assert_int_eq(mkt_journey_edge_get(b, i, &eb), MKT_OK);
        same_edge(&ex, &eb);
    }
    char *tx = NULL, *tb = NULL;
    ck_assert_int_eq(mkt_journey_format(x, ctx, &tx), MKT_OK);
    ck_assert_int_eq(mkt_journey_format(b, ctx, &tb), MKT_OK);
    ck_assert_str_eq(tx, tb);
    mkt_free(tx);
    mkt_free(tb);
    mkt_journey_free(x);
    mkt_journey_free(b);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_parsed_values)
{
    mkt_ctx *ctx = jt_ctx();
    mkt_journey *j = load_all(ctx);
    mkt_journey_def jd = MKT_JOURNEY_DEF_INIT;
    ck_assert_int_eq(mkt_journey_get(j, &jd), MKT_OK);
    ck_assert_str_eq(jd.id, "all");
    ck_assert_str_eq(jd.description, "every node");
    ck_assert_int_eq(jd.reentry, MKT_JOURNEY_REENTRY_ALLOWED);
    ck_assert_int_eq(jd.reentry_after, 86400);
    ck_assert_uint_eq(jd.reentry_max, 2);
    ck_assert_int_eq(jd.max_duration, 60 * 86400); /* 5184000 */
    ck_assert_int_eq(jd.zone_policy, MKT_JOURNEY_ZONE_FIXED);
    ck_assert_str_eq(jd.zone, "Europe/Paris");
    ck_assert_uint_eq(jd.line, 3); /* libxml2 gives the line where the start tag ends */
    uint32_t i;
    mkt_journey_node_def d = MKT_JOURNEY_NODE_DEF_INIT;
    ck_assert_int_eq(mkt_journey_node_find(j, "e-date", &i), MKT_OK);
    ck_assert_uint_eq(i, 4);
    ck_assert_int_eq(mkt_journey_node_get(j, i, &d), MKT_OK);
    ck_assert_int_eq(d.delay, -259200);           /* -3 days = -3 * 86400 */
    ck_assert_int_eq(d.time_of_day, 34200);       /* 09:30 = 9 * 3600 + 30 * 60 */
    ck_assert_int_eq(d.yearly, 1);
    ck_assert_uint_eq(d.line, 9);
    ck_assert_int_eq(mkt_journey_node_find(j, "w-date", &i), MKT_OK);
    ck_assert_int_eq(mkt_journey_node_get(j, i, &d), MKT_OK);
    /* 2099-01-01: 1970..2098 is 129 years of 365 days plus 32 leap days (1972..2096) */
    ck_assert_int_eq(d.until_date, 129 * 365 + 32); /* 47117 */
    ck_assert_int_eq(mkt_journey_node_find(j, "send", &i), MKT_OK);
    ck_assert_int_eq(mkt_journey_node_get(j, i, &d), MKT_OK);
    ck_assert_int_eq(d.channel, MKT_CHANNEL_EMAIL);
    ck_assert_uint_eq(d.ncontext, 1);
    ck_assert_str_eq(d.context_values[0], "{{event.route}}");
    uint32_t first, count;
    ck_assert_int_eq(mkt_journey_node_find(j, "dec", &i), MKT_OK);
    ck_assert_int_eq(mkt_journey_node_edges(j, i, &first, &count), MKT_OK);
    ck_assert_uint_eq(count, 4);
    mkt_journey_edge_def e = MKT_JOURNEY_EDGE_DEF_INIT;
    ck_assert_int_eq(mkt_journey_edge_get(j, first + 1, &e), MKT_OK); /* rank 2 */
    ck_assert_int_eq(e.condition, MKT_JOURNEY_COND_SEGMENT);
    ck_assert_int_eq(e.negate, 1);
    ck_assert_uint_eq(e.line, 18);
    ck_assert_int_eq(mkt_journey_edge_get(j, first + 3, &e), MKT_OK);
    ck_assert_int_eq(e.port, MKT_JOURNEY_PORT_DEFAULT);
    /* not found and bad arguments */
    ck_assert_int_eq(mkt_journey_node_find(j, "nope", &i), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_journey_node_get(j, 19, &d), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_journey_edge_get(j, 22, &e), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_journey_node_edges(j, 19, &first, &count), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_journey_node_get(NULL, 0, &d), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_get(j, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_node_find(j, NULL, &i), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_node_edges(j, 0, NULL, &count), MKT_EINVAL);
    ck_assert_uint_eq(mkt_journey_node_count(NULL), 0);
    ck_assert_uint_eq(mkt_journey_edge_count(NULL), 0);
    mkt_journey_free(j);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_format_text)
{
    mkt_ctx *ctx = jt_ctx();
    mkt_journey *j = load_all(ctx);
    char *t = NULL;
    ck_assert_int_eq(mkt_journey_format(j, ctx, &t), MKT_OK);
    ck_assert_ptr_nonnull(strstr(t, "journey all \"All nodes\"\n"));
    ck_assert_ptr_nonnull(strstr(t, "  re-entry: allowed after 1d, at most 2 times\n"));
    ck_assert_ptr_nonnull(strstr(t, "  goal g: BOOKED ends the journey as a conversion\n"));
    ck_assert_ptr_nonnull(strstr(t, "entry e-date: on customer.date_of_birth - 3d, every "
                                    "year at 09:30\n"));
    ck_assert_ptr_nonnull(strstr(t, "wait w-ev: for event OPENED, at most 3d\n"
                                    "|- on OPENED:\n"));
    ck_assert_ptr_nonnull(strstr(t, "|  |- when not in segment 'VIP Customers':\n"));
    /* weights 75 and 25 of 100 */
    ck_assert_ptr_nonnull(strstr(t, "   |- variant A (75%):\n"));
    /* the second entry reaches w-dur again */
    ck_assert_ptr_nonnull(strstr(t, "entry e-rule: customers entering: customer.tier = "
                                    "'GOLD'\n-> go to w-dur\n"));
    mkt_free(t);
    ck_assert_int_eq(mkt_journey_format(NULL, ctx, &t), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_format(j, NULL, &t), MKT_EINVAL);
    mkt_journey_free(j);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_builder_errors)
{
    mkt_ctx *ctx = jt_ctx();
    mkt_journey_def jd;
    mkt_journey_def_init(&jd);
    mkt_journey_builder *b = NULL;
    ck_assert_int_eq(mkt_journey_builder_new(&b, ctx, &jd), MKT_EINVAL); /* no id */
    jd.id = "bad id";
    ck_assert_int_eq(mkt_journey_builder_new(&b, ctx, &jd), MKT_EINVAL);
    jd.id = "j";
    jd.zone = "Paris";
    ck_assert_int_eq(mkt_journey_builder_new(&b, ctx, &jd), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "time zone"));
    jd.zone = NULL;
    jd.reentry_after = 5; /* with re-entry never */
    ck_assert_int_eq(mkt_journey_builder_new(&b, ctx, &jd), MKT_EINVAL);
    jd.reentry_after = 0;
    ck_assert_int_eq(mkt_journey_builder_new(&b, ctx, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_builder_new(&b, ctx, &jd), MKT_OK);

    mkt_journey_node_def d = node(MKT_JOURNEY_WAIT, MKT_JOURNEY_WAIT_DURATION, "w");
    ck_assert_int_eq(mkt_journey_builder_add_node(b, &d, NULL), MKT_EINVAL); /* delay 0 */
    d.delay = INT64_MIN; /* beyond 100 years: refused, never negated */
    ck_assert_int_eq(mkt_journey_builder_add_node(b, &d, NULL), MKT_EINVAL);
    d.delay = 60;
    d.subject = "x"; /* a wait takes no subject */
    ck_assert_int_eq(mkt_journey_builder_add_node(b, &d, NULL), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "takes no subject"));
    d.subject = NULL;
    d.time_of_day = 86400;
    ck_assert_int_eq(mkt_journey_builder_add_node(b, &d, NULL), MKT_EINVAL);
    d = node(MKT_JOURNEY_ACTION, MKT_JOURNEY_SEND, "s");
    d.channel = 99;
    d.template_id = "t";
    ck_assert_int_eq(mkt_journey_builder_add_node(b, &d, NULL), MKT_EINVAL);
    d.channel = MKT_CHANNEL_SMS;
    d.template_id = NULL;
    ck_assert_int_eq(mkt_journey_builder_add_node(b, &d, NULL), MKT_EINVAL);
    d = node(MKT_JOURNEY_ACTION, MKT_JOURNEY_UPDATE, "u");
    d.field = "event.x"; /* updates set profile attributes only */
    d.value = "1";
    ck_assert_int_eq(mkt_journey_builder_add_node(b, &d, NULL), MKT_EINVAL);
    d = node(MKT_JOURNEY_ENTRY, MKT_JOURNEY_ENTRY_SEGMENT, "e");
    ck_assert_int_eq(mkt_journey_builder_add_node(b, &d, NULL), MKT_EINVAL); /* neither */
    d = node(42, 0, "e");
    ck_assert_int_eq(mkt_journey_builder_add_node(b, &d, NULL), MKT_EINVAL);
    uint32_t e = add(b, node(MKT_JOURNEY_ENTRY, MKT_JOURNEY_ENTRY_MANUAL, "e"));
    d = node(MKT_JOURNEY_ENTRY, MKT_JOURNEY_ENTRY_MANUAL, "e");
    ck_assert_int_eq(mkt_journey_builder_add_node(b, &d, NULL), MKT_EEXIST);
    uint32_t x = add(b, node(MKT_JOURNEY_EXIT, 0, "x"));
    uint32_t dec = add(b, node(MKT_JOURNEY_DECISION, 0, "dec"));

    mkt_journey_edge_def ed;
    mkt_journey_edge_def_init(&ed);
    ed.from = e, ed.to = 99, ed.port = MKT_JOURNEY_PORT_NEXT;
    ck_assert_int_eq(mkt_journey_builder_connect(b, &ed), MKT_EINVAL); /* no node 99 */
    ed.to = x, ed.port = MKT_JOURNEY_PORT_EVENT;
    ck_assert_int_eq(mkt_journey_builder_connect(b, &ed), MKT_EINVAL); /* entry: no event exit */
    ed.port = MKT_JOURNEY_PORT_NEXT;
    ck_assert_int_eq(mkt_journey_builder_connect(b, &ed), MKT_OK);
    ck_assert_int_eq(mkt_journey_builder_connect(b, &ed), MKT_EEXIST);
    ed.from = x, ed.to = e;
    ck_assert_int_eq(mkt_journey_builder_connect(b, &ed), MKT_EINVAL); /* into an entry */
    ed.from = dec, ed.to = x, ed.port = MKT_JOURNEY_PORT_BRANCH;
    ck_assert_int_eq(mkt_journey_builder_connect(b, &ed), MKT_EINVAL); /* no condition */
    ed.condition = MKT_JOURNEY_COND_EVENT, ed.event = "E", ed.weight = 2;
    ck_assert_int_eq(mkt_journey_builder_connect(b, &ed), MKT_EINVAL); /* weight */
    ed.weight = 0, ed.rule = "x = 1";
    ck_assert_int_eq(mkt_journey_builder_connect(b, &ed), MKT_EINVAL); /* two conditions */
    ed.rule = NULL;
    ck_assert_int_eq(mkt_journey_builder_connect(b, &ed), MKT_OK);
    ck_assert_int_eq(mkt_journey_builder_connect(b, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_builder_add_node(NULL, &d, NULL), MKT_EINVAL);
    mkt_journey *j = NULL;
    ck_assert_int_eq(mkt_journey_builder_finish(b, NULL, NULL), MKT_EINVAL);
    /* dec has no default */
    ck_assert_int_eq(mkt_journey_builder_finish(b, NULL, &j), MKT_EINVAL);
    ck_assert_ptr_null(j);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "no default branch"));
    ed.condition = 0, ed.event = NULL, ed.port = MKT_JOURNEY_PORT_DEFAULT;
    ck_assert_int_eq(mkt_journey_builder_connect(b, &ed), MKT_OK);
    ck_assert_int_eq(mkt_journey_builder_finish(b, NULL, &j), MKT_EINVAL); /* dec unreachable */
    ed.from = e, ed.to = dec, ed.port = MKT_JOURNEY_PORT_NEXT;
    ck_assert_int_eq(mkt_journey_builder_connect(b, &ed), MKT_EEXIST); /* e -> x already */
    mkt_journey_builder_free(b);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_init_functions)
{
    ck_assert_int_eq(mkt_journey_def_init(NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_node_def_init(NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_edge_def_init(NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_options_init(NULL), MKT_EINVAL);
    mkt_journey_options o;
    ck_assert_int_eq(mkt_journey_options_init(&o), MKT_OK);
    ck_assert_uint_eq(o.max_nodes, 1000);
    ck_assert_uint_eq(o.max_depth, 256);
    ck_assert_uint_eq(o.max_text, 4096);
    ck_assert_int_eq(o.now, MKT_NULL_INT64);
    mkt_journey_node_def d;
    ck_assert_int_eq(mkt_journey_node_def_init(&d), MKT_OK);
    ck_assert_int_eq(d.time_of_day, -1);
    ck_assert_int_eq(d.until_date, MKT_NULL_DATE);
    ck_assert_str_eq(mkt_journey_check_name(MKT_JOURNEY_CHECK_CYCLE), "cycle");
    ck_assert_ptr_null(mkt_journey_check_name(0));
    ck_assert_ptr_null(mkt_journey_check_name(99));
    ck_assert_ptr_nonnull(strstr(mkt_journey_xml_schema(), "journeys/1"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("journey-nodes");
    TCase *tc = tcase_create("nodes");
    tcase_add_test(tc, test_xml_equals_builder);
    tcase_add_test(tc, test_parsed_values);
    tcase_add_test(tc, test_format_text);
    tcase_add_test(tc, test_builder_errors);
    tcase_add_test(tc, test_init_functions);
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

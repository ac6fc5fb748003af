/* SPDX-License-Identifier: MIT */
/*
 * The journey engine, node by node: entry with a delay, sends, waits (duration, time of day
 * across a DST change, event with timeout and an event exactly at the timeout), decisions on
 * events since a node, splits, goals, re-entry, counts, and the argument errors.
 */
#include "etest.h"

#define T0 INT64_C(1800000000) /* 2027-01-15 08:00 UTC */
#define HOUR 3600
#define DAY 86400

START_TEST(abandoned_cart_runs_to_the_end)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load_file(h.ctx, "abandoned-cart.xml");
    mkt_journey_engine *e = et_engine(&h, j);
    mkt_time due = 0;
    ck_assert_int_eq(mkt_journey_engine_next_due(e, &due), MKT_ENOTFOUND);

    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0), MKT_OK);
    mkt_journey_instance in = et_instance(e, "abandoned-cart", "C1");
    /* asleep at the entry for its 1-hour delay */
    ck_assert_int_eq(in.state, MKT_JOURNEY_INSTANCE_WAITING);
    ck_assert_uint_eq(in.node, et_node(j, "cart-abandoned"));
    ck_assert_int_eq(in.wake_at, T0 + HOUR);
    ck_assert_int_eq(mkt_journey_engine_next_due(e, &due), MKT_OK);
    ck_assert_int_eq(due, T0 + HOUR);
    ck_assert_int_eq(h.nsent, 0);

    uint64_t fired = 0;
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + HOUR, &fired), MKT_OK);
    ck_assert_uint_eq(fired, 1);
    ck_assert_int_eq(h.nsent, 1);
    ck_assert_str_eq(h.sent[0].template_id, "abandoned-cart-1");
    ck_assert_int_eq(h.sent[0].channel, MKT_CHANNEL_EMAIL);
    /* journey:customer:entry:node:step; steps: entry 1, email-1 2 */
    ck_assert_str_eq(h.sent[0].idem, "abandoned-cart:C1:1:email-1:2");
    in = et_instance(e, "abandoned-cart", "C1");
    ck_assert_uint_eq(in.node, et_node(j, "wait-24h"));
    ck_assert_int_eq(in.wake_at, T0 + HOUR + DAY);
    ck_assert_int_eq(et_counts(e, j, "abandoned-cart", "wait-24h").waiting, 1);

    /* 1 h + 24 h + 22 h: both waits pass, no booking: email-2 then the SMS */
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 47 * HOUR, &fired), MKT_OK);
    ck_assert_uint_eq(fired, 2);
    ck_assert_int_eq(h.nsent, 3);
    ck_assert_str_eq(h.sent[1].template_id, "abandoned-cart-2");
    ck_assert_str_eq(h.sent[2].template_id, "abandoned-cart-sms");
    ck_assert_int_eq(h.sent[2].channel, MKT_CHANNEL_SMS);
    in = et_instance(e, "abandoned-cart", "C1");
    ck_assert_int_eq(in.state, MKT_JOURNEY_INSTANCE_DONE);
    ck_assert_uint_eq(in.node, et_node(j, "done"));
    ck_assert_uint_eq(et_counts(e, j, "abandoned-cart", "done").ended, 1);
    ck_assert_int_eq(et_counts(e, j, "abandoned-cart", "wait-24h").waiting, 0);
    mkt_journey_node_counts c = et_counts(e, j, "abandoned-cart", "booked-1");
    ck_assert_uint_eq(c.entered, 1);
    ck_assert_uint_eq(c.exited, 1);
    ck_assert_uint_eq(et_counts(e, j, "abandoned-cart", "email-2").sent, 1);
    /* booked-1's edges: the `when` branch first, then the default: only the default taken */
    uint32_t first = 0, n = 0;
    uint64_t taken = 9;
    ck_assert_int_eq(mkt_journey_node_edges(j, et_node(j, "booked-1"), &first, &n), MKT_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(mkt_journey_engine_edge_count(e, "abandoned-cart", first, &taken), MKT_OK);
    ck_assert_uint_eq(taken, 0);
    ck_assert_int_eq(mkt_journey_engine_edge_count(e, "abandoned-cart", first + 1, &taken),
                     MKT_OK);
    ck_assert_uint_eq(taken, 1);
    ck_assert_int_eq(mkt_journey_engine_next_due(e, &due), MKT_ENOTFOUND);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(goal_event_converts_and_stops_sends)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load_file(h.ctx, "abandoned-cart.xml");
    mkt_journey_engine *e = et_engine(&h, j);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + HOUR, NULL), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "BOOKING_COMPLETED", T0 + 2 * HOUR),
                     MKT_OK);
    mkt_journey_instance in = et_instance(e, "abandoned-cart", "C1");
    ck_assert_int_eq(in.state, MKT_JOURNEY_INSTANCE_CONVERTED);
    ck_assert_uint_eq(in.node, et_node(j, "booked"));
    ck_assert_uint_eq(et_counts(e, j, "abandoned-cart", "booked").converted, 1);
    ck_assert_int_eq(et_counts(e, j, "abandoned-cart", "wait-24h").waiting, 0);
    ck_assert_uint_eq(et_counts(e, j, "abandoned-cart", "wait-24h").exited, 1);
    /* the stale timer of wait-24h fires into nothing */
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 10 * DAY, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 1);
    /* an event of a customer in no journey changes nothing */
    ck_assert_int_eq(mkt_journey_engine_event(e, "C9", "BOOKING_COMPLETED", T0 + 10 * DAY),
                     MKT_OK);
    mkt_journey_instance none = { sizeof none, 0, 0, 0, 0, 0, 0 };
    ck_assert_int_eq(mkt_journey_engine_instance(e, "abandoned-cart", "C9", &none),
                     MKT_ENOTFOUND);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

static const char *wait_event_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"we\">\n"
    "  <entry id=\"e\" manual=\"true\"/>\n"
    "  <wait id=\"w\" event=\"OPENED\" timeout=\"1 hour\" on-event=\"yes\" on-timeout=\"no\"/>\n"
    "  <send id=\"yes\" channel=\"email\" template=\"t-yes\" next=\"x\"/>\n"
    "  <send id=\"no\" channel=\"email\" template=\"t-no\" next=\"x\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

START_TEST(event_exactly_at_timeout_is_too_late)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, wait_event_xml);
    mkt_journey_engine *e = et_engine(&h, j);
    int32_t entered = 0;
    ck_assert_int_eq(mkt_journey_engine_enter(e, "we", "A", T0, &entered), MKT_OK);
    ck_assert_int_eq(entered, 1);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "we", "B", T0, &entered), MKT_OK);
    /* B's event one second before the timeout: in time; A's exactly at it: the window
     * [T0, T0 + 1 h) is half-open, so A times out. */
    ck_assert_int_eq(mkt_journey_engine_event(e, "B", "OPENED", T0 + HOUR - 1), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_event(e, "A", "OPENED", T0 + HOUR), MKT_OK);
    ck_assert_int_eq(h.nsent, 2);
    ck_assert_str_eq(h.sent[0].customer, "B");
    ck_assert_str_eq(h.sent[0].template_id, "t-yes");
    ck_assert_str_eq(h.sent[1].customer, "A");
    ck_assert_str_eq(h.sent[1].template_id, "t-no");
    uint32_t first = 0, n = 0;
    uint64_t on_event = 0, on_timeout = 0;
    ck_assert_int_eq(mkt_journey_node_edges(j, et_node(j, "w"), &first, &n), MKT_OK);
    for (uint32_t i = first; i < first + n; i++) {
        mkt_journey_edge_def d = MKT_JOURNEY_EDGE_DEF_INIT;
        uint64_t t = 0;
        ck_assert_int_eq(mkt_journey_edge_get(j, i, &d), MKT_OK);
        ck_assert_int_eq(mkt_journey_engine_edge_count(e, "we", i, &t), MKT_OK);
        if (d.port == MKT_JOURNEY_PORT_EVENT)
            on_event = t;
        else
            on_timeout = t;
    }
    ck_assert_uint_eq(on_event, 1);
    ck_assert_uint_eq(on_timeout, 1);
    /* re-entry "never" (the default): A has left and may not enter again */
    ck_assert_int_eq(mkt_journey_engine_enter(e, "we", "A", T0 + 2 * HOUR, &entered), MKT_OK);
    ck_assert_int_eq(entered, 0);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(decision_on_event_since_node)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load_file(h.ctx, "welcome-opened.xml");
    mkt_journey_engine *e = et_engine(&h, j);
    int32_t entered = 0;
    ck_assert_int_eq(mkt_journey_engine_enter(e, "welcome-opened", "C1", T0, &entered), MKT_OK);
    ck_assert_int_eq(entered, 1);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "welcome-opened", "C2", T0, &entered), MKT_OK);
    /* a live instance: no second entry */
    ck_assert_int_eq(mkt_journey_engine_enter(e, "welcome-opened", "C2", T0, &entered), MKT_OK);
    ck_assert_int_eq(entered, 0);
    /* C2 opens something BEFORE the welcome email (sent at T0 + 1 day): not "since" it */
    ck_assert_int_eq(mkt_journey_engine_event(e, "C2", "EMAIL_OPENED", T0 + 100), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "EMAIL_OPENED", T0 + DAY + 10), MKT_OK);
    /* the decision runs at T0 + 1 day + 3 days; ties in time go in instance-key order */
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 4 * DAY, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 4);
    ck_assert_str_eq(h.sent[0].template_id, "welcome");
    ck_assert_str_eq(h.sent[0].customer, "C1");
    ck_assert_str_eq(h.sent[1].customer, "C2");
    ck_assert_str_eq(h.sent[2].customer, "C1");
    ck_assert_str_eq(h.sent[2].template_id, "app-download");
    ck_assert_str_eq(h.sent[3].customer, "C2");
    ck_assert_str_eq(h.sent[3].template_id, "re-engage");
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 7 * DAY, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 5);
    ck_assert_str_eq(h.sent[4].template_id, "re-engage");
    ck_assert_str_eq(h.sent[4].customer, "C1");
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(reentry_after_interval)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load_file(h.ctx, "abandoned-cart.xml"); /* allowed after 7 days */
    mkt_journey_engine *e = et_engine(&h, j);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "BOOKING_COMPLETED", T0 + 10), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0 + DAY), MKT_OK);
    mkt_journey_instance in = et_instance(e, "abandoned-cart", "C1");
    ck_assert_int_eq(in.state, MKT_JOURNEY_INSTANCE_CONVERTED);
    ck_assert_uint_eq(in.entries, 1);
    /* exactly 7 days after the last entry: allowed again */
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0 + 7 * DAY), MKT_OK);
    in = et_instance(e, "abandoned-cart", "C1");
    ck_assert_int_eq(in.state, MKT_JOURNEY_INSTANCE_WAITING);
    ck_assert_uint_eq(in.entries, 2);
    ck_assert_int_eq(in.entered_at, T0 + 7 * DAY);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

static const char *tod_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"tod\" timezone=\"fixed\" "
    "zone=\"Europe/Paris\" reentry=\"allowed\">\n"
    "  <entry id=\"e\" manual=\"true\"/>\n"
    "  <wait id=\"w\" at=\"09:00\"/>\n"
    "  <send id=\"s\" channel=\"email\" template=\"t\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

START_TEST(time_of_day_across_dst)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, tod_xml);
    mkt_journey_engine *e = et_engine(&h, j);
    /* 2026-03-27 10:00 UTC = 11:00 CET: next 09:00 CET is 2026-03-28 08:00 UTC. */
    ck_assert_int_eq(mkt_journey_engine_enter(e, "tod", "A", 1774605600, NULL), MKT_OK);
    ck_assert_int_eq(et_instance(e, "tod", "A").wake_at, 1774684800);
    /* 2026-03-28 10:00 UTC = 11:00 CET; Paris moves to CEST (UTC+2) on Sunday 29 March, so
     * the next 09:00 is 07:00 UTC (1774767600), not 08:00. */
    ck_assert_int_eq(mkt_journey_engine_enter(e, "tod", "B", 1774692000, NULL), MKT_OK);
    ck_assert_int_eq(et_instance(e, "tod", "B").wake_at, 1774767600);
    ck_assert_int_eq(mkt_journey_engine_advance(e, 1774767600, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 2);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

static const char *split_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"sp\">\n"
    "  <entry id=\"e\" manual=\"true\"/>\n"
    "  <split id=\"s\" experiment=\"exp-1\">\n"
    "    <variant name=\"A\" weight=\"1\" next=\"a\"/>\n"
    "    <variant name=\"B\" weight=\"3\" next=\"b\"/>\n"
    "  </split>\n"
    "  <send id=\"a\" channel=\"email\" template=\"ta\" next=\"x\"/>\n"
    "  <send id=\"b\" channel=\"email\" template=\"tb\" next=\"x\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

START_TEST(split_follows_ab_allocation)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, split_xml);
    mkt_journey_engine *e = et_engine(&h, j);
    static const double w[2] = { 1, 3 };
    char id[16];
    for (int i = 0; i < 20; i++) {
        snprintf(id, sizeof id, "C%02d", i);
        ck_assert_int_eq(mkt_journey_engine_enter(e, "sp", id, T0, NULL), MKT_OK);
        /* the variant is the A/B module's for the experiment key and the customer */
        mkt_abtest_assignment a;
        ck_assert_int_eq(mkt_abtest_assign(h.ctx, "exp-1", id, strlen(id), w, 2, NULL, &a),
                         MKT_OK);
        ck_assert_str_eq(h.sent[i].template_id, a.variant == 0 ? "ta" : "tb");
    }
    mkt_journey_node_counts ca = et_counts(e, j, "sp", "a"), cb = et_counts(e, j, "sp", "b");
    ck_assert_uint_eq(ca.sent + cb.sent, 20);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

static const char *max_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"mx\" "
    "max-duration=\"1 day\">\n"
    "  <entry id=\"e\" manual=\"true\"/>\n"
    "  <wait id=\"w\" event=\"OPENED\" timeout=\"20 hours\" on-event=\"s\" "
    "on-timeout=\"w2\"/>\n"
    "  <wait id=\"w2\" duration=\"6 hours\" next=\"s\"/>\n"
    "  <send id=\"s\" channel=\"email\" template=\"t\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

START_TEST(maximum_time_in_journey)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, max_xml);
    mkt_journey_engine *e = et_engine(&h, j);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "mx", "A", T0, NULL), MKT_OK);
    /* w times out at T0 + 20 h; w2 would end at T0 + 26 h, past the day: the wake-up is
     * moved to T0 + 24 h, where the instance expires without sending */
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 20 * HOUR, NULL), MKT_OK);
    ck_assert_int_eq(et_instance(e, "mx", "A").wake_at, T0 + DAY);
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 2 * DAY, NULL), MKT_OK);
    mkt_journey_instance in = et_instance(e, "mx", "A");
    ck_assert_int_eq(in.state, MKT_JOURNEY_INSTANCE_EXPIRED);
    ck_assert_uint_eq(in.node, et_node(j, "w2"));
    ck_assert_uint_eq(et_counts(e, j, "mx", "w2").ended, 1);
    ck_assert_int_eq(h.nsent, 0);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

/* One run of a mixed scenario; the idempotency keys of its sends joined into @out. */
static void scenario(char *out, size_t size)
{
    et_host h;
    et_init(&h);
    mkt_journey *a = et_load_file(h.ctx, "abandoned-cart.xml");
    mkt_journey *b = et_load_file(h.ctx, "welcome-opened.xml");
    const mkt_journey *js[2] = { b, a };
    mkt_journey_engine *e = NULL;
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    et_promo(&h, &o);
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 2, &o), MKT_OK);
    static const char *const who[] = { "C3", "C1", "C2" };
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(mkt_journey_engine_event(e, who[i], "CART_ABANDONED", T0), MKT_OK);
        ck_assert_int_eq(mkt_journey_engine_enter(e, "welcome-opened", who[i], T0, NULL),
                         MKT_OK);
    }
    ck_assert_int_eq(mkt_journey_engine_event(e, "C2", "BOOKING_COMPLETED", T0 + DAY), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C3", "EMAIL_OPENED", T0 + DAY + 5), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 10 * DAY, NULL), MKT_OK);
    out[0] = '\0';
    for (int i = 0; i < h.nsent; i++) {
        strncat(out, h.sent[i].idem, size - strlen(out) - 1);
        strncat(out, "|", size - strlen(out) - 1);
    }
    mkt_journey_engine_free(e);
    mkt_journey_free(a);
    mkt_journey_free(b);
    et_free(&h);
}

START_TEST(replay_is_deterministic)
{
    char first[4096], second[4096];
    scenario(first, sizeof first);
    scenario(second, sizeof second);
    ck_assert_str_eq(first, second);
    /* ties at one time go in instance-key order: C1 before C2 before C3 at T0 + 1 h */
    ck_assert_ptr_nonnull(strstr(first, "abandoned-cart:C1:1:email-1:2|abandoned-cart:C2:1:"
                                        "email-1:2|abandoned-cart:C3:1:email-1:2|"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("journey_engine");
    TCase *tc = tcase_create("nodes");
    tcase_add_test(tc, abandoned_cart_runs_to_the_end);
    tcase_add_test(tc, goal_event_converts_and_stops_sends);
    tcase_add_test(tc, event_exactly_at_timeout_is_too_late);
    tcase_add_test(tc, decision_on_event_since_node);
    tcase_add_test(tc, reentry_after_interval);
    tcase_add_test(tc, time_of_day_across_dst);
    tcase_add_test(tc, split_follows_ab_allocation);
    tcase_add_test(tc, maximum_time_in_journey);
    tcase_add_test(tc, replay_is_deterministic);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

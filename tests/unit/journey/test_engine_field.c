/* SPDX-License-Identifier: MIT */
/*
 * Waits until a field: from the triggering event's properties and from the profile (date,
 * time and text columns), a restart between entry and wake-up, the compact record (version 2
 * only for journeys with such waits; version 1 records still load), missing and bad values,
 * a time already past, the engine's refusals, and the property limits of
 * mkt_journey_engine_event_ex().
 */
#include "ftest.h"

static const char *ev_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"fw\">\n"
    "  <entry id=\"e\" event=\"BOOKED\"/>\n"
    "  <wait id=\"w\" field=\"event.departure_date\" offset=\"-3 days\" at=\"09:00\"/>\n"
    "  <send id=\"s\" channel=\"email\" template=\"t\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

/* 2027-02-01 - 3 days = 2027-01-29, at 09:00 in the journey's zone (UTC) = T0 + 14 d + 1 h
 * (T0 is 2027-01-15 08:00 UTC) = 1801213200. */
#define EV_DUE (T0 + 14 * DAY + HOUR)

START_TEST(event_field_wait_survives_a_restart)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, ev_xml);
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, NULL, &e), MKT_OK);
    ck_assert_int_eq(ft_event(e, "C1", "BOOKED", T0, "departure_date", "2027-02-01"), MKT_OK);
    mkt_journey_instance in = et_instance(e, "fw", "C1");
    ck_assert_uint_eq(in.node, et_node(j, "w"));
    ck_assert_int_eq(in.wake_at, EV_DUE);
    ck_assert_int_eq(EV_DUE, 1801213200);
    /* the record: 36 fixed bytes, no marks, 1 byte count + 1 capture of 9 bytes */
    char *rec = NULL;
    size_t len = 0;
    ck_assert_int_eq(mkt_store_get(h.ctx, "journey.instance", "C1\x1f" "fw", 5, &rec, &len,
                                   NULL), MKT_OK);
    ck_assert_uint_eq(len, 46);
    ck_assert_int_eq(rec[0], 2);
    mkt_free(rec);
    mkt_journey_engine_free(e);

    /* a new engine over the same store: the event is gone, the captured date is not */
    ck_assert_int_eq(ft_engine(h.ctx, j, NULL, &e), MKT_OK);
    ck_assert_int_eq(et_instance(e, "fw", "C1").wake_at, EV_DUE);
    ck_assert_int_eq(mkt_journey_engine_advance(e, EV_DUE - 1, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 0);
    ck_assert_int_eq(mkt_journey_engine_advance(e, EV_DUE, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 1);
    ck_assert_int_eq(et_instance(e, "fw", "C1").state, MKT_JOURNEY_INSTANCE_DONE);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

/* Without timer records a new engine finds the wake-up by reading every instance record,
 * version 2 included. */
START_TEST(restart_without_timer_records)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, ev_xml);
    const mkt_journey *js[1] = { j };
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    o.timer_records = 0;
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, &o), MKT_OK);
    ck_assert_int_eq(ft_event(e, "C1", "BOOKED", T0, "departure_date", "2027-02-01"), MKT_OK);
    mkt_journey_engine_free(e);
    ck_assert_int_eq(et_count_ns(&h, "journey.timer"), 0);
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, &o), MKT_OK);
    mkt_time due = 0;
    ck_assert_int_eq(mkt_journey_engine_next_due(e, &due), MKT_OK);
    ck_assert_int_eq(due, EV_DUE);
    ck_assert_int_eq(mkt_journey_engine_advance(e, EV_DUE, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 1);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

static const char *dt_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"dt\">\n"
    "  <entry id=\"e\" event=\"BOOKED\"/>\n"
    "  <wait id=\"w\" field=\"event.leaves\" offset=\"-2 hours\"/>\n"
    "  <send id=\"s\" channel=\"email\" template=\"t\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

START_TEST(date_time_values_and_times_already_past)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, dt_xml);
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, NULL, &e), MKT_OK);
    /* 2027-02-01 18:30 at +01:00 = 17:30 UTC, minus 2 hours = 15:30 UTC = T0 + 17 d + 7.5 h */
    ck_assert_int_eq(ft_event(e, "C1", "BOOKED", T0, "leaves", "2027-02-01T18:30:00+01:00"),
                     MKT_OK);
    ck_assert_int_eq(et_instance(e, "dt", "C1").wake_at, T0 + 17 * DAY + 7 * HOUR + 1800);
    /* 2027-01-15 09:00 UTC - 2 h = 07:00, an hour before the event: the wait passes at once */
    ck_assert_int_eq(ft_event(e, "C2", "BOOKED", T0, "leaves", "2027-01-15T09:00:00Z"),
                     MKT_OK);
    ck_assert_int_eq(h.nsent, 1);
    ck_assert_str_eq(h.sent[0].customer, "C2");
    ck_assert_int_eq(et_instance(e, "dt", "C2").state, MKT_JOURNEY_INSTANCE_DONE);
    /* exactly now (10:00 - 2 h = 08:00 = T0): also at once */
    ck_assert_int_eq(ft_event(e, "C3", "BOOKED", T0, "leaves", "2027-01-15T10:00:00Z"),
                     MKT_OK);
    ck_assert_int_eq(h.nsent, 2);
    mkt_journey_node_counts c = et_counts(e, j, "dt", "w");
    ck_assert_uint_eq(c.entered, 3);
    ck_assert_uint_eq(c.exited, 2);
    ck_assert_int_eq(c.waiting, 1);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(missing_or_bad_values_leave_with_a_reason)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, ev_xml);
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, NULL, &e), MKT_OK);
    ck_assert_int_eq(ft_event(e, "C1", "BOOKED", T0, NULL, NULL), MKT_OK);
    ck_assert_int_eq(ft_event(e, "C2", "BOOKED", T0, "departure_date", "soon"), MKT_OK);
    ck_assert_int_eq(ft_event(e, "C3", "BOOKED", T0, "departure_date", "2027-02-30"), MKT_OK);
    ck_assert_int_eq(ft_event(e, "C4", "BOOKED", T0, "other", "2027-02-01"), MKT_OK);
    /* a manual entry has no triggering event: nothing to read */
    int32_t entered = 0;
    ck_assert_int_eq(mkt_journey_engine_enter(e, "fw", "C5", T0, &entered), MKT_OK);
    ck_assert_int_eq(entered, 1);
    static const char *const who[] = { "C1", "C2", "C3", "C4", "C5" };
    for (int i = 0; i < 5; i++) {
        mkt_journey_instance in = et_instance(e, "fw", who[i]);
        ck_assert_int_eq(in.state, MKT_JOURNEY_INSTANCE_NO_FIELD);
        ck_assert_uint_eq(in.node, et_node(j, "w"));
        ck_assert_int_eq(in.wake_at, 0);
    }
    mkt_journey_node_counts c = et_counts(e, j, "fw", "w");
    ck_assert_uint_eq(c.no_field, 5);
    ck_assert_uint_eq(c.ended, 5);
    ck_assert_int_eq(c.waiting, 0);
    ck_assert_int_eq(h.nsent, 0);
    ck_assert_uint_eq(et_counts(e, j, "fw", "s").no_field, 0);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

static const char *cust_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"%s\">\n"
    "  <entry id=\"e\" manual=\"true\"/>\n"
    "  <wait id=\"w\" field=\"customer.%s\" offset=\"-7 days\"%s/>\n"
    "  <send id=\"s\" channel=\"email\" template=\"t\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

static mkt_journey *load_cust(mkt_ctx *ctx, const char *column, const char *at)
{
    char xml[1024];
    snprintf(xml, sizeof xml, cust_xml, column, column, at); /* journey id = column */
    return et_load(ctx, xml);
}

START_TEST(profile_fields_are_captured_at_entry)
{
    et_host h;
    et_init(&h);
    mkt_table *t = ft_table(h.ctx);
    uint64_t r1 = ft_customer(t, "D", NULL), r2 = ft_customer(t, "T", NULL);
    ft_customer(t, "N", NULL); /* renewal left null */
    mkt_date feb1;
    ck_assert_int_eq(mkt_date_parse(&feb1, "2027-02-01", 10), MKT_OK);
    ck_assert_int_eq(mkt_table_set_int(t, ft_col(t, "renewal"), r1, feb1), MKT_OK);
    ck_assert_int_eq(mkt_table_set_int(t, ft_col(t, "renewal_at"), r2, EV_DUE), MKT_OK);
    ck_assert_int_eq(mkt_table_set_string(t, ft_col(t, "renewal_text"), r1, "2027-02-01", 10),
                     MKT_OK);
    mkt_journey *jd = load_cust(h.ctx, "renewal", " at=\"10:00\"");
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, jd, t, &e), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "renewal", "D", T0, NULL), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "renewal", "N", T0, NULL), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "renewal", "U", T0, NULL), MKT_OK); /* no row */
    /* 2027-02-01 - 7 days = 2027-01-25 at 10:00 UTC (no zone in the profile) = T0 + 10 d + 2 h */
    ck_assert_int_eq(et_instance(e, "renewal", "D").wake_at, T0 + 10 * DAY + 2 * HOUR);
    ck_assert_int_eq(et_instance(e, "renewal", "N").state, MKT_JOURNEY_INSTANCE_NO_FIELD);
    ck_assert_int_eq(et_instance(e, "renewal", "U").state, MKT_JOURNEY_INSTANCE_NO_FIELD);
    /* the profile changes after entry: the wait keeps the value captured then, even across
     * a restart */
    ck_assert_int_eq(mkt_table_set_int(t, ft_col(t, "renewal"), r1, feb1 + 30), MKT_OK);
    mkt_journey_engine_free(e);
    ck_assert_int_eq(ft_engine(h.ctx, jd, t, &e), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 10 * DAY + 2 * HOUR, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 1);
    mkt_journey_engine_free(e);
    mkt_journey_free(jd);

    /* a TIME column: EV_DUE - 7 days, no time of day */
    mkt_journey *jt = load_cust(h.ctx, "renewal_at", "");
    ck_assert_int_eq(ft_engine(h.ctx, jt, t, &e), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "renewal_at", "T", T0, NULL), MKT_OK);
    ck_assert_int_eq(et_instance(e, "renewal_at", "T").wake_at, EV_DUE - 7 * DAY);
    mkt_journey_engine_free(e);
    mkt_journey_free(jt);

    /* a text column parsed like an event property: 2027-01-25 00:00 UTC = T0 + 9 d + 16 h */
    mkt_journey *js = load_cust(h.ctx, "renewal_text", "");
    ck_assert_int_eq(ft_engine(h.ctx, js, t, &e), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "renewal_text", "D", T0 + DAY, NULL), MKT_OK);
    ck_assert_int_eq(et_instance(e, "renewal_text", "D").wake_at, T0 + 9 * DAY + 16 * HOUR);
    mkt_journey_engine_free(e);
    mkt_journey_free(js);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

START_TEST(customer_fields_the_engine_cannot_read_are_refused)
{
    et_host h;
    et_init(&h);
    mkt_table *t = ft_table(h.ctx);
    mkt_journey *j = load_cust(h.ctx, "renewal", "");
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, NULL, &e), MKT_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(h.ctx)->message, "node w"));
    ck_assert_ptr_null(e);
    mkt_journey_free(j);
    j = load_cust(h.ctx, "visits", ""); /* an INT column */
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_ETYPE);
    mkt_journey_free(j);
    j = load_cust(h.ctx, "no_such_column", ""); /* loaded without a schema: not checked */
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(h.ctx)->message, "no_such_column"));
    mkt_journey_free(j);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

/* A record of format 1 (before field captures existed), asleep at the entry of "fw" until
 * T0 + 1 h: u8 format 1, state 1 (waiting), asleep 1, 0 marks, u32 node 0, entries 1, step 1,
 * attempt 0, i64 entered_at T0, i64 wake_at T0 + 3600 (little-endian). */
static void put_v1_record(et_host *h)
{
    unsigned char r[36] = { 1, 1, 1, 0 };
    r[8] = 1, r[12] = 1;
    for (int i = 0; i < 8; i++) {
        r[20 + i] = (unsigned char)((uint64_t)T0 >> (8 * i));
        r[28 + i] = (unsigned char)((uint64_t)(T0 + HOUR) >> (8 * i));
    }
    ck_assert_int_eq(mkt_store_put(h->ctx, "journey.instance", "C1\x1f" "fw", 5, r, sizeof r,
                                   MKT_VERSION_ANY, NULL), MKT_OK);
    char timer[64];
    int n = snprintf(timer, sizeof timer, "%020lld" "C1\x1f" "fw", (long long)(T0 + HOUR));
    ck_assert_int_eq(mkt_store_put(h->ctx, "journey.timer", timer, (size_t)n, "", 0,
                                   MKT_VERSION_ANY, NULL), MKT_OK);
}

START_TEST(version_1_records_still_load)
{
    et_host h;
    et_init(&h);
    put_v1_record(&h);
    mkt_journey *j = et_load(h.ctx, ev_xml);
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, NULL, &e), MKT_OK);
    mkt_journey_instance in = et_instance(e, "fw", "C1");
    ck_assert_int_eq(in.state, MKT_JOURNEY_INSTANCE_WAITING);
    ck_assert_int_eq(in.wake_at, T0 + HOUR);
    /* it captured nothing, so its field wait finds no value */
    uint64_t fired = 0;
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + HOUR, &fired), MKT_OK);
    ck_assert_uint_eq(fired, 1);
    ck_assert_int_eq(et_instance(e, "fw", "C1").state, MKT_JOURNEY_INSTANCE_NO_FIELD);
    /* written back as format 2, with the one (missing) capture */
    char *rec = NULL;
    size_t len = 0;
    ck_assert_int_eq(mkt_store_get(h.ctx, "journey.instance", "C1\x1f" "fw", 5, &rec, &len,
                                   NULL), MKT_OK);
    ck_assert_uint_eq(len, 46);
    /* a format 2 record with a wrong capture count is corrupt */
    rec[36] = 3;
    ck_assert_int_eq(mkt_store_put(h.ctx, "journey.instance", "C1\x1f" "fw", 5, rec, len,
                                   MKT_VERSION_ANY, NULL), MKT_OK);
    mkt_free(rec);
    mkt_journey_instance bad;
    memset(&bad, 0, sizeof bad);
    bad.struct_size = sizeof bad;
    ck_assert_int_eq(mkt_journey_engine_instance(e, "fw", "C1", &bad), MKT_EPARSE);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(journeys_without_field_waits_keep_format_1)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load_file(h.ctx, "abandoned-cart.xml");
    mkt_journey_engine *e = et_engine(&h, j);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0), MKT_OK);
    char *rec = NULL;
    size_t len = 0;
    ck_assert_int_eq(mkt_store_get(h.ctx, "journey.instance", "C1\x1f" "abandoned-cart", 17,
                                   &rec, &len, NULL), MKT_OK);
    ck_assert_int_eq(rec[0], 1);
    ck_assert_uint_eq(len, 36 + 8u * (unsigned char)rec[3]); /* fixed part + marks only */
    mkt_free(rec);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("journey_engine_field");
    TCase *tc = tcase_create("field");
    tcase_add_test(tc, event_field_wait_survives_a_restart);
    tcase_add_test(tc, restart_without_timer_records);
    tcase_add_test(tc, date_time_values_and_times_already_past);
    tcase_add_test(tc, missing_or_bad_values_leave_with_a_reason);
    tcase_add_test(tc, profile_fields_are_captured_at_entry);
    tcase_add_test(tc, customer_fields_the_engine_cannot_read_are_refused);
    tcase_add_test(tc, version_1_records_still_load);
    tcase_add_test(tc, journeys_without_field_waits_keep_format_1);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Times of day in the customer's zone (the profile's `timezone`), with the journey's zone as
 * the fallback, on DST days (spring-forward gap, fall-back fold) for waits until a time and
 * waits until a field; the property limits of mkt_journey_engine_event_ex(); allocation
 * failures on the field and zone paths.
 */
#include "failalloc.h"
#include "ftest.h"

static const char *tod_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"tz\"%s>\n"
    "  <entry id=\"e\" manual=\"true\"/>\n"
    "  <wait id=\"w\" at=\"%s\"/>\n"
    "  <send id=\"s\" channel=\"email\" template=\"t\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

static mkt_journey *load_tod(mkt_ctx *ctx, const char *attrs, const char *at)
{
    char xml[1024];
    snprintf(xml, sizeof xml, tod_xml, attrs, at);
    return et_load(ctx, xml);
}

static mkt_table *zones_table(mkt_ctx *ctx)
{
    mkt_table *t = ft_table(ctx);
    ft_customer(t, "P", "Europe/Paris");
    ft_customer(t, "NY", "America/New_York");
    ft_customer(t, "U", NULL);
    ft_customer(t, "B", "Mars/Olympus_Mons"); /* a zone name that has no file */
    ft_customer(t, "X", "../../etc/passwd");  /* not a zone name at all */
    return t;
}

static int64_t wake_of(mkt_journey_engine *e, const char *customer, mkt_time at)
{
    ck_assert_int_eq(mkt_journey_engine_enter(e, "tz", customer, at, NULL), MKT_OK);
    return et_instance(e, "tz", customer).wake_at;
}

START_TEST(spring_forward_gap_in_the_customers_zone)
{
    et_host h;
    et_init(&h);
    mkt_table *t = zones_table(h.ctx);
    mkt_journey *j = load_tod(h.ctx, "", "02:30"); /* zone UTC, times in the customer's zone */
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    /* 2027-03-28 00:00 UTC (1806192000) = 01:00 CET. Paris springs forward that night at
     * 02:00 CET to 03:00 CEST: 02:30 does not exist and moves on by the gap to 03:30 CEST =
     * 01:30 UTC = 1806192000 + 5400. */
    ck_assert_int_eq(wake_of(e, "P", 1806192000), 1806197400);
    /* without a zone, with a zone that does not load, with a bad name: the journey's (UTC)
     * 02:30 = 1806192000 + 9000 */
    ck_assert_int_eq(wake_of(e, "U", 1806192000), 1806201000);
    ck_assert_int_eq(wake_of(e, "B", 1806192000), 1806201000);
    ck_assert_int_eq(wake_of(e, "B2", 1806192000), 1806201000); /* no row at all */
    ck_assert_int_eq(wake_of(e, "X", 1806192000), 1806201000);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

START_TEST(new_york_gap_and_fixed_zone_policy)
{
    et_host h;
    et_init(&h);
    mkt_table *t = zones_table(h.ctx);
    mkt_journey *j = load_tod(h.ctx, "", "02:30");
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    /* 2027-03-14 05:00 UTC (1805000400) = 00:00 EST. New York springs forward at 02:00 EST
     * to 03:00 EDT: 02:30 becomes 03:30 EDT = 07:30 UTC = 1805000400 + 9000. */
    ck_assert_int_eq(wake_of(e, "NY", 1805000400), 1805009400);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    /* a journey whose times are always in its own zone ignores the profile's: Paris's
     * customer waits until 02:30 UTC */
    j = load_tod(h.ctx, " timezone=\"fixed\" zone=\"UTC\"", "02:30");
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_int_eq(wake_of(e, "P", 1806192000), 1806201000);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    /* and without a customers table the customer's zone is unknown: the journey's */
    j = load_tod(h.ctx, " zone=\"Europe/Paris\"", "02:30");
    ck_assert_int_eq(ft_engine(h.ctx, j, NULL, &e), MKT_OK);
    ck_assert_int_eq(wake_of(e, "Z", 1806192000), 1806197400);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

START_TEST(fall_back_fold_takes_the_earlier_instant)
{
    et_host h;
    et_init(&h);
    mkt_table *t = zones_table(h.ctx);
    mkt_journey *j = load_tod(h.ctx, "", "01:30");
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    /* Paris falls back a week earlier, on 2027-10-31 at 03:00 CEST to 02:00 CET, so 01:30
     * happens once there: from 2027-10-30 23:00 UTC (1824937200, 01:00 CEST), 01:30 CEST =
     * 23:30 UTC = 1824937200 + 1800. */
    ck_assert_int_eq(wake_of(e, "P", 1824937200), 1824939000);
    /* New York falls back on Sunday 2027-11-07 at 02:00 EDT to 01:00 EST: 01:30 happens
     * twice, 01:30 EDT (05:30 UTC) and 01:30 EST (06:30 UTC). From 04:00 UTC (1825560000,
     * 00:00 EDT) the earlier one is next: 1825560000 + 5400. */
    ck_assert_int_eq(wake_of(e, "NY", 1825560000), 1825565400);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    /* 02:30 on that day exists twice: 02:30 CEST (00:30 UTC) and 02:30 CET (01:30 UTC);
     * the earlier one, 1824937200 + 5400, is taken. */
    ft_customer(t, "P3", "Europe/Paris"); /* "P" already went through journey tz */
    j = load_tod(h.ctx, "", "02:30");
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_int_eq(wake_of(e, "P3", 1824937200), 1824942600);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

static const char *field_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"fz\">\n"
    "  <entry id=\"e\" event=\"BOOKED\"/>\n"
    "  <wait id=\"w\" field=\"event.departure_date\" offset=\"-3 days\" at=\"02:30\"/>\n"
    "  <send id=\"s\" channel=\"email\" template=\"t\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

START_TEST(field_wait_in_the_customers_zone)
{
    et_host h;
    et_init(&h);
    mkt_table *t = zones_table(h.ctx);
    mkt_journey *j = et_load(h.ctx, field_xml);
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    /* 2027-03-31 - 3 days = Sunday 2027-03-28, 02:30 in Paris: the gap, so 03:30 CEST =
     * 01:30 UTC = 1806197400; for U (no zone) 02:30 UTC = 1806201000. */
    ck_assert_int_eq(ft_event(e, "P", "BOOKED", T0, "departure_date", "2027-03-31"), MKT_OK);
    ck_assert_int_eq(ft_event(e, "U", "BOOKED", T0, "departure_date", "2027-03-31"), MKT_OK);
    ck_assert_int_eq(et_instance(e, "fz", "P").wake_at, 1806197400);
    ck_assert_int_eq(et_instance(e, "fz", "U").wake_at, 1806201000);
    /* a date-time value at a time of day: 2027-11-02T22:00Z minus 3 days is
     * 2027-10-30T22:00Z, which is 00:00 CEST on 31 October in Paris; 02:30 of that local
     * day is in the fold (02:30 CEST = 00:30 UTC, 02:30 CET = 01:30 UTC): the earlier one,
     * 2027-10-31T00:30Z = 1824942600. */
    ck_assert_int_eq(ft_customer(t, "P2", "Europe/Paris"), 5);
    ck_assert_int_eq(ft_event(e, "P2", "BOOKED", T0, "departure_date", "2027-11-02T22:00:00Z"),
                     MKT_OK);
    ck_assert_int_eq(et_instance(e, "fz", "P2").wake_at, 1824942600);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

START_TEST(event_properties_are_checked)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, field_xml);
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, NULL, &e), MKT_OK);
    static char long_name[MKT_JOURNEY_EVENT_MAX_NAME + 2];
    static char long_value[MKT_JOURNEY_EVENT_MAX_VALUE + 2];
    memset(long_name, 'n', sizeof long_name - 1);
    memset(long_value, '1', sizeof long_value - 1);
    const mkt_time late = T0 + DAY;
    ck_assert_int_eq(ft_event(e, "C", "BOOKED", late, long_name, "x"), MKT_ETOOBIG);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(h.ctx)->message, "name of 129 bytes"));
    ck_assert_int_eq(ft_event(e, "C", "BOOKED", late, "v", long_value), MKT_ETOOBIG);
    ck_assert_int_eq(ft_event(e, "C", "BOOKED", late, "", "x"), MKT_EINVAL);
    ck_assert_int_eq(ft_event(e, "C", "BOOKED", late, "a\tb", "x"), MKT_EINVAL);
    ck_assert_int_eq(ft_event(e, "C", "BOOKED", late, "v", NULL), MKT_EINVAL);
    long_name[MKT_JOURNEY_EVENT_MAX_NAME] = '\0'; /* 128 bytes: allowed */
    long_value[MKT_JOURNEY_EVENT_MAX_VALUE] = '\0';
    mkt_journey_event ev = MKT_JOURNEY_EVENT_INIT;
    const char *names[MKT_JOURNEY_EVENT_MAX_PROPERTIES + 1];
    const char *values[MKT_JOURNEY_EVENT_MAX_PROPERTIES + 1];
    char buf[MKT_JOURNEY_EVENT_MAX_PROPERTIES + 1][8];
    for (int i = 0; i <= MKT_JOURNEY_EVENT_MAX_PROPERTIES; i++) {
        snprintf(buf[i], sizeof buf[i], "p%d", i);
        names[i] = buf[i];
        values[i] = long_value;
    }
    names[0] = long_name;
    ev.customer_id = "C", ev.event_type = "BOOKED", ev.at = late;
    ev.property_names = names, ev.property_values = values;
    ev.nproperties = MKT_JOURNEY_EVENT_MAX_PROPERTIES + 1;
    ck_assert_int_eq(mkt_journey_engine_event_ex(e, &ev), MKT_ETOOBIG);
    names[1] = long_name; /* given twice */
    ev.nproperties = MKT_JOURNEY_EVENT_MAX_PROPERTIES;
    ck_assert_int_eq(mkt_journey_engine_event_ex(e, &ev), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(h.ctx)->message, "given twice"));
    ev.property_names = NULL;
    ck_assert_int_eq(mkt_journey_engine_event_ex(e, &ev), MKT_EINVAL);
    ev.struct_size = 0;
    ck_assert_int_eq(mkt_journey_engine_event_ex(e, &ev), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_engine_event_ex(e, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_engine_event_ex(NULL, &ev), MKT_EINVAL);
    ck_assert_int_eq(mkt_journey_event_init(NULL), MKT_EINVAL);
    /* none of those moved the clock: an event at T0 (before `late`) is still accepted, with
     * 64 properties at their longest */
    names[1] = buf[1];
    ev.struct_size = sizeof ev;
    ev.property_names = names;
    ev.at = T0;
    ck_assert_int_eq(mkt_journey_engine_event_ex(e, &ev), MKT_OK);
    /* no departure_date among them: the instance left at the wait */
    ck_assert_int_eq(et_instance(e, "fz", "C").state, MKT_JOURNEY_INSTANCE_NO_FIELD);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

/* Engine over a customers table with zones, an event with properties, a restart. */
static int alloc_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_table *t = NULL;
    mkt_journey *j = NULL;
    mkt_journey_engine *e = NULL;
    uint64_t row;
    rc = mkt_table_new(&t, ctx);
    uint32_t zone = 0;
    if (rc == MKT_OK && (rc = mkt_table_column_find(t, "timezone", &zone)) == MKT_OK &&
        (rc = mkt_table_add_customer(t, "P", 1, &row)) == MKT_OK)
        rc = mkt_table_set_string(t, zone, row, "Europe/Paris", 12);
    if (rc == MKT_OK)
        rc = mkt_journey_load_xml_memory(&j, ctx, field_xml, strlen(field_xml), "f.xml", NULL);
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    o.customers = t;
    if (rc == MKT_OK)
        rc = mkt_journey_engine_new(&e, ctx, (const mkt_journey *const *)&j, 1, &o);
    const char *name = "departure_date", *value = "2027-03-31";
    mkt_journey_event ev = MKT_JOURNEY_EVENT_INIT;
    ev.customer_id = "P", ev.event_type = "BOOKED", ev.at = T0;
    ev.property_names = &name, ev.property_values = &value, ev.nproperties = 1;
    if (rc == MKT_OK)
        rc = mkt_journey_engine_event_ex(e, &ev);
    if (rc == MKT_OK)
        rc = mkt_journey_engine_advance(e, 1806197400, NULL);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(allocation_failures)
{
    failalloc_run(alloc_scenario, NULL);
    failalloc_run_sticky(alloc_scenario, NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("journey_engine_zone");
    TCase *tc = tcase_create("zone");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, spring_forward_gap_in_the_customers_zone);
    tcase_add_test(tc, new_york_gap_and_fixed_zone_policy);
    tcase_add_test(tc, fall_back_fold_takes_the_earlier_instant);
    tcase_add_test(tc, field_wait_in_the_customers_zone);
    tcase_add_test(tc, event_properties_are_checked);
    tcase_add_test(tc, allocation_failures);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

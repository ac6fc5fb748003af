/* SPDX-License-Identifier: MIT */
/*
 * mkt_journey_engine_enter_due(): date entries at the right UTC instant in the customer's zone
 * (DST day included), yearly anniversaries across a year boundary, Feb 29, a null field, a
 * negative offset; segment entries on transitions (enter, leave, re-enter) with their
 * "journey.member" record; restarts; the window record; errors; allocation failures.
 *
 * Day numbers (days since 1970-01-01, x 86400 for the UTC midnight):
 *   1990-01-01 = 7305   2000-02-29 = 11016  2026-12-30 = 20817  2026-12-31 = 20818
 *   2027-02-27 = 20876  2027-03-28 = 20905  2027-12-31 = 21183  2028-02-28 = 21242
 *   2028-03-01 = 21244
 */
#include "failalloc.h"
#include "ftest.h"

#define D(days) ((int64_t)(days) * DAY)

static const char *date_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"bd\" reentry=\"allowed\"\n"
    "         reentry-after=\"300 days\">\n"
    "  <entry id=\"e\" field=\"customer.%s\" offset=\"%s\" at=\"09:00\" yearly=\"%s\"/>\n"
    "  <send id=\"s\" channel=\"email\" template=\"t\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

static mkt_journey *load_date(mkt_ctx *ctx, const char *field, const char *offset,
                              const char *yearly)
{
    char xml[1024];
    snprintf(xml, sizeof xml, date_xml, field, offset, yearly);
    return et_load(ctx, xml);
}

static void set_dob(mkt_table *t, uint64_t row, int64_t day)
{
    ck_assert_int_eq(mkt_table_set_int(t, ft_col(t, "date_of_birth"), row, day), MKT_OK);
}

static uint64_t due(mkt_journey_engine *e, mkt_time to)
{
    uint64_t n = 99;
    ck_assert_int_eq(mkt_journey_engine_enter_due(e, to, &n), MKT_OK);
    return n;
}

START_TEST(date_entry_in_each_customers_zone_on_a_dst_day)
{
    et_host h;
    et_init(&h);
    mkt_table *t = ft_table(h.ctx);
    /* All born 2027-03-28 (day 20905), the day Paris springs forward (CET -> CEST at 01:00
     * UTC); New York is on EDT (UTC-4) since March 14; U has no zone: the journey's UTC. */
    set_dob(t, ft_customer(t, "P", "Europe/Paris"), 20905);
    set_dob(t, ft_customer(t, "NY", "America/New_York"), 20905);
    set_dob(t, ft_customer(t, "U", NULL), 20905);
    mkt_journey *j = load_date(h.ctx, "date_of_birth", "0 days", "false");
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_advance(e, D(20904), NULL), MKT_OK);
    /* P: 09:00 CEST = 07:00 UTC = D(20905) + 25200; U: 09:00 UTC = + 32400;
     * NY: 09:00 EDT = 13:00 UTC = + 46800 */
    ck_assert_uint_eq(due(e, D(20905) + 25199), 0);
    ck_assert_uint_eq(due(e, D(20905) + 25200), 1);
    ck_assert_int_eq(et_instance(e, "bd", "P").entered_at, D(20905) + 25200);
    ck_assert_uint_eq(due(e, D(20905) + 46800), 2);
    ck_assert_int_eq(et_instance(e, "bd", "U").entered_at, D(20905) + 32400);
    ck_assert_int_eq(et_instance(e, "bd", "NY").entered_at, D(20905) + 46800);
    ck_assert_int_eq(h.nsent, 3); /* in time order */
    ck_assert_str_eq(h.sent[0].customer, "P");
    ck_assert_str_eq(h.sent[1].customer, "U");
    ck_assert_str_eq(h.sent[2].customer, "NY");
    /* not yearly: the date is past, nothing more ever */
    ck_assert_uint_eq(due(e, D(20905 + 800)), 0);
    ck_assert_int_eq(et_counts(e, j, "bd", "e").entered, 3);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

START_TEST(yearly_across_a_year_boundary_feb29_null_and_negative_offset)
{
    et_host h;
    et_init(&h);
    mkt_table *t = ft_table(h.ctx);
    set_dob(t, ft_customer(t, "A", NULL), 7305);  /* 1990-01-01 */
    set_dob(t, ft_customer(t, "B", NULL), 11016); /* 2000-02-29 */
    ft_customer(t, "C", NULL);                    /* no date of birth: never */
    set_dob(t, ft_customer(t, "F", NULL), 21300); /* 2028-04-26: after the window */
    mkt_journey *j = load_date(h.ctx, "date_of_birth", "-1 days", "true");
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_advance(e, D(20817), NULL), MKT_OK); /* 2026-12-30 */
    /* (2026-12-30, 2028-03-01], the day before each birthday at 09:00 UTC:
     * A: 2026-12-31 (day 20818) and 2027-12-31 (21183), across the year boundary;
     * B: 2027 has no Feb 29, the birthday is Feb 28, the day before Feb 27 (20876); 2028
     *    is a leap year: Feb 29 - 1 = Feb 28 (21242). */
    ck_assert_uint_eq(due(e, D(20876) + 9 * HOUR - 1), 1);   /* A, 2026-12-31 */
    ck_assert_uint_eq(due(e, D(20876) + 9 * HOUR), 1);       /* B, 2027-02-27 09:00 */
    ck_assert_int_eq(et_instance(e, "bd", "B").entered_at, D(20876) + 9 * HOUR);
    ck_assert_uint_eq(due(e, D(21244)), 2);                  /* A and B again */
    ck_assert_int_eq(h.nsent, 4);
    ck_assert_str_eq(h.sent[0].customer, "A");
    ck_assert_str_eq(h.sent[1].customer, "B");
    ck_assert_str_eq(h.sent[2].customer, "A");
    ck_assert_str_eq(h.sent[3].customer, "B");
    mkt_journey_instance a = et_instance(e, "bd", "A"), b = et_instance(e, "bd", "B");
    ck_assert_int_eq(a.entered_at, D(21183) + 9 * HOUR);
    ck_assert_uint_eq(a.entries, 2);
    ck_assert_int_eq(b.entered_at, D(21242) + 9 * HOUR);
    ck_assert_uint_eq(b.entries, 2);
    mkt_journey_instance c;
    memset(&c, 0, sizeof c);
    c.struct_size = sizeof c;
    ck_assert_int_eq(mkt_journey_engine_instance(e, "bd", "C", &c), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_journey_engine_instance(e, "bd", "F", &c), MKT_ENOTFOUND);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

/* A TIME column gives its local date in the customer's zone; text columns parse. */
START_TEST(time_and_text_fields)
{
    et_host h;
    et_init(&h);
    mkt_table *t = ft_table(h.ctx);
    /* 2027-03-27 23:30 UTC = 2027-03-28 00:30 CET in Paris: the local date is the 28th */
    uint64_t p = ft_customer(t, "P", "Europe/Paris");
    ck_assert_int_eq(mkt_table_set_int(t, ft_col(t, "renewal_at"), p, D(20905) - 1800), MKT_OK);
    uint64_t x = ft_customer(t, "X", NULL);
    ck_assert_int_eq(mkt_table_set_string(t, ft_col(t, "renewal_text"), x, "2027-03-28", 10),
                     MKT_OK);
    uint64_t y = ft_customer(t, "Y", NULL);
    ck_assert_int_eq(mkt_table_set_string(t, ft_col(t, "renewal_text"), y, "soon", 4), MKT_OK);
    mkt_journey *j = load_date(h.ctx, "renewal_at", "0 days", "false");
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_advance(e, D(20900), NULL), MKT_OK);
    ck_assert_uint_eq(due(e, D(20910)), 1); /* 09:00 CEST on the 28th */
    ck_assert_int_eq(et_instance(e, "bd", "P").entered_at, D(20905) + 7 * HOUR);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    /* the same journey id again: forget where its last window ended */
    ck_assert_int_eq(mkt_store_delete(h.ctx, "journey.due", "bd", 2, MKT_VERSION_ANY), MKT_OK);
    j = load_date(h.ctx, "renewal_text", "0 days", "false");
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_advance(e, D(20900), NULL), MKT_OK);
    ck_assert_uint_eq(due(e, D(20910)), 1); /* X; Y's "soon" is no date */
    ck_assert_int_eq(et_instance(e, "bd", "X").entered_at, D(20905) + 9 * HOUR);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

static const char *wait_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"bd\">\n"
    "  <entry id=\"e\" field=\"customer.date_of_birth\" at=\"09:00\" yearly=\"true\"/>\n"
    "  <wait id=\"w\" duration=\"1 hour\"/>\n"
    "  <send id=\"s\" channel=\"email\" template=\"t\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

/* Entries and wake-ups interleave in time order; ties go by customer id, not table order. */
START_TEST(entries_and_timers_interleave)
{
    et_host h;
    et_init(&h);
    mkt_table *t = ft_table(h.ctx);
    set_dob(t, ft_customer(t, "B1", NULL), 7305); /* born 1990-01-01 */
    set_dob(t, ft_customer(t, "A2", NULL), 7305);
    set_dob(t, ft_customer(t, "C", "Europe/Paris"), 7305); /* 09:00 CET = 08:00 UTC */
    mkt_journey *j = et_load(h.ctx, wait_xml);
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_advance(e, D(20818), NULL), MKT_OK); /* 2026-12-31 */
    /* 2027-01-01 = day 20819: C enters 08:00 UTC, wakes 09:00 and sends; A2 and B1 enter
     * 09:00 (after C's wake-up at the same second), wake 10:00 */
    ck_assert_uint_eq(due(e, D(20819) + 9 * HOUR + 30 * 60), 3);
    ck_assert_int_eq(h.nsent, 1);
    ck_assert_str_eq(h.sent[0].customer, "C");
    ck_assert_int_eq(et_instance(e, "bd", "A2").wake_at, D(20819) + 10 * HOUR);
    ck_assert_uint_eq(due(e, D(20819) + 10 * HOUR), 0);
    ck_assert_int_eq(h.nsent, 3);
    ck_assert_str_eq(h.sent[1].customer, "A2");
    ck_assert_str_eq(h.sent[2].customer, "B1");
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

/* The window record: a new engine catches up from where the last call stopped and repeats
 * nothing; a clock never moved and no record: nothing is replayed. */
START_TEST(restart_catches_up_dates_once)
{
    et_host h;
    et_init(&h);
    mkt_table *t = ft_table(h.ctx);
    set_dob(t, ft_customer(t, "A", NULL), 7305);          /* Jan 1 */
    set_dob(t, ft_customer(t, "B", NULL), 7305 + 1);      /* Jan 2 */
    mkt_journey *j = load_date(h.ctx, "date_of_birth", "0 days", "true");
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_uint_eq(due(e, D(20820)), 0); /* clock 0, no record: empty window */
    ck_assert_int_eq(et_count_ns(&h, "journey.due"), 1);
    mkt_journey_engine_free(e);
    /* a new engine: window (2027-01-02 00:00, ...]: B's Jan 2 09:00 only */
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_uint_eq(due(e, D(20821)), 1);
    ck_assert_str_eq(h.sent[0].customer, "B");
    mkt_journey_engine_free(e);
    /* a new engine moved past the record: late entries enter at its clock, none twice */
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_advance(e, D(20819 + 365) + 12 * HOUR, NULL), MKT_OK);
    /* (2027-01-03, 2028-01-03]: A's 2028-01-01 09:00, before the clock (12:00), enters at
     * the clock; B's 2028-01-02 09:00 on time; B's 2027 birthday was in the last window */
    ck_assert_uint_eq(due(e, D(20819 + 367)), 2);
    ck_assert_int_eq(et_instance(e, "bd", "A").entered_at, D(20819 + 365) + 12 * HOUR);
    ck_assert_int_eq(et_instance(e, "bd", "B").entered_at, D(20819 + 366) + 9 * HOUR);
    ck_assert_uint_eq(due(e, D(20819 + 367)), 0);
    /* a corrupt record */
    ck_assert_int_eq(mkt_store_put(h.ctx, "journey.due", "bd", 2, "x", 1, MKT_VERSION_ANY,
                                   NULL), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_enter_due(e, D(20819 + 368), NULL), MKT_EPARSE);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

static const char *seg_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"seg\" reentry=\"%s\">\n"
    "  <entry id=\"e\" rule=\"customer.tier = 'GOLD'\"/>\n"
    "  <send id=\"s\" channel=\"email\" template=\"t\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

static mkt_journey *load_seg_policy(mkt_ctx *ctx, const mkt_table *schema, const char *reentry)
{
    char xml[1024];
    snprintf(xml, sizeof xml, seg_xml, reentry);
    mkt_journey_options jo;
    mkt_journey_options_init(&jo);
    jo.schema = schema;
    mkt_journey *j = NULL;
    ck_assert_int_eq(mkt_journey_load_xml_memory(&j, ctx, xml, strlen(xml), "s.xml", &jo),
                     MKT_OK);
    return j;
}

static mkt_journey *load_seg(mkt_ctx *ctx, const mkt_table *schema)
{
    return load_seg_policy(ctx, schema, "allowed");
}

static void set_tier(mkt_table *t, uint64_t row, const char *tier)
{
    ck_assert_int_eq(mkt_table_set_string(t, ft_col(t, "tier"), row, tier, strlen(tier)),
                     MKT_OK);
}

static int remembered(et_host *h, const char *customer)
{
    char key[64];
    int n = snprintf(key, sizeof key, "%s\x1fseg\x1f" "e", customer);
    char *v = NULL;
    int rc = mkt_store_get(h->ctx, "journey.member", key, (size_t)n, &v, NULL, NULL);
    mkt_free(v);
    ck_assert(rc == MKT_OK || rc == MKT_ENOTFOUND);
    return rc == MKT_OK;
}

START_TEST(segment_enter_leave_reenter_and_restart)
{
    et_host h;
    et_init(&h);
    mkt_table *t = ft_table(h.ctx);
    uint64_t g = ft_customer(t, "G", NULL), s = ft_customer(t, "S", NULL);
    set_tier(t, g, "GOLD");
    set_tier(t, s, "SILVER");
    mkt_journey *j = load_seg(h.ctx, t);
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_uint_eq(due(e, T0), 1); /* first call: the current member enters */
    ck_assert(remembered(&h, "G"));
    ck_assert(!remembered(&h, "S"));
    ck_assert_int_eq(et_instance(e, "seg", "G").entered_at, T0);
    ck_assert_uint_eq(due(e, T0 + 1), 0); /* still a member: no new entry */
    set_tier(t, s, "GOLD");
    ck_assert_uint_eq(due(e, T0 + 2), 1); /* S entered the segment */
    ck_assert_int_eq(et_instance(e, "seg", "S").entered_at, T0 + 2);
    set_tier(t, g, "SILVER");
    ck_assert_uint_eq(due(e, T0 + 3), 0); /* G left: forgotten */
    ck_assert(!remembered(&h, "G"));
    set_tier(t, g, "GOLD");
    ck_assert_uint_eq(due(e, T0 + 4), 1); /* G is back: a new entry */
    mkt_journey_instance in = et_instance(e, "seg", "G");
    ck_assert_uint_eq(in.entries, 2);
    ck_assert_int_eq(in.entered_at, T0 + 4);
    ck_assert_int_eq(h.nsent, 3);
    mkt_journey_engine_free(e);
    /* a new engine over the same store: the members are remembered, nobody re-enters */
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_uint_eq(due(e, T0 + 5), 0);
    ck_assert_int_eq(et_count_ns(&h, "journey.member"), 2);
    /* erasure removes the membership with the rest of the customer's data */
    mkt_erase_request req = MKT_ERASE_REQUEST_INIT;
    req.customer_id = "S";
    ck_assert_int_eq(mkt_privacy_erase(h.ctx, &req, NULL), MKT_OK);
    ck_assert(!remembered(&h, "S"));
    ck_assert(remembered(&h, "G"));
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

/* A customer who enters the segment while the re-entry policy refuses uses the transition up:
 * remembered, and not entered at the next call either. */
START_TEST(segment_entry_refused_by_policy_is_used_up)
{
    et_host h;
    et_init(&h);
    mkt_table *t = ft_table(h.ctx);
    uint64_t g = ft_customer(t, "G", NULL);
    set_tier(t, g, "GOLD");
    mkt_journey *j = load_seg_policy(h.ctx, t, "never");
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    int32_t entered = 0;
    ck_assert_int_eq(mkt_journey_engine_enter(e, "seg", "G", T0, &entered), MKT_OK);
    ck_assert_int_eq(entered, 1); /* entered by hand once: reentry="never" */
    ck_assert_uint_eq(due(e, T0 + 10), 0);
    ck_assert(remembered(&h, "G"));
    ck_assert_uint_eq(due(e, T0 + 20), 0);
    ck_assert_uint_eq(et_instance(e, "seg", "G").entries, 1);
    ck_assert_int_eq(h.nsent, 1);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

START_TEST(errors)
{
    et_host h;
    et_init(&h);
    mkt_table *t = ft_table(h.ctx);
    set_tier(t, ft_customer(t, "G", NULL), "GOLD");
    uint64_t n = 7;
    ck_assert_int_eq(mkt_journey_engine_enter_due(NULL, T0, &n), MKT_EINVAL);
    ck_assert_uint_eq(n, 0);
    /* no customers table: refused, naming the journey */
    mkt_journey *j = load_date(h.ctx, "date_of_birth", "0 days", "true");
    mkt_journey_engine *e = et_engine(&h, j);
    ck_assert_int_eq(mkt_journey_engine_enter_due(e, T0, NULL), MKT_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(h.ctx)->message, "bd entry e"));
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0, NULL), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_enter_due(e, T0 - 1, NULL), MKT_ERANGE);
    ck_assert_int_eq(mkt_journey_engine_enter_due(e, INT64_MAX, NULL), MKT_ERANGE);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    /* the field's column is missing / not a date */
    j = load_date(h.ctx, "no_such_column", "0 days", "true"); /* no schema: not checked */
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_enter_due(e, T0, NULL), MKT_ENOTFOUND);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    j = load_date(h.ctx, "visits", "0 days", "true");
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_enter_due(e, T0, NULL), MKT_ETYPE);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    /* a segment entry loaded without a schema */
    char sxml[1024];
    snprintf(sxml, sizeof sxml, seg_xml, "never");
    ck_assert_int_eq(mkt_journey_load_xml_memory(&j, h.ctx, sxml, strlen(sxml), "s.xml", NULL),
                     MKT_OK);
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_enter_due(e, T0, NULL), MKT_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(h.ctx)->message, "without a schema"));
    ck_assert_int_eq(et_count_ns(&h, "journey.member"), 0); /* nothing changed */
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    /* a journey without segment or date entries: nothing to do, the clock moves */
    j = et_load_file(h.ctx, "abandoned-cart.xml");
    e = et_engine(&h, j);
    ck_assert_uint_eq(due(e, T0), 0);
    ck_assert_int_eq(mkt_journey_engine_enter_due(e, T0 - 1, NULL), MKT_ERANGE);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

/* A store that fails: the entries not made are made by the next call, none twice. */
START_TEST(store_failure_then_retry)
{
    et_host h;
    et_init(&h);
    mkt_table *t = ft_table(h.ctx);
    for (int i = 0; i < 4; i++) {
        char id[8];
        snprintf(id, sizeof id, "C%d", i);
        set_dob(t, ft_customer(t, id, NULL), 7305); /* Jan 1 */
    }
    mkt_journey *j = load_date(h.ctx, "date_of_birth", "0 days", "true");
    mkt_journey_engine *e = NULL;
    ck_assert_int_eq(ft_engine(h.ctx, j, t, &e), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_advance(e, D(20818), NULL), MKT_OK);
    h.fs.kinds = FS_WRITE;
    h.fs.only_ns = "journey.instance";
    h.fs.calls = 0;
    h.fs.fail_at = 2; /* the third instance write (C2's) fails */
    ck_assert_int_eq(mkt_journey_engine_enter_due(e, D(20820), NULL), MKT_EIO);
    h.fs.fail_at = -1;
    ck_assert_int_eq(h.nsent, 3); /* C2's send went out before its instance write failed */
    /* the window (Dec 31, Jan 2] again: C0 and C1 are not entered twice, C2's send is done */
    ck_assert_uint_eq(due(e, D(20820)), 2);
    ck_assert_int_eq(h.nsent, 4);
    ck_assert_str_eq(h.sent[3].customer, "C3");
    ck_assert_uint_eq(et_instance(e, "bd", "C0").entries, 1);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_table_free(t);
    et_free(&h);
}
END_TEST

static int alloc_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_table *t = NULL;
    mkt_journey *js[2] = { NULL, NULL };
    mkt_journey_engine *e = NULL;
    uint32_t tier = 0, dob = 0, zone = 0;
    uint64_t row;
    mkt_journey_options jo;
    mkt_journey_options_init(&jo);
    char xml[1024], sxml[1024];
    snprintf(xml, sizeof xml, date_xml, "date_of_birth", "0 days", "true");
    snprintf(sxml, sizeof sxml, seg_xml, "allowed");
    rc = mkt_table_new(&t, ctx);
    if (rc == MKT_OK && (rc = mkt_table_column_find(t, "tier", &tier)) == MKT_OK &&
        (rc = mkt_table_column_find(t, "date_of_birth", &dob)) == MKT_OK &&
        (rc = mkt_table_column_find(t, "timezone", &zone)) == MKT_OK &&
        (rc = mkt_table_add_customer(t, "G", 1, &row)) == MKT_OK &&
        (rc = mkt_table_set_string(t, tier, row, "GOLD", 4)) == MKT_OK &&
        (rc = mkt_table_set_string(t, zone, row, "Europe/Paris", 12)) == MKT_OK)
        rc = mkt_table_set_int(t, dob, row, 7305);
    jo.schema = t;
    if (rc == MKT_OK)
        rc = mkt_journey_load_xml_memory(&js[0], ctx, sxml, strlen(sxml), "s.xml", &jo);
    if (rc == MKT_OK)
        rc = mkt_journey_load_xml_memory(&js[1], ctx, xml, strlen(xml), "d.xml", &jo);
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    o.customers = t;
    if (rc == MKT_OK)
        rc = mkt_journey_engine_new(&e, ctx, (const mkt_journey *const *)js, 2, &o);
    if (rc == MKT_OK)
        rc = mkt_journey_engine_advance(e, D(20818), NULL);
    if (rc == MKT_OK)
        rc = mkt_journey_engine_enter_due(e, D(20820), NULL);
    if (rc == MKT_OK)
        rc = mkt_journey_engine_enter_due(e, D(20821), NULL);
    mkt_journey_engine_free(e);
    mkt_journey_free(js[0]);
    mkt_journey_free(js[1]);
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
    Suite *s = suite_create("journey_engine_due");
    TCase *tc = tcase_create("due");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, date_entry_in_each_customers_zone_on_a_dst_day);
    tcase_add_test(tc, yearly_across_a_year_boundary_feb29_null_and_negative_offset);
    tcase_add_test(tc, time_and_text_fields);
    tcase_add_test(tc, entries_and_timers_interleave);
    tcase_add_test(tc, restart_catches_up_dates_once);
    tcase_add_test(tc, segment_enter_leave_reenter_and_restart);
    tcase_add_test(tc, segment_entry_refused_by_policy_is_used_up);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, store_failure_then_retry);
    tcase_add_test(tc, allocation_failures);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

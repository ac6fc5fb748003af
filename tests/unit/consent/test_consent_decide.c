/* SPDX-License-Identifier: MIT */
/*
 * The contact decision, case by case with hand-worked expectations: consent, DNC scopes and
 * which reasons stop transactional messages, switches, topics, several reasons at once,
 * quiet hours per region with the next allowed time (across a DST gap and fold), frequency
 * caps per ISO week and day with concurrent senders, audit of real sends, and the safety
 * rule: a failing store, a corrupt record or an unknown zone never yields "allow".
 * Instants come from timegm() (libc), local times are worked out in the comments.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "consent/consent-private.h"
#include "consent_support.h"
#include "failalloc.h"

#define BIT(r) (1u << (r))

static int64_t utc(int y, int mo, int d, int h, int mi)
{
    struct tm tm = { 0 };
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    return (int64_t)timegm(&tm);
}

static mkt_ctx *ctx;
static mkt_consent *policy;
static audit_log audit;

static void setup(void)
{
    memset(&audit, 0, sizeof audit);
    mkt_host h = MKT_HOST_INIT;
    h.audit = audit_log_sink;
    h.user_data = &audit;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_OK);
    ck_assert_int_eq(mkt_consent_new(&policy, ctx, NULL), MKT_OK);
}

static void teardown(void)
{
    mkt_consent_free(policy);
    mkt_ctx_free(ctx);
}

static void give_in(mkt_ctx *in, const char *id, int32_t channel, int32_t status, int doi)
{
    mkt_consent_change c = MKT_CONSENT_CHANGE_INIT;
    c.customer_id = id;
    c.channel = channel;
    c.status = status;
    c.double_opt_in = doi;
    c.ts = 1000;
    c.source = "test";
    ck_assert_int_eq(mkt_consent_set(in, &c), MKT_OK);
}

static void give(const char *id, int32_t channel, int32_t status, int doi)
{
    give_in(ctx, id, channel, status, doi);
}

static void add_dnc(const char *id, int32_t scope, int32_t reason)
{
    mkt_dnc_entry e = MKT_DNC_ENTRY_INIT;
    e.customer_id = id;
    e.scope = scope;
    e.reason = reason;
    e.ts = 1000;
    e.source = "test";
    ck_assert_int_eq(mkt_dnc_add(ctx, &e), MKT_OK);
}

static void prefs(const char *id, int32_t channel, int promo, int trans, int d, int w, int m)
{
    mkt_preferences p = MKT_PREFERENCES_INIT;
    p.customer_id = id;
    p.channel = channel;
    p.promotional = promo;
    p.transactional = trans;
    p.daily_cap = d;
    p.weekly_cap = w;
    p.monthly_cap = m;
    ck_assert_int_eq(mkt_preferences_set(ctx, &p), MKT_OK);
}

/* A Wednesday, 2025-06-11 10:00 UTC (12:00 in Paris): inside every default window. */
#define NOON_PARIS utc(2025, 6, 11, 10, 0)

static mkt_contact_request req(const char *id, int32_t channel, int32_t cls)
{
    mkt_contact_request r = MKT_CONTACT_REQUEST_INIT;
    r.customer_id = id;
    r.channel = channel;
    r.message_class = cls;
    r.at = NOON_PARIS;
    r.time_zone = "Europe/Paris";
    r.region = "FR";
    return r;
}

static mkt_contact_decision decide_rc(const mkt_contact_request *r, int expect_rc)
{
    mkt_contact_decision d = { sizeof d, -1, 0xdead, -1, -1 };
    int rc = mkt_consent_check(policy, r, &d);
    ck_assert_msg(rc == expect_rc, "rc %d: %s", rc, mkt_ctx_last_error(ctx)->message);
    ck_assert_int_eq(d.allow, d.reasons == 0 && rc == MKT_OK);
    return d;
}

static mkt_contact_decision decide(const mkt_contact_request *r)
{
    return decide_rc(r, MKT_OK);
}

START_TEST(consent_states)
{
    mkt_contact_request r = req("A", MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL);
    ck_assert_uint_eq(decide(&r).reasons, BIT(MKT_REASON_NO_CONSENT));
    r.message_class = MKT_CLASS_TRANSACTIONAL; /* no consent needed */
    ck_assert_int_eq(decide(&r).allow, 1);
    give("A", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 0);
    r.message_class = MKT_CLASS_PROMOTIONAL;
    mkt_contact_decision d = decide(&r);
    ck_assert_int_eq(d.allow, 1);
    ck_assert_int_eq(d.at, NOON_PARIS);
    ck_assert_int_eq(d.next_allowed, 0);
    give("B", MKT_CHANNEL_EMAIL, MKT_CONSENT_WITHDRAWN, 0);
    r.customer_id = "B";
    ck_assert_uint_eq(decide(&r).reasons, BIT(MKT_REASON_CONSENT_WITHDRAWN));
    give("C", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 1);
    r.customer_id = "C";
    ck_assert_uint_eq(decide(&r).reasons, BIT(MKT_REASON_OPT_IN_PENDING));
    /* Consent is per channel. */
    r.customer_id = "A";
    r.channel = MKT_CHANNEL_SMS;
    ck_assert_uint_eq(decide(&r).reasons, BIT(MKT_REASON_NO_CONSENT));
    /* Plain queries are not audited; 3 consent changes were. */
    ck_assert_int_eq(audit.count, 3);
}
END_TEST

START_TEST(dnc_and_transactional)
{
    give("D", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 0);
    give("D", MKT_CHANNEL_SMS, MKT_CONSENT_GIVEN, 0);
    add_dnc("D", MKT_CHANNEL_EMAIL, MKT_DNC_UNSUBSCRIBE);
    mkt_contact_request r = req("D", MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL);
    ck_assert_uint_eq(decide(&r).reasons, BIT(MKT_REASON_DNC_UNSUBSCRIBE));
    r.message_class = MKT_CLASS_TRANSACTIONAL; /* an unsubscribe is about marketing */
    ck_assert_int_eq(decide(&r).allow, 1);
    r.channel = MKT_CHANNEL_SMS; /* the entry is for email only */
    r.message_class = MKT_CLASS_PROMOTIONAL;
    ck_assert_int_eq(decide(&r).allow, 1);
    /* SMS STOP stops transactional SMS too; a legal entry for all channels stops all. */
    add_dnc("D", MKT_CHANNEL_SMS, MKT_DNC_SMS_STOP);
    r.message_class = MKT_CLASS_TRANSACTIONAL;
    ck_assert_uint_eq(decide(&r).reasons, BIT(MKT_REASON_DNC_SMS_STOP));
    add_dnc("D", MKT_CHANNEL_ALL, MKT_DNC_LEGAL);
    add_dnc("D", MKT_CHANNEL_ALL, MKT_DNC_INTERNAL_POLICY);
    r.channel = MKT_CHANNEL_PUSH;
    ck_assert_uint_eq(decide(&r).reasons, BIT(MKT_REASON_DNC_LEGAL));
    r.message_class = MKT_CLASS_PROMOTIONAL; /* push: no consent either */
    ck_assert_uint_eq(decide(&r).reasons, BIT(MKT_REASON_DNC_LEGAL) |
                      BIT(MKT_REASON_DNC_INTERNAL_POLICY) | BIT(MKT_REASON_NO_CONSENT));
    /* Hard bounce: transactional email is stopped; so is an invalid address. */
    add_dnc("E", MKT_CHANNEL_EMAIL, MKT_DNC_HARD_BOUNCE);
    add_dnc("E", MKT_CHANNEL_EMAIL, MKT_DNC_SPAM_COMPLAINT);
    add_dnc("E", MKT_CHANNEL_EMAIL, MKT_DNC_CUSTOMER_SERVICE);
    r = req("E", MKT_CHANNEL_EMAIL, MKT_CLASS_TRANSACTIONAL);
    r.address = MKT_ADDRESS_INVALID;
    ck_assert_uint_eq(decide(&r).reasons, BIT(MKT_REASON_DNC_HARD_BOUNCE) |
                      BIT(MKT_REASON_INVALID_ADDRESS));
    r.message_class = MKT_CLASS_PROMOTIONAL;
    ck_assert_uint_eq(decide(&r).reasons,
                      BIT(MKT_REASON_DNC_HARD_BOUNCE) | BIT(MKT_REASON_DNC_SPAM_COMPLAINT) |
                      BIT(MKT_REASON_DNC_CUSTOMER_SERVICE) | BIT(MKT_REASON_INVALID_ADDRESS) |
                      BIT(MKT_REASON_NO_CONSENT));
    ck_assert_int_eq(decide(&r).next_allowed, 0); /* permanent reasons: no next time */
}
END_TEST

START_TEST(switches_and_topics)
{
    give("F", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 0);
    prefs("F", MKT_CHANNEL_EMAIL, 0, 1, 0, 0, 0);
    mkt_contact_request r = req("F", MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL);
    ck_assert_uint_eq(decide(&r).reasons, BIT(MKT_REASON_CHANNEL_OFF));
    r.message_class = MKT_CLASS_TRANSACTIONAL;
    ck_assert_int_eq(decide(&r).allow, 1);
    prefs("F", MKT_CHANNEL_EMAIL, 1, 0, 0, 0, 0);
    ck_assert_uint_eq(decide(&r).reasons, BIT(MKT_REASON_CHANNEL_OFF));
    r.message_class = MKT_CLASS_PROMOTIONAL;
    ck_assert_int_eq(decide(&r).allow, 1);
    prefs("F", MKT_CHANNEL_EMAIL, 1, 1, 0, 0, 0);
    /* Topics: excluded beats everything; once topics are chosen, others are refused;
     * a message without a purpose is not checked against topics. */
    ck_assert_int_eq(mkt_topic_set(ctx, "F", "deals", MKT_TOPIC_EXCLUDED, NULL), MKT_OK);
    r.purpose = "deals";
    ck_assert_uint_eq(decide(&r).reasons, BIT(MKT_REASON_TOPIC_EXCLUDED));
    r.purpose = "news";
    ck_assert_int_eq(decide(&r).allow, 1);
    ck_assert_int_eq(mkt_topic_set(ctx, "F", "miles", MKT_TOPIC_CHOSEN, NULL), MKT_OK);
    ck_assert_uint_eq(decide(&r).reasons, BIT(MKT_REASON_TOPIC_NOT_CHOSEN));
    r.purpose = "miles";
    ck_assert_int_eq(decide(&r).allow, 1);
    r.purpose = NULL;
    ck_assert_int_eq(decide(&r).allow, 1);
    r.purpose = "deals";
    r.message_class = MKT_CLASS_TRANSACTIONAL; /* topics are marketing preferences */
    ck_assert_int_eq(decide(&r).allow, 1);
}
END_TEST

/* A policy where promotional in-app messages need no consent record. */
static mkt_consent *implied_in_app_policy(mkt_consent_options *o)
{
    ck_assert_int_eq(mkt_consent_options_init(o), MKT_OK);
    o->implied_consent_channels = 1u << MKT_CHANNEL_IN_APP;
    mkt_consent *p;
    ck_assert_int_eq(mkt_consent_new(&p, ctx, o), MKT_OK);
    return p;
}

START_TEST(implied_consent_option)
{
    mkt_consent_options o;
    mkt_consent *p2 = implied_in_app_policy(&o);
    mkt_contact_request r = req("G", MKT_CHANNEL_IN_APP, MKT_CLASS_PROMOTIONAL);
    mkt_contact_decision d = { sizeof d, 0, 0, 0, 0 };
    ck_assert_int_eq(mkt_consent_check(p2, &r, &d), MKT_OK);
    ck_assert_int_eq(d.allow, 1);
    give("G", MKT_CHANNEL_IN_APP, MKT_CONSENT_WITHDRAWN, 0); /* a withdrawal still counts */
    ck_assert_int_eq(mkt_consent_check(p2, &r, &d), MKT_OK);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_CONSENT_WITHDRAWN));
    mkt_consent_free(p2);
    o.quiet_channels = 1u << 9;
    ck_assert_int_eq(mkt_consent_new(&p2, ctx, &o), MKT_EINVAL);
    o.quiet_channels = 0;
    o.weekly_cap = 70000;
    ck_assert_int_eq(mkt_consent_new(&p2, ctx, &o), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_new(NULL, ctx, &o), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_options_init(NULL), MKT_EINVAL);
    mkt_consent_free(NULL);
}
END_TEST

/* A batch hands each decision the key hash it computed for its prefetch. A stale one (the
 * caller changed the id meanwhile) finds no record; that must never read as "no record" and
 * allow: with implied consent, no record means yes. */
START_TEST(stale_batch_hash_never_allows)
{
    mkt_consent_options o;
    mkt_consent *p2 = implied_in_app_policy(&o);
    add_dnc("H", MKT_CHANNEL_IN_APP, MKT_DNC_UNSUBSCRIBE);
    mkt_contact_request r = req("H", MKT_CHANNEL_IN_APP, MKT_CLASS_PROMOTIONAL);
    const uint64_t stale = mkt__memstore_hash("I\x1f", 2);
    mkt_contact_decision d = { sizeof d, 0, 0, 0, 0 };
    ck_assert_int_eq(mkt__consent_decide(p2, &r, &d, &stale), MKT_OK);
    ck_assert_int_eq(d.allow, 0);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_DNC_UNSUBSCRIBE));
    /* A customer without a record still reads as one (here: allowed by implied consent). */
    r.customer_id = "I";
    const uint64_t other = mkt__memstore_hash("H\x1f", 2);
    ck_assert_int_eq(mkt__consent_decide(p2, &r, &d, &other), MKT_OK);
    ck_assert_int_eq(d.allow, 1);
    mkt_consent_free(p2);
}
END_TEST

START_TEST(quiet_hours_default)
{
    give("Q", MKT_CHANNEL_SMS, MKT_CONSENT_GIVEN, 0);
    give("Q", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 0);
    /* Wednesday 2025-06-11 20:30 UTC is 22:30 CEST: past 21:00. The window opens on
     * Thursday at 08:00 CEST = 06:00 UTC. */
    mkt_contact_request r = req("Q", MKT_CHANNEL_SMS, MKT_CLASS_PROMOTIONAL);
    r.at = utc(2025, 6, 11, 20, 30);
    mkt_contact_decision d = decide(&r);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_QUIET_HOURS));
    ck_assert_int_eq(d.next_allowed, utc(2025, 6, 12, 6, 0));
    /* 07:59:59 CEST is still quiet, 08:00 is not, 20:59 is allowed, 21:00 is not. */
    r.at = utc(2025, 6, 12, 5, 59) + 59;
    ck_assert_int_eq(decide(&r).allow, 0);
    r.at = utc(2025, 6, 12, 6, 0);
    ck_assert_int_eq(decide(&r).allow, 1);
    r.at = utc(2025, 6, 12, 18, 59);
    ck_assert_int_eq(decide(&r).allow, 1);
    r.at = utc(2025, 6, 12, 19, 0);
    ck_assert_int_eq(decide(&r).allow, 0);
    /* Email has no quiet hours; transactional SMS neither. */
    r.channel = MKT_CHANNEL_EMAIL;
    ck_assert_int_eq(decide(&r).allow, 1);
    r.channel = MKT_CHANNEL_SMS;
    r.message_class = MKT_CLASS_TRANSACTIONAL;
    ck_assert_int_eq(decide(&r).allow, 1);
    /* The same instant in New York is 15:00 EDT: allowed. */
    r.message_class = MKT_CLASS_PROMOTIONAL;
    r.time_zone = "America/New_York";
    ck_assert_int_eq(decide(&r).allow, 1);
    /* No zone: the policy default (UTC): 19:00 UTC is inside 08:00-21:00. */
    r.time_zone = NULL;
    ck_assert_int_eq(decide(&r).allow, 1);
}
END_TEST

START_TEST(quiet_hours_regions)
{
    mkt_quiet_rule us = { sizeof us, "US", 9 * 60, 20 * 60, MKT_DAYS_ALL };
    mkt_quiet_rule fl = { sizeof fl, "US-FL", 8 * 60, 20 * 60, MKT_DAYS_ALL & ~MKT_DAY_SUNDAY };
    ck_assert_int_eq(mkt_consent_add_quiet_rule(policy, &us), MKT_OK);
    ck_assert_int_eq(mkt_consent_add_quiet_rule(policy, &fl), MKT_OK);
    give("R", MKT_CHANNEL_SMS, MKT_CONSENT_GIVEN, 0);
    /* Sunday 2025-06-15 14:00 EDT (18:00 UTC) in Florida: no Sunday messages. Next: Monday
     * 2025-06-16 08:00 EDT = 12:00 UTC. */
    mkt_contact_request r = req("R", MKT_CHANNEL_SMS, MKT_CLASS_PROMOTIONAL);
    r.time_zone = "America/New_York";
    r.region = "US-FL";
    r.at = utc(2025, 6, 15, 18, 0);
    mkt_contact_decision d = decide(&r);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_QUIET_HOURS));
    ck_assert_int_eq(d.next_allowed, utc(2025, 6, 16, 12, 0));
    /* California falls back to the US rule (every day 09:00-20:00): Sunday 08:30 PDT
     * (15:30 UTC) is too early; 09:00 PDT = 16:00 UTC. */
    r.region = "US-CA";
    r.time_zone = "America/Los_Angeles";
    r.at = utc(2025, 6, 15, 15, 30);
    d = decide(&r);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_QUIET_HOURS));
    ck_assert_int_eq(d.next_allowed, utc(2025, 6, 15, 16, 0));
    /* A region of another country falls back to the built-in 08:00-21:00. */
    r.region = "FR-75";
    ck_assert_int_eq(decide(&r).allow, 1);
    /* Replacing the US rule. */
    us.start_minute = 8 * 60;
    ck_assert_int_eq(mkt_consent_add_quiet_rule(policy, &us), MKT_OK);
    r.region = "US-CA";
    ck_assert_int_eq(decide(&r).allow, 1);
    /* Bad rules. */
    mkt_quiet_rule bad = { sizeof bad, "us", 60, 120, MKT_DAYS_ALL };
    ck_assert_int_eq(mkt_consent_add_quiet_rule(policy, &bad), MKT_EINVAL);
    bad.region = "US-";
    ck_assert_int_eq(mkt_consent_add_quiet_rule(policy, &bad), MKT_EINVAL);
    bad.region = "US";
    bad.end_minute = 60;
    ck_assert_int_eq(mkt_consent_add_quiet_rule(policy, &bad), MKT_EINVAL);
    bad.end_minute = 1441;
    ck_assert_int_eq(mkt_consent_add_quiet_rule(policy, &bad), MKT_EINVAL);
    bad.end_minute = 120;
    bad.days = 0;
    ck_assert_int_eq(mkt_consent_add_quiet_rule(policy, &bad), MKT_EINVAL);
    bad.days = 0x80;
    ck_assert_int_eq(mkt_consent_add_quiet_rule(policy, &bad), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_add_quiet_rule(policy, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_add_quiet_rule(NULL, &bad), MKT_EINVAL);
}
END_TEST

START_TEST(quiet_hours_dst)
{
    mkt_quiet_rule r0 = { sizeof r0, "", 2 * 60 + 30, 21 * 60, MKT_DAYS_ALL };
    ck_assert_int_eq(mkt_consent_add_quiet_rule(policy, &r0), MKT_OK);
    give("S", MKT_CHANNEL_PUSH, MKT_CONSENT_GIVEN, 0);
    mkt_contact_request r = req("S", MKT_CHANNEL_PUSH, MKT_CLASS_PROMOTIONAL);
    /* Gap: 2025-03-30 00:30 UTC is 01:30 CET. 02:30 never happens that night: at 01:00 UTC
     * the clocks jump from 02:00 to 03:00, the first moment past 02:30. */
    r.at = utc(2025, 3, 30, 0, 30);
    mkt_contact_decision d = decide(&r);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_QUIET_HOURS));
    ck_assert_int_eq(d.next_allowed, utc(2025, 3, 30, 1, 0));
    /* Fold: 2025-10-26 01:10 UTC is 02:10 CET, the second pass (CEST 02:00-03:00 was
     * 00:00-01:00 UTC). 02:30 CEST (00:30 UTC) is gone; 02:30 CET comes at 01:30 UTC. */
    r.at = utc(2025, 10, 26, 1, 10);
    d = decide(&r);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_QUIET_HOURS));
    ck_assert_int_eq(d.next_allowed, utc(2025, 10, 26, 1, 30));
    /* First pass: 00:10 UTC is 02:10 CEST; 02:30 CEST is 00:30 UTC. */
    r.at = utc(2025, 10, 26, 0, 10);
    ck_assert_int_eq(decide(&r).next_allowed, utc(2025, 10, 26, 0, 30));
    /* Lord Howe (+10:30 -> +11 on 2025-10-05 02:00): at 2025-10-04 15:00 UTC it is 01:30
     * local; 02:30 local is 15:30 UTC (the transition instant shows 02:30 exactly). */
    r.time_zone = "Australia/Lord_Howe";
    r.at = utc(2025, 10, 4, 15, 0);
    d = decide(&r);
    ck_assert_int_eq(d.next_allowed, utc(2025, 10, 4, 15, 30));
}
END_TEST

/* One send counter of the customer's state record (consent_support.h): the count, and the
 * window in *window. 0 (window 0) when there is no record. */
static int64_t counter_of(mkt_ctx *c, const char *id, int scope, int period, int64_t *window)
{
    int64_t n = consent_counter_slot(c, id, scope, period, window);
    if (n < 0)
        *window = 0;
    return n < 0 ? 0 : n;
}

/* The count of a slot that must hold @window. */
static int64_t counter(const char *id, int scope, int period, int64_t window)
{
    int64_t w;
    int64_t n = counter_of(ctx, id, scope, period, &w);
    ck_assert_int_eq(w, window);
    return n;
}

enum { DAY, WEEK, MONTH };

START_TEST(caps)
{
    give("K", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 0);
    give("K", MKT_CHANNEL_SMS, MKT_CONSENT_GIVEN, 0);
    prefs("K", MKT_CHANNEL_EMAIL, 1, 1, 0, 2, 0); /* 2 a week */
    mkt_contact_request r = req("K", MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL);
    r.flags = MKT_CONTACT_SEND;
    ck_assert_int_eq(decide(&r).allow, 1);
    ck_assert_int_eq(decide(&r).allow, 1);
    ck_assert_int_eq(audit_log_count(&audit, "contact.allow"), 2);
    /* Third in the week: refused until Monday 2025-06-16 00:00 CEST = 06-15 22:00 UTC. */
    mkt_contact_decision d = decide(&r);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_CAP_CHANNEL));
    ck_assert_int_eq(d.next_allowed, utc(2025, 6, 15, 22, 0));
    ck_assert_int_eq(audit_log_count(&audit, "contact.allow"), 2);
    /* Counters: day 20250 (2025-06-11), week 2893 (Monday-start weeks from 1969-12-29:
     * (20250 + 3) / 7 = 2893), month 2025 * 12 + 5 = 24305; email is scope 1, all
     * channels scope 0. */
    ck_assert_int_eq(counter("K", 1, DAY, 20250), 2);
    ck_assert_int_eq(counter("K", 1, WEEK, 2893), 2);
    ck_assert_int_eq(counter("K", 1, MONTH, 24305), 2);
    ck_assert_int_eq(counter("K", 0, DAY, 20250), 2);
    /* Sunday 23:30 CEST is still the same week; Monday 00:00 CEST is a new one. */
    r.at = utc(2025, 6, 15, 21, 30);
    r.flags = 0;
    ck_assert_int_eq(decide(&r).allow, 0);
    r.at = utc(2025, 6, 15, 22, 0);
    ck_assert_int_eq(decide(&r).allow, 1);
    /* Transactional messages are neither capped nor counted. */
    r.at = NOON_PARIS;
    r.message_class = MKT_CLASS_TRANSACTIONAL;
    r.flags = MKT_CONTACT_SEND;
    ck_assert_int_eq(decide(&r).allow, 1);
    ck_assert_int_eq(counter("K", 1, DAY, 20250), 2);
    /* The all-channel daily cap of 2 is reached too (2 emails today): SMS is refused until
     * tomorrow 00:00 CEST, then quiet hours push it to 08:00 CEST = 06:00 UTC. */
    prefs("K", MKT_CHANNEL_ALL, 1, 1, 2, 0, 0);
    r = req("K", MKT_CHANNEL_SMS, MKT_CLASS_PROMOTIONAL);
    d = decide(&r);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_CAP_GLOBAL));
    ck_assert_int_eq(d.next_allowed, utc(2025, 6, 12, 6, 0));
    /* The policy's cap applies when stricter: 1 a day. */
    mkt_consent_options o = MKT_CONSENT_OPTIONS_INIT;
    o.daily_cap = 1;
    mkt_consent *strict;
    ck_assert_int_eq(mkt_consent_new(&strict, ctx, &o), MKT_OK);
    r = req("K2", MKT_CHANNEL_SMS, MKT_CLASS_PROMOTIONAL);
    give("K2", MKT_CHANNEL_SMS, MKT_CONSENT_GIVEN, 0);
    r.flags = MKT_CONTACT_SEND;
    ck_assert_int_eq(mkt_consent_check(strict, &r, &d), MKT_OK);
    ck_assert_int_eq(d.allow, 1);
    ck_assert_int_eq(mkt_consent_check(strict, &r, &d), MKT_OK);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_CAP_GLOBAL));
    mkt_consent_free(strict);
}
END_TEST

/* "Another process" sends to X on push through its own policy over the shared data. */
static void other_sender(fault_store *f)
{
    mkt_consent *p2;
    ck_assert_int_eq(mkt_consent_new(&p2, f->inner, NULL), MKT_OK);
    mkt_contact_request r = req("X", MKT_CHANNEL_PUSH, MKT_CLASS_PROMOTIONAL);
    r.flags = MKT_CONTACT_SEND;
    mkt_contact_decision d = { sizeof d, 0, 0, 0, 0 };
    ck_assert_int_eq(mkt_consent_check(p2, &r, &d), MKT_OK);
    ck_assert_int_eq(d.allow, 1);
    mkt_consent_free(p2);
}

/* Two senders race for the last slot of a daily cap of 1: our check reads count 0, then the
 * other sender counts its send, either before we read the record to count ours (bump after
 * operation 0) or between that read and our compare-and-set write (after operation 1: the
 * write conflicts and the retry sees the new count). Either way ours is refused. */
START_TEST(concurrent_senders)
{
    for (long bump_after = 0; bump_after <= 1; bump_after++) {
        fault_store fs;
        mkt_ctx *c = fault_store_ctx(&fs);
        ck_assert_ptr_nonnull(c);
        mkt_consent *p;
        ck_assert_int_eq(mkt_consent_new(&p, c, NULL), MKT_OK);
        give_in(c, "X", MKT_CHANNEL_PUSH, MKT_CONSENT_GIVEN, 0);
        mkt_preferences pr = MKT_PREFERENCES_INIT;
        pr.customer_id = "X";
        pr.channel = MKT_CHANNEL_PUSH;
        pr.daily_cap = 1;
        ck_assert_int_eq(mkt_preferences_set(c, &pr), MKT_OK);
        mkt_contact_request r = req("X", MKT_CHANNEL_PUSH, MKT_CLASS_PROMOTIONAL);
        r.flags = MKT_CONTACT_SEND;
        /* Operations: 0 state get (the check, counters included), 1 state get and 2 put
         * (counting the send). */
        fs.ops = 0;
        fs.bump_after_op = bump_after;
        fs.bump_fn = other_sender;
        mkt_contact_decision d = { sizeof d, 0, 0, 0, 0 };
        ck_assert_int_eq(mkt_consent_check(p, &r, &d), MKT_OK);
        ck_assert_int_eq(d.allow, 0);
        ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_CAP_CHANNEL));
        /* The day resets at 06-12 00:00 CEST, but push has quiet hours: 08:00 CEST. */
        ck_assert_int_eq(d.next_allowed, utc(2025, 6, 12, 6, 0));
        /* Nothing of ours was counted: the other sender's 1 only, on push (scope 3) and
         * all channels (scope 0), day 20250 = 2025-06-11. */
        int64_t w;
        ck_assert_int_eq(counter_of(fs.inner, "X", 3, DAY, &w), 1);
        ck_assert_int_eq(w, 20250);
        ck_assert_int_eq(counter_of(fs.inner, "X", 0, DAY, &w), 1);
        ck_assert_int_eq(fs.ops, bump_after == 0 ? 2 : 4); /* the conflict cost a retry */
        mkt_consent_free(p);
        mkt_ctx_free(c);
        fault_store_free(&fs);
    }
}
END_TEST

/* Records too big for the 512-byte read buffer (many long topics) take the allocating read:
 * in the decision with a host store, and in every writer (here: consent, topics, a counted
 * send). Decisions on them are the same with the memory store, read in place. */
static void decide_on_big_record(mkt_ctx *c)
{
    mkt_consent *p;
    ck_assert_int_eq(mkt_consent_new(&p, c, NULL), MKT_OK);
    give_in(c, "B", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 0);
    char topic[48];
    for (int i = 0; i < 20; i++) {
        snprintf(topic, sizeof topic, "topic-%02d-with-a-long-name-for-the-record", i);
        ck_assert_int_eq(mkt_topic_set(c, "B", topic, MKT_TOPIC_CHOSEN, NULL), MKT_OK);
    }
    ck_assert_int_eq(mkt_topic_set(c, "B", "spam", MKT_TOPIC_EXCLUDED, NULL), MKT_OK);
    mkt_preferences pr = MKT_PREFERENCES_INIT;
    pr.customer_id = "B";
    pr.channel = MKT_CHANNEL_EMAIL;
    pr.daily_cap = 1;
    ck_assert_int_eq(mkt_preferences_set(c, &pr), MKT_OK);
    char *v = NULL;
    size_t len = 0;
    ck_assert_int_eq(mkt_store_get(c, "consent.state", "B\x1f", 2, &v, &len, NULL), MKT_OK);
    ck_assert_uint_gt(len, 512);
    mkt_free(v);
    mkt_contact_request r = req("B", MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL);
    const struct { const char *purpose; uint32_t reasons; } cases[] = {
        { "topic-19-with-a-long-name-for-the-record", 0 },
        { "topic-19", BIT(MKT_REASON_TOPIC_NOT_CHOSEN) },
        { "spam", BIT(MKT_REASON_TOPIC_EXCLUDED) },
    };
    mkt_contact_decision d = { sizeof d, 0, 0, 0, 0 };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        r.purpose = cases[i].purpose;
        ck_assert_int_eq(mkt_consent_check(p, &r, &d), MKT_OK);
        ck_assert_uint_eq(d.reasons, cases[i].reasons);
    }
    r.purpose = cases[0].purpose;
    r.flags = MKT_CONTACT_SEND; /* counted in the big record: the daily cap of 1 is reached */
    ck_assert_int_eq(mkt_consent_check(p, &r, &d), MKT_OK);
    ck_assert_int_eq(d.allow, 1);
    ck_assert_int_eq(mkt_consent_check(p, &r, &d), MKT_OK);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_CAP_CHANNEL));
    mkt_consent_free(p);
}

START_TEST(big_records)
{
    decide_on_big_record(ctx); /* the memory store */
    fault_store fs;
    mkt_ctx *c = fault_store_ctx(&fs);
    ck_assert_ptr_nonnull(c);
    decide_on_big_record(c); /* a host store */
    mkt_ctx_free(c);
    fault_store_free(&fs);
}
END_TEST

/* The safety rule under fault injection: fail store operation N (once, or from N on) of a
 * check that would allow; whenever a failure was injected, the answer is a deny. */
START_TEST(store_failures_never_allow)
{
    for (int sticky = 0; sticky < 2; sticky++) {
        for (int send = 0; send < 2; send++) {
            for (long n = 0; n < 40; n++) {
                fault_store fs;
                mkt_ctx *c = fault_store_ctx(&fs);
                ck_assert_ptr_nonnull(c);
                mkt_consent *p;
                ck_assert_int_eq(mkt_consent_new(&p, c, NULL), MKT_OK);
                give_in(c, "Y", MKT_CHANNEL_SMS, MKT_CONSENT_GIVEN, 0);
                mkt_preferences pr = MKT_PREFERENCES_INIT;
                pr.customer_id = "Y";
                pr.channel = MKT_CHANNEL_SMS;
                pr.daily_cap = 5;
                pr.weekly_cap = 9;
                ck_assert_int_eq(mkt_preferences_set(c, &pr), MKT_OK);
                pr.channel = MKT_CHANNEL_ALL;
                pr.monthly_cap = 20;
                ck_assert_int_eq(mkt_preferences_set(c, &pr), MKT_OK);
                mkt_contact_request r = req("Y", MKT_CHANNEL_SMS, MKT_CLASS_PROMOTIONAL);
                r.flags = send ? MKT_CONTACT_SEND : 0;
                fs.ops = 0;
                fs.fail_at = n;
                fs.sticky = sticky;
                mkt_contact_decision d = { sizeof d, -1, 0, 0, 0 };
                int rc = mkt_consent_check(p, &r, &d);
                int injected = fs.ops > n;
                ck_assert_msg(!(injected && d.allow), "op %ld sticky %d send %d: allowed", n,
                              sticky, send);
                ck_assert_msg(injected || (rc == MKT_OK && d.allow), "op %ld: %d", n, rc);
                if (injected)
                    ck_assert_msg(rc != MKT_OK && d.reasons != 0, "op %ld: rc %d", n, rc);
                mkt_consent_free(p);
                mkt_ctx_free(c);
                fault_store_free(&fs);
            }
        }
    }
}
END_TEST

START_TEST(corrupt_record_and_unknown_zone)
{
    ck_assert_int_eq(mkt_store_put(ctx, "consent.state", "Z\x1f", 2, "\x01garbage", 8,
                                   MKT_VERSION_ANY, NULL), MKT_OK);
    mkt_contact_request r = req("Z", MKT_CHANNEL_EMAIL, MKT_CLASS_TRANSACTIONAL);
    mkt_contact_decision d = decide_rc(&r, MKT_EPARSE);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_STORE_ERROR));
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "corrupt"));
    give("Z2", MKT_CHANNEL_SMS, MKT_CONSENT_GIVEN, 0);
    r = req("Z2", MKT_CHANNEL_SMS, MKT_CLASS_PROMOTIONAL);
    r.time_zone = "Europe/Atlantis";
    d = decide_rc(&r, MKT_ENOTFOUND);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_TIME_ZONE));
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "Europe/Atlantis"));
    r.time_zone = "../etc";
    d = decide_rc(&r, MKT_EINVAL);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_TIME_ZONE));
    /* Corrupt send counters at the end of a valid record (no sends yet: it ends with the
     * slot count 0). */
    prefs("Z2", MKT_CHANNEL_ALL, 1, 1, 3, 0, 0);
    r.time_zone = "Europe/Paris";
    char *v = NULL;
    size_t len = 0;
    ck_assert_int_eq(mkt_store_get(ctx, "consent.state", "Z2\x1f", 3, &v, &len, NULL), MKT_OK);
    ck_assert_uint_eq((unsigned char)v[0], 3);
    ck_assert_int_eq(v[len - 1], 0);
    unsigned char bad[600];
    ck_assert_uint_lt(len + 14, sizeof bad);
    memcpy(bad, v, len);
    mkt_free(v);
    static const unsigned char slot_a[7] = { 3, 1, 0, 0, 0, 1, 0 }; /* slot 3: email, day */
    static const unsigned char slot_21[7] = { 21, 1, 0, 0, 0, 1, 0 }; /* no such slot */
    const struct { size_t nslots; const unsigned char *s1, *s2; } cases[] = {
        { 1, NULL, NULL },       /* one slot announced, none there */
        { 1, slot_21, NULL },    /* an unknown slot */
        { 2, slot_a, slot_a },   /* the same slot twice */
        { 22, slot_a, NULL },    /* more slots than exist */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = len;
        bad[n - 1] = (unsigned char)cases[i].nslots;
        if (cases[i].s1)
            memcpy(bad + n, cases[i].s1, 7), n += 7;
        if (cases[i].s2)
            memcpy(bad + n, cases[i].s2, 7), n += 7;
        ck_assert_int_eq(mkt_store_put(ctx, "consent.state", "Z2\x1f", 3, bad, n,
                                       MKT_VERSION_ANY, NULL), MKT_OK);
        d = decide_rc(&r, MKT_EPARSE);
        ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_STORE_ERROR));
        ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "send counters"));
    }
    /* One valid slot reads fine: one email send on day 1 (1970-01-02), no matter to SMS. */
    bad[len - 1] = 1;
    memcpy(bad + len, slot_a, 7);
    ck_assert_int_eq(mkt_store_put(ctx, "consent.state", "Z2\x1f", 3, bad, len + 7,
                                   MKT_VERSION_ANY, NULL), MKT_OK);
    decide_rc(&r, MKT_OK);
    /* A channel mask naming a seventh channel, or a channel whose entry is not there. */
    bad[len - 1] = 0;
    unsigned char mask = bad[1];
    bad[1] = (unsigned char)(mask | 0x40);
    ck_assert_int_eq(mkt_store_put(ctx, "consent.state", "Z2\x1f", 3, bad, len,
                                   MKT_VERSION_ANY, NULL), MKT_OK);
    d = decide_rc(&r, MKT_EPARSE);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "channel mask"));
    bad[1] = 0x3f; /* every channel announced: more bytes than the record has */
    ck_assert_int_eq(mkt_store_put(ctx, "consent.state", "Z2\x1f", 3, bad, len,
                                   MKT_VERSION_ANY, NULL), MKT_OK);
    d = decide_rc(&r, MKT_EPARSE);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_STORE_ERROR));
    bad[1] = mask;
    /* The version-2 layout (every channel written) is not read any more. */
    bad[0] = 2;
    bad[len - 1] = 0;
    ck_assert_int_eq(mkt_store_put(ctx, "consent.state", "Z2\x1f", 3, bad, len,
                                   MKT_VERSION_ANY, NULL), MKT_OK);
    d = decide_rc(&r, MKT_EPARSE);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "unknown version"));
    /* A real send refuses to overwrite a corrupt record: a deny, nothing written. */
    r.flags = MKT_CONTACT_SEND;
    d = decide_rc(&r, MKT_EPARSE);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_STORE_ERROR));
}
END_TEST

START_TEST(audit_of_sends)
{
    give("V", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 0);
    prefs("V", MKT_CHANNEL_EMAIL, 1, 1, 1, 0, 0);
    mkt_contact_request r = req("V", MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL);
    r.flags = MKT_CONTACT_SEND;
    audit.fail = 1;
    mkt_contact_decision d = decide_rc(&r, MKT_EIO);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_AUDIT_ERROR));
    audit.fail = 0;
    /* Not audited, not sent: the daily cap of 1 is still free. */
    d = decide(&r);
    ck_assert_int_eq(d.allow, 1);
    ck_assert_int_eq(audit_log_count(&audit, "contact.allow"), 1);
    ck_assert_str_eq(audit.subjects[audit.count - 1], "V");
    ck_assert_uint_eq(decide(&r).reasons, BIT(MKT_REASON_CAP_CHANNEL));
    /* Transactional real sends are audited too. */
    r.message_class = MKT_CLASS_TRANSACTIONAL;
    ck_assert_int_eq(decide(&r).allow, 1);
    ck_assert_int_eq(audit_log_count(&audit, "contact.allow"), 2);
}
END_TEST

START_TEST(bad_requests)
{
    mkt_contact_request r = req("W", MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL);
    mkt_contact_decision d = { sizeof d, 1, 0, 0, 0 };
    ck_assert_int_eq(mkt_consent_check(NULL, &r, &d), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_check(policy, &r, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_check(policy, NULL, &d), MKT_EINVAL);
    ck_assert_int_eq(d.allow, 0);
    const struct { int32_t channel, cls, address; uint32_t flags; mkt_time at; } bad[] = {
        { 0, 2, 0, 0, 1 }, { 7, 2, 0, 0, 1 }, { 1, 0, 0, 0, 1 }, { 1, 3, 0, 0, 1 },
        { 1, 2, 2, 0, 1 }, { 1, 2, 0, 2, 1 }, { 1, 2, 0, 0, -1 },
        { 1, 2, 0, 0, INT64_C(253402300800) }, /* 10000-01-01: past the last window */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r.channel = bad[i].channel;
        r.message_class = bad[i].cls;
        r.address = bad[i].address;
        r.flags = bad[i].flags;
        r.at = bad[i].at;
        d.allow = 1;
        ck_assert_int_eq(mkt_consent_check(policy, &r, &d), MKT_EINVAL);
        ck_assert_int_eq(d.allow, 0);
    }
    r = req("", MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL);
    ck_assert_int_eq(mkt_consent_check(policy, &r, &d), MKT_EINVAL);
    r = req("W", MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL);
    r.struct_size = 16;
    ck_assert_int_eq(mkt_consent_check(policy, &r, &d), MKT_EINVAL);
    ck_assert_int_eq(mkt_contact_request_init(NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_contact_request_init(&r), MKT_OK);
    /* A caller compiled against a shorter decision struct gets only its part. */
    give("W", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 0);
    r = req("W", MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL);
    struct { mkt_contact_decision d; int64_t canary; } small;
    small.d.struct_size = offsetof(mkt_contact_decision, next_allowed);
    small.d.next_allowed = 77;
    small.canary = 99;
    ck_assert_int_eq(mkt_consent_check(policy, &r, &small.d), MKT_OK);
    ck_assert_int_eq(small.d.allow, 1);
    ck_assert_int_eq(small.d.next_allowed, 77);
    ck_assert_uint_eq(small.d.struct_size, offsetof(mkt_contact_decision, next_allowed));
    small.d.struct_size = 4;
    ck_assert_int_eq(mkt_consent_check(policy, &r, &small.d), MKT_EINVAL);
}
END_TEST

START_TEST(reason_names)
{
    for (int32_t code = 1; code <= MKT_REASON_AUDIT_ERROR; code++) {
        ck_assert_ptr_nonnull(mkt_contact_reason_name(code));
        ck_assert_ptr_nonnull(mkt_contact_reason_text(code));
    }
    ck_assert_str_eq(mkt_contact_reason_name(MKT_REASON_QUIET_HOURS), "quiet_hours");
    ck_assert_str_eq(mkt_contact_reason_name(MKT_REASON_DNC_SMS_STOP), "dnc_sms_stop");
    ck_assert_ptr_null(mkt_contact_reason_name(0));
    ck_assert_ptr_null(mkt_contact_reason_name(MKT_REASON_AUDIT_ERROR + 1));
    ck_assert_ptr_null(mkt_contact_reason_text(-1));
}
END_TEST

static char *write_temp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/quiet-test-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

START_TEST(quiet_rules_csv)
{
    char *path = write_temp("region,start,end,days\n"
                            ",09:00,20:00,all\n"
                            "US-FL,08:00,20:00,Mon-Sat\n"
                            "DE,08:00,24:00,Mon+Wed+Fri-Sun\n");
    ck_assert_int_eq(mkt_consent_load_quiet_rules(policy, path), MKT_OK);
    unlink(path);
    give("U", MKT_CHANNEL_SMS, MKT_CONSENT_GIVEN, 0);
    /* Default now 09:00: 08:30 CEST Wednesday (06:30 UTC) is quiet. */
    mkt_contact_request r = req("U", MKT_CHANNEL_SMS, MKT_CLASS_PROMOTIONAL);
    r.at = utc(2025, 6, 11, 6, 30);
    ck_assert_int_eq(decide(&r).next_allowed, utc(2025, 6, 11, 7, 0));
    /* DE: not on Tuesdays or Thursdays. Thursday 2025-06-12 12:00 CEST -> Friday 08:00. */
    r.region = "DE";
    r.time_zone = "Europe/Berlin";
    r.at = utc(2025, 6, 12, 10, 0);
    ck_assert_int_eq(decide(&r).next_allowed, utc(2025, 6, 13, 6, 0));
    /* Errors name the line and column; a bad file adds no rule. */
    const char *bad[][2] = {
        { "region,start,end,days\nus,08:00,20:00,all\n", ":2:1:" },
        { "region,start,end,days\nUS,8:00,20:00,all\n", ":2:2:" },
        { "region,start,end,days\nUS,08:00,07:00,all\n", ":2:3:" },
        { "region,start,end,days\nUS,08:00,20:00,Moon\n", ":2:4:" },
        { "region,start,end,days\nUS,08:00,20:00,Mon+\n", ":2:4:" },
        { "region,start,end,days\nFR,07:00,22:00,all\nUS,08:00\n", ":3:" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        path = write_temp(bad[i][0]);
        ck_assert_int_eq(mkt_consent_load_quiet_rules(policy, path), MKT_EPARSE);
        ck_assert_msg(strstr(mkt_ctx_last_error(ctx)->message, bad[i][1]) != NULL, "%zu: %s",
                      i, mkt_ctx_last_error(ctx)->message);
        unlink(path);
    }
    /* The FR rule of the last bad file was rolled back: FR keeps the default. */
    r.region = "FR";
    r.time_zone = "Europe/Paris";
    r.at = utc(2025, 6, 11, 5, 30); /* 07:30 CEST: quiet under the default 09:00 */
    ck_assert_int_eq(decide(&r).next_allowed, utc(2025, 6, 11, 7, 0));
    ck_assert_int_eq(mkt_consent_load_quiet_rules(policy, "/nonexistent.csv"), MKT_EIO);
    ck_assert_int_eq(mkt_consent_load_quiet_rules(policy, NULL), MKT_EINVAL);
}
END_TEST

static int decide_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *c;
    int rc = mkt_ctx_new(&c, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_consent *p = NULL;
    rc = mkt_consent_new(&p, c, NULL);
    mkt_quiet_rule q = { sizeof q, "US", 9 * 60, 20 * 60, MKT_DAYS_ALL };
    if (rc == MKT_OK)
        rc = mkt_consent_add_quiet_rule(p, &q);
    mkt_consent_change ch = MKT_CONSENT_CHANGE_INIT;
    ch.customer_id = "M";
    ch.channel = MKT_CHANNEL_SMS;
    ch.status = MKT_CONSENT_GIVEN;
    ch.source = "t";
    if (rc == MKT_OK)
        rc = mkt_consent_set(c, &ch);
    mkt_preferences pr = MKT_PREFERENCES_INIT;
    pr.customer_id = "M";
    pr.channel = MKT_CHANNEL_SMS;
    pr.daily_cap = 3;
    if (rc == MKT_OK)
        rc = mkt_preferences_set(c, &pr);
    mkt_contact_request r = req("M", MKT_CHANNEL_SMS, MKT_CLASS_PROMOTIONAL);
    r.time_zone = "America/New_York";
    r.region = "US";
    r.at = utc(2025, 6, 11, 16, 0);
    r.flags = MKT_CONTACT_SEND;
    mkt_contact_decision d = { sizeof d, 0, 0, 0, 0 };
    if (rc == MKT_OK)
        rc = mkt_consent_check(p, &r, &d);
    if (rc == MKT_OK && !d.allow)
        rc = MKT_EINTERNAL;
    mkt_consent_free(p);
    mkt_ctx_free(c);
    return rc;
}

START_TEST(allocation_failures)
{
    ck_assert_int_gt(failalloc_run(decide_scenario, NULL), 10);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("consent_decide");
    TCase *tc = tcase_create("decide");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, consent_states);
    tcase_add_test(tc, dnc_and_transactional);
    tcase_add_test(tc, switches_and_topics);
    tcase_add_test(tc, implied_consent_option);
    tcase_add_test(tc, stale_batch_hash_never_allows);
    tcase_add_test(tc, quiet_hours_default);
    tcase_add_test(tc, quiet_hours_regions);
    tcase_add_test(tc, quiet_hours_dst);
    tcase_add_test(tc, caps);
    tcase_add_test(tc, concurrent_senders);
    tcase_add_test(tc, big_records);
    tcase_add_test(tc, store_failures_never_allow);
    tcase_add_test(tc, corrupt_record_and_unknown_zone);
    tcase_add_test(tc, audit_of_sends);
    tcase_add_test(tc, bad_requests);
    tcase_add_test(tc, reason_names);
    tcase_add_test(tc, quiet_rules_csv);
    tcase_add_test(tc, allocation_failures);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

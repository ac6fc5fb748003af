/* SPDX-License-Identifier: MIT */
/*
 * The journey engine under failures: delivery errors (transient with backoff, attempts used
 * up, permanent, abort), crashes between the writes of a step (a new engine over the same
 * store continues, no message is sent twice except with the same idempotency key), store
 * failures from operation N on, consent suppression and cap deferral, allocation failures.
 */
#include "etest.h"
#include "failalloc.h"

#define T0 INT64_C(1800000000) /* 2027-01-15 08:00 UTC */
#define HOUR 3600
#define DAY 86400

static const char *send_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"s\">\n"
    "  <entry id=\"e\" manual=\"true\"/>\n"
    "  <send id=\"m1\" channel=\"email\" template=\"t1\"/>\n"
    "  <send id=\"m2\" channel=\"email\" template=\"t2\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

/* An engine over @h with options @o (NULL: defaults) plus @h's promo format and secret. */
static mkt_journey_engine *engine_with(et_host *h, const mkt_journey *j,
                                       const mkt_journey_engine_options *o)
{
    mkt_journey_engine *e = NULL;
    const mkt_journey *js[1] = { j };
    mkt_journey_engine_options p;
    mkt_journey_engine_options_init(&p);
    if (o)
        p = *o;
    et_promo(h, &p);
    ck_assert_int_eq(mkt_journey_engine_new(&e, h->ctx, js, 1, &p), MKT_OK);
    return e;
}

START_TEST(transient_error_retries_with_backoff)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, send_xml);
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    o.max_attempts = 3;
    mkt_journey_engine *e = engine_with(&h, j, &o);
    h.fail_from = 0, h.fail_count = 1, h.fail_rc = MKT_EIO;
    ck_assert_int_eq(mkt_journey_engine_enter(e, "s", "A", T0, NULL), MKT_OK);
    mkt_journey_instance in = et_instance(e, "s", "A");
    ck_assert_int_eq(in.wake_at, T0 + 60); /* first retry after retry_delay */
    ck_assert_uint_eq(et_counts(e, j, "s", "m1").retried, 1);
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 60, NULL), MKT_OK);
    ck_assert_int_eq(h.calls, 3); /* m1 failed, m1 again, m2 */
    ck_assert_int_eq(h.nsent, 2);
    ck_assert_str_eq(h.sent[0].idem, "s:A:1:m1:2"); /* the retry keeps the step's key */

    /* every attempt fails: 60 s then 120 s later, the third attempt gives up */
    h.calls = 0, h.nsent = 0, h.fail_count = -1;
    ck_assert_int_eq(mkt_journey_engine_enter(e, "s", "B", T0 + 100, NULL), MKT_OK);
    ck_assert_int_eq(et_instance(e, "s", "B").wake_at, T0 + 160);
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 160, NULL), MKT_OK);
    ck_assert_int_eq(et_instance(e, "s", "B").wake_at, T0 + 280);
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 280, NULL), MKT_OK);
    /* m1: 3 attempts then failed; m2: 2 attempts so far */
    ck_assert_uint_eq(et_counts(e, j, "s", "m1").failed, 1);
    ck_assert_int_eq(h.calls, 4);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(permanent_error_and_abort)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, send_xml);
    mkt_journey_engine *e = et_engine(&h, j);
    h.fail_from = 0, h.fail_count = 1, h.fail_rc = MKT_EINVAL;
    ck_assert_int_eq(mkt_journey_engine_enter(e, "s", "A", T0, NULL), MKT_OK);
    ck_assert_uint_eq(et_counts(e, j, "s", "m1").failed, 1);
    ck_assert_uint_eq(et_counts(e, j, "s", "m2").sent, 1);
    ck_assert_int_eq(et_instance(e, "s", "A").state, MKT_JOURNEY_INSTANCE_DONE);

    /* the host aborts: nothing of the step is kept; entering again sends under the same key */
    h.calls = 0, h.nsent = 0, h.fail_rc = MKT_EUSER;
    ck_assert_int_eq(mkt_journey_engine_enter(e, "s", "B", T0, NULL), MKT_EUSER);
    mkt_journey_instance in = { sizeof in, 0, 0, 0, 0, 0, 0 };
    ck_assert_int_eq(mkt_journey_engine_instance(e, "s", "B", &in), MKT_ENOTFOUND);
    h.fail_from = -1;
    ck_assert_int_eq(mkt_journey_engine_enter(e, "s", "B", T0, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 2);
    ck_assert_str_eq(h.sent[0].idem, "s:B:1:m1:2");
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

/* Run the abandoned cart of C1 to its end on a fresh engine of @h; returns the status. */
static int run_to_end(et_host *h, const mkt_journey *j, mkt_journey_engine **out)
{
    const mkt_journey *js[1] = { j };
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    et_promo(h, &o);
    int rc = mkt_journey_engine_new(out, h->ctx, js, 1, &o);
    if (rc == MKT_OK)
        rc = mkt_journey_engine_advance(*out, T0 + 3 * DAY, NULL);
    return rc;
}

START_TEST(crash_before_instance_write_sends_once)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load_file(h.ctx, "abandoned-cart.xml");
    mkt_journey_engine *e = et_engine(&h, j);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0), MKT_OK);
    /* the next instance write fails: email-1 is delivered and marked done, the instance is
     * not moved on (as if the process died before writing it) */
    h.fs.only_ns = "journey.instance";
    h.fs.kinds = FS_WRITE;
    faultstore_arm(&h.fs, 0, 0);
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + HOUR, NULL), MKT_EIO);
    ck_assert_int_eq(h.nsent, 1);
    ck_assert_int_eq(et_count_ns(&h, "journey.sent"), 1); /* "D", kept until the save */
    mkt_journey_engine_free(e);
    /* restart: a new engine over the same store repeats the step and skips the done send */
    ck_assert_int_eq(run_to_end(&h, j, &e), MKT_OK);
    ck_assert_int_eq(h.nsent, 3);
    ck_assert_str_eq(h.sent[0].template_id, "abandoned-cart-1");
    ck_assert_str_eq(h.sent[1].template_id, "abandoned-cart-2");
    ck_assert_str_eq(h.sent[2].template_id, "abandoned-cart-sms");
    ck_assert_int_eq(et_instance(e, "abandoned-cart", "C1").state, MKT_JOURNEY_INSTANCE_DONE);
    /* send records go once the instance is saved past them; no timer is left */
    ck_assert_int_eq(et_count_ns(&h, "journey.sent"), 0);
    ck_assert_int_eq(et_count_ns(&h, "journey.timer"), 0);
    ck_assert_int_eq(et_count_ns(&h, "journey.instance"), 1);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(crash_after_send_before_done_resends_same_key)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load_file(h.ctx, "abandoned-cart.xml");
    mkt_journey_engine *e = et_engine(&h, j);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0), MKT_OK);
    /* journey.sent writes: 0 = intent, 1 = done (fails: the process "dies" after sending) */
    h.fs.only_ns = "journey.sent";
    h.fs.kinds = FS_WRITE;
    faultstore_arm(&h.fs, 1, 0);
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + HOUR, NULL), MKT_EIO);
    mkt_journey_engine_free(e);
    ck_assert_int_eq(run_to_end(&h, j, &e), MKT_OK);
    /* at least once: email-1 went out twice, under one idempotency key the host dedupes */
    ck_assert_int_eq(h.nsent, 4);
    ck_assert_str_eq(h.sent[0].idem, h.sent[1].idem);
    ck_assert_str_eq(h.sent[3].template_id, "abandoned-cart-sms");
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

/* Store failing from write N on, for every N until a run passes untouched: after the fault is
 * gone, a new engine finishes the journey with the three messages, each key at most twice
 * (a resend always reuses its key), none lost. */
static void store_fails_from_n_on_in_mode(int32_t timer_records)
{
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    o.timer_records = timer_records;
    for (long n = 0;; n++) {
        et_host h;
        et_init(&h);
        mkt_journey *j = et_load_file(h.ctx, "abandoned-cart.xml");
        mkt_journey_engine *e = engine_with(&h, j, &o);
        h.fs.kinds = FS_WRITE;
        faultstore_arm(&h.fs, n, 1);
        int rc = mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0);
        if (rc == MKT_OK)
            rc = mkt_journey_engine_advance(e, T0 + 3 * DAY, NULL);
        int injected = h.fs.failures > 0;
        ck_assert_int_eq(rc, injected ? MKT_EIO : MKT_OK);
        mkt_journey_engine_free(e);
        faultstore_arm(&h.fs, -1, 0);
        e = NULL;
        const mkt_journey *js[1] = { j };
        mkt_journey_engine_options po = o;
        et_promo(&h, &po);
        ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, &po), MKT_OK);
        /* the entry event itself may have been lost with the store: the host redelivers it */
        mkt_journey_instance in = { sizeof in, 0, 0, 0, 0, 0, 0 };
        if (mkt_journey_engine_instance(e, "abandoned-cart", "C1", &in) == MKT_ENOTFOUND)
            ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0), MKT_OK);
        ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 3 * DAY, NULL), MKT_OK);
        int distinct = 0;
        for (int i = 0; i < h.nsent; i++) {
            int seen = 0;
            for (int k = 0; k < i; k++)
                seen |= strcmp(h.sent[k].idem, h.sent[i].idem) == 0;
            distinct += !seen;
        }
        ck_assert_msg(distinct == 3, "fault from write %ld (timer records %d): %d distinct sends",
                      n, (int)timer_records, distinct);
        ck_assert_int_le(h.nsent, 4);
        ck_assert_int_eq(et_instance(e, "abandoned-cart", "C1").state,
                         MKT_JOURNEY_INSTANCE_DONE);
        /* at most the record whose deletion failed after its instance was saved is left */
        ck_assert_int_le(et_count_ns(&h, "journey.sent"), 1);
        if (!timer_records)
            ck_assert_int_eq(et_count_ns(&h, "journey.timer"), 0);
        mkt_journey_engine_free(e);
        mkt_journey_free(j);
        et_free(&h);
        if (!injected)
            break;
    }
}

START_TEST(store_fails_from_n_on)
{
    store_fails_from_n_on_in_mode(1);
    store_fails_from_n_on_in_mode(0);
}
END_TEST

/* Without timer records a new engine finds the sleeping instances in their own records. */
START_TEST(restart_without_timer_records)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load_file(h.ctx, "abandoned-cart.xml");
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    o.timer_records = 0;
    mkt_journey_engine *e = engine_with(&h, j, &o);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C2", "CART_ABANDONED", T0), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0 + 10), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C2", "BOOKING_COMPLETED", T0 + 20), MKT_OK);
    ck_assert_int_eq(et_count_ns(&h, "journey.timer"), 0);
    mkt_journey_engine_free(e);
    e = engine_with(&h, j, &o);
    mkt_time due = 0;
    /* C2 converted: only C1 sleeps, until T0 + 10 + 1 h */
    ck_assert_int_eq(mkt_journey_engine_next_due(e, &due), MKT_OK);
    ck_assert_int_eq(due, T0 + 10 + HOUR);
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 3 * DAY, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 3);
    ck_assert_str_eq(h.sent[2].template_id, "abandoned-cart-sms");
    mkt_journey_engine_free(e);
    o.timer_records = 2;
    const mkt_journey *js[1] = { j };
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, &o), MKT_EINVAL);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST


static int count_key(const char *k, size_t kl, const void *v, size_t vl, uint64_t ver, void *n)
{
    (void)k, (void)kl, (void)v, (void)vl, (void)ver;
    ++*(long *)n;
    return 0;
}

/* By default timer records are kept over a host's store (a later engine may read them) and
 * not over the built-in memory store (none can). */
START_TEST(timer_records_default_follows_the_store)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load_file(h.ctx, "abandoned-cart.xml");
    mkt_journey_engine *e = engine_with(&h, j, NULL);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0), MKT_OK);
    ck_assert_int_eq(et_count_ns(&h, "journey.timer"), 1);
    mkt_journey_engine_free(e);
    mkt_ctx *plain = NULL;
    ck_assert_int_eq(mkt_ctx_new(&plain, NULL, NULL), MKT_OK);
    mkt_journey *pj = et_load_file(plain, "abandoned-cart.xml");
    const mkt_journey *js[1] = { pj };
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    et_promo(&h, &o);
    ck_assert_int_eq(mkt_journey_engine_new(&e, plain, js, 1, &o), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0), MKT_OK);
    long timers = 0, instances = 0;
    ck_assert_int_eq(mkt_store_scan(plain, "journey.timer", "", 0, count_key, &timers), MKT_OK);
    ck_assert_int_eq(mkt_store_scan(plain, "journey.instance", "", 0, count_key, &instances),
                     MKT_OK);
    ck_assert_int_eq(timers, 0);
    ck_assert_int_eq(instances, 1);
    mkt_journey_engine_free(e);
    mkt_journey_free(pj);
    mkt_ctx_free(plain);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST


/* Erasing a customer removes their instance, send records and timer records (whose keys
 * start with the due time), and nobody else's. */
START_TEST(erasure_removes_the_customers_journey_state)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load_file(h.ctx, "abandoned-cart.xml");
    mkt_journey_engine *e = engine_with(&h, j, NULL);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C2", "CART_ABANDONED", T0), MKT_OK);
    mkt_journey_engine_free(e);
    ck_assert_int_eq(et_count_ns(&h, "journey.timer"), 2);
    mkt_erase_request req = MKT_ERASE_REQUEST_INIT;
    req.customer_id = "C1";
    ck_assert_int_eq(mkt_privacy_erase(h.ctx, &req, NULL), MKT_OK);
    ck_assert_int_eq(et_count_ns(&h, "journey.timer"), 1);
    long c1 = 0, c2 = 0;
    ck_assert_int_eq(mkt_store_scan(h.ctx, "journey.instance", "C1\x1f", 3, count_key, &c1),
                     MKT_OK);
    ck_assert_int_eq(mkt_store_scan(h.ctx, "journey.instance", "C2\x1f", 3, count_key, &c2),
                     MKT_OK);
    ck_assert_int_eq(c1, 0);
    ck_assert_int_eq(c2, 1);
    e = engine_with(&h, j, NULL); /* a new engine finds only C2 asleep */
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 3 * DAY, NULL), MKT_OK);
    ck_assert_int_gt(h.nsent, 0);
    for (int i = 0; i < h.nsent; i++)
        ck_assert_str_eq(h.sent[i].customer, "C2");
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(consent_suppresses_and_caps_defer)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, send_xml);
    mkt_consent *c = NULL;
    mkt_consent_options co;
    mkt_consent_options_init(&co);
    ck_assert_int_eq(mkt_consent_new(&c, h.ctx, &co), MKT_OK);
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    o.consent = c;
    mkt_journey_engine *e = engine_with(&h, j, &o);
    /* no consent on record: both promotional emails suppressed, the path goes on */
    ck_assert_int_eq(mkt_journey_engine_enter(e, "s", "A", T0, NULL), MKT_OK);
    ck_assert_int_eq(h.calls, 0);
    mkt_journey_node_counts n1 = et_counts(e, j, "s", "m1");
    ck_assert_uint_eq(n1.suppressed, 1);
    ck_assert_uint_eq(n1.suppressed_by_reason[MKT_REASON_NO_CONSENT], 1);
    ck_assert_int_eq(et_instance(e, "s", "A").state, MKT_JOURNEY_INSTANCE_DONE);
    mkt_journey_engine_free(e);
    mkt_consent_free(c);

    /* implied consent on email and a daily cap of 1: m2 waits for the next allowed time */
    co.implied_consent_channels = 1u << MKT_CHANNEL_EMAIL;
    co.daily_cap = 1;
    ck_assert_int_eq(mkt_consent_new(&c, h.ctx, &co), MKT_OK);
    o.consent = c;
    e = engine_with(&h, j, &o);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "s", "B", T0, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 1);
    ck_assert_uint_eq(et_counts(e, j, "s", "m2").deferred, 1);
    mkt_journey_instance in = et_instance(e, "s", "B");
    ck_assert_int_eq(in.state, MKT_JOURNEY_INSTANCE_WAITING);
    ck_assert_int_gt(in.wake_at, T0);
    ck_assert_int_eq(mkt_journey_engine_advance(e, in.wake_at, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 2);
    ck_assert_str_eq(h.sent[1].template_id, "t2");
    mkt_journey_engine_free(e);
    mkt_consent_free(c);
    mkt_journey_free(j);
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
    failalloc_pause(fa);
    mkt_journey *j = NULL;
    const char *xml = send_xml;
    rc = mkt_journey_load_xml_memory(&j, ctx, xml, strlen(xml), "a.xml", NULL);
    failalloc_resume(fa);
    mkt_journey_engine *e = NULL;
    const mkt_journey *js[1] = { j };
    if (rc == MKT_OK)
        rc = mkt_journey_engine_new(&e, ctx, js, 1, NULL);
    if (rc == MKT_OK)
        rc = mkt_journey_engine_enter(e, "s", "A", T0, NULL);
    if (rc == MKT_OK)
        rc = mkt_journey_engine_advance(e, T0 + DAY, NULL);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(allocation_failures)
{
    ck_assert_int_gt(failalloc_run(alloc_scenario, NULL), 1);
    ck_assert_int_gt(failalloc_run_sticky(alloc_scenario, NULL), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("journey_engine_faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, transient_error_retries_with_backoff);
    tcase_add_test(tc, permanent_error_and_abort);
    tcase_add_test(tc, crash_before_instance_write_sends_once);
    tcase_add_test(tc, crash_after_send_before_done_resends_same_key);
    tcase_add_test(tc, store_fails_from_n_on);
    tcase_add_test(tc, restart_without_timer_records);
    tcase_add_test(tc, timer_records_default_follows_the_store);
    tcase_add_test(tc, erasure_removes_the_customers_journey_state);
    tcase_add_test(tc, consent_suppresses_and_caps_defer);
    tcase_add_test(tc, allocation_failures);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

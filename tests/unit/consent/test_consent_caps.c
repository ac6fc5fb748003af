/* SPDX-License-Identifier: MIT */
/*
 * Cap counters in their one-record-per-customer layout, and the batch decision:
 *  - windows move on (a new day overwrites the day slot, the week slot keeps counting), and
 *    a request dated before the stored window counts that cap as reached;
 *  - threads, each with its own context and policy over one shared store, send to one
 *    customer: exactly the cap's number of sends is allowed (compare-and-set under contention),
 *    also while another thread changes the customer's topics and DNC entries (none lost);
 *  - mkt_consent_check_many() gives the same decisions, codes and final counters as single
 *    calls over random requests with real sends, bad requests and a host store;
 *  - its argument errors and allocation failures.
 * Instants: 2025-06-11 is a Wednesday; Paris is UTC+2 (CEST) in June.
 */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consent_support.h"
#include "failalloc.h"

#define BIT(r) (1u << (r))
/* 2025-06-11 10:00 UTC = 12:00 CEST, day 20250. */
#define NOON_PARIS INT64_C(1749636000)
#define DAY_S 86400

enum { DAY, WEEK, MONTH };

static mkt_contact_request req(const char *id, int32_t channel, int32_t cls, int64_t at)
{
    mkt_contact_request r = MKT_CONTACT_REQUEST_INIT;
    r.customer_id = id;
    r.channel = channel;
    r.message_class = cls;
    r.at = at;
    r.time_zone = "Europe/Paris";
    r.region = "FR";
    return r;
}

static void setup_customer(mkt_ctx *c, const char *id, int daily, int weekly, int global_daily)
{
    mkt_consent_change ch = MKT_CONSENT_CHANGE_INIT;
    ch.customer_id = id;
    ch.status = MKT_CONSENT_GIVEN;
    ch.ts = 1000;
    ch.source = "test";
    for (int32_t channel = MKT_CHANNEL_EMAIL; channel <= MKT_CHANNEL_PUSH; channel++) {
        ch.channel = channel;
        ck_assert_int_eq(mkt_consent_set(c, &ch), MKT_OK);
    }
    mkt_preferences p = MKT_PREFERENCES_INIT;
    p.customer_id = id;
    p.channel = MKT_CHANNEL_EMAIL;
    p.daily_cap = daily;
    p.weekly_cap = weekly;
    ck_assert_int_eq(mkt_preferences_set(c, &p), MKT_OK);
    p.channel = MKT_CHANNEL_ALL;
    p.daily_cap = global_daily;
    p.weekly_cap = 0;
    ck_assert_int_eq(mkt_preferences_set(c, &p), MKT_OK);
}

/* mkt_dnc_add() of (@id, @scope, @reason) at time 1000 in @c. */
static int add_dnc(mkt_ctx *c, const char *id, int32_t scope, int32_t reason)
{
    mkt_dnc_entry e = MKT_DNC_ENTRY_INIT;
    e.customer_id = id;
    e.scope = scope;
    e.reason = reason;
    e.source = "test";
    e.ts = 1000;
    return mkt_dnc_add(c, &e);
}

/* A counter slot of the customer's state record (consent_support.h): the count (-1 with no
 * record or one not as documented) and the window in *w. */
static int64_t slot(mkt_ctx *c, const char *id, int scope, int period, int64_t *w)
{
    return consent_counter_slot(c, id, scope, period, w);
}

static mkt_contact_decision decide(mkt_consent *p, const mkt_contact_request *r)
{
    mkt_contact_decision d = { sizeof d, -1, 0, 0, 0 };
    ck_assert_int_eq(mkt_consent_check(p, r, &d), MKT_OK);
    return d;
}

/* A new context with customer @id (email capped at 1 a day and 5 a week) and its policy,
 * after one promotional email sent at NOON_PARIS; *r is that send's request. */
static mkt_consent *one_email_sent(mkt_ctx **c, const char *id, mkt_contact_request *r)
{
    ck_assert_int_eq(mkt_ctx_new(c, NULL, NULL), MKT_OK);
    mkt_consent *p;
    ck_assert_int_eq(mkt_consent_new(&p, *c, NULL), MKT_OK);
    setup_customer(*c, id, 1, 5, 0);
    *r = req(id, MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL, NOON_PARIS);
    r->flags = MKT_CONTACT_SEND;
    ck_assert_int_eq(decide(p, r).allow, 1);
    return p;
}

START_TEST(windows_move_on)
{
    mkt_ctx *c;
    mkt_contact_request r;
    mkt_consent *p = one_email_sent(&c, "W", &r);
    /* Thursday: the day slot of Wednesday (20250) is dead and overwritten by 20251; the
     * week (2893: (20250 + 3) / 7) counts on. */
    r.at = NOON_PARIS + DAY_S;
    ck_assert_int_eq(decide(p, &r).allow, 1);
    int64_t w;
    ck_assert_int_eq(slot(c, "W", 1, DAY, &w), 1);
    ck_assert_int_eq(w, 20251);
    ck_assert_int_eq(slot(c, "W", 1, WEEK, &w), 2);
    ck_assert_int_eq(w, 2893);
    ck_assert_int_eq(slot(c, "W", 0, DAY, &w), 1); /* all channels, counted uncapped */
    ck_assert_int_eq(slot(c, "W", 2, DAY, &w), 0); /* SMS: never sent */
    ck_assert_int_eq(w, INT32_MIN);
    /* Back on Wednesday: that day's count is gone, so the daily cap counts as reached,
     * until Thursday 00:00 CEST = Wednesday 22:00 UTC. */
    r.at = NOON_PARIS;
    r.flags = 0;
    mkt_contact_decision d = decide(p, &r);
    ck_assert_uint_eq(d.reasons, BIT(MKT_REASON_CAP_CHANNEL));
    ck_assert_int_eq(d.next_allowed, NOON_PARIS + 12 * 3600);
    r.flags = MKT_CONTACT_SEND;
    ck_assert_uint_eq(decide(p, &r).reasons, BIT(MKT_REASON_CAP_CHANNEL));
    ck_assert_int_eq(slot(c, "W", 1, WEEK, &w), 2); /* the refused send counted nowhere */
    /* SMS has no cap of its own: a past-dated SMS passes, counted in the week and month
     * but not in the dead Wednesday of all channels (the stored day is Thursday). */
    r.channel = MKT_CHANNEL_SMS;
    r.at = NOON_PARIS + 4 * 3600; /* 14:00 CEST: inside the quiet-hours window */
    ck_assert_int_eq(decide(p, &r).allow, 1);
    ck_assert_int_eq(slot(c, "W", 0, DAY, &w), 1);
    ck_assert_int_eq(w, 20251);
    ck_assert_int_eq(slot(c, "W", 0, WEEK, &w), 3);
    ck_assert_int_eq(slot(c, "W", 2, WEEK, &w), 1);
    /* A new week: the week slot restarts at 1 (Monday 2025-06-16, week 2894). */
    r.channel = MKT_CHANNEL_EMAIL;
    r.at = NOON_PARIS + 5 * DAY_S;
    ck_assert_int_eq(decide(p, &r).allow, 1);
    ck_assert_int_eq(slot(c, "W", 1, WEEK, &w), 1);
    ck_assert_int_eq(w, 2894);
    mkt_consent_free(p);
    mkt_ctx_free(c);
}
END_TEST

/* Every other writer of the state record carries the counters through: after consent, DNC,
 * topic and preference changes the one counted send is still there, and still fills the daily
 * cap of 1. */
START_TEST(changes_keep_counters)
{
    mkt_ctx *c;
    mkt_contact_request r;
    mkt_consent *p = one_email_sent(&c, "K", &r);
    mkt_consent_change ch = MKT_CONSENT_CHANGE_INIT;
    ch.customer_id = "K";
    ch.channel = MKT_CHANNEL_SMS;
    ch.status = MKT_CONSENT_WITHDRAWN;
    ch.ts = 2000;
    ch.source = "test";
    ck_assert_int_eq(mkt_consent_set(c, &ch), MKT_OK);
    ck_assert_int_eq(add_dnc(c, "K", MKT_CHANNEL_PUSH, MKT_DNC_UNSUBSCRIBE), MKT_OK);
    ck_assert_int_eq(mkt_topic_set(c, "K", "gossip", MKT_TOPIC_EXCLUDED, NULL), MKT_OK);
    mkt_preferences pr = MKT_PREFERENCES_INIT;
    pr.customer_id = "K";
    pr.channel = MKT_CHANNEL_EMAIL;
    pr.daily_cap = 1;
    pr.weekly_cap = 5;
    ck_assert_int_eq(mkt_preferences_set(c, &pr), MKT_OK);
    /* 2025-06-11 is local day 20250, Monday week (20250 + 3) / 7 = 2893. */
    int64_t w;
    ck_assert_int_eq(slot(c, "K", 1, DAY, &w), 1);
    ck_assert_int_eq(w, 20250);
    ck_assert_int_eq(slot(c, "K", 1, WEEK, &w), 1);
    ck_assert_int_eq(w, 2893);
    ck_assert_int_eq(slot(c, "K", 0, DAY, &w), 1);
    ck_assert_uint_eq(decide(p, &r).reasons, BIT(MKT_REASON_CAP_CHANNEL));
    mkt_consent_free(p);
    mkt_ctx_free(c);
}
END_TEST

/* ---- threads over one shared store -------------------------------------------------------- */

struct shared {
    pthread_mutex_t mu;
    mkt_ctx *backing;
};

static int sh_get(const char *ns, const char *key, size_t key_len, mkt_store_reply *reply,
                  void *ud)
{
    struct shared *s = ud;
    char *v = NULL;
    size_t len = 0;
    uint64_t version = 0;
    pthread_mutex_lock(&s->mu);
    int rc = mkt_store_get(s->backing, ns, key, key_len, &v, &len, &version);
    pthread_mutex_unlock(&s->mu);
    sched_yield(); /* let other threads write between our read and our write */
    if (rc == MKT_OK)
        rc = mkt_store_reply_set(reply, v, len, version);
    mkt_free(v);
    return rc;
}

static int sh_put(const char *ns, const char *key, size_t key_len, const void *value,
                  size_t value_len, uint64_t expected, uint64_t *new_version, void *ud)
{
    struct shared *s = ud;
    pthread_mutex_lock(&s->mu);
    int rc = mkt_store_put(s->backing, ns, key, key_len, value, value_len, expected,
                           new_version);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static int sh_del(const char *ns, const char *key, size_t key_len, uint64_t expected, void *ud)
{
    struct shared *s = ud;
    pthread_mutex_lock(&s->mu);
    int rc = mkt_store_delete(s->backing, ns, key, key_len, expected);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static int sh_incr(const char *ns, const char *key, size_t key_len, int64_t delta,
                   int64_t limit, int64_t *result, void *ud)
{
    struct shared *s = ud;
    pthread_mutex_lock(&s->mu);
    int rc = mkt_store_incr(s->backing, ns, key, key_len, delta, limit, result);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static int sh_scan(const char *ns, const char *prefix, size_t prefix_len,
                   mkt_store_visit_fn visit, void *visit_data, void *ud)
{
    struct shared *s = ud;
    pthread_mutex_lock(&s->mu);
    int rc = mkt_store_scan(s->backing, ns, prefix, prefix_len, visit, visit_data);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static int no_audit(const mkt_audit_record *r, void *ud)
{
    (void)r, (void)ud;
    return MKT_OK;
}

enum { THREADS = 8, PER_THREAD = 25, DAILY_CAP = 37 };

struct sender {
    pthread_t tid;
    mkt_store_ops *ops;
    int allowed, capped, errors;
};

/* A thread's own context over the shared store (NULL if that fails). */
static mkt_ctx *thread_ctx(mkt_store_ops *ops)
{
    mkt_host h = MKT_HOST_INIT;
    h.store = ops;
    h.audit = no_audit;
    mkt_ctx *c = NULL;
    return mkt_ctx_new(&c, &h, NULL) == MKT_OK ? c : NULL;
}

/* (no Check assertions in threads: count, assert after the join) */
static void *send_all(void *arg)
{
    struct sender *s = arg;
    mkt_ctx *c = thread_ctx(s->ops);
    mkt_consent *p = NULL;
    if (c == NULL || mkt_consent_new(&p, c, NULL)) {
        s->errors++;
        mkt_ctx_free(c);
        return NULL;
    }
    mkt_contact_request r = req("T", MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL, NOON_PARIS);
    r.flags = MKT_CONTACT_SEND;
    for (int i = 0; i < PER_THREAD; i++) {
        mkt_contact_decision d = { sizeof d, 0, 0, 0, 0 };
        int rc = mkt_consent_check(p, &r, &d);
        if (rc)
            s->errors++;
        else if (d.allow)
            s->allowed++;
        else if (d.reasons == BIT(MKT_REASON_CAP_CHANNEL))
            s->capped++;
        else
            s->errors++;
    }
    mkt_consent_free(p);
    mkt_ctx_free(c);
    return NULL;
}

/* Another thread's consent changes meanwhile: topic "news" chosen and excluded in turn, and
 * halfway a DNC entry on push (neither concerns the senders' email without a purpose). */
enum { CHANGES = 20 };

struct changer {
    pthread_t tid;
    mkt_store_ops *ops;
    int errors;
};

static void *change_all(void *arg)
{
    struct changer *w = arg;
    mkt_ctx *c = thread_ctx(w->ops);
    if (c == NULL) {
        w->errors++;
        return NULL;
    }
    for (int i = 0; i < CHANGES; i++) {
        int32_t choice = i % 2 ? MKT_TOPIC_EXCLUDED : MKT_TOPIC_CHOSEN;
        if (mkt_topic_set(c, "T", "news", choice, NULL))
            w->errors++;
        if (i == CHANGES / 2 && add_dnc(c, "T", MKT_CHANNEL_PUSH, MKT_DNC_UNSUBSCRIBE))
            w->errors++;
    }
    mkt_ctx_free(c);
    return NULL;
}

/* THREADS senders (and with @changes a thread changing the customer's consent), each with
 * its own context and policy, over one shared store: exactly the cap's number of sends is
 * allowed, no count is lost to a change, and no change is lost to a count. */
static void contend(int changes)
{
    struct shared sh;
    pthread_mutex_init(&sh.mu, NULL);
    ck_assert_int_eq(mkt_ctx_new(&sh.backing, NULL, NULL), MKT_OK);
    setup_customer(sh.backing, "T", DAILY_CAP, 0, 0);
    mkt_store_ops ops = { sizeof ops, sh_get, sh_put, sh_del, sh_incr, sh_scan, NULL, &sh };
    struct sender s[THREADS];
    memset(s, 0, sizeof s);
    struct changer w = { .ops = &ops };
    if (changes)
        ck_assert_int_eq(pthread_create(&w.tid, NULL, change_all, &w), 0);
    for (int i = 0; i < THREADS; i++) {
        s[i].ops = &ops;
        ck_assert_int_eq(pthread_create(&s[i].tid, NULL, send_all, &s[i]), 0);
    }
    int allowed = 0, capped = 0, errors = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(s[i].tid, NULL);
        allowed += s[i].allowed;
        capped += s[i].capped;
        errors += s[i].errors;
    }
    if (changes)
        pthread_join(w.tid, NULL);
    /* 8 x 25 = 200 attempts, a cap of 37: 37 sends and 163 refusals, none lost. */
    ck_assert_int_eq(errors, 0);
    ck_assert_int_eq(allowed, DAILY_CAP);
    ck_assert_int_eq(capped, THREADS * PER_THREAD - DAILY_CAP);
    int64_t wnd;
    ck_assert_int_eq(slot(sh.backing, "T", 1, DAY, &wnd), DAILY_CAP);
    ck_assert_int_eq(slot(sh.backing, "T", 0, DAY, &wnd), DAILY_CAP);
    if (changes) {
        ck_assert_int_eq(w.errors, 0);
        /* The last topic change (excluded) and the DNC entry are in the record. */
        mkt_consent *p;
        ck_assert_int_eq(mkt_consent_new(&p, sh.backing, NULL), MKT_OK);
        mkt_contact_request r = req("T", MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL, NOON_PARIS);
        r.purpose = "news";
        ck_assert_uint_eq(decide(p, &r).reasons,
                          BIT(MKT_REASON_TOPIC_EXCLUDED) | BIT(MKT_REASON_CAP_CHANNEL));
        r = req("T", MKT_CHANNEL_PUSH, MKT_CLASS_PROMOTIONAL, NOON_PARIS);
        ck_assert_uint_eq(decide(p, &r).reasons, BIT(MKT_REASON_DNC_UNSUBSCRIBE));
        mkt_consent_free(p);
    }
    mkt_ctx_free(sh.backing);
    pthread_mutex_destroy(&sh.mu);
}

START_TEST(threads_never_pass_a_cap)
{
    contend(0);
}
END_TEST

START_TEST(sends_and_changes_lose_nothing)
{
    contend(1);
}
END_TEST

/* ---- the batch call ----------------------------------------------------------------------- */

static uint64_t rng = 88172645463325252u;

static unsigned pick(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

enum { CUSTOMERS = 12, REQUESTS = 3000 };
static char ids[CUSTOMERS + 1][8];

/* Random requests over a few customers: real sends (so counters and caps interact across
 * requests of one batch), every channel and class, zones, and some invalid requests. */
static void random_requests(mkt_contact_request *q, size_t n)
{
    static const char *const zones[] = { "Europe/Paris", "America/New_York", "Asia/Kolkata" };
    static const char *const purposes[] = { NULL, "deals", "news" };
    for (size_t i = 0; i < n; i++) {
        unsigned who = pick(CUSTOMERS + 1); /* the last one has no state at all */
        q[i] = req(ids[who], (int32_t)(1 + pick(6)), pick(4) ? MKT_CLASS_PROMOTIONAL
                                                             : MKT_CLASS_TRANSACTIONAL,
                   NOON_PARIS + (int64_t)pick(10) * 7 * 3600);
        q[i].time_zone = zones[pick(3)];
        q[i].purpose = purposes[pick(3)];
        q[i].flags = pick(2) ? MKT_CONTACT_SEND : 0;
        switch (pick(40)) {
        case 0: q[i].channel = 9; break;                 /* MKT_EINVAL */
        case 1: q[i].time_zone = "Mars/Olympus"; break;  /* MKT_ENOTFOUND for some */
        case 2: q[i].customer_id = "bad\x01id"; break;   /* MKT_EINVAL */
        default: break;
        }
    }
}

static void populate(mkt_ctx *c)
{
    for (int i = 0; i < CUSTOMERS; i++) {
        setup_customer(c, ids[i], 1 + i % 3, 2 + i % 5, i % 2 ? 4 : 0);
        if (i % 4 == 0)
            ck_assert_int_eq(add_dnc(c, ids[i], MKT_CHANNEL_SMS, MKT_DNC_SMS_STOP), MKT_OK);
    }
}

/* Other customers, so that the namespaces are large enough for the batch call to prefetch
 * (it skips namespaces small enough to stay in the caches): copies of B1's records. */
static void add_fillers(mkt_ctx *c)
{
    static const char *const namespaces[1] = { "consent.state" };
    for (int k = 0; k < 1; k++) {
        char *v = NULL;
        size_t len = 0;
        ck_assert_int_eq(mkt_store_get(c, namespaces[k], "B1\x1f", 3, &v, &len, NULL), MKT_OK);
        int rc = MKT_OK;
        for (int i = 0; i < 9000 && rc == MKT_OK; i++) {
            char key[16];
            int klen = snprintf(key, sizeof key, "F%d\x1f", i);
            rc = mkt_store_put(c, namespaces[k], key, (size_t)klen, v, len, MKT_VERSION_ANY,
                               NULL);
        }
        ck_assert_int_eq(rc, MKT_OK);
        mkt_free(v);
    }
}

/* Contexts with the same data: built-in stores, and a host store (fault_store). */
static mkt_consent *policy_on(mkt_ctx **c, mkt_store_ops *ops)
{
    mkt_host h = MKT_HOST_INIT;
    h.store = ops;
    ck_assert_int_eq(mkt_ctx_new(c, &h, NULL), MKT_OK);
    populate(*c);
    /* B1's record gets counters to copy: one send, before anything is compared. */
    mkt_consent *first;
    ck_assert_int_eq(mkt_consent_new(&first, *c, NULL), MKT_OK);
    mkt_contact_request r = req(ids[1], MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL, NOON_PARIS);
    r.flags = MKT_CONTACT_SEND;
    ck_assert_int_eq(decide(first, &r).allow, 1);
    mkt_consent_free(first);
    add_fillers(*c);
    mkt_consent *p;
    ck_assert_int_eq(mkt_consent_new(&p, *c, NULL), MKT_OK);
    return p;
}

static int same(const mkt_contact_decision *a, const mkt_contact_decision *b)
{
    return a->allow == b->allow && a->reasons == b->reasons &&
           a->next_allowed == b->next_allowed && a->at == b->at;
}

START_TEST(batch_equals_single_calls)
{
    for (int i = 0; i <= CUSTOMERS; i++)
        snprintf(ids[i], sizeof ids[i], "B%d", i);
    static mkt_contact_request q[REQUESTS];
    static mkt_contact_decision one[REQUESTS], many[REQUESTS], host[REQUESTS];
    static int32_t rc_one[REQUESTS], rc_many[REQUESTS], rc_host[REQUESTS];
    random_requests(q, REQUESTS);
    mkt_ctx *c1, *c2, *c3;
    fault_store fs;
    fault_store_init(&fs);
    mkt_store_ops ops;
    fault_store_ops(&fs, &ops);
    mkt_consent *p1 = policy_on(&c1, NULL), *p2 = policy_on(&c2, NULL);
    mkt_consent *p3 = policy_on(&c3, &ops);
    int last = MKT_OK;
    for (int i = 0; i < REQUESTS; i++) {
        one[i].struct_size = sizeof one[i];
        rc_one[i] = mkt_consent_check(p1, &q[i], &one[i]);
        if (rc_one[i])
            last = rc_one[i];
    }
    /* Uneven batches: 1, then 7, 700 and the rest (far more than the prefetch distance). */
    size_t done = 0, sizes[] = { 1, 7, 700, REQUESTS };
    for (int b = 0; done < REQUESTS; b++) {
        size_t n = sizes[b] < REQUESTS - done ? sizes[b] : REQUESTS - done;
        many[done].struct_size = sizeof many[0];
        host[done].struct_size = sizeof host[0];
        int rc = mkt_consent_check_many(p2, q + done, n, many + done, rc_many + done);
        int rc3 = mkt_consent_check_many(p3, q + done, n, host + done, rc_host + done);
        int expect = MKT_OK;
        for (size_t i = done; i < done + n; i++)
            expect = rc_one[i] ? rc_one[i] : expect;
        ck_assert_int_eq(rc, expect); /* the last failing request's code */
        ck_assert_int_eq(rc3, expect);
        done += n;
    }
    int mismatches = 0, failed = 0, allowed = 0, sends = 0;
    for (int i = 0; i < REQUESTS; i++) {
        mismatches += !same(&one[i], &many[i]) || rc_one[i] != rc_many[i];
        mismatches += !same(&one[i], &host[i]) || rc_one[i] != rc_host[i];
        failed += rc_one[i] != MKT_OK;
        allowed += one[i].allow;
        sends += one[i].allow && (q[i].flags & MKT_CONTACT_SEND);
    }
    ck_assert_int_eq(mismatches, 0);
    /* The mix must exercise errors, allows, denies and sends. */
    ck_assert_int_gt(failed, 20);
    ck_assert_int_gt(allowed, 100);
    ck_assert_int_gt(REQUESTS - allowed, 500);
    ck_assert_int_gt(sends, 50);
    ck_assert_int_ne(last, MKT_OK);
    /* The records, counters included, end up identical. */
    for (int i = 0; i < CUSTOMERS; i++) {
        char key[16], *v1 = NULL, *v2 = NULL, *v3 = NULL;
        size_t l1 = 0, l2 = 0, l3 = 0, klen = (size_t)snprintf(key, sizeof key, "%s\x1f", ids[i]);
        int r1 = mkt_store_get(c1, "consent.state", key, klen, &v1, &l1, NULL);
        ck_assert_int_eq(mkt_store_get(c2, "consent.state", key, klen, &v2, &l2, NULL), r1);
        ck_assert_int_eq(mkt_store_get(c3, "consent.state", key, klen, &v3, &l3, NULL), r1);
        ck_assert(l1 == l2 && l1 == l3 && (l1 == 0 || (memcmp(v1, v2, l1) == 0 &&
                                                      memcmp(v1, v3, l1) == 0)));
        mkt_free(v1);
        mkt_free(v2);
        mkt_free(v3);
    }
    mkt_consent_free(p1);
    mkt_consent_free(p2);
    mkt_consent_free(p3);
    mkt_ctx_free(c1);
    mkt_ctx_free(c2);
    mkt_ctx_free(c3);
    fault_store_free(&fs);
}
END_TEST

START_TEST(batch_arguments)
{
    mkt_ctx *c;
    ck_assert_int_eq(mkt_ctx_new(&c, NULL, NULL), MKT_OK);
    mkt_consent *p;
    ck_assert_int_eq(mkt_consent_new(&p, c, NULL), MKT_OK);
    setup_customer(c, "A", 0, 0, 0);
    mkt_contact_request q[3];
    for (int i = 0; i < 3; i++)
        q[i] = req("A", MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL, NOON_PARIS);
    mkt_contact_decision d[3];
    d[0].struct_size = sizeof d[0];
    ck_assert_int_eq(mkt_consent_check_many(NULL, q, 3, d, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_check_many(p, NULL, 3, d, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_check_many(p, q, 3, NULL, NULL), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(c)->message, "out is NULL"));
    ck_assert_int_eq(mkt_consent_check_many(p, NULL, 0, NULL, NULL), MKT_OK); /* nothing */
    q[0].struct_size = 12;
    ck_assert_int_eq(mkt_consent_check_many(p, q, 3, d, NULL), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(c)->message, "reqs[0].struct_size"));
    q[0].struct_size = sizeof q[0];
    d[0].struct_size = 3;
    ck_assert_int_eq(mkt_consent_check_many(p, q, 3, d, NULL), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(c)->message, "out[0].struct_size"));
    /* One bad request among good ones: the others are decided; its decision is a deny. */
    q[1].channel = 0;
    d[0].struct_size = sizeof d[0];
    int32_t st[3];
    ck_assert_int_eq(mkt_consent_check_many(p, q, 3, d, st), MKT_EINVAL);
    ck_assert_int_eq(st[0], MKT_OK);
    ck_assert_int_eq(st[1], MKT_EINVAL);
    ck_assert_int_eq(st[2], MKT_OK);
    ck_assert_int_eq(d[0].allow, 1);
    ck_assert_int_eq(d[1].allow, 0);
    ck_assert_int_eq(d[2].allow, 1);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(c)->message, "channel 0"));
    /* A caller compiled with a shorter decision: elements are that far apart. */
    struct old { size_t struct_size; int32_t allow; uint32_t reasons; } small[3];
    memset(small, 0x55, sizeof small);
    small[0].struct_size = sizeof small[0];
    q[1].channel = MKT_CHANNEL_EMAIL;
    ck_assert_int_eq(mkt_consent_check_many(p, q, 3, (mkt_contact_decision *)(void *)small,
                                            NULL), MKT_OK);
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_eq(small[i].struct_size, sizeof small[0]);
        ck_assert_int_eq(small[i].allow, 1);
        ck_assert_uint_eq(small[i].reasons, 0);
    }
    mkt_consent_free(p);
    mkt_ctx_free(c);
}
END_TEST

static int batch_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *c;
    int rc = mkt_ctx_new(&c, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_consent *p = NULL;
    rc = mkt_consent_new(&p, c, NULL);
    mkt_consent_change ch = MKT_CONSENT_CHANGE_INIT;
    ch.customer_id = "F";
    ch.channel = MKT_CHANNEL_EMAIL;
    ch.status = MKT_CONSENT_GIVEN;
    ch.source = "t";
    if (rc == MKT_OK)
        rc = mkt_consent_set(c, &ch);
    mkt_contact_request q[2] = {
        req("F", MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL, NOON_PARIS),
        req("F", MKT_CHANNEL_SMS, MKT_CLASS_PROMOTIONAL, NOON_PARIS),
    };
    q[0].flags = MKT_CONTACT_SEND;
    mkt_contact_decision d[2];
    d[0].struct_size = sizeof d[0];
    int32_t st[2] = { -99, -99 };
    if (rc == MKT_OK)
        rc = mkt_consent_check_many(p, q, 2, d, st);
    /* A failure is a deny with the code in st, never an allow without MKT_OK. */
    int decided = st[0] != -99;
    if (rc == MKT_OK && (d[0].allow != 1 || d[1].allow != 0))
        rc = MKT_EINTERNAL;
    for (int i = 0; i < 2 && decided && rc == MKT_ENOMEM; i++)
        if (st[i] != MKT_OK && d[i].allow)
            rc = MKT_EINTERNAL;
    mkt_consent_free(p);
    mkt_ctx_free(c);
    return rc;
}

START_TEST(batch_allocation_failures)
{
    ck_assert_int_gt(failalloc_run(batch_scenario, NULL), 5);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("consent_caps");
    TCase *tc = tcase_create("caps");
    tcase_add_test(tc, windows_move_on);
    tcase_add_test(tc, changes_keep_counters);
    tcase_add_test(tc, threads_never_pass_a_cap);
    tcase_add_test(tc, sends_and_changes_lose_nothing);
    tcase_add_test(tc, batch_equals_single_calls);
    tcase_add_test(tc, batch_arguments);
    tcase_add_test(tc, batch_allocation_failures);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

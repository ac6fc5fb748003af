/* SPDX-License-Identifier: MIT */
/*
 * Contact decisions per second on one core with the built-in memory store (target: at least
 * 5 million). Customers have typical state: email and SMS consent, one DNC entry on push,
 * a weekly email cap and a daily all-channel cap with counts below them, chosen topics, and
 * live in Europe/Paris or America/New_York. Requests mix channels, classes and times so that
 * quiet hours and caps are evaluated. MKT_BENCH_CUSTOMERS sets the customer count (default
 * 100,000); MKT_BENCH_DECISIONS the decisions timed (default 20,000,000).
 *
 * Two lines: one mkt_consent_check() per decision ("single"), and mkt_consent_check_many()
 * over batches of MKT_BENCH_BATCH requests (default 256; "batch"), on the same requests.
 * MKT_BENCH_MODE=single or batch runs only that one (for perf record).
 *
 * Setup: MKT_BENCH_SETUP=api (the default up to 200,000 customers) records every customer
 * through the record functions (consents, DNC, preferences, topics: audited, with history,
 * and 0, 1 or 2 counted sends); MKT_BENCH_SETUP=clone (the default above that: a million
 * customers through the API takes minutes and gigabytes of audit chain) does that for three
 * template customers and copies their records (state with its counters, history lines) to every
 * other customer with mkt_store_put(). Decisions read only the state record (send counters
 * included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libmarketing.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_s(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this process: on a shared machine the wall clock also counts the time other
 * processes had the core. */
static double cpu_s(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static long env_long(const char *name, long dflt)
{
    const char *v = getenv(name);
    return v && *v ? strtol(v, NULL, 10) : dflt;
}

static void die(mkt_ctx *ctx, const char *what, int rc)
{
    fprintf(stderr, "%s failed (%d): %s\n", what, rc, mkt_ctx_last_error(ctx)->message);
    exit(1);
}

/* 2025-06-11 (a Wednesday) 14:00 UTC: afternoon in Paris and morning in New York. */
#define AT 1749650400

static void add_customer(mkt_ctx *ctx, const char *id)
{
    mkt_consent_change c = MKT_CONSENT_CHANGE_INIT;
    c.customer_id = id;
    c.status = MKT_CONSENT_GIVEN;
    c.ts = 1700000000;
    c.source = "bench";
    int rc;
    c.channel = MKT_CHANNEL_EMAIL;
    if ((rc = mkt_consent_set(ctx, &c)))
        die(ctx, "consent", rc);
    c.channel = MKT_CHANNEL_SMS;
    if ((rc = mkt_consent_set(ctx, &c)))
        die(ctx, "consent", rc);
    mkt_dnc_entry e = MKT_DNC_ENTRY_INIT;
    e.customer_id = id;
    e.scope = MKT_CHANNEL_PUSH;
    e.reason = MKT_DNC_UNSUBSCRIBE;
    e.ts = 1700000000;
    e.source = "bench";
    if ((rc = mkt_dnc_add(ctx, &e)))
        die(ctx, "dnc", rc);
    mkt_preferences p = MKT_PREFERENCES_INIT;
    p.customer_id = id;
    p.channel = MKT_CHANNEL_EMAIL;
    p.weekly_cap = 5;
    if ((rc = mkt_preferences_set(ctx, &p)))
        die(ctx, "preferences", rc);
    p.channel = MKT_CHANNEL_ALL;
    p.weekly_cap = 0;
    p.daily_cap = 3;
    if ((rc = mkt_preferences_set(ctx, &p)))
        die(ctx, "preferences", rc);
    if ((rc = mkt_topic_set(ctx, id, "deals", MKT_TOPIC_CHOSEN, NULL)) ||
        (rc = mkt_topic_set(ctx, id, "news", MKT_TOPIC_CHOSEN, NULL)))
        die(ctx, "topic", rc);
}

/* Some sends today, counted like real ones (sends of them). */
static void count_sends(mkt_consent *policy, mkt_ctx *ctx, const char *id, long sends)
{
    mkt_contact_request q = MKT_CONTACT_REQUEST_INIT;
    q.customer_id = id;
    q.channel = MKT_CHANNEL_EMAIL;
    q.message_class = MKT_CLASS_PROMOTIONAL;
    q.purpose = "deals";
    q.at = AT;
    q.time_zone = "Europe/Paris";
    q.flags = MKT_CONTACT_SEND;
    mkt_contact_decision d = { sizeof d, 0, 0, 0, 0 };
    for (long k = 0; k < sends; k++) {
        int rc = mkt_consent_check(policy, &q, &d);
        if (rc || !d.allow)
            die(ctx, "send", rc);
    }
}

/* The template's records of one namespace, collected first: the store must not change while
 * it is scanned. */
struct records {
    int n;
    size_t key_len[32], value_len[32];
    char key[32][128], value[32][512];
};

static int collect(const char *key, size_t key_len, const void *value, size_t value_len,
                   uint64_t version, void *data)
{
    (void)version;
    struct records *r = data;
    if (r->n == 32 || key_len > sizeof r->key[0] || value_len > sizeof r->value[0])
        return MKT_ETOOBIG;
    memcpy(r->key[r->n], key, key_len);
    memcpy(r->value[r->n], value, value_len);
    r->key_len[r->n] = key_len;
    r->value_len[r->n++] = value_len;
    return 0;
}

/* Copy the template's records to the same key suffixes of another customer. */
static void clone_customer(mkt_ctx *ctx, const char *from, const char *to)
{
    static const char *const namespaces[] = { "consent.state", "consent.history" };
    static struct records r;
    char prefix[64], k[256];
    size_t plen = (size_t)snprintf(prefix, sizeof prefix, "%s\x1f", from), tlen = strlen(to);
    for (int i = 0; i < 2; i++) {
        r.n = 0;
        int rc = mkt_store_scan(ctx, namespaces[i], prefix, plen, collect, &r);
        for (int j = 0; rc == MKT_OK && j < r.n; j++) {
            memcpy(k, to, tlen);
            memcpy(k + tlen, r.key[j] + plen - 1, r.key_len[j] - plen + 1);
            rc = mkt_store_put(ctx, namespaces[i], k, tlen + r.key_len[j] - plen + 1,
                               r.value[j], r.value_len[j], MKT_VERSION_ANY, NULL);
        }
        if (rc)
            die(ctx, "clone", rc);
    }
}

static void setup(mkt_ctx *ctx, mkt_consent *policy, char (*ids)[24], long ncust, int clone)
{
    for (long i = 0; i < ncust; i++) {
        snprintf(ids[i], sizeof ids[i], "C%07ld", i);
        if (clone && i >= 3) {
            clone_customer(ctx, ids[i % 3], ids[i]);
            continue;
        }
        add_customer(ctx, ids[i]);
        count_sends(policy, ctx, ids[i], i % 3);
    }
}

/* The mix: promotional email (caps), promotional SMS (quiet hours and caps), transactional
 * push (DNC does not block it), promotional email in another zone. */
static void make_request(mkt_contact_request *q, char (*ids)[24], long ncust, long n)
{
    static const struct { int32_t channel, cls; const char *zone, *region; } mix[4] = {
        { MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL, "Europe/Paris", "FR" },
        { MKT_CHANNEL_SMS, MKT_CLASS_PROMOTIONAL, "America/New_York", "US-NY" },
        { MKT_CHANNEL_PUSH, MKT_CLASS_TRANSACTIONAL, "Europe/Paris", "FR" },
        { MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL, "America/New_York", "US-NY" },
    };
    long i = (n * 7919) % ncust;
    int m = (int)(n & 3);
    q->customer_id = ids[i];
    q->channel = mix[m].channel;
    q->message_class = mix[m].cls;
    q->purpose = "deals";
    q->time_zone = mix[m].zone;
    q->region = mix[m].region;
    q->at = AT + (n & 1023) * 60;
    q->flags = 0;
}

static void report(const char *how, long ndec, double secs, double cpu, long allowed)
{
    printf("  %-6s wall %.3f s: %.2f million decisions/s, %.1f ns/decision\n", how, secs,
           (double)ndec / secs / 1e6, secs * 1e9 / (double)ndec);
    printf("  %-6s cpu  %.3f s: %.2f million decisions/s, %.1f ns/decision (allowed %ld, "
           "denied %ld); target >= 5 million/s: %s\n", how, cpu, (double)ndec / cpu / 1e6,
           cpu * 1e9 / (double)ndec, allowed, ndec - allowed,
           (double)ndec / cpu >= 5e6 ? "met" : "NOT met");
}

static void run_single(mkt_consent *policy, mkt_ctx *ctx, char (*ids)[24], long ncust,
                       long ndec)
{
    mkt_contact_request q = MKT_CONTACT_REQUEST_INIT;
    mkt_contact_decision d = { sizeof d, 0, 0, 0, 0 };
    long allowed = 0;
    double t0 = now_s(), c0 = cpu_s();
    for (long n = 0; n < ndec; n++) {
        make_request(&q, ids, ncust, n);
        int rc = mkt_consent_check(policy, &q, &d);
        if (rc)
            die(ctx, "check", rc);
        allowed += d.allow;
    }
    report("single", ndec, now_s() - t0, cpu_s() - c0, allowed);
}

static void run_batch(mkt_consent *policy, mkt_ctx *ctx, char (*ids)[24], long ncust,
                      long ndec, long batch)
{
    mkt_contact_request *q = malloc((size_t)batch * sizeof *q);
    mkt_contact_decision *d = malloc((size_t)batch * sizeof *d);
    if (q == NULL || d == NULL)
        die(ctx, "malloc", MKT_ENOMEM);
    for (long k = 0; k < batch; k++) {
        mkt_contact_request init = MKT_CONTACT_REQUEST_INIT;
        q[k] = init;
    }
    d[0].struct_size = sizeof *d;
    long allowed = 0;
    double t0 = now_s(), c0 = cpu_s();
    for (long n = 0; n < ndec; n += batch) {
        long m = ndec - n < batch ? ndec - n : batch;
        for (long k = 0; k < m; k++)
            make_request(&q[k], ids, ncust, n + k);
        int rc = mkt_consent_check_many(policy, q, (size_t)m, d, NULL);
        if (rc)
            die(ctx, "check_many", rc);
        for (long k = 0; k < m; k++)
            allowed += d[k].allow;
    }
    report("batch", ndec, now_s() - t0, cpu_s() - c0, allowed);
    free(q);
    free(d);
}

int main(void)
{
    long ncust = env_long("MKT_BENCH_CUSTOMERS", 100000);
    long ndec = env_long("MKT_BENCH_DECISIONS", 20000000);
    long batch = env_long("MKT_BENCH_BATCH", 256);
    const char *how = getenv("MKT_BENCH_SETUP");
    int clone = how && *how ? strcmp(how, "clone") == 0 : ncust > 200000;
    if (ncust < 3 || ndec < 1 || batch < 1)
        return 2;
    mkt_host h = MKT_HOST_INIT;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &h, NULL);
    if (rc)
        return 1;
    mkt_consent *policy;
    if ((rc = mkt_consent_new(&policy, ctx, NULL)))
        die(ctx, "mkt_consent_new", rc);
    char (*ids)[24] = malloc((size_t)ncust * sizeof *ids);
    if (ids == NULL)
        return 1;
    double t0 = now_s();
    setup(ctx, policy, ids, ncust, clone);
    printf("consent decisions: customers %ld (setup %s, %.2f s), decisions %ld, batch %ld\n",
           ncust, clone ? "clone" : "api", now_s() - t0, ndec, batch);
    const char *mode = getenv("MKT_BENCH_MODE");
    if (mode == NULL || strcmp(mode, "batch") != 0)
        run_single(policy, ctx, ids, ncust, ndec);
    if (mode == NULL || strcmp(mode, "single") != 0)
        run_batch(policy, ctx, ids, ncust, ndec, batch);
    free(ids);
    mkt_consent_free(policy);
    mkt_ctx_free(ctx);
    return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Contact decisions per second on one core with the built-in memory store (target: at least
 * 5 million). Customers have typical state: email and SMS consent, one DNC entry on push,
 * a weekly email cap and a daily all-channel cap with counts below them, chosen topics, and
 * live in Europe/Paris or America/New_York. Requests mix channels, classes and times so that
 * quiet hours and caps are evaluated. MKT_BENCH_CUSTOMERS sets the customer count (default
 * 100,000); MKT_BENCH_DECISIONS the decisions timed (default 20,000,000).
 */
#include <stdio.h>
#include <stdlib.h>
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

int main(void)
{
    long ncust = env_long("MKT_BENCH_CUSTOMERS", 100000);
    long ndec = env_long("MKT_BENCH_DECISIONS", 20000000);
    mkt_host h = MKT_HOST_INIT;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &h, NULL);
    if (rc)
        return 1;
    mkt_consent *policy;
    if ((rc = mkt_consent_new(&policy, ctx, NULL)))
        die(ctx, "mkt_consent_new", rc);
    char (*ids)[24] = malloc((size_t)ncust * sizeof *ids);
    double t0 = now_s();
    for (long i = 0; i < ncust; i++) {
        snprintf(ids[i], sizeof ids[i], "C%07ld", i);
        add_customer(ctx, ids[i]);
    }
    /* Some sends today, counted like real ones (0, 1 or 2 per customer). */
    mkt_contact_request q = MKT_CONTACT_REQUEST_INIT;
    q.channel = MKT_CHANNEL_EMAIL;
    q.message_class = MKT_CLASS_PROMOTIONAL;
    q.purpose = "deals";
    q.at = AT;
    q.time_zone = "Europe/Paris";
    q.flags = MKT_CONTACT_SEND;
    mkt_contact_decision d = { sizeof d, 0, 0, 0, 0 };
    for (long i = 0; i < ncust; i++)
        for (long k = 0; k < i % 3; k++) {
            q.customer_id = ids[i];
            if ((rc = mkt_consent_check(policy, &q, &d)) || !d.allow)
                die(ctx, "send", rc);
        }
    double setup = now_s() - t0;

    /* The mix: promotional email (caps), promotional SMS (quiet hours and caps),
     * transactional push (DNC does not block it), promotional push (DNC blocks it). */
    static const struct { int32_t channel, cls; const char *zone, *region; } mix[4] = {
        { MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL, "Europe/Paris", "FR" },
        { MKT_CHANNEL_SMS, MKT_CLASS_PROMOTIONAL, "America/New_York", "US-NY" },
        { MKT_CHANNEL_PUSH, MKT_CLASS_TRANSACTIONAL, "Europe/Paris", "FR" },
        { MKT_CHANNEL_EMAIL, MKT_CLASS_PROMOTIONAL, "America/New_York", "US-NY" },
    };
    q.flags = 0;
    long allowed = 0, denied = 0;
    t0 = now_s();
    double c0 = cpu_s();
    for (long n = 0; n < ndec; n++) {
        long i = (n * 7919) % ncust;
        int m = (int)(n & 3);
        q.customer_id = ids[i];
        q.channel = mix[m].channel;
        q.message_class = mix[m].cls;
        q.time_zone = mix[m].zone;
        q.region = mix[m].region;
        q.at = AT + (n & 1023) * 60;
        rc = mkt_consent_check(policy, &q, &d);
        if (rc)
            die(ctx, "check", rc);
        if (d.allow)
            allowed++;
        else
            denied++;
    }
    double secs = now_s() - t0, cpu = cpu_s() - c0;
    printf("consent decisions: customers %ld, decisions %ld, setup %.2f s\n", ncust, ndec,
           setup);
    printf("  wall %.3f s: %.2f million decisions/s, %.1f ns/decision\n", secs,
           (double)ndec / secs / 1e6, secs * 1e9 / (double)ndec);
    printf("  cpu  %.3f s: %.2f million decisions/s, %.1f ns/decision (allowed %ld, denied %ld)\n",
           cpu, (double)ndec / cpu / 1e6, cpu * 1e9 / (double)ndec, allowed, denied);
    printf("  target >= 5 million/s (cpu time, one core): %s\n",
           (double)ndec / cpu >= 5e6 ? "met" : "NOT met");
    free(ids);
    mkt_consent_free(policy);
    mkt_ctx_free(ctx);
    return 0;
}

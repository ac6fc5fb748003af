/* SPDX-License-Identifier: MIT */
/*
 * mkt_journey_engine_enter_due() benchmark: MKT_BENCH_CUSTOMERS (default 1,000,000) customers
 * with a date of birth (spread over the year, deterministically) and, one in four, a time
 * zone, over the built-in memory store with a no-op send, on one core:
 *   1. the birthday journey (examples/journeys/birthday.xml, directory in argv[1]): one call
 *      over one day, which enters the ~1/365 of customers born that day;
 *   2. a segment entry (customer.tier = 'GOLD', 10% of customers): the first call, where
 *      every member enters, then a second call where nobody does (one evaluation of the
 *      segment, one scan of the remembered members).
 * Prints the seconds of each call and the entries it made.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmarketing.h>

#define DAY INT64_C(86400)
#define JAN1_2027 INT64_C(1798761600) /* day 20819 */

static int no_send(const mkt_message *m, void *ud)
{
    (void)m, (void)ud;
    return MKT_OK;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(mkt_ctx *ctx, const char *what, int rc)
{
    if (rc == MKT_OK)
        return;
    fprintf(stderr, "%s: %s (%s)\n", what, mkt_strerror(rc), mkt_ctx_last_error(ctx)->message);
    exit(1);
}

static mkt_table *customers(mkt_ctx *ctx, uint64_t n)
{
    static const char *const zones[] = { "Europe/Paris", "America/New_York", "Asia/Tokyo" };
    mkt_table *t = NULL;
    uint32_t dob, zone, tier;
    check(ctx, "table", mkt_table_new(&t, ctx));
    check(ctx, "column", mkt_table_column_find(t, "date_of_birth", &dob));
    check(ctx, "column", mkt_table_column_find(t, "timezone", &zone));
    check(ctx, "column", mkt_table_column_find(t, "tier", &tier));
    uint64_t x = 88172645463325252u; /* xorshift64: the same table every run */
    for (uint64_t i = 0; i < n; i++) {
        char id[24];
        uint64_t row;
        int len = snprintf(id, sizeof id, "C%07llu", (unsigned long long)i);
        check(ctx, "customer", mkt_table_add_customer(t, id, (size_t)len, &row));
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* born 1950..2009 (days -7305 .. 14609) */
        check(ctx, "dob", mkt_table_set_int(t, dob, row, -7305 + (int64_t)(x % 21915)));
        if (x % 4 == 0)
            check(ctx, "zone", mkt_table_set_string(t, zone, row, zones[(x >> 8) % 3],
                                                    strlen(zones[(x >> 8) % 3])));
        const char *tr = (x >> 16) % 10 == 0 ? "GOLD" : "SILVER";
        check(ctx, "tier", mkt_table_set_string(t, tier, row, tr, strlen(tr)));
    }
    return t;
}

static void timed_call(mkt_ctx *ctx, mkt_journey_engine *e, mkt_time to, const char *what)
{
    uint64_t entered = 0;
    double t0 = seconds();
    check(ctx, what, mkt_journey_engine_enter_due(e, to, &entered));
    printf("%-44s %8.3f s  %8llu entries\n", what, seconds() - t0,
           (unsigned long long)entered);
}

/* The birthday email issues an offer code: the engine needs a format and a secret. */
static const char bench_secret[] = "journey-due-bench-secret-0123456789";

static mkt_journey_engine *engine(mkt_ctx *ctx, const mkt_journey *j, const mkt_table *t,
                                  const mkt_promo_format *fmt)
{
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    o.customers = t;
    o.promo_format = fmt;
    o.promo_secret = bench_secret;
    o.promo_secret_len = sizeof bench_secret - 1;
    mkt_journey_engine *e = NULL;
    check(ctx, "engine", mkt_journey_engine_new(&e, ctx, &j, 1, &o));
    return e;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "examples/journeys";
    const char *env = getenv("MKT_BENCH_CUSTOMERS");
    uint64_t n = env ? strtoull(env, NULL, 10) : 1000000u;
    char path[1024];
    snprintf(path, sizeof path, "%s/birthday.xml", dir);
    mkt_host host = MKT_HOST_INIT;
    host.send = no_send;
    mkt_ctx *ctx = NULL;
    check(NULL, "context", mkt_ctx_new(&ctx, &host, NULL));
    mkt_promo_format *fmt = NULL;
    check(ctx, "promo format", mkt_promo_format_new(&fmt, ctx, NULL));
    mkt_table *t = customers(ctx, n);
    printf("%llu customers\n", (unsigned long long)n);
    mkt_journey_options jo;
    mkt_journey_options_init(&jo);
    jo.schema = t;
    mkt_journey *bday = NULL, *gold = NULL;
    check(ctx, path, mkt_journey_load_xml_file(&bday, ctx, path, &jo));
    mkt_journey_engine *e = engine(ctx, bday, t, fmt);
    check(ctx, "advance", mkt_journey_engine_advance(e, JAN1_2027, NULL));
    timed_call(ctx, e, JAN1_2027 + DAY, "birthday: one day (2027-01-01 .. 01-02)");
    timed_call(ctx, e, JAN1_2027 + 2 * DAY, "birthday: the next day");
    mkt_journey_engine_free(e);
    static const char gold_xml[] =
        "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"gold\">"
        "<entry id=\"e\" rule=\"customer.tier = 'GOLD'\"/>"
        "<send id=\"s\" channel=\"email\" template=\"t\"/><exit id=\"x\"/></journey>";
    check(ctx, "gold", mkt_journey_load_xml_memory(&gold, ctx, gold_xml, sizeof gold_xml - 1,
                                                   "gold.xml", &jo));
    e = engine(ctx, gold, t, fmt);
    timed_call(ctx, e, JAN1_2027, "segment: first call (every member enters)");
    timed_call(ctx, e, JAN1_2027 + DAY, "segment: second call (no transition)");
    mkt_journey_engine_free(e);
    mkt_journey_free(gold);
    mkt_journey_free(bday);
    mkt_table_free(t);
    mkt_promo_format_free(fmt);
    mkt_ctx_free(ctx);
    return 0;
}

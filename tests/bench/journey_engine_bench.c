/* SPDX-License-Identifier: MIT */
/*
 * Journey engine benchmark: MKT_BENCH_CUSTOMERS (default 1,000,000) customers in the
 * abandoned-cart journey (examples/journeys, path in argv[1]) with the built-in memory store
 * and a no-op send callback, on one core:
 *   1. one CART_ABANDONED event per customer (each starts an instance asleep for 1 hour);
 *   2. the clock moves 1 hour on: every timer fires, email-1 is "sent", each instance sleeps
 *      in wait-24h;
 *   3. one BOOKING_COMPLETED event per customer (each ends its instance as a conversion).
 * Prints events (or timers) per second of each phase, and the bytes held per waiting
 * instance after phases 1 and 2, measured by a counting allocator on the context (every
 * byte the library and its memory store allocate, with 16 bytes of allocator header each).
 * Run twice: with "journey.timer" records (the default over a host's store) and without them
 * (the default over the built-in memory store, which this benchmark uses).
 * MKT_BENCH_CPU_CLOCK=1 measures the process's CPU time instead of wall-clock time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmarketing.h>

typedef struct counter {
    int64_t live;
} counter;

static void *count_alloc(size_t size, void *ud)
{
    counter *c = ud;
    size_t *p = malloc(size + 16);
    if (!p)
        return NULL;
    p[0] = size;
    c->live += (int64_t)size + 16;
    return (char *)p + 16;
}

static void *count_realloc(void *ptr, size_t size, void *ud)
{
    counter *c = ud;
    if (!ptr)
        return count_alloc(size, ud);
    size_t *old = (size_t *)((char *)ptr - 16), was = old[0];
    size_t *p = realloc(old, size + 16);
    if (!p)
        return NULL;
    p[0] = size;
    c->live += (int64_t)size - (int64_t)was;
    return (char *)p + 16;
}

static void count_free(void *ptr, void *ud)
{
    counter *c = ud;
    size_t *p = (size_t *)((char *)ptr - 16);
    c->live -= (int64_t)p[0] + 16;
    free(p);
}

static int no_send(const mkt_message *m, void *ud)
{
    (void)m, (void)ud;
    return MKT_OK;
}

/* Wall-clock seconds, or with MKT_BENCH_CPU_CLOCK=1 the process's CPU seconds: steadier on
 * a machine shared with other jobs (it leaves out the time other processes ran). */
static double seconds(void)
{
    struct timespec ts;
    clock_gettime(getenv("MKT_BENCH_CPU_CLOCK") ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC,
                  &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(mkt_ctx *ctx, const char *what, int rc)
{
    fprintf(stderr, "%s: %s (%s)\n", what, mkt_strerror(rc),
            ctx ? mkt_ctx_last_error(ctx)->message : "");
    exit(1);
}

/* Run @type for customers 0..n-1 at @at; returns events per second. */
static double feed(mkt_ctx *ctx, mkt_journey_engine *e, long n, const char *type, mkt_time at)
{
    char id[32];
    double t = seconds();
    for (long i = 0; i < n; i++) {
        snprintf(id, sizeof id, "C%07ld", i);
        int rc = mkt_journey_engine_event(e, id, type, at);
        if (rc != MKT_OK)
            die(ctx, type, rc);
    }
    return (double)n / (seconds() - t);
}

/* The three phases with or without timer records; prints the figures. */
static void run_mode(const char *path, long n, int32_t timer_records)
{
    counter cnt = { 0 };
    mkt_host host = MKT_HOST_INIT;
    host.alloc = count_alloc, host.realloc = count_realloc, host.free = count_free;
    host.send = no_send;
    host.user_data = &cnt;
    mkt_ctx *ctx = NULL;
    mkt_journey *j = NULL;
    mkt_journey_engine *e = NULL;
    mkt_promo_format *fmt = NULL;
    static const char secret[] = "journey-bench-secret-0123456789"; /* email-2 has an offer */
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    o.timer_records = timer_records;
    o.promo_secret = secret;
    o.promo_secret_len = sizeof secret - 1;
    int rc = mkt_ctx_new(&ctx, &host, NULL);
    if (rc == MKT_OK)
        rc = mkt_promo_format_new(&fmt, ctx, NULL);
    o.promo_format = fmt;
    if (rc == MKT_OK)
        rc = mkt_journey_load_xml_file(&j, ctx, path, NULL);
    const mkt_journey *js[1] = { j };
    if (rc == MKT_OK)
        rc = mkt_journey_engine_new(&e, ctx, js, 1, &o);
    if (rc != MKT_OK)
        die(ctx, path, rc);
    const mkt_time t0 = 1800000000;
    int64_t base = cnt.live;

    double entry_rate = feed(ctx, e, n, "CART_ABANDONED", t0);
    double per_entry = (double)(cnt.live - base) / (double)n;

    double t = seconds();
    uint64_t fired = 0;
    if ((rc = mkt_journey_engine_advance(e, t0 + 3600, &fired)) != MKT_OK)
        die(ctx, "advance", rc);
    double timer_rate = (double)fired / (seconds() - t);
    double per_wait = (double)(cnt.live - base) / (double)n;

    double goal_rate = feed(ctx, e, n, "BOOKING_COMPLETED", t0 + 7200);

    printf("journey engine, abandoned cart, %ld customers, memory store, no-op send, timer "
           "records %s\n", n, timer_records ? "on (the default over a host's store)" : "off (the default over the memory store)");
    printf("  entry events (CART_ABANDONED):    %12.0f events/s\n", entry_rate);
    printf("  wake-ups (1 h delay -> email-1):  %12.0f timers/s (%llu fired)\n", timer_rate,
           (unsigned long long)fired);
    printf("  goal events (BOOKING_COMPLETED):  %12.0f events/s\n", goal_rate);
    printf("  bytes per waiting instance: %.1f asleep at the entry, %.1f in wait-24h after "
           "a send\n", per_entry, per_wait);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_promo_format_free(fmt);
    mkt_ctx_free(ctx);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "examples/journeys";
    long n = getenv("MKT_BENCH_CUSTOMERS") ? atol(getenv("MKT_BENCH_CUSTOMERS")) : 1000000;
    char path[1024];
    snprintf(path, sizeof path, "%s/abandoned-cart.xml", dir);
    run_mode(path, n, 1);
    run_mode(path, n, 0);
    return 0;
}

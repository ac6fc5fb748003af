/* SPDX-License-Identifier: MIT */
/*
 * RFM and lifecycle timings: the scoring step alone (mkt_rfm_score_facts, NTILE and fixed) on N
 * customers' facts, then mkt_rfm_compute() and mkt_lifecycle_compute() on a table of N
 * customers with 10 bookings each built through the API (loading is measured by the load
 * benchmarks). MKT_BENCH_CUSTOMERS sets N (default 1,000,000). Prints one line per step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libmarketing.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int fail(mkt_ctx *ctx, const char *what)
{
    fprintf(stderr, "rfm_bench: %s: %s\n", what, mkt_ctx_last_error(ctx)->message);
    return 1;
}

static int bench_scoring(mkt_ctx *ctx, size_t n, char (*ids)[16])
{
    mkt_rfm_facts *f = malloc(n * sizeof *f);
    mkt_rfm_score *s = malloc(n * sizeof *s);
    if (!f || !s)
        return 1;
    for (size_t i = 0; i < n; i++) {
        size_t j = next() % n; /* ids in random order */
        f[i] = (mkt_rfm_facts){ids[j], strlen(ids[j]), (int32_t)(next() % 365),
                               (int64_t)(next() % 20) + 1, (int64_t)(next() % 1000000)};
    }
    mkt_rfm_options o;
    mkt_rfm_options_init(&o);
    for (int scoring = MKT_RFM_FIXED; scoring <= MKT_RFM_NTILE; scoring++) {
        o.scoring = scoring;
        double t0 = now();
        if (mkt_rfm_score_facts(ctx, f, n, &o, s) != MKT_OK)
            return fail(ctx, "score");
        printf("score_facts %-6s %zu customers: %.3f s\n",
               scoring == MKT_RFM_FIXED ? "fixed" : "ntile", n, now() - t0);
    }
    free(f);
    free(s);
    return 0;
}

static int bench_table(mkt_ctx *ctx, size_t n, char (*ids)[16])
{
    mkt_table *t = NULL;
    if (mkt_table_new(&t, ctx) != MKT_OK)
        return fail(ctx, "table");
    mkt_date d;
    mkt_date_parse(&d, "2026-06-30", 10);
    double t0 = now();
    for (size_t b = 0; b < n * 10; b++) {
        char bid[24];
        snprintf(bid, sizeof bid, "B%zu", b);
        mkt_booking x;
        memset(&x, 0, sizeof x);
        x.struct_size = sizeof x;
        x.booking_id = bid;
        x.customer_id = ids[next() % n];
        x.booking_time = ((mkt_time)d - (mkt_time)(next() % 730)) * 86400;
        x.departure_date = MKT_NULL_DATE;
        x.total_amount = (int64_t)(next() % 200000);
        x.ancillary_amount = MKT_NULL_INT64;
        x.status = next() % 10 ? MKT_BOOKING_CONFIRMED : MKT_BOOKING_CANCELLED;
        if (mkt_table_add_booking(t, &x) != MKT_OK)
            return fail(ctx, "add booking");
    }
    printf("built a table of %zu bookings in %.3f s\n", n * 10, now() - t0);
    mkt_rfm_options o;
    mkt_rfm_options_init(&o);
    o.as_of = d;
    mkt_rfm *r = NULL;
    t0 = now();
    if (mkt_rfm_compute(&r, ctx, t, &o) != MKT_OK)
        return fail(ctx, "rfm");
    printf("rfm_compute ntile: %llu customers scored in %.3f s\n",
           (unsigned long long)mkt_rfm_count(r), now() - t0);
    t0 = now();
    if (mkt_rfm_apply(t, r) != MKT_OK)
        return fail(ctx, "apply");
    printf("rfm_apply: %.3f s\n", now() - t0);
    mkt_lifecycle *lc = NULL;
    t0 = now();
    if (mkt_lifecycle_compute(&lc, ctx, t, d) != MKT_OK)
        return fail(ctx, "lifecycle");
    printf("lifecycle_compute: %llu customers in %.3f s\n",
           (unsigned long long)mkt_lifecycle_count(lc), now() - t0);
    mkt_lifecycle_free(lc);
    mkt_rfm_free(r);
    mkt_table_free(t);
    return 0;
}

int main(void)
{
    const char *env = getenv("MKT_BENCH_CUSTOMERS");
    size_t n = env ? (size_t)strtoull(env, NULL, 10) : 1000000;
    if (n == 0 || n > 100000000) /* ids have 8 digits */
        n = n ? 100000000 : 1;
    char (*ids)[16] = malloc(n * sizeof *ids);
    mkt_ctx *ctx = NULL;
    if (!ids || mkt_ctx_new(&ctx, NULL, NULL) != MKT_OK)
        return 1;
    for (size_t i = 0; i < n; i++)
        snprintf(ids[i], sizeof ids[i], "CUST%08u", (unsigned)(i % 100000000u));
    int rc = bench_scoring(ctx, n, ids);
    if (rc == 0)
        rc = bench_table(ctx, n, ids);
    mkt_ctx_free(ctx);
    free(ids);
    return rc;
}

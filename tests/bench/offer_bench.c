/* SPDX-License-Identifier: MIT */
/*
 * Offer validation speed with the built-in memory store, one core: a catalogue of 1000 offers
 * (every restriction set, all four limits, 10 codes each, so lookups hit a real index) and a
 * store holding counters for 10,000 customers. Measured per call, best of three runs:
 * - validate, valid code (every rule checked, four counters read from the store);
 * - validate, invalid booking (five failed rules, each with its formatted text);
 * - validate, unknown code;
 * - reserve + commit + release of one booking (the full redemption cycle: 18 store writes);
 * - stack of four codes.
 * The target is under 2 microseconds per validation. MKT_BENCH_VALIDATIONS sets the
 * count (default 1,000,000). Prints its figures; exit status 1 if a call fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmarketing.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static mkt_date day(const char *s)
{
    mkt_date d = 0;
    mkt_date_parse(&d, s, strlen(s));
    return d;
}

static int add_offer(mkt_offers *set, mkt_ctx *ctx, int i)
{
    char id[32], code[32];
    snprintf(id, sizeof id, "offer-%d", i);
    mkt_offer *o = NULL;
    int rc = mkt_offer_new(&o, ctx, id);
    rc = rc ? rc : mkt_offer_set_discount(o, MKT_DISCOUNT_PERCENT, 1500, 5000);
    rc = rc ? rc : mkt_offer_set_currency(o, "USD");
    rc = rc ? rc : mkt_offer_set_min_purchase(o, 10000);
    rc = rc ? rc : mkt_offer_set_booking_window(o, day("2026-06-01"), day("2026-08-31"));
    rc = rc ? rc : mkt_offer_set_travel_window(o, day("2026-06-15"), day("2026-09-30"));
    rc = rc ? rc : mkt_offer_add_blackout(o, day("2026-07-01"), day("2026-07-04"));
    rc = rc ? rc : mkt_offer_add_route(o, "JFK-*", 0);
    rc = rc ? rc : mkt_offer_add_route(o, "JFK-LAX", 1);
    rc = rc ? rc : mkt_offer_add_fare_class(o, "Y", 0);
    rc = rc ? rc : mkt_offer_add_fare_class(o, "M", 0);
    rc = rc ? rc : mkt_offer_set_limit(o, MKT_OFFER_LIMIT_TOTAL, 1000000);
    rc = rc ? rc : mkt_offer_set_limit(o, MKT_OFFER_LIMIT_PER_CUSTOMER, 1000000);
    rc = rc ? rc : mkt_offer_set_limit(o, MKT_OFFER_LIMIT_PER_CUSTOMER_MONTH, 1000000);
    rc = rc ? rc : mkt_offer_set_limit(o, MKT_OFFER_LIMIT_BUDGET, INT64_C(1) << 50);
    rc = rc ? rc : mkt_offer_set_stacking(o, 1, i % 7);
    for (int c = 0; rc == MKT_OK && c < 10; c++) {
        snprintf(code, sizeof code, "CODE-%d-%d", i, c);
        rc = mkt_offer_add_code(o, code, NULL);
    }
    if (rc) {
        mkt_offer_free(o);
        return rc;
    }
    return mkt_offers_add(set, o);
}

typedef int (*step_fn)(const mkt_offers *, mkt_ctx *, mkt_offer_booking *, mkt_offer_result *,
                       mkt_offer_stack *, uint64_t);

static int step_validate(const mkt_offers *s, mkt_ctx *ctx, mkt_offer_booking *b,
                         mkt_offer_result *r, mkt_offer_stack *st, uint64_t i)
{
    (void)st, (void)i;
    return mkt_offers_validate(s, ctx, "code-500-3", b, r);
}

static int step_unknown(const mkt_offers *s, mkt_ctx *ctx, mkt_offer_booking *b,
                        mkt_offer_result *r, mkt_offer_stack *st, uint64_t i)
{
    (void)st, (void)i;
    return mkt_offers_validate(s, ctx, "NO-SUCH-CODE", b, r);
}

static int step_cycle(const mkt_offers *s, mkt_ctx *ctx, mkt_offer_booking *b,
                      mkt_offer_result *r, mkt_offer_stack *st, uint64_t i)
{
    (void)st;
    char booking[24];
    snprintf(booking, sizeof booking, "B%llu", (unsigned long long)i);
    b->booking_id = booking;
    int rc = mkt_offers_reserve(s, ctx, "CODE-7-1", b, r);
    if (rc == MKT_OK && !mkt_offer_result_valid(r))
        rc = MKT_EINTERNAL;
    rc = rc ? rc : mkt_offers_commit(s, ctx, "CODE-7-1", b->customer_id, booking);
    rc = rc ? rc : mkt_offers_release(s, ctx, "CODE-7-1", b->customer_id, booking);
    b->booking_id = "B1";
    return rc;
}

static int step_stack(const mkt_offers *s, mkt_ctx *ctx, mkt_offer_booking *b,
                      mkt_offer_result *r, mkt_offer_stack *st, uint64_t i)
{
    (void)r, (void)i;
    static const char *const codes[4] = {"CODE-1-0", "CODE-2-0", "CODE-3-0", "CODE-4-0"};
    return mkt_offers_stack(s, ctx, codes, 4, b, st);
}

/* Best of three runs of @n calls; returns ns per call, or -1 on a failed call. */
static double measure(step_fn fn, uint64_t n, const mkt_offers *s, mkt_ctx *ctx,
                      mkt_offer_booking *b, mkt_offer_result *r, mkt_offer_stack *st)
{
    double best = -1;
    for (int run = 0; run < 3; run++) {
        double t0 = now();
        for (uint64_t i = 0; i < n; i++)
            if (fn(s, ctx, b, r, st, i) != MKT_OK) {
                fprintf(stderr, "offer_bench: %s\n", mkt_ctx_last_error(ctx)->message);
                return -1;
            }
        double ns = (now() - t0) * 1e9 / (double)n;
        if (best < 0 || ns < best)
            best = ns;
    }
    return best;
}

int main(void)
{
    const char *env = getenv("MKT_BENCH_VALIDATIONS");
    uint64_t n = env ? strtoull(env, NULL, 10) : 1000000;
    mkt_ctx *ctx = NULL;
    mkt_offers *set = NULL;
    mkt_offer_result *r = NULL;
    mkt_offer_stack *st = NULL;
    int rc = mkt_ctx_new(&ctx, NULL, NULL);
    rc = rc ? rc : mkt_offers_new(&set, ctx);
    for (int i = 0; rc == MKT_OK && i < 1000; i++)
        rc = add_offer(set, ctx, i);
    rc = rc ? rc : mkt_offer_result_new(&r, ctx);
    rc = rc ? rc : mkt_offer_stack_new(&st, ctx);
    /* Counters of 10,000 customers on offer-500, so the store's trees have depth. */
    char key[64];
    for (int c = 0; rc == MKT_OK && c < 10000; c++) {
        int len = snprintf(key, sizeof key, "K%05d\x1f" "offer-500\x1fuses", c);
        rc = mkt_store_incr(ctx, "offer.customer", key, (size_t)len, 1, INT64_MAX, NULL);
    }
    if (rc) {
        fprintf(stderr, "offer_bench: setup: %s\n", mkt_ctx_last_error(ctx)->message);
        return 1;
    }
    mkt_offer_booking b;
    mkt_offer_booking_init(&b);
    b.customer_id = "K04242";
    b.booking_id = "B1";
    b.route = "JFK-LHR";
    b.fare_class = "Y";
    b.amount = 20000;
    b.currency = "USD";
    b.booking_date = day("2026-07-10");
    b.travel_date = day("2026-08-01");
    mkt_offer_booking bad = b;
    bad.booking_date = day("2026-09-15");
    bad.travel_date = day("2026-07-02");
    bad.route = "JFK-LAX";
    bad.fare_class = "F";
    bad.amount = 5000;
    double valid = measure(step_validate, n, set, ctx, &b, r, st);
    int ok = valid > 0 && mkt_offer_result_valid(r) && mkt_offer_result_discount(r) == 3000;
    double invalid = measure(step_validate, n, set, ctx, &bad, r, st);
    ok = ok && invalid > 0 && mkt_offer_result_reason_count(r) == 5;
    double unknown = measure(step_unknown, n, set, ctx, &b, r, st);
    double cycle = measure(step_cycle, n / 10, set, ctx, &b, r, st);
    double stack = measure(step_stack, n / 10, set, ctx, &b, r, st);
    ok = ok && unknown > 0 && cycle > 0 && stack > 0;
    printf("offers: 1000 offers x 10 codes, 10,000 customers' counters in the memory store\n");
    printf("validate, valid code (4 limit reads):    %8.0f ns/call (target < 2000)\n", valid);
    printf("validate, invalid (5 reasons):           %8.0f ns/call\n", invalid);
    printf("validate, unknown code:                  %8.0f ns/call\n", unknown);
    printf("reserve + commit + release:              %8.0f ns/cycle\n", cycle);
    printf("stack of 4 codes:                        %8.0f ns/call\n", stack);
    mkt_offer_stack_free(st);
    mkt_offer_result_free(r);
    mkt_offers_free(set);
    mkt_ctx_free(ctx);
    return ok ? 0 : 1;
}

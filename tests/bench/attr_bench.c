/* SPDX-License-Identifier: MIT */
/*
 * Attribution timings on N distinct aggregated paths (default 1,000,000; MKT_BENCH_PATHS
 * sets N) of 4..6 touches (about 5) over 12 channels, generated deterministically and added
 * through mkt_paths_add(). Times: every rule-based model in one pass (mkt_attribute_many),
 * Markov orders 1..4 and Shapley (exact over the 2^12 coalitions). Targets (issue 7, release
 * build): rule-based < 1 s, Markov order 1 < 2 s, order 3 < 10 s. Prints one line per step.
 */
#include <stdio.h>
#include <stdlib.h>
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
    fprintf(stderr, "attr_bench: %s: %s\n", what, mkt_ctx_last_error(ctx)->message);
    return 1;
}

/* Add random paths until @n distinct ones exist; returns the number of touches. */
static int generate(mkt_paths *p, uint64_t n, uint64_t *touches)
{
    static const char *const names[12] = {"direct", "email", "seo", "sea", "display", "social",
                                          "affiliate", "referral", "push", "sms", "video",
                                          "partner"};
    *touches = 0;
    while (mkt_paths_count(p) < n) {
        const char *path[6];
        uint32_t len = 4 + (uint32_t)(next() % 3);
        for (uint32_t k = 0; k < len; k++)
            path[k] = names[next() % 12];
        int64_t conv = (int64_t)(next() % 3), nulls = (int64_t)(next() % 20);
        int64_t value = conv * (int64_t)(5000 + next() % 100000);
        uint64_t before = mkt_paths_count(p);
        if (mkt_paths_add(p, path, len, conv, value, nulls) != MKT_OK)
            return 1;
        if (mkt_paths_count(p) > before)
            *touches += len;
    }
    return 0;
}

static int time_models(mkt_paths *p, mkt_ctx *ctx, const char *label, const int32_t *models,
                       uint32_t count, int32_t order)
{
    mkt_attribution *r[16];
    mkt_attr_options o;
    mkt_attr_options_init(&o);
    o.order = order;
    double t0 = now();
    if (mkt_attribute_many(r, models, count, p, &o) != MKT_OK)
        return fail(ctx, label);
    double t = now() - t0;
    printf("%-40s %8.3f s", label, t);
    if (mkt_attribution_state_count(r[0]))
        printf("   (%u states, %llu transitions)", mkt_attribution_state_count(r[0]),
               (unsigned long long)mkt_attribution_transition_count(r[0]));
    printf("\n");
    for (uint32_t i = 0; i < count; i++)
        mkt_attribution_free(r[i]);
    return 0;
}

int main(void)
{
    const char *env = getenv("MKT_BENCH_PATHS");
    uint64_t n = env ? strtoull(env, NULL, 10) : 1000000;
    mkt_ctx *ctx;
    mkt_paths *p;
    if (mkt_ctx_new(&ctx, NULL, NULL) || mkt_paths_new(&p, ctx))
        return 1;
    double t0 = now();
    uint64_t touches;
    if (generate(p, n, &touches))
        return fail(ctx, "generate");
    printf("%llu distinct paths, %.2f touches each, 12 channels (built in %.3f s)\n",
           (unsigned long long)mkt_paths_count(p), (double)touches / (double)n, now() - t0);
    static const int32_t rules[] = {MKT_ATTR_FIRST, MKT_ATTR_LAST, MKT_ATTR_LAST_NON_DIRECT,
                                    MKT_ATTR_LINEAR, MKT_ATTR_POSITION, MKT_ATTR_W_SHAPED};
    static const int32_t markov[1] = {MKT_ATTR_MARKOV}, shapley[1] = {MKT_ATTR_SHAPLEY};
    int rc = time_models(p, ctx, "rule-based (6 models, one pass)", rules, 6, 1);
    char label[64];
    for (int32_t k = 1; k <= MKT_ATTR_MAX_ORDER && rc == 0; k++) {
        snprintf(label, sizeof label, "markov order %d", k);
        rc = time_models(p, ctx, label, markov, 1, k);
    }
    if (rc == 0)
        rc = time_models(p, ctx, "shapley (exact, 12 channels)", shapley, 1, 1);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
    return rc;
}

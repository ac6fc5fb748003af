/* SPDX-License-Identifier: MIT */
/*
 * A/B allocation throughput: 10M calls of mkt_abtest_assign() on one core (ids "C0000000" ..,
 * three variants 34/33/33, full coverage), best of three runs, and the same with a namespace
 * and a holdout (three hashes per call). The target is 10M assignments under 1 second.
 * MKT_BENCH_ASSIGNMENTS sets the count. Prints its figures; exit status 1 if an assignment
 * fails, never because of the timing (benchmarks report, tests judge).
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

/* One run over @n ids; returns the seconds, or -1 on a failed call. */
static double run(mkt_ctx *ctx, uint64_t n, const mkt_abtest_assign_options *o,
                  uint64_t counts[4])
{
    static const double w[3] = {34, 33, 33};
    char id[16] = "C0000000";
    double t0 = now();
    for (uint64_t i = 0; i < n; i++) {
        /* the id's 7 digits, rewritten in place (snprintf would dominate the timing) */
        uint64_t v = i;
        for (int d = 7; d >= 1; d--, v /= 10)
            id[d] = (char)('0' + v % 10);
        mkt_abtest_assignment a;
        if (mkt_abtest_assign(ctx, "checkout-button", id, 8, w, 3, o, &a) != MKT_OK)
            return -1;
        counts[a.variant + 1]++;
    }
    return now() - t0;
}

int main(void)
{
    const char *env = getenv("MKT_BENCH_ASSIGNMENTS");
    uint64_t n = env ? strtoull(env, NULL, 10) : 10000000;
    mkt_ctx *ctx;
    if (mkt_ctx_new(&ctx, NULL, NULL) != MKT_OK)
        return 1;
    mkt_abtest_assign_options ns;
    mkt_abtest_assign_options_init(&ns);
    ns.namespace_key = "checkout";
    ns.namespace_end = 0.5;
    ns.holdout = 0.05;
    const mkt_abtest_assign_options *setups[2] = {NULL, &ns};
    const char *names[2] = {"plain", "namespace+holdout"};
    for (int s = 0; s < 2; s++) {
        double best = 1e30;
        uint64_t counts[4] = {0};
        for (int rep = 0; rep < 3; rep++) {
            memset(counts, 0, sizeof counts);
            double t = run(ctx, n, setups[s], counts);
            if (t < 0) {
                fprintf(stderr, "abtest_bench: %s\n", mkt_ctx_last_error(ctx)->message);
                mkt_ctx_free(ctx);
                return 1;
            }
            best = t < best ? t : best;
        }
        printf("abtest assign (%s): %llu assignments in %.3f s = %.1f M/s, %.1f ns each "
               "(split %llu/%llu/%llu, outside %llu)\n", names[s], (unsigned long long)n, best,
               (double)n / best / 1e6, best / (double)n * 1e9, (unsigned long long)counts[1],
               (unsigned long long)counts[2], (unsigned long long)counts[3],
               (unsigned long long)counts[0]);
    }
    mkt_ctx_free(ctx);
    return 0;
}

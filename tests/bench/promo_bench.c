/* SPDX-License-Identifier: MIT */
/*
 * Promo codes on one core:
 * - generation: 10M distinct 8-character codes with a check character (target: <= 2 s), for
 *   the "alphanumeric" (36) and "unambiguous" (31) charsets, random bytes from getrandom(2);
 * - syntax check: mkt_promo_check() over the generated codes, repeated (target: >= 20M/s).
 * Best of three runs each. MKT_BENCH_CODES sets the count. Prints its figures; exit status 1
 * only if a call fails or a generated code does not pass the check, never because of timing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmarketing.h>

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall time, and the CPU time of this thread (user + system: getrandom runs in the kernel),
 * which stays meaningful on a machine shared with other jobs. */
typedef struct span {
    double wall, cpu;
} span;

static span now(void)
{
    return (span){clock_s(CLOCK_MONOTONIC), clock_s(CLOCK_THREAD_CPUTIME_ID)};
}

static void keep_best(span *best, span t0)
{
    span t1 = now();
    if (t1.wall - t0.wall < best->wall)
        best->wall = t1.wall - t0.wall;
    if (t1.cpu - t0.cpu < best->cpu)
        best->cpu = t1.cpu - t0.cpu;
}

static int bench_charset(mkt_ctx *ctx, const char *charset, uint64_t n)
{
    mkt_promo_options o = MKT_PROMO_OPTIONS_INIT;
    o.charset = charset;
    o.length = 8;
    o.check_char = 1;
    mkt_promo_format *f = NULL;
    if (mkt_promo_format_new(&f, ctx, &o) != MKT_OK)
        return -1;
    span best_gen = {1e9, 1e9}, best_check = {1e9, 1e9};
    char *codes = NULL;
    long invalid = 0;
    for (int run = 0; run < 3; run++) {
        mkt_free(codes);
        span t0 = now();
        if (mkt_promo_generate(ctx, f, n, NULL, &codes, NULL) != MKT_OK) {
            fprintf(stderr, "generate: %s\n", mkt_ctx_last_error(ctx)->message);
            return -1;
        }
        keep_best(&best_gen, t0);
    }
    size_t stride = 10; /* 8 + check + '\n' */
    for (int run = 0; run < 3; run++) {
        span t0 = now();
        for (uint64_t i = 0; i < n; i++) {
            mkt_promo_check_result r;
            mkt_promo_check(f, codes + i * stride, stride - 1, &r);
            invalid += !r.valid;
        }
        keep_best(&best_check, t0);
    }
    mkt_promo_entropy e;
    mkt_promo_entropy_get(f, n, &e);
    printf("%-13s generate %llu codes: %.3f s wall, %.3f s CPU; check: %.1f M codes/s wall, "
           "%.1f M/s CPU; %.1f bits/code, P(guess) = %.3g; invalid: %ld\n",
           charset, (unsigned long long)n, best_gen.wall, best_gen.cpu,
           (double)n / best_check.wall / 1e6, (double)n / best_check.cpu / 1e6, e.bits,
           e.guess_probability, invalid);
    mkt_free(codes);
    mkt_promo_format_free(f);
    return invalid == 0 ? 0 : -1;
}

int main(void)
{
    uint64_t n = 10000000;
    const char *env = getenv("MKT_BENCH_CODES");
    if (env != NULL && atoll(env) > 0)
        n = (uint64_t)atoll(env);
    mkt_ctx *ctx = NULL;
    if (mkt_ctx_new(&ctx, NULL, NULL) != MKT_OK)
        return 1;
    int rc = bench_charset(ctx, "alphanumeric", n);
    if (rc == 0)
        rc = bench_charset(ctx, "unambiguous", n);
    mkt_ctx_free(ctx);
    return rc == 0 ? 0 : 1;
}

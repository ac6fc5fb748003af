/* SPDX-License-Identifier: MIT */
/*
 * Time zones (lib/core/tz.c, tz-posix.c): TZif files from the system's zoneinfo, DST
 * transitions of Europe/Paris, America/New_York and Australia/Lord_Howe (a 30-minute DST),
 * a far-future date answered by the POSIX footer, the offset memo against fresh lookups, gaps
 * and folds, calendar arithmetic, and the errors (unknown zone, bad names, corrupt files).
 * Expected instants come from timegm() (libc, independent of the library) and the published
 * rules, worked out in the comments.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "failalloc.h"
#include "tz-private.h"

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = { 0 };
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return (int64_t)timegm(&tm);
}

/* A local civil time as "seconds since 1970-01-01 00:00 local" (same arithmetic as UTC). */
#define LOCAL utc

static mkt_ctx *ctx;
static mkt__tz_cache cache;

static void setup(void)
{
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    ck_assert_int_eq(mkt__tz_cache_init(&cache, ctx, NULL), MKT_OK);
}

static void teardown(void)
{
    mkt__tz_cache_free(&cache);
    mkt_ctx_free(ctx);
}

static const mkt__tz *zone(const char *name)
{
    const mkt__tz *z = NULL;
    ck_assert_msg(mkt__tz_get(&cache, name, &z) == MKT_OK, "%s: %s", name,
                  mkt_ctx_last_error(ctx)->message);
    return z;
}

START_TEST(paris_transitions)
{
    const mkt__tz *z = zone("Europe/Paris");
    /* EU rule: last Sunday of March 01:00 UTC (CET +1 -> CEST +2), last Sunday of October
     * 01:00 UTC back. 2025: March 30 and October 26. */
    ck_assert_int_eq(mkt__tz_offset(z, utc(2025, 3, 30, 0, 59, 59)), 3600);
    ck_assert_int_eq(mkt__tz_offset(z, utc(2025, 3, 30, 1, 0, 0)), 7200);
    ck_assert_int_eq(mkt__tz_offset(z, utc(2025, 10, 26, 0, 59, 59)), 7200);
    ck_assert_int_eq(mkt__tz_offset(z, utc(2025, 10, 26, 1, 0, 0)), 3600);
    /* Gap: 02:30 does not exist on March 30; moved forward by the hour: 03:30 CEST =
     * 01:30 UTC. The first instant at or after 02:30 local is the transition, 01:00 UTC. */
    ck_assert_int_eq(mkt__tz_local_to_utc(z, LOCAL(2025, 3, 30, 2, 30, 0)),
                     utc(2025, 3, 30, 1, 30, 0));
    /* Fold: 02:30 exists twice on October 26; the earlier is CEST: 00:30 UTC. */
    ck_assert_int_eq(mkt__tz_local_to_utc(z, LOCAL(2025, 10, 26, 2, 30, 0)),
                     utc(2025, 10, 26, 0, 30, 0));
    /* Ordinary times: noon in summer is 10:00 UTC, in winter 11:00 UTC. */
    ck_assert_int_eq(mkt__tz_local_to_utc(z, LOCAL(2025, 7, 14, 12, 0, 0)),
                     utc(2025, 7, 14, 10, 0, 0));
    ck_assert_int_eq(mkt__tz_local_to_utc(z, LOCAL(2025, 12, 25, 12, 0, 0)),
                     utc(2025, 12, 25, 11, 0, 0));
}
END_TEST

START_TEST(new_york_transitions)
{
    const mkt__tz *z = zone("America/New_York");
    /* US rule: second Sunday of March 02:00 EST (07:00 UTC) -> EDT; first Sunday of
     * November 02:00 EDT (06:00 UTC) -> EST. 2025: March 9 and November 2. */
    ck_assert_int_eq(mkt__tz_offset(z, utc(2025, 3, 9, 6, 59, 59)), -18000);
    ck_assert_int_eq(mkt__tz_offset(z, utc(2025, 3, 9, 7, 0, 0)), -14400);
    ck_assert_int_eq(mkt__tz_offset(z, utc(2025, 11, 2, 5, 59, 59)), -14400);
    ck_assert_int_eq(mkt__tz_offset(z, utc(2025, 11, 2, 6, 0, 0)), -18000);
    /* Gap 02:30 -> 03:30 EDT = 07:30 UTC; fold 01:30 -> the EDT one, 05:30 UTC. */
    ck_assert_int_eq(mkt__tz_local_to_utc(z, LOCAL(2025, 3, 9, 2, 30, 0)),
                     utc(2025, 3, 9, 7, 30, 0));
    ck_assert_int_eq(mkt__tz_local_to_utc(z, LOCAL(2025, 11, 2, 1, 30, 0)),
                     utc(2025, 11, 2, 5, 30, 0));
    /* 1970s: the table, not the footer (1974 had DST from January 6, the energy crisis). */
    ck_assert_int_eq(mkt__tz_offset(z, utc(1974, 2, 1, 12, 0, 0)), -14400);
}
END_TEST

START_TEST(lord_howe_half_hour)
{
    const mkt__tz *z = zone("Australia/Lord_Howe");
    /* +10:30 standard, +11 in summer. Starts first Sunday of October 02:00 standard
     * (2025-10-05 02:00 +10:30 = 2025-10-04 15:30 UTC); ends first Sunday of April 02:00
     * summer time (2025-04-06 02:00 +11 = 2025-04-05 15:00 UTC). */
    ck_assert_int_eq(mkt__tz_offset(z, utc(2025, 10, 4, 15, 29, 59)), 37800);
    ck_assert_int_eq(mkt__tz_offset(z, utc(2025, 10, 4, 15, 30, 0)), 39600);
    ck_assert_int_eq(mkt__tz_offset(z, utc(2025, 4, 5, 14, 59, 59)), 39600);
    ck_assert_int_eq(mkt__tz_offset(z, utc(2025, 4, 5, 15, 0, 0)), 37800);
    /* Gap of 30 minutes: 02:15 on October 5 becomes 02:45 (+11) = 15:45 UTC the day
     * before. Fold: 01:45 on April 6 exists twice; the earlier is +11: 14:45 UTC. */
    ck_assert_int_eq(mkt__tz_local_to_utc(z, LOCAL(2025, 10, 5, 2, 15, 0)),
                     utc(2025, 10, 4, 15, 45, 0));
    ck_assert_int_eq(mkt__tz_local_to_utc(z, LOCAL(2025, 4, 6, 1, 45, 0)),
                     utc(2025, 4, 5, 14, 45, 0));
}
END_TEST

START_TEST(far_future_footer)
{
    /* 2100 is past every table (they stop at 2037 at most): the footer rule answers.
     * Last Sunday of March 2100 is the 28th (the 31st is a Wednesday): Paris changes at
     * 01:00 UTC; New York's second Sunday of March 2100 is the 14th, at 07:00 UTC. */
    const mkt__tz *z = zone("Europe/Paris");
    ck_assert(z->has_footer);
    ck_assert_int_eq(mkt__tz_offset(z, utc(2100, 3, 28, 0, 59, 59)), 3600);
    ck_assert_int_eq(mkt__tz_offset(z, utc(2100, 3, 28, 1, 0, 0)), 7200);
    const mkt__tz *ny = zone("America/New_York");
    ck_assert_int_eq(mkt__tz_offset(ny, utc(2100, 3, 14, 6, 59, 59)), -18000);
    ck_assert_int_eq(mkt__tz_offset(ny, utc(2100, 3, 14, 7, 0, 0)), -14400);
    /* Southern hemisphere from the footer: Lord Howe in January 2100 is on summer time. */
    ck_assert_int_eq(mkt__tz_offset(zone("Australia/Lord_Howe"), utc(2100, 1, 15, 0, 0, 0)),
                     39600);
    ck_assert_int_eq(mkt__tz_local_to_utc(z, LOCAL(2100, 3, 28, 2, 30, 0)),
                     utc(2100, 3, 28, 1, 30, 0));
}
END_TEST

/* The offset of @f at @t with its memo cleared first: the table search or footer rule alone. */
static int32_t fresh_offset(const mkt__tz *f, int64_t t)
{
    mkt__tz *w = (mkt__tz *)(uintptr_t)f;
    w->memo_lo = w->memo_hi = 0;
    return mkt__tz_offset(f, t);
}

START_TEST(offset_memo_is_exact)
{
    /* A random walk through 1990..2150 (table and footer years; Lord Howe's DST spans the
     * new year) asks a zone that keeps its memo and a copy that forgets it before every
     * question. Wherever the offset changes between two steps, the exact transition T is
     * bisected on the copy and T - 1, T, T + 1 are asked too: a memo span one second off
     * at either end shows there. */
    static const char *const names[] = { "Europe/Paris", "America/New_York",
                                         "Australia/Lord_Howe" };
    mkt__tz_cache other;
    ck_assert_int_eq(mkt__tz_cache_init(&other, ctx, NULL), MKT_OK);
    long asked = 0, wrong = 0;
    uint64_t x = 88172645463325252u;
    for (int n = 0; n < 3; n++) {
        const mkt__tz *z = zone(names[n]), *f = NULL;
        ck_assert_int_eq(mkt__tz_get(&other, names[n], &f), MKT_OK);
        int64_t t = utc(1990, 1, 1, 0, 0, 0), end = utc(2150, 1, 1, 0, 0, 0);
        int32_t prev = fresh_offset(f, t);
        while (t < end) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
            int64_t step = (int64_t)(x % (30 * 86400)) - 5 * 86400; /* mostly forward */
            int64_t u = t + step;
            int32_t off = fresh_offset(f, u);
            wrong += mkt__tz_offset(z, u) != off;
            asked++;
            if (off != prev) { /* bisect the transition between t and u on the copy */
                int64_t lo = t < u ? t : u, hi = t < u ? u : t;
                int32_t at_lo = fresh_offset(f, lo);
                while (hi - lo > 1) {
                    int64_t mid = lo + (hi - lo) / 2;
                    *(fresh_offset(f, mid) == at_lo ? &lo : &hi) = mid;
                }
                for (int64_t k = hi - 1; k <= hi + 1; k++, asked++)
                    wrong += mkt__tz_offset(z, k) != fresh_offset(f, k);
            }
            t = u;
            prev = off;
        }
    }
    mkt__tz_cache_free(&other);
    ck_assert_int_eq(wrong, 0);
    ck_assert_int_gt(asked, 4000); /* 160 years at ~12.5 days a step, three zones */
}
END_TEST

START_TEST(utc_and_cache)
{
    const mkt__tz *u = zone("UTC");
    ck_assert_int_eq(mkt__tz_offset(u, utc(2030, 6, 1, 0, 0, 0)), 0);
    ck_assert_ptr_eq(zone("UTC"), u); /* cached: the same object */
    const mkt__tz *p = zone("Europe/Paris");
    ck_assert_ptr_eq(zone("UTC"), u);
    ck_assert_ptr_eq(zone("Europe/Paris"), p);
    ck_assert_int_eq(cache.count, 2);
}
END_TEST

START_TEST(errors)
{
    const mkt__tz *z;
    ck_assert_int_eq(mkt__tz_get(&cache, "Mars/Olympus_Mons", &z), MKT_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "unknown time zone"));
    ck_assert_int_eq(mkt__tz_get(&cache, "../../etc/passwd", &z), MKT_EINVAL);
    ck_assert_int_eq(mkt__tz_get(&cache, "/etc/passwd", &z), MKT_EINVAL);
    ck_assert_int_eq(mkt__tz_get(&cache, "", &z), MKT_EINVAL);
    ck_assert_int_eq(mkt__tz_get(&cache, "Europe//Paris", &z), MKT_EINVAL);
    /* A directory is not a zone. */
    int rc = mkt__tz_get(&cache, "Europe", &z);
    ck_assert(rc == MKT_EIO || rc == MKT_EPARSE);
    /* Corrupt images. */
    mkt__tz *t;
    const unsigned char junk[60] = "TZif2";
    ck_assert_int_eq(mkt__tz_parse(ctx, "junk", junk, 10, &t), MKT_EPARSE);
    ck_assert_int_eq(mkt__tz_parse(ctx, "junk", junk, sizeof junk, &t), MKT_EPARSE);
    ck_assert_ptr_null(t);
    unsigned char notz[60] = "NOPE";
    ck_assert_int_eq(mkt__tz_parse(ctx, "nope", notz, sizeof notz, &t), MKT_EPARSE);
}
END_TEST

/* Read a real file, damage it in several ways, and expect clean errors (never a crash). */
START_TEST(truncated_files)
{
    FILE *f = fopen("/usr/share/zoneinfo/Europe/Paris", "rb");
    ck_assert_ptr_nonnull(f);
    static unsigned char buf[8192];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    mkt__tz *t;
    ck_assert_int_eq(mkt__tz_parse(ctx, "Paris", buf, n, &t), MKT_OK);
    mkt__tz_free(ctx, t);
    size_t footer = n - 1;
    while (buf[footer - 1] != '\n')
        footer--;
    footer--; /* the footer's first newline: cutting there leaves a valid file */
    for (size_t cut = 0; cut < n - 1; cut += 7) {
        int rc = mkt__tz_parse(ctx, "Paris", buf, cut, &t);
        ck_assert_int_eq(rc, cut == footer ? MKT_OK : MKT_EPARSE);
        if (rc == MKT_OK)
            mkt__tz_free(ctx, t);
    }
    buf[n - 3] = '!'; /* the footer's rule */
    ck_assert_int_eq(mkt__tz_parse(ctx, "Paris", buf, n, &t), MKT_EPARSE);
}
END_TEST

START_TEST(posix_strings)
{
    struct mkt__tz_posix p;
    ck_assert_int_eq(mkt__tz_parse_posix("CET-1CEST,M3.5.0,M10.5.0/3", 26, &p), MKT_OK);
    ck_assert_int_eq(p.std_off, 3600);
    ck_assert_int_eq(p.dst_off, 7200);
    ck_assert_int_eq(p.end.secs, 3 * 3600);
    const char *lh = "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0";
    ck_assert_int_eq(mkt__tz_parse_posix(lh, strlen(lh), &p), MKT_OK);
    ck_assert_int_eq(p.std_off, 37800);
    ck_assert_int_eq(p.dst_off, 39600);
    ck_assert_int_eq(mkt__tz_parse_posix("EST5", 4, &p), MKT_OK);
    ck_assert_int_eq(p.std_off, -18000);
    ck_assert(!p.has_dst);
    /* RFC 8536 extension: hours beyond 24 in a rule time; Julian days. */
    const char *ext = "EST5EDT,0/0,J365/25";
    ck_assert_int_eq(mkt__tz_parse_posix(ext, strlen(ext), &p), MKT_OK);
    ck_assert_int_eq(p.end.secs, 25 * 3600);
    const char *bad[] = { "", "C-1", "CET", "CET-1CEST,M13.1.0,M10.5.0", "CET-1CEST,M3.5.0",
                          "<+1030-10:30", "CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,M3.0.0,J1x" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(mkt__tz_parse_posix(bad[i], strlen(bad[i]), &p) == MKT_EPARSE, "%s",
                      bad[i]);
}
END_TEST

START_TEST(calendar)
{
    /* 1970-01-01 is day 0, a Thursday (index 3 with Monday = 0); 2000-02-29 is day 11016
     * (30 years * 365 + 7 leap days = 10957 to 2000-01-01, + 31 + 28 = 11016). */
    ck_assert_int_eq(mkt__days_from_civil(1970, 1, 1), 0);
    ck_assert_int_eq(mkt__weekday(0), 3);
    ck_assert_int_eq(mkt__days_from_civil(2000, 2, 29), 11016);
    ck_assert_int_eq(mkt__weekday(-3), 0); /* 1969-12-29, a Monday */
    ck_assert_int_eq(mkt__weekday(-4), 6);
    for (int64_t d = -800000; d < 800000; d += 997) {
        int64_t y;
        int m, dd;
        mkt__civil_from_days(d, &y, &m, &dd);
        if (mkt__days_from_civil(y, m, dd) != d)
            ck_abort_msg("round trip of day %lld", (long long)d);
    }
    ck_assert_int_eq(mkt__floor_div(-1, 86400), -1);
    ck_assert_int_eq(mkt__floor_div(86399, 86400), 0);
}
END_TEST

static int load_zones(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *c;
    int rc = mkt_ctx_new(&c, &fa->host, NULL);
    if (rc)
        return rc;
    mkt__tz_cache tc;
    rc = mkt__tz_cache_init(&tc, c, NULL);
    const mkt__tz *z;
    if (rc == MKT_OK) {
        const char *names[] = { "Europe/Paris", "UTC", "America/New_York", "Asia/Tokyo",
                                "Europe/Berlin", "Europe/Rome", "Europe/Madrid", "Europe/London",
                                "Asia/Kolkata", "Europe/Paris" };
        for (size_t i = 0; rc == MKT_OK && i < sizeof names / sizeof names[0]; i++)
            rc = mkt__tz_get(&tc, names[i], &z);
        mkt__tz_cache_free(&tc);
    }
    mkt_ctx_free(c);
    return rc;
}

START_TEST(allocation_failures)
{
    ck_assert_int_gt(failalloc_run(load_zones, NULL), 10);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tz");
    TCase *tc = tcase_create("tz");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, paris_transitions);
    tcase_add_test(tc, new_york_transitions);
    tcase_add_test(tc, lord_howe_half_hour);
    tcase_add_test(tc, far_future_footer);
    tcase_add_test(tc, offset_memo_is_exact);
    tcase_add_test(tc, utc_and_cache);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, truncated_files);
    tcase_add_test(tc, posix_strings);
    tcase_add_test(tc, calendar);
    tcase_add_test(tc, allocation_failures);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

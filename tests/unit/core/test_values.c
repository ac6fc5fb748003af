/* SPDX-License-Identifier: MIT */
/*
 * Tests of dates, timestamps and money (values.h). Reference day numbers and timestamps come
 * from Python's datetime (computed once, written here), and a full walk over years 1..9999
 * checks the conversions against an independent day-by-day calendar.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core-private.h"
#include "libmarketing.h"

#define S(lit) lit, sizeof(lit) - 1

START_TEST(date_reference_values)
{
    static const struct { int32_t y, m, d; mkt_date days; } ref[] = {
        { 1, 1, 1, -719162 },       { 1900, 2, 28, -25509 }, { 1900, 3, 1, -25508 },
        { 2000, 2, 29, 11016 },     { 2000, 3, 1, 11017 },   { 2024, 2, 29, 19782 },
        { 9999, 12, 31, 2932896 },  { 1969, 12, 31, -1 },    { 1970, 1, 1, 0 },
        { 1600, 2, 29, -135081 },
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        mkt_date d = 12345;
        ck_assert_int_eq(mkt_date_from_ymd(&d, ref[i].y, ref[i].m, ref[i].d), MKT_OK);
        ck_assert_int_eq(d, ref[i].days);
        int32_t y, m, dd;
        mkt_date_to_ymd(ref[i].days, &y, &m, &dd);
        ck_assert_int_eq(y, ref[i].y);
        ck_assert_int_eq(m, ref[i].m);
        ck_assert_int_eq(dd, ref[i].d);
    }
    mkt_date_to_ymd(0, NULL, NULL, NULL); /* all outputs optional */
}
END_TEST

START_TEST(date_invalid_ymd)
{
    mkt_date d = 77;
    ck_assert_int_eq(mkt_date_from_ymd(NULL, 2000, 1, 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_date_from_ymd(&d, 1900, 2, 29), MKT_ERANGE); /* not leap */
    ck_assert_int_eq(mkt_date_from_ymd(&d, 2100, 2, 29), MKT_ERANGE);
    ck_assert_int_eq(mkt_date_from_ymd(&d, 2023, 2, 29), MKT_ERANGE);
    ck_assert_int_eq(mkt_date_from_ymd(&d, 2023, 4, 31), MKT_ERANGE);
    ck_assert_int_eq(mkt_date_from_ymd(&d, 2023, 13, 1), MKT_ERANGE);
    ck_assert_int_eq(mkt_date_from_ymd(&d, 2023, 0, 1), MKT_ERANGE);
    ck_assert_int_eq(mkt_date_from_ymd(&d, 2023, 1, 0), MKT_ERANGE);
    ck_assert_int_eq(mkt_date_from_ymd(&d, 0, 1, 1), MKT_ERANGE);
    ck_assert_int_eq(mkt_date_from_ymd(&d, 10000, 1, 1), MKT_ERANGE);
    ck_assert_int_eq(mkt_date_from_ymd(&d, INT32_MIN, INT32_MIN, INT32_MIN), MKT_ERANGE);
    ck_assert_int_eq(d, 77); /* untouched on failure */
}
END_TEST

/* Independent calendar: step one day at a time with the textbook rules. */
START_TEST(date_walk_all_days)
{
    static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    mkt_date expect = -719162;
    char buf[MKT_DATE_BUFSZ], want[MKT_DATE_BUFSZ + 8];
    for (int y = 1; y <= 9999; y++) {
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for (int m = 1; m <= 12; m++) {
            int n = dim[m - 1] + (m == 2 && leap);
            for (int d = 1; d <= n; d++, expect++) {
                /* plain checks in the hot loop: every ck_assert costs a pipe write */
                mkt_date got = 0;
                int32_t yy = 0, mm = 0, dd = 0;
                int rc = mkt_date_from_ymd(&got, y, m, d);
                mkt_date_to_ymd(expect, &yy, &mm, &dd);
                if (rc != MKT_OK || got != expect || yy != y || mm != m || dd != d)
                    ck_abort_msg("%04d-%02d-%02d: rc %d, days %d (want %d), back %d-%d-%d", y,
                                 m, d, rc, got, expect, yy, mm, dd);
                /* every day through the parser too (its own day count for 4-digit years) */
                char text[10] = {(char)('0' + y / 1000), (char)('0' + y / 100 % 10),
                                 (char)('0' + y / 10 % 10), (char)('0' + y % 10), '-',
                                 (char)('0' + m / 10), (char)('0' + m % 10), '-',
                                 (char)('0' + d / 10), (char)('0' + d % 10)};
                mkt_date parsed = 0;
                if (mkt_date_parse(&parsed, text, 10) != MKT_OK || parsed != expect)
                    ck_abort_msg("parse %.10s: %d (want %d)", text, parsed, expect);
                if (d == 1 || d == n) { /* format/parse round trip at month edges */
                    mkt_date back = 0;
                    snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
                    if (mkt_date_format(got, buf, sizeof buf) != MKT_OK ||
                        strcmp(buf, want) != 0 ||
                        mkt_date_parse(&back, buf, strlen(buf)) != MKT_OK || back != got)
                        ck_abort_msg("round trip of %s: '%s' -> %d", want, buf, back);
                }
            }
            mkt_date bad;
            if (mkt_date_from_ymd(&bad, y, m, n + 1) != MKT_ERANGE)
                ck_abort_msg("%04d-%02d-%02d accepted", y, m, n + 1);
        }
    }
    ck_assert_int_eq(expect, 2932897);
}
END_TEST

START_TEST(date_parse_strict)
{
    mkt_date d = 5;
    ck_assert_int_eq(mkt_date_parse(&d, S("2024-02-29")), MKT_OK);
    ck_assert_int_eq(d, 19782);
    const char *bad[] = { "2023-02-29", "2024-2-29",  "2024-02-29 ", " 2024-02-29", "24-02-29",
                          "2024/02/29", "2024-02-2x", "0000-01-01", "2024-00-10", "2024-13-01",
                          "+024-01-01", "2024-01-00", "",           "2024-01-32", "2024-01-1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        d = 5;
        ck_assert_msg(mkt_date_parse(&d, bad[i], strlen(bad[i])) == MKT_EPARSE, "%s", bad[i]);
        ck_assert_int_eq(d, 5);
    }
    /* only len bytes are read: a valid prefix of a longer string */
    ck_assert_int_eq(mkt_date_parse(&d, "2024-01-15junk", 10), MKT_OK);
    ck_assert_int_eq(mkt_date_parse(NULL, S("2024-01-15")), MKT_EINVAL);
    ck_assert_int_eq(mkt_date_parse(&d, NULL, 10), MKT_EINVAL);
}
END_TEST

/* The reference the parser must agree with: digits and dashes where "YYYY-MM-DD" has them,
 * then a real date of years 1..9999 (mkt_date_from_ymd() checks the calendar). */
static int reference_date(const char *s, mkt_date *out)
{
    int v[3] = {0, 0, 0};
    for (int i = 0, f = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return MKT_EPARSE;
            f++;
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            return MKT_EPARSE;
        v[f] = v[f] * 10 + (s[i] - '0');
    }
    return mkt_date_from_ymd(out, v[0], v[1], v[2]) == MKT_OK ? MKT_OK : MKT_EPARSE;
}

/* The parser checks eight bytes at a time: random valid dates with one or two bytes changed
 * to anything (every byte value, so digits next to '/', ':', 0x80 or 0xff are met) must give
 * what the byte-by-byte reference gives. */
START_TEST(date_parse_matches_reference)
{
    uint64_t x = 0x9e3779b97f4a7c15u;
    int mismatches = 0, valid = 0;
    char first_bad[11] = "";
    for (int n = 0; n < 300000; n++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        char s[16];
        snprintf(s, sizeof s, "%04u-%02u-%02u", (unsigned)(x % 10000), (unsigned)(x >> 16) % 14,
                 (unsigned)(x >> 24) % 33);
        for (unsigned k = 0; k < (unsigned)(x >> 40) % 3; k++)
            s[(x >> (44 + 8 * k)) % 10] = (char)(x >> (48 + 4 * k));
        mkt_date got = 0, want = 0;
        int rc = mkt_date_parse(&got, s, 10), wrc = reference_date(s, &want);
        valid += wrc == MKT_OK;
        if (rc != wrc || (rc == MKT_OK && got != want)) {
            if (!mismatches++)
                memcpy(first_bad, s, 10);
        }
    }
    /* (one check after the loop: valgrind runs this too) */
    ck_assert_msg(mismatches == 0, "%d mismatches, first \"%s\"", mismatches, first_bad);
    ck_assert_int_gt(valid, 50000); /* both outcomes are well represented */
}
END_TEST

/* Dates through one month memo, as a loader parses a column: runs in one month (valid days,
 * days past the month's end, Feb 29 in leap and common years, junk in the day or elsewhere)
 * give exactly what mkt_date_parse() gives. */
START_TEST(date_parse_memo_matches)
{
    struct mkt__month_memo memo = {0, 0, 0};
    uint64_t x = 0x243f6a8885a308d3u;
    int mismatches = 0, hits = 0;
    char first_bad[11] = "";
    static const unsigned years[] = {1999, 2000, 2023, 2024, 2100, 1, 9999};
    unsigned y = 2024, m = 2;
    for (int n = 0; n < 200000; n++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        if (x % 8 == 0) { /* a new month now and then; otherwise a run in this one */
            y = years[(x >> 8) % 7];
            m = (unsigned)(x >> 16) % 14; /* 0 and 13: no month */
        }
        char s[32];
        snprintf(s, sizeof s, "%04u-%02u-%02u", y % 10000, m % 100, (unsigned)(x >> 24) % 33);
        if ((x >> 40) % 16 == 0)
            s[(x >> 44) % 10] = (char)(x >> 50); /* junk anywhere */
        size_t len = (x >> 58) % 32 == 0 ? 9 : 10;
        mkt_date want = 0;
        int64_t got = 0;
        int wok = mkt_date_parse(&want, s, len) == MKT_OK;
        int ok = mkt__date_parse_memo(&memo, s, len, &got);
        hits += ok;
        if (ok != wok || (ok && got != want)) {
            if (!mismatches++)
                memcpy(first_bad, s, 10);
        }
    }
    ck_assert_msg(mismatches == 0, "%d mismatches, first \"%s\"", mismatches, first_bad);
    ck_assert_int_gt(hits, 100000);
}
END_TEST

START_TEST(date_format_edges)
{
    char buf[MKT_DATE_BUFSZ];
    ck_assert_int_eq(mkt_date_format(0, NULL, 16), MKT_EINVAL);
    ck_assert_int_eq(mkt_date_format(0, buf, MKT_DATE_BUFSZ - 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_date_format(-1, buf, sizeof buf), MKT_OK);
    ck_assert_str_eq(buf, "1969-12-31");
    /* dates outside 1..9999 still format (never truncated) */
    ck_assert_int_eq(mkt_date_format(INT32_MIN, buf, sizeof buf), MKT_OK);
    ck_assert_str_eq(buf, "-5877641-06-23");
    ck_assert_int_eq(mkt_date_format(INT32_MAX, buf, sizeof buf), MKT_OK);
    ck_assert_str_eq(buf, "5881580-07-11");
    ck_assert_int_eq(mkt_date_format(-719163, buf, sizeof buf), MKT_OK);
    ck_assert_str_eq(buf, "0000-12-31");
}
END_TEST

static mkt_date ymd(int y, int m, int d)
{
    mkt_date out;
    ck_assert_int_eq(mkt_date_from_ymd(&out, y, m, d), MKT_OK);
    return out;
}

START_TEST(date_add_months)
{
    mkt_date d;
    ck_assert_int_eq(mkt_date_add_months(&d, ymd(2024, 1, 31), 1), MKT_OK);
    ck_assert_int_eq(d, ymd(2024, 2, 29));
    ck_assert_int_eq(mkt_date_add_months(&d, ymd(2023, 1, 31), 1), MKT_OK);
    ck_assert_int_eq(d, ymd(2023, 2, 28));
    ck_assert_int_eq(mkt_date_add_months(&d, ymd(2024, 3, 31), -1), MKT_OK);
    ck_assert_int_eq(d, ymd(2024, 2, 29));
    ck_assert_int_eq(mkt_date_add_months(&d, ymd(2024, 5, 31), 1), MKT_OK);
    ck_assert_int_eq(d, ymd(2024, 6, 30));
    ck_assert_int_eq(mkt_date_add_months(&d, ymd(2024, 1, 15), 0), MKT_OK);
    ck_assert_int_eq(d, ymd(2024, 1, 15));
    ck_assert_int_eq(mkt_date_add_months(&d, ymd(2024, 1, 15), -13), MKT_OK);
    ck_assert_int_eq(d, ymd(2022, 12, 15));
    ck_assert_int_eq(mkt_date_add_months(&d, ymd(2024, 12, 15), 1), MKT_OK);
    ck_assert_int_eq(d, ymd(2025, 1, 15));
    ck_assert_int_eq(mkt_date_add_months(&d, ymd(2000, 2, 29), 12 * 100), MKT_OK);
    ck_assert_int_eq(d, ymd(2100, 2, 28));
    ck_assert_int_eq(mkt_date_add_months(&d, ymd(1, 1, 1), 9999 * 12 - 1), MKT_OK);
    ck_assert_int_eq(d, ymd(9999, 12, 1));
    ck_assert_int_eq(mkt_date_add_months(&d, ymd(9999, 12, 31), 1), MKT_ERANGE);
    ck_assert_int_eq(mkt_date_add_months(&d, ymd(1, 1, 1), -1), MKT_ERANGE);
    ck_assert_int_eq(mkt_date_add_months(&d, ymd(2024, 1, 1), INT32_MAX), MKT_ERANGE);
    ck_assert_int_eq(mkt_date_add_months(&d, ymd(2024, 1, 1), INT32_MIN), MKT_ERANGE);
    ck_assert_int_eq(mkt_date_add_months(&d, INT32_MAX, 0), MKT_ERANGE);
    ck_assert_int_eq(mkt_date_add_months(NULL, 0, 1), MKT_EINVAL);
}
END_TEST

START_TEST(time_parse_forms)
{
    static const struct { const char *text; mkt_time want; } ok[] = {
        { "1970-01-01T00:00:00Z", 0 },
        { "2024-03-10T01:02:03+05:30", 1710012723 },
        { "2024-03-10 01:02:03+05:30", 1710012723 },
        { "2024-03-10t01:02:03.999999+05:30", 1710012723 },
        { "1969-12-31T23:59:59-08:00", 28799 },
        { "9999-12-31T23:59:59Z", INT64_C(253402300799) },
        { "9999-12-31T23:59:59.5z", INT64_C(253402300799) },
        { "0001-01-01T00:00:00Z", INT64_C(-62135596800) },
        { "0001-01-01", INT64_C(-62135596800) },
        { "1969-12-31T23:59:59", -1 },
        { "1969-12-31T23:59:59.9", -1 }, /* fraction truncated, not rounded */
        { "2000-02-29T12:00:00-00:00", 951825600 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        mkt_time t = 42;
        ck_assert_msg(mkt_time_parse(&t, ok[i].text, strlen(ok[i].text)) == MKT_OK, "%s",
                      ok[i].text);
        ck_assert_msg(t == ok[i].want, "%s: got %lld", ok[i].text, (long long)t);
    }
}
END_TEST

START_TEST(time_parse_bad)
{
    const char *bad[] = {
        "2024-03-10T24:00:00Z", "2024-03-10T23:60:00Z", "2024-03-10T23:59:60Z",
        "2024-03-10T1:02:03Z",  "2024-03-10T01:02Z",    "2024-03-10X01:02:03Z",
        "2024-03-10T01:02:03.", "2024-03-10T01:02:03.Z", "2024-03-10T01:02:03+5:30",
        "2024-03-10T01:02:03+0530", "2024-03-10T01:02:03+05", "2024-03-10T01:02:03+24:00",
        "2024-03-10T01:02:03+05:60", "2024-03-10T01:02:03ZZ", "2024-03-10T01:02:03 ",
        "2024-02-30T00:00:00Z", "2024-03-10T", "2024-03-10Z", "", "2024-03-1",
        "2024-03-10T01:02:03Z+", "2024-03-10T01:02:03.12a",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mkt_time t = 42;
        ck_assert_msg(mkt_time_parse(&t, bad[i], strlen(bad[i])) == MKT_EPARSE, "%s", bad[i]);
        ck_assert_int_eq(t, 42);
    }
    mkt_time t;
    ck_assert_int_eq(mkt_time_parse(NULL, S("2024-03-10")), MKT_EINVAL);
    ck_assert_int_eq(mkt_time_parse(&t, NULL, 3), MKT_EINVAL);
}
END_TEST

START_TEST(time_format_and_date)
{
    char buf[MKT_TIME_BUFSZ];
    ck_assert_int_eq(mkt_time_format(0, buf, sizeof buf), MKT_OK);
    ck_assert_str_eq(buf, "1970-01-01T00:00:00Z");
    ck_assert_int_eq(mkt_time_format(-1, buf, sizeof buf), MKT_OK);
    ck_assert_str_eq(buf, "1969-12-31T23:59:59Z");
    ck_assert_int_eq(mkt_time_format(1710012723, buf, sizeof buf), MKT_OK);
    ck_assert_str_eq(buf, "2024-03-09T19:32:03Z");
    ck_assert_int_eq(mkt_time_format(INT64_C(253402300799), buf, sizeof buf), MKT_OK);
    ck_assert_str_eq(buf, "9999-12-31T23:59:59Z");
    ck_assert_int_eq(mkt_time_format(INT64_C(253402300800), buf, sizeof buf), MKT_ERANGE);
    ck_assert_int_eq(mkt_time_format(INT64_C(-62135596801), buf, sizeof buf), MKT_ERANGE);
    ck_assert_int_eq(mkt_time_format(INT64_MIN, buf, sizeof buf), MKT_ERANGE);
    ck_assert_int_eq(mkt_time_format(INT64_MAX, buf, sizeof buf), MKT_ERANGE);
    ck_assert_int_eq(mkt_time_format(0, buf, MKT_TIME_BUFSZ - 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_time_format(0, NULL, 64), MKT_EINVAL);
    /* round trip over a spread of instants */
    for (int64_t t = INT64_C(-62135596800); t < INT64_C(253402300799); t += 7777777) {
        mkt_time back = 0;
        if (mkt_time_format(t, buf, sizeof buf) != MKT_OK ||
            mkt_time_parse(&back, buf, strlen(buf)) != MKT_OK || back != t)
            ck_abort_msg("round trip of %lld: '%s' -> %lld", (long long)t, buf,
                         (long long)back);
    }
    ck_assert_int_eq(mkt_time_to_date(0), 0);
    ck_assert_int_eq(mkt_time_to_date(86399), 0);
    ck_assert_int_eq(mkt_time_to_date(86400), 1);
    ck_assert_int_eq(mkt_time_to_date(-1), -1);
    ck_assert_int_eq(mkt_time_to_date(-86400), -1);
    ck_assert_int_eq(mkt_time_to_date(-86401), -2);
    ck_assert_int_eq(mkt_time_to_date(INT64_MAX), INT32_MAX);
    ck_assert_int_eq(mkt_time_to_date(INT64_MIN), INT32_MIN);
}
END_TEST

START_TEST(money_parse)
{
    static const struct { const char *text; int32_t dec; int64_t want; } ok[] = {
        { "1234", 2, 123400 },   { "-12.5", 2, -1250 },  { "0.07", 2, 7 },
        { "+3.10", 2, 310 },     { "12.500", 2, 1250 },  { "-0", 2, 0 },
        { "7", 0, 7 },           { "1.000000000", 9, 1000000000 },
        { "92233720368547758.07", 2, INT64_MAX },
        { "-92233720368547758.08", 2, INT64_MIN },
        { "9223372036854775807", 0, INT64_MAX },
        { "-9223372036854775808", 0, INT64_MIN },
        { "0000000000000000000000012.34", 2, 1234 },
        /* where the one-pass path (at most 18 digits once scaled) hands over to the checked
         * one: 16 + 2 digits, 9 + 9, fewer decimals than allowed, leading zeros */
        { "9999999999999999.99", 2, 999999999999999999 }, { "123456789.5", 9, 123456789500000000 },
        { "12", 9, 12000000000 },  { "1.5", 2, 150 },       { "071.58", 2, 7158 },
        { "92233720368547758", 2, 9223372036854775800 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t v = 42;
        ck_assert_msg(mkt_money_parse(&v, ok[i].text, strlen(ok[i].text), ok[i].dec) == MKT_OK,
                      "%s", ok[i].text);
        ck_assert_msg(v == ok[i].want, "%s: %lld", ok[i].text, (long long)v);
    }
    static const struct { const char *text; int32_t dec; int rc; } bad[] = {
        { "", 2, MKT_EPARSE },       { "-", 2, MKT_EPARSE },       { "1.", 2, MKT_EPARSE },
        { ".5", 2, MKT_EPARSE },     { "1.234", 2, MKT_EPARSE },   { "1e3", 2, MKT_EPARSE },
        { "1,000", 2, MKT_EPARSE },  { " 1", 2, MKT_EPARSE },      { "1 ", 2, MKT_EPARSE },
        { "--1", 2, MKT_EPARSE },    { "1.5", 0, MKT_EPARSE },     { "0x10", 2, MKT_EPARSE },
        { "92233720368547758.08", 2, MKT_ERANGE },
        { "-92233720368547758.09", 2, MKT_ERANGE },
        { "9223372036854775808", 0, MKT_ERANGE },
        { "99999999999999999999999", 2, MKT_ERANGE },
        { "99999999999999999.99", 2, MKT_ERANGE }, /* 19 digits: the checked path */
        { "1.5.", 2, MKT_EPARSE },   { "1.5-", 2, MKT_EPARSE },
        { "1", 10, MKT_EINVAL },     { "1", -1, MKT_EINVAL },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v = 42;
        int rc = mkt_money_parse(&v, bad[i].text, strlen(bad[i].text), bad[i].dec);
        ck_assert_msg(rc == bad[i].rc, "%s: got %d want %d", bad[i].text, rc, bad[i].rc);
        ck_assert_int_eq(v, 42);
    }
    int64_t v;
    ck_assert_int_eq(mkt_money_parse(NULL, S("1"), 2), MKT_EINVAL);
    ck_assert_int_eq(mkt_money_parse(&v, NULL, 1, 2), MKT_EINVAL);
}
END_TEST

START_TEST(money_format)
{
    char buf[MKT_MONEY_BUFSZ];
    static const struct { int64_t v; int32_t dec; const char *want; } cases[] = {
        { -1250, 2, "-12.50" }, { 7, 2, "0.07" },   { 0, 2, "0.00" }, { -7, 2, "-0.07" },
        { 123, 0, "123" },      { -5, 0, "-5" },    { 5, 9, "0.000000005" },
        { INT64_MAX, 2, "92233720368547758.07" },   { INT64_MIN, 2, "-92233720368547758.08" },
        { INT64_MIN, 0, "-9223372036854775808" },   { INT64_MIN, 9, "-9223372036.854775808" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(mkt_money_format(cases[i].v, cases[i].dec, buf, sizeof buf), MKT_OK);
        ck_assert_str_eq(buf, cases[i].want);
        int64_t back;
        ck_assert_int_eq(mkt_money_parse(&back, buf, strlen(buf), cases[i].dec), MKT_OK);
        ck_assert_int_eq(back, cases[i].v);
    }
    ck_assert_int_eq(mkt_money_format(1, 10, buf, sizeof buf), MKT_EINVAL);
    ck_assert_int_eq(mkt_money_format(1, -1, buf, sizeof buf), MKT_EINVAL);
    ck_assert_int_eq(mkt_money_format(1, 2, buf, MKT_MONEY_BUFSZ - 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_money_format(1, 2, NULL, 64), MKT_EINVAL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("values");
    TCase *tc = tcase_create("values");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, date_reference_values);
    tcase_add_test(tc, date_invalid_ymd);
    tcase_add_test(tc, date_walk_all_days);
    tcase_add_test(tc, date_parse_memo_matches);
    tcase_add_test(tc, date_parse_strict);
    tcase_add_test(tc, date_parse_matches_reference);
    tcase_add_test(tc, date_format_edges);
    tcase_add_test(tc, date_add_months);
    tcase_add_test(tc, time_parse_forms);
    tcase_add_test(tc, time_parse_bad);
    tcase_add_test(tc, time_format_and_date);
    tcase_add_test(tc, money_parse);
    tcase_add_test(tc, money_format);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

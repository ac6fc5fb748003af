/* SPDX-License-Identifier: MIT */
/*
 * Dates, timestamps and money (include/libmarketing/values.h). Calendar conversions use the
 * days-from-civil / civil-from-days algorithms (proleptic Gregorian, valid for any int64 day
 * count), so there is no table and no libc time zone involvement. Parsers are strict: the
 * whole text must match, with no surrounding space, because loaders report anything else as a
 * data error rather than guessing. Money is exact integer arithmetic with overflow checks.
 */
#include <stdio.h>
#include <string.h>

#include "core-private.h"
#include "libmarketing/values.h"
#include "tz-private.h"
#include "util.h"

#define SECS_PER_DAY INT64_C(86400)

/* ---- calendar ------------------------------------------------------------------------------ */

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const unsigned char dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Howard Hinnant's days_from_civil / civil_from_days (declared in tz-private.h: time zones,
 * journeys and consent use them too). */
int64_t mkt__days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = mkt__floor_div(y, 400);
    int64_t yoe = y - era * 400;                                  /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void mkt__civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = mkt__floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int valid_ymd(int64_t y, int64_t m, int64_t d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, (int)m);
}

MKT_EXPORT int mkt_date_from_ymd(mkt_date *out, int32_t year, int32_t month, int32_t day)
{
    if (out == NULL)
        return MKT_EINVAL;
    if (!valid_ymd(year, month, day))
        return MKT_ERANGE;
    *out = (mkt_date)mkt__days_from_civil(year, month, day);
    return MKT_OK;
}

MKT_EXPORT void mkt_date_to_ymd(mkt_date date, int32_t *year, int32_t *month, int32_t *day)
{
    int64_t y;
    int m, d;
    mkt__civil_from_days(date, &y, &m, &d);
    if (year)
        *year = (int32_t)y; /* |y| < 6e6 for any int32 day count */
    if (month)
        *month = m;
    if (day)
        *day = d;
}

/* @n ASCII digits at @s into *v; 0 if any is not a digit. */
static int digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 1;
}

#define BYTES(x) (UINT64_C(0x0101010101010101) * (x))

/* mkt__days_from_civil() for a valid date of a four-digit year (1..9999): unsigned arithmetic
 * and a table of month starts, about half the instructions, for the loaders' two dates per
 * booking. */
static int64_t days_from_ymd4(int y, int m, int d)
{
    static const uint16_t month_start[12] = {0,   31,  59,  90,  120, 151,
                                             181, 212, 243, 273, 304, 334};
    unsigned p = (unsigned)y - 1; /* full years before y */
    int64_t leap_days = (int64_t)(p / 4 - p / 100 + p / 400) - 477; /* 477 before 1970 */
    int64_t doy = month_start[m - 1] + (m > 2 && is_leap(y)) + d - 1;
    return ((int64_t)y - 1970) * 365 + leap_days + doy;
}

/* "YYYY-MM-DD" at @s (10 bytes available) into its parts. Loaders parse two dates per
 * booking, so "YYYY-MM-" is checked eight bytes at a time: the dashes become '0', then every
 * byte is a digit exactly when neither b - '0' nor b + ('~' - '9') sets its top bit (a byte
 * outside the digits sets one of them; a borrow or carry between bytes only follows a byte
 * that failed). */
static int parse_ymd_parts(const char *s, int *yp, int *mp, int *dp)
{
    const uint64_t dash = (uint64_t)'-' << 32 | (uint64_t)'-' << 56;
    const uint64_t dash_mask = UINT64_C(0xff) << 32 | UINT64_C(0xff) << 56;
    uint64_t w = mkt__load_le64(s);
    if ((w & dash_mask) != dash)
        return 0;
    w ^= ('-' ^ '0') * (UINT64_C(1) << 32 | UINT64_C(1) << 56);
    if (((w - BYTES('0')) | (w + BYTES(0x7f - '9'))) & BYTES(0x80))
        return 0;
    uint64_t d = w - BYTES('0');
    int y = (int)(d & 0xff) * 1000 + (int)(d >> 8 & 0xff) * 100 + (int)(d >> 16 & 0xff) * 10 +
            (int)(d >> 24 & 0xff);
    int m = (int)(d >> 40 & 0xff) * 10 + (int)(d >> 48 & 0xff), day;
    if (!digits(s + 8, 2, &day) || !valid_ymd(y, m, day))
        return 0;
    *yp = y;
    *mp = m;
    *dp = day;
    return 1;
}

static int parse_ymd(const char *s, int64_t *days)
{
    int y, m, d;
    if (!parse_ymd_parts(s, &y, &m, &d))
        return 0;
    *days = days_from_ymd4(y, m, d);
    return 1;
}

int mkt__date_parse_memo(struct mkt__month_memo *memo, const char *s, size_t len,
                         int64_t *days)
{
    if (len != 10)
        return 0;
    const uint64_t month = mkt__load_le64(s); /* "YYYY-MM-" */
    if (month == memo->key) { /* the remembered month: only the day to check */
        unsigned tens = (unsigned char)s[8] - '0', ones = (unsigned char)s[9] - '0';
        int day = (int)(tens * 10 + ones);
        if (tens > 9 || ones > 9 || day < 1 || day > memo->dim)
            return 0;
        *days = memo->first + day - 1;
        return 1;
    }
    int y, m, d;
    if (!parse_ymd_parts(s, &y, &m, &d))
        return 0;
    *days = days_from_ymd4(y, m, d);
    memo->key = month;
    memo->first = *days - (d - 1);
    memo->dim = days_in_month(y, m);
    return 1;
}

MKT_EXPORT int mkt_date_parse(mkt_date *out, const char *text, size_t len)
{
    if (out == NULL || text == NULL)
        return MKT_EINVAL;
    int64_t days;
    if (len != 10 || !parse_ymd(text, &days))
        return MKT_EPARSE;
    *out = (mkt_date)days;
    return MKT_OK;
}

/* Write "YYYY-MM-DD" (sign and more digits outside 0..9999) for a day count. */
static void format_days(int64_t days, char *buf, size_t size)
{
    int64_t y;
    int m, d;
    mkt__civil_from_days(days, &y, &m, &d);
    snprintf(buf, size, "%s%04lld-%02d-%02d", y < 0 ? "-" : "", (long long)(y < 0 ? -y : y), m,
             d);
}

MKT_EXPORT int mkt_date_format(mkt_date date, char *buf, size_t size)
{
    if (buf == NULL || size < MKT_DATE_BUFSZ)
        return MKT_EINVAL;
    format_days(date, buf, size);
    return MKT_OK;
}

MKT_EXPORT int mkt_date_add_months(mkt_date *out, mkt_date date, int32_t months)
{
    if (out == NULL)
        return MKT_EINVAL;
    int64_t y;
    int m, d;
    mkt__civil_from_days(date, &y, &m, &d);
    int64_t idx = y * 12 + (m - 1) + months; /* months since year 0; no overflow in int64 */
    int64_t ny = idx >= 0 ? idx / 12 : -((-idx + 11) / 12);
    int nm = (int)(idx - ny * 12) + 1;
    if (ny < 1 || ny > 9999 || y < 1 || y > 9999)
        return MKT_ERANGE;
    int dim = days_in_month(ny, nm);
    *out = (mkt_date)mkt__days_from_civil(ny, nm, d > dim ? dim : d);
    return MKT_OK;
}

/* ---- timestamps -------------------------------------------------------------------------- */

/* "HH:MM:SS" at @s (8 bytes available) into seconds of the day. */
static int parse_hms(const char *s, int64_t *secs)
{
    int h, mi, se;
    if (!digits(s, 2, &h) || s[2] != ':' || !digits(s + 3, 2, &mi) || s[5] != ':' ||
        !digits(s + 6, 2, &se) || h > 23 || mi > 59 || se > 59)
        return 0;
    *secs = h * 3600 + mi * 60 + se;
    return 1;
}

/* The zone designator that ends the text: "Z", "+HH:MM" or "-HH:MM" into seconds east. */
static int parse_zone(const char *s, size_t n, int64_t *offset)
{
    if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
        *offset = 0;
        return 1;
    }
    int h, m;
    if (n != 6 || (s[0] != '+' && s[0] != '-') || !digits(s + 1, 2, &h) || s[3] != ':' ||
        !digits(s + 4, 2, &m) || h > 23 || m > 59)
        return 0;
    *offset = (s[0] == '-' ? -1 : 1) * (int64_t)(h * 3600 + m * 60);
    return 1;
}

MKT_EXPORT int mkt_time_parse(mkt_time *out, const char *text, size_t len)
{
    if (out == NULL || text == NULL)
        return MKT_EINVAL;
    int64_t days, secs, offset = 0;
    if (len < 10 || !parse_ymd(text, &days))
        return MKT_EPARSE;
    if (len == 10) {
        *out = days * SECS_PER_DAY;
        return MKT_OK;
    }
    char sep = text[10];
    if ((sep != 'T' && sep != 't' && sep != ' ') || len < 19 || !parse_hms(text + 11, &secs))
        return MKT_EPARSE;
    size_t i = 19;
    if (i < len && text[i] == '.') { /* fraction: at least one digit, truncated */
        size_t start = ++i;
        while (i < len && text[i] >= '0' && text[i] <= '9')
            i++;
        if (i == start)
            return MKT_EPARSE;
    }
    if (i < len && !parse_zone(text + i, len - i, &offset))
        return MKT_EPARSE;
    *out = days * SECS_PER_DAY + secs - offset;
    return MKT_OK;
}


MKT_EXPORT int mkt_time_format(mkt_time t, char *buf, size_t size)
{
    if (buf == NULL || size < MKT_TIME_BUFSZ)
        return MKT_EINVAL;
    /* remainder first: days * 86400 can overflow for t near INT64_MIN */
    int64_t days = mkt__floor_div(t, SECS_PER_DAY), sod = t % SECS_PER_DAY;
    if (sod < 0)
        sod += SECS_PER_DAY;
    int64_t y;
    int m, d;
    mkt__civil_from_days(days, &y, &m, &d);
    if (y < 1 || y > 9999) {
        buf[0] = '\0';
        return MKT_ERANGE;
    }
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, m, d, (int)(sod / 3600),
             (int)(sod / 60 % 60), (int)(sod % 60));
    return MKT_OK;
}

MKT_EXPORT mkt_date mkt_time_to_date(mkt_time t)
{
    int64_t days = mkt__floor_div(t, SECS_PER_DAY);
    /* |t| / 86400 can exceed int32 only for times millions of years away: saturate. */
    if (days > INT32_MAX)
        return INT32_MAX;
    if (days < INT32_MIN)
        return INT32_MIN;
    return (mkt_date)days;
}

/* ---- money ---------------------------------------------------------------------------------- */

/* Append decimal digit @dgt to @v, the @n-th digit: fewer than 19 digits cannot pass @limit
 * (>= INT64_MAX), so only longer numbers pay for the check. 1 on overflow. */
static int push_digit(uint64_t *v, unsigned dgt, uint64_t limit, int n)
{
    if (n >= 18 && *v > (limit - dgt) / 10)
        return 1;
    *v = *v * 10 + dgt;
    return 0;
}

MKT_EXPORT int mkt_money_parse(int64_t *out, const char *text, size_t len, int32_t decimals)
{
    if (out == NULL || text == NULL || decimals < 0 || decimals > 9)
        return MKT_EINVAL;
    if (mkt__money_plain(text, len, decimals, out))
        return MKT_OK;
    size_t i = 0;
    int neg = 0;
    if (i < len && (text[i] == '-' || text[i] == '+'))
        neg = text[i++] == '-';
    /* magnitude limit: INT64_MAX, or one more for a negative amount */
    uint64_t limit = (uint64_t)INT64_MAX + (uint64_t)neg, v = 0;
    int overflow = 0, int_digits = 0, frac_digits = 0, n = 0;
    for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, int_digits++)
        overflow |= !overflow && push_digit(&v, (unsigned)(text[i] - '0'), limit, n++);
    if (int_digits == 0)
        return MKT_EPARSE;
    if (i < len && text[i] == '.') {
        for (i++; i < len && text[i] >= '0' && text[i] <= '9'; i++, frac_digits++) {
            unsigned dgt = (unsigned)(text[i] - '0');
            if (frac_digits >= decimals) {
                if (dgt != 0)
                    return MKT_EPARSE; /* would need rounding */
                continue;
            }
            overflow |= !overflow && push_digit(&v, dgt, limit, n++);
        }
        if (frac_digits == 0)
            return MKT_EPARSE;
    }
    if (i != len)
        return MKT_EPARSE;
    for (int k = frac_digits < decimals ? frac_digits : decimals; k < decimals; k++)
        overflow |= !overflow && push_digit(&v, 0, limit, n++);
    if (overflow)
        return MKT_ERANGE;
    *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return MKT_OK;
}

MKT_EXPORT int mkt_money_format(int64_t minor, int32_t decimals, char *buf, size_t size)
{
    if (buf == NULL || size < MKT_MONEY_BUFSZ || decimals < 0 || decimals > 9)
        return MKT_EINVAL;
    uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    uint64_t scale = 1;
    for (int k = 0; k < decimals; k++)
        scale *= 10;
    const char *sign = minor < 0 ? "-" : "";
    if (decimals == 0)
        snprintf(buf, size, "%s%llu", sign, (unsigned long long)mag);
    else
        snprintf(buf, size, "%s%llu.%0*llu", sign, (unsigned long long)(mag / scale),
                 (int)decimals, (unsigned long long)(mag % scale));
    return MKT_OK;
}

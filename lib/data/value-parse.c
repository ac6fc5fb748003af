/* SPDX-License-Identifier: MIT */
/*
 * Strict parsers for the plain value types of the data files: integers, decimal numbers (rates
 * and scores), 0/1 booleans, and money with optional half-to-even rounding of excess decimals
 * (for exports with float artefacts). Dates, timestamps and exact money go through the public
 * parsers of values.h. None of these depend on the C locale.
 */
#include <math.h>
#include <string.h>

#include "table-private.h"

int mkt__parse_int64(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (i == n)
        return MKT_EPARSE;
    uint64_t v = 0;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    /* v * 10 + d passes limit exactly when v > limit / 10, or v == limit / 10 and d exceeds
     * the last digit (division by the constant 10 is a multiplication, done once) */
    const uint64_t top = limit / 10, last = limit % 10;
    for (; i < n; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9)
            return MKT_EPARSE;
        if (v > top || (v == top && d > last))
            return MKT_ERANGE;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return MKT_OK;
}

static const double pow10_tab[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* [-+]digits[.digits][(e|E)[-+]digits]; at least one digit in the mantissa. Exact (correctly
 * rounded) for up to 15 significant digits and exponents within 10^±22, which covers rates and
 * scores; longer inputs are within an ulp. */
int mkt__parse_number(const char *s, size_t n, double *out)
{
    size_t i = 0;
    int neg = 0, digits = 0, scale = 0;
    uint64_t m = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    for (int frac = 0; i < n; i++) {
        if (s[i] == '.' && !frac) {
            frac = 1;
            continue;
        }
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9)
            break;
        digits++;
        if (m < UINT64_C(1000000000000000000)) {
            m = m * 10 + d;
            scale -= frac;
        } else {
            scale += !frac; /* beyond 19 digits: keep the magnitude only */
        }
    }
    if (digits == 0)
        return MKT_EPARSE;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        int64_t e;
        size_t j = i + 1;
        if (j == n || mkt__parse_int64(s + j, n - j, &e) != MKT_OK || e > 9999 || e < -9999)
            return MKT_EPARSE;
        scale += (int)e;
        i = n;
    }
    if (i != n)
        return MKT_EPARSE;
    double v = (double)m;
    if (v != 0) {
        if (scale >= 0 && scale <= 22)
            v *= pow10_tab[scale];
        else if (scale < 0 && scale >= -22)
            v /= pow10_tab[-scale];
        else
            v *= pow(10.0, scale);
    }
    if (!isfinite(v))
        return MKT_ERANGE;
    *out = neg ? -v : v;
    return MKT_OK;
}

int mkt__parse_bool(const char *s, size_t n, uint8_t *out)
{
    if (n != 1 || (s[0] != '0' && s[0] != '1'))
        return MKT_EPARSE;
    *out = (uint8_t)(s[0] - '0');
    return MKT_OK;
}

/* Round the excess fraction digits of a decimal half to even: @kept is the value with the
 * excess cut off, @excess the dropped digits. */
static int round_half_even(int64_t kept, const char *excess, size_t n, int64_t *out)
{
    int up = 0;
    if (n > 0 && excess[0] > '5') {
        up = 1;
    } else if (n > 0 && excess[0] == '5') {
        int rest = 0;
        for (size_t i = 1; i < n; i++)
            rest |= excess[i] != '0';
        up = rest || (kept & 1);
    }
    if (up && kept == INT64_MAX)
        return MKT_ERANGE;
    *out = kept + up;
    return MKT_OK;
}

int mkt__parse_money_round(const char *s, size_t n, int32_t decimals, int round, int64_t *out)
{
    const char *dot = memchr(s, '.', n);
    size_t frac = dot ? n - (size_t)(dot - s) - 1 : 0;
    if (!round || frac <= (size_t)decimals)
        return mkt_money_parse(out, s, n, decimals);
    size_t keep = (size_t)(dot - s) + 1 + (size_t)decimals;
    const char *excess = s + keep;
    for (size_t i = 0; i < n - keep; i++)
        if ((unsigned char)excess[i] - '0' > 9)
            return MKT_EPARSE;
    /* "12." with decimals 0 is not a valid money text: cut the dot as well. */
    int64_t kept;
    int rc = mkt_money_parse(&kept, s, decimals ? keep : keep - 1, decimals);
    if (rc)
        return rc;
    if (kept < 0 || (kept == 0 && n > 0 && s[0] == '-'))
        return MKT_ERANGE; /* rounding is only offered for non-negative figures */
    return round_half_even(kept, excess, n - keep, out);
}

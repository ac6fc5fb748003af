/* SPDX-License-Identifier: MIT */
/*
 * The arithmetic side of time zones: POSIX TZ strings (the TZif footer, which says what
 * happens after the last transition of the table: "CET-1CEST,M3.5.0,M10.5.0/3"), the UTC
 * offset at an instant, local civil time to UTC with a fixed rule for gaps and folds, and the
 * day of the week (the calendar itself is values.c's).
 */
#include <string.h>

#include "tz-private.h"

int mkt__weekday(int64_t days)
{
    return (int)(mkt__floor_div(days + 3, 7) * -7 + days + 3); /* 1970-01-01 was a Thursday */
}

/* ---- POSIX TZ strings --------------------------------------------------------------------- */

struct cursor {
    const char *p, *end;
};

static int peek(const struct cursor *c)
{
    return c->p < c->end ? (unsigned char)*c->p : -1;
}

static int is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static int parse_name(struct cursor *c)
{
    const char *start = c->p;
    if (peek(c) == '<') {
        c->p++;
        while (peek(c) != -1 && peek(c) != '>')
            c->p++;
        if (peek(c) != '>' || c->p - start < 4)
            return -1;
        c->p++;
        return 0;
    }
    while ((peek(c) >= 'A' && peek(c) <= 'Z') || (peek(c) >= 'a' && peek(c) <= 'z'))
        c->p++;
    return c->p - start >= 3 ? 0 : -1;
}

static int parse_num(struct cursor *c, int max, int *out)
{
    if (!is_digit(peek(c)))
        return -1;
    int v = 0;
    while (is_digit(peek(c))) {
        v = v * 10 + (*c->p++ - '0');
        if (v > max)
            return -1;
    }
    *out = v;
    return 0;
}

/* [+-]h[h[h]][:mm[:ss]] with hours up to @max_hours, in seconds. */
static int parse_hms(struct cursor *c, int max_hours, int32_t *out)
{
    int sign = 1, h, m = 0, s = 0;
    if (peek(c) == '+' || peek(c) == '-')
        sign = *c->p++ == '-' ? -1 : 1;
    if (parse_num(c, max_hours, &h))
        return -1;
    if (peek(c) == ':') {
        c->p++;
        if (parse_num(c, 59, &m))
            return -1;
        if (peek(c) == ':') {
            c->p++;
            if (parse_num(c, 59, &s))
                return -1;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return 0;
}

static int parse_rule(struct cursor *c, struct mkt__tz_date_rule *r)
{
    memset(r, 0, sizeof *r);
    r->secs = 2 * 3600;
    int rc;
    if (peek(c) == 'M') {
        c->p++;
        r->kind = 'M';
        rc = parse_num(c, 12, &r->month);
        if (rc == 0 && peek(c) == '.' && (c->p++, 1))
            rc = parse_num(c, 5, &r->week);
        else
            rc = -1;
        if (rc == 0 && peek(c) == '.' && (c->p++, 1))
            rc = parse_num(c, 6, &r->wday);
        else
            rc = -1;
        if (rc == 0 && (r->month < 1 || r->week < 1))
            rc = -1;
    } else if (peek(c) == 'J') {
        c->p++;
        r->kind = 'J';
        rc = parse_num(c, 365, &r->day);
        if (rc == 0 && r->day < 1)
            rc = -1;
    } else {
        r->kind = 'D';
        rc = parse_num(c, 365, &r->day);
    }
    if (rc == 0 && peek(c) == '/') {
        c->p++;
        rc = parse_hms(c, 167, &r->secs); /* RFC 8536 extends the hours to -167..167 */
    }
    return rc;
}

int mkt__tz_parse_posix(const char *s, size_t len, struct mkt__tz_posix *out)
{
    struct cursor c = { s, s + len };
    memset(out, 0, sizeof *out);
    int32_t off;
    if (parse_name(&c) || parse_hms(&c, 24, &off))
        return MKT_EPARSE;
    out->std_off = -off; /* POSIX offsets count west of Greenwich */
    if (peek(&c) == -1)
        return MKT_OK;
    if (parse_name(&c))
        return MKT_EPARSE;
    out->has_dst = 1;
    out->dst_off = out->std_off + 3600;
    if (peek(&c) != ',' && peek(&c) != -1) {
        if (parse_hms(&c, 24, &off))
            return MKT_EPARSE;
        out->dst_off = -off;
    }
    if (peek(&c) == -1) { /* no rule: POSIX leaves it to the implementation; US rules */
        struct cursor d = { "M3.2.0,M11.1.0", NULL };
        d.end = d.p + strlen(d.p);
        c = d;
    }
    if (peek(&c) != ',' || (c.p++, parse_rule(&c, &out->start)) || peek(&c) != ',' ||
        (c.p++, parse_rule(&c, &out->end)) || peek(&c) != -1)
        return MKT_EPARSE;
    return MKT_OK;
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Day number of rule @r in year @y. */
static int64_t rule_day(const struct mkt__tz_date_rule *r, int64_t y)
{
    int64_t jan1 = mkt__days_from_civil(y, 1, 1);
    if (r->kind == 'J')
        return jan1 + r->day - 1 + (is_leap(y) && r->day >= 60);
    if (r->kind == 'D')
        return jan1 + r->day;
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int64_t first = mkt__days_from_civil(y, r->month, 1);
    int first_sun0 = (mkt__weekday(first) + 1) % 7; /* 0 Sunday as in POSIX */
    int day = 1 + (r->wday - first_sun0 + 7) % 7 + (r->week - 1) * 7;
    int len = mdays[r->month - 1] + (r->month == 2 && is_leap(y));
    while (day > len)
        day -= 7;
    return first + day - 1;
}

/* The footer's offset at @t and the span [*lo, *hi) around @t where it holds: the offset
 * depends only on the year (of local standard time) and on which side of that year's two
 * changes @t lies, so the span is the year cut at the changes. */
static int32_t footer_offset(const struct mkt__tz_posix *f, int64_t t, int64_t *lo, int64_t *hi)
{
    *lo = INT64_MIN;
    *hi = INT64_MAX;
    if (!f->has_dst)
        return f->std_off;
    int64_t y;
    int m, d;
    mkt__civil_from_days(mkt__floor_div(t + f->std_off, 86400), &y, &m, &d);
    int64_t start = rule_day(&f->start, y) * 86400 + f->start.secs - f->std_off;
    int64_t end = rule_day(&f->end, y) * 86400 + f->end.secs - f->dst_off;
    int dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
    if (y < -1000000 || y > 1000000) {
        *lo = *hi = t; /* far away (no overflow below): nothing to remember */
        return dst ? f->dst_off : f->std_off;
    }
    *lo = mkt__days_from_civil(y, 1, 1) * 86400 - f->std_off;
    *hi = mkt__days_from_civil(y + 1, 1, 1) * 86400 - f->std_off;
    const int64_t changes[2] = { start, end };
    for (int i = 0; i < 2; i++) {
        if (changes[i] <= t && changes[i] > *lo)
            *lo = changes[i];
        if (changes[i] > t && changes[i] < *hi)
            *hi = changes[i];
    }
    return dst ? f->dst_off : f->std_off;
}

/* Remember that @off holds over [lo, hi) (see the memo fields in tz-private.h). */
static int32_t memo(const mkt__tz *z, int64_t lo, int64_t hi, int32_t off)
{
    mkt__tz *m = (mkt__tz *)(uintptr_t)z;
    m->memo_lo = lo;
    m->memo_hi = hi;
    m->memo_off = off;
    return off;
}

int32_t mkt__tz_offset_lookup(const mkt__tz *z, int64_t t)
{
    if (z->ntrans == 0 || t >= z->trans[z->ntrans - 1]) {
        if (z->has_footer) {
            int64_t lo, hi;
            int32_t off = footer_offset(&z->footer, t, &lo, &hi);
            if (z->ntrans && lo < z->trans[z->ntrans - 1])
                lo = z->trans[z->ntrans - 1]; /* before it, the table rules */
            return memo(z, lo, hi, off);
        }
        if (z->ntrans == 0)
            return z->type_off[0];
        return z->type_off[z->trans_type[z->ntrans - 1]];
    }
    if (t < z->trans[0])
        return z->type_off[0];
    uint32_t lo = 0, hi = z->ntrans - 1; /* trans[lo] <= t < trans[hi] */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return memo(z, z->trans[lo], z->trans[hi], z->type_off[z->trans_type[lo]]);
}

int64_t mkt__tz_local_to_utc(const mkt__tz *z, int64_t local)
{
    /* The offsets a day before and a day after bracket any single transition near @local. */
    int32_t before = mkt__tz_offset(z, local - 86400 - 26 * 3600);
    int32_t after = mkt__tz_offset(z, local + 86400 + 26 * 3600);
    int64_t u1 = local - before, u2 = local - after;
    int ok1 = mkt__tz_offset(z, u1) == before, ok2 = mkt__tz_offset(z, u2) == after;
    if (ok1 && ok2)
        return u1 < u2 ? u1 : u2; /* fold: the earlier instant */
    if (ok1)
        return u1;
    if (ok2)
        return u2;
    return u1; /* gap: read with the offset before it, which lands past the transition */
}

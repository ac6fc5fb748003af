/* SPDX-License-Identifier: MIT */
/*
 * Local-time questions of the decision: is this instant inside the quiet-hours window of the
 * customer's region, when does the window open next, and which calendar day / Monday week /
 * month (in the customer's zone) holds an instant, for the frequency caps.
 */
#include "consent-private.h"

int64_t mkt__first_local_at_or_after(const mkt__tz *z, int64_t local)
{
    int64_t u = mkt__tz_local_to_utc(z, local);
    if (u + mkt__tz_offset(z, u) == local)
        return u;
    /* A gap swallowed @local (u shows a later local time): the answer is the transition
     * instant, the first one whose local time passes @local. Local time only grows across
     * the two days before u (transitions are assumed farther apart), so bisect. */
    int64_t lo = u - 2 * 86400, hi = u; /* local(lo) < local <= local(hi) */
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (mid + mkt__tz_offset(z, mid) >= local)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

static int in_window(const struct mkt__quiet_rule *r, int64_t local)
{
    int64_t day = mkt__floor_div(local, 86400);
    int64_t sod = local - day * 86400;
    return ((r->days >> mkt__weekday(day)) & 1u) && sod >= r->start && sod < r->end;
}

/* The first instant after @t where the UTC offset changes, if it does within two days
 * (transitions are assumed farther apart than that), else INT64_MAX. */
static int64_t next_transition(const mkt__tz *z, int64_t t)
{
    int32_t off = mkt__tz_offset(z, t);
    int64_t lo = t, hi = t + 2 * 86400; /* offset(lo) == off, offset(hi) may differ */
    if (mkt__tz_offset(z, hi) == off)
        return INT64_MAX;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (mkt__tz_offset(z, mid) == off)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

static int opens_at(const struct mkt__quiet_rule *r, const mkt__tz *z, int64_t t, int64_t u)
{
    return u > t && in_window(r, u + mkt__tz_offset(z, u));
}

int mkt__quiet_allows(const struct mkt__quiet_rule *r, const mkt__tz *z, int64_t t,
                      int64_t *next)
{
    int64_t local = t + mkt__tz_offset(z, t);
    if (in_window(r, local))
        return 1;
    /* Candidates, the earliest valid one wins: the window's opening on each of the next
     * eight local days (days is never 0); today, the opening again after a fold; and the
     * instant of a transition that lands inside the window (a fold back into it, or a gap
     * that jumps over its start). Each must really be inside the window: a gap can swallow
     * a whole window (Chatham jumps 02:45 -> 03:45; a 03:00-03:15 window skips that day). */
    int64_t best = next_transition(z, t);
    if (best != INT64_MAX && !opens_at(r, z, t, best))
        best = INT64_MAX;
    int64_t day = mkt__floor_div(local, 86400);
    for (int64_t d = day; d <= day + 8; d++) {
        if (!((r->days >> mkt__weekday(d)) & 1u))
            continue;
        int64_t open = d * 86400 + r->start;
        int64_t target = open > local ? open : local;
        int64_t u = mkt__first_local_at_or_after(z, target);
        if (u <= t && d == day)
            u = t + (target - local); /* t is in a fold's second pass: at t's own offset */
        if (opens_at(r, z, t, u) && u < best)
            best = u;
        if (d == day) {
            int32_t later = mkt__tz_offset(z, t + 2 * 86400);
            int64_t again = open - later; /* `open` once more, after a fold later today */
            if (mkt__tz_offset(z, again) == later && opens_at(r, z, t, again) && again < best)
                best = again;
        }
        if (best != INT64_MAX && best < (d + 1) * 86400 - 26 * 3600)
            break; /* nothing on a later day can be earlier */
    }
    *next = best != INT64_MAX ? best : t + 8 * 86400; /* unreachable with a valid rule */
    return 0;
}

int64_t mkt__period_number(int period, int64_t local, int64_t *next_start_local)
{
    int64_t day = mkt__floor_div(local, 86400);
    if (period == MKT__PERIOD_DAY) {
        *next_start_local = (day + 1) * 86400;
        return day;
    }
    if (period == MKT__PERIOD_WEEK) {
        int64_t week = mkt__floor_div(day + 3, 7); /* week 0 starts Monday 1969-12-29 */
        *next_start_local = (week * 7 - 3 + 7) * 86400;
        return week;
    }
    int64_t y;
    int m, d;
    mkt__civil_from_days(day, &y, &m, &d);
    *next_start_local = mkt__days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) * 86400;
    return y * 12 + m - 1;
}

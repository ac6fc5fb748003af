/* SPDX-License-Identifier: MIT */
/*
 * Date entries found by the library (mkt_journey_engine_enter_due()): one pass over the
 * customers table per date entry node, appending every entry time of the window.
 *
 * The field is a local date: a DATE column as it is, a TIME column (or ISO date-time text) as
 * the date of that instant in the customer's zone, text "YYYY-MM-DD" as that date. The entry
 * time is the date's local midnight plus the offset, counted in local civil time, then that
 * local day at the entry's time of day (the same rule as waits until a field), in the
 * customer's zone. With `yearly` every anniversary from the date's own year on counts; Feb 29
 * falls on Feb 28 in common years (the last day of February, not a day in March).
 *
 * No allocation per customer: the zone is looked up only for dates near the window.
 */
#include <string.h>

#include "engine-private.h"

#define DAY INT64_C(86400)
/* Times further than this from 1970 (about 34,000 years) are not dates anyone has. */
#define SANE_TIME (INT64_C(1) << 40)

struct date_scan {
    mkt_journey_engine *e;
    const struct mkt__je_journey *jj;
    const mkt_journey_node_def *n;
    uint32_t journey, node, column;
    int32_t type;
    int64_t from, to;
    int64_t year_lo, year_hi; /* anniversaries that can fall in the window */
    mkt__je_due_vec *out;
};

int mkt__je_date_column(mkt_journey_engine *e, const struct mkt__je_journey *jj, uint32_t node,
                        uint32_t *column, int32_t *type)
{
    const mkt_journey_node_def *n = &jj->j->nodes[node].def;
    mkt_column_info info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    if (!n->field || strncmp(n->field, "customer.", 9) != 0)
        return mkt__error(e->ctx, MKT_EUNSUPPORTED, "journey engine: %s entry %s: a date entry "
                          "reads a customer.NAME field (got %s)", jj->id, n->id,
                          n->field ? n->field : "none");
    if (mkt_table_column_find(e->opts.customers, n->field + 9, column) != MKT_OK)
        return mkt__error(e->ctx, MKT_ENOTFOUND, "journey engine: %s entry %s: field %s: the "
                          "customers table has no such column", jj->id, n->id, n->field);
    if (mkt_table_column_info(e->opts.customers, *column, &info) != MKT_OK ||
        (info.type != MKT_TYPE_DATE && info.type != MKT_TYPE_TIME &&
         info.type != MKT_TYPE_STRING))
        return mkt__error(e->ctx, MKT_ETYPE, "journey engine: %s entry %s: field %s: the "
                          "column is not a date, a time or text", jj->id, n->id, n->field);
    *type = info.type;
    return MKT_OK;
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t year_of(int64_t days)
{
    int64_t y;
    int m, d;
    mkt__civil_from_days(days, &y, &m, &d);
    return y;
}

/* The local date of the instant @t in the customer's zone. */
static int instant_day(struct date_scan *s, uint64_t row, int64_t t, int64_t *day,
                       const mkt__tz **zone)
{
    if (t < -SANE_TIME || t > SANE_TIME)
        return 0;
    if (!*zone) {
        int rc = mkt__je_zone_row(s->e, s->jj, row, zone);
        if (rc != MKT_OK)
            return rc;
    }
    *day = mkt__floor_div(t + mkt__tz_offset(*zone, t), DAY);
    return 1;
}

/* The field's local date at @row: 1, 0 (null or not a date: the customer never enters), or a
 * negative status. */
static int row_day(struct date_scan *s, uint64_t row, int64_t *day, const mkt__tz **zone)
{
    const mkt_table *t = s->e->opts.customers;
    int64_t v = 0;
    int32_t is_null = 1;
    if (s->type == MKT_TYPE_STRING) {
        const char *text = NULL;
        size_t len = 0;
        mkt_date d;
        mkt_time when;
        if (mkt_table_get_string(t, s->column, row, &text, &len) != MKT_OK || !text)
            return 0;
        if (len == 10 && mkt_date_parse(&d, text, len) == MKT_OK) {
            *day = d;
            return 1;
        }
        return mkt_time_parse(&when, text, len) == MKT_OK ? instant_day(s, row, when, day, zone)
                                                          : 0;
    }
    if (mkt_table_get_int(t, s->column, row, &v, &is_null) != MKT_OK || is_null)
        return 0;
    if (s->type == MKT_TYPE_TIME)
        return instant_day(s, row, v, day, zone);
    *day = v;
    return 1;
}

/* Append the entry of local date @day when it falls in (from, to]. */
static int consider(struct date_scan *s, uint64_t row, int64_t day, const mkt__tz **zone)
{
    int64_t local = day * DAY + s->n->delay;
    if (s->n->time_of_day >= 0)
        local = mkt__floor_div(local, DAY) * DAY + s->n->time_of_day;
    /* No zone is more than a day from UTC: far from the window, skip the zone lookup. */
    if (local - 2 * DAY > s->to || local + 2 * DAY <= s->from)
        return MKT_OK;
    if (!*zone) {
        int rc = mkt__je_zone_row(s->e, s->jj, row, zone);
        if (rc != MKT_OK)
            return rc;
    }
    int64_t at = mkt__tz_local_to_utc(*zone, local);
    if (at <= s->from || at > s->to)
        return MKT_OK;
    struct mkt__je_due d;
    d.at = at < s->e->clock ? s->e->clock : at;
    d.row = row;
    d.id = mkt_table_customer_id(s->e->opts.customers, row);
    d.journey = s->journey;
    d.node = s->node;
    if (MKT__VEC_PUSH(s->e->ctx, s->out, d) != MKT_OK)
        return mkt__error(s->e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    return MKT_OK;
}

static int scan_row(struct date_scan *s, uint64_t row)
{
    const mkt__tz *zone = NULL; /* looked up at most once, and only when needed */
    int64_t day = 0, by;
    int m, d;
    int rc = row_day(s, row, &day, &zone);
    if (rc <= 0)
        return rc;
    if (!s->n->yearly)
        return consider(s, row, day, &zone);
    mkt__civil_from_days(day, &by, &m, &d);
    for (int64_t y = by > s->year_lo ? by : s->year_lo; y <= s->year_hi; y++) {
        int dd = m == 2 && d == 29 && !is_leap(y) ? 28 : d;
        if ((rc = consider(s, row, mkt__days_from_civil(y, m, dd), &zone)) != MKT_OK)
            return rc;
    }
    return MKT_OK;
}

int mkt__je_due_dates(mkt_journey_engine *e, uint32_t journey, uint32_t node, int64_t from,
                      int64_t to, mkt__je_due_vec *out)
{
    struct date_scan s;
    memset(&s, 0, sizeof s);
    s.e = e;
    s.jj = &e->journeys[journey];
    s.n = &s.jj->j->nodes[node].def;
    s.journey = journey;
    s.node = node;
    s.from = from;
    s.to = to;
    s.out = out;
    int rc = mkt__je_date_column(e, s.jj, node, &s.column, &s.type);
    if (rc != MKT_OK || from >= to)
        return rc;
    /* An anniversary's midnight is within a few days of (entry time - offset). */
    s.year_lo = year_of(mkt__floor_div(from - s.n->delay, DAY) - 3);
    s.year_hi = year_of(mkt__floor_div(to - s.n->delay, DAY) + 3);
    uint64_t rows = mkt_table_customer_count(e->opts.customers);
    for (uint64_t row = 0; row < rows; row++)
        if ((rc = scan_row(&s, row)) != MKT_OK)
            return rc;
    return MKT_OK;
}

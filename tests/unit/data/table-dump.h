/* SPDX-License-Identifier: MIT */
/*
 * A complete text dump of a customer table through the public API (every column of every row,
 * every booking and event, the statistics and currencies; list columns as "[a|b]" and a stale
 * as-of column as "stale"), used to prove that a failed load left the table exactly as it was,
 * and helpers to read one value by column name.
 */
#ifndef MKT_TEST_TABLE_DUMP_H
#define MKT_TEST_TABLE_DUMP_H

#include <stdarg.h>

#include "data-test.h"

struct dump {
    char *s;
    size_t len, cap;
};

static inline void dump_add(struct dump *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void dump_add(struct dump *d, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(d->s ? d->s + d->len : NULL, d->s ? d->cap - d->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) /* (Check records every assertion: keep them off the per-value path) */
            ck_abort_msg("vsnprintf failed");
        if (d->s && d->len + (size_t)n < d->cap) {
            d->len += (size_t)n;
            return;
        }
        d->cap = (d->cap + (size_t)n + 1) * 2;
        d->s = realloc(d->s, d->cap);
        if (!d->s)
            ck_abort_msg("out of memory");
    }
}

static inline const char *nz(const char *s)
{
    return s ? s : "(null)";
}

/* Items of a LIST value as "[a|b]", or "null". */
static inline int dump_list(struct dump *d, const mkt_table *t, uint32_t c, uint64_t r)
{
    uint32_t n;
    int32_t is_null;
    int rc = mkt_table_get_list_count(t, c, r, &n, &is_null);
    if (rc != MKT_OK)
        return rc;
    if (is_null) {
        dump_add(d, " null");
        return MKT_OK;
    }
    dump_add(d, " [");
    for (uint32_t i = 0; i < n; i++) {
        const char *s;
        if (mkt_table_get_list_item(t, c, r, i, &s, NULL) != MKT_OK)
            ck_abort_msg("list item %u/%llu/%u", c, (unsigned long long)r, (unsigned)i);
        dump_add(d, "%s%s", i ? "|" : "", s);
    }
    dump_add(d, "]");
    return MKT_OK;
}

/* One value of column @c, typed by @type; returns MKT_OK or MKT_ESTATE (stale as-of field),
 * anything else fails the test. */
static inline int dump_value(struct dump *d, const mkt_table *t, uint32_t c, int32_t type,
                             uint64_t r)
{
    int32_t is_null = 0;
    int rc;
    if (type == MKT_TYPE_STRING) {
        const char *s = NULL;
        rc = mkt_table_get_string(t, c, r, &s, NULL);
        if (rc == MKT_OK)
            dump_add(d, " %s", nz(s));
    } else if (type == MKT_TYPE_NUMBER) {
        double v = 0;
        rc = mkt_table_get_number(t, c, r, &v, &is_null);
        if (rc == MKT_OK)
            dump_add(d, is_null ? " null" : " %.17g", v);
    } else if (type == MKT_TYPE_LIST) {
        rc = dump_list(d, t, c, r);
    } else {
        int64_t v = 0;
        rc = mkt_table_get_int(t, c, r, &v, &is_null);
        if (rc == MKT_OK)
            dump_add(d, is_null ? " null" : " %lld", (long long)v);
    }
    if (rc != MKT_OK && rc != MKT_ESTATE)
        ck_abort_msg("column %u row %llu: status %d", c, (unsigned long long)r, rc);
    return rc;
}

/* Caller frees the result. */
static inline char *dump_table(const mkt_table *t)
{
    struct dump d = {0};
    uint32_t ncols = mkt_table_column_count(t);
    uint64_t rows = mkt_table_customer_count(t);
    dump_add(&d, "rows=%llu cols=%u\n", (unsigned long long)rows, ncols);
    for (uint32_t c = 0; c < ncols; c++) {
        mkt_column_info info;
        ck_assert_int_eq(mkt_table_column_info(t, c, &info), MKT_OK);
        dump_add(&d, "col %s type=%d custom=%d derived=%d nulls=%llu:", info.name, info.type,
                 info.is_custom, info.is_derived, (unsigned long long)info.null_count);
        /* A stale as-of column reads as MKT_ESTATE in every row: dump it as one word. */
        for (uint64_t r = 0; r < rows; r++)
            if (dump_value(&d, t, c, info.type, r) == MKT_ESTATE) {
                dump_add(&d, " stale");
                break;
            }
        dump_add(&d, "\n");
    }
    for (uint64_t i = 0; i < mkt_table_booking_count(t); i++) {
        mkt_booking b;
        if (mkt_table_get_booking(t, i, &b) != MKT_OK)
            ck_abort_msg("booking %llu", (unsigned long long)i);
        dump_add(&d, "booking %s %s %llu %lld %d %s %s %s %s %s %s %s %d %d %lld %lld %s\n",
                 b.booking_id, b.customer_id, (unsigned long long)b.customer_row,
                 (long long)b.booking_time, b.departure_date, nz(b.origin), nz(b.destination),
                 nz(b.route), nz(b.trip_type), nz(b.cabin_class), nz(b.fare_class),
                 nz(b.channel), b.passengers, b.status, (long long)b.total_amount,
                 (long long)b.ancillary_amount, nz(b.currency));
    }
    for (uint64_t i = 0; i < mkt_table_event_count(t); i++) {
        mkt_event e;
        if (mkt_table_get_event(t, i, &e) != MKT_OK)
            ck_abort_msg("event %llu", (unsigned long long)i);
        dump_add(&d, "event %s %s %lld %s %s %s %lld %s\n", e.event_id, e.customer_id,
                 (long long)e.ts, e.type, nz(e.campaign), nz(e.channel), (long long)e.value,
                 nz(e.properties));
    }
    mkt_table_stats s;
    ck_assert_int_eq(mkt_table_stats_get(t, &s), MKT_OK);
    dump_add(&d, "stats %llu %llu %llu %llu %llu %d %d %lld %lld %u\n",
             (unsigned long long)s.customers, (unsigned long long)s.customers_with_bookings,
             (unsigned long long)s.bookings, (unsigned long long)s.bookings_cancelled,
             (unsigned long long)s.events, s.first_booking_date, s.last_booking_date,
             (long long)s.first_event_time, (long long)s.last_event_time, s.currencies);
    for (uint32_t i = 0; i < s.currencies; i++) {
        const char *code;
        uint64_t n;
        int64_t amount;
        ck_assert_int_eq(mkt_table_currency(t, i, &code, &n, &amount), MKT_OK);
        dump_add(&d, "currency %s %llu %lld\n", code, (unsigned long long)n, (long long)amount);
    }
    return d.s;
}

static inline uint32_t col_of(const mkt_table *t, const char *name)
{
    uint32_t c;
    ck_assert_msg(mkt_table_column_find(t, name, &c) == MKT_OK, "no column %s", name);
    return c;
}

static inline uint64_t row_of(const mkt_table *t, const char *id)
{
    uint64_t r;
    ck_assert_msg(mkt_table_find(t, id, strlen(id), &r) == MKT_OK, "no customer %s", id);
    return r;
}

/* An INT/MONEY/DATE/TIME/BOOL value, or INT64_MIN for null. */
static inline int64_t ival(const mkt_table *t, const char *id, const char *col)
{
    int64_t v;
    int32_t is_null;
    ck_assert_int_eq(mkt_table_get_int(t, col_of(t, col), row_of(t, id), &v, &is_null), MKT_OK);
    return is_null ? INT64_MIN : v;
}

static inline const char *sval(const mkt_table *t, const char *id, const char *col)
{
    const char *s;
    ck_assert_int_eq(mkt_table_get_string(t, col_of(t, col), row_of(t, id), &s, NULL), MKT_OK);
    return s;
}

static inline mkt_date ymd(int y, int m, int d)
{
    mkt_date v;
    ck_assert_int_eq(mkt_date_from_ymd(&v, y, m, d), MKT_OK);
    return v;
}

#endif /* MKT_TEST_TABLE_DUMP_H */

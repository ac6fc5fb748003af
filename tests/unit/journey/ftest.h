/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the field-wait and customer-zone suites: a customers table with a date, a time,
 * a text and an int column besides the standard ones (timezone among them), an engine over it,
 * and events with properties.
 */
#ifndef MKT_TEST_FTEST_H
#define MKT_TEST_FTEST_H

#include "etest.h"

#define T0 INT64_C(1800000000) /* 2027-01-15 08:00 UTC */
#define HOUR 3600
#define DAY 86400

static inline uint32_t ft_col(const mkt_table *t, const char *name)
{
    uint32_t c = 0;
    ck_assert_int_eq(mkt_table_column_find(t, name, &c), MKT_OK);
    return c;
}

/* Columns renewal (DATE), renewal_at (TIME), renewal_text (STRING), visits (INT). */
static inline mkt_table *ft_table(mkt_ctx *ctx)
{
    mkt_table *t = NULL;
    uint32_t c;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    ck_assert_int_eq(mkt_table_add_column(t, "renewal", MKT_TYPE_DATE, &c), MKT_OK);
    ck_assert_int_eq(mkt_table_add_column(t, "renewal_at", MKT_TYPE_TIME, &c), MKT_OK);
    ck_assert_int_eq(mkt_table_add_column(t, "renewal_text", MKT_TYPE_STRING, &c), MKT_OK);
    ck_assert_int_eq(mkt_table_add_column(t, "visits", MKT_TYPE_INT, &c), MKT_OK);
    return t;
}

/* Add customer @id with zone @zone (NULL: none); returns the row. */
static inline uint64_t ft_customer(mkt_table *t, const char *id, const char *zone)
{
    uint64_t row = 0;
    ck_assert_int_eq(mkt_table_add_customer(t, id, strlen(id), &row), MKT_OK);
    if (zone)
        ck_assert_int_eq(mkt_table_set_string(t, ft_col(t, "timezone"), row, zone,
                                              strlen(zone)), MKT_OK);
    return row;
}

/* An engine over @j with @t as its customers table (NULL: none); the status of new. */
static inline int ft_engine(mkt_ctx *ctx, const mkt_journey *j, const mkt_table *t,
                            mkt_journey_engine **e)
{
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    o.customers = t;
    const mkt_journey *js[1] = { j };
    return mkt_journey_engine_new(e, ctx, js, 1, &o);
}

/* Event @type of @customer at @at with one property @name=@value (@name NULL: none). */
static inline int ft_event(mkt_journey_engine *e, const char *customer, const char *type,
                           mkt_time at, const char *name, const char *value)
{
    mkt_journey_event ev;
    ck_assert_int_eq(mkt_journey_event_init(&ev), MKT_OK);
    ev.customer_id = customer;
    ev.event_type = type;
    ev.at = at;
    ev.property_names = &name;
    ev.property_values = &value;
    ev.nproperties = name ? 1 : 0;
    return mkt_journey_engine_event_ex(e, &ev);
}

#endif /* MKT_TEST_FTEST_H */

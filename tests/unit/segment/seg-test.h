/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the segment unit tests: a context, a small customer table built through
 * the host API with the fields rules name (custom columns under booking.*, event.* and rfm.*
 * are added through the data layer's internal call, as the as-of computation does), and
 * parse + compile shorthands that fail the test with the library's message.
 */
#ifndef SEG_TEST_H
#define SEG_TEST_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/table-private.h"
#include "libmarketing.h"

static inline mkt_ctx *new_ctx(void)
{
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    return ctx;
}

static inline uint32_t col_of(const mkt_table *t, const char *name)
{
    uint32_t c;
    ck_assert_msg(mkt_table_column_find(t, name, &c) == MKT_OK, "no column %s", name);
    return c;
}

/* Add a settable column whatever its name (booking.* and event.* are refused by the API). */
static inline uint32_t add_col(mkt_table *t, const char *name, int32_t type)
{
    uint32_t c;
    ck_assert_int_eq(mkt__table_add_column(t, name, strlen(name), type, 1, 0, &c), MKT_OK);
    return c;
}

/* The columns every test table has beyond the standard ones. */
static inline void add_rule_columns(mkt_table *t)
{
    add_col(t, "booking.spend_12m", MKT_TYPE_MONEY);
    add_col(t, "booking.count_12m", MKT_TYPE_INT);
    add_col(t, "booking.premium_share_12m", MKT_TYPE_NUMBER);
    add_col(t, "booking.preferred_cabin", MKT_TYPE_STRING);
    add_col(t, "booking.spend_total", MKT_TYPE_MONEY);
    add_col(t, "event.last_seen", MKT_TYPE_TIME);
    add_col(t, "rfm.segment", MKT_TYPE_STRING);
}

static inline mkt_table *new_table(mkt_ctx *ctx, size_t rows)
{
    mkt_table *t = NULL;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    add_rule_columns(t);
    for (size_t i = 0; i < rows; i++) {
        char id[32];
        int n = snprintf(id, sizeof id, "C%06zu", i);
        ck_assert_int_eq(mkt_table_add_customer(t, id, (size_t)n, NULL), MKT_OK);
    }
    return t;
}

static inline mkt_rule *parse_ok(mkt_ctx *ctx, const char *text)
{
    mkt_rule *r = NULL;
    int rc = mkt_rule_parse(&r, ctx, text, strlen(text), NULL);
    ck_assert_msg(rc == MKT_OK, "parse '%s': %s", text, mkt_ctx_last_error(ctx)->message);
    return r;
}

/* 2024-06-15 */
#define TEST_AS_OF 19889

static inline mkt_segment *compile_ok(mkt_ctx *ctx, const mkt_table *t, const char *text)
{
    mkt_rule *r = parse_ok(ctx, text);
    mkt_segment_options o;
    mkt_segment_options_init(&o);
    o.as_of = TEST_AS_OF;
    mkt_segment *s = NULL;
    int rc = mkt_segment_compile(&s, ctx, r, t, &o);
    ck_assert_msg(rc == MKT_OK, "compile '%s': %s", text, mkt_ctx_last_error(ctx)->message);
    mkt_rule_free(r);
    return s;
}

/* Compile and return the status (the error is in mkt_ctx_last_error). */
static inline int compile_rc(mkt_ctx *ctx, const mkt_table *t, const char *text)
{
    mkt_rule *r = NULL;
    int rc = mkt_rule_parse(&r, ctx, text, strlen(text), NULL);
    if (rc)
        return rc;
    mkt_segment_options o;
    mkt_segment_options_init(&o);
    o.as_of = TEST_AS_OF;
    mkt_segment *s = NULL;
    rc = mkt_segment_compile(&s, ctx, r, t, &o);
    mkt_segment_free(s);
    mkt_rule_free(r);
    return rc;
}

#endif /* SEG_TEST_H */

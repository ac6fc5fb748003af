/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of the rule language. The input is rule text. Parsing must succeed or fail with
 * a position; a parsed rule must print in normalized form and parse back to an equal rule
 * whose print is identical (the round-trip property); compiling it against a small table must
 * succeed or fail cleanly, and a compiled rule must give the same answer on every row through
 * the batch, row and record evaluators.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/table-private.h"
#include "libmarketing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond))                                                                         \
            abort();                                                                         \
    } while (0)

static mkt_table *small_table(mkt_ctx *ctx)
{
    mkt_table *t = NULL;
    uint32_t c;
    CHECK(mkt_table_new(&t, ctx) == MKT_OK);
    CHECK(mkt__table_add_column(t, "booking.spend_12m", 17, MKT_TYPE_MONEY, 1, 0, &c) == 0);
    CHECK(mkt__table_add_column(t, "booking.count_12m", 17, MKT_TYPE_INT, 1, 0, &c) == 0);
    /* rfm.* names are reserved for mkt_rfm_apply(): made through the internal call */
    CHECK(mkt__table_add_column(t, "rfm.segment", 11, MKT_TYPE_STRING, 0, 0, &c) == 0);
    static const char *tiers[] = {"GOLD", "silver", "", "PLATINUM"};
    for (uint64_t r = 0; r < 70; r++) {
        char id[16];
        int n = snprintf(id, sizeof id, "C%u", (unsigned)r);
        CHECK(mkt_table_add_customer(t, id, (size_t)n, NULL) == MKT_OK);
        if (r % 5 == 0)
            continue; /* a null row */
        mkt_table_column_find(t, "tier", &c);
        const char *s = tiers[r % 4];
        CHECK(mkt_table_set_string(t, c, r, s, strlen(s)) == MKT_OK);
        mkt_table_column_find(t, "booking.count_12m", &c);
        CHECK(mkt_table_set_int(t, c, r, (int64_t)(r % 13)) == MKT_OK);
        mkt_table_column_find(t, "signup_date", &c);
        CHECK(mkt_table_set_int(t, c, r, 19800 + (int64_t)r * 3) == MKT_OK);
        mkt_table_column_find(t, "email_open_rate", &c);
        CHECK(mkt_table_set_number(t, c, r, (double)(r % 10) / 10) == MKT_OK);
    }
    return t;
}

static void check_evaluators(mkt_ctx *ctx, mkt_table *t, const mkt_segment *s)
{
    mkt_members *m = NULL;
    if (mkt_segment_evaluate(s, ctx, t, &m) != MKT_OK)
        return; /* a regex limit: fine */
    mkt_record *rec = NULL;
    CHECK(mkt_record_new(&rec, ctx, t) == MKT_OK);
    for (uint64_t r = 0; r < mkt_table_customer_count(t); r++) {
        int32_t one = -1, viarec = -1;
        CHECK(mkt_segment_match_row(s, ctx, t, r, &one) == MKT_OK);
        CHECK(mkt_record_load_row(rec, t, r) == MKT_OK);
        CHECK(mkt_segment_match(s, rec, &viarec) == MKT_OK);
        CHECK(one == mkt_members_contains(m, r) && viarec == one);
    }
    char *text = NULL;
    CHECK(mkt_segment_explain(s, rec, NULL, &text) == MKT_OK);
    mkt_free(text);
    mkt_record_free(rec);
    mkt_members_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mkt_ctx *ctx = NULL;
    if (mkt_ctx_new(&ctx, NULL, NULL) != MKT_OK)
        return 0;
    mkt_rule *r = NULL;
    int rc = mkt_rule_parse(&r, ctx, (const char *)data, size, NULL);
    if (rc != MKT_OK) {
        const mkt_error *e = mkt_ctx_last_error(ctx);
        CHECK(r == NULL && e->code == rc && (rc == MKT_ENOMEM || e->line >= 1));
        mkt_ctx_free(ctx);
        return 0;
    }
    char *text = NULL, *again = NULL;
    CHECK(mkt_rule_format(r, ctx, &text) == MKT_OK);
    mkt_rule *r2 = NULL;
    CHECK(mkt_rule_parse(&r2, ctx, text, strlen(text), NULL) == MKT_OK);
    CHECK(mkt_rule_equal(r, r2));
    CHECK(mkt_rule_format(r2, ctx, &again) == MKT_OK);
    CHECK(strcmp(text, again) == 0);

    mkt_table *t = small_table(ctx);
    mkt_segment_options o;
    mkt_segment_options_init(&o);
    o.as_of = 19889;
    o.regex_match_limit = 100000;
    mkt_segment *s = NULL;
    if (mkt_segment_compile(&s, ctx, r, t, &o) == MKT_OK)
        check_evaluators(ctx, t, s);
    else
        CHECK(s == NULL);
    mkt_segment_free(s);
    mkt_table_free(t);
    mkt_free(text);
    mkt_free(again);
    mkt_rule_free(r);
    mkt_rule_free(r2);
    mkt_ctx_free(ctx);
    return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of XML offer definitions. The input is a definitions file. Loading must succeed
 * or fail with a message naming the source, and a failed load must add nothing (all or
 * nothing). Every code of every loaded offer is then validated, reserved, committed and
 * released against a fixed booking, and all codes stacked: a decision is consistent (valid
 * means no reason and 0 < discount <= amount; invalid means at least one reason and no
 * discount), the stack's total never exceeds the amount, and after releasing everything no
 * use stays held. Loading the same input again must fail on the duplicates.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libmarketing.h"
#include "offer/offer-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond))                                                                         \
            abort();                                                                         \
    } while (0)

static void check_decision(const mkt_offer_result *r, int64_t amount)
{
    if (mkt_offer_result_valid(r)) {
        CHECK(mkt_offer_result_reason_count(r) == 0);
        CHECK(mkt_offer_result_discount(r) > 0 && mkt_offer_result_discount(r) <= amount);
    } else {
        CHECK(mkt_offer_result_reason_count(r) > 0);
        CHECK(mkt_offer_result_discount(r) == 0);
        CHECK(mkt_offer_reason_name(mkt_offer_result_reason(r, 0)) != NULL);
    }
}

/* Validate, reserve, commit and release every code; then nothing may stay held. */
static void exercise(mkt_ctx *ctx, const mkt_offers *set, mkt_offer_result *r,
                     const mkt_offer_booking *b)
{
    const char *codes[MKT_OFFER_STACK_MAX];
    size_t ncodes = 0;
    for (size_t i = 0; i < mkt_offers_count(set); i++) {
        const mkt_offer *o = mkt_offers_get(set, i);
        for (size_t j = 0; j < o->codes.len; j++) {
            const char *code = o->codes.data[j].code;
            if (ncodes < MKT_OFFER_STACK_MAX)
                codes[ncodes++] = code;
            CHECK(mkt_offers_validate(set, ctx, code, b, r) == MKT_OK);
            check_decision(r, b->amount);
            CHECK(mkt_offers_reserve(set, ctx, code, b, r) == MKT_OK);
            check_decision(r, b->amount);
            if (mkt_offer_result_valid(r)) {
                CHECK(mkt_offers_commit(set, ctx, code, b->customer_id, b->booking_id) == MKT_OK);
                CHECK(mkt_offers_release(set, ctx, code, b->customer_id, b->booking_id) ==
                      MKT_OK);
            }
            mkt_offer_usage u = {sizeof u, 0, 0, 0, 0, 0, 0};
            CHECK(mkt_offer_usage_get(ctx, o->id, b->customer_id, &u) == MKT_OK);
            CHECK(u.held == 0 && u.budget_used == 0 && u.customer_uses == 0);
        }
    }
    if (ncodes == 0)
        return;
    mkt_offer_stack *st = NULL;
    CHECK(mkt_offer_stack_new(&st, ctx) == MKT_OK);
    CHECK(mkt_offers_stack(set, ctx, codes, ncodes, b, st) == MKT_OK);
    CHECK(mkt_offer_stack_total(st) >= 0 && mkt_offer_stack_total(st) <= b->amount);
    mkt_offer_stack_free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mkt_ctx *ctx = NULL;
    CHECK(mkt_ctx_new(&ctx, NULL, NULL) == MKT_OK);
    mkt_offers *set = NULL;
    CHECK(mkt_offers_new(&set, ctx) == MKT_OK);
    int rc = mkt_offers_load_xml_memory(set, (const char *)data, size, "fuzz.xml");
    if (rc != MKT_OK) {
        CHECK(mkt_offers_count(set) == 0);
        CHECK(strncmp(mkt_ctx_last_error(ctx)->message, "fuzz.xml", 8) == 0 ||
              rc == MKT_ENOMEM);
    } else {
        mkt_table *t = NULL;
        mkt_record *rec = NULL;
        mkt_offer_result *r = NULL;
        CHECK(mkt_table_new(&t, ctx) == MKT_OK);
        /* A rule may name a field the table lacks: then it does not compile, cleanly. */
        int compiled = mkt_offers_compile(set, t) == MKT_OK;
        CHECK(compiled || mkt_ctx_last_error(ctx)->message[0] != '\0');
        CHECK(mkt_record_new(&rec, ctx, t) == MKT_OK);
        CHECK(mkt_offer_result_new(&r, ctx) == MKT_OK);
        mkt_offer_booking b = MKT_OFFER_BOOKING_INIT;
        b.customer_id = "C1";
        b.booking_id = "B1";
        b.route = "JFK-LHR";
        b.fare_class = "Y";
        b.amount = 20000;
        b.currency = "USD";
        b.booking_date = 20644; /* 2026-07-10 */
        b.travel_date = 20666;
        b.customer = rec;
        if (compiled)
            exercise(ctx, set, r, &b);
        size_t n = mkt_offers_count(set);
        if (n > 0) {
            CHECK(mkt_offers_load_xml_memory(set, (const char *)data, size, "again") ==
                  MKT_EEXIST);
            CHECK(mkt_offers_count(set) == n);
        }
        mkt_offer_result_free(r);
        mkt_record_free(rec);
        mkt_table_free(t);
    }
    mkt_offers_free(set);
    mkt_ctx_free(ctx);
    return 0;
}

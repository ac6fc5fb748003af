/* SPDX-License-Identifier: MIT */
/*
 * Redemption records and counters, shared by redeem.c and redeem-record.c (layout in
 * doc/offers.md, "Storage").
 */
#ifndef MKT_REDEEM_PRIVATE_H
#define MKT_REDEEM_PRIVATE_H

#include "offer-private.h"

#define REC_MAX 256 /* longest record text: state, two int64, month, date, route */
#define CAS_RETRIES 16

struct redemption {
    char state;       /* 'R' reserved, 'C' committed, 'X' released */
    int64_t expires;  /* mkt_time the reservation lapses */
    int64_t discount; /* minor units held in the budget */
    char month[MKT_DATE_BUFSZ]; /* "YYYY-MM" of the booking date (per-month counter) */
    char date[MKT_DATE_BUFSZ];  /* "YYYY-MM-DD" booking date (usage by date) */
    char route[ROUTE_TEXT_MAX + 1];
};

int mkt__rec_format(const struct redemption *x, char *buf, size_t size, size_t *len);
int mkt__rec_parse(mkt_ctx *ctx, const char *v, size_t len, struct redemption *x);
/* Read / compare-and-set write the record at @k. */
int mkt__rec_get(mkt_ctx *ctx, const struct skey *k, struct redemption *x, uint64_t *version);
int mkt__rec_put(mkt_ctx *ctx, const struct skey *k, const struct redemption *x,
                 uint64_t expected, uint64_t *version);
/* Take the four counters of one use (held, customer uses, customer month, budget) with
 * bounded increments, all or none. On MKT_ELIMIT *reason names the limit reached. */
int mkt__take_counters(mkt_ctx *ctx, const char *customer, const mkt_offer *o,
                       const char *month, int64_t discount, int32_t *reason);
/* Mark the record at @k released (compare-and-set on @version), then give its counters back
 * (and its usage statistics when it was committed). */
int mkt__rec_release(mkt_ctx *ctx, const struct skey *k, struct redemption *x,
                     uint64_t version, uint64_t *new_version);
/* Give back all four counters of @x (after a lost race to create its record). */
int mkt__rec_giveback(mkt_ctx *ctx, const char *customer, const char *offer,
                      const struct redemption *x);
int mkt__rec_key_split(const struct skey *k, char *customer, char *offer);
/* Move the usage statistics of a committed redemption by @sign. */
int mkt__usage_move(mkt_ctx *ctx, const char *offer, const struct redemption *x, int sign);

#endif /* MKT_REDEEM_PRIVATE_H */

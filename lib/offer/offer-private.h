/* SPDX-License-Identifier: MIT */
/*
 * Internal layout of offers, catalogues, results and stacks, shared by the offer files
 * (offer*.c, redeem*.c, stack*.c, xml*.c). Nothing here is exported.
 */
#ifndef MKT_OFFER_PRIVATE_H
#define MKT_OFFER_PRIVATE_H

#include "libmarketing/offer.h"
#include "libmarketing/values.h"
#include "util.h"

#define OFFER_ID_MAX 64
#define CUSTOMER_ID_MAX 256
#define BOOKING_ID_MAX 128
#define FARE_MAX 16
#define ROUTE_MAX 64       /* one side of a route pattern */
#define ROUTE_TEXT_MAX 128 /* a booking's route */
#define DEFAULT_TTL 900
#define MAX_TTL 31536000

/* Store namespaces (doc/offers.md, "Storage"). */
#define NS_USAGE "offer.usage"           /* "<offer>\x1f<what>": offer-wide counters, no PII */
#define NS_CUSTOMER "offer.customer"     /* "<customer>\x1f<offer>\x1f...": per customer */
#define NS_REDEMPTION "offer.redemption" /* "<customer>\x1f<offer>\x1f<booking>": records */

struct date_range {
    mkt_date from, to;
};

/* A route pattern split at its dash; "*" on a side matches anything. Upper-cased. */
struct route_pat {
    char origin[ROUTE_MAX];
    char dest[ROUTE_MAX];
    int excluded;
};

struct fare {
    char name[FARE_MAX + 1];
    int excluded;
};

struct offer_code {
    char *code;     /* canonical */
    char *customer; /* bound customer, or NULL */
};

struct mkt_offer {
    mkt_ctx *ctx;
    char *id;
    int32_t kind; /* 0 until mkt_offer_set_discount() */
    int64_t value, cap;
    char currency[4]; /* "" = any */
    int64_t min_purchase;
    struct date_range booking, travel;
    MKT__VEC(struct date_range) blackouts;
    MKT__VEC(struct route_pat) routes;
    int has_applicable_route;
    MKT__VEC(struct fare) fares;
    int has_applicable_fare;
    char *rule_text;
    mkt_rule *rule;
    mkt_segment *segment; /* compiled by mkt_offers_compile() */
    char *customer;       /* bound customer, or NULL */
    int64_t limit_total, limit_customer, limit_month, budget;
    int32_t stackable, priority;
    MKT__VEC(char *) combinable;
    int64_t ttl;
    MKT__VEC(struct offer_code) codes;
};

/* Where a canonical code leads. */
struct code_entry {
    uint32_t offer;        /* index in offers */
    const char *customer;  /* bound customer (owned by the offer), or NULL */
};

struct mkt_offers {
    mkt_ctx *ctx;
    MKT__VEC(mkt_offer *) offers;
    mkt__intern ids;   /* offer ids, id i = offers.data[i] */
    mkt__intern codes; /* canonical codes; entry i = entries.data[i] */
    MKT__VEC(struct code_entry) entries;
};

struct reason {
    int32_t code;
    uint32_t text; /* offset in texts */
};

struct mkt_offer_result {
    mkt_ctx *ctx;
    int32_t valid;
    int64_t discount;
    char code[MKT_PROMO_MAX_LEN + 1];
    const char *offer_id;
    MKT__VEC(struct reason) reasons;
    mkt__buf texts; /* reason texts, each NUL-terminated */
};

struct mkt_offer_stack {
    mkt_ctx *ctx;
    MKT__VEC(mkt_offer_result *) items;
    size_t n;
    int32_t chosen[MKT_OFFER_STACK_MAX];
    int32_t order[MKT_OFFER_STACK_MAX];
    int64_t total;
};

/* ---- offer.c / offer-check.c ----------------------------------------------------------- */
/* MKT_OK or MKT_EINVAL with a message naming @what for a customer id that breaks the common
 * convention (1..256 bytes of UTF-8, no byte below 0x20). */
int mkt__offer_check_customer(mkt_ctx *ctx, const char *what, const char *id);
/* The same for a booking id (1..128 bytes, no byte below 0x20). */
int mkt__offer_check_booking_id(mkt_ctx *ctx, const char *id);
/* 1 if @s is an ISO 4217-shaped code (three ASCII upper-case letters). */
int mkt__offer_is_currency(const char *s);
/* Minor-unit digits of a currency (0 for JPY and friends, 3 for BHD and friends, else 2). */
int32_t mkt__currency_decimals(const char *currency);
/* Checks mkt_offers_add() runs on a complete offer. */
int mkt__offer_check_complete(const mkt_offer *o);
/* 1 if @route matches a pattern of @o with the given excluded flag. */
int mkt__offer_route_matches(const mkt_offer *o, const char *route, int excluded);

/* Forget offers from index @offers on and codes from index @codes on (a failed merge). */
void mkt__offers_truncate(mkt_offers *s, size_t offers, size_t codes);

/* ---- offer-result.c ------------------------------------------------------------------- */
void mkt__result_reset(mkt_offer_result *r, const char *code, const char *offer_id);
/* Append a reason; text formatted. MKT_OK or MKT_ENOMEM. */
int mkt__result_add(mkt_offer_result *r, int32_t code, const char *fmt, ...) MKT_PRINTF(3, 4);
/* Copy @src into @dst (same or different context). */
int mkt__result_copy(mkt_offer_result *dst, const mkt_offer_result *src);

/* ---- offer-validate.c ----------------------------------------------------------------- */
/* Look up a code in the catalogue, then among the codes issued in the store (promo.h):
 * MKT_OK and *entry (its customer may point at *owned, which the caller mkt_free()s), or
 * MKT_ENOTFOUND (canonical form left in @canon; "" when the code is malformed), or a store
 * error. */
int mkt__offers_lookup(const mkt_offers *s, mkt_ctx *ctx, const char *code,
                       char canon[MKT_PROMO_MAX_LEN + 1], struct code_entry *entry,
                       char **owned);
/* Check the booking's fields (MKT_EINVAL with a message). */
int mkt__booking_check(mkt_ctx *ctx, const mkt_offer_booking *b, int need_booking_id);
/* The discount of @o for @b before limits: half-up percentage on amount - prior, capped,
 * never more than what is left. */
int64_t mkt__offer_discount(const mkt_offer *o, const mkt_offer_booking *b);
/* Validate with the offer resolved; @with_limits 0 skips the store reads (reserve re-checks
 * them atomically). */
int mkt__offer_decide(const mkt_offer *o, const struct code_entry *e, mkt_ctx *ctx,
                      const mkt_offer_booking *b, mkt_offer_result *r, int with_limits);
/* Validate @code: lookup, then mkt__offer_decide(). *offer (may be NULL) gets the offer. */
int mkt__offers_decide(const mkt_offers *s, mkt_ctx *ctx, const char *code,
                       const mkt_offer_booking *b, mkt_offer_result *r, int with_limits,
                       const mkt_offer **offer);

/* ---- redeem-keys.c -------------------------------------------------------------------- */
/* A store key built on the stack: the longest is customer (256) + offer (64) + booking or
 * route (128) + a few separators and words. */
struct skey {
    size_t len;
    char b[512];
};
/* "YYYY-MM" (@month 1) or "YYYY-MM-DD" of a date into @buf. */
void mkt__date_key(mkt_date d, int month, char buf[MKT_DATE_BUFSZ]);
/* Set @k to "<a>\x1f<b>[\x1f<c>[\x1f<d>]]"; NULL parts end it. */
void mkt__key(struct skey *k, const char *a, const char *p2, const char *p3, const char *p4);
/* Read @k of @ns into @buf (NUL-terminated) without allocating and without recording an
 * error for an absent key: MKT_OK, MKT_ENOTFOUND, MKT_ETYPE (value of @size bytes or more,
 * error recorded) or the store's error. @len and @version may be NULL. */
int mkt__store_peek(mkt_ctx *ctx, const char *ns, const struct skey *k, char *buf,
                    size_t size, size_t *len, uint64_t *version);
/* Read counter @k of @ns (absent: 0). MKT_ETYPE with a message when not a counter. */
int mkt__counter_get(mkt_ctx *ctx, const char *ns, const struct skey *k, int64_t *out);

#endif /* MKT_OFFER_PRIVATE_H */

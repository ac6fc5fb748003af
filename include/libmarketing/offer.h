/* SPDX-License-Identifier: MIT */
/**
 * @file offer.h
 * @brief Offers: discount rules attached to promo codes, validation of a code against a
 *        booking with every failed rule as a reason, two-phase redemption (reserve, commit,
 *        release) whose limits hold across processes sharing one store, stacking of several
 *        codes, and usage tracking. doc/offers.md is the user guide.
 *
 * Life cycle: build an ::mkt_offer with mkt_offer_new() and the mkt_offer_set_* /
 * mkt_offer_add_* functions (or load definitions from XML with mkt_offers_load_xml_file()),
 * hand it to an ::mkt_offers catalogue with mkt_offers_add(), compile the segment rules with
 * mkt_offers_compile() when offers use them, then validate, reserve, commit and release codes
 * against bookings (::mkt_offer_booking). Codes are matched in their canonical form
 * (mkt_promo_normalize()).
 *
 * Money: discounts, amounts, caps, minimum purchases and budgets are int64 minor units of
 * the offer's ISO 4217 currency. A percentage is given in basis points (1/100 of a percent:
 * 1500 = 15 %); the discount is amount * bp / 10000 rounded half-up to the minor unit, then
 * capped, and never more than the amount.
 *
 * Thread safety: an ::mkt_offers catalogue is built by one thread; once built (no more
 * mkt_offers_add(), mkt_offers_load_xml_*() or mkt_offers_compile() calls) it is immutable
 * and any number of threads may validate, reserve, commit and release with it at once, each
 * with its own ::mkt_ctx (contexts are used by one thread at a time). Result and stack objects
 * are used by one thread at a time.
 */
#ifndef LIBMARKETING_OFFER_H
#define LIBMARKETING_OFFER_H

#include "common.h"
#include "ctx.h"
#include "data.h"
#include "promo.h"
#include "segment.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One offer definition (opaque). @since 0.1 */
typedef struct mkt_offer mkt_offer;
/** A catalogue of offers indexed by code (opaque). @since 0.1 */
typedef struct mkt_offers mkt_offers;
/** The decision on one code: valid flag, reasons, discount (opaque, reusable). @since 0.1 */
typedef struct mkt_offer_result mkt_offer_result;
/** The best combination of several codes for one booking (opaque, reusable). @since 0.1 */
typedef struct mkt_offer_stack mkt_offer_stack;

/** Kinds of discount. Append-only. @since 0.1 */
typedef enum mkt_discount_kind {
    MKT_DISCOUNT_PERCENT = 1, /**< Basis points of the amount (1500 = 15 %), optional cap. */
    MKT_DISCOUNT_FIXED = 2    /**< A fixed amount in minor units of the offer's currency. */
} mkt_discount_kind;

/** Limits of an offer (mkt_offer_set_limit()). Append-only. @since 0.1 */
typedef enum mkt_offer_limit_kind {
    MKT_OFFER_LIMIT_TOTAL = 1,              /**< Uses of the offer by everyone. */
    MKT_OFFER_LIMIT_PER_CUSTOMER = 2,       /**< Uses by one customer. */
    MKT_OFFER_LIMIT_PER_CUSTOMER_MONTH = 3, /**< Uses by one customer in one calendar month
                                                 (UTC) of the booking date. */
    MKT_OFFER_LIMIT_BUDGET = 4              /**< Sum of discounts granted, in minor units. */
} mkt_offer_limit_kind;

/**
 * Why a code is not valid for a booking (or was left out of a stack). Append-only; values
 * are explicit and never renumbered. mkt_offer_reason_name() gives the machine name.
 * @since 0.1
 */
typedef enum mkt_offer_reason {
    MKT_OFFER_REASON_UNKNOWN_CODE = 1,      /**< No offer has this code (or it is malformed). */
    MKT_OFFER_REASON_EXPIRED = 2,           /**< Booking date after the booking window. */
    MKT_OFFER_REASON_OUTSIDE_BOOKING_WINDOW = 3, /**< Booking date before the booking window. */
    MKT_OFFER_REASON_OUTSIDE_TRAVEL_WINDOW = 4, /**< Travel date outside the travel window. */
    MKT_OFFER_REASON_BLACKOUT = 5,          /**< Travel date inside a blackout range. */
    MKT_OFFER_REASON_ROUTE_NOT_APPLICABLE = 6, /**< Route matches none of the applicable routes. */
    MKT_OFFER_REASON_ROUTE_EXCLUDED = 7,    /**< Route matches an excluded route. */
    MKT_OFFER_REASON_FARE_NOT_APPLICABLE = 8, /**< Fare class not among the applicable ones. */
    MKT_OFFER_REASON_FARE_EXCLUDED = 9,     /**< Fare class among the excluded ones. */
    MKT_OFFER_REASON_CURRENCY_MISMATCH = 10, /**< Booking currency differs from the offer's. */
    MKT_OFFER_REASON_MIN_PURCHASE = 11,     /**< Amount below the minimum purchase. */
    MKT_OFFER_REASON_NOT_ELIGIBLE = 12,     /**< Customer outside the offer's segment, or not
                                               the customer the offer or code is bound to. */
    MKT_OFFER_REASON_LIMIT_TOTAL = 13,      /**< Total uses reached. */
    MKT_OFFER_REASON_LIMIT_PER_CUSTOMER = 14, /**< The customer's uses reached. */
    MKT_OFFER_REASON_LIMIT_PER_MONTH = 15,  /**< The customer's uses this month reached. */
    MKT_OFFER_REASON_BUDGET_EXHAUSTED = 16, /**< The discount does not fit the remaining budget. */
    MKT_OFFER_REASON_NO_DISCOUNT = 17,      /**< The discount would be zero. */
    MKT_OFFER_REASON_NOT_STACKABLE = 18,    /**< Stack: the offer does not stack with others. */
    MKT_OFFER_REASON_NOT_COMBINABLE = 19,   /**< Stack: not in the combine-with list of a chosen
                                               offer (or the reverse). */
    MKT_OFFER_REASON_LOWER_DISCOUNT = 20,   /**< Stack: a combination without it saves more. */
    MKT_OFFER_REASON_DUPLICATE = 21         /**< Stack: another code of the same offer is used. */
} mkt_offer_reason;

/* ------------------------------------------------------------------------------------------ */
/* Building offers                                                                            */
/* ------------------------------------------------------------------------------------------ */

/**
 * Create an empty offer: no discount yet, every date open, every route and fare class,
 * everyone eligible, no limit, not stackable (priority 0), reservations held 900 seconds.
 * @param id 1..64 bytes of [A-Za-z0-9_.-]; the id names the offer's counters in the store.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL argument, bad id; message says why), ::MKT_ENOMEM.
 * Ownership: release with mkt_offer_free() unless handed to mkt_offers_add().
 * @since 0.1
 */
int mkt_offer_new(mkt_offer **out, mkt_ctx *ctx, const char *id);

/** Free an offer not handed to a catalogue. NULL is ignored. @since 0.1 */
void mkt_offer_free(mkt_offer *offer);

/** The offer's id (owned by the offer), or NULL for a NULL offer. @since 0.1 */
const char *mkt_offer_id(const mkt_offer *offer);

/**
 * Set the discount.
 * @param kind  ::MKT_DISCOUNT_PERCENT (@p value in basis points, 1..10000) or
 *              ::MKT_DISCOUNT_FIXED (@p value in minor units, > 0).
 * @param cap   percentage only: largest discount in minor units, 0 for none; must be 0 for
 *              a fixed discount.
 * A fixed discount or a cap needs the offer's currency (mkt_offer_set_currency()), checked by
 * mkt_offers_add().
 * @return ::MKT_OK, ::MKT_EINVAL (NULL offer, unknown kind, value or cap out of range).
 * @since 0.1
 */
int mkt_offer_set_discount(mkt_offer *offer, int32_t kind, int64_t value, int64_t cap);

/**
 * Set the offer's ISO 4217 currency (three upper-case letters). Bookings in another currency
 * get ::MKT_OFFER_REASON_CURRENCY_MISMATCH. Without a currency (only allowed for an uncapped
 * percentage without minimum purchase or budget) any currency is accepted.
 * @return ::MKT_OK, ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_offer_set_currency(mkt_offer *offer, const char *currency);

/** Minimum booking amount in minor units (0: none). @return ::MKT_OK, ::MKT_EINVAL
 *  (negative). @since 0.1 */
int mkt_offer_set_min_purchase(mkt_offer *offer, int64_t amount);

/**
 * Booking dates accepted, inclusive; ::MKT_NULL_DATE leaves an end open. A booking before
 * @p from gets ::MKT_OFFER_REASON_OUTSIDE_BOOKING_WINDOW, after @p to ::MKT_OFFER_REASON_EXPIRED.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL offer, @p from after @p to).
 * @since 0.1
 */
int mkt_offer_set_booking_window(mkt_offer *offer, mkt_date from, mkt_date to);

/** Travel dates accepted, inclusive, ends as for mkt_offer_set_booking_window().
 *  @return ::MKT_OK, ::MKT_EINVAL. @since 0.1 */
int mkt_offer_set_travel_window(mkt_offer *offer, mkt_date from, mkt_date to);

/** Add a blackout range of travel dates, inclusive (both ends required).
 *  @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM. @since 0.1 */
int mkt_offer_add_blackout(mkt_offer *offer, mkt_date from, mkt_date to);

/**
 * Add an applicable (@p excluded = 0) or excluded (1) route. A route is "ORIGIN-DEST"; a
 * pattern is a route, "ORIGIN-*", "*-DEST" or "*" (compared ignoring ASCII case). With no
 * applicable route every route applies; an excluded route always wins.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL, empty, a '*' anywhere but a whole side),
 *         ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_offer_add_route(mkt_offer *offer, const char *pattern, int32_t excluded);

/** Add an applicable (0) or excluded (1) fare class (1..16 bytes, compared ignoring ASCII
 *  case). With none applicable every class applies. @return ::MKT_OK, ::MKT_EINVAL,
 *  ::MKT_ENOMEM. @since 0.1 */
int mkt_offer_add_fare_class(mkt_offer *offer, const char *fare_class, int32_t excluded);

/**
 * Make the offer eligible only to customers a segment rule selects (rules.md syntax). The
 * text is parsed now (::MKT_EPARSE with position on error) and compiled by
 * mkt_offers_compile() against the host's customer table; validation then evaluates it on
 * ::mkt_offer_booking::customer.
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_EPARSE, ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_offer_set_segment_rule(mkt_offer *offer, const char *rule_text);

/** Bind the offer to one customer id (1..256 bytes of UTF-8, no byte below 0x20).
 *  @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM. @since 0.1 */
int mkt_offer_set_customer(mkt_offer *offer, const char *customer_id);

/**
 * Set a limit (an ::mkt_offer_limit_kind); @p value > 0, or 0 to remove the limit.
 * One use per booking always holds (redemptions are keyed by booking id).
 * @return ::MKT_OK, ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_offer_set_limit(mkt_offer *offer, int32_t kind, int64_t value);

/** Stacking: @p stackable 0/1 and @p priority (higher applies first; ties by offer id).
 *  @return ::MKT_OK, ::MKT_EINVAL. @since 0.1 */
int mkt_offer_set_stacking(mkt_offer *offer, int32_t stackable, int32_t priority);

/** Allow stacking with offer @p offer_id only (call once per id; with no call, a stackable
 *  offer stacks with every stackable offer). @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM.
 *  @since 0.1 */
int mkt_offer_add_combinable(mkt_offer *offer, const char *offer_id);

/** How long a reservation holds its uses before it lapses (1..31536000 s, default 900).
 *  @return ::MKT_OK, ::MKT_EINVAL. @since 0.1 */
int mkt_offer_set_reservation_ttl(mkt_offer *offer, int64_t seconds);

/**
 * Add a code. @p customer_id NULL: anyone may use it (a static code such as PROMO2024);
 * otherwise only that customer (a per-customer unique code), others get
 * ::MKT_OFFER_REASON_NOT_ELIGIBLE. The code is stored in canonical form (mkt_promo_normalize()).
 * Codes kept in the definition suit static codes and small sets; large generated batches are
 * better issued in the store (see mkt_offers_add()).
 * @return ::MKT_OK, ::MKT_EINVAL (bad code or customer id), ::MKT_EEXIST (already on this
 *         offer), ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_offer_add_code(mkt_offer *offer, const char *code, const char *customer_id);

/* ------------------------------------------------------------------------------------------ */
/* Catalogue                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/** Create an empty catalogue. @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM. Release with
 *  mkt_offers_free(). @since 0.1 */
int mkt_offers_new(mkt_offers **out, mkt_ctx *ctx);

/** Free a catalogue and its offers. NULL is ignored. @since 0.1 */
void mkt_offers_free(mkt_offers *offers);

/**
 * Check @p offer and add it. The catalogue takes ownership of @p offer whatever the outcome
 * (on failure it is freed).
 * An offer may have no code of its own: codes issued to its id in the store
 * (mkt_promo_generate() with an offer id, mkt_promo_bind()) are found at validation.
 * @return ::MKT_OK; ::MKT_EINVAL (NULL, no discount, a fixed discount, cap, minimum purchase
 *         or budget without currency); ::MKT_EEXIST (offer id or a code already in the
 *         catalogue); ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_offers_add(mkt_offers *offers, mkt_offer *offer);

/**
 * Load offer definitions (doc/offers.md) validated against the schema shipped with the
 * library (data/offer.rng). All or nothing: on failure the catalogue is unchanged.
 * @param source name used in messages (NULL: "<memory>").
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_EPARSE (malformed, schema, rule text; the message
 *         names source and line), ::MKT_EEXIST, ::MKT_ETOOBIG (over 64 MiB), ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_offers_load_xml_memory(mkt_offers *offers, const char *data, size_t len,
                               const char *source);

/** mkt_offers_load_xml_memory() on a file. @return as it, plus ::MKT_EIO. @since 0.1 */
int mkt_offers_load_xml_file(mkt_offers *offers, const char *path);

/**
 * Compile the segment rules of every offer against @p table's schema (customer records for
 * validation are then made with mkt_record_new() on the same table).
 * @return ::MKT_OK, ::MKT_EINVAL, the compile errors of mkt_segment_compile(), ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_offers_compile(mkt_offers *offers, const mkt_table *table);

/** Number of offers. @since 0.1 */
size_t mkt_offers_count(const mkt_offers *offers);

/** Offer number @p index (borrowed, lives as long as the catalogue), or NULL. @since 0.1 */
const mkt_offer *mkt_offers_get(const mkt_offers *offers, size_t index);

/* ------------------------------------------------------------------------------------------ */
/* Validation                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * A booking at checkout. Strings are borrowed for the duration of the call. Initialise with
 * mkt_offer_booking_init() or ::MKT_OFFER_BOOKING_INIT; grows only at the end.
 * @since 0.1
 */
typedef struct mkt_offer_booking {
    size_t struct_size;      /**< sizeof(mkt_offer_booking) as the caller compiled it. */
    const char *customer_id; /**< Required (1..256 bytes, UTF-8, no byte below 0x20). */
    const char *booking_id;  /**< Required for reserve (1..128 bytes, no byte below 0x20). */
    const char *route;       /**< "ORIGIN-DEST", e.g. "JFK-LHR". */
    const char *fare_class;  /**< e.g. "Y", "J"; may be NULL when no offer restricts it. */
    int64_t amount;          /**< Booking amount in minor units (>= 0). */
    const char *currency;    /**< ISO 4217 code of @p amount. */
    mkt_date booking_date;   /**< Required. */
    mkt_date travel_date;    /**< Required. */
    mkt_record *customer;    /**< The customer's profile for segment rules, or NULL (then
                                  segment-restricted offers are not eligible). */
    int64_t prior_discount;  /**< Discount already granted by codes applied before this one
                                  (stacking); percentages apply to amount - prior_discount. */
} mkt_offer_booking;

/** Static initialiser for ::mkt_offer_booking (dates ::MKT_NULL_DATE). @since 0.1 */
#define MKT_OFFER_BOOKING_INIT { sizeof(mkt_offer_booking), NULL, NULL, NULL, NULL, 0, NULL, MKT_NULL_DATE, MKT_NULL_DATE, NULL, 0 }

/** Set @p booking to ::MKT_OFFER_BOOKING_INIT. @return ::MKT_OK or ::MKT_EINVAL. @since 0.1 */
int mkt_offer_booking_init(mkt_offer_booking *booking);

/** Create a result object (reuse it across calls to avoid allocation).
 *  @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM. @since 0.1 */
int mkt_offer_result_new(mkt_offer_result **out, mkt_ctx *ctx);

/** Free a result. NULL is ignored. @since 0.1 */
void mkt_offer_result_free(mkt_offer_result *result);

/** 1 if the code is valid for the booking (reserve: and was reserved), else 0. @since 0.1 */
int32_t mkt_offer_result_valid(const mkt_offer_result *result);

/** The discount in minor units (0 when not valid). @since 0.1 */
int64_t mkt_offer_result_discount(const mkt_offer_result *result);

/** The canonical code decided on ("" before any decision and for a malformed code).
 *  Borrowed. @since 0.1 */
const char *mkt_offer_result_code(const mkt_offer_result *result);

/** The id of the code's offer, or NULL for an unknown code. Borrowed. @since 0.1 */
const char *mkt_offer_result_offer_id(const mkt_offer_result *result);

/** Number of reasons (0 when valid). @since 0.1 */
size_t mkt_offer_result_reason_count(const mkt_offer_result *result);

/** Reason number @p index (an ::mkt_offer_reason), or 0 when out of range. @since 0.1 */
int32_t mkt_offer_result_reason(const mkt_offer_result *result, size_t index);

/** Human-readable text of reason @p index (borrowed until the next decision), or NULL.
 *  @since 0.1 */
const char *mkt_offer_result_reason_text(const mkt_offer_result *result, size_t index);

/** Minor-unit digits of an ISO 4217 currency: 0 for JPY, KRW and the other currencies
 *  without a minor unit, 3 for BHD, JOD, KWD, OMR, TND and the like, 2 for the rest (also
 *  for NULL or a code the library does not know). Use it to parse and print amounts in
 *  the units offers use. Thread-safe. @since 0.1 */
int32_t mkt_offer_currency_decimals(const char *currency);

/** Machine name of a reason ("MIN_PURCHASE"), or NULL for an unknown value. Thread-safe.
 *  @since 0.1 */
const char *mkt_offer_reason_name(int32_t reason);

/**
 * Decide whether @p code is valid for @p booking, collecting EVERY failed rule, and compute
 * the discount. Limits and budget are read from the context's store as a hint (another
 * process may take the last use before reserve, which enforces them atomically).
 * @param ctx the caller's context (its store and error slot); may differ from the
 *            catalogue's.
 * @return ::MKT_OK with the decision in @p result (an invalid code is not an error);
 *         ::MKT_EINVAL (NULL argument, missing or malformed booking field, a bad customer id);
 *         ::MKT_ESTATE (an offer's segment rule was not compiled); store errors.
 * Thread safety: see the file comment.
 * @since 0.1
 */
int mkt_offers_validate(const mkt_offers *offers, mkt_ctx *ctx, const char *code,
                        const mkt_offer_booking *booking, mkt_offer_result *result);

/* ------------------------------------------------------------------------------------------ */
/* Redemption                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * Validate and reserve one use of @p code for the booking: the total, per-customer and
 * per-customer-month counters and the budget are taken with bounded atomic increments (all or
 * none), and a reservation record keyed by customer, offer and booking id is created with
 * compare-and-set. Idempotent per booking: reserving again for a held or committed booking
 * returns the recorded decision without taking another use. A reservation lapses after the
 * offer's TTL; a lapsed one is released by the next operation that meets it or by
 * mkt_offers_sweep().
 * @return ::MKT_OK with @p result valid (reserved) or invalid with reasons (including a limit
 *         reached at reserve time); ::MKT_EINVAL (missing booking id, ...); store errors
 *         (counters taken before the failure are given back first).
 * @since 0.1
 */
int mkt_offers_reserve(const mkt_offers *offers, mkt_ctx *ctx, const char *code,
                       const mkt_offer_booking *booking, mkt_offer_result *result);

/**
 * Commit the reservation of @p code for (@p customer_id, @p booking_id) and count it in the
 * usage statistics. Committing twice is ::MKT_OK.
 * @return ::MKT_OK; ::MKT_ENOTFOUND (unknown code or no reservation); ::MKT_ESTATE (the
 *         reservation lapsed — it is released now — or was released); ::MKT_EINVAL; store
 *         errors.
 * @since 0.1
 */
int mkt_offers_commit(const mkt_offers *offers, mkt_ctx *ctx, const char *code,
                      const char *customer_id, const char *booking_id);

/**
 * Give the use and the discount back (abandoned checkout, failed payment, cancelled booking),
 * whether the redemption was reserved or committed. Releasing twice is ::MKT_OK.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (unknown code or never reserved), ::MKT_EINVAL, store
 *         errors.
 * @since 0.1
 */
int mkt_offers_release(const mkt_offers *offers, mkt_ctx *ctx, const char *code,
                       const char *customer_id, const char *booking_id);

/**
 * Release every lapsed reservation in the context's store (all offers, also those not in
 * this process's catalogue). @p released (may be NULL) receives how many.
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM, store errors.
 * @since 0.1
 */
int mkt_offers_sweep(mkt_ctx *ctx, uint64_t *released);

/* ------------------------------------------------------------------------------------------ */
/* Usage                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/** Usage figures of one offer, read from the store. Initialise struct_size. @since 0.1 */
typedef struct mkt_offer_usage {
    size_t struct_size;      /**< sizeof(mkt_offer_usage) as the caller compiled it. */
    int64_t held;            /**< Uses held now: reserved plus committed. */
    int64_t redemptions;     /**< Committed redemptions. */
    int64_t discount_total;  /**< Discount of committed redemptions, minor units. */
    int64_t average_discount;/**< discount_total / redemptions, half-up; 0 without any. */
    int64_t budget_used;     /**< Discount held: reserved plus committed. */
    int64_t customer_uses;   /**< Uses held by the customer asked about (0 if none asked). */
} mkt_offer_usage;

/**
 * Read the usage of offer @p offer_id, and of @p customer_id when not NULL.
 * @return ::MKT_OK, ::MKT_EINVAL, store errors.
 * @since 0.1
 */
int mkt_offer_usage_get(mkt_ctx *ctx, const char *offer_id, const char *customer_id,
                        mkt_offer_usage *out);

/** Breakdowns for mkt_offer_usage_report(). Append-only. @since 0.1 */
typedef enum mkt_offer_usage_by {
    MKT_OFFER_USAGE_BY_ROUTE = 1,       /**< Committed redemptions per route. */
    MKT_OFFER_USAGE_BY_BOOKING_DATE = 2 /**< Committed redemptions per booking date. */
} mkt_offer_usage_by;

/**
 * Committed redemptions of @p offer_id broken down by route or booking date, as CSV text
 * ("route,redemptions\nJFK-LHR,3\n"), rows in ascending key order.
 * @param out receives the NUL-terminated text; release with mkt_free().
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM, store errors.
 * @since 0.1
 */
int mkt_offer_usage_report(mkt_ctx *ctx, const char *offer_id, int32_t by, char **out);

/* ------------------------------------------------------------------------------------------ */
/* Stacking                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/** Most codes mkt_offers_stack() accepts (the search is exact over 2^n subsets). @since 0.1 */
#define MKT_OFFER_STACK_MAX 16

/** Create a stack result. @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM. @since 0.1 */
int mkt_offer_stack_new(mkt_offer_stack **out, mkt_ctx *ctx);

/** Free a stack result. NULL is ignored. @since 0.1 */
void mkt_offer_stack_free(mkt_offer_stack *stack);

/**
 * Choose, among @p codes, the combination with the largest total discount for @p booking:
 * every chosen code valid on its own; with two or more, every chosen offer stackable and each
 * in the other's combine-with list (when it has one); at most one code per offer. Discounts
 * apply in priority order (higher first, then offer id), each percentage on what is left.
 * Ties: fewer codes, then the earliest codes in input order. Each code left out gets its
 * reasons (its own failed rules, or NOT_STACKABLE / NOT_COMBINABLE / DUPLICATE /
 * LOWER_DISCOUNT).
 * @param n 1..::MKT_OFFER_STACK_MAX.
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ETOOBIG (n too large), errors of validation.
 * @since 0.1
 */
int mkt_offers_stack(const mkt_offers *offers, mkt_ctx *ctx, const char *const *codes,
                     size_t n, const mkt_offer_booking *booking, mkt_offer_stack *stack);

/** Total discount of the chosen combination. @since 0.1 */
int64_t mkt_offer_stack_total(const mkt_offer_stack *stack);

/** Number of codes decided on (the @p n of the last mkt_offers_stack()). @since 0.1 */
size_t mkt_offer_stack_count(const mkt_offer_stack *stack);

/** 1 if code @p index is in the chosen combination. @since 0.1 */
int32_t mkt_offer_stack_chosen(const mkt_offer_stack *stack, size_t index);

/** Position of code @p index in the order discounts apply (0-based), or -1 if left out.
 *  @since 0.1 */
int32_t mkt_offer_stack_order(const mkt_offer_stack *stack, size_t index);

/**
 * The decision on code @p index (borrowed until the next mkt_offers_stack()): for a chosen
 * code its discount inside the combination; for one left out valid 0 and its reasons.
 * @since 0.1
 */
const mkt_offer_result *mkt_offer_stack_item(const mkt_offer_stack *stack, size_t index);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_OFFER_H */

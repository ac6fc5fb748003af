/* SPDX-License-Identifier: MIT */
/**
 * @file rfm.h
 * @brief RFM analysis: per-customer recency, frequency and monetary value over a window of
 *        confirmed bookings, scored 1..5 (5 best) by fixed thresholds or exactly as SQL's
 *        `NTILE(k) OVER (ORDER BY ...)`, and named segments for all 125 R-F-M codes.
 *
 * The work is two steps that can be used apart:
 * 1. facts: recency (days from the last booking to the as-of date D), frequency (bookings) and
 *    monetary (sum of total_amount, exact minor units) per customer, from the confirmed
 *    bookings with D - window_months < booking_date <= D (mkt_rfm_compute() does this from a
 *    table);
 * 2. scoring: mkt_rfm_score_facts() turns an array of facts into scores, codes and segments,
 *    whatever produced the facts.
 *
 * doc/rfm.md defines everything exactly: the thresholds, the NTILE rule, the complete table of
 * the 125 codes and their segments, and the currency conversion with its rounding.
 *
 * Thread safety: a result (::mkt_rfm) and an exchange-rate table (::mkt_rfm_fx) are read-only
 * once made and may be read from many threads; the functions that make them use one context
 * at a time. mkt_rfm_apply() modifies its table.
 */
#ifndef LIBMARKETING_RFM_H
#define LIBMARKETING_RFM_H

#include "common.h"
#include "ctx.h"
#include "data.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An RFM result: one row per scored customer, sorted by customer id (opaque). @since 0.1 */
typedef struct mkt_rfm mkt_rfm;
/** Exchange rates to one base currency (opaque). @since 0.1 */
typedef struct mkt_rfm_fx mkt_rfm_fx;

/** How R, F and M are scored. Append-only. @since 0.1 */
typedef enum mkt_rfm_scoring {
    /** Fixed thresholds (the seed's; configurable in ::mkt_rfm_options). Needs 5 buckets. */
    MKT_RFM_FIXED = 1,
    /** SQL `NTILE(buckets) OVER (ORDER BY ...)`: R by recency descending, F by frequency
     *  ascending, M by monetary ascending, ties by customer id ascending (byte order). */
    MKT_RFM_NTILE = 2
} mkt_rfm_scoring;

/**
 * The 11 named RFM segments. Append-only. ::MKT_RFM_SEGMENT_NONE is the segment of every
 * customer when scores are not 1..5 (buckets other than 5).
 * @since 0.1
 */
typedef enum mkt_rfm_segment {
    MKT_RFM_SEGMENT_NONE = 0,
    MKT_RFM_CHAMPIONS = 1,
    MKT_RFM_LOYAL_CUSTOMERS = 2,
    MKT_RFM_POTENTIAL_LOYALISTS = 3,
    MKT_RFM_RECENT_CUSTOMERS = 4,
    MKT_RFM_PROMISING = 5,
    MKT_RFM_NEEDS_ATTENTION = 6,
    MKT_RFM_ABOUT_TO_SLEEP = 7,
    MKT_RFM_AT_RISK = 8,
    MKT_RFM_CANT_LOSE_THEM = 9,
    MKT_RFM_HIBERNATING = 10,
    MKT_RFM_LOST = 11
} mkt_rfm_segment;

/** Number of named segments (1 .. MKT_RFM_SEGMENT_COUNT). @since 0.1 */
#define MKT_RFM_SEGMENT_COUNT 11
/** Entries of a segment map: one per code, index (r-1)*25 + (f-1)*5 + (m-1). @since 0.1 */
#define MKT_RFM_MAP_SIZE 125

/**
 * Options of mkt_rfm_compute() and mkt_rfm_score_facts(). Initialise with
 * mkt_rfm_options_init() or ::MKT_RFM_OPTIONS_INIT; grows only at the end.
 * @since 0.1
 */
typedef struct mkt_rfm_options {
    size_t struct_size;       /**< sizeof(mkt_rfm_options) as the caller compiled it. */
    mkt_date as_of;           /**< D; ::MKT_NULL_DATE (default): today's UTC date from the
                                   context's clock. Only mkt_rfm_compute() reads it. */
    int32_t window_months;    /**< Window in calendar months, 1..1200 (default 12). */
    int32_t scoring;          /**< An ::mkt_rfm_scoring (default ::MKT_RFM_NTILE). */
    int32_t buckets;          /**< Scores 1..buckets, 1..9 (default 5; FIXED needs 5). */
    /** R upper bounds in days: recency <= [0] scores 5, <= [1] 4, <= [2] 3, <= [3] 2, else 1
     *  (default 30, 90, 180, 365). Strictly increasing, >= 0. */
    int32_t recency_days[4];
    /** F lower bounds: frequency >= [3] scores 5, >= [2] 4, >= [1] 3, >= [0] 2, else 1
     *  (default 2, 3, 5, 10). Strictly increasing, >= 1. */
    int64_t frequency_min[4];
    /** M upper bounds in minor units: monetary <= [0] scores 1, <= [1] 2, <= [2] 3,
     *  <= [3] 4, else 5 (default 50000, 100000, 250000, 500000). Strictly increasing, >= 0. */
    int64_t monetary_max[4];
    /** ::MKT_RFM_MAP_SIZE segment values (1..::MKT_RFM_SEGMENT_COUNT) indexed by
     *  (r-1)*25 + (f-1)*5 + (m-1), or NULL (default) for the built-in map of doc/rfm.md.
     *  Read during the call only. */
    const int32_t *segment_map;
    /** Exchange rates: every amount is converted to the base currency. NULL (default): all
     *  scored bookings must share one currency. Only mkt_rfm_compute() reads it. */
    const mkt_rfm_fx *fx;
} mkt_rfm_options;

/** Static initialiser with every option at its default. @since 0.1 */
#define MKT_RFM_OPTIONS_INIT                                                                  \
    { sizeof(mkt_rfm_options), MKT_NULL_DATE, 12, MKT_RFM_NTILE, 5, { 30, 90, 180, 365 },    \
      { 2, 3, 5, 10 }, { 50000, 100000, 250000, 500000 }, NULL, NULL }

/**
 * Set @p opts to the defaults with struct_size filled in.
 * @return ::MKT_OK, or ::MKT_EINVAL if @p opts is NULL.
 * @since 0.1
 */
int mkt_rfm_options_init(mkt_rfm_options *opts);

/**
 * The facts of one customer, input of mkt_rfm_score_facts(). This element type of arrays
 * never changes (no struct_size).
 * @since 0.1
 */
typedef struct mkt_rfm_facts {
    const char *customer_id; /**< The id bytes (need not be NUL-terminated); ties of NTILE
                                  are broken by them in byte order. */
    size_t id_len;           /**< Bytes of @p customer_id. */
    int32_t recency;         /**< Days since the last booking, >= 0. */
    int64_t frequency;       /**< Bookings, >= 1. */
    int64_t monetary;        /**< Sum of amounts in minor units. */
} mkt_rfm_facts;

/** Scores of one customer, output of mkt_rfm_score_facts(). Never grows. @since 0.1 */
typedef struct mkt_rfm_score {
    int32_t r, f, m;  /**< 1..buckets, higher is better. */
    int32_t code;     /**< r * 100 + f * 10 + m, e.g. 545. */
    int32_t segment;  /**< An ::mkt_rfm_segment (::MKT_RFM_SEGMENT_NONE unless buckets is 5). */
} mkt_rfm_score;

/**
 * Score @p n customers' facts: @p out[i] gets the scores of @p facts[i]. Pure: the result
 * depends only on the facts and the scoring options (as_of, window_months and fx are not
 * read). NTILE sorts by (key, id bytes) with a stable O(n log n) sort; customers with equal
 * ids keep their input order. @p facts and @p out may be NULL when @p n is 0.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL argument, bad option or struct_size, negative
 *         recency, frequency < 1, an id NULL with a non-zero length), ::MKT_ENOMEM.
 * Thread safety: uses @p ctx; only reads @p facts.
 * @since 0.1
 */
int mkt_rfm_score_facts(mkt_ctx *ctx, const mkt_rfm_facts *facts, size_t n,
                        const mkt_rfm_options *opts, mkt_rfm_score *out);

/**
 * Compute RFM for every customer of @p table with at least one confirmed booking in the
 * window (D - window_months < booking date <= D, the booking date being the UTC date of
 * booking_time), and score them.
 * @param[out] out  the result; release with mkt_rfm_free(). NULL on failure.
 * @param opts      NULL for defaults.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL argument, bad option; the bookings in the window span
 *         several currencies and no fx table is given: the message names them),
 *         ::MKT_ENOTFOUND (fx given but without a rate for a currency found; named),
 *         ::MKT_ERANGE (D - window outside years 1..9999, a sum overflows), ::MKT_ENOMEM, or
 *         the clock's error.
 * Thread safety: uses @p ctx; the table is only read.
 * @since 0.1
 */
int mkt_rfm_compute(mkt_rfm **out, mkt_ctx *ctx, const mkt_table *table,
                    const mkt_rfm_options *opts);

/**
 * As mkt_rfm_compute(), straight from bookings.csv (or .gz) at @p path without loading it:
 * every record is checked as mkt_table_load_bookings() checks it (errors name file, line and
 * column; duplicate booking ids included), the parsing threads drop the bookings outside the
 * window, and memory follows the customers scored, not the file. Plain files are parsed by
 * @p load->threads threads. ::mkt_rfm_row::customer_row is UINT64_MAX (no table). At most 64
 * currencies in one file (::MKT_ETOOBIG beyond).
 * @param load  separator, threads and progress of the read; NULL for defaults.
 * @return as mkt_rfm_compute(), and as mkt_table_load_bookings() for the file.
 * @since 0.1
 */
int mkt_rfm_compute_file(mkt_rfm **out, mkt_ctx *ctx, const char *path,
                         const mkt_rfm_options *opts, const mkt_load_options *load);

/** Free a result. NULL is ignored. @since 0.1 */
void mkt_rfm_free(mkt_rfm *rfm);

/** Number of scored customers (0 for NULL). @since 0.1 */
uint64_t mkt_rfm_count(const mkt_rfm *rfm);

/** The as-of date D the result was computed at (::MKT_NULL_DATE for NULL). @since 0.1 */
mkt_date mkt_rfm_as_of(const mkt_rfm *rfm);

/** One row of a result. Strings are owned by the result. @since 0.1 */
typedef struct mkt_rfm_row {
    size_t struct_size;      /**< sizeof(mkt_rfm_row) as the caller compiled it. */
    const char *customer_id; /**< NUL-terminated. */
    size_t id_len;
    uint64_t customer_row;   /**< The customer's row in the table; UINT64_MAX from a file. */
    int32_t recency;         /**< Days. */
    int64_t frequency;
    int64_t monetary;        /**< Minor units (of the base currency with fx). */
    int32_t r, f, m, code, segment;
    /** 100 * PERCENT_RANK() OVER (ORDER BY monetary): the share of scored customers with a
     *  smaller monetary value, 0..100 (equal values share one figure; 0 for a lone row). */
    double monetary_percentile;
} mkt_rfm_row;

/**
 * Read row @p index (0-based; rows are sorted by customer id in byte order). Only the fields
 * inside @p out->struct_size are written.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (index out of range), ::MKT_EINVAL (NULL, struct_size).
 * @since 0.1
 */
int mkt_rfm_get(const mkt_rfm *rfm, uint64_t index, mkt_rfm_row *out);

/**
 * Find the row of a customer id (binary search).
 * @return ::MKT_OK, ::MKT_ENOTFOUND (not scored), ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_rfm_find(const mkt_rfm *rfm, const char *customer_id, size_t id_len, uint64_t *index);

/** Summary figures of one segment of a result. @since 0.1 */
typedef struct mkt_rfm_summary {
    size_t struct_size;     /**< sizeof(mkt_rfm_summary) as the caller compiled it. */
    int32_t segment;        /**< The ::mkt_rfm_segment asked for. */
    uint64_t customers;
    double share;           /**< customers / all scored customers (0 when none). */
    double avg_recency;     /**< Days; 0 when the segment is empty. */
    double avg_frequency;
    double avg_monetary;    /**< Minor units. */
    int64_t total_monetary; /**< Minor units, exact. */
} mkt_rfm_summary;

/**
 * Summary of @p segment (0 .. ::MKT_RFM_SEGMENT_COUNT; 0 gathers the customers without a
 * named segment). Only the fields inside @p out->struct_size are written.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (segment out of range), ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_rfm_summary_get(const mkt_rfm *rfm, int32_t segment, mkt_rfm_summary *out);

/**
 * Display name of a segment ("Champions", "Can't Lose Them", ...; "" for
 * ::MKT_RFM_SEGMENT_NONE), or NULL when out of range. Static storage; thread-safe.
 * @since 0.1
 */
const char *mkt_rfm_segment_name(int32_t segment);

/**
 * The segment of a name as mkt_rfm_segment_name() spells it (exact match).
 * @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_rfm_segment_from_name(const char *name, int32_t *segment);

/**
 * The built-in segment of the code r-f-m (each 1..5). Thread-safe.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL, a score outside 1..5).
 * @since 0.1
 */
int mkt_rfm_default_segment(int32_t r, int32_t f, int32_t m, int32_t *segment);

/**
 * Write the result into typed, read-only columns of @p table so that segment rules can name
 * them: rfm.recency (INT), rfm.frequency (INT), rfm.monetary (MONEY), rfm.r, rfm.f, rfm.m
 * (INT), rfm.code (STRING, e.g. "545"), rfm.segment (STRING, the segment's name; null
 * without a named segment) and rfm.monetary_percentile (NUMBER, see ::mkt_rfm_row).
 * Customers the result does not score are null. The columns are created by the first call
 * and overwritten by later ones; they are not updated when the table changes. Rows are
 * matched by customer id, so @p rfm may come from this table, another one or a file
 * (mkt_rfm_compute_file()); customers it scores that the table does not hold are left out.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL), ::MKT_EEXIST (a column of that name exists with
 *         another type), ::MKT_ENOMEM.
 * Thread safety: modifies @p table; no other thread may use it meanwhile.
 * @since 0.1
 */
int mkt_rfm_apply(mkt_table *table, const mkt_rfm *rfm);

/* ---- exchange rates ---------------------------------------------------------------------- */

/** Create an empty rate table. @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM. @since 0.1 */
int mkt_rfm_fx_new(mkt_rfm_fx **out, mkt_ctx *ctx);

/** Free a rate table. NULL is ignored. @since 0.1 */
void mkt_rfm_fx_free(mkt_rfm_fx *fx);

/**
 * Add or replace the rate of @p currency (three capital letters): one unit of it is @p rate
 * units of the base currency, @p rate a decimal text ("1", "0.9134", "157.25") with at most 9
 * fractional digits, > 0 and < 1000000000. The base currency itself needs a rate too
 * (usually "1").
 * @return ::MKT_OK, ::MKT_EINVAL (NULL, bad currency code), ::MKT_EPARSE (rate not a decimal),
 *         ::MKT_ERANGE (zero, too large, more than 9 fractional digits), ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_rfm_fx_add(mkt_rfm_fx *fx, const char *currency, const char *rate);

/**
 * Add the rates of a CSV file (plain or .gz) with the header `currency,rate_to_base` (other
 * columns are ignored), as mkt_rfm_fx_add(). All-or-nothing: on failure no rate is added.
 * @return ::MKT_OK, ::MKT_EIO, ::MKT_EPARSE (the message names file, line and column; also a
 *         currency listed twice), ::MKT_ERANGE, ::MKT_EINVAL, ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_rfm_fx_load(mkt_rfm_fx *fx, const char *path);

/** Number of currencies with a rate. @since 0.1 */
uint32_t mkt_rfm_fx_count(const mkt_rfm_fx *fx);

/**
 * Convert @p amount minor units of @p currency to the base currency: amount * rate, exactly,
 * rounded half to even to whole minor units.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (no rate for @p currency), ::MKT_ERANGE (the result does
 *         not fit int64), ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_rfm_fx_convert(const mkt_rfm_fx *fx, const char *currency, int64_t amount,
                       int64_t *out);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_RFM_H */

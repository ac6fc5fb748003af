/* SPDX-License-Identifier: MIT */
/**
 * @file lifecycle.h
 * @brief Lifecycle stages: Prospect, New, Active, Engaged, At-Risk, Churned, Reactivated, with
 *        a total precedence so that every customer gets exactly one stage.
 *
 * A booking counts when it is CONFIRMED and its date (the UTC date of booking_time) is on or
 * before the as-of date D; "n days ago" is D minus that date. With those bookings, the first
 * rule that holds gives the stage (doc/rfm.md has the table of overlaps):
 *
 * 1. Prospect: no booking.
 * 2. Churned: the last booking is more than 180 days ago.
 * 3. At-Risk: the last booking is 91..180 days ago (wins over Engaged).
 * 4. New: the first booking ever is at most 30 days ago (wins over Active and Engaged).
 * 5. Reactivated: a booking at most 90 days ago follows the previous booking after a gap of
 *    more than 180 days (wins over Active and Engaged).
 * 6. Engaged: 5 or more bookings at most 180 days ago.
 * 7. Active: every other customer, whose last booking is at most 90 days ago: 2 or more
 *    bookings in the last 90 days, and also the gap of the seed's definitions (a single
 *    booking in the last 90 days that is not the first ever nor a return).
 *
 * Thread safety: a result is read-only once made; mkt_lifecycle_apply() modifies its table.
 */
#ifndef LIBMARKETING_LIFECYCLE_H
#define LIBMARKETING_LIFECYCLE_H

#include "common.h"
#include "ctx.h"
#include "data.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A lifecycle result: one row per customer of the table, sorted by id (opaque). @since 0.1 */
typedef struct mkt_lifecycle mkt_lifecycle;

/** Lifecycle stages. Append-only. @since 0.1 */
typedef enum mkt_lifecycle_stage {
    MKT_STAGE_PROSPECT = 1,
    MKT_STAGE_NEW = 2,
    MKT_STAGE_ACTIVE = 3,
    MKT_STAGE_ENGAGED = 4,
    MKT_STAGE_AT_RISK = 5,
    MKT_STAGE_CHURNED = 6,
    MKT_STAGE_REACTIVATED = 7
} mkt_lifecycle_stage;

/** Number of stages (1 .. MKT_LIFECYCLE_STAGE_COUNT). @since 0.1 */
#define MKT_LIFECYCLE_STAGE_COUNT 7

/**
 * What decides a customer's stage, from the counted bookings (see the file comment). Dates
 * are ::MKT_NULL_DATE when there is no such booking.
 * @since 0.1
 */
typedef struct mkt_lifecycle_facts {
    size_t struct_size;        /**< sizeof(mkt_lifecycle_facts) as the caller compiled it. */
    mkt_date first_date;       /**< First booking ever. */
    mkt_date last_date;        /**< Last booking. */
    int64_t count_90;          /**< Bookings at most 90 days ago. */
    int64_t count_180;         /**< Bookings at most 180 days ago. */
    mkt_date last_before_90;   /**< Latest booking more than 90 days ago. */
    mkt_date first_within_90;  /**< Earliest booking at most 90 days ago. */
} mkt_lifecycle_facts;

/** Static initialiser: no bookings. @since 0.1 */
#define MKT_LIFECYCLE_FACTS_INIT                                                              \
    { sizeof(mkt_lifecycle_facts), MKT_NULL_DATE, MKT_NULL_DATE, 0, 0, MKT_NULL_DATE,           \
      MKT_NULL_DATE }

/** Set @p facts to "no bookings". @return ::MKT_OK or ::MKT_EINVAL. @since 0.1 */
int mkt_lifecycle_facts_init(mkt_lifecycle_facts *facts);

/**
 * The stage of a customer with @p facts at date @p as_of. Pure and thread-safe.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL, struct_size too small, or facts that contradict each
 *         other or lie after @p as_of).
 * @since 0.1
 */
int mkt_lifecycle_stage_of(const mkt_lifecycle_facts *facts, mkt_date as_of, int32_t *stage);

/**
 * Display name of a stage ("Prospect", "New", "Active", "Engaged", "At-Risk", "Churned",
 * "Reactivated"), or NULL when out of range. Static storage; thread-safe.
 * @since 0.1
 */
const char *mkt_lifecycle_stage_name(int32_t stage);

/**
 * The stage of every customer of @p table at @p as_of (::MKT_NULL_DATE: today's UTC date
 * from the context's clock). One pass over the bookings.
 * @param[out] out  the result; release with mkt_lifecycle_free(). NULL on failure.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL), ::MKT_ERANGE (@p as_of outside years 1..9999),
 *         ::MKT_ENOMEM, or the clock's error.
 * Thread safety: uses @p ctx; the table is only read.
 * @since 0.1
 */
int mkt_lifecycle_compute(mkt_lifecycle **out, mkt_ctx *ctx, const mkt_table *table,
                          mkt_date as_of);

/** Free a result. NULL is ignored. @since 0.1 */
void mkt_lifecycle_free(mkt_lifecycle *lc);

/** Number of rows (customers) of a result (0 for NULL). @since 0.1 */
uint64_t mkt_lifecycle_count(const mkt_lifecycle *lc);

/** The as-of date of a result (::MKT_NULL_DATE for NULL). @since 0.1 */
mkt_date mkt_lifecycle_as_of(const mkt_lifecycle *lc);

/** One row of a lifecycle result. Strings are owned by the result. @since 0.1 */
typedef struct mkt_lifecycle_row {
    size_t struct_size;      /**< sizeof(mkt_lifecycle_row) as the caller compiled it. */
    const char *customer_id; /**< NUL-terminated. */
    size_t id_len;
    uint64_t customer_row;   /**< The customer's row in the table; UINT64_MAX from a file. */
    int32_t stage;           /**< An ::mkt_lifecycle_stage. */
    mkt_date first_date;     /**< As in ::mkt_lifecycle_facts. */
    mkt_date last_date;
    int64_t count_90;
    int64_t count_180;
} mkt_lifecycle_row;

/**
 * Read row @p index (0-based; rows are sorted by customer id in byte order). Only the fields
 * inside @p out->struct_size are written.
 * @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_lifecycle_get(const mkt_lifecycle *lc, uint64_t index, mkt_lifecycle_row *out);

/**
 * Number of customers in @p stage.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (stage out of range), ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_lifecycle_stage_count(const mkt_lifecycle *lc, int32_t stage, uint64_t *count);

/**
 * Write the stages into the read-only STRING column lifecycle.stage of @p table (created by
 * the first call, overwritten by later ones, not updated when the table changes) so that
 * segment rules can name it. Rows are matched by customer id, so @p lc may come from this
 * table, another one or a file (mkt_lifecycle_compute_file()); customers of the table it does
 * not name had no booking there and are Prospect; customers it names that the table does not
 * hold are left out.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL), ::MKT_EEXIST (a column of that name exists with
 *         another type), ::MKT_ENOMEM.
 * Thread safety: modifies @p table.
 * @since 0.1
 */
int mkt_lifecycle_apply(mkt_table *table, const mkt_lifecycle *lc);

/**
 * As mkt_lifecycle_compute(), straight from bookings.csv (or .gz) at @p path without loading
 * it: every record is checked as mkt_table_load_bookings() checks it (errors name file, line
 * and column), the customers are those of the file (as a load creates them; Prospect when
 * none of their bookings counts), and memory follows the customers, not the file. Plain files are parsed by @p load->threads
 * threads. ::mkt_lifecycle_row::customer_row is UINT64_MAX (no table).
 * @param load  separator, threads and progress of the read; NULL for defaults.
 * @return as mkt_lifecycle_compute(), and as mkt_table_load_bookings() for the file.
 * @since 0.1
 */
int mkt_lifecycle_compute_file(mkt_lifecycle **out, mkt_ctx *ctx, const char *path,
                               mkt_date as_of, const mkt_load_options *load);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_LIFECYCLE_H */

/* SPDX-License-Identifier: MIT */
/**
 * @file values.h
 * @brief Dates, timestamps and money: parsing, formatting and calendar arithmetic.
 *
 * These are the exact conversions every loader uses, exported so that hosts and bindings
 * produce and read values the same way. All functions are pure and thread-safe.
 */
#ifndef LIBMARKETING_VALUES_H
#define LIBMARKETING_VALUES_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Buffer size that holds any formatted date ("-YYYYYY-MM-DD" worst case) plus NUL. @since 0.1 */
#define MKT_DATE_BUFSZ 16
/** Buffer size that holds any formatted UTC timestamp plus NUL. @since 0.1 */
#define MKT_TIME_BUFSZ 32
/** Buffer size that holds any formatted money amount (int64 minor units) plus NUL. @since 0.1 */
#define MKT_MONEY_BUFSZ 32

/**
 * Build a date from a year (1..9999), month (1..12) and day (1..days in month).
 * @return ::MKT_OK, ::MKT_EINVAL if @p out is NULL, ::MKT_ERANGE for an impossible date.
 * @since 0.1
 */
int mkt_date_from_ymd(mkt_date *out, int32_t year, int32_t month, int32_t day);

/**
 * Split a date into year, month and day. Any pointer may be NULL.
 * @since 0.1
 */
void mkt_date_to_ymd(mkt_date date, int32_t *year, int32_t *month, int32_t *day);

/**
 * Parse exactly @p len bytes of "YYYY-MM-DD" (no surrounding space) into a date.
 * @return ::MKT_OK, ::MKT_EINVAL on NULL arguments, ::MKT_EPARSE if the text is not a valid date.
 * @since 0.1
 */
int mkt_date_parse(mkt_date *out, const char *text, size_t len);

/**
 * Format a date as "YYYY-MM-DD" into @p buf (at least ::MKT_DATE_BUFSZ bytes, NUL-terminated).
 * @return ::MKT_OK, ::MKT_EINVAL if @p buf is NULL or @p size too small.
 * @since 0.1
 */
int mkt_date_format(mkt_date date, char *buf, size_t size);

/**
 * Add @p months calendar months to @p date; a day past the end of the target month is clamped
 * to its last day (2024-01-31 + 1 month = 2024-02-29), as SQL's `date + interval 'n months'`.
 * @return ::MKT_OK, ::MKT_EINVAL on NULL @p out, ::MKT_ERANGE if the result leaves years 1..9999.
 * @since 0.1
 */
int mkt_date_add_months(mkt_date *out, mkt_date date, int32_t months);

/**
 * Parse exactly @p len bytes of an ISO-8601 timestamp: "YYYY-MM-DDTHH:MM:SS" with optional
 * fraction ".fff" (truncated to whole seconds), followed by "Z" or "+HH:MM"/"-HH:MM"; a space
 * may stand for "T". A bare date "YYYY-MM-DD" is accepted as midnight UTC. A timestamp without
 * a zone designator is read as UTC.
 * @return ::MKT_OK, ::MKT_EINVAL on NULL arguments, ::MKT_EPARSE on malformed text.
 * @since 0.1
 */
int mkt_time_parse(mkt_time *out, const char *text, size_t len);

/**
 * Format a timestamp as "YYYY-MM-DDTHH:MM:SSZ" into @p buf (at least ::MKT_TIME_BUFSZ bytes).
 * @return ::MKT_OK, ::MKT_EINVAL if @p buf is NULL or @p size too small, ::MKT_ERANGE if the
 *         year leaves 1..9999.
 * @since 0.1
 */
int mkt_time_format(mkt_time t, char *buf, size_t size);

/** The calendar date (UTC) of a timestamp, rounding toward the past. @since 0.1 */
mkt_date mkt_time_to_date(mkt_time t);

/**
 * Parse exactly @p len bytes of a decimal amount ("1234", "-12.5", "0.07") into integer minor
 * units with @p decimals fraction digits (2 for cents). More fraction digits than @p decimals
 * is an error: the library never rounds money silently. No exponent, no thousands separators.
 * @return ::MKT_OK, ::MKT_EINVAL on NULL arguments or @p decimals outside 0..9,
 *         ::MKT_EPARSE on malformed text or excess precision, ::MKT_ERANGE on int64 overflow.
 * @since 0.1
 */
int mkt_money_parse(int64_t *out, const char *text, size_t len, int32_t decimals);

/**
 * Format @p minor units with @p decimals fraction digits ("-12.50") into @p buf
 * (at least ::MKT_MONEY_BUFSZ bytes).
 * @return ::MKT_OK, ::MKT_EINVAL if @p buf is NULL, @p size too small or @p decimals outside 0..9.
 * @since 0.1
 */
int mkt_money_format(int64_t minor, int32_t decimals, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_VALUES_H */

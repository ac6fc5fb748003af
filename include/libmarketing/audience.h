/* SPDX-License-Identifier: MIT */
/**
 * @file audience.h
 * @brief Audiences: include segments (all of them, or any of them) minus exclude segments,
 *        deterministic random samples of a member set, and export of member ids to CSV files
 *        (optionally gzip-compressed) written atomically.
 *
 * An audience is an ordinary ::mkt_members set, so its size preview is mkt_members_count() and
 * the set algebra of segment.h applies to it.
 *
 * Thread safety: member sets are used by one thread at a time; segments and tables are only
 * read. Each thread passes its own ::mkt_ctx.
 */
#ifndef LIBMARKETING_AUDIENCE_H
#define LIBMARKETING_AUDIENCE_H

#include "common.h"
#include "ctx.h"
#include "data.h"
#include "segment.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How the include segments of an audience combine. Append-only. @since 0.1 */
typedef enum mkt_audience_logic {
    MKT_AUDIENCE_AND = 1, /**< Members of every include segment. */
    MKT_AUDIENCE_OR = 2   /**< Members of at least one include segment. */
} mkt_audience_logic;

/**
 * Combine member sets into an audience: the include sets joined with @p logic, minus every
 * member of any exclude set. All sets must range over the same rows.
 * @param[out] out  the audience; release with mkt_members_free().
 * @param include   @p ninclude >= 1 sets.
 * @param logic     an ::mkt_audience_logic.
 * @param exclude   @p nexclude sets (NULL when @p nexclude is 0).
 * @return ::MKT_OK, ::MKT_EINVAL (NULL argument, no include set, bad logic, sets over
 *         different numbers of rows), ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_audience_combine(mkt_members **out, mkt_ctx *ctx, const mkt_members *const *include,
                         size_t ninclude, int32_t logic, const mkt_members *const *exclude,
                         size_t nexclude);

/**
 * Evaluate compiled segments over @p table and combine them as mkt_audience_combine().
 * @return ::MKT_OK, the errors of mkt_segment_evaluate(), and those of
 *         mkt_audience_combine().
 * Thread safety: uses @p ctx; the segments and the table are only read.
 * @since 0.1
 */
int mkt_audience_evaluate(mkt_members **out, mkt_ctx *ctx, const mkt_table *table,
                          const mkt_segment *const *include, size_t ninclude, int32_t logic,
                          const mkt_segment *const *exclude, size_t nexclude);

/**
 * A random sample of @p n members, deterministic given @p seed: every member is ranked by
 * mkt__hash64(customer id bytes, seed) — the library's stable 64-bit hash, fixed forever and
 * the same on every platform — ties broken by the id bytes, and the @p n lowest ranks are
 * taken (all members when @p n >= their count). The sample depends only on the seed and the
 * members' customer ids, not on row order or the table's other contents, and the sample of a
 * smaller @p n is contained in that of a larger one. O(members * log n) time, O(n) memory.
 * @param table     the table @p members was evaluated on (for the customer ids).
 * @param[out] out  the sample, over the same rows; release with mkt_members_free().
 * @return ::MKT_OK, ::MKT_EINVAL (NULL argument; the set has more rows than the table),
 *         ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_members_sample(mkt_members **out, mkt_ctx *ctx, const mkt_members *members,
                       const mkt_table *table, uint64_t n, uint64_t seed);

/** Compression of an export. Append-only. @since 0.1 */
typedef enum mkt_export_gzip {
    MKT_EXPORT_GZIP_AUTO = 0,  /**< gzip when the path ends in ".gz" (never for a descriptor). */
    MKT_EXPORT_GZIP_ALWAYS = 1,/**< Always gzip. */
    MKT_EXPORT_GZIP_NEVER = 2  /**< Never gzip. */
} mkt_export_gzip;

/** Options of the member exports. Initialise with mkt_export_options_init(). @since 0.1 */
typedef struct mkt_export_options {
    size_t struct_size; /**< sizeof(mkt_export_options). */
    int32_t gzip;       /**< An ::mkt_export_gzip (default AUTO). */
    int32_t gzip_level; /**< zlib level 1 (fast) .. 9 (small); default 6. */
} mkt_export_options;

/** Static initialiser for ::mkt_export_options. @since 0.1 */
#define MKT_EXPORT_OPTIONS_INIT { sizeof(mkt_export_options), MKT_EXPORT_GZIP_AUTO, 6 }

/** Set @p opts to the defaults. @return ::MKT_OK or ::MKT_EINVAL. @since 0.1 */
int mkt_export_options_init(mkt_export_options *opts);

/**
 * Write the members' customer ids to @p path as CSV: a `customer_id` header, then one id per
 * line sorted by the bytes of the id (C collation; UTF-8 sorts by code point), quoted (quotes
 * doubled) only when it holds a comma, quote or line break; lines end in "\n". The file is
 * written to a temporary file in the same directory (created with mode 0666 minus the umask),
 * synced and renamed over @p path, so readers see the old file or the complete new one and a
 * failure leaves no partial file behind.
 * @param table  the table @p members was evaluated on.
 * @param opts   NULL for defaults.
 * @return ::MKT_OK, ::MKT_EIO (the message names @p path and the system's reason),
 *         ::MKT_EINVAL (NULL argument, bad option, set larger than the table), ::MKT_ENOMEM.
 * Thread safety: uses @p ctx; the set and the table are only read.
 * @since 0.1
 */
int mkt_members_export_csv(const mkt_members *members, mkt_ctx *ctx, const mkt_table *table,
                           const char *path, const mkt_export_options *opts);

/**
 * As mkt_members_export_csv(), written to an open file descriptor (a pipe, standard output)
 * instead of a file: not atomic, and the descriptor stays open. gzip only when @p opts asks
 * for ::MKT_EXPORT_GZIP_ALWAYS.
 * @return ::MKT_OK, ::MKT_EIO (the message names the descriptor), ::MKT_EINVAL, ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_members_export_csv_fd(const mkt_members *members, mkt_ctx *ctx, const mkt_table *table,
                              int fd, const mkt_export_options *opts);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_AUDIENCE_H */

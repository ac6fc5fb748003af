/* SPDX-License-Identifier: MIT */
/**
 * @file common.h
 * @brief Status codes, version information, value types and memory release shared by every
 *        libmarketing module.
 *
 * Conventions used throughout the API:
 * - Functions return `int`: ::MKT_OK (0) or a negative ::mkt_status value.
 * - Timestamps (::mkt_time) are signed 64-bit seconds since 1970-01-01T00:00:00Z (UTC).
 * - Calendar dates (::mkt_date) are signed 32-bit days since 1970-01-01 (proleptic Gregorian).
 * - Money is `int64_t` minor units (cents) with an ISO 4217 code beside it; never a float.
 * - Booleans are `int32_t` 0/1 (no `bool` in the ABI).
 * - Memory the caller owns is released with mkt_free(), never with free().
 */
#ifndef LIBMARKETING_COMMON_H
#define LIBMARKETING_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Major version of the headers being compiled against. @since 0.1 */
#define MKT_VERSION_MAJOR 0
/** Minor version of the headers. @since 0.1 */
#define MKT_VERSION_MINOR 1
/** Patch version of the headers. @since 0.1 */
#define MKT_VERSION_PATCH 0
/** Version of the headers as a string. @since 0.1 */
#define MKT_VERSION_STRING "0.1.0"
/** Version as one comparable number: major * 10000 + minor * 100 + patch. @since 0.1 */
#define MKT_VERSION_NUMBER (MKT_VERSION_MAJOR * 10000 + MKT_VERSION_MINOR * 100 + MKT_VERSION_PATCH)

/**
 * Status codes. Append-only: values are explicit and never renumbered or reused.
 * @since 0.1
 */
typedef enum mkt_status {
    MKT_OK = 0,            /**< Success. */
    MKT_EINVAL = -1,       /**< An argument is invalid (NULL where not allowed, bad option). */
    MKT_ENOMEM = -2,       /**< An allocation failed. */
    MKT_ENOTFOUND = -3,    /**< The key, row, column or file does not exist. */
    MKT_EEXIST = -4,       /**< The key or id already exists (duplicate). */
    MKT_ECONFLICT = -5,    /**< Compare-and-set failed: the stored version differs. */
    MKT_ELIMIT = -6,       /**< A bounded increment would pass its limit. */
    MKT_EPARSE = -7,       /**< Malformed input text; see mkt_ctx_last_error() for where. */
    MKT_EIO = -8,          /**< Reading or writing a file or stream failed. */
    MKT_EUSER = -9,        /**< A host callback aborted the operation. */
    MKT_ERANGE = -10,      /**< A value is out of its allowed range, or arithmetic overflowed. */
    MKT_ETOOBIG = -11,     /**< A configured size limit was exceeded. */
    MKT_ETYPE = -12,       /**< A value or column has the wrong type. */
    MKT_EUNSUPPORTED = -13,/**< The operation is not supported (e.g. a callback not provided). */
    MKT_ESTATE = -14,      /**< The object is not in a state that allows the operation. */
    MKT_EINTERNAL = -15    /**< An internal invariant failed (a bug; please report it). */
} mkt_status;

/** A library context (opaque; see ctx.h). @since 0.1 */
typedef struct mkt_ctx mkt_ctx;

/** Seconds since 1970-01-01T00:00:00Z, UTC. @since 0.1 */
typedef int64_t mkt_time;
/** Days since 1970-01-01 in the proleptic Gregorian calendar. @since 0.1 */
typedef int32_t mkt_date;

/**
 * Static English text for a status code. Never NULL: unknown codes give "unknown status".
 * Thread-safe.
 * @since 0.1
 */
const char *mkt_strerror(int status);

/**
 * The library's version as "MAJOR.MINOR.PATCH" (static storage). Compare with
 * ::MKT_VERSION_STRING to detect a header/library mismatch. Thread-safe.
 * @since 0.1
 */
const char *mkt_version(void);

/**
 * The library's version as major * 10000 + minor * 100 + patch. Thread-safe.
 * @since 0.1
 */
int32_t mkt_version_number(void);

/**
 * Release memory that a libmarketing function returned to the caller (documented as
 * "release with mkt_free()"). It uses the allocator of the context that made the block, and
 * stays valid after that context was freed. NULL is ignored. Thread-safe.
 * @since 0.1
 */
void mkt_free(void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_COMMON_H */

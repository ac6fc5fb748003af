/* SPDX-License-Identifier: MIT */
/**
 * @file ctx.h
 * @brief The library context: created from a host interface and options; owns the last-error
 *        detail; every other object hangs off one.
 *
 * There is no global state: two contexts never share anything but read-only tables. A context
 * and the mutable objects made from it are used by one thread at a time.
 */
#ifndef LIBMARKETING_CTX_H
#define LIBMARKETING_CTX_H

#include "common.h"
#include "host.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Context options. Initialise with mkt_ctx_options_init() or ::MKT_CTX_OPTIONS_INIT; grows
 * only at the end.
 * @since 0.1
 */
typedef struct mkt_ctx_options {
    size_t struct_size;         /**< sizeof(mkt_ctx_options) as the caller compiled it. */
    int32_t log_level;          /**< Lowest ::mkt_log_level passed to the log callback
                                     (default ::MKT_LOG_WARN). */
    uint32_t max_field_bytes;   /**< Longest CSV field accepted (default 1 MiB). */
    uint32_t max_fields;        /**< Most fields in one CSV record (default 4096). */
    uint32_t max_errors;        /**< Reserved for lenient loads; 0 = stop at the first error
                                     (default 0). */
} mkt_ctx_options;

/** Static initialiser with every option at its default. @since 0.1 */
#define MKT_CTX_OPTIONS_INIT { sizeof(mkt_ctx_options), MKT_LOG_WARN, 1u << 20, 4096u, 0u }

/**
 * Set @p opts to the defaults with struct_size filled in.
 * @return ::MKT_OK, or ::MKT_EINVAL if @p opts is NULL.
 * @since 0.1
 */
int mkt_ctx_options_init(mkt_ctx_options *opts);

/**
 * Detail of the last failure on a context. Strings are owned by the context and valid until
 * the next failing call on it or mkt_ctx_free(). For parse and load errors @p source, @p line,
 * @p column and @p field say where (1-based; 0 / NULL when not applicable).
 * @since 0.1
 */
typedef struct mkt_error {
    size_t struct_size;  /**< sizeof(mkt_error) as the library filled it. */
    int32_t code;        /**< The ::mkt_status returned (::MKT_OK if nothing failed yet). */
    const char *message; /**< Full human-readable message ("bookings.csv:12:3: ..."); never NULL. */
    const char *source;  /**< File or source name, or NULL. */
    uint64_t line;       /**< 1-based line, or 0. */
    uint64_t column;     /**< 1-based column (field number for CSV), or 0. */
    const char *field;   /**< Name of the field/column concerned, or NULL. */
} mkt_error;

/**
 * Create a context.
 * @param[out] out  receives the context; set to NULL on failure.
 * @param host      callbacks, copied (NULL: every default). host->struct_size must be set.
 * @param opts      options, copied (NULL: defaults).
 * @return ::MKT_OK, ::MKT_EINVAL (NULL @p out, bad struct_size, only some allocator hooks set,
 *         invalid option), ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_ctx_new(mkt_ctx **out, const mkt_host *host, const mkt_ctx_options *opts);

/**
 * Free a context and everything it owns; calls the store's destroy hook. NULL is ignored.
 * Objects made from the context must be freed first.
 * @since 0.1
 */
void mkt_ctx_free(mkt_ctx *ctx);

/**
 * The detail of the last failure on @p ctx (never NULL for a non-NULL ctx; code ::MKT_OK and
 * message "" if nothing failed). A successful call does not clear it.
 * @since 0.1
 */
const mkt_error *mkt_ctx_last_error(const mkt_ctx *ctx);

/**
 * Forget the last error (code back to ::MKT_OK). NULL is ignored.
 * @since 0.1
 */
void mkt_ctx_clear_error(mkt_ctx *ctx);

/**
 * The context's current time (through the host clock).
 * @return ::MKT_OK, ::MKT_EINVAL, or the clock callback's error.
 * @since 0.1
 */
int mkt_ctx_now(mkt_ctx *ctx, mkt_time *out);

/**
 * Fill @p buf with @p len secure random bytes (through the host's random callback).
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_EIO, or the callback's error.
 * @since 0.1
 */
int mkt_ctx_random(mkt_ctx *ctx, void *buf, size_t len);

/**
 * Record an audit entry through the host's audit sink (or the default "audit" namespace).
 * ts is set from the context's clock when @p record->ts is 0.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL or missing action), or the sink's error.
 * @since 0.1
 */
int mkt_ctx_audit(mkt_ctx *ctx, const mkt_audit_record *record);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_CTX_H */

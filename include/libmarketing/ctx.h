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
 *
 * The default sink keeps a hash chain (doc/privacy.md, "Audit chain"): record number n
 * (1, 2, ...) is stored under the 20-digit key n and carries the SHA-256 of record n-1; the
 * chain head (last number and hash) is advanced with compare-and-set, so writers sharing a
 * store can never fork the chain. The chain covers a keyed hash of the subject and of the
 * detail, not their text, so erasing a customer (which removes that text) keeps it verifiable.
 * A failure after the record was stored (moving the head) leaves it in the chain: the record
 * of a retried operation may appear twice (at least once, never lost).
 * @return ::MKT_OK, ::MKT_EINVAL (NULL or missing action), ::MKT_ECONFLICT (the chain stayed
 *         contended for too long), ::MKT_ETYPE (the chain head is garbled), ::MKT_ESTATE (a
 *         record after the head does not chain to it: the chain is damaged; see
 *         mkt_audit_verify()), or the sink's or store's error.
 * Thread safety: one thread per context; many contexts and processes may share the store.
 * @since 0.1
 */
int mkt_ctx_audit(mkt_ctx *ctx, const mkt_audit_record *record);

/** Bytes of an audit chain hash (SHA-256). @since 0.1 */
#define MKT_AUDIT_HASH_LEN 32

/**
 * Compute the chained hash of one audit record, for hosts with their own audit sink that want
 * the same tamper evidence as the default sink: keep a sequence number and the previous
 * record's hash beside each record, and store the value this returns as the record's hash
 * (the next record's @p prev). The hash is SHA-256 over the text
 * "seq=N\nts=T\nactor=A\naction=X\nsubject_mac=H\ndetail_mac=H\nprev=H\n" (absent
 * optional fields leave out their line; H is lower-case hex; subject_mac and detail_mac are
 * HMAC-SHA-256 under the store's salt, so the subject and detail can later be erased without
 * breaking the chain). The salt is created in the store on first use.
 * @param seq     the record's 1-based position in the chain.
 * @param prev    the previous record's hash (32 zero bytes for seq 1); may not be NULL.
 * @param[out] out receives the 32-byte hash.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL argument, seq 0, missing action, ts < 0), or the
 *         store's error (reading or creating the salt).
 * Thread safety: one thread per context.
 * @since 0.1
 */
int mkt_audit_chain_hash(mkt_ctx *ctx, const mkt_audit_record *record, uint64_t seq,
                         const uint8_t *prev, uint8_t *out);

/** What mkt_audit_verify() found. Append-only. @since 0.1 */
typedef enum mkt_audit_problem {
    MKT_AUDIT_INTACT = 0,      /**< Every record chains to the next and to the head. */
    MKT_AUDIT_MODIFIED = 1,    /**< The record's content no longer has the hash its successor
                                    (or the head) chained over: edited, replaced or inserted. */
    MKT_AUDIT_GAP = 2,         /**< A record number is missing (a record was removed). */
    MKT_AUDIT_REORDERED = 3,   /**< The record sits under another number than its own. */
    MKT_AUDIT_MALFORMED = 4,   /**< A key or value the sink never writes. */
    MKT_AUDIT_BEYOND_HEAD = 5, /**< Records after the head that no writer can be finishing. */
    MKT_AUDIT_HEAD = 6,        /**< The chain head is missing or unreadable. */
    MKT_AUDIT_SUBJECT = 7      /**< A subject or detail does not match its keyed hash. */
} mkt_audit_problem;

/** The result of mkt_audit_verify(). @since 0.1 */
typedef struct mkt_audit_report {
    size_t struct_size;      /**< sizeof(mkt_audit_report) as the caller compiled it. */
    int32_t intact;          /**< 1 if nothing is wrong, else 0. */
    int32_t problem;         /**< The first ::mkt_audit_problem found. */
    uint64_t records;        /**< Records read. */
    uint64_t first_bad;      /**< Number (seq) of the first bad record; 0 when intact. */
    uint64_t head_seq;       /**< Last record number according to the head (0: empty). */
    uint8_t head_hash[MKT_AUDIT_HASH_LEN]; /**< Its hash: publish it elsewhere to anchor the
                                                chain (whoever can rewrite the whole store can
                                                rewrite a chain; not an anchored head). */
    char message[160];       /**< What is wrong, in words ("" when intact). */
} mkt_audit_report;

/**
 * Verify the default sink's audit chain in the context's store: record numbers 1..head
 * without gaps, each record's stored number equal to its key's, each record's prev equal to
 * the hash of its predecessor, the last one's hash equal to the head's, and every subject and
 * detail still present matching its keyed hash. One record past the head whose prev matches
 * is accepted (a writer between its two steps). Read-only; streams (constant memory).
 * @param[out] report filled in (struct_size must be set by the caller).
 * @return ::MKT_OK whether or not the chain is intact (see @p report), ::MKT_EINVAL, or the
 *         store's error.
 * Thread safety: one thread per context.
 * @since 0.1
 */
int mkt_audit_verify(mkt_ctx *ctx, mkt_audit_report *report);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_CTX_H */

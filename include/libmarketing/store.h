/* SPDX-License-Identifier: MIT */
/**
 * @file store.h
 * @brief The storage contract: a namespaced key-value store with versioned compare-and-set and
 *        a bounded atomic increment, implemented by the host or by the built-in memory store.
 *
 * Every stateful module (offers, consent, journeys, audit) keeps its state through this
 * contract, so that limits hold when many processes share one store.
 *
 * Semantics every implementation must follow (the library's conformance tests check them):
 * - Namespaces are NUL-terminated names ("offer.redemptions"); keys are byte strings of
 *   1..::MKT_STORE_MAX_KEY bytes; values are byte strings (may be empty).
 * - Every stored value has a version: 1 when created, +1 on every successful put or increment.
 *   Version 0 (::MKT_VERSION_ABSENT) means "no such key".
 * - put(expected): ::MKT_VERSION_ANY writes unconditionally; ::MKT_VERSION_ABSENT creates only
 *   if the key is absent; any other value writes only if the stored version equals it.
 *   A mismatch is ::MKT_ECONFLICT and changes nothing.
 * - delete(expected): the same rule; deleting an absent key is ::MKT_ENOTFOUND (or
 *   ::MKT_ECONFLICT when a specific version was expected).
 * - incr(delta, limit): a counter is a value holding the ASCII decimal text of an int64
 *   (an absent key counts as 0). Atomically: if delta >= 0 and value + delta > limit, or
 *   delta < 0 and value + delta < limit, fail with ::MKT_ELIMIT and change nothing; otherwise
 *   store value + delta and report it. A value that is not a counter is ::MKT_ETYPE.
 * - scan(prefix): calls the visitor for every key starting with the prefix, in ascending
 *   unsigned byte order of key. The visitor returns 0 to go on, a positive value to stop early
 *   (scan then returns ::MKT_OK), or a negative status that scan returns. The store must not be
 *   modified by the visitor.
 */
#ifndef LIBMARKETING_STORE_H
#define LIBMARKETING_STORE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The version of a key that does not exist; as an expected version: "create only". @since 0.1 */
#define MKT_VERSION_ABSENT ((uint64_t)0)
/** As an expected version: write whatever is stored. @since 0.1 */
#define MKT_VERSION_ANY UINT64_MAX
/** Longest key, in bytes, that every store must accept. @since 0.1 */
#define MKT_STORE_MAX_KEY 1024

/**
 * Where a store's get callback puts the value it found (opaque; see mkt_store_reply_set()).
 * @since 0.1
 */
typedef struct mkt_store_reply mkt_store_reply;

/**
 * Scan visitor. @p key and @p value are valid only during the call.
 * @return 0 to continue, > 0 to stop early, < 0 (a ::mkt_status) to abort the scan.
 * @since 0.1
 */
typedef int (*mkt_store_visit_fn)(const char *key, size_t key_len, const void *value,
                                  size_t value_len, uint64_t version, void *visit_data);

/**
 * A storage implementation (the host's, or an adapter such as examples/store-sqlite).
 * Copied by mkt_ctx_new(); the functions may be called from any thread that uses the context.
 * Every callback returns ::MKT_OK or a negative ::mkt_status; any failure other than those
 * the contract names should be ::MKT_EIO (or ::MKT_EUSER).
 * @since 0.1
 */
typedef struct mkt_store_ops {
    size_t struct_size; /**< sizeof(mkt_store_ops) as the host compiled it. */
    /** Find @p key. Found: call mkt_store_reply_set() once and return ::MKT_OK.
     *  Absent: return ::MKT_ENOTFOUND. */
    int (*get)(const char *ns, const char *key, size_t key_len, mkt_store_reply *reply,
               void *user_data);
    /** Write @p value if the stored version matches @p expected_version (see file comment);
     *  report the new version in @p *new_version. */
    int (*put)(const char *ns, const char *key, size_t key_len, const void *value,
               size_t value_len, uint64_t expected_version, uint64_t *new_version,
               void *user_data);
    /** Delete @p key if its version matches @p expected_version. */
    int (*del)(const char *ns, const char *key, size_t key_len, uint64_t expected_version,
               void *user_data);
    /** Bounded atomic increment (see file comment); report the new value in @p *result. */
    int (*incr)(const char *ns, const char *key, size_t key_len, int64_t delta, int64_t limit,
                int64_t *result, void *user_data);
    /** Visit every key with @p prefix (may be empty) in ascending byte order. */
    int (*scan)(const char *ns, const char *prefix, size_t prefix_len, mkt_store_visit_fn visit,
                void *visit_data, void *user_data);
    /** Optional: called once when the context that copied these ops is freed. */
    void (*destroy)(void *user_data);
    void *user_data; /**< Passed as the last argument of every callback above. */
} mkt_store_ops;

/**
 * Hand the value found by a get callback to the library (copies @p value).
 * Call it at most once per get.
 * @return ::MKT_OK, ::MKT_EINVAL on a NULL @p reply or a NULL @p value with non-zero length,
 *         a second call, or version 0; ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_store_reply_set(mkt_store_reply *reply, const void *value, size_t value_len,
                        uint64_t version);

/**
 * Read @p key of namespace @p ns from the context's store.
 * @param[out] value     receives a copy of the value, NUL-terminated for convenience (the NUL is
 *                       not counted in @p value_len); release with mkt_free(). May be NULL.
 * @param[out] value_len may be NULL.  @param[out] version may be NULL.
 * @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL (NULL ctx/ns/key, empty or too long key),
 *         ::MKT_ENOMEM, or the store's error.
 * Thread safety: one thread per context at a time.
 * @since 0.1
 */
int mkt_store_get(mkt_ctx *ctx, const char *ns, const char *key, size_t key_len, char **value,
                  size_t *value_len, uint64_t *version);

/**
 * Write @p key with compare-and-set on @p expected_version (::MKT_VERSION_ANY,
 * ::MKT_VERSION_ABSENT, or an exact version). @p new_version may be NULL.
 * @return ::MKT_OK, ::MKT_ECONFLICT, ::MKT_EINVAL, ::MKT_ENOMEM, or the store's error.
 * @since 0.1
 */
int mkt_store_put(mkt_ctx *ctx, const char *ns, const char *key, size_t key_len,
                  const void *value, size_t value_len, uint64_t expected_version,
                  uint64_t *new_version);

/**
 * Delete @p key if its version matches @p expected_version.
 * @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_ECONFLICT, ::MKT_EINVAL, or the store's error.
 * @since 0.1
 */
int mkt_store_delete(mkt_ctx *ctx, const char *ns, const char *key, size_t key_len,
                     uint64_t expected_version);

/**
 * Bounded atomic increment of the counter at @p key (see the file comment). @p result may be
 * NULL. Typical use: a redemption limit of 100 is `incr(+1, 100)`; giving a use back is
 * `incr(-1, 0)`.
 * @return ::MKT_OK, ::MKT_ELIMIT, ::MKT_ETYPE, ::MKT_ERANGE (int64 overflow), ::MKT_EINVAL,
 *         or the store's error.
 * @since 0.1
 */
int mkt_store_incr(mkt_ctx *ctx, const char *ns, const char *key, size_t key_len,
                   int64_t delta, int64_t limit, int64_t *result);

/**
 * Visit every key of @p ns starting with @p prefix (@p prefix_len may be 0) in ascending byte
 * order. The visitor must not call other mkt_store_* functions on the same context.
 * @return ::MKT_OK, the visitor's negative status, ::MKT_EINVAL, or the store's error.
 * @since 0.1
 */
int mkt_store_scan(mkt_ctx *ctx, const char *ns, const char *prefix, size_t prefix_len,
                   mkt_store_visit_fn visit, void *visit_data);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_STORE_H */

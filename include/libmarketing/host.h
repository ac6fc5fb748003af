/* SPDX-License-Identifier: MIT */
/**
 * @file host.h
 * @brief The host interface: the callbacks through which the library allocates memory, reads
 *        the clock, logs, draws random bytes, stores state, delivers messages and audits.
 *
 * The library never opens a socket, a database or a gateway itself. A host fills an
 * ::mkt_host (start from mkt_host_init()), and mkt_ctx_new() copies it. Every callback is
 * optional; the default for each is documented beside it. Every callback receives the host's
 * `user_data` as its last argument, may fail, and a failure is reported to the caller of the
 * library function that triggered it (never swallowed). Returning ::MKT_EUSER aborts.
 */
#ifndef LIBMARKETING_HOST_H
#define LIBMARKETING_HOST_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Log levels, most verbose first. @since 0.1 */
typedef enum mkt_log_level {
    MKT_LOG_DEBUG = 10,
    MKT_LOG_INFO = 20,
    MKT_LOG_WARN = 30,
    MKT_LOG_ERROR = 40
} mkt_log_level;

/** Delivery channels. Append-only. @since 0.1 */
typedef enum mkt_channel {
    MKT_CHANNEL_EMAIL = 1,
    MKT_CHANNEL_SMS = 2,
    MKT_CHANNEL_PUSH = 3,
    MKT_CHANNEL_IN_APP = 4,
    MKT_CHANNEL_WEB = 5,
    MKT_CHANNEL_SOCIAL = 6
} mkt_channel;

/**
 * A message ready for delivery, built by the library and handed to the host's `send`
 * callback. All strings are UTF-8, NUL-terminated, borrowed for the duration of the call;
 * optional ones may be NULL. Grows only at the end.
 * @since 0.1
 */
typedef struct mkt_message {
    size_t struct_size;          /**< sizeof(mkt_message) as the library filled it. */
    int32_t channel;             /**< An ::mkt_channel. */
    const char *customer_id;     /**< The recipient's customer id. */
    const char *recipient;       /**< Address: email, E.164 phone, device token, ... */
    const char *subject;         /**< Optional (email, push title). */
    const char *body;            /**< Rendered content (HTML for email, text otherwise). */
    const char *body_text;       /**< Optional plain-text alternative. */
    const char *headers;         /**< Optional "Name: value\r\n" lines (List-Unsubscribe, ...):
                                      real headers only, journey fields have their own. */
    const char *campaign_id;     /**< Optional. */
    const char *variant_id;      /**< Optional. */
    const char *journey_id;      /**< Optional. */
    const char *idempotency_key; /**< Same key = same message: the host must not send it twice. */
    const char *template_id;     /**< Optional: the template to render. */
    const char *node_id;         /**< Optional: the journey node that sends it. */
    uint32_t entry;              /**< Journey sends: the instance's entry number (the instance
                                      is (journey_id, customer_id, entry)); 0 otherwise. */
    uint32_t step;               /**< Journey sends: nodes passed in this entry; 0 otherwise. */
    const char *context_json;    /**< Optional personalization context, a JSON object; from a
                                      journey: {"journey_id":..,"customer_id":..,"node_id":..,
                                      "context":{name: value, ...}} with the send node's
                                      context values as written (their {{tokens}} unrendered). */
    mkt_time at;                 /**< When it is sent: the journey engine's clock for journey
                                      sends (so a simulated clock can date it); else 0. */
} mkt_message;

/**
 * One audit record (consent changes, erasures, DNC removals, approvals, ...).
 * Strings are borrowed for the duration of the call; optional ones may be NULL.
 * @since 0.1
 */
typedef struct mkt_audit_record {
    size_t struct_size;  /**< sizeof(mkt_audit_record) as the library filled it. */
    mkt_time ts;         /**< When it happened (the context's clock). */
    const char *actor;   /**< Who did it (user, system component); optional. */
    const char *action;  /**< Machine-readable verb, e.g. "consent.withdraw". */
    const char *subject; /**< What it concerns, usually a customer id; optional. */
    const char *detail;  /**< Human-readable detail; optional. */
} mkt_audit_record;

/**
 * The host interface, copied by mkt_ctx_new(). Initialise with mkt_host_init() (or
 * ::MKT_HOST_INIT) and set only what you provide.
 * @since 0.1
 */
typedef struct mkt_host {
    size_t struct_size; /**< sizeof(mkt_host) as the host compiled it. */
    /** Allocate @p size bytes (size > 0), or return NULL. Default: malloc(). The allocator
     *  must stay usable as long as any block it made is alive (see mkt_free()). The three
     *  allocator hooks are used together: set all of them or none. */
    void *(*alloc)(size_t size, void *user_data);
    /** Resize a block from alloc/realloc; on failure return NULL and keep the block.
     *  Default: realloc(). */
    void *(*realloc)(void *ptr, size_t size, void *user_data);
    /** Release a block from alloc/realloc; ptr is never NULL. Default: free(). */
    void (*free)(void *ptr, void *user_data);
    /** Current time in UTC seconds into @p *out. Default: clock_gettime(CLOCK_REALTIME). */
    int (*now)(mkt_time *out, void *user_data);
    /** Receive a pre-formatted log line at or above the context's log level.
     *  Default: discard (a library does not write to the host's stderr). */
    void (*log)(int32_t level, const char *message, void *user_data);
    /** Fill @p buf with @p len cryptographically secure random bytes.
     *  Default: getrandom(2). */
    int (*random)(void *buf, size_t len, void *user_data);
    /** Deliver one message. Default: none; sending fails with ::MKT_EUNSUPPORTED. */
    int (*send)(const mkt_message *message, void *user_data);
    /** Record one audit entry; a failure fails the audited operation.
     *  Default: records are kept in the store namespace "audit". */
    int (*audit)(const mkt_audit_record *record, void *user_data);
    /** Storage; NULL means the built-in in-memory store. The ops are copied. */
    const mkt_store_ops *store;
    void *user_data; /**< Last argument of every callback above (not of the store's). */
} mkt_host;

/** Static initialiser for an ::mkt_host with every callback at its default. @since 0.1 */
#define MKT_HOST_INIT { sizeof(mkt_host), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }

/**
 * Set @p host to all defaults with struct_size filled in (for bindings, which cannot use
 * ::MKT_HOST_INIT).
 * @return ::MKT_OK, or ::MKT_EINVAL if @p host is NULL.
 * @since 0.1
 */
int mkt_host_init(mkt_host *host);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_HOST_H */

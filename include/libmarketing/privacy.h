/* SPDX-License-Identifier: MIT */
/**
 * @file privacy.h
 * @brief Privacy and the customer's own requests: right to be forgotten (erasure with a
 *        tombstone and a receipt), data export (access request), RFC 8058 one-click
 *        unsubscribe tokens and headers, and SMS inbound keywords (STOP, START, HELP, ...).
 *
 * Every change goes through the consent API (consent.h) and is audited; erasure and export are
 * audited too. doc/privacy.md describes the formats and the storage.
 *
 * Thread safety: functions that take a context follow its rule (one thread at a time per
 * context); mkt_sms_keyword_parse() is pure and thread-safe.
 */
#ifndef LIBMARKETING_PRIVACY_H
#define LIBMARKETING_PRIVACY_H

#include "common.h"
#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- erasure ----------------------------------------------------------------------------- */

/**
 * An erasure request. Initialise with mkt_erase_request_init(); grows only at the end.
 * @since 0.1
 */
typedef struct mkt_erase_request {
    size_t struct_size;      /**< sizeof(mkt_erase_request). */
    const char *customer_id; /**< 1..256 bytes of UTF-8 without control bytes (required). */
    const char *email;       /**< Optional: also tombstone this address (case-insensitive). */
    const char *phone;       /**< Optional: also tombstone this number (digits and '+'). */
    const char *actor;       /**< Who asked (default "privacy"), for the audit. */
    mkt_time ts;             /**< When; 0 = the context's clock. */
} mkt_erase_request;

/** Static initialiser for ::mkt_erase_request. @since 0.1 */
#define MKT_ERASE_REQUEST_INIT { sizeof(mkt_erase_request), NULL, NULL, NULL, NULL, 0 }

/** Set @p r to the defaults. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_erase_request_init(mkt_erase_request *r);

/**
 * Erase a customer (right to be forgotten). In this order: write salted-hash tombstones
 * (HMAC-SHA-256 under the store's salt) of the id and of the email/phone given, so the
 * customer stays suppressed whatever happens next; audit "privacy.erase"; delete every key
 * "<id>\x1f..." of every namespace registered as holding per-customer data (or move it under
 * the tombstone, for namespaces whose values must stay for aggregates); audit
 * "privacy.erase.done"; finally drop the subject and detail text of every audit record about
 * the customer (the chain still verifies: it covers only their keyed hashes).
 * Idempotent and resumable: after a failure (store, audit sink) run it again to complete.
 * @param[out] receipt receives a JSON document (release with mkt_free()):
 *   {"tombstone":"<hex>","erased_at":TS,"tombstones":["customer","email"],
 *    "namespaces":[{"namespace":"consent.state","deleted":1,"anonymized":0},...],
 *    "audit_records_redacted":N}. May be NULL.
 * @return ::MKT_OK, ::MKT_EINVAL (bad id, message names the field), ::MKT_ENOMEM, or the
 *         store's or the audit sink's error (the receipt is not produced then).
 * @since 0.1
 */
int mkt_privacy_erase(mkt_ctx *ctx, const mkt_erase_request *req, char **receipt);

/** What a tombstone stands for, for mkt_privacy_is_erased(). Append-only. @since 0.1 */
typedef enum mkt_erased_kind {
    MKT_ERASED_CUSTOMER = 1, /**< A customer id. */
    MKT_ERASED_EMAIL = 2,    /**< An email address (compared lower-case, trimmed). */
    MKT_ERASED_PHONE = 3     /**< A phone number (only digits and a leading '+' count). */
} mkt_erased_kind;

/**
 * Whether an identifier was erased (has a tombstone). Hosts call it before re-importing a
 * customer, an address or a number; the consent module calls it when a customer without a
 * record gets one.
 * @param[out] erased 1 or 0.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL, empty value, unknown kind), or the store's error.
 * @since 0.1
 */
int mkt_privacy_is_erased(mkt_ctx *ctx, int32_t kind, const char *value, int32_t *erased);

/**
 * Export everything stored about a customer (access request) as one JSON document: the
 * consent state (channels, DNC entries, preferences, topics), the consent history, the cap
 * counters, the raw entries of every other per-customer namespace and the audit records about
 * the customer. Audited ("privacy.export").
 * @param actor  who asked (default "privacy").
 * @param[out] json receives the document; release with mkt_free().
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM, ::MKT_EPARSE (corrupt record), or the store's
 *         or the audit sink's error.
 * @since 0.1
 */
int mkt_privacy_export(mkt_ctx *ctx, const char *customer_id, const char *actor, char **json);

/* ---- one-click unsubscribe (RFC 8058) -------------------------------------------------------- */

/** Shortest secret accepted for unsubscribe tokens, in bytes. @since 0.1 */
#define MKT_UNSUB_MIN_SECRET 16
/** Default token lifetime: 60 days (mail clients may POST long after delivery). @since 0.1 */
#define MKT_UNSUB_DEFAULT_TTL (60 * 86400)

/**
 * What an unsubscribe token says and how it is signed. Initialise with
 * mkt_unsub_spec_init().
 * @since 0.1
 */
typedef struct mkt_unsub_spec {
    size_t struct_size;      /**< sizeof(mkt_unsub_spec). */
    const uint8_t *secret;   /**< The host's signing secret (>= ::MKT_UNSUB_MIN_SECRET bytes). */
    size_t secret_len;       /**< Its length. */
    const char *customer_id; /**< The recipient. */
    int32_t channel;         /**< An ::mkt_channel (default email). */
    const char *topic;       /**< Campaign or topic to leave; NULL: the whole channel. */
    mkt_time expires;        /**< Expiry (UTC); 0 = now + ::MKT_UNSUB_DEFAULT_TTL. */
    const char *url;         /**< https URL the token is appended to ("?t=" or "&t="). */
    const char *mailto;      /**< Optional mailto address for the second header entry. */
} mkt_unsub_spec;

/** Static initialiser for ::mkt_unsub_spec. @since 0.1 */
#define MKT_UNSUB_SPEC_INIT \
    { sizeof(mkt_unsub_spec), NULL, 0, NULL, 1, NULL, 0, NULL, NULL }

/** Set @p s to the defaults. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_unsub_spec_init(mkt_unsub_spec *s);

/**
 * A signed token: base64url(payload) "." base64url(HMAC-SHA-256(secret, "mkt-unsub-1." +
 * base64url(payload))), payload "1\x1f<customer>\x1f<channel>\x1f<topic>\x1f<expires>".
 * @param[out] token receives the token (URL-safe); release with mkt_free().
 * @return ::MKT_OK, ::MKT_EINVAL (short secret, bad id, channel or topic), ::MKT_ENOMEM, or
 *         the clock's error.
 * @since 0.1
 */
int mkt_unsub_token(mkt_ctx *ctx, const mkt_unsub_spec *spec, char **token);

/**
 * The two RFC 8058 header lines for @p spec, CRLF-terminated:
 * "List-Unsubscribe: <URL?t=TOKEN>, <mailto:ADDR?subject=unsubscribe>\r\n"
 * "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n". The URL must start with https://.
 * @param[out] headers release with mkt_free().
 * @return as mkt_unsub_token(), or ::MKT_EINVAL (missing or non-https URL, bad mailto).
 * @since 0.1
 */
int mkt_unsub_headers(mkt_ctx *ctx, const mkt_unsub_spec *spec, char **headers);

/** Why a token was rejected. Append-only. @since 0.1 */
typedef enum mkt_unsub_status {
    MKT_UNSUB_VALID = 0,         /**< Signature good, not expired. */
    MKT_UNSUB_MALFORMED = 1,     /**< Not a token of this format. */
    MKT_UNSUB_BAD_SIGNATURE = 2, /**< Tampered, or signed with another secret. */
    MKT_UNSUB_EXPIRED = 3        /**< Past its expiry. */
} mkt_unsub_status;

/** A verified token's content. @since 0.1 */
typedef struct mkt_unsub_result {
    size_t struct_size;    /**< sizeof(mkt_unsub_result) as the caller compiled it. */
    int32_t status;        /**< An ::mkt_unsub_status. */
    int32_t channel;       /**< The channel (when the payload could be read). */
    mkt_time expires;      /**< The expiry. */
    int32_t applied;       /**< mkt_unsub_apply(): 1 when the unsubscribe was recorded. */
    char customer_id[257]; /**< The customer (NUL-terminated; "" unless valid). */
    char topic[65];        /**< The topic ("" for the whole channel). */
} mkt_unsub_result;

/**
 * Verify a token (constant-time MAC comparison; the signature is checked before the payload
 * is trusted). A rejected token is not an error: @p result->status says why.
 * @param now  the time to check expiry against; 0 = the context's clock.
 * @return ::MKT_OK (see @p result), ::MKT_EINVAL (NULL, short secret), or the clock's error.
 * @since 0.1
 */
int mkt_unsub_verify(mkt_ctx *ctx, const uint8_t *secret, size_t secret_len, const char *token,
                     mkt_time now, mkt_unsub_result *result);

/**
 * Verify a token and, when valid, apply it through the consent API: with a topic the topic
 * becomes excluded (mkt_topic_set), without one a DNC entry (channel, UNSUBSCRIBE, source
 * "one-click") is added. Both are audited. Applying twice is harmless.
 * @param actor optional (default "one-click").
 * @return ::MKT_OK (see @p result: applied is 1 only for a valid token), or as
 *         mkt_unsub_verify(), mkt_dnc_add() and mkt_topic_set().
 * @since 0.1
 */
int mkt_unsub_apply(mkt_ctx *ctx, const uint8_t *secret, size_t secret_len, const char *token,
                    const char *actor, mkt_unsub_result *result);

/* ---- SMS keywords ------------------------------------------------------------------------- */

/** Recognised SMS keywords. Append-only. @since 0.1 */
typedef enum mkt_sms_keyword {
    MKT_SMS_NONE = 0,
    MKT_SMS_STOP = 1,
    MKT_SMS_STOPALL = 2,
    MKT_SMS_UNSUBSCRIBE = 3,
    MKT_SMS_CANCEL = 4,
    MKT_SMS_END = 5,
    MKT_SMS_QUIT = 6,
    MKT_SMS_START = 7,
    MKT_SMS_YES = 8,
    MKT_SMS_UNSTOP = 9,
    MKT_SMS_HELP = 10,
    MKT_SMS_INFO = 11
} mkt_sms_keyword;

/** What a keyword asks for. Append-only. @since 0.1 */
typedef enum mkt_sms_action {
    MKT_SMS_ACTION_NONE = 0,    /**< Not a keyword: the host handles the text. */
    MKT_SMS_ACTION_OPT_OUT = 1, /**< STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT. */
    MKT_SMS_ACTION_OPT_IN = 2,  /**< START, YES, UNSTOP. */
    MKT_SMS_ACTION_HELP = 3     /**< HELP, INFO. */
} mkt_sms_action;

/**
 * Recognise a keyword in an inbound SMS. Case-insensitive; leading and trailing whitespace
 * and ASCII punctuation are ignored, inner whitespace runs count as none ("Stop.", " stop ",
 * "STOP!!", "stop all" are keywords). When the whole text is not a keyword but its first word
 * is an opt-out keyword ("stop it", "Cancel please"), it is an opt-out: honouring an opt-out
 * by mistake is harmless, missing one is not. Opt-in and help keywords count only alone.
 * @param text  the message, @p len bytes (NULL only when 0).
 * @param[out] keyword an ::mkt_sms_keyword (may be NULL).
 * @param[out] exact   1 when the whole text was the keyword, 0 for a first word (may be NULL).
 * @return the ::mkt_sms_action. Pure; thread-safe.
 * @since 0.1
 */
int32_t mkt_sms_keyword_parse(const char *text, size_t len, int32_t *keyword, int32_t *exact);

/**
 * Replies for mkt_sms_inbound(). Initialise with mkt_sms_options_init(). "{brand}" in a
 * reply is replaced by @c brand.
 * @since 0.1
 */
typedef struct mkt_sms_options {
    size_t struct_size;      /**< sizeof(mkt_sms_options). */
    const char *brand;       /**< Program name (default "Marketing"). */
    const char *opt_out_reply; /**< Default "{brand}: You are unsubscribed and will receive
                                    no more messages. Reply START to resubscribe." */
    const char *opt_in_reply;  /**< Default "{brand}: You are subscribed again. Msg&data rates
                                    may apply. Reply HELP for help, STOP to cancel." */
    const char *help_reply;    /**< Default "{brand}: For help contact customer service.
                                    Msg&data rates may apply. Reply STOP to cancel." */
    const char *actor;         /**< For the audit (default "sms-inbound"). */
} mkt_sms_options;

/** Static initialiser for ::mkt_sms_options. @since 0.1 */
#define MKT_SMS_OPTIONS_INIT { sizeof(mkt_sms_options), NULL, NULL, NULL, NULL, NULL }

/** Set @p o to the defaults. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_sms_options_init(mkt_sms_options *o);

/**
 * Handle an inbound SMS from a customer: an opt-out adds the DNC entry (SMS, SMS_STOP,
 * source "sms-keyword"); an opt-in removes it (audited) and records SMS consent GIVEN with
 * source "sms-keyword"; help changes nothing. Returns the reply the host should send.
 * @param opts  NULL for defaults.
 * @param[out] action an ::mkt_sms_action (may be NULL).
 * @param[out] reply  the reply text, or NULL when the text is no keyword (no reply is due);
 *                    release with mkt_free().
 * @return ::MKT_OK, ::MKT_EINVAL (bad id, NULL text), ::MKT_ENOMEM, or as mkt_dnc_add(),
 *         mkt_dnc_remove() and mkt_consent_set() (then nothing is to be replied).
 * @since 0.1
 */
int mkt_sms_inbound(mkt_ctx *ctx, const mkt_sms_options *opts, const char *customer_id,
                    const char *text, int32_t *action, char **reply);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_PRIVACY_H */

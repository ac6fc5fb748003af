/* SPDX-License-Identifier: MIT */
/**
 * @file consent.h
 * @brief Consent and compliance: the one contact decision ("may we contact this customer, on
 *        this channel, for this purpose, now?"), consent records with history and double
 *        opt-in, Do-Not-Contact (DNC) entries, preferences, frequency caps, quiet hours in the
 *        customer's time zone, and delivery feedback.
 *
 * State lives in the context's store (namespaces and key layouts: doc/consent.md, "Storage").
 * Every change (consent, DNC addition or removal, preferences, topics) is audited through
 * mkt_ctx_audit() before it is written: when the audit sink fails, nothing changes. A decision
 * made for a real send (::MKT_CONTACT_SEND) is audited too.
 *
 * Safety rule: any failure while deciding (a store error, a corrupt record, an unknown time
 * zone) yields a deny with a reason saying why, never an allow.
 *
 * Thread safety: the record functions take a context and follow its rule (one thread at a
 * time per context). An ::mkt_consent policy is used by one thread at a time (it caches time
 * zones); several threads use several policies on several contexts over one shared store.
 */
#ifndef LIBMARKETING_CONSENT_H
#define LIBMARKETING_CONSENT_H

#include "common.h"
#include "ctx.h"
#include "host.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A DNC scope that covers every channel (an ::mkt_channel otherwise). @since 0.1 */
#define MKT_CHANNEL_ALL 0

/** Message classes. Append-only. @since 0.1 */
typedef enum mkt_message_class {
    /** Booking confirmations, boarding passes, schedule changes: ignore marketing consent,
     *  topics and frequency caps, but not hard bounces, invalid addresses, SMS STOP, legal
     *  DNC entries or the channel's transactional switch. */
    MKT_CLASS_TRANSACTIONAL = 1,
    /** Marketing: needs consent, no DNC entry, preferences, caps and quiet hours. */
    MKT_CLASS_PROMOTIONAL = 2
} mkt_message_class;

/** Consent status of one channel. Append-only. @since 0.1 */
typedef enum mkt_consent_status {
    MKT_CONSENT_NONE = 0,      /**< No record: promotional contact is denied. */
    MKT_CONSENT_GIVEN = 1,     /**< Given (and confirmed, for double opt-in). */
    MKT_CONSENT_WITHDRAWN = 2, /**< Withdrawn. */
    MKT_CONSENT_PENDING = 3    /**< Given with double opt-in, waiting for the confirmation. */
} mkt_consent_status;

/** Why a DNC entry exists. Append-only. @since 0.1 */
typedef enum mkt_dnc_reason {
    MKT_DNC_HARD_BOUNCE = 1,      /**< The address does not exist (blocks transactional too). */
    MKT_DNC_UNSUBSCRIBE = 2,      /**< The customer unsubscribed. */
    MKT_DNC_SPAM_COMPLAINT = 3,   /**< The customer reported a message as spam. */
    MKT_DNC_SMS_STOP = 4,         /**< SMS STOP keyword (blocks transactional SMS too). */
    MKT_DNC_CUSTOMER_SERVICE = 5, /**< Asked through customer service. */
    MKT_DNC_LEGAL = 6,            /**< Legal requirement (blocks transactional too). */
    MKT_DNC_INTERNAL_POLICY = 7   /**< Internal policy. */
} mkt_dnc_reason;

/**
 * Reason codes of a decision. A decision carries the set of every reason that applies as
 * bits `1u << code` in ::mkt_contact_decision.reasons. Append-only.
 * @since 0.1
 */
typedef enum mkt_contact_reason {
    MKT_REASON_NO_CONSENT = 1,           /**< Promotional, no consent on record. */
    MKT_REASON_CONSENT_WITHDRAWN = 2,    /**< Promotional, consent withdrawn. */
    MKT_REASON_OPT_IN_PENDING = 3,       /**< Promotional, double opt-in not confirmed. */
    MKT_REASON_DNC_HARD_BOUNCE = 4,      /**< DNC entry, reason ::MKT_DNC_HARD_BOUNCE. */
    MKT_REASON_DNC_UNSUBSCRIBE = 5,      /**< DNC entry, reason ::MKT_DNC_UNSUBSCRIBE. */
    MKT_REASON_DNC_SPAM_COMPLAINT = 6,   /**< DNC entry, reason ::MKT_DNC_SPAM_COMPLAINT. */
    MKT_REASON_DNC_SMS_STOP = 7,         /**< DNC entry, reason ::MKT_DNC_SMS_STOP. */
    MKT_REASON_DNC_CUSTOMER_SERVICE = 8, /**< DNC entry, reason ::MKT_DNC_CUSTOMER_SERVICE. */
    MKT_REASON_DNC_LEGAL = 9,            /**< DNC entry, reason ::MKT_DNC_LEGAL. */
    MKT_REASON_DNC_INTERNAL_POLICY = 10, /**< DNC entry, reason ::MKT_DNC_INTERNAL_POLICY. */
    MKT_REASON_INVALID_ADDRESS = 11,     /**< The caller says the address is invalid. */
    MKT_REASON_CHANNEL_OFF = 12,         /**< The channel's switch for this class is off. */
    MKT_REASON_TOPIC_EXCLUDED = 13,      /**< Promotional, the purpose is an excluded topic. */
    MKT_REASON_TOPIC_NOT_CHOSEN = 14,    /**< Promotional, the customer chose topics and the
                                              purpose is not one of them. */
    MKT_REASON_CAP_CHANNEL = 15,         /**< Promotional, a cap of this channel is reached. */
    MKT_REASON_CAP_GLOBAL = 16,          /**< Promotional, an all-channel cap is reached. */
    MKT_REASON_QUIET_HOURS = 17,         /**< Promotional SMS/push outside the allowed window. */
    MKT_REASON_STORE_ERROR = 18,         /**< The store failed or holds a corrupt record. */
    MKT_REASON_TIME_ZONE = 19,           /**< The customer's time zone cannot be used. */
    MKT_REASON_AUDIT_ERROR = 20          /**< A real send could not be audited. */
} mkt_contact_reason;

/**
 * Short machine name of a reason code ("no_consent", "dnc_hard_bounce", ...), or NULL for an
 * unknown code. Static text; thread-safe.
 * @since 0.1
 */
const char *mkt_contact_reason_name(int32_t code);

/**
 * One-sentence English text of a reason code, or NULL for an unknown code. Static; thread-safe.
 * @since 0.1
 */
const char *mkt_contact_reason_text(int32_t code);

/* ---- records ----------------------------------------------------------------------------- */

/**
 * A consent change, for mkt_consent_set() and mkt_consent_confirm(). Strings are borrowed for
 * the call. Initialise with mkt_consent_change_init(); grows only at the end.
 * @since 0.1
 */
typedef struct mkt_consent_change {
    size_t struct_size;        /**< sizeof(mkt_consent_change). */
    const char *customer_id;   /**< 1..256 bytes of UTF-8 without control bytes. */
    int32_t channel;           /**< An ::mkt_channel (not ::MKT_CHANNEL_ALL). */
    int32_t status;            /**< ::MKT_CONSENT_GIVEN or ::MKT_CONSENT_WITHDRAWN. */
    int32_t double_opt_in;     /**< 1: a GIVEN email consent stays PENDING until confirmed. */
    mkt_time ts;               /**< When the customer decided; 0 = the context's clock. */
    const char *source;        /**< Where: "web-signup", "import:crm.csv", ... (required). */
    const char *ip;            /**< Optional IP address of the customer. */
    const char *proof_version; /**< Optional version of the consent text shown. */
    const char *actor;         /**< Optional: who records it (default "consent"). */
} mkt_consent_change;

/** Static initialiser for ::mkt_consent_change. @since 0.1 */
#define MKT_CONSENT_CHANGE_INIT \
    { sizeof(mkt_consent_change), NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }

/** Set @p c to the defaults. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_consent_change_init(mkt_consent_change *c);

/**
 * Record a consent decision of a customer for one channel. The latest by @c ts wins (a record
 * older than the current one is kept in the history only; on equal ts a withdrawal wins); every
 * record is appended to the history and audited ("consent.give" / "consent.withdraw").
 * @return ::MKT_OK, ::MKT_EINVAL (bad id, channel, status, missing source; message names the
 *         field), ::MKT_ENOMEM, ::MKT_ECONFLICT (too many concurrent writers), or the store's
 *         or the audit sink's error.
 * @since 0.1
 */
int mkt_consent_set(mkt_ctx *ctx, const mkt_consent_change *change);

/**
 * Confirm a pending double opt-in (the customer clicked the link): PENDING becomes GIVEN.
 * Only customer_id, channel, ts, source, ip and actor of @p change are used.
 * @return ::MKT_OK, ::MKT_ESTATE (the channel is not PENDING), or as mkt_consent_set().
 * @since 0.1
 */
int mkt_consent_confirm(mkt_ctx *ctx, const mkt_consent_change *change);

/**
 * Current consent of a customer on a channel.
 * @param[out] status an ::mkt_consent_status (NONE when the customer has no record).
 * @param[out] ts     when it was decided (0 for NONE). May be NULL.
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_EPARSE (corrupt record), or the store's error.
 * @since 0.1
 */
int mkt_consent_get(mkt_ctx *ctx, const char *customer_id, int32_t channel, int32_t *status,
                    mkt_time *ts);

/**
 * The customer's consent history, oldest first, as text: one line per change,
 * "ts<TAB>action<TAB>channel<TAB>detail\n" (detail: source, ip, proof version, reason...).
 * @param[out] text receives the text (empty when no history); release with mkt_free().
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM, or the store's error.
 * @since 0.1
 */
int mkt_consent_history(mkt_ctx *ctx, const char *customer_id, char **text);

/**
 * A DNC entry, for mkt_dnc_add() and mkt_dnc_remove(). Initialise with mkt_dnc_entry_init().
 * @since 0.1
 */
typedef struct mkt_dnc_entry {
    size_t struct_size;      /**< sizeof(mkt_dnc_entry). */
    const char *customer_id; /**< The customer. */
    int32_t scope;           /**< An ::mkt_channel, or ::MKT_CHANNEL_ALL. */
    int32_t reason;          /**< An ::mkt_dnc_reason. */
    mkt_time ts;             /**< When; 0 = the context's clock. */
    const char *source;      /**< Who or what asked ("bounce-processor", "agent:42"); required. */
    const char *actor;       /**< Who records it; required for mkt_dnc_remove(). */
    const char *note;        /**< Optional free text (the ticket of a removal, ...). */
} mkt_dnc_entry;

/** Static initialiser for ::mkt_dnc_entry. @since 0.1 */
#define MKT_DNC_ENTRY_INIT { sizeof(mkt_dnc_entry), NULL, 0, 0, 0, NULL, NULL, NULL }

/** Set @p e to the defaults. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_dnc_entry_init(mkt_dnc_entry *e);

/**
 * Add a DNC entry (scope, reason). Adding an existing (scope, reason) updates its time and
 * source. Audited ("dnc.add") and kept in the history.
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ETOOBIG (more than 32 entries for one customer),
 *         ::MKT_ENOMEM, ::MKT_ECONFLICT, or the store's or the audit sink's error.
 * @since 0.1
 */
int mkt_dnc_add(mkt_ctx *ctx, const mkt_dnc_entry *entry);

/**
 * Remove the DNC entry (scope, reason): the only way an entry goes away. Requires an actor.
 * Audited ("dnc.remove") and kept in the history.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (no such entry), ::MKT_EINVAL, or as mkt_dnc_add().
 * @since 0.1
 */
int mkt_dnc_remove(mkt_ctx *ctx, const mkt_dnc_entry *entry);

/**
 * Whether the customer has a DNC entry with @p reason covering @p channel (its own or an
 * all-channel entry; @p reason 0: any reason).
 * @param[out] found 1 or 0.
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_EPARSE, or the store's error.
 * @since 0.1
 */
int mkt_dnc_has(mkt_ctx *ctx, const char *customer_id, int32_t channel, int32_t reason,
                int32_t *found);

/**
 * Channel preferences (the preference center). Initialise with mkt_preferences_init().
 * With channel ::MKT_CHANNEL_ALL only the caps are used: they are the all-channel caps.
 * @since 0.1
 */
typedef struct mkt_preferences {
    size_t struct_size;      /**< sizeof(mkt_preferences). */
    const char *customer_id; /**< The customer. */
    int32_t channel;         /**< An ::mkt_channel or ::MKT_CHANNEL_ALL. */
    int32_t promotional;     /**< 1 on (default), 0 off. */
    int32_t transactional;   /**< 1 on (default), 0 off. */
    int32_t daily_cap;       /**< Most promotional messages per local calendar day; 0 none. */
    int32_t weekly_cap;      /**< ... per ISO week (Monday to Sunday); 0 none. */
    int32_t monthly_cap;     /**< ... per calendar month; 0 none. Caps are 0..65535. */
    const char *actor;       /**< Optional: who records it. */
} mkt_preferences;

/** Static initialiser for ::mkt_preferences. @since 0.1 */
#define MKT_PREFERENCES_INIT { sizeof(mkt_preferences), NULL, 0, 1, 1, 0, 0, 0, NULL }

/** Set @p p to the defaults. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_preferences_init(mkt_preferences *p);

/**
 * Store a customer's preferences for one channel (or the all-channel caps). Audited
 * ("consent.preferences").
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ERANGE (a cap outside 0..65535), ::MKT_ENOMEM,
 *         ::MKT_ECONFLICT, or the store's or the audit sink's error.
 * @since 0.1
 */
int mkt_preferences_set(mkt_ctx *ctx, const mkt_preferences *prefs);

/**
 * Read a customer's preferences for a channel into @p prefs (customer_id and channel are
 * inputs; a customer without a record gets the defaults).
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_EPARSE, or the store's error.
 * @since 0.1
 */
int mkt_preferences_get(mkt_ctx *ctx, mkt_preferences *prefs);

/** Topic choices. Append-only. @since 0.1 */
typedef enum mkt_topic_choice {
    MKT_TOPIC_CLEAR = 0,     /**< Forget the choice. */
    MKT_TOPIC_CHOSEN = 1,    /**< The customer wants this topic (then only chosen topics pass). */
    MKT_TOPIC_EXCLUDED = 2   /**< The customer never wants this topic. */
} mkt_topic_choice;

/**
 * Set the customer's choice for a topic (1..64 bytes, compared byte for byte with the
 * request's purpose). Audited ("consent.topic").
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ETOOBIG (more than 64 topics), ::MKT_ENOMEM,
 *         ::MKT_ECONFLICT, or the store's or the audit sink's error.
 * @since 0.1
 */
int mkt_topic_set(mkt_ctx *ctx, const char *customer_id, const char *topic, int32_t choice,
                  const char *actor);

/** Delivery feedback kinds. Append-only. @since 0.1 */
typedef enum mkt_feedback_kind {
    MKT_FEEDBACK_DELIVERED = 1,   /**< Delivered: resets the channel's soft-bounce count. */
    MKT_FEEDBACK_SOFT_BOUNCE = 2, /**< Temporary failure; escalates after a count. */
    MKT_FEEDBACK_HARD_BOUNCE = 3, /**< DNC (channel, HARD_BOUNCE). */
    MKT_FEEDBACK_COMPLAINT = 4,   /**< DNC (channel, SPAM_COMPLAINT). */
    MKT_FEEDBACK_UNSUBSCRIBE = 5  /**< DNC (channel, UNSUBSCRIBE). */
} mkt_feedback_kind;

/**
 * One delivery event. Initialise with mkt_feedback_init().
 * @since 0.1
 */
typedef struct mkt_feedback {
    size_t struct_size;        /**< sizeof(mkt_feedback). */
    const char *customer_id;   /**< The customer. */
    int32_t channel;           /**< An ::mkt_channel. */
    int32_t kind;              /**< An ::mkt_feedback_kind. */
    mkt_time ts;               /**< When; 0 = the context's clock. */
    const char *source;        /**< E.g. "esp-webhook"; default "feedback". */
    int32_t soft_bounce_limit; /**< Soft bounces in a row that make a hard bounce (default 3). */
} mkt_feedback;

/** Static initialiser for ::mkt_feedback. @since 0.1 */
#define MKT_FEEDBACK_INIT { sizeof(mkt_feedback), NULL, 0, 0, 0, NULL, 3 }

/** Set @p f to the defaults. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_feedback_init(mkt_feedback *f);

/**
 * Apply delivery feedback: hard bounce, complaint and unsubscribe add a DNC entry; a soft
 * bounce counts, and the soft_bounce_limit-th in a row adds a HARD_BOUNCE entry; delivered
 * resets the count.
 * @param[out] dnc_added 1 when this call added a DNC entry, else 0 (may be NULL).
 * @return ::MKT_OK, ::MKT_EINVAL, or as mkt_dnc_add().
 * @since 0.1
 */
int mkt_consent_feedback(mkt_ctx *ctx, const mkt_feedback *feedback, int32_t *dnc_added);

/**
 * Import consent, DNC and preference rows from a CSV file with a header line and the
 * columns customer_id,kind,channel,value,ts,source (doc/consent.md lists the kinds: consent,
 * dnc, pref, cap, topic). Every row is applied through the functions above (so audited).
 * Stops at the first bad row with ::MKT_EPARSE naming file, line and column (rows before it
 * stay applied).
 * @param[out] rows rows applied (may be NULL).
 * @return ::MKT_OK, ::MKT_EIO, ::MKT_EPARSE, or as the record functions.
 * @since 0.1
 */
int mkt_consent_import(mkt_ctx *ctx, const char *path, uint64_t *rows);

/* ---- the decision ------------------------------------------------------------------------ */

/**
 * A consent policy: quiet-hour rules, organisation-wide caps, time-zone cache (opaque).
 * @since 0.1
 */
typedef struct mkt_consent mkt_consent;

/**
 * Policy options. Initialise with mkt_consent_options_init(); grows only at the end.
 * Caps here apply to every customer (the stricter of policy and preference wins).
 * @since 0.1
 */
typedef struct mkt_consent_options {
    size_t struct_size;         /**< sizeof(mkt_consent_options). */
    const char *zoneinfo_dir;   /**< TZif directory (default "/usr/share/zoneinfo"). */
    const char *default_zone;   /**< Zone when a request gives none (default "UTC"). */
    int32_t daily_cap;          /**< All-channel caps per customer (0 none). */
    int32_t weekly_cap;         /**< ... */
    int32_t monthly_cap;        /**< ... */
    uint32_t quiet_channels;    /**< Channels under quiet hours, bits 1u << channel
                                     (default SMS and PUSH). */
    uint32_t implied_consent_channels; /**< Channels where promotional contact needs no
                                     explicit consent (bits 1u << channel; default none). */
} mkt_consent_options;

/** Static initialiser for ::mkt_consent_options. @since 0.1 */
#define MKT_CONSENT_OPTIONS_INIT                                                           \
    { sizeof(mkt_consent_options), NULL, NULL, 0, 0, 0,                                    \
      (1u << MKT_CHANNEL_SMS) | (1u << MKT_CHANNEL_PUSH), 0u }

/** Set @p opts to the defaults. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_consent_options_init(mkt_consent_options *opts);

/**
 * Create a policy on @p ctx (which it uses for the store, the clock and audit).
 * @return ::MKT_OK, ::MKT_EINVAL (NULL, bad option), ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_consent_new(mkt_consent **out, mkt_ctx *ctx, const mkt_consent_options *opts);

/** Free a policy. NULL is ignored. @since 0.1 */
void mkt_consent_free(mkt_consent *consent);

/** Days of the week as bits, for ::mkt_quiet_rule.days. @since 0.1 */
#define MKT_DAYS_ALL 0x7Fu
/** Monday .. Sunday are bits 0 .. 6. @since 0.1 */
#define MKT_DAY_MONDAY 0x01u
/** @copydoc MKT_DAY_MONDAY */
#define MKT_DAY_SUNDAY 0x40u

/**
 * One quiet-hours rule: promotional SMS/push may be sent to a customer of @c region only on
 * the @c days, between @c start_minute (included) and @c end_minute (excluded), local time.
 * The most specific rule wins: "US-FL" (region), then "US" (country), then "" (default); with
 * no rule at all the default is every day 08:00-21:00.
 * @since 0.1
 */
typedef struct mkt_quiet_rule {
    size_t struct_size;   /**< sizeof(mkt_quiet_rule). */
    const char *region;   /**< "" (default), a country "US" or a region "US-FL" (copied). */
    int32_t start_minute; /**< 0..1439. */
    int32_t end_minute;   /**< start_minute+1..1440. */
    uint32_t days;        /**< Allowed days (::MKT_DAYS_ALL, Monday = bit 0); not 0. */
} mkt_quiet_rule;

/**
 * Add (or replace, for the same region) a quiet-hours rule.
 * @return ::MKT_OK, ::MKT_EINVAL (bad region, window or days), ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_consent_add_quiet_rule(mkt_consent *consent, const mkt_quiet_rule *rule);

/**
 * Load quiet-hours rules from a CSV file with the header region,start,end,days
 * ("US-FL,08:00,20:00,Mon-Sat"; days: "all", or comma-free lists like "Mon-Fri" or
 * "Mon+Wed+Sat"). Errors name file, line and column.
 * @return ::MKT_OK, ::MKT_EIO, ::MKT_EPARSE, ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_consent_load_quiet_rules(mkt_consent *consent, const char *path);

/** Request flags. @since 0.1 */
#define MKT_CONTACT_SEND 0x1u

/** Address status the caller knows (::mkt_contact_request.address). @since 0.1 */
#define MKT_ADDRESS_VALID 0
/** @copydoc MKT_ADDRESS_VALID */
#define MKT_ADDRESS_INVALID 1

/**
 * A contact question. The host passes the customer's profile (zone, region, address
 * validity): no customer table is needed. Initialise with mkt_contact_request_init().
 * @since 0.1
 */
typedef struct mkt_contact_request {
    size_t struct_size;      /**< sizeof(mkt_contact_request). */
    const char *customer_id; /**< The customer. */
    int32_t channel;         /**< An ::mkt_channel. */
    int32_t message_class;   /**< An ::mkt_message_class. */
    const char *purpose;     /**< Topic of the message, or NULL (no topic check). */
    mkt_time at;             /**< When the message would go out; 0 = the context's clock.
                                  At most 253402300799 (9999-12-31 23:59:59 UTC). */
    const char *time_zone;   /**< IANA zone ("Europe/Paris"); NULL = the policy default. */
    const char *region;      /**< "US-FL", "FR", or NULL. */
    int32_t address;         /**< ::MKT_ADDRESS_VALID or ::MKT_ADDRESS_INVALID. */
    uint32_t flags;          /**< ::MKT_CONTACT_SEND: a real send. When allowed, the send is
                                  counted against the caps (atomically, with the cap as
                                  the bound: concurrent senders cannot pass it) and audited. */
    const char *actor;       /**< Optional, for the audit record (default "consent"). */
} mkt_contact_request;

/** Static initialiser for ::mkt_contact_request. @since 0.1 */
#define MKT_CONTACT_REQUEST_INIT \
    { sizeof(mkt_contact_request), NULL, 0, 0, NULL, 0, NULL, NULL, 0, 0u, NULL }

/** Set @p r to the defaults. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_contact_request_init(mkt_contact_request *r);

/** The answer. @since 0.1 */
typedef struct mkt_contact_decision {
    size_t struct_size;    /**< sizeof(mkt_contact_decision) as the caller compiled it. */
    int32_t allow;         /**< 1 allow, 0 deny. */
    uint32_t reasons;      /**< Every applying ::mkt_contact_reason as bit 1u << code (0 when
                                allowed). */
    mkt_time next_allowed; /**< When only quiet hours or caps deny: the earliest UTC time
                                they allow; else 0. */
    mkt_time at;           /**< The time the decision was made for. */
} mkt_contact_decision;

/**
 * The decision: may we contact this customer on this channel for this purpose at this time?
 * Fills @p out even on failure (deny with ::MKT_REASON_STORE_ERROR, ::MKT_REASON_TIME_ZONE or
 * ::MKT_REASON_AUDIT_ERROR).
 * Reads one state record and the counters of the caps that apply; allocates nothing in the
 * common case.
 * @return ::MKT_OK (a decision was made, allow or deny), ::MKT_EINVAL (bad request: out is a
 *         deny), or a failure (out is a deny with the reason): the store's error, ::MKT_EPARSE
 *         (corrupt record), ::MKT_ENOTFOUND (unknown zone), the audit sink's error.
 * @since 0.1
 */
int mkt_consent_check(mkt_consent *consent, const mkt_contact_request *req,
                      mkt_contact_decision *out);

/**
 * Many decisions at once (a campaign run): the same answers as @p n calls of
 * mkt_consent_check() in order (a send counted for request i is seen by request i + 1), but
 * with the built-in memory store the records of the requests a few places ahead are
 * prefetched, so that their memory latencies overlap (several times faster with large
 * customer counts). A host store gets the plain calls.
 *
 * The arrays are read and written with the struct_size of their FIRST element as the distance
 * between elements (so callers compiled against an older, smaller struct work): every
 * request must have that struct_size; every decision gets it.
 *
 * A request that fails does not stop the others: its decision is a deny with the reason (as
 * mkt_consent_check() fills it) and its code goes to @p status.
 * @param consent the policy.
 * @param reqs    @p n requests.
 * @param n       number of requests (0: nothing to do).
 * @param[out] out    @p n decisions; out[0].struct_size must be set.
 * @param[out] status NULL, or @p n codes: what mkt_consent_check() would return for each.
 * @return ::MKT_OK when every request returned ::MKT_OK; else the code of the LAST request
 *         that failed (the context's last error describes that one; @p status has them all);
 *         ::MKT_EINVAL without deciding anything when @p consent, @p reqs or @p out is NULL
 *         or the first elements' struct_size is not valid.
 * Thread safety: as mkt_consent_check() (one thread at a time per policy).
 * @since 0.1
 */
int mkt_consent_check_many(mkt_consent *consent, const mkt_contact_request *reqs, size_t n,
                           mkt_contact_decision *out, int32_t *status);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_CONSENT_H */

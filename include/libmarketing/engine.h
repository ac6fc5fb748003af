/* SPDX-License-Identifier: MIT */
/**
 * @file engine.h
 * @brief The journey engine: runs compiled journeys (journey.h) for many customers, driven by
 *        events and by the clock, with every instance's state in the context's store.
 *
 * A separate header from journey.h because the two have different contracts: a journey is an
 * immutable, thread-safe definition, while an engine is a mutable, stateful object used by one
 * thread at a time that also depends on the consent module (consent.h).
 *
 * Model (doc/journeys.md, "Engine"): one live instance per customer per journey. An instance
 * moves from node to node until it reaches a wait (it then sleeps until a timer or an event)
 * or leaves (exit, goal, maximum time). Timers live in a min-heap keyed by (due time,
 * instance key); mkt_journey_engine_advance() fires the due ones in that order, so the same
 * journeys, events and clock give the same sends in the same order. An event at time t first
 * fires every timer due at or before t: the window of a wait for an event is half-open, so an
 * event exactly at the timeout is too late and the instance leaves by the timeout port.
 *
 * Storage (all per-customer data):
 * - "journey.instance" "<customer>\x1f<journey id>": the instance, a versioned binary record
 *   written with compare-and-set (with the field values its waits until a field captured at
 *   entry, for journeys that have such waits);
 * - "journey.timer" "<20-digit due time><customer>\x1f<journey id>" (the due time comes first so
 *   a scan finds the timers in due order; the customer id is not the prefix here): a wake-up,
 *   unless the engine option timer_records is 0;
 * - "journey.sent" "<customer>\x1f<journey id>\x1f<entry>\x1f<step>": "I" (intent) before a
 *   send or a host action, "D" (done) or "F" (failed) after it, deleted once the instance is
 *   saved past the step; see mkt_journey_engine_new() for the delivery guarantee.
 *
 * - "journey.member" "<customer>\x1f<journey id>\x1f<entry node id>": the customer is in
 *   the segment of that entry (mkt_journey_engine_enter_due()); value: when it was found
 *   entering (ASCII decimal seconds).
 *
 * A send with an @c offer also writes, through mkt_promo_bind(), the promo module's
 * "offer.code" and "offer.customer_code" records of the customer's code (promo.h).
 *
 * And namespaces not per customer (no PII):
 * - "journey.due" "<journey id>": where the last mkt_journey_engine_enter_due() window ended
 *   (ASCII decimal seconds);
 * - "journey.count" "<journey id>\x1f<node id>\x1f<what>": a counter (mkt_store_incr) of one
 *   field of ::mkt_journey_node_counts ("entered", ..., "suppressed.<reason code>") or of one
 *   edge ("edge.<edge index>", under the edge's source node); see
 *   mkt_journey_engine_flush().
 *
 * Thread safety: an engine is used by one thread at a time; many engines (processes) may share
 * one store only when each customer is handled by one of them.
 */
#ifndef LIBMARKETING_ENGINE_H
#define LIBMARKETING_ENGINE_H

#include "common.h"
#include "ctx.h"
#include "journey.h"
#include "consent.h"
#include "promo.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A journey engine (opaque). @since 0.1 */
typedef struct mkt_journey_engine mkt_journey_engine;

/**
 * A host action of a journey (an action node other than a send), handed to the engine's
 * @c action callback. Strings are UTF-8, NUL-terminated and borrowed for the duration of the
 * call; the ones a kind does not use are NULL. Grows only at the end.
 * @since 0.1
 */
typedef struct mkt_journey_action {
    size_t struct_size;          /**< sizeof(mkt_journey_action) as the library filled it. */
    int32_t kind;                /**< ::MKT_JOURNEY_UPDATE, ::MKT_JOURNEY_TAG_ADD,
                                      ::MKT_JOURNEY_TAG_REMOVE or ::MKT_JOURNEY_EMIT
                                      (::mkt_journey_action_kind). */
    const char *customer_id;     /**< The customer. */
    const char *journey_id;      /**< The journey. */
    const char *node_id;         /**< The action node's id. */
    uint32_t node;               /**< The action node's index (mkt_journey_node_get()). */
    uint32_t entry;              /**< The instance's entry number (1 for the first entry). */
    uint32_t step;               /**< Nodes passed in this entry, this one included. */
    const char *attribute;       /**< UPDATE: the profile attribute (the node's @c field). */
    const char *value;           /**< UPDATE: the new value, as text. */
    const char *tag;             /**< TAG_ADD / TAG_REMOVE: the tag. */
    const char *event_type;      /**< EMIT: the event type for the host. */
    mkt_time at;                 /**< When the engine performs it (its clock). */
    const char *idempotency_key; /**< "<journey>:<customer>:<entry>:<node>:<step>", as for a
                                      send: same key = same action. */
} mkt_journey_action;

/**
 * The host's action callback (see ::mkt_journey_engine_options): perform @p action.
 * @return ::MKT_OK done; ::MKT_EIO transient (retried like a send); ::MKT_EUSER aborts the
 *         engine call; anything else fails the action for good (counted as failed).
 * @since 0.1
 */
typedef int (*mkt_journey_action_fn)(const mkt_journey_action *action, void *user_data);

/**
 * Engine options. Initialise with mkt_journey_engine_options_init().
 * @since 0.1
 */
typedef struct mkt_journey_engine_options {
    size_t struct_size;     /**< sizeof(mkt_journey_engine_options). */
    mkt_consent *consent;   /**< Every send is checked (and counted against caps) through it;
                                 NULL: no check. Borrowed: must outlive the engine. */
    int32_t message_class;  /**< ::mkt_message_class of journey sends (default PROMOTIONAL). */
    uint32_t max_attempts;  /**< Delivery attempts before a transient failure becomes a
                                 failure (default 5, 1..30). */
    int64_t retry_delay;    /**< Seconds before the first retry; doubles after each
                                 (default 60, 1..86400). */
    const mkt_table *customers; /**< Profiles for decisions on a rule or a segment (the
                                 journey must have been loaded with this table as its
                                 schema); a customer not in it fails every such condition.
                                 NULL: journeys with such decisions are refused. Also
                                 read: "customer.NAME" fields of waits (at entry) and, for
                                 journeys in the customer's zone, the `timezone` column
                                 (when a time-of-day wait starts). Borrowed. */
    int32_t timer_records;  /**< 1: keep a "journey.timer" record per sleeping instance,
                                 and a new engine reads only those; 0: no timer records (one
                                 store write less per step and ~160 bytes less per sleeping
                                 instance in the memory store), a new engine scans every
                                 "journey.instance" record for its wake-up time instead;
                                 -1 (default): 1 over a host's store, 0 over the built-in
                                 memory store (which no later engine can read). Engines
                                 sharing a store must use the same value. */
    mkt_journey_action_fn action; /**< Performs update, tag and emit actions (with the send's
                                 durability, see mkt_journey_engine_new()); NULL: journeys
                                 with such actions are refused. It must not call this
                                 engine (queue an emitted event, feed it after). */
    void *action_user;      /**< Last argument of @c action. */
    const mkt_promo_format *promo_format; /**< Format of the codes that send nodes with an
                                 @c offer issue (promo.h); NULL: journeys with such sends are
                                 refused. Borrowed: must outlive the engine. */
    const void *promo_secret; /**< Host secret for mkt_promo_derive() (at least
                                 ::MKT_PROMO_MIN_SECRET bytes, else journeys with offers are
                                 refused): the code of (offer, customer) is deterministic, so
                                 a retried or replayed send issues the same one. Borrowed. */
    size_t promo_secret_len; /**< Bytes of @c promo_secret. */
} mkt_journey_engine_options;

/** Static initialiser for ::mkt_journey_engine_options. @since 0.1 */
#define MKT_JOURNEY_ENGINE_OPTIONS_INIT \
    { sizeof(mkt_journey_engine_options), NULL, 2, 5u, 60, NULL, -1, NULL, NULL, NULL, NULL, 0 }

/** Set @p opts to the defaults. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_journey_engine_options_init(mkt_journey_engine_options *opts);

/**
 * Create an engine over @p journeys (borrowed: they must outlive the engine; their ids must be
 * distinct) and the store of @p ctx, and load the wake-up of every sleeping instance of them
 * (from "journey.timer", or from "journey.instance" when @c timer_records is 0): a new engine
 * over the store of a crashed one continues every instance where it was.
 *
 * Delivery guarantee: before calling the host's `send`, the engine records an intent in
 * "journey.sent"; after a successful send it marks it done, then writes the instance. After a
 * crash the instance repeats its last step: a send marked done is skipped; a send with only an
 * intent is sent again with the same ::mkt_message idempotency key (at least once: the host,
 * which must not deliver two messages with one key, makes it exactly once).
 *
 * The host's `send` answers: ::MKT_OK delivered; ::MKT_EIO transient (retried after
 * @c retry_delay seconds, doubling, until @c max_attempts attempts, then failed); ::MKT_EUSER
 * aborts the engine call (the instance is not written: the step runs again, with the same
 * key, at the next call that reaches it); anything else, and a missing `send`, fails the send
 * for good. The message carries the journey, the template, the node, the instance's entry
 * and step, the personalization context as JSON (::mkt_message) and the idempotency key
 * "<journey>:<customer>:<entry>:<node>:<step>".
 *
 * A send node with an @c offer issues the customer's code before each call of `send`:
 * mkt_promo_derive() with @c promo_format and @c promo_secret (deterministic: a retry or a
 * replay after a crash gets the same code), then mkt_promo_bind() (idempotent for the same
 * binding); the code goes into the message's context JSON as "offer_id" and "offer_code". A
 * code already issued otherwise (::MKT_EEXIST) fails the send for good without calling the
 * host (counted as failed; the context's last error names journey and node); a store error
 * while binding ends the engine call with that error, as the send's other store writes do.
 *
 * Update, tag and emit actions go to the @c action callback with the same guarantee, return
 * codes, retries and key (::mkt_journey_action); the node's counts hold them under @c sent
 * (done), @c failed and @c retried. An emitted event is for the host only: the engine does
 * not feed it back into itself (that would re-enter the engine inside a step and make the
 * result depend on the order of journeys); a host that wants it to drive journeys calls
 * mkt_journey_engine_event() with it after the call returns.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL argument, no journeys, duplicate journey ids, bad
 *         option, an offer id of a send that is empty, longer than 256 bytes or holds
 *         0x1F), ::MKT_EUNSUPPORTED (a node the engine cannot run: a wait until a
 *         "customer.NAME" field, or a decision on a rule or a segment, without @c customers,
 *         such a decision without a schema at load, an update, tag or emit action without
 *         an @c action callback, or a send with an @c offer without @c promo_format or with
 *         a @c promo_secret shorter than ::MKT_PROMO_MIN_SECRET; the message names it),
 *         ::MKT_ENOTFOUND / ::MKT_ETYPE (a "customer.NAME" field of a wait that
 *         @c customers lacks, or whose column is not a DATE, TIME or STRING),
 *         ::MKT_ETOOBIG (a journey whose waits read more than 16 distinct fields),
 *         ::MKT_EPARSE (a corrupt timer key), ::MKT_ENOMEM, or the store's error.
 * @since 0.1
 */
int mkt_journey_engine_new(mkt_journey_engine **out, mkt_ctx *ctx,
                           const mkt_journey *const *journeys, size_t njourneys,
                           const mkt_journey_engine_options *opts);

/**
 * Free an engine (the store keeps its state). Its unflushed counts are flushed first
 * (mkt_journey_engine_flush()); call that function yourself to see a failure. NULL is
 * ignored.
 * @since 0.1
 */
void mkt_journey_engine_free(mkt_journey_engine *engine);

/**
 * Add the counts this engine gathered since its last flush to the totals in "journey.count"
 * (one mkt_store_incr() per non-zero field) and clear them. Also done at the end of every
 * mkt_journey_engine_advance() and by mkt_journey_engine_free(); events and entries only
 * gather, so a stream of them costs no count write. Flushing twice adds nothing the second
 * time; after a failure the fields not yet added stay pending for the next flush. A crash
 * loses the counts gathered since the last flush (never instances or sends).
 * @return ::MKT_OK, ::MKT_EINVAL (NULL), or the store's error.
 * @since 0.1
 */
int mkt_journey_engine_flush(mkt_journey_engine *engine);

/**
 * Feed one event of @p customer_id at time @p at, without properties (see
 * mkt_journey_engine_event_ex()). Timers due at or before @p at fire first.
 * Then, for each journey: a goal on @p event_type ends a live instance as a conversion; a wait
 * for @p event_type moves on by its event port; an entry on @p event_type starts an instance
 * (after the entry's delay) when the re-entry policy allows it and none is live.
 * @param at must not be earlier than the engine's clock (the latest time it was given).
 * @return ::MKT_OK, ::MKT_EINVAL (NULL, bad customer id: 1..256 bytes of UTF-8 without
 *         control bytes, empty event type), ::MKT_ERANGE (@p at in the past of the engine),
 *         ::MKT_ECONFLICT (another writer kept changing the instance), ::MKT_ENOMEM, the
 *         store's error, or the send callback's error when it aborted (::MKT_EUSER).
 * @since 0.1
 */
int mkt_journey_engine_event(mkt_journey_engine *engine, const char *customer_id,
                             const char *event_type, mkt_time at);

/** Most properties of one ::mkt_journey_event. @since 0.1 */
#define MKT_JOURNEY_EVENT_MAX_PROPERTIES 64
/** Longest property name in bytes. @since 0.1 */
#define MKT_JOURNEY_EVENT_MAX_NAME 128
/** Longest property value in bytes. @since 0.1 */
#define MKT_JOURNEY_EVENT_MAX_VALUE 1024

/**
 * One event with its properties, for mkt_journey_engine_event_ex(). Initialise with
 * mkt_journey_event_init(). Everything is borrowed for the call only: the engine keeps, in the
 * instance an event starts, just the properties that the journey's waits until a field read
 * ("event.NAME"), parsed.
 * @since 0.1
 */
typedef struct mkt_journey_event {
    size_t struct_size;       /**< sizeof(mkt_journey_event). */
    const char *customer_id;  /**< 1..256 bytes of UTF-8 without control bytes. */
    const char *event_type;   /**< Non-empty, e.g. "BOOKING_CONFIRMED". */
    mkt_time at;              /**< When it happened (not before the engine's clock). */
    const char *const *property_names;  /**< @c nproperties names: 1..128 bytes, no control
                                             bytes, each at most once. */
    const char *const *property_values; /**< Their values (0..1024 bytes, not NULL), e.g.
                                             "2026-12-24" or "2026-12-24T08:15:00Z". */
    size_t nproperties;       /**< 0..::MKT_JOURNEY_EVENT_MAX_PROPERTIES. */
} mkt_journey_event;

/** Static initialiser for ::mkt_journey_event. @since 0.1 */
#define MKT_JOURNEY_EVENT_INIT { sizeof(mkt_journey_event), NULL, NULL, 0, NULL, NULL, 0 }

/** Set @p ev to ::MKT_JOURNEY_EVENT_INIT. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_journey_event_init(mkt_journey_event *ev);

/**
 * Feed one event with properties: as mkt_journey_engine_event() (which is this function
 * without properties), and an instance the event starts captures the values of the
 * "event.NAME" fields its journey's waits until a field read (see doc/journeys.md, "Waits
 * until a field").
 * @return as mkt_journey_engine_event(), plus ::MKT_EINVAL (@c struct_size not set, a NULL
 *         property array with @c nproperties > 0, a NULL, empty or duplicate name, a NULL
 *         value, a control byte in a name) and ::MKT_ETOOBIG (more than
 *         ::MKT_JOURNEY_EVENT_MAX_PROPERTIES properties, a name or value too long); the
 *         message names the property. Nothing happens (not even the clock) on those errors.
 * @since 0.1
 */
int mkt_journey_engine_event_ex(mkt_journey_engine *engine, const mkt_journey_event *ev);

/**
 * Enter @p customer_id into journey @p journey_id at time @p at through its first entry node,
 * whatever its kind: how the host drives segment, date and manual entries. The entry's delay
 * applies. Respects the re-entry policy and the one-live-instance rule.
 * @param[out] entered 1 if an instance started, 0 if the policy or a live instance refused
 *             (may be NULL).
 * @return as mkt_journey_engine_event(), plus ::MKT_ENOTFOUND (no such journey).
 * @since 0.1
 */
int mkt_journey_engine_enter(mkt_journey_engine *engine, const char *journey_id,
                             const char *customer_id, mkt_time at, int32_t *entered);

/**
 * Find and start the segment and date entries due up to @p to, over the engine's
 * @c customers table, then leave the clock at @p to: how the library, rather than the host,
 * drives entries `segment=`/`rule=` and `field=` (mkt_journey_engine_enter() stays for
 * manual entries and hosts that decide themselves). See doc/journeys.md, "Segment and date
 * entries".
 *
 * - Date entries: each customer's field (a DATE column; a TIME column, or ISO date-time text,
 *   as the date of that instant in the customer's zone; "YYYY-MM-DD" text) plus the offset,
 *   counted in local civil time, at the entry's time of day (midnight without one) in the
 *   customer's zone (the journey's zone as for waits): entered at that instant when it falls
 *   in the window (start, @p to]. @c yearly: every anniversary from the date's year on; Feb 29
 *   falls on Feb 28 in common years. A null or unparsable field never enters. The window
 *   starts where the last call for the journey on this store stopped ("journey.due"), else
 *   at the engine's clock; with neither (a new store and a clock never moved) it is empty.
 *   An entry due before the clock enters at the clock; one at or before the instance's last
 *   entry is not repeated.
 * - Segment entries: the customers who are members now (the segment evaluated over the whole
 *   table) and were not at the previous call, remembered in "journey.member"; members who
 *   left are forgotten, so a later return is a new entry. At the first call every member
 *   enters. Entered at @p to.
 *
 * Entries go through their own entry node (its delay applies), respecting the re-entry
 * policy and the one-live-instance rule. They are made in (time, journey, entry node,
 * customer id) order, each after the timers due at or before its time (as an event), so the
 * same table, store and clock give the same result. The counts are flushed at the end (also
 * after a failure). Cost: one pass over the table per date entry, one segment evaluation plus
 * one scan of the remembered members per segment entry; memory for the entries found.
 * @param to        must not be earlier than the engine's clock.
 * @param[out] entered instances started (may be NULL).
 * @return ::MKT_OK, ::MKT_EINVAL (NULL engine, a customer id of the table that is not valid),
 *         ::MKT_ERANGE (@p to before the clock or after 9999-12-31T23:59:59Z),
 *         ::MKT_EUNSUPPORTED (a journey with segment or
 *         date entries and no @c customers option, a segment entry of a journey loaded without
 *         a schema, a date entry on a field that is not "customer.NAME"; the message names
 *         the journey and the entry; nothing is changed), ::MKT_ENOTFOUND / ::MKT_ETYPE (the
 *         date field's column is missing or not a DATE, TIME or STRING), ::MKT_EPARSE (a
 *         corrupt "journey.due" record), ::MKT_ENOMEM, the store's error, or as
 *         mkt_journey_engine_event(). After a failure part of the entries may have been made;
 *         the next call makes the rest and repeats none.
 * @since 0.1
 */
int mkt_journey_engine_enter_due(mkt_journey_engine *engine, mkt_time to, uint64_t *entered);

/**
 * Move the engine's clock to @p now and fire every timer due at or before it, in (due time,
 * instance key) order, each at its own due time; then flush the counts
 * (mkt_journey_engine_flush(), also after a failure: the first error is returned).
 * @param[out] fired number of timers fired (may be NULL).
 * @return ::MKT_OK, ::MKT_ERANGE (@p now in the past of the engine), or as
 *         mkt_journey_engine_event().
 * @since 0.1
 */
int mkt_journey_engine_advance(mkt_journey_engine *engine, mkt_time now, uint64_t *fired);

/**
 * The due time of the earliest timer.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (no timer), ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_journey_engine_next_due(const mkt_journey_engine *engine, mkt_time *out);

/**
 * Counts of one node: the totals in the store ("journey.count", summed over every engine that
 * ran the journey) plus this engine's unflushed counts. Only steps whose instance was saved
 * count: a step undone by a compare-and-set conflict or a host abort (::MKT_EUSER) is not
 * counted. A customer "waiting" is one whose instance sleeps at the node now. For an update,
 * tag or emit action node, @c sent, @c failed and @c retried count the host actions.
 * @since 0.1
 */
typedef struct mkt_journey_node_counts {
    size_t struct_size;  /**< sizeof(mkt_journey_node_counts), set by the caller. */
    uint64_t entered;    /**< Arrivals at the node. */
    uint64_t exited;     /**< Departures through any edge (see mkt_journey_engine_edge_count()). */
    int64_t waiting;     /**< Instances sleeping at the node now (off only by the counts a
                              crash lost, see mkt_journey_engine_flush()). */
    uint64_t converted;  /**< Goal nodes: conversions. */
    uint64_t ended;      /**< Instances that ended here (exit node, dead end, maximum time). */
    uint64_t sent;       /**< Sends delivered. */
    uint64_t failed;     /**< Sends failed for good (permanent error or attempts used up). */
    uint64_t deferred;   /**< Sends put off by quiet hours or caps (to the next allowed time). */
    uint64_t retried;    /**< Sends put off after a transient delivery error. */
    uint64_t suppressed; /**< Sends suppressed by the consent check. */
    uint64_t suppressed_by_reason[32]; /**< By ::mkt_contact_reason code (one send may count
                                            under several reasons). */
    uint64_t no_field;   /**< Waits until a field: instances that left because the value was
                              missing or did not parse (also counted in @c ended). */
} mkt_journey_node_counts;

/**
 * Read the counts of node @p node of journey @p journey_id (stored totals + unflushed).
 * @return ::MKT_OK, ::MKT_ENOTFOUND (no such journey or node), ::MKT_EINVAL, ::MKT_EPARSE (a
 *         corrupt "journey.count" key), or the store's error.
 * @since 0.1
 */
int mkt_journey_engine_counts(const mkt_journey_engine *engine, const char *journey_id,
                              uint32_t node, mkt_journey_node_counts *out);

/**
 * How many times edge @p edge (mkt_journey_edge_get() index) of journey @p journey_id was
 * taken: exits by branch, event and timeout (stored total + unflushed, as the counts).
 * @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL, or the store's error.
 * @since 0.1
 */
int mkt_journey_engine_edge_count(const mkt_journey_engine *engine, const char *journey_id,
                                  uint32_t edge, uint64_t *taken);

/** States of an instance. Append-only. @since 0.1 */
typedef enum mkt_journey_instance_state {
    MKT_JOURNEY_INSTANCE_WAITING = 1,   /**< Live, sleeping at @c node. */
    MKT_JOURNEY_INSTANCE_DONE = 2,      /**< Left through an exit or a dead end. */
    MKT_JOURNEY_INSTANCE_CONVERTED = 3, /**< Left through a goal. */
    MKT_JOURNEY_INSTANCE_EXPIRED = 4,   /**< Left at the journey's maximum time. */
    MKT_JOURNEY_INSTANCE_NO_FIELD = 5   /**< Left at a wait until a field (@c node) whose
                                             value the triggering event or the profile lacked
                                             or that did not parse as a date or time. */
} mkt_journey_instance_state;

/** An instance as stored. @since 0.1 */
typedef struct mkt_journey_instance {
    size_t struct_size;  /**< sizeof(mkt_journey_instance), set by the caller. */
    int32_t state;       /**< ::mkt_journey_instance_state. */
    uint32_t node;       /**< Node it sleeps at or left from. */
    mkt_time entered_at; /**< Start of the current (or last) entry. */
    mkt_time wake_at;    /**< When its timer fires (0: none). */
    uint32_t entries;    /**< Entries so far (re-entry policy). */
    uint32_t step;       /**< Nodes passed in this entry. */
} mkt_journey_instance;

/**
 * Read the instance of @p customer_id in journey @p journey_id from the store.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (never entered, or no such journey), ::MKT_EINVAL,
 *         ::MKT_EPARSE (corrupt record), ::MKT_ENOMEM, or the store's error.
 * @since 0.1
 */
int mkt_journey_engine_instance(mkt_journey_engine *engine, const char *journey_id,
                                const char *customer_id, mkt_journey_instance *out);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_ENGINE_H */

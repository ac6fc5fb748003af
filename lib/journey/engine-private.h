/* SPDX-License-Identifier: MIT */
/*
 * The journey engine (engine.h): per-journey tables built once (which events matter, which
 * nodes are `since` marks, the counts), the timer heap, the instance record and its encoding,
 * and the functions the engine's files share (engine.c: life cycle and reading; engine-run.c:
 * the state machine; engine-store.c: encoding, persistence and timers).
 */
#ifndef MKT_ENGINE_PRIVATE_H
#define MKT_ENGINE_PRIVATE_H

#include "libmarketing/engine.h"
#include "journey-private.h"
#include "../core/core-private.h"
#include "../core/tz-private.h"

#define MKT__JE_NS_INSTANCE "journey.instance"
#define MKT__JE_NS_TIMER "journey.timer"
#define MKT__JE_NS_SENT "journey.sent"
#define MKT__JE_NS_COUNT "journey.count"
#define MKT__JE_NS_MEMBER "journey.member" /* segment entries: who is in the segment */
#define MKT__JE_NS_DUE "journey.due"       /* date entries: the end of the last window */
#define MKT__JE_MAX_MARKS 32u   /* condition events + since nodes of one journey */
#define MKT__JE_NEVER INT64_MIN /* a mark never set */
#define MKT__JE_DUE_DIGITS 20   /* zero-padded due time at the start of a timer key */
#define MKT__JE_CAS_TRIES 4     /* reloads after a compare-and-set conflict */
#define MKT__JE_MAX_CUSTOMER 256u
#define MKT__JE_MAX_FIELDS 16u  /* distinct fields the waits of one journey read */

/* Where a wait's field is read. */
enum { MKT__JE_FIELD_EVENT = 1, MKT__JE_FIELD_CUSTOMER = 2 };
/* A captured field value, as one byte in the instance record. */
enum { MKT__JE_VAL_MISSING = 0, MKT__JE_VAL_BAD = 1, MKT__JE_VAL_DATE = 2,
       MKT__JE_VAL_TIME = 3 };

/* A field some wait of the journey reads ("event.X" or "customer.X"). */
struct mkt__je_field {
    const char *ref;        /* as written in the definition, e.g. "event.departure_date" */
    const char *name;       /* the part after the dot */
    uint8_t source;         /* MKT__JE_FIELD_* */
    uint32_t column;        /* customer fields: column in the engine's customers table */
};

/* A field's value captured when the instance entered: what the wait needs after a restart. */
struct mkt__je_capture {
    uint8_t kind;           /* MKT__JE_VAL_* */
    int64_t value;          /* DATE: days since 1970-01-01 (a local date); TIME: UTC seconds */
};

/* Roles an event type plays in a journey (bits). */
enum { MKT__JE_ROLE_ENTRY = 1, MKT__JE_ROLE_GOAL = 2, MKT__JE_ROLE_WAIT = 4,
       MKT__JE_ROLE_MARK = 8 };

/* The counts one update changed, so that an update that is not saved (a compare-and-set
 * conflict, a host abort, a store error) takes them back: counts then hold saved steps only,
 * which keeps "waiting" a true total. Sized at engine creation for the longest update (each
 * node is visited at most once between two sleeps, and one visit changes at most
 * MKT__JE_TICKS_PER_NODE counts). Past that bound (a bug) a count is kept but could not be
 * taken back. */
#define MKT__JE_TICKS_PER_NODE 40u
struct mkt__je_tick {
    uint64_t *field;
    uint64_t delta;
};
struct mkt__je_tally {
    struct mkt__je_tick *log;
    size_t len, cap;
};

struct mkt__je_journey {
    const mkt_journey *j;
    const char *id;
    size_t id_len;
    uint32_t entry;            /* first entry node (mkt_journey_engine_enter) */
    mkt__intern events;        /* event types that matter, id -> roles[id] */
    uint8_t *roles;
    int32_t *mark_of_event;    /* by event id: mark slot of a condition event, or -1 */
    uint32_t *mark_of_node;    /* by node: mark slot of a `since` node, or MKT__J_NONE */
    uint32_t nmarks;
    const mkt__tz *zone;
    struct mkt__je_field fields[MKT__JE_MAX_FIELDS]; /* read by the journey's field waits */
    uint32_t nfields;
    mkt_journey_node_counts *counts; /* by node: unflushed counts (engine-count.c) */
    uint64_t *taken;                 /* by edge: unflushed */
    struct mkt__je_tally *tally;     /* the engine's */
    /* What a flush needs, copied so that mkt_journey_engine_free() flushes without reading
     * the journey (a binding's garbage collector may free it first): "<journey id>\x1f<node
     * id>\x1f" of every node back to back (node i ends at count_key_end[i]), the number of
     * nodes and edges, and each edge's source node. */
    char *count_keys;
    uint32_t *count_key_end;
    uint32_t *edge_from;
    uint32_t nnodes, nedges;
};

/* Add @delta to count @field of @jj (counts[..].x, taken[..]), undoably. */
static inline void mkt__je_tick(struct mkt__je_journey *jj, uint64_t *field, int64_t delta)
{
    struct mkt__je_tally *t = jj->tally;
    *field += (uint64_t)delta;
    if (t->len < t->cap) {
        t->log[t->len].field = field;
        t->log[t->len++].delta = (uint64_t)delta;
    }
}
#define MKT__JE_COUNT(jj, node, f) mkt__je_tick((jj), &(jj)->counts[node].f, 1)
/* "waiting" is signed; its unsigned alias is allowed (C11 6.5p7) and wraps as int64 would. */
#define MKT__JE_WAITING(jj, node, d) \
    mkt__je_tick((jj), (uint64_t *)&(jj)->counts[node].waiting, (d))

/* An instance as the engine works on it. */
struct mkt__je_inst {
    int32_t state;          /* mkt_journey_instance_state, 0 = new */
    uint32_t node;
    uint32_t entries, step, attempt;
    uint8_t asleep;         /* 1: sleeping at node (a wake-up continues it), 0: arriving */
    int64_t entered_at, wake_at;
    uint32_t nmarks;
    int64_t marks[MKT__JE_MAX_MARKS];
    uint32_t ncaptures;     /* the journey's nfields (0: a record of format 1) */
    struct mkt__je_capture captures[MKT__JE_MAX_FIELDS];
    uint64_t version;       /* store version read (MKT_VERSION_ABSENT: new) */
};

struct mkt__je_timer {
    int64_t due;
    char *key;              /* "<customer>\x1f<journey id>", owned */
    uint32_t key_len;
};

struct mkt_journey_engine {
    mkt_ctx *ctx;
    mkt_journey_engine_options opts;
    struct mkt__je_journey *journeys;
    size_t njourneys;
    MKT__VEC(struct mkt__je_timer) heap;
    mkt__tz_cache tz;
    uint32_t zone_column;   /* "timezone" of the customers table, or MKT__J_NONE */
    mkt__intern bad_zones;  /* customer zone names that did not load: not tried again */
    int64_t clock;          /* latest time given */
    mkt__buf key, key2, val; /* scratch */
    /* "journey.sent" keys marked done or failed by the current update (u32 length + bytes
     * each): deleted once the instance is saved past their step, when no replay can reach
     * them again, so send records do not pile up. */
    mkt__buf sent_log;
    mkt__buf json;          /* a message's context_json */
    struct mkt__je_tally tally;
};

/* ---- engine-store.c ---------------------------------------------------------------------- */
/* "<customer>\x1f<journey id>" into @b. */
int mkt__je_instance_key(mkt__buf *b, const char *customer, size_t clen,
                         const struct mkt__je_journey *jj);
/* Load the instance of @key; absent: state 0, version ABSENT. MKT_EPARSE if corrupt. */
int mkt__je_load(mkt_journey_engine *e, const char *key, size_t klen, uint32_t nmarks,
                 uint32_t nfields, struct mkt__je_inst *in);
/* Write @in (compare-and-set on its version) and move its timer from @old_wake (0: none). */
int mkt__je_save(mkt_journey_engine *e, const char *key, size_t klen, struct mkt__je_inst *in,
                 int64_t old_wake);
int mkt__je_heap_push(mkt_journey_engine *e, int64_t due, const char *key, size_t klen);
void mkt__je_heap_pop(mkt_journey_engine *e, struct mkt__je_timer *out); /* caller frees key */
void mkt__je_heap_free(mkt_journey_engine *e);
/* Read every stored timer of the engine's journeys into the heap. */
int mkt__je_load_timers(mkt_journey_engine *e);
int mkt__je_timer_delete(mkt_journey_engine *e, const char *key, size_t klen, int64_t due);

/* ---- engine-run.c -------------------------------------------------------------------------- */
/* Move @in forward from its node at @now until it sleeps or leaves. */
int mkt__je_run(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                size_t clen, struct mkt__je_inst *in, int64_t now);
/* A woken instance (timer at @now): expire, time out, retry, or go on. */
int mkt__je_wake(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                 size_t clen, struct mkt__je_inst *in, int64_t now);
/* Apply event @ev (id in jj->events, roles) to @in; may start an instance at @entry. */
int mkt__je_on_event(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                     size_t clen, struct mkt__je_inst *in, uint32_t ev, int64_t now,
                     uint32_t entry, const mkt_journey_event *trigger);
/* Whether the re-entry policy and the live-instance rule let @in start again at @now. */
int mkt__je_may_enter(const struct mkt__je_journey *jj, const struct mkt__je_inst *in,
                      int64_t now);
/* Start a new entry of @in at entry node @entry (counts, marks, captured fields from
 * @trigger, the event that starts it, or NULL; delay). */
int mkt__je_start(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                  size_t clen, struct mkt__je_inst *in, uint32_t entry, int64_t now,
                  const mkt_journey_event *trigger);

/* Leave the current node by @port (no such edge: the path ends, instance DONE). */
void mkt__je_go(struct mkt__je_journey *jj, struct mkt__je_inst *in, int32_t port);
/* Fall asleep at the current node until @due (capped by the maximum time, at least now+1). */
void mkt__je_sleep(struct mkt__je_journey *jj, struct mkt__je_inst *in, int64_t due,
                   int64_t now);

/* ---- engine-send.c ------------------------------------------------------------------------- */
/* The action at the current node (a send, or a host action through the action callback):
 * consent (sends), idempotency record, the host call, retry. */
int mkt__je_perform(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                    size_t clen, struct mkt__je_inst *in, int64_t now);

/* Delete the send records of e->sent_log (the instance was saved past them); clears it. */
int mkt__je_forget_sent(mkt_journey_engine *e);

/* ---- engine-count.c ------------------------------------------------------------------------ */
/* Take back the counts of the current update (it was not saved) / keep them (it was). */
void mkt__je_tally_undo(mkt_journey_engine *e);
static inline void mkt__je_tally_keep(mkt_journey_engine *e) { e->tally.len = 0; }
/* ---- engine-field.c ------------------------------------------------------------------------ */
/* Register the field of wait node @n (once per distinct field); resolve customer columns. */
int mkt__je_field_add(mkt_journey_engine *e, struct mkt__je_journey *jj,
                      const mkt_journey_node_def *n);
/* Capture every field of @jj into @in at entry: from @trigger (may be NULL) or the profile. */
void mkt__je_capture(mkt_journey_engine *e, const struct mkt__je_journey *jj,
                     const char *customer, size_t clen, const mkt_journey_event *trigger,
                     struct mkt__je_inst *in);
/* The zone of the customer's times of day: the profile's `timezone` when the journey reads
 * times in the customer's zone and it loads, else the journey's zone. MKT_OK or MKT_ENOMEM. */
int mkt__je_zone(mkt_journey_engine *e, const struct mkt__je_journey *jj, const char *customer,
                 size_t clen, const mkt__tz **out);
/* The same for the customer at @row of the customers table (no id lookup). */
int mkt__je_zone_row(mkt_journey_engine *e, const struct mkt__je_journey *jj, uint64_t row,
                     const mkt__tz **out);
/* Due time of wait-until-field node @d for @in in @zone: 1, or 0 when the captured value is
 * missing or bad. */
int mkt__je_field_due(const struct mkt__je_journey *jj, const struct mkt__je_inst *in,
                      const mkt_journey_node_def *d, const mkt__tz *zone, int64_t *due);
/* Check an event's properties (limits, syntax); the message names the bad one. */
int mkt__je_event_check(mkt_ctx *ctx, const mkt_journey_event *ev);

/* ---- engine-api.c -------------------------------------------------------------------------- */
/* One change of one instance: load, @apply, save with compare-and-set (reloading and applying
 * again on a conflict); the counts of an attempt not saved are taken back. */
typedef int (*mkt__je_apply_fn)(mkt_journey_engine *e, struct mkt__je_journey *jj,
                                const char *customer, size_t clen, struct mkt__je_inst *in,
                                int64_t now, const void *arg);
int mkt__je_update(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                   size_t clen, int64_t now, mkt__je_apply_fn apply, const void *arg);
/* Fire the timers due at or before @now, each at its own time, then set the clock to @now
 * (MKT_ERANGE when @now is before the clock). No flush. */
int mkt__je_advance_to(mkt_journey_engine *e, mkt_time now, uint64_t *fired);

/* ---- engine-due*.c, engine-member.c: segment and date entries found by the library ------- */
/* One entry found due: customer @row of the customers table enters journey @journey (index
 * in e->journeys) through entry node @node at @at. */
struct mkt__je_due {
    int64_t at;
    uint64_t row;
    const char *id;         /* the row's customer id (the table's) */
    uint32_t journey, node;
};
typedef MKT__VEC(struct mkt__je_due) mkt__je_due_vec;
/* The customers column of date entry node @node (checked: a DATE, TIME or STRING column). */
int mkt__je_date_column(mkt_journey_engine *e, const struct mkt__je_journey *jj, uint32_t node,
                        uint32_t *column, int32_t *type);
/* Append the entries of date entry node @node of journey @journey due in (@from, @to]; an
 * entry before the engine's clock (a window that starts behind it) is due at the clock. */
int mkt__je_due_dates(mkt_journey_engine *e, uint32_t journey, uint32_t node, int64_t from,
                      int64_t to, mkt__je_due_vec *out);
/* Append, due at @to, the customers who entered the segment of entry node @node since the
 * last call (members now, not remembered in "journey.member"), and forget the remembered
 * customers who left it. */
int mkt__je_due_segment(mkt_journey_engine *e, uint32_t journey, uint32_t node, int64_t to,
                        mkt__je_due_vec *out);
/* Remember that @customer is in the segment of entry node @node (after its entry). */
int mkt__je_member_remember(mkt_journey_engine *e, const struct mkt__je_journey *jj,
                            uint32_t node, const char *customer, size_t clen, int64_t at);

/* ---- engine.c ------------------------------------------------------------------------------ */
int mkt__je_customer_ok(mkt_ctx *ctx, const char *id, size_t *len);
struct mkt__je_journey *mkt__je_find(const mkt_journey_engine *e, const char *id, size_t len);

#endif /* MKT_ENGINE_PRIVATE_H */

/* SPDX-License-Identifier: MIT */
/*
 * The journey engine's entry points: events, manual entries, the clock, counts and instances.
 * Each change of one instance is load -> apply -> save with compare-and-set; on a conflict
 * (another writer changed the instance) it is reloaded and applied again, a bounded number of
 * times. The counts of an attempt that is not saved are taken back (engine-count.c).
 */
#include <string.h>

#include "engine-private.h"

static int same(const struct mkt__je_inst *a, const struct mkt__je_inst *b)
{
    if (a->state != b->state || a->node != b->node || a->entries != b->entries ||
        a->step != b->step || a->attempt != b->attempt || a->asleep != b->asleep ||
        a->entered_at != b->entered_at || a->wake_at != b->wake_at)
        return 0;
    for (uint32_t i = 0; i < a->nmarks; i++)
        if (a->marks[i] != b->marks[i])
            return 0;
    if (a->ncaptures != b->ncaptures)
        return 0;
    for (uint32_t i = 0; i < a->ncaptures; i++)
        if (a->captures[i].kind != b->captures[i].kind ||
            a->captures[i].value != b->captures[i].value)
            return 0;
    return 1;
}

/* Copy the parts of @from that same() compares: the whole struct is ~600 bytes, mostly
 * unused mark and capture slots, and every event copies it. */
static void snapshot(struct mkt__je_inst *to, const struct mkt__je_inst *from)
{
    memcpy(to, from, offsetof(struct mkt__je_inst, marks) + sizeof from->marks[0] * from->nmarks);
    to->ncaptures = from->ncaptures;
    memcpy(to->captures, from->captures, sizeof from->captures[0] * from->ncaptures);
}

int mkt__je_update(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                   size_t clen, int64_t now, mkt__je_apply_fn apply, const void *arg)
{
    struct mkt__je_inst in, before;
    if (mkt__je_instance_key(&e->key, customer, clen, jj) != MKT_OK)
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    mkt__buf_reset(&e->sent_log);
    for (int tries = 0; tries < MKT__JE_CAS_TRIES; tries++) {
        int rc = mkt__je_load(e, e->key.data, e->key.len, jj->nmarks, jj->nfields, &in);
        if (rc != MKT_OK)
            return rc;
        snapshot(&before, &in);
        int64_t old_wake =
            in.state == MKT_JOURNEY_INSTANCE_WAITING && in.asleep ? in.wake_at : 0;
        rc = apply(e, jj, customer, clen, &in, now, arg);
        if (rc == MKT_OK && !same(&before, &in))
            rc = mkt__je_save(e, e->key.data, e->key.len, &in, old_wake);
        if (rc == MKT_OK) {
            mkt__je_tally_keep(e);
            return mkt__je_forget_sent(e);
        }
        mkt__je_tally_undo(e);
        if (rc != MKT_ECONFLICT)
            return rc;
    }
    return mkt__error(e->ctx, MKT_ECONFLICT, "journey engine: instance %s of %s kept changing "
                      "under another writer", customer, jj->id);
}

static int apply_wake(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                      size_t clen, struct mkt__je_inst *in, int64_t now, const void *arg)
{
    (void)arg;
    if (in->state != MKT_JOURNEY_INSTANCE_WAITING || !in->asleep || in->wake_at != now)
        /* The instance moved on (an event, or a crash between two writes): a stale timer. */
        return mkt__je_timer_delete(e, e->key.data, e->key.len, now);
    return mkt__je_wake(e, jj, customer, clen, in, now);
}

/* Fire one popped timer; on failure it goes back into the heap for a later call. */
static int fire(mkt_journey_engine *e, struct mkt__je_timer *t)
{
    const char *sep = memchr(t->key, '\x1f', t->key_len);
    while (sep && memchr(sep + 1, '\x1f', (size_t)(t->key + t->key_len - sep - 1)))
        sep = memchr(sep + 1, '\x1f', (size_t)(t->key + t->key_len - sep - 1));
    size_t clen = sep ? (size_t)(sep - t->key) : 0;
    struct mkt__je_journey *jj =
        sep ? mkt__je_find(e, sep + 1, (size_t)(t->key + t->key_len - sep - 1)) : NULL;
    if (!jj || clen == 0 || clen > MKT__JE_MAX_CUSTOMER)
        return mkt__error(e->ctx, MKT_EINTERNAL, "journey engine: bad timer key");
    char customer[MKT__JE_MAX_CUSTOMER + 1];
    memcpy(customer, t->key, clen);
    customer[clen] = '\0';
    int rc = mkt__je_update(e, jj, customer, clen, t->due, apply_wake, NULL);
    if (rc != MKT_OK && mkt__je_heap_push(e, t->due, t->key, t->key_len) != MKT_OK)
        return MKT_ENOMEM;
    return rc;
}

/* The clock part of mkt_journey_engine_advance(), also run before each event and entry (which
 * do not flush: a batch of events costs no count write). */
int mkt__je_advance_to(mkt_journey_engine *e, mkt_time now, uint64_t *fired)
{
    uint64_t n = 0;
    if (now < e->clock || now < 0)
        return mkt__error(e->ctx, MKT_ERANGE, "journey engine: time %lld is before the "
                          "engine's clock %lld", (long long)now, (long long)e->clock);
    while (e->heap.len > 0 && e->heap.data[0].due <= now) {
        struct mkt__je_timer t;
        mkt__je_heap_pop(e, &t);
        e->clock = t.due;
        int rc = fire(e, &t);
        mkt__free(e->ctx, t.key);
        if (rc != MKT_OK)
            return rc;
        if (fired)
            *fired = ++n;
    }
    e->clock = now;
    return MKT_OK;
}

MKT_EXPORT int mkt_journey_engine_advance(mkt_journey_engine *e, mkt_time now, uint64_t *fired)
{
    if (fired)
        *fired = 0;
    if (!e)
        return MKT_EINVAL;
    int rc = mkt__je_advance_to(e, now, fired);
    int frc = mkt_journey_engine_flush(e); /* the end of a batch of wake-ups */
    return rc != MKT_OK ? rc : frc;
}

MKT_EXPORT int mkt_journey_engine_next_due(const mkt_journey_engine *e, mkt_time *out)
{
    if (!e || !out)
        return MKT_EINVAL;
    if (e->heap.len == 0)
        return MKT_ENOTFOUND;
    *out = e->heap.data[0].due;
    return MKT_OK;
}

struct event_arg {
    uint32_t ev, entry;
    const mkt_journey_event *event; /* its properties feed the fields an entry captures */
};

static int apply_event(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                       size_t clen, struct mkt__je_inst *in, int64_t now, const void *arg)
{
    const struct event_arg *a = arg;
    return mkt__je_on_event(e, jj, customer, clen, in, a->ev, now, a->entry, a->event);
}

static uint32_t entry_for(const struct mkt__je_journey *jj, const char *type)
{
    for (uint32_t i = 0; i < jj->j->nnodes; i++) {
        const mkt_journey_node_def *n = &jj->j->nodes[i].def;
        if (n->type == MKT_JOURNEY_ENTRY && n->kind == MKT_JOURNEY_ENTRY_EVENT &&
            strcmp(n->event, type) == 0)
            return i;
    }
    return MKT__J_NONE;
}

/* Checks shared by event and enter; then the clock moves to @at. */
static int begin(mkt_journey_engine *e, const char *customer, size_t *clen, mkt_time at)
{
    int rc = mkt__je_customer_ok(e->ctx, customer, clen);
    if (rc != MKT_OK)
        return rc;
    return mkt__je_advance_to(e, at, NULL);
}

MKT_EXPORT int mkt_journey_engine_event_ex(mkt_journey_engine *e, const mkt_journey_event *ev)
{
    size_t clen;
    if (!e || !ev)
        return MKT_EINVAL;
    /* The usual event has no properties: nothing to check past its size. */
    int rc = ev->struct_size == sizeof *ev && ev->nproperties == 0
                 ? MKT_OK
                 : mkt__je_event_check(e->ctx, ev);
    if (rc != MKT_OK)
        return rc;
    const char *customer_id = ev->customer_id, *event_type = ev->event_type;
    if (!event_type || !*event_type)
        return mkt__error(e->ctx, MKT_EINVAL, "journey engine: empty event type");
    rc = begin(e, customer_id, &clen, ev->at);
    for (size_t i = 0; i < e->njourneys && rc == MKT_OK; i++) {
        struct mkt__je_journey *jj = &e->journeys[i];
        struct event_arg a;
        a.event = ev;
        if (!mkt__intern_find(&jj->events, event_type, strlen(event_type), &a.ev))
            continue;
        a.entry = jj->roles[a.ev] & MKT__JE_ROLE_ENTRY ? entry_for(jj, event_type)
                                                       : MKT__J_NONE;
        rc = mkt__je_update(e, jj, customer_id, clen, ev->at, apply_event, &a);
    }
    return rc;
}

MKT_EXPORT int mkt_journey_engine_event(mkt_journey_engine *e, const char *customer_id,
                                        const char *event_type, mkt_time at)
{
    mkt_journey_event ev = MKT_JOURNEY_EVENT_INIT;
    ev.customer_id = customer_id;
    ev.event_type = event_type;
    ev.at = at;
    return mkt_journey_engine_event_ex(e, &ev);
}

struct enter_arg {
    uint32_t entry;
    int32_t *entered;
};

static int apply_enter(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                       size_t clen, struct mkt__je_inst *in, int64_t now, const void *arg)
{
    const struct enter_arg *a = arg;
    *a->entered = 0;
    if (!mkt__je_may_enter(jj, in, now))
        return MKT_OK;
    *a->entered = 1;
    return mkt__je_start(e, jj, customer, clen, in, a->entry, now, NULL);
}

MKT_EXPORT int mkt_journey_engine_enter(mkt_journey_engine *e, const char *journey_id,
                                        const char *customer_id, mkt_time at, int32_t *entered)
{
    int32_t dummy;
    size_t clen;
    struct enter_arg a = { MKT__J_NONE, entered ? entered : &dummy };
    *a.entered = 0;
    if (!e)
        return MKT_EINVAL;
    if (!journey_id)
        return mkt__error(e->ctx, MKT_EINVAL, "journey engine: NULL journey id");
    struct mkt__je_journey *jj = mkt__je_find(e, journey_id, strlen(journey_id));
    if (!jj)
        return mkt__error(e->ctx, MKT_ENOTFOUND, "journey engine: no journey %s", journey_id);
    a.entry = jj->entry;
    int rc = begin(e, customer_id, &clen, at);
    return rc != MKT_OK ? rc : mkt__je_update(e, jj, customer_id, clen, at, apply_enter, &a);
}

MKT_EXPORT int mkt_journey_engine_instance(mkt_journey_engine *e, const char *journey_id,
                                           const char *customer_id, mkt_journey_instance *out)
{
    size_t clen;
    struct mkt__je_inst in;
    if (!e || !journey_id || !out || out->struct_size < sizeof *out)
        return MKT_EINVAL;
    int rc = mkt__je_customer_ok(e->ctx, customer_id, &clen);
    if (rc != MKT_OK)
        return rc;
    const struct mkt__je_journey *jj = mkt__je_find(e, journey_id, strlen(journey_id));
    if (!jj)
        return mkt__error(e->ctx, MKT_ENOTFOUND, "journey engine: no journey %s", journey_id);
    if (mkt__je_instance_key(&e->key, customer_id, clen, jj) != MKT_OK)
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    if ((rc = mkt__je_load(e, e->key.data, e->key.len, jj->nmarks, jj->nfields, &in)) !=
        MKT_OK)
        return rc;
    if (in.state == 0)
        return MKT_ENOTFOUND;
    out->state = in.state;
    out->node = in.node;
    out->entered_at = in.entered_at;
    out->wake_at = in.state == MKT_JOURNEY_INSTANCE_WAITING ? in.wake_at : 0;
    out->entries = in.entries;
    out->step = in.step;
    return MKT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * The journey engine (engine.h): life cycle, the per-journey tables, and the public entry
 * points that load an instance, apply an event or a wake-up, and save it with compare-and-set
 * (reloading and applying again on a conflict: sends already done are not repeated, see
 * engine-send.c).
 */
#include <string.h>

#include "engine-private.h"

MKT_EXPORT int mkt_journey_engine_options_init(mkt_journey_engine_options *opts)
{
    if (!opts)
        return MKT_EINVAL;
    mkt_journey_engine_options d = MKT_JOURNEY_ENGINE_OPTIONS_INIT;
    *opts = d;
    return MKT_OK;
}

static int utf8_ok(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char b = p[i];
        size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3
                   : (b & 0xF8) == 0xF0 ? 4 : 0;
        if (len == 0 || i + len > n || (len == 2 && b < 0xC2) || (len == 4 && b > 0xF4))
            return 0;
        for (size_t k = 1; k < len; k++)
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
        if ((len == 3 && b == 0xE0 && p[i + 1] < 0xA0) ||      /* overlong */
            (len == 3 && b == 0xED && p[i + 1] >= 0xA0) ||     /* surrogate */
            (len == 4 && b == 0xF0 && p[i + 1] < 0x90) ||      /* overlong */
            (len == 4 && b == 0xF4 && p[i + 1] >= 0x90))       /* past U+10FFFF */
            return 0;
        i += len;
    }
    return 1;
}

int mkt__je_customer_ok(mkt_ctx *ctx, const char *id, size_t *len)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > MKT__JE_MAX_CUSTOMER)
        return mkt__error(ctx, MKT_EINVAL, "journey engine: a customer id must have 1..256 "
                                           "bytes (got %zu)", n);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)id[i] < 0x20)
            return mkt__error(ctx, MKT_EINVAL, "journey engine: customer id has a control "
                                               "byte at offset %zu", i);
    if (!utf8_ok((const unsigned char *)id, n))
        return mkt__error(ctx, MKT_EINVAL, "journey engine: customer id is not valid UTF-8");
    *len = n;
    return MKT_OK;
}

struct mkt__je_journey *mkt__je_find(const mkt_journey_engine *e, const char *id, size_t len)
{
    for (size_t i = 0; i < e->njourneys; i++)
        if (e->journeys[i].id_len == len && memcmp(e->journeys[i].id, id, len) == 0)
            return &e->journeys[i];
    return NULL;
}

/* ---- per-journey tables -------------------------------------------------------------------- */

static int add_event(mkt_ctx *ctx, struct mkt__je_journey *jj, const char *type, uint8_t role,
                     int mark)
{
    uint32_t id;
    int is_new;
    if (mkt__intern_put(&jj->events, type, strlen(type), &id, &is_new) != MKT_OK)
        return MKT_ENOMEM;
    if (is_new) {
        uint8_t *r = mkt__reallocarray(ctx, jj->roles, id + 1, 1);
        int32_t *m = r ? mkt__reallocarray(ctx, jj->mark_of_event, id + 1, sizeof *m) : NULL;
        if (r)
            jj->roles = r;
        if (!m)
            return MKT_ENOMEM;
        jj->mark_of_event = m;
        r[id] = 0;
        m[id] = -1;
    }
    jj->roles[id] |= role;
    if (mark && jj->mark_of_event[id] < 0) {
        if (jj->nmarks == MKT__JE_MAX_MARKS)
            return MKT_ETOOBIG;
        jj->mark_of_event[id] = (int32_t)jj->nmarks++;
    }
    return MKT_OK;
}

static int unsupported(mkt_ctx *ctx, const struct mkt__je_journey *jj,
                       const mkt_journey_node_def *n, const char *what)
{
    return mkt__error(ctx, MKT_EUNSUPPORTED, "journey engine: %s node %s: %s is not supported "
                      "by the engine yet", jj->id, n->id, what);
}

/* An offer id mkt_promo_bind() accepts. */
static int offer_id_ok(const char *offer)
{
    size_t n = strlen(offer);
    return n >= 1 && n <= 256 && memchr(offer, 0x1f, n) == NULL;
}

static int scan_nodes(mkt_journey_engine *e, struct mkt__je_journey *jj)
{
    mkt_ctx *ctx = e->ctx;
    const mkt_journey *j = jj->j;
    int rc = MKT_OK;
    for (uint32_t i = 0; i < j->nnodes && rc == MKT_OK; i++) {
        const mkt_journey_node_def *n = &j->nodes[i].def;
        if (n->type == MKT_JOURNEY_ENTRY && jj->entry == MKT__J_NONE)
            jj->entry = i;
        if (n->type == MKT_JOURNEY_ENTRY && n->kind == MKT_JOURNEY_ENTRY_EVENT)
            rc = add_event(ctx, jj, n->event, MKT__JE_ROLE_ENTRY, 0);
        else if (n->type == MKT_JOURNEY_GOAL)
            rc = add_event(ctx, jj, n->event, MKT__JE_ROLE_GOAL, 0);
        else if (n->type == MKT_JOURNEY_WAIT && n->kind == MKT_JOURNEY_WAIT_EVENT)
            rc = add_event(ctx, jj, n->event, MKT__JE_ROLE_WAIT, 0);
        else if (n->type == MKT_JOURNEY_WAIT && n->kind == MKT_JOURNEY_WAIT_FIELD &&
                 (rc = mkt__je_field_add(e, jj, n)) != MKT_OK)
            return rc;
        else if (n->type == MKT_JOURNEY_ACTION && n->kind != MKT_JOURNEY_SEND && !e->opts.action)
            /* Profile updates, tags and host events are the host's to perform: without its
             * callback, refusing the journey beats silently skipping the action. */
            return mkt__error(ctx, MKT_EUNSUPPORTED, "journey engine: %s node %s: an update, "
                              "tag or emit action needs the action callback (engine "
                              "options)", jj->id, n->id);
        else if (n->type == MKT_JOURNEY_ACTION && n->kind == MKT_JOURNEY_SEND && n->offer &&
                 (!e->opts.promo_format || !e->opts.promo_secret ||
                  e->opts.promo_secret_len < MKT_PROMO_MIN_SECRET))
            /* Sending the message without the code it promises would be worse than not
             * running the journey at all. */
            return mkt__error(ctx, MKT_EUNSUPPORTED, "journey engine: %s node %s: a send with "
                              "offer %s needs promo_format and a promo_secret of at least %d "
                              "bytes (engine options)", jj->id, n->id, n->offer,
                              MKT_PROMO_MIN_SECRET);
        else if (n->type == MKT_JOURNEY_ACTION && n->kind == MKT_JOURNEY_SEND && n->offer &&
                 !offer_id_ok(n->offer))
            /* caught here, not at every send: mkt_promo_bind() would refuse it each time */
            return mkt__error(ctx, MKT_EINVAL, "journey engine: %s node %s: offer id '%s' must "
                              "have 1..256 bytes and no 0x1F byte", jj->id, n->id, n->offer);
    }
    return rc;
}

static int scan_edges(mkt_ctx *ctx, struct mkt__je_journey *jj, const mkt_table *customers)
{
    const mkt_journey *j = jj->j;
    for (uint32_t i = 0; i < j->nedges; i++) {
        const struct mkt__jedge *e = &j->edges[i];
        if (e->def.port != MKT_JOURNEY_PORT_BRANCH || e->def.condition == 0)
            continue;
        if (e->def.condition != MKT_JOURNEY_COND_EVENT && (!customers || !e->compiled))
            return unsupported(ctx, jj, &j->nodes[e->def.from].def,
                               customers ? "a decision on a rule or a segment of a journey "
                                           "loaded without a schema"
                                         : "a decision on a rule or a segment without the "
                                           "customers option");
        if (e->def.condition != MKT_JOURNEY_COND_EVENT)
            continue;
        int rc = add_event(ctx, jj, e->def.event, MKT__JE_ROLE_MARK, 1);
        if (rc != MKT_OK)
            return rc;
        if (e->since != MKT__J_NONE && jj->mark_of_node[e->since] == MKT__J_NONE) {
            if (jj->nmarks == MKT__JE_MAX_MARKS)
                return MKT_ETOOBIG;
            jj->mark_of_node[e->since] = jj->nmarks++;
        }
    }
    return MKT_OK;
}

/* The copies of struct mkt__je_journey that flushing needs. */
static int copy_count_keys(mkt_ctx *ctx, struct mkt__je_journey *jj)
{
    const mkt_journey *j = jj->j;
    mkt__buf keys;
    mkt__buf_init(&keys, ctx);
    jj->count_key_end = mkt__calloc(ctx, j->nnodes ? j->nnodes : 1, sizeof(uint32_t));
    jj->edge_from = mkt__calloc(ctx, j->nedges ? j->nedges : 1, sizeof(uint32_t));
    int rc = jj->count_key_end && jj->edge_from ? MKT_OK : MKT_ENOMEM;
    for (uint32_t i = 0; i < j->nnodes && rc == MKT_OK; i++) {
        rc = mkt__buf_appendf(&keys, "%s\x1f%s\x1f", jj->id, j->nodes[i].def.id);
        jj->count_key_end[i] = (uint32_t)keys.len;
    }
    for (uint32_t i = 0; i < j->nedges && rc == MKT_OK; i++)
        jj->edge_from[i] = j->edges[i].def.from;
    jj->count_keys = rc == MKT_OK ? mkt__buf_detach(&keys, NULL) : NULL;
    mkt__buf_free(&keys);
    if (rc == MKT_OK && !jj->count_keys)
        rc = MKT_ENOMEM;
    jj->nnodes = j->nnodes;
    jj->nedges = j->nedges;
    return rc;
}

static int prepare(mkt_journey_engine *e, struct mkt__je_journey *jj, const mkt_journey *j)
{
    mkt_ctx *ctx = e->ctx;
    jj->j = j;
    jj->id = j->def.id;
    jj->id_len = strlen(j->def.id);
    jj->entry = MKT__J_NONE;
    mkt__intern_init(&jj->events, ctx);
    jj->counts = mkt__calloc(ctx, j->nnodes ? j->nnodes : 1, sizeof *jj->counts);
    jj->taken = mkt__calloc(ctx, j->nedges ? j->nedges : 1, sizeof *jj->taken);
    jj->mark_of_node = mkt__calloc(ctx, j->nnodes ? j->nnodes : 1, sizeof *jj->mark_of_node);
    if (!jj->counts || !jj->taken || !jj->mark_of_node || copy_count_keys(ctx, jj) != MKT_OK)
        return mkt__error(ctx, MKT_ENOMEM, "journey engine: out of memory");
    for (uint32_t i = 0; i < j->nnodes; i++) {
        jj->mark_of_node[i] = MKT__J_NONE;
        jj->counts[i].struct_size = sizeof jj->counts[i];
    }
    jj->tally = &e->tally;
    int rc = scan_nodes(e, jj);
    if (rc != MKT_OK && rc != MKT_ENOMEM)
        return rc; /* an unsupported node or a bad field: the message is set */
    if (rc == MKT_OK)
        rc = scan_edges(ctx, jj, e->opts.customers);
    if (rc == MKT_ENOMEM || rc == MKT_ETOOBIG)
        return mkt__error(ctx, rc, rc == MKT_ENOMEM ? "journey engine: out of memory"
                          : "journey engine: %s: more than 32 decision events and `since` "
                            "nodes", jj->id);
    if (rc != MKT_OK)
        return rc;
    return mkt__tz_get(&e->tz, j->def.zone ? j->def.zone : "UTC", &jj->zone);
}

static void release_journey(mkt_ctx *ctx, struct mkt__je_journey *jj)
{
    mkt__intern_free(&jj->events);
    mkt__free(ctx, jj->roles);
    mkt__free(ctx, jj->mark_of_event);
    mkt__free(ctx, jj->mark_of_node);
    mkt__free(ctx, jj->counts);
    mkt__free(ctx, jj->taken);
    mkt__free(ctx, jj->count_keys);
    mkt__free(ctx, jj->count_key_end);
    mkt__free(ctx, jj->edge_from);
}

MKT_EXPORT void mkt_journey_engine_free(mkt_journey_engine *e)
{
    if (!e)
        return;
    mkt_ctx *ctx = e->ctx;
    (void)mkt_journey_engine_flush(e); /* a failure stays the context's last error */
    for (size_t i = 0; i < e->njourneys; i++)
        release_journey(ctx, &e->journeys[i]);
    mkt__free(ctx, e->journeys);
    mkt__je_heap_free(e);
    mkt__tz_cache_free(&e->tz);
    mkt__intern_free(&e->bad_zones);
    mkt__buf_free(&e->key);
    mkt__buf_free(&e->key2);
    mkt__buf_free(&e->val);
    mkt__buf_free(&e->sent_log);
    mkt__buf_free(&e->json);
    mkt__free(ctx, e->tally.log);
    mkt__free(ctx, e);
}

static int check_options(mkt_ctx *ctx, const mkt_journey_engine_options *o)
{
    if (o->message_class != MKT_CLASS_TRANSACTIONAL && o->message_class != MKT_CLASS_PROMOTIONAL)
        return mkt__error(ctx, MKT_EINVAL, "journey engine: message_class %d is not a class",
                          (int)o->message_class);
    if (o->max_attempts < 1 || o->max_attempts > 30)
        return mkt__error(ctx, MKT_EINVAL, "journey engine: max_attempts must be 1..30");
    if (o->retry_delay < 1 || o->retry_delay > 86400)
        return mkt__error(ctx, MKT_EINVAL, "journey engine: retry_delay must be 1..86400 s");
    if (o->timer_records < -1 || o->timer_records > 1)
        return mkt__error(ctx, MKT_EINVAL, "journey engine: timer_records must be -1, 0 or 1");
    return MKT_OK;
}

/* The undo log of one update, for the largest journey (see struct mkt__je_tally). */
static int size_tally(mkt_journey_engine *e, const mkt_journey *const *journeys, size_t n)
{
    size_t most = 0;
    for (size_t i = 0; i < n; i++)
        if (journeys[i] && journeys[i]->nnodes > most)
            most = journeys[i]->nnodes;
    e->tally.cap = (most + 2) * MKT__JE_TICKS_PER_NODE;
    e->tally.log = mkt__calloc(e->ctx, e->tally.cap, sizeof *e->tally.log);
    return e->tally.log ? MKT_OK : MKT_ENOMEM;
}

static int setup(mkt_journey_engine *e, const mkt_journey *const *journeys, size_t n)
{
    e->journeys = mkt__calloc(e->ctx, n, sizeof *e->journeys);
    if (!e->journeys || size_tally(e, journeys, n) != MKT_OK)
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    for (size_t i = 0; i < n; i++) {
        if (!journeys[i])
            return mkt__error(e->ctx, MKT_EINVAL, "journey engine: journey %zu is NULL", i);
        if (mkt__je_find(e, journeys[i]->def.id, strlen(journeys[i]->def.id)))
            return mkt__error(e->ctx, MKT_EINVAL, "journey engine: journey id %s given twice",
                              journeys[i]->def.id);
        e->njourneys++;
        int rc = prepare(e, &e->journeys[i], journeys[i]);
        if (rc != MKT_OK)
            return rc;
    }
    return mkt__je_load_timers(e);
}

MKT_EXPORT int mkt_journey_engine_new(mkt_journey_engine **out, mkt_ctx *ctx,
                                      const mkt_journey *const *journeys, size_t njourneys,
                                      const mkt_journey_engine_options *opts)
{
    if (out)
        *out = NULL;
    if (!out || !ctx)
        return MKT_EINVAL;
    if (!journeys || njourneys == 0)
        return mkt__error(ctx, MKT_EINVAL, "journey engine: no journeys given");
    mkt_journey_engine_options o = MKT_JOURNEY_ENGINE_OPTIONS_INIT;
    if (opts && opts->struct_size < sizeof opts->struct_size)
        return mkt__error(ctx, MKT_EINVAL, "journey engine: options struct_size not set");
    if (opts) /* fields past the caller's struct keep their defaults */
        memcpy(&o, opts, opts->struct_size < sizeof o ? opts->struct_size : sizeof o);
    int rc = check_options(ctx, &o);
    if (rc != MKT_OK)
        return rc;
    /* Timer records only serve a new engine over a store that outlives this one: the
     * built-in memory store dies with the context, so by default they are kept only over a
     * host's store. */
    if (o.timer_records == -1)
        o.timer_records = !mkt__store_is_builtin(ctx);
    mkt_journey_engine *e = mkt__calloc(ctx, 1, sizeof *e);
    if (!e)
        return mkt__error(ctx, MKT_ENOMEM, "journey engine: out of memory");
    e->ctx = ctx;
    e->opts = o;
    e->opts.struct_size = sizeof o;
    mkt__buf_init(&e->key, ctx);
    mkt__buf_init(&e->key2, ctx);
    mkt__buf_init(&e->val, ctx);
    mkt__buf_init(&e->sent_log, ctx);
    mkt__buf_init(&e->json, ctx);
    mkt__intern_init(&e->bad_zones, ctx);
    e->zone_column = MKT__J_NONE;
    if (o.customers && mkt_table_column_find(o.customers, "timezone", &e->zone_column) != MKT_OK)
        e->zone_column = MKT__J_NONE;
    if ((rc = mkt__tz_cache_init(&e->tz, ctx, NULL)) != MKT_OK) {
        mkt__free(ctx, e);
        return mkt__error(ctx, rc, "journey engine: out of memory");
    }
    if ((rc = setup(e, journeys, njourneys)) != MKT_OK) {
        mkt_journey_engine_free(e);
        return rc;
    }
    *out = e;
    return MKT_OK;
}

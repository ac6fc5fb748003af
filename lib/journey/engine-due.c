/* SPDX-License-Identifier: MIT */
/*
 * mkt_journey_engine_enter_due(): segment and date entries found by the library over the
 * engine's customers table, instead of the host calling mkt_journey_engine_enter().
 *
 * A call gathers every entry due in its window (engine-due-date.c: one pass over the table
 * per date entry; engine-member.c: one segment evaluation and one scan of the remembered
 * members per segment entry), sorts them by (time, journey, entry node, customer id) and
 * enters them one by one, firing the timers due before each first, as an event would: entries
 * and wake-ups interleave in time order, and the same table, store and clock give the same
 * instances and sends in the same order.
 *
 * The window of date entries is (start, to]. Its start is where the last call for the journey
 * stopped, kept in "journey.due" (key: the journey id, value: a time in ASCII decimal; no
 * customer data) so that a new engine after a restart catches up on the dates it missed;
 * without such a record, the engine's clock; with neither (a clock never moved), the window is
 * empty: the first call does not replay every birthday since 1970. An entry due before the
 * engine's clock (the record is behind it) enters at the clock. A date entry at or before the
 * instance's last entry time is not entered again (a window re-run after a crash).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-private.h"

/* 9999-12-31T23:59:59Z: past it dates are not dates anyone has, and every sum of a window end
 * and an offset (at most a century) stays far from overflow. */
#define MAX_DUE_TIME INT64_C(253402300799)

static int is_due_entry(const mkt_journey_node_def *n)
{
    return n->type == MKT_JOURNEY_ENTRY &&
           (n->kind == MKT_JOURNEY_ENTRY_SEGMENT || n->kind == MKT_JOURNEY_ENTRY_DATE);
}

/* Everything a call needs, checked before it changes anything: 1 when @jj has segment or
 * date entries, 0 when it has none, or a negative status. */
static int check_journey(mkt_journey_engine *e, const struct mkt__je_journey *jj)
{
    int found = 0;
    for (uint32_t i = 0; i < jj->j->nnodes; i++) {
        const mkt_journey_node_def *n = &jj->j->nodes[i].def;
        uint32_t column;
        int32_t type;
        if (!is_due_entry(n))
            continue;
        found = 1;
        if (!e->opts.customers)
            return mkt__error(e->ctx, MKT_EUNSUPPORTED, "journey engine: %s entry %s: segment "
                              "and date entries need the engine's customers option", jj->id,
                              n->id);
        if (n->kind == MKT_JOURNEY_ENTRY_SEGMENT && !jj->j->nodes[i].compiled)
            return mkt__error(e->ctx, MKT_EUNSUPPORTED, "journey engine: %s entry %s: the "
                              "segment is not compiled (the journey was loaded without a "
                              "schema, or the schema lacks fields the segment reads)", jj->id,
                              n->id);
        int rc = n->kind == MKT_JOURNEY_ENTRY_DATE ? mkt__je_date_column(e, jj, i, &column, &type)
                                                  : MKT_OK;
        if (rc != MKT_OK)
            return rc;
    }
    return found;
}

/* The stored end of the last window of @jj: 1 found, 0 none, or a negative status. */
static int load_horizon(mkt_journey_engine *e, const struct mkt__je_journey *jj, int64_t *out,
                        uint64_t *version)
{
    char *value = NULL, *end = NULL;
    size_t len = 0;
    *version = MKT_VERSION_ABSENT;
    int rc = mkt_store_get(e->ctx, MKT__JE_NS_DUE, jj->id, jj->id_len, &value, &len, version);
    if (rc == MKT_ENOTFOUND)
        return 0;
    if (rc != MKT_OK)
        return rc;
    long long v = strtoll(value, &end, 10);
    int ok = len > 0 && len < 21 && end == value + len && v >= 0;
    mkt_free(value);
    if (!ok)
        return mkt__error(e->ctx, MKT_EPARSE, "journey engine: %s: corrupt %s record", jj->id,
                          MKT__JE_NS_DUE);
    *out = v;
    return 1;
}

/* Record that the dates of @jj are done up to @to (never moving the record back). */
static int save_horizon(mkt_journey_engine *e, const struct mkt__je_journey *jj, int64_t to)
{
    char value[24];
    int vlen = snprintf(value, sizeof value, "%lld", (long long)to);
    for (int tries = 0; tries < MKT__JE_CAS_TRIES; tries++) {
        int64_t stored = 0;
        uint64_t version;
        int rc = load_horizon(e, jj, &stored, &version);
        if (rc < 0)
            return rc;
        if (rc == 1 && stored >= to)
            return MKT_OK; /* another engine went further */
        rc = mkt_store_put(e->ctx, MKT__JE_NS_DUE, jj->id, jj->id_len, value, (size_t)vlen,
                           version, NULL);
        if (rc != MKT_ECONFLICT)
            return rc;
    }
    return mkt__error(e->ctx, MKT_ECONFLICT, "journey engine: %s: the %s record kept changing "
                      "under another writer", jj->id, MKT__JE_NS_DUE);
}

static int window_start(mkt_journey_engine *e, const struct mkt__je_journey *jj, int64_t to,
                        int64_t *from)
{
    uint64_t version;
    int rc = load_horizon(e, jj, from, &version);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return MKT_OK;
    /* The first window on this store: recorded before any entry, because the clock moves
     * with the entries, so that a call that fails half-way is retried from the same start. */
    *from = e->clock > 0 ? e->clock : to;
    return save_horizon(e, jj, *from);
}

/* Gather the entries due in the window for journey @i. */
static int gather(mkt_journey_engine *e, uint32_t i, int64_t to, mkt__je_due_vec *list)
{
    const struct mkt__je_journey *jj = &e->journeys[i];
    int64_t from = to;
    int has_dates = 0, rc = MKT_OK;
    for (uint32_t k = 0; k < jj->j->nnodes && !has_dates; k++)
        has_dates = jj->j->nodes[k].def.type == MKT_JOURNEY_ENTRY &&
                    jj->j->nodes[k].def.kind == MKT_JOURNEY_ENTRY_DATE;
    if (has_dates && (rc = window_start(e, jj, to, &from)) != MKT_OK)
        return rc;
    for (uint32_t k = 0; k < jj->j->nnodes && rc == MKT_OK; k++) {
        const mkt_journey_node_def *n = &jj->j->nodes[k].def;
        if (n->type != MKT_JOURNEY_ENTRY)
            continue;
        if (n->kind == MKT_JOURNEY_ENTRY_DATE)
            rc = mkt__je_due_dates(e, i, k, from, to, list);
        else if (n->kind == MKT_JOURNEY_ENTRY_SEGMENT)
            rc = mkt__je_due_segment(e, i, k, to, list);
    }
    return rc;
}

static int by_time(const void *pa, const void *pb)
{
    const struct mkt__je_due *a = pa, *b = pb;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    if (a->journey != b->journey)
        return a->journey < b->journey ? -1 : 1;
    if (a->node != b->node)
        return a->node < b->node ? -1 : 1;
    return strcmp(a->id, b->id);
}

struct due_arg {
    uint32_t node;
    int32_t is_date;
    int32_t entered;
};

static int apply_due(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                     size_t clen, struct mkt__je_inst *in, int64_t now, const void *arg)
{
    struct due_arg *a = (struct due_arg *)arg; /* ours: written back for the caller */
    a->entered = 0;
    if (a->is_date && in->entries > 0 && in->entered_at >= now)
        return MKT_OK; /* this date already entered it (a window run again) */
    if (!mkt__je_may_enter(jj, in, now))
        return MKT_OK;
    a->entered = 1;
    return mkt__je_start(e, jj, customer, clen, in, a->node, now, NULL);
}

static int enter_one(mkt_journey_engine *e, const struct mkt__je_due *d, uint64_t *entered)
{
    struct mkt__je_journey *jj = &e->journeys[d->journey];
    struct due_arg a;
    size_t clen;
    int rc = mkt__je_customer_ok(e->ctx, d->id, &clen);
    if (rc == MKT_OK)
        rc = mkt__je_advance_to(e, d->at, NULL); /* timers due before (or at) it fire first */
    if (rc != MKT_OK)
        return rc;
    a.node = d->node;
    a.is_date = jj->j->nodes[d->node].def.kind == MKT_JOURNEY_ENTRY_DATE;
    a.entered = 0;
    rc = mkt__je_update(e, jj, d->id, clen, d->at, apply_due, &a);
    if (rc == MKT_OK && !a.is_date)
        rc = mkt__je_member_remember(e, jj, d->node, d->id, clen, d->at);
    *entered += rc == MKT_OK ? (uint64_t)a.entered : 0;
    return rc;
}

static int run(mkt_journey_engine *e, mkt_time to, uint64_t *entered, mkt__je_due_vec *list)
{
    int rc = MKT_OK;
    for (size_t i = 0; i < e->njourneys && rc == MKT_OK; i++) {
        rc = check_journey(e, &e->journeys[i]);
        if (rc == 1)
            rc = gather(e, (uint32_t)i, to, list);
    }
    if (rc != MKT_OK)
        return rc;
    if (list->len > 1)
        qsort(list->data, list->len, sizeof list->data[0], by_time);
    for (size_t i = 0; i < list->len && rc == MKT_OK; i++)
        rc = enter_one(e, &list->data[i], entered);
    if (rc == MKT_OK)
        rc = mkt__je_advance_to(e, to, NULL);
    for (size_t i = 0; i < e->njourneys && rc == MKT_OK; i++)
        if (check_journey(e, &e->journeys[i]) == 1)
            rc = save_horizon(e, &e->journeys[i], to);
    return rc;
}

MKT_EXPORT int mkt_journey_engine_enter_due(mkt_journey_engine *e, mkt_time to,
                                            uint64_t *entered)
{
    uint64_t n = 0;
    if (entered)
        *entered = 0;
    if (!e)
        return MKT_EINVAL;
    if (to < e->clock || to < 0)
        return mkt__error(e->ctx, MKT_ERANGE, "journey engine: time %lld is before the "
                          "engine's clock %lld", (long long)to, (long long)e->clock);
    if (to > MAX_DUE_TIME)
        return mkt__error(e->ctx, MKT_ERANGE, "journey engine: time %lld is after the year "
                          "9999", (long long)to);
    mkt__je_due_vec list = MKT__VEC_EMPTY;
    int rc = run(e, to, &n, &list);
    MKT__VEC_FREE(e->ctx, &list);
    if (entered)
        *entered = n;
    int frc = mkt_journey_engine_flush(e); /* the end of a batch, as advance */
    return rc != MKT_OK ? rc : frc;
}

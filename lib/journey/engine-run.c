/* SPDX-License-Identifier: MIT */
/*
 * The journey engine's state machine: an instance arrives at a node, does what the node says
 * and follows an edge, until it falls asleep (a wait, an entry delay, a deferred or retried
 * send) or leaves (exit, goal, dead end, maximum time). Everything depends only on the
 * instance, the definition and the time given, so a replay gives the same result.
 */
#include <stdio.h>
#include <string.h>

#include "engine-private.h"
#include "libmarketing/abtest.h"

/* Longest run of nodes without sleeping: the graph check forbids cycles without a wait, so
 * this only guards against a bug. */
#define MAX_HOPS 100000u

static const struct mkt__jnode *node_of(const struct mkt__je_journey *jj, uint32_t i)
{
    return &jj->j->nodes[i];
}

static void leave(struct mkt__je_journey *jj, struct mkt__je_inst *in, int32_t state)
{
    if (state == MKT_JOURNEY_INSTANCE_CONVERTED)
        MKT__JE_COUNT(jj, in->node, converted);
    else
        MKT__JE_COUNT(jj, in->node, ended);
    if (state == MKT_JOURNEY_INSTANCE_NO_FIELD)
        MKT__JE_COUNT(jj, in->node, no_field);
    in->state = state;
    in->asleep = 0;
    in->wake_at = 0;
}

/* Follow edge @edge (an index into the journey's edges) out of the current node. */
static void follow(struct mkt__je_journey *jj, struct mkt__je_inst *in, uint32_t edge)
{
    MKT__JE_COUNT(jj, in->node, exited);
    mkt__je_tick(jj, &jj->taken[edge], 1);
    in->node = jj->j->edges[edge].def.to;
    in->asleep = 0;
    in->attempt = 0;
}

/* The edge leaving the current node through @port (the first one), or MKT__J_NONE. */
static uint32_t edge_by_port(const struct mkt__je_journey *jj, uint32_t node, int32_t port)
{
    const struct mkt__jnode *n = node_of(jj, node);
    for (uint32_t i = n->first_edge; i < n->first_edge + n->nedges; i++)
        if (jj->j->edges[i].def.port == port)
            return i;
    return MKT__J_NONE;
}

/* Leave by @port; with no such edge the path ends here. */
void mkt__je_go(struct mkt__je_journey *jj, struct mkt__je_inst *in, int32_t port)
{
    uint32_t edge = edge_by_port(jj, in->node, port);
    if (edge == MKT__J_NONE)
        leave(jj, in, MKT_JOURNEY_INSTANCE_DONE);
    else
        follow(jj, in, edge);
}

static int64_t deadline(const struct mkt__je_journey *jj, const struct mkt__je_inst *in)
{
    int64_t max = jj->j->def.max_duration;
    return max > 0 ? in->entered_at + max : INT64_MAX;
}

/* Fall asleep at the current node until @due (never later than the journey's maximum time,
 * never earlier than one second from now so that time moves on). */
void mkt__je_sleep(struct mkt__je_journey *jj, struct mkt__je_inst *in, int64_t due,
                        int64_t now)
{
    int64_t end = deadline(jj, in);
    if (due <= now)
        due = now + 1;
    in->state = MKT_JOURNEY_INSTANCE_WAITING;
    in->asleep = 1;
    in->wake_at = due < end ? due : end;
    MKT__JE_WAITING(jj, in->node, 1);
}

/* The next instant after @now at local time of day @tod in @zone. */
static int64_t next_time_of_day(const mkt__tz *zone, int64_t now, int32_t tod)
{
    int64_t local = now + mkt__tz_offset(zone, now);
    int64_t day = mkt__floor_div(local, 86400);
    for (int k = 0; k < 3; k++) {
        int64_t t = mkt__tz_local_to_utc(zone, (day + k) * 86400 + tod);
        if (t > now)
            return t;
    }
    return now + 86400; /* not reached: a day later is always after now */
}

/* Arrive at a wait: fall asleep until its time; a wait until a field whose time already
 * passed goes on at once, and one whose value is missing or bad leaves the journey. */
static int wait(mkt_journey_engine *e, struct mkt__je_journey *jj, struct mkt__je_inst *in,
                const char *customer, size_t clen, int64_t now)
{
    const mkt_journey_node_def *d = &node_of(jj, in->node)->def;
    const mkt__tz *zone = jj->zone;
    int64_t due = now + d->delay; /* DURATION and EVENT (the timeout) */
    if (d->kind == MKT_JOURNEY_WAIT_TIME || d->kind == MKT_JOURNEY_WAIT_DATE ||
        d->kind == MKT_JOURNEY_WAIT_FIELD) {
        int rc = mkt__je_zone(e, jj, customer, clen, &zone);
        if (rc != MKT_OK)
            return rc;
    }
    if (d->kind == MKT_JOURNEY_WAIT_TIME)
        due = next_time_of_day(zone, now, d->time_of_day);
    else if (d->kind == MKT_JOURNEY_WAIT_DATE)
        due = mkt__tz_local_to_utc(zone, (int64_t)d->until_date * 86400 +
                                             (d->time_of_day >= 0 ? d->time_of_day : 0));
    if (d->kind == MKT_JOURNEY_WAIT_FIELD) {
        if (!mkt__je_field_due(jj, in, d, zone, &due)) {
            leave(jj, in, MKT_JOURNEY_INSTANCE_NO_FIELD);
            return MKT_OK;
        }
        if (due <= now) {
            mkt__je_go(jj, in, MKT_JOURNEY_PORT_NEXT);
            return MKT_OK;
        }
    }
    mkt__je_sleep(jj, in, due, now);
    return MKT_OK;
}

/* Whether the rule or segment of @edge holds for the customer's row of the customers table
 * (a customer without a row fails it): 1, 0, or a negative status. */
static int profile_holds(mkt_journey_engine *e, const struct mkt__jedge *edge,
                         const char *customer, size_t clen)
{
    uint64_t row;
    int32_t matched = 0;
    if (mkt_table_find(e->opts.customers, customer, clen, &row) != MKT_OK)
        return 0;
    int rc = mkt_segment_match_row(edge->compiled, e->ctx, e->opts.customers, row, &matched);
    return rc != MKT_OK ? rc : matched == 1;
}

/* Whether the condition of decision branch @edge holds for @in: 1, 0, or a status < 0. */
static int condition_holds(mkt_journey_engine *e, const struct mkt__je_journey *jj,
                           const struct mkt__je_inst *in, const struct mkt__jedge *edge,
                           const char *customer, size_t clen)
{
    uint32_t ev;
    int holds = 0;
    if (edge->def.condition != MKT_JOURNEY_COND_EVENT) {
        holds = profile_holds(e, edge, customer, clen);
        if (holds < 0)
            return holds;
    } else if (mkt__intern_find(&jj->events, edge->def.event, strlen(edge->def.event), &ev)) {
        int64_t seen = in->marks[jj->mark_of_event[ev]];
        int64_t from = edge->since == MKT__J_NONE
                           ? in->entered_at
                           : in->marks[jj->mark_of_node[edge->since]];
        holds = seen != MKT__JE_NEVER && from != MKT__JE_NEVER && seen >= from;
    }
    return edge->def.negate ? !holds : holds;
}

static int decide(mkt_journey_engine *e, struct mkt__je_journey *jj, struct mkt__je_inst *in,
                  const char *customer, size_t clen)
{
    const struct mkt__jnode *n = node_of(jj, in->node);
    for (uint32_t i = n->first_edge; i < n->first_edge + n->nedges; i++) {
        const struct mkt__jedge *edge = &jj->j->edges[i];
        if (edge->def.port != MKT_JOURNEY_PORT_BRANCH)
            continue;
        int holds = condition_holds(e, jj, in, edge, customer, clen);
        if (holds < 0)
            return holds;
        if (holds) {
            follow(jj, in, i);
            return MKT_OK;
        }
    }
    mkt__je_go(jj, in, MKT_JOURNEY_PORT_DEFAULT);
    return MKT_OK;
}

/* A random split through the A/B allocation: replayable, and analysable as an experiment. */
static int split(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                 size_t clen, struct mkt__je_inst *in)
{
    const struct mkt__jnode *n = node_of(jj, in->node);
    double weights[MKT__J_MAX_VARIANTS];
    uint32_t edges[MKT__J_MAX_VARIANTS], nv = 0;
    for (uint32_t i = n->first_edge; i < n->first_edge + n->nedges; i++)
        if (jj->j->edges[i].def.port == MKT_JOURNEY_PORT_BRANCH && nv < MKT__J_MAX_VARIANTS) {
            weights[nv] = jj->j->edges[i].def.weight;
            edges[nv++] = i;
        }
    mkt__buf_reset(&e->key2);
    if (n->def.experiment ? mkt__buf_appends(&e->key2, n->def.experiment)
                          : mkt__buf_appendf(&e->key2, "%s.%s", jj->id, n->def.id))
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    if (mkt__buf_putc(&e->key2, '\0'))
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    mkt_abtest_assignment a;
    int rc = mkt_abtest_assign(e->ctx, e->key2.data, customer, clen, weights, nv, NULL, &a);
    if (rc != MKT_OK)
        return rc;
    if (a.variant < 0 || (uint32_t)a.variant >= nv) /* every unit is covered at coverage 1 */
        return mkt__error(e->ctx, MKT_EINTERNAL, "journey engine: split %s assigned nothing",
                          n->def.id);
    follow(jj, in, edges[a.variant]);
    return MKT_OK;
}

static void arrive(struct mkt__je_journey *jj, struct mkt__je_inst *in, int64_t now)
{
    in->step++;
    MKT__JE_COUNT(jj, in->node, entered);
    uint32_t mark = jj->mark_of_node[in->node];
    if (mark != MKT__J_NONE)
        in->marks[mark] = now;
}

int mkt__je_run(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                size_t clen, struct mkt__je_inst *in, int64_t now)
{
    for (uint32_t hops = 0; in->state == MKT_JOURNEY_INSTANCE_WAITING && !in->asleep; hops++) {
        if (hops == MAX_HOPS)
            return mkt__error(e->ctx, MKT_EINTERNAL, "journey engine: %s loops", jj->id);
        arrive(jj, in, now);
        const struct mkt__jnode *n = node_of(jj, in->node);
        int rc = MKT_OK;
        switch (n->def.type) {
        case MKT_JOURNEY_ENTRY:
            mkt__je_go(jj, in, MKT_JOURNEY_PORT_NEXT);
            break;
        case MKT_JOURNEY_WAIT:
            rc = wait(e, jj, in, customer, clen, now);
            break;
        case MKT_JOURNEY_DECISION:
            rc = decide(e, jj, in, customer, clen);
            break;
        case MKT_JOURNEY_SPLIT:
            rc = split(e, jj, customer, clen, in);
            break;
        case MKT_JOURNEY_ACTION:
            rc = mkt__je_perform(e, jj, customer, clen, in, now);
            break;
        case MKT_JOURNEY_GOAL:
            leave(jj, in, MKT_JOURNEY_INSTANCE_CONVERTED);
            break;
        default:
            leave(jj, in, MKT_JOURNEY_INSTANCE_DONE);
            break;
        }
        if (rc != MKT_OK)
            return rc;
    }
    return MKT_OK;
}

int mkt__je_wake(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                 size_t clen, struct mkt__je_inst *in, int64_t now)
{
    const struct mkt__jnode *n = node_of(jj, in->node);
    MKT__JE_WAITING(jj, in->node, -1);
    in->asleep = 0;
    if (now >= deadline(jj, in)) { /* the maximum time wins a tie with any other wake-up */
        leave(jj, in, MKT_JOURNEY_INSTANCE_EXPIRED);
        return MKT_OK;
    }
    in->wake_at = 0;
    switch (n->def.type) {
    case MKT_JOURNEY_WAIT:
        mkt__je_go(jj, in, n->def.kind == MKT_JOURNEY_WAIT_EVENT ? MKT_JOURNEY_PORT_TIMEOUT
                                                         : MKT_JOURNEY_PORT_NEXT);
        break;
    case MKT_JOURNEY_ENTRY: /* the entry's delay is over */
        mkt__je_go(jj, in, MKT_JOURNEY_PORT_NEXT);
        break;
    default: { /* a deferred or retried action: do the node again, keeping its step */
        int rc = mkt__je_perform(e, jj, customer, clen, in, now);
        if (rc != MKT_OK)
            return rc;
        break;
    }
    }
    return mkt__je_run(e, jj, customer, clen, in, now);
}

int mkt__je_may_enter(const struct mkt__je_journey *jj, const struct mkt__je_inst *in,
                      int64_t now)
{
    const mkt_journey_def *d = &jj->j->def;
    if (in->state == 0)
        return 1;
    if (in->state == MKT_JOURNEY_INSTANCE_WAITING || d->reentry != MKT_JOURNEY_REENTRY_ALLOWED)
        return 0;
    if (d->reentry_max > 0 && in->entries >= d->reentry_max)
        return 0;
    return now - in->entered_at >= d->reentry_after;
}

int mkt__je_start(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                  size_t clen, struct mkt__je_inst *in, uint32_t entry, int64_t now,
                  const mkt_journey_event *trigger)
{
    in->state = MKT_JOURNEY_INSTANCE_WAITING;
    in->node = entry;
    in->entries++;
    in->step = 0;
    in->attempt = 0;
    in->asleep = 0;
    in->entered_at = now;
    in->wake_at = 0;
    for (uint32_t i = 0; i < in->nmarks; i++)
        in->marks[i] = MKT__JE_NEVER;
    if (jj->nfields > 0)
        mkt__je_capture(e, jj, customer, clen, trigger, in);
    const mkt_journey_node_def *d = &node_of(jj, entry)->def;
    if (d->type == MKT_JOURNEY_ENTRY && d->delay > 0) {
        arrive(jj, in, now);
        mkt__je_sleep(jj, in, now + d->delay, now);
        return MKT_OK;
    }
    return mkt__je_run(e, jj, customer, clen, in, now);
}

int mkt__je_on_event(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                     size_t clen, struct mkt__je_inst *in, uint32_t ev, int64_t now,
                     uint32_t entry, const mkt_journey_event *trigger)
{
    uint8_t roles = jj->roles[ev];
    if (in->state == MKT_JOURNEY_INSTANCE_WAITING) {
        const char *type = mkt__intern_str(&jj->events, ev, NULL);
        if (jj->mark_of_event[ev] >= 0)
            in->marks[jj->mark_of_event[ev]] = now;
        if (roles & MKT__JE_ROLE_GOAL) {
            for (uint32_t i = 0; i < jj->j->nnodes; i++) {
                const mkt_journey_node_def *g = &node_of(jj, i)->def;
                if (g->type == MKT_JOURNEY_GOAL && strcmp(g->event, type) == 0) {
                    if (in->asleep)
                        MKT__JE_WAITING(jj, in->node, -1);
                    MKT__JE_COUNT(jj, in->node, exited);
                    in->node = i;
                    in->asleep = 0;
                    arrive(jj, in, now);
                    leave(jj, in, MKT_JOURNEY_INSTANCE_CONVERTED);
                    return MKT_OK;
                }
            }
        }
        const mkt_journey_node_def *d = &node_of(jj, in->node)->def;
        if (in->asleep && d->type == MKT_JOURNEY_WAIT && d->kind == MKT_JOURNEY_WAIT_EVENT &&
            strcmp(d->event, type) == 0) {
            MKT__JE_WAITING(jj, in->node, -1);
            in->wake_at = 0;
            mkt__je_go(jj, in, MKT_JOURNEY_PORT_EVENT);
            return mkt__je_run(e, jj, customer, clen, in, now);
        }
        return MKT_OK;
    }
    if (entry != MKT__J_NONE && mkt__je_may_enter(jj, in, now))
        return mkt__je_start(e, jj, customer, clen, in, entry, now, trigger);
    return MKT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * `mkt journey simulate`: the events of events.csv and a BOOKING_COMPLETED event for each
 * confirmed booking of bookings.csv, in time order (ties in file order, events first), are
 * fed to a journey engine over an in-memory store (never the --state file: a simulation
 * changes nothing). Between two events every timer due is fired at its own time, so each
 * message of the outbox carries the simulated time it would be sent at. After the last event
 * the clock runs on to --to (default: 366 days after the last event) or until no timer is left.
 * Update, tag and emit actions go to the outbox too (action column; the detail column holds
 * "attribute=value", the tag or the event type), after the messages' channel/template/node.
 */
#include <stdlib.h>
#include <string.h>

#include "journey-sim.h"
#include "outfile.h"

#define DEFAULT_RUN_ON (INT64_C(366) * 86400)

typedef struct sim_event {
    mkt_time ts;
    uint64_t order;
    const char *customer;
    const char *type;
} sim_event;

typedef struct sim {
    FILE *outbox;
    mkt_time now;
    uint64_t messages;
    uint64_t actions;
} sim;

static const char *channel_name(int32_t ch)
{
    static const char *const names[] = { "", "EMAIL", "SMS", "PUSH", "IN_APP", "WEB", "SOCIAL" };
    return ch >= 1 && ch <= 6 ? names[ch] : "?";
}

static int outbox_send(const mkt_message *m, void *data)
{
    sim *s = data;
    s->messages++;
    if (!s->outbox)
        return MKT_OK;
    char when[MKT_TIME_BUFSZ];
    fmt_time(when, s->now);
    fprintf(s->outbox, "%s,%s,%s,%s,%s,send,\n", when, m->customer_id,
            channel_name(m->channel), m->template_id, m->node_id);
    return MKT_OK;
}

static const char *action_name(int32_t kind)
{
    switch (kind) {
    case MKT_JOURNEY_UPDATE:
        return "update";
    case MKT_JOURNEY_TAG_ADD:
        return "add-tag";
    case MKT_JOURNEY_TAG_REMOVE:
        return "remove-tag";
    case MKT_JOURNEY_EMIT:
        return "emit";
    default:
        return "?";
    }
}

/* The engine's action callback: one outbox line per update, tag or emit. */
static int outbox_action(const mkt_journey_action *a, void *data)
{
    sim *s = data;
    s->actions++;
    if (!s->outbox)
        return MKT_OK;
    char when[MKT_TIME_BUFSZ];
    fmt_time(when, s->now);
    fprintf(s->outbox, "%s,%s,,,%s,%s,", when, a->customer_id, a->node_id,
            action_name(a->kind));
    if (a->kind == MKT_JOURNEY_UPDATE) {
        size_t n = strlen(a->attribute) + strlen(a->value) + 2;
        char *detail = malloc(n);
        if (!detail)
            return MKT_ENOMEM; /* fails the action: the simulation reports it as failed */
        snprintf(detail, n, "%s=%s", a->attribute, a->value);
        csv_field(s->outbox, detail, strlen(detail));
        free(detail);
    } else {
        const char *d = a->kind == MKT_JOURNEY_EMIT ? a->event_type : a->tag;
        csv_field(s->outbox, d, strlen(d));
    }
    fputc('\n', s->outbox);
    return MKT_OK;
}

static int by_time(const void *a, const void *b)
{
    const sim_event *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Every event and confirmed booking in [from, to), sorted. */
static sim_event *collect(const mkt_table *t, const sim_options *o, size_t *n)
{
    uint64_t ne = mkt_table_event_count(t), nb = mkt_table_booking_count(t), k = 0;
    sim_event *v = calloc(ne + nb + 1, sizeof *v);
    for (uint64_t i = 0; v && i < ne + nb; i++) {
        sim_event e = { 0, i, NULL, NULL };
        if (i < ne) {
            mkt_event ev = { sizeof ev, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL };
            if (mkt_table_get_event(t, i, &ev) != MKT_OK)
                continue;
            e.ts = ev.ts, e.customer = ev.customer_id, e.type = ev.type;
        } else {
            mkt_booking b;
            memset(&b, 0, sizeof b);
            b.struct_size = sizeof b;
            if (mkt_table_get_booking(t, i - ne, &b) != MKT_OK ||
                b.status == MKT_BOOKING_CANCELLED)
                continue;
            e.ts = b.booking_time, e.customer = b.customer_id, e.type = "BOOKING_COMPLETED";
        }
        if ((o->from != MKT_NULL_INT64 && e.ts < o->from) ||
            (o->to != MKT_NULL_INT64 && e.ts >= o->to))
            continue;
        v[k++] = e;
    }
    if (v)
        qsort(v, k, sizeof *v, by_time);
    *n = k;
    return v;
}

/* Fire the timers due up to @until (inclusive), one due time at a time. */
static int run_timers(mkt_journey_engine *e, sim *s, mkt_time until)
{
    mkt_time due;
    while (mkt_journey_engine_next_due(e, &due) == MKT_OK && due <= until) {
        s->now = due;
        int rc = mkt_journey_engine_advance(e, due, NULL);
        if (rc != MKT_OK)
            return rc;
    }
    return MKT_OK;
}

static int replay(mkt_journey_engine *e, sim *s, const sim_event *v, size_t n,
                  const sim_options *o)
{
    int rc = MKT_OK;
    for (size_t i = 0; i < n && rc == MKT_OK; i++) {
        if ((rc = run_timers(e, s, v[i].ts)) == MKT_OK) {
            s->now = v[i].ts;
            rc = mkt_journey_engine_event(e, v[i].customer, v[i].type, v[i].ts);
        }
    }
    if (rc == MKT_OK) {
        mkt_time last = n ? v[n - 1].ts : (o->from != MKT_NULL_INT64 ? o->from : 0);
        rc = run_timers(e, s, o->to != MKT_NULL_INT64 ? o->to - 1 : last + DEFAULT_RUN_ON);
    }
    return rc;
}

static void print_counts(const mkt_journey_engine *e, const mkt_journey *j, size_t nevents,
                         const sim *s)
{
    mkt_journey_def d = MKT_JOURNEY_DEF_INIT;
    mkt_journey_get(j, &d);
    printf("journey %s: %zu events replayed, %llu messages, %llu actions\n", d.id, nevents,
           (unsigned long long)s->messages, (unsigned long long)s->actions);
    printf("%-24s %8s %8s %8s %9s %8s %8s %8s %8s %10s\n", "node", "entered", "exited",
           "waiting", "converted", "ended", "sent", "failed", "deferred", "suppressed");
    for (uint32_t i = 0; i < mkt_journey_node_count(j); i++) {
        mkt_journey_node_def nd = MKT_JOURNEY_NODE_DEF_INIT;
        mkt_journey_node_counts c;
        memset(&c, 0, sizeof c);
        c.struct_size = sizeof c;
        if (mkt_journey_node_get(j, i, &nd) != MKT_OK ||
            mkt_journey_engine_counts(e, d.id, i, &c) != MKT_OK)
            continue;
        printf("%-24s %8llu %8llu %8lld %9llu %8llu %8llu %8llu %8llu %10llu\n", nd.id,
               (unsigned long long)c.entered, (unsigned long long)c.exited,
               (long long)c.waiting, (unsigned long long)c.converted,
               (unsigned long long)c.ended, (unsigned long long)c.sent,
               (unsigned long long)c.failed, (unsigned long long)c.deferred,
               (unsigned long long)c.suppressed);
    }
}

int journey_simulate(mkt_app *app, const mkt_journey *j, const mkt_table *table,
                     const sim_options *o)
{
    sim s = { NULL, 0, 0, 0 };
    if (o->outbox) {
        if (!(s.outbox = fopen(o->outbox, "w"))) {
            fprintf(stderr, "mkt: cannot write %s\n", o->outbox);
            return MKT_EXIT_FAIL;
        }
        fputs("time,customer_id,channel,template,node,action,detail\n", s.outbox);
    }
    size_t n = 0;
    sim_event *v = table ? collect(table, o, &n) : calloc(1, sizeof *v);
    mkt_host host = MKT_HOST_INIT;
    host.send = outbox_send;
    host.user_data = &s;
    mkt_ctx *ctx = NULL;
    mkt_journey_engine *e = NULL;
    int rc = v ? mkt_ctx_new(&ctx, &host, NULL) : MKT_ENOMEM;
    mkt_journey_engine_options eo = MKT_JOURNEY_ENGINE_OPTIONS_INIT;
    eo.action = outbox_action; /* update, tag and emit actions are listed, not refused */
    eo.action_user = &s;
    if (rc == MKT_OK)
        rc = mkt_journey_engine_new(&e, ctx, &j, 1, &eo);
    if (rc == MKT_OK)
        rc = replay(e, &s, v, n, o);
    int exit_code = MKT_EXIT_OK;
    if (rc != MKT_OK) {
        fprintf(stderr, "mkt: journey simulate: %s\n",
                ctx ? mkt_ctx_last_error(ctx)->message : mkt_strerror(rc));
        exit_code = MKT_EXIT_FAIL;
    } else {
        print_counts(e, j, n, &s);
    }
    (void)app;
    mkt_journey_engine_free(e);
    mkt_ctx_free(ctx);
    free(v);
    if (s.outbox && fclose(s.outbox) != 0 && exit_code == MKT_EXIT_OK) {
        fprintf(stderr, "mkt: cannot write %s\n", o->outbox);
        exit_code = MKT_EXIT_FAIL;
    }
    return exit_code ? exit_code : finish_output();
}

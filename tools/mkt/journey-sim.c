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
 * An event carries its `properties` column ("key=value;key=value"); a booking's event carries
 * booking_ref, departure_date, origin, destination and route; the customers table is the
 * engine's, for decisions, "customer.NAME" fields and customer time zones.
 *
 * A journey with segment or date entries, given --customers, also has its entries found by
 * the engine (mkt_journey_engine_enter_due()) as the clock moves: from --from (else the first
 * event) at every event and at daily ticks, segments being evaluated at each of those calls.
 * Messages and actions are dated by the engine's clock when it performs them.
 */
#include <stdlib.h>
#include <string.h>

#include "journey-sim.h"
#include "outfile.h"

#define DEFAULT_RUN_ON (INT64_C(366) * 86400)
#define TICK INT64_C(86400) /* segment entries are looked for at least once a day */

typedef struct sim_event {
    mkt_time ts;
    uint64_t order;
    const char *customer;
    const char *type;
    const char *id;         /* event id, for messages; NULL for a booking */
    const char *properties; /* events.csv "key=value;key=value", or NULL */
    uint64_t booking;       /* booking index of a BOOKING_COMPLETED, or UINT64_MAX */
} sim_event;

typedef struct sim {
    FILE *outbox;
    mkt_time now;
    uint64_t messages;
    uint64_t actions;
    const mkt_table *table;
    int reported;           /* an error was printed already */
    int due;                /* the engine finds segment and date entries */
    mkt_time next_tick;     /* the next daily look for them */
    uint64_t entered;       /* instances it started */
} sim;

/* Properties of one replayed event: names and values point into @text (a copy). */
typedef struct sim_props {
    char *text;
    const char *names[MKT_JOURNEY_EVENT_MAX_PROPERTIES];
    const char *values[MKT_JOURNEY_EVENT_MAX_PROPERTIES];
    size_t n;
    char date[MKT_DATE_BUFSZ];
} sim_props;

static const char *channel_name(int32_t ch)
{
    static const char *const names[] = { "", "EMAIL", "SMS", "PUSH", "IN_APP", "WEB", "SOCIAL" };
    return ch >= 1 && ch <= 6 ? names[ch] : "?";
}

/* The host's send: one outbox line; detail "offer=ID:CODE" when the engine issued a code. */
static int outbox_send(const mkt_message *m, void *data)
{
    sim *s = data;
    s->messages++;
    if (!s->outbox)
        return MKT_OK;
    char when[MKT_TIME_BUFSZ];
    fmt_time(when, m->at);
    fprintf(s->outbox, "%s,%s,%s,%s,%s,send,", when, m->customer_id,
            channel_name(m->channel), m->template_id, m->node_id);
    sim_offer_detail(s->outbox, m);
    fputc('\n', s->outbox);
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
    fmt_time(when, a->at);
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
        sim_event e = { 0, i, NULL, NULL, NULL, NULL, UINT64_MAX };
        if (i < ne) {
            mkt_event ev = { sizeof ev, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL };
            if (mkt_table_get_event(t, i, &ev) != MKT_OK)
                continue;
            e.ts = ev.ts, e.customer = ev.customer_id, e.type = ev.type;
            e.id = ev.event_id, e.properties = ev.properties;
        } else {
            mkt_booking b;
            memset(&b, 0, sizeof b);
            b.struct_size = sizeof b;
            if (mkt_table_get_booking(t, i - ne, &b) != MKT_OK ||
                b.status == MKT_BOOKING_CANCELLED)
                continue;
            e.ts = b.booking_time, e.customer = b.customer_id, e.type = "BOOKING_COMPLETED";
            e.booking = i - ne;
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

/* Segment and date entries up to @until, found by the engine at each daily tick before it and
 * at @until; the timers due in between fire inside those calls, each at its own time. */
static int enter_due(mkt_journey_engine *e, sim *s, mkt_time until)
{
    uint64_t n = 0;
    int rc = MKT_OK;
    for (; rc == MKT_OK && s->next_tick < until; s->next_tick += TICK) {
        rc = mkt_journey_engine_enter_due(e, s->next_tick, &n);
        s->entered += n;
    }
    if (rc == MKT_OK) {
        rc = mkt_journey_engine_enter_due(e, until, &n);
        s->entered += n;
    }
    s->now = until;
    return rc;
}

static int has_due_entries(const mkt_journey *j)
{
    for (uint32_t i = 0; i < mkt_journey_node_count(j); i++) {
        mkt_journey_node_def nd = MKT_JOURNEY_NODE_DEF_INIT;
        if (mkt_journey_node_get(j, i, &nd) == MKT_OK && nd.type == MKT_JOURNEY_ENTRY &&
            (nd.kind == MKT_JOURNEY_ENTRY_SEGMENT || nd.kind == MKT_JOURNEY_ENTRY_DATE))
            return 1;
    }
    return 0;
}

/* Start the clock of entries found by the engine at @start (so an entry at @start counts). */
static int start_due(mkt_journey_engine *e, sim *s, const sim_event *v, size_t n,
                     const sim_options *o)
{
    mkt_time start = o->from != MKT_NULL_INT64 ? o->from : n ? v[0].ts : MKT_NULL_INT64;
    if (start == MKT_NULL_INT64) {
        fprintf(stderr, "mkt: journey simulate: a journey with segment or date entries needs "
                        "--from (or events) to start the clock\n");
        s->reported = 1;
        return MKT_EINVAL;
    }
    s->next_tick = start;
    return start > 0 ? mkt_journey_engine_advance(e, start - 1, NULL) : MKT_OK;
}

static void add_prop(sim_props *p, const char *name, const char *value)
{
    if (value && *value && p->n < MKT_JOURNEY_EVENT_MAX_PROPERTIES) {
        p->names[p->n] = name;
        p->values[p->n++] = value;
    }
}

/* Split "key=value;key=value" (empty pairs skipped) into @p; -1 on a pair without '=' or
 * too many pairs, with the message printed. */
static int split_properties(const sim_event *ev, sim_props *p)
{
    if (!ev->properties || !*ev->properties)
        return 0;
    if (!(p->text = strdup(ev->properties)))
        return -1;
    for (char *pair = p->text, *next; pair; pair = next) {
        next = strchr(pair, ';');
        if (next)
            *next++ = '\0';
        char *eq = strchr(pair, '=');
        if (!*pair)
            continue;
        if (!eq || eq == pair || p->n == MKT_JOURNEY_EVENT_MAX_PROPERTIES) {
            fprintf(stderr, "mkt: journey simulate: event %s: properties \"%s\": %s\n", ev->id,
                    ev->properties, eq && eq != pair ? "more than 64 pairs"
                                       : "expected name=value pairs separated by ';'");
            return -1;
        }
        *eq = '\0';
        add_prop(p, pair, eq + 1);
    }
    return 0;
}

/* A booking's event carries the booking's fields, so that journeys triggered by it can wait
 * until event.departure_date and personalise with event.booking_ref. */
static void booking_properties(const mkt_table *t, uint64_t index, sim_props *p)
{
    mkt_booking b;
    memset(&b, 0, sizeof b);
    b.struct_size = sizeof b;
    if (mkt_table_get_booking(t, index, &b) != MKT_OK)
        return;
    add_prop(p, "booking_ref", b.booking_id);
    if (b.departure_date != MKT_NULL_DATE &&
        mkt_date_format(b.departure_date, p->date, sizeof p->date) == MKT_OK)
        add_prop(p, "departure_date", p->date);
    add_prop(p, "origin", b.origin);
    add_prop(p, "destination", b.destination);
    add_prop(p, "route", b.route);
}

static int feed(mkt_journey_engine *e, sim *s, const sim_event *v)
{
    sim_props p;
    p.text = NULL, p.n = 0;
    if (v->booking != UINT64_MAX)
        booking_properties(s->table, v->booking, &p);
    else if (split_properties(v, &p) != 0) {
        free(p.text);
        s->reported = 1;
        return MKT_EPARSE;
    }
    mkt_journey_event ev = MKT_JOURNEY_EVENT_INIT;
    ev.customer_id = v->customer, ev.event_type = v->type, ev.at = v->ts;
    ev.property_names = p.names, ev.property_values = p.values, ev.nproperties = p.n;
    int rc = mkt_journey_engine_event_ex(e, &ev);
    free(p.text);
    return rc;
}

static int replay(mkt_journey_engine *e, sim *s, const sim_event *v, size_t n,
                  const sim_options *o)
{
    int rc = s->due ? start_due(e, s, v, n, o) : MKT_OK;
    for (size_t i = 0; i < n && rc == MKT_OK; i++) {
        rc = s->due ? enter_due(e, s, v[i].ts) : run_timers(e, s, v[i].ts);
        if (rc == MKT_OK) {
            s->now = v[i].ts;
            rc = feed(e, s, &v[i]);
        }
    }
    if (rc == MKT_OK) {
        mkt_time last = n ? v[n - 1].ts : (o->from != MKT_NULL_INT64 ? o->from : 0);
        mkt_time end = o->to != MKT_NULL_INT64 ? o->to - 1 : last + DEFAULT_RUN_ON;
        rc = s->due ? enter_due(e, s, end) : run_timers(e, s, end);
    }
    return rc;
}

static void print_counts(const mkt_journey_engine *e, const mkt_journey *j, size_t nevents,
                         const sim *s)
{
    mkt_journey_def d = MKT_JOURNEY_DEF_INIT;
    mkt_journey_get(j, &d);
    printf("journey %s: %zu events replayed, %llu messages, %llu actions", d.id, nevents,
           (unsigned long long)s->messages, (unsigned long long)s->actions);
    if (s->due)
        printf(", %llu segment or date entries", (unsigned long long)s->entered);
    putchar('\n');
    printf("%-24s %8s %8s %8s %9s %8s %8s %8s %8s %10s %8s\n", "node", "entered", "exited",
           "waiting", "converted", "ended", "sent", "failed", "deferred", "suppressed",
           "no-field");
    for (uint32_t i = 0; i < mkt_journey_node_count(j); i++) {
        mkt_journey_node_def nd = MKT_JOURNEY_NODE_DEF_INIT;
        mkt_journey_node_counts c;
        memset(&c, 0, sizeof c);
        c.struct_size = sizeof c;
        if (mkt_journey_node_get(j, i, &nd) != MKT_OK ||
            mkt_journey_engine_counts(e, d.id, i, &c) != MKT_OK)
            continue;
        printf("%-24s %8llu %8llu %8lld %9llu %8llu %8llu %8llu %8llu %10llu %8llu\n", nd.id,
               (unsigned long long)c.entered, (unsigned long long)c.exited,
               (long long)c.waiting, (unsigned long long)c.converted,
               (unsigned long long)c.ended, (unsigned long long)c.sent,
               (unsigned long long)c.failed, (unsigned long long)c.deferred,
               (unsigned long long)c.suppressed, (unsigned long long)c.no_field);
    }
}

int journey_simulate(mkt_app *app, const mkt_journey *j, const mkt_table *table,
                     const sim_options *o)
{
    sim s = { NULL, 0, 0, 0, table, 0, o->due && table && has_due_entries(j), 0, 0 };
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
    mkt_promo_format *fmt = NULL;
    char secret[4096];
    int rc = v ? mkt_ctx_new(&ctx, &host, NULL) : MKT_ENOMEM;
    /* The profiles feed rule decisions, customer.NAME field waits and customer zones;
     * update, tag and emit actions are listed, not refused. */
    mkt_journey_engine_options eo;
    mkt_journey_engine_options_init(&eo);
    eo.customers = table;
    eo.action = outbox_action;
    eo.action_user = &s;
    if (rc == MKT_OK)
        rc = sim_promo_setup(ctx, j, o, &s.reported, &fmt, secret, sizeof secret, &eo);
    if (rc == MKT_OK)
        rc = mkt_journey_engine_new(&e, ctx, &j, 1, &eo);
    if (rc == MKT_OK)
        rc = replay(e, &s, v, n, o);
    int exit_code = MKT_EXIT_OK;
    if (rc != MKT_OK) {
        if (!s.reported)
            fprintf(stderr, "mkt: journey simulate: %s\n",
                    ctx ? mkt_ctx_last_error(ctx)->message : mkt_strerror(rc));
        exit_code = MKT_EXIT_FAIL;
    } else {
        print_counts(e, j, n, &s);
    }
    (void)app;
    mkt_journey_engine_free(e);
    mkt_promo_format_free(fmt);
    memset(secret, 0, sizeof secret);
    mkt_ctx_free(ctx);
    free(v);
    if (s.outbox && fclose(s.outbox) != 0 && exit_code == MKT_EXIT_OK) {
        fprintf(stderr, "mkt: cannot write %s\n", o->outbox);
        exit_code = MKT_EXIT_FAIL;
    }
    return exit_code ? exit_code : finish_output();
}

/* SPDX-License-Identifier: MIT */
/*
 * Checks of one definition on its own, run when the builder receives it: the journey
 * settings, a node's type, kind and fields, an edge's port and branch payload. A field a node
 * type does not use must be left at its default: a subject on a wait or a delay on a decision
 * is a mistake in the definition, and accepting it silently would hide it.
 */
#include <math.h>
#include <string.h>

#include "journey-private.h"

enum {
    F_EVENT = 1 << 0, F_SEGMENT = 1 << 1, F_RULE = 1 << 2, F_FIELD = 1 << 3, F_VALUE = 1 << 4,
    F_DELAY = 1 << 5, F_TOD = 1 << 6, F_YEARLY = 1 << 7, F_UNTIL = 1 << 8, F_CHANNEL = 1 << 9,
    F_TEMPLATE = 1 << 10, F_SUBJECT = 1 << 11, F_OFFER = 1 << 12, F_EXPERIMENT = 1 << 13,
    F_CONTEXT = 1 << 14
};

static const char *const field_names[] = {"event", "segment", "rule", "field", "value",
                                          "delay", "time_of_day", "yearly", "until_date",
                                          "channel", "template_id", "subject", "offer",
                                          "experiment", "context"};

/* The fields each type/kind may set; -1 for an unknown pair. */
static int allowed_fields(int32_t type, int32_t kind)
{
    switch (type) {
    case MKT_JOURNEY_ENTRY:
        switch (kind) {
        case MKT_JOURNEY_ENTRY_SEGMENT: return F_SEGMENT | F_RULE;
        case MKT_JOURNEY_ENTRY_EVENT: return F_EVENT | F_DELAY;
        case MKT_JOURNEY_ENTRY_DATE: return F_FIELD | F_DELAY | F_TOD | F_YEARLY;
        case MKT_JOURNEY_ENTRY_MANUAL: return 0;
        default: return -1;
        }
    case MKT_JOURNEY_WAIT:
        switch (kind) {
        case MKT_JOURNEY_WAIT_DURATION: return F_DELAY;
        case MKT_JOURNEY_WAIT_TIME: return F_TOD;
        case MKT_JOURNEY_WAIT_DATE: return F_UNTIL | F_TOD;
        case MKT_JOURNEY_WAIT_FIELD: return F_FIELD | F_DELAY | F_TOD;
        case MKT_JOURNEY_WAIT_EVENT: return F_EVENT | F_DELAY;
        default: return -1;
        }
    case MKT_JOURNEY_ACTION:
        switch (kind) {
        case MKT_JOURNEY_SEND:
            return F_CHANNEL | F_TEMPLATE | F_SUBJECT | F_OFFER | F_CONTEXT;
        case MKT_JOURNEY_UPDATE: return F_FIELD | F_VALUE;
        case MKT_JOURNEY_TAG_ADD:
        case MKT_JOURNEY_TAG_REMOVE: return F_VALUE;
        case MKT_JOURNEY_EMIT: return F_EVENT;
        default: return -1;
        }
    case MKT_JOURNEY_SPLIT: return kind == 0 ? F_EXPERIMENT : -1;
    case MKT_JOURNEY_GOAL: return kind == 0 ? F_EVENT : -1;
    case MKT_JOURNEY_DECISION:
    case MKT_JOURNEY_EXIT: return kind == 0 ? 0 : -1;
    default: return -1;
    }
}

static int fields_set(const mkt_journey_node_def *n)
{
    return (n->event ? F_EVENT : 0) | (n->segment ? F_SEGMENT : 0) | (n->rule ? F_RULE : 0) |
           (n->field ? F_FIELD : 0) | (n->value ? F_VALUE : 0) | (n->delay ? F_DELAY : 0) |
           (n->time_of_day != -1 ? F_TOD : 0) | (n->yearly ? F_YEARLY : 0) |
           (n->until_date != MKT_NULL_DATE ? F_UNTIL : 0) | (n->channel ? F_CHANNEL : 0) |
           (n->template_id ? F_TEMPLATE : 0) | (n->subject ? F_SUBJECT : 0) |
           (n->offer ? F_OFFER : 0) | (n->experiment ? F_EXPERIMENT : 0) |
           (n->ncontext ? F_CONTEXT : 0);
}

/* Error about node @n, located at its line when it has one. */
#define NODE_ERR(ctx, jd, n, code, ...)                                                      \
    mkt__error_at((ctx), (code), (jd) ? (jd)->source : NULL, (n)->line, 0, (n)->id,          \
                  __VA_ARGS__)

int mkt__j_check_def(mkt_ctx *ctx, const mkt_journey_def *d)
{
    if (!d->id || !mkt__j_id_ok(d->id))
        return mkt__error_at(ctx, MKT_EINVAL, d->source, d->line, 0, "id",
                             "journey id '%s' must be 1..128 letters, digits, '-', '_' or '.'",
                             d->id ? d->id : "(null)");
    if (d->reentry != MKT_JOURNEY_REENTRY_NEVER && d->reentry != MKT_JOURNEY_REENTRY_ALLOWED)
        return mkt__error_at(ctx, MKT_EINVAL, d->source, d->line, 0, "reentry",
                             "unknown re-entry policy %d", (int)d->reentry);
    if (d->reentry_after < 0 || d->max_duration < 0 || d->reentry_after > MKT__J_MAX_SECONDS ||
        d->max_duration > MKT__J_MAX_SECONDS)
        return mkt__error_at(ctx, MKT_EINVAL, d->source, d->line, 0, NULL,
                             "re-entry interval and maximum duration must be 0..100 years");
    if (d->reentry == MKT_JOURNEY_REENTRY_NEVER && (d->reentry_after || d->reentry_max))
        return mkt__error_at(ctx, MKT_EINVAL, d->source, d->line, 0, "reentry",
                             "re-entry 'never' takes no interval or maximum");
    if (d->zone_policy != MKT_JOURNEY_ZONE_CUSTOMER && d->zone_policy != MKT_JOURNEY_ZONE_FIXED)
        return mkt__error_at(ctx, MKT_EINVAL, d->source, d->line, 0, "zone",
                             "unknown time zone policy %d", (int)d->zone_policy);
    if (d->zone && !mkt__j_zone_ok(d->zone))
        return mkt__error_at(ctx, MKT_EINVAL, d->source, d->line, 0, "zone",
                             "'%s' is not a time zone name (\"UTC\" or Area/Location, e.g. "
                             "Europe/Paris)", d->zone);
    return MKT_OK;
}

static int check_send(mkt_ctx *ctx, const mkt_journey_def *jd, const mkt_journey_node_def *n)
{
    if (mkt__j_channel_name(n->channel)[0] == '?')
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "unknown channel %d", (int)n->channel);
    if (!n->template_id || !*n->template_id)
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "a send needs a template id");
    if (n->ncontext > MKT__J_MAX_CONTEXT)
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "more than %u context entries",
                        MKT__J_MAX_CONTEXT);
    for (size_t i = 0; i < n->ncontext; i++)
        if (!n->context_keys || !n->context_values || !n->context_keys[i] ||
            !n->context_values[i] || !mkt__j_id_ok(n->context_keys[i]))
            return NODE_ERR(ctx, jd, n, MKT_EINVAL,
                            "context entry %zu needs a name (letters, digits, '-', '_', '.') "
                            "and a value", i);
    return MKT_OK;
}

/* The fields the kind requires (presence and range); unused fields are checked elsewhere. */
static int check_required(mkt_ctx *ctx, const mkt_journey_def *jd, const mkt_journey_node_def *n)
{
    int32_t t = n->type, k = n->kind;
    if (n->delay < -MKT__J_MAX_SECONDS || n->delay > MKT__J_MAX_SECONDS)
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "a delay or offset longer than 100 years");
    if (n->time_of_day < -1 || n->time_of_day >= 86400)
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "time of day %d is not in 0..86399 seconds",
                        (int)n->time_of_day);
    if ((n->event && !*n->event) || (n->value && !*n->value && t != MKT_JOURNEY_ACTION))
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "empty event or value");
    if (t == MKT_JOURNEY_ENTRY && k == MKT_JOURNEY_ENTRY_SEGMENT && !n->segment == !n->rule)
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "a segment entry needs a segment or a rule");
    if (((t == MKT_JOURNEY_ENTRY && k == MKT_JOURNEY_ENTRY_EVENT) ||
         (t == MKT_JOURNEY_WAIT && k == MKT_JOURNEY_WAIT_EVENT) || t == MKT_JOURNEY_GOAL ||
         (t == MKT_JOURNEY_ACTION && k == MKT_JOURNEY_EMIT)) && !n->event)
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "a %s node needs an event",
                        mkt__j_type_name(t, k));
    if (t == MKT_JOURNEY_ENTRY && k == MKT_JOURNEY_ENTRY_EVENT && n->delay < 0)
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "an entry delay cannot be negative");
    if (((t == MKT_JOURNEY_ENTRY && k == MKT_JOURNEY_ENTRY_DATE) ||
         (t == MKT_JOURNEY_WAIT && k == MKT_JOURNEY_WAIT_FIELD) ||
         (t == MKT_JOURNEY_ACTION && k == MKT_JOURNEY_UPDATE)) &&
        (!n->field || !mkt__j_field_ok(n->field)))
        return NODE_ERR(ctx, jd, n, MKT_EINVAL,
                        "field '%s' must be customer.NAME or event.NAME",
                        n->field ? n->field : "(none)");
    if (t == MKT_JOURNEY_ACTION && k == MKT_JOURNEY_UPDATE && strncmp(n->field, "customer.", 9))
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "an update sets a customer.NAME attribute");
    if (t == MKT_JOURNEY_ACTION && k != MKT_JOURNEY_SEND && k != MKT_JOURNEY_EMIT && !n->value)
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "a %s node needs a value",
                        mkt__j_type_name(t, k));
    if (t == MKT_JOURNEY_WAIT && k == MKT_JOURNEY_WAIT_DURATION && n->delay <= 0)
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "a wait needs a duration > 0");
    if (t == MKT_JOURNEY_WAIT && k == MKT_JOURNEY_WAIT_TIME && n->time_of_day < 0)
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "a wait until a time of day needs the time");
    if (t == MKT_JOURNEY_WAIT && k == MKT_JOURNEY_WAIT_DATE && n->until_date == MKT_NULL_DATE)
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "a wait until a date needs the date");
    if (t == MKT_JOURNEY_SPLIT && n->experiment && !mkt__j_id_ok(n->experiment))
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "experiment key '%s' must be 1..128 letters, "
                        "digits, '-', '_' or '.'", n->experiment);
    if (t == MKT_JOURNEY_ACTION && k == MKT_JOURNEY_SEND)
        return check_send(ctx, jd, n);
    return MKT_OK;
}

int mkt__j_check_node(mkt_ctx *ctx, const mkt_journey_def *jd, const mkt_journey_node_def *n)
{
    if (!n->id || !mkt__j_id_ok(n->id))
        return mkt__error_at(ctx, MKT_EINVAL, jd ? jd->source : NULL, n->line, 0, NULL,
                             "node id '%s' must be 1..128 letters, digits, '-', '_' or '.'",
                             n->id ? n->id : "(null)");
    int allowed = allowed_fields(n->type, n->kind);
    if (allowed < 0)
        return NODE_ERR(ctx, jd, n, MKT_EINVAL, "unknown node type %d / kind %d",
                        (int)n->type, (int)n->kind);
    int extra = fields_set(n) & ~allowed;
    for (int i = 0; extra; i++, extra >>= 1)
        if (extra & 1)
            return NODE_ERR(ctx, jd, n, MKT_EINVAL, "a %s node takes no %s",
                            mkt__j_type_name(n->type, n->kind), field_names[i]);
    return check_required(ctx, jd, n);
}

static int check_branch(mkt_ctx *ctx, const mkt_journey_node_def *from,
                        const mkt_journey_edge_def *e)
{
    if (from->type == MKT_JOURNEY_SPLIT) {
        if (e->condition || e->rule || e->segment || e->event || e->since || e->negate)
            return mkt__error(ctx, MKT_EINVAL, "%s: a split branch takes no condition",
                              from->id);
        if (!e->variant || !mkt__j_id_ok(e->variant))
            return mkt__error(ctx, MKT_EINVAL, "%s: a split branch needs a variant name "
                              "(letters, digits, '-', '_', '.')", from->id);
        if (!isfinite(e->weight) || e->weight < 0)
            return mkt__error(ctx, MKT_EINVAL, "%s: variant '%s' needs a finite weight >= 0",
                              from->id, e->variant);
        return MKT_OK;
    }
    int has = (e->rule != NULL) + (e->segment != NULL) + (e->event != NULL);
    int ok = has == 1 && e->variant == NULL && e->weight == 0 &&
             ((e->condition == MKT_JOURNEY_COND_RULE && e->rule) ||
              (e->condition == MKT_JOURNEY_COND_SEGMENT && e->segment) ||
              (e->condition == MKT_JOURNEY_COND_EVENT && e->event && *e->event)) &&
             (e->since == NULL || e->condition == MKT_JOURNEY_COND_EVENT) &&
             (e->negate == 0 || e->negate == 1);
    return ok ? MKT_OK
              : mkt__error(ctx, MKT_EINVAL, "%s: a decision branch needs exactly one condition "
                           "(rule, segment or event [since]) and no weight or variant",
                           from->id);
}

int mkt__j_check_edge(mkt_ctx *ctx, const mkt_journey *j, const mkt_journey_edge_def *e)
{
    if (e->from >= j->nnodes || e->to >= j->nnodes)
        return mkt__error(ctx, MKT_EINVAL, "edge from node %u to node %u: no such node "
                          "(%u nodes)", (unsigned)e->from, (unsigned)e->to,
                          (unsigned)j->nnodes);
    const mkt_journey_node_def *from = &j->nodes[e->from].def, *to = &j->nodes[e->to].def;
    if (to->type == MKT_JOURNEY_ENTRY || to->type == MKT_JOURNEY_GOAL)
        return mkt__error(ctx, MKT_EINVAL, "%s -> %s: no edge may lead into an %s node",
                          from->id, to->id, mkt__j_type_name(to->type, 0));
    int32_t t = from->type, p = e->port;
    int waits_event = t == MKT_JOURNEY_WAIT && from->kind == MKT_JOURNEY_WAIT_EVENT;
    int ok = (p == MKT_JOURNEY_PORT_NEXT &&
              (t == MKT_JOURNEY_ENTRY || t == MKT_JOURNEY_ACTION ||
               (t == MKT_JOURNEY_WAIT && !waits_event))) ||
             ((p == MKT_JOURNEY_PORT_EVENT || p == MKT_JOURNEY_PORT_TIMEOUT) && waits_event) ||
             (p == MKT_JOURNEY_PORT_DEFAULT && t == MKT_JOURNEY_DECISION) ||
             (p == MKT_JOURNEY_PORT_BRANCH &&
              (t == MKT_JOURNEY_DECISION || t == MKT_JOURNEY_SPLIT));
    if (!ok)
        return mkt__error(ctx, MKT_EINVAL, "%s: a %s node has no '%s' exit", from->id,
                          mkt__j_type_name(t, from->kind), mkt__j_port_name(p));
    if (p == MKT_JOURNEY_PORT_BRANCH)
        return check_branch(ctx, from, e);
    if (e->condition || e->rule || e->segment || e->event || e->since || e->negate ||
        e->weight != 0 || e->variant)
        return mkt__error(ctx, MKT_EINVAL, "%s: only branches carry a condition or weight",
                          from->id);
    return MKT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * Drawing a journey as text (mkt_journey_format, `mkt journey show`). A path with one exit
 * per node is printed as a flat column, one node per line; only nodes with several exits
 * (decisions, splits, waits for an event) open indented branches. A node reached a second
 * time is printed as "-> go to <id>", so the drawing is a tree however the graph loops. The
 * walk uses an explicit stack, and indentation stops growing past 32 levels, so neither a
 * long chain nor deep nesting can exhaust the C stack or blow the output up quadratically.
 */
#include <stdio.h>
#include <string.h>

#include "journey-private.h"

#define MAX_INDENT 32

struct frame {
    uint32_t node;
    uint32_t edge;   /* the edge that leads here, MKT__J_NONE for an entry */
    uint32_t indent; /* levels */
    uint64_t last;   /* bit k: the ancestor branch at level k was the last one */
};
typedef MKT__VEC(struct frame) frame_stack;

static int put_duration(mkt__buf *b, int64_t s)
{
    char t[48];
    mkt__j_duration_format(s, t, sizeof t);
    return mkt__buf_appends(b, t);
}

static int put_at(mkt__buf *b, int32_t tod)
{
    char t[16];
    if (tod < 0)
        return MKT_OK;
    mkt__j_time_format(tod, t, sizeof t);
    return mkt__buf_appendf(b, " at %s", t);
}

static int put_offset(mkt__buf *b, const char *field, int64_t delay)
{
    int rc = mkt__buf_appends(b, field);
    if (rc == MKT_OK && delay != 0) {
        rc = mkt__buf_appends(b, delay < 0 ? " - " : " + ");
        if (rc == MKT_OK)
            rc = put_duration(b, delay < 0 ? -delay : delay);
    }
    return rc;
}

static int describe_entry(mkt__buf *b, const mkt_journey_node_def *d)
{
    switch (d->kind) {
    case MKT_JOURNEY_ENTRY_SEGMENT:
        return d->segment ? mkt__buf_appendf(b, "customers entering segment '%s'", d->segment)
                          : mkt__buf_appendf(b, "customers entering: %s", d->rule);
    case MKT_JOURNEY_ENTRY_EVENT: {
        int rc = mkt__buf_appendf(b, "event %s, ", d->event);
        if (rc == MKT_OK && d->delay == 0)
            return mkt__buf_appends(b, "at once");
        rc = rc ? rc : put_duration(b, d->delay);
        return rc ? rc : mkt__buf_appends(b, " after it");
    }
    case MKT_JOURNEY_ENTRY_DATE: {
        int rc = mkt__buf_appends(b, "on ");
        rc = rc ? rc : put_offset(b, d->field, d->delay);
        rc = rc ? rc : (d->yearly ? mkt__buf_appends(b, ", every year") : MKT_OK);
        return rc ? rc : put_at(b, d->time_of_day);
    }
    default: return mkt__buf_appends(b, "manual");
    }
}

static int describe_wait(mkt__buf *b, const mkt_journey_node_def *d)
{
    char t[16];
    switch (d->kind) {
    case MKT_JOURNEY_WAIT_DURATION: return put_duration(b, d->delay);
    case MKT_JOURNEY_WAIT_TIME:
        mkt__j_time_format(d->time_of_day, t, sizeof t);
        return mkt__buf_appendf(b, "until the next %s", t);
    case MKT_JOURNEY_WAIT_DATE: {
        char date[16];
        mkt_date_format(d->until_date, date, sizeof date);
        int rc = mkt__buf_appendf(b, "until %s", date);
        return rc ? rc : put_at(b, d->time_of_day);
    }
    case MKT_JOURNEY_WAIT_FIELD: {
        int rc = mkt__buf_appends(b, "until ");
        rc = rc ? rc : put_offset(b, d->field, d->delay);
        return rc ? rc : put_at(b, d->time_of_day);
    }
    default: {
        int rc = mkt__buf_appendf(b, "for event %s, at most ", d->event);
        return rc ? rc : put_duration(b, d->delay);
    }
    }
}

static int describe_action(mkt__buf *b, const mkt_journey_node_def *d)
{
    int rc;
    switch (d->kind) {
    case MKT_JOURNEY_SEND:
        rc = mkt__buf_appendf(b, "%s template '%s'", mkt__j_channel_name(d->channel),
                              d->template_id);
        if (rc == MKT_OK && d->subject)
            rc = mkt__buf_appendf(b, ", subject \"%s\"", d->subject);
        if (rc == MKT_OK && d->offer)
            rc = mkt__buf_appendf(b, ", offer '%s'", d->offer);
        for (size_t i = 0; i < d->ncontext && rc == MKT_OK; i++)
            rc = mkt__buf_appendf(b, "%s%s=\"%s\"", i ? " " : ", context ", d->context_keys[i],
                                  d->context_values[i]);
        return rc;
    case MKT_JOURNEY_UPDATE: return mkt__buf_appendf(b, "%s = '%s'", d->field, d->value);
    case MKT_JOURNEY_TAG_ADD:
    case MKT_JOURNEY_TAG_REMOVE: return mkt__buf_appendf(b, "tag '%s'", d->value);
    default: return mkt__buf_appendf(b, "event %s", d->event);
    }
}

static int describe(mkt__buf *b, const mkt_journey *j, uint32_t i)
{
    const mkt_journey_node_def *d = &j->nodes[i].def;
    int rc = mkt__buf_appendf(b, "%s %s", mkt__j_type_name(d->type, d->kind), d->id);
    if (rc == MKT_OK && d->label)
        rc = mkt__buf_appendf(b, " \"%s\"", d->label);
    if (rc == MKT_OK && d->type == MKT_JOURNEY_SPLIT)
        rc = d->experiment ? mkt__buf_appendf(b, " (experiment %s)", d->experiment)
                           : mkt__buf_appendf(b, " (experiment %s.%s)", j->def.id, d->id);
    if (rc != MKT_OK || d->type == MKT_JOURNEY_DECISION || d->type == MKT_JOURNEY_SPLIT ||
        d->type == MKT_JOURNEY_EXIT)
        return rc;
    rc = mkt__buf_appends(b, ": ");
    if (rc != MKT_OK)
        return rc;
    switch (d->type) {
    case MKT_JOURNEY_ENTRY: return describe_entry(b, d);
    case MKT_JOURNEY_WAIT: return describe_wait(b, d);
    case MKT_JOURNEY_ACTION: return describe_action(b, d);
    default: return mkt__buf_appendf(b, "%s", d->event ? d->event : "");
    }
}

/* The label of the branch an edge is: "when ...:", "variant A (50%):", "on timeout:". */
static int branch_label(mkt__buf *b, const mkt_journey *j, const struct mkt__jedge *e)
{
    const mkt_journey_edge_def *d = &e->def;
    const struct mkt__jnode *from = &j->nodes[d->from];
    if (d->port == MKT_JOURNEY_PORT_EVENT)
        return mkt__buf_appendf(b, "on %s:", from->def.event);
    if (d->port == MKT_JOURNEY_PORT_TIMEOUT)
        return mkt__buf_appends(b, "on timeout:");
    if (d->port == MKT_JOURNEY_PORT_DEFAULT)
        return mkt__buf_appends(b, "otherwise:");
    if (from->def.type == MKT_JOURNEY_SPLIT) {
        double sum = 0;
        for (uint32_t k = 0; k < from->nedges; k++)
            sum += j->edges[from->first_edge + k].def.weight;
        return mkt__buf_appendf(b, "variant %s (%.4g%%):", d->variant,
                                sum > 0 ? 100.0 * d->weight / sum : 0.0);
    }
    const char *not = d->negate ? "not " : "";
    if (d->condition == MKT_JOURNEY_COND_RULE)
        return mkt__buf_appendf(b, "when %s(%s):", not, d->rule);
    if (d->condition == MKT_JOURNEY_COND_SEGMENT)
        return mkt__buf_appendf(b, "when %sin segment '%s':", not, d->segment);
    return mkt__buf_appendf(b, "when %sevent %s since %s:", not, d->event,
                            d->since ? d->since : "entry");
}

static int indent(mkt__buf *b, const struct frame *f, int last_is_branch)
{
    int rc = MKT_OK;
    for (uint32_t k = 0; k + 1 < f->indent && rc == MKT_OK; k++)
        rc = mkt__buf_appends(b, (f->last >> k) & 1 ? "   " : "|  ");
    if (f->indent > 0 && rc == MKT_OK)
        rc = mkt__buf_appends(b, last_is_branch ? ((f->last >> (f->indent - 1)) & 1 ? "`- " : "|- ")
                                                : ((f->last >> (f->indent - 1)) & 1 ? "   " : "|  "));
    return rc;
}

static int push_branches(mkt__buf *b, const mkt_journey *j, const struct frame *f,
                         frame_stack *stack)
{
    const struct mkt__jnode *n = &j->nodes[f->node];
    uint32_t level = f->indent < MAX_INDENT ? f->indent + 1 : f->indent;
    for (uint32_t k = n->nedges; k-- > 0;) {
        uint64_t bit = UINT64_C(1) << (level - 1);
        struct frame c = {j->edges[n->first_edge + k].def.to, n->first_edge + k, level,
                          k + 1 == n->nedges ? (f->last | bit) : (f->last & ~bit)};
        if (MKT__VEC_PUSH(b->ctx, stack, c) != MKT_OK)
            return MKT_ENOMEM;
    }
    return MKT_OK;
}

/* Print the tree under entry @entry; @seen marks nodes already printed. */
static int walk(mkt__buf *b, const mkt_journey *j, uint32_t entry, uint8_t *seen)
{
    frame_stack stack = MKT__VEC_EMPTY;
    struct frame root = {entry, MKT__J_NONE, 0, 0};
    int rc = MKT__VEC_PUSH(b->ctx, &stack, root);
    while (rc == MKT_OK && stack.len > 0) {
        struct frame f = stack.data[--stack.len];
        if (f.edge != MKT__J_NONE) {
            rc = indent(b, &f, 1);
            rc = rc ? rc : branch_label(b, j, &j->edges[f.edge]);
            rc = rc ? rc : mkt__buf_putc(b, '\n');
        }
        while (rc == MKT_OK) {
            rc = indent(b, &f, 0);
            if (rc == MKT_OK && seen[f.node]) {
                rc = mkt__buf_appendf(b, "-> go to %s\n", j->nodes[f.node].def.id);
                break;
            }
            seen[f.node] = 1;
            rc = rc ? rc : describe(b, j, f.node);
            rc = rc ? rc : mkt__buf_putc(b, '\n');
            const struct mkt__jnode *n = &j->nodes[f.node];
            if (rc != MKT_OK || n->nedges == 0)
                break;
            if (n->next != MKT__J_NONE) {
                f.node = n->next;
                continue;
            }
            rc = push_branches(b, j, &f, &stack);
            break;
        }
    }
    MKT__VEC_FREE(b->ctx, &stack);
    return rc;
}

static int header(mkt__buf *b, const mkt_journey *j)
{
    const mkt_journey_def *d = &j->def;
    int rc = mkt__buf_appendf(b, "journey %s \"%s\"\n", d->id, d->name);
    if (rc == MKT_OK && d->description)
        rc = mkt__buf_appendf(b, "  %s\n", d->description);
    if (rc == MKT_OK && d->reentry == MKT_JOURNEY_REENTRY_NEVER)
        rc = mkt__buf_appends(b, "  re-entry: never\n");
    else if (rc == MKT_OK) {
        rc = mkt__buf_appends(b, "  re-entry: allowed");
        if (rc == MKT_OK && d->reentry_after > 0) {
            rc = mkt__buf_appends(b, " after ");
            rc = rc ? rc : put_duration(b, d->reentry_after);
        }
        if (rc == MKT_OK && d->reentry_max > 0)
            rc = mkt__buf_appendf(b, ", at most %u times", (unsigned)d->reentry_max);
        rc = rc ? rc : mkt__buf_putc(b, '\n');
    }
    rc = rc ? rc : mkt__buf_appends(b, "  maximum time in journey: ");
    rc = rc ? rc : d->max_duration > 0 ? put_duration(b, d->max_duration)
                                      : mkt__buf_appends(b, "no limit");
    rc = rc ? rc : d->zone_policy == MKT_JOURNEY_ZONE_FIXED
                       ? mkt__buf_appendf(b, "\n  times of day: in zone %s\n", d->zone)
                       : mkt__buf_appendf(b, "\n  times of day: in the customer's zone (%s "
                                             "when unknown)\n", d->zone);
    for (uint32_t i = 0; i < j->nnodes && rc == MKT_OK; i++)
        if (j->nodes[i].def.type == MKT_JOURNEY_GOAL)
            rc = mkt__buf_appendf(b, "  goal %s: %s ends the journey as a conversion\n",
                                  j->nodes[i].def.id, j->nodes[i].def.event);
    return rc;
}

MKT_EXPORT int mkt_journey_format(const mkt_journey *journey, mkt_ctx *ctx, char **out)
{
    if (out)
        *out = NULL;
    if (!ctx)
        return MKT_EINVAL;
    if (!journey || !out)
        return mkt__error(ctx, MKT_EINVAL, "mkt_journey_format: NULL argument");
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    uint8_t *seen = mkt__calloc(ctx, journey->nnodes ? journey->nnodes : 1, 1);
    int rc = seen ? header(&b, journey) : mkt__oom(ctx);
    for (uint32_t i = 0; i < journey->nnodes && rc == MKT_OK; i++)
        if (journey->nodes[i].def.type == MKT_JOURNEY_ENTRY) {
            rc = mkt__buf_putc(&b, '\n');
            rc = rc ? rc : walk(&b, journey, i, seen);
        }
    mkt__free(ctx, seen);
    if (rc == MKT_OK) {
        *out = mkt__caller_alloc(ctx, b.len + 1);
        if (*out) {
            memcpy(*out, b.data ? b.data : "", b.len);
            (*out)[b.len] = '\0';
        } else {
            rc = mkt__oom(ctx);
        }
    }
    mkt__buf_free(&b);
    return rc;
}

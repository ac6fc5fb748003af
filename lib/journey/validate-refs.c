/* SPDX-License-Identifier: MIT */
/*
 * Checks of what a journey refers to: segments, templates, offers and events against the
 * registries the caller passes (an absent registry skips its check), `since` nodes, fields
 * against the customer table schema, rules (parsed here, compiled when a schema is given and
 * kept compiled for the engine), text lengths, and waits that can never fire.
 */
#include <stdio.h>
#include <string.h>

#include "journey-private.h"

#define DEF(j, i) (&(j)->nodes[i].def)

static int known(const char *const *list, size_t n, const char *name)
{
    if (!list)
        return 1; /* no registry: the check is skipped */
    for (size_t i = 0; i < n; i++)
        if (list[i] && strcmp(list[i], name) == 0)
            return 1;
    return 0;
}

static int segment_known(const mkt_journey_options *o, const char *name)
{
    size_t at;
    if (!o->segments && !o->catalog)
        return 1;
    return (o->segments && known(o->segments, o->nsegments, name)) ||
           (o->catalog && mkt_catalog_find(o->catalog, name, &at) == MKT_OK);
}

/* Record the context's last error (from the rule parser or compiler) as a RULE problem. */
static int rule_problem(struct mkt__jcheck *c, const char *node, uint32_t line, int code)
{
    if (code == MKT_ENOMEM)
        return code;
    uint32_t eline, ecol;
    const char *msg = mkt__j_last_error_text(c->ctx, &eline, &ecol);
    /* the rule's own column: rules sit in attributes, so a file column would mislead */
    char where[48] = "";
    if (ecol)
        snprintf(where, sizeof where, " (column %u of the rule)", (unsigned)ecol);
    int rc = mkt__j_problem(c, MKT_JOURNEY_CHECK_RULE, code, node, eline ? eline : line,
                            "see doc/rules.md", "%s%s", msg, where);
    return rc;
}

/* Parse @text (and compile it with a schema). */
static int check_rule(struct mkt__jcheck *c, const char *node, uint32_t line, const char *text,
                      mkt_rule **rule, mkt_segment **compiled)
{
    mkt_rule_parse_options po;
    mkt_rule_parse_options_init(&po);
    po.source = c->source;
    po.first_line = line ? line : 1;
    po.max_length = c->opts->max_text;
    int rc = mkt_rule_parse(rule, c->ctx, text, strlen(text), &po);
    if (rc == MKT_OK && c->opts->schema) {
        mkt_segment_options so;
        mkt_segment_options_init(&so);
        if (c->opts->catalog) {
            so.resolver = mkt_catalog_resolve;
            so.resolver_data = (void *)c->opts->catalog;
        }
        rc = mkt_segment_compile(compiled, c->ctx, *rule, c->opts->schema, &so);
    }
    return rc == MKT_OK ? MKT_OK : rule_problem(c, node, line, rc);
}

static int check_segment(struct mkt__jcheck *c, const char *node, uint32_t line,
                         const char *name, mkt_segment **compiled)
{
    if (!segment_known(c->opts, name))
        return mkt__j_problem(c, MKT_JOURNEY_CHECK_UNKNOWN_SEGMENT, MKT_ENOTFOUND, node, line,
                              "define it in the segment catalog or fix the name",
                              "unknown segment '%s'", name);
    if (!c->opts->schema || !c->opts->catalog)
        return MKT_OK;
    int rc = mkt_catalog_compile(compiled, c->ctx, c->opts->catalog, name, c->opts->schema,
                                 NULL);
    return rc == MKT_OK || rc == MKT_ENOTFOUND ? MKT_OK : rule_problem(c, node, line, rc);
}

static int check_event(struct mkt__jcheck *c, const char *node, uint32_t line, const char *ev)
{
    if (known(c->opts->events, c->opts->nevents, ev))
        return MKT_OK;
    return mkt__j_problem(c, MKT_JOURNEY_CHECK_UNKNOWN_EVENT, MKT_ENOTFOUND, node, line,
                          "add it to the event registry or fix the name",
                          "unknown event type '%s'", ev);
}

static int check_field(struct mkt__jcheck *c, const char *node, uint32_t line, const char *f)
{
    uint32_t col;
    if (!c->opts->schema || strncmp(f, "customer.", 9) != 0 ||
        mkt_table_column_find(c->opts->schema, f + 9, &col) == MKT_OK)
        return MKT_OK;
    return mkt__j_problem(c, MKT_JOURNEY_CHECK_INVALID, MKT_ENOTFOUND, node, line,
                          "the customer table has no such column (doc/fields.md)",
                          "unknown field '%s'", f);
}

static int check_lengths(struct mkt__jcheck *c, const mkt_journey_node_def *d)
{
    const char *s[] = {d->label, d->event, d->segment, d->rule, d->field, d->value,
                       d->template_id, d->subject, d->offer, d->experiment};
    size_t most = 0;
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        if (s[i] && strlen(s[i]) > most)
            most = strlen(s[i]);
    for (size_t i = 0; i < d->ncontext; i++)
        if (strlen(d->context_values[i]) > most)
            most = strlen(d->context_values[i]);
    if (most <= c->opts->max_text)
        return MKT_OK;
    return mkt__j_problem(c, MKT_JOURNEY_CHECK_LIMIT, MKT_ETOOBIG, d->id, d->line, NULL,
                          "node '%s' has a value of %zu bytes; the limit is %u", d->id, most,
                          (unsigned)c->opts->max_text);
}

static int has_event_entry(const mkt_journey *j)
{
    for (uint32_t i = 0; i < j->nnodes; i++)
        if (DEF(j, i)->type == MKT_JOURNEY_ENTRY && DEF(j, i)->kind == MKT_JOURNEY_ENTRY_EVENT)
            return 1;
    return 0;
}

static int check_wait(struct mkt__jcheck *c, const mkt_journey *j, const mkt_journey_node_def *d)
{
    int64_t max = j->def.max_duration;
    char a[32], b[32];
    mkt__j_duration_format(d->delay, a, sizeof a);
    mkt__j_duration_format(max, b, sizeof b);
    if (d->kind == MKT_JOURNEY_WAIT_EVENT && d->delay <= 0)
        return mkt__j_problem(c, MKT_JOURNEY_CHECK_NEVER_FIRES, MKT_EINVAL, d->id, d->line,
                              "give the timeout a duration > 0",
                              "wait '%s' times out at once (timeout %s): its event exit can "
                              "never be taken", d->id, a);
    if ((d->kind == MKT_JOURNEY_WAIT_EVENT || d->kind == MKT_JOURNEY_WAIT_DURATION) && max > 0 &&
        d->delay >= max)
        return mkt__j_problem(c, MKT_JOURNEY_CHECK_NEVER_FIRES, MKT_EINVAL, d->id, d->line,
                              "shorten the wait or raise max-duration",
                              "wait '%s' (%s) never runs its course: customers leave the "
                              "journey after max-duration %s", d->id, a, b);
    if (d->kind == MKT_JOURNEY_WAIT_FIELD && strncmp(d->field, "event.", 6) == 0 &&
        !has_event_entry(j))
        return mkt__j_problem(c, MKT_JOURNEY_CHECK_NEVER_FIRES, MKT_EINVAL, d->id, d->line,
                              "use a customer.NAME field or an event entry",
                              "wait '%s' reads %s but no entry is an event, so there is no "
                              "triggering event", d->id, d->field);
    if (d->kind == MKT_JOURNEY_WAIT_DATE && d->until_date < (mkt_date)(c->now / 86400) - 1)
        return mkt__j_problem(c, MKT_JOURNEY_CHECK_NEVER_FIRES, MKT_EINVAL, d->id, d->line,
                              "a date in the past passes at once; use a future date",
                              "wait '%s' waits until a date before the validation time",
                              d->id);
    return d->kind == MKT_JOURNEY_WAIT_FIELD ? check_field(c, d->id, d->line, d->field) : MKT_OK;
}

static int check_node(struct mkt__jcheck *c, mkt_journey *j, uint32_t i)
{
    struct mkt__jnode *n = &j->nodes[i];
    const mkt_journey_node_def *d = &n->def;
    const mkt_journey_options *o = c->opts;
    int rc = check_lengths(c, d);
    if (rc != MKT_ENOMEM && d->event)
        rc = check_event(c, d->id, d->line, d->event);
    if (rc != MKT_ENOMEM && d->segment)
        rc = check_segment(c, d->id, d->line, d->segment, &n->compiled);
    if (rc != MKT_ENOMEM && d->rule)
        rc = check_rule(c, d->id, d->line, d->rule, &n->rule, &n->compiled);
    if (rc != MKT_ENOMEM && d->template_id && !known(o->templates, o->ntemplates, d->template_id))
        rc = mkt__j_problem(c, MKT_JOURNEY_CHECK_UNKNOWN_TEMPLATE, MKT_ENOTFOUND, d->id, d->line,
                            "add the template or fix the id", "unknown template '%s'",
                            d->template_id);
    if (rc != MKT_ENOMEM && d->offer && !known(o->offers, o->noffers, d->offer))
        rc = mkt__j_problem(c, MKT_JOURNEY_CHECK_UNKNOWN_OFFER, MKT_ENOTFOUND, d->id, d->line,
                            "add the offer or fix the id", "unknown offer '%s'", d->offer);
    if (rc != MKT_ENOMEM && d->type == MKT_JOURNEY_WAIT)
        rc = check_wait(c, j, d);
    if (rc != MKT_ENOMEM && d->field && d->type != MKT_JOURNEY_WAIT)
        rc = check_field(c, d->id, d->line, d->field);
    return rc == MKT_ENOMEM ? rc : MKT_OK;
}

static int check_edge(struct mkt__jcheck *c, mkt_journey *j, struct mkt__jedge *e)
{
    const mkt_journey_node_def *from = DEF(j, e->def.from);
    uint32_t line = e->def.line ? e->def.line : from->line;
    int rc = MKT_OK;
    if (e->def.event)
        rc = check_event(c, from->id, line, e->def.event);
    if (rc != MKT_ENOMEM && e->def.since &&
        mkt__intern_find(&j->ids, e->def.since, strlen(e->def.since), &e->since) == 0)
        rc = mkt__j_problem(c, MKT_JOURNEY_CHECK_UNKNOWN_NODE, MKT_ENOTFOUND, from->id, line,
                            "name a node of this journey, or leave since out (since entry)",
                            "branch of '%s' counts since unknown node '%s'", from->id,
                            e->def.since);
    if (rc != MKT_ENOMEM && e->def.segment)
        rc = check_segment(c, from->id, line, e->def.segment, &e->compiled);
    if (rc != MKT_ENOMEM && e->def.rule)
        rc = check_rule(c, from->id, line, e->def.rule, &e->rule, &e->compiled);
    if (rc != MKT_ENOMEM && ((e->def.rule && strlen(e->def.rule) > c->opts->max_text) ||
                             (e->def.event && strlen(e->def.event) > c->opts->max_text)))
        rc = mkt__j_problem(c, MKT_JOURNEY_CHECK_LIMIT, MKT_ETOOBIG, from->id, line, NULL,
                            "a branch of '%s' has a value longer than %u bytes", from->id,
                            (unsigned)c->opts->max_text);
    return rc == MKT_ENOMEM ? rc : MKT_OK;
}

int mkt__j_check_refs(struct mkt__jcheck *c, mkt_journey *j)
{
    int rc = MKT_OK;
    if (c->opts->now == MKT_NULL_INT64) {
        rc = mkt_ctx_now(c->ctx, &c->now);
        if (rc != MKT_OK)
            return rc;
    } else {
        c->now = c->opts->now;
    }
    for (uint32_t i = 0; i < j->nnodes && rc == MKT_OK; i++)
        rc = check_node(c, j, i);
    for (uint32_t i = 0; i < j->nedges && rc == MKT_OK; i++)
        rc = check_edge(c, j, &j->edges[i]);
    return rc;
}

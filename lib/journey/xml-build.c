/* SPDX-License-Identifier: MIT */
/*
 * A schema-valid journey document -> a builder. Two passes: every node element is added
 * first (so `next` may name a node further down), then the edges are connected. A node with
 * one exit and no `next` continues with the next node element in the document that is not
 * an entry or a goal, so a linear drip sequence reads top to bottom. Every problem is
 * recorded with the line of its element, and the pass goes on to find the others.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "journey-private.h"

#define NS "https://libmarketing.dev/ns/journeys/1"

struct xb {
    struct mkt__jcheck *c;
    mkt_journey_builder *b;
    const xmlNode **elems; /* node element of each node index */
    uint32_t n;
};

static int is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns && xmlStrcmp(n->ns->href, BAD_CAST NS) == 0 &&
           (!name || xmlStrcmp(n->name, BAD_CAST name) == 0);
}

/* An attribute's value, borrowed from the tree (the schema allows no entities but the
 * predefined ones, which the parser has already decoded into one text node); NULL if absent. */
static const char *attr(const xmlNode *e, const char *name)
{
    for (const xmlAttr *a = e->properties; a; a = a->next)
        if (!a->ns && xmlStrcmp(a->name, BAD_CAST name) == 0)
            return a->children && a->children->content ? (const char *)a->children->content
                                                        : "";
    return NULL;
}

static uint32_t line_of(const xmlNode *e)
{
    long l = xmlGetLineNo(e);
    return l > 0 && l < (long)UINT32_MAX ? (uint32_t)l : 0;
}

/* Record a bad value of attribute @name; returns MKT_EINVAL or MKT_ENOMEM. */
static int bad(struct xb *x, const xmlNode *e, const char *name, const char *value,
               const char *hint)
{
    return mkt__j_problem(x->c, MKT_JOURNEY_CHECK_INVALID, MKT_EINVAL, attr(e, "id"),
                          line_of(e), hint, "<%s> %s=\"%s\" is not valid", (const char *)e->name,
                          name, value);
}

static int duration(struct xb *x, const xmlNode *e, const char *name, int64_t *out)
{
    const char *v = attr(e, name);
    if (!v)
        return MKT_OK;
    return mkt__j_duration_parse(v, out) == MKT_OK
               ? MKT_OK
               : bad(x, e, name, v, "write a number and a unit: \"90 minutes\", \"24 hours\", "
                                    "\"-3 days\"");
}

static int time_of_day(struct xb *x, const xmlNode *e, int32_t *out)
{
    const char *v = attr(e, "at");
    if (!v)
        return MKT_OK;
    return mkt__j_time_parse(v, out) == MKT_OK ? MKT_OK
                                                : bad(x, e, "at", v, "write HH:MM, e.g. 09:30");
}

static int entry_def(struct xb *x, const xmlNode *e, mkt_journey_node_def *d)
{
    d->type = MKT_JOURNEY_ENTRY;
    d->segment = attr(e, "segment");
    d->rule = attr(e, "rule");
    d->event = attr(e, "event");
    d->field = attr(e, "field");
    const char *yearly = attr(e, "yearly");
    d->yearly = yearly && strcmp(yearly, "true") == 0;
    d->kind = d->segment || d->rule ? MKT_JOURNEY_ENTRY_SEGMENT
              : d->event            ? MKT_JOURNEY_ENTRY_EVENT
              : d->field            ? MKT_JOURNEY_ENTRY_DATE
                                    : MKT_JOURNEY_ENTRY_MANUAL;
    int rc = duration(x, e, d->event ? "delay" : "offset", &d->delay);
    return rc ? rc : time_of_day(x, e, &d->time_of_day);
}

static int wait_def(struct xb *x, const xmlNode *e, mkt_journey_node_def *d)
{
    d->type = MKT_JOURNEY_WAIT;
    d->event = attr(e, "event");
    d->field = attr(e, "field");
    const char *date = attr(e, "date");
    d->kind = attr(e, "duration") ? MKT_JOURNEY_WAIT_DURATION
              : d->event          ? MKT_JOURNEY_WAIT_EVENT
              : d->field          ? MKT_JOURNEY_WAIT_FIELD
              : date              ? MKT_JOURNEY_WAIT_DATE
                                  : MKT_JOURNEY_WAIT_TIME;
    int rc = duration(x, e, d->kind == MKT_JOURNEY_WAIT_DURATION ? "duration"
                            : d->event                           ? "timeout"
                                                                 : "offset",
                      &d->delay);
    if (rc == MKT_OK)
        rc = time_of_day(x, e, &d->time_of_day);
    if (rc == MKT_OK && date && mkt_date_parse(&d->until_date, date, strlen(date)) != MKT_OK)
        rc = bad(x, e, "date", date, "write YYYY-MM-DD");
    if (rc == MKT_OK && d->kind == MKT_JOURNEY_WAIT_DATE && d->time_of_day < 0)
        d->time_of_day = 0;
    return rc;
}

static int send_def(struct xb *x, const xmlNode *e, mkt_journey_node_def *d, const char **keys,
                    const char **values)
{
    d->type = MKT_JOURNEY_ACTION;
    d->kind = MKT_JOURNEY_SEND;
    d->channel = mkt__j_channel_from_name(attr(e, "channel"));
    d->template_id = attr(e, "template");
    d->subject = attr(e, "subject");
    d->offer = attr(e, "offer");
    for (const xmlNode *k = e->children; k; k = k->next) {
        if (!is(k, "context"))
            continue;
        if (d->ncontext == MKT__J_MAX_CONTEXT)
            return mkt__j_problem(x->c, MKT_JOURNEY_CHECK_LIMIT, MKT_ETOOBIG, attr(e, "id"),
                                  line_of(k), NULL, "more than %u <context> entries",
                                  MKT__J_MAX_CONTEXT);
        keys[d->ncontext] = attr(k, "name");
        values[d->ncontext++] = attr(k, "value");
    }
    d->context_keys = keys;
    d->context_values = values;
    return MKT_OK;
}

/* Fill @d from element @e; MKT_ENOTFOUND for an element that is no node (description). */
static int node_def(struct xb *x, const xmlNode *e, mkt_journey_node_def *d, const char **keys,
                    const char **values)
{
    static const struct { const char *name; int32_t type, kind; const char *value; } simple[] = {
        {"decision", MKT_JOURNEY_DECISION, 0, NULL},
        {"split", MKT_JOURNEY_SPLIT, 0, NULL},
        {"goal", MKT_JOURNEY_GOAL, 0, NULL},
        {"exit", MKT_JOURNEY_EXIT, 0, NULL},
        {"update", MKT_JOURNEY_ACTION, MKT_JOURNEY_UPDATE, "value"},
        {"add-tag", MKT_JOURNEY_ACTION, MKT_JOURNEY_TAG_ADD, "tag"},
        {"remove-tag", MKT_JOURNEY_ACTION, MKT_JOURNEY_TAG_REMOVE, "tag"},
        {"emit", MKT_JOURNEY_ACTION, MKT_JOURNEY_EMIT, NULL},
    };
    mkt_journey_node_def_init(d);
    d->id = attr(e, "id");
    d->label = attr(e, "label");
    d->line = line_of(e);
    if (is(e, "entry"))
        return entry_def(x, e, d);
    if (is(e, "wait"))
        return wait_def(x, e, d);
    if (is(e, "send"))
        return send_def(x, e, d, keys, values);
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
        if (is(e, simple[i].name)) {
            d->type = simple[i].type;
            d->kind = simple[i].kind;
            d->value = simple[i].value ? attr(e, simple[i].value) : NULL;
            d->event = d->type == MKT_JOURNEY_GOAL || d->kind == MKT_JOURNEY_EMIT
                           ? attr(e, "event") : NULL;
            d->field = d->kind == MKT_JOURNEY_UPDATE ? attr(e, "field") : NULL;
            d->experiment = d->type == MKT_JOURNEY_SPLIT ? attr(e, "experiment") : NULL;
            return MKT_OK;
        }
    return MKT_ENOTFOUND;
}

/* Record the builder's error (context's last error) as a problem at @line. */
static int builder_problem(struct xb *x, int code, const char *node, uint32_t line)
{
    if (code == MKT_ENOMEM)
        return code;
    uint32_t eline, ecol;
    const char *msg = mkt__j_last_error_text(x->c->ctx, &eline, &ecol);
    int32_t check = code == MKT_EEXIST ? MKT_JOURNEY_CHECK_DUPLICATE
                    : code == MKT_ETOOBIG ? MKT_JOURNEY_CHECK_LIMIT
                                          : MKT_JOURNEY_CHECK_INVALID;
    return mkt__j_problem(x->c, check, code, node, line, NULL, "%s", msg);
}

static int add_nodes(struct xb *x, const xmlNode *root)
{
    for (const xmlNode *e = root->children; e; e = e->next) {
        if (!is(e, NULL))
            continue;
        mkt_journey_node_def d;
        const char *keys[MKT__J_MAX_CONTEXT], *values[MKT__J_MAX_CONTEXT];
        int rc = node_def(x, e, &d, keys, values);
        if (rc == MKT_ENOTFOUND)
            continue;
        uint32_t index = MKT__J_NONE;
        if (rc == MKT_OK) {
            rc = mkt_journey_builder_add_node(x->b, &d, &index);
            if (rc != MKT_OK)
                rc = builder_problem(x, rc, d.id, d.line);
        }
        if (rc == MKT_ENOMEM)
            return rc;
        if (x->b->j.nnodes >= MKT__J_HARD_MAX_NODES)
            return MKT_OK; /* the node limit: every further node would fail the same way */
        if (index != MKT__J_NONE)
            x->elems[x->n++] = e;
    }
    return MKT_OK;
}

/* Node index of the id in attribute @name of @e, or a problem. */
static int target(struct xb *x, const xmlNode *e, const char *name, const char *from,
                  uint32_t *to)
{
    const char *v = attr(e, name);
    if (v && mkt__intern_find(&x->b->j.ids, v, strlen(v), to))
        return MKT_OK;
    return mkt__j_problem(x->c, MKT_JOURNEY_CHECK_UNKNOWN_NODE, MKT_ENOTFOUND, from,
                          line_of(e), "node ids are case-sensitive",
                          "%s=\"%s\" names no node of the journey", name, v ? v : "");
}

static int connect(struct xb *x, mkt_journey_edge_def *ed, const char *from)
{
    int rc = mkt_journey_builder_connect(x->b, ed);
    return rc == MKT_OK ? rc : builder_problem(x, rc, from, ed->line);
}

/* Connect @from's port through attribute @name of @e (a `next` may be left out when
 * @fall is set: then the following node element, if any, is taken). */
static int connect_port(struct xb *x, uint32_t from, const xmlNode *e, const char *name,
                        int32_t port, int fall)
{
    const char *id = x->b->j.nodes[from].def.id;
    mkt_journey_edge_def ed;
    mkt_journey_edge_def_init(&ed);
    ed.from = from;
    ed.port = port;
    ed.line = line_of(e);
    if (attr(e, name)) {
        int rc = target(x, e, name, id, &ed.to);
        return rc == MKT_OK ? connect(x, &ed, id) : rc;
    }
    for (uint32_t k = from + 1; fall && k < x->n; k++) {
        int32_t t = x->b->j.nodes[k].def.type;
        if (t != MKT_JOURNEY_ENTRY && t != MKT_JOURNEY_GOAL) {
            ed.to = k;
            return connect(x, &ed, id);
        }
    }
    return MKT_OK; /* no exit: the graph check reports it */
}

static int connect_when(struct xb *x, uint32_t from, const xmlNode *w)
{
    const char *id = x->b->j.nodes[from].def.id;
    mkt_journey_edge_def ed;
    mkt_journey_edge_def_init(&ed);
    ed.from = from;
    ed.port = MKT_JOURNEY_PORT_BRANCH;
    ed.line = line_of(w);
    ed.rule = attr(w, "rule");
    ed.segment = attr(w, "segment");
    ed.event = attr(w, "event");
    ed.since = attr(w, "since");
    const char *neg = attr(w, "negate");
    ed.negate = neg && strcmp(neg, "true") == 0;
    ed.condition = ed.rule ? MKT_JOURNEY_COND_RULE
                   : ed.segment ? MKT_JOURNEY_COND_SEGMENT : MKT_JOURNEY_COND_EVENT;
    int rc = target(x, w, "next", id, &ed.to);
    return rc == MKT_OK ? connect(x, &ed, id) : rc;
}

static int connect_variant(struct xb *x, uint32_t from, const xmlNode *v)
{
    const char *id = x->b->j.nodes[from].def.id;
    mkt_journey_edge_def ed;
    mkt_journey_edge_def_init(&ed);
    ed.from = from;
    ed.port = MKT_JOURNEY_PORT_BRANCH;
    ed.line = line_of(v);
    ed.variant = attr(v, "name");
    char *end;
    ed.weight = strtod(attr(v, "weight"), &end);
    int rc = target(x, v, "next", id, &ed.to);
    return rc == MKT_OK ? connect(x, &ed, id) : rc;
}

static int connect_node(struct xb *x, uint32_t i)
{
    const xmlNode *e = x->elems[i];
    const mkt_journey_node_def *d = &x->b->j.nodes[i].def;
    int rc = MKT_OK;
    switch (d->type) {
    case MKT_JOURNEY_ENTRY:
    case MKT_JOURNEY_ACTION:
        return connect_port(x, i, e, "next", MKT_JOURNEY_PORT_NEXT, 1);
    case MKT_JOURNEY_WAIT:
        if (d->kind != MKT_JOURNEY_WAIT_EVENT)
            return connect_port(x, i, e, "next", MKT_JOURNEY_PORT_NEXT, 1);
        rc = connect_port(x, i, e, "on-event", MKT_JOURNEY_PORT_EVENT, 0);
        return rc == MKT_ENOMEM ? rc : connect_port(x, i, e, "on-timeout",
                                                    MKT_JOURNEY_PORT_TIMEOUT, 0);
    case MKT_JOURNEY_DECISION:
    case MKT_JOURNEY_SPLIT:
        for (const xmlNode *k = e->children; k && rc != MKT_ENOMEM; k = k->next)
            rc = is(k, "when")        ? connect_when(x, i, k)
                 : is(k, "variant")   ? connect_variant(x, i, k)
                 : is(k, "otherwise") ? connect_port(x, i, k, "next", MKT_JOURNEY_PORT_DEFAULT, 0)
                                      : MKT_OK;
        return rc;
    default:
        return MKT_OK;
    }
}

static int connect_all(struct xb *x)
{
    for (uint32_t i = 0; i < x->n; i++)
        if (connect_node(x, i) == MKT_ENOMEM)
            return MKT_ENOMEM;
    return MKT_OK;
}

static int journey_def(struct xb *x, const xmlNode *root, mkt_journey_def *d)
{
    mkt_journey_def_init(d);
    d->id = attr(root, "id");
    d->name = attr(root, "name");
    d->zone = attr(root, "zone");
    d->source = x->c->source;
    d->line = line_of(root);
    const char *v = attr(root, "reentry");
    d->reentry = v && strcmp(v, "allowed") == 0 ? MKT_JOURNEY_REENTRY_ALLOWED
                                                : MKT_JOURNEY_REENTRY_NEVER;
    v = attr(root, "timezone");
    d->zone_policy = v && strcmp(v, "fixed") == 0 ? MKT_JOURNEY_ZONE_FIXED
                                                  : MKT_JOURNEY_ZONE_CUSTOMER;
    v = attr(root, "reentry-max");
    if (v) {
        char *end;
        unsigned long long n = strtoull(v, &end, 10);
        if (*end || n > UINT32_MAX)
            return bad(x, root, "reentry-max", v, "a whole number up to 4294967295");
        d->reentry_max = (uint32_t)n;
    }
    int rc = duration(x, root, "reentry-after", &d->reentry_after);
    if (rc == MKT_OK)
        rc = duration(x, root, "max-duration", &d->max_duration);
    for (const xmlNode *k = root->children; k && rc == MKT_OK; k = k->next)
        if (is(k, "description") && k->children && k->children->content)
            d->description = (const char *)k->children->content;
    return rc;
}

int mkt__j_xml_build(struct mkt__jcheck *c, struct _xmlDoc *doc, mkt_journey_builder **out)
{
    const xmlNode *root = xmlDocGetRootElement(doc);
    struct xb x = {c, NULL, NULL, 0};
    mkt_journey_def d;
    int rc = journey_def(&x, root, &d);
    if (rc != MKT_OK)
        return rc == MKT_ENOMEM ? rc : MKT_OK;
    rc = mkt_journey_builder_new(&x.b, c->ctx, &d);
    if (rc != MKT_OK)
        return builder_problem(&x, rc, NULL, d.line) == MKT_ENOMEM ? MKT_ENOMEM : MKT_OK;
    size_t elements = 0;
    for (const xmlNode *e = root->children; e; e = e->next)
        elements += is(e, NULL);
    x.elems = mkt__calloc(c->ctx, elements ? elements : 1, sizeof *x.elems);
    rc = x.elems ? add_nodes(&x, root) : mkt__oom(c->ctx);
    if (rc == MKT_OK)
        rc = connect_all(&x);
    mkt__free(c->ctx, x.elems);
    if (rc != MKT_OK) {
        mkt_journey_builder_free(x.b);
        return rc;
    }
    *out = x.b;
    return MKT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * Whole-graph checks of a compiled journey: it has an entry; every node has the exits its
 * type needs (decisions a default); every node is reachable from an entry within the depth
 * limit; splits have 2..26 distinct variants with some weight; and no cycle can be run
 * around without waiting. The cycle search is an iterative depth-first search (journeys may
 * have up to 100000 nodes; recursion that deep would overflow the stack) over the nodes that
 * do not make a customer wait.
 */
#include <stdio.h>
#include <string.h>

#include "journey-private.h"

#define NODE(j, i) (&(j)->nodes[i].def)
#define PROBLEM(c, j, i, check, code, hint, ...)                                            \
    mkt__j_problem((c), (check), (code), NODE(j, i)->id, NODE(j, i)->line, (hint),           \
                   __VA_ARGS__)

static int check_split(struct mkt__jcheck *c, const mkt_journey *j, uint32_t i)
{
    const struct mkt__jnode *n = &j->nodes[i];
    int rc = MKT_OK;
    double sum = 0;
    if (n->nedges < 2)
        rc = PROBLEM(c, j, i, MKT_JOURNEY_CHECK_MISSING_EXIT, MKT_EINVAL,
                     "add a second <variant>", "split '%s' has %u variant%s; it needs 2 or more",
                     n->def.id, (unsigned)n->nedges, n->nedges == 1 ? "" : "s");
    else if (n->nedges > MKT__J_MAX_VARIANTS)
        rc = PROBLEM(c, j, i, MKT_JOURNEY_CHECK_LIMIT, MKT_ETOOBIG, NULL,
                     "split '%s' has %u variants; the A/B allocation takes at most %u",
                     n->def.id, (unsigned)n->nedges, MKT__J_MAX_VARIANTS);
    for (uint32_t a = 0; a < n->nedges && rc != MKT_ENOMEM; a++) {
        const mkt_journey_edge_def *ea = &j->edges[n->first_edge + a].def;
        sum += ea->weight;
        for (uint32_t b = 0; b < a && rc != MKT_ENOMEM; b++)
            if (strcmp(ea->variant, j->edges[n->first_edge + b].def.variant) == 0)
                rc = mkt__j_problem(c, MKT_JOURNEY_CHECK_DUPLICATE, MKT_EINVAL, n->def.id,
                                    ea->line ? ea->line : n->def.line, "rename one of them",
                                    "split '%s' has two variants named '%s'", n->def.id,
                                    ea->variant);
    }
    if (rc != MKT_ENOMEM && n->nedges >= 2 && !(sum > 0))
        rc = PROBLEM(c, j, i, MKT_JOURNEY_CHECK_INVALID, MKT_EINVAL,
                     "give at least one variant a weight > 0",
                     "every variant of split '%s' has weight 0", n->def.id);
    return rc == MKT_ENOMEM ? rc : MKT_OK;
}

/* The exits each type needs. */
static int check_exits(struct mkt__jcheck *c, const mkt_journey *j, uint32_t i)
{
    const struct mkt__jnode *n = &j->nodes[i];
    int32_t t = n->def.type;
    int rc = MKT_OK;
    if (t == MKT_JOURNEY_WAIT && n->def.kind == MKT_JOURNEY_WAIT_EVENT) {
        if (n->on_event == MKT__J_NONE || n->on_timeout == MKT__J_NONE)
            rc = PROBLEM(c, j, i, MKT_JOURNEY_CHECK_MISSING_EXIT, MKT_EINVAL,
                         "set both on-event and on-timeout",
                         "wait '%s' for an event needs both exits (%s missing)", n->def.id,
                         n->on_event == MKT__J_NONE ? "on-event" : "on-timeout");
    } else if (t == MKT_JOURNEY_ENTRY || t == MKT_JOURNEY_WAIT || t == MKT_JOURNEY_ACTION) {
        if (n->next == MKT__J_NONE)
            rc = PROBLEM(c, j, i, MKT_JOURNEY_CHECK_MISSING_EXIT, MKT_EINVAL,
                         "set next, or end the path with an <exit>",
                         "%s '%s' has no next node", mkt__j_type_name(t, n->def.kind),
                         n->def.id);
    } else if (t == MKT_JOURNEY_DECISION) {
        if (n->otherwise == MKT__J_NONE)
            rc = PROBLEM(c, j, i, MKT_JOURNEY_CHECK_NO_DEFAULT, MKT_EINVAL,
                         "add <otherwise next=\"...\"/> so every customer has a way on",
                         "decision '%s' has no default branch", n->def.id);
        if (rc != MKT_ENOMEM && n->nedges - (n->otherwise != MKT__J_NONE) == 0)
            rc = PROBLEM(c, j, i, MKT_JOURNEY_CHECK_MISSING_EXIT, MKT_EINVAL,
                         "add a <when> branch or replace the decision by its default",
                         "decision '%s' has no conditional branch", n->def.id);
    } else if (t == MKT_JOURNEY_SPLIT) {
        rc = check_split(c, j, i);
    }
    return rc == MKT_ENOMEM ? rc : MKT_OK;
}

/* Breadth-first from every entry: reachability and depth (steps from the nearest entry). */
static int check_reach(struct mkt__jcheck *c, const mkt_journey *j)
{
    uint32_t *depth = mkt__malloc(c->ctx, (size_t)j->nnodes * sizeof *depth);
    uint32_t *queue = mkt__malloc(c->ctx, (size_t)j->nnodes * sizeof *queue);
    if (!depth || !queue) {
        mkt__free(c->ctx, depth);
        mkt__free(c->ctx, queue);
        return mkt__oom(c->ctx);
    }
    uint32_t head = 0, tail = 0, too_deep = MKT__J_NONE;
    for (uint32_t i = 0; i < j->nnodes; i++) {
        depth[i] = MKT__J_NONE;
        if (NODE(j, i)->type == MKT_JOURNEY_ENTRY) {
            depth[i] = 0;
            queue[tail++] = i;
        }
    }
    while (head < tail) {
        uint32_t u = queue[head++];
        const struct mkt__jnode *n = &j->nodes[u];
        for (uint32_t k = 0; k < n->nedges; k++) {
            uint32_t v = j->edges[n->first_edge + k].def.to;
            if (depth[v] != MKT__J_NONE)
                continue;
            depth[v] = depth[u] + 1;
            if (depth[v] > c->opts->max_depth && too_deep == MKT__J_NONE)
                too_deep = v;
            queue[tail++] = v;
        }
    }
    int rc = MKT_OK;
    for (uint32_t i = 0; i < j->nnodes && rc != MKT_ENOMEM; i++)
        if (depth[i] == MKT__J_NONE && NODE(j, i)->type != MKT_JOURNEY_GOAL)
            rc = PROBLEM(c, j, i, MKT_JOURNEY_CHECK_UNREACHABLE, MKT_EINVAL,
                         "connect it from a reachable node or delete it",
                         "node '%s' cannot be reached from any entry", NODE(j, i)->id);
    if (rc != MKT_ENOMEM && too_deep != MKT__J_NONE)
        rc = PROBLEM(c, j, too_deep, MKT_JOURNEY_CHECK_LIMIT, MKT_ETOOBIG, NULL,
                     "node '%s' is %u steps from the nearest entry; the limit is %u",
                     NODE(j, too_deep)->id, (unsigned)depth[too_deep],
                     (unsigned)c->opts->max_depth);
    mkt__free(c->ctx, depth);
    mkt__free(c->ctx, queue);
    return rc == MKT_ENOMEM ? rc : MKT_OK;
}

/* Nodes that hold a customer for some time > 0 every time they are passed. A wait until a
 * date or a field's date does not: once that moment is past, it lets customers through at
 * once, so a loop through it would spin. */
static int makes_wait(const mkt_journey_node_def *d)
{
    return d->type == MKT_JOURNEY_WAIT &&
           ((d->kind == MKT_JOURNEY_WAIT_DURATION && d->delay > 0) ||
            d->kind == MKT_JOURNEY_WAIT_TIME ||
            (d->kind == MKT_JOURNEY_WAIT_EVENT && d->delay > 0));
}

static int report_cycle(struct mkt__jcheck *c, const mkt_journey *j, const uint32_t *stack,
                        uint32_t from, uint32_t depth)
{
    char path[512];
    size_t at = 0;
    path[0] = '\0';
    for (uint32_t k = from; k < depth && at < sizeof path - 8; k++) {
        int w = snprintf(path + at, sizeof path - at, "%s -> ", NODE(j, stack[k])->id);
        at = w < 0 ? sizeof path : at + (size_t)w;
    }
    snprintf(path + (at < sizeof path ? at : sizeof path - 1),
             sizeof path - (at < sizeof path ? at : sizeof path - 1), "%s",
             NODE(j, stack[from])->id);
    return PROBLEM(c, j, stack[from], MKT_JOURNEY_CHECK_CYCLE, MKT_EINVAL,
                   "put a wait (duration, time of day or event with a timeout) on the loop",
                   "cycle without a wait: %s", path);
}

static int check_cycles(struct mkt__jcheck *c, const mkt_journey *j)
{
    /* state: 0 unseen, 1 on the stack, 2 done; iter: next edge to follow */
    uint8_t *state = mkt__calloc(c->ctx, j->nnodes, 1);
    uint32_t *iter = mkt__calloc(c->ctx, j->nnodes, sizeof *iter);
    uint32_t *stack = mkt__malloc(c->ctx, (size_t)j->nnodes * sizeof *stack);
    uint32_t *pos = mkt__malloc(c->ctx, (size_t)j->nnodes * sizeof *pos);
    int rc = state && iter && stack && pos ? MKT_OK : mkt__oom(c->ctx);
    for (uint32_t root = 0; root < j->nnodes && rc == MKT_OK; root++) {
        if (state[root] || makes_wait(NODE(j, root)))
            continue;
        uint32_t depth = 0;
        stack[depth] = root;
        pos[root] = depth++;
        state[root] = 1;
        while (depth > 0 && rc == MKT_OK) {
            uint32_t u = stack[depth - 1];
            const struct mkt__jnode *n = &j->nodes[u];
            if (iter[u] == n->nedges) {
                state[u] = 2;
                depth--;
                continue;
            }
            uint32_t v = j->edges[n->first_edge + iter[u]++].def.to;
            if (makes_wait(NODE(j, v)) || state[v] == 2)
                continue;
            if (state[v] == 1) {
                if (report_cycle(c, j, stack, pos[v], depth) == MKT_ENOMEM)
                    rc = MKT_ENOMEM;
                continue;
            }
            state[v] = 1;
            pos[v] = depth;
            stack[depth++] = v;
        }
    }
    mkt__free(c->ctx, state);
    mkt__free(c->ctx, iter);
    mkt__free(c->ctx, stack);
    mkt__free(c->ctx, pos);
    return rc;
}

int mkt__j_check_graph(struct mkt__jcheck *c, const mkt_journey *j)
{
    int rc = MKT_OK;
    uint32_t entries = 0;
    for (uint32_t i = 0; i < j->nnodes; i++)
        entries += NODE(j, i)->type == MKT_JOURNEY_ENTRY;
    if (entries == 0)
        rc = mkt__j_problem(c, MKT_JOURNEY_CHECK_NO_ENTRY, MKT_EINVAL, NULL, j->def.line,
                            "add an <entry> (segment, event, date or manual)",
                            "journey '%s' has no entry node", j->def.id);
    if (rc != MKT_ENOMEM && j->nnodes > c->opts->max_nodes)
        rc = mkt__j_problem(c, MKT_JOURNEY_CHECK_LIMIT, MKT_ETOOBIG, NULL, j->def.line, NULL,
                            "journey '%s' has %u nodes; the limit is %u", j->def.id,
                            (unsigned)j->nnodes, (unsigned)c->opts->max_nodes);
    for (uint32_t i = 0; i < j->nnodes && rc != MKT_ENOMEM; i++)
        rc = check_exits(c, j, i);
    if (rc != MKT_ENOMEM && entries > 0) /* without one, "unreachable" would be every node */
        rc = check_reach(c, j);
    if (rc != MKT_ENOMEM && j->nnodes > 0)
        rc = check_cycles(c, j);
    return rc == MKT_ENOMEM ? rc : MKT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * Exact absorption probabilities of the Markov chain and the removal effects.
 *
 * x(s) = P(reach CONVERSION | in state s) solves x(CONVERSION) = 1, x(NULL) = 0 and
 * x(s) = sum_t P(s, t) x(t). Every state of the chain was left by some journey, so every
 * state reaches an absorbing one and the system has a unique solution. It is solved by
 * Gauss-Seidel sweeps from x = 0 (monotone from below), with the self-loop of a state solved
 * in closed form (x(s) = sum_{t != s} P(s, t) x(t) / (1 - P(s, s))) and states visited in
 * reverse order of first appearance, so an acyclic chain (most of one) converges in one sweep
 * and the next confirms it. Sweeps stop when no value moves by more than 1e-15 of itself
 * (about 5 units in the last place: machine precision, also for tiny probabilities).
 *
 * Removing a channel makes every state that contains it a dead end (x = 0: journeys that
 * would pass through it do not convert). The removal effect is 1 - P_without / P.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "attribution-private.h"

#define TOLERANCE 1e-15
#define MAX_SWEEPS 1000000

int mkt__markov_solve(const struct mkt__markov *m, uint32_t removed, double *x, double *p)
{
    uint32_t n = m->nstates;
    for (uint32_t s = 0; s < n; s++)
        x[s] = 0;
    x[MKT_ATTR_STATE_CONVERSION] = 1;
    for (long sweep = 0; sweep < MAX_SWEEPS; sweep++) {
        double moved = 0;
        for (uint32_t s = n; s-- > 0;) { /* START (0) last */
            if (s == MKT_ATTR_STATE_CONVERSION || s == MKT_ATTR_STATE_NULL)
                continue; /* absorbing: fixed values */
            if (removed != UINT32_MAX && s >= 3 && mkt__markov_key_has(m, m->keys[s], removed))
                continue; /* dead end: stays 0 */
            double sum = 0, self = 0;
            for (uint32_t e = m->out_start[s]; e < m->out_start[s + 1]; e++) {
                const struct mkt__attr_edge *edge = &m->edges[e];
                if (edge->to == s)
                    self += edge->prob;
                else
                    sum += edge->prob * x[edge->to];
            }
            double v = self < 1 ? sum / (1 - self) : 0;
            double d = fabs(v - x[s]) / (v > 1e-300 ? v : 1e-300);
            if (d > moved)
                moved = d;
            x[s] = v;
        }
        if (moved <= TOLERANCE) {
            *p = x[MKT_ATTR_STATE_START];
            return MKT_OK;
        }
    }
    return mkt__error(m->ctx, MKT_ERANGE, "attribution: the Markov solve did not converge in "
                      "%d sweeps", MAX_SWEEPS);
}

/* "A > B > C" for a state's key, "(start)" etc. for the special states. */
static char *state_name(const struct mkt__markov *m, const mkt_paths *paths, uint32_t s)
{
    static const char *const special[3] = {"(start)", "(conversion)", "(null)"};
    mkt__buf b;
    mkt__buf_init(&b, m->ctx);
    int rc = MKT_OK;
    if (s < 3)
        rc = mkt__buf_appends(&b, special[s]);
    uint64_t base = (uint64_t)m->nch + 1, key = m->keys[s], digits[MKT_ATTR_MAX_ORDER];
    int nd = 0;
    for (; s >= 3 && key && nd < MKT_ATTR_MAX_ORDER; key /= base)
        digits[nd++] = key % base;
    for (int i = nd; i-- > 0 && rc == MKT_OK;) {
        rc = mkt__buf_appends(&b, mkt_paths_channel_name(paths, (uint32_t)digits[i] - 1));
        if (rc == MKT_OK && i > 0)
            rc = mkt__buf_appends(&b, " > ");
    }
    char *name = rc == MKT_OK ? mkt__buf_detach(&b, NULL) : NULL;
    mkt__buf_free(&b);
    return name;
}

/* Move the chain's states (as names) and transitions into the result. */
static int keep_chain(mkt_attribution *r, struct mkt__markov *m)
{
    r->state_names = mkt__calloc(r->ctx, m->nstates, sizeof *r->state_names);
    if (!r->state_names)
        return mkt__oom(r->ctx);
    r->nstates = m->nstates;
    for (uint32_t s = 0; s < m->nstates; s++)
        if (!(r->state_names[s] = state_name(m, r->paths, s)))
            return mkt__oom(r->ctx);
    r->edges = m->edges;
    r->nedges = m->nedges;
    m->edges = NULL;
    return MKT_OK;
}

/* Removal effect of every channel, and the credits they give. */
static int removal_effects(mkt_attribution *r, const struct mkt__markov *m, double *x)
{
    int rc = mkt__markov_solve(m, UINT32_MAX, x, &r->p_conv);
    double total = 0;
    for (uint32_t c = 0; c < r->nch && rc == MKT_OK; c++) {
        double without;
        rc = mkt__markov_solve(m, c, x, &without);
        double re = r->p_conv > 0 ? 1 - without / r->p_conv : 0;
        r->removal[c] = re > 0 ? re : 0; /* rounding can leave -1e-17 */
        total += r->removal[c];
    }
    for (uint32_t c = 0; c < r->nch && rc == MKT_OK && total > 0; c++) {
        r->ch_conv[c] = (double)r->total_conv * (r->removal[c] / total);
        r->ch_value[c] = (double)r->total_value * (r->removal[c] / total);
    }
    return rc;
}

int mkt__attr_markov_run(mkt_attribution *r, const struct mkt__attr_opts *o)
{
    struct mkt__markov m;
    int rc = mkt__markov_build(&m, r->paths, (uint32_t)o->o.order, o->o.collapse_repeats);
    if (rc)
        return rc;
    double *x = mkt__calloc(r->ctx, m.nstates, sizeof *x);
    r->removal = mkt__calloc(r->ctx, r->nch ? r->nch : 1, sizeof *r->removal);
    if (!x || !r->removal)
        rc = mkt__oom(r->ctx);
    if (rc == MKT_OK)
        rc = removal_effects(r, &m, x);
    if (rc == MKT_OK)
        rc = mkt__attr_touches_by_channel(r, r->removal, 0);
    if (rc == MKT_OK)
        rc = keep_chain(r, &m);
    mkt__free(r->ctx, x);
    mkt__markov_free(&m);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the attribution module. A result keeps unrounded credits per channel
 * and per campaign while a model runs; finishing it rounds them (largest remainder) to the
 * exact totals. The rule-based models (rules.c) share one pass over the paths; Markov
 * (markov-graph.c, markov-solve.c) and Shapley (shapley.c) compute channel credits from the
 * whole path set first and then split each path over its touches for campaign and per-touch
 * output (touch.c). Nothing here is exported.
 */
#ifndef MKT_ATTRIBUTION_PRIVATE_H
#define MKT_ATTRIBUTION_PRIVATE_H

#include "core/core-private.h"
#include "data/paths-private.h"
#include "libmarketing/attribution.h"

/* A Markov transition with its count. */
struct mkt__attr_edge {
    uint32_t from, to;
    int64_t count;
    double prob;
};

struct mkt_attribution {
    mkt_ctx *ctx;
    const mkt_paths *paths;
    int32_t model;
    uint32_t nch, ncamp;          /* ncamp includes the last "no campaign" entry */
    uint64_t npaths;              /* paths when computed (the set may grow afterwards) */
    int64_t total_conv, total_value;
    double *ch_conv, *ch_value;   /* unrounded credits while running */
    double *camp_conv, *camp_value;
    int64_t *ch_micro, *ch_minor; /* rounded credits */
    int64_t *camp_micro, *camp_minor;
    double *removal;              /* Markov: per channel; NULL otherwise */
    int64_t *touch_micro, *touch_minor; /* per touch (indexed like paths->touch_ch) or NULL */
    /* Markov */
    double p_conv;
    uint32_t nstates;
    char **state_names;
    struct mkt__attr_edge *edges;
    uint64_t nedges;
};

/* Validated options, with the weights a model uses (its defaults or the caller's). */
struct mkt__attr_opts {
    mkt_attr_options o;
    double pos_w[3], w_w[4];
    const double *custom;
    uint32_t ncustom;
    double half_life_s;
    uint8_t *is_direct; /* per channel: 1 for the direct channel (owned, freed by the caller) */
};

int mkt__attr_opts_read(mkt_ctx *ctx, const mkt_paths *paths, const mkt_attr_options *user,
                        struct mkt__attr_opts *o);
void mkt__attr_opts_free(mkt_ctx *ctx, struct mkt__attr_opts *o);
int mkt__attr_is_rule_based(int32_t model);

/* Allocate a result for @model with zeroed credits; per_touch allocates the touch arrays. */
int mkt__attr_result_new(mkt_attribution **out, const mkt_paths *paths, int32_t model,
                         int per_touch);
/* Round the unrounded credits to the totals. */
int mkt__attr_result_finish(mkt_attribution *r);

/* Split @total (>= 0) into @n integer parts proportional to @shares (>= 0): floors, then the
 * remaining units one each to the largest fractional parts (ties: lower index). When every
 * share is 0 the total goes to part 0... callers never pass an all-zero share with a non-zero
 * total except where documented (equal split). @scratch has room for @n entries. */
struct mkt__attr_frac {
    double frac;
    size_t idx;
};
void mkt__attr_split(int64_t total, const double *shares, size_t n, int64_t *out,
                     struct mkt__attr_frac *scratch);

/* Touch weights of one path under a rule-based model into @w (sum 1). */
void mkt__attr_rule_weights(int32_t model, const struct mkt__attr_opts *o, const uint32_t *ch,
                            const mkt_time *ts, uint32_t n, double *w);

/* The rule-based models of @results (all rule-based) in one pass over the paths. */
int mkt__attr_rules_run(mkt_attribution **results, uint32_t count, const struct mkt__attr_opts *o);

/* Add path @i with touch weights @w to the campaign credits and, when kept, the touch
 * credits of @r. @scratch has room for the path's length. */
void mkt__attr_add_touches(mkt_attribution *r, const struct mkt__path *p, const double *w,
                           struct mkt__attr_frac *scratch);
/* Campaign and per-touch credits of a data-driven model from per-channel touch weights
 * (@chw[channel]; a path splits by the weights of its touches, equally when all are 0). With
 * @distinct, a channel's weight is shared by its touches in the path instead of repeated. */
int mkt__attr_touches_by_channel(mkt_attribution *r, const double *chw, int distinct);

/* Markov removal effects (markov-graph.c builds the chain, markov-solve.c solves it). */
struct mkt__markov {
    mkt_ctx *ctx;
    uint32_t nstates, nch, order;
    uint64_t *keys;          /* state -> key (0 for the special states) */
    uint32_t *out_start;     /* CSR over edges sorted by from: nstates + 1 */
    struct mkt__attr_edge *edges;
    uint64_t nedges;
};
int mkt__markov_build(struct mkt__markov *m, const mkt_paths *paths, uint32_t order,
                      int collapse_repeats);
void mkt__markov_free(struct mkt__markov *m);
/* P(conversion) from the start with the states containing channel @removed (UINT32_MAX:
 * none) made non-converting. @x has room for nstates values. */
int mkt__markov_solve(const struct mkt__markov *m, uint32_t removed, double *x, double *p);
/* Does the state with key @key contain channel @ch? */
int mkt__markov_key_has(const struct mkt__markov *m, uint64_t key, uint32_t ch);
int mkt__attr_markov_run(mkt_attribution *r, const struct mkt__attr_opts *o);

int mkt__attr_shapley_run(mkt_attribution *r, const struct mkt__attr_opts *o);

#endif /* MKT_ATTRIBUTION_PRIVATE_H */

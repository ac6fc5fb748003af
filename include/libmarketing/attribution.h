/* SPDX-License-Identifier: MIT */
/**
 * @file attribution.h
 * @brief Attribution: which touchpoints earned credit for a conversion. Rule-based models
 *        (first, last, last non-direct, linear, time decay, position/U-shaped, W-shaped,
 *        custom position weights) and data-driven models computed exactly (Markov chain
 *        removal effect of order 1..4 by solving the absorbing chain, Shapley value over
 *        coalitions of channels).
 *
 * Input is an ::mkt_paths set (data.h): aggregated paths from paths.csv or mkt_paths_add(),
 * or journeys from touchpoints.csv (with touch times and campaigns). An ::mkt_attribution
 * holds the result of one model: per-channel and per-campaign credits and, on request, the
 * credit of every touch; for Markov also the states, the transition matrix and the removal
 * effects. doc/attribution.md defines every model.
 *
 * Conservation: credits are computed in double precision and then rounded with the largest
 * remainder method so that per-channel (and per-campaign) conversion credits sum exactly to
 * the total conversions, expressed in micro-conversions (1 conversion = ::MKT_ATTR_MICRO),
 * and value credits sum exactly to the total value in minor units. Ties of the remainder go to
 * the lower channel id. Everything is deterministic.
 *
 * Thread safety: a result is immutable after creation; any number of threads may read it.
 * mkt_attribute() reads the path set and reports errors on the path set's context and
 * allocates through it, so calls on one path set must not run concurrently.
 */
#ifndef LIBMARKETING_ATTRIBUTION_H
#define LIBMARKETING_ATTRIBUTION_H

#include "common.h"
#include "ctx.h"
#include "data.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Micro-conversions per conversion: the fixed-point unit of conversion credits. @since 0.1 */
#define MKT_ATTR_MICRO 1000000
/** Highest Markov order. @since 0.1 */
#define MKT_ATTR_MAX_ORDER 4
/** Most channels for which Shapley values may be computed over all coalitions. @since 0.1 */
#define MKT_ATTR_MAX_SHAPLEY_EXACT 22
/** Most custom position weights. @since 0.1 */
#define MKT_ATTR_MAX_WEIGHTS 1000

/** Attribution models. Append-only. @since 0.1 */
typedef enum mkt_attr_model {
    MKT_ATTR_FIRST = 1,           /**< All credit to the first touch. */
    MKT_ATTR_LAST = 2,            /**< All credit to the last touch. */
    MKT_ATTR_LAST_NON_DIRECT = 3, /**< Last touch whose channel is not the direct channel. */
    MKT_ATTR_LINEAR = 4,          /**< Equal credit to every touch. */
    MKT_ATTR_TIME_DECAY = 5,      /**< 2^(-age / half-life), age back from the last touch. */
    MKT_ATTR_POSITION = 6,        /**< U-shaped: 40% first, 40% last, 20% over the middle. */
    MKT_ATTR_W_SHAPED = 7,        /**< 30% first, 30% middle milestone, 30% last, 10% rest. */
    MKT_ATTR_CUSTOM = 8,          /**< Custom weights stretched over the path. */
    MKT_ATTR_MARKOV = 9,          /**< Markov chain removal effect (exact). */
    MKT_ATTR_SHAPLEY = 10         /**< Shapley value (exact over coalitions). */
} mkt_attr_model;

/** The special states of a Markov result; channel states follow from 3 on. @since 0.1 */
typedef enum mkt_attr_state_kind {
    MKT_ATTR_STATE_START = 0,      /**< Before the first touch. */
    MKT_ATTR_STATE_CONVERSION = 1, /**< Absorbing: the journey converted. */
    MKT_ATTR_STATE_NULL = 2        /**< Absorbing: the journey ended without conversion. */
} mkt_attr_state_kind;

/**
 * Options of mkt_attribute(). Initialise with mkt_attr_options_init().
 * @since 0.1
 */
typedef struct mkt_attr_options {
    size_t struct_size;          /**< sizeof(mkt_attr_options). */
    int32_t model;               /**< An ::mkt_attr_model; default ::MKT_ATTR_LINEAR. */
    int32_t order;               /**< Markov order 1..::MKT_ATTR_MAX_ORDER; default 1. */
    double half_life_days;       /**< Time decay half-life in days, > 0; default 7. */
    const double *weights;       /**< NULL: the model's defaults. POSITION: 3 weights (first,
                                      middle, last); W_SHAPED: 4 (first, milestone, last,
                                      rest); CUSTOM: 1..::MKT_ATTR_MAX_WEIGHTS. Finite, >= 0,
                                      not all 0, any scale (normalised per path). */
    uint32_t weight_count;       /**< Number of @c weights. */
    const char *direct_channel;  /**< Channel skipped by LAST_NON_DIRECT, compared ASCII
                                      case-insensitively; default "direct". */
    int32_t collapse_repeats;    /**< 1: Markov treats consecutive touches of one channel as
                                      one touch; default 0 (self-transitions kept). */
    int32_t shapley_max_exact;   /**< Up to this many channels (0..::MKT_ATTR_MAX_SHAPLEY_EXACT)
                                      Shapley values are computed over all coalitions, beyond
                                      it by the path formula; default 20. */
    int32_t per_touch;           /**< 1: keep the credit of every touch (memory: 16 bytes per
                                      touch); default 0. */
} mkt_attr_options;

/** Static initialiser for ::mkt_attr_options. @since 0.1 */
#define MKT_ATTR_OPTIONS_INIT \
    { sizeof(mkt_attr_options), MKT_ATTR_LINEAR, 1, 7.0, NULL, 0, "direct", 0, 20, 0 }

/** Set @p opts to the defaults. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_attr_options_init(mkt_attr_options *opts);

/**
 * The name of a model as the CLI spells it: "first", "last", "last_non_direct", "linear",
 * "time_decay", "position", "w_shaped", "custom", "markov", "shapley".
 * @return a static string, or NULL for an unknown model.
 * @since 0.1
 */
const char *mkt_attr_model_name(int32_t model);

/**
 * The model named @p name (as mkt_attr_model_name() spells it; "u_shaped" is accepted for
 * position).
 * @return ::MKT_OK, ::MKT_EINVAL (NULL argument), ::MKT_ENOTFOUND (unknown name).
 * @since 0.1
 */
int mkt_attr_model_parse(const char *name, int32_t *model);

/** The result of one model over one path set (opaque). @since 0.1 */
typedef struct mkt_attribution mkt_attribution;

/**
 * Attribute the conversions and value of @p paths with the model of @p opts.
 * The result borrows channel and campaign names from @p paths: free it first. It reflects
 * the paths as they were: paths added later have no touch credits (::MKT_ENOTFOUND). Errors
 * are reported on the path set's context.
 * @param[out] out  the result, NULL on failure; free with mkt_attribution_free().
 * @param paths     the path set (not modified).
 * @param opts      NULL for the defaults.
 * @return ::MKT_OK; ::MKT_EINVAL (NULL argument, bad option, time decay on paths without
 *         touch times); ::MKT_ERANGE (a total overflows, or the Markov solve did not
 *         converge); ::MKT_ETOOBIG (too many channels for the Markov order); ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_attribute(mkt_attribution **out, const mkt_paths *paths, const mkt_attr_options *opts);

/**
 * Attribute with @p count models at once; the rule-based ones share a single pass over the
 * paths. @p opts (NULL: defaults) applies to every model; its @c model is ignored, and its
 * weights reach only the models that take weights (each of which must accept them).
 * @param[out] out  array of @p count results, in the order of @p models; all NULL on failure.
 * @return as mkt_attribute(); ::MKT_EINVAL also for count 0 or an unknown model.
 * @since 0.1
 */
int mkt_attribute_many(mkt_attribution **out, const int32_t *models, uint32_t count,
                       const mkt_paths *paths, const mkt_attr_options *opts);

/** Free a result. NULL is ignored. @since 0.1 */
void mkt_attribution_free(mkt_attribution *result);

/** The ::mkt_attr_model of a result (0 for NULL). @since 0.1 */
int32_t mkt_attribution_model(const mkt_attribution *result);

/**
 * Totals over all paths: @p conversions (whole conversions) and @p value (minor units).
 * Either pointer may be NULL. @return ::MKT_OK or ::MKT_EINVAL. @since 0.1
 */
int mkt_attribution_totals(const mkt_attribution *result, int64_t *conversions,
                           int64_t *value);

/** Credit of one channel or campaign. @since 0.1 */
typedef struct mkt_attr_credit {
    size_t struct_size;        /**< Set by the library. */
    const char *name;          /**< Channel or campaign name (borrowed from the path set);
                                    NULL for the "no campaign" entry. */
    int64_t conversions_micro; /**< Conversion credit in micro-conversions (rounded). */
    double conversions;        /**< conversions_micro / ::MKT_ATTR_MICRO. */
    int64_t value;             /**< Value credit in minor units (rounded). */
    double exact_conversions;  /**< The credit before rounding. */
    double removal_effect;     /**< Markov: 1 - P(conv without the channel) / P(conv);
                                    NaN for other models and for campaigns. */
} mkt_attr_credit;

/** Number of channels (that of the path set). @since 0.1 */
uint32_t mkt_attribution_channel_count(const mkt_attribution *result);

/**
 * Credit of channel @p channel (a channel id of the path set).
 * @return ::MKT_OK, ::MKT_EINVAL (NULL), ::MKT_ENOTFOUND (no such channel).
 * @since 0.1
 */
int mkt_attribution_channel(const mkt_attribution *result, uint32_t channel,
                            mkt_attr_credit *out);

/**
 * Number of campaign entries: the path set's campaigns plus one last entry (name NULL) for
 * touches without a campaign, which includes every touch of an aggregated path.
 * @since 0.1
 */
uint32_t mkt_attribution_campaign_count(const mkt_attribution *result);

/**
 * Credit of campaign entry @p index (see mkt_attribution_campaign_count()). Campaign credits
 * are the sums of the touch credits of the campaign's touches, then rounded to the totals.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL), ::MKT_ENOTFOUND (out of range).
 * @since 0.1
 */
int mkt_attribution_campaign(const mkt_attribution *result, uint32_t index,
                             mkt_attr_credit *out);

/**
 * Credit of touch @p touch of path @p path (requires the @c per_touch option). The touches of
 * a path split its conversions (in micro-conversions) and its value exactly.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL), ::MKT_ENOTFOUND (out of range), ::MKT_ESTATE (the
 *         result was computed without per_touch).
 * @since 0.1
 */
int mkt_attribution_touch(const mkt_attribution *result, uint64_t path, uint32_t touch,
                          int64_t *conversions_micro, int64_t *value);

/**
 * Markov: P(conversion) from the start state (conversions over all journeys that reach the
 * chain); NaN for other models.
 * @since 0.1
 */
double mkt_attribution_conversion_probability(const mkt_attribution *result);

/** Markov: number of states (0 for other models). @since 0.1 */
uint32_t mkt_attribution_state_count(const mkt_attribution *result);

/**
 * Markov: name of state @p state: "(start)", "(conversion)", "(null)", or the channels of the
 * state joined by " > " (for order k, the last k channels; fewer at a path's start).
 * @return the borrowed name, or NULL when out of range.
 * @since 0.1
 */
const char *mkt_attribution_state_name(const mkt_attribution *result, uint32_t state);

/** One entry of the transition matrix. @since 0.1 */
typedef struct mkt_attr_transition {
    size_t struct_size;  /**< Set by the library. */
    uint32_t from;       /**< State id. */
    uint32_t to;         /**< State id. */
    int64_t count;       /**< Journeys that made the transition. */
    double probability;  /**< count / all transitions out of @c from. */
} mkt_attr_transition;

/** Markov: number of non-zero transitions (0 for other models). @since 0.1 */
uint64_t mkt_attribution_transition_count(const mkt_attribution *result);

/**
 * Markov: transition @p index, ordered by from-state then to-state.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL), ::MKT_ENOTFOUND (out of range).
 * @since 0.1
 */
int mkt_attribution_transition(const mkt_attribution *result, uint64_t index,
                               mkt_attr_transition *out);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_ATTRIBUTION_H */

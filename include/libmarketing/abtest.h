/* SPDX-License-Identifier: MIT */
/**
 * @file abtest.h
 * @brief A/B testing: deterministic allocation of units to variants, and the statistics of a
 *        finished or running experiment (frequentist, Bayesian, sequential), sample ratio
 *        mismatch, multiple-comparison corrections, CUPED variance reduction, power and
 *        sample size, and the decision.
 *
 * Inputs are sufficient statistics per variant (::mkt_abtest_stats): units n, the sum and the
 * sum of squares of the metric (for a conversion metric, sum = conversions). Variant 0 is the
 * control. doc/abtest.md gives every formula.
 *
 * Results the library cannot define for a method are NaN ("not defined": the CLI prints an
 * empty cell). Degenerate data (no units, one unit, zero variance, a control mean of 0) never
 * produce NaN in a defined column: the result is defined (documented per case) and a
 * ::mkt_abtest_warning bit says what happened.
 *
 * Thread safety: every function is reentrant; each thread passes its own ::mkt_ctx (used only
 * to report errors).
 */
#ifndef LIBMARKETING_ABTEST_H
#define LIBMARKETING_ABTEST_H

#include "common.h"
#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Fewest and most variants of an experiment (control included). @since 0.1 */
#define MKT_ABTEST_MIN_VARIANTS 2
/** @copydoc MKT_ABTEST_MIN_VARIANTS */
#define MKT_ABTEST_MAX_VARIANTS 26

/* ---- allocation ------------------------------------------------------------------------ */

/**
 * The bucket of a unit in [0, 1): `h = H(unit, H(key, 0))`, where `H(data, seed)` is the
 * library's 64-bit wyhash (final version 4, default secret; fixed forever), and the bucket is
 * `(h >> 11) * 2^-53`. Depends only on the bytes of @p key and @p unit. Pure and thread-safe.
 * @param key   experiment key (or namespace name), @p key_len bytes (NULL only when 0).
 * @param unit  unit id, @p unit_len bytes (NULL only when 0).
 * @return the bucket, in [0, 1).
 * @since 0.1
 */
double mkt_abtest_bucket(const char *key, size_t key_len, const char *unit, size_t unit_len);

/** Why a unit got (or did not get) a variant. Append-only. @since 0.1 */
typedef enum mkt_abtest_reason {
    MKT_ABTEST_ASSIGNED = 0,      /**< In the experiment: ::mkt_abtest_assignment.variant. */
    MKT_ABTEST_NOT_COVERED = 1,   /**< Outside the coverage: not in the experiment. */
    MKT_ABTEST_HOLDOUT = 2,       /**< In the holdout: sees the default experience. */
    MKT_ABTEST_OUT_OF_NAMESPACE = 3 /**< Outside the experiment's range of its namespace. */
} mkt_abtest_reason;

/** Options of mkt_abtest_assign(). Initialise with mkt_abtest_assign_options_init(). @since 0.1 */
typedef struct mkt_abtest_assign_options {
    size_t struct_size;        /**< sizeof(mkt_abtest_assign_options). */
    double coverage;           /**< Share of units in the experiment, (0, 1]; default 1. */
    double holdout;            /**< Share held out before allocation, [0, 1); default 0. */
    const char *holdout_key;   /**< Key of the holdout bucket (NULL: the experiment key).
                                    Experiments sharing it share one holdout group. */
    const char *namespace_key; /**< Namespace name; NULL: no namespace. */
    double namespace_start;    /**< The experiment's range [start, end) of the namespace */
    double namespace_end;      /**< bucket; default [0, 1). */
} mkt_abtest_assign_options;

/** Static initialiser for ::mkt_abtest_assign_options. @since 0.1 */
#define MKT_ABTEST_ASSIGN_OPTIONS_INIT \
    { sizeof(mkt_abtest_assign_options), 1.0, 0.0, NULL, NULL, 0.0, 1.0 }

/** Set @p opts to the defaults. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_abtest_assign_options_init(mkt_abtest_assign_options *opts);

/** The outcome of one assignment. @since 0.1 */
typedef struct mkt_abtest_assignment {
    int32_t variant; /**< 0-based variant, or -1 when @c reason is not ASSIGNED. */
    int32_t reason;  /**< An ::mkt_abtest_reason. */
    double bucket;   /**< The unit's experiment bucket, mkt_abtest_bucket(experiment, unit). */
} mkt_abtest_assignment;

/**
 * Assign a unit to a variant, deterministically. In order:
 * 1. with a namespace, the unit is in the experiment's part of it only when
 *    mkt_abtest_bucket(namespace_key, unit) lies in [namespace_start, namespace_end);
 *    experiments with disjoint ranges of one namespace never share a unit;
 * 2. with @c holdout > 0, a unit is held out when its holdout bucket
 *    `(H(unit, H(K, 1)) >> 11) * 2^-53` is below @c holdout, where K is @c holdout_key or
 *    else the experiment key (seed 1 instead of 0 keeps it independent of step 3);
 * 3. with b = mkt_abtest_bucket(experiment, unit) and weights normalised to sum 1, variant i
 *    owns [c_i, c_i + coverage * w_i) where c_i is the sum of the weights before i; a bucket
 *    in no range is not covered. Raising the coverage never moves an assigned unit.
 * @param experiment  the experiment key (NUL-terminated, not empty).
 * @param unit        the unit id, @p unit_len bytes.
 * @param weights     @p nweights (2..26) finite weights >= 0, not all 0 (any scale).
 * @param opts        NULL for defaults.
 * @param[out] out    the assignment.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL argument, empty key, bad weights, bad option).
 * @since 0.1
 */
int mkt_abtest_assign(mkt_ctx *ctx, const char *experiment, const char *unit, size_t unit_len,
                      const double *weights, size_t nweights,
                      const mkt_abtest_assign_options *opts, mkt_abtest_assignment *out);

/* ---- statistics ---------------------------------------------------------------------- */

/** Sufficient statistics of one variant. @since 0.1 */
typedef struct mkt_abtest_stats {
    uint64_t n;         /**< Units. */
    double sum;         /**< Sum of the metric (conversions for a proportion). */
    double sum_squares; /**< Sum of squares (ignored for a proportion). */
} mkt_abtest_stats;

/** Kind of metric. Append-only. @since 0.1 */
typedef enum mkt_abtest_metric {
    MKT_ABTEST_MEAN = 1,      /**< Variance (sum_squares - sum^2/n) / (n - 1). */
    MKT_ABTEST_PROPORTION = 2 /**< sum/n in [0, 1]; variance p(1 - p). */
} mkt_abtest_metric;

/** Statistical method. Append-only. @since 0.1 */
typedef enum mkt_abtest_method {
    MKT_ABTEST_WELCH = 1,     /**< Welch's t-test (fixed horizon). */
    MKT_ABTEST_ZTEST = 2,     /**< Pooled two-proportion z-test (proportions only). */
    MKT_ABTEST_BAYES = 3,     /**< Normal posterior of the effect. */
    MKT_ABTEST_SEQUENTIAL = 4 /**< Asymptotic confidence sequences (always valid). */
} mkt_abtest_method;

/** Effect scale. Append-only. @since 0.1 */
typedef enum mkt_abtest_effect {
    MKT_ABTEST_RELATIVE = 1, /**< (mean_t - mean_c) / mean_c, delta-method SE. */
    MKT_ABTEST_ABSOLUTE = 2  /**< mean_t - mean_c. */
} mkt_abtest_effect;

/** Alternative hypothesis. Append-only. @since 0.1 */
typedef enum mkt_abtest_sided {
    MKT_ABTEST_TWO_SIDED = 1, /**< effect != 0; higher is better for the decision. */
    MKT_ABTEST_GREATER = 2,   /**< effect > 0: higher is better. */
    MKT_ABTEST_LESS = 3       /**< effect < 0: lower is better. */
} mkt_abtest_sided;

/** Multiple-comparison correction over the treatment-vs-control p-values. Append-only.
 *  @since 0.1 */
typedef enum mkt_abtest_correction {
    MKT_ABTEST_CORRECTION_NONE = 0, /**< p_adjusted = p_value. */
    MKT_ABTEST_HOLM = 1,            /**< Holm-Bonferroni (family-wise error). */
    MKT_ABTEST_BH = 2               /**< Benjamini-Hochberg (false discovery rate). */
} mkt_abtest_correction;

/** Warning bits of a result. @since 0.1 */
typedef enum mkt_abtest_warning {
    MKT_ABTEST_W_NO_UNITS = 1,        /**< A variant has n = 0. */
    MKT_ABTEST_W_FEW_UNITS = 2,       /**< A variant has n = 1: no variance. */
    MKT_ABTEST_W_ZERO_VARIANCE = 4,   /**< Both arms have zero variance. */
    MKT_ABTEST_W_ZERO_CONTROL = 8,    /**< Control mean 0: no relative effect. */
    MKT_ABTEST_W_SRM = 16             /**< Sample ratio mismatch (summary only). */
} mkt_abtest_warning;

/** Options of mkt_abtest_analyze(). Initialise with mkt_abtest_options_init(). @since 0.1 */
typedef struct mkt_abtest_options {
    size_t struct_size;     /**< sizeof(mkt_abtest_options). */
    int32_t metric;         /**< ::mkt_abtest_metric; default MEAN. */
    int32_t method;         /**< ::mkt_abtest_method; default WELCH. */
    int32_t effect;         /**< ::mkt_abtest_effect; default RELATIVE. */
    int32_t sided;          /**< ::mkt_abtest_sided; default TWO_SIDED. */
    int32_t correction;     /**< ::mkt_abtest_correction; default NONE. */
    int32_t prior_normal;   /**< Bayes: 1 for a normal prior on the effect, 0 flat (default). */
    double alpha;           /**< Level; CI is 1 - alpha, confidence 1 - alpha; default 0.05. */
    double prior_mean;      /**< Bayes normal prior mean (on the effect scale); default 0. */
    double prior_variance;  /**< Bayes normal prior variance > 0; default 1. */
    double tuning;          /**< Sequential tuning parameter > 0; default 5000. */
    const double *weights;  /**< Configured traffic weights for the SRM check (one per
                                 variant); NULL: equal weights. */
    double srm_threshold;   /**< SRM flagged when its p-value is below; default 0.001. */
    uint64_t target_n;      /**< Planned units per variant (0: unknown). With every variant at
                                 it and no significant difference, the decision is NO_DIFFERENCE. */
} mkt_abtest_options;

/** Static initialiser for ::mkt_abtest_options. @since 0.1 */
#define MKT_ABTEST_OPTIONS_INIT                                                             \
    { sizeof(mkt_abtest_options), MKT_ABTEST_MEAN, MKT_ABTEST_WELCH, MKT_ABTEST_RELATIVE,   \
      MKT_ABTEST_TWO_SIDED, MKT_ABTEST_CORRECTION_NONE, 0, 0.05, 0.0, 1.0, 5000.0, NULL,   \
      0.001, 0 }

/** Set @p opts to the defaults. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_abtest_options_init(mkt_abtest_options *opts);

/**
 * One variant's row of an analysis; row 0 (the control) has only n, mean and variance, and
 * NaN elsewhere. NaN means "not defined by the method".
 * @since 0.1
 */
typedef struct mkt_abtest_result {
    size_t struct_size;    /**< Set by mkt_abtest_results_init(); the array's stride. */
    uint64_t n;            /**< Units. */
    double mean;           /**< sum / n (0 when n = 0). */
    double variance;       /**< Variance of one unit's metric (0 when undefined). */
    double effect;         /**< Absolute or relative effect against control. */
    double se;             /**< Its standard error (Welch, sequential, bayes: posterior sd). */
    double ci_low;         /**< Confidence (credible, sequential) interval at 1 - alpha. */
    double ci_high;        /**< Infinite bounds for a one-sided test. */
    double statistic;      /**< t or z (NaN for bayes and sequential). */
    double df;             /**< Welch-Satterthwaite degrees of freedom (Welch only). */
    double p_value;        /**< (Always-valid for sequential; NaN for bayes.) */
    double p_adjusted;     /**< After the correction (NaN for bayes). */
    double chance_to_win;  /**< Bayes: P(treatment better) under the normal posterior. */
    double chance_to_win_exact; /**< Bayes, proportion: exact P(p_t > p_c), Beta(1,1) priors. */
    double risk_control;   /**< Bayes: expected loss of choosing control. */
    double risk_treatment; /**< Bayes: expected loss of choosing the treatment. */
    int32_t significant;   /**< 1 when significant (or chance >= 1 - alpha) and better, -1
                                when significant and worse, 0 otherwise. */
    int32_t warnings;      /**< OR of ::mkt_abtest_warning for this comparison. */
} mkt_abtest_result;

/** Decision of an experiment. Append-only. @since 0.1 */
typedef enum mkt_abtest_decision {
    MKT_ABTEST_WINNER = 1,        /**< A variant (maybe the control) won; see @c winner. */
    MKT_ABTEST_NO_WINNER_YET = 2, /**< Keep running. */
    MKT_ABTEST_NO_DIFFERENCE = 3, /**< Planned sample reached, nothing significant. */
    MKT_ABTEST_INVALID_SRM = 4    /**< Sample ratio mismatch: results not trustworthy. */
} mkt_abtest_decision;

/** Experiment-level outcome of mkt_abtest_analyze(). @since 0.1 */
typedef struct mkt_abtest_summary {
    size_t struct_size;  /**< sizeof(mkt_abtest_summary), set by the caller. */
    double srm_p_value;  /**< Chi-square goodness-of-fit p-value (1 with no units). */
    int32_t srm;         /**< 1 when srm_p_value < srm_threshold. */
    int32_t decision;    /**< An ::mkt_abtest_decision. */
    int32_t winner;      /**< Winning variant for WINNER, else -1. */
    int32_t warnings;    /**< OR of every row's warnings (and SRM). */
} mkt_abtest_summary;

/**
 * Set struct_size of @p n results (call before mkt_abtest_analyze()).
 * @return ::MKT_OK or ::MKT_EINVAL (NULL with n > 0).
 * @since 0.1
 */
int mkt_abtest_results_init(mkt_abtest_result *results, size_t n);

/**
 * Analyse an experiment: each treatment against variant 0 with the method of @p opts, the
 * correction over the treatment p-values, the SRM check, and the decision (doc/abtest.md).
 * @param stats     @p nvariants (2..26) variants, control first.
 * @param opts      NULL for defaults.
 * @param results   @p nvariants rows, initialised by mkt_abtest_results_init(); their stride
 *                  is results[0].struct_size.
 * @param summary   struct_size set by the caller; may be NULL.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL argument, variant count, negative or non-finite
 *         statistics, conversions outside [0, n] for a proportion, bad option, z-test for a
 *         mean metric), ::MKT_ENOMEM (only with a correction).
 * @since 0.1
 */
int mkt_abtest_analyze(mkt_ctx *ctx, const mkt_abtest_stats *stats, size_t nvariants,
                       const mkt_abtest_options *opts, mkt_abtest_result *results,
                       mkt_abtest_summary *summary);

/**
 * Sample ratio mismatch: the chi-square goodness-of-fit p-value of the observed units
 * against the expected shares of @p weights; variants of weight 0 are left out (and their
 * units ignored). With fewer than two positive weights or no units the p-value is 1.
 * @param weights  @p n weights >= 0 (any scale), not all 0; NULL for equal weights.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL argument, n < 2 or > 26, bad weight).
 * @since 0.1
 */
int mkt_abtest_srm(mkt_ctx *ctx, const uint64_t *observed, const double *weights, size_t n,
                   double *p_value);

/**
 * Adjust @p n p-values for multiple comparisons (Holm-Bonferroni or Benjamini-Hochberg, as
 * statsmodels' multipletests 'holm' and 'fdr_bh'); @p out may equal @p p. Allocates O(n).
 * @param method  an ::mkt_abtest_correction.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL argument, a p-value outside [0, 1], bad method),
 *         ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_abtest_adjust(mkt_ctx *ctx, const double *p, size_t n, int32_t method, double *out);

/**
 * Exact P(p_t > p_c) for Beta(1 + conversions, 1 + failures) posteriors (Evan Miller's closed
 * form sum with log-beta terms; no Monte Carlo). O(treatment conversions) time.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL, conversions above units).
 * @since 0.1
 */
int mkt_abtest_beta_chance(mkt_ctx *ctx, uint64_t control_conversions, uint64_t control_n,
                           uint64_t treatment_conversions, uint64_t treatment_n,
                           double *chance);

/** Pre-experiment covariate statistics for CUPED: the metric y and its covariate x. @since 0.1 */
typedef struct mkt_abtest_cuped_stats {
    uint64_t n;        /**< Units. */
    double sum;        /**< Sum of y. */
    double sum_squares;/**< Sum of y^2. */
    double x_sum;      /**< Sum of x. */
    double x_sum_squares; /**< Sum of x^2. */
    double xy_sum;     /**< Sum of x * y. */
} mkt_abtest_cuped_stats;

/**
 * CUPED: theta = cov(x, y) / var(x) pooled over all variants, and the sufficient statistics
 * of y - theta (x - mean(x)) per variant, to analyse with mkt_abtest_analyze().
 * With var(x) = 0, theta is 0 (no adjustment).
 * @param[out] out    @p n adjusted statistics.
 * @param[out] theta  may be NULL.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL argument, n out of range, non-finite statistics).
 * @since 0.1
 */
int mkt_abtest_cuped(mkt_ctx *ctx, const mkt_abtest_cuped_stats *in, size_t n,
                     mkt_abtest_stats *out, double *theta);

/** Options of the power calculations. Initialise with mkt_abtest_plan_options_init(). @since 0.1 */
typedef struct mkt_abtest_plan_options {
    size_t struct_size; /**< sizeof(mkt_abtest_plan_options). */
    int32_t metric;     /**< ::mkt_abtest_metric; default PROPORTION. */
    int32_t sided;      /**< TWO_SIDED (default) or GREATER/LESS (one-sided). */
    double baseline;    /**< Control conversion rate in (0, 1), or mean != 0. */
    double stddev;      /**< Standard deviation of one unit (MEAN only), > 0. */
    double mde;         /**< Minimum detectable relative effect, != 0 (0.10 = +10%). */
    double alpha;       /**< Default 0.05; divided by variants - 1 (Bonferroni). */
    double power;       /**< Default 0.8, in (alpha, 1). */
    int32_t variants;   /**< Variants including control, 2..26; default 2. */
} mkt_abtest_plan_options;

/** Static initialiser for ::mkt_abtest_plan_options. @since 0.1 */
#define MKT_ABTEST_PLAN_OPTIONS_INIT \
    { sizeof(mkt_abtest_plan_options), MKT_ABTEST_PROPORTION, MKT_ABTEST_TWO_SIDED, 0.0, 0.0, \
      0.0, 0.05, 0.8, 2 }

/** Set @p opts to the defaults. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_abtest_plan_options_init(mkt_abtest_plan_options *opts);

/**
 * Units per variant to detect the relative effect @c mde with the requested power: the
 * smallest n with mkt_abtest_power() >= power (normal approximation, unpooled variance).
 * @param[out] n_per_variant  the rounded-up count; @p exact (may be NULL) the real solution.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL, bad option), ::MKT_ERANGE (more than 2^53 units).
 * @since 0.1
 */
int mkt_abtest_sample_size(mkt_ctx *ctx, const mkt_abtest_plan_options *opts,
                           uint64_t *n_per_variant, double *exact);

/**
 * Power of a test with @p n_per_variant units per variant to detect @c mde (the achieved power
 * of a finished test when @c baseline and @c stddev are its observed control values).
 * @return ::MKT_OK, ::MKT_EINVAL (NULL, bad option, n = 0).
 * @since 0.1
 */
int mkt_abtest_power(mkt_ctx *ctx, const mkt_abtest_plan_options *opts, uint64_t n_per_variant,
                     double *power);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_ABTEST_H */

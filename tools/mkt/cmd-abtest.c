/* SPDX-License-Identifier: MIT */
/*
 * `mkt abtest analyze|srm|assign|plan`: the A/B statistics and allocation of abtest.h over
 * the command line. Options may come before or after the subcommand; each subcommand checks
 * that it got what it needs. srm and plan live here, analyze and assign in their own files.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-abtest.h"

enum { OPT_INPUT = OPT_FIRST_COMMAND_OPTION, OPT_METRIC, OPT_METHOD, OPT_EFFECT, OPT_ALPHA,
       OPT_SIDED, OPT_PRIOR_MEAN, OPT_PRIOR_VARIANCE, OPT_TUNING, OPT_CORRECTION, OPT_WEIGHTS,
       OPT_JSON, OPT_TARGET_N, OPT_SRM_THRESHOLD, OPT_OBSERVED, OPT_EXPERIMENT, OPT_UNIT,
       OPT_UNITS, OPT_COVERAGE, OPT_HOLDOUT, OPT_HOLDOUT_KEY, OPT_NAMESPACE, OPT_RANGE,
       OPT_BASELINE, OPT_MDE, OPT_POWER, OPT_VARIANTS, OPT_STDDEV, OPT_ACHIEVED };

void cmd_abtest_usage(FILE *out)
{
    fputs("Usage: mkt abtest analyze --input F.csv [--metric mean|proportion]\n"
          "                   [--method welch|ztest|bayes|sequential] [--effect relative|absolute]\n"
          "                   [--alpha A] [--sided two|greater|less] [--correction none|holm|bh]\n"
          "                   [--prior-mean M --prior-variance V] [--tuning T] [--weights W,...]\n"
          "                   [--target-n N] [--srm-threshold P] [--json]\n"
          "       mkt abtest srm --observed N,N,... [--weights W,W,...]\n"
          "       mkt abtest assign --experiment KEY --weights W,W,... (--unit ID | --units F)\n"
          "                   [--coverage C] [--holdout H [--holdout-key K]]\n"
          "                   [--namespace NAME --range START:END]\n"
          "       mkt abtest plan --baseline B --mde M [--alpha A] [--power P] [--variants K]\n"
          "                   [--metric proportion|mean --stddev S] [--sided two|greater|less]\n"
          "                   [--units-per-variant N]\n"
          "\n"
          "A/B testing (doc/abtest.md has every formula).\n"
          "  analyze  compare each variant with the first (the control). F has the header\n"
          "           variant,n,sum,sum_squares (sum_squares may be omitted for proportions).\n"
          "           Prints CSV: variant,n,mean,effect,se,ci_low,ci_high,p_value,p_adjusted,\n"
          "           chance_to_win,risk_control,risk_treatment,statistic,df,\n"
          "           chance_to_win_exact,significant,warnings (empty: not defined by the\n"
          "           method); the SRM p-value and the decision go to stderr. --json prints\n"
          "           one JSON object with rows and summary instead.\n"
          "  srm      the sample-ratio-mismatch p-value (chi-square goodness of fit).\n"
          "  assign   the variant of each unit: CSV unit,variant,reason,bucket (variant is\n"
          "           empty when the unit is not in the experiment; reason says why).\n"
          "           --units F reads one id per line ('-': stdin; a first line 'unit' or\n"
          "           'customer_id' is a header).\n"
          "  plan     units per variant to detect a relative effect M on baseline B (a\n"
          "           conversion rate, or a mean with --stddev); with --units-per-variant N\n"
          "           the power of that design instead.\n"
          "\n"
          "Defaults: --metric mean (plan: proportion), --method welch, --effect relative,\n"
          "--alpha 0.05, --sided two, --correction none, flat prior, --tuning 5000, equal\n"
          "weights, --srm-threshold 0.001, --power 0.8, --variants 2, --coverage 1.\n"
          "  --state FILE   SQLite state file (see 'mkt --help')\n"
          "  -h, --help     show this help\n", out);
}

static const struct option abtest_options[] = {
    { "input", required_argument, NULL, OPT_INPUT },
    { "metric", required_argument, NULL, OPT_METRIC },
    { "method", required_argument, NULL, OPT_METHOD },
    { "effect", required_argument, NULL, OPT_EFFECT },
    { "alpha", required_argument, NULL, OPT_ALPHA },
    { "sided", required_argument, NULL, OPT_SIDED },
    { "prior-mean", required_argument, NULL, OPT_PRIOR_MEAN },
    { "prior-variance", required_argument, NULL, OPT_PRIOR_VARIANCE },
    { "tuning", required_argument, NULL, OPT_TUNING },
    { "correction", required_argument, NULL, OPT_CORRECTION },
    { "weights", required_argument, NULL, OPT_WEIGHTS },
    { "json", no_argument, NULL, OPT_JSON },
    { "target-n", required_argument, NULL, OPT_TARGET_N },
    { "srm-threshold", required_argument, NULL, OPT_SRM_THRESHOLD },
    { "observed", required_argument, NULL, OPT_OBSERVED },
    { "experiment", required_argument, NULL, OPT_EXPERIMENT },
    { "unit", required_argument, NULL, OPT_UNIT },
    { "units", required_argument, NULL, OPT_UNITS },
    { "coverage", required_argument, NULL, OPT_COVERAGE },
    { "holdout", required_argument, NULL, OPT_HOLDOUT },
    { "holdout-key", required_argument, NULL, OPT_HOLDOUT_KEY },
    { "namespace", required_argument, NULL, OPT_NAMESPACE },
    { "range", required_argument, NULL, OPT_RANGE },
    { "baseline", required_argument, NULL, OPT_BASELINE },
    { "mde", required_argument, NULL, OPT_MDE },
    { "power", required_argument, NULL, OPT_POWER },
    { "variants", required_argument, NULL, OPT_VARIANTS },
    { "stddev", required_argument, NULL, OPT_STDDEV },
    { "units-per-variant", required_argument, NULL, OPT_ACHIEVED },
    MKT_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 },
};

/* ---- value parsing -------------------------------------------------------------------- */

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* Comma-separated list of up to MKT_ABTEST_MAX_VARIANTS numbers. */
static int parse_list(const char *s, double *d, uint64_t *u, size_t *n)
{
    char buf[64];
    *n = 0;
    for (const char *p = s;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0 || len >= sizeof buf || *n == MKT_ABTEST_MAX_VARIANTS)
            return -1;
        memcpy(buf, p, len);
        buf[len] = '\0';
        if (d ? parse_double(buf, &d[*n]) : parse_u64(buf, &u[*n]))
            return -1;
        (*n)++;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* @arg as one of @names (NULL-terminated), giving values[i]. */
static int pick(const char *opt, const char *arg, const char *const *names,
                const int32_t *values, int32_t *out)
{
    for (size_t i = 0; names[i]; i++) {
        if (strcmp(arg, names[i]) == 0) {
            *out = values[i];
            return -1;
        }
    }
    return usage_error("abtest", "invalid --%s '%s'", opt, arg);
}

static int number(const char *opt, const char *arg, double *out)
{
    if (parse_double(arg, out))
        return usage_error("abtest", "invalid --%s '%s': expected a number", opt, arg);
    return -1;
}

static int enum_option(abtest_args *a, int c, const char *arg)
{
    static const char *const metrics[] = {"mean", "proportion", NULL};
    static const int32_t metric_v[] = {MKT_ABTEST_MEAN, MKT_ABTEST_PROPORTION};
    static const char *const methods[] = {"welch", "ztest", "bayes", "sequential", NULL};
    static const int32_t method_v[] = {MKT_ABTEST_WELCH, MKT_ABTEST_ZTEST, MKT_ABTEST_BAYES,
                                       MKT_ABTEST_SEQUENTIAL};
    static const char *const effects[] = {"relative", "absolute", NULL};
    static const int32_t effect_v[] = {MKT_ABTEST_RELATIVE, MKT_ABTEST_ABSOLUTE};
    static const char *const sides[] = {"two", "greater", "less", NULL};
    static const int32_t side_v[] = {MKT_ABTEST_TWO_SIDED, MKT_ABTEST_GREATER, MKT_ABTEST_LESS};
    static const char *const corrections[] = {"none", "holm", "bh", NULL};
    static const int32_t correction_v[] = {MKT_ABTEST_CORRECTION_NONE, MKT_ABTEST_HOLM,
                                           MKT_ABTEST_BH};
    int rc;
    switch (c) {
    case OPT_METRIC:
        rc = pick("metric", arg, metrics, metric_v, &a->opts.metric);
        a->plan.metric = a->opts.metric;
        return rc;
    case OPT_METHOD: return pick("method", arg, methods, method_v, &a->opts.method);
    case OPT_EFFECT: return pick("effect", arg, effects, effect_v, &a->opts.effect);
    case OPT_SIDED:
        rc = pick("sided", arg, sides, side_v, &a->opts.sided);
        a->plan.sided = a->opts.sided;
        return rc;
    default: return pick("correction", arg, corrections, correction_v, &a->opts.correction);
    }
}

static int range_option(abtest_args *a, const char *arg)
{
    char *end;
    errno = 0;
    double lo = strtod(arg, &end);
    if (end == arg || *end != ':' || errno)
        return usage_error("abtest", "invalid --range '%s': expected START:END", arg);
    const char *second = end + 1;
    double hi = strtod(second, &end);
    if (end == second || *end || errno)
        return usage_error("abtest", "invalid --range '%s': expected START:END", arg);
    a->assign.namespace_start = lo;
    a->assign.namespace_end = hi;
    return -1;
}

static int own_option(abtest_args *a, int c, const char *arg)
{
    switch (c) {
    case OPT_INPUT: a->input = arg; return -1;
    case OPT_ALPHA: {
        int rc = number("alpha", arg, &a->opts.alpha);
        a->plan.alpha = a->opts.alpha;
        return rc;
    }
    case OPT_PRIOR_MEAN: a->opts.prior_normal = 1; return number("prior-mean", arg,
                                                                 &a->opts.prior_mean);
    case OPT_PRIOR_VARIANCE: a->opts.prior_normal = 1; return number("prior-variance", arg,
                                                                     &a->opts.prior_variance);
    case OPT_TUNING: return number("tuning", arg, &a->opts.tuning);
    case OPT_SRM_THRESHOLD: return number("srm-threshold", arg, &a->opts.srm_threshold);
    case OPT_WEIGHTS:
        if (parse_list(arg, a->weights, NULL, &a->nweights))
            return usage_error("abtest", "invalid --weights '%s': expected up to %d numbers "
                                         "separated by commas", arg, MKT_ABTEST_MAX_VARIANTS);
        return -1;
    case OPT_OBSERVED:
        if (parse_list(arg, NULL, a->observed, &a->nobserved))
            return usage_error("abtest", "invalid --observed '%s': expected up to %d counts "
                                         "separated by commas", arg, MKT_ABTEST_MAX_VARIANTS);
        return -1;
    case OPT_JSON: a->json = 1; return -1;
    case OPT_TARGET_N:
        if (parse_u64(arg, &a->opts.target_n))
            return usage_error("abtest", "invalid --target-n '%s': expected a count", arg);
        return -1;
    case OPT_EXPERIMENT: a->experiment = arg; return -1;
    case OPT_UNIT: a->unit = arg; return -1;
    case OPT_UNITS: a->units = arg; return -1;
    case OPT_COVERAGE: return number("coverage", arg, &a->assign.coverage);
    case OPT_HOLDOUT: return number("holdout", arg, &a->assign.holdout);
    case OPT_HOLDOUT_KEY: a->assign.holdout_key = arg; return -1;
    case OPT_NAMESPACE: a->assign.namespace_key = arg; return -1;
    case OPT_RANGE: return range_option(a, arg);
    case OPT_BASELINE: a->has_baseline = 1; return number("baseline", arg, &a->plan.baseline);
    case OPT_MDE: a->has_mde = 1; return number("mde", arg, &a->plan.mde);
    case OPT_POWER: return number("power", arg, &a->plan.power);
    case OPT_STDDEV: return number("stddev", arg, &a->plan.stddev);
    case OPT_VARIANTS: {
        uint64_t k;
        if (parse_u64(arg, &k) || k > MKT_ABTEST_MAX_VARIANTS)
            return usage_error("abtest", "invalid --variants '%s': expected 2 to %d", arg,
                               MKT_ABTEST_MAX_VARIANTS);
        a->plan.variants = (int32_t)k;
        return -1;
    }
    case OPT_ACHIEVED:
        if (parse_u64(arg, &a->achieved_n) || a->achieved_n == 0)
            return usage_error("abtest", "invalid --units-per-variant '%s': expected a count "
                                         "> 0", arg);
        return -1;
    default: return enum_option(a, c, arg);
    }
}

/* ---- srm and plan ------------------------------------------------------------------------ */

void abtest_csv_number(FILE *out, double x)
{
    if (isnan(x))
        return;
    if (isinf(x))
        fputs(x > 0 ? "inf" : "-inf", out);
    else
        fprintf(out, "%.12g", x);
}

void abtest_json_number(FILE *out, double x)
{
    if (!isfinite(x))
        fputs("null", out);
    else
        fprintf(out, "%.17g", x);
}

static int abtest_srm(mkt_app *app, abtest_args *a)
{
    if (a->nobserved == 0)
        return usage_error("abtest", "abtest srm needs --observed N,N,...");
    if (a->nweights && a->nweights != a->nobserved)
        return usage_error("abtest", "--weights has %zu values but --observed %zu",
                           a->nweights, a->nobserved);
    mkt_ctx *ctx;
    int rc = app_ctx(app, &ctx);
    if (rc != MKT_EXIT_OK)
        return rc;
    double p;
    int st = mkt_abtest_srm(ctx, a->observed, a->nweights ? a->weights : NULL, a->nobserved,
                            &p);
    if (st != MKT_OK)
        return app_fail(app, st);
    if (a->json) {
        fputs("{\"srm_p_value\": ", stdout);
        abtest_json_number(stdout, p);
        printf(", \"mismatch\": %s}\n", p < a->opts.srm_threshold ? "true" : "false");
    } else {
        abtest_csv_number(stdout, p);
        putchar('\n');
    }
    if (p < a->opts.srm_threshold)
        fprintf(stderr, "mkt: sample ratio mismatch: p = %.3g < %g\n", p,
                a->opts.srm_threshold);
    return finish_output();
}

static int abtest_plan(mkt_app *app, abtest_args *a)
{
    if (!a->has_baseline || !a->has_mde)
        return usage_error("abtest", "abtest plan needs --baseline B and --mde M");
    mkt_ctx *ctx;
    int rc = app_ctx(app, &ctx);
    if (rc != MKT_EXIT_OK)
        return rc;
    if (a->achieved_n) {
        double power;
        int st = mkt_abtest_power(ctx, &a->plan, a->achieved_n, &power);
        if (st != MKT_OK)
            return app_fail(app, st);
        if (a->json)
            printf("{\"units_per_variant\": %llu, \"power\": %.17g}\n",
                   (unsigned long long)a->achieved_n, power);
        else
            printf("units_per_variant,power\n%llu,%.12g\n",
                   (unsigned long long)a->achieved_n, power);
        return finish_output();
    }
    uint64_t n;
    int st = mkt_abtest_sample_size(ctx, &a->plan, &n, NULL);
    if (st != MKT_OK)
        return app_fail(app, st);
    double alpha_each = a->plan.alpha / (a->plan.variants - 1);
    unsigned long long total = (unsigned long long)n * (unsigned long long)a->plan.variants;
    if (a->json)
        printf("{\"units_per_variant\": %llu, \"variants\": %d, \"total_units\": %llu, "
               "\"alpha_per_comparison\": %.17g}\n", (unsigned long long)n,
               (int)a->plan.variants, total, alpha_each);
    else
        printf("units_per_variant,variants,total_units,alpha_per_comparison\n"
               "%llu,%d,%llu,%.12g\n", (unsigned long long)n, (int)a->plan.variants, total,
               alpha_each);
    return finish_output();
}

/* ---- dispatch --------------------------------------------------------------------------- */

static const struct {
    const char *name;
    int (*run)(mkt_app *, abtest_args *);
} subcommands[] = {
    {"analyze", abtest_analyze},
    {"srm", abtest_srm},
    {"assign", abtest_assign},
    {"plan", abtest_plan},
};

static void args_init(abtest_args *a)
{
    memset(a, 0, sizeof *a);
    mkt_abtest_options_init(&a->opts);
    mkt_abtest_assign_options_init(&a->assign);
    mkt_abtest_plan_options_init(&a->plan);
}

int cmd_abtest(mkt_app *app, int argc, char **argv)
{
    const mkt_command *self = mkt_command_find("abtest");
    abtest_args a;
    args_init(&a);
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", abtest_options, NULL)) != -1) {
        int rc = c >= OPT_INPUT && c <= OPT_ACHIEVED ? own_option(&a, c, optarg)
                                                     : common_option(app, self, c, argv);
        if (rc >= 0)
            return rc;
    }
    if (optind >= argc)
        return usage_error("abtest", "no subcommand given: analyze, srm, assign or plan");
    if (optind + 1 < argc)
        return usage_error("abtest", "unexpected argument '%s'", argv[optind + 1]);
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        if (strcmp(argv[optind], subcommands[i].name) == 0)
            return subcommands[i].run(app, &a);
    return usage_error("abtest", "unknown subcommand '%s'", argv[optind]);
}

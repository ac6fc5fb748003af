/* SPDX-License-Identifier: MIT */
/*
 * `mkt attribute`: attribution of aggregated paths (--paths) or touchpoint journeys
 * (--touchpoints) with one model, or every model side by side (--all-models). Writes
 * channel,conversions,value (plus removal_effect for markov), sorted by channel, and on
 * request the campaign, per-touch and transition tables (attribute-out.c).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-attribute.h"

enum { OPT_PATHS = OPT_FIRST_COMMAND_OPTION, OPT_TOUCH, OPT_MODEL, OPT_ALL, OPT_ORDER,
       OPT_HALF_LIFE, OPT_WEIGHTS, OPT_DIRECT, OPT_COLLAPSE, OPT_SEP, OPT_PATH_COL,
       OPT_CONV_COL, OPT_VALUE_COL, OPT_NULLS_COL, OPT_DECIMALS, OPT_ROUND, OPT_METRIC, OPT_OUT,
       OPT_CAMPAIGNS, OPT_TOUCHES, OPT_TRANSITIONS, OPT_LAST };

void cmd_attribute_usage(FILE *out)
{
    fputs("Usage: mkt attribute (--paths F | --touchpoints F) (--model M | --all-models)\n"
          "                     [--order K] [--half-life-days H] [--weights W,W,...] [--sep C]\n"
          "                     [--out F] [--campaigns F] [--touches F] [--transitions F]\n"
          "\n"
          "Attribute conversions and value to channels (doc/attribution.md). Prints CSV\n"
          "channel,conversions,value (plus removal_effect for markov), sorted by channel;\n"
          "conversions have 6 exact decimals and every column sums exactly to the total.\n"
          "\n"
          "Input:\n"
          "  --paths FILE           aggregated paths.csv: path,conversions,value,nulls\n"
          "  --touchpoints FILE     touchpoints.csv: journey_id,ts,channel,campaign,converted,value\n"
          "  --sep C                field separator, one byte or 'tab' (default ',')\n"
          "  --path-column N, --conversions-column N, --value-column N, --nulls-column N\n"
          "                         column names of paths.csv (e.g. total_conversions)\n"
          "  --decimals D           decimals of the value column, 0..9 (default 2)\n"
          "  --round-values         round excess value decimals (half to even) instead of failing\n"
          "Model:\n"
          "  --model M              first, last, last_non_direct, linear, time_decay, position\n"
          "                         (u_shaped), w_shaped, custom, markov, shapley\n"
          "  --all-models           one table with a column per model (time_decay only with\n"
          "                         --touchpoints)\n"
          "  --metric conversions|value  the cells of --all-models (default conversions)\n"
          "  --order K              Markov order 1..4 (default 1)\n"
          "  --half-life-days H     time decay half-life (default 7)\n"
          "  --weights W,...        position: first,middle,last (default 0.4,0.2,0.4);\n"
          "                         w_shaped: first,milestone,last,rest (0.3,0.3,0.3,0.1);\n"
          "                         custom: any number, stretched over each path\n"
          "  --direct NAME          the channel last_non_direct skips (default direct)\n"
          "  --collapse-repeats     Markov: consecutive touches of one channel count once\n"
          "Output:\n"
          "  --out FILE             the channel table (default stdout)\n"
          "  --campaigns FILE       campaign,conversions,value (empty campaign: none)\n"
          "  --touches FILE         the credit of every touch\n"
          "  --transitions FILE     markov: from,to,count,probability\n"
          "  --state FILE           SQLite state file (see 'mkt --help')\n"
          "  -h, --help             show this help\n", out);
}

static const struct option attr_options[] = {
    { "paths", required_argument, NULL, OPT_PATHS },
    { "touchpoints", required_argument, NULL, OPT_TOUCH },
    { "model", required_argument, NULL, OPT_MODEL },
    { "all-models", no_argument, NULL, OPT_ALL },
    { "order", required_argument, NULL, OPT_ORDER },
    { "half-life-days", required_argument, NULL, OPT_HALF_LIFE },
    { "weights", required_argument, NULL, OPT_WEIGHTS },
    { "direct", required_argument, NULL, OPT_DIRECT },
    { "collapse-repeats", no_argument, NULL, OPT_COLLAPSE },
    { "sep", required_argument, NULL, OPT_SEP },
    { "separator", required_argument, NULL, OPT_SEP },
    { "path-column", required_argument, NULL, OPT_PATH_COL },
    { "conversions-column", required_argument, NULL, OPT_CONV_COL },
    { "value-column", required_argument, NULL, OPT_VALUE_COL },
    { "nulls-column", required_argument, NULL, OPT_NULLS_COL },
    { "decimals", required_argument, NULL, OPT_DECIMALS },
    { "round-values", no_argument, NULL, OPT_ROUND },
    { "metric", required_argument, NULL, OPT_METRIC },
    { "out", required_argument, NULL, OPT_OUT },
    { "campaigns", required_argument, NULL, OPT_CAMPAIGNS },
    { "touches", required_argument, NULL, OPT_TOUCHES },
    { "transitions", required_argument, NULL, OPT_TRANSITIONS },
    MKT_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 },
};

static int parse_number(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* "0.4,0.2,0.4" into a->weights. */
static int parse_weights(attr_args *a, const char *arg)
{
    uint32_t n = 0;
    const char *s = arg;
    while (*s) {
        char buf[64];
        size_t len = strcspn(s, ",");
        if (len == 0 || len >= sizeof buf || n == ATTR_MAX_WEIGHTS)
            return -1;
        memcpy(buf, s, len);
        buf[len] = '\0';
        if (parse_number(buf, 0, 1e300, &a->weights[n++]))
            return -1;
        s += len;
        if (*s == ',' && *++s == '\0')
            return -1;
    }
    a->opts.weights = a->weights;
    a->opts.weight_count = n;
    return n ? 0 : -1;
}

static int own_option(attr_args *a, int c, const char *arg)
{
    double d;
    switch (c) {
    case OPT_PATHS: a->paths_file = arg; return -1;
    case OPT_TOUCH: a->touch_file = arg; return -1;
    case OPT_MODEL:
        if (mkt_attr_model_parse(arg, &a->opts.model) != MKT_OK)
            return usage_error("attribute", "unknown --model '%s'", arg);
        a->model_given = 1;
        return -1;
    case OPT_ALL: a->all_models = 1; return -1;
    case OPT_ORDER:
        if (parse_number(arg, 1, MKT_ATTR_MAX_ORDER, &d) || d != (int32_t)d)
            return usage_error("attribute", "invalid --order '%s': expected 1..%d", arg,
                               MKT_ATTR_MAX_ORDER);
        a->opts.order = (int32_t)d;
        return -1;
    case OPT_HALF_LIFE:
        if (parse_number(arg, 1e-9, 1e9, &a->opts.half_life_days))
            return usage_error("attribute", "invalid --half-life-days '%s'", arg);
        return -1;
    case OPT_WEIGHTS:
        if (parse_weights(a, arg))
            return usage_error("attribute", "invalid --weights '%s': expected numbers >= 0 "
                               "separated by commas", arg);
        return -1;
    case OPT_DIRECT: a->opts.direct_channel = arg; return -1;
    case OPT_COLLAPSE: a->opts.collapse_repeats = 1; return -1;
    case OPT_SEP:
        if (parse_separator(arg, &a->load.separator))
            return usage_error("attribute", "invalid --sep '%s'", arg);
        return -1;
    case OPT_PATH_COL: a->load.path_column = arg; return -1;
    case OPT_CONV_COL: a->load.conversions_column = arg; return -1;
    case OPT_VALUE_COL: a->load.value_column = arg; return -1;
    case OPT_NULLS_COL: a->load.nulls_column = arg; return -1;
    case OPT_DECIMALS:
        if (parse_number(arg, 0, 9, &d) || d != (int32_t)d)
            return usage_error("attribute", "invalid --decimals '%s': expected 0..9", arg);
        a->load.value_decimals = (int32_t)d;
        return -1;
    case OPT_ROUND: a->load.round_values = 1; return -1;
    case OPT_METRIC:
        if (strcmp(arg, "conversions") != 0 && strcmp(arg, "value") != 0)
            return usage_error("attribute", "invalid --metric '%s'", arg);
        a->metric_value = arg[0] == 'v';
        return -1;
    case OPT_OUT: a->out = arg; return -1;
    case OPT_CAMPAIGNS: a->campaigns = arg; return -1;
    case OPT_TOUCHES: a->touches = arg; return -1;
    case OPT_TRANSITIONS: a->transitions = arg; return -1;
    default: return usage_error("attribute", "internal error: unhandled option %d", c);
    }
}

static int check_args(const attr_args *a)
{
    if (!a->paths_file == !a->touch_file)
        return usage_error("attribute", "give exactly one of --paths FILE and --touchpoints FILE");
    if (!a->model_given == !a->all_models)
        return usage_error("attribute", "give exactly one of --model M and --all-models");
    if (a->all_models && (a->opts.weights || a->campaigns || a->touches || a->transitions))
        return usage_error("attribute", "--all-models takes no --weights, --campaigns, "
                           "--touches or --transitions");
    if (a->transitions && a->opts.model != MKT_ATTR_MARKOV)
        return usage_error("attribute", "--transitions needs --model markov");
    if (a->opts.model == MKT_ATTR_CUSTOM && !a->opts.weights)
        return usage_error("attribute", "--model custom needs --weights");
    return -1;
}

static int parse_args(mkt_app *app, int argc, char **argv, attr_args *a)
{
    const mkt_command *self = mkt_command_find("attribute");
    mkt_paths_options_init(&a->load);
    mkt_attr_options_init(&a->opts);
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", attr_options, NULL)) != -1) {
        int rc = c >= OPT_PATHS && c < OPT_LAST ? own_option(a, c, optarg)
                                                : common_option(app, self, c, argv);
        if (rc >= 0)
            return rc;
    }
    if (optind < argc)
        return usage_error("attribute", "unexpected argument '%s'", argv[optind]);
    return check_args(a);
}

static int load(mkt_app *app, attr_args *a, mkt_paths **out)
{
    mkt_ctx *ctx;
    int rc = app_ctx(app, &ctx);
    if (rc != MKT_EXIT_OK)
        return rc;
    int st = mkt_paths_new(out, ctx);
    if (st == MKT_OK)
        st = a->paths_file ? mkt_paths_load_paths(*out, a->paths_file, &a->load)
                           : mkt_paths_load_touchpoints(*out, a->touch_file, &a->load);
    return st == MKT_OK ? MKT_EXIT_OK : app_fail(app, st);
}

static int run_all(mkt_app *app, attr_args *a, const mkt_paths *p)
{
    int32_t models[MKT_ATTR_SHAPLEY];
    uint32_t n = 0;
    for (int32_t m = MKT_ATTR_FIRST; m <= MKT_ATTR_SHAPLEY; m++)
        if (m != MKT_ATTR_CUSTOM && (m != MKT_ATTR_TIME_DECAY || a->touch_file))
            models[n++] = m;
    mkt_attribution *r[MKT_ATTR_SHAPLEY];
    int st = mkt_attribute_many(r, models, n, p, &a->opts);
    if (st != MKT_OK)
        return app_fail(app, st);
    int rc = attr_write_all(a->out, a, r, n);
    for (uint32_t i = 0; i < n; i++)
        mkt_attribution_free(r[i]);
    return rc;
}

static int run_one(mkt_app *app, attr_args *a, const mkt_paths *p)
{
    mkt_attribution *r;
    a->opts.per_touch = a->touches != NULL;
    int st = mkt_attribute(&r, p, &a->opts);
    if (st != MKT_OK)
        return app_fail(app, st);
    int rc = attr_write_channels(a->out, a, r);
    if (rc == MKT_EXIT_OK && a->campaigns)
        rc = attr_write_campaigns(a->campaigns, a, r);
    if (rc == MKT_EXIT_OK && a->touches)
        rc = attr_write_touches(a->touches, a, p, r);
    if (rc == MKT_EXIT_OK && a->transitions)
        rc = attr_write_transitions(a->transitions, r);
    mkt_attribution_free(r);
    return rc;
}

int cmd_attribute(mkt_app *app, int argc, char **argv)
{
    attr_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(app, argc, argv, &a);
    if (rc >= 0)
        return rc;
    mkt_paths *p = NULL;
    rc = load(app, &a, &p);
    if (rc == MKT_EXIT_OK)
        rc = a.all_models ? run_all(app, &a, p) : run_one(app, &a, p);
    mkt_paths_free(p);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * `mkt audience`: include segments joined with and/or, minus exclude segments, over the
 * customer, booking and event files; prints the number of members and optionally writes a
 * deterministic sample of them or all of them as CSV. A segment is a name or id of the built-in
 * catalog (--include NAME) or a rule (--include-rule EXPR; --include also takes a rule when no
 * catalog segment has that name). Rules are parsed before any file is read, so a typo fails
 * at once; nothing goes to standard output before every step succeeded.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mkt.h"

enum { OPT_INCLUDE = OPT_FIRST_OWN_OPTION, OPT_INCLUDE_RULE, OPT_EXCLUDE, OPT_EXCLUDE_RULE,
       OPT_LOGIC, OPT_AS_OF, OPT_SAMPLE, OPT_SEED, OPT_OUT, OPT_GZIP };

/* One --include / --exclude: a catalog segment (index) or a parsed rule. */
typedef struct aud_item {
    const char *text;
    int is_rule_opt; /* came from --include-rule / --exclude-rule */
    int exclude;
    mkt_rule *rule;  /* NULL for a catalog segment */
    size_t index;    /* catalog index when rule is NULL */
} aud_item;

typedef struct aud_args {
    input_set in;
    aud_item *items;
    size_t nitems, ninclude;
    int32_t logic;
    int has_as_of;
    mkt_date as_of;
    int has_sample;
    uint64_t sample, seed;
    const char *out;
    int gzip;
} aud_args;

void cmd_audience_usage(FILE *out)
{
    fputs("Usage: mkt audience --customers F --bookings F [--events F] [--as-of D]\n"
          "                    (--include NAME | --include-rule EXPR)... [--logic and|or]\n"
          "                    [--exclude NAME | --exclude-rule EXPR]...\n"
          "                    [--sample N [--seed S]] [--out F [--gzip]]\n"
          "\n"
          "Build an audience: the customers in all (--logic and, the default) or any (--logic\n"
          "or) of the include segments, minus those in any exclude segment. Prints the number\n"
          "of members (of the sample with --sample) and writes their ids with --out.\n"
          "\n"
          "Options:\n"
          "  --include NAME       a segment of the built-in catalog by name or id (see 'mkt\n"
          "                       segment list'); a rule is accepted too\n"
          "  --include-rule EXPR  a rule, e.g. \"booking.count_12m >= 1\" (doc/rules.md)\n"
          "  --exclude NAME       leave out the members of this segment\n"
          "  --exclude-rule EXPR  leave out the customers this rule selects\n"
          "  --logic and|or       how the include segments combine (default: and)\n"
          "  --sample N           keep N members, chosen at random but reproducibly: the N\n"
          "                       with the lowest hash of (seed, customer id)\n"
          "  --seed S             the sample's seed, an unsigned integer (default 0)\n"
          "  --out FILE           write the ids as CSV (header customer_id, sorted by byte\n"
          "                       order), atomically; '-' for stdout (then no count is printed)\n"
          "  --gzip               gzip the output (implied by a FILE ending in .gz)\n"
          "  --customers FILE     customers.csv (plain or .gz)\n"
          "  --bookings FILE      bookings.csv\n"
          "  --events FILE        events.csv (for the event.* fields)\n"
          "  --as-of DATE         YYYY-MM-DD: the date of the booking.* and event.* fields and\n"
          "                       'today' in rules (default: today's UTC date)\n"
          "  --separator C        field separator of the input files, one byte or 'tab'\n"
          "  --no-progress        no progress line (shown only when stderr is a terminal)\n"
          "  --state FILE         SQLite state file (see 'mkt --help')\n"
          "  -h, --help           show this help\n", out);
}

static const struct option audience_options[] = {
    MKT_INPUT_LONG_OPTIONS,
    { "include", required_argument, NULL, OPT_INCLUDE },
    { "include-rule", required_argument, NULL, OPT_INCLUDE_RULE },
    { "exclude", required_argument, NULL, OPT_EXCLUDE },
    { "exclude-rule", required_argument, NULL, OPT_EXCLUDE_RULE },
    { "logic", required_argument, NULL, OPT_LOGIC },
    { "as-of", required_argument, NULL, OPT_AS_OF },
    { "sample", required_argument, NULL, OPT_SAMPLE },
    { "seed", required_argument, NULL, OPT_SEED },
    { "out", required_argument, NULL, OPT_OUT },
    { "gzip", no_argument, NULL, OPT_GZIP },
    MKT_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 },
};

/* A whole unsigned decimal number (no sign, no spaces). */
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

static int own_option(aud_args *a, int c, const char *arg)
{
    switch (c) {
    case OPT_INCLUDE:
    case OPT_INCLUDE_RULE:
    case OPT_EXCLUDE:
    case OPT_EXCLUDE_RULE: {
        aud_item *it = &a->items[a->nitems++];
        it->text = arg;
        it->is_rule_opt = c == OPT_INCLUDE_RULE || c == OPT_EXCLUDE_RULE;
        it->exclude = c == OPT_EXCLUDE || c == OPT_EXCLUDE_RULE;
        a->ninclude += !it->exclude;
        return -1;
    }
    case OPT_LOGIC:
        if (strcmp(arg, "and") != 0 && strcmp(arg, "or") != 0)
            return usage_error("audience", "invalid --logic '%s': expected and or or", arg);
        a->logic = arg[0] == 'a' ? MKT_AUDIENCE_AND : MKT_AUDIENCE_OR;
        return -1;
    case OPT_AS_OF:
        a->has_as_of = 1;
        if (mkt_date_parse(&a->as_of, arg, strlen(arg)) != MKT_OK)
            return usage_error("audience", "invalid --as-of date '%s': expected YYYY-MM-DD",
                               arg);
        return -1;
    case OPT_SAMPLE:
        a->has_sample = 1;
        if (parse_u64(arg, &a->sample))
            return usage_error("audience", "invalid --sample '%s': expected a number", arg);
        return -1;
    case OPT_SEED:
        if (parse_u64(arg, &a->seed))
            return usage_error("audience", "invalid --seed '%s': expected an unsigned integer",
                               arg);
        return -1;
    case OPT_OUT: a->out = arg; return -1;
    case OPT_GZIP: a->gzip = 1; return -1;
    default: return usage_error("audience", "internal error: unhandled option %d", c);
    }
}

static int parse_args(mkt_app *app, int argc, char **argv, aud_args *a, int *seed_given)
{
    const mkt_command *self = mkt_command_find("audience");
    input_init(&a->in);
    a->logic = MKT_AUDIENCE_AND;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", audience_options, NULL)) != -1) {
        *seed_given |= c == OPT_SEED;
        int rc = IS_INPUT_OPTION(c) ? input_option(&a->in, "audience", c, optarg)
                 : c >= OPT_INCLUDE && c <= OPT_GZIP ? own_option(a, c, optarg)
                                                     : common_option(app, self, c, argv);
        if (rc >= 0)
            return rc;
    }
    if (optind < argc)
        return usage_error("audience", "unexpected argument '%s'", argv[optind]);
    if (a->ninclude == 0)
        return usage_error("audience", "audience needs at least one --include NAME or "
                                       "--include-rule EXPR");
    if (a->in.files[FILE_CUSTOMERS].path == NULL || a->in.files[FILE_BOOKINGS].path == NULL)
        return usage_error("audience", "audience needs --customers FILE and --bookings FILE");
    if (*seed_given && !a->has_sample)
        return usage_error("audience", "--seed applies to --sample only");
    if (a->gzip && a->out == NULL)
        return usage_error("audience", "--gzip applies to --out only");
    return -1;
}

/* ---- the work --------------------------------------------------------------------------- */

typedef struct aud_job {
    mkt_app *app;
    mkt_ctx *ctx;
    mkt_catalog *catalog;
    mkt_table *table;
    mkt_segment **segs; /* one per item */
    mkt_members *members;
    mkt_date as_of;
} aud_job;

/* A catalog segment when one has that name or id (not for --*-rule), else a rule. */
static int resolve_item(aud_job *j, aud_item *it)
{
    if (!it->is_rule_opt && mkt_catalog_find(j->catalog, it->text, &it->index) == MKT_OK)
        return MKT_EXIT_OK;
    mkt_rule_parse_options o;
    mkt_rule_parse_options_init(&o);
    o.source = it->exclude ? "exclude" : "include";
    int st = mkt_rule_parse(&it->rule, j->ctx, it->text, strlen(it->text), &o);
    if (st == MKT_OK)
        return MKT_EXIT_OK;
    if (it->is_rule_opt)
        return app_fail(j->app, st);
    fprintf(stderr, "mkt: --%s '%s' is neither a catalog segment nor a valid rule (%s)\n",
            it->exclude ? "exclude" : "include", it->text, mkt_ctx_last_error(j->ctx)->message);
    return MKT_EXIT_FAIL;
}

/* Load what the items read: the columns and as-of fields of their rules. */
static int load_items(aud_job *j, aud_args *a)
{
    input_fields f = {0};
    int st = MKT_OK;
    for (size_t i = 0; i < a->nitems && st == MKT_OK; i++) {
        const aud_item *it = &a->items[i];
        st = input_fields_add(&f, j->ctx, j->catalog,
                              it->rule ? it->rule : mkt_catalog_rule(j->catalog, it->index));
    }
    int rc = st == MKT_OK ? input_load_for(j->app, &a->in, &f, j->as_of, &j->table)
                          : app_fail(j->app, st);
    input_fields_free(&f);
    return rc;
}

static int load_data(aud_job *j, aud_args *a)
{
    if (a->has_as_of) {
        j->as_of = a->as_of;
    } else {
        mkt_time now;
        int st = mkt_ctx_now(j->ctx, &now);
        if (st != MKT_OK)
            return app_fail(j->app, st);
        j->as_of = mkt_time_to_date(now);
    }
    return load_items(j, a);
}

static int compile_item(aud_job *j, const aud_item *it, mkt_segment **out)
{
    mkt_segment_options o;
    mkt_segment_options_init(&o);
    o.as_of = j->as_of;
    o.resolver = mkt_catalog_resolve; /* `in segment 'Name'` reaches the catalog */
    o.resolver_data = j->catalog;
    int st = it->rule ? mkt_segment_compile(out, j->ctx, it->rule, j->table, &o)
                      : mkt_catalog_compile(out, j->ctx, j->catalog, it->text, j->table, &o);
    return st == MKT_OK ? MKT_EXIT_OK : app_fail(j->app, st);
}

/* Evaluate the audience, then sample it when asked. */
static int build(aud_job *j, const aud_args *a)
{
    const mkt_segment **inc = calloc(a->nitems, sizeof *inc);
    const mkt_segment **exc = calloc(a->nitems, sizeof *exc);
    size_t ni = 0, ne = 0;
    int st = MKT_OK;
    if (inc == NULL || exc == NULL) {
        fputs("mkt: out of memory\n", stderr);
        free(inc);
        free(exc);
        return MKT_EXIT_FAIL;
    }
    for (size_t i = 0; i < a->nitems; i++) {
        if (a->items[i].exclude)
            exc[ne++] = j->segs[i];
        else
            inc[ni++] = j->segs[i];
    }
    st = mkt_audience_evaluate(&j->members, j->ctx, j->table, inc, ni, a->logic, exc, ne);
    free(inc);
    free(exc);
    if (st == MKT_OK && a->has_sample) {
        mkt_members *sample = NULL;
        st = mkt_members_sample(&sample, j->ctx, j->members, j->table, a->sample, a->seed);
        mkt_members_free(j->members);
        j->members = sample;
    }
    return st == MKT_OK ? MKT_EXIT_OK : app_fail(j->app, st);
}

static int run(aud_job *j, aud_args *a)
{
    int rc = app_ctx(j->app, &j->ctx);
    if (rc != MKT_EXIT_OK)
        return rc;
    int st = mkt_catalog_builtin(&j->catalog, j->ctx);
    if (st != MKT_OK)
        return app_fail(j->app, st);
    for (size_t i = 0; i < a->nitems && rc == MKT_EXIT_OK; i++)
        rc = resolve_item(j, &a->items[i]);
    if (rc == MKT_EXIT_OK)
        rc = load_data(j, a);
    if (rc == MKT_EXIT_OK && (j->segs = calloc(a->nitems, sizeof *j->segs)) == NULL) {
        fputs("mkt: out of memory\n", stderr);
        return MKT_EXIT_FAIL;
    }
    for (size_t i = 0; i < a->nitems && rc == MKT_EXIT_OK; i++)
        rc = compile_item(j, &a->items[i], &j->segs[i]);
    if (rc == MKT_EXIT_OK)
        rc = build(j, a);
    if (rc == MKT_EXIT_OK && a->out != NULL)
        rc = members_write(j->app, j->ctx, j->table, j->members, a->out, a->gzip);
    if (rc == MKT_EXIT_OK && (a->out == NULL || strcmp(a->out, "-") != 0)) {
        printf("%llu\n", (unsigned long long)mkt_members_count(j->members));
        rc = finish_output();
    }
    return rc;
}

static void job_close(aud_job *j, aud_args *a)
{
    for (size_t i = 0; i < a->nitems; i++) {
        if (j->segs)
            mkt_segment_free(j->segs[i]);
        mkt_rule_free(a->items[i].rule);
    }
    free(j->segs);
    mkt_members_free(j->members);
    mkt_table_free(j->table);
    mkt_catalog_free(j->catalog);
}

int cmd_audience(mkt_app *app, int argc, char **argv)
{
    aud_args a;
    memset(&a, 0, sizeof a);
    /* At most one item per argument: no counting pass needed. */
    if ((a.items = calloc((size_t)argc, sizeof *a.items)) == NULL) {
        fputs("mkt: out of memory\n", stderr);
        return MKT_EXIT_FAIL;
    }
    int seed_given = 0;
    int rc = parse_args(app, argc, argv, &a, &seed_given);
    if (rc < 0) {
        aud_job j;
        memset(&j, 0, sizeof j);
        j.app = app;
        rc = run(&j, &a);
        job_close(&j, &a);
    }
    free(a.items);
    return rc;
}

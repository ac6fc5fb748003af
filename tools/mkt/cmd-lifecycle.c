/* SPDX-License-Identifier: MIT */
/*
 * `mkt lifecycle`: the lifecycle stage of every customer (Prospect, New, Active, Engaged,
 * At-Risk, Churned, Reactivated; precedence in doc/rfm.md) from a bookings file, as CSV
 * customer_id,stage sorted by customer_id (--out), or the number of customers per stage.
 */
#include <string.h>

#include "mkt.h"
#include "outfile.h"

enum { OPT_AS_OF = OPT_FIRST_OWN_OPTION, OPT_OUT };

typedef struct life_args {
    input_set in;
    mkt_date as_of;
    const char *out;
} life_args;

void cmd_lifecycle_usage(FILE *out)
{
    fputs("Usage: mkt lifecycle --bookings F [--as-of D] [--out F]\n"
          "\n"
          "Lifecycle stage of every customer at date D from their CONFIRMED bookings up to D:\n"
          "Prospect, New, Active, Engaged, At-Risk, Churned or Reactivated (doc/rfm.md gives\n"
          "the definitions and which wins where they overlap). Without --out, prints the\n"
          "number of customers per stage.\n"
          "\n"
          "Options:\n"
          "  --bookings FILE      bookings.csv (plain or .gz); required\n"
          "  --customers FILE     customers.csv, optional (customers without bookings are\n"
          "                       Prospects)\n"
          "  --as-of DATE         YYYY-MM-DD, the date D (default: today's UTC date)\n"
          "  --out FILE           CSV customer_id,stage sorted by customer_id; '-' for stdout\n"
          "  --separator C        field separator of the input files, one byte or 'tab'\n"
          "  --no-progress        no progress line (shown only when stderr is a terminal)\n"
          "  --state FILE         SQLite state file (see 'mkt --help')\n"
          "  -h, --help           show this help\n", out);
}

static const struct option life_options[] = {
    MKT_INPUT_LONG_OPTIONS,
    { "as-of", required_argument, NULL, OPT_AS_OF },
    { "out", required_argument, NULL, OPT_OUT },
    MKT_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 },
};

static int parse_args(mkt_app *app, int argc, char **argv, life_args *a)
{
    const mkt_command *self = mkt_command_find("lifecycle");
    input_init(&a->in);
    a->as_of = MKT_NULL_DATE;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", life_options, NULL)) != -1) {
        int rc = -1;
        if (IS_INPUT_OPTION(c))
            rc = input_option(&a->in, "lifecycle", c, optarg);
        else if (c == OPT_AS_OF && mkt_date_parse(&a->as_of, optarg, strlen(optarg)) != MKT_OK)
            rc = usage_error("lifecycle", "invalid --as-of date '%s': expected YYYY-MM-DD",
                             optarg);
        else if (c == OPT_OUT)
            a->out = optarg;
        else if (c != OPT_AS_OF)
            rc = common_option(app, self, c, argv);
        if (rc >= 0)
            return rc;
    }
    if (optind < argc)
        return usage_error("lifecycle", "unexpected argument '%s'", argv[optind]);
    if (a->in.files[FILE_BOOKINGS].path == NULL)
        return usage_error("lifecycle", "lifecycle needs --bookings FILE");
    return -1;
}

static int write_csv(const char *path, const mkt_lifecycle *lc)
{
    outfile f;
    int rc = outfile_open(&f, path);
    if (rc != MKT_EXIT_OK)
        return rc;
    fputs("customer_id,stage\n", f.f);
    uint64_t n = mkt_lifecycle_count(lc);
    for (uint64_t i = 0; i < n; i++) {
        mkt_lifecycle_row row;
        memset(&row, 0, sizeof row);
        row.struct_size = sizeof row;
        if (mkt_lifecycle_get(lc, i, &row) != MKT_OK)
            continue; /* cannot happen for i < count */
        csv_field(f.f, row.customer_id, row.id_len);
        fprintf(f.f, ",%s\n", mkt_lifecycle_stage_name(row.stage));
    }
    return outfile_commit(&f);
}

static void print_counts(const mkt_lifecycle *lc)
{
    char d[MKT_DATE_BUFSZ];
    fmt_date(d, mkt_lifecycle_as_of(lc));
    uint64_t total = mkt_lifecycle_count(lc);
    printf("Lifecycle as of %s: %llu customers\n\n", d, (unsigned long long)total);
    printf("%-12s %10s %7s\n", "Stage", "Customers", "Share");
    for (int32_t s = 1; s <= MKT_LIFECYCLE_STAGE_COUNT; s++) {
        uint64_t n = 0;
        mkt_lifecycle_stage_count(lc, s, &n);
        printf("%-12s %10llu %6.1f%%\n", mkt_lifecycle_stage_name(s), (unsigned long long)n,
               total ? 100.0 * (double)n / (double)total : 0.0);
    }
}

int cmd_lifecycle(mkt_app *app, int argc, char **argv)
{
    life_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(app, argc, argv, &a);
    if (rc >= 0)
        return rc;
    mkt_table *t = NULL;
    mkt_lifecycle *lc = NULL;
    if (a.in.files[FILE_CUSTOMERS].path == NULL && a.in.files[FILE_EVENTS].path == NULL) {
        /* Only bookings: streamed, never loaded (memory follows the customers). */
        mkt_ctx *ctx;
        mkt_load_options o;
        mkt_progress prog;
        rc = app_ctx(app, &ctx);
        input_load_options(&a.in, &prog, &o);
        progress_begin(&prog, a.in.files[FILE_BOOKINGS].path);
        int st = rc == MKT_EXIT_OK
                     ? mkt_lifecycle_compute_file(&lc, ctx, a.in.files[FILE_BOOKINGS].path,
                                                  a.as_of, &o)
                     : MKT_OK;
        progress_end(&prog);
        if (st != MKT_OK)
            rc = app_fail(app, st);
    } else if ((rc = input_load(app, &a.in, &t)) == MKT_EXIT_OK) {
        int st = mkt_lifecycle_compute(&lc, app->ctx, t, a.as_of);
        if (st != MKT_OK)
            rc = app_fail(app, st);
    }
    if (rc == MKT_EXIT_OK && a.out)
        rc = write_csv(a.out, lc);
    if (rc == MKT_EXIT_OK && !a.out) {
        print_counts(lc);
        rc = finish_output();
    }
    mkt_lifecycle_free(lc);
    mkt_table_free(t);
    return rc;
}

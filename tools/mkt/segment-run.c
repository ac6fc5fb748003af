/* SPDX-License-Identifier: MIT */
/*
 * The work of `mkt segment`: parse the rule first (a typo fails in milliseconds, not after
 * loading a gigabyte), load the files, compute the as-of fields at the --as-of date (default:
 * today's UTC date from the context's clock), compile the rule against the table and then
 * count, list, check or explain. Nothing goes to standard output before every step succeeded.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd-segment.h"

/* Everything a subcommand holds; released by segment_close(). */
typedef struct segment_job {
    mkt_app *app;
    mkt_ctx *ctx;
    mkt_rule *rule;
    mkt_table *table;
    mkt_segment *segment;
    mkt_date as_of;
    mkt_catalog *catalog; /* resolves `in segment`; --segment / --file choose from it */
    const char *def;      /* the catalog segment compiled, or NULL for --rule */
} segment_job;

static void segment_close(segment_job *j)
{
    mkt_segment_free(j->segment);
    mkt_table_free(j->table);
    mkt_rule_free(j->rule);
    mkt_catalog_free(j->catalog);
}

/* The rule of a catalog segment (--segment, --file), or of --rule when none is chosen. */
static int parse_rule(segment_job *j, const segment_args *a)
{
    const char *text = a->rule;
    int rc = app_ctx(j->app, &j->ctx);
    if (rc == MKT_EXIT_OK)
        rc = catalog_open(j->app, j->ctx, a, &j->catalog);
    if (rc == MKT_EXIT_OK && (j->def = catalog_choice(j->catalog, a, &rc)) != NULL) {
        size_t i = 0;
        mkt_catalog_find(j->catalog, j->def, &i);
        int st = mkt_rule_copy(&j->rule, j->ctx, mkt_catalog_rule(j->catalog, i));
        return st == MKT_OK ? MKT_EXIT_OK : app_fail(j->app, st);
    }
    if (rc != MKT_EXIT_OK || text == NULL) /* an error, or --all: no rule */
        return rc;
    mkt_rule_parse_options o;
    mkt_rule_parse_options_init(&o);
    o.source = "rule"; /* errors read "rule:LINE:COLUMN: ..." */
    int st = mkt_rule_parse(&j->rule, j->ctx, text, strlen(text), &o);
    return st == MKT_OK ? MKT_EXIT_OK : app_fail(j->app, st);
}

/* The as-of date: --as-of, else the UTC date of the context's clock now. */
static int resolve_as_of(segment_job *j, const segment_args *a)
{
    if (a->has_as_of) {
        j->as_of = a->as_of;
        return MKT_EXIT_OK;
    }
    mkt_time now;
    int st = mkt_ctx_now(j->ctx, &now);
    if (st != MKT_OK)
        return app_fail(j->app, st);
    j->as_of = mkt_time_to_date(now);
    return MKT_EXIT_OK;
}

/* Load what the job reads: only the columns and as-of fields of its rule, or of every
 * catalog segment for --all. */
static int load_for_job(segment_job *j, segment_args *a)
{
    input_fields f = {0};
    int st = MKT_OK;
    if (j->rule != NULL)
        st = input_fields_add(&f, j->ctx, j->catalog, j->rule);
    for (size_t i = 0; j->rule == NULL && st == MKT_OK && i < mkt_catalog_count(j->catalog); i++)
        st = input_fields_add(&f, j->ctx, j->catalog, mkt_catalog_rule(j->catalog, i));
    int rc = st == MKT_OK ? input_load_for(j->app, &a->in, &f, j->as_of, &j->table)
                          : app_fail(j->app, st);
    input_fields_free(&f);
    return rc;
}

/* Load the files, compute the as-of fields and compile the rule against the table. */
static int compile_on_data(segment_job *j, segment_args *a)
{
    int rc = resolve_as_of(j, a);
    if (rc == MKT_EXIT_OK)
        rc = load_for_job(j, a);
    if (rc != MKT_EXIT_OK)
        return rc;
    int st = MKT_OK; /* --all compiles each segment later */
    mkt_segment_options o;
    mkt_segment_options_init(&o);
    o.as_of = j->as_of;
    o.resolver = mkt_catalog_resolve;
    o.resolver_data = j->catalog;
    if (j->def != NULL)
        st = mkt_catalog_compile(&j->segment, j->ctx, j->catalog, j->def, j->table, &o);
    else if (j->rule != NULL)
        st = mkt_segment_compile(&j->segment, j->ctx, j->rule, j->table, &o);
    return st == MKT_OK ? MKT_EXIT_OK : app_fail(j->app, st);
}

static int segment_open(segment_job *j, mkt_app *app, segment_args *a)
{
    memset(j, 0, sizeof *j);
    j->app = app;
    int rc = parse_rule(j, a);
    return rc == MKT_EXIT_OK ? compile_on_data(j, a) : rc;
}

static int evaluate(segment_job *j, mkt_members **m)
{
    int st = mkt_segment_evaluate(j->segment, j->ctx, j->table, m);
    return st == MKT_OK ? MKT_EXIT_OK : app_fail(j->app, st);
}

int segment_count(mkt_app *app, segment_args *a)
{
    segment_job j;
    mkt_members *m = NULL;
    int rc = segment_open(&j, app, a);
    if (rc == MKT_EXIT_OK && a->all)
        rc = catalog_count_all(app, j.ctx, j.catalog, j.table, j.as_of);
    else if (rc == MKT_EXIT_OK && (rc = evaluate(&j, &m)) == MKT_EXIT_OK) {
        printf("%llu\n", (unsigned long long)mkt_members_count(m));
        rc = finish_output();
    }
    mkt_members_free(m);
    segment_close(&j);
    return rc;
}

/* ---- members ---------------------------------------------------------------------------- */

/* The CSV writer (sort, quoting, gzip, atomic rename) is the library's: see members-out.c. */
static int write_members(segment_job *j, const segment_args *a, const mkt_members *m)
{
    return members_write(j->app, j->ctx, j->table, m, a->out, a->gzip);
}

int segment_members(mkt_app *app, segment_args *a)
{
    segment_job j;
    mkt_members *m = NULL;
    int rc = segment_open(&j, app, a);
    if (rc == MKT_EXIT_OK && (rc = evaluate(&j, &m)) == MKT_EXIT_OK)
        rc = write_members(&j, a, m);
    mkt_members_free(m);
    segment_close(&j);
    return rc;
}

/* ---- check and explain ------------------------------------------------------------------ */

int segment_check(mkt_app *app, segment_args *a)
{
    segment_job j;
    memset(&j, 0, sizeof j);
    j.app = app;
    int rc = parse_rule(&j, a);
    if (rc == MKT_EXIT_OK && input_any(&a->in))
        rc = compile_on_data(&j, a);
    char *text = NULL;
    if (rc == MKT_EXIT_OK) {
        int st = mkt_rule_format(j.rule, j.ctx, &text);
        rc = st == MKT_OK ? MKT_EXIT_OK : app_fail(app, st);
    }
    if (rc == MKT_EXIT_OK) {
        printf("%s\n", text);
        rc = finish_output();
    }
    mkt_free(text);
    segment_close(&j);
    return rc;
}

static int explain(segment_job *j, const char *id)
{
    uint64_t row;
    if (mkt_table_find(j->table, id, strlen(id), &row) != MKT_OK) {
        fprintf(stderr, "mkt: customer '%s' is not in the input files\n", id);
        return MKT_EXIT_FAIL;
    }
    int32_t matched = 0;
    char *text = NULL;
    int st = mkt_segment_explain_row(j->segment, j->ctx, j->table, row, &matched, &text);
    if (st != MKT_OK)
        return app_fail(j->app, st);
    char date[MKT_DATE_BUFSZ];
    fmt_date(date, j->as_of);
    printf("customer %s: %s (as of %s)\n%s", id, matched ? "member" : "not a member", date,
           text);
    mkt_free(text);
    return finish_output();
}

int segment_explain(mkt_app *app, segment_args *a)
{
    segment_job j;
    int rc = segment_open(&j, app, a);
    if (rc == MKT_EXIT_OK)
        rc = explain(&j, a->customer);
    segment_close(&j);
    return rc;
}

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
} segment_job;

static void segment_close(segment_job *j)
{
    mkt_segment_free(j->segment);
    mkt_table_free(j->table);
    mkt_rule_free(j->rule);
}

static int parse_rule(segment_job *j, const char *text)
{
    int rc = app_ctx(j->app, &j->ctx);
    if (rc != MKT_EXIT_OK)
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

/* Load the files, compute the as-of fields and compile the rule against the table. */
static int compile_on_data(segment_job *j, segment_args *a)
{
    int rc = resolve_as_of(j, a);
    if (rc == MKT_EXIT_OK)
        rc = input_load(j->app, &a->in, &j->table);
    if (rc != MKT_EXIT_OK)
        return rc;
    int st = mkt_table_set_as_of(j->table, j->as_of);
    if (st != MKT_OK)
        return app_fail(j->app, st);
    mkt_segment_options o;
    mkt_segment_options_init(&o);
    o.as_of = j->as_of;
    st = mkt_segment_compile(&j->segment, j->ctx, j->rule, j->table, &o);
    return st == MKT_OK ? MKT_EXIT_OK : app_fail(j->app, st);
}

static int segment_open(segment_job *j, mkt_app *app, segment_args *a)
{
    memset(j, 0, sizeof *j);
    j->app = app;
    int rc = parse_rule(j, a->rule);
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
    if (rc == MKT_EXIT_OK && (rc = evaluate(&j, &m)) == MKT_EXIT_OK) {
        printf("%llu\n", (unsigned long long)mkt_members_count(m));
        rc = finish_output();
    }
    mkt_members_free(m);
    segment_close(&j);
    return rc;
}

/* ---- members ---------------------------------------------------------------------------- */

static int by_bytes(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The members' ids sorted by byte order (strcmp compares as unsigned char: C collation). */
static const char **sorted_ids(const mkt_table *t, const mkt_members *m, size_t *n)
{
    size_t count = (size_t)mkt_members_count(m);
    const char **ids = malloc((count ? count : 1) * sizeof *ids);
    if (ids == NULL)
        return NULL;
    size_t k = 0;
    uint64_t row = 0;
    for (; k < count && mkt_members_next(m, row, &row) == MKT_OK; row++)
        ids[k++] = mkt_table_customer_id(t, row);
    qsort(ids, k, sizeof *ids, by_bytes);
    *n = k;
    return ids;
}

/* One CSV field: quoted (quotes doubled) only when it holds a separator, quote or line end. */
static void write_field(out_file *o, const char *s)
{
    size_t n = strlen(s);
    if (strcspn(s, ",\"\r\n") == n) {
        out_write(o, s, n);
    } else {
        out_write(o, "\"", 1);
        for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
            out_write(o, s, (size_t)(q - s) + 1);
            out_write(o, "\"", 1);
        }
        out_write(o, s, strlen(s));
        out_write(o, "\"", 1);
    }
    out_write(o, "\n", 1);
}

static int write_members(segment_job *j, const segment_args *a, const mkt_members *m)
{
    size_t n = 0;
    const char **ids = sorted_ids(j->table, m, &n);
    if (ids == NULL) {
        fputs("mkt: out of memory sorting the members\n", stderr);
        return MKT_EXIT_FAIL;
    }
    out_file *o = NULL;
    int rc = out_open(&o, a->out, a->gzip);
    if (rc == MKT_EXIT_OK) {
        out_write(o, "customer_id\n", 12);
        for (size_t i = 0; i < n; i++)
            write_field(o, ids[i]);
        rc = out_commit(o);
    }
    free(ids);
    return rc;
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
    int rc = parse_rule(&j, a->rule);
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

/* SPDX-License-Identifier: MIT */
/*
 * The input files every data command reads (customers, bookings, events): their options
 * (--customers, --bookings, --events, --separator, --no-progress), and loading them into one
 * customer table customers first, so bookings and events attach to known customers, with the
 * progress line on stderr only when stderr is a terminal. `mkt load` and `mkt segment` share
 * it so that both read files the same way.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkt.h"

typedef int (*load_fn)(mkt_table *, const char *, const mkt_load_options *);
typedef uint64_t (*count_fn)(const mkt_table *);

static const struct {
    const char *kind;
    load_fn load;
    count_fn count;
} kinds[FILE_KINDS] = {
    { "customers", mkt_table_load_customers, mkt_table_customer_count },
    { "bookings", mkt_table_load_bookings, mkt_table_booking_count },
    { "events", mkt_table_load_events, mkt_table_event_count },
};

const char *input_kind(int kind)
{
    return kind >= 0 && kind < FILE_KINDS ? kinds[kind].kind : "?";
}

void input_init(input_set *in)
{
    memset(in, 0, sizeof *in);
    in->separator = ',';
    in->progress = isatty(STDERR_FILENO);
}

int input_option(input_set *in, const char *command, int c, const char *arg)
{
    switch (c) {
    case OPT_CUSTOMERS: in->files[FILE_CUSTOMERS].path = arg; return -1;
    case OPT_BOOKINGS: in->files[FILE_BOOKINGS].path = arg; return -1;
    case OPT_EVENTS: in->files[FILE_EVENTS].path = arg; return -1;
    case OPT_NO_PROGRESS: in->progress = 0; return -1;
    case OPT_SEPARATOR:
        if (parse_separator(arg, &in->separator) != 0)
            return usage_error(command, "invalid separator '%s': one byte or 'tab'", arg);
        return -1;
    default:
        return usage_error(command, "internal error: option %d is not an input option", c);
    }
}

int input_any(const input_set *in)
{
    for (int k = 0; k < FILE_KINDS; k++)
        if (in->files[k].path != NULL)
            return 1;
    return 0;
}

void input_load_options(input_set *in, mkt_progress *prog, mkt_load_options *o)
{
    mkt_load_options_init(o);
    o->separator = in->separator;
    progress_init(prog, in->progress);
    if (in->progress) { /* no callback at all when nothing is shown */
        o->progress = progress_report;
        o->progress_data = prog;
    }
}

/* Load file @k (if given) with @o, noting its rows and size. */
static int load_one(mkt_app *app, mkt_table *table, input_set *in, int k,
                    const mkt_load_options *o, mkt_progress *prog)
{
    input_file *f = &in->files[k];
    if (f->path == NULL)
        return MKT_EXIT_OK;
    struct stat st;
    f->bytes = stat(f->path, &st) == 0 ? (uint64_t)st.st_size : 0;
    uint64_t before = kinds[k].count(table);
    progress_begin(prog, f->path);
    int rc = kinds[k].load(table, f->path, o);
    progress_end(prog);
    if (rc != MKT_OK)
        return app_fail(app, rc);
    f->rows = kinds[k].count(table) - before;
    return MKT_EXIT_OK;
}

static int load_files(mkt_app *app, mkt_table *table, input_set *in)
{
    mkt_load_options o;
    mkt_progress prog;
    input_load_options(in, &prog, &o);
    int rc = MKT_EXIT_OK;
    for (int k = 0; k < FILE_KINDS && rc == MKT_EXIT_OK; k++)
        rc = load_one(app, table, in, k, &o, &prog);
    return rc;
}

static int new_table(mkt_app *app, mkt_table **out)
{
    *out = NULL;
    mkt_ctx *ctx;
    int rc = app_ctx(app, &ctx);
    if (rc != MKT_EXIT_OK)
        return rc;
    int st = mkt_table_new(out, ctx);
    return st == MKT_OK ? MKT_EXIT_OK : app_fail(app, st);
}

int input_load(mkt_app *app, input_set *in, mkt_table **out)
{
    mkt_table *table;
    int rc = new_table(app, &table);
    if (rc == MKT_EXIT_OK && (rc = load_files(app, table, in)) != MKT_EXIT_OK) {
        mkt_table_free(table);
        table = NULL;
    }
    *out = table;
    return rc;
}

/* ---- loading only what some fields need -------------------------------------------------- */

/* The job's fields split by source: customer columns to load and as-of fields to compute.
 * customer.age is an as-of field computed from date_of_birth (doc/fields.md). */
struct plan {
    const char **columns, **as_of;
    size_t ncolumns, nas_of;
    int rfm, lifecycle; /* rfm.* / lifecycle.* fields are named: computed from the bookings */
};

static int is_as_of(const char *f)
{
    return strncmp(f, "booking.", 8) == 0 || strncmp(f, "event.", 6) == 0 ||
           strcmp(f, "customer.age") == 0;
}

static int plan_of(const char *const *fields, size_t n, struct plan *p)
{
    memset(p, 0, sizeof *p);
    p->columns = calloc(2 * n + 1, sizeof *p->columns); /* customer.age takes two */
    p->as_of = calloc(n + 1, sizeof *p->as_of);
    if (!p->columns || !p->as_of)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (is_as_of(fields[i]))
            p->as_of[p->nas_of++] = fields[i];
        if (strcmp(fields[i], "customer.age") == 0)
            p->columns[p->ncolumns++] = "date_of_birth";
        if (strncmp(fields[i], "customer.", 9) == 0) /* the host's own "age" column wins */
            p->columns[p->ncolumns++] = fields[i] + 9;
        p->rfm |= strncmp(fields[i], "rfm.", 4) == 0;
        p->lifecycle |= strncmp(fields[i], "lifecycle.", 10) == 0;
    }
    return 0;
}

/* Fold the bookings at @as_of when the plan allows it; *folded says whether it did. A field
 * that cannot be folded (booking.routes_12m, a misspelt name) means a plain load, which keeps
 * the compiler's error and its hint for the misspelt name. */
static int fold_bookings(mkt_app *app, mkt_table *t, input_set *in, const struct plan *p,
                         mkt_date as_of, const mkt_load_options *o, mkt_progress *prog,
                         int *folded)
{
    input_file *f = &in->files[FILE_BOOKINGS];
    *folded = 0;
    if (f->path == NULL || in->files[FILE_CUSTOMERS].path == NULL)
        return MKT_EXIT_OK;
    struct stat st;
    f->bytes = stat(f->path, &st) == 0 ? (uint64_t)st.st_size : 0;
    progress_begin(prog, f->path);
    int rc = mkt_table_fold_bookings(t, f->path, as_of, p->as_of, p->nas_of, o);
    progress_end(prog);
    if (rc == MKT_EINVAL) {
        mkt_ctx_clear_error(app->ctx);
        return MKT_EXIT_OK;
    }
    *folded = 1;
    return rc == MKT_OK ? MKT_EXIT_OK : app_fail(app, rc);
}

/* The rfm.* fields (default RFM: 12 months, NTILE 5) and lifecycle.stage at @as_of, from the
 * bookings file, when the plan names them. */
static int scores(mkt_app *app, mkt_table *t, input_set *in, const struct plan *p,
                  mkt_date as_of, const mkt_load_options *o, mkt_progress *prog)
{
    const char *path = in->files[FILE_BOOKINGS].path;
    if (path == NULL || (!p->rfm && !p->lifecycle))
        return MKT_EXIT_OK;
    int st = MKT_OK;
    progress_begin(prog, path);
    if (p->rfm) {
        mkt_rfm_options ro;
        mkt_rfm_options_init(&ro);
        ro.as_of = as_of;
        mkt_rfm *r = NULL;
        if ((st = mkt_rfm_compute_file(&r, app->ctx, path, &ro, o)) == MKT_OK)
            st = mkt_rfm_apply(t, r);
        mkt_rfm_free(r);
    }
    if (st == MKT_OK && p->lifecycle) {
        mkt_lifecycle *lc = NULL;
        if ((st = mkt_lifecycle_compute_file(&lc, app->ctx, path, as_of, o)) == MKT_OK)
            st = mkt_lifecycle_apply(t, lc);
        mkt_lifecycle_free(lc);
    }
    progress_end(prog);
    if (st == MKT_ENOMEM)
        return app_fail(app, st);
    if (st != MKT_OK) { /* (e.g. several currencies): the segments needing them are unavailable */
        fprintf(stderr, "mkt: warning: RFM and lifecycle fields not computed: %s\n",
                mkt_ctx_last_error(app->ctx)->message);
        mkt_ctx_clear_error(app->ctx);
    }
    return MKT_EXIT_OK;
}

static int load_plan(mkt_app *app, mkt_table *t, input_set *in, const struct plan *p,
                     mkt_date as_of)
{
    mkt_load_options o;
    mkt_progress prog;
    input_load_options(in, &prog, &o);
    o.columns = p->columns;
    o.ncolumns = p->ncolumns;
    int rc = load_one(app, t, in, FILE_CUSTOMERS, &o, &prog);
    o.columns = NULL;
    o.ncolumns = 0;
    /* Events before the fold, which computes the as-of fields once everything is in. */
    if (rc == MKT_EXIT_OK)
        rc = load_one(app, t, in, FILE_EVENTS, &o, &prog);
    int folded = 0;
    if (rc == MKT_EXIT_OK)
        rc = fold_bookings(app, t, in, p, as_of, &o, &prog, &folded);
    if (rc == MKT_EXIT_OK && !folded)
        rc = load_one(app, t, in, FILE_BOOKINGS, &o, &prog);
    if (rc == MKT_EXIT_OK)
        rc = scores(app, t, in, p, as_of, &o, &prog);
    return rc;
}

/* The as-of fields at @as_of, unless a fold computed them already. */
static int ensure_as_of(mkt_app *app, mkt_table *t, mkt_date as_of)
{
    mkt_date done;
    if (mkt_table_as_of(t, &done) == MKT_OK && done == as_of)
        return MKT_EXIT_OK;
    mkt_ctx_clear_error(app->ctx); /* "never computed" is no error here */
    int st = mkt_table_set_as_of(t, as_of);
    return st == MKT_OK ? MKT_EXIT_OK : app_fail(app, st);
}

int input_fields_add(input_fields *f, mkt_ctx *ctx, mkt_catalog *catalog, const mkt_rule *rule)
{
    char **block;
    size_t n;
    int st = mkt_rule_fields(rule, ctx, mkt_catalog_resolve, catalog, &block, &n);
    if (st != MKT_OK)
        return st;
    char ***blocks = realloc(f->blocks, (f->nblocks + 1) * sizeof *blocks);
    const char **names = realloc(f->names, (f->n + n + 1) * sizeof *names);
    if (blocks != NULL)
        f->blocks = blocks;
    if (names != NULL)
        f->names = names;
    if (blocks == NULL || names == NULL) {
        mkt_free(block);
        return MKT_ENOMEM;
    }
    f->blocks[f->nblocks++] = block;
    for (size_t i = 0; i < n; i++)
        f->names[f->n++] = block[i];
    return MKT_OK;
}

void input_fields_free(input_fields *f)
{
    for (size_t i = 0; i < f->nblocks; i++)
        mkt_free(f->blocks[i]);
    free(f->blocks);
    free(f->names);
    memset(f, 0, sizeof *f);
}

int input_load_for(mkt_app *app, input_set *in, const input_fields *fields, mkt_date as_of,
                   mkt_table **out)
{
    mkt_table *table;
    struct plan p = {NULL, NULL, 0, 0, 0, 0};
    int rc = new_table(app, &table);
    if (rc == MKT_EXIT_OK && plan_of(fields->names, fields->n, &p) != 0)
        rc = app_fail(app, MKT_ENOMEM);
    if (rc == MKT_EXIT_OK)
        rc = load_plan(app, table, in, &p, as_of);
    if (rc == MKT_EXIT_OK)
        rc = ensure_as_of(app, table, as_of);
    free(p.columns);
    free(p.as_of);
    if (rc != MKT_EXIT_OK) {
        mkt_table_free(table);
        table = NULL;
    }
    *out = table;
    return rc;
}

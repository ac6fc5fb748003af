/* SPDX-License-Identifier: MIT */
/*
 * The segment catalog in `mkt segment`: the predefined segments or the definitions of an XML
 * file (--file), choosing one of them (--segment, --name), listing and showing them, and
 * `count --all` over every definition of the catalog. Unavailable segments (their fields come
 * from modules that do not exist yet) are listed by --all with empty members and share.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd-segment.h"

int catalog_open(mkt_app *app, mkt_ctx *ctx, const segment_args *a, mkt_catalog **out)
{
    int st = a->file ? mkt_catalog_new(out, ctx) : mkt_catalog_builtin(out, ctx);
    if (st == MKT_OK && a->file)
        st = mkt_catalog_load_xml_file(*out, a->file);
    return st == MKT_OK ? MKT_EXIT_OK : app_fail(app, st);
}

const char *catalog_choice(const mkt_catalog *c, const segment_args *a, int *rc)
{
    *rc = MKT_EXIT_OK;
    const char *want = a->segment ? a->segment : a->name;
    size_t i;
    if (want != NULL) {
        if (mkt_catalog_find(c, want, &i) == MKT_OK)
            return want;
        fprintf(stderr, "mkt: no segment '%s' in %s (see 'mkt segment list%s%s')\n", want,
                a->file ? a->file : "the predefined catalog", a->file ? " --file " : "",
                a->file ? a->file : "");
        *rc = MKT_EXIT_FAIL;
        return NULL;
    }
    if (a->rule || a->all || !a->file)
        return NULL;
    mkt_segment_def d = MKT_SEGMENT_DEF_INIT;
    if (mkt_catalog_count(c) == 1 && mkt_catalog_get(c, 0, &d) == MKT_OK)
        return d.id;
    fprintf(stderr, "mkt: %s holds %zu segments; choose one with --name\n", a->file,
            mkt_catalog_count(c));
    *rc = MKT_EXIT_FAIL;
    return NULL;
}

/* One CSV field (quoted when it holds a comma, quote or line end) and its separator. */
static void csv_field(const char *s, char sep)
{
    if (s == NULL)
        s = "";
    if (strcspn(s, ",\"\r\n") == strlen(s)) {
        fputs(s, stdout);
    } else {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"')
                putchar('"');
            putchar(*s);
        }
        putchar('"');
    }
    putchar(sep);
}

/* members and share of one available segment, or the library's status. */
static int count_one(mkt_ctx *ctx, const mkt_catalog *c, const char *id, const mkt_table *t,
                     mkt_date as_of, uint64_t *n)
{
    mkt_segment_options o;
    mkt_segment_options_init(&o);
    o.as_of = as_of;
    mkt_segment *s = NULL;
    mkt_members *m = NULL;
    int st = mkt_catalog_compile(&s, ctx, c, id, t, &o);
    if (st == MKT_OK)
        st = mkt_segment_evaluate(s, ctx, t, &m);
    *n = st == MKT_OK ? mkt_members_count(m) : 0;
    mkt_members_free(m);
    mkt_segment_free(s);
    return st;
}

int catalog_count_all(mkt_app *app, mkt_ctx *ctx, const mkt_catalog *c, const mkt_table *t,
                      mkt_date as_of)
{
    uint64_t rows = mkt_table_customer_count(t);
    /* Compute everything first: nothing goes to standard output unless all of it worked. */
    size_t n = mkt_catalog_count(c);
    uint64_t *counts = calloc(n ? n : 1, sizeof *counts);
    signed char *skip = calloc(n ? n : 1, 1);
    int rc = counts && skip ? MKT_EXIT_OK : MKT_EXIT_FAIL;
    if (rc != MKT_EXIT_OK)
        fputs("mkt: out of memory\n", stderr);
    for (size_t i = 0; i < n && rc == MKT_EXIT_OK; i++) {
        mkt_segment_def d = MKT_SEGMENT_DEF_INIT;
        mkt_catalog_get(c, i, &d);
        int st = count_one(ctx, c, d.id, t, as_of, &counts[i]);
        if (st == MKT_EUNSUPPORTED)
            skip[i] = 1;
        else if (st != MKT_OK)
            rc = app_fail(app, st);
    }
    if (rc == MKT_EXIT_OK) {
        puts("segment,members,share");
        for (size_t i = 0; i < n; i++) {
            mkt_segment_def d = MKT_SEGMENT_DEF_INIT;
            mkt_catalog_get(c, i, &d);
            csv_field(d.id, ',');
            if (skip[i])
                fputs(",\n", stdout);
            else
                printf("%llu,%.4f\n", (unsigned long long)counts[i],
                       rows ? (double)counts[i] / (double)rows : 0.0);
        }
        rc = finish_output();
    }
    free(counts);
    free(skip);
    return rc;
}

int segment_list(mkt_app *app, segment_args *a)
{
    mkt_ctx *ctx = NULL;
    mkt_catalog *c = NULL;
    int rc = app_ctx(app, &ctx);
    if (rc == MKT_EXIT_OK)
        rc = catalog_open(app, ctx, a, &c);
    if (rc == MKT_EXIT_OK) {
        puts("id,name,category,available");
        for (size_t i = 0; i < mkt_catalog_count(c); i++) {
            mkt_segment_def d = MKT_SEGMENT_DEF_INIT;
            mkt_catalog_get(c, i, &d);
            csv_field(d.id, ',');
            csv_field(d.name, ',');
            csv_field(d.category, ',');
            puts(d.unavailable ? "no" : "yes");
        }
        rc = finish_output();
    }
    mkt_catalog_free(c);
    return rc;
}

int segment_show(mkt_app *app, segment_args *a)
{
    mkt_ctx *ctx = NULL;
    mkt_catalog *c = NULL;
    size_t i = 0;
    int rc = app_ctx(app, &ctx);
    if (rc == MKT_EXIT_OK)
        rc = catalog_open(app, ctx, a, &c);
    if (rc == MKT_EXIT_OK && mkt_catalog_find(c, a->arg, &i) != MKT_OK) {
        fprintf(stderr, "mkt: no segment '%s' in %s\n", a->arg,
                a->file ? a->file : "the predefined catalog");
        rc = MKT_EXIT_FAIL;
    }
    if (rc == MKT_EXIT_OK) {
        mkt_segment_def d = MKT_SEGMENT_DEF_INIT;
        mkt_catalog_get(c, i, &d);
        printf("id: %s\nname: %s\ncategory: %s\ndescription: %s\navailable: %s%s\nrule: %s\n",
               d.id, d.name, d.category ? d.category : "", d.description ? d.description : "",
               d.unavailable ? "no: " : "yes", d.unavailable ? d.unavailable : "", d.rule);
        rc = finish_output();
    }
    mkt_catalog_free(c);
    return rc;
}

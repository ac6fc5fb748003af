/* SPDX-License-Identifier: MIT */
/*
 * `mkt abtest assign`: the variant of one unit (--unit) or of every id in a file (--units, one
 * per line, '-' for stdin, an optional first line "unit" or "customer_id"), as CSV
 * unit,variant,reason,bucket. Deterministic: the same key, weights and id give the same
 * variant here, in the library and in the Python and Go bindings.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-abtest.h"

static const char *reason_name(int32_t r)
{
    switch (r) {
    case MKT_ABTEST_ASSIGNED: return "assigned";
    case MKT_ABTEST_NOT_COVERED: return "not_covered";
    case MKT_ABTEST_HOLDOUT: return "holdout";
    default: return "out_of_namespace";
    }
}

static void print_unit(const char *unit, size_t len, const mkt_abtest_assignment *x)
{
    int quote = strcspn(unit, ",\"\r\n") < len;
    if (quote) {
        putchar('"');
        for (size_t i = 0; i < len; i++) {
            if (unit[i] == '"')
                putchar('"');
            putchar(unit[i]);
        }
        putchar('"');
    } else {
        fwrite(unit, 1, len, stdout);
    }
    if (x->variant >= 0)
        printf(",%d", (int)x->variant);
    else
        putchar(',');
    printf(",%s,%.17g\n", reason_name(x->reason), x->bucket);
}

static int one(mkt_app *app, mkt_ctx *ctx, const abtest_args *a, const char *unit,
               size_t len)
{
    mkt_abtest_assignment x;
    int st = mkt_abtest_assign(ctx, a->experiment, unit, len, a->weights, a->nweights,
                               &a->assign, &x);
    if (st != MKT_OK)
        return app_fail(app, st);
    print_unit(unit, len, &x);
    return MKT_EXIT_OK;
}

static int from_file(mkt_app *app, mkt_ctx *ctx, const abtest_args *a)
{
    FILE *f = strcmp(a->units, "-") == 0 ? stdin : fopen(a->units, "r");
    if (!f) {
        fprintf(stderr, "mkt: cannot open %s: %s\n", a->units, strerror(errno));
        return MKT_EXIT_FAIL;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long lineno = 0;
    int rc = MKT_EXIT_OK;
    while (rc == MKT_EXIT_OK && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        line[len] = '\0';
        if (lineno == 1 && (!strcmp(line, "unit") || !strcmp(line, "customer_id")))
            continue;
        if (len)
            rc = one(app, ctx, a, line, len);
    }
    if (rc == MKT_EXIT_OK && ferror(f)) {
        fprintf(stderr, "mkt: cannot read %s: %s\n", a->units, strerror(errno));
        rc = MKT_EXIT_FAIL;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return rc;
}

int abtest_assign(mkt_app *app, abtest_args *a)
{
    if (!a->experiment)
        return usage_error("abtest", "abtest assign needs --experiment KEY");
    if (!a->nweights)
        return usage_error("abtest", "abtest assign needs --weights W,W,... (one per variant)");
    if (!a->unit == !a->units)
        return usage_error("abtest", "abtest assign needs one of --unit ID and --units FILE");
    mkt_ctx *ctx;
    int rc = app_ctx(app, &ctx);
    if (rc != MKT_EXIT_OK)
        return rc;
    /* Check the options once before any output. */
    mkt_abtest_assignment probe;
    int st = mkt_abtest_assign(ctx, a->experiment, "", 0, a->weights, a->nweights, &a->assign,
                               &probe);
    if (st != MKT_OK)
        return app_fail(app, st);
    fputs("unit,variant,reason,bucket\n", stdout);
    rc = a->unit ? one(app, ctx, a, a->unit, strlen(a->unit)) : from_file(app, ctx, a);
    return rc == MKT_EXIT_OK ? finish_output() : rc;
}

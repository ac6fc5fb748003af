/* SPDX-License-Identifier: MIT */
/*
 * What the parts of `mkt abtest` share: the parsed arguments (cmd-abtest.c) and the
 * subcommands that act on them (cmd-abtest.c: srm, plan; abtest-analyze.c; abtest-assign.c).
 */
#ifndef MKT_CMD_ABTEST_H
#define MKT_CMD_ABTEST_H

#include "mkt.h"

typedef struct abtest_args {
    /* analyze */
    const char *input;          /* --input F.csv */
    mkt_abtest_options opts;    /* --metric --method --effect --alpha --sided --prior-* ... */
    double weights[MKT_ABTEST_MAX_VARIANTS]; /* --weights (analyze, srm, assign) */
    size_t nweights;
    int json;                   /* --json */
    /* srm */
    uint64_t observed[MKT_ABTEST_MAX_VARIANTS]; /* --observed */
    size_t nobserved;
    /* assign */
    const char *experiment, *unit, *units;
    mkt_abtest_assign_options assign;
    /* plan */
    mkt_abtest_plan_options plan;
    int has_baseline, has_mde;
    uint64_t achieved_n;        /* --units-per-variant N: achieved power instead */
} abtest_args;

int abtest_analyze(mkt_app *app, abtest_args *a);
int abtest_assign(mkt_app *app, abtest_args *a);

/* "%.12g", or "inf"/"-inf"; empty for NaN (not defined). */
void abtest_csv_number(FILE *out, double x);
/* The same for JSON: null for NaN and infinities. */
void abtest_json_number(FILE *out, double x);

#endif /* MKT_CMD_ABTEST_H */

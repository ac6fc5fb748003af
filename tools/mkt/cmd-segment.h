/* SPDX-License-Identifier: MIT */
/*
 * What the parts of `mkt segment` share: the parsed arguments (cmd-segment.c) and the
 * subcommands that act on them (segment-run.c).
 */
#ifndef MKT_CMD_SEGMENT_H
#define MKT_CMD_SEGMENT_H

#include "mkt.h"

typedef struct segment_args {
    input_set in;
    const char *rule;     /* --rule EXPR */
    int has_as_of;        /* --as-of given */
    mkt_date as_of;       /* its date */
    const char *out;      /* members: --out FILE, "-" for standard output */
    int gzip;             /* members: --gzip, or FILE ends in .gz */
    const char *customer; /* explain: --customer ID */
    const char *segment;  /* --segment NAME: a segment of the built-in catalog */
    const char *file;     /* --file DEFS.xml: the catalog instead of the built-in one */
    const char *name;     /* --name N: the segment of --file */
    int all;              /* count: --all, every segment of the catalog */
    const char *arg;      /* show: the NAME word */
} segment_args;

/* The subcommands; each returns the exit code. */
int segment_count(mkt_app *app, segment_args *a);
int segment_members(mkt_app *app, segment_args *a);
int segment_check(mkt_app *app, segment_args *a);
int segment_explain(mkt_app *app, segment_args *a);
int segment_list(mkt_app *app, segment_args *a);
int segment_show(mkt_app *app, segment_args *a);

/* ---- segment-catalog.c: the catalog behind --segment, --file, list, show and --all ------- */
/* Load the catalog: --file's definitions, else the built-in ones. Prints the error and returns
 * MKT_EXIT_FAIL on failure. */
int catalog_open(mkt_app *app, mkt_ctx *ctx, const segment_args *a, mkt_catalog **out);
/* The catalog segment the arguments choose (--segment, --name, the only one of --file), or
 * NULL with *rc set when they choose none: 0 for --rule, or the exit code of an error. */
const char *catalog_choice(const mkt_catalog *c, const segment_args *a, int *rc);
/* count --all: the CSV segment,members,share over the catalog, on the loaded table. */
int catalog_count_all(mkt_app *app, mkt_ctx *ctx, const mkt_catalog *c, const mkt_table *t,
                      mkt_date as_of);

#endif /* MKT_CMD_SEGMENT_H */

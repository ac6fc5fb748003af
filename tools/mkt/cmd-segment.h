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
} segment_args;

/* The subcommands; each returns the exit code. */
int segment_count(mkt_app *app, segment_args *a);
int segment_members(mkt_app *app, segment_args *a);
int segment_check(mkt_app *app, segment_args *a);
int segment_explain(mkt_app *app, segment_args *a);

#endif /* MKT_CMD_SEGMENT_H */

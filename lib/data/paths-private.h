/* SPDX-License-Identifier: MIT */
/*
 * Layout of a set of attribution paths. Touches of every path live in one channel-id array
 * (and, for journeys from touchpoints.csv, parallel time and campaign arrays); aggregated
 * paths are keyed by the bytes of their channel-id sequence so that equal paths are summed.
 * Loads are all-or-nothing: a mark plus an undo log of the sums added to paths that existed
 * before the load. Nothing here is exported.
 */
#ifndef MKT_DATA_PATHS_PRIVATE_H
#define MKT_DATA_PATHS_PRIVATE_H

#include "load-private.h"

#define MKT__NO_JOURNEY UINT32_MAX

struct mkt__path {
    size_t off;      /* first channel in paths->touch_ch */
    size_t tp_off;   /* first time/campaign in touch_ts/touch_camp, SIZE_MAX if none */
    uint32_t len;
    uint32_t journey; /* id in paths->journeys, or MKT__NO_JOURNEY */
    int64_t conversions, value, nulls;
};

/* Undo entry: what a load added to a path that existed before it. */
struct mkt__path_undo {
    size_t path;
    int64_t conversions, value, nulls;
};

struct mkt__paths_mark {
    size_t paths, touches, tp;
    uint32_t channels, campaigns, journeys, keys;
};

struct mkt_paths {
    mkt_ctx *ctx;
    mkt__intern channels, campaigns, journeys;
    mkt__intern keys;                       /* aggregated path key -> key id */
    MKT__VEC(size_t) key_path;              /* key id -> path index */
    MKT__VEC(struct mkt__path) paths;
    MKT__VEC(uint32_t) touch_ch;
    MKT__VEC(mkt_time) touch_ts;
    MKT__VEC(uint32_t) touch_camp;
    MKT__VEC(struct mkt__path_undo) undo;
    MKT__VEC(uint32_t) scratch;             /* channel ids of the path being added */
    struct mkt__paths_mark mark;
};

void mkt__paths_mark(mkt_paths *p);
void mkt__paths_rollback(mkt_paths *p);
/* Add (or sum into) the aggregated path whose channel ids are in p->scratch. MKT_ERANGE on
 * overflow of a sum. */
int mkt__paths_add_scratch(mkt_paths *p, int64_t conversions, int64_t value, int64_t nulls);
/* Read the options of a paths load (NULL: defaults) after checking them. */
int mkt__paths_options(mkt_ctx *ctx, const mkt_paths_options *user, mkt_paths_options *o);

/* A value field with the options' decimals and rounding; empty is 0; negative is ERANGE. */
int mkt__paths_value_field(mkt__csv *r, int col, const mkt_paths_options *o, int64_t *out);

int mkt__paths_load_paths_csv(mkt_paths *p, mkt__csv *r, const mkt_paths_options *o);
int mkt__paths_load_touch_csv(mkt_paths *p, mkt__csv *r, const mkt_paths_options *o);

#endif /* MKT_DATA_PATHS_PRIVATE_H */

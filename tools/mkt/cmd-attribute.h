/* SPDX-License-Identifier: MIT */
/*
 * `mkt attribute`: the parsed arguments shared by the command (cmd-attribute.c) and its
 * output writers (attribute-out.c).
 */
#ifndef MKT_TOOL_CMD_ATTRIBUTE_H
#define MKT_TOOL_CMD_ATTRIBUTE_H

#include "mkt.h"

#define ATTR_MAX_WEIGHTS 64

typedef struct attr_args {
    const char *paths_file, *touch_file;
    mkt_paths_options load;
    mkt_attr_options opts;
    double weights[ATTR_MAX_WEIGHTS];
    int all_models;
    int metric_value;     /* --all-models --metric value */
    int model_given;
    const char *out, *campaigns, *touches, *transitions;
} attr_args;

/* Write the per-channel table of @r (sorted by channel name) to @path ("-": stdout). */
int attr_write_channels(const char *path, const attr_args *a, const mkt_attribution *r);
/* Write one table with a column per model of @r[0..n-1]. */
int attr_write_all(const char *path, const attr_args *a, mkt_attribution *const *r, uint32_t n);
int attr_write_campaigns(const char *path, const attr_args *a, const mkt_attribution *r);
int attr_write_touches(const char *path, const attr_args *a, const mkt_paths *p,
                       const mkt_attribution *r);
int attr_write_transitions(const char *path, const mkt_attribution *r);

#endif /* MKT_TOOL_CMD_ATTRIBUTE_H */

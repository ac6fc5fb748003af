/* SPDX-License-Identifier: MIT */
/*
 * Journey definitions (journey.h): the compiled layout an engine reads, the builder, the
 * issue list and the helpers the builder, the checks, the XML loader and the text drawing
 * share. A compiled journey keeps its nodes and edges in dense arrays whose strings live in
 * one arena, edges sorted by source node so that a node's exits are one contiguous run and
 * its single-exit targets are resolved into the node itself.
 */
#ifndef MKT_JOURNEY_PRIVATE_H
#define MKT_JOURNEY_PRIVATE_H

#include "libmarketing/journey.h"
#include "libmarketing/segment.h"
#include "libmarketing/values.h"
#include "../core/util.h"

#define MKT__J_NONE MKT_JOURNEY_NONE
#define MKT__J_MAX_ID 128u      /* longest node or journey id */
#define MKT__J_MAX_CONTEXT 64u  /* most personalization entries of one send */
#define MKT__J_MAX_VARIANTS 26u /* as the A/B module (MKT_ABTEST_MAX_VARIANTS) */
#define MKT__J_HARD_MAX_NODES 100000u
/* Longest duration or offset accepted, in seconds: a century (anything longer is a typo, and
 * the bound keeps every sum and negation of durations far from overflow). */
#define MKT__J_MAX_SECONDS (INT64_C(100) * 366 * 86400)
#define MKT__J_MAX_ISSUES 1000u    /* problems kept per load; later ones are only counted */

struct mkt__jnode {
    mkt_journey_node_def def; /* strings in the owner's arena */
    uint32_t first_edge, nedges;
    /* Resolved single exits (MKT__J_NONE when absent) so the engine need not scan edges. */
    uint32_t next, on_event, on_timeout, otherwise;
    mkt_rule *rule;          /* entry SEGMENT by rule text, parsed */
    mkt_segment *compiled;   /* that rule (or the catalog segment) compiled, with a schema */
};

struct mkt__jedge {
    mkt_journey_edge_def def; /* strings in the owner's arena */
    uint32_t since;           /* COND_EVENT: node index of `since`, MKT__J_NONE = entry */
    mkt_rule *rule;           /* COND_RULE, parsed */
    mkt_segment *compiled;    /* COND_RULE / COND_SEGMENT compiled, with a schema */
};

struct mkt_journey {
    mkt_ctx *ctx;
    mkt__arena arena;
    mkt_journey_def def;
    struct mkt__jnode *nodes;
    uint32_t nnodes;
    struct mkt__jedge *edges;
    uint32_t nedges;
    mkt__intern ids; /* node id -> index */
};

struct mkt_journey_builder {
    mkt_journey j; /* nodes and edges in the order added; edges unsorted, unresolved */
    size_t nodes_cap, edges_cap;
};

struct mkt__jissue {
    mkt_journey_issue pub; /* strings in the list's arena */
};

struct mkt_journey_issues {
    mkt_ctx *ctx;
    mkt__arena arena;
    MKT__VEC(struct mkt__jissue) v;
};

/* ---- def-text.c: durations, times of day, names ------------------------------------------ */
/* "90 seconds", "1 hour", "1 day 12 hours", "-3 days", "0", "immediate" -> seconds. Units:
 * second(s), minute(s), hour(s), day(s), week(s) and s/m/h/d/w. Returns MKT_OK or MKT_EINVAL. */
int mkt__j_duration_parse(const char *text, int64_t *out);
/* Shortest text of a duration ("1d 12h", "-3d", "0s") into @buf (>= 32 bytes). */
void mkt__j_duration_format(int64_t seconds, char *buf, size_t size);
/* "HH:MM" or "HH:MM:SS" -> seconds after midnight; MKT_OK or MKT_EINVAL. */
int mkt__j_time_parse(const char *text, int32_t *out);
void mkt__j_time_format(int32_t tod, char *buf, size_t size); /* "HH:MM" or "HH:MM:SS" */
/* 1 for ids of 1..128 bytes of [A-Za-z0-9_.-]. */
int mkt__j_id_ok(const char *s);
/* 1 for "UTC" or an IANA-looking name (Area/Location, letters digits _ - + /). */
int mkt__j_zone_ok(const char *s);
/* 1 for "customer.X" or "event.X" with X a plain name. */
int mkt__j_field_ok(const char *s);
/* Text names of types, kinds, ports, channels (static, never NULL). */
const char *mkt__j_type_name(int32_t type, int32_t kind);
const char *mkt__j_port_name(int32_t port);
const char *mkt__j_channel_name(int32_t channel);
/* Channel by name ("email", "sms", "push", "in_app", "web", "social"); 0 if unknown. */
int32_t mkt__j_channel_from_name(const char *name);

/* ---- def.c / def-copy.c -------------------------------------------------------------------- */
void mkt__j_init(mkt_journey *j, mkt_ctx *ctx);
void mkt__j_release(mkt_journey *j); /* frees the contents, not @j */
/* Deep copies into @j's arena. */
int mkt__j_copy_def(mkt_journey *j, mkt_journey_def *dst, const mkt_journey_def *src);
int mkt__j_copy_node(mkt_journey *j, mkt_journey_node_def *dst, const mkt_journey_node_def *src);
int mkt__j_copy_edge(mkt_journey *j, mkt_journey_edge_def *dst, const mkt_journey_edge_def *src);
/* Check the fields of a journey, node or edge def on their own; record the error. */
int mkt__j_check_def(mkt_ctx *ctx, const mkt_journey_def *d);
int mkt__j_check_node(mkt_ctx *ctx, const mkt_journey_def *j, const mkt_journey_node_def *n);
int mkt__j_check_edge(mkt_ctx *ctx, const mkt_journey *j, const mkt_journey_edge_def *e);

/* ---- validate*.c ----------------------------------------------------------------------------- */
/* Everything a load-time check needs: options, where problems go, the first error. */
struct mkt__jcheck {
    mkt_ctx *ctx;
    const mkt_journey_options *opts; /* defaults filled in */
    mkt_journey_issues *issues;      /* the caller's or a private one */
    const char *source;
    int first_code;                  /* MKT_OK until the first problem */
    size_t first_issue;              /* index of it in @issues */
    size_t nproblems;
    mkt_time now;                    /* validation time (waits until a date) */
};
/* Record one problem (printf-style message; @hint may be NULL). Returns @code, or MKT_ENOMEM
 * when the issue itself cannot be stored (then the check must stop). */
int mkt__j_problem(struct mkt__jcheck *c, int32_t check, int code, const char *node,
                   uint32_t line, const char *hint, const char *fmt, ...) MKT_PRINTF(7, 8);
/* Set the context's error from the first problem; returns its code (MKT_OK if none). */
int mkt__j_check_result(struct mkt__jcheck *c);
/* Fill @o with the defaults, overlaid with the fields of @in (may be NULL). */
void mkt__j_options(mkt_journey_options *o, const mkt_journey_options *in);
/* The graph checks (validate-graph.c): entries, exits, reachability, depth, cycles, decisions. */
int mkt__j_check_graph(struct mkt__jcheck *c, const mkt_journey *j);
/* References and rules (validate-refs.c); parses and compiles rules into @j. */
int mkt__j_check_refs(struct mkt__jcheck *c, mkt_journey *j);
/* Copy the builder's nodes and edges into @dst, edges sorted by source node. */
int mkt__j_compile(mkt_journey *dst, const mkt_journey *src);
/* Compile @b and run every check; *out gets the journey when no problem was found. Returns
 * MKT_OK or MKT_ENOMEM (problems are in @c; mkt__j_check_result() turns them into a status). */
int mkt__j_finish(const mkt_journey_builder *b, struct mkt__jcheck *c, mkt_journey **out);
/* The context's last error text without its "source:line:col: " prefix, and its position. */
const char *mkt__j_last_error_text(mkt_ctx *ctx, uint32_t *line, uint32_t *column);

/* ---- xml-build.c: a validated document -> a builder (problems recorded in @c) -------------- */
struct _xmlDoc;
int mkt__j_xml_build(struct mkt__jcheck *c, struct _xmlDoc *doc, mkt_journey_builder **out);

/* ---- the embedded schema (generated from data/journey.rng) --------------------------------- */
extern const char mkt__journey_rng[];

#endif /* MKT_JOURNEY_PRIVATE_H */

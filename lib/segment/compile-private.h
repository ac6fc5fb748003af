/* SPDX-License-Identifier: MIT */
/*
 * State shared by the files of the rule compiler (compile.c: tree, fields and segment
 * references; compile-leaf.c: operators and literals per column type; regex.c: patterns).
 */
#ifndef MKT_SEGMENT_COMPILE_PRIVATE_H
#define MKT_SEGMENT_COMPILE_PRIVATE_H

#include "segment-private.h"

struct mkt__comp {
    mkt_ctx *ctx;
    const struct mkt_table *t;
    struct mkt_segment *seg;
    mkt_segment_options o;
    const char *source;                 /* source name of the rule being compiled */
    MKT__VEC(const char *) stack;       /* segment references being expanded (cycles) */
    uint32_t nodes;
};

/* A new node counted against max_nodes; NULL with the error recorded. */
struct mkt__node *mkt__node_new(struct mkt__comp *c, int32_t kind);
/* Record an error at the value @v (or the condition @r when @v is NULL or has no position). */
int mkt__comp_error(struct mkt__comp *c, int code, const struct mkt_rule *r,
                    const struct mkt__lit *v, const char *fmt, ...) MKT_PRINTF(5, 6);
/* The compiled predicate of condition @r on column @col of type @type (negations included). */
int mkt__comp_condition(struct mkt__comp *c, const struct mkt_rule *r, uint32_t col,
                        int32_t type, struct mkt__node **out);
/* Compile the string literal @v as a pattern (PCRE2_UTF | PCRE2_UCP | @options), or, with
 * @literal, a pattern matching exactly its text; errors name the position in the pattern. */
int mkt__regex_compile(struct mkt__comp *c, const struct mkt_rule *r, const struct mkt__lit *v,
                       uint32_t options, int literal, pcre2_code **out);

#endif /* MKT_SEGMENT_COMPILE_PRIVATE_H */

/* SPDX-License-Identifier: MIT */
/*
 * State shared by the evaluators (eval-one.c, eval-batch.c, record.c, explain.c).
 */
#ifndef MKT_SEGMENT_EVAL_PRIVATE_H
#define MKT_SEGMENT_EVAL_PRIVATE_H

#include "data/table-private.h"
#include "segment-private.h"

struct mkt_record {
    mkt_ctx *ctx;
    uint32_t ncols;
    int32_t *types;
    char **names;        /* column names of the schema */
    uint64_t *prefix;    /* prefix[k]: schema hash of columns 0..k */
    struct mkt__val *vals;
    char **bufs;         /* per slot: own copy of its string (LIST: the items back to back) */
    size_t *caps;
    size_t **offs;       /* LIST slots: item k is bufs[slot] + offs[slot][k .. k + 1] */
    size_t *ocaps;       /* entries allocated in offs[slot] */
    mkt__intern fields;  /* rule names ("customer.tier", "booking.count"); id == column */
    pcre2_general_context *gctx;
    pcre2_match_data *md; /* scratch for regex leaves, made once */
};

/* Where one evaluation reads its values: a record, or one row of a table. */
struct mkt__src {
    mkt_ctx *ctx;
    const struct mkt_record *rec;
    const mkt_table *table;
    size_t row;
    struct mkt__rx rx;
};

/* The value of column @col at @row (strings borrowed from the table). */
void mkt__row_value(const mkt_table *t, uint32_t col, size_t row, struct mkt__val *v);
/* Evaluate @n on one record or row with short-circuit; *res 1/0. */
int mkt__eval_one(const struct mkt__node *n, const struct mkt__src *s, int *res);
/* Explain @seg on one source into @b. */
int mkt__explain(const struct mkt_segment *seg, const struct mkt__src *s, mkt__buf *b,
                 int *res);

#endif /* MKT_SEGMENT_EVAL_PRIVATE_H */

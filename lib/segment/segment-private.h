/* SPDX-License-Identifier: MIT */
/*
 * Internals of the segment module: the rule syntax tree, the compiled form (a tree of
 * and/or/not nodes over typed leaf predicates whose literals are already converted to the
 * column's representation), and the helpers its files share. Nothing here is exported.
 *
 * Negated operators never reach the compiled form: `x != v` compiles to NOT(x = v), and so on,
 * which is what makes every negated operator the exact complement of its positive form (the
 * null rule of doc/rules.md) in the batch and the single-record evaluators alike.
 */
#ifndef MKT_SEGMENT_PRIVATE_H
#define MKT_SEGMENT_PRIVATE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "core-private.h"
#include "libmarketing/segment.h"
#include "util.h"

/* ---- syntax tree (rule.c) ---------------------------------------------------------------- */

struct mkt__lit {
    int32_t kind;     /* mkt_value_kind */
    char *text;       /* STRING, DECIMAL (NUL-terminated copy) */
    size_t len;
    int64_t i;        /* INT, BOOL, TODAY offset, DATE */
    uint32_t line, col;
};

struct mkt_rule {
    mkt_ctx *ctx;
    int32_t kind;          /* mkt_rule_kind */
    uint32_t line, col;    /* where the node starts in the text (0 when built) */
    uint32_t op_line, op_col;
    struct mkt_rule **kids;
    size_t nkids;
    char *field;           /* CONDITION: field; SEGMENT: name */
    int32_t op, flags;
    struct mkt__lit *vals;
    size_t nvals;
    char *source;          /* root of a parsed rule: its source name, or NULL */
};

struct mkt_rule *mkt__rule_alloc(mkt_ctx *ctx, int32_t kind);
/* Deep copy (positions kept). NULL on allocation failure (error recorded). */
struct mkt_rule *mkt__rule_dup(mkt_ctx *ctx, const struct mkt_rule *r);
/* Build an AND/OR over @kids, taking ownership of them (freed on failure too), flattening
 * children of the same kind. One child is returned as is. */
int mkt__rule_group(mkt_ctx *ctx, int32_t kind, struct mkt_rule **kids, size_t n,
                    struct mkt_rule **out);
/* Number of values an operator takes: exact count, or -1 for "one or more". */
int mkt__op_arity(int32_t op);
/* The canonical field an alias names, or NULL when @name is no alias. */
const char *mkt__field_alias(const char *name, size_t len);
/* 1 for a field name that prints without quotes: identifier segments joined by dots. */
int mkt__field_plain(const char *s, size_t n);
/* A number literal from its text "-digits[.digits]": INT when it is integral and fits,
 * else DECIMAL (text copied). MKT_EPARSE (nothing recorded) for bad text, MKT_ENOMEM. */
int mkt__lit_number(mkt_ctx *ctx, const char *s, size_t n, struct mkt__lit *out);
/* Operator, value count and flags of a condition (MKT_EINVAL recorded). */
int mkt__check_condition(mkt_ctx *ctx, int32_t op, size_t nvalues, int32_t flags);

/* ---- text (parse.c, format.c) ------------------------------------------------------------ */

int mkt__format_rule(mkt__buf *b, const struct mkt_rule *r);
/* One condition or segment reference (no children), as in explain output. */
int mkt__format_clause(mkt__buf *b, const struct mkt_rule *r);

/* ---- compiled form (compile*.c) ---------------------------------------------------------- */

enum mkt__node_kind { MKT__N_AND = 1, MKT__N_OR, MKT__N_NOT, MKT__N_LEAF };

enum mkt__leaf_kind {
    MKT__L_TRUE = 1, /* constant (a literal that can never / always match) */
    MKT__L_FALSE,
    MKT__L_NULL,      /* is null */
    MKT__L_I64_RANGE, /* lo <= v <= hi over int64 (INT, MONEY, TIME) */
    MKT__L_I32_RANGE, /* over int32 (DATE) */
    MKT__L_F64_RANGE, /* over double (NUMBER), bounds inclusive */
    MKT__L_BOOL,      /* v == lo */
    MKT__L_I64_SET,   /* v in set (sorted) */
    MKT__L_I32_SET,
    MKT__L_F64_SET,
    MKT__L_STR,       /* string predicate, evaluated once per distinct string */
    MKT__L_ANNIV,     /* a date's month/day is in the anniversary table */
    MKT__L_LIST       /* a list has an item satisfying the string predicate (sop, strs, lut) */
};

/* String operators of MKT__L_STR. */
enum mkt__str_op {
    MKT__S_EQ = 1, /* any of strs (IN too) */
    MKT__S_LT, MKT__S_LE, MKT__S_GT, MKT__S_GE,
    MKT__S_BETWEEN, /* strs[0] <= v <= strs[1] */
    MKT__S_CONTAINS, MKT__S_STARTS, MKT__S_ENDS,
    MKT__S_MATCHES
};

struct mkt__strlit {
    char *s;
    size_t n;
    pcre2_code *re; /* ci comparisons and MATCHES: the compiled pattern */
};

struct mkt__node {
    int32_t kind;
    const struct mkt_rule *src; /* the clause explain prints at this node, or NULL */
    struct mkt__node **kids;
    uint32_t nkids;
    /* leaves */
    int32_t leaf;
    uint32_t col;
    int32_t type; /* the column's mkt_type */
    int64_t lo, hi;
    double dlo, dhi;
    int64_t *iset;
    double *dset;
    size_t nset;
    int32_t sop;
    struct mkt__strlit *strs;
    size_t nstrs;
    uint64_t anniv[7]; /* bit (month * 32 + day) */
    uint32_t lut;      /* STR leaves: index of the per-evaluation lookup table */
};

struct mkt__colref {
    uint32_t col;
    int32_t type;
    char *name; /* the column's name, to check the schema at evaluation */
};

struct mkt_segment {
    mkt_ctx *ctx;
    struct mkt_rule *rule; /* own copy */
    MKT__VEC(struct mkt_rule *) owned; /* copies of rules of referenced segments */
    struct mkt__node *root;
    MKT__VEC(struct mkt__colref) cols; /* every column used */
    uint32_t depth;        /* deepest node, for scratch bitmaps */
    mkt_date as_of;
    pcre2_general_context *gctx;
    pcre2_match_context *mctx;
    int uses_regex;
    uint32_t nluts;        /* STR leaves */
    int32_t maxcol;        /* highest column used, -1 for none */
    uint64_t schema_hash;  /* mkt__schema_hash of columns 0..maxcol of the compile table */
};

/* Hash of the names and types of columns 0..upto of @t, chained so that a record can keep the
 * hash of every prefix of its schema and check a segment in O(1). */
uint64_t mkt__schema_step(uint64_t h, const char *name, int32_t type);

void mkt__node_free(mkt_ctx *ctx, struct mkt__node *n);

/* ---- evaluation of one value (eval-one.c) ------------------------------------------------ */

/* One field value: i for INT/MONEY/DATE/TIME/BOOL, d for NUMBER, s/n for STRING.
 * LIST: nitems items; from a table row, item k is ids[k] in *dict; from a record, item k is
 * the bytes s + off[k] .. s + off[k + 1]. */
struct mkt__val {
    int is_null;
    int64_t i;
    double d;
    const char *s;
    size_t n;
    size_t nitems;
    const uint32_t *ids;
    const mkt__intern *dict;
    const size_t *off;
};

/* Item @k of a LIST value, or NULL for an id outside the dictionary (never expected; such an
 * item matches nothing, as in the batch evaluator). */
static inline const char *mkt__val_item(const struct mkt__val *v, size_t k, size_t *n)
{
    *n = 0;
    if (v->ids)
        return v->dict ? mkt__intern_str(v->dict, v->ids[k], n) : NULL;
    *n = v->off[k + 1] - v->off[k];
    return v->s + v->off[k];
}

/* What regex leaves need to match: scratch match data and the segment's limits. */
struct mkt__rx {
    pcre2_match_data *md;
    pcre2_match_context *mctx; /* read only; PCRE2 does not declare it const */
};

/* Does leaf @lf hold for @v? 1 or 0, or a (negative) PCRE2 error code from a regex match,
 * which the caller turns into a status with mkt__regex_fail(). */
int mkt__leaf_test(const struct mkt__node *lf, const struct mkt__val *v,
                   const struct mkt__rx *rx);
/* A string predicate on one string (the batch evaluator calls it per distinct string). */
int mkt__str_test(const struct mkt__node *lf, const char *s, size_t n, const struct mkt__rx *rx);
/* Match data for @seg's regex leaves made with @ctx's allocator (NULL *md when the segment
 * has none). MKT_OK or MKT_ENOMEM. */
int mkt__rx_init(const struct mkt_segment *seg, mkt_ctx *ctx, struct mkt__rx *rx,
                 pcre2_general_context **gctx);
void mkt__rx_free(struct mkt__rx *rx, pcre2_general_context *gctx);
/* Month/day of a date as the anniversary table's bit index. */
unsigned mkt__anniv_key(mkt_date d);

/* Check that the table still has the segment's columns: MKT_OK or MKT_ESTATE (recorded). */
struct mkt_table;
int mkt__segment_check_table(const struct mkt_segment *seg, mkt_ctx *ctx,
                             const struct mkt_table *t);

/* PCRE2 memory through the context's allocator. */
pcre2_general_context *mkt__pcre_gctx(mkt_ctx *ctx);
/* A regex error from pcre2_match turned into a status with a message on @ctx. */
int mkt__regex_fail(mkt_ctx *ctx, int pcre_rc, const struct mkt__node *lf);

/* ---- member sets (members.c) ------------------------------------------------------------- */

struct mkt_members {
    mkt__bitmap bits;
};

int mkt__members_alloc(mkt_ctx *ctx, uint64_t rows, struct mkt_members **out);

#endif /* MKT_SEGMENT_PRIVATE_H */

/* SPDX-License-Identifier: MIT */
/*
 * Internals of segment catalogs shared by catalog.c (the object), catalog-builtin.c (the
 * shipped definitions) and xml*.c (the XML loader): the definition record and the add that
 * takes an already built rule, so the XML loader can hand over structured criteria.
 */
#ifndef MKT_CATALOG_PRIVATE_H
#define MKT_CATALOG_PRIVATE_H

#include "libmarketing/catalog.h"
#include "segment-private.h"

struct mkt__catdef {
    char *id, *name, *category, *description, *unavailable, *source;
    char *rule_text; /* normalized */
    uint32_t line;
    mkt_rule *rule;
};

struct mkt_catalog {
    mkt_ctx *ctx;
    struct mkt__catdef *defs;
    size_t n, cap;
    mkt__intern ids, names; /* intern id == index of the definition */
};

/* Most definitions one catalog holds. */
#define MKT__CATALOG_MAX 100000u

/* Add @def whose rule is @rule (taken: freed on failure too; def->rule is ignored). Errors
 * name @def->source and @def_line. On failure the catalog is unchanged. */
int mkt__catalog_add_rule(mkt_catalog *c, const mkt_segment_def *def, mkt_rule *rule,
                          uint32_t def_line);
/* Move every definition of @src to the end of @dst (checking duplicates against @dst); @src is
 * left empty. All or nothing. Errors go to @dst's context. */
int mkt__catalog_merge(mkt_catalog *dst, mkt_catalog *src);

/* The shipped definitions (catalog-builtin.c). */
struct mkt__builtin_def {
    const char *id, *name, *category, *description, *rule, *unavailable;
};
extern const struct mkt__builtin_def mkt__builtin_defs[];
extern const size_t mkt__builtin_count;

/* The RelaxNG schema (generated from data/segments.rng at build time). */
extern const char mkt__segments_rng[];

#endif /* MKT_CATALOG_PRIVATE_H */

/* SPDX-License-Identifier: MIT */
/*
 * Shared by the XML loader files: the load state (where errors go) and the structured
 * criteria builder (xml-criteria.c) that turns <criteria>/<condition> elements into a rule.
 */
#ifndef MKT_XML_PRIVATE_H
#define MKT_XML_PRIVATE_H

#include <libxml/tree.h>

#include "catalog-private.h"

struct mkt__xml_load {
    mkt_ctx *ctx;
    const char *source; /* file name in messages */
};

/* Record an error at @node's line as "source:line: text"; returns @code. */
int mkt__xml_error(struct mkt__xml_load *l, const xmlNode *node, int code, const char *fmt,
                   ...) MKT_PRINTF(4, 5);
/* 1 for an element named @name in our namespace. */
int mkt__xml_is(const xmlNode *n, const char *name);
/* Build the rule of a <criteria> element (nested at most 64 deep). */
int mkt__xml_criteria(struct mkt__xml_load *l, const xmlNode *crit, uint32_t depth,
                      mkt_rule **out);

#endif /* MKT_XML_PRIVATE_H */

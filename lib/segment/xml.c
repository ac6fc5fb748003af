/* SPDX-License-Identifier: MIT */
/*
 * Loading segment definitions from XML (doc/segments.md). The document is read and validated
 * against the RelaxNG schema shipped with the library the safe way that every definition file
 * shares (lib/core/xmldoc.c: our own libxml2 contexts, no network, no entities, DOCTYPE
 * refused); then every definition is built into a scratch catalog and moved into the target
 * one only if all of them are good.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "xml-private.h"
#include "xmldoc-private.h"

#define NS "https://libmarketing.dev/ns/segments/1"

int mkt__xml_error(struct mkt__xml_load *l, const xmlNode *node, int code, const char *fmt,
                   ...)
{
    va_list ap;
    va_start(ap, fmt);
    long line = node ? xmlGetLineNo(node) : 0;
    int rc = mkt__verror_at(l->ctx, code, l->source, line > 0 ? (uint64_t)line : 0, 0, NULL,
                            fmt, ap);
    va_end(ap);
    return rc;
}

int mkt__xml_is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns && xmlStrcmp(n->ns->href, BAD_CAST NS) == 0 &&
           xmlStrcmp(n->name, BAD_CAST name) == 0;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
    for (const xmlNode *k = n->children; k; k = k->next)
        if (mkt__xml_is(k, name))
            return k;
    return NULL;
}

/* The rule of a <segment>: its <rule> text (positions in the file) or its <criteria>. */
static int segment_rule(struct mkt__xml_load *l, const xmlNode *seg, mkt_rule **out)
{
    const xmlNode *crit = child(seg, "criteria");
    if (crit)
        return mkt__xml_criteria(l, crit, 1, out);
    const xmlNode *rule = child(seg, "rule");
    xmlChar *text = rule ? xmlNodeGetContent(rule) : NULL;
    if (!text)
        return rule ? mkt__oom(l->ctx) : mkt__xml_error(l, seg, MKT_EPARSE, "no rule");
    mkt_rule_parse_options o;
    mkt_rule_parse_options_init(&o);
    o.source = l->source;
    long line = xmlGetLineNo(rule);
    o.first_line = line > 0 && line < (long)UINT32_MAX ? (uint32_t)line : 1;
    int rc = mkt_rule_parse(out, l->ctx, (const char *)text, strlen((const char *)text), &o);
    xmlFree(text);
    return rc;
}

static char *text_of(const xmlNode *seg, const char *name)
{
    const xmlNode *n = child(seg, name);
    return n ? (char *)xmlNodeGetContent(n) : NULL;
}

static int add_segment(struct mkt__xml_load *l, mkt_catalog *into, const xmlNode *seg)
{
    xmlChar *id = xmlGetProp(seg, BAD_CAST "id"), *name = xmlGetProp(seg, BAD_CAST "name");
    xmlChar *cat = xmlGetProp(seg, BAD_CAST "category");
    char *desc = text_of(seg, "description"), *why = text_of(seg, "unavailable");
    long line = xmlGetLineNo(seg);
    mkt_segment_def d = {sizeof d, (const char *)id, (const char *)name, (const char *)cat,
                         desc, NULL, why, l->source, line > 0 ? (uint32_t)line : 0};
    mkt_rule *rule = NULL;
    int rc = segment_rule(l, seg, &rule);
    if (rc == MKT_OK)
        rc = mkt__catalog_add_rule(into, &d, rule, d.line);
    xmlFree(id);
    xmlFree(name);
    xmlFree(cat);
    xmlFree(desc);
    xmlFree(why);
    return rc;
}

static int build(struct mkt__xml_load *l, mkt_catalog *into, xmlDocPtr doc)
{
    const xmlNode *root = xmlDocGetRootElement(doc);
    int rc = MKT_OK;
    for (const xmlNode *k = root ? root->children : NULL; k && rc == MKT_OK; k = k->next)
        if (mkt__xml_is(k, "segment"))
            rc = add_segment(l, into, k);
    return rc;
}

MKT_EXPORT int mkt_catalog_load_xml_memory(mkt_catalog *c, const char *data, size_t len,
                                           const char *source)
{
    if (!c)
        return MKT_EINVAL;
    if (!data)
        return mkt__error(c->ctx, MKT_EINVAL, "mkt_catalog_load_xml_memory: NULL data");
    struct mkt__xml_load l = {c->ctx, source ? source : "<memory>"};
    xmlDocPtr doc = NULL;
    mkt_catalog *scratch = NULL;
    int rc = mkt__xmldoc_read(l.ctx, l.source, "segment", data, len, &doc);
    if (rc == MKT_OK)
        rc = mkt__xmldoc_validate(l.ctx, l.source, "segment", mkt__segments_rng, doc);
    if (rc == MKT_OK)
        rc = mkt_catalog_new(&scratch, c->ctx);
    if (rc == MKT_OK)
        rc = build(&l, scratch, doc);
    if (rc == MKT_OK)
        rc = mkt__catalog_merge(c, scratch);
    mkt_catalog_free(scratch);
    xmlFreeDoc(doc);
    return rc;
}

MKT_EXPORT int mkt_catalog_load_xml_file(mkt_catalog *c, const char *path)
{
    if (!c)
        return MKT_EINVAL;
    if (!path)
        return mkt__error(c->ctx, MKT_EINVAL, "mkt_catalog_load_xml_file: NULL path");
    mkt__buf b;
    mkt__buf_init(&b, c->ctx);
    int rc = mkt__xmldoc_read_file(c->ctx, path, "segment", &b);
    if (rc == MKT_OK)
        rc = mkt_catalog_load_xml_memory(c, b.data ? b.data : "", b.len, path);
    mkt__buf_free(&b);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * Loading segment definitions from XML (doc/segments.md). libxml2 is used only through our
 * own parser and validation contexts, never its process-wide handlers: the document is parsed
 * from memory with network access off, no entity substitution and no DTD loading, and a
 * DOCTYPE is refused as soon as the parser meets it (before any entity could be read); the
 * tree is validated against the RelaxNG schema shipped with the library, errors collected
 * with their line by handlers set on our contexts; then every definition is built into a
 * scratch catalog and moved into the target one only if all of them are good.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "xml-private.h"

#define NS "https://libmarketing.dev/ns/segments/1"
#define MAX_XML_BYTES (64u << 20)

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

/* SAX hook called when the parser meets `<!DOCTYPE`: stop before the subset is read. */
static void refuse_doctype(void *user, const xmlChar *name, const xmlChar *ext_id,
                           const xmlChar *sys_id)
{
    (void)name, (void)ext_id, (void)sys_id;
    xmlParserCtxtPtr p = user;
    struct mkt__xml_load *l = p->_private;
    l->doctype = 1;
    l->doctype_line = p->input ? (unsigned long)p->input->line : 0;
    xmlStopParser(p);
}

static int parse_doc(struct mkt__xml_load *l, const char *data, size_t len, xmlDocPtr *doc)
{
    xmlParserCtxtPtr p = xmlNewParserCtxt();
    if (!p)
        return mkt__oom(l->ctx);
    p->_private = l;
    p->sax->internalSubset = refuse_doctype;
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
               XML_PARSE_BIG_LINES;
    *doc = xmlCtxtReadMemory(p, data, (int)len, l->source, NULL, opts);
    int rc = MKT_OK;
    if (l->doctype) {
        rc = mkt__error_at(l->ctx, MKT_EPARSE, l->source, l->doctype_line, 0, NULL,
                           "DOCTYPE declarations are not allowed in segment definitions "
                           "(external entities and DTDs are off)");
    } else if (!*doc || !p->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(p);
        const char *msg = e && e->message ? e->message : "cannot parse";
        int len = (int)strcspn(msg, "\n"); /* libxml2 ends messages with a newline */
        rc = mkt__error_at(l->ctx, MKT_EPARSE, l->source, e && e->line > 0 ? (uint64_t)e->line : 0,
                           e && e->int2 > 0 ? (uint64_t)e->int2 : 0, NULL, "malformed XML: %.*s",
                           len, msg);
    }
    if (rc != MKT_OK) {
        xmlFreeDoc(*doc);
        *doc = NULL;
    }
    xmlFreeParserCtxt(p);
    return rc;
}

/* Structured error handler of our RelaxNG contexts: keep the first error with its line. */
static void schema_error(void *user, xmlErrorPtr e)
{
    struct mkt__xml_load *l = user;
    if (l->schema_failed++ || !e)
        return;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "invalid");
    msg[strcspn(msg, "\n")] = '\0'; /* libxml2 ends messages with a newline */
    mkt__error_at(l->ctx, MKT_EPARSE, l->source, e->line > 0 ? (uint64_t)e->line : 0, 0, NULL,
                  "does not match the segment schema: %s", msg);
}

static int validate(struct mkt__xml_load *l, xmlDocPtr doc)
{
    const char *rng = mkt__segments_rng;
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewMemParserCtxt(rng, (int)strlen(rng));
    if (!pc)
        return mkt__oom(l->ctx);
    xmlRelaxNGSetParserStructuredErrors(pc, schema_error, l);
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pc);
    xmlRelaxNGFreeParserCtxt(pc);
    if (!schema) /* the shipped schema is tested; only memory can make this fail */
        return l->schema_failed ? MKT_EINTERNAL : mkt__oom(l->ctx);
    xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
    int rc = MKT_OK;
    if (!vc) {
        rc = mkt__oom(l->ctx);
    } else {
        xmlRelaxNGSetValidStructuredErrors(vc, schema_error, l);
        int v = xmlRelaxNGValidateDoc(vc, doc);
        if (v != 0 && !l->schema_failed)
            mkt__error_at(l->ctx, MKT_EPARSE, l->source, 0, 0, NULL,
                          "does not match the segment schema");
        rc = v == 0 ? MKT_OK : MKT_EPARSE;
        xmlRelaxNGFreeValidCtxt(vc);
    }
    xmlRelaxNGFree(schema);
    return rc;
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
    struct mkt__xml_load l = {c->ctx, source ? source : "<memory>", 0, 0, 0};
    if (len > MAX_XML_BYTES)
        return mkt__error_at(c->ctx, MKT_ETOOBIG, l.source, 0, 0, NULL,
                             "segment definitions larger than %u bytes", MAX_XML_BYTES);
    xmlInitParser();
    xmlDocPtr doc = NULL;
    mkt_catalog *scratch = NULL;
    int rc = parse_doc(&l, data, len, &doc);
    if (rc == MKT_OK)
        rc = validate(&l, doc);
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
    FILE *f = fopen(path, "rb");
    if (!f)
        return mkt__error_at(c->ctx, MKT_EIO, path, 0, 0, NULL, "cannot open: %s",
                             strerror(errno));
    mkt__buf b;
    mkt__buf_init(&b, c->ctx);
    char chunk[65536];
    size_t got;
    int rc = MKT_OK;
    while (rc == MKT_OK && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = b.len + got > MAX_XML_BYTES
                 ? mkt__error_at(c->ctx, MKT_ETOOBIG, path, 0, 0, NULL,
                                 "segment definitions larger than %u bytes", MAX_XML_BYTES)
                 : mkt__buf_append(&b, chunk, got);
    if (rc == MKT_OK && ferror(f))
        rc = mkt__error_at(c->ctx, MKT_EIO, path, 0, 0, NULL, "read error");
    fclose(f);
    if (rc == MKT_OK)
        rc = mkt_catalog_load_xml_memory(c, b.data ? b.data : "", b.len, path);
    mkt__buf_free(&b);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * Loading offer definitions from XML (doc/offers.md). As for segment definitions, libxml2 is
 * used only through our own parser and validation contexts: the document is parsed from
 * memory with network access off, no entity substitution and no DTD loading, a DOCTYPE is
 * refused as soon as the parser meets it, and the tree is validated against the RelaxNG
 * schema shipped with the library (data/offer.rng, embedded). Offers are then built
 * (xml-build.c) into a scratch catalogue and moved into the target only if all of them are
 * good, so a failed load changes nothing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "xml-private.h"

#define MAX_XML_BYTES (64u << 20)

int mkt__offer_xml_error(struct mkt__offer_xml *l, const xmlNode *node, int code,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    long line = node ? xmlGetLineNo(node) : 0;
    int rc = mkt__verror_at(l->ctx, code, l->source, line > 0 ? (uint64_t)line : 0, 0, NULL,
                            fmt, ap);
    va_end(ap);
    return rc;
}

/* SAX hook called when the parser meets `<!DOCTYPE`: stop before the subset is read. */
static void refuse_doctype(void *user, const xmlChar *name, const xmlChar *ext_id,
                           const xmlChar *sys_id)
{
    (void)name, (void)ext_id, (void)sys_id;
    xmlParserCtxtPtr p = user;
    struct mkt__offer_xml *l = p->_private;
    l->doctype = 1;
    l->doctype_line = p->input ? (unsigned long)p->input->line : 0;
    xmlStopParser(p);
}

static int parse_doc(struct mkt__offer_xml *l, const char *data, size_t len, xmlDocPtr *doc)
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
                           "DOCTYPE declarations are not allowed in offer definitions "
                           "(external entities and DTDs are off)");
    } else if (!*doc || !p->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(p);
        const char *msg = e && e->message ? e->message : "cannot parse";
        int n = (int)strcspn(msg, "\n"); /* libxml2 ends messages with a newline */
        rc = mkt__error_at(l->ctx, MKT_EPARSE, l->source, e && e->line > 0 ? (uint64_t)e->line : 0,
                           e && e->int2 > 0 ? (uint64_t)e->int2 : 0, NULL, "malformed XML: %.*s",
                           n, msg);
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
    struct mkt__offer_xml *l = user;
    if (l->schema_failed++ || !e)
        return;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "invalid");
    msg[strcspn(msg, "\n")] = '\0';
    mkt__error_at(l->ctx, MKT_EPARSE, l->source, e->line > 0 ? (uint64_t)e->line : 0, 0, NULL,
                  "does not match the offer schema: %s", msg);
}

static int validate(struct mkt__offer_xml *l, xmlDocPtr doc)
{
    const char *rng = mkt__offer_rng;
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
                          "does not match the offer schema");
        rc = v == 0 ? MKT_OK : MKT_EPARSE;
        xmlRelaxNGFreeValidCtxt(vc);
    }
    xmlRelaxNGFree(schema);
    return rc;
}

/* Move every offer of @from into @to, refusing ids and codes @to already has. */
static int merge(const char *source, mkt_offers *to, mkt_offers *from)
{
    for (size_t i = 0; i < from->offers.len; i++) {
        const mkt_offer *o = from->offers.data[i];
        uint32_t id;
        if (mkt__intern_find(&to->ids, o->id, strlen(o->id), &id))
            return mkt__error_at(to->ctx, MKT_EEXIST, source, 0, 0, NULL,
                                 "offer %s is already in the catalogue", o->id);
        for (size_t j = 0; j < o->codes.len; j++)
            if (mkt__intern_find(&to->codes, o->codes.data[j].code,
                                 strlen(o->codes.data[j].code), &id))
                return mkt__error_at(to->ctx, MKT_EEXIST, source, 0, 0, NULL,
                                     "offer %s: code %s already belongs to offer %s", o->id,
                                     o->codes.data[j].code,
                                     to->offers.data[to->entries.data[id].offer]->id);
    }
    /* mkt_offers_add() can still fail on memory; it frees the offer then, so detach them
     * one by one and stop at the first failure (earlier ones are in @to: keep them out). */
    size_t before = to->offers.len, codes_before = to->entries.len;
    int rc = MKT_OK;
    for (size_t i = 0; i < from->offers.len && rc == MKT_OK; i++) {
        mkt_offer *o = from->offers.data[i];
        from->offers.data[i] = NULL;
        rc = mkt_offers_add(to, o);
    }
    if (rc != MKT_OK)
        mkt__offers_truncate(to, before, codes_before);
    return rc;
}

MKT_EXPORT int mkt_offers_load_xml_memory(mkt_offers *s, const char *data, size_t len,
                                          const char *source)
{
    if (!s)
        return MKT_EINVAL;
    if (!data)
        return mkt__error(s->ctx, MKT_EINVAL, "mkt_offers_load_xml_memory: NULL data");
    struct mkt__offer_xml l = {s->ctx, source ? source : "<memory>", 0, 0, 0};
    if (len > MAX_XML_BYTES)
        return mkt__error_at(s->ctx, MKT_ETOOBIG, l.source, 0, 0, NULL,
                             "offer definitions larger than %u bytes", MAX_XML_BYTES);
    xmlInitParser();
    xmlDocPtr doc = NULL;
    mkt_offers *scratch = NULL;
    int rc = parse_doc(&l, data, len, &doc);
    if (rc == MKT_OK)
        rc = validate(&l, doc);
    if (rc == MKT_OK)
        rc = mkt_offers_new(&scratch, s->ctx);
    if (rc == MKT_OK)
        rc = mkt__offer_xml_build(&l, scratch, doc);
    if (rc == MKT_OK)
        rc = merge(l.source, s, scratch);
    mkt_offers_free(scratch);
    xmlFreeDoc(doc);
    return rc;
}

MKT_EXPORT int mkt_offers_load_xml_file(mkt_offers *s, const char *path)
{
    if (!s)
        return MKT_EINVAL;
    if (!path)
        return mkt__error(s->ctx, MKT_EINVAL, "mkt_offers_load_xml_file: NULL path");
    FILE *f = fopen(path, "rb");
    if (!f)
        return mkt__error_at(s->ctx, MKT_EIO, path, 0, 0, NULL, "cannot open: %s",
                             strerror(errno));
    mkt__buf b;
    mkt__buf_init(&b, s->ctx);
    char chunk[65536];
    size_t got;
    int rc = MKT_OK;
    while (rc == MKT_OK && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = b.len + got > MAX_XML_BYTES
                 ? mkt__error_at(s->ctx, MKT_ETOOBIG, path, 0, 0, NULL,
                                 "offer definitions larger than %u bytes", MAX_XML_BYTES)
                 : mkt__buf_append(&b, chunk, got);
    if (rc == MKT_OK && ferror(f))
        rc = mkt__error_at(s->ctx, MKT_EIO, path, 0, 0, NULL, "read error");
    fclose(f);
    if (rc == MKT_OK)
        rc = mkt_offers_load_xml_memory(s, b.data ? b.data : "", b.len, path);
    mkt__buf_free(&b);
    return rc;
}

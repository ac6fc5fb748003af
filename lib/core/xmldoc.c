/* SPDX-License-Identifier: MIT */
/*
 * The safe reading and schema validation of definition files (xmldoc-private.h), shared by
 * the segment and offer loaders: the size limit, reading the file, parsing, validation.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "xmldoc-private.h"

struct xmldoc {
    mkt_ctx *ctx;
    const char *source, *kind;
    int doctype; /* a DOCTYPE was seen (and refused) */
    unsigned long doctype_line;
    int schema_failed; /* the first schema error was recorded */
};

/* SAX hook called when the parser meets `<!DOCTYPE`: stop before the subset is read. */
static void refuse_doctype(void *user, const xmlChar *name, const xmlChar *ext_id,
                           const xmlChar *sys_id)
{
    (void)name, (void)ext_id, (void)sys_id;
    xmlParserCtxtPtr p = user;
    struct xmldoc *x = p->_private;
    x->doctype = 1;
    x->doctype_line = p->input ? (unsigned long)p->input->line : 0;
    xmlStopParser(p);
}

int mkt__xmldoc_read(mkt_ctx *ctx, const char *source, const char *kind, const char *data,
                     size_t len, xmlDocPtr *doc)
{
    *doc = NULL;
    if (len > MKT__XMLDOC_MAX_BYTES)
        return mkt__error_at(ctx, MKT_ETOOBIG, source, 0, 0, NULL,
                             "%s definitions larger than %u bytes", kind, MKT__XMLDOC_MAX_BYTES);
    xmlInitParser();
    struct xmldoc x = {ctx, source, kind, 0, 0, 0};
    xmlParserCtxtPtr p = xmlNewParserCtxt();
    if (!p)
        return mkt__oom(ctx);
    p->_private = &x;
    p->sax->internalSubset = refuse_doctype;
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
               XML_PARSE_BIG_LINES;
    *doc = xmlCtxtReadMemory(p, data, (int)len, source, NULL, opts);
    int rc = MKT_OK;
    if (x.doctype) {
        rc = mkt__error_at(ctx, MKT_EPARSE, source, x.doctype_line, 0, NULL,
                           "DOCTYPE declarations are not allowed in %s definitions "
                           "(external entities and DTDs are off)", kind);
    } else if (!*doc || !p->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(p);
        const char *msg = e && e->message ? e->message : "cannot parse";
        int n = (int)strcspn(msg, "\n"); /* libxml2 ends messages with a newline */
        rc = mkt__error_at(ctx, MKT_EPARSE, source, e && e->line > 0 ? (uint64_t)e->line : 0,
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

int mkt__xmldoc_read_file(mkt_ctx *ctx, const char *path, const char *kind, mkt__buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mkt__error_at(ctx, MKT_EIO, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
    char chunk[65536];
    size_t got;
    int rc = MKT_OK;
    while (rc == MKT_OK && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = out->len + got > MKT__XMLDOC_MAX_BYTES
                 ? mkt__error_at(ctx, MKT_ETOOBIG, path, 0, 0, NULL,
                                 "%s definitions larger than %u bytes", kind,
                                 MKT__XMLDOC_MAX_BYTES)
                 : mkt__buf_append(out, chunk, got);
    if (rc == MKT_OK && ferror(f))
        rc = mkt__error_at(ctx, MKT_EIO, path, 0, 0, NULL, "read error");
    fclose(f);
    return rc;
}

/* Structured error handler of our RelaxNG contexts: keep the first error with its line. */
static void schema_error(void *user, xmlErrorPtr e)
{
    struct xmldoc *x = user;
    if (x->schema_failed++ || !e)
        return;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "invalid");
    msg[strcspn(msg, "\n")] = '\0'; /* libxml2 ends messages with a newline */
    mkt__error_at(x->ctx, MKT_EPARSE, x->source, e->line > 0 ? (uint64_t)e->line : 0, 0, NULL,
                  "does not match the %s schema: %s", x->kind, msg);
}

int mkt__xmldoc_validate(mkt_ctx *ctx, const char *source, const char *kind, const char *rng,
                         xmlDocPtr doc)
{
    struct xmldoc x = {ctx, source, kind, 0, 0, 0};
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewMemParserCtxt(rng, (int)strlen(rng));
    if (!pc)
        return mkt__oom(ctx);
    xmlRelaxNGSetParserStructuredErrors(pc, schema_error, &x);
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pc);
    xmlRelaxNGFreeParserCtxt(pc);
    if (!schema) /* the shipped schemas are tested; only memory can make this fail */
        return x.schema_failed ? MKT_EINTERNAL : mkt__oom(ctx);
    xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
    int rc = MKT_OK;
    if (!vc) {
        rc = mkt__oom(ctx);
    } else {
        xmlRelaxNGSetValidStructuredErrors(vc, schema_error, &x);
        int v = xmlRelaxNGValidateDoc(vc, doc);
        if (v != 0 && !x.schema_failed)
            mkt__error_at(ctx, MKT_EPARSE, source, 0, 0, NULL, "does not match the %s schema",
                          kind);
        rc = v == 0 ? MKT_OK : MKT_EPARSE;
        xmlRelaxNGFreeValidCtxt(vc);
    }
    xmlRelaxNGFree(schema);
    return rc;
}

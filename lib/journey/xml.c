/* SPDX-License-Identifier: MIT */
/*
 * Loading journey definitions from XML (doc/journeys.md), the way lib/segment/xml.c loads
 * segments: libxml2 only through our own parser and RelaxNG contexts (never its process-wide
 * handlers), from memory, network off, no entity substitution, no DTD loading, a DOCTYPE
 * refused as soon as the parser meets it. Unlike the segment loader every schema error is
 * kept (each with its line), then the document is turned into a builder (xml-build.c) and
 * the builder's checks run; a journey is returned only when nothing at all was wrong.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "journey-private.h"

#define MAX_XML_BYTES (16u << 20)

struct parse_state {
    struct mkt__jcheck *c;
    int doctype;
    unsigned long doctype_line;
    int oom; /* a schema error could not be recorded (the handler cannot return it) */
};

/* SAX hook called when the parser meets `<!DOCTYPE`: stop before the subset is read. */
static void refuse_doctype(void *user, const xmlChar *name, const xmlChar *ext_id,
                           const xmlChar *sys_id)
{
    (void)name, (void)ext_id, (void)sys_id;
    xmlParserCtxtPtr p = user;
    struct parse_state *s = p->_private;
    s->doctype = 1;
    s->doctype_line = p->input ? (unsigned long)p->input->line : 0;
    xmlStopParser(p);
}

static int parse_doc(struct mkt__jcheck *c, const char *data, size_t len, xmlDocPtr *doc)
{
    struct parse_state s = {c, 0, 0, 0};
    xmlParserCtxtPtr p = xmlNewParserCtxt();
    if (!p)
        return mkt__oom(c->ctx);
    p->_private = &s;
    p->sax->internalSubset = refuse_doctype;
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
               XML_PARSE_BIG_LINES;
    *doc = xmlCtxtReadMemory(p, data, (int)len, c->source, NULL, opts);
    int rc = MKT_OK;
    if (s.doctype) {
        rc = mkt__j_problem(c, MKT_JOURNEY_CHECK_SYNTAX, MKT_EPARSE, NULL,
                            (uint32_t)s.doctype_line, "remove the <!DOCTYPE ...> line",
                            "DOCTYPE declarations are not allowed in journey definitions "
                            "(external entities and DTDs are off)");
    } else if (!*doc || !p->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(p);
        const char *msg = e && e->message ? e->message : "cannot parse";
        int n = (int)strcspn(msg, "\n"); /* libxml2 ends messages with a newline */
        rc = mkt__j_problem(c, MKT_JOURNEY_CHECK_SYNTAX, MKT_EPARSE, NULL,
                            e && e->line > 0 ? (uint32_t)e->line : 0, NULL,
                            "malformed XML: %.*s", n, msg);
        if (rc != MKT_ENOMEM && e && e->int2 > 0)
            c->issues->v.data[c->issues->v.len - 1].pub.column = (uint32_t)e->int2;
    }
    if (rc != MKT_OK) {
        xmlFreeDoc(*doc);
        *doc = NULL;
    }
    xmlFreeParserCtxt(p);
    return rc == MKT_ENOMEM ? rc : MKT_OK;
}

/* Structured error handler of our RelaxNG contexts: every error, with its line. */
static void schema_error(void *user, xmlErrorPtr e)
{
    struct parse_state *s = user;
    if (!e || s->oom)
        return;
    const char *msg = e->message ? e->message : "invalid";
    int n = (int)strcspn(msg, "\n");
    if (mkt__j_problem(s->c, MKT_JOURNEY_CHECK_SYNTAX, MKT_EPARSE, NULL,
                       e->line > 0 ? (uint32_t)e->line : 0,
                       "see the element reference in doc/journeys.md",
                       "does not match the journey schema: %.*s", n, msg) == MKT_ENOMEM)
        s->oom = 1;
}

static int validate(struct mkt__jcheck *c, xmlDocPtr doc)
{
    struct parse_state s = {c, 0, 0, 0};
    const char *rng = mkt__journey_rng;
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewMemParserCtxt(rng, (int)strlen(rng));
    if (!pc)
        return mkt__oom(c->ctx);
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pc);
    xmlRelaxNGFreeParserCtxt(pc);
    if (!schema) /* the shipped schema is tested; only memory can make this fail */
        return mkt__oom(c->ctx);
    xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
    int rc = MKT_OK;
    if (!vc) {
        rc = mkt__oom(c->ctx);
    } else {
        size_t before = c->nproblems;
        xmlRelaxNGSetValidStructuredErrors(vc, schema_error, &s);
        int v = xmlRelaxNGValidateDoc(vc, doc);
        if (s.oom)
            rc = MKT_ENOMEM;
        else if (v != 0 && c->nproblems == before)
            rc = mkt__j_problem(c, MKT_JOURNEY_CHECK_SYNTAX, MKT_EPARSE, NULL, 0, NULL,
                                "does not match the journey schema");
        xmlRelaxNGFreeValidCtxt(vc);
    }
    xmlRelaxNGFree(schema);
    return rc == MKT_ENOMEM ? rc : MKT_OK;
}

MKT_EXPORT const char *mkt_journey_xml_schema(void)
{
    return mkt__journey_rng;
}

static int load(mkt_journey **out, struct mkt__jcheck *c, const char *data, size_t len)
{
    xmlInitParser();
    xmlDocPtr doc = NULL;
    mkt_journey_builder *b = NULL;
    int rc = parse_doc(c, data, len, &doc);
    if (rc == MKT_OK && doc)
        rc = validate(c, doc);
    if (rc == MKT_OK && c->first_code == MKT_OK)
        rc = mkt__j_xml_build(c, doc, &b);
    /* graph checks only on a well-formed set of nodes: otherwise they would mostly report
     * the consequences of the problems already found */
    if (rc == MKT_OK && c->first_code == MKT_OK)
        rc = mkt__j_finish(b, c, out);
    mkt_journey_builder_free(b);
    xmlFreeDoc(doc);
    if (rc == MKT_OK)
        rc = mkt__j_check_result(c);
    if (rc != MKT_OK) {
        mkt_journey_free(*out);
        *out = NULL;
    }
    return rc;
}

MKT_EXPORT int mkt_journey_load_xml_memory(mkt_journey **out, mkt_ctx *ctx, const char *data,
                                           size_t len, const char *source,
                                           const mkt_journey_options *opts)
{
    if (out)
        *out = NULL;
    if (!ctx)
        return MKT_EINVAL;
    if (!out || !data || (opts && opts->struct_size < sizeof(size_t)))
        return mkt__error(ctx, MKT_EINVAL, "mkt_journey_load_xml_memory: NULL argument or "
                          "bad options size");
    source = source ? source : "<memory>";
    if (len > MAX_XML_BYTES)
        return mkt__error_at(ctx, MKT_ETOOBIG, source, 0, 0, NULL,
                             "journey definition larger than %u bytes", MAX_XML_BYTES);
    mkt_journey_options o;
    mkt__j_options(&o, opts);
    mkt_journey_issues *own = NULL;
    if (!o.issues) {
        int rc = mkt_journey_issues_new(&own, ctx);
        if (rc)
            return rc;
        o.issues = own;
    }
    struct mkt__jcheck c = {ctx, &o, o.issues, source, MKT_OK, 0, 0, 0};
    int rc = load(out, &c, data, len);
    mkt_journey_issues_free(own);
    return rc;
}

MKT_EXPORT int mkt_journey_load_xml_file(mkt_journey **out, mkt_ctx *ctx, const char *path,
                                         const mkt_journey_options *opts)
{
    if (out)
        *out = NULL;
    if (!ctx)
        return MKT_EINVAL;
    if (!out || !path)
        return mkt__error(ctx, MKT_EINVAL, "mkt_journey_load_xml_file: NULL argument");
    FILE *f = fopen(path, "rb");
    if (!f)
        return mkt__error_at(ctx, MKT_EIO, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    char chunk[16384];
    size_t got;
    int rc = MKT_OK;
    while (rc == MKT_OK && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = b.len + got > MAX_XML_BYTES
                 ? mkt__error_at(ctx, MKT_ETOOBIG, path, 0, 0, NULL,
                                 "journey definition larger than %u bytes", MAX_XML_BYTES)
                 : mkt__buf_append(&b, chunk, got);
    if (rc == MKT_OK && ferror(f))
        rc = mkt__error_at(ctx, MKT_EIO, path, 0, 0, NULL, "read error");
    fclose(f);
    if (rc == MKT_OK)
        rc = mkt_journey_load_xml_memory(out, ctx, b.data ? b.data : "", b.len, path, opts);
    mkt__buf_free(&b);
    return rc;
}

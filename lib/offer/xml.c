/* SPDX-License-Identifier: MIT */
/*
 * Loading offer definitions from XML (doc/offers.md). The document is read and validated
 * against data/offer.rng (embedded) the safe way every definition file shares
 * (lib/core/xmldoc.c). Offers are then built (xml-build.c) into a scratch catalogue and moved
 * into the target only if all of them are good, so a failed load changes nothing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "xml-private.h"
#include "xmldoc-private.h"


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
    struct mkt__offer_xml l = {s->ctx, source ? source : "<memory>"};
    xmlDocPtr doc = NULL;
    mkt_offers *scratch = NULL;
    int rc = mkt__xmldoc_read(l.ctx, l.source, "offer", data, len, &doc);
    if (rc == MKT_OK)
        rc = mkt__xmldoc_validate(l.ctx, l.source, "offer", mkt__offer_rng, doc);
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
    mkt__buf b;
    mkt__buf_init(&b, s->ctx);
    int rc = mkt__xmldoc_read_file(s->ctx, path, "offer", &b);
    if (rc == MKT_OK)
        rc = mkt_offers_load_xml_memory(s, b.data ? b.data : "", b.len, path);
    mkt__buf_free(&b);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * The catalogue: offers by index and id, and the code index (canonical code -> offer and
 * bound customer) that validation looks codes up in. Adding is all or nothing: a duplicate
 * id or code found half-way rolls the indexes back, so a failed add leaves the catalogue as
 * it was.
 */
#include <string.h>

#include "offer-private.h"

MKT_EXPORT int mkt_offers_new(mkt_offers **out, mkt_ctx *ctx)
{
    if (out)
        *out = NULL;
    if (!out || !ctx)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_offers_new: NULL out") : MKT_EINVAL;
    mkt_offers *s = mkt__calloc(ctx, 1, sizeof *s);
    if (!s)
        return mkt__oom(ctx);
    s->ctx = ctx;
    mkt__intern_init(&s->ids, ctx);
    mkt__intern_init(&s->codes, ctx);
    *out = s;
    return MKT_OK;
}

MKT_EXPORT void mkt_offers_free(mkt_offers *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->offers.len; i++)
        mkt_offer_free(s->offers.data[i]);
    MKT__VEC_FREE(s->ctx, &s->offers);
    MKT__VEC_FREE(s->ctx, &s->entries);
    mkt__intern_free(&s->ids);
    mkt__intern_free(&s->codes);
    mkt__free(s->ctx, s);
}

/* Index the codes of @o as offer number @index; MKT_EEXIST on a code another offer has. */
static int index_codes(mkt_offers *s, const mkt_offer *o, uint32_t index)
{
    int rc = MKT__VEC_RESERVE(s->ctx, &s->entries, o->codes.len);
    for (size_t i = 0; rc == MKT_OK && i < o->codes.len; i++) {
        const struct offer_code *c = &o->codes.data[i];
        uint32_t id;
        int is_new = 0;
        rc = mkt__intern_put(&s->codes, c->code, strlen(c->code), &id, &is_new);
        if (rc == MKT_OK && !is_new) {
            const mkt_offer *other = s->offers.data[s->entries.data[id].offer];
            rc = mkt__error(s->ctx, MKT_EEXIST, "offer %s: code %s already belongs to offer %s",
                            o->id, c->code, other->id);
        }
        if (rc == MKT_OK) {
            struct code_entry e = {index, c->customer};
            s->entries.data[s->entries.len++] = e;
        }
    }
    return rc;
}

MKT_EXPORT int mkt_offers_add(mkt_offers *s, mkt_offer *o)
{
    if (!s || !o) {
        mkt_offer_free(o);
        return s ? mkt__error(s->ctx, MKT_EINVAL, "mkt_offers_add: NULL offer") : MKT_EINVAL;
    }
    int rc = mkt__offer_check_complete(o);
    uint32_t nids = mkt__intern_count(&s->ids), ncodes = mkt__intern_count(&s->codes);
    size_t nentries = s->entries.len;
    uint32_t id;
    int is_new = 0;
    if (rc == MKT_OK)
        rc = MKT__VEC_RESERVE(s->ctx, &s->offers, 1);
    if (rc == MKT_OK)
        rc = mkt__intern_put(&s->ids, o->id, strlen(o->id), &id, &is_new);
    if (rc == MKT_OK && !is_new)
        rc = mkt__error(s->ctx, MKT_EEXIST, "offer %s is already in the catalogue", o->id);
    if (rc == MKT_OK)
        rc = index_codes(s, o, (uint32_t)s->offers.len);
    if (rc != MKT_OK) {
        mkt__intern_truncate(&s->ids, nids);
        mkt__intern_truncate(&s->codes, ncodes);
        s->entries.len = nentries;
        mkt_offer_free(o);
        return rc;
    }
    s->offers.data[s->offers.len++] = o;
    return MKT_OK;
}

MKT_EXPORT int mkt_offers_compile(mkt_offers *s, const mkt_table *table)
{
    if (!s)
        return MKT_EINVAL;
    if (!table)
        return mkt__error(s->ctx, MKT_EINVAL, "mkt_offers_compile: NULL table");
    for (size_t i = 0; i < s->offers.len; i++) {
        mkt_offer *o = s->offers.data[i];
        if (!o->rule)
            continue;
        mkt_segment *seg = NULL;
        int rc = mkt_segment_compile(&seg, s->ctx, o->rule, table, NULL);
        if (rc)
            return rc;
        mkt_segment_free(o->segment);
        o->segment = seg;
    }
    return MKT_OK;
}

MKT_EXPORT size_t mkt_offers_count(const mkt_offers *s)
{
    return s ? s->offers.len : 0;
}

MKT_EXPORT const mkt_offer *mkt_offers_get(const mkt_offers *s, size_t index)
{
    return s && index < s->offers.len ? s->offers.data[index] : NULL;
}

void mkt__offers_truncate(mkt_offers *s, size_t offers, size_t codes)
{
    for (size_t i = offers; i < s->offers.len; i++)
        mkt_offer_free(s->offers.data[i]);
    s->offers.len = offers;
    s->entries.len = codes;
    mkt__intern_truncate(&s->ids, (uint32_t)offers);
    mkt__intern_truncate(&s->codes, (uint32_t)codes);
}

/* SPDX-License-Identifier: MIT */
/*
 * Compiling a catalog's segment: the catalog becomes the resolver of `in segment` references,
 * and an unavailable definition that does not compile reports why it is unavailable (the
 * module that computes its fields does not exist yet) instead of a bare "unknown field".
 */
#include <string.h>

#include "catalog-private.h"

/* Replace the compiler's error by one naming the segment and the reason it is unavailable,
 * keeping the compiler's message (copied first: recording a new error frees it). */
static int unavailable_error(mkt_ctx *ctx, const struct mkt__catdef *d)
{
    const mkt_error *e = mkt_ctx_last_error(ctx);
    char *why = mkt__strdup(ctx, e && e->message ? e->message : "");
    if (!why)
        return mkt__oom(ctx);
    mkt__error(ctx, MKT_EUNSUPPORTED, "segment '%s' (%s) is unavailable: %s [%s]", d->name,
               d->id, d->unavailable, why);
    mkt__free(ctx, why);
    return MKT_EUNSUPPORTED;
}

MKT_EXPORT int mkt_catalog_compile(mkt_segment **out, mkt_ctx *ctx, const mkt_catalog *catalog,
                                   const char *name_or_id, const mkt_table *table,
                                   const mkt_segment_options *opts)
{
    if (out)
        *out = NULL;
    if (!ctx)
        return MKT_EINVAL;
    if (!out || !catalog || !name_or_id || !table)
        return mkt__error(ctx, MKT_EINVAL, "mkt_catalog_compile: NULL argument");
    mkt_segment_options o;
    mkt_segment_options_init(&o);
    if (opts) {
        if (opts->struct_size < sizeof(size_t))
            return mkt__error(ctx, MKT_EINVAL, "mkt_catalog_compile: bad options struct_size");
        /* An older caller's smaller struct: take what it has, defaults for the rest. */
        memcpy(&o, opts, opts->struct_size < sizeof o ? opts->struct_size : sizeof o);
        o.struct_size = sizeof o;
    }
    size_t i;
    if (mkt_catalog_find(catalog, name_or_id, &i) != MKT_OK)
        return mkt__error(ctx, MKT_ENOTFOUND, "no segment named '%s' in the catalog",
                          name_or_id);
    o.resolver = mkt_catalog_resolve;
    o.resolver_data = (void *)(uintptr_t)catalog; /* the resolver only reads it */
    const struct mkt__catdef *d = &catalog->defs[i];
    int rc = mkt_segment_compile(out, ctx, d->rule, table, &o);
    if (rc != MKT_OK && rc != MKT_ENOMEM && d->unavailable)
        return unavailable_error(ctx, d);
    return rc;
}

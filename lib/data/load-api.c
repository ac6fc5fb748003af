/* SPDX-License-Identifier: MIT */
/*
 * The public CSV loaders of the customer table: option checks (struct_size, unknown_customer,
 * threads), opening the file, and the loader for each kind of file.
 */
#include <stddef.h>
#include <string.h>

#include "load-private.h"

MKT_EXPORT int mkt_load_options_init(mkt_load_options *opts)
{
    if (!opts)
        return MKT_EINVAL;
    mkt_load_options d = MKT_LOAD_OPTIONS_INIT;
    *opts = d;
    return MKT_OK;
}

enum { LOAD_CUSTOMERS, LOAD_BOOKINGS, LOAD_EVENTS };

int mkt__load_options_get(mkt_ctx *ctx, const mkt_load_options *user, mkt_load_options *o)
{
    mkt_load_options d = MKT_LOAD_OPTIONS_INIT;
    *o = d;
    if (user) {
        if (user->struct_size < offsetof(mkt_load_options, separator) + sizeof o->separator)
            return mkt__error(ctx, MKT_EINVAL, "mkt_load_options: struct_size too small");
        memcpy(o, user, user->struct_size < sizeof *o ? user->struct_size : sizeof *o);
    }
    if (o->unknown_customer < MKT_UNKNOWN_CUSTOMER_AUTO ||
        o->unknown_customer > MKT_UNKNOWN_CUSTOMER_CREATE)
        return mkt__error(ctx, MKT_EINVAL, "invalid unknown_customer option %d",
                          (int)o->unknown_customer);
    if (o->threads < 0)
        return mkt__error(ctx, MKT_EINVAL, "invalid threads option %d", (int)o->threads);
    return MKT_OK;
}

static int load(mkt_table *t, const char *path, const mkt_load_options *user, int what)
{
    if (!t || !path)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "load: NULL argument") : MKT_EINVAL;
    mkt_load_options o;
    if (mkt__load_options_get(t->ctx, user, &o))
        return MKT_EINVAL;
    if (what == LOAD_BOOKINGS && mkt__fold_refuse(t, "mkt_table_load_bookings"))
        return MKT_ESTATE;
    size_t threads = mkt__par_threads(o.threads);
    mkt__csv *r;
    int rc = mkt__open_for_load(&r, t->ctx, path, o.separator, o.progress, o.progress_data);
    if (rc)
        return rc;
    if (what == LOAD_CUSTOMERS)
        rc = mkt__load_customers_csv(t, r, &o, threads);
    else if (what == LOAD_BOOKINGS)
        rc = mkt__load_bookings_mt(t, r, o.unknown_customer, threads);
    else
        rc = mkt__load_events_mt(t, r, o.unknown_customer, threads);
    mkt__csv_free(r);
    return rc;
}

MKT_EXPORT int mkt_table_load_customers(mkt_table *t, const char *path,
                                        const mkt_load_options *opts)
{
    return load(t, path, opts, LOAD_CUSTOMERS);
}

MKT_EXPORT int mkt_table_load_bookings(mkt_table *t, const char *path,
                                       const mkt_load_options *opts)
{
    return load(t, path, opts, LOAD_BOOKINGS);
}

MKT_EXPORT int mkt_table_load_events(mkt_table *t, const char *path,
                                     const mkt_load_options *opts)
{
    return load(t, path, opts, LOAD_EVENTS);
}

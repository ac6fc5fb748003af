/* SPDX-License-Identifier: MIT */
/*
 * A reusable conformance suite for the storage contract of include/libmarketing/store.h.
 *
 * Any provider of mkt_store_ops (the built-in memory store, the SQLite adapter, ...) is tested
 * by handing in a factory that creates a context whose store is a FRESH, EMPTY instance of the
 * provider. Each test creates its own context through the factory and frees it with
 * mkt_ctx_free() (which calls the store's destroy hook), so a provider should release
 * everything in destroy.
 *
 *     static int make_ctx(mkt_ctx **out, void *data)
 *     {
 *         mkt_host host = MKT_HOST_INIT;
 *         host.store = my_store_ops_new(data);      (a new empty store each time)
 *         return mkt_ctx_new(out, &host, NULL);
 *     }
 *     ...
 *     Suite *s = suite_create("sqlite-store");
 *     store_conformance_add(s, make_ctx, NULL);
 *
 * The tests go through the public mkt_store_* functions and cover: versions (start at 1, +1
 * per put/incr), compare-and-set and create-only (a mismatch changes nothing), delete rules,
 * namespace isolation, binary keys and values, key length limits, bounded increments in both
 * directions, int64 overflow (MKT_ERANGE), non-counters (MKT_ETYPE), scan order in unsigned
 * byte order (bytes >= 0x80, embedded NULs, shorter key first), prefix scans, early stop and
 * visitor error propagation.
 *
 * Check test functions take no arguments, so the factory is kept in a static: register ONE
 * provider per test executable (a second call aborts).
 */
#ifndef MKT_TEST_STORE_CONFORMANCE_H
#define MKT_TEST_STORE_CONFORMANCE_H

#include <check.h>

#include "libmarketing.h"

/* Create a context whose store is a fresh, empty provider instance; MKT_OK or an error. */
typedef int (*store_conformance_factory)(mkt_ctx **out, void *data);

/* Add the TCase "store-conformance" (timeout 60 s) with every contract test to @s. */
void store_conformance_add(Suite *s, store_conformance_factory factory, void *data);

#endif /* MKT_TEST_STORE_CONFORMANCE_H */

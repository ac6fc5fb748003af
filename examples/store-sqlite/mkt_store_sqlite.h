/* SPDX-License-Identifier: MIT */
/**
 * @file mkt_store_sqlite.h
 * @brief A durable implementation of the libmarketing storage contract (store.h) on SQLite.
 *
 * Kept outside the core library on purpose: the library never opens a database itself; a host
 * that wants durable state on one machine links this small static library and hands the ops to
 * mkt_ctx_new() through mkt_host::store.
 *
 * Properties:
 * - One table `mkt_kv(ns TEXT, key BLOB, value BLOB, version INTEGER)`, primary key (ns, key),
 *   WITHOUT ROWID; keys are BLOBs, so a scan returns them in unsigned byte order.
 * - WAL journal and a busy timeout, so several processes may share one file.
 * - Every compare-and-set, delete and increment runs in its own `BEGIN IMMEDIATE` transaction:
 *   the read of the current version and the write are atomic across processes, so a bounded
 *   increment never passes its limit however many processes race on it.
 * - Prepared statements are created once per open store and reused.
 *
 * One opened store belongs to one context: the context calls the destroy hook when it is freed
 * (which closes the database). If the ops never reach a context (mkt_ctx_new() failed), close
 * them with mkt_sqlite_store_close().
 *
 * Thread safety: as a context, one thread at a time per opened store. Open one store per
 * context (and so per thread or process) on the same file to share state.
 */
#ifndef MKT_STORE_SQLITE_H
#define MKT_STORE_SQLITE_H

#include <stddef.h>
#include <stdint.h>

#include <libmarketing/store.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Options of mkt_sqlite_store_open(). Initialise with ::MKT_SQLITE_STORE_OPTIONS_INIT. */
typedef struct mkt_sqlite_store_options {
    size_t struct_size;      /**< sizeof(mkt_sqlite_store_options). */
    int32_t busy_timeout_ms; /**< How long a writer waits for another's lock (default 10000). */
    int32_t sync_full;       /**< 1: synchronous=FULL (durable across power loss); default 0:
                                  NORMAL, which in WAL mode is durable across process crashes. */
} mkt_sqlite_store_options;

/** Default options. */
#define MKT_SQLITE_STORE_OPTIONS_INIT { sizeof(mkt_sqlite_store_options), 10000, 0 }

/**
 * Open (creating if needed) the SQLite database at @p path and fill @p ops with callbacks,
 * their user_data and a destroy hook. ":memory:" gives a private in-memory database.
 * @param opts    NULL for defaults.
 * @param errbuf  optional buffer that receives a message on failure (may be NULL).
 * @return ::MKT_OK, ::MKT_EINVAL (NULL path/ops), ::MKT_ENOMEM, ::MKT_EIO (cannot open, not a
 *         database, schema or statement preparation failed).
 */
int mkt_sqlite_store_open(const char *path, const mkt_sqlite_store_options *opts,
                          mkt_store_ops *ops, char *errbuf, size_t errbuf_size);

/**
 * Close a store whose ops were never handed to a context (a context closes its own store).
 * Safe on zeroed or already-closed ops; clears @p ops.
 */
void mkt_sqlite_store_close(mkt_store_ops *ops);

/**
 * The SQLite message of the last failure of the store behind @p user_data (the ops'
 * user_data), or "" if none. Borrowed; valid until the next call on that store.
 */
const char *mkt_sqlite_store_errmsg(const void *user_data);

#ifdef __cplusplus
}
#endif

#endif /* MKT_STORE_SQLITE_H */

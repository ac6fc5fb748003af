/* SPDX-License-Identifier: MIT */
/*
 * Opening and closing the SQLite store: the connection settings that make one file safe to
 * share between processes (WAL journal, busy timeout), the schema, and the statements that
 * every callback reuses so that no call pays for SQL compilation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite-private.h"

static const char *const sq_sql[SQ_COUNT] = {
    [SQ_GET] = "SELECT value, version FROM mkt_kv WHERE ns = ?1 AND key = ?2",
    [SQ_INSERT] = "INSERT INTO mkt_kv (ns, key, value, version) VALUES (?1, ?2, ?3, 1)",
    [SQ_UPDATE] = "UPDATE mkt_kv SET value = ?3, version = ?4 WHERE ns = ?1 AND key = ?2",
    [SQ_DELETE] = "DELETE FROM mkt_kv WHERE ns = ?1 AND key = ?2",
    [SQ_SCAN] = ("SELECT key, value, version FROM mkt_kv WHERE ns = ?1 AND key >= ?2 "
                 "ORDER BY key"),
    [SQ_BEGIN] = "BEGIN IMMEDIATE",
    [SQ_COMMIT] = "COMMIT",
    [SQ_ROLLBACK] = "ROLLBACK",
};

/* WITHOUT ROWID keeps rows clustered by (ns, key): a prefix scan is one range read. BLOB keys
 * compare with memcmp(), which is the byte order the contract asks for. */
static const char sq_schema[] =
    "CREATE TABLE IF NOT EXISTS mkt_kv ("
    " ns TEXT NOT NULL,"
    " key BLOB NOT NULL,"
    " value BLOB NOT NULL,"
    " version INTEGER NOT NULL,"
    " PRIMARY KEY (ns, key)) WITHOUT ROWID";

int sq_fail(sq_store *s, int sqlite_rc)
{
    snprintf(s->errmsg, sizeof s->errmsg, "%s", sqlite3_errmsg(s->db));
    return (sqlite_rc & 0xff) == SQLITE_NOMEM ? MKT_ENOMEM : MKT_EIO;
}

static void set_err(char *buf, size_t size, const char *path, const char *what)
{
    if (buf != NULL && size > 0)
        snprintf(buf, size, "%s: %s", path, what);
}

static void sq_free(sq_store *s)
{
    for (int i = 0; i < SQ_COUNT; i++)
        sqlite3_finalize(s->st[i]);
    sqlite3_close(s->db);
    free(s);
}

void sq_destroy(void *user_data)
{
    if (user_data != NULL)
        sq_free(user_data);
}

/* Pragmas first (journal_mode needs no open transaction), then the schema, then statements. */
static int sq_setup(sq_store *s, const mkt_sqlite_store_options *o)
{
    int rc = sqlite3_busy_timeout(s->db, o->busy_timeout_ms);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->db, o->sync_full ? "PRAGMA synchronous=FULL"
                                              : "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->db, sq_schema, NULL, NULL, NULL);
    for (int i = 0; rc == SQLITE_OK && i < SQ_COUNT; i++)
        rc = sqlite3_prepare_v3(s->db, sq_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL);
    return rc;
}

static int read_options(mkt_sqlite_store_options *o, const mkt_sqlite_store_options *given)
{
    mkt_sqlite_store_options def = MKT_SQLITE_STORE_OPTIONS_INIT;
    *o = def;
    if (given == NULL)
        return MKT_OK;
    if (given->struct_size < sizeof(size_t))
        return MKT_EINVAL;
    memcpy(o, given, given->struct_size < sizeof *o ? given->struct_size : sizeof *o);
    o->struct_size = sizeof *o;
    return o->busy_timeout_ms < 0 ? MKT_EINVAL : MKT_OK;
}

int mkt_sqlite_store_open(const char *path, const mkt_sqlite_store_options *opts,
                          mkt_store_ops *ops, char *errbuf, size_t errbuf_size)
{
    mkt_sqlite_store_options o;
    if (path == NULL || ops == NULL || read_options(&o, opts) != MKT_OK) {
        set_err(errbuf, errbuf_size, path ? path : "(null)", "invalid argument");
        return MKT_EINVAL;
    }
    sq_store *s = calloc(1, sizeof *s);
    if (s == NULL) {
        set_err(errbuf, errbuf_size, path, "out of memory");
        return MKT_ENOMEM;
    }
    int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_FULLMUTEX, NULL);
    if (rc == SQLITE_OK)
        rc = sq_setup(s, &o);
    if (rc != SQLITE_OK) {
        int status = (rc & 0xff) == SQLITE_NOMEM ? MKT_ENOMEM : MKT_EIO;
        set_err(errbuf, errbuf_size, path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        sq_free(s);
        return status;
    }
    memset(ops, 0, sizeof *ops);
    ops->struct_size = sizeof *ops;
    ops->get = sq_get;
    ops->put = sq_put;
    ops->del = sq_del;
    ops->incr = sq_incr;
    ops->scan = sq_scan;
    ops->destroy = sq_destroy;
    ops->user_data = s;
    return MKT_OK;
}

void mkt_sqlite_store_close(mkt_store_ops *ops)
{
    if (ops == NULL)
        return;
    if (ops->destroy == sq_destroy)
        sq_destroy(ops->user_data);
    memset(ops, 0, sizeof *ops);
}

const char *mkt_sqlite_store_errmsg(const void *user_data)
{
    return user_data ? ((const sq_store *)user_data)->errmsg : "";
}

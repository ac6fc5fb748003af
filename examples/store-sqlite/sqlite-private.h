/* SPDX-License-Identifier: MIT */
/*
 * Internals of the SQLite store shared by its open/close code and its callbacks: the handle
 * with the cached prepared statements, and small helpers that map SQLite results to
 * libmarketing status codes.
 */
#ifndef MKT_SQLITE_PRIVATE_H
#define MKT_SQLITE_PRIVATE_H

#include <sqlite3.h>

#include "mkt_store_sqlite.h"

/* The cached statements; each is prepared once at open and reset after every use. */
enum sq_stmt {
    SQ_GET,      /* value, version of one key */
    SQ_INSERT,   /* a new key at version 1 */
    SQ_UPDATE,   /* value and version of an existing key */
    SQ_DELETE,
    SQ_SCAN,     /* keys >= a prefix in byte order; the caller stops past the prefix */
    SQ_BEGIN,    /* BEGIN IMMEDIATE: take the write lock before reading the version */
    SQ_COMMIT,
    SQ_ROLLBACK,
    SQ_COUNT
};

typedef struct sq_store {
    sqlite3 *db;
    sqlite3_stmt *st[SQ_COUNT];
    char errmsg[256];
} sq_store;

/* Map a failed SQLite result code to a status and remember SQLite's message. */
int sq_fail(sq_store *s, int sqlite_rc);

/* The store's ops (sqlite-ops.c). */
int sq_get(const char *ns, const char *key, size_t key_len, mkt_store_reply *reply,
           void *user_data);
int sq_put(const char *ns, const char *key, size_t key_len, const void *value, size_t value_len,
           uint64_t expected_version, uint64_t *new_version, void *user_data);
int sq_del(const char *ns, const char *key, size_t key_len, uint64_t expected_version,
           void *user_data);
int sq_incr(const char *ns, const char *key, size_t key_len, int64_t delta, int64_t limit,
            int64_t *result, void *user_data);
int sq_scan(const char *ns, const char *prefix, size_t prefix_len, mkt_store_visit_fn visit,
            void *visit_data, void *user_data);
void sq_destroy(void *user_data);

#endif /* MKT_SQLITE_PRIVATE_H */

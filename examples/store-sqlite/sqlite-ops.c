/* SPDX-License-Identifier: MIT */
/*
 * The storage callbacks of the SQLite store. Every write reads the current version and writes
 * inside one BEGIN IMMEDIATE transaction: IMMEDIATE takes the database's write lock before the
 * read, so no other process can slip a write between our check and our update. That is what
 * keeps compare-and-set and bounded increments exact when many processes share the file.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sqlite-private.h"

/* Bind (ns, key) as parameters 1 and 2. Keys are BLOBs so that comparisons are memcmp(). */
static int bind_key(sqlite3_stmt *st, const char *ns, const char *key, size_t key_len)
{
    int rc = sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob64(st, 2, key_len ? (const void *)key : "", key_len, SQLITE_STATIC);
    return rc;
}

/* A NULL pointer would bind SQL NULL, which the NOT NULL column rejects: use "" for empty. */
static int bind_value(sqlite3_stmt *st, int idx, const void *value, size_t len)
{
    return sqlite3_bind_blob64(st, idx, len ? value : "", len, SQLITE_STATIC);
}

/* Run a statement that returns no row, then reset it for the next use. */
static int run_done(sq_store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? MKT_OK : sq_fail(s, rc);
}

static int tx_begin(sq_store *s)
{
    return run_done(s, s->st[SQ_BEGIN]);
}

/* Commit on success; otherwise roll back (unless SQLite already did) and keep the status. */
static int tx_end(sq_store *s, int status)
{
    if (status == MKT_OK)
        status = run_done(s, s->st[SQ_COMMIT]);
    if (status != MKT_OK && !sqlite3_get_autocommit(s->db)) {
        sqlite3_step(s->st[SQ_ROLLBACK]);
        sqlite3_reset(s->st[SQ_ROLLBACK]);
    }
    return status;
}

/* The current row of a key: version 0 when absent; the value is copied into @buf (if given)
 * up to @cap bytes, and its length reported, so that incr can parse it after the reset. */
static int read_row(sq_store *s, const char *ns, const char *key, size_t key_len,
                    uint64_t *version, char *buf, size_t cap, size_t *len)
{
    sqlite3_stmt *st = s->st[SQ_GET];
    int rc = bind_key(st, ns, key, key_len);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    int status = MKT_OK;
    *version = 0;
    if (rc == SQLITE_ROW) {
        *version = (uint64_t)sqlite3_column_int64(st, 1);
        const void *v = sqlite3_column_blob(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        if (len != NULL)
            *len = n;
        if (buf != NULL && n > 0)
            memcpy(buf, v, n < cap ? n : cap);
    } else if (rc != SQLITE_DONE) {
        status = sq_fail(s, rc);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return status;
}

/* Insert at version 1 when @cur is 0, else update to version cur + 1. */
static int write_row(sq_store *s, const char *ns, const char *key, size_t key_len,
                     const void *value, size_t value_len, uint64_t cur, uint64_t *new_version)
{
    if (cur >= (uint64_t)INT64_MAX)
        return MKT_ERANGE;
    sqlite3_stmt *st = s->st[cur == 0 ? SQ_INSERT : SQ_UPDATE];
    int rc = bind_key(st, ns, key, key_len);
    if (rc == SQLITE_OK)
        rc = bind_value(st, 3, value, value_len);
    if (rc == SQLITE_OK && cur != 0)
        rc = sqlite3_bind_int64(st, 4, (sqlite3_int64)(cur + 1));
    if (rc != SQLITE_OK) {
        sqlite3_reset(st);
        return sq_fail(s, rc);
    }
    int status = run_done(s, st);
    if (status == MKT_OK && new_version != NULL)
        *new_version = cur + 1;
    return status;
}

int sq_get(const char *ns, const char *key, size_t key_len, mkt_store_reply *reply,
           void *user_data)
{
    sq_store *s = user_data;
    sqlite3_stmt *st = s->st[SQ_GET];
    int rc = bind_key(st, ns, key, key_len);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    int status;
    if (rc == SQLITE_ROW) {
        const void *v = sqlite3_column_blob(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        status = mkt_store_reply_set(reply, n ? v : "", n, (uint64_t)sqlite3_column_int64(st, 1));
    } else {
        status = rc == SQLITE_DONE ? MKT_ENOTFOUND : sq_fail(s, rc);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return status;
}

int sq_put(const char *ns, const char *key, size_t key_len, const void *value, size_t value_len,
           uint64_t expected_version, uint64_t *new_version, void *user_data)
{
    sq_store *s = user_data;
    int status = tx_begin(s);
    if (status != MKT_OK)
        return status;
    uint64_t cur;
    status = read_row(s, ns, key, key_len, &cur, NULL, 0, NULL);
    if (status == MKT_OK && expected_version != MKT_VERSION_ANY && expected_version != cur)
        status = MKT_ECONFLICT;
    if (status == MKT_OK)
        status = write_row(s, ns, key, key_len, value, value_len, cur, new_version);
    return tx_end(s, status);
}

int sq_del(const char *ns, const char *key, size_t key_len, uint64_t expected_version,
           void *user_data)
{
    sq_store *s = user_data;
    int status = tx_begin(s);
    if (status != MKT_OK)
        return status;
    uint64_t cur;
    status = read_row(s, ns, key, key_len, &cur, NULL, 0, NULL);
    if (status == MKT_OK && cur == 0)
        status = (expected_version == MKT_VERSION_ANY || expected_version == MKT_VERSION_ABSENT)
                     ? MKT_ENOTFOUND : MKT_ECONFLICT;
    else if (status == MKT_OK && expected_version != MKT_VERSION_ANY && expected_version != cur)
        status = MKT_ECONFLICT;
    if (status == MKT_OK) {
        sqlite3_stmt *st = s->st[SQ_DELETE];
        int rc = bind_key(st, ns, key, key_len);
        status = rc == SQLITE_OK ? run_done(s, st) : sq_fail(s, rc);
        sqlite3_reset(st);
    }
    return tx_end(s, status);
}

/* A counter is the ASCII decimal text of an int64: an optional '-' and 1..19 digits. */
static int parse_counter(const char *p, size_t n, int64_t *out)
{
    size_t i = (n > 0 && p[0] == '-') ? 1 : 0;
    if (i == n)
        return MKT_ETYPE;
    uint64_t v = 0;
    uint64_t max = i ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return MKT_ETYPE;
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (max - d) / 10)
            return MKT_ETYPE;
        v = v * 10 + d;
    }
    *out = p[0] == '-' ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return MKT_OK;
}

/* Apply the contract's limit rule to @cur + @delta. */
static int bounded_add(int64_t cur, int64_t delta, int64_t limit, int64_t *out)
{
    if (__builtin_add_overflow(cur, delta, out))
        return MKT_ERANGE;
    if ((delta >= 0 && *out > limit) || (delta < 0 && *out < limit))
        return MKT_ELIMIT;
    return MKT_OK;
}

int sq_incr(const char *ns, const char *key, size_t key_len, int64_t delta, int64_t limit,
            int64_t *result, void *user_data)
{
    sq_store *s = user_data;
    int status = tx_begin(s);
    if (status != MKT_OK)
        return status;
    char text[32];
    size_t len = 0;
    uint64_t ver;
    int64_t cur = 0, next = 0;
    /* One byte more than the longest counter, so that longer values are seen as non-counters. */
    status = read_row(s, ns, key, key_len, &ver, text, 21, &len);
    if (status == MKT_OK && ver != 0)
        status = len > 20 ? MKT_ETYPE : parse_counter(text, len, &cur);
    if (status == MKT_OK)
        status = bounded_add(cur, delta, limit, &next);
    if (status == MKT_OK) {
        int n = snprintf(text, sizeof text, "%" PRId64, next);
        status = write_row(s, ns, key, key_len, text, (size_t)n, ver, NULL);
    }
    status = tx_end(s, status);
    if (status == MKT_OK && result != NULL)
        *result = next;
    return status;
}

/* Walk the rows from the prefix on, stopping at the first key past it. */
static int scan_rows(sq_store *s, sqlite3_stmt *st, const char *prefix, size_t prefix_len,
                     mkt_store_visit_fn visit, void *visit_data)
{
    for (;;) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            return MKT_OK;
        if (rc != SQLITE_ROW)
            return sq_fail(s, rc);
        const char *k = sqlite3_column_blob(st, 0);
        size_t kn = (size_t)sqlite3_column_bytes(st, 0);
        if (kn < prefix_len || (prefix_len > 0 && memcmp(k, prefix, prefix_len) != 0))
            return MKT_OK;
        const void *v = sqlite3_column_blob(st, 1);
        size_t vn = (size_t)sqlite3_column_bytes(st, 1);
        int r = visit(k, kn, vn ? v : "", vn, (uint64_t)sqlite3_column_int64(st, 2), visit_data);
        if (r != 0)
            return r > 0 ? MKT_OK : r;
    }
}

int sq_scan(const char *ns, const char *prefix, size_t prefix_len, mkt_store_visit_fn visit,
            void *visit_data, void *user_data)
{
    sq_store *s = user_data;
    sqlite3_stmt *st = s->st[SQ_SCAN];
    sqlite3_stmt *own = NULL;
    /* A visitor may read the store, even scan it again: give a nested scan its own statement. */
    if (sqlite3_stmt_busy(st)) {
        int rc = sqlite3_prepare_v2(s->db, sqlite3_sql(st), -1, &own, NULL);
        if (rc != SQLITE_OK)
            return sq_fail(s, rc);
        st = own;
    }
    int rc = bind_key(st, ns, prefix, prefix_len);
    int status = rc == SQLITE_OK ? scan_rows(s, st, prefix, prefix_len, visit, visit_data)
                                 : sq_fail(s, rc);
    if (own != NULL) {
        sqlite3_finalize(own);
    } else {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    return status;
}

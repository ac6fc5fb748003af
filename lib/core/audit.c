/* SPDX-License-Identifier: MIT */
/*
 * mkt_ctx_audit(): validate an audit record, stamp it with the context's clock when its ts is
 * 0, and hand it to the host's audit callback or, by default, to the store.
 *
 * Default sink format (namespace "audit"):
 *   key   = "<ts>.<seq>" with ts and seq as 20-digit zero-padded decimals, e.g.
 *           "00000000001710012723.00000000000000000003". Fixed width makes ascending byte
 *           order chronological; seq is a per-context counter that orders records of the same
 *           second and, on a collision with another writer of a shared store (the key is
 *           written create-only), is bumped and the write retried.
 *   value = text lines "name=value\n" in the order ts, actor, action, subject, detail; absent
 *           optional fields are omitted. In values, backslash, newline and carriage return are
 *           escaped as "\\", "\n" and "\r", so every record is exactly one line per field.
 * Negative timestamps are rejected (they would break the ordering and mean a broken clock).
 */
#include <inttypes.h>
#include <stdio.h>

#include "util.h"

#define AUDIT_NS "audit"
#define AUDIT_MAX_TRIES 1000

static int append_field(mkt__buf *b, const char *name, const char *value)
{
    if (value == NULL)
        return MKT_OK;
    int rc = mkt__buf_appends(b, name);
    if (rc == MKT_OK)
        rc = mkt__buf_putc(b, '=');
    for (const char *p = value; rc == MKT_OK && *p; p++) {
        switch (*p) {
        case '\\': rc = mkt__buf_append(b, "\\\\", 2); break;
        case '\n': rc = mkt__buf_append(b, "\\n", 2); break;
        case '\r': rc = mkt__buf_append(b, "\\r", 2); break;
        default: rc = mkt__buf_putc(b, *p); break;
        }
    }
    return rc ? rc : mkt__buf_putc(b, '\n');
}

static int serialize(mkt__buf *b, const mkt_audit_record *r)
{
    int rc = mkt__buf_appendf(b, "ts=%" PRId64 "\n", r->ts);
    if (rc == MKT_OK)
        rc = append_field(b, "actor", r->actor);
    if (rc == MKT_OK)
        rc = append_field(b, "action", r->action);
    if (rc == MKT_OK)
        rc = append_field(b, "subject", r->subject);
    if (rc == MKT_OK)
        rc = append_field(b, "detail", r->detail);
    return rc;
}

static int store_record(mkt_ctx *ctx, const mkt_audit_record *r)
{
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    int rc = serialize(&b, r);
    for (int tries = 0; rc == MKT_OK; tries++) {
        char key[48];
        int n = snprintf(key, sizeof key, "%020" PRId64 ".%020" PRIu64, r->ts, ctx->audit_seq);
        rc = mkt_store_put(ctx, AUDIT_NS, key, (size_t)n, b.data, b.len, MKT_VERSION_ABSENT,
                           NULL);
        ctx->audit_seq++;
        if (rc != MKT_ECONFLICT)
            break;
        if (tries + 1 == AUDIT_MAX_TRIES) {
            rc = mkt__error(ctx, MKT_ECONFLICT,
                            "audit: no free key for ts %" PRId64 " after %d attempts", r->ts,
                            AUDIT_MAX_TRIES);
            break;
        }
        rc = MKT_OK; /* someone else wrote this key: next sequence number */
    }
    mkt__buf_free(&b);
    return rc;
}

/* Copy the caller's record into a full-size one; fields it did not compile stay NULL. */
static int read_record(mkt_ctx *ctx, const mkt_audit_record *in, mkt_audit_record *r)
{
    memset(r, 0, sizeof *r);
    if (in->struct_size < offsetof(mkt_audit_record, action) + sizeof in->action)
        return mkt__error(ctx, MKT_EINVAL, "audit: record struct_size %zu is too small",
                          in->struct_size);
    memcpy(r, in, in->struct_size < sizeof *r ? in->struct_size : sizeof *r);
    r->struct_size = sizeof *r;
    if (r->action == NULL || r->action[0] == '\0')
        return mkt__error(ctx, MKT_EINVAL, "audit: record has no action");
    if (r->ts < 0)
        return mkt__error(ctx, MKT_EINVAL, "audit: record ts %" PRId64 " is before 1970",
                          r->ts);
    return MKT_OK;
}

MKT_EXPORT int mkt_ctx_audit(mkt_ctx *ctx, const mkt_audit_record *record)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (record == NULL)
        return mkt__error(ctx, MKT_EINVAL, "audit: record is NULL");
    mkt_audit_record r;
    int rc = read_record(ctx, record, &r);
    if (rc)
        return rc;
    if (r.ts == 0) {
        rc = mkt_ctx_now(ctx, &r.ts);
        if (rc)
            return rc;
        if (r.ts < 0)
            return mkt__error(ctx, MKT_EINVAL, "audit: clock gave ts %" PRId64
                              " before 1970", r.ts);
    }
    if (ctx->host.audit == NULL)
        return store_record(ctx, &r);
    rc = ctx->host.audit(&r, ctx->host.user_data);
    if (rc)
        return mkt__error(ctx, rc, "audit callback failed for action '%s': %s", r.action,
                          mkt_strerror(rc));
    return MKT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * mkt_ctx_audit(): validate an audit record, stamp it with the context's clock when its ts is
 * 0, and hand it to the host's audit callback or, by default, to a hash chain in the store.
 *
 * Default sink format:
 *   namespace "audit", key = the record's chain number n = 1, 2, ... as 20 zero-padded
 *   decimal digits (ascending byte order is chain order), value = text lines "name=value\n":
 *     seq=<n>  ts=<ts>  actor=...  action=...  subject_mac=<hex>  detail_mac=<hex>
 *     prev=<hex SHA-256 of record n-1, or 64 zeros>   subject=...  detail=...
 *   Optional fields are left out when absent. In values, backslash, newline and carriage return
 *   are escaped as "\\", "\n" and "\r", so every field is exactly one line.
 *   The record's hash is the SHA-256 of its value up to and including the prev line: the
 *   subject and detail are covered only through their HMACs under the store's salt
 *   (subject_mac of a customer id is that customer's erasure tombstone), so erasure can drop
 *   their text (cut the value after prev) and the chain still verifies.
 *   namespace "audit.head", key "head", value "<n> <hex hash of record n>": the chain head.
 *
 * Writing record n+1 (n and h read from the head, at head version v):
 *   1. create key n+1 (create-only). If it exists, another writer is between its steps (or died
 *      there): help it by moving the head over its record (compare-and-set from v), and retry.
 *   2. move the head from (n, h) to (n+1, hash) with compare-and-set from v. A conflict means
 *      someone helped already: record n+1 is ours either way.
 * Record n+1 can only be created once and only while the head says n, so two writers can never
 * both chain to the same record (no fork), and a crash between the steps loses nothing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit-private.h"
#include "util.h"

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

static int append_hex(mkt__buf *b, const char *name, const uint8_t *h)
{
    char hex[MKT__MAC_HEX + 1];
    mkt__hex(h, MKT__MAC_LEN, hex);
    return mkt__buf_appendf(b, "%s=%s\n", name, hex);
}

/* The keyed hashes of subject and detail, computed once per record (not per retry). */
struct macs {
    uint8_t subject[MKT__MAC_LEN];
    uint8_t detail[MKT__MAC_LEN];
};

static int compute_macs(mkt_ctx *ctx, const mkt_audit_record *r, struct macs *m)
{
    int rc = MKT_OK;
    if (r->subject)
        rc = mkt__salted_mac(ctx, "customer", r->subject, strlen(r->subject), m->subject);
    if (rc == MKT_OK && r->detail)
        rc = mkt__salted_mac(ctx, "detail", r->detail, strlen(r->detail), m->detail);
    return rc;
}

/* The chained part of a record: everything its hash covers. */
static int serialize_chained(mkt__buf *b, const mkt_audit_record *r, const struct macs *m,
                             uint64_t seq, const uint8_t *prev)
{
    int rc = mkt__buf_appendf(b, "seq=%" PRIu64 "\nts=%" PRId64 "\n", seq, r->ts);
    if (rc == MKT_OK)
        rc = append_field(b, "actor", r->actor);
    if (rc == MKT_OK)
        rc = append_field(b, "action", r->action);
    if (rc == MKT_OK && r->subject)
        rc = append_hex(b, "subject_mac", m->subject);
    if (rc == MKT_OK && r->detail)
        rc = append_hex(b, "detail_mac", m->detail);
    if (rc == MKT_OK)
        rc = append_hex(b, "prev", prev);
    return rc;
}

int mkt__audit_record_hash(const char *value, size_t len, uint8_t out[MKT__MAC_LEN])
{
    /* "prev=" starts a line: at the start of the value or after a newline */
    for (size_t i = 0; i + 5 <= len; i++) {
        if ((i == 0 || value[i - 1] == '\n') && memcmp(value + i, "prev=", 5) == 0) {
            const char *nl = memchr(value + i, '\n', len - i);
            if (nl == NULL)
                return -1;
            mkt__sha256_buf(value, (size_t)(nl - value) + 1, out);
            return 0;
        }
    }
    return -1;
}

int mkt__audit_subject_mac(const char *value, size_t len, uint8_t mac[MKT__MAC_LEN])
{
    static const char name[] = "subject_mac=";
    const size_t nl = sizeof name - 1;
    for (size_t i = 0; i + nl + MKT__MAC_HEX <= len; i++) {
        if ((i == 0 || value[i - 1] == '\n') && memcmp(value + i, name, nl) == 0)
            return mkt__unhex(value + i + nl, MKT__MAC_HEX, mac, MKT__MAC_LEN);
    }
    return -1;
}

struct head {
    uint64_t seq;
    uint8_t hash[MKT__MAC_LEN];
    uint64_t version; /* MKT_VERSION_ABSENT when there is no head yet */
};

static int read_head(mkt_ctx *ctx, struct head *h)
{
    char *v = NULL;
    size_t len = 0;
    memset(h, 0, sizeof *h);
    int rc = mkt_store_get(ctx, MKT__AUDIT_HEAD_NS, MKT__AUDIT_HEAD_KEY,
                           strlen(MKT__AUDIT_HEAD_KEY), &v, &len, &h->version);
    if (rc == MKT_ENOTFOUND)
        return MKT_OK; /* empty chain */
    if (rc)
        return rc;
    char *sp = memchr(v, ' ', len);
    char *end = NULL;
    if (sp != NULL && v[0] >= '0' && v[0] <= '9')
        h->seq = strtoull(v, &end, 10);
    if (sp == NULL || end != sp || h->seq == 0 ||
        mkt__unhex(sp + 1, len - (size_t)(sp + 1 - v), h->hash, MKT__MAC_LEN) != 0)
        rc = mkt__error(ctx, MKT_ETYPE, "audit: the chain head (namespace '%s') is garbled; "
                        "run mkt audit verify", MKT__AUDIT_HEAD_NS);
    mkt_free(v);
    return rc;
}

static int put_head(mkt_ctx *ctx, const struct head *h, uint64_t seq, const uint8_t *hash)
{
    char text[32 + MKT__MAC_HEX];
    int n = snprintf(text, sizeof text, "%" PRIu64 " ", seq);
    mkt__hex(hash, MKT__MAC_LEN, text + n);
    return mkt_store_put(ctx, MKT__AUDIT_HEAD_NS, MKT__AUDIT_HEAD_KEY,
                         strlen(MKT__AUDIT_HEAD_KEY), text, (size_t)n + MKT__MAC_HEX,
                         h->version, NULL);
}

static void record_key(uint64_t seq, char key[MKT__AUDIT_KEY_LEN + 1])
{
    snprintf(key, MKT__AUDIT_KEY_LEN + 1, "%020" PRIu64, seq);
}

/* Record h->seq + 1 exists but the head was not moved over it: move it (the writer may have
 * died). Refuse to bake in a record that does not chain to the head. */
static int help_advance(mkt_ctx *ctx, const struct head *h)
{
    char key[MKT__AUDIT_KEY_LEN + 1];
    record_key(h->seq + 1, key);
    char *v = NULL;
    size_t len = 0;
    int rc = mkt_store_get(ctx, MKT__AUDIT_NS, key, MKT__AUDIT_KEY_LEN, &v, &len, NULL);
    if (rc == MKT_ENOTFOUND)
        return MKT_OK; /* deleted meanwhile?  the next try sees it */
    if (rc)
        return rc;
    uint8_t hash[MKT__MAC_LEN];
    char want[6 + MKT__MAC_HEX + 2];
    memcpy(want, "\nprev=", 6);
    mkt__hex(h->hash, MKT__MAC_LEN, want + 6);
    want[6 + MKT__MAC_HEX] = '\n';
    int chains = mkt__audit_record_hash(v, len, hash) == 0 &&
                 memmem(v, len, want, 7 + MKT__MAC_HEX) != NULL;
    mkt_free(v);
    if (!chains)
        return mkt__error(ctx, MKT_ESTATE, "audit: record %s does not chain to the head; "
                          "the chain is damaged (run mkt audit verify)", key);
    rc = put_head(ctx, h, h->seq + 1, hash);
    return rc == MKT_ECONFLICT ? MKT_OK : rc;
}

static int append_unchained(mkt__buf *b, const mkt_audit_record *r)
{
    int rc = append_field(b, "subject", r->subject);
    return rc ? rc : append_field(b, "detail", r->detail);
}

/* One attempt at record head+1; *done = 1 when it is in the chain. */
static int try_append(mkt_ctx *ctx, mkt__buf *b, const mkt_audit_record *r,
                      const struct macs *m, int *done)
{
    struct head h;
    int rc = read_head(ctx, &h);
    if (rc)
        return rc;
    mkt__buf_reset(b);
    rc = serialize_chained(b, r, m, h.seq + 1, h.hash);
    uint8_t hash[MKT__MAC_LEN];
    if (rc == MKT_OK) {
        mkt__sha256_buf(b->data, b->len, hash);
        rc = append_unchained(b, r);
    }
    if (rc)
        return rc;
    char key[MKT__AUDIT_KEY_LEN + 1];
    record_key(h.seq + 1, key);
    rc = mkt_store_put(ctx, MKT__AUDIT_NS, key, MKT__AUDIT_KEY_LEN, b->data, b->len,
                       MKT_VERSION_ABSENT, NULL);
    if (rc == MKT_ECONFLICT)
        return help_advance(ctx, &h);
    if (rc)
        return rc;
    *done = 1;
    rc = put_head(ctx, &h, h.seq + 1, hash);
    return rc == MKT_ECONFLICT ? MKT_OK : rc; /* a helper moved the head over our record */
}

static int store_record(mkt_ctx *ctx, const mkt_audit_record *r)
{
    struct macs m;
    int rc = compute_macs(ctx, r, &m);
    if (rc)
        return rc;
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    int done = 0;
    for (int tries = 0; rc == MKT_OK && !done; tries++) {
        if (tries == AUDIT_MAX_TRIES) {
            rc = mkt__error(ctx, MKT_ECONFLICT, "audit: the chain head stayed contended for "
                            "%d attempts", AUDIT_MAX_TRIES);
            break;
        }
        rc = try_append(ctx, &b, r, &m, &done);
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

MKT_EXPORT int mkt_audit_chain_hash(mkt_ctx *ctx, const mkt_audit_record *record,
                                   uint64_t seq, const uint8_t *prev, uint8_t *out)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (record == NULL || prev == NULL || out == NULL)
        return mkt__error(ctx, MKT_EINVAL, "audit chain hash: %s is NULL",
                          record == NULL ? "record" : prev == NULL ? "prev" : "out");
    if (seq == 0)
        return mkt__error(ctx, MKT_EINVAL, "audit chain hash: seq is 0 (records count from 1)");
    mkt_audit_record r;
    int rc = read_record(ctx, record, &r);
    struct macs m;
    if (rc == MKT_OK)
        rc = compute_macs(ctx, &r, &m);
    if (rc)
        return rc;
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    rc = serialize_chained(&b, &r, &m, seq, prev);
    if (rc == MKT_OK)
        mkt__sha256_buf(b.data, b.len, out);
    mkt__buf_free(&b);
    return rc;
}

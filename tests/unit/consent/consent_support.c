/* SPDX-License-Identifier: MIT */
/* See consent_support.h. */
#include <stdio.h>
#include <string.h>

#include "consent_support.h"

void fault_store_init(fault_store *f)
{
    memset(f, 0, sizeof *f);
    f->fail_at = -1;
    f->fail_rc = MKT_EIO;
    f->bump_after_op = -1;
    if (mkt_ctx_new(&f->inner, NULL, NULL) != MKT_OK)
        f->inner = NULL;
}

void fault_store_free(fault_store *f)
{
    mkt_ctx_free(f->inner);
    f->inner = NULL;
}

/* Count an operation; non-zero when it must fail. */
static int step(fault_store *f)
{
    long n = f->ops++;
    if (f->bump_after_op >= 0 && n == f->bump_after_op + 1) {
        f->bump_after_op = -1;
        if (f->bump_fn)
            f->bump_fn(f);
        else
            mkt_store_incr(f->inner, f->bump_ns, f->bump_key, f->bump_key_len, 1, INT64_MAX,
                           NULL);
    }
    return f->fail_at >= 0 && (n == f->fail_at || (f->sticky && n > f->fail_at));
}

static int fs_get(const char *ns, const char *key, size_t key_len, mkt_store_reply *reply,
                  void *ud)
{
    fault_store *f = ud;
    if (step(f))
        return f->fail_rc;
    char *value;
    size_t len;
    uint64_t version;
    int rc = mkt_store_get(f->inner, ns, key, key_len, &value, &len, &version);
    if (rc == MKT_OK) {
        rc = mkt_store_reply_set(reply, value, len, version);
        mkt_free(value);
    }
    return rc;
}

static int fs_put(const char *ns, const char *key, size_t key_len, const void *value,
                  size_t value_len, uint64_t expected, uint64_t *nv, void *ud)
{
    fault_store *f = ud;
    if (step(f))
        return f->fail_rc;
    if (f->conflicts > 0 && strcmp(ns, "consent.state") == 0) {
        f->conflicts--;
        return MKT_ECONFLICT;
    }
    return mkt_store_put(f->inner, ns, key, key_len, value, value_len, expected, nv);
}

static int fs_del(const char *ns, const char *key, size_t key_len, uint64_t expected, void *ud)
{
    fault_store *f = ud;
    if (step(f))
        return f->fail_rc;
    return mkt_store_delete(f->inner, ns, key, key_len, expected);
}

static int fs_incr(const char *ns, const char *key, size_t key_len, int64_t delta,
                   int64_t limit, int64_t *result, void *ud)
{
    fault_store *f = ud;
    if (step(f))
        return f->fail_rc;
    return mkt_store_incr(f->inner, ns, key, key_len, delta, limit, result);
}

static int fs_scan(const char *ns, const char *prefix, size_t prefix_len,
                   mkt_store_visit_fn visit, void *visit_data, void *ud)
{
    fault_store *f = ud;
    if (step(f))
        return f->fail_rc;
    return mkt_store_scan(f->inner, ns, prefix, prefix_len, visit, visit_data);
}

void fault_store_ops(fault_store *f, mkt_store_ops *ops)
{
    memset(ops, 0, sizeof *ops);
    ops->struct_size = sizeof *ops;
    ops->get = fs_get;
    ops->put = fs_put;
    ops->del = fs_del;
    ops->incr = fs_incr;
    ops->scan = fs_scan;
    ops->user_data = f;
}

mkt_ctx *fault_store_ctx(fault_store *f)
{
    fault_store_init(f);
    mkt_store_ops ops;
    fault_store_ops(f, &ops);
    mkt_host h = MKT_HOST_INIT;
    h.store = &ops; /* the context copies the table */
    mkt_ctx *c = NULL;
    return mkt_ctx_new(&c, &h, NULL) == MKT_OK ? c : NULL;
}

int audit_log_sink(const mkt_audit_record *r, void *user_data)
{
    audit_log *a = user_data;
    if (a->fail)
        return MKT_EIO;
    if (a->count < 64) {
        snprintf(a->actions[a->count], sizeof a->actions[0], "%s", r->action);
        snprintf(a->subjects[a->count], sizeof a->subjects[0], "%s",
                 r->subject ? r->subject : "");
    }
    a->count++;
    return MKT_OK;
}

int audit_log_count(const audit_log *a, const char *action)
{
    int n = 0;
    for (int i = 0; i < a->count && i < 64; i++)
        n += strcmp(a->actions[i], action) == 0;
    return n;
}

/* The record: version 3, a channel mask, 18 bytes for each channel in it, 3 x u16
 * all-channel caps, the DNC entries (u8 count, 10 bytes each), the topics (u8 count, 2 +
 * length bytes each), then the counters: u8 nslots, nslots x (u8 slot = scope * 3 + period,
 * i32 window, u16 count). */
int64_t consent_counter_slot(mkt_ctx *c, const char *id, int scope, int period,
                             int64_t *window)
{
    char key[300], *v = NULL;
    size_t len = 0, klen = (size_t)snprintf(key, sizeof key, "%s\x1f", id);
    int rc = mkt_store_get(c, "consent.state", key, klen, &v, &len, NULL);
    const unsigned char *p = (const unsigned char *)v;
    int64_t n = -1;
    size_t at = 2 + 6;
    for (int c = 0; rc == MKT_OK && len > 1 && c < 6; c++)
        at += (p[1] >> c & 1) * 18u;
    if (rc == MKT_OK && len > at && p[0] == 3) {
        at += 1 + (size_t)p[at] * 10;
        for (unsigned t = 0, nt = at < len ? p[at++] : 0; t < nt && at + 1 < len; t++)
            at += 2 + (size_t)p[at + 1];
        size_t nslots = at < len ? p[at++] : 0;
        if (at + nslots * 7 == len) {
            *window = INT32_MIN;
            n = 0;
            for (const unsigned char *q = p + at; q < p + len; q += 7) {
                if (q[0] != scope * 3 + period)
                    continue;
                *window = (int32_t)((uint32_t)q[1] | (uint32_t)q[2] << 8 |
                                    (uint32_t)q[3] << 16 | (uint32_t)q[4] << 24);
                n = q[5] | q[6] << 8;
            }
        }
    }
    mkt_free(v);
    return n;
}

/* SPDX-License-Identifier: MIT */
/*
 * Trampolines with the exact signatures of host.h and store.h, each forwarding to an exported
 * Go function (cgo drops const qualifiers in _cgo_export.h, so the casts live here), and the
 * helpers that fill option structs with them.
 */
#include <string.h>

#include "shim.h"
#include "_cgo_export.h"

static int go_now(mkt_time *out, void *ud) { return mktGoNow(out, ud); }

static void go_log(int32_t level, const char *message, void *ud)
{
    mktGoLog(level, (char *)message, ud);
}

static int go_random(void *buf, size_t len, void *ud) { return mktGoRandom(buf, len, ud); }

static int go_send(const mkt_message *message, void *ud)
{
    return mktGoSend((mkt_message *)message, ud);
}

static int go_action(const mkt_journey_action *action, void *ud)
{
    return mktGoJourneyAction((mkt_journey_action *)action, ud);
}

void mkt_go_engine_action(mkt_journey_engine_options *opts, uintptr_t handle)
{
    opts->action = go_action;
    opts->action_user = (void *)handle;
}

static int go_audit(const mkt_audit_record *record, void *ud)
{
    return mktGoAudit((mkt_audit_record *)record, ud);
}

static int go_get(const char *ns, const char *key, size_t key_len, mkt_store_reply *reply,
                  void *ud)
{
    return mktGoStoreGet((char *)ns, (char *)key, key_len, reply, ud);
}

static int go_put(const char *ns, const char *key, size_t key_len, const void *value,
                  size_t value_len, uint64_t expected, uint64_t *new_version, void *ud)
{
    return mktGoStorePut((char *)ns, (char *)key, key_len, (void *)value, value_len, expected,
                         new_version, ud);
}

static int go_del(const char *ns, const char *key, size_t key_len, uint64_t expected, void *ud)
{
    return mktGoStoreDel((char *)ns, (char *)key, key_len, expected, ud);
}

static int go_incr(const char *ns, const char *key, size_t key_len, int64_t delta,
                   int64_t limit, int64_t *result, void *ud)
{
    return mktGoStoreIncr((char *)ns, (char *)key, key_len, delta, limit, result, ud);
}

static int go_scan(const char *ns, const char *prefix, size_t prefix_len,
                   mkt_store_visit_fn visit, void *visit_data, void *ud)
{
    return mktGoStoreScan((char *)ns, (char *)prefix, prefix_len, visit, visit_data, ud);
}

static int go_visit(const char *key, size_t key_len, const void *value, size_t value_len,
                    uint64_t version, void *visit_data)
{
    return mktGoVisit((char *)key, key_len, (void *)value, value_len, version, visit_data);
}

static int go_progress(uint64_t done, uint64_t total, uint64_t rows, void *data)
{
    return mktGoProgress(done, total, rows, data);
}

static int go_resolve(const char *name, const mkt_rule **rule, void *ud)
{
    return mktGoResolve((char *)name, (mkt_rule **)rule, ud);
}

int mkt_go_ctx_new(mkt_ctx **out, uintptr_t handle, unsigned flags, const mkt_ctx_options *opts)
{
    mkt_host host;
    mkt_store_ops ops;
    int rc = mkt_host_init(&host);
    if (rc != MKT_OK)
        return rc;
    host.user_data = (void *)handle;
    if (flags & MKT_GO_NOW)
        host.now = go_now;
    if (flags & MKT_GO_LOG)
        host.log = go_log;
    if (flags & MKT_GO_RANDOM)
        host.random = go_random;
    if (flags & MKT_GO_SEND)
        host.send = go_send;
    if (flags & MKT_GO_AUDIT)
        host.audit = go_audit;
    if (flags & MKT_GO_STORE) {
        memset(&ops, 0, sizeof ops);
        ops.struct_size = sizeof ops;
        ops.get = go_get;
        ops.put = go_put;
        ops.del = go_del;
        ops.incr = go_incr;
        ops.scan = go_scan;
        ops.user_data = (void *)handle;
        host.store = &ops; /* copied by mkt_ctx_new() */
    }
    return mkt_ctx_new(out, &host, opts);
}

int mkt_go_call_visit(mkt_store_visit_fn visit, const void *key, size_t key_len,
                      const void *value, size_t value_len, uint64_t version, void *visit_data)
{
    return visit((const char *)key, key_len, value, value_len, version, visit_data);
}

int mkt_go_store_scan(mkt_ctx *ctx, const char *ns, const void *prefix, size_t prefix_len,
                      uintptr_t handle)
{
    return mkt_store_scan(ctx, ns, (const char *)prefix, prefix_len, go_visit, (void *)handle);
}

void mkt_go_load_progress(mkt_load_options *opts, uintptr_t handle)
{
    opts->progress = go_progress;
    opts->progress_data = (void *)handle;
}

void mkt_go_paths_progress(mkt_paths_options *opts, uintptr_t handle)
{
    opts->progress = go_progress;
    opts->progress_data = (void *)handle;
}

void mkt_go_segment_resolver(mkt_segment_options *opts, uintptr_t handle)
{
    opts->resolver = go_resolve;
    opts->resolver_data = (void *)handle;
}

void mkt_go_catalog_resolver(mkt_segment_options *opts, const mkt_catalog *catalog)
{
    opts->resolver = mkt_catalog_resolve;
    opts->resolver_data = (void *)(uintptr_t)catalog; /* the resolver only reads it */
}

const char **mkt_go_strings_new(size_t n)
{
    return calloc(n ? n : 1, sizeof(const char *));
}

void mkt_go_strings_set(const char **arr, size_t i, const char *s) { arr[i] = s; }

void mkt_go_strings_free(const char **arr, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((void *)arr[i]);
    free(arr);
}

/* SPDX-License-Identifier: MIT */
/*
 * Public entry points of the storage contract (include/libmarketing/store.h): argument
 * validation, the reply object through which a get callback hands its value over, and error
 * reporting that names the namespace and the operation. The store itself is the host's or the
 * built-in memory store (memstore.c); it is reached only through ctx->store.
 */
#include <inttypes.h>
#include <string.h>

#include "core-private.h"

/* Filled by mkt_store_reply_set() during a get callback. The value is copied straight into a
 * caller-owned block (mkt__caller_alloc) so mkt_store_get() hands it over without a second
 * copy; want_value = 0 skips the copy when the caller asked only for the version. */
struct mkt_store_reply {
    mkt_ctx *ctx;
    int want_value;
    int set;
    int rc;
    char *value;
    size_t value_len;
    uint64_t version;
    unsigned char *buf; /* mkt__store_get_buf(): copy here when the value fits */
    size_t buf_cap;
};

MKT_EXPORT int mkt_store_reply_set(mkt_store_reply *reply, const void *value, size_t value_len,
                                   uint64_t version)
{
    if (reply == NULL)
        return MKT_EINVAL;
    if (reply->set || (value == NULL && value_len > 0) || version == MKT_VERSION_ABSENT) {
        reply->rc = MKT_EINVAL;
        return MKT_EINVAL;
    }
    if (reply->buf != NULL) {
        if (value_len <= reply->buf_cap && value_len)
            memcpy(reply->buf, value, value_len);
    } else if (reply->want_value) {
        char *copy = value_len < SIZE_MAX ? mkt__caller_alloc(reply->ctx, value_len + 1) : NULL;
        if (copy == NULL) {
            reply->rc = MKT_ENOMEM;
            return MKT_ENOMEM;
        }
        if (value_len)
            memcpy(copy, value, value_len);
        copy[value_len] = '\0';
        reply->value = copy;
    }
    reply->set = 1;
    reply->value_len = value_len;
    reply->version = version;
    return MKT_OK;
}

/* Validate what every operation takes; reports through the context when there is one. */
static int check_args(mkt_ctx *ctx, const char *op, const char *ns, const char *key,
                      size_t key_len)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (ns == NULL || ns[0] == '\0')
        return mkt__error(ctx, MKT_EINVAL, "store %s: namespace is %s", op,
                          ns ? "empty" : "NULL");
    if (key == NULL)
        return mkt__error(ctx, MKT_EINVAL, "store %s in '%s': key is NULL", op, ns);
    if (key_len == 0)
        return mkt__error(ctx, MKT_EINVAL, "store %s in '%s': key is empty", op, ns);
    if (key_len > MKT_STORE_MAX_KEY)
        return mkt__error(ctx, MKT_EINVAL, "store %s in '%s': key of %zu bytes exceeds %d",
                          op, ns, key_len, MKT_STORE_MAX_KEY);
    return MKT_OK;
}

/* Report a store callback's failure; expected outcomes get a short, specific message. */
static int store_failed(mkt_ctx *ctx, const char *op, const char *ns, int rc)
{
    switch (rc) {
    case MKT_ENOTFOUND:
        return mkt__error(ctx, rc, "store %s in '%s': key not found", op, ns);
    case MKT_ECONFLICT:
        return mkt__error(ctx, rc, "store %s in '%s': version conflict", op, ns);
    default:
        return mkt__error(ctx, rc, "store %s in '%s' failed: %s", op, ns, mkt_strerror(rc));
    }
}

MKT_EXPORT int mkt_store_get(mkt_ctx *ctx, const char *ns, const char *key, size_t key_len,
                             char **value, size_t *value_len, uint64_t *version)
{
    int rc = check_args(ctx, "get", ns, key, key_len);
    if (rc)
        return rc;
    if (value)
        *value = NULL;
    struct mkt_store_reply reply = { ctx, value != NULL, 0, MKT_OK, NULL, 0, 0, NULL, 0 };
    rc = ctx->store.get(ns, key, key_len, &reply, ctx->store.user_data);
    if (rc == MKT_OK && reply.rc != MKT_OK)
        rc = reply.rc; /* the callback ignored mkt_store_reply_set's failure */
    if (rc == MKT_OK && !reply.set) {
        rc = mkt__error(ctx, MKT_EINTERNAL,
                        "store get in '%s': store returned success without a value", ns);
    } else if (rc != MKT_OK) {
        rc = store_failed(ctx, "get", ns, rc);
    }
    if (rc != MKT_OK) {
        mkt_free(reply.value);
        return rc;
    }
    if (value)
        *value = reply.value;
    if (value_len)
        *value_len = reply.value_len;
    if (version)
        *version = reply.version;
    return MKT_OK;
}

/* The hot-path read (core-private.h): no allocation, and "absent" is an answer, not an
 * error worth formatting a message for (decisions ask for counters that mostly do not exist
 * yet). */
int mkt__store_get_buf(mkt_ctx *ctx, const char *ns, const char *key, size_t key_len,
                       void *buf, size_t cap, size_t *value_len, uint64_t *version)
{
    int rc = check_args(ctx, "get", ns, key, key_len);
    if (rc)
        return rc;
    struct mkt_store_reply reply = { ctx, 0, 0, MKT_OK, NULL, 0, 0, buf, cap };
    rc = ctx->store.get(ns, key, key_len, &reply, ctx->store.user_data);
    if (rc == MKT_OK && reply.rc != MKT_OK)
        rc = reply.rc;
    if (rc == MKT_ENOTFOUND)
        return rc;
    if (rc == MKT_OK && !reply.set)
        return mkt__error(ctx, MKT_EINTERNAL,
                          "store get in '%s': store returned success without a value", ns);
    if (rc != MKT_OK)
        return store_failed(ctx, "get", ns, rc);
    *value_len = reply.value_len;
    if (version)
        *version = reply.version;
    return reply.value_len <= cap ? MKT_OK : MKT_ETOOBIG;
}

long mkt__store_prefetch_ns(mkt_ctx *ctx, const char *ns)
{
    return mkt__store_is_builtin(ctx) ? mkt__memstore_ns_index(ctx->store.user_data, ns) : -1;
}

void mkt__store_prefetch(mkt_ctx *ctx, long ns_index, uint64_t hash, int stage)
{
    if (ns_index >= 0)
        mkt__memstore_prefetch(ctx->store.user_data, ns_index, hash, stage);
}

int mkt__store_view_hashed(mkt_ctx *ctx, const char *ns, mkt__ns_ref *ref, const char *key,
                           size_t key_len, uint64_t hash, void *buf, size_t cap,
                           const unsigned char **value, size_t *value_len, uint64_t *version)
{
    if (!mkt__store_is_builtin(ctx)) {
        *value = buf;
        return mkt__store_get_buf(ctx, ns, key, key_len, buf, cap, value_len, version);
    }
    void *m = ctx->store.user_data;
    if (ref->store != m) {
        long index = mkt__memstore_ns_lookup(m, ns);
        if (index < 0)
            return MKT_ENOTFOUND; /* no such namespace yet: no such key */
        ref->store = m;
        ref->index = index;
    }
    return mkt__memstore_view_at(m, ref->index, key, key_len, hash, value, value_len, version);
}

MKT_EXPORT int mkt_store_put(mkt_ctx *ctx, const char *ns, const char *key, size_t key_len,
                             const void *value, size_t value_len, uint64_t expected_version,
                             uint64_t *new_version)
{
    int rc = check_args(ctx, "put", ns, key, key_len);
    if (rc)
        return rc;
    if (value == NULL && value_len > 0)
        return mkt__error(ctx, MKT_EINVAL, "store put in '%s': value is NULL", ns);
    uint64_t v = 0;
    rc = ctx->store.put(ns, key, key_len, value, value_len, expected_version, &v,
                        ctx->store.user_data);
    if (rc)
        return store_failed(ctx, "put", ns, rc);
    if (new_version)
        *new_version = v;
    return MKT_OK;
}

MKT_EXPORT int mkt_store_delete(mkt_ctx *ctx, const char *ns, const char *key, size_t key_len,
                                uint64_t expected_version)
{
    int rc = check_args(ctx, "delete", ns, key, key_len);
    if (rc)
        return rc;
    rc = ctx->store.del(ns, key, key_len, expected_version, ctx->store.user_data);
    return rc ? store_failed(ctx, "delete", ns, rc) : MKT_OK;
}

MKT_EXPORT int mkt_store_incr(mkt_ctx *ctx, const char *ns, const char *key, size_t key_len,
                              int64_t delta, int64_t limit, int64_t *result)
{
    int rc = check_args(ctx, "incr", ns, key, key_len);
    if (rc)
        return rc;
    int64_t v = 0;
    rc = ctx->store.incr(ns, key, key_len, delta, limit, &v, ctx->store.user_data);
    switch (rc) {
    case MKT_OK:
        if (result)
            *result = v;
        return MKT_OK;
    case MKT_ELIMIT:
        return mkt__error(ctx, rc, "store incr in '%s': %+" PRId64 " would pass the limit %"
                          PRId64, ns, delta, limit);
    case MKT_ETYPE:
        return mkt__error(ctx, rc, "store incr in '%s': stored value is not a counter", ns);
    case MKT_ERANGE:
        return mkt__error(ctx, rc, "store incr in '%s': %+" PRId64 " overflows int64", ns,
                          delta);
    default:
        return store_failed(ctx, "incr", ns, rc);
    }
}

/* Remembers what the caller's visitor returned, so that its own error (and the message it
 * may have recorded on the context) passes through scan unchanged. */
struct visit_trampoline {
    mkt_store_visit_fn visit;
    void *visit_data;
    int visitor_rc;
};

static int trampoline(const char *key, size_t key_len, const void *value, size_t value_len,
                      uint64_t version, void *data)
{
    struct visit_trampoline *t = data;
    int rc = t->visit(key, key_len, value, value_len, version, t->visit_data);
    if (rc < 0)
        t->visitor_rc = rc;
    return rc;
}

MKT_EXPORT int mkt_store_scan(mkt_ctx *ctx, const char *ns, const char *prefix,
                              size_t prefix_len, mkt_store_visit_fn visit, void *visit_data)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (ns == NULL || ns[0] == '\0')
        return mkt__error(ctx, MKT_EINVAL, "store scan: namespace is %s", ns ? "empty" : "NULL");
    if (visit == NULL)
        return mkt__error(ctx, MKT_EINVAL, "store scan in '%s': visitor is NULL", ns);
    if (prefix == NULL && prefix_len > 0)
        return mkt__error(ctx, MKT_EINVAL, "store scan in '%s': prefix is NULL", ns);
    if (prefix_len > MKT_STORE_MAX_KEY)
        return mkt__error(ctx, MKT_EINVAL, "store scan in '%s': prefix of %zu bytes exceeds %d",
                          ns, prefix_len, MKT_STORE_MAX_KEY);
    struct visit_trampoline t = { visit, visit_data, MKT_OK };
    int rc = ctx->store.scan(ns, prefix ? prefix : "", prefix_len, trampoline, &t,
                             ctx->store.user_data);
    if (rc >= 0)
        return MKT_OK; /* > 0: a store that passed the visitor's stop value through */
    if (rc == t.visitor_rc) {
        /* keep a message the visitor recorded; otherwise say who stopped the scan */
        if (mkt_ctx_last_error(ctx)->code != rc)
            mkt__error(ctx, rc, "store scan in '%s' aborted by the visitor: %s", ns,
                       mkt_strerror(rc));
        return rc;
    }
    return store_failed(ctx, "scan", ns, rc);
}

/* SPDX-License-Identifier: MIT */
/*
 * The context: copies of the host interface and options with every default filled in, so the
 * rest of the library calls callbacks without NULL checks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "core-private.h"

static void *default_alloc(size_t size, void *user_data)
{
    (void)user_data;
    return malloc(size);
}

static void *default_realloc(void *ptr, size_t size, void *user_data)
{
    (void)user_data;
    return realloc(ptr, size);
}

static void default_free(void *ptr, void *user_data)
{
    (void)user_data;
    free(ptr);
}

static int default_now(mkt_time *out, void *user_data)
{
    (void)user_data;
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return MKT_EIO;
    *out = (mkt_time)ts.tv_sec;
    return MKT_OK;
}

static int default_random(void *buf, size_t len, void *user_data)
{
    (void)user_data;
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return MKT_EIO;
        }
        p += n;
        len -= (size_t)n;
    }
    return MKT_OK;
}

static int default_send(const mkt_message *message, void *user_data)
{
    (void)message;
    (void)user_data;
    return MKT_EUNSUPPORTED;
}

MKT_EXPORT int mkt_host_init(mkt_host *host)
{
    if (host == NULL)
        return MKT_EINVAL;
    memset(host, 0, sizeof *host);
    host->struct_size = sizeof *host;
    return MKT_OK;
}

MKT_EXPORT int mkt_ctx_options_init(mkt_ctx_options *opts)
{
    if (opts == NULL)
        return MKT_EINVAL;
    mkt_ctx_options def = MKT_CTX_OPTIONS_INIT;
    *opts = def;
    return MKT_OK;
}

/* Copy the part of a caller's struct that both sides know; the rest keeps its default. */
static int copy_sized(void *dst, size_t dst_size, const void *src, size_t src_size)
{
    if (src_size < sizeof(size_t))
        return MKT_EINVAL;
    memcpy(dst, src, src_size < dst_size ? src_size : dst_size);
    *(size_t *)dst = dst_size;
    return MKT_OK;
}

static int fill_host(mkt_host *h, const mkt_host *given)
{
    mkt_host_init(h);
    if (given && copy_sized(h, sizeof *h, given, given->struct_size) != MKT_OK)
        return MKT_EINVAL;
    int hooks = (h->alloc != NULL) + (h->realloc != NULL) + (h->free != NULL);
    if (hooks != 0 && hooks != 3)
        return MKT_EINVAL;
    if (hooks == 0) {
        h->alloc = default_alloc;
        h->realloc = default_realloc;
        h->free = default_free;
    }
    if (h->now == NULL)
        h->now = default_now;
    if (h->random == NULL)
        h->random = default_random;
    if (h->send == NULL)
        h->send = default_send;
    /* log NULL = discard; audit NULL = the default sink in mkt_ctx_audit(). */
    return MKT_OK;
}

static int fill_options(mkt_ctx_options *o, const mkt_ctx_options *given)
{
    mkt_ctx_options_init(o);
    if (given && copy_sized(o, sizeof *o, given, given->struct_size) != MKT_OK)
        return MKT_EINVAL;
    if (o->max_field_bytes == 0 || o->max_fields == 0)
        return MKT_EINVAL;
    return MKT_OK;
}

MKT_EXPORT int mkt_ctx_new(mkt_ctx **out, const mkt_host *host, const mkt_ctx_options *opts)
{
    if (out == NULL)
        return MKT_EINVAL;
    *out = NULL;
    mkt_host h;
    mkt_ctx_options o;
    if (fill_host(&h, host) != MKT_OK || fill_options(&o, opts) != MKT_OK)
        return MKT_EINVAL;
    mkt_ctx *ctx = h.alloc(sizeof *ctx, h.user_data);
    if (ctx == NULL)
        return MKT_ENOMEM;
    memset(ctx, 0, sizeof *ctx);
    ctx->host = h;
    ctx->opts = o;
    ctx->libc_alloc = h.alloc == default_alloc;
    mkt__error_reset(ctx);
    int rc;
    if (h.store) {
        memset(&ctx->store, 0, sizeof ctx->store);
        rc = copy_sized(&ctx->store, sizeof ctx->store, h.store, h.store->struct_size);
        if (rc == MKT_OK && (!ctx->store.get || !ctx->store.put || !ctx->store.del ||
                             !ctx->store.incr || !ctx->store.scan))
            rc = MKT_EINVAL;
    } else {
        rc = mkt__memstore_init(ctx, &ctx->store);
    }
    if (rc != MKT_OK) {
        h.free(ctx, h.user_data);
        return rc;
    }
    *out = ctx;
    return MKT_OK;
}

MKT_EXPORT void mkt_ctx_free(mkt_ctx *ctx)
{
    if (ctx == NULL)
        return;
    if (ctx->store.destroy)
        ctx->store.destroy(ctx->store.user_data);
    mkt__error_reset(ctx);
    ctx->host.free(ctx, ctx->host.user_data);
}

MKT_EXPORT int mkt_ctx_now(mkt_ctx *ctx, mkt_time *out)
{
    if (ctx == NULL || out == NULL)
        return MKT_EINVAL;
    int rc = ctx->host.now(out, ctx->host.user_data);
    if (rc != MKT_OK)
        return mkt__error(ctx, rc, "clock callback failed: %s", mkt_strerror(rc));
    return MKT_OK;
}

MKT_EXPORT int mkt_ctx_random(mkt_ctx *ctx, void *buf, size_t len)
{
    if (ctx == NULL || (buf == NULL && len > 0))
        return MKT_EINVAL;
    if (len == 0)
        return MKT_OK;
    int rc = ctx->host.random(buf, len, ctx->host.user_data);
    if (rc != MKT_OK)
        return mkt__error(ctx, rc, "random callback failed: %s", mkt_strerror(rc));
    return MKT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * Status texts, the per-context last error, and logging. Errors live on the context (never in
 * thread-local storage: goroutines and Python threads move between OS threads).
 */
#include <stdio.h>
#include <string.h>

#include "core-private.h"

MKT_EXPORT const char *mkt_strerror(int status)
{
    switch (status) {
    case MKT_OK: return "success";
    case MKT_EINVAL: return "invalid argument";
    case MKT_ENOMEM: return "out of memory";
    case MKT_ENOTFOUND: return "not found";
    case MKT_EEXIST: return "already exists";
    case MKT_ECONFLICT: return "version conflict";
    case MKT_ELIMIT: return "limit reached";
    case MKT_EPARSE: return "parse error";
    case MKT_EIO: return "input/output error";
    case MKT_EUSER: return "aborted by callback";
    case MKT_ERANGE: return "value out of range";
    case MKT_ETOOBIG: return "size limit exceeded";
    case MKT_ETYPE: return "type mismatch";
    case MKT_EUNSUPPORTED: return "not supported";
    case MKT_ESTATE: return "invalid state";
    case MKT_EINTERNAL: return "internal error";
    default: return "unknown status";
    }
}

static void clear_slot(mkt_ctx *ctx)
{
    struct mkt_error_slot *e = &ctx->err;
    mkt__free(ctx, e->message);
    mkt__free(ctx, e->source);
    mkt__free(ctx, e->field);
    e->message = e->source = e->field = NULL;
    e->pub.struct_size = sizeof(mkt_error);
    e->pub.code = MKT_OK;
    e->pub.message = "";
    e->pub.source = NULL;
    e->pub.field = NULL;
    e->pub.line = 0;
    e->pub.column = 0;
}

void mkt__error_reset(mkt_ctx *ctx)
{
    clear_slot(ctx);
}

int mkt__verror_at(mkt_ctx *ctx, int code, const char *source, uint64_t line, uint64_t column,
                   const char *field, const char *fmt, va_list ap)
{
    if (ctx == NULL)
        return code;
    clear_slot(ctx);
    struct mkt_error_slot *e = &ctx->err;
    e->pub.code = code;
    e->pub.line = line;
    e->pub.column = column;

    char text[512];
    vsnprintf(text, sizeof text, fmt, ap);
    char where[384] = "";
    size_t n = 0;
    if (source)
        n += (size_t)snprintf(where + n, sizeof where - n, "%.300s:", source);
    if (line && n < sizeof where)
        n += (size_t)snprintf(where + n, sizeof where - n, "%llu:", (unsigned long long)line);
    if (column && n < sizeof where)
        n += (size_t)snprintf(where + n, sizeof where - n, "%llu:", (unsigned long long)column);
    if (n && n < sizeof where)
        n += (size_t)snprintf(where + n, sizeof where - n, " ");
    if (field && n < sizeof where)
        snprintf(where + n, sizeof where - n, "%.60s: ", field);

    char full[1024];
    snprintf(full, sizeof full, "%s%s", where, text);
    e->message = mkt__strdup(ctx, full);
    e->source = source ? mkt__strdup(ctx, source) : NULL;
    e->field = field ? mkt__strdup(ctx, field) : NULL;
    /* Under memory pressure keep the code and a static text rather than nothing. */
    e->pub.message = e->message ? e->message : mkt_strerror(code);
    e->pub.source = e->source;
    e->pub.field = e->field;
    return code;
}

int mkt__error_at(mkt_ctx *ctx, int code, const char *source, uint64_t line, uint64_t column,
                  const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mkt__verror_at(ctx, code, source, line, column, field, fmt, ap);
    va_end(ap);
    return code;
}

int mkt__error(mkt_ctx *ctx, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mkt__verror_at(ctx, code, NULL, 0, 0, NULL, fmt, ap);
    va_end(ap);
    return code;
}

int mkt__oom(mkt_ctx *ctx)
{
    return mkt__error(ctx, MKT_ENOMEM, "out of memory");
}

void mkt__log(mkt_ctx *ctx, int level, const char *fmt, ...)
{
    if (ctx->host.log == NULL || level < ctx->opts.log_level)
        return;
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    ctx->host.log(level, text, ctx->host.user_data);
}

MKT_EXPORT const mkt_error *mkt_ctx_last_error(const mkt_ctx *ctx)
{
    return ctx ? &ctx->err.pub : NULL;
}

MKT_EXPORT void mkt_ctx_clear_error(mkt_ctx *ctx)
{
    if (ctx)
        clear_slot(ctx);
}

/* SPDX-License-Identifier: MIT */
/*
 * Growable byte buffer. Used for building messages, serialized values and output lines; the
 * contents stay NUL-terminated so they can be handed to printf-style consumers directly.
 * Growth is geometric so that appending n bytes one at a time costs O(n) overall.
 */
#include <stdio.h>

#include "util.h"

void mkt__buf_init(mkt__buf *b, mkt_ctx *ctx)
{
    b->ctx = ctx;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

int mkt__buf_reserve(mkt__buf *b, size_t extra)
{
    /* need = len + extra + 1 (terminator), overflow-checked */
    if (extra > SIZE_MAX - 1 - b->len)
        return mkt__oom(b->ctx);
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return MKT_OK;
    size_t cap = b->cap < 64 ? 64 : b->cap;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = mkt__realloc(b->ctx, b->data, cap);
    if (p == NULL)
        return mkt__oom(b->ctx);
    if (b->data == NULL)
        p[0] = '\0';
    b->data = p;
    b->cap = cap;
    return MKT_OK;
}

int mkt__buf_append(mkt__buf *b, const void *data, size_t len)
{
    int rc = mkt__buf_reserve(b, len);
    if (rc)
        return rc;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return MKT_OK;
}

int mkt__buf_appends(mkt__buf *b, const char *s)
{
    return mkt__buf_append(b, s, strlen(s));
}

int mkt__buf_vappendf(mkt__buf *b, const char *fmt, va_list ap)
{
    /* Try to format into the free space first; measure and retry only if it did not fit. */
    char tmp[1];
    va_list ap2;
    va_copy(ap2, ap);
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    int n = vsnprintf(room ? b->data + b->len : tmp, room ? room : sizeof tmp, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        if (b->data)
            b->data[b->len] = '\0';
        return mkt__error(b->ctx, MKT_EINVAL, "invalid format string '%s'", fmt);
    }
    if ((size_t)n < room) {
        b->len += (size_t)n;
        return MKT_OK;
    }
    if (b->data)
        b->data[b->len] = '\0'; /* vsnprintf may have written a truncated piece */
    int rc = mkt__buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return MKT_OK;
}

int mkt__buf_appendf(mkt__buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = mkt__buf_vappendf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void mkt__buf_truncate(mkt__buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

void mkt__buf_reset(mkt__buf *b)
{
    mkt__buf_truncate(b, 0);
}

char *mkt__buf_detach(mkt__buf *b, size_t *len)
{
    if (b->data == NULL && mkt__buf_reserve(b, 0) != MKT_OK)
        return NULL;
    char *p = b->data;
    if (len)
        *len = b->len;
    mkt__buf_init(b, b->ctx);
    return p;
}

void mkt__buf_free(mkt__buf *b)
{
    mkt__free(b->ctx, b->data);
    mkt__buf_init(b, b->ctx);
}

/* JSON escapes: the two characters that must be, and every control byte (so the result is
 * safe in any JSON consumer, and on one line). */
int mkt__json_string(mkt__buf *b, const char *s, size_t len)
{
    int rc = mkt__buf_putc(b, '"');
    for (size_t i = 0; rc == MKT_OK && i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            rc = mkt__buf_appendf(b, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            rc = mkt__buf_appendf(b, "\\u%04x", c);
        else
            rc = mkt__buf_putc(b, (char)c);
    }
    return rc ? rc : mkt__buf_putc(b, '"');
}

/* SPDX-License-Identifier: MIT */
/*
 * Allocation through the host's allocator hooks. Every size computation is overflow-checked
 * here so that callers never multiply sizes themselves. Blocks handed to the caller carry a
 * small header naming their allocator, so mkt_free() works without a context.
 */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core-private.h"

/* Blocks from libc this large are fresh mappings nothing touched yet: hinted like calloc's
 * (below), their first touches are 2 MiB faults instead of 4 KiB ones. A host's allocator
 * gets no hint: its memory is its own business. */
#define HINT_FROM ((size_t)4 << 20)

static void *hinted(mkt_ctx *ctx, void *p, size_t size)
{
    if (p && ctx->libc_alloc && size >= HINT_FROM)
        mkt__hint_huge_pages(p, size);
    return p;
}

void *mkt__malloc(mkt_ctx *ctx, size_t size)
{
    if (size == 0)
        size = 1;
    return hinted(ctx, ctx->host.alloc(size, ctx->host.user_data), size);
}

/* Large zeroed arrays are most of what big tables cost on virtual machines, in first-touch
 * page faults: libc's calloc hands out fresh mappings without touching them, and either way
 * the huge-page hint comes before the first touch, so the faults that do happen are 2 MiB
 * ones. */
void *mkt__calloc(mkt_ctx *ctx, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    size_t n = count * size;
    n = n ? n : 1;
    void *p = ctx->libc_alloc ? calloc(1, n) : mkt__malloc(ctx, n);
    if (p) {
        mkt__hint_huge_pages(p, n);
        if (!ctx->libc_alloc)
            memset(p, 0, n);
    }
    return p;
}

void *mkt__realloc(mkt_ctx *ctx, void *ptr, size_t size)
{
    if (ptr == NULL)
        return mkt__malloc(ctx, size);
    if (size == 0)
        size = 1;
    return hinted(ctx, ctx->host.realloc(ptr, size, ctx->host.user_data), size);
}

void *mkt__reallocarray(mkt_ctx *ctx, void *ptr, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    return mkt__realloc(ctx, ptr, count * size);
}

void mkt__free(mkt_ctx *ctx, void *ptr)
{
    if (ptr)
        ctx->host.free(ptr, ctx->host.user_data);
}

char *mkt__strndup(mkt_ctx *ctx, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = mkt__malloc(ctx, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

char *mkt__strdup(mkt_ctx *ctx, const char *s)
{
    return mkt__strndup(ctx, s, strlen(s));
}

/* The header in front of a caller-owned block: enough to free it after the context is gone.
 * Its size is rounded up to max_align_t so the payload stays suitably aligned. */
struct caller_block {
    void (*free_fn)(void *ptr, void *user_data);
    void *user_data;
};
#define CALLER_HEADER \
    ((sizeof(struct caller_block) + alignof(max_align_t) - 1) / alignof(max_align_t) * \
     alignof(max_align_t))

void *mkt__caller_alloc(mkt_ctx *ctx, size_t size)
{
    if (size > SIZE_MAX - CALLER_HEADER)
        return NULL;
    unsigned char *raw = mkt__malloc(ctx, CALLER_HEADER + size);
    if (raw == NULL)
        return NULL;
    struct caller_block hdr = { ctx->host.free, ctx->host.user_data };
    memcpy(raw, &hdr, sizeof hdr);
    return raw + CALLER_HEADER;
}

MKT_EXPORT void mkt_free(void *ptr)
{
    if (ptr == NULL)
        return;
    unsigned char *raw = (unsigned char *)ptr - CALLER_HEADER;
    struct caller_block hdr;
    memcpy(&hdr, raw, sizeof hdr);
    hdr.free_fn(raw, hdr.user_data);
}

void mkt__hint_huge_pages(void *ptr, size_t size)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t from = ((uintptr_t)ptr + huge - 1) & ~(huge - 1);
    uintptr_t to = ((uintptr_t)ptr + size) & ~(huge - 1);
    if (ptr && to > from)
        (void)madvise((void *)from, to - from, MADV_HUGEPAGE); /* a hint: failure is fine */
#else
    (void)ptr;
    (void)size;
#endif
}

/* SPDX-License-Identifier: MIT */
/*
 * Arena allocator: chunked bump allocation for the many small, same-lifetime objects of a
 * load (millions of short strings in the data layer). One host allocation per chunk instead of
 * one per object; everything is released at once. Marks allow rolling back a failed load.
 */
#include "util.h"

#define ARENA_FIRST_CHUNK ((size_t)64 * 1024)
#define ARENA_MAX_CHUNK ((size_t)4 * 1024 * 1024)

struct mkt__arena_chunk {
    struct mkt__arena_chunk *prev;
    size_t size; /* payload bytes */
    size_t fill; /* bytes consumed, set when the chunk stops being the head */
    /* payload follows, aligned to max_align_t */
};

/* Payload offset: the header rounded up to the strictest fundamental alignment. */
#define CHUNK_HDR \
    ((sizeof(struct mkt__arena_chunk) + _Alignof(max_align_t) - 1) / _Alignof(max_align_t) * \
     _Alignof(max_align_t))

static unsigned char *chunk_payload(struct mkt__arena_chunk *c)
{
    return (unsigned char *)c + CHUNK_HDR;
}

void mkt__arena_init(mkt__arena *a, mkt_ctx *ctx)
{
    a->ctx = ctx;
    a->head = NULL;
    a->ptr = NULL;
    a->end = NULL;
    a->next_size = ARENA_FIRST_CHUNK;
    a->used = 0;
    a->reserved = 0;
}

/* Start a new chunk able to hold @size bytes at @align. */
static int arena_grow(mkt__arena *a, size_t size, size_t align)
{
    if (size > SIZE_MAX - CHUNK_HDR - align)
        return mkt__oom(a->ctx);
    size_t want = size + align; /* worst-case padding */
    size_t payload = a->next_size;
    if (want > payload)
        payload = want; /* an oversized request gets its own chunk */
    struct mkt__arena_chunk *c = mkt__malloc(a->ctx, CHUNK_HDR + payload);
    if (c == NULL)
        return mkt__oom(a->ctx);
    if (a->head)
        a->head->fill = (size_t)(a->ptr - chunk_payload(a->head));
    c->prev = a->head;
    c->size = payload;
    c->fill = 0;
    a->head = c;
    a->ptr = chunk_payload(c);
    a->end = a->ptr + payload;
    a->reserved += CHUNK_HDR + payload;
    if (want <= a->next_size && a->next_size < ARENA_MAX_CHUNK)
        a->next_size *= 2;
    return MKT_OK;
}

void *mkt__arena_alloc(mkt__arena *a, size_t size, size_t align)
{
    if (align == 0 || (align & (align - 1)) != 0 || align > 4096) {
        mkt__error(a->ctx, MKT_EINTERNAL, "arena: bad alignment %zu", align);
        return NULL;
    }
    if (a->ptr) {
        size_t pad = (size_t)(-(uintptr_t)a->ptr & (align - 1));
        size_t room = (size_t)(a->end - a->ptr);
        if (pad <= room && size <= room - pad) {
            unsigned char *p = a->ptr + pad;
            a->ptr = p + size;
            a->used += pad + size;
            return p;
        }
    }
    if (arena_grow(a, size, align) != MKT_OK)
        return NULL;
    size_t pad = (size_t)(-(uintptr_t)a->ptr & (align - 1));
    unsigned char *p = a->ptr + pad;
    a->ptr = p + size;
    a->used += pad + size;
    return p;
}

void *mkt__arena_memdup(mkt__arena *a, const void *p, size_t len)
{
    void *q = mkt__arena_alloc(a, len, 1);
    if (q && len)
        memcpy(q, p, len);
    return q;
}

char *mkt__arena_strndup(mkt__arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX) {
        mkt__oom(a->ctx);
        return NULL;
    }
    char *q = mkt__arena_alloc(a, len + 1, 1);
    if (q) {
        if (len)
            memcpy(q, s, len);
        q[len] = '\0';
    }
    return q;
}

mkt__arena_mark mkt__arena_mark_get(const mkt__arena *a)
{
    mkt__arena_mark m = { a->head, a->ptr, a->used };
    return m;
}

/* Drop the head chunk, the chunk before it becomes the head again. */
static void pop_chunk(mkt__arena *a)
{
    struct mkt__arena_chunk *c = a->head;
    a->used -= (size_t)(a->ptr - chunk_payload(c));
    a->reserved -= CHUNK_HDR + c->size;
    a->head = c->prev;
    mkt__free(a->ctx, c);
    if (a->head) {
        a->ptr = chunk_payload(a->head) + a->head->fill;
        a->end = chunk_payload(a->head) + a->head->size;
    } else {
        a->ptr = a->end = NULL;
    }
}

void mkt__arena_rewind(mkt__arena *a, mkt__arena_mark m)
{
    while (a->head != m.chunk)
        pop_chunk(a);
    if (a->head) {
        a->ptr = m.ptr;
        a->end = chunk_payload(a->head) + a->head->size;
    }
    a->used = m.used;
}

static int chunk_holds(struct mkt__arena_chunk *c, const unsigned char *p)
{
    /* compare as integers: relational operators across objects are undefined */
    uintptr_t lo = (uintptr_t)chunk_payload(c), hi = lo + c->size, x = (uintptr_t)p;
    return x >= lo && x <= hi;
}

void mkt__arena_rewind_to(mkt__arena *a, const void *p)
{
    while (a->head && !chunk_holds(a->head, p))
        pop_chunk(a);
    if (a->head == NULL)
        return;
    /* p lies in the head chunk: give back the bytes from p to the bump pointer */
    unsigned char *base = chunk_payload(a->head);
    size_t off = (size_t)((uintptr_t)p - (uintptr_t)base);
    a->used -= (size_t)(a->ptr - base) - off;
    a->ptr = base + off;
}

void mkt__arena_free(mkt__arena *a)
{
    mkt__arena_mark empty = { NULL, NULL, 0 };
    mkt__arena_rewind(a, empty);
    mkt__arena_init(a, a->ctx);
}

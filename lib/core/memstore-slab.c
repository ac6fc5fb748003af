/* SPDX-License-Identifier: MIT */
/*
 * The memory store's slab allocator (memstore-private.h). Chunks grow from 16 KiB (a small
 * store, like the thousands a test suite creates, stays small) by doubling up to 32 MiB: from
 * 2 MiB on (4 MiB with the alignment pad below), mkt__malloc() hints libc's fresh mappings to
 * the kernel for 2 MiB pages, so that a store of a million records spans a few hundred TLB
 * entries instead of a hundred thousand 4 KiB pages.
 */
#include <stdalign.h>
#include <string.h>

#include "memstore-private.h"

#define CHUNK_FIRST ((size_t)16 << 10)
#define CHUNK_LAST ((size_t)32 << 20)
/* The chunk's list link takes its first bytes; blocks start after it, aligned. */
#define CHUNK_HEADER ((size_t)MKT__SLAB_STEP)

_Static_assert(MKT__SLAB_STEP % alignof(uint64_t) == 0 && MKT__SLAB_STEP % alignof(void *) == 0,
               "slab blocks are aligned for the nodes' fields");

size_t mkt__slab_round(size_t size)
{
    return (size + MKT__SLAB_STEP - 1) / MKT__SLAB_STEP * MKT__SLAB_STEP;
}

static size_t class_of(size_t size)
{
    return mkt__slab_round(size) / MKT__SLAB_STEP - 1;
}

/* A new chunk becomes the bump region; the old one's unused tail is simply left (less than
 * one block of the size that did not fit). */
static int grow(mkt_ctx *ctx, struct mkt__slab *s)
{
    size_t size = s->chunk_size ? s->chunk_size : CHUNK_FIRST;
    /* Big chunks get a huge page's worth more, and blocks start on a huge-page boundary:
     * every byte of them can then be on 2 MiB pages (the hint covers whole pages only). The
     * skipped head is never touched: address space, not memory. */
    size_t pad = size >= MKT__HUGE_PAGE ? MKT__HUGE_PAGE : 0;
    unsigned char *chunk = mkt__malloc(ctx, size + pad);
    if (chunk == NULL)
        return MKT_ENOMEM;
    memcpy(chunk, &s->chunks, sizeof s->chunks);
    s->chunks = chunk;
    s->next = pad ? mkt__align_huge(chunk + CHUNK_HEADER) : chunk + CHUNK_HEADER;
    s->end = chunk + size + pad;
    s->chunk_size = size < CHUNK_LAST ? size * 2 : CHUNK_LAST;
    return MKT_OK;
}

void *mkt__slab_alloc(mkt_ctx *ctx, struct mkt__slab *s, size_t size)
{
    size_t c = class_of(size);
    void *p = s->free_list[c];
    if (p) {
        memcpy(&s->free_list[c], p, sizeof p);
        return p;
    }
    size_t need = (c + 1) * MKT__SLAB_STEP;
    if ((!s->next || (size_t)(s->end - s->next) < need) && grow(ctx, s) != MKT_OK)
        return NULL;
    p = s->next;
    s->next += need;
    return p;
}

void mkt__slab_free(struct mkt__slab *s, void *p, size_t size)
{
    size_t c = class_of(size);
    memcpy(p, &s->free_list[c], sizeof p);
    s->free_list[c] = p;
}

void mkt__slab_release(mkt_ctx *ctx, struct mkt__slab *s)
{
    void *chunk = s->chunks;
    while (chunk) {
        void *next;
        memcpy(&next, chunk, sizeof next);
        mkt__free(ctx, chunk);
        chunk = next;
    }
    memset(s, 0, sizeof *s);
}

/* SPDX-License-Identifier: MIT */
/*
 * The memory store's hash index (memstore-private.h): open addressing with linear probing
 * over slots that carry the key's hash, at most half full, removal by shifting the probe run
 * back (no tombstones).
 */
#include "memstore-private.h"

typedef struct mkt__ms_node node;

void mkt__ms_index_put(struct mkt__ms_slot *slots, size_t mask, uint64_t hash, node *e)
{
    size_t i = (size_t)hash & mask;
    while (slots[i].node)
        i = (i + 1) & mask;
    slots[i].hash = hash;
    slots[i].node = e;
}

/* Room for one more node (load factor at most 1/2); MKT_ENOMEM changes nothing. */
int mkt__ms_index_reserve(mkt_ctx *ctx, struct mkt__ms_ns *n)
{
    size_t nslots = n->slots ? n->mask + 1 : 0;
    if ((n->count + 1) * 2 <= nslots)
        return MKT_OK;
    size_t grown = nslots ? nslots * 2 : 16;
    if (grown > (SIZE_MAX - MKT__HUGE_PAGE) / sizeof(struct mkt__ms_slot))
        return MKT_ENOMEM;
    /* From 2 MiB on, a huge page more, and the slots from a huge-page boundary: all of them
     * can then be on 2 MiB pages (calloc's hint covers whole pages only; the skipped head is
     * never touched). */
    size_t bytes = grown * sizeof(struct mkt__ms_slot);
    size_t pad = bytes >= MKT__HUGE_PAGE ? MKT__HUGE_PAGE : 0;
    unsigned char *block = mkt__calloc(ctx, 1, bytes + pad);
    if (block == NULL)
        return MKT_ENOMEM;
    struct mkt__ms_slot *slots =
        (struct mkt__ms_slot *)(void *)(pad ? mkt__align_huge(block) : block);
    for (size_t i = 0; i < nslots; i++)
        if (n->slots[i].node)
            mkt__ms_index_put(slots, grown - 1, n->slots[i].hash, n->slots[i].node);
    mkt__free(ctx, n->slots_block);
    n->slots_block = block;
    n->slots = slots;
    n->mask = grown - 1;
    return MKT_OK;
}

size_t mkt__ms_index_find(const struct mkt__ms_ns *n, const node *e)
{
    size_t i = (size_t)mkt__ms_links_of(e)->prio & n->mask;
    while (n->slots[i].node != e)
        i = (i + 1) & n->mask;
    return i;
}

/* Remove @e, shifting later members of its probe run back (no tombstones). */
void mkt__ms_index_remove(struct mkt__ms_ns *n, const node *e)
{
    size_t i = mkt__ms_index_find(n, e);
    for (size_t j = (i + 1) & n->mask; n->slots[j].node; j = (j + 1) & n->mask) {
        size_t home = (size_t)n->slots[j].hash & n->mask;
        /* slots[j] may move to the hole at i unless its home lies cyclically in (i, j]. */
        int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            n->slots[i] = n->slots[j];
            i = j;
        }
    }
    n->slots[i].node = NULL;
    n->slots[i].hash = 0;
    n->count--;
}

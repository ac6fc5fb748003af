/* SPDX-License-Identifier: MIT */
/*
 * mkt__journey_erase_customer(): the journey engine's part of a right-to-be-forgotten
 * erasure. Timer keys are "<20-digit due time><customer>\x1f<journey>"; the customer's are
 * collected first (a scan's visitor must not modify the store), then deleted.
 */
#include <string.h>

#include "engine-private.h"
#include "journey-erase.h"

#define DUE_DIGITS 20

struct timers {
    mkt_ctx *ctx;
    const char *id;
    size_t id_len;
    mkt__buf keys; /* u32 length + bytes, one after another */
};

static int collect(const char *key, size_t key_len, const void *value, size_t value_len,
                   uint64_t version, void *data)
{
    (void)value, (void)value_len, (void)version;
    struct timers *t = data;
    if (key_len <= DUE_DIGITS + t->id_len ||
        memcmp(key + DUE_DIGITS, t->id, t->id_len) != 0 || key[DUE_DIGITS + t->id_len] != 0x1f)
        return 0;
    uint32_t n = (uint32_t)key_len;
    int rc = mkt__buf_append(&t->keys, &n, sizeof n);
    return rc ? rc : mkt__buf_append(&t->keys, key, key_len);
}

int mkt__journey_erase_customer(mkt_ctx *ctx, const char *customer_id)
{
    struct timers t = {ctx, customer_id, strlen(customer_id), {NULL, NULL, 0, 0}};
    mkt__buf_init(&t.keys, ctx);
    int rc = mkt_store_scan(ctx, MKT__JE_NS_TIMER, "", 0, collect, &t);
    for (size_t at = 0; rc == MKT_OK && at < t.keys.len;) {
        uint32_t n;
        memcpy(&n, t.keys.data + at, sizeof n);
        rc = mkt_store_delete(ctx, MKT__JE_NS_TIMER, t.keys.data + at + sizeof n, n,
                              MKT_VERSION_ANY);
        if (rc == MKT_ENOTFOUND)
            rc = MKT_OK; /* fired or deleted meanwhile, or a re-run */
        at += sizeof n + n;
    }
    mkt__buf_free(&t.keys);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * The customer's consent history as text: a prefix scan of "consent.history" (keys sort by
 * time, then by sequence, so the lines come out oldest first).
 */
#include "consent-private.h"

static int add_line(const char *key, size_t key_len, const void *value, size_t value_len,
                    uint64_t version, void *data)
{
    (void)key;
    (void)key_len;
    (void)version;
    mkt__buf *b = data;
    int rc = mkt__buf_append(b, value, value_len);
    return rc ? rc : mkt__buf_putc(b, '\n');
}

MKT_EXPORT int mkt_consent_history(mkt_ctx *ctx, const char *customer_id, char **text)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (text == NULL)
        return mkt__error(ctx, MKT_EINVAL, "mkt_consent_history: text is NULL");
    *text = NULL;
    int rc = mkt__consent_check_customer(ctx, "mkt_consent_history", customer_id);
    if (rc)
        return rc;
    char key[MKT__CONSENT_KEY_MAX];
    size_t klen = mkt__consent_key(key, customer_id);
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    rc = mkt_store_scan(ctx, MKT__CONSENT_NS_HISTORY, key, klen, add_line, &b);
    if (rc == MKT_ENOMEM)
        rc = mkt__oom(ctx);
    char *out = rc ? NULL : mkt__caller_alloc(ctx, b.len + 1);
    if (rc == MKT_OK && out == NULL)
        rc = mkt__oom(ctx);
    if (rc == MKT_OK) {
        if (b.len)
            memcpy(out, b.data, b.len);
        out[b.len] = '\0';
        *text = out;
    }
    mkt__buf_free(&b);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * Customer-bound codes: deterministic derivation with HMAC-SHA-256 (so the code of a customer
 * cannot be computed from the customer id without the host's secret), binding a code to an offer
 * and a customer in the store, and looking a code up.
 */
#include <string.h>

#include "core/util.h"
#include "data/csv-private.h"
#include "offer/promo-private.h"

/* Derivation blocks before giving up: each 32-byte block yields on average at least 25 values
 * (the worst rejection rate is 55/256 for n = 67), so 64 blocks failing to give 64 values does
 * not happen; the bound only makes termination evident. */
#define MAX_BLOCKS 64

int mkt__promo_customer_id_ok(mkt_ctx *ctx, const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 256)
        return mkt__error(ctx, MKT_EINVAL, "promo: customer id must have 1..256 bytes (has %zu)",
                          n);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)id[i] < 0x20)
            return mkt__error(ctx, MKT_EINVAL, "promo: customer id: byte %zu is a control byte",
                              i + 1);
    if (!mkt__utf8_valid(id, n))
        return mkt__error(ctx, MKT_EINVAL, "promo: customer id is not valid UTF-8");
    return MKT_OK;
}

static void put_be32(uint8_t *p, uint32_t x)
{
    p[0] = (uint8_t)(x >> 24);
    p[1] = (uint8_t)(x >> 16);
    p[2] = (uint8_t)(x >> 8);
    p[3] = (uint8_t)x;
}

/* HMAC(secret, "mkt.promo.v1\0" | be32 len | offer | be32 len | customer | be32 block):
 * the lengths make the encoding injective, the label separates this use of the secret. */
static void derive_block(const void *secret, size_t secret_len, const char *offer,
                         const char *customer, uint32_t block, uint8_t out[MKT__SHA256_LEN])
{
    static const char label[] = "mkt.promo.v1";
    uint8_t be[4];
    mkt__hmac_sha256 m;
    mkt__hmac_sha256_init(&m, secret, secret_len);
    mkt__hmac_sha256_update(&m, label, sizeof label);
    put_be32(be, (uint32_t)strlen(offer));
    mkt__hmac_sha256_update(&m, be, 4);
    mkt__hmac_sha256_update(&m, offer, strlen(offer));
    put_be32(be, (uint32_t)strlen(customer));
    mkt__hmac_sha256_update(&m, be, 4);
    mkt__hmac_sha256_update(&m, customer, strlen(customer));
    put_be32(be, block);
    mkt__hmac_sha256_update(&m, be, 4);
    mkt__hmac_sha256_final(&m, out);
}

static int derive_args_ok(mkt_ctx *ctx, const mkt_promo_format *fmt, const void *secret,
                          size_t secret_len, const char *offer_id, const char *customer_id,
                          const char *out)
{
    if (fmt == NULL || secret == NULL || offer_id == NULL || customer_id == NULL || out == NULL)
        return mkt__error(ctx, MKT_EINVAL, "promo derive: an argument is NULL");
    if (secret_len < MKT_PROMO_MIN_SECRET)
        return mkt__error(ctx, MKT_EINVAL, "promo derive: the secret has %zu bytes, at least %d "
                          "are needed", secret_len, MKT_PROMO_MIN_SECRET);
    if (offer_id[0] == '\0' || strlen(offer_id) > 256)
        return mkt__error(ctx, MKT_EINVAL, "promo derive: offer id must have 1..256 bytes");
    return mkt__promo_customer_id_ok(ctx, customer_id);
}

MKT_EXPORT int mkt_promo_derive(mkt_ctx *ctx, const mkt_promo_format *fmt, const void *secret,
                                size_t secret_len, const char *offer_id,
                                const char *customer_id, char *out, size_t out_size,
                                size_t *out_len)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (out != NULL && out_size > 0)
        out[0] = '\0';
    int rc = derive_args_ok(ctx, fmt, secret, secret_len, offer_id, customer_id, out);
    if (rc)
        return rc;
    if (out_size <= fmt->display_len)
        return mkt__error(ctx, MKT_ERANGE, "promo derive: output needs %u bytes, has %zu",
                          fmt->display_len + 1, out_size);
    uint8_t v[MKT_PROMO_MAX_LEN], block[MKT__SHA256_LEN];
    uint32_t j = 0;
    for (uint32_t b = 0; b < MAX_BLOCKS && j < fmt->random_chars; b++) {
        derive_block(secret, secret_len, offer_id, customer_id, b, block);
        for (size_t i = 0; i < sizeof block && j < fmt->random_chars; i++)
            if (fmt->byte_map[block[i]] != 0xFF)
                v[j++] = fmt->byte_map[block[i]];
    }
    memset(block, 0, sizeof block);
    if (j < fmt->random_chars)
        return mkt__error(ctx, MKT_EINTERNAL, "promo derive: HMAC output exhausted");
    mkt__promo_render(fmt, v, out);
    out[fmt->display_len] = '\0';
    if (out_len != NULL)
        *out_len = fmt->display_len;
    return MKT_OK;
}

/* Make "offer" or "offer\x1fcustomer" (the value of an "offer.code" key). */
static int binding_value(mkt_ctx *ctx, mkt__buf *b, const char *offer_id, const char *customer_id)
{
    int rc = mkt__buf_appends(b, offer_id);
    if (rc == MKT_OK && customer_id != NULL) {
        rc = mkt__buf_putc(b, '\x1f');
        if (rc == MKT_OK)
            rc = mkt__buf_appends(b, customer_id);
    }
    (void)ctx;
    return rc;
}

static int bind_args_ok(mkt_ctx *ctx, const char *code, const char *offer_id,
                        const char *customer_id)
{
    if (code == NULL || offer_id == NULL)
        return mkt__error(ctx, MKT_EINVAL, "promo bind: %s is NULL",
                          code == NULL ? "code" : "offer id");
    size_t n = strlen(offer_id);
    if (n == 0 || n > 256 || memchr(offer_id, '\x1f', n) != NULL)
        return mkt__error(ctx, MKT_EINVAL, "promo bind: offer id must have 1..256 bytes and no "
                          "0x1F byte");
    return customer_id == NULL ? MKT_OK : mkt__promo_customer_id_ok(ctx, customer_id);
}

/* The code key exists: MKT_OK if it holds exactly @want, else MKT_EEXIST. */
static int same_binding(mkt_ctx *ctx, const char *key, size_t klen, const mkt__buf *want)
{
    char *have = NULL;
    size_t have_len = 0;
    int rc = mkt_store_get(ctx, MKT__PROMO_NS_CODE, key, klen, &have, &have_len, NULL);
    if (rc == MKT_OK && (have_len != want->len || memcmp(have, want->data, have_len) != 0))
        rc = mkt__error(ctx, MKT_EEXIST, "promo bind: code %s is already issued otherwise", key);
    mkt_free(have);
    return rc;
}

static int bind_customer_index(mkt_ctx *ctx, mkt__buf *ikey, const char *customer_id,
                               const char *key, size_t klen, const char *offer_id)
{
    int rc = mkt__buf_appends(ikey, customer_id);
    if (rc == MKT_OK)
        rc = mkt__buf_putc(ikey, '\x1f');
    if (rc == MKT_OK)
        rc = mkt__buf_append(ikey, key, klen);
    if (rc == MKT_OK)
        rc = mkt_store_put(ctx, MKT__PROMO_NS_CUSTOMER, ikey->data, ikey->len, offer_id,
                           strlen(offer_id), MKT_VERSION_ANY, NULL);
    return rc;
}

MKT_EXPORT int mkt_promo_bind(mkt_ctx *ctx, const char *code, const char *offer_id,
                              const char *customer_id)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    int rc = bind_args_ok(ctx, code, offer_id, customer_id);
    char key[MKT_PROMO_MAX_LEN + 1];
    size_t klen = 0;
    if (rc == MKT_OK)
        rc = mkt_promo_normalize(ctx, code, key, sizeof key, &klen);
    if (rc)
        return rc;
    mkt__buf value, ikey;
    mkt__buf_init(&value, ctx);
    mkt__buf_init(&ikey, ctx);
    rc = binding_value(ctx, &value, offer_id, customer_id);
    /* The per-customer index first: erasure must never meet a bound code it cannot find. An
     * index entry whose code put then fails is harmless (erasure deletes it too) but we remove
     * it unless the code turned out to be bound to this customer already. */
    if (rc == MKT_OK && customer_id != NULL)
        rc = bind_customer_index(ctx, &ikey, customer_id, key, klen, offer_id);
    if (rc == MKT_OK) {
        rc = mkt_store_put(ctx, MKT__PROMO_NS_CODE, key, klen, value.data, value.len,
                           MKT_VERSION_ABSENT, NULL);
        if (rc == MKT_ECONFLICT)
            rc = same_binding(ctx, key, klen, &value);
        if (rc != MKT_OK && customer_id != NULL && ikey.len > 0)
            (void)mkt_store_delete(ctx, MKT__PROMO_NS_CUSTOMER, ikey.data, ikey.len,
                                   MKT_VERSION_ANY);
    }
    mkt__buf_free(&value);
    mkt__buf_free(&ikey);
    return rc;
}

static int split_binding(mkt_ctx *ctx, const char *v, size_t len, char **offer_id,
                         char **customer_id)
{
    const char *sep = memchr(v, '\x1f', len);
    size_t olen = sep != NULL ? (size_t)(sep - v) : len;
    char *o = mkt__caller_alloc(ctx, olen + 1);
    char *c = NULL;
    if (o != NULL && sep != NULL && customer_id != NULL) {
        size_t clen = len - olen - 1;
        c = mkt__caller_alloc(ctx, clen + 1);
        if (c != NULL) {
            memcpy(c, sep + 1, clen);
            c[clen] = '\0';
        }
    }
    if (o == NULL || (sep != NULL && customer_id != NULL && c == NULL)) {
        mkt_free(o);
        return mkt__oom(ctx);
    }
    memcpy(o, v, olen);
    o[olen] = '\0';
    *offer_id = o;
    if (customer_id != NULL)
        *customer_id = c;
    return MKT_OK;
}

MKT_EXPORT int mkt_promo_lookup(mkt_ctx *ctx, const char *code, char **offer_id,
                                char **customer_id)
{
    if (offer_id != NULL)
        *offer_id = NULL;
    if (customer_id != NULL)
        *customer_id = NULL;
    if (ctx == NULL)
        return MKT_EINVAL;
    if (code == NULL || offer_id == NULL)
        return mkt__error(ctx, MKT_EINVAL, "promo lookup: %s is NULL",
                          code == NULL ? "code" : "offer_id");
    char key[MKT_PROMO_MAX_LEN + 1];
    size_t klen = 0;
    int rc = mkt_promo_normalize(ctx, code, key, sizeof key, &klen);
    char *v = NULL;
    size_t vlen = 0;
    if (rc == MKT_OK)
        rc = mkt_store_get(ctx, MKT__PROMO_NS_CODE, key, klen, &v, &vlen, NULL);
    if (rc == MKT_ENOTFOUND)
        rc = mkt__error(ctx, MKT_ENOTFOUND, "promo lookup: code %s is not issued", key);
    if (rc == MKT_OK)
        rc = split_binding(ctx, v, vlen, offer_id, customer_id);
    mkt_free(v);
    return rc;
}

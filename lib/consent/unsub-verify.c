/* SPDX-License-Identifier: MIT */
/*
 * Verifying a one-click unsubscribe token (format in unsub.c) and applying it. The MAC is
 * compared in constant time before the payload is decoded, so nothing an attacker wrote is
 * parsed unless it was signed with the host's secret. A rejection is a status in the result,
 * not an error: the host answers the POST either way.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "consent-private.h"
#include "libmarketing/privacy.h"
#include "unsub-private.h"

#define MAC_DOMAIN "mkt-unsub-1."
#define MAC_B64_LEN 43 /* 32 bytes in base64url without padding */
#define MAX_PAYLOAD 600

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* 32 bytes to 43 base64url characters (and a NUL), without allocating. */
static void encode_mac(const uint8_t mac[32], char out[MAC_B64_LEN + 1])
{
    size_t o = 0;
    for (size_t i = 0; i < 32; i += 3) {
        uint32_t v = (uint32_t)mac[i] << 16 | (uint32_t)mac[i + 1] << 8;
        if (i + 2 < 32)
            v |= mac[i + 2];
        out[o++] = B64[v >> 18];
        out[o++] = B64[(v >> 12) & 63];
        out[o++] = B64[(v >> 6) & 63];
        if (i + 2 < 32)
            out[o++] = B64[v & 63];
    }
    out[o] = '\0';
}

static int reject(mkt_unsub_result *r, int32_t status)
{
    r->status = status;
    r->customer_id[0] = '\0';
    r->topic[0] = '\0';
    return MKT_OK;
}

/* Split "1 US customer US channel US topic US expires" into the result. */
static int parse_payload(const char *p, size_t len, mkt_unsub_result *r)
{
    const char *f[5];
    size_t fl[5], n = 0;
    const char *start = p, *end = p + len;
    for (const char *q = p; n < 5; q++) {
        if (q == end || *q == MKT__KEY_SEP) {
            f[n] = start;
            fl[n++] = (size_t)(q - start);
            start = q + 1;
            if (q == end)
                break;
        }
    }
    if (n != 5 || start <= end || fl[0] != 1 || f[0][0] != '1' || fl[1] == 0 ||
        fl[1] >= sizeof r->customer_id || fl[3] >= sizeof r->topic || fl[2] != 1 ||
        f[2][0] < '1' || f[2][0] > '6' || fl[4] == 0 || fl[4] > 19)
        return -1;
    int64_t exp = 0;
    for (size_t i = 0; i < fl[4]; i++) {
        if (f[4][i] < '0' || f[4][i] > '9')
            return -1;
        exp = exp * 10 + (f[4][i] - '0');
    }
    memcpy(r->customer_id, f[1], fl[1]);
    r->customer_id[fl[1]] = '\0';
    memcpy(r->topic, f[3], fl[3]);
    r->topic[fl[3]] = '\0';
    r->channel = f[2][0] - '0';
    r->expires = exp;
    return 0;
}

MKT_EXPORT int mkt_unsub_verify(mkt_ctx *ctx, const uint8_t *secret, size_t secret_len,
                                const char *token, mkt_time now, mkt_unsub_result *result)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (result == NULL || result->struct_size < sizeof *result)
        return mkt__error(ctx, MKT_EINVAL, "unsubscribe verify: result is %s",
                          result ? "smaller than this library's" : "NULL");
    memset(result, 0, sizeof *result);
    result->struct_size = sizeof *result;
    if (secret == NULL || secret_len < MKT_UNSUB_MIN_SECRET)
        return mkt__error(ctx, MKT_EINVAL, "unsubscribe verify: secret must have at least %d "
                          "bytes", MKT_UNSUB_MIN_SECRET);
    if (token == NULL)
        return mkt__error(ctx, MKT_EINVAL, "unsubscribe verify: token is NULL");
    int rc = now == 0 ? mkt_ctx_now(ctx, &now) : MKT_OK;
    if (rc)
        return rc;
    size_t len = strnlen(token, MAX_PAYLOAD * 2);
    const char *dot = memchr(token, '.', len);
    if (dot == NULL || len - (size_t)(dot + 1 - token) != MAC_B64_LEN ||
        (size_t)(dot - token) > MAX_PAYLOAD)
        return reject(result, MKT_UNSUB_MALFORMED);
    unsigned char got[MAC_B64_LEN], payload[MAX_PAYLOAD];
    if (mkt__b64url_decode(dot + 1, MAC_B64_LEN, got) != 32)
        return reject(result, MKT_UNSUB_MALFORMED);
    uint8_t mac[32];
    mkt__hmac_sha256 m;
    mkt__hmac_sha256_init(&m, secret, secret_len);
    mkt__hmac_sha256_update(&m, MAC_DOMAIN, strlen(MAC_DOMAIN));
    mkt__hmac_sha256_update(&m, token, (size_t)(dot - token));
    mkt__hmac_sha256_final(&m, mac);
    /* compare the encoded text, not the decoded bytes: the last character of 32 bytes in
     * base64 has 2 unused bits, and a token differing there must not pass either */
    char want[MAC_B64_LEN + 1];
    encode_mac(mac, want);
    if (!mkt__ct_equal(dot + 1, want, MAC_B64_LEN))
        return reject(result, MKT_UNSUB_BAD_SIGNATURE);
    long n = mkt__b64url_decode(token, (size_t)(dot - token), payload);
    if (n < 0 || parse_payload((const char *)payload, (size_t)n, result) != 0)
        return reject(result, MKT_UNSUB_MALFORMED);
    if (now > result->expires)
        return reject(result, MKT_UNSUB_EXPIRED);
    result->status = MKT_UNSUB_VALID;
    return MKT_OK;
}

MKT_EXPORT int mkt_unsub_apply(mkt_ctx *ctx, const uint8_t *secret, size_t secret_len,
                               const char *token, const char *actor, mkt_unsub_result *result)
{
    int rc = mkt_unsub_verify(ctx, secret, secret_len, token, 0, result);
    if (rc || result->status != MKT_UNSUB_VALID)
        return rc;
    actor = actor ? actor : "one-click";
    if (result->topic[0]) {
        rc = mkt_topic_set(ctx, result->customer_id, result->topic, MKT_TOPIC_EXCLUDED, actor);
    } else {
        mkt_dnc_entry e = MKT_DNC_ENTRY_INIT;
        e.customer_id = result->customer_id;
        e.scope = result->channel;
        e.reason = MKT_DNC_UNSUBSCRIBE;
        e.source = "one-click";
        e.actor = actor;
        rc = mkt_dnc_add(ctx, &e);
    }
    result->applied = rc == MKT_OK;
    return rc;
}

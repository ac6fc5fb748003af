/* SPDX-License-Identifier: MIT */
/*
 * RFC 8058 one-click unsubscribe tokens: signing, the two header lines, verification.
 *
 * token   = B64URL(payload) "." B64URL(HMAC-SHA-256(secret, "mkt-unsub-1." B64URL(payload)))
 * payload = "1" US customer US channel US topic US expires   (US = 0x1F, decimal numbers)
 * The MAC covers the encoded payload exactly as sent, so verification checks it (in constant
 * time) before decoding anything; the domain prefix keeps these MACs apart from any other use
 * of the host's secret. Base64url without padding keeps the token URL-safe without escaping.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consent-private.h"
#include "libmarketing/privacy.h"
#include "unsub-private.h"

#define MAC_DOMAIN "mkt-unsub-1."
#define MAX_TOKEN 1024

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int mkt__b64url_encode(mkt__buf *b, const void *data, size_t len)
{
    const unsigned char *p = data;
    int rc = MKT_OK;
    for (size_t i = 0; rc == MKT_OK && i < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        size_t n = len - i < 3 ? len - i : 3;
        if (n > 1)
            v |= (uint32_t)p[i + 1] << 8;
        if (n > 2)
            v |= p[i + 2];
        char out[4] = { B64[v >> 18], B64[(v >> 12) & 63], B64[(v >> 6) & 63], B64[v & 63] };
        rc = mkt__buf_append(b, out, n + 1);
    }
    return rc;
}

static int b64_value(unsigned char c)
{
    const char *hit = c ? strchr(B64, c) : NULL;
    return hit ? (int)(hit - B64) : -1;
}

/* Decode into @out (room for len * 3 / 4 bytes); -1 on a bad character or length. */
long mkt__b64url_decode(const char *s, size_t len, unsigned char *out)
{
    if (len % 4 == 1)
        return -1;
    long n = 0;
    for (size_t i = 0; i < len; i += 4) {
        size_t k = len - i < 4 ? len - i : 4;
        uint32_t v = 0;
        for (size_t j = 0; j < 4; j++) {
            int d = j < k ? b64_value((unsigned char)s[i + j]) : 0;
            if (d < 0)
                return -1;
            v = v << 6 | (uint32_t)d;
        }
        out[n++] = (unsigned char)(v >> 16);
        if (k > 2)
            out[n++] = (unsigned char)(v >> 8);
        if (k > 3)
            out[n++] = (unsigned char)v;
    }
    return n;
}

MKT_EXPORT int mkt_unsub_spec_init(mkt_unsub_spec *s)
{
    if (s == NULL)
        return MKT_EINVAL;
    static const mkt_unsub_spec init = MKT_UNSUB_SPEC_INIT;
    *s = init;
    return MKT_OK;
}

static int check_spec(mkt_ctx *ctx, const mkt_unsub_spec *in, mkt_unsub_spec *s)
{
    if (in == NULL)
        return mkt__error(ctx, MKT_EINVAL, "unsubscribe token: spec is NULL");
    mkt_unsub_spec_init(s);
    memcpy(s, in, in->struct_size < sizeof *s ? in->struct_size : sizeof *s);
    s->struct_size = sizeof *s;
    if (s->secret == NULL || s->secret_len < MKT_UNSUB_MIN_SECRET)
        return mkt__error(ctx, MKT_EINVAL, "unsubscribe token: secret must have at least %d "
                          "bytes (has %zu)", MKT_UNSUB_MIN_SECRET,
                          s->secret ? s->secret_len : (size_t)0);
    int rc = mkt__consent_check_customer(ctx, "unsubscribe token", s->customer_id);
    if (rc)
        return rc;
    if (mkt__channel_name(s->channel) == NULL || s->channel == 0)
        return mkt__error(ctx, MKT_EINVAL, "unsubscribe token: channel %" PRId32
                          " is not a channel", s->channel);
    if (s->topic != NULL && (s->topic[0] == '\0' || strlen(s->topic) > MKT__MAX_TOPIC_LEN ||
                             strchr(s->topic, MKT__KEY_SEP) != NULL))
        return mkt__error(ctx, MKT_EINVAL, "unsubscribe token: topic must have 1..%d bytes "
                          "and no 0x1F", MKT__MAX_TOPIC_LEN);
    if (s->expires == 0) {
        rc = mkt_ctx_now(ctx, &s->expires);
        s->expires += MKT_UNSUB_DEFAULT_TTL;
    }
    return rc;
}

static void sign(const mkt_unsub_spec *s, const char *enc, size_t len, uint8_t mac[32])
{
    mkt__hmac_sha256 m;
    mkt__hmac_sha256_init(&m, s->secret, s->secret_len);
    mkt__hmac_sha256_update(&m, MAC_DOMAIN, strlen(MAC_DOMAIN));
    mkt__hmac_sha256_update(&m, enc, len);
    mkt__hmac_sha256_final(&m, mac);
}

/* Append the token for a checked spec to @b. */
static int build_token(mkt__buf *b, const mkt_unsub_spec *s)
{
    mkt__buf payload;
    mkt__buf_init(&payload, b->ctx);
    int rc = mkt__buf_appendf(&payload, "1\x1f%s\x1f%" PRId32 "\x1f%s\x1f%" PRId64,
                              s->customer_id, s->channel, s->topic ? s->topic : "", s->expires);
    size_t start = b->len;
    if (rc == MKT_OK)
        rc = mkt__b64url_encode(b, payload.data, payload.len);
    uint8_t mac[32];
    if (rc == MKT_OK) {
        sign(s, b->data + start, b->len - start, mac);
        rc = mkt__buf_putc(b, '.');
    }
    if (rc == MKT_OK)
        rc = mkt__b64url_encode(b, mac, sizeof mac);
    mkt__buf_free(&payload);
    return rc;
}

static int hand_over(mkt__buf *b, char **out)
{
    char *s = mkt__caller_alloc(b->ctx, b->len + 1);
    if (s == NULL)
        return mkt__oom(b->ctx);
    memcpy(s, b->data ? b->data : "", b->len + 1);
    *out = s;
    return MKT_OK;
}

MKT_EXPORT int mkt_unsub_token(mkt_ctx *ctx, const mkt_unsub_spec *spec, char **token)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (token == NULL)
        return mkt__error(ctx, MKT_EINVAL, "unsubscribe token: token is NULL");
    *token = NULL;
    mkt_unsub_spec s;
    int rc = check_spec(ctx, spec, &s);
    if (rc)
        return rc;
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    rc = build_token(&b, &s);
    if (rc == MKT_OK)
        rc = hand_over(&b, token);
    mkt__buf_free(&b);
    return rc;
}

/* A header value may not carry CR, LF, '<', '>' or spaces (RFC 2369 angle-bracket URIs). */
static int header_safe(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == '<' || *s == '>' || *s == ',' || *s == 0x7f)
            return 0;
    return 1;
}

MKT_EXPORT int mkt_unsub_headers(mkt_ctx *ctx, const mkt_unsub_spec *spec, char **headers)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (headers == NULL)
        return mkt__error(ctx, MKT_EINVAL, "unsubscribe headers: headers is NULL");
    *headers = NULL;
    mkt_unsub_spec s;
    int rc = check_spec(ctx, spec, &s);
    if (rc)
        return rc;
    if (s.url == NULL || strncmp(s.url, "https://", 8) != 0 || !header_safe(s.url))
        return mkt__error(ctx, MKT_EINVAL, "unsubscribe headers: url must be an https:// URL "
                          "without spaces, commas or angle brackets (RFC 8058)");
    if (s.mailto != NULL && (strchr(s.mailto, '@') == NULL || !header_safe(s.mailto) ||
                             strchr(s.mailto, '?') != NULL))
        return mkt__error(ctx, MKT_EINVAL, "unsubscribe headers: mailto '%s' is not a plain "
                          "address", s.mailto);
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    rc = mkt__buf_appendf(&b, "List-Unsubscribe: <%s%ct=", s.url,
                          strchr(s.url, '?') ? '&' : '?');
    if (rc == MKT_OK)
        rc = build_token(&b, &s);
    if (rc == MKT_OK)
        rc = mkt__buf_putc(&b, '>');
    if (rc == MKT_OK && s.mailto)
        rc = mkt__buf_appendf(&b, ", <mailto:%s?subject=unsubscribe>", s.mailto);
    if (rc == MKT_OK)
        rc = mkt__buf_appends(&b, "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
    if (rc == MKT_OK)
        rc = hand_over(&b, headers);
    mkt__buf_free(&b);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * The store's salt: 32 random bytes kept in the store itself (namespace "core.salt", key
 * "salt", 64 hex digits), keying the HMACs that stand in for a customer's identifiers after
 * erasure (tombstones) and for audit subjects. It lives in the store, not in the host's
 * configuration, because every process sharing the store must compute the same tombstone for
 * the same id; it is created once with compare-and-set (the loser of a race reads the winner's)
 * and never changes, so each context caches it.
 */
#include <string.h>

#include "audit-private.h"
#include "util.h"

#define SALT_KEY "salt"

void mkt__hex(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int mkt__unhex(const char *s, size_t len, uint8_t *out, size_t n)
{
    if (len != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

static int read_salt(mkt_ctx *ctx)
{
    char *v = NULL;
    size_t len = 0;
    int rc = mkt_store_get(ctx, MKT__SALT_NS, SALT_KEY, strlen(SALT_KEY), &v, &len, NULL);
    if (rc == MKT_OK) {
        if (mkt__unhex(v, len, ctx->salt, sizeof ctx->salt) == 0)
            ctx->have_salt = 1;
        else
            rc = mkt__error(ctx, MKT_ETYPE, "store salt (namespace '%s', key '%s') is not "
                            "64 hex digits", MKT__SALT_NS, SALT_KEY);
    }
    mkt_free(v);
    return rc;
}

int mkt__store_salt(mkt_ctx *ctx, const uint8_t **salt)
{
    if (!ctx->have_salt) {
        int rc = read_salt(ctx);
        if (rc == MKT_ENOTFOUND) {
            uint8_t fresh[MKT__MAC_LEN];
            char hex[MKT__MAC_HEX + 1];
            rc = mkt_ctx_random(ctx, fresh, sizeof fresh);
            if (rc == MKT_OK) {
                mkt__hex(fresh, sizeof fresh, hex);
                rc = mkt_store_put(ctx, MKT__SALT_NS, SALT_KEY, strlen(SALT_KEY), hex,
                                   MKT__MAC_HEX, MKT_VERSION_ABSENT, NULL);
            }
            /* created here, or by another process in between: either way read what is stored */
            if (rc == MKT_OK || rc == MKT_ECONFLICT)
                rc = read_salt(ctx);
        }
        if (rc)
            return rc;
    }
    *salt = ctx->salt;
    return MKT_OK;
}

int mkt__salted_mac(mkt_ctx *ctx, const char *kind, const void *value, size_t len,
                    uint8_t out[MKT__MAC_LEN])
{
    const uint8_t *salt;
    int rc = mkt__store_salt(ctx, &salt);
    if (rc)
        return rc;
    mkt__hmac_sha256 m;
    mkt__hmac_sha256_init(&m, salt, MKT__MAC_LEN);
    mkt__hmac_sha256_update(&m, kind, strlen(kind));
    mkt__hmac_sha256_update(&m, "\x1f", 1);
    mkt__hmac_sha256_update(&m, value, len);
    mkt__hmac_sha256_final(&m, out);
    return MKT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * Canonical form of a promo code (upper-case ASCII, spaces and dashes dropped), shared by the
 * syntax check, the generator and the offers module, so that a code typed as "summer24 7kq9"
 * finds the code issued as "SUMMER24-7KQ9".
 */
#include "promo-private.h"

MKT_EXPORT int mkt_promo_normalize(mkt_ctx *ctx, const char *code, char *out, size_t out_size,
                                   size_t *out_len)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (out != NULL && out_size > 0)
        out[0] = '\0';
    if (code == NULL || out == NULL)
        return mkt__error(ctx, MKT_EINVAL, "promo normalize: %s is NULL",
                          code == NULL ? "code" : "out");
    size_t n = 0;
    for (size_t i = 0; code[i] != '\0'; i++) {
        unsigned char c = (unsigned char)code[i];
        if (c == ' ' || c == '-')
            continue;
        if (c < 0x21 || c > 0x7E) {
            out[0] = '\0';
            return mkt__error(ctx, MKT_EINVAL,
                              "promo code: column %zu: byte 0x%02X is not printable ASCII",
                              i + 1, (unsigned)c);
        }
        if (n >= MKT_PROMO_MAX_LEN || n + 1 >= out_size) {
            if (out_size > 0)
                out[0] = '\0';
            return mkt__error(ctx, MKT_ERANGE,
                              "promo code: longer than %s (%d characters without spaces and "
                              "dashes%s)", n >= MKT_PROMO_MAX_LEN ? "the maximum" : "the output",
                              MKT_PROMO_MAX_LEN,
                              n >= MKT_PROMO_MAX_LEN ? "" : " at most; output buffer too small");
        }
        out[n++] = (char)mkt__promo_upper(c);
    }
    if (n == 0)
        return mkt__error(ctx, MKT_EINVAL, "promo code: empty (nothing but spaces and dashes)");
    out[n] = '\0';
    if (out_len != NULL)
        *out_len = n;
    return MKT_OK;
}

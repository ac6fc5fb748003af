/* SPDX-License-Identifier: MIT */
/*
 * Offline syntax check of a promo code: one pass over the input that normalizes on the fly
 * (no copy), matches the canonical template, maps random characters to values and folds the
 * check product. Length problems win over content problems (a missing character shifts every
 * later one, so a literal mismatch after it would only be noise).
 */
#include "offer/promo-private.h"

static const char *const reason_names[] = {
    "valid", "bad_byte", "too_short", "too_long", "literal", "charset", "check_char",
};

MKT_EXPORT const char *mkt_promo_reason_name(int32_t reason)
{
    if (reason < 0 || (size_t)reason >= sizeof reason_names / sizeof reason_names[0])
        return "unknown";
    return reason_names[reason];
}

static int verdict(mkt_promo_check_result *out, int32_t reason, size_t position)
{
    out->valid = reason == MKT_PROMO_VALID;
    out->reason = reason;
    out->position = (int32_t)position;
    return MKT_OK;
}

MKT_EXPORT int mkt_promo_check(const mkt_promo_format *fmt, const char *code, size_t code_len,
                               mkt_promo_check_result *out)
{
    if (fmt == NULL || out == NULL || (code == NULL && code_len > 0))
        return MKT_EINVAL;
    const mkt__promo_algebra *alg = &fmt->alg;
    int32_t content_reason = MKT_PROMO_VALID;
    size_t content_pos = 0, check_pos = 0, k = 0;
    uint32_t j = 0;
    uint8_t product = 0;
    for (size_t i = 0; i < code_len; i++) {
        unsigned char c = (unsigned char)code[i];
        if (c == ' ' || c == '-')
            continue;
        if (MKT_UNLIKELY(c < 0x21 || c > 0x7E))
            return verdict(out, MKT_PROMO_BAD_BYTE, i + 1);
        if (MKT_UNLIKELY(k >= fmt->canon_len)) {
            k++;
            continue;
        }
        c = mkt__promo_upper(c);
        uint8_t kind = fmt->canon_kind[k++];
        if (kind == MKT__PROMO_LITERAL) {
            if (c != (unsigned char)fmt->canon[k - 1] && content_reason == MKT_PROMO_VALID) {
                content_reason = MKT_PROMO_LITERAL;
                content_pos = k;
            }
            continue;
        }
        int v = fmt->value_of[c];
        if (v < 0) {
            if (content_reason == MKT_PROMO_VALID) {
                content_reason = MKT_PROMO_CHARSET;
                content_pos = k;
            }
            continue;
        }
        if (fmt->check_char) {
            product = alg->mul[product][alg->perm[j][v]];
            j++;
            if (kind == MKT__PROMO_CHECK)
                check_pos = k;
        }
    }
    if (k < fmt->canon_len)
        return verdict(out, MKT_PROMO_TOO_SHORT, 0);
    if (k > fmt->canon_len)
        return verdict(out, MKT_PROMO_TOO_LONG, 0);
    if (content_reason != MKT_PROMO_VALID)
        return verdict(out, content_reason, content_pos);
    if (fmt->check_char && product != 0)
        return verdict(out, MKT_PROMO_CHECK_CHAR, check_pos);
    return verdict(out, MKT_PROMO_VALID, 0);
}

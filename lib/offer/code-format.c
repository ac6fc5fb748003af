/* SPDX-License-Identifier: MIT */
/*
 * Compiling a code format: the charset (built-in or custom), the template that prefix, pattern
 * and suffix spell (kept twice: as displayed, and in canonical form for checking), the table
 * for unbiased sampling, and the check-character algebra. Also the entropy report.
 */
#include <math.h>
#include <string.h>

#include "core/util.h"
#include "offer/promo-private.h"

static const struct {
    const char *name;
    const char *chars;
} builtin_charsets[] = {
    {"alphanumeric", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
    {"alphabetic", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
    {"numeric", "0123456789"},
    /* No 0/O/Q-like pairs left: 0, 1, O, I and L are dropped (31 characters). */
    {"unambiguous", "23456789ABCDEFGHJKMNPQRSTUVWXYZ"},
};

#define DEFAULT_LENGTH 8

MKT_EXPORT int mkt_promo_options_init(mkt_promo_options *opts)
{
    if (opts == NULL)
        return MKT_EINVAL;
    *opts = (mkt_promo_options)MKT_PROMO_OPTIONS_INIT;
    return MKT_OK;
}

static int set_charset(mkt_ctx *ctx, mkt_promo_format *f, const char *spec)
{
    const char *chars = NULL;
    if (spec == NULL || spec[0] == '\0')
        spec = "unambiguous";
    for (size_t i = 0; i < sizeof builtin_charsets / sizeof builtin_charsets[0]; i++)
        if (strcmp(spec, builtin_charsets[i].name) == 0)
            chars = builtin_charsets[i].chars;
    int custom = chars == NULL;
    if (custom)
        chars = spec;
    memset(f->value_of, -1, sizeof f->value_of);
    size_t n = 0;
    for (; chars[n] != '\0'; n++) {
        unsigned char c = (unsigned char)chars[n];
        if (c >= 'a' && c <= 'z' && custom)
            return mkt__error(ctx, MKT_EINVAL,
                              "promo format: charset: \"%.40s\" is not a built-in name "
                              "(alphanumeric, alphabetic, numeric, unambiguous), and a custom "
                              "set may not hold lower-case letters", spec);
        if (c < 0x21 || c > 0x7E || c == '-')
            return mkt__error(ctx, MKT_EINVAL,
                              "promo format: charset: column %zu: byte 0x%02X is not allowed "
                              "(printable ASCII except space and '-')", n + 1, (unsigned)c);
        if (n >= MKT_PROMO_MAX_CHARSET || f->value_of[c] >= 0)
            return mkt__error(ctx, MKT_EINVAL,
                              "promo format: charset: column %zu: '%c' appears twice", n + 1, c);
        f->value_of[c] = (int8_t)n;
        f->charset[n] = (char)c;
    }
    if (n < 2)
        return mkt__error(ctx, MKT_EINVAL, "promo format: charset: needs at least 2 characters");
    f->charset[n] = '\0';
    f->n = (uint32_t)n;
    /* Unbiased sampling: accept a byte only below the largest multiple of n <= 256. */
    uint32_t limit = 256u - 256u % (uint32_t)n;
    for (uint32_t b = 0; b < 256; b++)
        f->byte_map[b] = b < limit ? (uint8_t)(b % n) : 0xFF;
    return MKT_OK;
}

/* Append one template element, in display form and (unless it vanishes in normalization) in
 * canonical form. */
static int push(mkt_ctx *ctx, mkt_promo_format *f, unsigned char c, uint8_t kind, const char *what,
                size_t col)
{
    if (kind == MKT__PROMO_LITERAL && (c < 0x20 || c > 0x7E))
        return mkt__error(ctx, MKT_EINVAL,
                          "promo format: %s: column %zu: byte 0x%02X is not printable ASCII", what,
                          col, (unsigned)c);
    if (f->display_len >= MKT_PROMO_MAX_DISPLAY)
        return mkt__error(ctx, MKT_ERANGE, "promo format: codes would be longer than %d characters",
                          MKT_PROMO_MAX_DISPLAY);
    f->display[f->display_len] = (char)c;
    f->display_kind[f->display_len++] = kind;
    if (kind == MKT__PROMO_LITERAL && (c == ' ' || c == '-'))
        return MKT_OK;
    if (f->canon_len >= MKT_PROMO_MAX_LEN)
        return mkt__error(ctx, MKT_ERANGE,
                          "promo format: codes would be longer than %d characters without spaces "
                          "and dashes", MKT_PROMO_MAX_LEN);
    f->canon[f->canon_len] = (char)mkt__promo_upper(c);
    f->canon_kind[f->canon_len++] = kind;
    return MKT_OK;
}

static int push_literal_text(mkt_ctx *ctx, mkt_promo_format *f, const char *s, const char *what)
{
    for (size_t i = 0; s != NULL && s[i] != '\0'; i++) {
        int rc = push(ctx, f, (unsigned char)s[i], MKT__PROMO_LITERAL, what, i + 1);
        if (rc)
            return rc;
    }
    return MKT_OK;
}

static int push_pattern(mkt_ctx *ctx, mkt_promo_format *f, const char *p, int *has_check)
{
    int rc = MKT_OK;
    for (size_t i = 0; p[i] != '\0' && rc == MKT_OK; i++) {
        if (p[i] == '#') {
            if (*has_check)
                return mkt__error(ctx, MKT_EINVAL, "promo format: pattern: column %zu: '#' after "
                                  "the check character '!' (it must come last)", i + 1);
            f->random_chars++;
            rc = push(ctx, f, '#', MKT__PROMO_RANDOM, "pattern", i + 1);
        } else if (p[i] == '!') {
            if (!f->check_char || *has_check)
                return mkt__error(ctx, MKT_EINVAL, "promo format: pattern: column %zu: %s", i + 1,
                                  f->check_char ? "a second check character '!'"
                                                : "'!' (check character) but check_char is off; "
                                                  "write \\! for a literal '!'");
            *has_check = 1;
            rc = push(ctx, f, '!', MKT__PROMO_CHECK, "pattern", i + 1);
        } else {
            if (p[i] == '\\' && p[++i] == '\0')
                return mkt__error(ctx, MKT_EINVAL,
                                  "promo format: pattern: column %zu: '\\' at the end escapes "
                                  "nothing", i);
            rc = push(ctx, f, (unsigned char)p[i], MKT__PROMO_LITERAL, "pattern", i + 1);
        }
    }
    if (rc == MKT_OK && f->random_chars == 0)
        return mkt__error(ctx, MKT_EINVAL, "promo format: pattern: no '#' (random character)");
    return rc;
}

static int build_template(mkt_ctx *ctx, mkt_promo_format *f, const mkt_promo_options *o)
{
    int has_check = 0;
    int rc = push_literal_text(ctx, f, o->prefix, "prefix");
    if (rc == MKT_OK && o->pattern != NULL) {
        rc = push_pattern(ctx, f, o->pattern, &has_check);
        if (rc == MKT_OK && o->length != 0 && (uint32_t)o->length != f->random_chars)
            rc = mkt__error(ctx, MKT_EINVAL, "promo format: length %d but the pattern has %u '#'",
                            (int)o->length, f->random_chars);
    } else if (rc == MKT_OK) {
        int32_t len = o->length == 0 ? DEFAULT_LENGTH : o->length;
        if (len < 1 || len >= MKT_PROMO_MAX_LEN)
            return mkt__error(ctx, MKT_ERANGE, "promo format: length %d outside 1..%d",
                              (int)o->length, MKT_PROMO_MAX_LEN - 1);
        f->random_chars = (uint32_t)len;
        for (int32_t i = 0; i < len && rc == MKT_OK; i++)
            rc = push(ctx, f, '#', MKT__PROMO_RANDOM, "body", 0);
    }
    if (rc == MKT_OK && f->check_char && !has_check)
        rc = push(ctx, f, '!', MKT__PROMO_CHECK, "body", 0);
    if (rc == MKT_OK)
        rc = push_literal_text(ctx, f, o->suffix, "suffix");
    return rc;
}

MKT_EXPORT int mkt_promo_format_new(mkt_promo_format **out, mkt_ctx *ctx,
                                    const mkt_promo_options *opts)
{
    if (out != NULL)
        *out = NULL;
    if (ctx == NULL)
        return MKT_EINVAL;
    if (out == NULL)
        return mkt__error(ctx, MKT_EINVAL, "promo format: out is NULL");
    mkt_promo_options o = MKT_PROMO_OPTIONS_INIT;
    if (opts != NULL) {
        if (opts->struct_size < sizeof(size_t) || opts->struct_size > sizeof o)
            return mkt__error(ctx, MKT_EINVAL, "promo format: options struct_size %zu is not valid",
                              opts->struct_size);
        memcpy(&o, opts, opts->struct_size);
        o.struct_size = sizeof o;
    }
    if (o.check_char != 0 && o.check_char != 1)
        return mkt__error(ctx, MKT_EINVAL, "promo format: check_char must be 0 or 1");
    mkt_promo_format *f = mkt__calloc(ctx, 1, sizeof *f);
    if (f == NULL)
        return mkt__oom(ctx);
    f->ctx = ctx;
    f->check_char = o.check_char;
    int rc = set_charset(ctx, f, o.charset);
    if (rc == MKT_OK)
        rc = build_template(ctx, f, &o);
    if (rc == MKT_OK && f->check_char)
        rc = mkt__promo_algebra_build(ctx, &f->alg, f->n, f->random_chars);
    if (rc) {
        mkt__free(ctx, f);
        return rc;
    }
    *out = f;
    return MKT_OK;
}

MKT_EXPORT void mkt_promo_format_free(mkt_promo_format *fmt)
{
    if (fmt != NULL)
        mkt__free(fmt->ctx, fmt);
}

uint64_t mkt__promo_exact_space(const mkt_promo_format *f)
{
    uint64_t s = 1;
    for (uint32_t i = 0; i < f->random_chars; i++) {
        if (s > UINT64_MAX / f->n)
            return UINT64_MAX;
        s *= f->n;
    }
    return s;
}

MKT_EXPORT int mkt_promo_entropy_get(const mkt_promo_format *fmt, uint64_t issued,
                                     mkt_promo_entropy *out)
{
    if (fmt == NULL || out == NULL)
        return MKT_EINVAL;
    memset(out, 0, sizeof *out);
    out->charset_size = (int32_t)fmt->n;
    out->random_chars = (int32_t)fmt->random_chars;
    out->code_len = (int32_t)fmt->canon_len;
    out->display_len = (int32_t)fmt->display_len;
    out->bits = (double)fmt->random_chars * log2((double)fmt->n);
    out->space = pow((double)fmt->n, (double)fmt->random_chars);
    out->guess_probability = (double)issued / out->space;
    uint64_t half = mkt__promo_exact_space(fmt) / 2;
    out->max_batch = half > (UINT64_C(1) << 32) ? (UINT64_C(1) << 32) : half;
    return MKT_OK;
}

void mkt__promo_render(const mkt_promo_format *f, const uint8_t *v, char *disp)
{
    uint8_t check = 0;
    if (f->check_char) {
        uint8_t p = 0;
        for (uint32_t j = 0; j < f->random_chars; j++)
            p = f->alg.mul[p][f->alg.perm[j][v[j]]];
        check = f->alg.solve[p];
    }
    uint32_t j = 0;
    for (uint32_t i = 0; i < f->display_len; i++) {
        uint8_t kind = f->display_kind[i];
        disp[i] = kind == MKT__PROMO_LITERAL ? f->display[i]
                  : kind == MKT__PROMO_RANDOM ? f->charset[v[j++]]
                                              : f->charset[check];
    }
}

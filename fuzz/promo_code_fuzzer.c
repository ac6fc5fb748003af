/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of promo-code parsing and normalization. Input: one option byte (charset,
 * check character, length), then the pattern up to the first '\n', the prefix up to the next
 * '\n', then the code. Properties: normalization is idempotent; a format either compiles or
 * fails cleanly; the check never crashes and accepts only codes of the template's length;
 * when the check character is on, changing one character of a valid code makes it invalid;
 * derived and generated codes are valid.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libmarketing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond))                                                                         \
            abort();                                                                         \
    } while (0)

/* Deterministic "random" bytes: a counter (generation must still terminate and dedupe). */
static int counter_random(void *buf, size_t len, void *user_data)
{
    uint32_t *state = user_data;
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        *state = *state * 1103515245u + 12345u;
        p[i] = (uint8_t)(*state >> 16);
    }
    return MKT_OK;
}

static char *take_line(const uint8_t **data, size_t *size)
{
    const uint8_t *nl = memchr(*data, '\n', *size);
    size_t n = nl != NULL ? (size_t)(nl - *data) : *size;
    char *s = malloc(n + 1);
    CHECK(s != NULL);
    memcpy(s, *data, n);
    s[n] = '\0';
    *data += n + (nl != NULL);
    *size -= n + (nl != NULL);
    return s;
}

static void check_normalize(mkt_ctx *ctx, const char *code)
{
    char a[MKT_PROMO_MAX_LEN + 1], b[MKT_PROMO_MAX_LEN + 1];
    size_t na = 0, nb = 0;
    int rc = mkt_promo_normalize(ctx, code, a, sizeof a, &na);
    CHECK(rc == MKT_OK || rc == MKT_EINVAL || rc == MKT_ERANGE);
    if (rc != MKT_OK)
        return;
    CHECK(mkt_promo_normalize(ctx, a, b, sizeof b, &nb) == MKT_OK);
    CHECK(na == nb && memcmp(a, b, na) == 0);
}

/* One substitution of a valid code's character by another charset character must be caught
 * when the format has a check character (and may not turn an invalid code valid otherwise). */
static void check_code(const mkt_promo_format *f, const mkt_promo_options *o, const char *code,
                       uint8_t pick)
{
    size_t len = strlen(code);
    mkt_promo_check_result r;
    CHECK(mkt_promo_check(f, code, len, &r) == MKT_OK);
    CHECK(r.valid == (r.reason == MKT_PROMO_VALID));
    if (!r.valid || !o->check_char || len == 0)
        return;
    char *copy = malloc(len + 1);
    CHECK(copy != NULL);
    memcpy(copy, code, len + 1);
    size_t pos = pick % len;
    char c = copy[pos];
    /* Replace with the next charset character, if c is one. */
    static const char *const sets[] = {"0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"};
    for (size_t s = 0; s < 2; s++) {
        const char *hit = strchr(sets[s], c >= 'a' && c <= 'z' ? c - 32 : c);
        if (c != '\0' && hit != NULL) {
            copy[pos] = hit[1] != '\0' ? hit[1] : sets[s][0];
            CHECK(mkt_promo_check(f, copy, len, &r) == MKT_OK);
            /* Either still a well-formed code differing in a literal-free way is impossible:
             * a changed random/check character must be rejected; a changed literal too. */
            CHECK(!r.valid);
        }
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *const charsets[] = {"numeric", "alphabetic", "alphanumeric",
                                           "unambiguous", "XYZ", "ABCDEF", "0123456789AB"};
    uint8_t opt = data[0];
    data++, size--;
    uint32_t state = opt;
    mkt_host host = MKT_HOST_INIT;
    host.random = counter_random;
    host.user_data = &state;
    mkt_ctx *ctx = NULL;
    CHECK(mkt_ctx_new(&ctx, &host, NULL) == MKT_OK);
    char *pattern = take_line(&data, &size);
    char *prefix = take_line(&data, &size);
    char *code = malloc(size + 1);
    CHECK(code != NULL);
    memcpy(code, data, size);
    code[size] = '\0';
    check_normalize(ctx, code);
    check_normalize(ctx, pattern);

    mkt_promo_options o = MKT_PROMO_OPTIONS_INIT;
    o.charset = charsets[(opt & 7) % 7];
    o.check_char = (opt >> 3) & 1;
    o.length = (opt >> 4) & 1 ? 0 : (int32_t)((opt >> 5) + 1);
    o.pattern = pattern[0] != '\0' ? pattern : NULL;
    o.prefix = prefix;
    mkt_promo_format *f = NULL;
    int rc = mkt_promo_format_new(&f, ctx, &o);
    CHECK(rc == MKT_OK || rc == MKT_EINVAL || rc == MKT_ERANGE);
    if (rc == MKT_OK) {
        check_code(f, &o, code, opt);
        char derived[MKT_PROMO_MAX_DISPLAY + 1];
        if (mkt_promo_derive(ctx, f, "0123456789abcdef", 16, "OFFER", "C1", derived,
                             sizeof derived, NULL) == MKT_OK)
            check_code(f, &o, derived, opt);
        char *codes = NULL;
        mkt_promo_entropy e;
        CHECK(mkt_promo_entropy_get(f, 0, &e) == MKT_OK);
        uint64_t n = e.max_batch < 3 ? e.max_batch : 3;
        if (n > 0) {
            CHECK(mkt_promo_generate(ctx, f, n, NULL, &codes, NULL) == MKT_OK);
            for (char *line = codes; *line != '\0';) {
                char *nl = strchr(line, '\n');
                CHECK(nl != NULL);
                *nl = '\0';
                check_code(f, &o, line, opt);
                line = nl + 1;
            }
            mkt_free(codes);
        }
        mkt_promo_format_free(f);
    }
    free(code);
    free(prefix);
    free(pattern);
    mkt_ctx_free(ctx);
    return 0;
}

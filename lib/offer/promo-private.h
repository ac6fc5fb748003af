/* SPDX-License-Identifier: MIT */
/*
 * Internal API of the promo-code part of the offer module (lib/offer/code-*.c): the compiled
 * format, the check-character algebra and the helpers shared by generation and derivation.
 */
#ifndef MKT_OFFER_PROMO_PRIVATE_H
#define MKT_OFFER_PROMO_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core-private.h"
#include "libmarketing/promo.h"

/* Store namespaces (doc/promo-codes.md, "Storage"). */
#define MKT__PROMO_NS_CODE "offer.code"
#define MKT__PROMO_NS_CUSTOMER "offer.customer_code"
/* Draws a code may take before the generator gives up (see mkt_promo_generate()). */
#define MKT__PROMO_MAX_DRAWS 64

/* ASCII upper-case without the locale (toupper() depends on it). */
static inline unsigned char mkt__promo_upper(unsigned char c)
{
    return (c >= 'a' && c <= 'z') ? (unsigned char)(c - 'a' + 'A') : c;
}

/* The check-character algebra (code-algebra.c). Characters are values 0..n-1; a code
 * v_0 .. v_L (v_L the check character) is valid iff
 *     perm[0][v_0] * perm[1][v_1] * ... * perm[L][v_L] == 0   (0 is the identity)
 * in a group G of order n, where perm[j] = delta^j for a permutation delta with
 *     x * delta(y) != y * delta(x)   for all x != y   (an "anti-symmetric mapping").
 * See code-algebra.c for the groups and the proof. */
typedef struct mkt__promo_algebra {
    uint32_t n;
    uint8_t mul[MKT_PROMO_MAX_CHARSET][MKT_PROMO_MAX_CHARSET];
    uint8_t perm[MKT_PROMO_MAX_LEN][MKT_PROMO_MAX_CHARSET];
    /* solve[p] = the check value c at sequence position L such that p * perm[L][c] == 0. */
    uint8_t solve[MKT_PROMO_MAX_CHARSET];
} mkt__promo_algebra;

/* Build the algebra for @n characters and a check character at sequence position @check_pos
 * (= the number of random characters). MKT_OK, or MKT_EINVAL (error recorded) when no scheme
 * exists (n == 2) or the built tables fail the anti-symmetry verification. */
int mkt__promo_algebra_build(mkt_ctx *ctx, mkt__promo_algebra *a, uint32_t n,
                             uint32_t check_pos);
/* 1 if x * delta(y) != y * delta(x) for all x != y in the built algebra (exhaustive, n^2). */
int mkt__promo_algebra_verify(const mkt__promo_algebra *a);

/* Kinds of the canonical template's positions. */
enum { MKT__PROMO_LITERAL = 0, MKT__PROMO_RANDOM = 1, MKT__PROMO_CHECK = 2 };

struct mkt_promo_format {
    mkt_ctx *ctx;
    uint32_t n;                 /* charset size */
    char charset[MKT_PROMO_MAX_CHARSET + 1];
    int8_t value_of[256];       /* canonical byte -> charset value, -1 if not in the charset */
    uint8_t byte_map[256];      /* random byte -> value, 0xFF = rejected (unbiased sampling) */
    uint32_t random_chars;      /* L */
    int32_t check_char;         /* 0/1 */
    /* Canonical template: literal bytes, random slots, check slot. */
    uint32_t canon_len;
    char canon[MKT_PROMO_MAX_LEN];
    uint8_t canon_kind[MKT_PROMO_MAX_LEN];
    /* Display form: the same, with the literals as given. */
    uint32_t display_len;
    char display[MKT_PROMO_MAX_DISPLAY];
    uint8_t display_kind[MKT_PROMO_MAX_DISPLAY];
    mkt__promo_algebra alg;     /* valid when check_char */
};

/* Fill @disp (display_len bytes) and the check character from the random values @v[0..L). */
void mkt__promo_render(const mkt_promo_format *f, const uint8_t *v, char *disp);
/* n^L (the number of codes) if it fits in 64 bits, else UINT64_MAX. */
uint64_t mkt__promo_exact_space(const mkt_promo_format *f);
/* Validate a customer id per the cross-module rules (1..256 bytes UTF-8, no byte < 0x20). */
int mkt__promo_customer_id_ok(mkt_ctx *ctx, const char *id);

#endif /* MKT_OFFER_PROMO_PRIVATE_H */

/* SPDX-License-Identifier: MIT */
/*
 * The check character: a Verhoeff-style scheme over a group of order n (the charset size) with
 * an anti-symmetric mapping delta, generalised from Verhoeff's dihedral D5 to every n >= 3.
 *
 * A code v_0 .. v_L is valid iff P = perm_0(v_0) * perm_1(v_1) * ... * perm_L(v_L) is the
 * identity, with perm_j = delta^j. Why this catches the two common typos, for EVERY code:
 * - One substitution v_j -> w (w != v_j): perm_j is a permutation, so perm_j(w) != perm_j(v_j),
 *   and in a group A*x*B == A*y*B implies x == y: the product changes, the code is rejected.
 * - Swapping adjacent v_j = a, v_{j+1} = b (a != b): with x = perm_j(a), y = perm_j(b) the
 *   product keeps its value iff A * x * delta(y) * B == A * y * delta(x) * B, i.e. iff
 *   x * delta(y) == y * delta(x), which the anti-symmetry of delta forbids for x != y.
 * Both arguments are LOCAL: the other characters only contribute the factors A and B, which
 * cancel. So verifying anti-symmetry for all pairs (mkt__promo_algebra_verify(), at every build)
 * and exhaustively testing all codes of one small length (tests/unit/offer/test_code_check.c)
 * proves the property for every length and every position.
 *
 * The groups (a group of order n ≡ 2 mod 4 that is abelian has no anti-symmetric mapping, hence
 * the dihedral case; no scheme at all exists for n = 2, which is refused):
 * - n odd: Z_n, delta(x) = -x. x + delta(y) == y + delta(x) <=> 2(x - y) == 0 <=> x == y.
 * - n = 2m, m odd: dihedral D_m, elements (k, f) = r^k s^f, (a,f)(b,g) = (a + (-1)^f b, f^g),
 *   delta(k,0) = (-k-1, 0), delta(k,1) = (k, 1). Rotation pair: (a-b-1) vs (b-a-1), equal iff
 *   2(a-b) == 0 iff a == b. Reflection pair: (a-b, 0) vs (b-a, 0), same. Mixed pair
 *   x = (a,0), y = (b,1): x*delta(y) = (a+b, 1) but y*delta(x) = (a+b+1, 1): never equal.
 * - n = 2^e * q, e >= 2, q odd: (GF(2^e), +) x Z_q, delta(t, o) = (w*t, -o) with w = the field
 *   element "x" (w != 0, 1). Equality needs (1 + w)(t1 ^ t2) == 0 and 2(o1 - o2) == 0.
 */
#include <string.h>

#include "offer/promo-private.h"

/* GF(2^e) reduction polynomials for e = 2..6: three terms each, so neither x nor x + 1 divides
 * them and multiplying by w = x and by 1 + w is invertible. */
static const uint32_t gf2_poly[7] = {0, 0, 0x7, 0xB, 0x13, 0x25, 0x43};

static void build_cyclic(mkt__promo_algebra *a, uint8_t *delta)
{
    uint32_t n = a->n;
    for (uint32_t x = 0; x < n; x++) {
        for (uint32_t y = 0; y < n; y++)
            a->mul[x][y] = (uint8_t)((x + y) % n);
        delta[x] = (uint8_t)((n - x) % n);
    }
}

static void build_dihedral(mkt__promo_algebra *a, uint8_t *delta)
{
    uint32_t m = a->n / 2;
    for (uint32_t x = 0; x < a->n; x++) {
        uint32_t ka = x % m, fa = x / m;
        for (uint32_t y = 0; y < a->n; y++) {
            uint32_t kb = y % m, fb = y / m;
            uint32_t k = fa == 0 ? (ka + kb) % m : (ka + m - kb) % m;
            a->mul[x][y] = (uint8_t)((fa ^ fb) * m + k);
        }
        delta[x] = (uint8_t)(fa == 0 ? (2 * m - ka - 1) % m : x);
    }
}

static void build_gf2_product(mkt__promo_algebra *a, uint8_t *delta, uint32_t e)
{
    uint32_t t_size = 1u << e, q = a->n >> e;
    for (uint32_t x = 0; x < a->n; x++) {
        uint32_t tx = x % t_size, ox = x / t_size;
        for (uint32_t y = 0; y < a->n; y++) {
            uint32_t ty = y % t_size, oy = y / t_size;
            a->mul[x][y] = (uint8_t)(((ox + oy) % q) * t_size + (tx ^ ty));
        }
        uint32_t wt = tx << 1;
        if (wt & t_size)
            wt ^= gf2_poly[e];
        delta[x] = (uint8_t)(((q - ox) % q) * t_size + wt);
    }
}

int mkt__promo_algebra_verify(const mkt__promo_algebra *a)
{
    /* perm[1] is delta itself. */
    for (uint32_t x = 0; x < a->n; x++)
        for (uint32_t y = x + 1; y < a->n; y++)
            if (a->mul[x][a->perm[1][y]] == a->mul[y][a->perm[1][x]])
                return 0;
    return 1;
}

static uint8_t group_inverse(const mkt__promo_algebra *a, uint8_t x)
{
    for (uint32_t y = 0; y < a->n; y++)
        if (a->mul[x][y] == 0)
            return (uint8_t)y;
    return 0; /* unreachable in a group */
}

int mkt__promo_algebra_build(mkt_ctx *ctx, mkt__promo_algebra *a, uint32_t n,
                             uint32_t check_pos)
{
    memset(a, 0, sizeof *a);
    if (n < 3 || n > MKT_PROMO_MAX_CHARSET || check_pos >= MKT_PROMO_MAX_LEN)
        return mkt__error(ctx, MKT_EINVAL,
                          "promo format: charset: no check character exists for a charset of "
                          "%u characters (it needs 3..%d)", n, MKT_PROMO_MAX_CHARSET);
    a->n = n;
    uint8_t delta[MKT_PROMO_MAX_CHARSET];
    uint32_t e = 0;
    while (((n >> e) & 1u) == 0)
        e++;
    if (e == 0)
        build_cyclic(a, delta);
    else if (e == 1)
        build_dihedral(a, delta);
    else
        build_gf2_product(a, delta, e);
    for (uint32_t x = 0; x < n; x++)
        a->perm[0][x] = (uint8_t)x;
    for (uint32_t j = 1; j < MKT_PROMO_MAX_LEN; j++)
        for (uint32_t x = 0; x < n; x++)
            a->perm[j][x] = delta[a->perm[j - 1][x]];
    if (!mkt__promo_algebra_verify(a))
        return mkt__error(ctx, MKT_EINTERNAL,
                          "promo format: check-character tables for %u characters failed "
                          "their self-test", n);
    uint8_t inv_last[MKT_PROMO_MAX_CHARSET];
    for (uint32_t c = 0; c < n; c++)
        inv_last[a->perm[check_pos][c]] = (uint8_t)c;
    for (uint32_t p = 0; p < n; p++)
        a->solve[p] = inv_last[group_inverse(a, (uint8_t)p)];
    return MKT_OK;
}

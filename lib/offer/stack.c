/* SPDX-License-Identifier: MIT */
/*
 * Stacking: the combination of codes with the largest total discount. Each code is first
 * validated on its own; then every subset of the valid ones (at most 2^16) is tried exactly:
 * a subset is allowed when its offers are distinct, and, with two or more codes, all
 * stackable and pairwise in each other's combine-with lists. Discounts apply in priority
 * order, each percentage on what the earlier ones left, so the total depends on the order and
 * a greedy pick could miss the best set. Ties go to fewer codes, then to the set holding the
 * earliest code in input order, so the answer never depends on anything but the input.
 */
#include <string.h>

#include "offer-private.h"

MKT_EXPORT int mkt_offer_stack_new(mkt_offer_stack **out, mkt_ctx *ctx)
{
    if (out)
        *out = NULL;
    if (!out || !ctx)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_offer_stack_new: NULL out") : MKT_EINVAL;
    mkt_offer_stack *s = mkt__calloc(ctx, 1, sizeof *s);
    if (!s)
        return mkt__oom(ctx);
    s->ctx = ctx;
    *out = s;
    return MKT_OK;
}

MKT_EXPORT void mkt_offer_stack_free(mkt_offer_stack *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->items.len; i++)
        mkt_offer_result_free(s->items.data[i]);
    MKT__VEC_FREE(s->ctx, &s->items);
    mkt__free(s->ctx, s);
}

static int in_list(const mkt_offer *o, const char *id)
{
    for (size_t i = 0; i < o->combinable.len; i++)
        if (strcmp(o->combinable.data[i], id) == 0)
            return 1;
    return 0;
}

/* 1 if offers @a and @b may be used together (distinct, stackable, each accepts the other). */
static int compatible(const mkt_offer *a, const mkt_offer *b)
{
    return a != b && a->stackable && b->stackable &&
           (a->combinable.len == 0 || in_list(a, b->id)) &&
           (b->combinable.len == 0 || in_list(b, a->id));
}

struct search {
    const mkt_offer *offer[MKT_OFFER_STACK_MAX];
    uint32_t compat[MKT_OFFER_STACK_MAX]; /* bit j: code j may join code i */
    size_t order[MKT_OFFER_STACK_MAX];    /* code indexes in application order */
    size_t n;
    mkt_offer_booking booking;
};

/* Does code @ia apply before code @ib? Higher priority first, then offer id, then input
 * position; unknown codes (no offer) last. */
static int applies_before(const struct search *s, size_t ia, size_t ib)
{
    const mkt_offer *a = s->offer[ia], *b = s->offer[ib];
    if (!a || !b)
        return a ? 1 : b ? 0 : ia < ib;
    if (a->priority != b->priority)
        return a->priority > b->priority;
    int c = strcmp(a->id, b->id);
    return c ? c < 0 : ia < ib;
}

/* Total discount of @mask; per-code discounts into @each. */
static int64_t subset_total(const struct search *s, uint32_t mask, int64_t each[])
{
    mkt_offer_booking b = s->booking;
    int64_t total = 0;
    for (size_t k = 0; k < s->n; k++) {
        size_t i = s->order[k];
        if (!(mask >> i & 1u))
            continue;
        each[i] = mkt__offer_discount(s->offer[i], &b);
        b.prior_discount += each[i];
        total += each[i];
    }
    return total;
}

static int allowed(const struct search *s, uint32_t mask)
{
    for (size_t i = 0; i < s->n; i++)
        if ((mask >> i & 1u) && (mask & ~(1u << i) & ~s->compat[i]))
            return 0;
    return 1;
}

/* Is subset @a better than @b (already known to have the same total)? */
static int better_tie(uint32_t a, uint32_t b)
{
    int pa = __builtin_popcount(a), pb = __builtin_popcount(b);
    if (pa != pb)
        return pa < pb;
    uint32_t diff = a ^ b;
    return diff && (a & (diff & (0u - diff))) != 0;
}

static uint32_t best_subset(const struct search *s, uint32_t valid, int64_t *best_total)
{
    uint32_t best = 0;
    int64_t each[MKT_OFFER_STACK_MAX];
    *best_total = 0;
    /* Enumerate the subsets of @valid only (the standard submask walk). */
    for (uint32_t m = valid; m; m = (m - 1) & valid) {
        if (!allowed(s, m))
            continue;
        int64_t t = subset_total(s, m, each);
        if (t > *best_total || (t == *best_total && t > 0 && better_tie(m, best))) {
            *best_total = t;
            best = m;
        }
    }
    return best;
}

/* The reason code @i (valid alone) was left out of @chosen. */
static int explain(mkt_offer_result *r, const struct search *s, size_t i, uint32_t chosen)
{
    const mkt_offer *o = s->offer[i];
    r->valid = 0;
    r->discount = 0;
    for (size_t j = 0; j < s->n; j++) {
        if (!(chosen >> j & 1u))
            continue;
        const mkt_offer *c = s->offer[j];
        if (c == o)
            return mkt__result_add(r, MKT_OFFER_REASON_DUPLICATE,
                                   "code %zu of the same offer is used", j + 1);
        if (!o->stackable || !c->stackable)
            return mkt__result_add(r, MKT_OFFER_REASON_NOT_STACKABLE, "offer %s does not stack",
                                   o->stackable ? c->id : o->id);
        if (!compatible(o, c))
            return mkt__result_add(r, MKT_OFFER_REASON_NOT_COMBINABLE,
                                   "offers %s and %s may not be combined", o->id, c->id);
    }
    return mkt__result_add(r, MKT_OFFER_REASON_LOWER_DISCOUNT,
                           "a combination without this code saves more");
}

static int grow_items(mkt_offer_stack *st, size_t n)
{
    while (st->items.len < n) {
        mkt_offer_result *r = NULL;
        int rc = MKT__VEC_RESERVE(st->ctx, &st->items, 1);
        if (rc == MKT_OK)
            rc = mkt_offer_result_new(&r, st->ctx);
        if (rc)
            return rc;
        st->items.data[st->items.len++] = r;
    }
    return MKT_OK;
}

MKT_EXPORT int mkt_offers_stack(const mkt_offers *set, mkt_ctx *ctx, const char *const *codes,
                                size_t n, const mkt_offer_booking *b, mkt_offer_stack *st)
{
    if (!ctx)
        return MKT_EINVAL;
    if (!set || !codes || !b || !st || n == 0)
        return mkt__error(ctx, MKT_EINVAL, "mkt_offers_stack: NULL argument or no code");
    if (n > MKT_OFFER_STACK_MAX)
        return mkt__error(ctx, MKT_ETOOBIG, "mkt_offers_stack: %zu codes, at most %d", n,
                          MKT_OFFER_STACK_MAX);
    for (size_t i = 0; i < n; i++)
        if (!codes[i])
            return mkt__error(ctx, MKT_EINVAL, "mkt_offers_stack: code %zu is NULL", i + 1);
    int rc = mkt__booking_check(ctx, b, 0);
    if (rc == MKT_OK)
        rc = grow_items(st, n);
    if (rc)
        return rc;
    struct search s;
    memset(&s, 0, sizeof s);
    s.n = n;
    /* A full-size copy: fields the caller did not compile keep their defaults. */
    mkt_offer_booking_init(&s.booking);
    memcpy(&s.booking, b, b->struct_size < sizeof s.booking ? b->struct_size : sizeof s.booking);
    s.booking.struct_size = sizeof s.booking;
    uint32_t valid = 0;
    for (size_t i = 0; i < n && rc == MKT_OK; i++) {
        rc = mkt__offers_decide(set, ctx, codes[i], &s.booking, st->items.data[i], 1,
                                &s.offer[i]);
        if (rc == MKT_OK && st->items.data[i]->valid)
            valid |= 1u << i;
    }
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        s.order[i] = i;
        for (size_t j = 0; j < n; j++)
            if ((valid >> i & 1u) && (valid >> j & 1u) && compatible(s.offer[i], s.offer[j]))
                s.compat[i] |= 1u << j;
    }
    for (size_t i = 1; i < n; i++) /* insertion sort into application order */
        for (size_t k = i; k > 0 && applies_before(&s, s.order[k], s.order[k - 1]); k--) {
            size_t t = s.order[k];
            s.order[k] = s.order[k - 1];
            s.order[k - 1] = t;
        }
    int64_t total, each[MKT_OFFER_STACK_MAX] = {0};
    uint32_t chosen = best_subset(&s, valid, &total);
    subset_total(&s, chosen, each);
    st->n = n;
    st->total = total;
    int32_t pos = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = s.order[k];
        st->chosen[i] = (int32_t)(chosen >> i & 1u);
        st->order[i] = st->chosen[i] ? pos++ : -1;
    }
    for (size_t i = 0; i < n && rc == MKT_OK; i++) {
        if (st->chosen[i])
            st->items.data[i]->discount = each[i];
        else if (valid >> i & 1u)
            rc = explain(st->items.data[i], &s, i, chosen);
    }
    return rc;
}

MKT_EXPORT int64_t mkt_offer_stack_total(const mkt_offer_stack *s)
{
    return s ? s->total : 0;
}

MKT_EXPORT size_t mkt_offer_stack_count(const mkt_offer_stack *s)
{
    return s ? s->n : 0;
}

MKT_EXPORT int32_t mkt_offer_stack_chosen(const mkt_offer_stack *s, size_t i)
{
    return s && i < s->n ? s->chosen[i] : 0;
}

MKT_EXPORT int32_t mkt_offer_stack_order(const mkt_offer_stack *s, size_t i)
{
    return s && i < s->n ? s->order[i] : -1;
}

MKT_EXPORT const mkt_offer_result *mkt_offer_stack_item(const mkt_offer_stack *s, size_t i)
{
    return s && i < s->n ? s->items.data[i] : NULL;
}

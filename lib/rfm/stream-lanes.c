/* SPDX-License-Identifier: MIT */
/*
 * RFM folded in the parsing threads: the lanes of stream-private.h (struct lane says how
 * they work and why the result is the one a single thread gives), made before the pass,
 * filled by the parsing threads and merged into the accumulators after it.
 */
#include <string.h>

#include "stream-private.h"

void mkt__feed_free_lanes(struct feed *f)
{
    for (unsigned i = 1; f->lanes && i < f->nlanes; i++)
        mkt__rfm_acc_free(&f->lanes[i].acc);
    mkt__free(f->ctx, f->lanes);
    f->lanes = NULL;
    f->nlanes = 0;
}

/* Zeroed, untouched memory (calloc) for @n of @size, replacing *p. */
static int fresh(struct feed *f, void *p, size_t n, size_t size)
{
    void **at = p;
    mkt__free(f->ctx, *at);
    *at = mkt__calloc(f->ctx, n, size);
    return *at ? MKT_OK : mkt__oom(f->ctx);
}

/* Lane 0 is the calling thread's: the accumulators themselves, given room for every number a
 * lane takes before the first booking. Lanes 1.. are accumulators of their own. All start
 * zeroed and untouched, so a lane costs the customers it meets. A lane takes numbers below
 * BY_NUMBER_ANY, and below one per 16 bytes of the file (a booking is longer): a small file
 * gets small lanes. */
static int threads(void *data, unsigned n, uint64_t bytes)
{
    struct feed *f = data;
    mkt__feed_free_lanes(f);
    size_t cap = bytes / 16 < BY_NUMBER_ANY ? (size_t)(bytes / 16) + 1 : BY_NUMBER_ANY;
    struct mkt__rfm_acc *a = f->rfm;
    int rc = f->room ? MKT_OK : fresh(f, &a->cust, cap, sizeof *a->cust);
    if (rc == MKT_OK && !f->room && f->fx)
        rc = fresh(f, &a->scaled, cap, sizeof *a->scaled);
    if (rc == MKT_OK && !f->room && (rc = fresh(f, &f->met, cap, 1)) == MKT_OK)
        f->room = a->ncust = cap;
    if (rc == MKT_OK && !(f->lanes = mkt__calloc(f->ctx, n, sizeof *f->lanes)))
        rc = mkt__oom(f->ctx);
    f->nlanes = rc ? 0 : n;
    for (unsigned i = 1; rc == MKT_OK && i < n; i++) {
        struct mkt__rfm_acc *l = &f->lanes[i].acc;
        *l = *a; /* the window */
        l->rates = f->fx ? f->lanes[i].rates : NULL;
        l->cust = mkt__calloc(f->ctx, cap, sizeof *l->cust);
        l->scaled = f->fx ? mkt__calloc(f->ctx, cap, sizeof *l->scaled) : NULL;
        l->seen = mkt__calloc(f->ctx, 64, 1);
        l->ncust = cap;
        l->nseen = 64;
        l->overflow = l->unknown = 0;
        if (!l->cust || (f->fx && !l->scaled) || !l->seen)
            rc = mkt__oom(f->ctx);
    }
    return rc;
}

/* The index of @x's customer in accumulators numbered by @shape, or -1. */
static int64_t by_shape(const struct mkt__dense_ids *shape, const struct fact *x, size_t limit)
{
    if (x->number < 0 || (uint64_t)x->number >= limit || !shape->len)
        return -1;
    return mkt__dense_number(shape, x->id, x->id_len) == x->number ? x->number : -1;
}

/* The calling thread's lane: the accumulators, while they are numbered. */
static int local_calling(struct feed *f, const struct fact *x)
{
    int64_t v = f->by_number ? by_shape(&f->shape, x, f->room) : -1;
    int cur = v >= 0 ? mkt__feed_find_currency(f->cur_key, f->ncur, x->currency) : -1;
    if (cur < 0)
        return 0;
    if (!f->met[v]) {
        f->met[v] = 1;
        f->nmet++;
    }
    mkt__rfm_acc_add(f->rfm, (uint32_t)v, x->date, x->amount, (uint32_t)cur, 1);
    return 1;
}

/* A worker's lane. A currency new to the lane is noted, and its booking left to add(). */
static int local_worker(const struct feed *f, struct lane *l, const struct fact *x)
{
    if (!l->shape.len && x->number >= 0)
        mkt__dense_shape(&l->shape, x->id, x->id_len);
    int64_t v = by_shape(&l->shape, x, l->acc.ncust);
    if (v < 0)
        return 0;
    int cur = mkt__feed_find_currency(l->cur_key, l->ncur, x->currency);
    if (cur < 0 && l->ncur < 64) {
        char code[3] = {(char)(x->currency >> 16), (char)(x->currency >> 8), (char)x->currency};
        l->rates[l->ncur] = f->fx ? mkt__fx_rate(f->fx, code, 3) : 0;
        l->cur_key[l->ncur++] = x->currency;
    }
    if (cur < 0)
        return 0;
    mkt__rfm_acc_add(&l->acc, (uint32_t)v, x->date, x->amount, (uint32_t)cur, 1);
    return 1;
}

static int local(void *data, unsigned thread, const void *fact)
{
    struct feed *f = data;
    const struct fact *x = fact;
    if (!x->counts)
        return 1; /* changes nothing */
    return thread ? local_worker(f, &f->lanes[thread], x) : local_calling(f, x);
}

static void local_ahead(const void *data, unsigned thread, const void *fact)
{
    const struct feed *f = data;
    const struct fact *x = fact;
    const struct mkt__rfm_acc *a = thread ? &f->lanes[thread].acc : f->rfm;
    if (x->counts && x->number >= 0 && (uint64_t)x->number < a->ncust)
        __builtin_prefetch(&a->cust[x->number], 1);
}

/* The accumulator index of lane @l's entry @v, as customer_index() makes it for its id. */
static int lane_index(struct feed *f, const struct lane *l, size_t v, uint32_t *index)
{
    char name[sizeof l->shape.prefix + 32];
    size_t len = l->shape.len, width = len - l->shape.plen;
    memcpy(name, l->shape.prefix, l->shape.plen);
    for (size_t i = 0, x = v; i < width; i++, x /= 10)
        name[len - 1 - i] = (char)('0' + x % 10);
    return mkt__feed_customer_index(f, (struct mkt__str){name, len}, index);
}

/* Add lane @l's customer @v into the accumulators. */
static int merge_entry(struct feed *f, const struct lane *l, size_t v)
{
    const struct mkt__rfm_cust *from = &l->acc.cust[v];
    uint32_t index;
    int rc = lane_index(f, l, v, &index);
    if (rc)
        return rc;
    struct mkt__rfm_cust *to = &f->rfm->cust[index];
    if (to->count == 0 || from->last > to->last)
        to->last = from->last;
    to->count += from->count;
    f->rfm->overflow |= __builtin_add_overflow(to->sum, from->sum, &to->sum);
    if (l->acc.scaled)
        f->rfm->scaled[index] += l->acc.scaled[v];
    return MKT_OK;
}

static int merge(void *data, int failed)
{
    struct feed *f = data;
    int rc = MKT_OK;
    for (unsigned i = 1; !failed && rc == MKT_OK && i < f->nlanes; i++) {
        const struct lane *l = &f->lanes[i];
        /* The currencies seen need no merging: the calling thread saw each lane's first
         * booking in each currency. */
        f->rfm->overflow |= l->acc.overflow;
        f->rfm->unknown |= l->acc.unknown;
        for (size_t v = 0; rc == MKT_OK && v < l->acc.ncust; v++)
            if (l->acc.cust[v].count)
                rc = merge_entry(f, l, v);
    }
    mkt__feed_free_lanes(f);
    return rc;
}

void mkt__feed_use_lanes(struct mkt__bk_sink *k)
{
    k->threads = threads;
    k->local = local;
    k->local_ahead = local_ahead;
    k->merge = merge;
}

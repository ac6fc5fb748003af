/* SPDX-License-Identifier: MIT */
/*
 * RFM and lifecycle straight from bookings.csv: mkt_rfm_compute_file() and
 * mkt_lifecycle_compute_file(). The file is streamed (lib/data/bkstream.c: every record
 * checked as a load checks it, parsed by several threads, never stored); the parsing threads
 * decide whether a booking counts at all, and the calling thread numbers the customers of the
 * bookings that do (an interned id each) and feeds the same accumulators mkt_rfm_compute()
 * and mkt_lifecycle_compute() feed from a table. Memory follows the customers, not the file.
 */
#include <string.h>

#include "data/bkstream-private.h"
#include "data/table-private.h"
#include "rfm-private.h"

/* A booking as the calling thread needs it. */
struct fact {
    int64_t amount;
    mkt_date date;
    uint32_t currency; /* three letters packed */
    uint8_t counts;    /* confirmed, and in the window (RFM) or by the as-of date (lifecycle) */
};

/* Most files number their customers ("C0001234"): once the first id gave the shape, an id of
 * that shape finds its customer by its number in a small array, and only a new customer or an
 * id of another shape goes to the dictionary. */
#define BY_NUMBER_MAX (UINT32_C(1) << 26) /* numbers beyond take the dictionary */

struct feed {
    mkt_ctx *ctx;
    mkt_date after, as_of;      /* a booking counts when after < date <= as_of */
    mkt__intern ids;            /* customers met, numbered in order */
    struct mkt__dense_ids shape; /* len 0: no shape (yet, or none) */
    int shaped;                 /* the first id was looked at */
    uint32_t *by_number;        /* customer + 1 by number of an id of the shape */
    size_t nnumbers;
    uint32_t cur_key[64];       /* currencies met: packed code by currency id */
    char cur_code[64][4];
    size_t ncur;
    const mkt_rfm_fx *fx;
    int64_t rates[64];          /* with fx: scaled rate by currency id */
    struct mkt__rfm_acc *rfm;   /* one of the two is fed */
    struct mkt__life_acc *life;
};

/* In a parsing thread: whether the booking counts is decided here, once. */
static void condense(const void *data, const struct mkt__bk_in *in, void *out)
{
    const struct feed *f = data;
    struct fact *x = out;
    x->date = mkt_time_to_date(in->time);
    x->counts = in->status != MKT_BOOKING_CANCELLED && x->date <= f->as_of && x->date > f->after;
    x->amount = in->total;
    x->currency = mkt__currency_key(in->currency);
}

/* The id of currency @key, made when new (64 currencies at most: ISO 4217 use in one file). */
static int currency_id(struct feed *f, mkt__csv *r, const int *map, uint32_t key, uint32_t *id)
{
    for (size_t i = 0; i < f->ncur; i++)
        if (f->cur_key[i] == key) {
            *id = (uint32_t)i;
            return MKT_OK;
        }
    if (f->ncur == 64)
        return mkt__csv_error(r, MKT_ETOOBIG, (size_t)map[B_CURRENCY],
                              "more than 64 currencies in one file");
    for (int k = 0; k < 3; k++)
        f->cur_code[f->ncur][k] = (char)(key >> (16 - 8 * k));
    f->cur_code[f->ncur][3] = 0;
    f->cur_key[f->ncur] = key;
    f->rates[f->ncur] = f->fx ? mkt__fx_rate(f->fx, f->cur_code[f->ncur], 3) : 0;
    *id = (uint32_t)f->ncur++;
    return f->rfm ? mkt__rfm_acc_currencies(f->rfm, f->ncur) : MKT_OK;
}

/* The slot of @cust in the by-number array (grown as needed), or NULL for an id that takes
 * the dictionary. */
static uint32_t *number_slot(struct feed *f, struct mkt__str cust)
{
    if (!f->shaped) {
        f->shaped = 1;
        if (!mkt__dense_shape(&f->shape, cust.p, cust.n))
            f->shape.len = 0;
    }
    int64_t v = f->shape.len ? mkt__dense_number(&f->shape, cust.p, cust.n) : -1;
    /* Sparse numbers would make a large, mostly empty array: those take the dictionary. */
    uint64_t dense_enough = 4 * (uint64_t)mkt__intern_count(&f->ids) + 65536;
    if (v < 0 || v >= (int64_t)BY_NUMBER_MAX ||
        ((size_t)v >= f->nnumbers && (uint64_t)v >= dense_enough))
        return NULL;
    if ((size_t)v >= f->nnumbers) {
        size_t n = f->nnumbers ? f->nnumbers : 1024;
        while (n <= (size_t)v)
            n *= 2;
        uint32_t *p = mkt__reallocarray(f->ctx, f->by_number, n, sizeof *p);
        if (!p)
            return NULL; /* no room: the dictionary works too */
        memset(p + f->nnumbers, 0, (n - f->nnumbers) * sizeof *p);
        f->by_number = p;
        f->nnumbers = n;
    }
    return &f->by_number[v];
}

/* The number of the booking's customer, growing the accumulators for a new one. */
static int customer_id(struct feed *f, struct mkt__str cust, uint32_t *id)
{
    uint32_t *slot = number_slot(f, cust);
    if (slot && *slot) {
        *id = *slot - 1;
        return MKT_OK;
    }
    int is_new;
    int rc = mkt__intern_put(&f->ids, cust.p, cust.n, id, &is_new);
    if (rc == MKT_OK && slot)
        *slot = *id + 1;
    if (rc || !is_new)
        return rc;
    size_t n = (size_t)*id + 1, cap = f->rfm ? f->rfm->ncust : f->life->ncust;
    if (n <= cap)
        return MKT_OK;
    cap = cap < 1024 ? 1024 : cap * 2;
    return f->rfm ? mkt__rfm_acc_grow(f->rfm, cap) : mkt__life_acc_grow(f->life, f->ctx, cap);
}

static int add(void *data, mkt__csv *r, const int *map, const struct mkt__bk_in *in,
               const void *fact)
{
    struct feed *f = data;
    const struct fact *x = fact;
    if (!x->counts && f->rfm)
        return MKT_OK; /* RFM scores only customers with bookings in the window */
    uint32_t cust, cur = 0;
    int rc = customer_id(f, in->cust, &cust); /* lifecycle: every customer, prospects too */
    if (rc == MKT_OK && f->rfm)
        rc = currency_id(f, r, map, x->currency, &cur);
    if (rc || !x->counts)
        return rc;
    if (f->rfm)
        mkt__rfm_acc_add(f->rfm, cust, x->date, x->amount, cur, 1);
    else
        mkt__life_acc_add(f->life, cust, x->date, 1);
    return MKT_OK;
}

static void reset(void *data)
{
    struct feed *f = data;
    mkt__intern_free(&f->ids);
    mkt__intern_init(&f->ids, f->ctx);
    if (f->by_number)
        memset(f->by_number, 0, f->nnumbers * sizeof *f->by_number);
    f->ncur = 0;
    if (f->rfm) {
        memset(f->rfm->cust, 0, f->rfm->ncust * sizeof *f->rfm->cust);
        if (f->rfm->scaled)
            memset(f->rfm->scaled, 0, f->rfm->ncust * sizeof *f->rfm->scaled);
        memset(f->rfm->seen, 0, f->rfm->nseen);
        f->rfm->overflow = f->rfm->unknown = 0;
    } else {
        size_t n = f->life->ncust;
        f->life->ncust = 0;
        mkt__life_acc_grow(f->life, f->ctx, n); /* re-initialises them, cannot fail */
    }
}

static const char *fed_id(const void *data, uint32_t index, size_t *len)
{
    return mkt__intern_str(&((const struct feed *)data)->ids, index, len);
}

static const char *fed_currency(const void *data, uint32_t id)
{
    const struct feed *f = data;
    return id < f->ncur ? f->cur_code[id] : NULL;
}

static int stream(struct feed *f, const char *path, const mkt_load_options *load)
{
    struct mkt__bk_sink sink = {condense, NULL, NULL, add, reset, f};
    return mkt__bk_stream(f->ctx, path, load, &sink);
}

MKT_EXPORT int mkt_rfm_compute_file(mkt_rfm **out, mkt_ctx *ctx, const char *path,
                                    const mkt_rfm_options *opts, const mkt_load_options *load)
{
    if (out)
        *out = NULL;
    if (!out || !ctx || !path)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_rfm_compute_file: NULL argument")
                   : MKT_EINVAL;
    mkt_rfm_options o;
    int rc = mkt__rfm_options(ctx, opts, &o, "mkt_rfm_compute_file");
    if (rc == MKT_OK)
        rc = mkt__resolve_as_of(ctx, o.as_of, &o.as_of, "mkt_rfm_compute_file");
    if (rc)
        return rc;
    struct feed f;
    memset(&f, 0, sizeof f);
    struct mkt__rfm_acc a;
    f.ctx = ctx;
    f.fx = o.fx;
    f.rfm = &a;
    f.as_of = o.as_of;
    mkt__intern_init(&f.ids, ctx);
    rc = mkt__rfm_acc_init(&a, ctx, 0, o.as_of, o.window_months, o.fx ? f.rates : NULL, 64);
    f.after = a.after;
    if (rc == MKT_OK)
        rc = stream(&f, path, load);
    if (rc == MKT_OK)
        rc = mkt__rfm_acc_check(&a, fed_currency, &f);
    if (rc == MKT_OK) {
        a.ncust = mkt__intern_count(&f.ids); /* the customers met, not the room made */
        rc = mkt__rfm_result(ctx, &a, fed_id, &f, &o, out);
    }
    for (size_t i = 0; rc == MKT_OK && i < (*out)->n; i++)
        (*out)->row[i] = UINT32_MAX; /* no table row */
    mkt__rfm_acc_free(&a);
    mkt__intern_free(&f.ids);
    mkt__free(ctx, f.by_number);
    return rc;
}

MKT_EXPORT int mkt_lifecycle_compute_file(mkt_lifecycle **out, mkt_ctx *ctx, const char *path,
                                          mkt_date as_of, const mkt_load_options *load)
{
    if (out)
        *out = NULL;
    if (!out || !ctx || !path)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_lifecycle_compute_file: NULL argument")
                   : MKT_EINVAL;
    struct feed f;
    memset(&f, 0, sizeof f);
    struct mkt__life_acc a;
    f.ctx = ctx;
    f.life = &a;
    f.after = INT32_MIN; /* every booking by the as-of date counts */
    int rc = mkt__resolve_as_of(ctx, as_of, &f.as_of, "mkt_lifecycle_compute_file");
    if (rc)
        return rc;
    mkt__intern_init(&f.ids, ctx);
    rc = mkt__life_acc_init(&a, ctx, 0, f.as_of);
    if (rc == MKT_OK)
        rc = stream(&f, path, load);
    if (rc == MKT_OK) {
        a.ncust = mkt__intern_count(&f.ids);
        rc = mkt__life_result(ctx, &a, fed_id, &f, out); /* takes a.cust over */
    } else {
        mkt__free(ctx, a.cust);
    }
    for (size_t i = 0; rc == MKT_OK && i < (*out)->n; i++)
        (*out)->row[i] = UINT32_MAX;
    mkt__intern_free(&f.ids);
    mkt__free(ctx, f.by_number);
    return rc;
}

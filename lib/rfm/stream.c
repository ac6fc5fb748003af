/* SPDX-License-Identifier: MIT */
/*
 * RFM and lifecycle straight from bookings.csv: mkt_rfm_compute_file() and
 * mkt_lifecycle_compute_file(). The file is streamed (lib/data/bkstream.c: every record
 * checked as a load checks it, parsed by several threads, never stored); the parsing threads
 * decide whether a booking counts at all, and the calling thread numbers the customers of the
 * bookings that do (by the number in their id, or an interned id each) and feeds the same
 * accumulators mkt_rfm_compute() and mkt_lifecycle_compute() feed from a table. For RFM the
 * parsing threads fold most bookings themselves (stream-lanes.c). Memory follows the
 * customers, not the file.
 */
#include <string.h>

#include "stream-private.h"

/* The number of an id if it has the common shape (any non-digit prefix, then digits to the
 * end), else -1: what the parsing thread can tell without knowing the file's shape. */
static int64_t trailing_number(struct mkt__str id)
{
    size_t i = id.n;
    uint64_t v = 0, scale = 1;
    while (i > 0 && (unsigned char)(id.p[i - 1] - '0') <= 9 && id.n - i < 18) {
        v += (uint64_t)(id.p[i - 1] - '0') * scale;
        scale *= 10;
        i--;
    }
    return i < id.n ? (int64_t)v : -1;
}

/* In a parsing thread: whether the booking counts is decided here, once. */
static void condense(const void *data, const struct mkt__bk_in *in, void *out)
{
    const struct feed *f = data;
    struct fact *x = out;
    x->date = mkt_time_to_date(in->time);
    x->counts = in->status != MKT_BOOKING_CANCELLED && x->date <= f->as_of && x->date > f->after;
    x->amount = in->total;
    x->currency = mkt__currency_key(in->currency);
    x->id = in->cust.p;
    x->id_len = (uint32_t)in->cust.n;
    x->number = trailing_number(in->cust);
}

/* In the calling thread, a few records ahead of add(): the accumulator it will touch. */
static void add_ahead(const void *data, const void *fact)
{
    const struct feed *f = data;
    const struct fact *x = fact;
    if (!f->by_number || x->number < 0 || (uint64_t)x->number >= f->room)
        return;
    if (f->rfm)
        __builtin_prefetch(&f->rfm->cust[x->number], 1);
    else
        __builtin_prefetch(&f->life->cust[x->number], 1);
    __builtin_prefetch(&f->met[x->number], 1);
}

/* The id of currency @key, made when new (64 currencies at most: ISO 4217 use in one file). */
static int currency_id(struct feed *f, mkt__csv *r, const int *map, uint32_t key, uint32_t *id)
{
    int known = mkt__feed_find_currency(f->cur_key, f->ncur, key);
    if (known >= 0) {
        *id = (uint32_t)known;
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

/* ---- accumulator entries ---------------------------------------------------------------- */

/* Room for entries 0..n-1 (new ones empty), growing geometrically. */
static int make_room(struct feed *f, size_t n)
{
    if (n <= f->room)
        return MKT_OK;
    size_t cap = f->room < 1024 ? 1024 : f->room;
    while (cap < n)
        cap *= 2;
    int rc = f->rfm ? mkt__rfm_acc_grow(f->rfm, cap) : mkt__life_acc_grow(f->life, f->ctx, cap);
    if (rc == MKT_OK && f->by_number) {
        uint8_t *m = mkt__realloc(f->ctx, f->met, cap);
        if (!m)
            return mkt__oom(f->ctx);
        memset(m + f->room, 0, cap - f->room);
        f->met = m;
    }
    if (rc == MKT_OK)
        f->room = cap;
    return rc;
}

/* Entry @to takes entry @from's state (to < from), which becomes empty. */
static void move_entry(struct feed *f, size_t from, size_t to)
{
    if (f->rfm) {
        f->rfm->cust[to] = f->rfm->cust[from];
        memset(&f->rfm->cust[from], 0, sizeof f->rfm->cust[from]);
        if (f->rfm->scaled) {
            f->rfm->scaled[to] = f->rfm->scaled[from];
            f->rfm->scaled[from] = 0;
        }
    } else {
        f->life->cust[to] = f->life->cust[from];
        f->life->cust[from] = mkt__life_none;
    }
}

/* ---- numbering customers ---------------------------------------------------------------- */

/* By number, after the last booking (or before moving to the dictionary): the customers met
 * become entries 0..nmet-1 in number order, i.e. in id order, and their ids are written. */
static int finish_numbers(struct feed *f)
{
    size_t len = f->shape.len, width = len - f->shape.plen;
    f->names = mkt__malloc(f->ctx, f->nmet * len + 1);
    if (!f->names)
        return mkt__oom(f->ctx);
    size_t k = 0;
    for (size_t v = 0; v < f->room; v++) {
        if (!f->met[v])
            continue;
        if (k != v)
            move_entry(f, v, k); /* k < v: entry k was moved out already or never used */
        char *name = f->names + k * len;
        memcpy(name, f->shape.prefix, f->shape.plen);
        for (size_t i = 0, x = v; i < width; i++, x /= 10)
            name[len - 1 - i] = (char)('0' + x % 10);
        k++;
    }
    f->ncust = k;
    return MKT_OK;
}

/* Leave numbering: the customers met so far get dictionary ids in number order. */
static int to_dictionary(struct feed *f)
{
    int rc = f->shape.len ? finish_numbers(f) : MKT_OK;
    for (size_t i = 0; rc == MKT_OK && i < f->ncust; i++) {
        uint32_t id;
        int is_new;
        rc = mkt__intern_put(&f->ids, f->names + i * f->shape.len, f->shape.len, &id, &is_new);
    }
    mkt__free(f->ctx, f->names);
    mkt__free(f->ctx, f->met);
    f->names = NULL;
    f->met = NULL;
    f->by_number = 0;
    return rc;
}

/* The accumulator index of @cust by its number, or -1 when it must take the dictionary. */
static int64_t numbered(struct feed *f, struct mkt__str cust)
{
    if (!f->shape.len && !mkt__dense_shape(&f->shape, cust.p, cust.n))
        return -1;
    int64_t v = mkt__dense_number(&f->shape, cust.p, cust.n);
    /* Sparse numbers would make a large, mostly empty array. Customers come in any order, so
     * the first numbers met say little about the density: numbers below BY_NUMBER_ANY are
     * always taken (at most ~50 MB of entries), larger ones while they are at most 4 per
     * customer met. */
    uint64_t dense_enough = 4 * (uint64_t)f->nmet;
    if (v < 0 || v >= (int64_t)BY_NUMBER_MAX ||
        ((uint64_t)v >= BY_NUMBER_ANY && (uint64_t)v >= dense_enough))
        return -1;
    return v;
}

/* The accumulator index of the booking's customer, making its entry when new. */
int mkt__feed_customer_index(struct feed *f, struct mkt__str cust, uint32_t *index)
{
    if (f->by_number) {
        int64_t v = numbered(f, cust);
        if (v >= 0) {
            int rc = make_room(f, (size_t)v + 1);
            if (rc == MKT_OK && !f->met[v]) {
                f->met[v] = 1;
                f->nmet++;
            }
            *index = (uint32_t)v;
            return rc;
        }
        int rc = to_dictionary(f);
        if (rc)
            return rc;
    }
    int is_new;
    int rc = mkt__intern_put(&f->ids, cust.p, cust.n, index, &is_new);
    return rc == MKT_OK && is_new ? make_room(f, (size_t)*index + 1) : rc;
}

/* After the last booking: the customers met are entries 0..ncust-1. */
static int finish(struct feed *f)
{
    if (f->by_number)
        return f->shape.len ? finish_numbers(f) : MKT_OK;
    f->ncust = mkt__intern_count(&f->ids);
    return MKT_OK;
}

static int add(void *data, mkt__csv *r, const int *map, const struct mkt__bk_in *in,
               const void *fact)
{
    struct feed *f = data;
    const struct fact *x = fact;
    if (!x->counts && f->rfm)
        return MKT_OK; /* RFM scores only customers with bookings in the window */
    uint32_t cust, cur = 0;
    /* lifecycle: every customer, prospects too */
    int rc = mkt__feed_customer_index(f, in->cust, &cust);
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
    if (f->met)
        memset(f->met, 0, f->room);
    else
        f->room = 0; /* the dictionary dropped the array: make_room() makes it again */
    f->by_number = 1;
    f->shape.len = 0;
    f->nmet = 0;
    f->ncur = 0;
    mkt__feed_free_lanes(f);
    if (f->rfm) {
        memset(f->rfm->cust, 0, f->rfm->ncust * sizeof *f->rfm->cust);
        if (f->rfm->scaled)
            memset(f->rfm->scaled, 0, f->rfm->ncust * sizeof *f->rfm->scaled);
        memset(f->rfm->seen, 0, f->rfm->nseen);
        f->rfm->overflow = f->rfm->unknown = 0;
    } else {
        for (size_t i = 0; i < f->life->ncust; i++)
            f->life->cust[i] = mkt__life_none;
    }
}

static const char *fed_id(const void *data, uint32_t index, size_t *len)
{
    const struct feed *f = data;
    if (f->names) {
        *len = f->shape.len;
        return f->names + (size_t)index * f->shape.len;
    }
    return mkt__intern_str(&f->ids, index, len);
}

static const char *fed_currency(const void *data, uint32_t id)
{
    const struct feed *f = data;
    return id < f->ncur ? f->cur_code[id] : NULL;
}

static int stream(struct feed *f, const char *path, const mkt_load_options *load)
{
    struct mkt__bk_sink sink = {condense, NULL, add_ahead, add, reset, f, NULL, NULL, NULL, NULL};
    if (f->rfm)
        mkt__feed_use_lanes(&sink);
    int rc = mkt__bk_stream(f->ctx, path, load, &sink);
    mkt__feed_free_lanes(f);
    return rc;
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
    f.by_number = 1;
    mkt__intern_init(&f.ids, ctx);
    rc = mkt__rfm_acc_init(&a, ctx, 0, o.as_of, o.window_months, o.fx ? f.rates : NULL, 64);
    f.after = a.after;
    if (rc == MKT_OK)
        rc = stream(&f, path, load);
    if (rc == MKT_OK)
        rc = mkt__rfm_acc_check(&a, fed_currency, &f);
    if (rc == MKT_OK)
        rc = finish(&f);
    if (rc == MKT_OK) {
        a.ncust = f.ncust; /* the customers met, not the room made */
        rc = mkt__rfm_result(ctx, &a, fed_id, &f, f.names != NULL, &o, out); /* names: by number */
    }
    for (size_t i = 0; rc == MKT_OK && i < (*out)->n; i++)
        (*out)->row[i] = UINT32_MAX; /* no table row */
    mkt__rfm_acc_free(&a);
    mkt__intern_free(&f.ids);
    mkt__free(ctx, f.met);
    mkt__free(ctx, f.names);
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
    f.by_number = 1;
    int rc = mkt__resolve_as_of(ctx, as_of, &f.as_of, "mkt_lifecycle_compute_file");
    if (rc)
        return rc;
    mkt__intern_init(&f.ids, ctx);
    rc = mkt__life_acc_init(&a, ctx, 0, f.as_of);
    if (rc == MKT_OK)
        rc = stream(&f, path, load);
    if (rc == MKT_OK)
        rc = finish(&f);
    if (rc == MKT_OK) {
        a.ncust = f.ncust;
        rc = mkt__life_result(ctx, &a, fed_id, &f, out); /* takes a.cust over */
    } else {
        mkt__free(ctx, a.cust);
    }
    for (size_t i = 0; rc == MKT_OK && i < (*out)->n; i++)
        (*out)->row[i] = UINT32_MAX;
    mkt__intern_free(&f.ids);
    mkt__free(ctx, f.met);
    mkt__free(ctx, f.names);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * RFM and lifecycle straight from bookings.csv: mkt_rfm_compute_file() and
 * mkt_lifecycle_compute_file(). The file is streamed (lib/data/bkstream.c: every record
 * checked as a load checks it, parsed by several threads, never stored); the parsing threads
 * decide whether a booking counts at all, and the calling thread numbers the customers of the
 * bookings that do (by the number in their id, or an interned id each) and feeds the same accumulators mkt_rfm_compute()
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
    uint32_t id_len;
    const char *id;    /* the customer id, in the parsing thread's chunk */
    int64_t number;    /* of the customer id if it has a numbered shape, else -1 */
};
_Static_assert(sizeof(struct fact) <= MKT__BK_FACT_MAX, "fact too large for the stream");

/* Most files number their customers ("C0001234"): while every id met has the first id's shape
 * (prefix + fixed-width number) and the numbers are dense, a customer's accumulator index IS
 * its number, so the calling thread neither hashes nor interns an id, and the parsing thread
 * can name the accumulator to prefetch (fact.number). The names are written out once at the
 * end. The first id of another shape, or a number far beyond the customers met, moves every
 * customer met to the dictionary (interned ids, numbered in order), which takes all later
 * ids. */
#define BY_NUMBER_MAX (UINT32_C(1) << 26) /* numbers beyond take the dictionary */
#define BY_NUMBER_ANY (UINT32_C(1) << 21) /* numbers below are taken however few customers */

/* RFM's adds commute (counts, sums, the latest date), so the parsing threads fold most
 * bookings themselves, each into a lane of its own, and share nothing while they do:
 * - the calling thread's lane (0) is the accumulators themselves, while they are numbered;
 * - a worker's lane (1..) is accumulators of its own, indexed by the number of a customer id
 *   of the lane's shape (its first id's) below BY_NUMBER_ANY, with currencies of its own.
 * A booking a lane cannot take (another shape, a larger number) is left to add() in file
 * order. So is the first booking in each currency a lane meets: every thread parses its
 * chunks in file order, so the first booking of a currency in the file reaches add() first,
 * and the calling thread numbers currencies, and refuses a 65th, in file order as one
 * thread does. After the pass the workers' lanes are merged by customer id into the
 * accumulators (by number, or through the dictionary when the file left numbering
 * meanwhile); the output is sorted by id, so it does not depend on who folded what.
 * Lifecycle keeps one thread: its per-customer state is not a plain sum. */
struct lane {
    struct mkt__rfm_acc acc;     /* BY_NUMBER_ANY customers, the lane's 64 currencies */
    struct mkt__dense_ids shape; /* of the lane's ids (len 0 until its first) */
    uint32_t cur_key[64];        /* the lane's currencies: packed code by lane currency id */
    int64_t rates[64];           /* with fx: their rates */
    size_t ncur;
    char pad[64];                /* lanes are written by different threads */
};

struct feed {
    mkt_ctx *ctx;
    mkt_date after, as_of;      /* a booking counts when after < date <= as_of */
    struct mkt__dense_ids shape; /* by number: the shape (len 0 until the first id) */
    int by_number;              /* accumulators indexed by id number (else: dictionary) */
    uint8_t *met;               /* by number: 1 for every number met */
    size_t nmet;                /* by number: customers met */
    size_t room;                /* accumulator entries made */
    mkt__intern ids;            /* dictionary: customers met, numbered in order */
    char *names;                /* after finish() by number: the ids, shape.len bytes each */
    size_t ncust;               /* after finish(): customers met */
    uint32_t cur_key[64];       /* currencies met: packed code by currency id */
    char cur_code[64][4];
    size_t ncur;
    const mkt_rfm_fx *fx;
    int64_t rates[64];          /* with fx: scaled rate by currency id */
    struct lane *lanes;         /* by parsing thread, while they fold (RFM) */
    unsigned nlanes;
    struct mkt__rfm_acc *rfm;   /* one of the two is fed */
    struct mkt__life_acc *life;
};

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
static int customer_index(struct feed *f, struct mkt__str cust, uint32_t *index)
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
    int rc = customer_index(f, in->cust, &cust); /* lifecycle: every customer, prospects too */
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

/* ---- folding in the parsing threads (RFM) ---------------------------------------------- */

static void free_lanes(struct feed *f)
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
 * zeroed and untouched, so a lane costs the customers it meets. */
static int threads(void *data, unsigned n)
{
    struct feed *f = data;
    free_lanes(f);
    struct mkt__rfm_acc *a = f->rfm;
    int rc = f->room ? MKT_OK : fresh(f, &a->cust, BY_NUMBER_ANY, sizeof *a->cust);
    if (rc == MKT_OK && !f->room && f->fx)
        rc = fresh(f, &a->scaled, BY_NUMBER_ANY, sizeof *a->scaled);
    if (rc == MKT_OK && !f->room && (rc = fresh(f, &f->met, BY_NUMBER_ANY, 1)) == MKT_OK)
        f->room = a->ncust = BY_NUMBER_ANY;
    if (rc == MKT_OK && !(f->lanes = mkt__calloc(f->ctx, n, sizeof *f->lanes)))
        rc = mkt__oom(f->ctx);
    f->nlanes = rc ? 0 : n;
    for (unsigned i = 1; rc == MKT_OK && i < n; i++) {
        struct mkt__rfm_acc *l = &f->lanes[i].acc;
        *l = *a; /* the window */
        l->rates = f->fx ? f->lanes[i].rates : NULL;
        l->cust = mkt__calloc(f->ctx, BY_NUMBER_ANY, sizeof *l->cust);
        l->scaled = f->fx ? mkt__calloc(f->ctx, BY_NUMBER_ANY, sizeof *l->scaled) : NULL;
        l->seen = mkt__calloc(f->ctx, 64, 1);
        l->ncust = BY_NUMBER_ANY;
        l->nseen = 64;
        l->overflow = l->unknown = 0;
        if (!l->cust || (f->fx && !l->scaled) || !l->seen)
            rc = mkt__oom(f->ctx);
    }
    return rc;
}

/* The index of @x's customer in accumulators numbered by @shape, or -1. */
static int64_t by_shape(const struct mkt__dense_ids *shape, const struct fact *x)
{
    if (x->number < 0 || x->number >= (int64_t)BY_NUMBER_ANY || !shape->len)
        return -1;
    return mkt__dense_number(shape, x->id, x->id_len) == x->number ? x->number : -1;
}

/* The id of currency @key in @keys[0..n), or -1. */
static int find_currency(const uint32_t *keys, size_t n, uint32_t key)
{
    for (size_t i = 0; i < n; i++)
        if (keys[i] == key)
            return (int)i;
    return -1;
}

/* The calling thread's lane: the accumulators, while they are numbered. */
static int local_calling(struct feed *f, const struct fact *x)
{
    int64_t v = f->by_number ? by_shape(&f->shape, x) : -1;
    int cur = v >= 0 ? find_currency(f->cur_key, f->ncur, x->currency) : -1;
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
    int64_t v = by_shape(&l->shape, x);
    if (v < 0)
        return 0;
    int cur = find_currency(l->cur_key, l->ncur, x->currency);
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
    return customer_index(f, (struct mkt__str){name, len}, index);
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
    free_lanes(f);
    return rc;
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
    free_lanes(f);
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
    if (f->rfm) {
        sink.threads = threads;
        sink.local = local;
        sink.local_ahead = local_ahead;
        sink.merge = merge;
    }
    int rc = mkt__bk_stream(f->ctx, path, load, &sink);
    free_lanes(f);
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
        rc = mkt__rfm_result(ctx, &a, fed_id, &f, &o, out);
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

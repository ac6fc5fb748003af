/* SPDX-License-Identifier: MIT */
/*
 * mkt_table_fold_bookings(): the booking as-of fields straight from bookings.csv. The file is
 * streamed (bkstream.c) and every booking folded into its customer's accumulator parts
 * (derive-private.h, struct mkt__fold) by the same mkt__bk_acc_add() a table pass runs; the
 * records are dropped. Worker threads look the customer up as they parse (the customer index
 * cannot change meanwhile); the folding thread prefetches records ahead. The record layout is
 * fold-parts.c's. Once the whole file went through, the parts are attached to the table and
 * mkt_table_set_as_of() turns them into columns, so a failure leaves the table as it was.
 *
 * The parsing threads do not fold into records of their own here, as they do for RFM
 * (lib/rfm/stream-lanes.c): measured on 1M customers, a second copy of records this size
 * (tens of bytes per customer) cost as much in cache misses, fresh memory and merging as it
 * saved the folding thread, and 20% more memory.
 */
#include <string.h>

#include "bkstream-private.h"
#include "derive-private.h"

/* ---- the sink ----------------------------------------------------------------------------- */

/* A name (a cabin, channel or trip type) and its length, measured once per fold. */
struct name {
    const char *text;
    size_t len;
};

struct folder {
    mkt_table *t;
    struct mkt__fold *fd;
    struct mkt__window w;
    mkt_time from; /* bookings before it change no field asked for */
    int cabin, channel, trip, depart; /* the fields asked for read these columns */
    struct name cabins[MKT__CABINS], channels[MKT__CHANNELS], trips[2];
};

/* The earliest booking time that matters: only the all-time fields look before the 12-month
 * window, so without them the older bookings (often most of a file) are skipped by the
 * parsing threads. */
static mkt_time earliest_needed(uint64_t fields, const struct mkt__window *w)
{
    static const int all_time[] = {MKT__F_COUNT_TOTAL, MKT__F_SPEND_TOTAL, MKT__F_FIRST_DATE,
                                   MKT__F_LAST_DATE, MKT__F_DAYS_SINCE_LAST};
    for (size_t i = 0; i < sizeof all_time / sizeof all_time[0]; i++)
        if (fields >> all_time[i] & 1)
            return INT64_MIN;
    return w->start12;
}

static void measure(struct name *out, const char *const *names, int n)
{
    for (int k = 0; k < n; k++)
        out[k] = (struct name){names[k], names[k] ? strlen(names[k]) : 0};
}

/* Whether @s is @name. Runs for every booking against each cabin, channel and trip name;
 * their lengths differ, so most comparisons end at the length. */
static int str_is(struct mkt__str s, const struct name *name)
{
    if (s.n != name->len || !s.p)
        return 0;
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] != name->text[i])
            return 0;
    return 1;
}

/* The code k >= 1 whose name is @s, or 0. */
static uint8_t code_of(struct mkt__str s, const struct name *names, int n)
{
    for (int k = 1; k < n; k++)
        if (str_is(s, &names[k]))
            return (uint8_t)k;
    return 0;
}

/* A booking as the folding thread needs it, condensed by the parsing thread. */
struct fact {
    uint32_t row1;    /* the customer's row + 1; 0: unknown customer */
    uint8_t counts;   /* confirmed, booked by D and not before the fields look: folded */
    uint8_t cabin, channel, intl, transcon, has_route;
    mkt_date dep;
    int32_t pax;
    uint32_t currency;
    mkt_time time;
    int64_t total, anc;
};
_Static_assert(sizeof(struct fact) <= MKT__BK_FACT_MAX, "fact too large for the stream");

/* In the parsing thread: look the customer up (nobody changes the index meanwhile) and keep
 * what the accumulation reads. */
static void condense(const void *data, const struct mkt__bk_in *in, void *out)
{
    const struct folder *f = data;
    struct fact *x = out;
    uint32_t row;
    x->row1 = mkt__idindex_find(f->t, in->cust.p, in->cust.n, &row) ? row + 1 : 0;
    /* Most of a long history is decided here, before the accumulator is touched. */
    x->counts = in->status != MKT_BOOKING_CANCELLED && in->time < f->w.end &&
                in->time >= f->from;
    x->cabin = f->cabin ? code_of(in->cabin, f->cabins, MKT__CABINS) : 0;
    x->channel = f->channel ? code_of(in->channel, f->channels, MKT__CHANNELS) : 0;
    x->transcon = f->trip && str_is(in->trip, &f->trips[1]);
    x->intl = x->transcon || (f->trip && str_is(in->trip, &f->trips[0]));
    x->has_route = in->route.p != NULL;
    x->dep = f->depart ? in->dep : MKT_NULL_DATE; /* else the departure sums are skipped */
    x->pax = in->pax;
    x->currency = mkt__currency_key(in->currency);
    x->time = in->time;
    x->total = in->total;
    x->anc = in->anc;
}

static void condense_ahead(const void *data, const struct mkt__bk_in *in)
{
    const struct folder *f = data;
    mkt__idindex_prefetch(f->t, in->cust.p, in->cust.n);
}

/* In the calling thread, a few records ahead of add(): the record it will fold into. */
static void add_ahead(const void *data, const void *fact)
{
    const struct mkt__fold *fd = ((const struct folder *)data)->fd;
    const struct fact *x = fact;
    if (!x->row1 || !x->counts || !fd->stride)
        return;
    const unsigned char *rec = fd->acc + (x->row1 - 1) * fd->stride;
    for (size_t at = 0; at < fd->stride; at += 64) /* every line the record spans */
        __builtin_prefetch(rec + at, 1);
    __builtin_prefetch(rec + fd->stride - 1, 1);
}

static int add(void *data, mkt__csv *r, const int *map, const struct mkt__bk_in *in,
               const void *fact)
{
    struct folder *f = data;
    const struct fact *x = fact;
    if (x->row1 == 0)
        return mkt__csv_error(r, MKT_ENOTFOUND, (size_t)map[B_CUST], "unknown customer_id '%.*s'",
                              mkt__quote_len(in->cust.p, in->cust.n), in->cust.p);
    if (!x->counts)
        return MKT_OK;
    struct mkt__bk_fact b = {x->time, x->dep, x->pax, x->total, x->anc, x->currency, 1,
                             x->cabin, x->channel, x->intl, x->transcon, x->has_route};
    struct mkt__bk_acc a;
    size_t row = x->row1 - 1;
    int ovf = 0;
    mkt__fold_gather(f->fd, row, &a);
    mkt__bk_acc_add(&a, &f->w, &b, &ovf);
    if (ovf)
        return mkt__csv_error(r, MKT_ERANGE, (size_t)map[B_TOTAL], "the sum of amounts overflows");
    mkt__fold_scatter(f->fd, row, &a);
    return MKT_OK;
}

static void reset(void *data)
{
    struct folder *f = data;
    if (f->fd->acc)
        memset(f->fd->acc, 0, f->fd->rows * f->fd->stride);
}

int mkt__fold_refuse(mkt_table *t, const char *fn)
{
    return t->fold ? mkt__error(t->ctx, MKT_ESTATE,
                                "%s: the table holds folded bookings; it cannot also keep "
                                "loaded ones", fn)
                   : MKT_OK;
}

/* ---- the call ----------------------------------------------------------------------------- */

/* Whether as-of field @f can be computed for folded bookings (routes need the records). */
static int computable(int f)
{
    return f >= MKT__F_AGE || mkt__fold_groups_of(f) != 0;
}

/* The as-of field a caller's name means ("customer.age" is the column "age"), or -1. */
static int field_of(const char *name)
{
    if (name && strcmp(name, "customer.age") == 0)
        name = "age";
    for (int f = 0; name && f < MKT__F_COUNT; f++)
        if (strcmp(name, mkt__fields[f].name) == 0)
            return f;
    return -1;
}

/* The as-of fields to make (bits of enum mkt__field) from the caller's names; NULL: all. */
static int fields_mask(mkt_table *t, const char *const *names, size_t n, uint64_t *mask)
{
    *mask = 0;
    if (!names) {
        for (int f = 0; f < MKT__F_COUNT; f++)
            *mask |= computable(f) ? UINT64_C(1) << f : 0;
        return MKT_OK;
    }
    for (size_t i = 0; i < n; i++) {
        int f = field_of(names[i]);
        if (f < 0 || !computable(f))
            return mkt__error(t->ctx, MKT_EINVAL,
                              "mkt_table_fold_bookings: '%s' is not an as-of field that can be "
                              "computed from folded bookings%s",
                              names[i] ? names[i] : "(null)",
                              f < 0 ? "" : " (booking.routes_12m needs the bookings kept)");
        *mask |= UINT64_C(1) << f;
    }
    return MKT_OK;
}

static int check_state(mkt_table *t, const char *path, const mkt_load_options *o)
{
    if (!path)
        return mkt__error(t->ctx, MKT_EINVAL, "mkt_table_fold_bookings: NULL argument");
    if (o->unknown_customer == MKT_UNKNOWN_CUSTOMER_CREATE)
        return mkt__error(t->ctx, MKT_EINVAL, "mkt_table_fold_bookings: bookings cannot create "
                                              "customers while they are folded; load customers "
                                              "first");
    if (t->fold || t->bk.len)
        return mkt__error(t->ctx, MKT_ESTATE, "mkt_table_fold_bookings: the table holds %s "
                                              "bookings already",
                          t->fold ? "folded" : "loaded");
    if (t->as_of)
        return mkt__error(t->ctx, MKT_ESTATE, "mkt_table_fold_bookings: the as-of fields were "
                                              "computed already; fold before "
                                              "mkt_table_set_as_of()");
    return MKT_OK;
}

MKT_EXPORT int mkt_table_fold_bookings(mkt_table *t, const char *path, mkt_date as_of,
                                       const char *const *fields, size_t nfields,
                                       const mkt_load_options *opts)
{
    if (!t)
        return MKT_EINVAL;
    mkt_load_options o;
    uint64_t mask;
    struct folder f;
    memset(&f, 0, sizeof f);
    f.t = t;
    int rc = mkt__load_options_get(t->ctx, opts, &o);
    if (rc == MKT_OK)
        rc = check_state(t, path, &o);
    if (rc == MKT_OK && mkt__window_init(&f.w, as_of))
        rc = mkt__error(t->ctx, MKT_ERANGE, "mkt_table_fold_bookings: as-of date %ld is out of "
                                            "range (years 2..9999)", (long)as_of);
    if (rc == MKT_OK)
        rc = fields_mask(t, fields, nfields, &mask);
    if (rc == MKT_OK)
        rc = mkt__fold_new(t, as_of, mask, &f.fd);
    if (rc)
        return rc;
    f.from = earliest_needed(mask, &f.w);
    f.cabin = f.fd->off[MKT__G_CABIN] >= 0;
    f.channel = f.fd->off[MKT__G_CHANNEL] >= 0;
    f.trip = f.fd->off[MKT__G_FLAGS] >= 0;
    f.depart = f.fd->off[MKT__G_DEPART] >= 0;
    measure(f.cabins, mkt__cabin_names, MKT__CABINS);
    measure(f.channels, mkt__channel_names, MKT__CHANNELS);
    measure(f.trips, mkt__intl_trip_names, 2);
    struct mkt__bk_sink sink = {condense, condense_ahead, add_ahead, add, reset, &f,
                                NULL, NULL, NULL, NULL};
    rc = mkt__bk_stream(t->ctx, path, &o, &sink);
    if (rc) {
        mkt__fold_free(t->ctx, f.fd);
        return rc;
    }
    /* The bookings are in. Should computing the columns run out of memory, they stay folded
     * and mkt_table_set_as_of() at the same date may be called again. */
    t->fold = f.fd;
    return mkt_table_set_as_of(t, as_of);
}

/* SPDX-License-Identifier: MIT */
/*
 * mkt_table_set_as_of(): computes every as-of field of every customer into derived columns of
 * the table. One pass over the booking arrays and one over the event arrays fold each record
 * into its customer's accumulator (the shared definitions of derive-private.h), categorical
 * values compared as interned ids resolved once (folded bookings, fold.c, bring their
 * accumulators along instead); a final sweep over the customers turns the accumulators into
 * column values and validity words. Everything that can fail happens before
 * the first column value is written, so a failure leaves the previous values in place.
 */
#include <string.h>

#include "derive-private.h"

/* An id that no interned string has (MKT__NO_STR is null): values absent from the dictionary
 * never match. */
#define ABSENT (UINT32_MAX - 1)
/* How many records ahead the passes prefetch their customer's accumulator. */
#define PREFETCH 16

/* The categorical values the fields classify, as ids of t->strings (code k at index k). */
struct ids {
    uint32_t cabin[MKT__CABINS], channel[MKT__CHANNELS], intl[2], evt[MKT__EVT_TYPES];
};

static uint32_t resolve(const mkt__intern *dict, const char *s)
{
    uint32_t id;
    return s && mkt__intern_find(dict, s, strlen(s), &id) ? id : ABSENT;
}

/* Folded bookings left no text in the table's dictionary: put the names the preferred cabin
 * and channel take there, so that their columns can hold them. */
static int intern_folded_names(mkt_table *t)
{
    int rc = MKT_OK;
    uint32_t id;
    int is_new;
    for (int k = 1; k < MKT__CABINS && rc == MKT_OK; k++)
        rc = mkt__intern_put(&t->strings, mkt__cabin_names[k], strlen(mkt__cabin_names[k]), &id,
                             &is_new);
    for (int k = 1; k < MKT__CHANNELS && rc == MKT_OK; k++)
        rc = mkt__intern_put(&t->strings, mkt__channel_names[k],
                             strlen(mkt__channel_names[k]), &id, &is_new);
    return rc;
}

static void resolve_all(const mkt_table *t, struct ids *ids)
{
    for (int k = 0; k < MKT__CABINS; k++)
        ids->cabin[k] = resolve(&t->strings, mkt__cabin_names[k]);
    for (int k = 0; k < MKT__CHANNELS; k++)
        ids->channel[k] = resolve(&t->strings, mkt__channel_names[k]);
    for (int k = 0; k < MKT__EVT_TYPES; k++)
        ids->evt[k] = resolve(&t->strings, mkt__event_type_names[k]);
    for (int k = 0; k < 2; k++)
        ids->intl[k] = resolve(&t->strings, mkt__intl_trip_names[k]);
}

/* The code k >= 1 with ids[k] == id, or 0. Index 0 is ABSENT, so it never matches. */
static inline uint8_t code_of(uint32_t id, const uint32_t *ids, int n)
{
    uint8_t code = 0;
    for (int k = 1; k < n; k++)
        code = id == ids[k] ? (uint8_t)k : code;
    return code;
}

static int bookings_pass(const mkt_table *t, const struct ids *ids, const struct mkt__window *w,
                         struct mkt__bk_acc *acc)
{
    const struct mkt__bookings *b = &t->bk;
    int ovf = 0;
    for (size_t i = 0; i < b->len; i++) {
        /* Customers come in random order: fetch the accumulator (two cache lines) ahead. */
        if (i + PREFETCH < b->len) {
            const char *next = (const char *)&acc[b->cust[i + PREFETCH]];
            __builtin_prefetch(next, 1);
            __builtin_prefetch(next + 64, 1);
        }
        /* Most rows of a long history fail this test: decide before reading the rest. */
        if (b->status[i] != MKT_BOOKING_CONFIRMED || b->time[i] >= w->end)
            continue;
        struct mkt__bk_fact f;
        f.time = b->time[i];
        f.dep = b->dep[i];
        f.pax = b->pax[i];
        f.total = b->total[i];
        f.anc = b->anc[i];
        f.currency = b->currency[i] + 1;
        f.confirmed = 1;
        f.cabin = code_of(b->cabin[i], ids->cabin, MKT__CABINS);
        f.channel = code_of(b->channel[i], ids->channel, MKT__CHANNELS);
        f.intl = b->trip[i] == ids->intl[0] || b->trip[i] == ids->intl[1];
        f.transcon = b->trip[i] == ids->intl[1];
        f.has_route = b->route[i] != MKT__NO_STR;
        mkt__bk_acc_add(&acc[b->cust[i]], w, &f, &ovf);
    }
    /* Unreachable for loaded data (the table bounds the sum of all amounts), kept as a check. */
    return ovf ? mkt__error(t->ctx, MKT_ERANGE, "mkt_table_set_as_of: money sum overflows")
               : MKT_OK;
}

static void events_pass(const mkt_table *t, const struct ids *ids, const struct mkt__window *w,
                        struct mkt__ev_acc *acc)
{
    const struct mkt__events *e = &t->ev;
    for (size_t i = 0; i < e->len; i++) {
        if (i + PREFETCH < e->len)
            __builtin_prefetch(&acc[e->cust[i + PREFETCH]], 1);
        if (e->ts[i] >= w->end)
            continue;
        mkt__ev_acc_add(&acc[e->cust[i]], w, e->ts[i],
                        code_of(e->type[i], ids->evt, MKT__EVT_TYPES));
    }
}

/* Column writes of one sweep: values go straight into the arrays, validity bits collect in
 * one word per column and are stored per block of 64 rows. */
struct sweep {
    struct mkt__col *c[MKT__F_COUNT];
    uint64_t bits[MKT__F_COUNT];
};

static inline void put_i64(struct sweep *s, int f, size_t r, int64_t v)
{
    if (!s->c[f])
        return;
    int null = v == MKT_NULL_INT64;
    s->c[f]->v.i64[r] = null ? 0 : v;
    s->bits[f] |= (uint64_t)!null << (r & 63);
}

static inline void put_date(struct sweep *s, int f, size_t r, mkt_date v)
{
    if (!s->c[f])
        return;
    int null = v == MKT_NULL_DATE;
    s->c[f]->v.i32[r] = null ? 0 : v;
    s->bits[f] |= (uint64_t)!null << (r & 63);
}

static inline void put_f64(struct sweep *s, int f, size_t r, double v)
{
    if (!s->c[f])
        return;
    int null = isnan(v);
    s->c[f]->v.f64[r] = null ? 0 : v;
    s->bits[f] |= (uint64_t)!null << (r & 63);
}

static inline void put_id(struct sweep *s, int f, size_t r, uint32_t id)
{
    if (!s->c[f])
        return;
    int null = id == ABSENT || id == MKT__NO_STR;
    s->c[f]->v.u32[r] = null ? MKT__NO_STR : id;
    s->bits[f] |= (uint64_t)!null << (r & 63);
}

static inline void put_u8(struct sweep *s, int f, size_t r, uint8_t v)
{
    if (!s->c[f])
        return;
    s->c[f]->v.u8[r] = v;
    s->bits[f] |= UINT64_C(1) << (r & 63);
}

/* Store the validity words of the block holding row @r (rows beyond the table stay 0). */
static void flush_bits(struct sweep *s, size_t r)
{
    for (int f = 0; f < MKT__F_COUNT; f++) {
        if (s->c[f] && f != MKT__F_ROUTES)
            s->c[f]->valid.words[r >> 6] = s->bits[f];
        s->bits[f] = 0;
    }
}

static void put_bookings(struct sweep *s, const struct ids *ids, size_t r,
                         const struct mkt__bk_out *o)
{
    put_i64(s, MKT__F_COUNT_12M, r, o->count_12m);
    put_i64(s, MKT__F_SPEND_12M, r, o->spend_12m);
    put_i64(s, MKT__F_COUNT_TOTAL, r, o->count_total);
    put_i64(s, MKT__F_SPEND_TOTAL, r, o->spend_total);
    put_date(s, MKT__F_FIRST_DATE, r, o->first_date);
    put_date(s, MKT__F_LAST_DATE, r, o->last_date);
    put_i64(s, MKT__F_DAYS_SINCE_LAST, r, o->days_since_last);
    put_f64(s, MKT__F_PREMIUM_SHARE, r, o->premium);
    put_id(s, MKT__F_PREFERRED_CABIN, r, o->cabin ? ids->cabin[o->cabin] : MKT__NO_STR);
    put_id(s, MKT__F_PREFERRED_CHANNEL, r, o->channel ? ids->channel[o->channel] : MKT__NO_STR);
    put_f64(s, MKT__F_AVG_ADVANCE, r, o->avg_advance);
    put_f64(s, MKT__F_GROUP_SHARE, r, o->group);
    put_f64(s, MKT__F_INTL_SHARE, r, o->intl);
    put_f64(s, MKT__F_TRANSCON_SHARE, r, o->transcon);
    put_f64(s, MKT__F_WEEKEND_SHARE, r, o->weekend);
    put_f64(s, MKT__F_SUMMER_SHARE, r, o->summer);
    put_f64(s, MKT__F_WINTER_SHARE, r, o->winter);
    put_f64(s, MKT__F_ANCILLARY_SHARE, r, o->ancillary);
}

static void put_events(struct sweep *s, size_t r, const struct mkt__ev_acc *a)
{
    put_i64(s, MKT__F_EV_CART_7D, r, a->cart7);
    put_i64(s, MKT__F_EV_CART_30D, r, a->cart30);
    put_i64(s, MKT__F_EV_SEARCHES_30D, r, a->searches30);
    put_i64(s, MKT__F_EV_PAGE_VIEWS_30D, r, a->views30);
    put_i64(s, MKT__F_EV_BOOKINGS_30D, r, a->bookings30);
    put_i64(s, MKT__F_EV_OPENS_90D, r, a->opens90);
    put_i64(s, MKT__F_EV_CLICKS_90D, r, a->clicks90);
    put_u8(s, MKT__F_EV_UNSUBSCRIBED, r, a->unsubscribed);
    put_u8(s, MKT__F_EV_BOUNCED_HARD, r, a->bounced_hard);
    put_date(s, MKT__F_EV_LAST_COMPLAINT, r,
             a->n_complaint ? mkt__date_of(a->last_complaint) : MKT_NULL_DATE);
    put_date(s, MKT__F_EV_LAST_DATE, r, a->n_any ? mkt__date_of(a->last) : MKT_NULL_DATE);
}

/* Write every field but the routes (already written). Cannot fail. */
static void sweep_customers(mkt_table *t, const struct ids *ids, const struct mkt__window *w,
                            const struct mkt__bk_acc *bk, const struct mkt__ev_acc *ev)
{
    struct sweep s;
    memset(&s, 0, sizeof s);
    for (int f = 0; f < MKT__F_COUNT; f++)
        s.c[f] = t->as_of->col[f] == UINT32_MAX ? NULL : t->cols.data[t->as_of->col[f]];
    const struct mkt__col *dob = t->cols.data[MKT__COL_DATE_OF_BIRTH];
    size_t rows = mkt__table_rows(t);
    static const struct mkt__ev_acc no_events;
    for (size_t r = 0; r < rows; r++) {
        struct mkt__bk_out o;
        struct mkt__bk_acc folded;
        if (!bk) /* folded bookings: this row's accumulator from its parts */
            mkt__fold_gather(t->fold, r, &folded);
        mkt__bk_acc_finish(bk ? &bk[r] : &folded, w, &o);
        put_bookings(&s, ids, r, &o);
        put_events(&s, r, ev ? &ev[r] : &no_events);
        if (s.c[MKT__F_AGE])
            put_i64(&s, MKT__F_AGE, r,
                    mkt__age_at(mkt__bitmap_test(&dob->valid, r) ? dob->v.i32[r] : MKT_NULL_DATE,
                                w->as_of));
        if ((r & 63) == 63 || r + 1 == rows)
            flush_bits(&s, r);
    }
}

/* Create the columns on the first call (or pick up those of an earlier one). */
static int ensure_columns(mkt_table *t)
{
    if (t->as_of)
        return MKT_OK;
    struct mkt__as_of *st = mkt__calloc(t->ctx, 1, sizeof *st);
    if (!st)
        return mkt__oom(t->ctx);
    size_t first_new = t->cols.len;
    for (int f = 0; f < MKT__F_COUNT; f++) {
        const char *name = mkt__fields[f].name;
        uint32_t idx;
        if (t->fold && !(t->fold->fields >> f & 1)) {
            st->col[f] = UINT32_MAX; /* not asked for: no column, so rules cannot name it */
            continue;
        }
        if (mkt__table_column_lookup(t, name, strlen(name), &idx) == MKT_OK) {
            if (f != MKT__F_AGE) { /* booking.* and event.* names are reserved for us */
                mkt__free(t->ctx, st);
                return mkt__error(t->ctx, MKT_EINTERNAL,
                                  "mkt_table_set_as_of: column '%s' exists already", name);
            }
            st->col[f] = UINT32_MAX; /* the host's own "age" wins */
            continue;
        }
        int rc = mkt__table_add_column(t, name, strlen(name), mkt__fields[f].type, 0, 1, &idx);
        if (rc) {
            while (t->cols.len > first_new)
                mkt__col_free(t->ctx, t->cols.data[--t->cols.len]);
            mkt__free(t->ctx, st);
            return rc;
        }
        struct mkt__col *c = t->cols.data[idx];
        c->as_of = 1;
        if (c->type == MKT_TYPE_STRING || c->type == MKT_TYPE_LIST)
            c->dict = &t->strings; /* ids of the booking store's categorical text */
        st->col[f] = idx;
    }
    st->date = MKT_NULL_DATE; /* nothing computed yet */
    t->as_of = st;
    t->as_of_dirty = 1;
    return MKT_OK;
}

MKT_EXPORT int mkt_table_set_as_of(mkt_table *t, mkt_date as_of)
{
    if (!t)
        return MKT_EINVAL;
    struct mkt__window w;
    if (mkt__window_init(&w, as_of))
        return mkt__error(t->ctx, MKT_ERANGE,
                          "mkt_table_set_as_of: as-of date %ld is out of range (years 2..9999)",
                          (long)as_of);
    if (t->fold && as_of != t->fold->date) {
        char folded[MKT_DATE_BUFSZ];
        mkt_date_format(t->fold->date, folded, sizeof folded);
        return mkt__error(t->ctx, MKT_ESTATE,
                          "mkt_table_set_as_of: the bookings were folded as of %s and not kept; "
                          "fold them again for another date", folded);
    }
    int rc = ensure_columns(t);
    if (rc)
        return rc;
    size_t rows = mkt__table_rows(t);
    if (t->fold && (rc = intern_folded_names(t)))
        return rc;
    struct ids ids;
    resolve_all(t, &ids);
    /* Folded bookings are accumulators already; the sweep reads them row by row. Without
     * events every event accumulator is empty: none is allocated. */
    int need_bk = !t->fold, need_ev = t->ev.len > 0;
    /* One spare element lets the booking accumulators start on a cache line, so that each
     * booking touches exactly two lines. */
    _Static_assert(sizeof(struct mkt__bk_acc) % 64 == 0, "booking accumulator not line-sized");
    void *bk_raw = need_bk ? mkt__calloc(t->ctx, rows + 1, sizeof(struct mkt__bk_acc)) : NULL;
    struct mkt__ev_acc *ev = need_ev ? mkt__calloc(t->ctx, rows ? rows : 1, sizeof *ev) : NULL;
    struct mkt__bk_acc *bk = bk_raw ? (void *)(((uintptr_t)bk_raw + 63) & ~(uintptr_t)63) : NULL;
    if ((need_bk && !bk) || (need_ev && !ev)) {
        rc = mkt__oom(t->ctx);
        goto out;
    }
    if (bk && (rc = bookings_pass(t, &ids, &w, bk)))
        goto out;
    if (ev)
        events_pass(t, &ids, &w, ev);
    /* The last step that may fail; it writes its column only once it cannot. (Folded
     * bookings have no routes column: it needs the records.) */
    uint32_t routes = t->as_of->col[MKT__F_ROUTES];
    if (routes != UINT32_MAX && (rc = mkt__routes_build(t, &w, bk, t->cols.data[routes])))
        goto out;
    sweep_customers(t, &ids, &w, bk, ev);
    t->as_of->date = as_of;
    t->as_of_dirty = 0;
out:
    mkt__free(t->ctx, bk_raw);
    mkt__free(t->ctx, ev);
    return rc;
}

MKT_EXPORT int mkt_table_as_of(const mkt_table *t, mkt_date *as_of)
{
    if (!t || !as_of)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_as_of: NULL argument") : MKT_EINVAL;
    if (!t->as_of || t->as_of->date == MKT_NULL_DATE)
        return MKT_ENOTFOUND; /* a plain answer: never computed */
    *as_of = t->as_of->date;
    if (t->as_of_dirty)
        return mkt__error(t->ctx, MKT_ESTATE,
                          "the as-of fields are stale: records or customers changed since "
                          "mkt_table_set_as_of()");
    return MKT_OK;
}

int mkt__as_of_stale_error(const mkt_table *t, const struct mkt__col *c, const char *fn)
{
    return mkt__error(t->ctx, MKT_ESTATE,
                      "%s: '%s' is stale: bookings, events or customers changed since "
                      "mkt_table_set_as_of(); call it again",
                      fn, c->name);
}

void mkt__as_of_free(mkt_table *t)
{
    mkt__free(t->ctx, t->as_of);
    t->as_of = NULL;
    mkt__fold_free(t->ctx, t->fold);
    t->fold = NULL;
}

/* SPDX-License-Identifier: MIT */
/*
 * The as-of fields (booking.*_12m and friends, customer.age, event.*_Nd): their list, the
 * window of an as-of date, and the per-booking / per-event accumulation that both the batch
 * pass over the table (derive.c) and the one-customer computation for host profiles
 * (derive-one.c) run, so every definition lives here once. doc/fields.md states them in words.
 *
 * A booking counts when it is CONFIRMED and its booking date (UTC) is <= D; it is in the 12m
 * window when its booking date is > mkt_date_add_months(D, -12). An event counts in an N-day
 * window when its date (UTC) is in (D - N, D]. Everything is compared on timestamps computed
 * once per window, so the loops divide nothing except for departure-based fields.
 */
#ifndef MKT_DATA_DERIVE_PRIVATE_H
#define MKT_DATA_DERIVE_PRIVATE_H

#include <math.h>

#include "table-private.h"

/* The as-of fields in column order. */
enum mkt__field {
    MKT__F_COUNT_12M,
    MKT__F_SPEND_12M,
    MKT__F_COUNT_TOTAL,
    MKT__F_SPEND_TOTAL,
    MKT__F_FIRST_DATE,
    MKT__F_LAST_DATE,
    MKT__F_DAYS_SINCE_LAST,
    MKT__F_PREMIUM_SHARE,
    MKT__F_PREFERRED_CABIN,
    MKT__F_PREFERRED_CHANNEL,
    MKT__F_AVG_ADVANCE,
    MKT__F_GROUP_SHARE,
    MKT__F_INTL_SHARE,
    MKT__F_TRANSCON_SHARE,
    MKT__F_WEEKEND_SHARE,
    MKT__F_SUMMER_SHARE,
    MKT__F_WINTER_SHARE,
    MKT__F_ANCILLARY_SHARE,
    MKT__F_ROUTES,
    MKT__F_AGE,
    MKT__F_EV_CART_7D,
    MKT__F_EV_CART_30D,
    MKT__F_EV_SEARCHES_30D,
    MKT__F_EV_PAGE_VIEWS_30D,
    MKT__F_EV_BOOKINGS_30D,
    MKT__F_EV_OPENS_90D,
    MKT__F_EV_CLICKS_90D,
    MKT__F_EV_UNSUBSCRIBED,
    MKT__F_EV_BOUNCED_HARD,
    MKT__F_EV_LAST_COMPLAINT,
    MKT__F_EV_LAST_DATE,
    MKT__F_COUNT
};

struct mkt__field_desc {
    const char *name; /* the column name ("age" for customer.age) */
    int32_t type;     /* an mkt_type */
};
extern const struct mkt__field_desc mkt__fields[MKT__F_COUNT];

/* Classified categorical values; 0 is null or a value outside the list. */
enum { MKT__CABIN_OTHER, MKT__CABIN_ECONOMY, MKT__CABIN_PREMIUM_ECONOMY, MKT__CABIN_BUSINESS,
       MKT__CABIN_FIRST, MKT__CABINS };
enum { MKT__CHANNEL_OTHER, MKT__CHANNEL_WEB, MKT__CHANNEL_MOBILE, MKT__CHANNEL_AGENT,
       MKT__CHANNELS };
enum { MKT__EVT_OTHER, MKT__EVT_CART_ABANDONED, MKT__EVT_SEARCH, MKT__EVT_PAGE_VIEW,
       MKT__EVT_BOOKING_COMPLETED, MKT__EVT_EMAIL_OPENED, MKT__EVT_EMAIL_CLICKED,
       MKT__EVT_SPAM_COMPLAINT, MKT__EVT_UNSUBSCRIBED, MKT__EVT_EMAIL_BOUNCED_HARD,
       MKT__EVT_TYPES };
/* Names of the codes above, by code (index 0 is NULL). */
extern const char *const mkt__cabin_names[MKT__CABINS];
extern const char *const mkt__channel_names[MKT__CHANNELS];
extern const char *const mkt__event_type_names[MKT__EVT_TYPES];
/* trip_type values that make a booking international. */
extern const char *const mkt__intl_trip_names[2];

#define MKT__DAY INT64_C(86400)

/* The as-of date turned into timestamp bounds: a record counts when its time is < end. */
struct mkt__window {
    mkt_date as_of, start12_date; /* start12_date = D - 12 months (excluded) */
    mkt_time end;                 /* (D + 1) days: first second after D */
    mkt_time start12;             /* first second of the 12m window */
    mkt_time start7, start30, start90;
};

/* MKT_OK or MKT_ERANGE (D - 12 months or D + 1 day outside years 1..9999). */
int mkt__window_init(struct mkt__window *w, mkt_date as_of);

/* One booking as the accumulation sees it. */
struct mkt__bk_fact {
    mkt_time time;
    mkt_date dep;       /* MKT_NULL_DATE for null */
    int32_t pax;        /* 0 for null */
    int64_t total, anc; /* anc may be MKT_NULL_INT64 */
    uint32_t currency;  /* any id of the currency, + 1 (0 is reserved) */
    uint8_t confirmed, cabin, channel, intl, transcon, has_route;
};

#define MKT__CUR_MIXED UINT32_MAX

/* One customer's booking accumulator; all zero is the empty state. */
struct mkt__bk_acc {
    int64_t spend_total, spend_12m;
    int64_t adv_sum;           /* sum of departure - booking date over dated 12m bookings */
    mkt_time first, last;      /* booking times, valid when count_total > 0 */
    uint32_t count_total, count_12m;
    uint32_t cur_total, cur_12m; /* currency + 1 of the summed bookings, or MKT__CUR_MIXED */
    uint32_t cabin[MKT__CABINS], channel[MKT__CHANNELS];
    uint32_t group, intl, transcon, anc, routes;
    uint32_t dated, weekend, summer, winter; /* 12m bookings with a departure date */
};

static inline mkt_date mkt__date_of(mkt_time t)
{
    mkt_time d = t / MKT__DAY;
    return (mkt_date)(d * MKT__DAY > t ? d - 1 : d); /* floor for times before 1970 */
}

/* Month 1..12 of a date (Hinnant's civil_from_days, month part only). */
static inline int mkt__month_of(mkt_date date)
{
    int64_t z = (int64_t)date + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    return (int)(mp < 10 ? mp + 3 : mp - 9);
}

/* Day of the week, 0 = Monday .. 6 = Sunday (1970-01-01 was a Thursday). */
static inline int mkt__weekday_of(mkt_date date)
{
    int64_t r = ((int64_t)date + 3) % 7;
    return (int)(r < 0 ? r + 7 : r);
}

static inline void mkt__acc_money(int64_t *sum, uint32_t *cur, uint32_t id, int64_t v, int *ovf)
{
    if (*cur == MKT__CUR_MIXED)
        return;
    if (*cur == 0) {
        *cur = id;
    } else if (*cur != id) {
        *cur = MKT__CUR_MIXED; /* no silent mixing of currencies */
        return;
    }
    if (__builtin_add_overflow(*sum, v, sum))
        *ovf = 1;
}

/* Fold one booking into its customer's accumulator; *ovf is set on money overflow. */
static inline void mkt__bk_acc_add(struct mkt__bk_acc *a, const struct mkt__window *w,
                                   const struct mkt__bk_fact *f, int *ovf)
{
    if (!f->confirmed || f->time >= w->end)
        return;
    if (a->count_total++ == 0) {
        a->first = a->last = f->time;
    } else {
        a->first = f->time < a->first ? f->time : a->first;
        a->last = f->time > a->last ? f->time : a->last;
    }
    mkt__acc_money(&a->spend_total, &a->cur_total, f->currency, f->total, ovf);
    if (f->time < w->start12)
        return;
    a->count_12m++;
    mkt__acc_money(&a->spend_12m, &a->cur_12m, f->currency, f->total, ovf);
    a->cabin[f->cabin]++;
    a->channel[f->channel]++;
    a->group += f->pax > 1;
    a->intl += f->intl;
    a->transcon += f->transcon;
    a->anc += f->anc > 0; /* MKT_NULL_INT64 is negative: no ancillary */
    a->routes += f->has_route;
    if (f->dep == MKT_NULL_DATE)
        return;
    int month = mkt__month_of(f->dep);
    a->dated++;
    a->adv_sum += (int64_t)f->dep - mkt__date_of(f->time);
    a->weekend += mkt__weekday_of(f->dep) >= 5;
    a->summer += month >= 6 && month <= 8;
    a->winter += month == 12 || month <= 2;
}

/* ---- folded bookings (fold.c): accumulators without the records --------------------- */

/* mkt_table_fold_bookings() keeps only the parts of struct mkt__bk_acc its fields need, in one
 * small record per customer, so memory follows the fields asked for, not the file, and a
 * booking touches one place. */
enum { MKT__G_WINDOW, MKT__G_ALL, MKT__G_DATES, MKT__G_CABIN, MKT__G_CHANNEL, MKT__G_FLAGS,
       MKT__G_DEPART,
       MKT__G_COUNT };

struct mkt__fold {
    mkt_date date;
    uint64_t fields;  /* bit per as-of field (enum mkt__field) the table gets */
    size_t rows;      /* customer rows when folded; later rows have no folded bookings */
    unsigned char *acc; /* rows records of stride bytes: the parts kept, part g at off[g] */
    size_t stride;
    int32_t off[MKT__G_COUNT]; /* -1: part not kept */
};

/* The groups booking field @f needs (0 for fields that cannot be folded: routes). */
uint32_t mkt__fold_groups_of(int f);
/* A fold of @t's customers as of @as_of keeping what @fields (bits of enum mkt__field) need
 * (fold-parts.c). MKT_ENOMEM. */
int mkt__fold_new(mkt_table *t, mkt_date as_of, uint64_t fields, struct mkt__fold **out);
/* Copy row @r's folded parts into @a (the rest zero), and back (the parts kept). */
void mkt__fold_gather(const struct mkt__fold *fd, size_t r, struct mkt__bk_acc *a);
void mkt__fold_scatter(struct mkt__fold *fd, size_t r, const struct mkt__bk_acc *a);
void mkt__fold_free(mkt_ctx *ctx, struct mkt__fold *fd);

/* One customer's booking fields. Null: MKT_NULL_INT64 / MKT_NULL_DATE, NAN for shares,
 * code 0 for the preferred cabin and channel. */
struct mkt__bk_out {
    int64_t count_12m, count_total, spend_12m, spend_total, days_since_last;
    mkt_date first_date, last_date;
    double premium, avg_advance, group, intl, transcon, weekend, summer, winter, ancillary;
    int cabin, channel;
};

void mkt__bk_acc_finish(const struct mkt__bk_acc *a, const struct mkt__window *w,
                        struct mkt__bk_out *out);

/* One customer's event accumulator; all zero is the empty state. */
struct mkt__ev_acc {
    mkt_time last, last_complaint; /* valid when n_any / n_complaint > 0 */
    uint32_t n_any, n_complaint;
    uint32_t cart7, cart30, searches30, views30, bookings30, opens90, clicks90;
    uint8_t unsubscribed, bounced_hard;
};

static inline void mkt__ev_acc_add(struct mkt__ev_acc *a, const struct mkt__window *w,
                                   mkt_time ts, int type)
{
    if (ts >= w->end)
        return;
    if (a->n_any++ == 0 || ts > a->last)
        a->last = ts;
    int in30 = ts >= w->start30, in90 = ts >= w->start90;
    switch (type) {
    case MKT__EVT_CART_ABANDONED:
        a->cart7 += ts >= w->start7;
        a->cart30 += in30;
        break;
    case MKT__EVT_SEARCH: a->searches30 += in30; break;
    case MKT__EVT_PAGE_VIEW: a->views30 += in30; break;
    case MKT__EVT_BOOKING_COMPLETED: a->bookings30 += in30; break;
    case MKT__EVT_EMAIL_OPENED: a->opens90 += in90; break;
    case MKT__EVT_EMAIL_CLICKED: a->clicks90 += in90; break;
    case MKT__EVT_SPAM_COMPLAINT:
        if (a->n_complaint++ == 0 || ts > a->last_complaint)
            a->last_complaint = ts;
        break;
    case MKT__EVT_UNSUBSCRIBED: a->unsubscribed = 1; break;
    case MKT__EVT_EMAIL_BOUNCED_HARD: a->bounced_hard = 1; break;
    default: break;
    }
}

/* Whole years from @dob to @as_of (a Feb 29 birthday is reached on Mar 1 in other years);
 * MKT_NULL_INT64 when @dob is null or after @as_of. */
int64_t mkt__age_at(mkt_date dob, mkt_date as_of);

/* The state of the as-of fields of a table (t->as_of). */
struct mkt__as_of {
    mkt_date date;
    uint32_t col[MKT__F_COUNT]; /* column index of each field; UINT32_MAX when not made
                                   (customer.age when the host has its own "age" column) */
};

/* ---- one customer (the real-time path) ------------------------------------------------ */

/* A value of one field (see mkt__one_get). */
struct mkt__fval {
    int32_t type;     /* an mkt_type */
    int32_t is_null;
    int64_t i;        /* INT, MONEY, DATE, BOOL */
    double f;         /* NUMBER */
    const char *s;    /* STRING (static text) */
    const char *const *list; /* LIST: sorted distinct routes, borrowed */
    uint32_t list_len;
};

struct mkt__one {
    struct mkt__bk_out bk;
    struct mkt__ev_acc ev;
    int64_t age;
    const char **routes; /* the caller's buffer, sorted and distinct */
    uint32_t nroutes;
};

/* Compute every as-of field of one customer from host records (strings as in the table;
 * records of any customer id are taken as this customer's). @routes_buf must hold @nb
 * pointers; the result borrows it and the bookings' route strings. No allocation.
 * MKT_OK, MKT_EINVAL (NULL with a count, bad struct_size), MKT_ERANGE (as_of out of range,
 * money overflow). */
int mkt__one_compute(mkt_ctx *ctx, mkt_date as_of, mkt_date date_of_birth,
                     const mkt_booking *bk, size_t nb, const mkt_event *ev, size_t ne,
                     const char **routes_buf, struct mkt__one *out);
/* The value of field @f (an mkt__field) of a computed customer. */
void mkt__one_get(const struct mkt__one *one, int f, struct mkt__fval *out);

/* derive-list.c: build booking.routes_12m for the whole table (pass over bookings). */
int mkt__routes_build(mkt_table *t, const struct mkt__window *w, const struct mkt__bk_acc *acc,
                      struct mkt__col *c);

#endif /* MKT_DATA_DERIVE_PRIVATE_H */

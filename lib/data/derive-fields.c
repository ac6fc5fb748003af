/* SPDX-License-Identifier: MIT */
/*
 * The definitions of the as-of fields that are not per-record accumulation: their names and
 * types, the categorical values they recognise, the window of an as-of date, turning a
 * customer's booking accumulator into field values (shares, preferred cabin and channel) and
 * customer.age. Shared by the batch pass (derive.c) and the one-customer path (derive-one.c).
 */
#include "derive-private.h"

const struct mkt__field_desc mkt__fields[MKT__F_COUNT] = {
    [MKT__F_COUNT_12M] = {"booking.count_12m", MKT_TYPE_INT},
    [MKT__F_SPEND_12M] = {"booking.spend_12m", MKT_TYPE_MONEY},
    [MKT__F_COUNT_TOTAL] = {"booking.count_total", MKT_TYPE_INT},
    [MKT__F_SPEND_TOTAL] = {"booking.spend_total", MKT_TYPE_MONEY},
    [MKT__F_FIRST_DATE] = {"booking.first_date", MKT_TYPE_DATE},
    [MKT__F_LAST_DATE] = {"booking.last_date", MKT_TYPE_DATE},
    [MKT__F_DAYS_SINCE_LAST] = {"booking.days_since_last", MKT_TYPE_INT},
    [MKT__F_PREMIUM_SHARE] = {"booking.premium_share_12m", MKT_TYPE_NUMBER},
    [MKT__F_PREFERRED_CABIN] = {"booking.preferred_cabin", MKT_TYPE_STRING},
    [MKT__F_PREFERRED_CHANNEL] = {"booking.preferred_channel", MKT_TYPE_STRING},
    [MKT__F_AVG_ADVANCE] = {"booking.avg_advance_days_12m", MKT_TYPE_NUMBER},
    [MKT__F_GROUP_SHARE] = {"booking.group_share_12m", MKT_TYPE_NUMBER},
    [MKT__F_INTL_SHARE] = {"booking.international_share_12m", MKT_TYPE_NUMBER},
    [MKT__F_TRANSCON_SHARE] = {"booking.transcontinental_share_12m", MKT_TYPE_NUMBER},
    [MKT__F_WEEKEND_SHARE] = {"booking.weekend_share_12m", MKT_TYPE_NUMBER},
    [MKT__F_SUMMER_SHARE] = {"booking.summer_share_12m", MKT_TYPE_NUMBER},
    [MKT__F_WINTER_SHARE] = {"booking.winter_share_12m", MKT_TYPE_NUMBER},
    [MKT__F_ANCILLARY_SHARE] = {"booking.ancillary_share_12m", MKT_TYPE_NUMBER},
    [MKT__F_ROUTES] = {"booking.routes_12m", MKT_TYPE_LIST},
    [MKT__F_AGE] = {"age", MKT_TYPE_INT},
    [MKT__F_EV_CART_7D] = {"event.cart_abandoned_7d", MKT_TYPE_INT},
    [MKT__F_EV_CART_30D] = {"event.cart_abandoned_30d", MKT_TYPE_INT},
    [MKT__F_EV_SEARCHES_30D] = {"event.searches_30d", MKT_TYPE_INT},
    [MKT__F_EV_PAGE_VIEWS_30D] = {"event.page_views_30d", MKT_TYPE_INT},
    [MKT__F_EV_BOOKINGS_30D] = {"event.bookings_30d", MKT_TYPE_INT},
    [MKT__F_EV_OPENS_90D] = {"event.email_opens_90d", MKT_TYPE_INT},
    [MKT__F_EV_CLICKS_90D] = {"event.email_clicks_90d", MKT_TYPE_INT},
    [MKT__F_EV_UNSUBSCRIBED] = {"event.unsubscribed", MKT_TYPE_BOOL},
    [MKT__F_EV_BOUNCED_HARD] = {"event.email_bounced_hard", MKT_TYPE_BOOL},
    [MKT__F_EV_LAST_COMPLAINT] = {"event.last_complaint_date", MKT_TYPE_DATE},
    [MKT__F_EV_LAST_DATE] = {"event.last_date", MKT_TYPE_DATE},
};

const char *const mkt__cabin_names[MKT__CABINS] = {NULL, "ECONOMY", "PREMIUM_ECONOMY",
                                                    "BUSINESS", "FIRST"};
const char *const mkt__channel_names[MKT__CHANNELS] = {NULL, "WEB", "MOBILE", "AGENT"};
const char *const mkt__event_type_names[MKT__EVT_TYPES] = {
    NULL,            "CART_ABANDONED", "SEARCH",          "PAGE_VIEW",
    "BOOKING_COMPLETED", "EMAIL_OPENED", "EMAIL_CLICKED", "SPAM_COMPLAINT",
    "UNSUBSCRIBED",  "EMAIL_BOUNCED_HARD"};
const char *const mkt__intl_trip_names[2] = {"INTERNATIONAL", "TRANSCONTINENTAL"};

int mkt__window_init(struct mkt__window *w, mkt_date as_of)
{
    mkt_date start12, next;
    /* Both bounds must be real calendar dates: D - 12 months and D + 1 day. */
    if (mkt_date_add_months(&start12, as_of, -12) != MKT_OK || as_of == INT32_MAX ||
        mkt_date_add_months(&next, as_of + 1, 0) != MKT_OK)
        return MKT_ERANGE;
    w->as_of = as_of;
    w->start12_date = start12;
    w->end = ((mkt_time)as_of + 1) * MKT__DAY;
    w->start12 = ((mkt_time)start12 + 1) * MKT__DAY;
    w->start7 = ((mkt_time)as_of - 6) * MKT__DAY;
    w->start30 = ((mkt_time)as_of - 29) * MKT__DAY;
    w->start90 = ((mkt_time)as_of - 89) * MKT__DAY;
    return MKT_OK;
}

static double share(uint32_t part, uint32_t whole)
{
    return whole ? (double)part / (double)whole : NAN;
}

/* The most frequent code 1..n-1; ties go to the code @prefer_high picks (the higher code when
 * 1, the lower when 0); 0 when all counts are 0. */
static int most_frequent(const uint32_t *counts, int n, int prefer_high)
{
    int best = 0;
    for (int k = 1; k < n; k++) {
        if (counts[k] == 0)
            continue;
        if (best == 0 || counts[k] > counts[best] || (prefer_high && counts[k] == counts[best]))
            best = k;
    }
    return best;
}

void mkt__bk_acc_finish(const struct mkt__bk_acc *a, const struct mkt__window *w,
                        struct mkt__bk_out *o)
{
    o->count_12m = a->count_12m;
    o->count_total = a->count_total;
    o->spend_12m = a->cur_12m == MKT__CUR_MIXED ? MKT_NULL_INT64 : a->spend_12m;
    o->spend_total = a->cur_total == MKT__CUR_MIXED ? MKT_NULL_INT64 : a->spend_total;
    if (a->count_total) {
        o->first_date = mkt__date_of(a->first);
        o->last_date = mkt__date_of(a->last);
        o->days_since_last = (int64_t)w->as_of - o->last_date;
    } else {
        o->first_date = o->last_date = MKT_NULL_DATE;
        o->days_since_last = MKT_NULL_INT64;
    }
    uint32_t n = a->count_12m;
    o->premium = share(a->cabin[MKT__CABIN_BUSINESS] + a->cabin[MKT__CABIN_FIRST], n);
    o->group = share(a->group, n);
    o->intl = share(a->intl, n);
    o->transcon = share(a->transcon, n);
    o->ancillary = share(a->anc, n);
    o->weekend = share(a->weekend, a->dated);
    o->summer = share(a->summer, a->dated);
    o->winter = share(a->winter, a->dated);
    o->avg_advance = a->dated ? (double)a->adv_sum / (double)a->dated : NAN;
    /* Cabin codes rise with the cabin, channel codes follow WEB, MOBILE, AGENT. */
    o->cabin = most_frequent(a->cabin, MKT__CABINS, 1);
    o->channel = most_frequent(a->channel, MKT__CHANNELS, 0);
}

int64_t mkt__age_at(mkt_date dob, mkt_date as_of)
{
    if (dob == MKT_NULL_DATE || dob > as_of)
        return MKT_NULL_INT64;
    int32_t by, bm, bd, y, m, d;
    mkt_date_to_ymd(dob, &by, &bm, &bd);
    mkt_date_to_ymd(as_of, &y, &m, &d);
    /* Comparing (month, day) makes a Feb 29 birthday count from Mar 1 in common years. */
    return (int64_t)y - by - (m < bm || (m == bm && d < bd));
}

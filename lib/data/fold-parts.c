/* SPDX-License-Identifier: MIT */
/*
 * The record a fold keeps per customer (derive-private.h, struct mkt__fold): only the parts
 * of struct mkt__bk_acc that the fields asked for need, laid out side by side, and the copies
 * between a record and a whole accumulator. fold.c streams the bookings into these records.
 */
#include <string.h>

#include "derive-private.h"
#include "table-private.h"

/* The parts of struct mkt__bk_acc, by group: the 12-month counts and sums; the all-time
 * ones; first and last booking; cabin and channel counts; group, international and ancillary
 * counts; departure counts. */
struct g_window {
    int64_t spend_12m;
    uint32_t count_12m, cur_12m;
};
struct g_all {
    int64_t spend_total;
    uint32_t count_total, cur_total;
};
struct g_dates {
    mkt_time first, last;
};
struct g_flags {
    uint32_t group, intl, transcon, anc;
};
struct g_depart {
    int64_t adv_sum;
    uint32_t dated, weekend, summer, winter;
};
static const size_t group_size[MKT__G_COUNT] = {
    sizeof(struct g_window), sizeof(struct g_all), sizeof(struct g_dates),
    sizeof(uint32_t[MKT__CABINS]), sizeof(uint32_t[MKT__CHANNELS]), sizeof(struct g_flags),
    sizeof(struct g_depart),
};

#define G(bit) (1u << (bit))

uint32_t mkt__fold_groups_of(int f)
{
    uint32_t window = G(MKT__G_WINDOW); /* the shares divide by the 12-month count */
    switch (f) {
    case MKT__F_COUNT_12M: case MKT__F_SPEND_12M:
        return window;
    case MKT__F_COUNT_TOTAL: case MKT__F_SPEND_TOTAL:
        return G(MKT__G_ALL);
    case MKT__F_FIRST_DATE: case MKT__F_LAST_DATE: case MKT__F_DAYS_SINCE_LAST:
        return G(MKT__G_ALL) | G(MKT__G_DATES); /* dates are valid when count_total > 0 */
    case MKT__F_PREMIUM_SHARE: case MKT__F_PREFERRED_CABIN:
        return window | G(MKT__G_CABIN);
    case MKT__F_PREFERRED_CHANNEL:
        return G(MKT__G_CHANNEL);
    case MKT__F_GROUP_SHARE: case MKT__F_INTL_SHARE: case MKT__F_TRANSCON_SHARE:
    case MKT__F_ANCILLARY_SHARE:
        return window | G(MKT__G_FLAGS);
    case MKT__F_AVG_ADVANCE: case MKT__F_WEEKEND_SHARE: case MKT__F_SUMMER_SHARE:
    case MKT__F_WINTER_SHARE:
        return G(MKT__G_DEPART); /* they divide by the dated count */
    default:
        return 0; /* booking.routes_12m needs the routes themselves */
    }
}

/* Group @g of row @r's record, or NULL when the fold does not keep it. */
static void *part(const struct mkt__fold *fd, size_t r, int g)
{
    return fd->off[g] < 0 ? NULL : fd->acc + r * fd->stride + (size_t)fd->off[g];
}

static void get_part(void *dst, const void *src, size_t n)
{
    if (src)
        memcpy(dst, src, n);
}

void mkt__fold_gather(const struct mkt__fold *fd, size_t r, struct mkt__bk_acc *a)
{
    memset(a, 0, sizeof *a);
    if (r >= fd->rows)
        return;
    struct g_window w = {0, 0, 0};
    struct g_all all = {0, 0, 0};
    struct g_dates d = {0, 0};
    struct g_flags x = {0, 0, 0, 0};
    struct g_depart dep = {0, 0, 0, 0, 0};
    get_part(&w, part(fd, r, MKT__G_WINDOW), sizeof w);
    get_part(&all, part(fd, r, MKT__G_ALL), sizeof all);
    get_part(&d, part(fd, r, MKT__G_DATES), sizeof d);
    get_part(a->cabin, part(fd, r, MKT__G_CABIN), sizeof a->cabin);
    get_part(a->channel, part(fd, r, MKT__G_CHANNEL), sizeof a->channel);
    get_part(&x, part(fd, r, MKT__G_FLAGS), sizeof x);
    get_part(&dep, part(fd, r, MKT__G_DEPART), sizeof dep);
    a->spend_total = all.spend_total;
    a->spend_12m = w.spend_12m;
    a->count_total = all.count_total;
    a->count_12m = w.count_12m;
    a->cur_total = all.cur_total;
    a->cur_12m = w.cur_12m;
    a->first = d.first;
    a->last = d.last;
    a->group = x.group;
    a->intl = x.intl;
    a->transcon = x.transcon;
    a->anc = x.anc;
    a->adv_sum = dep.adv_sum;
    a->dated = dep.dated;
    a->weekend = dep.weekend;
    a->summer = dep.summer;
    a->winter = dep.winter;
}

/* Copy @n bytes from @src into the part when it is kept. */
static void put_part(void *dst, const void *src, size_t n)
{
    if (dst)
        memcpy(dst, src, n);
}

void mkt__fold_scatter(struct mkt__fold *fd, size_t r, const struct mkt__bk_acc *a)
{
    struct g_window w = {a->spend_12m, a->count_12m, a->cur_12m};
    struct g_all all = {a->spend_total, a->count_total, a->cur_total};
    struct g_dates d = {a->first, a->last};
    struct g_flags x = {a->group, a->intl, a->transcon, a->anc};
    struct g_depart dep = {a->adv_sum, a->dated, a->weekend, a->summer, a->winter};
    put_part(part(fd, r, MKT__G_WINDOW), &w, sizeof w);
    put_part(part(fd, r, MKT__G_ALL), &all, sizeof all);
    put_part(part(fd, r, MKT__G_DATES), &d, sizeof d);
    put_part(part(fd, r, MKT__G_CABIN), a->cabin, sizeof a->cabin);
    put_part(part(fd, r, MKT__G_CHANNEL), a->channel, sizeof a->channel);
    put_part(part(fd, r, MKT__G_FLAGS), &x, sizeof x);
    put_part(part(fd, r, MKT__G_DEPART), &dep, sizeof dep);
}

void mkt__fold_free(mkt_ctx *ctx, struct mkt__fold *fd)
{
    if (!fd)
        return;
    mkt__free(ctx, fd->acc);
    mkt__free(ctx, fd);
}

int mkt__fold_new(mkt_table *t, mkt_date as_of, uint64_t fields, struct mkt__fold **out)
{
    struct mkt__fold *fd = mkt__calloc(t->ctx, 1, sizeof *fd);
    if (!fd)
        return mkt__oom(t->ctx);
    fd->date = as_of;
    fd->fields = fields;
    fd->rows = mkt__table_rows(t);
    uint32_t groups = 0;
    for (int f = 0; f < MKT__F_AGE; f++) /* booking fields: the parts they need */
        groups |= fields >> f & 1 ? mkt__fold_groups_of(f) : 0;
    /* One record per customer holding just those parts, so that a booking touches one
     * place; every part is a multiple of 8 bytes, which keeps them aligned. */
    for (int g = 0; g < MKT__G_COUNT; g++) {
        fd->off[g] = groups >> g & 1 ? (int32_t)fd->stride : -1;
        fd->stride += groups >> g & 1 ? (group_size[g] + 7) / 8 * 8 : 0;
    }
    if (fd->stride && !(fd->acc = mkt__calloc(t->ctx, fd->rows ? fd->rows : 1, fd->stride))) {
        mkt__fold_free(t->ctx, fd);
        return mkt__oom(t->ctx);
    }
    *out = fd;
    return MKT_OK;
}

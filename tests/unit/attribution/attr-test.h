/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the attribution unit tests: a context, adding a path written as
 * "A>B>C", running one model, and reading a channel's or campaign's credit by name.
 */
#ifndef MKT_TEST_ATTR_TEST_H
#define MKT_TEST_ATTR_TEST_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmarketing.h"

static inline mkt_ctx *new_ctx(void)
{
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    return ctx;
}

static inline const char *last_msg(mkt_ctx *ctx)
{
    return mkt_ctx_last_error(ctx)->message;
}

#define ck_assert_msg_has(ctx, text)                                                         \
    ck_assert_msg(strstr(last_msg(ctx), (text)) != NULL, "message '%s' lacks '%s'",           \
                  last_msg(ctx), (text))

static inline mkt_paths *new_paths(mkt_ctx *ctx)
{
    mkt_paths *p = NULL;
    ck_assert_int_eq(mkt_paths_new(&p, ctx), MKT_OK);
    return p;
}

/* Add the aggregated path "A>B>C" (channels separated by '>'). */
static inline int add_path(mkt_paths *p, const char *text, int64_t conv, int64_t value,
                           int64_t nulls)
{
    char buf[256];
    const char *names[32];
    uint32_t n = 0;
    snprintf(buf, sizeof buf, "%s", text);
    for (char *s = strtok(buf, ">"); s && n < 32; s = strtok(NULL, ">"))
        names[n++] = s;
    return mkt_paths_add(p, names, n, conv, value, nulls);
}

static inline mkt_attribution *run_model(mkt_paths *p, int32_t model,
                                         const mkt_attr_options *base)
{
    mkt_attr_options o;
    if (base)
        o = *base;
    else
        mkt_attr_options_init(&o);
    o.model = model;
    mkt_attribution *r = NULL;
    int rc = mkt_attribute(&r, p, &o);
    ck_assert_msg(rc == MKT_OK, "model %s: %d", mkt_attr_model_name(model), rc);
    ck_assert_ptr_nonnull(r);
    return r;
}

/* Credit of the channel named @name. */
static inline mkt_attr_credit credit_of(const mkt_attribution *r, const char *name)
{
    mkt_attr_credit c;
    for (uint32_t i = 0; i < mkt_attribution_channel_count(r); i++) {
        ck_assert_int_eq(mkt_attribution_channel(r, i, &c), MKT_OK);
        if (strcmp(c.name, name) == 0)
            return c;
    }
    ck_abort_msg("no channel %s", name);
    return c;
}

/* Assert the rounded credit of channel @name: micro-conversions and minor units. */
#define ck_credit(r, name, micro, minor)                                                     \
    do {                                                                                     \
        mkt_attr_credit c_ = credit_of((r), (name));                                         \
        ck_assert_msg(c_.conversions_micro == (micro) && c_.value == (minor),                \
                      "%s: got %lld micro / %lld minor, want %lld / %lld", (name),           \
                      (long long)c_.conversions_micro, (long long)c_.value,                  \
                      (long long)(micro), (long long)(minor));                               \
    } while (0)

/* Sums of the channel credits equal the totals exactly. */
static inline int conserves(const mkt_attribution *r)
{
    int64_t conv, value, sm = 0, sv = 0, cm = 0, cv = 0;
    mkt_attribution_totals(r, &conv, &value);
    mkt_attr_credit c;
    for (uint32_t i = 0; i < mkt_attribution_channel_count(r); i++) {
        mkt_attribution_channel(r, i, &c);
        sm += c.conversions_micro;
        sv += c.value;
        if (c.conversions_micro < 0 || c.value < 0)
            return 0;
    }
    for (uint32_t i = 0; i < mkt_attribution_campaign_count(r); i++) {
        mkt_attribution_campaign(r, i, &c);
        cm += c.conversions_micro;
        cv += c.value;
    }
    return sm == conv * MKT_ATTR_MICRO && sv == value && cm == sm && cv == sv;
}

/* A deterministic generator (splitmix64) for random paths. */
static inline uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* @n random aggregated paths over @nch channels "c0".."c<nch-1>", 1..@maxlen touches. */
static inline void random_paths(mkt_paths *p, uint64_t seed, int n, int nch, int maxlen)
{
    uint64_t s = seed;
    for (int i = 0; i < n; i++) {
        char names[16][8];
        const char *ptr[16];
        uint32_t len = 1 + (uint32_t)(next_rand(&s) % (uint64_t)maxlen);
        for (uint32_t k = 0; k < len; k++) {
            snprintf(names[k], sizeof names[k], "c%d", (int)(next_rand(&s) % (uint64_t)nch));
            ptr[k] = names[k];
        }
        int64_t conv = (int64_t)(next_rand(&s) % 4), nulls = (int64_t)(next_rand(&s) % 5);
        int64_t value = conv ? (int64_t)(next_rand(&s) % 100000) : 0;
        ck_assert_int_eq(mkt_paths_add(p, ptr, len, conv, value, nulls), MKT_OK);
    }
}

#endif /* MKT_TEST_ATTR_TEST_H */

/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of attribution: the input is parsed as paths.csv (first byte: separator,
 * Markov order, model subset) and, when it loads, every model runs on it. Each model must
 * succeed or fail cleanly, and a result must conserve exactly: channel and campaign credits
 * sum to the total conversions (in micro-conversions) and value, touches to their path.
 * (Path parsing alone is also fuzzed by csv_fuzzer.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/csv-private.h"
#include "data/paths-private.h"
#include "libmarketing/attribution.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int seps[] = {',', ';', '\t', '|'};

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond))                                                                         \
            abort();                                                                         \
    } while (0)

static void check_result(const mkt_attribution *r, const mkt_paths *p)
{
    int64_t conv, value, sm = 0, sv = 0, cm = 0, cv = 0;
    CHECK(mkt_attribution_totals(r, &conv, &value) == MKT_OK);
    mkt_attr_credit c;
    for (uint32_t i = 0; i < mkt_attribution_channel_count(r); i++) {
        CHECK(mkt_attribution_channel(r, i, &c) == MKT_OK);
        CHECK(c.conversions_micro >= 0 && c.value >= 0);
        sm += c.conversions_micro;
        sv += c.value;
    }
    for (uint32_t i = 0; i < mkt_attribution_campaign_count(r); i++) {
        CHECK(mkt_attribution_campaign(r, i, &c) == MKT_OK);
        cm += c.conversions_micro;
        cv += c.value;
    }
    CHECK(sm == conv * MKT_ATTR_MICRO && sv == value && cm == sm && cv == sv);
    for (uint64_t i = 0; i < mkt_paths_count(p); i++) {
        mkt_path path;
        CHECK(mkt_paths_get(p, i, &path) == MKT_OK);
        int64_t tm = 0, tv = 0, m, v;
        for (uint32_t k = 0; k < path.length; k++) {
            CHECK(mkt_attribution_touch(r, i, k, &m, &v) == MKT_OK);
            tm += m;
            tv += v;
        }
        CHECK(tm == path.conversions * MKT_ATTR_MICRO && tv == path.value);
    }
    for (uint64_t i = 0; i < mkt_attribution_transition_count(r); i++) {
        mkt_attr_transition t;
        CHECK(mkt_attribution_transition(r, i, &t) == MKT_OK);
        CHECK(t.probability > 0 && t.probability <= 1);
        CHECK(mkt_attribution_state_name(r, t.from) && mkt_attribution_state_name(r, t.to));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    mkt_ctx_options copts;
    mkt_ctx_options_init(&copts);
    copts.max_field_bytes = 4096;
    copts.max_fields = 16;
    mkt_ctx *ctx;
    if (mkt_ctx_new(&ctx, NULL, &copts) != MKT_OK)
        return 0;
    mkt_paths *p = NULL;
    struct mkt__csv_options o = {0};
    o.sep = seps[mode & 3];
    o.has_header = 1;
    mkt__csv *r = NULL;
    mkt_paths_options po;
    mkt_paths_options_init(&po);
    po.round_values = 1;
    if (mkt_paths_new(&p, ctx) == MKT_OK &&
        mkt__csv_open_memory(&r, ctx, "fuzz.csv", data + 1, size - 1, &o) == MKT_OK &&
        mkt__paths_load_paths_csv(p, r, &po) == MKT_OK) {
        static const int32_t models[] = {MKT_ATTR_FIRST, MKT_ATTR_LAST,
                                         MKT_ATTR_LAST_NON_DIRECT, MKT_ATTR_LINEAR,
                                         MKT_ATTR_POSITION, MKT_ATTR_W_SHAPED, MKT_ATTR_MARKOV,
                                         MKT_ATTR_SHAPLEY};
        enum { N = sizeof models / sizeof models[0] };
        mkt_attr_options ao;
        mkt_attr_options_init(&ao);
        ao.order = 1 + (mode >> 2 & 3);
        ao.collapse_repeats = mode >> 4 & 1;
        ao.shapley_max_exact = mode & 32 ? 0 : 12;
        ao.per_touch = 1;
        mkt_attribution *res[N];
        if (mkt_attribute_many(res, models, N, p, &ao) == MKT_OK)
            for (int i = 0; i < N; i++) {
                check_result(res[i], p);
                mkt_attribution_free(res[i]);
            }
    }
    mkt__csv_free(r);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
    return 0;
}

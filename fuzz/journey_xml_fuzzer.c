/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of XML journey definitions. Loading must succeed, or fail with at least one
 * issue and a message, and no journey. A loaded journey must be consistent (every id finds
 * its node, every edge joins two nodes inside the node's run of edges), must draw as text,
 * and rebuilding it through the builder from what the accessors read back must give a
 * journey that draws the same: the XML loader and the builder agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libmarketing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond))                                                                         \
            abort();                                                                         \
    } while (0)

static mkt_journey *rebuild(mkt_ctx *ctx, const mkt_journey *j)
{
    mkt_journey_def d = MKT_JOURNEY_DEF_INIT;
    CHECK(mkt_journey_get(j, &d) == MKT_OK);
    mkt_journey_builder *b = NULL;
    CHECK(mkt_journey_builder_new(&b, ctx, &d) == MKT_OK);
    uint32_t n = mkt_journey_node_count(j), e = mkt_journey_edge_count(j);
    for (uint32_t i = 0; i < n; i++) {
        mkt_journey_node_def nd = MKT_JOURNEY_NODE_DEF_INIT;
        CHECK(mkt_journey_node_get(j, i, &nd) == MKT_OK);
        uint32_t at = UINT32_MAX, found = UINT32_MAX;
        CHECK(mkt_journey_node_find(j, nd.id, &found) == MKT_OK && found == i);
        CHECK(mkt_journey_builder_add_node(b, &nd, &at) == MKT_OK && at == i);
    }
    for (uint32_t i = 0; i < e; i++) {
        mkt_journey_edge_def ed = MKT_JOURNEY_EDGE_DEF_INIT;
        CHECK(mkt_journey_edge_get(j, i, &ed) == MKT_OK);
        uint32_t first = 0, count = 0;
        CHECK(ed.from < n && ed.to < n);
        CHECK(mkt_journey_node_edges(j, ed.from, &first, &count) == MKT_OK);
        CHECK(i >= first && i < first + count);
        CHECK(mkt_journey_builder_connect(b, &ed) == MKT_OK);
    }
    mkt_journey_options o = MKT_JOURNEY_OPTIONS_INIT;
    o.max_nodes = 100000; /* the loaded journey already passed the caller's limits */
    o.max_depth = 100000;
    o.max_text = 1u << 24;
    mkt_journey *out = NULL;
    CHECK(mkt_journey_builder_finish(b, &o, &out) == MKT_OK);
    mkt_journey_builder_free(b);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mkt_ctx *ctx = NULL;
    if (mkt_ctx_new(&ctx, NULL, NULL) != MKT_OK)
        return 0;
    mkt_journey_issues *issues = NULL;
    CHECK(mkt_journey_issues_new(&issues, ctx) == MKT_OK);
    mkt_journey_options o = MKT_JOURNEY_OPTIONS_INIT;
    o.issues = issues;
    o.now = 0; /* fixed validation time: the same input always gives the same result */
    mkt_journey *j = NULL;
    int rc = mkt_journey_load_xml_memory(&j, ctx, (const char *)data, size, "fuzz.xml", &o);
    if (rc != MKT_OK) {
        CHECK(j == NULL);
        CHECK(rc == MKT_ENOMEM || mkt_journey_issues_count(issues) > 0);
        CHECK(mkt_ctx_last_error(ctx)->message[0] != '\0');
    } else {
        CHECK(mkt_journey_issues_count(issues) == 0);
        char *a = NULL, *b = NULL;
        CHECK(mkt_journey_format(j, ctx, &a) == MKT_OK);
        mkt_journey *again = rebuild(ctx, j);
        CHECK(mkt_journey_format(again, ctx, &b) == MKT_OK);
        CHECK(strcmp(a, b) == 0);
        mkt_free(a);
        mkt_free(b);
        mkt_journey_free(again);
    }
    mkt_journey_free(j);
    mkt_journey_issues_free(issues);
    mkt_ctx_free(ctx);
    return 0;
}

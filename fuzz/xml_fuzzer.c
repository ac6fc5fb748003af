/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of XML segment definitions. The input is a definitions file. Loading must
 * succeed or fail with a message naming the source, and a failed load must add nothing (all
 * or nothing). Every loaded definition must be found by its id and its name, its normalized
 * rule must parse back to an equal rule, and compiling it through the catalog (resolving
 * `in segment` references, cycles included) must succeed or fail cleanly. Loading the same
 * input again must fail on the duplicates and leave the catalog as it was.
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

static void check_definition(mkt_ctx *ctx, const mkt_catalog *c, size_t i, const mkt_table *t)
{
    mkt_segment_def d = MKT_SEGMENT_DEF_INIT;
    CHECK(mkt_catalog_get(c, i, &d) == MKT_OK);
    size_t j = (size_t)-1;
    CHECK(mkt_catalog_find(c, d.id, &j) == MKT_OK && j == i);
    CHECK(mkt_catalog_find(c, d.name, &j) == MKT_OK);
    mkt_rule *r = NULL;
    CHECK(mkt_rule_parse(&r, ctx, d.rule, strlen(d.rule), NULL) == MKT_OK);
    CHECK(mkt_rule_equal(r, mkt_catalog_rule(c, i)));
    mkt_rule_free(r);
    mkt_segment *s = NULL;
    int rc = mkt_catalog_compile(&s, ctx, c, d.id, t, NULL);
    CHECK((rc == MKT_OK) == (s != NULL));
    CHECK(rc == MKT_OK || mkt_ctx_last_error(ctx)->message[0] != '\0');
    mkt_segment_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mkt_ctx *ctx = NULL;
    CHECK(mkt_ctx_new(&ctx, NULL, NULL) == MKT_OK);
    mkt_catalog *c = NULL;
    CHECK(mkt_catalog_new(&c, ctx) == MKT_OK);
    int rc = mkt_catalog_load_xml_memory(c, (const char *)data, size, "fuzz.xml");
    if (rc != MKT_OK) {
        CHECK(mkt_catalog_count(c) == 0);
        CHECK(strncmp(mkt_ctx_last_error(ctx)->message, "fuzz.xml", 8) == 0 ||
              rc == MKT_ENOMEM);
    } else {
        mkt_table *t = NULL;
        CHECK(mkt_table_new(&t, ctx) == MKT_OK);
        size_t n = mkt_catalog_count(c);
        for (size_t i = 0; i < n; i++)
            check_definition(ctx, c, i, t);
        if (n > 0) {
            CHECK(mkt_catalog_load_xml_memory(c, (const char *)data, size, "again") ==
                  MKT_EEXIST);
            CHECK(mkt_catalog_count(c) == n);
        }
        mkt_table_free(t);
    }
    mkt_catalog_free(c);
    mkt_ctx_free(ctx);
    return 0;
}

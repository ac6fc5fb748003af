/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the journey suites: contexts, loading XML text with an issue list, and
 * finding an issue of a given check at a given line.
 */
#ifndef MKT_TEST_JTEST_H
#define MKT_TEST_JTEST_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "libmarketing.h"

#define NS_OPEN "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\""

static inline mkt_ctx *jt_ctx(void)
{
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    return ctx;
}

/* Load @xml with @opts (may be NULL) collecting into @issues; returns the status. */
static inline int jt_load(mkt_ctx *ctx, const char *xml, mkt_journey_options *opts,
                          mkt_journey_issues *issues, mkt_journey **out)
{
    mkt_journey_options o;
    if (opts)
        o = *opts;
    else
        mkt_journey_options_init(&o);
    o.issues = issues;
    return mkt_journey_load_xml_memory(out, ctx, xml, strlen(xml), "t.xml", &o);
}

/* Index of the first issue of @check at @line (0: any line), or -1. */
static inline long jt_find(const mkt_journey_issues *issues, int32_t check, uint32_t line)
{
    size_t n = mkt_journey_issues_count(issues);
    for (size_t i = 0; i < n; i++) {
        mkt_journey_issue is = {sizeof is, 0, 0, NULL, NULL, 0, 0, NULL, NULL};
        ck_assert_int_eq(mkt_journey_issues_get(issues, i, &is), MKT_OK);
        if (is.check == check && (line == 0 || is.line == line))
            return (long)i;
    }
    return -1;
}

/* Print every issue (for failure messages). */
static inline void jt_dump(const mkt_journey_issues *issues)
{
    size_t n = mkt_journey_issues_count(issues);
    for (size_t i = 0; i < n; i++) {
        mkt_journey_issue is = {sizeof is, 0, 0, NULL, NULL, 0, 0, NULL, NULL};
        mkt_journey_issues_get(issues, i, &is);
        fprintf(stderr, "  %u: %s: %s\n", (unsigned)is.line, mkt_journey_check_name(is.check),
                is.message);
    }
}

#endif /* MKT_TEST_JTEST_H */

/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of attribution path sets: paths.csv with column mapping and equal paths summed,
 * touchpoints.csv grouped by journey and ordered by time (stable), the host API, errors and
 * all-or-nothing loads, and the published totals of two public data sets when they are
 * available under /work/shared/data/attribution (skipped otherwise).
 */
#include "data-test.h"

#define SHARED "/work/shared/data/attribution/"

static mkt_paths *new_paths(mkt_ctx *ctx)
{
    mkt_paths *p;
    ck_assert_int_eq(mkt_paths_new(&p, ctx), MKT_OK);
    return p;
}

/* "EMAIL>SOCIAL" for path @i. */
static void path_text(const mkt_paths *p, uint64_t i, char *buf, size_t cap, mkt_path *out)
{
    ck_assert_int_eq(mkt_paths_get(p, i, out), MKT_OK);
    size_t n = 0;
    buf[0] = '\0';
    for (uint32_t k = 0; k < out->length; k++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", k ? ">" : "",
                              mkt_paths_channel_name(p, out->channels[k]));
}

struct totals {
    int64_t conversions, value, nulls;
    uint64_t touches;
};

static struct totals sum_paths(const mkt_paths *p)
{
    struct totals t = {0};
    for (uint64_t i = 0; i < mkt_paths_count(p); i++) {
        mkt_path path;
        ck_assert_int_eq(mkt_paths_get(p, i, &path), MKT_OK);
        t.conversions += path.conversions;
        t.value += path.value;
        t.nulls += path.nulls;
        t.touches += path.length;
    }
    return t;
}

START_TEST(test_paths_fixture)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    ck_assert_msg(mkt_paths_load_paths(p, fixture("paths.csv"), NULL) == MKT_OK, "%s",
                  last_msg(ctx));
    ck_assert_uint_eq(mkt_paths_count(p), 3);
    ck_assert_uint_eq(mkt_paths_channel_count(p), 3);
    char buf[256];
    mkt_path path;
    path_text(p, 0, buf, sizeof buf, &path);
    ck_assert_str_eq(buf, "EMAIL>SOCIAL");
    ck_assert_int_eq(path.conversions, 3);
    ck_assert_int_eq(path.value, 1075);
    ck_assert_int_eq(path.nulls, 3);
    ck_assert_ptr_null(path.journey_id);
    ck_assert_ptr_null(path.ts);
    ck_assert_ptr_null(path.campaigns);
    path_text(p, 1, buf, sizeof buf, &path);
    ck_assert_str_eq(buf, "SEARCH");
    ck_assert_int_eq(path.value, 0);
    ck_assert_int_eq(path.nulls, 5);
    path_text(p, 2, buf, sizeof buf, &path);
    ck_assert_str_eq(buf, "EMAIL>SOCIAL>EMAIL");
    ck_assert_int_eq(path.value, 100);
    ck_assert_int_eq(mkt_paths_get(p, 3, &path), MKT_ENOTFOUND);
    ck_assert_ptr_null(mkt_paths_channel_name(p, 3));
    /* Loading the same file again sums into the same paths. */
    ck_assert_int_eq(mkt_paths_load_paths(p, fixture("paths.csv"), NULL), MKT_OK);
    ck_assert_uint_eq(mkt_paths_count(p), 3);
    ck_assert_int_eq(sum_paths(p).conversions, 8);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_touchpoints_fixture)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    ck_assert_msg(mkt_paths_load_touchpoints(p, fixture("touchpoints.csv"), NULL) == MKT_OK,
                  "%s", last_msg(ctx));
    ck_assert_uint_eq(mkt_paths_count(p), 3);
    char buf[256];
    mkt_path path;
    path_text(p, 0, buf, sizeof buf, &path);
    ck_assert_str_eq(path.journey_id, "J1");
    ck_assert_str_eq(buf, "SEARCH>EMAIL>EMAIL"); /* ordered by ts, not by file order */
    ck_assert_int_eq(path.conversions, 1);
    ck_assert_int_eq(path.nulls, 0);
    ck_assert_int_eq(path.value, 15000);
    ck_assert_int_lt(path.ts[0], path.ts[1]);
    ck_assert_int_lt(path.ts[1], path.ts[2]);
    ck_assert_uint_eq(path.campaigns[0], UINT32_MAX);
    ck_assert_str_eq(mkt_paths_campaign_name(p, path.campaigns[1]), "SUMMER");
    path_text(p, 1, buf, sizeof buf, &path);
    ck_assert_str_eq(path.journey_id, "J2");
    ck_assert_str_eq(buf, "SOCIAL>SMS");
    ck_assert_int_eq(path.conversions, 0);
    ck_assert_int_eq(path.nulls, 1);
    ck_assert_str_eq(mkt_paths_campaign_name(p, path.campaigns[1]), "FLASH");
    path_text(p, 2, buf, sizeof buf, &path);
    ck_assert_str_eq(buf, "WEB>EMAIL"); /* equal ts keep file order; the last row decides */
    ck_assert_int_eq(path.conversions, 0);
    ck_assert_int_eq(path.nulls, 1);
    ck_assert_uint_eq(mkt_paths_campaign_count(p), 2);
    ck_assert_uint_eq(mkt_paths_channel_count(p), 5);
    /* The same journeys again are an error, and change nothing. */
    ck_assert_int_eq(mkt_paths_load_touchpoints(p, fixture("touchpoints.csv"), NULL), MKT_EEXIST);
    ck_assert_msg_has(ctx, "touchpoints.csv:2:1: journey_id: journey 'J1' was loaded before");
    ck_assert_uint_eq(mkt_paths_count(p), 3);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_paths_errors_rollback)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    ck_assert_int_eq(mkt_paths_load_paths(p, fixture("paths.csv"), NULL), MKT_OK);
    struct totals before = sum_paths(p);
    static const struct {
        const char *text, *msg;
        int code;
    } cases[] = {
        {"path,conversions,value,nulls\nEMAIL > SOCIAL,1,1,1\nA >  > B,1,1,1\n",
         ":3:1: path: empty channel name in path 'A >  > B'", MKT_EPARSE},
        {"path,conversions,value,nulls\nEMAIL,1,1,1\n,1,1,1\n", ":3:1: path: empty path", MKT_EPARSE},
        {"path,conversions,value,nulls\nEMAIL,1,1,1\nNEW,-1,1,1\n",
         ":3:2: conversions: invalid count '-1' (an integer >= 0)", MKT_ERANGE},
        {"path,conversions,value,nulls\nEMAIL,1,1,1\nNEW,1,1.001,1\n",
         ":3:3: value: invalid value '1.001' (at most 2 decimals; see round_values)", MKT_EPARSE},
        {"path,conversions,value,nulls\nEMAIL,1,1,1\nNEW,1,-1,1\n", ":3:3: value: value out of range '-1'",
         MKT_ERANGE},
        {"path,conversions,value,nulls\nEMAIL,1,1,1\nNEW,,1,1\n", ":3:2: conversions: missing value",
         MKT_EPARSE},
        {"path,value\nEMAIL,1\n", ":1: conversions: missing required column 'conversions'", MKT_EPARSE},
        {"path,conversions\nEMAIL,9223372036854775807\nEMAIL,1\n",
         ":3:2: conversions: a sum over equal paths overflows", MKT_ERANGE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *f = write_text("bad-paths.csv", cases[i].text);
        ck_assert_int_eq(mkt_paths_load_paths(p, f, NULL), cases[i].code);
        ck_assert_msg_has(ctx, cases[i].msg);
        struct totals after = sum_paths(p);
        ck_assert_uint_eq(mkt_paths_count(p), 3);
        ck_assert_uint_eq(mkt_paths_channel_count(p), 3);
        ck_assert_int_eq(after.conversions, before.conversions);
        ck_assert_int_eq(after.value, before.value);
        ck_assert_int_eq(after.nulls, before.nulls);
    }
    static const char *touch_bad[] = {
        "journey_id,ts,channel,converted\nJ1,2024-01-01,EMAIL,\nJ1,2024-01-02,,1\n",
        "journey_id,ts,channel,converted\nJ1,2024-01-01,EMAIL,\nJ1,yesterday,SMS,1\n",
        "journey_id,ts,channel,converted\nJ1,2024-01-01,EMAIL,\nJ1,2024-01-02,SMS,yes\n",
        "journey_id,ts,channel\nJ1,2024-01-01,EMAIL\n",
    };
    for (size_t i = 0; i < sizeof touch_bad / sizeof touch_bad[0]; i++) {
        const char *f = write_text("bad-touch.csv", touch_bad[i]);
        ck_assert_int_eq(mkt_paths_load_touchpoints(p, f, NULL), MKT_EPARSE);
        ck_assert_uint_eq(mkt_paths_count(p), 3);
        ck_assert_uint_eq(mkt_paths_channel_count(p), 3);
    }
    mkt_paths_options o;
    ck_assert_int_eq(mkt_paths_options_init(&o), MKT_OK);
    o.value_decimals = 10;
    ck_assert_int_eq(mkt_paths_load_paths(p, fixture("paths.csv"), &o), MKT_EINVAL);
    o.value_decimals = 2;
    o.path_column = NULL;
    ck_assert_int_eq(mkt_paths_load_paths(p, fixture("paths.csv"), &o), MKT_EINVAL);
    ck_assert_int_eq(mkt_paths_load_paths(p, "/nonexistent/paths.csv", NULL), MKT_EIO);
    ck_assert_int_eq(mkt_paths_load_paths(NULL, "x", NULL), MKT_EINVAL);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_paths_add)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    const char *ab[] = {"A", "B"};
    const char *ba[] = {"B", "A"};
    const char *bad[] = {"A", ""};
    ck_assert_int_eq(mkt_paths_add(p, ab, 2, 1, 100, 2), MKT_OK);
    ck_assert_int_eq(mkt_paths_add(p, ba, 2, 1, 100, 2), MKT_OK);
    ck_assert_int_eq(mkt_paths_add(p, ab, 2, 2, 50, 0), MKT_OK);
    ck_assert_uint_eq(mkt_paths_count(p), 2);
    mkt_path path;
    ck_assert_int_eq(mkt_paths_get(p, 0, &path), MKT_OK);
    ck_assert_int_eq(path.conversions, 3);
    ck_assert_int_eq(path.value, 150);
    ck_assert_int_eq(path.nulls, 2);
    ck_assert_int_eq(mkt_paths_add(p, ab, 0, 1, 1, 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_paths_add(p, NULL, 2, 1, 1, 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_paths_add(p, bad, 2, 1, 1, 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_paths_add(p, ab, 2, -1, 1, 1), MKT_ERANGE);
    ck_assert_int_eq(mkt_paths_add(p, ab, 2, INT64_MAX, 1, 1), MKT_ERANGE);
    ck_assert_int_eq(mkt_paths_get(p, 0, &path), MKT_OK);
    ck_assert_int_eq(path.conversions, 3); /* unchanged by the failed add */
    ck_assert_uint_eq(mkt_paths_channel_count(p), 2);
    ck_assert_uint_eq(mkt_paths_count(NULL), 0);
    ck_assert_int_eq(mkt_paths_new(NULL, ctx), MKT_EINVAL);
    mkt_paths_free(p);
    mkt_paths_free(NULL);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_channelattribution_pathdata)
{
    const char *file = SHARED "channelattribution_PathData.csv";
    if (access(file, R_OK) != 0)
        return; /* the data set is not shipped with the project */
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    mkt_paths_options o;
    mkt_paths_options_init(&o);
    o.separator = ';';
    o.conversions_column = "total_conversions";
    o.value_column = "total_conversion_value";
    o.nulls_column = "total_null";
    o.value_decimals = 3;
    /* Without rounding the float artefacts are refused, naming the first one. */
    ck_assert_int_eq(mkt_paths_load_paths(p, file, &o), MKT_EPARSE);
    ck_assert_msg_has(ctx, "total_conversion_value: invalid value");
    ck_assert_uint_eq(mkt_paths_count(p), 0);
    o.round_values = 1;
    ck_assert_msg(mkt_paths_load_paths(p, file, &o) == MKT_OK, "%s", last_msg(ctx));
    struct totals t = sum_paths(p);
    ck_assert_uint_eq(mkt_paths_count(p), 5408);
    ck_assert_uint_eq(mkt_paths_channel_count(p), 12);
    ck_assert_int_eq(t.conversions, 19785);
    ck_assert_int_eq(t.nulls, 68602);
    /* 74,802.97 in the README (rounded to cents); the exact sum of the values rounded half
     * to even to 3 decimals, computed independently with Python's decimal module. */
    ck_assert_int_eq(t.value, 74802962);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_fractribution_summary)
{
    const char *file = SHARED "fractribution_example_path_summary.csv";
    if (access(file, R_OK) != 0)
        return;
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    mkt_paths_options o;
    mkt_paths_options_init(&o);
    o.conversions_column = "total_conversions";
    o.nulls_column = "total_non_conversions";
    o.value_column = NULL; /* absent */
    ck_assert_msg(mkt_paths_load_paths(p, file, &o) == MKT_OK, "%s", last_msg(ctx));
    struct totals t = sum_paths(p);
    ck_assert_uint_eq(mkt_paths_count(p), 758);
    ck_assert_int_eq(t.conversions, 1983);
    ck_assert_int_eq(t.nulls, 266697);
    ck_assert_int_eq(t.value, 0);
    ck_assert_uint_eq(mkt_paths_channel_count(p), 11); /* A..K */
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("paths");
    TCase *tc = tcase_create("paths");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_paths_fixture);
    tcase_add_test(tc, test_touchpoints_fixture);
    tcase_add_test(tc, test_paths_errors_rollback);
    tcase_add_test(tc, test_paths_add);
    tcase_add_test(tc, test_channelattribution_pathdata);
    tcase_add_test(tc, test_fractribution_summary);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

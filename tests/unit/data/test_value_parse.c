/* SPDX-License-Identifier: MIT */
/*
 * The strict integer parser of the data files (lib/data/value-parse.c) at its edges: the
 * int64 limits in both signs, one past them, leading zeros, signs and stray bytes.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "data/table-private.h"

START_TEST(test_int64_edges)
{
    static const struct { const char *text; int rc; int64_t want; } cases[] = {
        {"0", MKT_OK, 0},
        {"-0", MKT_OK, 0},
        {"+5", MKT_OK, 5},
        {"1", MKT_OK, 1},
        {"9223372036854775807", MKT_OK, INT64_MAX},
        {"-9223372036854775808", MKT_OK, INT64_MIN},
        {"0009223372036854775807", MKT_OK, INT64_MAX},
        {"922337203685477580", MKT_OK, INT64_MAX / 10},
        {"9223372036854775808", MKT_ERANGE, 0},
        {"-9223372036854775809", MKT_ERANGE, 0},
        {"9223372036854775810", MKT_ERANGE, 0},
        {"99999999999999999999", MKT_ERANGE, 0},
        {"", MKT_EPARSE, 0},
        {"-", MKT_EPARSE, 0},
        {"1a", MKT_EPARSE, 0},
        {" 1", MKT_EPARSE, 0},
        {"1.0", MKT_EPARSE, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t v = 42;
        int rc = mkt__parse_int64(cases[i].text, strlen(cases[i].text), &v);
        ck_assert_msg(rc == cases[i].rc, "%s: rc %d", cases[i].text, rc);
        if (rc == MKT_OK)
            ck_assert_msg(v == cases[i].want, "%s: %lld", cases[i].text, (long long)v);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("value_parse");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_int64_edges);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}

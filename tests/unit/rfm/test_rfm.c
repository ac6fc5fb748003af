/* SPDX-License-Identifier: MIT */
/*
 * RFM: fixed thresholds at every boundary, NTILE against hand-worked SQL NTILE on n = 0..12
 * and on tie-heavy inputs, the segment map (every code the seed lists), facts from a table
 * (window and status boundaries), currencies and exchange rates (exact, half-even), the
 * summary, the table columns with a rule over them, and the error path of every function.
 */
#include <stdint.h>
#include <unistd.h>

#include "failalloc.h"
#include "rfm-test.h"
#include "rfm/rfm-private.h"

static mkt_rfm_options opts_of(int32_t scoring)
{
    mkt_rfm_options o;
    ck_assert_int_eq(mkt_rfm_options_init(&o), MKT_OK);
    o.scoring = scoring;
    return o;
}

static mkt_rfm_facts fact(const char *id, int32_t rec, int64_t freq, int64_t mon)
{
    mkt_rfm_facts f = {id, strlen(id), rec, freq, mon};
    return f;
}

/* ---- fixed thresholds --------------------------------------------------------------------- */

START_TEST(test_fixed_boundaries)
{
    mkt_ctx *ctx = new_ctx();
    mkt_rfm_options o = opts_of(MKT_RFM_FIXED);
    /* issue 4: R 0-30 -> 5, 31-90 -> 4, 91-180 -> 3, 181-365 -> 2, more -> 1 */
    static const int32_t rec[] = {0, 30, 31, 90, 91, 180, 181, 365, 366, 100000};
    static const int32_t r_exp[] = {5, 5, 4, 4, 3, 3, 2, 2, 1, 1};
    /* F: 1 -> 1, 2 -> 2, 3-4 -> 3, 5-9 -> 4, 10+ -> 5 */
    static const int64_t freq[] = {1, 2, 3, 4, 5, 9, 10, 11, 1000, 1};
    static const int32_t f_exp[] = {1, 2, 3, 3, 4, 4, 5, 5, 5, 1};
    /* M: up to 500.00 -> 1, up to 1000.00 -> 2, up to 2500.00 -> 3, up to 5000.00 -> 4 */
    static const int64_t mon[] = {0, 50000, 50001, 100000, 100001, 250000, 250001, 500000,
                                  500001, 99999999};
    static const int32_t m_exp[] = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
    mkt_rfm_facts f[10];
    mkt_rfm_score s[10];
    for (int i = 0; i < 10; i++)
        f[i] = fact("x", rec[i], freq[i], mon[i]);
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, 10, &o, s), MKT_OK);
    for (int i = 0; i < 10; i++) {
        ck_assert_int_eq(s[i].r, r_exp[i]);
        ck_assert_int_eq(s[i].f, f_exp[i]);
        ck_assert_int_eq(s[i].m, m_exp[i]);
        ck_assert_int_eq(s[i].code, r_exp[i] * 100 + f_exp[i] * 10 + m_exp[i]);
    }
    /* row 0: 511 (Recent Customers, see doc/rfm.md); row 6: 2-5-4 -> S = 9 -> Can't Lose */
    ck_assert_int_eq(s[0].segment, MKT_RFM_RECENT_CUSTOMERS);
    ck_assert_int_eq(s[6].segment, MKT_RFM_CANT_LOSE_THEM);
    /* configured thresholds: R <= 7 -> 5, <= 14 -> 4, ...; F >= 4 -> 2 ...; M <= 100 -> 1 */
    int32_t rd[4] = {7, 14, 28, 56};
    int64_t fm[4] = {4, 6, 8, 12}, mm[4] = {100, 200, 300, 400};
    memcpy(o.recency_days, rd, sizeof rd);
    memcpy(o.frequency_min, fm, sizeof fm);
    memcpy(o.monetary_max, mm, sizeof mm);
    mkt_rfm_facts g[3] = {fact("a", 7, 3, 100), fact("b", 8, 4, 101), fact("c", 57, 12, 401)};
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, g, 3, &o, s), MKT_OK);
    ck_assert_int_eq(s[0].code, 511);
    ck_assert_int_eq(s[1].code, 422);
    ck_assert_int_eq(s[2].code, 155);
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- NTILE ----------------------------------------------------------------------------------- */

/* SQL NTILE(5) on n rows, worked by hand: n / 5 rows per bucket, the first n % 5 buckets one
 * more. E.g. n = 7: 7 / 5 = 1, 7 % 5 = 2 -> sizes 2,2,1,1,1 -> "1122345". */
static const char *const ntile5[13] = {
    "", "1", "12", "123", "1234", "12345", "112345", "1122345", "11223345", "112233445",
    "1122334455", "11122334455", "111222334455",
};

START_TEST(test_ntile_sizes)
{
    mkt_ctx *ctx = new_ctx();
    mkt_rfm_options o = opts_of(MKT_RFM_NTILE);
    char ids[12][8];
    for (int n = 0; n <= 12; n++) {
        mkt_rfm_facts f[12], ties[12];
        mkt_rfm_score s[12];
        /* input in reverse id order; c00 has the largest recency and the smallest F and M, so
         * in every ORDER BY of the seed's SQL c_i sits at position i */
        for (int j = 0; j < n; j++) {
            int i = n - 1 - j;
            snprintf(ids[i], sizeof ids[i], "c%02d", i);
            f[j] = fact(ids[i], 100 - i, i + 1, i * 1000);
            ties[j] = fact(ids[i], 42, 1, 500); /* all tied: id order decides */
        }
        ck_assert_int_eq(mkt_rfm_score_facts(ctx, n ? f : NULL, (size_t)n, &o, n ? s : NULL),
                         MKT_OK);
        for (int j = 0; j < n; j++) {
            int want = ntile5[n][n - 1 - j] - '0';
            ck_assert_msg(s[j].r == want && s[j].f == want && s[j].m == want,
                          "n=%d row %d: %d%d%d, want %d", n, j, s[j].r, s[j].f, s[j].m, want);
        }
        ck_assert_int_eq(mkt_rfm_score_facts(ctx, ties, (size_t)n, &o, s), MKT_OK);
        for (int j = 0; j < n; j++)
            ck_assert_int_eq(s[j].code, (ntile5[n][n - 1 - j] - '0') * 111);
    }
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_ntile_ties)
{
    mkt_ctx *ctx = new_ctx();
    mkt_rfm_options o = opts_of(MKT_RFM_NTILE);
    /* 8 rows -> sizes 2,2,2,1,1 ("11223345").
     * F ascending, then id: f=1: a c e; f=2: b d f; f=3: g h -> a c e b d f g h
     *   -> a1 c1 e2 b2 d3 f3 g4 h5 (equal frequencies land in different buckets, as in SQL).
     * R = the same values, DESCENDING, then id ascending: g h b d f a c e
     *   -> g1 h1 b2 d2 f3 a3 c4 e5. */
    static const char *id[8] = {"d", "a", "h", "b", "c", "e", "g", "f"};
    static const int v[8] = {2, 1, 3, 2, 1, 1, 3, 2};
    static const int want_f[8] = {3, 1, 5, 2, 1, 2, 4, 3};
    static const int want_r[8] = {2, 3, 1, 2, 4, 5, 1, 3};
    mkt_rfm_facts f[8];
    mkt_rfm_score s[8];
    for (int i = 0; i < 8; i++)
        f[i] = fact(id[i], v[i], v[i], v[i]);
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, 8, &o, s), MKT_OK);
    for (int i = 0; i < 8; i++) {
        ck_assert_msg(s[i].f == want_f[i], "%s: f %d want %d", id[i], s[i].f, want_f[i]);
        ck_assert_int_eq(s[i].m, want_f[i]);
        ck_assert_msg(s[i].r == want_r[i], "%s: r %d want %d", id[i], s[i].r, want_r[i]);
    }
    /* Byte order (C collation), all tied: "A" < "Ab" < "B" < "a" < "aa" < "b"; 6 rows
     * -> "112345". */
    static const char *bid[6] = {"b", "B", "a", "A", "aa", "Ab"};
    static const int want_b[6] = {5, 2, 3, 1, 4, 1};
    for (int i = 0; i < 6; i++)
        f[i] = fact(bid[i], 1, 1, 1);
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, 6, &o, s), MKT_OK);
    for (int i = 0; i < 6; i++)
        ck_assert_msg(s[i].f == want_b[i], "%s: %d want %d", bid[i], s[i].f, want_b[i]);
    /* Longer than the 8-byte sort prefix: "CUSTOMER1" < "CUSTOMER10" < "CUSTOMER100" <
     * "CUSTOMER9"; 4 rows -> "1234". */
    static const char *lid[4] = {"CUSTOMER9", "CUSTOMER100", "CUSTOMER1", "CUSTOMER10"};
    static const int want_l[4] = {4, 3, 1, 2};
    for (int i = 0; i < 4; i++)
        f[i] = fact(lid[i], 1, 1, 1);
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, 4, &o, s), MKT_OK);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(s[i].r, want_l[i]);
    /* NTILE(3) on 7 rows: 7 / 3 = 2, 7 % 3 = 1 -> sizes 3,2,2 -> "1112233"; monetary may be
     * negative in facts and orders as a signed number. */
    o.buckets = 3;
    static const int64_t mon[7] = {-5, 10, -100, 0, 7, 3, 2};
    /* ascending: -100 -5 0 2 3 7 10 -> buckets 1 1 1 2 2 3 3 */
    static const int want_m[7] = {1, 3, 1, 1, 3, 2, 2};
    for (int i = 0; i < 7; i++)
        f[i] = fact(id[i], 1, 1, mon[i]);
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, 7, &o, s), MKT_OK);
    for (int i = 0; i < 7; i++) {
        ck_assert_int_eq(s[i].m, want_m[i]);
        ck_assert_int_eq(s[i].segment, MKT_RFM_SEGMENT_NONE); /* only 5 buckets are named */
    }
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- segments -------------------------------------------------------------------------------- */

START_TEST(test_segment_map)
{
    /* Every code the seed lists, under the segment it lists it (511 twice: Recent wins). */
    static const struct {
        int code, seg;
    } seed[] = {
        {555, MKT_RFM_CHAMPIONS}, {554, MKT_RFM_CHAMPIONS}, {544, MKT_RFM_CHAMPIONS},
        {545, MKT_RFM_LOYAL_CUSTOMERS}, {455, MKT_RFM_LOYAL_CUSTOMERS},
        {454, MKT_RFM_LOYAL_CUSTOMERS}, {543, MKT_RFM_POTENTIAL_LOYALISTS},
        {444, MKT_RFM_POTENTIAL_LOYALISTS}, {435, MKT_RFM_POTENTIAL_LOYALISTS},
        {511, MKT_RFM_RECENT_CUSTOMERS}, {512, MKT_RFM_RECENT_CUSTOMERS},
        {521, MKT_RFM_RECENT_CUSTOMERS}, {421, MKT_RFM_PROMISING}, {412, MKT_RFM_PROMISING},
        {433, MKT_RFM_NEEDS_ATTENTION}, {343, MKT_RFM_NEEDS_ATTENTION},
        {334, MKT_RFM_NEEDS_ATTENTION}, {331, MKT_RFM_ABOUT_TO_SLEEP},
        {321, MKT_RFM_ABOUT_TO_SLEEP}, {312, MKT_RFM_ABOUT_TO_SLEEP}, {233, MKT_RFM_AT_RISK},
        {234, MKT_RFM_AT_RISK}, {244, MKT_RFM_AT_RISK}, {155, MKT_RFM_CANT_LOSE_THEM},
        {154, MKT_RFM_CANT_LOSE_THEM}, {144, MKT_RFM_CANT_LOSE_THEM},
        {221, MKT_RFM_HIBERNATING}, {222, MKT_RFM_HIBERNATING}, {223, MKT_RFM_HIBERNATING},
        {111, MKT_RFM_LOST}, {112, MKT_RFM_LOST}, {121, MKT_RFM_LOST},
    };
    int32_t seg;
    for (size_t i = 0; i < sizeof seed / sizeof seed[0]; i++) {
        int c = seed[i].code;
        ck_assert_int_eq(mkt_rfm_default_segment(c / 100, c / 10 % 10, c % 10, &seg), MKT_OK);
        ck_assert_msg(seg == seed[i].seg, "%d -> %d, seed says %d", c, seg, seed[i].seg);
    }
    /* A few unlisted codes by the documented rule (R, S = F + M): 515 R5 S6 -> Potential;
     * 411 R4 S2 -> Promising; 335 R3 S8 -> At Risk; 255 R2 S10 -> Can't Lose; 115 R1 S6 ->
     * At Risk; 211 R2 S2 -> Hibernating; 113 R1 S4 -> Lost; 441 R4 S5 -> Needs Attention. */
    static const int rule[][2] = {{515, MKT_RFM_POTENTIAL_LOYALISTS}, {411, MKT_RFM_PROMISING},
                                  {335, MKT_RFM_AT_RISK}, {255, MKT_RFM_CANT_LOSE_THEM},
                                  {115, MKT_RFM_AT_RISK}, {211, MKT_RFM_HIBERNATING},
                                  {113, MKT_RFM_LOST}, {441, MKT_RFM_NEEDS_ATTENTION}};
    for (size_t i = 0; i < sizeof rule / sizeof rule[0]; i++) {
        int c = rule[i][0];
        ck_assert_int_eq(mkt_rfm_default_segment(c / 100, c / 10 % 10, c % 10, &seg), MKT_OK);
        ck_assert_int_eq(seg, rule[i][1]);
    }
    /* complete: every code has a named segment, and every segment is used */
    int used[MKT_RFM_SEGMENT_COUNT + 1] = {0};
    for (int c = 0; c < 125; c++) {
        ck_assert_int_eq(mkt_rfm_default_segment(c / 25 + 1, c / 5 % 5 + 1, c % 5 + 1, &seg),
                         MKT_OK);
        ck_assert(seg >= 1 && seg <= MKT_RFM_SEGMENT_COUNT);
        used[seg]++;
    }
    for (int s = 1; s <= MKT_RFM_SEGMENT_COUNT; s++)
        ck_assert_int_gt(used[s], 0);
    ck_assert_int_eq(mkt_rfm_default_segment(0, 1, 1, &seg), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_default_segment(1, 6, 1, &seg), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_default_segment(1, 1, 1, NULL), MKT_EINVAL);
    /* names */
    ck_assert_str_eq(mkt_rfm_segment_name(MKT_RFM_CANT_LOSE_THEM), "Can't Lose Them");
    ck_assert_str_eq(mkt_rfm_segment_name(MKT_RFM_SEGMENT_NONE), "");
    ck_assert_ptr_null(mkt_rfm_segment_name(12));
    ck_assert_ptr_null(mkt_rfm_segment_name(-1));
    for (int32_t s = 1; s <= MKT_RFM_SEGMENT_COUNT; s++) {
        int32_t back = 0;
        ck_assert_int_eq(mkt_rfm_segment_from_name(mkt_rfm_segment_name(s), &back), MKT_OK);
        ck_assert_int_eq(back, s);
    }
    ck_assert_int_eq(mkt_rfm_segment_from_name("champions", &seg), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_rfm_segment_from_name("", &seg), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_rfm_segment_from_name(NULL, &seg), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_segment_from_name("Lost", NULL), MKT_EINVAL);
}
END_TEST

START_TEST(test_host_map)
{
    mkt_ctx *ctx = new_ctx();
    int32_t map[MKT_RFM_MAP_SIZE];
    for (int i = 0; i < MKT_RFM_MAP_SIZE; i++)
        map[i] = MKT_RFM_LOST;
    map[(5 - 1) * 25 + (2 - 1) * 5 + (1 - 1)] = MKT_RFM_CHAMPIONS; /* 521 */
    mkt_rfm_options o = opts_of(MKT_RFM_FIXED);
    o.segment_map = map;
    mkt_rfm_facts f[2] = {fact("a", 0, 2, 1), fact("b", 0, 2, 50001)}; /* 521, 522 */
    mkt_rfm_score s[2];
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, 2, &o, s), MKT_OK);
    ck_assert_int_eq(s[0].segment, MKT_RFM_CHAMPIONS);
    ck_assert_int_eq(s[1].segment, MKT_RFM_LOST);
    map[124] = 12;
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, 2, &o, s), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(last_message(ctx), "code 555"));
    map[124] = 0;
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, 2, &o, s), MKT_EINVAL);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_score_errors)
{
    mkt_ctx *ctx = new_ctx();
    mkt_rfm_facts f[1] = {fact("a", 0, 1, 0)};
    mkt_rfm_score s[1];
    mkt_rfm_options o = opts_of(MKT_RFM_NTILE);
    ck_assert_int_eq(mkt_rfm_score_facts(NULL, f, 1, &o, s), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, NULL, 1, &o, s), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, 1, &o, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, NULL, 0, NULL, NULL), MKT_OK);
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, 1, NULL, s), MKT_OK); /* NULL: defaults */
    ck_assert_int_eq(s[0].code, 111); /* one row: NTILE puts it in bucket 1 */
    ck_assert_int_eq(mkt_rfm_options_init(NULL), MKT_EINVAL);
    mkt_rfm_options b;
#define BAD(stmt, text)                                                                        \
    b = o;                                                                                     \
    stmt;                                                                                      \
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, 1, &b, s), MKT_EINVAL);                       \
    ck_assert_msg(strstr(last_message(ctx), text), "%s", last_message(ctx));
    BAD(b.struct_size = 0, "struct_size")
    BAD(b.window_months = 0, "window_months")
    BAD(b.window_months = 1201, "window_months")
    BAD(b.scoring = 3, "scoring")
    BAD(b.buckets = 0, "buckets")
    BAD(b.buckets = 10, "buckets")
    BAD((b.scoring = MKT_RFM_FIXED, b.buckets = 4), "fixed scoring")
    BAD(b.recency_days[1] = 30, "recency_days")
    BAD(b.recency_days[0] = -1, "recency_days")
    BAD(b.frequency_min[0] = 0, "frequency_min")
    BAD(b.frequency_min[3] = 5, "frequency_min")
    BAD(b.monetary_max[2] = 600000, "monetary_max")
#undef BAD
    /* bad facts */
    f[0].recency = -1;
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, 1, &o, s), MKT_EINVAL);
    f[0] = fact("a", 0, 0, 0);
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, 1, &o, s), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(last_message(ctx), "facts[0]"));
    f[0] = fact("a", 0, 1, 0);
    f[0].customer_id = NULL;
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, 1, &o, s), MKT_EINVAL);
    /* a caller compiled against a shorter struct: fields past its size keep their defaults */
    b = o;
    b.struct_size = offsetof(mkt_rfm_options, buckets);
    b.buckets = 77; /* not read */
    f[0] = fact("a", 0, 1, 0);
    ck_assert_int_eq(mkt_rfm_score_facts(ctx, f, 1, &b, s), MKT_OK);
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- from a table ---------------------------------------------------------------------------- */

/* D = 2024-06-15; the 12-month window is 2023-06-15 < date <= 2024-06-15. */
static const struct bk fixture[] = {
    {"A1", "A", "2024-06-15", 10000, NULL, 0},  /* D itself: in, recency 0 */
    {"A2", "A", "2023-06-16", 20000, NULL, 0},  /* first day in */
    {"A3", "A", "2023-06-15", 99999, NULL, 0},  /* D - 12 months: out */
    {"A4", "A", "2024-06-16", 77777, NULL, 0},  /* after D: out */
    {"A5", "A", "2024-06-01", 55555, NULL, 1},  /* cancelled: out */
    {"B1", "B", "2024-03-17", 60000, NULL, 0},  /* 14 + 30 + 31 + 15 = 90 days before D */
    {"B2", "B", "2024-01-01", 50000, NULL, 0},
    {"C1", "C", "2023-06-15", 10000, NULL, 0},  /* only outside: not scored */
    {"D1", "D", "2024-06-10", 10000, NULL, 1},  /* only cancelled: not scored */
    {"E01", "E", "2024-05-16", 60000, NULL, 0}, /* 15 + 15 = 30 days before D */
    {"E02", "E", "2024-05-16", 60000, NULL, 0}, {"E03", "E", "2024-05-16", 60000, NULL, 0},
    {"E04", "E", "2024-05-16", 60000, NULL, 0}, {"E05", "E", "2024-05-16", 60000, NULL, 0},
    {"E06", "E", "2024-05-16", 60000, NULL, 0}, {"E07", "E", "2024-05-16", 60000, NULL, 0},
    {"E08", "E", "2024-05-16", 60000, NULL, 0}, {"E09", "E", "2024-05-16", 60000, NULL, 0},
    {"E10", "E", "2024-05-16", 60000, NULL, 0},
};
#define NFIX (sizeof fixture / sizeof fixture[0])

static void row_is(const mkt_rfm *r, uint64_t i, const char *id, int32_t rec, int64_t freq,
                   int64_t mon, int32_t code, int32_t seg)
{
    mkt_rfm_row row = {sizeof row, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    ck_assert_int_eq(mkt_rfm_get(r, i, &row), MKT_OK);
    ck_assert_str_eq(row.customer_id, id);
    ck_assert_uint_eq(row.id_len, strlen(id));
    ck_assert_int_eq(row.recency, rec);
    ck_assert_int_eq(row.frequency, freq);
    ck_assert_int_eq(row.monetary, mon);
    ck_assert_int_eq(row.code, code);
    ck_assert_int_eq(row.r * 100 + row.f * 10 + row.m, code);
    ck_assert_int_eq(row.segment, seg);
}

START_TEST(test_compute_fixed)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = table_of(ctx, fixture, NFIX);
    mkt_rfm_options o = opts_of(MKT_RFM_FIXED);
    o.as_of = dt("2024-06-15");
    mkt_rfm *r = NULL;
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, t, &o), MKT_OK);
    ck_assert_uint_eq(mkt_rfm_count(r), 3);
    ck_assert_int_eq(mkt_rfm_as_of(r), dt("2024-06-15"));
    /* A: 0 days -> 5, 2 bookings -> 2, 300.00 -> 1: 521 Recent Customers.
     * B: 90 days -> 4, 2 -> 2, 1100.00 -> 3: 423, R4 S5 -> Needs Attention.
     * E: 30 days -> 5, 10 -> 5, 6000.00 -> 5: 555 Champions. */
    row_is(r, 0, "A", 0, 2, 30000, 521, MKT_RFM_RECENT_CUSTOMERS);
    row_is(r, 1, "B", 90, 2, 110000, 423, MKT_RFM_NEEDS_ATTENTION);
    row_is(r, 2, "E", 30, 10, 600000, 555, MKT_RFM_CHAMPIONS);
    mkt_rfm_row row = {sizeof row, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    ck_assert_int_eq(mkt_rfm_get(r, 1, &row), MKT_OK);
    ck_assert_str_eq(mkt_table_customer_id(t, row.customer_row), "B");
    /* percent rank of monetary over 3 rows: A (smallest) 0, B 1/2 -> 50, E 2/2 -> 100 */
    ck_assert_double_eq(row.monetary_percentile, 50);
    ck_assert_int_eq(mkt_rfm_get(r, 2, &row), MKT_OK);
    ck_assert_double_eq(row.monetary_percentile, 100);
    ck_assert_int_eq(mkt_rfm_get(r, 0, &row), MKT_OK);
    ck_assert_double_eq(row.monetary_percentile, 0);
    /* an older caller's shorter struct gets only its fields */
    memset(&row, 0x5A, sizeof row);
    row.struct_size = offsetof(mkt_rfm_row, monetary_percentile);
    ck_assert_int_eq(mkt_rfm_get(r, 0, &row), MKT_OK);
    ck_assert_str_eq(row.customer_id, "A");
    double untouched;
    memset(&untouched, 0x5A, sizeof untouched);
    ck_assert_mem_eq(&row.monetary_percentile, &untouched, sizeof untouched);
    /* summary: Champions holds E alone */
    mkt_rfm_summary s = {sizeof s, 0, 0, 0, 0, 0, 0, 0};
    ck_assert_int_eq(mkt_rfm_summary_get(r, MKT_RFM_CHAMPIONS, &s), MKT_OK);
    ck_assert_int_eq(s.segment, MKT_RFM_CHAMPIONS);
    ck_assert_uint_eq(s.customers, 1);
    ck_assert_double_eq_tol(s.share, 1.0 / 3.0, 1e-12);
    ck_assert_double_eq(s.avg_recency, 30);
    ck_assert_double_eq(s.avg_frequency, 10);
    ck_assert_double_eq(s.avg_monetary, 600000);
    ck_assert_int_eq(s.total_monetary, 600000);
    ck_assert_int_eq(mkt_rfm_summary_get(r, MKT_RFM_LOST, &s), MKT_OK);
    ck_assert_uint_eq(s.customers, 0);
    ck_assert_double_eq(s.share, 0);
    ck_assert_int_eq(mkt_rfm_summary_get(r, 12, &s), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_rfm_summary_get(r, -1, &s), MKT_ENOTFOUND);
    s.struct_size = 0;
    ck_assert_int_eq(mkt_rfm_summary_get(r, 1, &s), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_summary_get(NULL, 1, &s), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_summary_get(r, 1, NULL), MKT_EINVAL);
    /* a caller that knows only the first fields gets only those written */
    mkt_rfm_summary part;
    memset(&part, 0xAB, sizeof part);
    part.struct_size = offsetof(mkt_rfm_summary, share);
    ck_assert_int_eq(mkt_rfm_summary_get(r, MKT_RFM_CHAMPIONS, &part), MKT_OK);
    ck_assert_uint_eq(part.customers, 1);
    ck_assert_int_eq(part.total_monetary, (int64_t)0xABABABABABABABABULL);
    /* find */
    uint64_t at = 99;
    ck_assert_int_eq(mkt_rfm_find(r, "E", 1, &at), MKT_OK);
    ck_assert_uint_eq(at, 2);
    ck_assert_int_eq(mkt_rfm_find(r, "A", 1, &at), MKT_OK);
    ck_assert_uint_eq(at, 0);
    ck_assert_int_eq(mkt_rfm_find(r, "C", 1, &at), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_rfm_find(r, "AB", 2, &at), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_rfm_find(r, NULL, 1, &at), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_find(NULL, "A", 1, &at), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_find(r, "A", 1, NULL), MKT_EINVAL);
    /* get errors */
    ck_assert_int_eq(mkt_rfm_get(r, 3, &row), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_rfm_get(NULL, 0, &row), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_get(r, 0, NULL), MKT_EINVAL);
    row.struct_size = 0;
    ck_assert_int_eq(mkt_rfm_get(r, 0, &row), MKT_EINVAL);
    mkt_rfm_free(r);
    /* a 1-month window: only A1 (D) and E (30 days; May 15 < May 16) are in */
    o.window_months = 1;
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, t, &o), MKT_OK);
    ck_assert_uint_eq(mkt_rfm_count(r), 2);
    row_is(r, 0, "A", 0, 1, 10000, 511, MKT_RFM_RECENT_CUSTOMERS);
    mkt_rfm_free(r);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_compute_ntile)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = table_of(ctx, fixture, NFIX);
    mkt_rfm_options o = opts_of(MKT_RFM_NTILE);
    o.as_of = dt("2024-06-15");
    mkt_rfm *r = NULL;
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, t, NULL), MKT_OK); /* defaults: today */
    mkt_time now;
    ck_assert_int_eq(mkt_ctx_now(ctx, &now), MKT_OK);
    ck_assert_int_eq(mkt_rfm_as_of(r), mkt_time_to_date(now));
    mkt_rfm_free(r);
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, t, &o), MKT_OK);
    /* 3 rows into 5 buckets: positions 0, 1, 2 -> buckets 1, 2, 3.
     * R by recency desc: B (90), E (30), A (0) -> B1 E2 A3.
     * F: A (2), B (2, after A by id), E (10) -> A1 B2 E3. M: A, B, E -> 1 2 3.
     * A 311 -> R3 S2 About to Sleep; B 122 -> R1 S4 Lost; E 233 -> At Risk (seed). */
    row_is(r, 0, "A", 0, 2, 30000, 311, MKT_RFM_ABOUT_TO_SLEEP);
    row_is(r, 1, "B", 90, 2, 110000, 122, MKT_RFM_LOST);
    row_is(r, 2, "E", 30, 10, 600000, 233, MKT_RFM_AT_RISK);
    mkt_rfm_free(r);
    /* no bookings in the window at all: an empty result */
    o.as_of = dt("2000-01-01");
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, t, &o), MKT_OK);
    ck_assert_uint_eq(mkt_rfm_count(r), 0);
    mkt_rfm_summary s = {sizeof s, 0, 0, 0, 0, 0, 0, 0};
    ck_assert_int_eq(mkt_rfm_summary_get(r, 0, &s), MKT_OK);
    ck_assert_uint_eq(s.customers, 0);
    mkt_rfm_free(r);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_compute_errors)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = table_of(ctx, fixture, NFIX);
    mkt_rfm *r = (mkt_rfm *)1;
    mkt_rfm_options o = opts_of(MKT_RFM_NTILE);
    ck_assert_int_eq(mkt_rfm_compute(NULL, ctx, t, &o), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_compute(&r, NULL, t, &o), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, NULL, &o), MKT_EINVAL);
    ck_assert_ptr_null(r);
    o.window_months = 0;
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, t, &o), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(last_message(ctx), "mkt_rfm_compute: window_months"));
    o = opts_of(MKT_RFM_NTILE);
    o.as_of = dt("0001-01-15"); /* the window would start before year 1 */
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, t, &o), MKT_ERANGE);
    o.as_of = INT32_MAX;
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, t, &o), MKT_ERANGE);
    ck_assert_ptr_null(r);
    ck_assert_uint_eq(mkt_rfm_count(NULL), 0);
    ck_assert_int_eq(mkt_rfm_as_of(NULL), MKT_NULL_DATE);
    mkt_rfm_free(NULL);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- currencies -------------------------------------------------------------------------------- */

static const struct bk mixed[] = {
    {"X1", "X", "2024-06-01", 10000, "USD", 0},
    {"Y1", "Y", "2024-06-02", 10001, "EUR", 0},
    {"Y2", "Y", "2024-06-03", 4, "EUR", 0},
    {"Z1", "Z", "2020-01-01", 500, "GBP", 0}, /* outside the window: not counted */
};

START_TEST(test_currencies)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = table_of(ctx, mixed, 4);
    mkt_rfm_options o = opts_of(MKT_RFM_FIXED);
    o.as_of = dt("2024-06-15");
    mkt_rfm *r = NULL;
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, t, &o), MKT_EINVAL);
    ck_assert_ptr_null(r);
    const char *msg = last_message(ctx);
    ck_assert_msg(strstr(msg, "2 currencies (USD, EUR)") && !strstr(msg, "GBP"), "%s", msg);
    ck_assert_ptr_nonnull(strstr(msg, "--fx"));
    /* one currency in the window is fine, whatever lies outside it */
    mkt_table *one = table_of(ctx, mixed, 1);
    add_bookings(one, mixed + 3, 1);
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, one, &o), MKT_OK);
    ck_assert_uint_eq(mkt_rfm_count(r), 1);
    mkt_rfm_free(r);
    mkt_table_free(one);
    /* with rates: USD 1, EUR 1.1. Y: (10001 + 4) * 1.1 = 11005.5 exactly, rounded once,
     * half to even -> 11006 (rounding each booking would give 11001 + 4 = 11005) */
    mkt_rfm_fx *fx = NULL;
    ck_assert_int_eq(mkt_rfm_fx_new(&fx, ctx), MKT_OK);
    ck_assert_int_eq(mkt_rfm_fx_add(fx, "USD", "1"), MKT_OK);
    o.fx = fx;
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, t, &o), MKT_ENOTFOUND);
    ck_assert_msg(strstr(last_message(ctx), "no exchange rate for EUR"), "%s", last_message(ctx));
    ck_assert_int_eq(mkt_rfm_fx_add(fx, "EUR", "1.1"), MKT_OK);
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, t, &o), MKT_OK);
    row_is(r, 0, "X", 14, 1, 10000, 511, MKT_RFM_RECENT_CUSTOMERS);
    row_is(r, 1, "Y", 12, 2, 11006, 521, MKT_RFM_RECENT_CUSTOMERS);
    mkt_rfm_free(r);
    mkt_rfm_fx_free(fx);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_fx_rounding)
{
    mkt_ctx *ctx = new_ctx();
    mkt_rfm_fx *fx = NULL;
    ck_assert_int_eq(mkt_rfm_fx_new(&fx, ctx), MKT_OK);
    ck_assert_int_eq(mkt_rfm_fx_add(fx, "HLF", "0.5"), MKT_OK);
    ck_assert_int_eq(mkt_rfm_fx_add(fx, "NNO", "1.000000001"), MKT_OK);
    ck_assert_int_eq(mkt_rfm_fx_add(fx, "TWO", "2"), MKT_OK);
    ck_assert_uint_eq(mkt_rfm_fx_count(fx), 3);
    /* amount * 0.5: 1 -> 0.5 -> 0 (even), 3 -> 1.5 -> 2, 5 -> 2.5 -> 2, 7 -> 3.5 -> 4,
     * -3 -> -1.5 -> -2, -5 -> -2.5 -> -2, -7 -> -3.5 -> -4, 0 -> 0 */
    static const int64_t in[] = {1, 3, 5, 7, -3, -5, -7, 0};
    static const int64_t want[] = {0, 2, 2, 4, -2, -2, -4, 0};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        int64_t out = 99;
        ck_assert_int_eq(mkt_rfm_fx_convert(fx, "HLF", in[i], &out), MKT_OK);
        ck_assert_int_eq(out, want[i]);
    }
    /* 500000000 * 1.000000001 = 500000000.5 -> 500000000 (even);
     * 500000001 * 1.000000001 = 500000001.500000001 -> 500000002 (past the half) */
    int64_t out;
    ck_assert_int_eq(mkt_rfm_fx_convert(fx, "NNO", 500000000, &out), MKT_OK);
    ck_assert_int_eq(out, 500000000);
    ck_assert_int_eq(mkt_rfm_fx_convert(fx, "NNO", 500000001, &out), MKT_OK);
    ck_assert_int_eq(out, 500000002);
    ck_assert_int_eq(mkt_rfm_fx_convert(fx, "NNO", 1500000000, &out), MKT_OK); /* .5 -> even */
    ck_assert_int_eq(out, 1500000002);
    /* 1.5e9 * 1.000000001 = 1500000001.5 -> 1500000002 */
    ck_assert_int_eq(mkt_rfm_fx_convert(fx, "TWO", INT64_MAX, &out), MKT_ERANGE);
    ck_assert_int_eq(mkt_rfm_fx_convert(fx, "TWO", INT64_MAX / 2, &out), MKT_OK);
    ck_assert_int_eq(out, INT64_MAX - 1);
    ck_assert_int_eq(mkt_rfm_fx_convert(fx, "USD", 1, &out), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_rfm_fx_convert(fx, NULL, 1, &out), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_fx_convert(fx, "HLF", 1, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_fx_convert(NULL, "HLF", 1, &out), MKT_EINVAL);
    /* replacing a rate */
    ck_assert_int_eq(mkt_rfm_fx_add(fx, "TWO", "3"), MKT_OK);
    ck_assert_uint_eq(mkt_rfm_fx_count(fx), 3);
    ck_assert_int_eq(mkt_rfm_fx_convert(fx, "TWO", 5, &out), MKT_OK);
    ck_assert_int_eq(out, 15);
    /* bad input */
    static const struct {
        const char *code, *rate;
        int rc;
    } bad[] = {
        {"usd", "1", MKT_EINVAL}, {"US", "1", MKT_EINVAL}, {"USDX", "1", MKT_EINVAL},
        {"USD", "0", MKT_ERANGE}, {"USD", "0.000000000", MKT_ERANGE},
        {"USD", "1.0000000001", MKT_ERANGE}, {"USD", "1000000000", MKT_ERANGE},
        {"USD", "", MKT_EPARSE}, {"USD", "x", MKT_EPARSE}, {"USD", ".5", MKT_EPARSE},
        {"USD", "5.", MKT_EPARSE}, {"USD", "-1", MKT_EPARSE}, {"USD", "1e3", MKT_EPARSE},
        {"USD", " 1", MKT_EPARSE},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(mkt_rfm_fx_add(fx, bad[i].code, bad[i].rate) == bad[i].rc, "%s %s",
                      bad[i].code, bad[i].rate);
    ck_assert_uint_eq(mkt_rfm_fx_count(fx), 3);
    ck_assert_int_eq(mkt_rfm_fx_add(fx, "USD", "999999999.999999999"), MKT_OK);
    ck_assert_int_eq(mkt_rfm_fx_add(fx, "EUR", "0.000000001"), MKT_OK);
    ck_assert_int_eq(mkt_rfm_fx_convert(fx, "EUR", 1500000000, &out), MKT_OK);
    ck_assert_int_eq(out, 2); /* 1.5 -> 2 */
    ck_assert_int_eq(mkt_rfm_fx_add(NULL, "USD", "1"), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_fx_add(fx, NULL, "1"), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_fx_add(fx, "USD", NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_fx_new(NULL, ctx), MKT_EINVAL);
    mkt_rfm_fx *other = (mkt_rfm_fx *)1;
    ck_assert_int_eq(mkt_rfm_fx_new(&other, NULL), MKT_EINVAL);
    ck_assert_ptr_null(other);
    ck_assert_uint_eq(mkt_rfm_fx_count(NULL), 0);
    mkt_rfm_fx_free(NULL);
    mkt_rfm_fx_free(fx);
    mkt_ctx_free(ctx);
}
END_TEST

static char tmpdir[] = "/tmp/mkt-rfm-XXXXXX";

static const char *write_file(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

START_TEST(test_fx_load)
{
    mkt_ctx *ctx = new_ctx();
    mkt_rfm_fx *fx = NULL;
    int64_t out;
    ck_assert_int_eq(mkt_rfm_fx_new(&fx, ctx), MKT_OK);
    ck_assert_int_eq(mkt_rfm_fx_load(fx, write_file("ok.csv", "rate_to_base,note,currency\n"
                                                              "1,base,USD\n1.0850,,EUR\n"
                                                              "0.0064,,JPY\n")),
                     MKT_OK);
    ck_assert_uint_eq(mkt_rfm_fx_count(fx), 3);
    ck_assert_int_eq(mkt_rfm_fx_convert(fx, "JPY", 10000, &out), MKT_OK);
    ck_assert_int_eq(out, 64);
    ck_assert_int_eq(mkt_rfm_fx_convert(fx, "EUR", 10000, &out), MKT_OK);
    ck_assert_int_eq(out, 10850);
    /* a bad record: nothing of the file is kept, replaced rates come back */
    const char *p = write_file("bad.csv", "currency,rate_to_base\nEUR,2\nGBP,1.27\nCHF,abc\n");
    ck_assert_int_eq(mkt_rfm_fx_load(fx, p), MKT_EPARSE);
    const mkt_error *e = mkt_ctx_last_error(ctx);
    ck_assert_uint_eq(e->line, 4);
    ck_assert_uint_eq(e->column, 2);
    ck_assert_ptr_nonnull(strstr(e->message, "abc"));
    ck_assert_uint_eq(mkt_rfm_fx_count(fx), 3);
    ck_assert_int_eq(mkt_rfm_fx_convert(fx, "EUR", 10000, &out), MKT_OK);
    ck_assert_int_eq(out, 10850);
    ck_assert_int_eq(mkt_rfm_fx_convert(fx, "GBP", 1, &out), MKT_ENOTFOUND);
    /* duplicates, bad codes, zero, missing columns, empty file, no file */
    ck_assert_int_eq(mkt_rfm_fx_load(fx, write_file("dup.csv", "currency,rate_to_base\n"
                                                               "GBP,1\nGBP,2\n")),
                     MKT_EPARSE);
    ck_assert_ptr_nonnull(strstr(last_message(ctx), "listed twice"));
    ck_assert_int_eq(mkt_rfm_fx_load(fx, write_file("code.csv", "currency,rate_to_base\n"
                                                                "gbp,1\n")),
                     MKT_EPARSE);
    ck_assert_int_eq(mkt_rfm_fx_load(fx, write_file("zero.csv", "currency,rate_to_base\n"
                                                                "GBP,0\n")),
                     MKT_ERANGE);
    ck_assert_int_eq(mkt_rfm_fx_load(fx, write_file("cols.csv", "currency,rate\nGBP,1\n")),
                     MKT_EPARSE);
    ck_assert_ptr_nonnull(strstr(last_message(ctx), "rate_to_base"));
    ck_assert_int_eq(mkt_rfm_fx_load(fx, write_file("empty.csv", "")), MKT_EPARSE);
    ck_assert_int_eq(mkt_rfm_fx_load(fx, write_file("width.csv", "currency,rate_to_base\n"
                                                                 "GBP\n")),
                     MKT_EPARSE);
    ck_assert_int_eq(mkt_rfm_fx_load(fx, "/nonexistent/rates.csv"), MKT_EIO);
    ck_assert_uint_eq(mkt_rfm_fx_count(fx), 3);
    ck_assert_int_eq(mkt_rfm_fx_load(fx, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_fx_load(NULL, p), MKT_EINVAL);
    mkt_rfm_fx_free(fx);
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- columns and rules ------------------------------------------------------------------------- */

static int64_t get_i(const mkt_table *t, const char *col, const char *id, int32_t *is_null)
{
    uint32_t c;
    uint64_t row;
    int64_t v = 0;
    ck_assert_int_eq(mkt_table_column_find(t, col, &c), MKT_OK);
    ck_assert_int_eq(mkt_table_find(t, id, strlen(id), &row), MKT_OK);
    ck_assert_int_eq(mkt_table_get_int(t, c, row, &v, is_null), MKT_OK);
    return v;
}

static const char *get_s(const mkt_table *t, const char *col, const char *id)
{
    uint32_t c;
    uint64_t row;
    const char *v = NULL;
    ck_assert_int_eq(mkt_table_column_find(t, col, &c), MKT_OK);
    ck_assert_int_eq(mkt_table_find(t, id, strlen(id), &row), MKT_OK);
    ck_assert_int_eq(mkt_table_get_string(t, c, row, &v, NULL), MKT_OK);
    return v;
}

static uint64_t count_rule(mkt_ctx *ctx, const mkt_table *t, const char *text, uint64_t *row0)
{
    mkt_rule *rule = NULL;
    mkt_segment *seg = NULL;
    mkt_members *m = NULL;
    ck_assert_int_eq(mkt_rule_parse(&rule, ctx, text, strlen(text), NULL), MKT_OK);
    int rc = mkt_segment_compile(&seg, ctx, rule, t, NULL);
    ck_assert_msg(rc == MKT_OK, "%s", last_message(ctx));
    ck_assert_int_eq(mkt_segment_evaluate(seg, ctx, t, &m), MKT_OK);
    uint64_t n = mkt_members_count(m);
    if (row0)
        ck_assert_int_eq(mkt_members_next(m, 0, row0), MKT_OK);
    mkt_members_free(m);
    mkt_segment_free(seg);
    mkt_rule_free(rule);
    return n;
}

START_TEST(test_apply)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = table_of(ctx, fixture, NFIX);
    mkt_rfm_options o = opts_of(MKT_RFM_FIXED);
    o.as_of = dt("2024-06-15");
    mkt_rfm *r = NULL;
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, t, &o), MKT_OK);
    ck_assert_int_eq(mkt_rfm_apply(t, r), MKT_OK);
    int32_t nul = -1;
    ck_assert_int_eq(get_i(t, "rfm.recency", "B", &nul), 90);
    ck_assert_int_eq(nul, 0);
    ck_assert_int_eq(get_i(t, "rfm.frequency", "E", &nul), 10);
    ck_assert_int_eq(get_i(t, "rfm.monetary", "B", &nul), 110000);
    ck_assert_int_eq(get_i(t, "rfm.r", "B", &nul), 4);
    ck_assert_int_eq(get_i(t, "rfm.f", "B", &nul), 2);
    ck_assert_int_eq(get_i(t, "rfm.m", "B", &nul), 3);
    ck_assert_str_eq(get_s(t, "rfm.code", "B"), "423");
    ck_assert_str_eq(get_s(t, "rfm.segment", "E"), "Champions");
    get_i(t, "rfm.r", "C", &nul);
    ck_assert_int_eq(nul, 1);
    ck_assert_ptr_null(get_s(t, "rfm.segment", "D"));
    mkt_column_info info = {sizeof info, NULL, 0, 0, 0, 0};
    uint32_t c;
    ck_assert_int_eq(mkt_table_column_find(t, "rfm.monetary", &c), MKT_OK);
    ck_assert_int_eq(mkt_table_column_info(t, c, &info), MKT_OK);
    ck_assert_int_eq(info.type, MKT_TYPE_MONEY);
    ck_assert_int_eq(info.is_derived, 1);
    ck_assert_int_eq(mkt_table_set_int(t, c, 0, 1), MKT_EINVAL); /* read-only */
    /* rules name the fields */
    uint64_t row;
    ck_assert_uint_eq(count_rule(ctx, t, "rfm.segment in ('Champions')", &row), 1);
    ck_assert_str_eq(mkt_table_customer_id(t, row), "E");
    ck_assert_uint_eq(count_rule(ctx, t, "rfm.r >= 5", NULL), 2);
    ck_assert_uint_eq(count_rule(ctx, t, "rfm.code = '423' and rfm.monetary > 1000", NULL), 1);
    /* the catalog's VIP rule: top 1% by monetary -> E (100) */
    ck_assert_uint_eq(count_rule(ctx, t, "rfm.monetary_percentile >= 99", &row), 1);
    ck_assert_str_eq(mkt_table_customer_id(t, row), "E");
    /* a second result overwrites: NTILE makes E 233 At Risk, and A no longer Recent */
    mkt_rfm_free(r);
    o.scoring = MKT_RFM_NTILE;
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, t, &o), MKT_OK);
    ck_assert_int_eq(mkt_rfm_apply(t, r), MKT_OK);
    ck_assert_str_eq(get_s(t, "rfm.segment", "E"), "At Risk");
    ck_assert_uint_eq(count_rule(ctx, t, "rfm.segment in ('Champions')", NULL), 0);
    /* buckets other than 5: codes but no segment */
    mkt_rfm_free(r);
    o.buckets = 3;
    ck_assert_int_eq(mkt_rfm_compute(&r, ctx, t, &o), MKT_OK);
    ck_assert_int_eq(mkt_rfm_apply(t, r), MKT_OK);
    ck_assert_str_eq(get_s(t, "rfm.code", "E"), "233");
    ck_assert_ptr_null(get_s(t, "rfm.segment", "E"));
    /* the names are reserved */
    ck_assert_int_eq(mkt_table_add_column(t, "rfm.mine", MKT_TYPE_INT, &c), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_add_column(t, "lifecycle.x", MKT_TYPE_INT, &c), MKT_EINVAL);
    const char *cust = write_file("cust.csv", "customer_id,rfm.r\nZ,5\n");
    ck_assert_int_eq(mkt_table_load_customers(t, cust, NULL), MKT_EPARSE); /* derived here */
    mkt_table *fresh = NULL;
    ck_assert_int_eq(mkt_table_new(&fresh, ctx), MKT_OK);
    ck_assert_int_eq(mkt_table_load_customers(fresh, cust, NULL), MKT_EPARSE);
    ck_assert_ptr_nonnull(strstr(last_message(ctx), "reserved"));
    mkt_table_free(fresh);
    /* another, smaller table: rows are matched by customer id, the others left out */
    mkt_table *small = table_of(ctx, fixture, 1);
    ck_assert_int_eq(mkt_rfm_apply(small, r), MKT_OK);
    ck_assert_uint_eq(mkt_table_customer_count(small), 1);
    int32_t null_small, null_big;
    ck_assert_int_eq(get_i(small, "rfm.r", fixture[0].cust, &null_small),
                     get_i(t, "rfm.r", fixture[0].cust, &null_big));
    ck_assert_int_eq(null_small, null_big);
    /* NULLs */
    ck_assert_int_eq(mkt_rfm_apply(NULL, r), MKT_EINVAL);
    ck_assert_int_eq(mkt_rfm_apply(small, NULL), MKT_EINVAL);
    mkt_table_free(small);
    mkt_rfm_free(r);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- the streaming accumulators (internal: what a CSV scanner will drive) ------------------ */

START_TEST(test_accumulators)
{
    mkt_ctx *ctx = new_ctx();
    mkt_date d = dt("2024-06-15");
    struct mkt__rfm_acc a;
    ck_assert_int_eq(mkt__rfm_acc_init(&a, ctx, 1, d, 12, NULL, 0), MKT_OK);
    ck_assert_int_eq(mkt__rfm_acc_currencies(&a, 1), MKT_OK);
    mkt__rfm_acc_add(&a, 0, d - 10, 500, 0, 1);
    mkt__rfm_acc_add(&a, 0, d - 3, 700, 0, 1);
    mkt__rfm_acc_add(&a, 0, d - 1, 9999, 0, 0);           /* cancelled */
    mkt__rfm_acc_add(&a, 0, d + 1, 9999, 0, 1);           /* after D */
    mkt__rfm_acc_add(&a, 0, dt("2023-06-15"), 9999, 0, 1); /* D - 12 months: out */
    ck_assert_int_eq(mkt__rfm_acc_grow(&a, 3), MKT_OK);   /* a new customer met later */
    mkt__rfm_acc_add(&a, 2, dt("2023-06-16"), 42, 0, 1);
    ck_assert_int_eq(mkt__rfm_acc_check(&a, NULL, NULL), MKT_OK);
    ck_assert_int_eq(a.cust[0].count, 2);
    ck_assert_int_eq(a.cust[0].last, d - 3);
    int64_t m;
    ck_assert_int_eq(mkt__rfm_acc_monetary(&a, 0, &m), MKT_OK);
    ck_assert_int_eq(m, 1200);
    ck_assert_int_eq(a.cust[1].count, 0);
    ck_assert_int_eq(a.cust[2].count, 1);
    /* a second currency without rates: EINVAL; an id past the room made: EINTERNAL */
    ck_assert_int_eq(mkt__rfm_acc_currencies(&a, 2), MKT_OK);
    mkt__rfm_acc_add(&a, 1, d, 1, 1, 1);
    ck_assert_int_eq(mkt__rfm_acc_check(&a, NULL, NULL), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(last_message(ctx), "2 currencies (?, ?)"));
    mkt__rfm_acc_add(&a, 3, d, 1, 0, 1);
    ck_assert_int_eq(mkt__rfm_acc_check(&a, NULL, NULL), MKT_EINTERNAL);
    mkt__rfm_acc_free(&a);
    /* with rates 1 and 1.1 (scaled by 1e9): 5 + 10 * 1.1 = 16 exactly; 5 * 1.1 = 5.5 -> 6 */
    static const int64_t rates[2] = {1000000000, 1100000000};
    ck_assert_int_eq(mkt__rfm_acc_init(&a, ctx, 2, d, 12, rates, 2), MKT_OK);
    ck_assert_int_eq(mkt__rfm_acc_currencies(&a, 2), MKT_OK);
    mkt__rfm_acc_add(&a, 0, d, 5, 0, 1);
    mkt__rfm_acc_add(&a, 0, d, 10, 1, 1);
    mkt__rfm_acc_add(&a, 1, d, 5, 1, 1);
    ck_assert_int_eq(mkt__rfm_acc_check(&a, NULL, NULL), MKT_OK);
    ck_assert_int_eq(mkt__rfm_acc_monetary(&a, 0, &m), MKT_OK);
    ck_assert_int_eq(m, 16);
    ck_assert_int_eq(mkt__rfm_acc_monetary(&a, 1, &m), MKT_OK);
    ck_assert_int_eq(m, 6);
    mkt__rfm_acc_free(&a);
    ck_assert_int_eq(mkt__rfm_acc_init(&a, ctx, 1, dt("0001-03-01"), 12, NULL, 0), MKT_ERANGE);
    mkt__rfm_acc_free(&a);
    /* lifecycle: facts streamed in any order give the same stage */
    struct mkt__life_acc l;
    ck_assert_int_eq(mkt__life_acc_init(&l, ctx, 1, d), MKT_OK);
    mkt__life_acc_add(&l, 0, d - 10, 1);
    mkt__life_acc_add(&l, 0, d - 400, 1); /* gap of 390 days ending 10 days ago */
    mkt__life_acc_add(&l, 0, d - 5, 0);   /* cancelled */
    ck_assert_int_eq(mkt__life_stage(&l.cust[0], d), MKT_STAGE_REACTIVATED);
    ck_assert_int_eq(l.cust[0].n90, 1);
    ck_assert_int_eq(l.cust[0].last_before, d - 400);
    mkt__free(ctx, l.cust);
    mkt_ctx_free(ctx);
}
END_TEST

/* Every allocation of compute + apply may fail: MKT_ENOMEM, nothing leaked. */
static int alloc_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx = NULL;
    failalloc_pause(fa);
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    mkt_table *t = NULL;
    if (rc == MKT_OK)
        rc = mkt_table_new(&t, ctx);
    for (size_t i = 0; rc == MKT_OK && i < NFIX; i++) {
        struct bk b = fixture[i];
        mkt_booking x;
        memset(&x, 0, sizeof x);
        x.struct_size = sizeof x;
        x.booking_id = b.id;
        x.customer_id = b.cust;
        mkt_date d;
        mkt_date_parse(&d, b.date, strlen(b.date));
        x.booking_time = (mkt_time)d * 86400;
        x.departure_date = MKT_NULL_DATE;
        x.total_amount = b.amount;
        x.ancillary_amount = MKT_NULL_INT64;
        x.status = b.cancelled ? MKT_BOOKING_CANCELLED : MKT_BOOKING_CONFIRMED;
        rc = mkt_table_add_booking(t, &x);
    }
    failalloc_resume(fa);
    mkt_rfm_options o;
    mkt_rfm_options_init(&o);
    mkt_date_parse(&o.as_of, "2024-06-15", 10);
    mkt_rfm *r = NULL;
    mkt_rfm_fx *fx = NULL;
    if (rc == MKT_OK)
        rc = mkt_rfm_compute(&r, ctx, t, &o);
    if (rc == MKT_OK)
        rc = mkt_rfm_apply(t, r);
    if (rc == MKT_OK)
        rc = mkt_rfm_fx_new(&fx, ctx);
    if (rc == MKT_OK)
        rc = mkt_rfm_fx_add(fx, "USD", "1.5");
    if (rc == MKT_OK) {
        o.fx = fx;
        mkt_rfm_free(r);
        r = NULL;
        rc = mkt_rfm_compute(&r, ctx, t, &o);
    }
    mkt_rfm_fx_free(fx);
    mkt_rfm_free(r);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(test_failalloc)
{
    failalloc_run(alloc_scenario, NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rfm");
    TCase *tc = tcase_create("rfm");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_fixed_boundaries);
    tcase_add_test(tc, test_ntile_sizes);
    tcase_add_test(tc, test_ntile_ties);
    tcase_add_test(tc, test_segment_map);
    tcase_add_test(tc, test_host_map);
    tcase_add_test(tc, test_score_errors);
    tcase_add_test(tc, test_compute_fixed);
    tcase_add_test(tc, test_compute_ntile);
    tcase_add_test(tc, test_compute_errors);
    tcase_add_test(tc, test_currencies);
    tcase_add_test(tc, test_fx_rounding);
    tcase_add_test(tc, test_fx_load);
    tcase_add_test(tc, test_apply);
    tcase_add_test(tc, test_accumulators);
    tcase_add_test(tc, test_failalloc);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    if (!mkdtemp(tmpdir))
        return EXIT_FAILURE;
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    static const char *const names[] = {"ok.csv", "bad.csv", "dup.csv", "code.csv", "zero.csv",
                                        "cols.csv", "empty.csv", "width.csv", "cust.csv"};
    char p[512];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmpdir, names[i]);
        unlink(p);
    }
    rmdir(tmpdir);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

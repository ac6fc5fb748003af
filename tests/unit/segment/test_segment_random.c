/* SPDX-License-Identifier: MIT */
/*
 * Property test: random tables (random values and nulls, built through the host API) and
 * random rules (random and/or/not trees over comparisons of every kind). The bitmap evaluator
 * must agree on every row with a straightforward reference evaluator written here from the
 * language definition (doc/rules.md), with the row evaluator and with records; and every rule
 * must print and re-parse to an equal rule.
 */
#include "seg-test.h"

#define NROWS 1000 /* not a multiple of 64: the tail word matters */

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* The test's own copy of the data. */
enum { C_INT, C_MONEY, C_NUM, C_STR, C_DATE, C_BOOL, NC };
static const char *const col_names[NC] = {"booking.count_12m", "booking.spend_12m",
                                          "booking.premium_share_12m", "tier", "signup_date",
                                          "loyalty_member"};
static const char *const field_names[NC] = {"booking.count_12m", "booking.spend_12m",
                                            "booking.premium_share_12m", "customer.tier",
                                            "customer.signup_date", "customer.loyalty_member"};
static const char *const words[] = {"GOLD", "SILVER", "gold", "PLATINUM", "", "BRONZE"};
static int isnull[NC][NROWS];
static int64_t ival[NC][NROWS];
static double dval[NROWS];
static const char *sval[NROWS];

static void fill(mkt_table *t)
{
    for (int c = 0; c < NC; c++) {
        uint32_t col = col_of(t, col_names[c]);
        for (size_t r = 0; r < NROWS; r++) {
            isnull[c][r] = rnd() % 5 == 0;
            if (isnull[c][r])
                continue;
            switch (c) {
            case C_INT: ival[c][r] = (int64_t)(rnd() % 21) - 5; break;
            case C_MONEY: ival[c][r] = (int64_t)(rnd() % 2001) - 500; break;
            case C_DATE: ival[c][r] = TEST_AS_OF - 20 + (int64_t)(rnd() % 41); break;
            case C_BOOL: ival[c][r] = (int64_t)(rnd() % 2); break;
            default: break;
            }
            if (c == C_NUM) {
                dval[r] = (double)(rnd() % 11) / 10.0;
                ck_assert_int_eq(mkt_table_set_number(t, col, r, dval[r]), MKT_OK);
            } else if (c == C_STR) {
                sval[r] = words[rnd() % 6];
                ck_assert_int_eq(mkt_table_set_string(t, col, r, sval[r], strlen(sval[r])),
                                 MKT_OK);
            } else {
                ck_assert_int_eq(mkt_table_set_int(t, col, r, ival[c][r]), MKT_OK);
            }
        }
    }
}

/* A random rule as text plus the data the reference evaluator needs. */
enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_NOTIN, OP_BETWEEN, OP_ISNULL,
       OP_NOTNULL, OP_STARTS, OP_CONTAINS, OP_EQCI, NOPS };
static const char *const op_text[] = {"=", "!=", "<", "<=", ">", ">=", "in", "not in",
                                      "between", "is null", "is not null", "starts with",
                                      "contains", "="};

struct node {
    int kind; /* 0 leaf, 1 and, 2 or, 3 not */
    int col, op;
    int64_t a, b;   /* numeric literals in the column's unit (money: minor) */
    const char *s;  /* string literal */
    struct node *kid[3];
    int nkids;
};

static struct node pool[4096];
static size_t npool;

static struct node *gen(int depth)
{
    struct node *n = &pool[npool++];
    memset(n, 0, sizeof *n);
    if (depth > 0 && rnd() % 3 != 0) {
        n->kind = 1 + (int)(rnd() % 3);
        n->nkids = n->kind == 3 ? 1 : 2 + (int)(rnd() % 2);
        for (int i = 0; i < n->nkids; i++)
            n->kid[i] = gen(depth - 1);
        return n;
    }
    n->col = (int)(rnd() % NC);
    n->op = (int)(rnd() % NOPS);
    int str = n->col == C_STR;
    if (!str && (n->op == OP_STARTS || n->op == OP_CONTAINS || n->op == OP_EQCI))
        n->op = OP_EQ;
    if (n->col == C_BOOL && n->op != OP_ISNULL && n->op != OP_NOTNULL)
        n->op = rnd() % 2 ? OP_EQ : OP_NE;
    n->s = words[rnd() % 6];
    switch (n->col) {
    case C_INT: n->a = (int64_t)(rnd() % 21) - 5; n->b = n->a + (int64_t)(rnd() % 8); break;
    case C_MONEY: n->a = ((int64_t)(rnd() % 21) - 5) * 100; n->b = n->a + 300; break;
    case C_NUM: n->a = (int64_t)(rnd() % 11); n->b = n->a + (int64_t)(rnd() % 4); break;
    case C_DATE: n->a = TEST_AS_OF - 20 + (int64_t)(rnd() % 41); n->b = n->a + 5; break;
    default: n->a = (int64_t)(rnd() % 2); n->b = n->a; break;
    }
    return n;
}

static void lit(char *buf, size_t size, const struct node *n, int64_t v)
{
    switch (n->col) {
    case C_MONEY: snprintf(buf, size, "%lld", (long long)(v / 100)); break;
    case C_NUM: snprintf(buf, size, "%lld.%lld", (long long)(v / 10), (long long)(v % 10)); break;
    case C_DATE: {
        char d[16];
        mkt_date_format((mkt_date)v, d, sizeof d);
        snprintf(buf, size, "'%s'", d);
        break;
    }
    case C_BOOL: snprintf(buf, size, "%s", v ? "true" : "false"); break;
    case C_STR: snprintf(buf, size, "'%s'", n->s); break;
    default: snprintf(buf, size, "%lld", (long long)v); break;
    }
}

static void text(const struct node *n, char *buf, size_t size)
{
    char a[64], b[64];
    size_t len = strlen(buf);
    if (n->kind) {
        if (n->kind == 3) {
            snprintf(buf + len, size - len, "not (");
            text(n->kid[0], buf, size);
        } else {
            snprintf(buf + len, size - len, "(");
            for (int i = 0; i < n->nkids; i++) {
                if (i)
                    snprintf(buf + strlen(buf), size - strlen(buf), n->kind == 1 ? " and " : " or ");
                text(n->kid[i], buf, size);
            }
        }
        snprintf(buf + strlen(buf), size - strlen(buf), ")");
        return;
    }
    lit(a, sizeof a, n, n->a);
    lit(b, sizeof b, n, n->b);
    if (n->col == C_STR)
        snprintf(b, sizeof b, "'%s'", words[(size_t)(((n->b + 1) % 6 + 6) % 6)]);
    const char *f = field_names[n->col];
    switch (n->op) {
    case OP_IN:
    case OP_NOTIN: snprintf(buf + len, size - len, "%s %s (%s, %s)", f, op_text[n->op], a, b); break;
    case OP_BETWEEN: snprintf(buf + len, size - len, "%s between %s and %s", f, a, b); break;
    case OP_ISNULL:
    case OP_NOTNULL: snprintf(buf + len, size - len, "%s %s", f, op_text[n->op]); break;
    case OP_EQCI: snprintf(buf + len, size - len, "%s = %s ci", f, a); break;
    default: snprintf(buf + len, size - len, "%s %s %s", f, op_text[n->op], a); break;
    }
}

static int ci_eq(const char *x, const char *y)
{
    for (; *x && *y; x++, y++) {
        char p = *x >= 'a' && *x <= 'z' ? (char)(*x - 32) : *x;
        char q = *y >= 'a' && *y <= 'z' ? (char)(*y - 32) : *y;
        if (p != q)
            return 0;
    }
    return *x == *y;
}

/* The reference: the definition of each operator, row by row. */
static int ref_cmp(const struct node *n, size_t r, int64_t lit_v, int *is_null)
{
    *is_null = isnull[n->col][r];
    if (*is_null)
        return 0;
    if (n->col == C_STR)
        return strcmp(sval[r], n->s);
    if (n->col == C_NUM) {
        double l = (double)lit_v / 10.0, v = dval[r];
        return (v > l) - (v < l);
    }
    int64_t v = ival[n->col][r];
    return (v > lit_v) - (v < lit_v);
}

static int ref_eval(const struct node *n, size_t r)
{
    if (n->kind == 3)
        return !ref_eval(n->kid[0], r);
    if (n->kind) {
        int acc = n->kind == 1;
        for (int i = 0; i < n->nkids; i++)
            acc = n->kind == 1 ? acc && ref_eval(n->kid[i], r) : acc || ref_eval(n->kid[i], r);
        return acc;
    }
    int nul;
    int c = ref_cmp(n, r, n->a, &nul);
    const char *bstr = words[(size_t)(((n->b + 1) % 6 + 6) % 6)];
    switch (n->op) {
    case OP_ISNULL: return nul;
    case OP_NOTNULL: return !nul;
    case OP_NE: return nul || c != 0;
    case OP_NOTIN: {
        if (nul)
            return 1;
        int c2 = n->col == C_STR ? strcmp(sval[r], bstr) : ref_cmp(n, r, n->b, &nul);
        return nul || (c != 0 && c2 != 0);
    }
    default: break;
    }
    if (nul)
        return 0;
    switch (n->op) {
    case OP_EQ: return c == 0;
    case OP_LT: return c < 0;
    case OP_LE: return c <= 0;
    case OP_GT: return c > 0;
    case OP_GE: return c >= 0;
    case OP_IN: {
        int c2 = n->col == C_STR ? strcmp(sval[r], bstr) : ref_cmp(n, r, n->b, &nul);
        return c == 0 || c2 == 0;
    }
    case OP_BETWEEN: {
        if (n->col == C_STR)
            return c >= 0 && strcmp(sval[r], bstr) <= 0;
        return c >= 0 && ref_cmp(n, r, n->b, &nul) <= 0;
    }
    case OP_STARTS: return strncmp(sval[r], n->s, strlen(n->s)) == 0;
    case OP_CONTAINS: return strstr(sval[r], n->s) != NULL;
    default: return ci_eq(sval[r], n->s);
    }
}

START_TEST(test_random_rules)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx, NROWS);
    fill(t);
    mkt_record *rec;
    ck_assert_int_eq(mkt_record_new(&rec, ctx, t), MKT_OK);
    for (int iter = 0; iter < 300; iter++) {
        npool = 0;
        struct node *n = gen(3);
        char buf[8192] = "";
        text(n, buf, sizeof buf);
        mkt_segment *s = compile_ok(ctx, t, buf);
        mkt_members *m;
        ck_assert_int_eq(mkt_segment_evaluate(s, ctx, t, &m), MKT_OK);
        uint64_t count = 0;
        for (size_t r = 0; r < NROWS; r++) {
            int want = ref_eval(n, r);
            int32_t got = mkt_members_contains(m, r), one, viarec;
            ck_assert_msg(got == want, "'%s' row %zu: batch %d, reference %d", buf, r, got, want);
            if (r % 7 == 0) { /* the slower paths on a sample of rows */
                ck_assert_int_eq(mkt_segment_match_row(s, ctx, t, r, &one), MKT_OK);
                ck_assert_int_eq(mkt_record_load_row(rec, t, r), MKT_OK);
                ck_assert_int_eq(mkt_segment_match(s, rec, &viarec), MKT_OK);
                ck_assert_msg(one == want && viarec == want, "'%s' row %zu", buf, r);
            }
            count += (uint64_t)want;
        }
        ck_assert_uint_eq(mkt_members_count(m), count);
        /* normalization round trip */
        char *norm;
        ck_assert_int_eq(mkt_rule_format(mkt_segment_rule(s), ctx, &norm), MKT_OK);
        mkt_rule *again = parse_ok(ctx, norm);
        ck_assert_msg(mkt_rule_equal(again, mkt_segment_rule(s)), "round trip of '%s'", norm);
        mkt_rule_free(again);
        mkt_free(norm);
        mkt_members_free(m);
        mkt_segment_free(s);
    }
    mkt_record_free(rec);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("segment_random");
    TCase *tc = tcase_create("random");
    tcase_set_timeout(tc, 100);
    tcase_add_test(tc, test_random_rules);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

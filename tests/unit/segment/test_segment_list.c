/* SPDX-License-Identifier: MIT */
/*
 * List fields (booking.routes_12m): `contains` / `not contains` as membership of an exact item
 * (`ci`: ignoring case), `is null` / `is not null`, and nothing else. A property test builds a
 * random table with a list column (null rows, empty lists, duplicates) and checks that the
 * batch evaluator, the row evaluator, records loaded from rows and records filled through
 * mkt_record_set_list() all agree with a reference written here; hand cases cover compile
 * errors, the null rules, explain output and the error paths of mkt_record_set_list().
 */
#include "seg-test.h"

#define NROWS 777 /* not a multiple of 64 */
#define MAXITEMS 5

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const char *const words[] = {"JFK-LAX", "jfk-lax", "MAD-CDG", "LHR-CDG", "", "MAD-JFK"};
#define NWORDS 6

static int list_null[NROWS];
static size_t nitems[NROWS];
static int items[NROWS][MAXITEMS]; /* indexes into words */
static int tier[NROWS];            /* index into words, -1 for null */

/* Add booking.routes_12m as a LIST column with its own dictionary and fill it from the
 * arrays above (the library's builder does the same for the derived field). */
static void make_list_column(mkt_table *t, int random)
{
    uint32_t col = add_col(t, "booking.routes_12m", MKT_TYPE_LIST);
    struct mkt__col *c = t->cols.data[col];
    c->dict = &c->own;
    uint32_t ids[NWORDS];
    for (int w = 0; w < NWORDS; w++) {
        int is_new;
        ck_assert_int_eq(mkt__intern_put(&c->own, words[w], strlen(words[w]), &ids[w], &is_new),
                         MKT_OK);
    }
    c->items = mkt__reallocarray(t->ctx, NULL, NROWS * MAXITEMS, sizeof *c->items);
    ck_assert_ptr_nonnull(c->items);
    uint32_t off = 0;
    for (size_t r = 0; r < mkt_table_customer_count(t); r++) {
        if (random) {
            list_null[r] = rnd() % 6 == 0;
            nitems[r] = list_null[r] ? 0 : (size_t)(rnd() % MAXITEMS);
            for (size_t k = 0; k < nitems[r]; k++)
                items[r][k] = (int)(rnd() % NWORDS);
        }
        for (size_t k = 0; k < nitems[r]; k++)
            c->items[off + k] = ids[items[r][k]];
        c->v.span[r] = (struct mkt__span){off, (uint32_t)nitems[r]};
        off += (uint32_t)nitems[r];
        mkt__col_set_valid(c, r, !list_null[r]);
    }
}

static void fill_tier(mkt_table *t)
{
    uint32_t col = col_of(t, "tier");
    for (size_t r = 0; r < NROWS; r++) {
        tier[r] = rnd() % 5 == 0 ? -1 : (int)(rnd() % NWORDS);
        if (tier[r] >= 0)
            ck_assert_int_eq(mkt_table_set_string(t, col, r, words[tier[r]],
                                                  strlen(words[tier[r]])),
                             MKT_OK);
    }
}

/* ---- random rules ---------------------------------------------------------------------- */

enum { L_CONTAINS, L_NOT_CONTAINS, L_CONTAINS_CI, L_NOT_CONTAINS_CI, L_NULL, L_NOT_NULL,
       L_TIER_EQ, NLEAVES };

struct node {
    int kind; /* 0 leaf, 1 and, 2 or, 3 not */
    int leaf, word;
    struct node *kid[3];
    int nkids;
};

static struct node pool[1024];
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
    n->leaf = (int)(rnd() % NLEAVES);
    n->word = (int)(rnd() % NWORDS);
    return n;
}

static void text(const struct node *n, char *buf, size_t size)
{
    size_t len = strlen(buf);
    static const char *const fmt[] = {
        "booking.routes_12m contains '%s'", "booking.routes_12m not contains '%s'",
        "booking.routes_12m contains '%s' ci", "booking.routes_12m not contains '%s' ci",
        "booking.routes_12m is null%s", "booking.routes_12m is not null%s",
        "customer.tier = '%s'"};
    if (!n->kind) {
        const char *w = n->leaf == L_NULL || n->leaf == L_NOT_NULL ? "" : words[n->word];
        snprintf(buf + len, size - len, fmt[n->leaf], w);
        return;
    }
    snprintf(buf + len, size - len, n->kind == 3 ? "not (" : "(");
    for (int i = 0; i < n->nkids; i++) {
        if (i)
            snprintf(buf + strlen(buf), size - strlen(buf), n->kind == 1 ? " and " : " or ");
        text(n->kid[i], buf, size);
    }
    snprintf(buf + strlen(buf), size - strlen(buf), ")");
}

static int ascii_ci_eq(const char *x, const char *y)
{
    for (; *x && *y; x++, y++) {
        char p = *x >= 'a' && *x <= 'z' ? (char)(*x - 32) : *x;
        char q = *y >= 'a' && *y <= 'z' ? (char)(*y - 32) : *y;
        if (p != q)
            return 0;
    }
    return *x == *y;
}

static int ref_has(size_t r, int word, int ci)
{
    for (size_t k = 0; k < nitems[r]; k++) {
        const char *s = words[items[r][k]];
        if (ci ? ascii_ci_eq(s, words[word]) : strcmp(s, words[word]) == 0)
            return 1;
    }
    return 0; /* a null list has no items */
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
    switch (n->leaf) {
    case L_CONTAINS: return ref_has(r, n->word, 0);
    case L_NOT_CONTAINS: return !ref_has(r, n->word, 0);
    case L_CONTAINS_CI: return ref_has(r, n->word, 1);
    case L_NOT_CONTAINS_CI: return !ref_has(r, n->word, 1);
    case L_NULL: return list_null[r];
    case L_NOT_NULL: return !list_null[r];
    default: return tier[r] >= 0 && strcmp(words[tier[r]], words[n->word]) == 0;
    }
}

/* The row's values set through the host API, as a booking engine would. */
static void set_record(mkt_record *rec, size_t r)
{
    mkt_record_clear(rec);
    if (tier[r] >= 0)
        ck_assert_int_eq(mkt_record_set_string(rec, "customer.tier", words[tier[r]],
                                               strlen(words[tier[r]])),
                         MKT_OK);
    if (list_null[r]) {
        ck_assert_int_eq(mkt_record_set_null(rec, "booking.routes_12m"), MKT_OK);
        return;
    }
    const char *it[MAXITEMS];
    size_t lens[MAXITEMS];
    for (size_t k = 0; k < nitems[r]; k++) {
        it[k] = words[items[r][k]];
        lens[k] = strlen(it[k]);
    }
    /* alternate between explicit lengths and NUL-terminated items */
    ck_assert_int_eq(mkt_record_set_list(rec, "booking.routes_12m", it, r % 2 ? lens : NULL,
                                         nitems[r]),
                     MKT_OK);
}

START_TEST(test_random_list_rules)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx, NROWS);
    make_list_column(t, 1);
    fill_tier(t);
    mkt_record *loaded, *set;
    ck_assert_int_eq(mkt_record_new(&loaded, ctx, t), MKT_OK);
    ck_assert_int_eq(mkt_record_new(&set, ctx, t), MKT_OK);
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
            ck_assert_msg(mkt_members_contains(m, r) == want, "'%s' row %zu: batch %d, ref %d",
                          buf, r, mkt_members_contains(m, r), want);
            count += (uint64_t)want;
            if (r % 5)
                continue;
            int32_t one = -1, a = -1, b = -1;
            ck_assert_int_eq(mkt_segment_match_row(s, ctx, t, r, &one), MKT_OK);
            ck_assert_int_eq(mkt_record_load_row(loaded, t, r), MKT_OK);
            ck_assert_int_eq(mkt_segment_match(s, loaded, &a), MKT_OK);
            set_record(set, r);
            ck_assert_int_eq(mkt_segment_match(s, set, &b), MKT_OK);
            ck_assert_msg(one == want && a == want && b == want,
                          "'%s' row %zu: row %d, loaded %d, set %d, ref %d", buf, r, one, a, b,
                          want);
        }
        ck_assert_uint_eq(mkt_members_count(m), count);
        mkt_members_free(m);
        mkt_segment_free(s);
    }
    mkt_record_free(loaded);
    mkt_record_free(set);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* Sparse matches (whole 64-row words without one, which the batch evaluator skips after one
 * scan of their items) and item runs stored in reverse row order (not back to back). */
START_TEST(test_sparse_and_scattered)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx, NROWS);
    uint32_t col = add_col(t, "booking.routes_12m", MKT_TYPE_LIST);
    struct mkt__col *c = t->cols.data[col];
    c->dict = &c->own;
    uint32_t ids[NWORDS];
    for (int w = 0; w < NWORDS; w++) {
        int is_new;
        ck_assert_int_eq(mkt__intern_put(&c->own, words[w], strlen(words[w]), &ids[w], &is_new),
                         MKT_OK);
    }
    c->items = mkt__reallocarray(t->ctx, NULL, NROWS * 2, sizeof *c->items);
    ck_assert_ptr_nonnull(c->items);
    uint32_t off = 0;
    for (size_t i = 0; i < NROWS; i++) {
        size_t r = NROWS - 1 - i; /* runs laid out from the last row to the first */
        uint32_t n = r % 3 == 0 ? 0 : 2;
        c->items[off] = ids[2];                         /* MAD-CDG everywhere */
        c->items[off + 1] = ids[r % 150 == 1 ? 5 : 3]; /* MAD-JFK on rows 1, 151, ... */
        c->v.span[r] = (struct mkt__span){off, n};
        off += n;
        mkt__col_set_valid(c, r, r % 7 != 0);
    }
    const char *rules[] = {"booking.routes_12m contains 'MAD-JFK'",
                           "booking.routes_12m contains 'mad-jfk' ci",
                           "booking.routes_12m not contains 'MAD-JFK'",
                           "booking.routes_12m contains 'LHR-CDG'"};
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        mkt_segment *s = compile_ok(ctx, t, rules[i]);
        mkt_members *m;
        ck_assert_int_eq(mkt_segment_evaluate(s, ctx, t, &m), MKT_OK);
        uint64_t count = 0;
        for (size_t r = 0; r < NROWS; r++) {
            int has = r % 7 != 0 && r % 3 != 0 && (i == 3 ? r % 150 != 1 : r % 150 == 1);
            int want = i == 2 ? !has : has;
            int32_t one;
            ck_assert_int_eq(mkt_segment_match_row(s, ctx, t, r, &one), MKT_OK);
            ck_assert_msg(mkt_members_contains(m, r) == want && one == want, "%s row %zu",
                          rules[i], r);
            count += (uint64_t)want;
        }
        ck_assert_uint_eq(mkt_members_count(m), count);
        mkt_members_free(m);
        mkt_segment_free(s);
    }
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- hand cases ------------------------------------------------------------------------ */

/* Three rows: ('JFK-LAX', 'MAD-CDG'), () and null. */
static mkt_table *small_table(mkt_ctx *ctx)
{
    mkt_table *t = new_table(ctx, 3);
    memset(list_null, 0, sizeof list_null);
    memset(nitems, 0, sizeof nitems);
    nitems[0] = 2;
    items[0][0] = 0;
    items[0][1] = 2;
    list_null[2] = 1;
    make_list_column(t, 0);
    return t;
}

static uint64_t count_of(mkt_ctx *ctx, const mkt_table *t, const char *rule, int *rows)
{
    mkt_segment *s = compile_ok(ctx, t, rule);
    mkt_members *m;
    ck_assert_int_eq(mkt_segment_evaluate(s, ctx, t, &m), MKT_OK);
    uint64_t n = mkt_members_count(m);
    for (int r = 0; r < 3; r++)
        rows[r] = mkt_members_contains(m, (uint64_t)r);
    mkt_members_free(m);
    mkt_segment_free(s);
    return n;
}

START_TEST(test_null_and_empty)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = small_table(ctx);
    int rows[3];
    struct {
        const char *rule;
        int want[3];
    } cases[] = {
        {"booking.routes_12m contains 'JFK-LAX'", {1, 0, 0}},
        {"booking.routes_12m contains 'jfk-lax'", {0, 0, 0}},
        {"booking.routes_12m contains 'jfk-lax' ci", {1, 0, 0}},
        {"booking.routes_12m contains 'JFK'", {0, 0, 0}}, /* membership, not substring */
        {"booking.routes_12m not contains 'JFK-LAX'", {0, 1, 1}},
        {"booking.routes_12m is null", {0, 0, 1}},
        {"booking.routes_12m is not null", {1, 1, 0}},
        {"booking.routes_12m contains ''", {0, 0, 0}},
        {"not booking.routes_12m contains 'MAD-CDG'", {0, 1, 1}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        count_of(ctx, t, cases[i].rule, rows);
        for (int r = 0; r < 3; r++)
            ck_assert_msg(rows[r] == cases[i].want[r], "'%s' row %d", cases[i].rule, r);
    }
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_compile_errors)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = small_table(ctx);
    const char *bad_ops[] = {
        "booking.routes_12m = 'JFK-LAX'",         "booking.routes_12m != 'JFK-LAX'",
        "booking.routes_12m in ('JFK-LAX')",      "booking.routes_12m starts with 'JFK'",
        "booking.routes_12m matches 'JFK.*'",     "booking.routes_12m > 'A'",
        "booking.routes_12m between 'A' and 'B'", "booking.routes_12m within last 3 days",
    };
    for (size_t i = 0; i < sizeof bad_ops / sizeof bad_ops[0]; i++) {
        ck_assert_int_eq(compile_rc(ctx, t, bad_ops[i]), MKT_ETYPE);
        const char *msg = mkt_ctx_last_error(ctx)->message;
        ck_assert_msg(strstr(msg, "use contains, not contains, is null or is not null") &&
                          strstr(msg, "booking.routes_12m"),
                      "%s: %s", bad_ops[i], msg);
    }
    ck_assert_int_eq(compile_rc(ctx, t, "booking.routes_12m contains 5"), MKT_ETYPE);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "a list field"));
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_explain)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = small_table(ctx);
    mkt_segment *s = compile_ok(ctx, t, "booking.routes_12m contains 'MAD-CDG'");
    const char *want[] = {
        "yes booking.routes_12m contains 'MAD-CDG'  [booking.routes_12m = ('JFK-LAX', "
        "'MAD-CDG')]\n",
        "no  booking.routes_12m contains 'MAD-CDG'  [booking.routes_12m = ()]\n",
        "no  booking.routes_12m contains 'MAD-CDG'  [booking.routes_12m = null]\n"};
    for (uint64_t r = 0; r < 3; r++) {
        char *text;
        int32_t matched;
        ck_assert_int_eq(mkt_segment_explain_row(s, ctx, t, r, &matched, &text), MKT_OK);
        ck_assert_str_eq(text, want[r]);
        ck_assert_int_eq(matched, r == 0);
        mkt_free(text);
    }
    mkt_record *rec;
    ck_assert_int_eq(mkt_record_new(&rec, ctx, t), MKT_OK);
    const char *it[] = {"MAD-CDG", "O'Hare"};
    ck_assert_int_eq(mkt_record_set_list(rec, "booking.routes_12m", it, NULL, 2), MKT_OK);
    char *text;
    int32_t matched;
    ck_assert_int_eq(mkt_segment_explain(s, rec, &matched, &text), MKT_OK);
    ck_assert_str_eq(text, "yes booking.routes_12m contains 'MAD-CDG'  [booking.routes_12m = "
                           "('MAD-CDG', 'O''Hare')]\n");
    ck_assert_int_eq(matched, 1);
    mkt_free(text);
    mkt_record_free(rec);
    mkt_segment_free(s);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_record_set_list)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = small_table(ctx);
    mkt_segment *s = compile_ok(ctx, t, "booking.routes_12m contains 'é-X' ci");
    mkt_record *rec;
    ck_assert_int_eq(mkt_record_new(&rec, ctx, t), MKT_OK);
    int32_t m = -1;
    ck_assert_int_eq(mkt_segment_match(s, rec, &m), MKT_OK); /* null: no */
    ck_assert_int_eq(m, 0);
    const char *it[] = {"A", "É-x"};
    size_t lens[] = {1, strlen("É-x")};
    ck_assert_int_eq(mkt_record_set_list(rec, "booking.routes_12m", it, lens, 2), MKT_OK);
    ck_assert_int_eq(mkt_segment_match(s, rec, &m), MKT_OK);
    ck_assert_int_eq(m, 1); /* Unicode case folding */
    /* a longer list grows the buffers; the items are copies */
    char big[300];
    memset(big, 'Z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    const char *many[40];
    for (int i = 0; i < 40; i++)
        many[i] = i == 39 ? "é-x" : big;
    ck_assert_int_eq(mkt_record_set_list(rec, "booking.routes_12m", many, NULL, 40), MKT_OK);
    big[0] = 'Q';
    ck_assert_int_eq(mkt_segment_match(s, rec, &m), MKT_OK);
    ck_assert_int_eq(m, 1);
    ck_assert_int_eq(mkt_record_set_list(rec, "booking.routes_12m", NULL, NULL, 0), MKT_OK);
    ck_assert_int_eq(mkt_segment_match(s, rec, &m), MKT_OK);
    ck_assert_int_eq(m, 0);
    /* errors */
    ck_assert_int_eq(mkt_record_set_list(NULL, "booking.routes_12m", it, NULL, 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_record_set_list(rec, "booking.routes_12m", NULL, NULL, 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_record_set_list(rec, NULL, it, NULL, 1), MKT_EINVAL);
    const char *with_null[] = {"A", NULL};
    ck_assert_int_eq(mkt_record_set_list(rec, "booking.routes_12m", with_null, NULL, 2),
                     MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "item 1"));
    const char *bad_utf8[] = {"ok", "\xff\xfe"};
    ck_assert_int_eq(mkt_record_set_list(rec, "booking.routes_12m", bad_utf8, NULL, 2),
                     MKT_EPARSE);
    ck_assert_int_eq(mkt_record_set_list(rec, "booking.routes_13m", it, NULL, 1),
                     MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_record_set_list(rec, "customer.tier", it, NULL, 1), MKT_ETYPE);
    ck_assert_int_eq(mkt_record_set_string(rec, "booking.routes_12m", "A", 1), MKT_ETYPE);
    ck_assert_int_eq(mkt_record_set_int(rec, "booking.routes_12m", 1), MKT_ETYPE);
    ck_assert_int_eq(mkt_record_set_number(rec, "booking.routes_12m", 1.0), MKT_ETYPE);
    /* a failed set keeps the previous value (the empty list) */
    ck_assert_int_eq(mkt_segment_match(s, rec, &m), MKT_OK);
    ck_assert_int_eq(m, 0);
    mkt_record_free(rec);
    mkt_segment_free(s);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("segment_list");
    TCase *tc = tcase_create("list");
    tcase_set_timeout(tc, 100);
    tcase_add_test(tc, test_random_list_rules);
    tcase_add_test(tc, test_sparse_and_scattered);
    tcase_add_test(tc, test_null_and_empty);
    tcase_add_test(tc, test_compile_errors);
    tcase_add_test(tc, test_explain);
    tcase_add_test(tc, test_record_set_list);
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

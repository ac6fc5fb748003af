/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of compiled segments: every operator on every type it applies to, the null truth
 * table (every operator against a null value), compile errors with line, column and hints,
 * regular expressions and their limits, segment references and cycles, member-set algebra,
 * records, explain, and schema checks. Every rule is checked through the three evaluators
 * (batch, table row, record) which must agree.
 */
#include "failalloc.h"
#include "seg-test.h"

enum { ROWS = 5 };

struct fixture {
    mkt_ctx *ctx;
    mkt_table *t;
};

static void set_s(mkt_table *t, const char *col, uint64_t row, const char *v)
{
    if (v)
        ck_assert_int_eq(mkt_table_set_string(t, col_of(t, col), row, v, strlen(v)), MKT_OK);
}

static void set_date(mkt_table *t, const char *col, uint64_t row, const char *v)
{
    mkt_date d;
    ck_assert_int_eq(mkt_date_parse(&d, v, strlen(v)), MKT_OK);
    ck_assert_int_eq(mkt_table_set_int(t, col_of(t, col), row, d), MKT_OK);
}

static void set_time(mkt_table *t, const char *col, uint64_t row, const char *v)
{
    mkt_time x;
    ck_assert_int_eq(mkt_time_parse(&x, v, strlen(v)), MKT_OK);
    ck_assert_int_eq(mkt_table_set_int(t, col_of(t, col), row, x), MKT_OK);
}

/* Rows 0..2 and 4 have values; row 3 has only its id (every field null). */
static struct fixture fixture(void)
{
    struct fixture f;
    f.ctx = new_ctx();
    f.t = new_table(f.ctx, ROWS);
    mkt_table *t = f.t;
    static const char *tier[] = {"GOLD", "SILVER", "PLATINUM", NULL, "gold"};
    static const char *email[] = {"Ann@Example.com", "bob@test.org", "o'hara@x.com", NULL, ""};
    static const char *cabin[] = {"BUSINESS", "ECONOMY", "FIRST", NULL, ""};
    static const char *rfm[] = {"Champions", "Loyal", "At Risk", NULL, "Champions"};
    static const int64_t spend[] = {500000, 499999, 1000000, 0, 0};
    static const int64_t count[] = {12, 9, 30, 0, 0};
    static const double share[] = {0.5, 0.49, 1.0, 0, 0};
    static const char *signup[] = {"2024-06-10", "2023-06-30", "2020-01-01", NULL, "2024-06-15"};
    static const char *dob[] = {"1990-06-20", "1988-02-29", "2000-12-31", NULL, "1970-06-15"};
    static const char *seen[] = {"2024-06-14T10:00:00Z", "2024-05-01T00:00:00Z",
                                 "2024-06-15T23:59:59Z", NULL, "2024-06-16T00:00:00Z"};
    for (uint64_t r = 0; r < ROWS; r++) {
        if (r == 3)
            continue;
        set_s(t, "tier", r, tier[r]);
        set_s(t, "email", r, email[r]);
        set_s(t, "booking.preferred_cabin", r, cabin[r]);
        set_s(t, "rfm.segment", r, rfm[r]);
        ck_assert_int_eq(mkt_table_set_int(t, col_of(t, "booking.spend_12m"), r, spend[r]), MKT_OK);
        ck_assert_int_eq(mkt_table_set_int(t, col_of(t, "booking.count_12m"), r, count[r]), MKT_OK);
        ck_assert_int_eq(mkt_table_set_number(t, col_of(t, "booking.premium_share_12m"), r,
                                              share[r]),
                         MKT_OK);
        ck_assert_int_eq(mkt_table_set_int(t, col_of(t, "loyalty_member"), r, r % 2 == 0), MKT_OK);
        set_date(t, "signup_date", r, signup[r]);
        set_date(t, "date_of_birth", r, dob[r]);
        set_time(t, "event.last_seen", r, seen[r]);
    }
    return f;
}

static void done(struct fixture *f)
{
    mkt_table_free(f->t);
    mkt_ctx_free(f->ctx);
}

/* The members of @rule must be exactly the rows in @want (bit r = row r), through the batch,
 * row and record evaluators. */
static void expect(struct fixture *f, const char *rule, unsigned want)
{
    mkt_segment *s = compile_ok(f->ctx, f->t, rule);
    mkt_members *m = NULL;
    ck_assert_int_eq(mkt_segment_evaluate(s, f->ctx, f->t, &m), MKT_OK);
    ck_assert_uint_eq(mkt_members_rows(m), ROWS);
    mkt_record *rec = NULL;
    ck_assert_int_eq(mkt_record_new(&rec, f->ctx, f->t), MKT_OK);
    unsigned got = 0, count = 0;
    for (uint64_t r = 0; r < ROWS; r++) {
        int32_t b = mkt_members_contains(m, r), one = -1, viarec = -1;
        ck_assert_int_eq(mkt_segment_match_row(s, f->ctx, f->t, r, &one), MKT_OK);
        ck_assert_int_eq(mkt_record_load_row(rec, f->t, r), MKT_OK);
        ck_assert_int_eq(mkt_segment_match(s, rec, &viarec), MKT_OK);
        ck_assert_msg(b == one && b == viarec, "'%s' row %d: batch %d row %d record %d", rule,
                      (int)r, b, one, viarec);
        got |= (unsigned)b << r;
        count += (unsigned)b;
    }
    ck_assert_msg(got == want, "'%s': members %#x, want %#x", rule, got, want);
    ck_assert_uint_eq(mkt_members_count(m), count);
    mkt_record_free(rec);
    mkt_members_free(m);
    mkt_segment_free(s);
}

START_TEST(test_operators)
{
    struct fixture f = fixture();
    /* strings */
    expect(&f, "customer.tier = 'GOLD'", 0x01);
    expect(&f, "customer.tier = 'gold' ci", 0x11);
    expect(&f, "customer.tier != 'GOLD'", 0x1e);
    expect(&f, "customer.tier in ('GOLD', 'PLATINUM')", 0x05);
    expect(&f, "customer.tier in ('GOLD', 'PLATINUM') ci", 0x15);
    expect(&f, "customer.tier not in ('GOLD', 'PLATINUM')", 0x1a);
    expect(&f, "customer.tier < 'P'", 0x01);
    expect(&f, "customer.tier >= 'PLATINUM'", 0x16);
    expect(&f, "customer.tier between 'A' and 'Q'", 0x05);
    expect(&f, "customer.email contains 'example'", 0x00);
    expect(&f, "customer.email contains 'EXAMPLE' ci", 0x01);
    expect(&f, "customer.email contains ''", 0x17);
    expect(&f, "customer.email not contains '@'", 0x18);
    expect(&f, "customer.email starts with 'bob'", 0x02);
    expect(&f, "customer.email ends with '.com'", 0x05);
    expect(&f, "customer.email ends with '.COM' ci", 0x05);
    expect(&f, "customer.email starts with 'ANN' ci", 0x01);
    expect(&f, "customer.email not starts with 'ANN' ci", 0x1e);
    expect(&f, "customer.email = 'o''hara@x.com'", 0x04);
    expect(&f, "customer.email matches '^[a-z]+@'", 0x02);
    expect(&f, "customer.email matches '^[a-z]+@' ci", 0x03);
    expect(&f, "customer.email not matches '@'", 0x18);
    expect(&f, "customer.email = ''", 0x10);
    expect(&f, "customer.customer_id = 'C000002'", 0x04);
    expect(&f, "customer.customer_id ends with '3'", 0x08);
    expect(&f, "rfm.segment in [Champions, Loyal]", 0x13);
    /* money in major units, exact in minor units */
    expect(&f, "booking.spend_12m >= 5000", 0x05);
    expect(&f, "booking.spend_12m >= 4999.99", 0x07);
    expect(&f, "booking.spend_12m > 4999.989", 0x07);
    expect(&f, "booking.spend_12m > 4999.991", 0x05);
    expect(&f, "booking.spend_12m = 4999.99", 0x02);
    expect(&f, "booking.spend_12m = 4999.999", 0x00);
    expect(&f, "booking.spend_12m != 4999.999", 0x1f);
    expect(&f, "booking.spend_12m < 0.01", 0x10);
    expect(&f, "booking.spend_12m between 4999.99 and 5000", 0x03);
    expect(&f, "booking.spend_12m in (0, 10000)", 0x14);
    /* integers with fractional literals */
    expect(&f, "booking.count_12m >= 10", 0x05);
    expect(&f, "booking.count_12m > 9.5", 0x05);
    expect(&f, "booking.count_12m < 9.5", 0x12);
    expect(&f, "booking.count_12m <= 9", 0x12);
    expect(&f, "booking.count_12m = 9.5", 0x00);
    expect(&f, "booking.count_12m in (9, 30, 9.5)", 0x06);
    expect(&f, "booking.count_12m not between 1 and 12", 0x1c);
    expect(&f, "booking.count_12m > -1", 0x17);
    /* numbers */
    expect(&f, "booking.premium_share_12m >= 0.5", 0x05);
    expect(&f, "booking.premium_share_12m > 0.5", 0x04);
    expect(&f, "booking.premium_share_12m < 0.5", 0x12);
    expect(&f, "booking.premium_share_12m = 1", 0x04);
    expect(&f, "booking.premium_share_12m in (0.49, 1)", 0x06);
    expect(&f, "booking.premium_share_12m between 0.49 and 0.5", 0x03);
    /* booleans */
    expect(&f, "customer.loyalty_member = true", 0x15);
    expect(&f, "customer.loyalty_member = false", 0x02);
    expect(&f, "customer.loyalty_member != true", 0x0a);
    expect(&f, "customer.loyalty_member in (true, false)", 0x17);
    /* dates: 'today' is 2024-06-15 */
    expect(&f, "customer.signup_date >= '2024-01-01'", 0x11);
    expect(&f, "customer.signup_date = today", 0x10);
    expect(&f, "customer.signup_date >= today - 5 days", 0x11);
    expect(&f, "customer.signup_date > today - 5 days", 0x10);
    expect(&f, "customer.signup_date within last 5 days", 0x11);
    expect(&f, "customer.signup_date within last 4 days", 0x10);
    expect(&f, "customer.signup_date within next 3 days", 0x10);
    expect(&f, "customer.signup_date between '2020-01-01' and '2023-06-30'", 0x06);
    expect(&f, "customer.signup_date in ('2020-01-01', today)", 0x14);
    expect(&f, "customer.signup_date < today + 1 day", 0x17);
    /* timestamps compare by UTC day with date literals, exactly with timestamps */
    expect(&f, "event.last_seen = '2024-06-15'", 0x04);
    expect(&f, "event.last_seen >= today", 0x14);
    expect(&f, "event.last_seen <= today", 0x07);
    expect(&f, "event.last_seen > '2024-06-14'", 0x14);
    expect(&f, "event.last_seen < '2024-06-14'", 0x02);
    expect(&f, "event.last_seen within last 1 day", 0x05);
    expect(&f, "event.last_seen within next 1 day", 0x14);
    expect(&f, "event.last_seen >= '2024-06-14T10:00:01Z'", 0x14);
    expect(&f, "event.last_seen in ('2024-06-14T10:00:00Z')", 0x01);
    /* anniversaries: birthdays 06-20, 02-29, 12-31, 06-15 */
    expect(&f, "birthday within next 7 days", 0x11);
    expect(&f, "birthday within next 4 days", 0x10);
    expect(&f, "birthday this month", 0x11);
    expect(&f, "customer.signup_date anniversary this month", 0x13);
    expect(&f, "customer.signup_date anniversary within next 0 days", 0x10);
    /* null tests */
    expect(&f, "customer.tier is null", 0x08);
    expect(&f, "customer.tier is not null", 0x17);
    expect(&f, "not customer.email is null", 0x17);
    /* logic */
    expect(&f, "customer.tier = 'GOLD' or customer.tier = 'SILVER' and booking.count_12m > 100",
           0x01);
    expect(&f, "(customer.tier = 'GOLD' or customer.tier = 'SILVER') and booking.count_12m > 10",
           0x01);
    expect(&f, "not (customer.tier = 'GOLD' or booking.count_12m >= 30)", 0x1a);
    expect(&f, "not not customer.tier = 'GOLD'", 0x01);
    /* the rule and the seed's example */
    expect(&f,
           "booking.spend_12m >= 5000 and booking.count_12m >= 10 and "
           "booking.premium_share_12m >= 0.5 and customer.tier in ('GOLD','PLATINUM')",
           0x05);
    expect(&f,
           "customer.totalSpend >= 5000 or booking.frequency >= 10 and booking.cabinClass IN "
           "[BUSINESS, FIRST] and customer.rfmSegment IN [Champions, Loyal]",
           0x01);
    done(&f);
}
END_TEST

/* The null truth table of doc/rules.md: on a null value every positive operator is false and
 * every negated operator (and `not`) is its exact complement, hence true. */
START_TEST(test_null_truth_table)
{
    struct fixture f = fixture();
    static const struct {
        const char *rule;
        int on_null;
    } cases[] = {
        {"customer.tier = 'GOLD'", 0},          {"customer.tier != 'GOLD'", 1},
        {"customer.tier = 'GOLD' ci", 0},       {"customer.tier != 'GOLD' ci", 1},
        {"customer.tier < 'Z'", 0},             {"customer.tier <= 'Z'", 0},
        {"customer.tier > ''", 0},              {"customer.tier >= ''", 0},
        {"customer.tier in ('GOLD')", 0},       {"customer.tier not in ('GOLD')", 1},
        {"customer.tier between '' and 'Z'", 0},
        {"customer.tier not between '' and 'Z'", 1},
        {"customer.tier contains ''", 0},       {"customer.tier not contains ''", 1},
        {"customer.tier starts with ''", 0},    {"customer.tier not starts with ''", 1},
        {"customer.tier ends with ''", 0},      {"customer.tier not ends with ''", 1},
        {"customer.tier matches ''", 0},        {"customer.tier not matches ''", 1},
        {"customer.tier is null", 1},           {"customer.tier is not null", 0},
        {"not customer.tier = 'GOLD'", 1},      {"not customer.tier != 'GOLD'", 0},
        {"booking.count_12m = 0", 0},           {"booking.count_12m != 0", 1},
        {"booking.count_12m < 1", 0},           {"booking.count_12m > -1", 0},
        {"booking.count_12m in (0)", 0},        {"booking.count_12m not in (0)", 1},
        {"booking.count_12m between -1 and 1", 0},
        {"booking.count_12m not between -1 and 1", 1},
        {"booking.spend_12m >= 0", 0},          {"booking.spend_12m < 0", 0},
        {"booking.premium_share_12m >= 0", 0},  {"booking.premium_share_12m != 0", 1},
        {"booking.premium_share_12m in (0)", 0},
        {"customer.loyalty_member = true", 0},  {"customer.loyalty_member = false", 0},
        {"customer.loyalty_member != true", 1},
        {"customer.signup_date <= today", 0},   {"customer.signup_date > today", 0},
        {"customer.signup_date within last 36600 days", 0},
        {"customer.signup_date within next 36600 days", 0},
        {"customer.signup_date anniversary within next 366 days", 0},
        {"customer.signup_date anniversary this month", 0},
        {"event.last_seen <= today", 0},        {"event.last_seen is null", 1},
        {"event.last_seen within last 36600 days", 0},
        {"customer.tier = 'GOLD' or customer.tier is null", 1},
        {"customer.tier = 'GOLD' and customer.tier is null", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mkt_segment *s = compile_ok(f.ctx, f.t, cases[i].rule);
        mkt_members *m;
        ck_assert_int_eq(mkt_segment_evaluate(s, f.ctx, f.t, &m), MKT_OK);
        int32_t one = -1;
        ck_assert_int_eq(mkt_segment_match_row(s, f.ctx, f.t, 3, &one), MKT_OK);
        ck_assert_msg(mkt_members_contains(m, 3) == cases[i].on_null && one == cases[i].on_null,
                      "'%s' on null: batch %d row %d, want %d", cases[i].rule,
                      mkt_members_contains(m, 3), one, cases[i].on_null);
        /* the record path: a fresh record is all null */
        mkt_record *rec;
        ck_assert_int_eq(mkt_record_new(&rec, f.ctx, f.t), MKT_OK);
        ck_assert_int_eq(mkt_segment_match(s, rec, &one), MKT_OK);
        ck_assert_int_eq(one, cases[i].on_null);
        mkt_record_free(rec);
        mkt_members_free(m);
        mkt_segment_free(s);
    }
    done(&f);
}
END_TEST

static void expect_compile_error(struct fixture *f, const char *rule, int code, unsigned line,
                                 unsigned col, const char *msg)
{
    int rc = compile_rc(f->ctx, f->t, rule);
    const mkt_error *e = mkt_ctx_last_error(f->ctx);
    ck_assert_msg(rc == code, "'%s': rc %d (%s)", rule, rc, e->message);
    ck_assert_msg(e->line == line && e->column == col, "'%s': at %llu:%llu (%s), want %u:%u",
                  rule, (unsigned long long)e->line, (unsigned long long)e->column, e->message,
                  line, col);
    ck_assert_msg(strstr(e->message, msg) != NULL, "'%s': '%s' lacks '%s'", rule, e->message,
                  msg);
}

START_TEST(test_compile_errors)
{
    struct fixture f = fixture();
    expect_compile_error(&f, "customer.teir = 'GOLD'", MKT_ENOTFOUND, 1, 1,
                         "unknown field 'customer.teir'; did you mean customer.tier?");
    expect_compile_error(&f, "customer.tier = 'x' and\n tier = 'GOLD'", MKT_ENOTFOUND, 2, 2,
                         "did you mean customer.tier?");
    expect_compile_error(&f, "booking.spend12m > 1", MKT_ENOTFOUND, 1, 1,
                         "did you mean booking.spend_12m?");
    expect_compile_error(&f, "zzz.qqq = 1", MKT_ENOTFOUND, 1, 1, "unknown field 'zzz.qqq'");
    expect_compile_error(&f, "customer.tier = 5", MKT_ETYPE, 1, 17, "put text in single quotes");
    expect_compile_error(&f, "booking.count_12m = 'x'", MKT_ETYPE, 1, 21, "expected an integer");
    expect_compile_error(&f, "booking.count_12m contains 'x'", MKT_ETYPE, 1, 19,
                         "operator 'contains' does not apply");
    expect_compile_error(&f, "customer.loyalty_member > true", MKT_ETYPE, 1, 25,
                         "operator '>' does not apply");
    expect_compile_error(&f, "customer.signup_date > '2024-13-01'", MKT_EPARSE, 1, 24,
                         "bad date '2024-13-01'");
    expect_compile_error(&f, "customer.signup_date > 5", MKT_ETYPE, 1, 24, "expected a date");
    expect_compile_error(&f, "customer.tier within last 3 days", MKT_ETYPE, 1, 15,
                         "does not apply");
    expect_compile_error(&f, "event.last_seen anniversary this month", MKT_ETYPE, 1, 17,
                         "does not apply");
    expect_compile_error(&f, "booking.count_12m = 1 ci", MKT_ETYPE, 1, 19, "ci/cs apply to text");
    expect_compile_error(&f, "booking.spend_12m > 99999999999999999999", MKT_ERANGE, 1, 21,
                         "out of range");
    expect_compile_error(&f, "customer.email matches 'a(b'", MKT_EPARSE, 1, 28,
                         "invalid regular expression: missing closing parenthesis");
    expect_compile_error(&f, "customer.email matches 'it''s(' ", MKT_EPARSE, 1, 31,
                         "missing closing parenthesis");
    expect_compile_error(&f, "in segment 'Nope'", MKT_ENOTFOUND, 1, 1,
                         "unknown segment 'Nope' (no segment resolver");
    done(&f);
}
END_TEST

/* A registry for `in segment`: name -> rule text. */
struct registry {
    mkt_ctx *ctx;
    const char *const *names;
    const char *const *texts;
    size_t n;
    mkt_rule *parsed[8];
};

static int resolve(const char *name, const mkt_rule **rule, void *data)
{
    struct registry *reg = data;
    for (size_t i = 0; i < reg->n; i++) {
        if (strcmp(reg->names[i], name) == 0) {
            if (!reg->parsed[i])
                reg->parsed[i] = parse_ok(reg->ctx, reg->texts[i]);
            *rule = reg->parsed[i];
            return MKT_OK;
        }
    }
    return strcmp(name, "Broken") == 0 ? MKT_EIO : MKT_ENOTFOUND;
}

static int compile_with(struct fixture *f, struct registry *reg, const char *text,
                        mkt_segment **s)
{
    mkt_rule *r = parse_ok(f->ctx, text);
    mkt_segment_options o;
    mkt_segment_options_init(&o);
    o.as_of = TEST_AS_OF;
    o.resolver = resolve;
    o.resolver_data = reg;
    int rc = mkt_segment_compile(s, f->ctx, r, f->t, &o);
    mkt_rule_free(r);
    return rc;
}

START_TEST(test_segment_refs)
{
    struct fixture f = fixture();
    static const char *names[] = {"VIP", "Big", "Loop1", "Loop2", "Self"};
    static const char *texts[] = {"in segment 'Big' and customer.tier is not null",
                                  "booking.spend_12m >= 5000", "in segment 'Loop2'",
                                  "customer.tier = 'x' or in segment 'Loop1'",
                                  "not in segment 'Self'"};
    struct registry reg = {f.ctx, names, texts, 5, {NULL}};
    mkt_segment *s = NULL;
    ck_assert_int_eq(compile_with(&f, &reg, "in segment 'VIP' and not customer.tier = 'GOLD'", &s),
                     MKT_OK);
    mkt_members *m;
    ck_assert_int_eq(mkt_segment_evaluate(s, f.ctx, f.t, &m), MKT_OK);
    ck_assert_uint_eq(mkt_members_count(m), 1);
    ck_assert(mkt_members_contains(m, 2));
    /* explain shows the reference and its inlined rule */
    char *text = NULL;
    int32_t matched = -1;
    ck_assert_int_eq(mkt_segment_explain_row(s, f.ctx, f.t, 2, &matched, &text), MKT_OK);
    ck_assert_int_eq(matched, 1);
    ck_assert_msg(strstr(text, "yes in segment 'VIP'\n") && strstr(text, "    yes in segment 'Big'\n") &&
                      strstr(text, "      yes booking.spend_12m >= 5000  [booking.spend_12m = 10000.00]\n") &&
                      strstr(text, "  yes not\n    no  customer.tier = 'GOLD'  [customer.tier = 'PLATINUM']\n"),
                  "explain:\n%s", text);
    mkt_free(text);
    mkt_members_free(m);
    mkt_segment_free(s);
    s = (mkt_segment *)1;
    ck_assert_int_eq(compile_with(&f, &reg, "customer.tier = 'x' or\n  in segment 'Loop1'", &s),
                     MKT_ECONFLICT);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(f.ctx)->message, "refers to itself"));
    ck_assert_int_eq(compile_with(&f, &reg, "in segment 'Self'", &s), MKT_ECONFLICT);
    ck_assert_int_eq(compile_with(&f, &reg, "in segment 'Nope'", &s), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_ctx_last_error(f.ctx)->column, 1);
    ck_assert_int_eq(compile_with(&f, &reg, "in segment 'Broken'", &s), MKT_EIO);
    for (size_t i = 0; i < 8; i++)
        mkt_rule_free(reg.parsed[i]);
    done(&f);
}
END_TEST

/* Too many compiled nodes is a size error, not an allocation failure, at every node kind. */
START_TEST(test_max_nodes)
{
    struct fixture f = fixture();
    static const char *rules[] = {"customer.tier = 'A'", "not customer.tier = 'A'",
                                  "customer.tier != 'A'",
                                  "customer.tier = 'A' or customer.tier = 'B' or customer.tier = 'C'"};
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
        mkt_rule *r = parse_ok(f.ctx, rules[i]);
        for (uint32_t max = 0; max < 4; max++) {
            mkt_segment_options o;
            mkt_segment_options_init(&o);
            o.as_of = TEST_AS_OF;
            o.max_nodes = max;
            mkt_segment *s = (mkt_segment *)1;
            int rc = mkt_segment_compile(&s, f.ctx, r, f.t, &o);
            if (rc == MKT_OK) {
                mkt_segment_free(s);
                continue;
            }
            ck_assert_msg(rc == MKT_ETOOBIG || (max == 0 && rc == MKT_EINVAL),
                          "'%s' max_nodes %u: %d %s", rules[i], max, rc,
                          mkt_ctx_last_error(f.ctx)->message);
            ck_assert_ptr_null(s);
        }
        mkt_rule_free(r);
    }
    done(&f);
}
END_TEST

START_TEST(test_regex_limits)
{
    struct fixture f = fixture();
    /* a long subject and a catastrophically backtracking pattern */
    char subject[200];
    memset(subject, 'a', sizeof subject - 2);
    subject[sizeof subject - 2] = 'b';
    subject[sizeof subject - 1] = '\0';
    set_s(f.t, "email", 0, subject);
    mkt_rule *r = parse_ok(f.ctx, "customer.email matches '^(a+)+$'");
    for (int jit = 0; jit <= 1; jit++) {
        mkt_segment_options o;
        mkt_segment_options_init(&o);
        o.as_of = TEST_AS_OF;
        o.regex_match_limit = 10000;
        o.regex_depth_limit = 100;
        o.regex_jit = jit;
        mkt_segment *s;
        ck_assert_int_eq(mkt_segment_compile(&s, f.ctx, r, f.t, &o), MKT_OK);
        mkt_members *m = (mkt_members *)1;
        ck_assert_int_eq(mkt_segment_evaluate(s, f.ctx, f.t, &m), MKT_ETOOBIG);
        ck_assert_ptr_null(m);
        ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(f.ctx)->message, "customer.email"));
        int32_t one;
        ck_assert_int_eq(mkt_segment_match_row(s, f.ctx, f.t, 0, &one), MKT_ETOOBIG);
        ck_assert_int_eq(mkt_segment_match_row(s, f.ctx, f.t, 1, &one), MKT_OK);
        ck_assert_int_eq(one, 0);
        mkt_segment_free(s);
        /* with room to work the same pattern answers */
        o.regex_match_limit = 100000000;
        o.regex_depth_limit = 100000;
        set_s(f.t, "email", 0, "aaaa");
        ck_assert_int_eq(mkt_segment_compile(&s, f.ctx, r, f.t, &o), MKT_OK);
        ck_assert_int_eq(mkt_segment_evaluate(s, f.ctx, f.t, &m), MKT_OK);
        ck_assert_uint_eq(mkt_members_count(m), 1);
        mkt_members_free(m);
        mkt_segment_free(s);
        set_s(f.t, "email", 0, subject);
    }
    mkt_segment_options o;
    mkt_segment_options_init(&o);
    o.regex_match_limit = 0;
    mkt_segment *s;
    ck_assert_int_eq(mkt_segment_compile(&s, f.ctx, r, f.t, &o), MKT_EINVAL);
    mkt_rule_free(r);
    done(&f);
}
END_TEST

START_TEST(test_case_default)
{
    struct fixture f = fixture();
    mkt_rule *r = parse_ok(f.ctx, "customer.tier = 'gold' or customer.tier = 'SILVER' cs");
    mkt_segment_options o;
    mkt_segment_options_init(&o);
    o.as_of = TEST_AS_OF;
    o.case_insensitive = 1;
    mkt_segment *s;
    ck_assert_int_eq(mkt_segment_compile(&s, f.ctx, r, f.t, &o), MKT_OK);
    mkt_members *m;
    ck_assert_int_eq(mkt_segment_evaluate(s, f.ctx, f.t, &m), MKT_OK);
    ck_assert_uint_eq(mkt_members_count(m), 3);
    ck_assert(mkt_members_contains(m, 0) && mkt_members_contains(m, 1) &&
              mkt_members_contains(m, 4));
    ck_assert_int_eq(mkt_segment_as_of(s), TEST_AS_OF);
    ck_assert(mkt_rule_equal(mkt_segment_rule(s), r));
    mkt_members_free(m);
    mkt_segment_free(s);
    mkt_rule_free(r);
    done(&f);
}
END_TEST

START_TEST(test_members)
{
    mkt_ctx *ctx = new_ctx();
    mkt_members *a, *b, *c;
    ck_assert_int_eq(mkt_members_new(&a, ctx, 130), MKT_OK);
    ck_assert_int_eq(mkt_members_new(&b, ctx, 130), MKT_OK);
    ck_assert_int_eq(mkt_members_new(&c, ctx, 129), MKT_OK);
    for (uint64_t r = 0; r < 130; r += 3)
        ck_assert_int_eq(mkt_members_set(a, r, 1), MKT_OK);
    for (uint64_t r = 0; r < 130; r += 2)
        ck_assert_int_eq(mkt_members_set(b, r, 1), MKT_OK);
    ck_assert_int_eq(mkt_members_set(a, 130, 1), MKT_ENOTFOUND);
    ck_assert_uint_eq(mkt_members_count(a), 44);
    ck_assert_uint_eq(mkt_members_count(b), 65);
    mkt_members *x;
    ck_assert_int_eq(mkt_members_copy(&x, a), MKT_OK);
    ck_assert_int_eq(mkt_members_and(x, b), MKT_OK);
    ck_assert_uint_eq(mkt_members_count(x), 22); /* multiples of 6 */
    ck_assert_int_eq(mkt_members_or(x, b), MKT_OK);
    ck_assert_uint_eq(mkt_members_count(x), 65);
    ck_assert_int_eq(mkt_members_andnot(x, a), MKT_OK);
    ck_assert_uint_eq(mkt_members_count(x), 43);
    ck_assert_int_eq(mkt_members_not(x), MKT_OK);
    ck_assert_uint_eq(mkt_members_count(x), 130 - 43);
    ck_assert_int_eq(mkt_members_and(x, c), MKT_EINVAL);
    ck_assert_int_eq(mkt_members_or(NULL, c), MKT_EINVAL);
    /* iteration in row order */
    uint64_t r = 0, n = 0, last = 0;
    for (; mkt_members_next(a, r, &r) == MKT_OK; r++, n++) {
        ck_assert(n == 0 || r > last);
        ck_assert_uint_eq(r % 3, 0);
        last = r;
    }
    ck_assert_uint_eq(n, 44);
    ck_assert_uint_eq(last, 129);
    ck_assert_int_eq(mkt_members_next(a, 130, &r), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_members_set(a, 129, 0), MKT_OK);
    ck_assert_int_eq(mkt_members_next(a, 127, &r), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_members_contains(a, 1000), 0);
    ck_assert_uint_eq(mkt_members_rows(c), 129);
    ck_assert_uint_eq(mkt_members_count(NULL), 0);
    mkt_members_free(a);
    mkt_members_free(b);
    mkt_members_free(c);
    mkt_members_free(x);
    mkt_members_free(NULL);
    ck_assert_int_eq(mkt_members_new(&a, ctx, 0), MKT_OK);
    ck_assert_int_eq(mkt_members_next(a, 0, &r), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_members_not(a), MKT_OK);
    ck_assert_uint_eq(mkt_members_count(a), 0);
    mkt_members_free(a);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_record)
{
    struct fixture f = fixture();
    mkt_segment *s = compile_ok(f.ctx, f.t,
                                "booking.spend_12m >= 5000 and booking.count_12m >= 10 and "
                                "booking.premium_share_12m >= 0.5 and customer.tier in "
                                "('GOLD','PLATINUM')");
    mkt_record *rec;
    ck_assert_int_eq(mkt_record_new(&rec, f.ctx, f.t), MKT_OK);
    ck_assert_int_eq(mkt_record_set_int(rec, "booking.spend_12m", 620000), MKT_OK);
    ck_assert_int_eq(mkt_record_set_int(rec, "booking.frequency", 11), MKT_OK); /* alias */
    ck_assert_int_eq(mkt_record_set_number(rec, "booking.premium_share_12m", 0.75), MKT_OK);
    ck_assert_int_eq(mkt_record_set_string(rec, "customer.tier", "SILVER", 6), MKT_OK);
    int32_t m = -1;
    ck_assert_int_eq(mkt_segment_match(s, rec, &m), MKT_OK);
    ck_assert_int_eq(m, 0);
    char *text;
    ck_assert_int_eq(mkt_segment_explain(s, rec, &m, &text), MKT_OK);
    ck_assert_int_eq(m, 0);
    ck_assert_str_eq(text,
                     "no  and\n"
                     "  yes booking.spend_12m >= 5000  [booking.spend_12m = 6200.00]\n"
                     "  yes booking.count_12m >= 10  [booking.count_12m = 11]\n"
                     "  yes booking.premium_share_12m >= 0.5  [booking.premium_share_12m = 0.75]\n"
                     "  no  customer.tier in ('GOLD', 'PLATINUM')  [customer.tier = 'SILVER']\n");
    mkt_free(text);
    ck_assert_int_eq(mkt_record_set_string(rec, "customer.tier", "GOLD", 4), MKT_OK);
    ck_assert_int_eq(mkt_segment_match(s, rec, &m), MKT_OK);
    ck_assert_int_eq(m, 1);
    ck_assert_int_eq(mkt_record_set_null(rec, "booking.count_12m"), MKT_OK);
    ck_assert_int_eq(mkt_segment_match(s, rec, &m), MKT_OK);
    ck_assert_int_eq(m, 0);
    ck_assert_int_eq(mkt_segment_explain(s, rec, NULL, &text), MKT_OK);
    ck_assert_ptr_nonnull(strstr(text, "  no  booking.count_12m >= 10  [booking.count_12m = null]\n"));
    mkt_free(text);
    mkt_record_clear(rec);
    ck_assert_int_eq(mkt_segment_match(s, rec, &m), MKT_OK);
    ck_assert_int_eq(m, 0);
    /* errors */
    ck_assert_int_eq(mkt_record_set_int(rec, "customer.teir", 1), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_record_set_int(rec, "customer.tier", 1), MKT_ETYPE);
    ck_assert_int_eq(mkt_record_set_string(rec, "booking.count_12m", "x", 1), MKT_ETYPE);
    ck_assert_int_eq(mkt_record_set_string(rec, "customer.tier", "\xff", 1), MKT_EPARSE);
    ck_assert_int_eq(mkt_record_set_int(rec, "customer.loyalty_member", 2), MKT_ERANGE);
    ck_assert_int_eq(mkt_record_set_number(rec, "booking.count_12m", 1.5), MKT_ERANGE);
    ck_assert_int_eq(mkt_record_set_number(rec, "booking.count_12m", 2.0), MKT_OK);
    ck_assert_int_eq(mkt_record_set_number(rec, "customer.tier", 2.0), MKT_ETYPE);
    ck_assert_int_eq(mkt_record_set_int(rec, NULL, 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_record_load_row(rec, f.t, 99), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_segment_match(NULL, rec, &m), MKT_EINVAL);
    /* a record of another schema is refused */
    mkt_table *other;
    ck_assert_int_eq(mkt_table_new(&other, f.ctx), MKT_OK);
    add_col(other, "booking.count_12m", MKT_TYPE_INT);
    mkt_record *orec;
    ck_assert_int_eq(mkt_record_new(&orec, f.ctx, other), MKT_OK);
    ck_assert_int_eq(mkt_segment_match(s, orec, &m), MKT_ESTATE);
    mkt_members *mm;
    ck_assert_int_eq(mkt_segment_evaluate(s, f.ctx, other, &mm), MKT_ESTATE);
    ck_assert_int_eq(mkt_record_load_row(rec, other, 0), MKT_ENOTFOUND);
    mkt_record_free(orec);
    mkt_table_free(other);
    mkt_record_free(rec);
    mkt_segment_free(s);
    done(&f);
}
END_TEST

START_TEST(test_schema_growth)
{
    struct fixture f = fixture();
    mkt_segment *s = compile_ok(f.ctx, f.t, "customer.tier = 'GOLD'");
    /* rows and columns added after compiling are fine */
    uint32_t col;
    ck_assert_int_eq(mkt_table_add_column(f.t, "score", MKT_TYPE_INT, &col), MKT_OK);
    ck_assert_int_eq(mkt_table_add_customer(f.t, "NEW", 3, NULL), MKT_OK);
    set_s(f.t, "tier", ROWS, "GOLD");
    mkt_members *m;
    ck_assert_int_eq(mkt_segment_evaluate(s, f.ctx, f.t, &m), MKT_OK);
    ck_assert_uint_eq(mkt_members_rows(m), ROWS + 1);
    ck_assert_uint_eq(mkt_members_count(m), 2);
    int32_t one;
    ck_assert_int_eq(mkt_segment_match_row(s, f.ctx, f.t, ROWS + 1, &one), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_segment_evaluate(s, NULL, f.t, &m), MKT_EINVAL);
    mkt_members_free(m);
    mkt_segment_free(s);
    /* an empty table */
    mkt_table *empty;
    ck_assert_int_eq(mkt_table_new(&empty, f.ctx), MKT_OK);
    s = compile_ok(f.ctx, empty, "not customer.tier = 'GOLD'");
    ck_assert_int_eq(mkt_segment_evaluate(s, f.ctx, empty, &m), MKT_OK);
    ck_assert_uint_eq(mkt_members_rows(m), 0);
    mkt_members_free(m);
    mkt_segment_free(s);
    mkt_table_free(empty);
    done(&f);
}
END_TEST

/* Every allocation of parse, compile, evaluate, record and explain may fail: each call then
 * returns MKT_ENOMEM, leaks nothing, and the final run succeeds. */
static int alloc_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx = NULL;
    mkt_table *t = NULL;
    mkt_rule *r = NULL;
    mkt_segment *s = NULL;
    mkt_members *m = NULL;
    mkt_record *rec = NULL;
    char *text = NULL;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    failalloc_pause(fa);
    t = new_table(ctx, 70);
    set_s(t, "tier", 3, "GOLD");
    set_s(t, "email", 3, "x@Example.com");
    failalloc_resume(fa);
    static const char text_rule[] = "customer.tier in ('GOLD', 'X') and (customer.email matches "
                                    "'example' ci or customer.email ends with '.COM' ci) and "
                                    "not booking.count_12m > 3";
    mkt_segment_options o;
    mkt_segment_options_init(&o);
    o.as_of = TEST_AS_OF;
    int32_t hit = 0;
    if ((rc = mkt_rule_parse(&r, ctx, text_rule, strlen(text_rule), NULL)) ||
        (rc = mkt_rule_format(r, ctx, &text)) ||
        (rc = mkt_segment_compile(&s, ctx, r, t, &o)) ||
        (rc = mkt_segment_evaluate(s, ctx, t, &m)) || (rc = mkt_record_new(&rec, ctx, t)) ||
        (rc = mkt_record_load_row(rec, t, 3)) || (rc = mkt_segment_match(s, rec, &hit)))
        goto out;
    mkt_free(text);
    text = NULL;
    if ((rc = mkt_segment_explain(s, rec, &hit, &text)))
        goto out;
    ck_assert_int_eq(hit, 1);
    ck_assert_uint_eq(mkt_members_count(m), 1);
out:
    mkt_free(text);
    mkt_record_free(rec);
    mkt_members_free(m);
    mkt_segment_free(s);
    mkt_rule_free(r);
    failalloc_pause(fa);
    mkt_table_free(t);
    failalloc_resume(fa);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(test_alloc_failures)
{
    failalloc_run(alloc_scenario, NULL);
    failalloc_run_sticky(alloc_scenario, NULL);
}
END_TEST

START_TEST(test_unicode_case)
{
    struct fixture f = fixture();
    set_s(f.t, "city", 0, "\xc3\x89T\xc3\x89"); /* upper-case E acute, T, E acute */
    expect(&f, "customer.city = '\xc3\xa9t\xc3\xa9' ci", 0x01);
    expect(&f, "customer.city = '\xc3\xa9t\xc3\xa9'", 0x00);
    expect(&f, "customer.city contains 't\xc3\xa9' ci", 0x01);
    done(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("segment");
    TCase *tc = tcase_create("segment");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_operators);
    tcase_add_test(tc, test_null_truth_table);
    tcase_add_test(tc, test_compile_errors);
    tcase_add_test(tc, test_segment_refs);
    tcase_add_test(tc, test_max_nodes);
    tcase_add_test(tc, test_regex_limits);
    tcase_add_test(tc, test_case_default);
    tcase_add_test(tc, test_members);
    tcase_add_test(tc, test_record);
    tcase_add_test(tc, test_schema_growth);
    tcase_add_test(tc, test_alloc_failures);
    tcase_add_test(tc, test_unicode_case);
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

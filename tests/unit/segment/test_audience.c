/* SPDX-License-Identifier: MIT */
/*
 * Audiences (include and/or, minus exclude), deterministic samples and the CSV export of
 * member ids: results checked against sets worked out here, samples against an independent
 * ranking (sort by hash then id), exports read back (gzip through zlib), and every error path.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include "seg-test.h"
#include "util.h"

#define ROWS 200

static mkt_members *set_of(mkt_ctx *ctx, uint64_t rows, int (*pred)(uint64_t))
{
    mkt_members *m;
    ck_assert_int_eq(mkt_members_new(&m, ctx, rows), MKT_OK);
    for (uint64_t r = 0; r < rows; r++)
        if (pred(r))
            ck_assert_int_eq(mkt_members_set(m, r, 1), MKT_OK);
    return m;
}

static int even(uint64_t r) { return r % 2 == 0; }
static int third(uint64_t r) { return r % 3 == 0; }
static int five(uint64_t r) { return r % 5 == 0; }

START_TEST(test_combine)
{
    mkt_ctx *ctx = new_ctx();
    mkt_members *a = set_of(ctx, ROWS, even), *b = set_of(ctx, ROWS, third),
                *c = set_of(ctx, ROWS, five), *out;
    const mkt_members *inc[] = {a, b}, *exc[] = {c};
    ck_assert_int_eq(mkt_audience_combine(&out, ctx, inc, 2, MKT_AUDIENCE_AND, exc, 1), MKT_OK);
    for (uint64_t r = 0; r < ROWS; r++)
        ck_assert_int_eq(mkt_members_contains(out, r), r % 6 == 0 && r % 5 != 0);
    mkt_members_free(out);
    ck_assert_int_eq(mkt_audience_combine(&out, ctx, inc, 2, MKT_AUDIENCE_OR, exc, 1), MKT_OK);
    for (uint64_t r = 0; r < ROWS; r++)
        ck_assert_int_eq(mkt_members_contains(out, r), (r % 2 == 0 || r % 3 == 0) && r % 5);
    ck_assert_uint_eq(mkt_members_rows(out), ROWS);
    mkt_members_free(out);
    ck_assert_int_eq(mkt_audience_combine(&out, ctx, inc, 1, MKT_AUDIENCE_OR, NULL, 0), MKT_OK);
    ck_assert_uint_eq(mkt_members_count(out), ROWS / 2);
    mkt_members_free(out);
    /* errors */
    mkt_members *other;
    ck_assert_int_eq(mkt_members_new(&other, ctx, ROWS + 1), MKT_OK);
    const mkt_members *mixed[] = {a, other}, *with_null[] = {a, NULL};
    ck_assert_int_eq(mkt_audience_combine(&out, ctx, mixed, 2, MKT_AUDIENCE_OR, NULL, 0),
                     MKT_EINVAL);
    ck_assert_ptr_null(out);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "201 rows"));
    ck_assert_int_eq(mkt_audience_combine(&out, ctx, inc, 1, MKT_AUDIENCE_OR, mixed + 1, 1),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_audience_combine(&out, ctx, with_null, 2, MKT_AUDIENCE_OR, NULL, 0),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_audience_combine(&out, ctx, inc, 1, MKT_AUDIENCE_OR, NULL, 1),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_audience_combine(&out, ctx, inc, 0, MKT_AUDIENCE_OR, NULL, 0),
                     MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "at least one include"));
    ck_assert_int_eq(mkt_audience_combine(&out, ctx, inc, 2, 3, NULL, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_audience_combine(NULL, ctx, inc, 2, MKT_AUDIENCE_OR, NULL, 0),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_audience_combine(&out, NULL, inc, 2, MKT_AUDIENCE_OR, NULL, 0),
                     MKT_EINVAL);
    mkt_members_free(other);
    mkt_members_free(a);
    mkt_members_free(b);
    mkt_members_free(c);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_evaluate)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = new_table(ctx, ROWS);
    uint32_t col = col_of(t, "booking.count_12m");
    for (uint64_t r = 0; r < ROWS; r++)
        ck_assert_int_eq(mkt_table_set_int(t, col, r, (int64_t)(r % 10)), MKT_OK);
    mkt_segment *ge5 = compile_ok(ctx, t, "booking.count_12m >= 5");
    mkt_segment *odd = compile_ok(ctx, t, "booking.count_12m in (1, 3, 5, 7, 9)");
    mkt_segment *nine = compile_ok(ctx, t, "booking.count_12m = 9");
    const mkt_segment *inc[] = {ge5, odd}, *exc[] = {nine};
    mkt_members *out;
    ck_assert_int_eq(mkt_audience_evaluate(&out, ctx, t, inc, 2, MKT_AUDIENCE_AND, exc, 1),
                     MKT_OK);
    for (uint64_t r = 0; r < ROWS; r++)
        ck_assert_int_eq(mkt_members_contains(out, r), r % 10 == 5 || r % 10 == 7);
    mkt_members_free(out);
    ck_assert_int_eq(mkt_audience_evaluate(&out, ctx, t, inc, 2, MKT_AUDIENCE_OR, exc, 1),
                     MKT_OK);
    ck_assert_uint_eq(mkt_members_count(out), ROWS / 10 * 6); /* 1 3 5 6 7 8 */
    mkt_members_free(out);
    const mkt_segment *with_null[] = {ge5, NULL};
    ck_assert_int_eq(mkt_audience_evaluate(&out, ctx, t, with_null, 2, MKT_AUDIENCE_OR, NULL,
                                           0),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_audience_evaluate(&out, ctx, t, inc, 2, MKT_AUDIENCE_OR, with_null + 1,
                                           1),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_audience_evaluate(&out, ctx, t, inc, 0, MKT_AUDIENCE_OR, NULL, 0),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_audience_evaluate(&out, ctx, t, inc, 2, 0, NULL, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_audience_evaluate(&out, ctx, NULL, inc, 2, MKT_AUDIENCE_OR, NULL, 0),
                     MKT_EINVAL);
    /* a segment compiled for another schema */
    mkt_table *t2;
    ck_assert_int_eq(mkt_table_new(&t2, ctx), MKT_OK);
    ck_assert_int_eq(mkt_audience_evaluate(&out, ctx, t2, inc, 1, MKT_AUDIENCE_OR, NULL, 0),
                     MKT_ESTATE);
    mkt_table_free(t2);
    mkt_segment_free(ge5);
    mkt_segment_free(odd);
    mkt_segment_free(nine);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- samples ----------------------------------------------------------------------------- */

static mkt_table *table_with_ids(mkt_ctx *ctx, size_t n, int reversed)
{
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    for (size_t i = 0; i < n; i++) {
        char id[32];
        int len = snprintf(id, sizeof id, "cust-%zu", reversed ? n - 1 - i : i);
        ck_assert_int_eq(mkt_table_add_customer(t, id, (size_t)len, NULL), MKT_OK);
    }
    return t;
}

struct keyed {
    uint64_t key;
    const char *id;
};

static int by_key(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return strcmp(x->id, y->id);
}

START_TEST(test_sample)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = table_with_ids(ctx, 1000, 0), *rev = table_with_ids(ctx, 1000, 1);
    mkt_members *all, *all_rev;
    ck_assert_int_eq(mkt_members_new(&all, ctx, 1000), MKT_OK);
    ck_assert_int_eq(mkt_members_new(&all_rev, ctx, 1000), MKT_OK);
    mkt_members_not(all);
    mkt_members_not(all_rev);
    /* the reference: every id ranked by hash(id, seed), ties by id */
    static struct keyed ref[1000];
    for (uint64_t r = 0; r < 1000; r++) {
        ref[r].id = mkt_table_customer_id(t, r);
        ref[r].key = mkt__hash64(ref[r].id, strlen(ref[r].id), 42);
    }
    qsort(ref, 1000, sizeof ref[0], by_key);
    mkt_members *s, *s_rev, *small;
    ck_assert_int_eq(mkt_members_sample(&s, ctx, all, t, 100, 42), MKT_OK);
    ck_assert_int_eq(mkt_members_sample(&s_rev, ctx, all_rev, rev, 100, 42), MKT_OK);
    ck_assert_int_eq(mkt_members_sample(&small, ctx, all, t, 10, 42), MKT_OK);
    ck_assert_uint_eq(mkt_members_count(s), 100);
    ck_assert_uint_eq(mkt_members_count(small), 10);
    for (size_t i = 0; i < 1000; i++) {
        uint64_t row, row_rev;
        ck_assert_int_eq(mkt_table_find(t, ref[i].id, strlen(ref[i].id), &row), MKT_OK);
        ck_assert_int_eq(mkt_table_find(rev, ref[i].id, strlen(ref[i].id), &row_rev), MKT_OK);
        ck_assert_int_eq(mkt_members_contains(s, row), i < 100);
        ck_assert_int_eq(mkt_members_contains(s_rev, row_rev), i < 100); /* row order */
        ck_assert_int_eq(mkt_members_contains(small, row), i < 10);       /* nested */
    }
    mkt_members_free(small);
    /* another seed gives another sample */
    ck_assert_int_eq(mkt_members_sample(&small, ctx, all, t, 100, 43), MKT_OK);
    mkt_members_and(small, s);
    ck_assert_uint_lt(mkt_members_count(small), 100);
    mkt_members_free(small);
    /* only members are sampled; n >= count and n = 0 */
    mkt_members *half;
    ck_assert_int_eq(mkt_members_new(&half, ctx, 1000), MKT_OK);
    for (uint64_t r = 0; r < 1000; r += 2)
        mkt_members_set(half, r, 1);
    ck_assert_int_eq(mkt_members_sample(&small, ctx, half, t, 50, 7), MKT_OK);
    ck_assert_uint_eq(mkt_members_count(small), 50);
    mkt_members_andnot(small, half);
    ck_assert_uint_eq(mkt_members_count(small), 0);
    mkt_members_free(small);
    ck_assert_int_eq(mkt_members_sample(&small, ctx, half, t, 5000, 7), MKT_OK);
    ck_assert_uint_eq(mkt_members_count(small), 500);
    mkt_members_free(small);
    ck_assert_int_eq(mkt_members_sample(&small, ctx, half, t, 0, 7), MKT_OK);
    ck_assert_uint_eq(mkt_members_count(small), 0);
    ck_assert_uint_eq(mkt_members_rows(small), 1000);
    mkt_members_free(small);
    /* errors */
    mkt_members *big;
    ck_assert_int_eq(mkt_members_new(&big, ctx, 1001), MKT_OK);
    ck_assert_int_eq(mkt_members_sample(&small, ctx, big, t, 5, 7), MKT_EINVAL);
    ck_assert_ptr_null(small);
    ck_assert_int_eq(mkt_members_sample(&small, ctx, NULL, t, 5, 7), MKT_EINVAL);
    ck_assert_int_eq(mkt_members_sample(&small, ctx, half, NULL, 5, 7), MKT_EINVAL);
    ck_assert_int_eq(mkt_members_sample(NULL, ctx, half, t, 5, 7), MKT_EINVAL);
    ck_assert_int_eq(mkt_members_sample(&small, NULL, half, t, 5, 7), MKT_EINVAL);
    mkt_members_free(big);
    mkt_members_free(half);
    mkt_members_free(s);
    mkt_members_free(s_rev);
    mkt_members_free(all);
    mkt_members_free(all_rev);
    mkt_table_free(t);
    mkt_table_free(rev);
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- export ------------------------------------------------------------------------------ */

static char dir[] = "/tmp/mkt-audience-XXXXXX";

static void path_in(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

/* The file's content, gunzipped when compressed (zlib reads plain files as they are). */
static char *slurp(const char *path, int *was_gzip)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char magic[2] = {0, 0};
    *was_gzip = fread(magic, 1, 2, f) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    fclose(f);
    gzFile gz = gzopen(path, "rb");
    ck_assert_ptr_nonnull(gz);
    static char buf[1 << 16];
    int n = gzread(gz, buf, sizeof buf - 1);
    ck_assert_int_ge(n, 0);
    buf[n] = '\0';
    gzclose(gz);
    return buf;
}

static size_t dir_entries(void)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static mkt_table *export_table(mkt_ctx *ctx, mkt_members **m)
{
    static const char *const ids[] = {"z9", "é1", "a9", "Z", "a10", "a", "b,c", "q\"t", "nope"};
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    for (size_t i = 0; i < 9; i++)
        ck_assert_int_eq(mkt_table_add_customer(t, ids[i], strlen(ids[i]), NULL), MKT_OK);
    ck_assert_int_eq(mkt_members_new(m, ctx, 9), MKT_OK);
    for (uint64_t r = 0; r < 8; r++)
        mkt_members_set(*m, r, 1);
    return t;
}

static const char want_csv[] = "customer_id\nZ\na\na10\na9\n\"b,c\"\n\"q\"\"t\"\nz9\né1\n";

START_TEST(test_export)
{
    ck_assert_ptr_nonnull(mkdtemp(dir));
    mkt_ctx *ctx = new_ctx();
    mkt_members *m;
    mkt_table *t = export_table(ctx, &m);
    char p[256];
    int gz;
    path_in(p, sizeof p, "m.csv");
    ck_assert_int_eq(mkt_members_export_csv(m, ctx, t, p, NULL), MKT_OK);
    ck_assert_str_eq(slurp(p, &gz), want_csv);
    ck_assert_int_eq(gz, 0);
    /* over an existing file, by suffix, forced and refused gzip */
    ck_assert_int_eq(mkt_members_export_csv(m, ctx, t, p, NULL), MKT_OK);
    path_in(p, sizeof p, "m.csv.gz");
    ck_assert_int_eq(mkt_members_export_csv(m, ctx, t, p, NULL), MKT_OK);
    ck_assert_str_eq(slurp(p, &gz), want_csv);
    ck_assert_int_eq(gz, 1);
    mkt_export_options o;
    ck_assert_int_eq(mkt_export_options_init(&o), MKT_OK);
    o.gzip = MKT_EXPORT_GZIP_ALWAYS;
    o.gzip_level = 9;
    path_in(p, sizeof p, "forced.out");
    ck_assert_int_eq(mkt_members_export_csv(m, ctx, t, p, &o), MKT_OK);
    ck_assert_str_eq(slurp(p, &gz), want_csv);
    ck_assert_int_eq(gz, 1);
    o.gzip = MKT_EXPORT_GZIP_NEVER;
    path_in(p, sizeof p, "plain.gz");
    ck_assert_int_eq(mkt_members_export_csv(m, ctx, t, p, &o), MKT_OK);
    slurp(p, &gz);
    ck_assert_int_eq(gz, 0);
    ck_assert_uint_eq(dir_entries(), 4); /* no temporary file left */
    /* an empty set: the header only */
    mkt_members *none;
    ck_assert_int_eq(mkt_members_new(&none, ctx, 9), MKT_OK);
    path_in(p, sizeof p, "m.csv");
    ck_assert_int_eq(mkt_members_export_csv(none, ctx, t, p, NULL), MKT_OK);
    ck_assert_str_eq(slurp(p, &gz), "customer_id\n");
    mkt_members_free(none);
    mkt_members_free(m);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_export_fd)
{
    mkt_ctx *ctx = new_ctx();
    mkt_members *m;
    mkt_table *t = export_table(ctx, &m);
    char p[256];
    int gz;
    path_in(p, sizeof p, "fd.csv.gz");
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    /* AUTO never compresses a descriptor, whatever the file is called */
    ck_assert_int_eq(mkt_members_export_csv_fd(m, ctx, t, fd, NULL), MKT_OK);
    ck_assert_int_eq(write(fd, "end\n", 4), 4); /* the descriptor stays open */
    close(fd);
    char want[512];
    snprintf(want, sizeof want, "%send\n", want_csv);
    ck_assert_str_eq(slurp(p, &gz), want);
    ck_assert_int_eq(gz, 0);
    mkt_export_options o = MKT_EXPORT_OPTIONS_INIT;
    o.gzip = MKT_EXPORT_GZIP_ALWAYS;
    path_in(p, sizeof p, "x.csv");
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_eq(mkt_members_export_csv_fd(m, ctx, t, fd, &o), MKT_OK);
    close(fd);
    ck_assert_str_eq(slurp(p, &gz), want_csv);
    ck_assert_int_eq(gz, 1);
    unlink(p);
    if (access("/dev/full", W_OK) == 0) {
        for (int i = 0; i < 2; i++) {
            fd = open("/dev/full", O_WRONLY);
            o.gzip = i ? MKT_EXPORT_GZIP_ALWAYS : MKT_EXPORT_GZIP_NEVER;
            ck_assert_int_eq(mkt_members_export_csv_fd(m, ctx, t, fd, &o), MKT_EIO);
            ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "file descriptor"));
            close(fd);
        }
    }
    mkt_members_free(m);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_export_errors)
{
    mkt_ctx *ctx = new_ctx();
    mkt_members *m, *big;
    mkt_table *t = export_table(ctx, &m);
    char p[256];
    path_in(p, sizeof p, "no-such-dir/m.csv");
    ck_assert_int_eq(mkt_members_export_csv(m, ctx, t, p, NULL), MKT_EIO);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, p));
    /* a directory in the way: the rename fails, the temporary file goes away */
    path_in(p, sizeof p, "taken");
    ck_assert_int_eq(mkdir(p, 0755), 0);
    size_t before = dir_entries();
    ck_assert_int_eq(mkt_members_export_csv(m, ctx, t, p, NULL), MKT_EIO);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "taken"));
    ck_assert_uint_eq(dir_entries(), before);
    rmdir(p);
    mkt_export_options o = MKT_EXPORT_OPTIONS_INIT;
    o.gzip = 7;
    path_in(p, sizeof p, "x.csv");
    ck_assert_int_eq(mkt_members_export_csv(m, ctx, t, p, &o), MKT_EINVAL);
    o.gzip = MKT_EXPORT_GZIP_AUTO;
    o.gzip_level = 0;
    ck_assert_int_eq(mkt_members_export_csv(m, ctx, t, p, &o), MKT_EINVAL);
    o.struct_size = 0;
    ck_assert_int_eq(mkt_members_export_csv(m, ctx, t, p, &o), MKT_EINVAL);
    ck_assert_int_eq(mkt_members_export_csv_fd(m, ctx, t, 1, &o), MKT_EINVAL);
    ck_assert_int_eq(mkt_members_export_csv(m, ctx, t, "", NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_members_export_csv(m, ctx, t, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_members_export_csv(NULL, ctx, t, p, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_members_export_csv(m, ctx, NULL, p, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_members_export_csv(m, NULL, t, p, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_members_export_csv_fd(m, ctx, t, -1, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_export_options_init(NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_members_new(&big, ctx, 10), MKT_OK);
    ck_assert_int_eq(mkt_members_export_csv(big, ctx, t, p, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_members_export_csv_fd(big, ctx, t, 1, NULL), MKT_EINVAL);
    ck_assert_int_eq(access(p, F_OK), -1); /* nothing written */
    mkt_members_free(big);
    mkt_members_free(m);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

static void cleanup(void)
{
    static const char *const names[] = {"m.csv", "m.csv.gz", "forced.out", "plain.gz",
                                        "fd.csv.gz", "x.csv"};
    char p[256];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        path_in(p, sizeof p, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

static Suite *suite(void)
{
    Suite *s = suite_create("audience");
    TCase *tc = tcase_create("audience");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_combine);
    tcase_add_test(tc, test_evaluate);
    tcase_add_test(tc, test_sample);
    tcase_add_test(tc, test_export);
    tcase_add_test(tc, test_export_fd);
    tcase_add_test(tc, test_export_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_set_fork_status(sr, CK_NOFORK); /* the export tests share one directory */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    cleanup();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

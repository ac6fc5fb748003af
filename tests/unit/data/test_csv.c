/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the internal CSV reader: RFC 4180 edge cases (quotes, escapes, CRLF, BOM,
 * empty fields, embedded newlines and physical line numbers), strict UTF-8, size limits, gzip
 * (plain, concatenated, truncated, corrupt, detected by magic), files and progress. Every case
 * runs with several read block sizes so that records crossing block boundaries are covered.
 */
#include "data-test.h"
#include "data/csv-private.h"

static const size_t blocks[] = {1, 2, 3, 5, 64, 0};

/* Serialise every record as "line:[f1|f2|...]\n" into @out; returns the reader's status. */
static int read_all(mkt_ctx *ctx, const void *data, size_t len, size_t block, int sep,
                    char *out, size_t cap)
{
    struct mkt__csv_options o = {0};
    o.sep = sep;
    o.block_size = block;
    mkt__csv *r;
    int rc = mkt__csv_open_memory(&r, ctx, "mem", data, len, &o);
    if (rc)
        return rc;
    size_t n = 0;
    out[0] = '\0';
    while ((rc = mkt__csv_next(r)) == 1) {
        n += (size_t)snprintf(out + n, cap - n, "%llu:[", (unsigned long long)r->line);
        for (size_t i = 0; i < r->nfields; i++)
            n += (size_t)snprintf(out + n, cap - n, "%s%.*s", i ? "|" : "",
                                  (int)r->fields[i].len, r->fields[i].ptr);
        n += (size_t)snprintf(out + n, cap - n, "]\n");
        ck_assert_uint_lt(n, cap);
    }
    mkt__csv_free(r);
    return rc;
}

struct ok_case {
    const char *in;
    size_t len; /* 0: strlen */
    int sep;
    const char *want;
};

static const struct ok_case ok_cases[] = {
    {"a,b,c\n1,2,3\n", 0, 0, "1:[a|b|c]\n2:[1|2|3]\n"},
    {"a,b\n1,2", 0, 0, "1:[a|b]\n2:[1|2]\n"},
    {"a,b\r\n1,2\r\n", 0, 0, "1:[a|b]\n2:[1|2]\n"},
    {"\xEF\xBB\xBF" "a,b\n1,2\n", 0, 0, "1:[a|b]\n2:[1|2]\n"},
    {",,\n,a,\n", 0, 0, "1:[||]\n2:[|a|]\n"},
    {"\"a,b\",\"c\"\"d\",\"\"\n", 0, 0, "1:[a,b|c\"d|]\n"},
    {"id,text\n1,\"line1\nline2\"\n2,x\n", 0, 0, "1:[id|text]\n2:[1|line1\nline2]\n4:[2|x]\n"},
    {"a\n\n\nb\n", 0, 0, "1:[a]\n4:[b]\n"},
    {"a\r\n\r\nb\r\n", 0, 0, "1:[a]\n3:[b]\n"},
    {"\"x\r\ny\"\r\nz\r\n", 0, 0, "1:[x\r\ny]\n3:[z]\n"},
    {"\xC3\xA9,\xE6\x97\xA5\xE6\x9C\xAC,\xF0\x9F\x98\x80\n", 0, 0,
     "1:[\xC3\xA9|\xE6\x97\xA5\xE6\x9C\xAC|\xF0\x9F\x98\x80]\n"},
    {"a,", 0, 0, "1:[a|]\n"},
    {"\"\"", 0, 0, "1:[]\n"},
    {"", 0, 0, ""},
    {"\xEF\xBB\xBF", 0, 0, ""},
    {"\n\n", 0, 0, ""},
    {"a;b,c\n", 0, ';', "1:[a|b,c]\n"},
    {"a\tb\n", 0, '\t', "1:[a|b]\n"},
    {"\"\"\"\"\"\"\"\"\n", 0, 0, "1:[\"\"\"]\n"},
    {"\"a\"\"\",\"\"\"b\"\n", 0, 0, "1:[a\"|\"b]\n"},
    {"x,\"multi\n\nline\",y\nnext\n", 0, 0, "1:[x|multi\n\nline|y]\n4:[next]\n"},
    {"\"quoted at eof\"", 0, 0, "1:[quoted at eof]\n"},
    {"a\r\n", 0, 0, "1:[a]\n"},
};

START_TEST(test_ok_cases)
{
    mkt_ctx *ctx = new_ctx();
    const struct ok_case *c = &ok_cases[_i];
    size_t len = c->len ? c->len : strlen(c->in);
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        char out[1024];
        int rc = read_all(ctx, c->in, len, blocks[b], c->sep, out, sizeof out);
        ck_assert_msg(rc == 0, "case %d block %zu: rc %d (%s)", _i, blocks[b], rc,
                      last_msg(ctx));
        ck_assert_msg(strcmp(out, c->want) == 0, "case %d block %zu: got '%s' want '%s'", _i,
                      blocks[b], out, c->want);
    }
    mkt_ctx_free(ctx);
}
END_TEST

struct err_case {
    const char *in;
    size_t len;
    int code;
    uint64_t line, column;
    const char *text;
};

static const struct err_case err_cases[] = {
    {"a,b\n1,\"xx\n", 0, MKT_EPARSE, 2, 2, "unterminated quoted field"},
    {"\"ab\"c,d\n", 0, MKT_EPARSE, 1, 1, "after the closing quote"},
    {"x,ab\"c\n", 0, MKT_EPARSE, 1, 2, "quote inside an unquoted field"},
    {"a\rb\n", 0, MKT_EPARSE, 1, 1, "carriage return"},
    {"a,b\r", 0, MKT_EPARSE, 1, 2, "carriage return"},
    {"ok\nx,\xC3\x28\n", 0, MKT_EPARSE, 2, 2, "invalid UTF-8"},
    {"\xC0\xAF\n", 0, MKT_EPARSE, 1, 1, "invalid UTF-8"},
    {"\xED\xA0\x80\n", 0, MKT_EPARSE, 1, 1, "invalid UTF-8"},
    {"\xF4\x90\x80\x80\n", 0, MKT_EPARSE, 1, 1, "invalid UTF-8"},
    {"\xFF\n", 0, MKT_EPARSE, 1, 1, "invalid UTF-8"},
    {"ab\xE2\x82", 0, MKT_EPARSE, 1, 1, "invalid UTF-8"},
    {"\"a\xFF\"\n", 0, MKT_EPARSE, 1, 1, "invalid UTF-8"},
    {"\"a\xE2\x82\"\n", 0, MKT_EPARSE, 1, 1, "invalid UTF-8"},
    {"a\0b\n", 4, MKT_EPARSE, 1, 1, "NUL byte"},
    {"\"a\0b\"\n", 6, MKT_EPARSE, 1, 1, "NUL byte"},
    {"h\n\"a\nb\nc\"\n\"d\xFF\"\n", 0, MKT_EPARSE, 5, 1, "invalid UTF-8"},
    {"\"a\nb\xFF\"\n", 0, MKT_EPARSE, 2, 1, "invalid UTF-8"},
    {"h\n\"a\nb\nc\",\"d\"x\n", 0, MKT_EPARSE, 4, 2, "after the closing quote"},
    {"x\n\n\"open\nand never closed", 0, MKT_EPARSE, 3, 1, "unterminated quoted field"},
};

START_TEST(test_err_cases)
{
    mkt_ctx *ctx = new_ctx();
    const struct err_case *c = &err_cases[_i];
    size_t len = c->len ? c->len : strlen(c->in);
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        char out[1024];
        int rc = read_all(ctx, c->in, len, blocks[b], 0, out, sizeof out);
        const mkt_error *e = mkt_ctx_last_error(ctx);
        ck_assert_msg(rc == c->code, "case %d block %zu: rc %d", _i, blocks[b], rc);
        ck_assert_msg(e->line == c->line && e->column == c->column,
                      "case %d block %zu: at %llu:%llu want %llu:%llu (%s)", _i, blocks[b],
                      (unsigned long long)e->line, (unsigned long long)e->column,
                      (unsigned long long)c->line, (unsigned long long)c->column, e->message);
        ck_assert_msg_has(ctx, c->text);
        ck_assert_str_eq(e->source, "mem");
    }
    mkt_ctx_free(ctx);
}
END_TEST

static mkt_ctx *ctx_with_limits(uint32_t max_field, uint32_t max_fields)
{
    mkt_ctx_options o;
    ck_assert_int_eq(mkt_ctx_options_init(&o), MKT_OK);
    o.max_field_bytes = max_field;
    o.max_fields = max_fields;
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, &o), MKT_OK);
    return ctx;
}

START_TEST(test_limits)
{
    mkt_ctx *ctx = ctx_with_limits(4, 3);
    char out[256];
    static const struct {
        const char *in;
        int code;
        uint64_t col;
    } cases[] = {
        {"abcd,abcd,abcd\n", MKT_OK, 0},
        {"abcd,abcde\n", MKT_ETOOBIG, 2},
        {"\"abcde\"\n", MKT_ETOOBIG, 1},
        {"\"ab\"\"cd\"\n", MKT_ETOOBIG, 1},
        {"\"ab\"\"c\"\n", MKT_OK, 0},
        {"a,b,c,d\n", MKT_ETOOBIG, 4},
        {"abcdefghijklmnopqrstuvwxyz", MKT_ETOOBIG, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
            int rc = read_all(ctx, cases[i].in, strlen(cases[i].in), blocks[b], 0, out,
                              sizeof out);
            ck_assert_msg(rc == cases[i].code, "limit case %zu block %zu: rc %d", i, blocks[b],
                          rc);
            if (rc)
                ck_assert_uint_eq(mkt_ctx_last_error(ctx)->column, cases[i].col);
        }
    }
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_long_fields_grow_buffer)
{
    /* Fields longer than the 256 KiB block must still parse (the buffer grows). */
    size_t n = 700000;
    char *data = malloc(n + 16);
    ck_assert_ptr_nonnull(data);
    data[0] = '"';
    memset(data + 1, 'x', n);
    memcpy(data + 1 + n, "\",y\nz\n", 6);
    mkt_ctx *ctx = new_ctx();
    struct mkt__csv_options o = {0};
    mkt__csv *r;
    ck_assert_int_eq(mkt__csv_open_memory(&r, ctx, "big", data, n + 7, &o), MKT_OK);
    ck_assert_int_eq(mkt__csv_next(r), 1);
    ck_assert_uint_eq(r->nfields, 2);
    ck_assert_uint_eq(r->fields[0].len, n);
    ck_assert_int_eq(mkt__csv_next(r), 1);
    ck_assert_uint_eq(r->line, 2);
    ck_assert_int_eq(mkt__csv_next(r), 0);
    mkt__csv_free(r);
    mkt_ctx_free(ctx);
    free(data);
}
END_TEST

START_TEST(test_header_names_in_errors)
{
    mkt_ctx *ctx = new_ctx();
    struct mkt__csv_options o = {0};
    o.has_header = 1;
    const char *in = "id,amount\n1,\"x\"y\n";
    mkt__csv *r;
    ck_assert_int_eq(mkt__csv_open_memory(&r, ctx, "b.csv", in, strlen(in), &o), MKT_OK);
    ck_assert_int_eq(mkt__csv_next(r), 1);
    ck_assert_str_eq(mkt__csv_column_name(r, 1), "amount");
    ck_assert_ptr_null(mkt__csv_column_name(r, 2));
    ck_assert_int_eq(mkt__csv_next(r), MKT_EPARSE);
    ck_assert_str_eq(last_msg(ctx), "b.csv:2:2: amount: unexpected character after the closing quote");
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->field, "amount");
    mkt__csv_free(r);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_bad_separator)
{
    mkt_ctx *ctx = new_ctx();
    struct mkt__csv_options o = {0};
    mkt__csv *r;
    int bad[] = {'"', '\n', '\r', 200, -1};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o.sep = bad[i];
        ck_assert_int_eq(mkt__csv_open_memory(&r, ctx, "m", "a", 1, &o), MKT_EINVAL);
        ck_assert_ptr_null(r);
    }
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- gzip ------------------------------------------------------------------------------ */

static const char *sample = "id,text\n1,\"line1\nline2\"\n2,x\n";
static const char *sample_want = "1:[id|text]\n2:[1|line1\nline2]\n4:[2|x]\n";

START_TEST(test_gzip_memory)
{
    mkt_ctx *ctx = new_ctx();
    size_t n;
    unsigned char *gz = gzip_bytes(sample, strlen(sample), &n);
    char out[512];
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        ck_assert_int_eq(read_all(ctx, gz, n, blocks[b], 0, out, sizeof out), 0);
        ck_assert_str_eq(out, sample_want);
    }
    /* Concatenated members read as one stream. */
    unsigned char *two = malloc(2 * n);
    memcpy(two, gz, n);
    memcpy(two + n, gz, n);
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        ck_assert_int_eq(read_all(ctx, two, 2 * n, blocks[b], 0, out, sizeof out), 0);
        ck_assert_str_eq(out, "1:[id|text]\n2:[1|line1\nline2]\n4:[2|x]\n"
                              "5:[id|text]\n6:[1|line1\nline2]\n8:[2|x]\n");
    }
    /* Truncated anywhere: an I/O error naming the source, never a silent short read. */
    for (size_t cut = 2; cut < n; cut++) {
        int rc = read_all(ctx, gz, cut, 0, 0, out, sizeof out);
        ck_assert_msg(rc == MKT_EIO, "cut at %zu: rc %d", cut, rc);
        ck_assert_str_eq(mkt_ctx_last_error(ctx)->source, "mem");
    }
    ck_assert_int_eq(read_all(ctx, gz, n - 3, 0, 0, out, sizeof out), MKT_EIO);
    ck_assert_msg_has(ctx, "truncated gzip stream");
    /* Corrupt data or checksum. */
    unsigned char *bad = malloc(n);
    memcpy(bad, gz, n);
    bad[n - 6] ^= 0x55; /* inside the CRC32 trailer */
    ck_assert_int_eq(read_all(ctx, bad, n, 0, 0, out, sizeof out), MKT_EIO);
    ck_assert_msg_has(ctx, "corrupt gzip stream");
    memcpy(bad, gz, n);
    bad[3] = 0xE0; /* reserved flag bits */
    ck_assert_int_eq(read_all(ctx, bad, n, 0, 0, out, sizeof out), MKT_EIO);
    /* Trailing garbage after a member. */
    memcpy(two + n, "garbage!", 8);
    ck_assert_int_eq(read_all(ctx, two, n + 8, 0, 0, out, sizeof out), MKT_EIO);
    free(bad);
    free(two);
    free(gz);
    mkt_ctx_free(ctx);
}
END_TEST

static int read_file(mkt_ctx *ctx, const char *path, char *out, size_t cap)
{
    mkt__csv *r;
    int rc = mkt__csv_open_file(&r, ctx, path, NULL);
    if (rc)
        return rc;
    size_t n = 0;
    while ((rc = mkt__csv_next(r)) == 1) {
        for (size_t i = 0; i < r->nfields; i++)
            n += (size_t)snprintf(out + n, cap - n, "%s%.*s", i ? "|" : "",
                                  (int)r->fields[i].len, r->fields[i].ptr);
        n += (size_t)snprintf(out + n, cap - n, ";");
    }
    mkt__csv_free(r);
    return rc;
}

START_TEST(test_files)
{
    mkt_ctx *ctx = new_ctx();
    char out[512] = "";
    ck_assert_int_eq(read_file(ctx, write_text("plain.csv", "a,b\n1,2\n"), out, sizeof out), 0);
    ck_assert_str_eq(out, "a|b;1|2;");
    out[0] = '\0';
    /* gzip is recognised by its magic bytes, whatever the name. */
    ck_assert_int_eq(read_file(ctx, write_gzip("zipped.csv", "a,b\n1,2\n"), out, sizeof out), 0);
    ck_assert_str_eq(out, "a|b;1|2;");
    out[0] = '\0';
    ck_assert_int_eq(read_file(ctx, write_gzip("z.csv.gz", "a\n"), out, sizeof out), 0);
    ck_assert_str_eq(out, "a;");
    const char *fake = write_text("fake.csv.gz", "a,b\n");
    ck_assert_int_eq(read_file(ctx, fake, out, sizeof out), MKT_EIO);
    ck_assert_msg_has(ctx, "not in gzip format");
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->source, fake);
    ck_assert_int_eq(read_file(ctx, write_text("empty.csv.gz", ""), out, sizeof out), MKT_EIO);
    ck_assert_int_eq(read_file(ctx, "/nonexistent/dir/x.csv", out, sizeof out), MKT_EIO);
    ck_assert_msg_has(ctx, "/nonexistent/dir/x.csv: cannot open");
    ck_assert_int_eq(read_file(ctx, test_dir(), out, sizeof out), MKT_EIO);
    mkt__csv *r;
    ck_assert_int_eq(mkt__csv_open_file(&r, ctx, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt__csv_open_file(NULL, ctx, "x", NULL), MKT_EINVAL);
    mkt_ctx_free(ctx);
}
END_TEST

struct progress_log {
    int calls;
    uint64_t last_done, total, rows;
    int abort_after;
};

static int on_progress(uint64_t done, uint64_t total, uint64_t rows, void *data)
{
    struct progress_log *p = data;
    ck_assert_uint_ge(done, p->last_done);
    p->calls++;
    p->last_done = done;
    p->total = total;
    p->rows = rows;
    return p->abort_after && p->calls >= p->abort_after;
}

static char *big_csv(size_t rows, size_t *len)
{
    char *s = malloc(rows * 40 + 32);
    size_t n = (size_t)sprintf(s, "id,name,value\n");
    for (size_t i = 0; i < rows; i++)
        n += (size_t)sprintf(s + n, "%zu,customer number %zu,%zu.25\n", i, i, i % 1000);
    *len = n;
    return s;
}

START_TEST(test_progress)
{
    mkt_ctx *ctx = new_ctx();
    size_t len;
    char *text = big_csv(100000, &len); /* about 3.5 MB */
    for (int gz = 0; gz < 2; gz++) {
        const char *path;
        size_t stored = len;
        if (gz) {
            unsigned char *z = gzip_bytes(text, len, &stored);
            path = write_bytes("big.csv.gz", z, stored);
            free(z);
        } else {
            path = write_bytes("big.csv", text, len);
        }
        struct progress_log log = {0};
        struct mkt__csv_options o = {0};
        o.progress = on_progress;
        o.progress_data = &log;
        mkt__csv *r;
        ck_assert_int_eq(mkt__csv_open_file(&r, ctx, path, &o), MKT_OK);
        int rc;
        uint64_t records = 0;
        while ((rc = mkt__csv_next(r)) == 1)
            records++;
        ck_assert_int_eq(rc, 0);
        ck_assert_int_eq(mkt__csv_finish(r), MKT_OK);
        mkt__csv_free(r);
        ck_assert_uint_eq(records, 100001);
        ck_assert_int_ge(log.calls, gz ? 1 : 3);
        ck_assert_uint_eq(log.last_done, stored); /* stored bytes: compressed for gzip */
        ck_assert_uint_eq(log.total, stored);
        ck_assert_uint_eq(log.rows, 100001);

        struct progress_log stop = {0};
        stop.abort_after = 1;
        o.progress_data = &stop;
        ck_assert_int_eq(mkt__csv_open_file(&r, ctx, path, &o), MKT_OK);
        while ((rc = mkt__csv_next(r)) == 1)
            ;
        if (rc == 0)
            rc = mkt__csv_finish(r);
        ck_assert_int_eq(rc, MKT_EUSER);
        mkt__csv_free(r);
    }
    free(text);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_utf8_helpers)
{
    ck_assert_int_eq(mkt__utf8_valid("", 0), 1);
    ck_assert_int_eq(mkt__utf8_valid("plain ascii text, long enough for words", 39), 1);
    ck_assert_int_eq(mkt__utf8_valid("caf\xC3\xA9 au lait", 13), 1);
    ck_assert_int_eq(mkt__utf8_valid("abcdefgh\0", 9), 0);
    ck_assert_int_eq(mkt__utf8_valid("abcdefghijklmnop\x80", 17), 0);
    ck_assert_int_eq(mkt__utf8_valid("\xE0\x80\x80", 3), 0); /* overlong */
    ck_assert_int_eq(mkt__utf8_valid("\xF0\x8F\xBF\xBF", 4), 0); /* overlong */
    ck_assert_int_eq(mkt__utf8_valid("\xF4\x8F\xBF\xBF", 4), 1); /* U+10FFFF */
    ck_assert_int_eq(mkt__utf8_valid("\xF5\x80\x80\x80", 4), 0);
    ck_assert_int_eq(mkt__utf8_valid("\xEF\xBF\xBF", 3), 1);
    ck_assert_int_eq(mkt__utf8_seq((const unsigned char *)"\xE2\x82", 2), 0);
    ck_assert_int_eq(mkt__utf8_seq((const unsigned char *)"\xE2\x28", 2), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("reader");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_ok_cases, 0, (int)(sizeof ok_cases / sizeof ok_cases[0]));
    tcase_add_loop_test(tc, test_err_cases, 0, (int)(sizeof err_cases / sizeof err_cases[0]));
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_long_fields_grow_buffer);
    tcase_add_test(tc, test_header_names_in_errors);
    tcase_add_test(tc, test_bad_separator);
    tcase_add_test(tc, test_gzip_memory);
    tcase_add_test(tc, test_files);
    tcase_add_test(tc, test_progress);
    tcase_add_test(tc, test_utf8_helpers);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

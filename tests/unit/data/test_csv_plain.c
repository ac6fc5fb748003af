/* SPDX-License-Identifier: MIT */
/*
 * The plain-record path of the CSV reader (lib/data/csv-plain.c): what it takes and where it
 * hands a record back untouched, at the edges of its 64-byte blocks; and a randomized
 * comparison of the whole reader (plain path, fast path, general parser, every block size)
 * against a straightforward RFC 4180 parser written here.
 */
#include "data-test.h"
#include "data/csv-private.h"

#define MAXF 64

/* A reader over @text as a quiet worker sees a chunk: the whole text, nothing consumed. */
static void reader_over(mkt__csv *r, struct mkt__csv_field *fields, const char *text,
                        size_t len, uint32_t max_field)
{
    memset(r, 0, sizeof *r);
    r->buf = (char *)(uintptr_t)text;
    r->start = 0;
    r->end = len;
    r->next_line = 1;
    r->fields = fields;
    r->fields_cap = MAXF;
    r->max_fields = MAXF;
    r->max_field = max_field;
    r->sep = ',';
}

/* A record of @nf fields "x...x" of @w bytes each, then a line feed, then @tail. */
static size_t make_record(char *buf, size_t nf, size_t w, const char *tail)
{
    size_t n = 0;
    for (size_t f = 0; f < nf; f++) {
        memset(buf + n, 'x', w);
        n += w;
        buf[n++] = f + 1 < nf ? ',' : '\n';
    }
    n += (size_t)sprintf(buf + n, "%s", tail);
    return n;
}

START_TEST(test_takes_plain_records)
{
    char text[512];
    struct mkt__csv_field fields[MAXF];
    mkt__csv r;
    /* The line feed at each position of the first and second block, bit 63 included: records
     * of 1 field of w bytes, then 64 bytes of a second record so the block is full. */
    for (size_t w = 0; w < 130; w++) {
        size_t n = make_record(text, 1, w, "");
        n += make_record(text + n, 4, 15, ""); /* 64 bytes: a block is always there */
        reader_over(&r, fields, text, n, 1000);
        ck_assert_int_eq(mkt__csv_plain_record(&r), 1);
        ck_assert_uint_eq(r.nfields, 1);
        ck_assert_uint_eq(fields[0].len, w);
        ck_assert_uint_eq(r.start, w + 1);
        ck_assert_uint_eq(r.line, 1);
        ck_assert_uint_eq(r.next_line, 2);
        ck_assert_uint_eq(r.records, 1);
    }
    /* Twenty fields of 7 bytes (160 bytes: three blocks), the last one cut to 6 bytes and an
     * empty 21st after it: "...,xxxxxx,\n". */
    size_t n = make_record(text, 20, 7, "");
    text[n - 2] = ',';
    text[n - 1] = '\n';
    n += make_record(text + n, 8, 7, "");
    reader_over(&r, fields, text, n, 1000);
    ck_assert_int_eq(mkt__csv_plain_record(&r), 1);
    ck_assert_uint_eq(r.nfields, 21);
    ck_assert_uint_eq(fields[19].len, 6);
    ck_assert_ptr_eq(fields[19].ptr, text + 19 * 8);
    ck_assert_uint_eq(fields[20].len, 0);
    ck_assert_uint_eq(r.start, 160);
}
END_TEST

/* Bytes the path does not take before the line feed hand the record back with nothing
 * changed; after the line feed they belong to the next record and do not matter. */
START_TEST(test_hands_back_untouched)
{
    static const char odd[] = {'"', '\r', '\0', (char)0xC3};
    char text[512];
    struct mkt__csv_field fields[MAXF];
    mkt__csv r;
    for (size_t k = 0; k < sizeof odd; k++) {
        for (size_t at = 0; at < 100; at += 7) {
            size_t n = make_record(text, 5, 20, "");   /* 105 bytes */
            n += make_record(text + n, 5, 20, "");
            text[at] = odd[k];
            reader_over(&r, fields, text, n, 1000);
            int got = mkt__csv_plain_record(&r);
            ck_assert_int_eq(got, 0);
            ck_assert_uint_eq(r.start, 0);
            ck_assert_uint_eq(r.records, 0);
            ck_assert_uint_eq(r.next_line, 1);
        }
        size_t n = make_record(text, 2, 10, ""); /* 22 bytes, then the odd byte */
        n += make_record(text + n, 5, 20, "");
        text[23] = odd[k];
        reader_over(&r, fields, text, n, 1000);
        ck_assert_int_eq(mkt__csv_plain_record(&r), 1);
        ck_assert_uint_eq(r.start, 22);
    }
    /* Fewer than 64 bytes left: the fast path's. A separator other than the reader's is data. */
    size_t n = make_record(text, 3, 10, "");
    reader_over(&r, fields, text, n, 1000);
    ck_assert_int_eq(mkt__csv_plain_record(&r), 0);
    n = make_record(text, 3, 30, "");
    n += make_record(text + n, 1, 70, "");
    reader_over(&r, fields, text, n, 1000);
    r.sep = ';';
    ck_assert_int_eq(mkt__csv_plain_record(&r), 1);
    ck_assert_uint_eq(r.nfields, 1);
    ck_assert_uint_eq(fields[0].len, 92);
}
END_TEST

/* The limits: a field of max_field bytes passes and one more byte does not; a record with
 * more fields than the reader holds is handed back. */
START_TEST(test_limits)
{
    char text[512];
    struct mkt__csv_field fields[MAXF];
    mkt__csv r;
    size_t n = make_record(text, 1, 90, "");
    n += make_record(text + n, 1, 90, "");
    reader_over(&r, fields, text, n, 90);
    ck_assert_int_eq(mkt__csv_plain_record(&r), 1);
    reader_over(&r, fields, text, n, 89);
    ck_assert_int_eq(mkt__csv_plain_record(&r), 0);
    n = make_record(text, 40, 1, "");
    n += make_record(text + n, 1, 90, "");
    reader_over(&r, fields, text, n, 1000);
    r.fields_cap = 39;
    ck_assert_int_eq(mkt__csv_plain_record(&r), 0);
    r.fields_cap = 40;
    ck_assert_int_eq(mkt__csv_plain_record(&r), 1);
    ck_assert_uint_eq(r.nfields, 40);
}
END_TEST

/* ---- the whole reader against a reference parser on random text ------------------------ */

static uint64_t rng_state;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
    return (unsigned)(rng_state >> 33) % n;
}

/* Random CSV: mostly long plain records, some with quotes (separators, "" pairs and line
 * feeds inside), CRLF ends, UTF-8, blank lines. */
static size_t random_csv(char *out, int sep)
{
    size_t n = 0;
    static const char *const words[] = {"B000123", "2025-06-01", "INTERNATIONAL", "184.00",
                                        "", "caf\xC3\xA9", "a\"\"b", "x\ny", "\xE6\x97\xA5"};
    for (int rec = 0, nrec = 20 + (int)rnd(40); rec < nrec; rec++) {
        int crlf = rnd(10) == 0, fields = 1 + (int)rnd(18);
        for (int f = 0; f < fields; f++) {
            unsigned k = rnd(40);
            if (k < 30) { /* plain: digits and letters */
                for (unsigned i = 0, len = rnd(14); i < len; i++)
                    out[n++] = (char)('a' + rnd(26));
            } else if (k < 36) {
                n += (size_t)sprintf(out + n, "%s", words[rnd(6)]);
            } else { /* quoted, maybe holding a separator, a "" pair or a line feed */
                n += (size_t)sprintf(out + n, "\"%s%c%s\"", words[rnd(9)], sep, words[rnd(4)]);
            }
            if (f + 1 < fields)
                out[n++] = (char)sep;
        }
        n += (size_t)sprintf(out + n, "%s", crlf ? "\r\n" : "\n");
        if (rnd(15) == 0)
            out[n++] = '\n';
    }
    return n;
}

/* RFC 4180 the plain way: "line:[f1|f2|...]\n" per record, lines counted by line feeds,
 * blank lines skipped, CRLF or LF ends. */
static void reference(const char *in, size_t len, int sep, char *out)
{
    size_t i = 0, line = 1;
    out[0] = '\0';
    while (i < len) {
        if (in[i] == '\n' || (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n')) {
            i += in[i] == '\r' ? 2 : 1;
            line++;
            continue; /* a blank line */
        }
        size_t first = line;
        out += sprintf(out, "%zu:[", first);
        for (int f = 0;; f++) {
            if (f)
                *out++ = '|';
            if (in[i] == '"') {
                for (i++; !(in[i] == '"' && in[i + 1] != '"'); i++) {
                    line += in[i] == '\n';
                    *out++ = in[i];
                    i += in[i] == '"';
                }
                i++;
            } else {
                while (i < len && in[i] != sep && in[i] != '\n' && in[i] != '\r')
                    *out++ = in[i++];
            }
            if (in[i] == sep) {
                i++;
                continue;
            }
            i += in[i] == '\r' ? 2 : 1;
            line++;
            break;
        }
        out += sprintf(out, "]\n");
    }
    *out = '\0';
}

static size_t read_all(mkt_ctx *ctx, const char *data, size_t len, size_t block, int sep,
                       char *out)
{
    struct mkt__csv_options o = {0};
    o.sep = sep;
    o.block_size = block;
    mkt__csv *r;
    ck_assert_int_eq(mkt__csv_open_memory(&r, ctx, "mem", data, len, &o), MKT_OK);
    char *p = out;
    int rc;
    while ((rc = mkt__csv_next(r)) == 1) {
        p += sprintf(p, "%llu:[", (unsigned long long)r->line);
        for (size_t i = 0; i < r->nfields; i++)
            p += sprintf(p, "%s%.*s", i ? "|" : "", (int)r->fields[i].len, r->fields[i].ptr);
        p += sprintf(p, "]\n");
    }
    ck_assert_int_eq(rc, 0);
    mkt__csv_free(r);
    return (size_t)(p - out);
}

START_TEST(test_reader_matches_reference)
{
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    static char text[1 << 16], want[1 << 17], got[1 << 17];
    static const int seps[] = {',', ';', '\t'};
    static const size_t blocks[] = {0, 64, 100, 4096};
    int mismatches = 0;
    rng_state = 20261126;
    for (int round = 0; round < 300; round++) {
        int sep = seps[round % 3];
        size_t n = random_csv(text, sep);
        reference(text, n, sep, want);
        read_all(ctx, text, n, blocks[round % 4], sep, got);
        if (strcmp(got, want) != 0 && mismatches++ == 0)
            ck_assert_msg(0, "round %d:\n%.300s\nwant:\n%.300s\ngot:\n%.300s", round, text,
                          want, got);
    }
    ck_assert_int_eq(mismatches, 0);
    mkt_ctx_free(ctx);
}
END_TEST

static Suite *csv_plain_suite(void)
{
    Suite *s = suite_create("csv_plain");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_takes_plain_records);
    tcase_add_test(tc, test_hands_back_untouched);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_reader_matches_reference);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(csv_plain_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}

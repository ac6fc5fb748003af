/* SPDX-License-Identifier: MIT */
/*
 * `mkt rfm`: RFM scores of every customer with confirmed bookings in the window, from a
 * bookings file. Writes one CSV row per scored customer (--out) and the per-segment summary
 * (--summary, or an aligned table on stdout without --out). Files are written atomically and
 * only after the computation succeeded; nothing reaches stdout on failure.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mkt.h"
#include "outfile.h"

enum { OPT_AS_OF = OPT_FIRST_OWN_OPTION, OPT_WINDOW, OPT_SCORING, OPT_BUCKETS, OPT_FX, OPT_OUT,
       OPT_SUMMARY };

typedef struct rfm_args {
    input_set in;
    mkt_rfm_options opts;
    const char *fx, *out, *summary;
} rfm_args;

void cmd_rfm_usage(FILE *out)
{
    fputs("Usage: mkt rfm --bookings F [--as-of D] [--window-months 12] [--scoring ntile|fixed]\n"
          "               [--buckets 5] [--fx F] [--out F] [--summary F]\n"
          "\n"
          "RFM analysis: for every customer with CONFIRMED bookings dated after D minus the\n"
          "window and up to D, recency (days since the last booking), frequency (bookings) and\n"
          "monetary value (sum of total_amount), each scored 1..5 (5 best), the 3-digit code and\n"
          "its named segment (doc/rfm.md). Without --out, prints the per-segment summary.\n"
          "\n"
          "Options:\n"
          "  --bookings FILE      bookings.csv (plain or .gz); required\n"
          "  --customers FILE     customers.csv, optional (bookings create id-only customers)\n"
          "  --as-of DATE         YYYY-MM-DD, the date D (default: today's UTC date)\n"
          "  --window-months N    the window in calendar months, 1..1200 (default 12)\n"
          "  --scoring ntile|fixed  ntile: SQL NTILE over all scored customers (default);\n"
          "                       fixed: the seed's thresholds (R 30/90/180/365 days, F 2/3/5/10\n"
          "                       bookings, M 500/1000/2500/5000)\n"
          "  --buckets N          NTILE buckets, 1..9 (default 5; segments need 5)\n"
          "  --fx FILE            exchange rates, CSV currency,rate_to_base: converts every amount\n"
          "                       to the base currency (without it the bookings in the window\n"
          "                       must share one currency)\n"
          "  --out FILE           CSV customer_id,recency,frequency,monetary,r,f,m,rfm,segment,\n"
          "                       sorted by customer_id; '-' for stdout\n"
          "  --summary FILE       CSV segment,customers,share,avg_recency,avg_frequency,\n"
          "                       avg_monetary,total_monetary; '-' for stdout\n"
          "  --separator C        field separator of the input files, one byte or 'tab'\n"
          "  --no-progress        no progress line (shown only when stderr is a terminal)\n"
          "  --state FILE         SQLite state file (see 'mkt --help')\n"
          "  -h, --help           show this help\n", out);
}

static const struct option rfm_options[] = {
    MKT_INPUT_LONG_OPTIONS,
    { "as-of", required_argument, NULL, OPT_AS_OF },
    { "window-months", required_argument, NULL, OPT_WINDOW },
    { "scoring", required_argument, NULL, OPT_SCORING },
    { "buckets", required_argument, NULL, OPT_BUCKETS },
    { "fx", required_argument, NULL, OPT_FX },
    { "out", required_argument, NULL, OPT_OUT },
    { "summary", required_argument, NULL, OPT_SUMMARY },
    MKT_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 },
};

/* A whole decimal number in [lo, hi]. */
static int parse_int(const char *s, long lo, long hi, int32_t *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = (int32_t)v;
    return 0;
}

static int own_option(rfm_args *a, int c, const char *arg)
{
    switch (c) {
    case OPT_AS_OF:
        if (mkt_date_parse(&a->opts.as_of, arg, strlen(arg)) != MKT_OK)
            return usage_error("rfm", "invalid --as-of date '%s': expected YYYY-MM-DD", arg);
        return -1;
    case OPT_WINDOW:
        if (parse_int(arg, 1, 1200, &a->opts.window_months))
            return usage_error("rfm", "invalid --window-months '%s': expected 1..1200", arg);
        return -1;
    case OPT_SCORING:
        if (strcmp(arg, "ntile") != 0 && strcmp(arg, "fixed") != 0)
            return usage_error("rfm", "invalid --scoring '%s': expected ntile or fixed", arg);
        a->opts.scoring = arg[0] == 'n' ? MKT_RFM_NTILE : MKT_RFM_FIXED;
        return -1;
    case OPT_BUCKETS:
        if (parse_int(arg, 1, 9, &a->opts.buckets))
            return usage_error("rfm", "invalid --buckets '%s': expected 1..9", arg);
        return -1;
    case OPT_FX: a->fx = arg; return -1;
    case OPT_OUT: a->out = arg; return -1;
    case OPT_SUMMARY: a->summary = arg; return -1;
    default: return usage_error("rfm", "internal error: unhandled option %d", c);
    }
}

static int parse_args(mkt_app *app, int argc, char **argv, rfm_args *a)
{
    const mkt_command *self = mkt_command_find("rfm");
    input_init(&a->in);
    mkt_rfm_options_init(&a->opts);
    int buckets_given = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", rfm_options, NULL)) != -1) {
        buckets_given |= c == OPT_BUCKETS;
        int rc = IS_INPUT_OPTION(c) ? input_option(&a->in, "rfm", c, optarg)
                 : c >= OPT_AS_OF && c <= OPT_SUMMARY ? own_option(a, c, optarg)
                                                      : common_option(app, self, c, argv);
        if (rc >= 0)
            return rc;
    }
    if (optind < argc)
        return usage_error("rfm", "unexpected argument '%s'", argv[optind]);
    if (a->in.files[FILE_BOOKINGS].path == NULL)
        return usage_error("rfm", "rfm needs --bookings FILE");
    if (a->opts.scoring == MKT_RFM_FIXED && buckets_given && a->opts.buckets != 5)
        return usage_error("rfm", "--scoring fixed has 5 buckets; --buckets applies to ntile");
    if (a->out && a->summary && strcmp(a->out, "-") == 0 && strcmp(a->summary, "-") == 0)
        return usage_error("rfm", "--out and --summary cannot both be '-'");
    return -1;
}

/* ---- output ----------------------------------------------------------------------------- */

static void money(char buf[MKT_MONEY_BUFSZ], int64_t minor)
{
    if (mkt_money_format(minor, 2, buf, MKT_MONEY_BUFSZ) != MKT_OK)
        snprintf(buf, MKT_MONEY_BUFSZ, "?");
}

/* Append the decimal text of @v at @p; returns the end. (fprintf's format parsing was a
 * tenth of a million-row run, all of it after the parallel part.) */
static char *put_int(char *p, long long v)
{
    char tmp[24];
    int n = 0;
    unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
    do
        tmp[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        *p++ = '-';
    while (n)
        *p++ = tmp[--n];
    return p;
}

static char *put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

/* @minor as "[-]units.cents" at @p (what mkt_money_format() writes with 2 decimals, without
 * its snprintf: a million rows). */
static char *put_money(char *p, int64_t minor)
{
    unsigned long long u = minor < 0 ? 0 - (unsigned long long)minor : (unsigned long long)minor;
    if (minor < 0)
        *p++ = '-';
    p = put_int(p, (long long)(u / 100));
    *p++ = '.';
    *p++ = (char)('0' + u / 10 % 10);
    *p++ = (char)('0' + u % 10);
    return p;
}

/* @s (@n bytes) as a CSV field at @p, quoted when it must be (room: 2n + 2 bytes). */
static char *put_csv(char *p, const char *s, size_t n)
{
    if (strcspn(s, ",\"\r\n") >= n) {
        memcpy(p, s, n);
        return p + n;
    }
    *p++ = '"';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            *p++ = '"';
        *p++ = s[i];
    }
    *p++ = '"';
    return p;
}

/* Rows go through a buffer of our own, one fwrite() per 64 KiB. */
static void write_rows(FILE *f, const mkt_rfm *r)
{
    fputs("customer_id,recency,frequency,monetary,r,f,m,rfm,segment\n", f);
    char buf[1 << 16];
    char *p = buf;
    uint64_t n = mkt_rfm_count(r);
    for (uint64_t i = 0; i < n; i++) {
        mkt_rfm_row row;
        memset(&row, 0, sizeof row);
        row.struct_size = sizeof row;
        if (mkt_rfm_get(r, i, &row) != MKT_OK)
            continue; /* cannot happen for i < count */
        /* an id is at most 256 bytes (quoted: 514); the rest of a row under 160 */
        if ((size_t)(buf + sizeof buf - p) < 2 * row.id_len + 2 + 160) {
            fwrite(buf, 1, (size_t)(p - buf), f);
            p = buf;
        }
        p = put_csv(p, row.customer_id, row.id_len);
        *p++ = ',';
        p = put_int(p, row.recency);
        *p++ = ',';
        p = put_int(p, row.frequency);
        *p++ = ',';
        p = put_money(p, row.monetary);
        const int32_t d[6] = {row.r, row.f, row.m, row.r, row.f, row.m};
        for (int k = 0; k < 6; k++) {
            if (k < 4)
                *p++ = ',';
            p = put_int(p, d[k]);
        }
        *p++ = ',';
        p = put_str(p, mkt_rfm_segment_name(row.segment)); /* under 32 bytes */
        *p++ = '\n';
    }
    fwrite(buf, 1, (size_t)(p - buf), f);
}

static int summary_segment(const mkt_rfm_options *o, int i, int32_t *seg)
{
    if (o->buckets == 5) {
        *seg = i + 1;
        return i < MKT_RFM_SEGMENT_COUNT;
    }
    *seg = MKT_RFM_SEGMENT_NONE;
    return i == 0;
}

static int get_summary(const mkt_rfm *r, int32_t seg, mkt_rfm_summary *s)
{
    memset(s, 0, sizeof *s);
    s->struct_size = sizeof *s;
    return mkt_rfm_summary_get(r, seg, s);
}

static const char *seg_label(int32_t seg)
{
    return seg == MKT_RFM_SEGMENT_NONE ? "(none)" : mkt_rfm_segment_name(seg);
}

static void write_summary_csv(FILE *f, const mkt_rfm *r, const mkt_rfm_options *o)
{
    fputs("segment,customers,share,avg_recency,avg_frequency,avg_monetary,total_monetary\n", f);
    int32_t seg;
    for (int i = 0; summary_segment(o, i, &seg); i++) {
        mkt_rfm_summary s;
        if (get_summary(r, seg, &s) != MKT_OK)
            continue;
        char total[MKT_MONEY_BUFSZ];
        money(total, s.total_monetary);
        fprintf(f, "%s,%llu,%.4f,%.2f,%.2f,%.2f,%s\n", seg_label(seg),
                (unsigned long long)s.customers, s.share, s.avg_recency, s.avg_frequency,
                s.avg_monetary / 100.0, total);
    }
}

static void print_summary_table(const mkt_rfm *r, const mkt_rfm_options *o)
{
    char d[MKT_DATE_BUFSZ];
    fmt_date(d, mkt_rfm_as_of(r));
    printf("RFM as of %s: %llu customers scored (%s)\n\n", d,
           (unsigned long long)mkt_rfm_count(r),
           o->scoring == MKT_RFM_FIXED ? "fixed thresholds" : "ntile");
    printf("%-20s %10s %7s %12s %14s %14s %18s\n", "Segment", "Customers", "Share",
           "Avg recency", "Avg frequency", "Avg monetary", "Total monetary");
    int32_t seg;
    for (int i = 0; summary_segment(o, i, &seg); i++) {
        mkt_rfm_summary s;
        if (get_summary(r, seg, &s) != MKT_OK)
            continue;
        char total[MKT_MONEY_BUFSZ];
        money(total, s.total_monetary);
        printf("%-20s %10llu %6.1f%% %12.1f %14.2f %14.2f %18s\n", seg_label(seg),
               (unsigned long long)s.customers, s.share * 100.0, s.avg_recency,
               s.avg_frequency, s.avg_monetary / 100.0, total);
    }
}

/* Write the rows (@rows) or the summary to @path (or stdout), atomically. */
static int write_file(const char *path, const mkt_rfm *r, const mkt_rfm_options *o, int rows)
{
    outfile f;
    int rc = outfile_open(&f, path);
    if (rc != MKT_EXIT_OK)
        return rc;
    if (rows)
        write_rows(f.f, r);
    else
        write_summary_csv(f.f, r, o);
    return outfile_commit(&f);
}

/* ---- the work --------------------------------------------------------------------------- */

static int compute(mkt_app *app, rfm_args *a, mkt_table **t, mkt_rfm_fx **fx, mkt_rfm **r)
{
    mkt_ctx *ctx;
    int rc = app_ctx(app, &ctx);
    if (rc != MKT_EXIT_OK)
        return rc;
    if (a->fx) { /* the rates first: a bad rates file fails before a long load */
        int st = mkt_rfm_fx_new(fx, ctx);
        if (st == MKT_OK)
            st = mkt_rfm_fx_load(*fx, a->fx);
        if (st != MKT_OK)
            return app_fail(app, st);
        a->opts.fx = *fx;
    }
    int st;
    if (a->in.files[FILE_CUSTOMERS].path == NULL && a->in.files[FILE_EVENTS].path == NULL) {
        /* Only bookings: streamed, never loaded (memory follows the customers). */
        mkt_load_options o;
        mkt_progress prog;
        input_load_options(&a->in, &prog, &o);
        progress_begin(&prog, a->in.files[FILE_BOOKINGS].path);
        st = mkt_rfm_compute_file(r, ctx, a->in.files[FILE_BOOKINGS].path, &a->opts, &o);
        progress_end(&prog);
    } else {
        if ((rc = input_load(app, &a->in, t)) != MKT_EXIT_OK)
            return rc;
        st = mkt_rfm_compute(r, ctx, *t, &a->opts);
    }
    return st == MKT_OK ? MKT_EXIT_OK : app_fail(app, st);
}

int cmd_rfm(mkt_app *app, int argc, char **argv)
{
    rfm_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(app, argc, argv, &a);
    if (rc >= 0)
        return rc;
    mkt_table *t = NULL;
    mkt_rfm_fx *fx = NULL;
    mkt_rfm *r = NULL;
    rc = compute(app, &a, &t, &fx, &r);
    if (rc == MKT_EXIT_OK && a.out)
        rc = write_file(a.out, r, &a.opts, 1);
    if (rc == MKT_EXIT_OK && a.summary)
        rc = write_file(a.summary, r, &a.opts, 0);
    /* the table only when stdout is not already taken by a CSV */
    if (rc == MKT_EXIT_OK && !a.out && !(a.summary && strcmp(a.summary, "-") == 0)) {
        print_summary_table(r, &a.opts);
        rc = finish_output();
    }
    mkt_rfm_free(r);
    mkt_rfm_fx_free(fx);
    mkt_table_free(t);
    return rc;
}

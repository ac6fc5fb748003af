/* SPDX-License-Identifier: MIT */
/*
 * `mkt abtest analyze`: reads per-variant sufficient statistics from a small CSV file
 * (variant,n,sum[,sum_squares], columns found by name, fields optionally double-quoted),
 * runs mkt_abtest_analyze() and prints one CSV row per variant, or one JSON object. The SRM
 * p-value and the decision go to stderr with CSV output so that stdout stays a clean table.
 * Nothing is printed before the input was read and analysed completely.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-abtest.h"

enum { COL_VARIANT, COL_N, COL_SUM, COL_SUM_SQUARES, NCOLS };
static const char *const col_names[NCOLS] = {"variant", "n", "sum", "sum_squares"};

typedef struct input_rows {
    char names[MKT_ABTEST_MAX_VARIANTS][128];
    mkt_abtest_stats stats[MKT_ABTEST_MAX_VARIANTS];
    size_t n;
} input_rows;

/* Split @line in place into at most @max fields; quotes are removed ("" is a quote). */
static int split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return -1;
        char *w = p;
        fields[n++] = w;
        if (*p == '"') {
            for (p++;; p++) {
                if (*p == '\0')
                    return -1; /* unterminated quote */
                if (*p == '"' && p[1] == '"')
                    *w++ = *p++;
                else if (*p == '"')
                    break;
                else
                    *w++ = *p;
            }
            p++;
            if (*p != ',' && *p != '\0')
                return -1;
        } else {
            while (*p && *p != ',')
                *w++ = *p++;
        }
        char end = *p;
        *w = '\0';
        if (end == '\0')
            return n;
        p++;
    }
}

static int fail_at(const char *path, unsigned long line, const char *fmt, const char *what)
{
    fprintf(stderr, "mkt: %s:%lu: ", path, line);
    fprintf(stderr, fmt, what);
    fputc('\n', stderr);
    return MKT_EXIT_FAIL;
}

static int header(const char *path, char *line, int cols[NCOLS])
{
    char *f[32];
    int n = split(line, f, 32);
    if (n < 0)
        return fail_at(path, 1, "%s", "malformed header");
    for (int c = 0; c < NCOLS; c++)
        cols[c] = -1;
    for (int i = 0; i < n; i++)
        for (int c = 0; c < NCOLS; c++)
            if (strcmp(f[i], col_names[c]) == 0)
                cols[c] = i;
    for (int c = 0; c < COL_SUM_SQUARES; c++)
        if (cols[c] < 0)
            return fail_at(path, 1, "no column '%s' (the header is "
                                    "variant,n,sum,sum_squares)", col_names[c]);
    return MKT_EXIT_OK;
}

static int field_number(const char *path, unsigned long line, const char *name,
                        const char *text, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(*out))
        return fail_at(path, line, "%s: not a finite number", name);
    return MKT_EXIT_OK;
}

static int row(const char *path, unsigned long line, char *text, const int cols[NCOLS],
               int need_squares, input_rows *in)
{
    char *f[32];
    int n = split(text, f, 32);
    int want = 0;
    for (int c = 0; c < NCOLS; c++)
        want = cols[c] >= want ? cols[c] + 1 : want;
    if (n < want)
        return fail_at(path, line, "%s", "too few fields");
    if (in->n == MKT_ABTEST_MAX_VARIANTS)
        return fail_at(path, line, "more than %s variants", "26");
    size_t i = in->n;
    snprintf(in->names[i], sizeof in->names[i], "%s", f[cols[COL_VARIANT]]);
    char *end;
    const char *nt = f[cols[COL_N]];
    errno = 0;
    unsigned long long units = strtoull(nt, &end, 10);
    if (*nt < '0' || *nt > '9' || *end || errno)
        return fail_at(path, line, "%s", "n: not a count");
    in->stats[i].n = units;
    if (field_number(path, line, "sum", f[cols[COL_SUM]], &in->stats[i].sum))
        return MKT_EXIT_FAIL;
    in->stats[i].sum_squares = 0;
    if (cols[COL_SUM_SQUARES] >= 0 && f[cols[COL_SUM_SQUARES]][0] != '\0') {
        if (field_number(path, line, "sum_squares", f[cols[COL_SUM_SQUARES]],
                         &in->stats[i].sum_squares))
            return MKT_EXIT_FAIL;
    } else if (need_squares) {
        return fail_at(path, line, "%s", "sum_squares is required for --metric mean");
    }
    in->n++;
    return MKT_EXIT_OK;
}

static int read_input(const char *path, int need_squares, input_rows *in)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        fprintf(stderr, "mkt: cannot open %s: %s\n", path, strerror(errno));
        return MKT_EXIT_FAIL;
    }
    char buf[4096];
    int cols[NCOLS] = {-1, -1, -1, -1}, rc = MKT_EXIT_OK;
    unsigned long line = 0;
    while (rc == MKT_EXIT_OK && fgets(buf, sizeof buf, f)) {
        line++;
        size_t len = strlen(buf);
        while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            buf[--len] = '\0';
        if (line == 1 && (unsigned char)buf[0] == 0xEF && !strncmp(buf, "\xEF\xBB\xBF", 3))
            memmove(buf, buf + 3, len - 2); /* UTF-8 byte order mark */
        if (line == 1)
            rc = header(path, buf, cols);
        else if (len)
            rc = row(path, line, buf, cols, need_squares, in);
    }
    if (rc == MKT_EXIT_OK && ferror(f)) {
        fprintf(stderr, "mkt: cannot read %s: %s\n", path, strerror(errno));
        rc = MKT_EXIT_FAIL;
    }
    if (f != stdin)
        fclose(f);
    if (rc == MKT_EXIT_OK && line == 0)
        rc = fail_at(path, 1, "%s", "empty file (expected a header)");
    if (rc == MKT_EXIT_OK && in->n < MKT_ABTEST_MIN_VARIANTS)
        rc = fail_at(path, line, "%s", "need at least two variants (control first)");
    return rc;
}

static const char *decision_name(int32_t d)
{
    switch (d) {
    case MKT_ABTEST_WINNER: return "winner";
    case MKT_ABTEST_NO_DIFFERENCE: return "no_difference";
    case MKT_ABTEST_INVALID_SRM: return "invalid_srm";
    default: return "no_winner_yet";
    }
}

static void csv_name(const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

/* The numeric columns of a row, in the header's order after variant and n. */
static void row_values(const mkt_abtest_result *r, double v[13])
{
    double x[13] = {r->mean, r->effect, r->se, r->ci_low, r->ci_high, r->p_value,
                    r->p_adjusted, r->chance_to_win, r->risk_control, r->risk_treatment,
                    r->statistic, r->df, r->chance_to_win_exact};
    memcpy(v, x, sizeof x);
}

static const char *const value_names[13] = {
    "mean", "effect", "se", "ci_low", "ci_high", "p_value", "p_adjusted", "chance_to_win",
    "risk_control", "risk_treatment", "statistic", "df", "chance_to_win_exact"};

static void print_csv(const input_rows *in, const mkt_abtest_result *r,
                      const mkt_abtest_summary *s)
{
    fputs("variant,n", stdout);
    for (int k = 0; k < 13; k++)
        printf(",%s", value_names[k]);
    fputs(",significant,warnings\n", stdout);
    for (size_t i = 0; i < in->n; i++) {
        double v[13];
        row_values(&r[i], v);
        csv_name(in->names[i]);
        printf(",%llu", (unsigned long long)r[i].n);
        for (int k = 0; k < 13; k++) {
            putchar(',');
            abtest_csv_number(stdout, v[k]);
        }
        if (i == 0)
            printf(",,%d\n", (int)r[i].warnings);
        else
            printf(",%d,%d\n", (int)r[i].significant, (int)r[i].warnings);
    }
    fprintf(stderr, "srm_p_value: %.6g%s\n", s->srm_p_value,
            s->srm ? " (sample ratio mismatch)" : "");
    fprintf(stderr, "decision: %s", decision_name(s->decision));
    if (s->winner >= 0)
        fprintf(stderr, " (%s)", in->names[s->winner]);
    fputc('\n', stderr);
}

static void print_json(const input_rows *in, const mkt_abtest_result *r,
                       const mkt_abtest_summary *s)
{
    fputs("{\"variants\": [", stdout);
    for (size_t i = 0; i < in->n; i++) {
        double v[13];
        row_values(&r[i], v);
        fputs(i ? ", {\"variant\": " : "{\"variant\": ", stdout);
        json_string(stdout, in->names[i]);
        printf(", \"n\": %llu", (unsigned long long)r[i].n);
        for (int k = 0; k < 13; k++) {
            printf(", \"%s\": ", value_names[k]);
            abtest_json_number(stdout, v[k]);
        }
        printf(", \"significant\": %d, \"warnings\": %d}", (int)r[i].significant,
               (int)r[i].warnings);
    }
    fputs("], \"srm_p_value\": ", stdout);
    abtest_json_number(stdout, s->srm_p_value);
    printf(", \"srm\": %s, \"decision\": \"%s\", \"winner\": ", s->srm ? "true" : "false",
           decision_name(s->decision));
    if (s->winner >= 0)
        json_string(stdout, in->names[s->winner]);
    else
        fputs("null", stdout);
    printf(", \"warnings\": %d}\n", (int)s->warnings);
}

int abtest_analyze(mkt_app *app, abtest_args *a)
{
    if (!a->input)
        return usage_error("abtest", "abtest analyze needs --input F.csv");
    input_rows *in = calloc(1, sizeof *in);
    if (!in) {
        fputs("mkt: out of memory\n", stderr);
        return MKT_EXIT_FAIL;
    }
    int rc = read_input(a->input, a->opts.metric == MKT_ABTEST_MEAN, in);
    mkt_ctx *ctx = NULL;
    if (rc == MKT_EXIT_OK && a->nweights && a->nweights != in->n) {
        fprintf(stderr, "mkt: --weights has %zu values but %s has %zu variants\n", a->nweights,
                a->input, in->n);
        rc = MKT_EXIT_FAIL;
    }
    if (rc == MKT_EXIT_OK)
        rc = app_ctx(app, &ctx);
    if (rc == MKT_EXIT_OK) {
        mkt_abtest_result r[MKT_ABTEST_MAX_VARIANTS];
        mkt_abtest_summary s = {sizeof s, 0, 0, 0, -1, 0};
        mkt_abtest_results_init(r, in->n);
        a->opts.weights = a->nweights ? a->weights : NULL;
        int st = mkt_abtest_analyze(ctx, in->stats, in->n, &a->opts, r, &s);
        if (st != MKT_OK) {
            rc = app_fail(app, st);
        } else {
            if (a->json)
                print_json(in, r, &s);
            else
                print_csv(in, r, &s);
            rc = finish_output();
        }
    }
    free(in);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * `mkt load`: load customers, bookings and events into a customer table (customers first, so
 * bookings and events attach to known customers) and print a profile of what was loaded: rows
 * per file, customer and booking counts, date ranges, the currency mix and the nulls of every
 * column. Nothing is printed on stdout unless every file loaded.
 */
#include <string.h>

#include "mkt.h"

enum { OPT_JSON = OPT_FIRST_OWN_OPTION };

typedef struct load_args {
    input_set in;
    int json;
} load_args;

void cmd_load_usage(FILE *out)
{
    fputs("Usage: mkt load [--customers FILE] [--bookings FILE] [--events FILE] [options]\n"
          "\n"
          "Load CSV files (plain or .gz) into a customer table and print a profile: rows per\n"
          "file, customers, customers with bookings, bookings (cancelled), events, booking\n"
          "date range, currency mix, event time range and nulls per column.\n"
          "At least one file is required. Loading stops at the first bad record and names\n"
          "its file, line and column.\n"
          "\n"
          "Options:\n"
          "  --customers FILE   customers.csv\n"
          "  --bookings FILE    bookings.csv\n"
          "  --events FILE      events.csv\n"
          "  --separator C      field separator, one byte or 'tab' (default ',')\n"
          "  --json             print the profile as JSON\n"
          "  --no-progress      no progress line (it is shown only when stderr is a terminal)\n"
          "  --state FILE       SQLite state file (see 'mkt --help')\n"
          "  -h, --help         show this help\n", out);
}

static const struct option load_options[] = {
    MKT_INPUT_LONG_OPTIONS,
    { "json", no_argument, NULL, OPT_JSON },
    MKT_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 },
};

/* Returns -1 to go on, or the exit code (usage error, or 0 after --help). */
static int parse_args(mkt_app *app, const mkt_command *self, int argc, char **argv,
                      load_args *a)
{
    memset(a, 0, sizeof *a);
    input_init(&a->in);
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", load_options, NULL)) != -1) {
        int rc = -1;
        if (IS_INPUT_OPTION(c))
            rc = input_option(&a->in, "load", c, optarg);
        else if (c == OPT_JSON)
            a->json = 1;
        else
            rc = common_option(app, self, c, argv);
        if (rc >= 0)
            return rc;
    }
    if (optind < argc)
        return usage_error("load", "unexpected argument '%s'", argv[optind]);
    if (!input_any(&a->in))
        return usage_error("load", "give at least one of --customers, --bookings, --events");
    return -1;
}

/* ---- text report ------------------------------------------------------------------------ */

static void text_files(const load_args *a)
{
    printf("%-10s %12s %14s  %s\n", "File", "Rows", "Bytes", "Path");
    for (int k = 0; k < FILE_KINDS; k++) {
        const input_file *f = &a->in.files[k];
        if (f->path != NULL)
            printf("%-10s %12llu %14llu  %s\n", input_kind(k), (unsigned long long)f->rows,
                   (unsigned long long)f->bytes, f->path);
    }
}

static void text_line(const char *label, unsigned long long n)
{
    printf("%-24s %14llu\n", label, n);
}

static void text_stats(const mkt_table_stats *s)
{
    char a[MKT_TIME_BUFSZ], b[MKT_TIME_BUFSZ];
    text_line("Customers", (unsigned long long)s->customers);
    text_line("  with bookings", (unsigned long long)s->customers_with_bookings);
    text_line("Bookings", (unsigned long long)s->bookings);
    text_line("  cancelled", (unsigned long long)s->bookings_cancelled);
    fmt_date(a, s->first_booking_date);
    fmt_date(b, s->last_booking_date);
    printf("%-24s %s .. %s\n", "  booking dates", a, b);
    text_line("Events", (unsigned long long)s->events);
    fmt_time(a, s->first_event_time);
    fmt_time(b, s->last_event_time);
    printf("%-24s %s .. %s\n", "  event times", a, b);
}

static void text_currencies(const mkt_table *t, const mkt_table_stats *s)
{
    if (s->currencies == 0)
        return;
    printf("\n%-10s %12s %20s\n", "Currency", "Bookings", "Confirmed amount");
    for (uint32_t i = 0; i < s->currencies; i++) {
        const char *code = NULL;
        uint64_t n = 0;
        int64_t amount = 0;
        char money[MKT_MONEY_BUFSZ] = "?";
        if (mkt_table_currency(t, i, &code, &n, &amount) != MKT_OK)
            continue;
        mkt_money_format(amount, 2, money, sizeof money);
        printf("%-10s %12llu %20s\n", code ? code : "-", (unsigned long long)n, money);
    }
}

static void text_columns(const mkt_table *t)
{
    uint32_t n = mkt_table_column_count(t);
    int width = 6;
    mkt_column_info ci = { sizeof ci, NULL, 0, 0, 0, 0 };
    for (uint32_t i = 0; i < n; i++)
        if (mkt_table_column_info(t, i, &ci) == MKT_OK && (int)strlen(ci.name) > width)
            width = (int)strlen(ci.name);
    printf("\n%-*s  %-7s %-8s %12s\n", width, "Column", "Type", "Kind", "Nulls");
    for (uint32_t i = 0; i < n; i++) {
        if (mkt_table_column_info(t, i, &ci) != MKT_OK)
            continue;
        const char *kind = ci.is_derived ? "derived" : ci.is_custom ? "custom" : "standard";
        printf("%-*s  %-7s %-8s %12llu\n", width, ci.name, type_name(ci.type), kind,
               (unsigned long long)ci.null_count);
    }
}

/* ---- JSON report ------------------------------------------------------------------------ */

static void json_files(const load_args *a)
{
    fputs("  \"files\": [", stdout);
    const char *sep = "";
    for (int k = 0; k < FILE_KINDS; k++) {
        const input_file *f = &a->in.files[k];
        if (f->path == NULL)
            continue;
        printf("%s\n    {\"kind\": \"%s\", \"path\": ", sep, input_kind(k));
        json_string(stdout, f->path);
        printf(", \"rows\": %llu, \"bytes\": %llu}", (unsigned long long)f->rows,
               (unsigned long long)f->bytes);
        sep = ",";
    }
    fputs("\n  ],\n", stdout);
}

static void json_range(const char *name, const char *first, const char *last, int null)
{
    printf("  \"%s\": ", name);
    if (null)
        fputs("null,\n", stdout);
    else
        printf("{\"first\": \"%s\", \"last\": \"%s\"},\n", first, last);
}

static void json_stats(const mkt_table_stats *s)
{
    char a[MKT_TIME_BUFSZ], b[MKT_TIME_BUFSZ];
    printf("  \"customers\": %llu,\n  \"customers_with_bookings\": %llu,\n"
           "  \"bookings\": %llu,\n  \"bookings_cancelled\": %llu,\n  \"events\": %llu,\n",
           (unsigned long long)s->customers, (unsigned long long)s->customers_with_bookings,
           (unsigned long long)s->bookings, (unsigned long long)s->bookings_cancelled,
           (unsigned long long)s->events);
    fmt_date(a, s->first_booking_date);
    fmt_date(b, s->last_booking_date);
    json_range("booking_dates", a, b, s->first_booking_date == MKT_NULL_DATE);
    fmt_time(a, s->first_event_time);
    fmt_time(b, s->last_event_time);
    json_range("event_times", a, b, s->first_event_time == MKT_NULL_INT64);
}

static void json_currencies(const mkt_table *t, const mkt_table_stats *s)
{
    fputs("  \"currencies\": [", stdout);
    const char *sep = "";
    for (uint32_t i = 0; i < s->currencies; i++) {
        const char *code = NULL;
        uint64_t n = 0;
        int64_t amount = 0;
        char money[MKT_MONEY_BUFSZ] = "0";
        if (mkt_table_currency(t, i, &code, &n, &amount) != MKT_OK)
            continue;
        mkt_money_format(amount, 2, money, sizeof money);
        printf("%s\n    {\"code\": ", sep);
        json_string(stdout, code);
        printf(", \"bookings\": %llu, \"amount\": \"%s\", \"amount_minor\": %lld}",
               (unsigned long long)n, money, (long long)amount);
        sep = ",";
    }
    fputs(s->currencies ? "\n  ],\n" : "],\n", stdout);
}

static void json_columns(const mkt_table *t)
{
    fputs("  \"columns\": [", stdout);
    uint32_t n = mkt_table_column_count(t);
    const char *sep = "";
    for (uint32_t i = 0; i < n; i++) {
        mkt_column_info ci = { sizeof ci, NULL, 0, 0, 0, 0 };
        if (mkt_table_column_info(t, i, &ci) != MKT_OK)
            continue;
        printf("%s\n    {\"name\": ", sep);
        json_string(stdout, ci.name);
        printf(", \"type\": \"%s\", \"custom\": %s, \"derived\": %s, \"nulls\": %llu}",
               type_name(ci.type), ci.is_custom ? "true" : "false",
               ci.is_derived ? "true" : "false", (unsigned long long)ci.null_count);
        sep = ",";
    }
    fputs(n ? "\n  ]\n" : "]\n", stdout);
}

static int report(mkt_app *app, const mkt_table *t, const load_args *a)
{
    mkt_table_stats s;
    memset(&s, 0, sizeof s);
    s.struct_size = sizeof s;
    int rc = mkt_table_stats_get(t, &s);
    if (rc != MKT_OK)
        return app_fail(app, rc);
    if (a->json) {
        fputs("{\n", stdout);
        json_files(a);
        json_stats(&s);
        json_currencies(t, &s);
        json_columns(t);
        fputs("}\n", stdout);
    } else {
        text_files(a);
        putchar('\n');
        text_stats(&s);
        text_currencies(t, &s);
        text_columns(t);
    }
    return finish_output();
}

int cmd_load(mkt_app *app, int argc, char **argv)
{
    const mkt_command *self = mkt_command_find("load");
    load_args a;
    int rc = parse_args(app, self, argc, argv, &a);
    if (rc >= 0)
        return rc;
    mkt_table *table = NULL;
    if ((rc = input_load(app, &a.in, &table)) != MKT_EXIT_OK)
        return rc;
    rc = report(app, table, &a);
    mkt_table_free(table);
    return rc;
}

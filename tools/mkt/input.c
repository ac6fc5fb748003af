/* SPDX-License-Identifier: MIT */
/*
 * The input files every data command reads (customers, bookings, events): their options
 * (--customers, --bookings, --events, --separator, --no-progress), and loading them into one
 * customer table customers first, so bookings and events attach to known customers, with the
 * progress line on stderr only when stderr is a terminal. `mkt load` and `mkt segment` share
 * it so that both read files the same way.
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkt.h"

typedef int (*load_fn)(mkt_table *, const char *, const mkt_load_options *);
typedef uint64_t (*count_fn)(const mkt_table *);

static const struct {
    const char *kind;
    load_fn load;
    count_fn count;
} kinds[FILE_KINDS] = {
    { "customers", mkt_table_load_customers, mkt_table_customer_count },
    { "bookings", mkt_table_load_bookings, mkt_table_booking_count },
    { "events", mkt_table_load_events, mkt_table_event_count },
};

const char *input_kind(int kind)
{
    return kind >= 0 && kind < FILE_KINDS ? kinds[kind].kind : "?";
}

void input_init(input_set *in)
{
    memset(in, 0, sizeof *in);
    in->separator = ',';
    in->progress = isatty(STDERR_FILENO);
}

int input_option(input_set *in, const char *command, int c, const char *arg)
{
    switch (c) {
    case OPT_CUSTOMERS: in->files[FILE_CUSTOMERS].path = arg; return -1;
    case OPT_BOOKINGS: in->files[FILE_BOOKINGS].path = arg; return -1;
    case OPT_EVENTS: in->files[FILE_EVENTS].path = arg; return -1;
    case OPT_NO_PROGRESS: in->progress = 0; return -1;
    case OPT_SEPARATOR:
        if (parse_separator(arg, &in->separator) != 0)
            return usage_error(command, "invalid separator '%s': one byte or 'tab'", arg);
        return -1;
    default:
        return usage_error(command, "internal error: option %d is not an input option", c);
    }
}

int input_any(const input_set *in)
{
    for (int k = 0; k < FILE_KINDS; k++)
        if (in->files[k].path != NULL)
            return 1;
    return 0;
}

static int load_files(mkt_app *app, mkt_table *table, input_set *in)
{
    mkt_load_options o;
    mkt_load_options_init(&o);
    o.separator = in->separator;
    mkt_progress prog;
    progress_init(&prog, in->progress);
    if (in->progress) { /* no callback at all when nothing is shown */
        o.progress = progress_report;
        o.progress_data = &prog;
    }
    for (int k = 0; k < FILE_KINDS; k++) {
        input_file *f = &in->files[k];
        if (f->path == NULL)
            continue;
        struct stat st;
        f->bytes = stat(f->path, &st) == 0 ? (uint64_t)st.st_size : 0;
        uint64_t before = kinds[k].count(table);
        progress_begin(&prog, f->path);
        int rc = kinds[k].load(table, f->path, &o);
        progress_end(&prog);
        if (rc != MKT_OK)
            return app_fail(app, rc);
        f->rows = kinds[k].count(table) - before;
    }
    return MKT_EXIT_OK;
}

int input_load(mkt_app *app, input_set *in, mkt_table **out)
{
    *out = NULL;
    mkt_ctx *ctx;
    int rc = app_ctx(app, &ctx);
    if (rc != MKT_EXIT_OK)
        return rc;
    mkt_table *table = NULL;
    int st = mkt_table_new(&table, ctx);
    if (st != MKT_OK)
        return app_fail(app, st);
    rc = load_files(app, table, in);
    if (rc != MKT_EXIT_OK) {
        mkt_table_free(table);
        return rc;
    }
    *out = table;
    return MKT_EXIT_OK;
}

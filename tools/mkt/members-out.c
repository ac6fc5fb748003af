/* SPDX-License-Identifier: MIT */
/*
 * Writing a member set's customer ids for `mkt segment members` and `mkt audience --out`.
 * The CSV format, the sort, gzip and the atomic temp-file-and-rename all live in the library
 * (mkt_members_export_csv()); this only maps '-' to standard output and --gzip to the option.
 */
#include <string.h>
#include <unistd.h>

#include "mkt.h"

int members_write(mkt_app *app, mkt_ctx *ctx, const mkt_table *table, const mkt_members *m,
                  const char *out, int gzip)
{
    mkt_export_options o;
    mkt_export_options_init(&o);
    o.gzip = gzip ? MKT_EXPORT_GZIP_ALWAYS : MKT_EXPORT_GZIP_AUTO;
    if (strcmp(out, "-") != 0) {
        int st = mkt_members_export_csv(m, ctx, table, out, &o);
        return st == MKT_OK ? MKT_EXIT_OK : app_fail(app, st);
    }
    if (fflush(stdout) != 0)
        return finish_output();
    int st = mkt_members_export_csv_fd(m, ctx, table, STDOUT_FILENO, &o);
    if (st != MKT_OK) {
        fprintf(stderr, "mkt: cannot write to standard output: %s\n",
                mkt_ctx_last_error(ctx)->message);
        return MKT_EXIT_FAIL;
    }
    return MKT_EXIT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * The tool's context: created only when a command needs it (so --help and usage errors never
 * touch a state file), with the SQLite store when --state names a file, and library log lines
 * of level WARN and above written to stderr.
 */
#include <stdio.h>

#include "mkt.h"
#include "mkt_store_sqlite.h"

static void log_to_stderr(int32_t level, const char *message, void *user_data)
{
    (void)user_data;
    fprintf(stderr, "mkt: %s: %s\n", level >= MKT_LOG_ERROR ? "error" : "warning", message);
}

int app_ctx(mkt_app *app, mkt_ctx **out)
{
    if (app->ctx != NULL) {
        *out = app->ctx;
        return MKT_EXIT_OK;
    }
    mkt_host host;
    mkt_host_init(&host);
    host.log = log_to_stderr;
    mkt_store_ops store;
    if (app->state_path != NULL) {
        char err[512];
        if (mkt_sqlite_store_open(app->state_path, NULL, &store, err, sizeof err) != MKT_OK) {
            fprintf(stderr, "mkt: cannot open state file %s\n", err);
            return MKT_EXIT_FAIL;
        }
        host.store = &store;
    }
    int rc = mkt_ctx_new(&app->ctx, &host, NULL);
    if (rc != MKT_OK) {
        if (host.store != NULL)
            mkt_sqlite_store_close(&store); /* the context never took it over */
        fprintf(stderr, "mkt: cannot create a context: %s\n", mkt_strerror(rc));
        return MKT_EXIT_FAIL;
    }
    *out = app->ctx;
    return MKT_EXIT_OK;
}

void app_close(mkt_app *app)
{
    mkt_ctx_free(app->ctx); /* also closes the SQLite store */
    app->ctx = NULL;
}

int app_fail(mkt_app *app, int rc)
{
    const mkt_error *e = app->ctx ? mkt_ctx_last_error(app->ctx) : NULL;
    if (e != NULL && e->code == rc && e->message != NULL && e->message[0] != '\0')
        fprintf(stderr, "mkt: %s\n", e->message);
    else
        fprintf(stderr, "mkt: %s\n", mkt_strerror(rc));
    return MKT_EXIT_FAIL;
}

/* SPDX-License-Identifier: MIT */
/*
 * The SQLite store against the shared storage conformance suite
 * (tests/unit/support/store_conformance.h): every test gets a context on a fresh database
 * file (a real file, so WAL mode and the transactions are exercised as in production).
 */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mkt_store_sqlite.h"
#include "store_conformance.h"

static char dir[256];
static unsigned serial;

static int make_ctx(mkt_ctx **out, void *data)
{
    (void)data;
    char path[320];
    char err[512];
    /* The pid too: Check runs each test in its own forked process. */
    snprintf(path, sizeof path, "%s/store-%ld-%u.db", dir, (long)getpid(), serial++);
    mkt_store_ops ops;
    int rc = mkt_sqlite_store_open(path, NULL, &ops, err, sizeof err);
    if (rc != MKT_OK) {
        fprintf(stderr, "%s\n", err);
        return rc;
    }
    mkt_host host = MKT_HOST_INIT;
    host.store = &ops;
    rc = mkt_ctx_new(out, &host, NULL);
    if (rc != MKT_OK)
        mkt_sqlite_store_close(&ops);
    return rc;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/mkt-sqlite-conf-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    Suite *s = suite_create("sqlite-store");
    store_conformance_add(s, make_ctx, NULL);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

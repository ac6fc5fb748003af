/* SPDX-License-Identifier: MIT */
/*
 * Allocation-failure injection for unit tests.
 *
 * A failalloc supplies the three allocator hooks of an mkt_host. It counts allocation attempts
 * (alloc and realloc) from 0, makes attempt number fail_at return NULL (and, when sticky, every
 * attempt after it), and counts live blocks so a test can prove nothing leaked.
 *
 * The usual entry point is failalloc_run(): it runs a scenario with fail_at = 0, 1, 2, ... until
 * a run completes without any injected failure, and after each run asserts (with Check) that
 * the scenario returned MKT_OK or MKT_ENOMEM and that every block was released.
 *
 *     static int scenario(failalloc *fa, void *arg)
 *     {
 *         mkt_ctx *ctx;
 *         int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
 *         if (rc) return rc;
 *         rc = something(ctx);
 *         mkt_ctx_free(ctx);
 *         return rc;
 *     }
 *     ...
 *     failalloc_run(scenario, NULL);            (fail one allocation per run)
 *     failalloc_run_sticky(scenario, NULL);     (fail it and every one after)
 *
 * Other host callbacks may be set in fa->host too; their user_data is the failalloc itself,
 * whose `user` field is free for the test. failalloc_pause()/failalloc_resume() exclude setup
 * steps from injection (paused attempts are neither counted nor failed).
 */
#ifndef MKT_TEST_FAILALLOC_H
#define MKT_TEST_FAILALLOC_H

#include <stddef.h>

#include "libmarketing.h"

typedef struct failalloc {
    mkt_host host;      /* allocator hooks set, user_data = this failalloc */
    long fail_at;       /* attempt index to fail; -1 = never */
    int sticky;         /* also fail every attempt after fail_at */
    int paused;         /* > 0: no counting, no failures */
    long attempts;      /* allocation attempts counted so far */
    long failures;      /* failures injected so far */
    long live;          /* blocks currently allocated */
    long peak_live;
    void *user;         /* free for the test's other callbacks */
} failalloc;

/* Never failing, counting allocator (fail_at = -1). */
void failalloc_init(failalloc *fa);
void failalloc_pause(failalloc *fa);
void failalloc_resume(failalloc *fa);

/* A scenario creates and frees everything it uses with fa->host, and returns MKT_OK when it
 * completed or the status that stopped it. */
typedef int (*failalloc_fn)(failalloc *fa, void *arg);

/* Run @fn under injection (see the file comment); returns the number of runs (>= 1). A run in
 * which an allocation failed must return MKT_OK or MKT_ENOMEM; the final run, without any
 * failure, must return MKT_OK; every run must end with no live block. */
long failalloc_run(failalloc_fn fn, void *arg);
long failalloc_run_sticky(failalloc_fn fn, void *arg);
/* The same with an extra acceptable status for failing runs (e.g. MKT_EIO); 0 for none. */
long failalloc_run_ex(failalloc_fn fn, void *arg, int sticky, int also_ok);

#endif /* MKT_TEST_FAILALLOC_H */

/* SPDX-License-Identifier: MIT */
/*
 * Allocation-failure injection: an mkt_host allocator that fails on demand and counts live
 * blocks, plus the loop that walks a scenario through every allocation it makes.
 */
#include <check.h>
#include <stdlib.h>

#include "failalloc.h"

/* Decide whether this attempt fails; count it. */
static int should_fail(failalloc *fa)
{
    if (fa->paused)
        return 0;
    long n = fa->attempts++;
    if (fa->fail_at < 0)
        return 0;
    if (n == fa->fail_at || (fa->sticky && n > fa->fail_at)) {
        fa->failures++;
        return 1;
    }
    return 0;
}

static void *fa_alloc(size_t size, void *user_data)
{
    failalloc *fa = user_data;
    if (should_fail(fa))
        return NULL;
    void *p = malloc(size);
    if (p && ++fa->live > fa->peak_live)
        fa->peak_live = fa->live;
    return p;
}

static void *fa_realloc(void *ptr, size_t size, void *user_data)
{
    failalloc *fa = user_data;
    if (should_fail(fa))
        return NULL;
    return realloc(ptr, size);
}

static void fa_free(void *ptr, void *user_data)
{
    failalloc *fa = user_data;
    ck_assert_msg(ptr != NULL, "host free called with NULL");
    fa->live--;
    free(ptr);
}

void failalloc_init(failalloc *fa)
{
    *fa = (failalloc){ 0 };
    mkt_host_init(&fa->host);
    fa->host.alloc = fa_alloc;
    fa->host.realloc = fa_realloc;
    fa->host.free = fa_free;
    fa->host.user_data = fa;
    fa->fail_at = -1;
}

void failalloc_pause(failalloc *fa)
{
    fa->paused++;
}

void failalloc_resume(failalloc *fa)
{
    ck_assert_int_gt(fa->paused, 0);
    fa->paused--;
}

long failalloc_run_ex(failalloc_fn fn, void *arg, int sticky, int also_ok)
{
    for (long n = 0;; n++) {
        failalloc fa;
        failalloc_init(&fa);
        fa.fail_at = n;
        fa.sticky = sticky;
        int rc = fn(&fa, arg);
        ck_assert_msg(fa.live == 0, "run failing allocation %ld%s leaked %ld block(s) (rc %d)",
                      n, sticky ? "+" : "", fa.live, rc);
        if (fa.failures == 0) {
            ck_assert_msg(rc == MKT_OK, "run without injected failure returned %d (%s)", rc,
                          mkt_strerror(rc));
            return n + 1;
        }
        ck_assert_msg(rc == MKT_OK || rc == MKT_ENOMEM || (also_ok && rc == also_ok),
                      "run failing allocation %ld%s returned %d (%s), expected ENOMEM", n,
                      sticky ? "+" : "", rc, mkt_strerror(rc));
        ck_assert_msg(n < 100000, "scenario never completes");
    }
}

long failalloc_run(failalloc_fn fn, void *arg)
{
    return failalloc_run_ex(fn, arg, 0, 0);
}

long failalloc_run_sticky(failalloc_fn fn, void *arg)
{
    return failalloc_run_ex(fn, arg, 1, 0);
}

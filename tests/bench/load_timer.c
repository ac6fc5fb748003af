/* SPDX-License-Identifier: MIT */
/*
 * Per-file load timer: loads customers.csv, bookings.csv and events.csv from a directory into
 * one table (in that order, as `mkt load` does) and prints, for each file, the wall time, the
 * CPU time (user + system, so parallel loads show CPU > wall), MB/s, rows/s and the process's
 * peak RSS so far. Used by load_bench.py; runnable on its own:
 *
 *     load_timer DIR [THREADS]
 *
 * THREADS is the threads load option (default 0: one per online CPU).
 *
 * The last line is machine-readable: kind=... wall_s=... for each file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "libmarketing/ctx.h"
#include "libmarketing/data.h"

typedef int (*load_fn)(mkt_table *, const char *, const mkt_load_options *);
typedef uint64_t (*count_fn)(const mkt_table *);

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(long *maxrss_kib)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *maxrss_kib = ru.ru_maxrss;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int find_file(const char *dir, const char *kind, char *path, size_t size)
{
    struct stat st;
    snprintf(path, size, "%s/%s.csv", dir, kind);
    if (stat(path, &st) == 0)
        return 0;
    snprintf(path, size, "%s/%s.csv.gz", dir, kind);
    return stat(path, &st) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: load_timer DIR [THREADS]\n");
        return 2;
    }
    static const char *kinds[] = {"customers", "bookings", "events"};
    static const load_fn loads[] = {mkt_table_load_customers, mkt_table_load_bookings,
                                    mkt_table_load_events};
    static const count_fn counts[] = {mkt_table_customer_count, mkt_table_booking_count,
                                      mkt_table_event_count};
    mkt_ctx *ctx = NULL;
    mkt_table *t = NULL;
    if (mkt_ctx_new(&ctx, NULL, NULL) != MKT_OK || mkt_table_new(&t, ctx) != MKT_OK)
        return 1;
    mkt_load_options o;
    mkt_load_options_init(&o);
    if (argc > 2)
        o.threads = (int32_t)atoi(argv[2]);
    for (int k = 0; k < 3; k++) {
        char path[4096];
        struct stat st;
        if (find_file(argv[1], kinds[k], path, sizeof path) != 0 || stat(path, &st) != 0)
            continue;
        long rss;
        uint64_t before = counts[k](t);
        double c0 = cpu_s(&rss), w0 = now_s();
        int rc = loads[k](t, path, &o);
        double w = now_s() - w0, c = cpu_s(&rss) - c0;
        if (rc != MKT_OK) {
            fprintf(stderr, "load_timer: %s\n", mkt_ctx_last_error(ctx)->message);
            return 1;
        }
        uint64_t rows = counts[k](t) - before;
        double mb = (double)st.st_size / 1e6;
        printf("kind=%s bytes=%lld rows=%llu wall_s=%.3f cpu_s=%.3f mb_per_s=%.1f "
               "rows_per_s=%.0f peak_rss_kib=%ld\n",
               kinds[k], (long long)st.st_size, (unsigned long long)rows, w, c, mb / w,
               (double)rows / w, rss);
        fflush(stdout);
    }
    mkt_table_free(t);
    mkt_ctx_free(ctx);
    return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * The progress line of long loads: percent of the file, MB/s and rows, redrawn on stderr at
 * most ten times a second. It is only shown when stderr is a terminal, so logs, pipes and
 * tests never receive carriage-return noise.
 */
#include <stdio.h>
#include <time.h>

#include "mkt.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(mkt_progress *p, int enabled)
{
    p->enabled = enabled;
    p->label = NULL;
    p->start = p->last_draw = 0;
    p->drawn = 0;
}

void progress_begin(mkt_progress *p, const char *label)
{
    p->label = label;
    p->start = now_seconds();
    p->last_draw = 0;
    p->drawn = 0;
}

int progress_report(uint64_t done, uint64_t total, uint64_t rows, void *data)
{
    mkt_progress *p = data;
    if (!p->enabled)
        return 0;
    double t = now_seconds();
    if (p->drawn && t - p->last_draw < 0.1)
        return 0;
    double secs = t - p->start;
    double mbs = secs > 0 ? (double)done / 1e6 / secs : 0;
    if (total > 0)
        fprintf(stderr, "\r\033[Kloading %s  %3.0f%%  %7.1f MB/s  %llu rows", p->label,
                100.0 * (double)done / (double)total, mbs, (unsigned long long)rows);
    else
        fprintf(stderr, "\r\033[Kloading %s  %7.1f MB/s  %llu rows", p->label, mbs,
                (unsigned long long)rows);
    fflush(stderr);
    p->last_draw = t;
    p->drawn = 1;
    return 0;
}

void progress_end(mkt_progress *p)
{
    if (p->enabled && p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->drawn = 0;
}

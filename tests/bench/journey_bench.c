/* SPDX-License-Identifier: MIT */
/*
 * Journey definitions: how fast the seed's journeys load (parse, schema, every check,
 * compile), and what a large generated journey costs to load and to keep: a chain of
 * N send/wait/decision steps (N * 3 + 2 nodes) under a counting allocator that reports the
 * bytes the compiled journey holds per node. MKT_BENCH_STEPS sets N (default 10000).
 * Prints its figures; exit status 1 only if a load fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmarketing.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A counting allocator: live bytes (each block carries its size in a header). */
static size_t live;
static void *c_alloc(size_t n, void *u)
{
    (void)u;
    size_t *p = malloc(n + 16);
    if (!p)
        return NULL;
    *p = n;
    live += n;
    return (char *)p + 16;
}
static void c_free(void *ptr, void *u)
{
    (void)u;
    size_t *p = (size_t *)((char *)ptr - 16);
    live -= *p;
    free(p);
}
static void *c_realloc(void *ptr, size_t n, void *u)
{
    if (!ptr)
        return c_alloc(n, u);
    size_t *p = (size_t *)((char *)ptr - 16), old = *p;
    size_t *q = realloc(p, n + 16);
    if (!q)
        return NULL;
    *q = n;
    live = live - old + n;
    return (char *)q + 16;
}

static char *generated(unsigned steps, size_t *len)
{
    size_t cap = 512 + (size_t)steps * 400;
    char *x = malloc(cap);
    if (!x)
        exit(1);
    size_t at = (size_t)snprintf(x, cap,
        "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"big\">\n"
        "<goal id=\"won\" event=\"BOOKED\"/>\n<entry id=\"start\" event=\"CART\"/>\n");
    for (unsigned i = 0; i < steps; i++) {
        char next[32] = "end";
        if (i + 1 < steps)
            snprintf(next, sizeof next, "s%u", i + 1);
        at += (size_t)snprintf(x + at, cap - at,
            "<send id=\"s%u\" channel=\"email\" template=\"tpl-%u\" subject=\"Step %u\"/>\n"
            "<wait id=\"w%u\" duration=\"1 day\"/>\n<decision id=\"d%u\">\n"
            "  <when event=\"BOOKED\" next=\"end\"/><otherwise next=\"%s\"/>\n</decision>\n",
            i, i, i, i, i, next);
    }
    at += (size_t)snprintf(x + at, cap - at, "<exit id=\"end\"/>\n</journey>\n");
    *len = at;
    return x;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "examples/journeys";
    const char *env = getenv("MKT_BENCH_STEPS");
    unsigned steps = env ? (unsigned)strtoul(env, NULL, 10) : 10000u;
    mkt_host host = MKT_HOST_INIT;
    host.alloc = c_alloc, host.realloc = c_realloc, host.free = c_free;
    mkt_ctx *ctx = NULL;
    if (mkt_ctx_new(&ctx, &host, NULL) != MKT_OK)
        return 1;
    static const char *const names[] = {"abandoned-cart", "post-booking", "welcome-series",
                                        "birthday", "win-back", "welcome-opened"};
    int runs = 200;
    double t0 = now();
    for (int r = 0; r < runs; r++)
        for (size_t i = 0; i < 6; i++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s.xml", dir, names[i]);
            mkt_journey *j = NULL;
            if (mkt_journey_load_xml_file(&j, ctx, path, NULL) != MKT_OK) {
                fprintf(stderr, "%s\n", mkt_ctx_last_error(ctx)->message);
                return 1;
            }
            mkt_journey_free(j);
        }
    double t = now() - t0;
    printf("seed journeys: %d loads in %.3f s, %.1f us per load (parse, schema, checks)\n",
           runs * 6, t, t / (runs * 6) * 1e6);

    size_t len;
    char *x = generated(steps, &len);
    mkt_journey_options o = MKT_JOURNEY_OPTIONS_INIT;
    o.max_nodes = 100000;
    o.max_depth = 100000;
    size_t before = live;
    mkt_journey *j = NULL;
    t0 = now();
    int rc = mkt_journey_load_xml_memory(&j, ctx, x, len, "big.xml", &o);
    t = now() - t0;
    if (rc != MKT_OK) {
        fprintf(stderr, "%s\n", mkt_ctx_last_error(ctx)->message);
        return 1;
    }
    uint32_t nodes = mkt_journey_node_count(j), edges = mkt_journey_edge_count(j);
    size_t held = live - before;
    printf("generated: %u nodes, %u edges, %.2f MB XML loaded in %.3f s (%.0f nodes/s); "
           "the journey holds %zu bytes = %.0f bytes per node\n", nodes, edges,
           (double)len / 1e6, t, nodes / t, held, (double)held / nodes);
    char *text = NULL;
    t0 = now();
    rc = mkt_journey_format(j, ctx, &text);
    printf("show: %.3f s, %zu bytes of text\n", now() - t0, text ? strlen(text) : 0);
    mkt_free(text);
    mkt_journey_free(j);
    free(x);
    mkt_ctx_free(ctx);
    return rc == MKT_OK ? 0 : 1;
}

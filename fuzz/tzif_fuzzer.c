/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of the time-zone readers (lib/core/tz.c, tz-posix.c). An input starting with
 * "TZif" is a zoneinfo file; anything else is a POSIX TZ string (the TZif footer). Properties:
 * no crash or sanitizer report; a zone that parses gives offsets within (-25 h, +26 h) at
 * every instant asked, far past and far future included; local-to-UTC conversion returns an
 * instant whose offset is one of the zone's; parsing a POSIX string is deterministic.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libmarketing.h"
#include "tz-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond))                                                                         \
            abort();                                                                         \
    } while (0)

static const int64_t instants[] = { -4102444800, -1, 0, 1, 951782400, 1743296400, 1761440400,
                                    2147483647, 2147483648, 4102444800, 253402300799 };

static void check_zone(const mkt__tz *z)
{
    for (size_t i = 0; i < sizeof instants / sizeof instants[0]; i++) {
        int32_t off = mkt__tz_offset(z, instants[i]);
        CHECK(off > -25 * 3600 && off < 26 * 3600);
        int64_t u = mkt__tz_local_to_utc(z, instants[i] + off);
        int32_t back = mkt__tz_offset(z, u);
        CHECK(back > -25 * 3600 && back < 26 * 3600);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    if (size >= 4 && memcmp(data, "TZif", 4) == 0) {
        mkt_ctx *ctx;
        if (mkt_ctx_new(&ctx, NULL, NULL) != MKT_OK)
            return 0;
        mkt__tz *z = NULL;
        if (mkt__tz_parse(ctx, "fuzz", data, size, &z) == MKT_OK) {
            check_zone(z);
            mkt__tz_free(ctx, z);
        } else {
            CHECK(z == NULL);
        }
        mkt_ctx_free(ctx);
        return 0;
    }
    struct mkt__tz_posix a, b;
    int ra = mkt__tz_parse_posix((const char *)data, size, &a);
    int rb = mkt__tz_parse_posix((const char *)data, size, &b);
    CHECK(ra == rb);
    if (ra == MKT_OK) {
        CHECK(memcmp(&a, &b, sizeof a) == 0);
        /* A footer-only zone: no transitions, one type. */
        int32_t type_off = a.std_off;
        mkt__tz z;
        memset(&z, 0, sizeof z);
        z.type_off = &type_off;
        z.ntypes = 1;
        z.has_footer = 1;
        z.footer = a;
        if (a.std_off > -25 * 3600 && a.std_off < 26 * 3600 && a.dst_off > -25 * 3600 &&
            a.dst_off < 26 * 3600)
            check_zone(&z);
    }
    return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of the CSV reader and the loaders. The first input byte picks the separator,
 * the read block size and the loader; the rest is the file. The reader must return
 * well-formed records (valid UTF-8, no NUL, line numbers that never go back) or an error;
 * every loader must succeed or fail cleanly, and a failed load must leave the table or path
 * set as it was (here: empty, then as after the previous successful load).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/csv-private.h"
#include "data/paths-private.h"
#include "data/table-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int seps[] = {',', ';', '\t', '|'};
static const size_t blocks[] = {0, 1, 7, 64};

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond))                                                                         \
            abort();                                                                         \
    } while (0)

static mkt__csv *open_reader(mkt_ctx *ctx, const uint8_t *data, size_t size, uint8_t mode,
                             int header)
{
    struct mkt__csv_options o = {0};
    o.sep = seps[mode & 3];
    o.block_size = blocks[(mode >> 2) & 3];
    o.has_header = header;
    mkt__csv *r = NULL;
    if (mkt__csv_open_memory(&r, ctx, "fuzz.csv", data, size, &o) != MKT_OK)
        return NULL;
    return r;
}

static void fuzz_reader(mkt_ctx *ctx, const uint8_t *data, size_t size, uint8_t mode)
{
    mkt__csv *r = open_reader(ctx, data, size, mode, 1);
    if (!r)
        return;
    uint64_t last_line = 0;
    int rc;
    while ((rc = mkt__csv_next(r)) == 1) {
        CHECK(r->nfields >= 1 && r->nfields <= ctx->opts.max_fields);
        CHECK(r->line > last_line);
        last_line = r->line;
        for (size_t i = 0; i < r->nfields; i++) {
            CHECK(r->fields[i].len <= ctx->opts.max_field_bytes);
            CHECK(mkt__utf8_valid(r->fields[i].ptr, r->fields[i].len));
        }
    }
    CHECK(rc <= 0);
    if (rc < 0)
        CHECK(mkt_ctx_last_error(ctx)->code == rc);
    mkt__csv_free(r);
}

struct shape {
    uint64_t customers, bookings, events, cols, currencies;
};

static struct shape shape_of(const mkt_table *t)
{
    mkt_table_stats s;
    CHECK(mkt_table_stats_get(t, &s) == MKT_OK);
    struct shape sh = {s.customers, s.bookings, s.events, mkt_table_column_count(t),
                       s.currencies};
    return sh;
}

static void fuzz_table(mkt_ctx *ctx, const uint8_t *data, size_t size, uint8_t mode)
{
    mkt_table *t;
    if (mkt_table_new(&t, ctx) != MKT_OK)
        return;
    for (int step = 0; step < 3; step++) {
        int kind = (mode >> 4 & 3) + step;
        mkt__csv *r = open_reader(ctx, data, size, mode, 1);
        if (!r)
            break;
        struct shape before = shape_of(t);
        int rc;
        if (kind % 3 == 0)
            rc = mkt__load_bookings_csv(t, r, MKT_UNKNOWN_CUSTOMER_AUTO);
        else if (kind % 3 == 1) {
            /* Every other customers load keeps only two columns. */
            static const char *const some[] = {"tier", "country"};
            mkt_load_options o = MKT_LOAD_OPTIONS_INIT;
            if (mode & 64) {
                o.columns = some;
                o.ncolumns = 2;
            }
            rc = mkt__load_customers_csv(t, r, &o, 1);
        }
        else
            rc = mkt__load_events_csv(t, r, MKT_UNKNOWN_CUSTOMER_CREATE);
        mkt__csv_free(r);
        struct shape after = shape_of(t);
        if (rc != MKT_OK)
            CHECK(memcmp(&before, &after, sizeof before) == 0);
        /* Every value must be readable. */
        for (uint32_t c = 0; c < after.cols; c++) {
            mkt_column_info info;
            CHECK(mkt_table_column_info(t, c, &info) == MKT_OK);
            CHECK(info.null_count <= after.customers);
            for (uint64_t row = 0; row < after.customers && row < 64; row++) {
                const char *s;
                int64_t v;
                double d;
                int32_t is_null;
                if (info.type == MKT_TYPE_STRING)
                    CHECK(mkt_table_get_string(t, c, row, &s, NULL) == MKT_OK);
                else if (info.type == MKT_TYPE_NUMBER)
                    CHECK(mkt_table_get_number(t, c, row, &d, &is_null) == MKT_OK);
                else
                    CHECK(mkt_table_get_int(t, c, row, &v, &is_null) == MKT_OK);
            }
        }
        for (uint64_t i = 0; i < after.bookings && i < 64; i++) {
            mkt_booking b;
            CHECK(mkt_table_get_booking(t, i, &b) == MKT_OK);
            CHECK(b.customer_row < after.customers);
        }
    }
    mkt_table_free(t);
}

static void fuzz_paths(mkt_ctx *ctx, const uint8_t *data, size_t size, uint8_t mode)
{
    mkt_paths *p;
    if (mkt_paths_new(&p, ctx) != MKT_OK)
        return;
    mkt_paths_options o;
    mkt_paths_options_init(&o);
    o.round_values = mode >> 7;
    for (int touch = 0; touch < 2; touch++) {
        mkt__csv *r = open_reader(ctx, data, size, mode, 1);
        if (!r)
            break;
        uint64_t before = mkt_paths_count(p);
        int rc = touch ? mkt__paths_load_touch_csv(p, r, &o) : mkt__paths_load_paths_csv(p, r, &o);
        mkt__csv_free(r);
        if (rc != MKT_OK)
            CHECK(mkt_paths_count(p) == before);
        for (uint64_t i = 0; i < mkt_paths_count(p); i++) {
            mkt_path path;
            CHECK(mkt_paths_get(p, i, &path) == MKT_OK);
            CHECK(path.length >= 1);
            for (uint32_t k = 0; k < path.length; k++)
                CHECK(mkt_paths_channel_name(p, path.channels[k]) != NULL);
            for (uint32_t k = 1; path.ts && k < path.length; k++)
                CHECK(path.ts[k - 1] <= path.ts[k]);
        }
    }
    mkt_paths_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    mkt_ctx_options opts;
    mkt_ctx_options_init(&opts);
    opts.max_field_bytes = 4096; /* small limits keep runs fast and reach the limit paths */
    opts.max_fields = 64;
    mkt_ctx *ctx;
    if (mkt_ctx_new(&ctx, NULL, &opts) != MKT_OK)
        return 0;
    fuzz_reader(ctx, data + 1, size - 1, mode);
    fuzz_table(ctx, data + 1, size - 1, mode);
    fuzz_paths(ctx, data + 1, size - 1, mode);
    mkt_ctx_free(ctx);
    return 0;
}

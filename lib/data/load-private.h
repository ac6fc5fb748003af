/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the CSV loaders: header mapping against a list of known columns, field
 * access with null handling, and typed field parsers that report errors as
 * "file:line:column: field: reason 'value'". Nothing here is exported.
 */
#ifndef MKT_DATA_LOAD_PRIVATE_H
#define MKT_DATA_LOAD_PRIVATE_H

#include "table-private.h"

struct mkt__field_spec {
    const char *name;
    int required; /* the column must exist and every value be non-empty */
};

/* Map each spec entry to its header column (-1 when absent) in @map (n entries). Errors: a
 * duplicate header name, a missing required column. */
int mkt__map_header(mkt__csv *r, const struct mkt__field_spec *spec, size_t n, int *map);
/* Check the record has as many fields as the header. */
int mkt__check_width(mkt__csv *r);
/* The text of header column @col (-1: absent) of the current record; empty means null.
 * Inline: it runs for every field of every record. */
static inline struct mkt__str mkt__field(const mkt__csv *r, int col)
{
    if (col < 0 || r->fields[col].len == 0)
        return (struct mkt__str){NULL, 0};
    return (struct mkt__str){r->fields[col].ptr, r->fields[col].len};
}
/* Bytes of @s to quote in a message: at most 60, cut at a character boundary. */
int mkt__quote_len(const char *s, size_t n);

/* Typed fields. A null (absent or empty) value gives the null marker, or an error when
 * @required. */
int mkt__field_missing(mkt__csv *r, int col); /* MKT_EPARSE "missing value" */
static inline int mkt__field_str(mkt__csv *r, int col, int required, struct mkt__str *out)
{
    *out = mkt__field(r, col);
    return !out->p && required ? mkt__field_missing(r, col) : MKT_OK;
}
/* @what names the kind in messages ("invalid date '...'"). */
int mkt__field_time(mkt__csv *r, int col, int required, const char *what, mkt_time *out);
int mkt__field_date(mkt__csv *r, int col, mkt_date *out);
/* Money with 2 decimals; @nonneg: a negative value is MKT_ERANGE. */
int mkt__field_money(mkt__csv *r, int col, int required, int nonneg, int64_t *out);
/* Parse @col into column @c of the table at @row by the column's type (non-empty text). */
int mkt__field_store(mkt__csv *r, int col, struct mkt__col *c, uint32_t column, size_t row);

/* About how many records follow in a plain file, from the average size of the @seen records
 * read so far (with some slack); 0 when unknown (gzip, memory input). */
size_t mkt__records_ahead(const mkt__csv *r, size_t seen);

/* The columns of bookings.csv, in the order of mkt__booking_spec. */
enum {
    B_ID, B_CUST, B_DATE, B_DEP, B_ORIGIN, B_DEST, B_ROUTE, B_TRIP, B_CABIN, B_FARE,
    B_CHANNEL, B_PAX, B_TOTAL, B_ANC, B_CURRENCY, B_STATUS, B_N
};
extern const struct mkt__field_spec mkt__booking_spec[B_N];
/* Check every field of the current booking record (@m maps B_* to header columns) the way
 * mkt_table_load_bookings() does, into @in (strings borrowed from the reader; row1 = 0). */
int mkt__parse_booking(mkt__csv *r, const int *m, struct mkt__bk_in *in);

/* @user (NULL: defaults) checked and completed into @o. MKT_OK or MKT_EINVAL. */
int mkt__load_options_get(mkt_ctx *ctx, const mkt_load_options *user, mkt_load_options *o);
/* Open @path with the load options, for a loader. */
int mkt__open_for_load(mkt__csv **out, mkt_ctx *ctx, const char *path, int32_t sep,
                       mkt_progress_fn progress, void *progress_data);

/* load-parallel.c: records parsed by worker threads start with this header. */
struct mkt__par_rec { /* 8 bytes, so a small record shares one cache line with it */
    uint32_t line; /* relative to its chunk (the loader sees it in the reader's line) */
    uint32_t end;  /* offset of the record's end in its chunk */
};
struct mkt__par_ops {
    size_t rec_size; /* a record: struct mkt__par_rec, then what parse() fills in */
    /* In a worker: parse the current record of the quiet reader @r into @rec; not MKT_OK
     * leaves it (and the rest of its chunk) to rows(). Must not allocate or record errors. */
    int (*parse)(mkt__csv *r, const void *cfg, void *rec);
    /* In the loading thread: stage a parsed record (the reader's line is the record's). */
    int (*stage)(void *cfg, void *rec);
    /* In the loading thread: the sequential record loop, from the reader's position on until
     * mkt__csv_next() ends (at the end of the input, or at r->stop_at). */
    int (*rows)(void *cfg);
    /* Optional, in the loading thread: @rec will be staged soon; fetch what stage() touches. */
    void (*prefetch)(const void *cfg, const void *rec);
    /* Optional, in a parsing thread once a chunk is parsed: a second pass over its @n
     * records (rec_size apart), e.g. lookups batched with prefetches, or taking records in
     * the parsing thread. @thread numbers the parsing threads: 0 is the loading thread, 1..
     * the workers. Returns how many records are left to stage(), moved (in file order) to
     * the front. Must not allocate. Without it every record is staged. */
    size_t (*parsed)(const void *cfg, unsigned thread, void *recs, size_t n);
};
/* Threads to use for the threads load option (0: online CPUs). */
size_t mkt__par_threads(int32_t threads);
/* After the header: the records of @r through worker threads when the input is a plain file
 * and @threads > 1, else (or for the rest, after anything unusual) through ops->rows(). */
int mkt__load_parallel(mkt__csv *r, size_t threads, const struct mkt__par_ops *ops, void *cfg);
/* Tests only: chunk size of parallel loads (0: the default). */
extern size_t mkt__par_chunk_bytes;

#endif /* MKT_DATA_LOAD_PRIVATE_H */

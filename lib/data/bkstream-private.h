/* SPDX-License-Identifier: MIT */
/*
 * Streaming a bookings file without keeping it: every record is checked exactly as
 * mkt_table_load_bookings() checks it and handed, in file order, to a sink that folds it into
 * whatever per-customer state it needs (RFM, lifecycle). Plain files are parsed by worker
 * threads (load-parallel.c); memory stays bounded by the chunk buffers, whatever the file size.
 *
 * Duplicate booking ids are errors, as in a load. Keeping every id to find them would cost
 * more memory than the sink, so the stream first bets that the ids ascend (byte order), which
 * makes duplicates impossible and costs one comparison per record. At the first id that does
 * not ascend the sink is reset and the file is streamed again, sequentially, with every id
 * interned, so the first duplicate is reported at its line exactly as a load would.
 */
#ifndef MKT_DATA_BKSTREAM_PRIVATE_H
#define MKT_DATA_BKSTREAM_PRIVATE_H

#include "load-private.h"

struct mkt__bk_sink {
    /* One checked booking (in->row1 as locate() set it, else 0; strings live until the call returns). @r is at the
     * record, for errors: mkt__csv_error(r, code, map[B_...], ...). Not MKT_OK stops. */
    int (*add)(void *data, mkt__csv *r, const int *map, const struct mkt__bk_in *in);
    /* Forget everything added: the file is streamed again from its first record. */
    void (*reset)(void *data);
    /* Optional, in a parsing thread after the record was checked: may set in->row1 from
     * state nobody changes during the stream. Must not allocate. */
    void (*locate)(const void *data, struct mkt__bk_in *in);
    /* Optional: locate() will be called for @in a few records from now; fetch what it reads. */
    void (*locate_ahead)(const void *data, const struct mkt__bk_in *in);
    /* Optional: add() will be called for @in a few records from now; fetch what it touches. */
    void (*prefetch)(const void *data, const struct mkt__bk_in *in);
    void *data;
};

/* Stream bookings.csv (or .gz) at @path into @sink. Uses the separator, progress and threads
 * of @opts (NULL: defaults). MKT_OK, or the first error in file order (context error set). */
int mkt__bk_stream(mkt_ctx *ctx, const char *path, const mkt_load_options *opts,
                   const struct mkt__bk_sink *sink);

/* Tests only: skip the ascending-id bet and intern every id from the start. */
extern int mkt__bk_stream_exact;

#endif /* MKT_DATA_BKSTREAM_PRIVATE_H */

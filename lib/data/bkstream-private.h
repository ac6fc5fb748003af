/* SPDX-License-Identifier: MIT */
/*
 * Streaming a bookings file without keeping it: every record is checked exactly as
 * mkt_table_load_bookings() checks it and handed, in file order, to a sink that folds it into
 * whatever per-customer state it needs (as-of fields, RFM, lifecycle). Plain files are parsed
 * by worker threads (load-parallel.c); memory stays bounded by the chunk buffers, whatever the
 * file size.
 *
 * The sink works in two steps so that the folding thread stays light: condense() runs in the
 * parsing thread and boils a record down to a small fact (at most MKT__BK_FACT_MAX bytes,
 * e.g. the customer's row looked up and the values that matter); add() runs in file order in
 * the calling thread on that fact. A fact and its record header share one cache line, which is
 * all that crosses from the parsing core to the folding one.
 *
 * Duplicate booking ids are errors, as in a load. Keeping every id to find them would cost
 * more memory than the sink, so the stream first bets that the ids ascend (byte order), which
 * makes duplicates impossible and costs one comparison per record, done by the parsing
 * threads. At the first id that does not ascend the sink is reset and the file is streamed
 * again, sequentially, with every id interned, so the first duplicate is reported at its line
 * exactly as a load reports it.
 */
#ifndef MKT_DATA_BKSTREAM_PRIVATE_H
#define MKT_DATA_BKSTREAM_PRIVATE_H

#include "load-private.h"

#define MKT__BK_FACT_MAX 48 /* bytes of a condensed record */

struct mkt__bk_sink {
    /* In a parsing thread, after the record was checked: what add() needs of it, into @fact
     * (MKT__BK_FACT_MAX bytes, 8-aligned), from state nobody changes during the stream (e.g.
     * the customer index). Must not allocate. */
    void (*condense)(const void *data, const struct mkt__bk_in *in, void *fact);
    /* Optional: condense() will be called for @in a few records from now: fetch what it reads. */
    void (*condense_ahead)(const void *data, const struct mkt__bk_in *in);
    /* Optional, in the calling thread: add() will be called for @fact soon: fetch its state. */
    void (*add_ahead)(const void *data, const void *fact);
    /* One checked booking, in file order, in the calling thread. @in is the full record, which
     * another core parsed: reading it is slow, so condense() puts what add() needs into @fact
     * where it can (strings, such as a customer id to number, stay in @in). @r is at the
     * record, for errors: mkt__csv_error(r, code, map[B_...], ...). Not MKT_OK stops. */
    int (*add)(void *data, mkt__csv *r, const int *map, const struct mkt__bk_in *in,
               const void *fact);
    /* Forget everything added: the file is streamed again from its first record. */
    void (*reset)(void *data);
    void *data;
    /* Optional, for sinks whose adds commute (sums, counts, minimum, maximum): most facts are
     * then folded by the parsing threads themselves, each into its own state, and the calling
     * thread only sees the few they leave, in file order. Then:
     * - threads(): before a parallel pass, with the number of parsing threads (the calling
     *   thread is thread 0) and the file's size in bytes (a bound on what a thread can meet):
     *   make the per-thread state;
     * - local(): in parsing thread @thread, fold @fact into that thread's state, or return 0
     *   to leave it to add(). Must not allocate or fail;
     * - local_ahead() (optional): local() will be called for @fact soon: fetch its state;
     * - merge(): after the pass, fold the threads' states into the result. @failed says the
     *   pass stopped at an error (nothing need be merged then). MKT_OK or an error.
     * The sink's result must not depend on which thread folded what (rfm/stream-lanes.c). */
    int (*threads)(void *data, unsigned n, uint64_t bytes);
    int (*local)(void *data, unsigned thread, const void *fact);
    void (*local_ahead)(const void *data, unsigned thread, const void *fact);
    int (*merge)(void *data, int failed);
};

/* A booking's currency as sinks compare it: its three letters packed into one number (never
 * 0, never UINT32_MAX); a null currency is the loaders' default, USD. */
static inline uint32_t mkt__currency_key(struct mkt__str c)
{
    if (!c.p)
        c = (struct mkt__str){"USD", 3};
    uint32_t k = 0;
    for (size_t i = 0; i < c.n && i < 3; i++)
        k = k << 8 | (unsigned char)c.p[i];
    return k;
}

/* Stream bookings.csv (or .gz) at @path into @sink. Uses the separator, progress and threads
 * of @opts (NULL: defaults). MKT_OK, or the first error in file order (context error set). */
int mkt__bk_stream(mkt_ctx *ctx, const char *path, const mkt_load_options *opts,
                   const struct mkt__bk_sink *sink);

/* Tests only: skip the ascending-id bet and intern every id from the start. */
extern int mkt__bk_stream_exact;

#endif /* MKT_DATA_BKSTREAM_PRIVATE_H */

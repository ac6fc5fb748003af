/* SPDX-License-Identifier: MIT */
/*
 * What stream.c (RFM and lifecycle from a bookings file) and stream-lanes.c (RFM folded in
 * the parsing threads) share: the condensed booking, how customers are numbered, the feed.
 */
#ifndef MKT_RFM_STREAM_PRIVATE_H
#define MKT_RFM_STREAM_PRIVATE_H

#include "data/bkstream-private.h"
#include "data/table-private.h"
#include "rfm-private.h"

/* A booking as the calling thread needs it. */
struct fact {
    int64_t amount;
    mkt_date date;
    uint32_t currency; /* three letters packed */
    uint8_t counts;    /* confirmed, and in the window (RFM) or by the as-of date (lifecycle) */
    uint32_t id_len;
    const char *id;    /* the customer id, in the parsing thread's chunk */
    int64_t number;    /* of the customer id if it has a numbered shape, else -1 */
};
_Static_assert(sizeof(struct fact) <= MKT__BK_FACT_MAX, "fact too large for the stream");

/* Most files number their customers ("C0001234"): while every id met has the first id's shape
 * (prefix + fixed-width number) and the numbers are dense, a customer's accumulator index IS
 * its number, so the calling thread neither hashes nor interns an id, and the parsing thread
 * can name the accumulator to prefetch (fact.number). The names are written out once at the
 * end. The first id of another shape, or a number far beyond the customers met, moves every
 * customer met to the dictionary (interned ids, numbered in order), which takes all later
 * ids. */
#define BY_NUMBER_MAX (UINT32_C(1) << 26) /* numbers beyond take the dictionary */
#define BY_NUMBER_ANY (UINT32_C(1) << 21) /* numbers below are taken however few customers */

/* RFM's adds commute (counts, sums, the latest date), so the parsing threads fold most
 * bookings themselves, each into a lane of its own, and share nothing while they do:
 * - the calling thread's lane (0) is the accumulators themselves, while they are numbered;
 * - a worker's lane (1..) is accumulators of its own, indexed by the number of a customer id
 *   of the lane's shape (its first id's) below a cap, with currencies of its own.
 * A booking a lane cannot take (another shape, a larger number) is left to add() in file
 * order. So is the first booking in each currency a lane meets: every thread parses its
 * chunks in file order, so the first booking of a currency in the file reaches add() first,
 * and the calling thread numbers currencies, and refuses a 65th, in file order as one
 * thread does. After the pass the workers' lanes are merged by customer id into the
 * accumulators (by number, or through the dictionary when the file left numbering
 * meanwhile); the output is sorted by id, so it does not depend on who folded what.
 * Lifecycle keeps one thread: its per-customer state is not a plain sum. */
struct lane {
    struct mkt__rfm_acc acc;     /* numbered customers, the lane's 64 currencies */
    struct mkt__dense_ids shape; /* of the lane's ids (len 0 until its first) */
    uint32_t cur_key[64];        /* the lane's currencies: packed code by lane currency id */
    int64_t rates[64];           /* with fx: their rates */
    size_t ncur;
    char pad[64];                /* lanes are written by different threads */
};

struct feed {
    mkt_ctx *ctx;
    mkt_date after, as_of;      /* a booking counts when after < date <= as_of */
    struct mkt__dense_ids shape; /* by number: the shape (len 0 until the first id) */
    int by_number;              /* accumulators indexed by id number (else: dictionary) */
    uint8_t *met;               /* by number: 1 for every number met */
    size_t nmet;                /* by number: customers met */
    size_t room;                /* accumulator entries made */
    mkt__intern ids;            /* dictionary: customers met, numbered in order */
    char *names;                /* after finish() by number: the ids, shape.len bytes each */
    size_t ncust;               /* after finish(): customers met */
    uint32_t cur_key[64];       /* currencies met: packed code by currency id */
    char cur_code[64][4];
    size_t ncur;
    const mkt_rfm_fx *fx;
    int64_t rates[64];          /* with fx: scaled rate by currency id */
    struct lane *lanes;         /* by parsing thread, while they fold (RFM) */
    unsigned nlanes;
    struct mkt__rfm_acc *rfm;   /* one of the two is fed */
    struct mkt__life_acc *life;
};

/* The id of currency @key (mkt__currency_key()) in @keys[0..n), or -1. */
static inline int mkt__feed_find_currency(const uint32_t *keys, size_t n, uint32_t key)
{
    for (size_t i = 0; i < n; i++)
        if (keys[i] == key)
            return (int)i;
    return -1;
}

/* The accumulator index of the booking's customer, making its entry when new (stream.c). */
int mkt__feed_customer_index(struct feed *f, struct mkt__str cust, uint32_t *index);
/* Fold RFM in the parsing threads: set @k's lane operations (stream-lanes.c). */
void mkt__feed_use_lanes(struct mkt__bk_sink *k);
/* Free the workers' lanes (none: nothing to do). */
void mkt__feed_free_lanes(struct feed *f);

#endif /* MKT_RFM_STREAM_PRIVATE_H */

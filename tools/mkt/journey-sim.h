/* SPDX-License-Identifier: MIT */
/* `mkt journey simulate` (journey-sim.c), called by cmd-journey.c. */
#ifndef MKT_JOURNEY_SIM_H
#define MKT_JOURNEY_SIM_H

#include "mkt.h"

typedef struct sim_options {
    mkt_time from, to;  /* events in [from, to); MKT_NULL_INT64: unbounded */
    const char *outbox; /* CSV of every message, or NULL */
    int due;            /* --customers given: the engine finds segment and date entries */
    mkt_promo_options promo;       /* format of issued offer codes (--promo-*) */
    const char *promo_secret_file; /* their secret, or NULL: random per run */
} sim_options;

/* Replay the events and bookings of @table through an engine running @j with a simulated
 * clock and an in-memory store; print per-node counts; write the outbox. Returns an exit
 * code. */
int journey_simulate(mkt_app *app, const mkt_journey *j, const mkt_table *table,
                     const sim_options *o);

/* For a journey with offers on its sends: the promo format (into @fmt, freed by the caller)
 * and secret (read from o->promo_secret_file into @secret of @cap bytes, else drawn at
 * random, which stderr is told) into @eo. Sets *reported when it printed its error. Returns
 * a status. Defined in journey-sim-offer.c. */
int sim_promo_setup(mkt_ctx *ctx, const mkt_journey *j, const sim_options *o, int *reported,
                    mkt_promo_format **fmt, char *secret, size_t cap,
                    mkt_journey_engine_options *eo);
/* Write the detail "offer=ID:CODE" of a send line when the engine issued a code with @m
 * (nothing otherwise). Defined in journey-sim-offer.c. */
void sim_offer_detail(FILE *out, const mkt_message *m);

#endif /* MKT_JOURNEY_SIM_H */

/* SPDX-License-Identifier: MIT */
/* `mkt journey simulate` (journey-sim.c), called by cmd-journey.c. */
#ifndef MKT_JOURNEY_SIM_H
#define MKT_JOURNEY_SIM_H

#include "mkt.h"

typedef struct sim_options {
    mkt_time from, to;  /* events in [from, to); MKT_NULL_INT64: unbounded */
    const char *outbox; /* CSV of every message, or NULL */
    int due;            /* --customers given: the engine finds segment and date entries */
} sim_options;

/* Replay the events and bookings of @table through an engine running @j with a simulated
 * clock and an in-memory store; print per-node counts; write the outbox. Returns an exit
 * code. */
int journey_simulate(mkt_app *app, const mkt_journey *j, const mkt_table *table,
                     const sim_options *o);

#endif /* MKT_JOURNEY_SIM_H */

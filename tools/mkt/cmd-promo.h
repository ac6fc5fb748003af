/* SPDX-License-Identifier: MIT */
/*
 * The parts of `mkt promo`: the dispatcher and the code subcommands generate and check
 * (cmd-promo.c), and the offer subcommands (tools/mkt/promo-offer.c: validate, redemption).
 */
#ifndef MKT_CMD_PROMO_H
#define MKT_CMD_PROMO_H

#include "mkt.h"

/* Run offer subcommand argv[0] ("validate", ...) with its arguments argv[1 .. argc-1]; getopt is
 * reset (optind = 0) before the call. Returns an exit code, or -1 when argv[0] is not an offer
 * subcommand (the dispatcher then reports an unknown subcommand). Defined in promo-offer.c. */
int promo_offer_run(mkt_app *app, int argc, char **argv);
/* Usage lines and descriptions of the offer subcommands, printed by `mkt promo --help`. */
void promo_offer_usage(FILE *out);

#endif /* MKT_CMD_PROMO_H */

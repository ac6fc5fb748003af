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
/* Read the secret of `mkt promo derive --secret-file F` (also `mkt journey simulate
 * --promo-secret-file F`): the file's bytes into @buf of @cap bytes, without one final
 * newline. Prints the error and returns MKT_EXIT_FAIL, else MKT_EXIT_OK. */
int promo_read_secret(const char *path, char *buf, size_t cap, size_t *len);

#endif /* MKT_CMD_PROMO_H */

/* SPDX-License-Identifier: MIT */
/*
 * What the privacy module's erasure asks of the offer module before it deletes the customer's
 * keys (lib/pii-registry.c, which names this hook).
 */
#ifndef MKT_OFFER_ERASE_H
#define MKT_OFFER_ERASE_H

#include "libmarketing/common.h"

/* Give back the customer's live reservations (so the offer-wide limits and budget do not keep
 * a use nobody can release once the records are gone) and drop the store bindings of codes
 * bound to the customer (offer.code values name the customer). Idempotent: an erasure that
 * failed half-way runs it again. MKT_OK or the store's error. */
int mkt__offer_erase_customer(mkt_ctx *ctx, const char *customer_id);

#endif /* MKT_OFFER_ERASE_H */

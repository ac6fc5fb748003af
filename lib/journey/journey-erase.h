/* SPDX-License-Identifier: MIT */
/*
 * What the privacy module's erasure asks of the journey engine before it deletes the
 * customer's "journey.instance" and "journey.sent" keys by prefix (lib/pii-registry.c).
 */
#ifndef MKT_JOURNEY_ERASE_H
#define MKT_JOURNEY_ERASE_H

#include "libmarketing/common.h"

/* Delete the customer's "journey.timer" records, whose keys start with the due time rather
 * than the customer id (so that a scan finds wake-ups in due order): a scan of the whole
 * namespace, which holds one key per sleeping instance. Idempotent. MKT_OK or the store's
 * error. */
int mkt__journey_erase_customer(mkt_ctx *ctx, const char *customer_id);

#endif /* MKT_JOURNEY_ERASE_H */

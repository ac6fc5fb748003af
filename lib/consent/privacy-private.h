/* SPDX-License-Identifier: MIT */
/*
 * Internal privacy API: the registry of namespaces that hold per-customer data (keys
 * "<id>\x1f..."), the tombstones, and erasure over an explicit registry (tests pass their own).
 *
 * Tombstones: namespace "privacy.tombstone", key = 64 hex digits of
 * HMAC-SHA-256(store salt, "<kind>\x1f<value>") with kind "customer", "email" or "phone",
 * value "erased_at=<ts>\n". No key or value holds the identifier itself.
 */
#ifndef MKT_PRIVACY_PRIVATE_H
#define MKT_PRIVACY_PRIVATE_H

#include <stdint.h>

#include "audit-private.h"
#include "libmarketing/privacy.h"
#include "util.h"

#define MKT__TOMBSTONE_NS "privacy.tombstone"

/* What erasure does with a namespace's keys of the customer. */
enum mkt__pii_mode {
    MKT__PII_DELETE = 1,    /* delete every key */
    MKT__PII_ANONYMIZE = 2  /* keep the values for aggregates under "~<tombstone hex>\x1f<rest>"
                               (no longer the customer's prefix; counters stay summable) */
};

struct mkt__pii_ns {
    const char *ns;
    int mode;
    /* Optional: the owning module's clean-up, run before the namespace is erased (e.g. offers
     * give back live reservations and unbind codes). Must be idempotent. */
    int (*prepare)(mkt_ctx *ctx, const char *customer_id);
};

/* The registry (lib/pii-registry.c, above the modules), terminated by { NULL, 0, NULL }. */
extern const struct mkt__pii_ns mkt__pii_namespaces[];

/* Erase with an explicit registry (mkt_privacy_erase passes mkt__pii_namespaces). */
int mkt__privacy_erase_with(mkt_ctx *ctx, const struct mkt__pii_ns *registry,
                            const mkt_erase_request *req, char **receipt);

/* Whether the customer id has a tombstone (for the consent module: a customer without a state
 * record that gets one). */
int mkt__privacy_tombstoned(mkt_ctx *ctx, const char *customer_id, int *found);

/* Called by the consent module when a customer without a state record gets one (@s is the
 * empty state about to be written): if the id has a tombstone, add the DNC entry (all
 * channels, INTERNAL_POLICY) that keeps a re-imported erased customer suppressed until an
 * explicit, audited mkt_dnc_remove() on a fresh opt-in. */
struct mkt__consent_state;
int mkt__privacy_suppress_if_erased(mkt_ctx *ctx, const char *customer_id,
                                    struct mkt__consent_state *s);

/* The normalized form an identifier is tombstoned under (lower-case trimmed email; digits and
 * a leading '+' of a phone); MKT_EINVAL when nothing is left. */
int mkt__privacy_normalize(mkt_ctx *ctx, int32_t kind, const char *value, mkt__buf *out);

#endif /* MKT_PRIVACY_PRIVATE_H */

/* SPDX-License-Identifier: MIT */
/*
 * The one registry of namespaces holding per-customer data (keys "<id>\x1f..."): erasure
 * deletes (or anonymizes) by it and export lists by it. A module that stores per-customer
 * state adds ONE line here (offers' and journeys' namespaces come with those modules).
 */
#include "consent-private.h"
#include "privacy-private.h"

const struct mkt__pii_ns mkt__pii_namespaces[] = {
    { MKT__CONSENT_NS_STATE, MKT__PII_DELETE },
    { MKT__CONSENT_NS_HISTORY, MKT__PII_DELETE },
    { MKT__CONSENT_NS_CAPS, MKT__PII_DELETE },
    { NULL, 0 },
};

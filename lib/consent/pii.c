/* SPDX-License-Identifier: MIT */
/*
 * The one registry of namespaces holding per-customer data (keys "<id>\x1f..."): erasure
 * deletes (or anonymizes) by it and export lists by it. A module that stores per-customer
 * state adds ONE line here (journeys' namespaces come with the journey engine).
 */
#include "consent-private.h"
#include "offer/offer-erase.h"
#include "privacy-private.h"

const struct mkt__pii_ns mkt__pii_namespaces[] = {
    { MKT__CONSENT_NS_STATE, MKT__PII_DELETE, NULL },
    { MKT__CONSENT_NS_HISTORY, MKT__PII_DELETE, NULL },
    { MKT__CONSENT_NS_CAPS, MKT__PII_DELETE, NULL },
    /* Offers (lib/offer/offer-erase.h): reservations given back and code bindings dropped
     * first; committed uses stay in the offer-wide totals of "offer.usage". */
    { "offer.redemption", MKT__PII_DELETE, mkt__offer_erase_customer },
    { "offer.customer", MKT__PII_DELETE, NULL },
    { "offer.customer_code", MKT__PII_DELETE, NULL },
    { NULL, 0, NULL },
};

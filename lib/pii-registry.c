/* SPDX-License-Identifier: MIT */
/*
 * The one registry of namespaces holding per-customer data (keys "<id>\x1f..."): erasure
 * deletes (or anonymizes) by it and export lists by it. A module that stores per-customer
 * state adds ONE line here (and, when its keys cannot be found by the customer's prefix, a
 * clean-up step that finds them).
 */
#include "consent/consent-private.h"
#include "consent/privacy-private.h"
#include "journey/journey-erase.h"
#include "offer/offer-erase.h"

const struct mkt__pii_ns mkt__pii_namespaces[] = {
    { MKT__CONSENT_NS_STATE, MKT__PII_DELETE, NULL },
    { MKT__CONSENT_NS_HISTORY, MKT__PII_DELETE, NULL },
    /* Offers (lib/offer/offer-erase.h): reservations given back and code bindings dropped
     * first; committed uses stay in the offer-wide totals of "offer.usage". */
    { "offer.redemption", MKT__PII_DELETE, mkt__offer_erase_customer },
    { "offer.customer", MKT__PII_DELETE, NULL },
    { "offer.customer_code", MKT__PII_DELETE, NULL },
    /* The journey engine (lib/journey/journey-erase.h): its timer keys start with the due
     * time, so they are found by a scan first. Erase a customer while no engine holds them. */
    { "journey.instance", MKT__PII_DELETE, mkt__journey_erase_customer },
    { "journey.sent", MKT__PII_DELETE, NULL },
    /* Segment entries: who the engine found in a journey's entry segment. */
    { "journey.member", MKT__PII_DELETE, NULL },
    { NULL, 0, NULL },
};

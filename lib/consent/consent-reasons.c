/* SPDX-License-Identifier: MIT */
/*
 * Names and texts of the decision's reason codes (machine names are stable: hosts log them
 * and the CLI prints them).
 */
#include "consent-private.h"

static const struct {
    const char *name, *text;
} reasons[] = {
    { NULL, NULL },
    { "no_consent", "No marketing consent is on record for this channel." },
    { "consent_withdrawn", "The customer withdrew marketing consent for this channel." },
    { "opt_in_pending", "The double opt-in has not been confirmed yet." },
    { "dnc_hard_bounce", "Do-not-contact: the address hard-bounced." },
    { "dnc_unsubscribe", "Do-not-contact: the customer unsubscribed." },
    { "dnc_spam_complaint", "Do-not-contact: the customer reported a message as spam." },
    { "dnc_sms_stop", "Do-not-contact: the customer texted STOP." },
    { "dnc_customer_service", "Do-not-contact: requested through customer service." },
    { "dnc_legal", "Do-not-contact: legal requirement." },
    { "dnc_internal_policy", "Do-not-contact: internal policy." },
    { "invalid_address", "The address for this channel is invalid." },
    { "channel_off", "The customer switched this kind of message off for this channel." },
    { "topic_excluded", "The customer excluded this topic." },
    { "topic_not_chosen", "The customer chose topics and this is not one of them." },
    { "cap_channel", "The frequency cap of this channel is reached." },
    { "cap_global", "The all-channel frequency cap is reached." },
    { "quiet_hours", "Outside the allowed hours in the customer's local time." },
    { "store_error", "The consent state could not be read: denied to be safe." },
    { "time_zone", "The customer's time zone is unknown or unreadable: denied to be safe." },
    { "audit_error", "The send could not be audited: denied." },
};

MKT_EXPORT const char *mkt_contact_reason_name(int32_t code)
{
    if (code <= 0 || code >= (int32_t)(sizeof reasons / sizeof reasons[0]))
        return NULL;
    return reasons[code].name;
}

MKT_EXPORT const char *mkt_contact_reason_text(int32_t code)
{
    if (code <= 0 || code >= (int32_t)(sizeof reasons / sizeof reasons[0]))
        return NULL;
    return reasons[code].text;
}

/* SPDX-License-Identifier: MIT */
/*
 * The command table. A new command is one file (cmd-<name>.c with its run and usage
 * functions, declared in mkt.h) plus one line here; main.c, help and usage errors use the table.
 */
#include <string.h>

#include "mkt.h"

const mkt_command mkt_commands[] = {
    { "load", "Load customer, booking and event files and print a profile of the data",
      cmd_load, cmd_load_usage },
    { "segment", "Count, list, check or explain the customers a rule selects",
      cmd_segment, cmd_segment_usage },
    { "audience", "Size, sample or export an audience: include segments minus exclude segments",
      cmd_audience, cmd_audience_usage },
    { "rfm", "RFM scores and named segments of every customer with bookings in a window",
      cmd_rfm, cmd_rfm_usage },
    { "lifecycle", "Lifecycle stage of every customer (New, Active, At-Risk, Churned, ...)",
      cmd_lifecycle, cmd_lifecycle_usage },
    { "abtest", "A/B tests: analyze results, check the sample ratio, assign units, plan sizes",
      cmd_abtest, cmd_abtest_usage },
    { "attribute", "Attribution: credit channels and campaigns for conversions (rule-based, "
      "Markov, Shapley)", cmd_attribute, cmd_attribute_usage },
    { "journey", "Journey definitions: validate one (all problems, with lines) or draw it",
      cmd_journey, cmd_journey_usage },
    { "consent", "May we contact this customer now? Check, and import consent/DNC/preferences",
      cmd_consent, cmd_consent_usage },
    { "privacy", "Erase a customer (right to be forgotten) or export their data",
      cmd_privacy, cmd_privacy_usage },
    { "audit", "Verify the hash chain of the audit records", cmd_audit, cmd_audit_usage },
    { "promo", "Promo codes and offers: generate and check codes, validate and redeem",
      cmd_promo, cmd_promo_usage },
    { NULL, NULL, NULL, NULL },
};

const mkt_command *mkt_command_find(const char *name)
{
    for (const mkt_command *c = mkt_commands; c->name != NULL; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

/* SPDX-License-Identifier: MIT */
/*
 * The predefined segments that ship with the library: the "50+ Predefined Segments" of the
 * product brief, each written as a rule over the documented fields (doc/fields.md). Where the
 * brief names a threshold it is used as is; where it does not, the threshold is stated in the
 * description (doc/segments.md lists them all). Segments whose fields come from modules that
 * do not exist yet (RFM, lifecycle, predictive scores, consent, upgrade and bundle data) are
 * marked unavailable with the reason; their rules name the fields those modules will add, so
 * they start to compile the day a module adds them.
 */
#include "catalog-private.h"

#define SR "Sales & Revenue"
#define GEO "Geographic"
#define BEH "Behavioral"
#define LIFE "Lifecycle"
#define ENG "Engagement"
#define PROD "Product Affinity"
#define PRED "Predictive"
#define SPEC "Special"

#define NEEDS_RFM "needs the rfm.* fields: apply RFM scores to the table first (mkt_rfm_apply)"
#define NEEDS_LIFE "needs lifecycle.stage: apply lifecycle stages to the table first " \
                   "(mkt_lifecycle_apply)"
#define NEEDS_PRED "needs predictive scores (predict.* fields), which do not exist yet"

const struct mkt__builtin_def mkt__builtin_defs[] = {
    /* Sales & Revenue */
    {"high-value", "High-Value Customers", SR, "Spent more than 5,000 in the last 12 months.",
     "booking.spend_12m > 5000", NULL},
    {"vip", "VIP Customers", SR, "Top 1% of customers by 12-month spend.",
     "rfm.monetary_percentile >= 99", NEEDS_RFM},
    {"first-time-bookers", "First-Time Bookers", SR, "Exactly one confirmed booking so far.",
     "booking.count_total = 1", NULL},
    {"repeat-customers", "Repeat Customers", SR, "Two or more confirmed bookings so far.",
     "booking.count_total >= 2", NULL},
    {"group-bookers", "Group Bookers", SR,
     "At least half of the 12-month bookings are for more than one passenger.",
     "booking.group_share_12m >= 0.5", NULL},
    {"corporate-travelers", "Corporate Account Travelers", SR,
     "Customers with a corporate account.", "customer.corporate_account = true", NULL},
    {"last-minute-bookers", "Last-Minute Bookers", SR,
     "Book less than 7 days before departure on average (12 months).",
     "booking.avg_advance_days_12m < 7", NULL},
    {"early-planners", "Early Planners", SR,
     "Book 30 or more days before departure on average (12 months).",
     "booking.avg_advance_days_12m >= 30", NULL},
    {"price-sensitive", "Price-Sensitive", SR,
     "Fly economy: most frequent cabin ECONOMY and no business or first bookings (12 months).",
     "booking.preferred_cabin = 'ECONOMY' and booking.premium_share_12m = 0", NULL},
    {"premium-seekers", "Premium Seekers", SR,
     "At least half of the 12-month bookings in business or first.",
     "booking.premium_share_12m >= 0.5", NULL},
    /* Geographic */
    {"domestic-travelers", "Domestic Travelers", GEO,
     "Booked in the last 12 months, all of it domestic.",
     "booking.international_share_12m = 0", NULL},
    {"international-travelers", "International Travelers", GEO,
     "At least one international or transcontinental booking in 12 months.",
     "booking.international_share_12m > 0", NULL},
    {"transcontinental-travelers", "Transcontinental Travelers", GEO,
     "At least one transcontinental booking in 12 months.",
     "booking.transcontinental_share_12m > 0", NULL},
    {"regional-travelers", "Regional Travelers", GEO,
     "Customers based in Europe, Asia or the Americas (customer region); copy and narrow "
     "the list for one region.",
     "customer.region in ('EUROPE', 'ASIA', 'AMERICAS')", NULL},
    {"route-flyers", "Specific Route Flyers", GEO,
     "Flew the example route JFK-LAX in 12 months; copy and change the route.",
     "booking.routes_12m contains 'JFK-LAX'", NULL},
    /* Behavioral */
    {"frequent-flyers", "Frequent Flyers", BEH, "Ten or more bookings in 12 months.",
     "booking.count_12m >= 10", NULL},
    {"seasonal-travelers", "Seasonal Travelers", BEH,
     "At least half of the 12-month departures in summer (Jun-Aug) or in winter (Dec-Feb).",
     "booking.summer_share_12m >= 0.5 or booking.winter_share_12m >= 0.5", NULL},
    {"weekend-travelers", "Weekend Travelers", BEH,
     "At least half of the 12-month departures on a Saturday or Sunday.",
     "booking.weekend_share_12m >= 0.5", NULL},
    {"weekday-travelers", "Weekday Travelers", BEH,
     "Most 12-month departures on weekdays.", "booking.weekend_share_12m < 0.5", NULL},
    {"mobile-bookers", "Mobile Bookers", BEH, "Book mostly through the mobile app (12 months).",
     "booking.preferred_channel = 'MOBILE'", NULL},
    {"web-bookers", "Web Bookers", BEH, "Book mostly on the web site (12 months).",
     "booking.preferred_channel = 'WEB'", NULL},
    {"agent-bookers", "Agent Bookers", BEH, "Book mostly through agents (12 months).",
     "booking.preferred_channel = 'AGENT'", NULL},
    /* Lifecycle */
    {"new-customers", "New Customers", LIFE, "First booking in the last 30 days.",
     "booking.first_date within last 30 days", NULL},
    {"active-customers", "Active Customers", LIFE, "Two or more bookings in the last 90 days.",
     "lifecycle.stage = 'Active'", NEEDS_LIFE},
    {"at-risk-customers", "At-Risk Customers", LIFE,
     "Last booking 90 to 180 days ago.", "booking.days_since_last between 90 and 180", NULL},
    {"churned-customers", "Churned Customers", LIFE, "Last booking more than 180 days ago.",
     "booking.days_since_last > 180", NULL},
    {"reactivated-customers", "Reactivated Customers", LIFE,
     "Booked again after having churned.", "lifecycle.stage = 'Reactivated'", NEEDS_LIFE},
    {"win-back-candidates", "Win-Back Candidates", LIFE,
     "Repeat customers with no booking for more than 90 days who can still be emailed.",
     "booking.count_total >= 2 and booking.days_since_last > 90 and customer.email is not "
     "null and event.unsubscribed = false and event.email_bounced_hard = false",
     NULL},
    /* Engagement */
    {"email-engaged", "Email Engaged", ENG, "Email open rate of 30% or more (90 days).",
     "customer.email_open_rate >= 0.3", NULL},
    {"email-disengaged", "Email Disengaged", ENG,
     "Email open rate below 5% (90 days), or no open in 90 days.",
     "customer.email_open_rate < 0.05 or event.email_opens_90d = 0", NULL},
    {"sms-opted-in", "SMS Opted-In", ENG, "Customers who consented to SMS messages.",
     "consent.sms = true",
     "needs SMS consent (consent.sms), which no module provides yet"},
    {"app-users", "App Users", ENG, "Customers who use the mobile app.",
     "customer.app_user = true", NULL},
    {"loyalty-members", "Loyalty Program Members", ENG, "Members of the loyalty program.",
     "customer.loyalty_member = true", NULL},
    {"social-followers", "Social Media Followers", ENG, "Follow the airline on social media.",
     "customer.social_follower = true", NULL},
    /* Product Affinity */
    {"ancillary-buyers", "Ancillary Buyers", PROD,
     "Bought seats, bags or meals on at least one booking in 12 months.",
     "booking.ancillary_share_12m > 0", NULL},
    {"upgrade-seekers", "Upgrade Seekers", PROD, "Customers who buy cabin upgrades.",
     "booking.upgrade_count_12m > 0",
     "needs upgrade purchases (booking.upgrade_count_12m), which bookings.csv does not record"},
    {"bundle-purchasers", "Bundle Purchasers", PROD, "Customers who buy fare bundles.",
     "booking.bundle_count_12m > 0",
     "needs bundle purchases (booking.bundle_count_12m), which bookings.csv does not record"},
    {"no-ancillary-buyers", "No Ancillary Buyers", PROD,
     "Booked in 12 months without any ancillary purchase.",
     "booking.ancillary_share_12m = 0", NULL},
    /* Predictive */
    {"high-churn-risk", "High Churn Risk", PRED, "Churn probability above 70%.",
     "predict.churn_probability > 0.7", NEEDS_PRED},
    {"medium-churn-risk", "Medium Churn Risk", PRED, "Churn probability from 30% to 70%.",
     "predict.churn_probability between 0.3 and 0.7", NEEDS_PRED},
    {"high-propensity", "High Propensity to Buy", PRED,
     "Probability of a purchase in the next 30 days of 70% or more.",
     "predict.purchase_probability_30d >= 0.7", NEEDS_PRED},
    {"high-ltv", "High LTV Predicted", PRED, "Predicted 12-month lifetime value above 10,000.",
     "predict.ltv_12m > 10000", NEEDS_PRED},
    /* Special */
    {"birthday-this-month", "Birthday This Month", SPEC, "Birthday in the current month.",
     "birthday this month", NULL},
    {"anniversary-this-month", "Anniversary This Month", SPEC,
     "Sign-up anniversary in the current month.",
     "customer.signup_date anniversary this month", NULL},
    {"abandoned-cart", "Abandoned Cart", SPEC, "Abandoned a cart in the last 7 days.",
     "event.cart_abandoned_7d > 0", NULL},
    {"search-no-book", "Search but No Book", SPEC,
     "Searched in the last 30 days without completing a booking.",
     "event.searches_30d > 0 and event.bookings_30d = 0", NULL},
    {"complained-recently", "Complained Recently", SPEC,
     "A complaint (spam complaint event or complaint date) in the last 30 days.",
     "event.last_complaint_date within last 30 days or customer.last_complaint_date within "
     "last 30 days",
     NULL},
    {"nps-promoters", "Excellent NPS Score", SPEC, "Net promoter score of 9 or 10.",
     "customer.nps_score >= 9", NULL},
    {"nps-detractors", "Detractors", SPEC, "Net promoter score from 0 to 6.",
     "customer.nps_score <= 6", NULL},
    {"referral-participants", "Referral Program Participants", SPEC,
     "Customers in the referral program.", "customer.referral_participant = true", NULL},
};

const size_t mkt__builtin_count = sizeof mkt__builtin_defs / sizeof mkt__builtin_defs[0];

MKT_EXPORT int mkt_catalog_builtin(mkt_catalog **out, mkt_ctx *ctx)
{
    if (!out)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_catalog_builtin: NULL out") : MKT_EINVAL;
    mkt_catalog *c = NULL;
    int rc = mkt_catalog_new(&c, ctx);
    for (size_t i = 0; rc == MKT_OK && i < mkt__builtin_count; i++) {
        const struct mkt__builtin_def *b = &mkt__builtin_defs[i];
        mkt_segment_def d = {sizeof d, b->id, b->name, b->category, b->description,
                             b->rule, b->unavailable, "builtin", 1};
        rc = mkt_catalog_add(c, &d);
    }
    if (rc != MKT_OK) {
        mkt_catalog_free(c);
        c = NULL;
    }
    *out = c;
    return rc;
}

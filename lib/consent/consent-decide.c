/* SPDX-License-Identifier: MIT */
/*
 * The contact decision. Reads the customer's state record, send counters included (one store
 * get, no allocation; with the memory store read in place), collects EVERY reason that applies
 * (so that a caller sees all of them, and a test can compare the whole set), and for a real
 * send counts it against the caps under compare-and-set (consent-caps.c), so that concurrent
 * senders cannot pass a cap. Any failure turns into a deny with a reason: never an allow.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "consent-private.h"

#define BIT(code) (1u << (code))
#define SOFT_REASONS (BIT(MKT_REASON_QUIET_HOURS) | BIT(MKT_REASON_CAP_CHANNEL) | \
                      BIT(MKT_REASON_CAP_GLOBAL))

/* DNC reasons that stop transactional messages too (the address is dead, the customer
 * texted STOP, or the law says so); the others are about marketing. */
#define DNC_BLOCKS_TRANSACTIONAL ((1u << MKT_DNC_HARD_BOUNCE) | (1u << MKT_DNC_SMS_STOP) | \
                                  (1u << MKT_DNC_LEGAL))
_Static_assert(MKT_REASON_DNC_INTERNAL_POLICY - MKT_REASON_DNC_HARD_BOUNCE ==
               MKT_DNC_INTERNAL_POLICY - MKT_DNC_HARD_BOUNCE,
               "one DNC reason code per DNC reason, in the same order");

MKT_EXPORT int mkt_contact_request_init(mkt_contact_request *r)
{
    if (r == NULL)
        return MKT_EINVAL;
    mkt_contact_request d = MKT_CONTACT_REQUEST_INIT;
    *r = d;
    return MKT_OK;
}

/* What one decision works with. */
struct decision {
    mkt_consent *c;
    mkt_contact_request q;
    size_t id_len;           /* of q.customer_id */
    struct mkt__record_key key; /* the customer's records' key */
    const mkt__tz *zone;     /* NULL until needed and loaded */
    int64_t local;           /* local civil time of q.at */
    int32_t caps[2][MKT__NPERIODS]; /* effective caps: [0] channel, [1] all channels */
    uint32_t reasons;
    int64_t next;            /* latest reset of a reached cap */
};

static int deny(mkt_contact_decision *out, uint32_t reasons, int rc)
{
    out->allow = 0;
    out->reasons = reasons;
    out->next_allowed = 0;
    return rc;
}

static int read_request(mkt_consent *c, const mkt_contact_request *in, struct decision *d)
{
    const char *where = "mkt_consent_check";
    if (in == NULL || in->struct_size < offsetof(mkt_contact_request, flags) + sizeof in->flags
        || in->struct_size > 4096)
        return mkt__error(c->ctx, MKT_EINVAL, "%s: request is NULL or its struct_size is not "
                          "valid", where);
    mkt_contact_request q = MKT_CONTACT_REQUEST_INIT;
    if (in->struct_size >= sizeof q)
        q = *in; /* the usual case: a fixed-size copy, no variable-length memcpy */
    else
        memcpy(&q, in, in->struct_size);
    int rc = mkt__consent_customer_len(c->ctx, where, q.customer_id, &d->id_len);
    if (rc)
        return rc;
    if (q.channel < MKT_CHANNEL_EMAIL || q.channel > MKT__NCHANNELS)
        return mkt__error(c->ctx, MKT_EINVAL, "%s: channel %" PRId32 " is not 1..6", where,
                          q.channel);
    if (q.message_class != MKT_CLASS_TRANSACTIONAL && q.message_class != MKT_CLASS_PROMOTIONAL)
        return mkt__error(c->ctx, MKT_EINVAL, "%s: message_class %" PRId32 " is not 1 "
                          "(transactional) or 2 (promotional)", where, q.message_class);
    if (q.address != MKT_ADDRESS_VALID && q.address != MKT_ADDRESS_INVALID)
        return mkt__error(c->ctx, MKT_EINVAL, "%s: address %" PRId32 " is not 0 or 1", where,
                          q.address);
    if (q.flags & ~MKT_CONTACT_SEND)
        return mkt__error(c->ctx, MKT_EINVAL, "%s: unknown flags 0x%" PRIx32, where, q.flags);
    if (q.at < 0 || q.at > MKT__CONSENT_AT_MAX)
        return mkt__error(c->ctx, MKT_EINVAL, "%s: at %" PRId64 " is %s", where, q.at,
                          q.at < 0 ? "before 1970" : "after 9999-12-31");
    if (q.at == 0 && (rc = mkt_ctx_now(c->ctx, &q.at)) != MKT_OK)
        return rc;
    d->q = q;
    return MKT_OK;
}

/* Consent, DNC, switches, topics: everything the state record alone answers. */
static void state_reasons(struct decision *d, const mkt__consent_view *v)
{
    const int promo = d->q.message_class == MKT_CLASS_PROMOTIONAL;
    if (d->q.address == MKT_ADDRESS_INVALID)
        d->reasons |= BIT(MKT_REASON_INVALID_ADDRESS);
    /* DNC reason r is reason code MKT_REASON_DNC_HARD_BOUNCE + r - MKT_DNC_HARD_BOUNCE */
    const uint32_t dnc = promo ? v->dnc : v->dnc & DNC_BLOCKS_TRANSACTIONAL;
    d->reasons |= dnc >> MKT_DNC_HARD_BOUNCE << MKT_REASON_DNC_HARD_BOUNCE;
    if (v->ch.flags & (promo ? MKT__CH_PROMO_OFF : MKT__CH_TRANS_OFF))
        d->reasons |= BIT(MKT_REASON_CHANNEL_OFF);
    if (!promo)
        return;
    if (v->ch.status == MKT_CONSENT_WITHDRAWN)
        d->reasons |= BIT(MKT_REASON_CONSENT_WITHDRAWN);
    else if (v->ch.status == MKT_CONSENT_PENDING)
        d->reasons |= BIT(MKT_REASON_OPT_IN_PENDING);
    else if (v->ch.status == MKT_CONSENT_NONE &&
             !(d->c->opts.implied_consent_channels & (1u << d->q.channel)))
        d->reasons |= BIT(MKT_REASON_NO_CONSENT);
    if (d->q.purpose == NULL || d->q.purpose[0] == '\0')
        return;
    if (v->topics & MKT__VIEW_EXCLUDED)
        d->reasons |= BIT(MKT_REASON_TOPIC_EXCLUDED);
    else if ((v->topics & MKT__VIEW_CHOSEN_ANY) && !(v->topics & MKT__VIEW_CHOSEN))
        d->reasons |= BIT(MKT_REASON_TOPIC_NOT_CHOSEN);
}

static int32_t stricter(int32_t a, int32_t b)
{
    return a == 0 ? b : b == 0 ? a : a < b ? a : b;
}

static void effective_caps(struct decision *d, const mkt__consent_view *v)
{
    const mkt_consent_options *o = &d->c->opts;
    const int32_t policy[MKT__NPERIODS] = { o->daily_cap, o->weekly_cap, o->monthly_cap };
    for (int k = 0; k < MKT__NPERIODS; k++) {
        d->caps[0][k] = v->ch.caps[k];
        d->caps[1][k] = stricter(v->global_caps[k], policy[k]);
    }
}

static int load_zone(struct decision *d)
{
    const char *name = d->q.time_zone ? d->q.time_zone : d->c->default_zone;
    int rc = mkt__tz_get(&d->c->tz, name, &d->zone);
    if (rc)
        return rc;
    d->local = d->q.at + mkt__tz_offset(d->zone, d->q.at);
    return MKT_OK;
}

/* The latest reset among the reached caps @bits (1 << (g * NPERIODS + k)) goes to d->next. */
static void push_next(struct decision *d, uint32_t bits)
{
    for (int k = 0; k < MKT__NPERIODS; k++) {
        if (!(bits & (1u << k | 1u << (MKT__NPERIODS + k))))
            continue;
        int64_t next_local;
        mkt__period_number(k, d->local, &next_local);
        int64_t reset = mkt__first_local_at_or_after(d->zone, next_local);
        if (reset > d->next)
            d->next = reset;
    }
}

static uint32_t reached_reasons(uint32_t bits)
{
    const uint32_t channel = (1u << MKT__NPERIODS) - 1;
    return ((bits & channel) ? BIT(MKT_REASON_CAP_CHANNEL) : 0u) |
           ((bits & ~channel) ? BIT(MKT_REASON_CAP_GLOBAL) : 0u);
}

/* The send as cap counters see it: scopes, caps and the windows of the request's time. */
static void cap_plan(const struct decision *d, struct mkt__cap_plan *plan)
{
    plan->scope[0] = d->q.channel;
    plan->scope[1] = 0;
    memcpy(plan->cap, d->caps, sizeof plan->cap);
    for (int k = 0; k < MKT__NPERIODS; k++) {
        int64_t next_local;
        plan->window[k] = mkt__period_number(k, d->local, &next_local);
    }
}

/* Reached caps set CAP_* reasons and push d->next to the latest period reset. The counters
 * came with the state record: [0] the channel's, [1] the all-channel ones. */
static void cap_reasons(struct decision *d, const mkt__consent_view *v)
{
    uint32_t bits = 0;
    for (int p = 0; p < MKT__NPERIODS; p++) {
        if (!(d->caps[0][p] | d->caps[1][p]))
            continue; /* only the windows of capped periods: a month costs a calendar step */
        int64_t next_local;
        const int64_t window = mkt__period_number(p, d->local, &next_local);
        for (int g = 0; g < 2; g++)
            if (d->caps[g][p] &&
                mkt__cap_count(&v->counts[g][p], window) >= (uint32_t)d->caps[g][p])
                bits |= 1u << (g * MKT__NPERIODS + p);
    }
    d->reasons |= reached_reasons(bits);
    push_next(d, bits);
}

/* Quiet hours and caps (promotional only); both need the customer's zone. */
static int time_reasons(struct decision *d, const mkt__consent_view *v,
                        int64_t *next_allowed)
{
    const int quiet = (d->c->opts.quiet_channels >> d->q.channel) & 1u;
    const int capped = d->caps[0][0] | d->caps[0][1] | d->caps[0][2] | d->caps[1][0] |
                       d->caps[1][1] | d->caps[1][2];
    *next_allowed = 0;
    if (!quiet && !capped)
        return MKT_OK;
    int rc = load_zone(d);
    if (rc)
        return rc;
    d->next = d->q.at;
    if (capped)
        cap_reasons(d, v);
    const struct mkt__quiet_rule *rule = quiet ? mkt__quiet_rule_for(d->c, d->q.region) : NULL;
    int64_t qnext;
    if (rule && !mkt__quiet_allows(rule, d->zone, d->q.at, &qnext))
        d->reasons |= BIT(MKT_REASON_QUIET_HOURS);
    if (d->reasons == 0 || (d->reasons & ~SOFT_REASONS))
        return MKT_OK;
    /* Only time stands in the way: when the caps have reset, the window must be open too. */
    *next_allowed = d->next;
    if (rule && !mkt__quiet_allows(rule, d->zone, d->next, &qnext))
        *next_allowed = qnext;
    return MKT_OK;
}

/* ---- a real send: count it, audit it ------------------------------------------------------ */

static int audit_send(struct decision *d)
{
    char detail[200];
    snprintf(detail, sizeof detail, "channel=%s; class=%s; purpose=%.100s; at=%" PRId64,
             mkt__channel_name(d->q.channel),
             d->q.message_class == MKT_CLASS_PROMOTIONAL ? "promotional" : "transactional",
             d->q.purpose ? d->q.purpose : "", d->q.at);
    mkt_audit_record r = { sizeof r, 0, d->q.actor ? d->q.actor : "consent", "contact.allow",
                           d->q.customer_id, detail };
    return mkt_ctx_audit(d->c->ctx, &r);
}

static int record_send(struct decision *d, mkt_contact_decision *out)
{
    const int promo = d->q.message_class == MKT_CLASS_PROMOTIONAL;
    int rc = promo && d->zone == NULL ? load_zone(d) : MKT_OK;
    if (rc)
        return deny(out, BIT(MKT_REASON_TIME_ZONE), rc);
    struct mkt__cap_plan plan;
    uint32_t reached = 0;
    if (promo) {
        cap_plan(d, &plan);
        rc = mkt__consent_caps_count(d->c->ctx, d->q.customer_id, &plan, &reached);
    }
    if (rc == MKT_ELIMIT) {
        /* another sender took the last slot since the check: refuse like the check would */
        d->reasons |= reached_reasons(reached);
        d->next = d->q.at;
        push_next(d, reached);
        int64_t next = 0;
        const int quiet = (d->c->opts.quiet_channels >> d->q.channel) & 1u;
        const struct mkt__quiet_rule *rule = quiet ? mkt__quiet_rule_for(d->c, d->q.region)
                                                   : NULL;
        if (rule && !mkt__quiet_allows(rule, d->zone, d->next, &next))
            d->next = next;
        deny(out, d->reasons, MKT_OK);
        out->next_allowed = d->next;
        return MKT_OK; /* a decision, not a failure */
    }
    if (rc)
        return deny(out, BIT(MKT_REASON_STORE_ERROR), rc);
    rc = audit_send(d);
    if (rc) {
        /* not audited means not sent; best effort: a count left too high is the safe side */
        if (promo && mkt__consent_caps_uncount(d->c->ctx, d->q.customer_id, &plan))
            mkt__log(d->c->ctx, MKT_LOG_WARN, "consent: could not give back a counted send");
        return deny(out, BIT(MKT_REASON_AUDIT_ERROR), rc);
    }
    return MKT_OK;
}

/* ---- the decision ----------------------------------------------------------------------- */

MKT_EXPORT int mkt_consent_check(mkt_consent *c, const mkt_contact_request *req,
                                 mkt_contact_decision *out)
{
    return mkt__consent_decide(c, req, out, NULL);
}

int mkt__consent_decide(mkt_consent *c, const mkt_contact_request *req,
                        mkt_contact_decision *out, const uint64_t *hash)
{
    if (c == NULL || out == NULL)
        return c ? mkt__error(c->ctx, MKT_EINVAL, "mkt_consent_check: out is NULL")
                 : MKT_EINVAL;
    if (out->struct_size < sizeof *out) {
        /* Older callers: fill only what they compiled. */
        mkt_contact_decision full = { sizeof full, 0, 0, 0, 0 };
        size_t size = out->struct_size;
        if (size < offsetof(mkt_contact_decision, reasons) + sizeof full.reasons)
            return mkt__error(c->ctx, MKT_EINVAL, "mkt_consent_check: decision struct_size "
                              "%zu is too small", size);
        int rc = mkt__consent_decide(c, req, &full, hash);
        memcpy(out, &full, size);
        out->struct_size = size;
        return rc;
    }
    out->allow = 0;
    out->reasons = 0;
    out->next_allowed = 0;
    out->at = 0;
    struct decision d;
    d.c = c;
    d.zone = NULL;
    d.reasons = 0;
    d.next = 0;
    int rc = read_request(c, req, &d);
    if (rc)
        return rc;
    out->at = d.q.at;
    mkt__consent_view v;
    mkt__consent_key_make(&d.key, d.q.customer_id, d.id_len, hash);
    /* One record holds the state and the send counters. */
    const int promo = d.q.message_class == MKT_CLASS_PROMOTIONAL;
    rc = mkt__consent_view_read(c->ctx, &c->ns_state, d.q.customer_id, &d.key, d.q.channel,
                                promo ? d.q.purpose : NULL, &v);
    if (rc)
        return deny(out, BIT(MKT_REASON_STORE_ERROR), rc);
    state_reasons(&d, &v);
    int64_t next_allowed = 0;
    if (promo) {
        effective_caps(&d, &v);
        rc = time_reasons(&d, &v, &next_allowed);
        if (rc)
            return deny(out, d.zone ? BIT(MKT_REASON_STORE_ERROR) : BIT(MKT_REASON_TIME_ZONE),
                        rc);
    }
    out->reasons = d.reasons;
    out->next_allowed = next_allowed;
    out->allow = d.reasons == 0;
    if (out->allow && (d.q.flags & MKT_CONTACT_SEND))
        return record_send(&d, out);
    return MKT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * mkt_sms_inbound(): act on an SMS keyword through the consent API and build the reply.
 * Opting out adds the DNC entry (SMS, SMS_STOP), which blocks transactional SMS too, as a
 * STOP must (the carrier would block them anyway). Opting in removes it (the only removal
 * besides mkt_dnc_remove() by an agent) and records SMS consent: texting START is an explicit
 * opt-in by the customer. The reply comes after the store and audit succeeded, so a host never
 * confirms an opt-out that was not recorded.
 */
#include <string.h>

#include "consent-private.h"
#include "libmarketing/privacy.h"

#define DEFAULT_BRAND "Marketing"
#define SMS_SOURCE "sms-keyword"
#define DEFAULT_OPT_OUT \
    "{brand}: You are unsubscribed and will receive no more messages. Reply START to resubscribe."
#define DEFAULT_OPT_IN \
    "{brand}: You are subscribed again. Msg&data rates may apply. Reply HELP for help, STOP " \
    "to cancel."
#define DEFAULT_HELP \
    "{brand}: For help contact customer service. Msg&data rates may apply. Reply STOP to cancel."

MKT_EXPORT int mkt_sms_options_init(mkt_sms_options *o)
{
    if (o == NULL)
        return MKT_EINVAL;
    static const mkt_sms_options init = MKT_SMS_OPTIONS_INIT;
    *o = init;
    return MKT_OK;
}

/* The caller's options over the defaults, reading only the fields it compiled. */
static void read_options(const mkt_sms_options *in, mkt_sms_options *o)
{
    mkt_sms_options_init(o);
    if (in != NULL)
        memcpy(o, in, in->struct_size < sizeof *o ? in->struct_size : sizeof *o);
    o->struct_size = sizeof *o;
    o->brand = o->brand ? o->brand : DEFAULT_BRAND;
    o->opt_out_reply = o->opt_out_reply ? o->opt_out_reply : DEFAULT_OPT_OUT;
    o->opt_in_reply = o->opt_in_reply ? o->opt_in_reply : DEFAULT_OPT_IN;
    o->help_reply = o->help_reply ? o->help_reply : DEFAULT_HELP;
    o->actor = o->actor ? o->actor : "sms-inbound";
}

/* @tmpl with every "{brand}" replaced, as a caller-owned string. */
static int render(mkt_ctx *ctx, const char *tmpl, const char *brand, char **out)
{
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    int rc = MKT_OK;
    for (const char *p = tmpl; rc == MKT_OK && *p;) {
        const char *hit = strstr(p, "{brand}");
        size_t n = hit ? (size_t)(hit - p) : strlen(p);
        rc = mkt__buf_append(&b, p, n);
        if (rc == MKT_OK && hit)
            rc = mkt__buf_appends(&b, brand);
        p += n + (hit ? 7 : 0);
    }
    char *s = NULL;
    if (rc == MKT_OK)
        s = mkt__caller_alloc(ctx, b.len + 1);
    if (rc == MKT_OK && s == NULL)
        rc = mkt__oom(ctx);
    if (rc == MKT_OK) {
        memcpy(s, b.data ? b.data : "", b.len + 1);
        *out = s;
    }
    mkt__buf_free(&b);
    return rc;
}

static int opt_out(mkt_ctx *ctx, const char *customer, const mkt_sms_options *o)
{
    mkt_dnc_entry e = MKT_DNC_ENTRY_INIT;
    e.customer_id = customer;
    e.scope = MKT_CHANNEL_SMS;
    e.reason = MKT_DNC_SMS_STOP;
    e.source = SMS_SOURCE;
    e.actor = o->actor;
    return mkt_dnc_add(ctx, &e);
}

static int opt_in(mkt_ctx *ctx, const char *customer, const mkt_sms_options *o)
{
    mkt_dnc_entry e = MKT_DNC_ENTRY_INIT;
    e.customer_id = customer;
    e.scope = MKT_CHANNEL_SMS;
    e.reason = MKT_DNC_SMS_STOP;
    e.source = SMS_SOURCE;
    e.actor = o->actor;
    e.note = "customer texted an opt-in keyword";
    int rc = mkt_dnc_remove(ctx, &e);
    if (rc != MKT_OK && rc != MKT_ENOTFOUND)
        return rc;
    mkt_consent_change c = MKT_CONSENT_CHANGE_INIT;
    c.customer_id = customer;
    c.channel = MKT_CHANNEL_SMS;
    c.status = MKT_CONSENT_GIVEN;
    c.source = SMS_SOURCE;
    c.actor = o->actor;
    return mkt_consent_set(ctx, &c);
}

MKT_EXPORT int mkt_sms_inbound(mkt_ctx *ctx, const mkt_sms_options *opts,
                               const char *customer_id, const char *text, int32_t *action,
                               char **reply)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (action)
        *action = MKT_SMS_ACTION_NONE;
    if (reply)
        *reply = NULL;
    if (text == NULL)
        return mkt__error(ctx, MKT_EINVAL, "sms inbound: text is NULL");
    int rc = mkt__consent_check_customer(ctx, "sms inbound", customer_id);
    if (rc)
        return rc;
    mkt_sms_options o;
    read_options(opts, &o);
    int32_t act = mkt_sms_keyword_parse(text, strlen(text), NULL, NULL);
    const char *tmpl = NULL;
    switch (act) {
    case MKT_SMS_ACTION_OPT_OUT: rc = opt_out(ctx, customer_id, &o); tmpl = o.opt_out_reply; break;
    case MKT_SMS_ACTION_OPT_IN: rc = opt_in(ctx, customer_id, &o); tmpl = o.opt_in_reply; break;
    case MKT_SMS_ACTION_HELP: tmpl = o.help_reply; break;
    default: break;
    }
    if (rc == MKT_OK && tmpl != NULL && reply != NULL)
        rc = render(ctx, tmpl, o.brand, reply);
    if (rc == MKT_OK && action)
        *action = act;
    return rc;
}

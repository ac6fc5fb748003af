/* SPDX-License-Identifier: MIT */
/*
 * The preference center (per-channel promotional/transactional switches and caps, the
 * all-channel caps, topics) and delivery feedback (bounces, complaints and unsubscribes turn
 * into DNC entries; soft bounces in a row escalate to a hard bounce).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "consent-private.h"

#define DEFAULT_SOFT_BOUNCE_LIMIT 3

MKT_EXPORT int mkt_preferences_init(mkt_preferences *p)
{
    if (p == NULL)
        return MKT_EINVAL;
    mkt_preferences d = MKT_PREFERENCES_INIT;
    *p = d;
    return MKT_OK;
}

MKT_EXPORT int mkt_feedback_init(mkt_feedback *f)
{
    if (f == NULL)
        return MKT_EINVAL;
    mkt_feedback d = MKT_FEEDBACK_INIT;
    *f = d;
    return MKT_OK;
}

static int read_prefs(mkt_ctx *ctx, const char *where, const mkt_preferences *in,
                      mkt_preferences *p)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (in == NULL)
        return mkt__error(ctx, MKT_EINVAL, "%s: prefs is NULL", where);
    mkt_preferences d = MKT_PREFERENCES_INIT;
    *p = d;
    if (in->struct_size < offsetof(mkt_preferences, monthly_cap) + sizeof in->monthly_cap ||
        in->struct_size > 4096)
        return mkt__error(ctx, MKT_EINVAL, "%s: struct_size %zu is not valid", where,
                          in->struct_size);
    memcpy(p, in, in->struct_size < sizeof *p ? in->struct_size : sizeof *p);
    p->struct_size = sizeof *p;
    int rc = mkt__consent_check_customer(ctx, where, p->customer_id);
    if (rc == MKT_OK && (p->channel < MKT_CHANNEL_ALL || p->channel > MKT__NCHANNELS))
        rc = mkt__error(ctx, MKT_EINVAL, "%s: channel %" PRId32 " is not 0 (all) or 1..6",
                        where, p->channel);
    return rc;
}

static int apply_prefs(mkt_ctx *ctx, mkt__consent_state *s, void *data)
{
    (void)ctx;
    const mkt_preferences *p = data;
    const int32_t caps[MKT__NPERIODS] = { p->daily_cap, p->weekly_cap, p->monthly_cap };
    uint16_t *dst = p->channel == MKT_CHANNEL_ALL ? s->global_caps : s->ch[p->channel].caps;
    for (int k = 0; k < MKT__NPERIODS; k++)
        dst[k] = (uint16_t)caps[k];
    if (p->channel != MKT_CHANNEL_ALL) {
        uint8_t f = s->ch[p->channel].flags & (uint8_t)~(MKT__CH_PROMO_OFF | MKT__CH_TRANS_OFF);
        f |= p->promotional ? 0 : MKT__CH_PROMO_OFF;
        f |= p->transactional ? 0 : MKT__CH_TRANS_OFF;
        s->ch[p->channel].flags = f;
    }
    return MKT_OK;
}

MKT_EXPORT int mkt_preferences_set(mkt_ctx *ctx, const mkt_preferences *prefs)
{
    const char *where = "mkt_preferences_set";
    mkt_preferences p;
    int rc = read_prefs(ctx, where, prefs, &p);
    if (rc)
        return rc;
    const int32_t caps[] = { p.daily_cap, p.weekly_cap, p.monthly_cap };
    for (int k = 0; k < MKT__NPERIODS; k++)
        if (caps[k] < 0 || caps[k] > MKT__CAP_MAX)
            return mkt__error(ctx, MKT_ERANGE, "%s: cap %" PRId32 " is outside 0..%d", where,
                              caps[k], MKT__CAP_MAX);
    if ((p.promotional != 0 && p.promotional != 1) ||
        (p.transactional != 0 && p.transactional != 1))
        return mkt__error(ctx, MKT_EINVAL, "%s: promotional and transactional must be 0 or 1",
                          where);
    mkt_time now;
    rc = mkt_ctx_now(ctx, &now);
    if (rc)
        return rc;
    char detail[160];
    snprintf(detail, sizeof detail, "promotional=%d; transactional=%d; caps=%d/%d/%d",
             (int)p.promotional, (int)p.transactional, (int)p.daily_cap, (int)p.weekly_cap,
             (int)p.monthly_cap);
    struct mkt__consent_note note = { "consent.preferences", p.actor, p.channel, now, detail };
    return mkt__consent_update(ctx, p.customer_id, apply_prefs, &p, &note);
}

MKT_EXPORT int mkt_preferences_get(mkt_ctx *ctx, mkt_preferences *prefs)
{
    mkt_preferences p;
    int rc = read_prefs(ctx, "mkt_preferences_get", prefs, &p);
    if (rc)
        return rc;
    mkt__consent_state *s = mkt__malloc(ctx, sizeof *s);
    if (s == NULL)
        return mkt__oom(ctx);
    uint64_t version;
    rc = mkt__consent_state_load(ctx, p.customer_id, s, &version);
    if (rc == MKT_OK) {
        const uint16_t *caps = p.channel ? s->ch[p.channel].caps : s->global_caps;
        p.daily_cap = caps[MKT__PERIOD_DAY];
        p.weekly_cap = caps[MKT__PERIOD_WEEK];
        p.monthly_cap = caps[MKT__PERIOD_MONTH];
        p.promotional = p.channel == 0 || !(s->ch[p.channel].flags & MKT__CH_PROMO_OFF);
        p.transactional = p.channel == 0 || !(s->ch[p.channel].flags & MKT__CH_TRANS_OFF);
        size_t n = prefs->struct_size < sizeof p ? prefs->struct_size : sizeof p;
        p.struct_size = prefs->struct_size;
        memcpy(prefs, &p, n);
    }
    mkt__free(ctx, s);
    return rc;
}

/* ---- topics ------------------------------------------------------------------------------ */

struct topic_op {
    const char *customer, *topic;
    size_t len;
    int32_t choice;
};

static int apply_topic(mkt_ctx *ctx, mkt__consent_state *s, void *data)
{
    const struct topic_op *op = data;
    int i = 0;
    while (i < s->ntopics &&
           !(s->topics[i].len == op->len && memcmp(s->topics[i].name, op->topic, op->len) == 0))
        i++;
    if (op->choice == MKT_TOPIC_CLEAR) {
        if (i == s->ntopics)
            return MKT__NO_CHANGE;
        s->topics[i] = s->topics[--s->ntopics];
        return MKT_OK;
    }
    if (i == s->ntopics) {
        if (s->ntopics == MKT__MAX_TOPICS)
            return mkt__error(ctx, MKT_ETOOBIG, "mkt_topic_set: customer '%s' already has %d "
                              "topics", op->customer, MKT__MAX_TOPICS);
        s->ntopics++;
        s->topics[i].len = (uint8_t)op->len;
        memcpy(s->topics[i].name, op->topic, op->len);
    }
    s->topics[i].choice = (uint8_t)op->choice;
    return MKT_OK;
}

MKT_EXPORT int mkt_topic_set(mkt_ctx *ctx, const char *customer_id, const char *topic,
                             int32_t choice, const char *actor)
{
    const char *where = "mkt_topic_set";
    if (ctx == NULL)
        return MKT_EINVAL;
    int rc = mkt__consent_check_customer(ctx, where, customer_id);
    if (rc)
        return rc;
    size_t len = topic ? strlen(topic) : 0;
    if (len == 0 || len > MKT__MAX_TOPIC_LEN)
        return mkt__error(ctx, MKT_EINVAL, "%s: topic must be 1..%d bytes", where,
                          MKT__MAX_TOPIC_LEN);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)topic[i] < 0x20)
            return mkt__error(ctx, MKT_EINVAL, "%s: topic has a control character", where);
    if (choice < MKT_TOPIC_CLEAR || choice > MKT_TOPIC_EXCLUDED)
        return mkt__error(ctx, MKT_EINVAL, "%s: choice %" PRId32 " is not 0, 1 or 2", where,
                          choice);
    mkt_time now;
    rc = mkt_ctx_now(ctx, &now);
    if (rc)
        return rc;
    static const char *const names[] = { "clear", "chosen", "excluded" };
    mkt__buf detail;
    mkt__buf_init(&detail, ctx);
    if (mkt__buf_appendf(&detail, "topic=%s; choice=%s", topic, names[choice]) != MKT_OK) {
        mkt__buf_free(&detail);
        return mkt__oom(ctx);
    }
    struct topic_op op = { customer_id, topic, len, choice };
    struct mkt__consent_note note = { "consent.topic", actor, 0, now, detail.data };
    rc = mkt__consent_update(ctx, customer_id, apply_topic, &op, &note);
    mkt__buf_free(&detail);
    return rc;
}

/* ---- delivery feedback ------------------------------------------------------------------- */

struct bounce_op {
    int32_t channel;
    int reset;
    uint16_t count; /* out: the count after the change */
};

static int apply_bounce(mkt_ctx *ctx, mkt__consent_state *s, void *data)
{
    (void)ctx;
    struct bounce_op *op = data;
    uint16_t *n = &s->ch[op->channel].soft_bounces;
    if (op->reset) {
        if (*n == 0)
            return MKT__NO_CHANGE;
        *n = 0;
    } else if (*n < UINT16_MAX) {
        (*n)++;
    }
    op->count = *n;
    return MKT_OK;
}

static int feedback_dnc(mkt_ctx *ctx, const mkt_feedback *f, int32_t reason, const char *note)
{
    mkt_dnc_entry e = MKT_DNC_ENTRY_INIT;
    e.customer_id = f->customer_id;
    e.scope = f->channel;
    e.reason = reason;
    e.ts = f->ts;
    e.source = f->source && f->source[0] ? f->source : "feedback";
    e.actor = "feedback";
    e.note = note;
    return mkt_dnc_add(ctx, &e);
}

MKT_EXPORT int mkt_consent_feedback(mkt_ctx *ctx, const mkt_feedback *feedback,
                                    int32_t *dnc_added)
{
    const char *where = "mkt_consent_feedback";
    if (dnc_added)
        *dnc_added = 0;
    if (ctx == NULL)
        return MKT_EINVAL;
    if (feedback == NULL)
        return mkt__error(ctx, MKT_EINVAL, "%s: feedback is NULL", where);
    mkt_feedback f = MKT_FEEDBACK_INIT;
    if (feedback->struct_size < offsetof(mkt_feedback, source) || feedback->struct_size > 4096)
        return mkt__error(ctx, MKT_EINVAL, "%s: struct_size %zu is not valid", where,
                          feedback->struct_size);
    memcpy(&f, feedback, feedback->struct_size < sizeof f ? feedback->struct_size : sizeof f);
    int rc = mkt__consent_check_customer(ctx, where, f.customer_id);
    if (rc == MKT_OK && (f.channel < MKT_CHANNEL_EMAIL || f.channel > MKT__NCHANNELS))
        rc = mkt__error(ctx, MKT_EINVAL, "%s: channel %" PRId32 " is not 1..6", where,
                        f.channel);
    if (rc == MKT_OK && (f.soft_bounce_limit < 0 || f.soft_bounce_limit > UINT16_MAX))
        rc = mkt__error(ctx, MKT_EINVAL, "%s: soft_bounce_limit %" PRId32 " is outside "
                        "0..65535", where, f.soft_bounce_limit);
    if (rc)
        return rc;
    int32_t limit = f.soft_bounce_limit ? f.soft_bounce_limit : DEFAULT_SOFT_BOUNCE_LIMIT;
    static const int32_t dnc_of[] = { 0, 0, 0, MKT_DNC_HARD_BOUNCE, MKT_DNC_SPAM_COMPLAINT,
                                      MKT_DNC_UNSUBSCRIBE };
    switch (f.kind) {
    case MKT_FEEDBACK_HARD_BOUNCE:
    case MKT_FEEDBACK_COMPLAINT:
    case MKT_FEEDBACK_UNSUBSCRIBE:
        rc = feedback_dnc(ctx, &f, dnc_of[f.kind], NULL);
        if (rc == MKT_OK && dnc_added)
            *dnc_added = 1;
        return rc;
    case MKT_FEEDBACK_DELIVERED:
    case MKT_FEEDBACK_SOFT_BOUNCE:
        break;
    default:
        return mkt__error(ctx, MKT_EINVAL, "%s: kind %" PRId32 " is not 1..5", where, f.kind);
    }
    struct bounce_op op = { f.channel, f.kind == MKT_FEEDBACK_DELIVERED, 0 };
    rc = mkt__consent_update(ctx, f.customer_id, apply_bounce, &op, NULL);
    if (rc || op.reset || op.count < limit)
        return rc;
    /* The limit-th soft bounce in a row: a hard bounce. The count is reset only once the DNC
     * entry is written, so a failure here escalates again on the next soft bounce. */
    rc = feedback_dnc(ctx, &f, MKT_DNC_HARD_BOUNCE, "soft bounces reached the limit");
    if (rc)
        return rc;
    if (dnc_added)
        *dnc_added = 1;
    op.reset = 1;
    return mkt__consent_update(ctx, f.customer_id, apply_bounce, &op, NULL);
}

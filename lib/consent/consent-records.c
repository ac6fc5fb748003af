/* SPDX-License-Identifier: MIT */
/*
 * Consent records (given / withdrawn / pending double opt-in, the latest by time wins) and
 * DNC entries (added freely, removed only by an explicit call that names its actor). Every
 * call is validated here, then applied through mkt__consent_update(), which audits it and
 * keeps the history.
 */
#include <inttypes.h>
#include <string.h>

#include "consent-private.h"

MKT_EXPORT int mkt_consent_change_init(mkt_consent_change *c)
{
    if (c == NULL)
        return MKT_EINVAL;
    mkt_consent_change d = MKT_CONSENT_CHANGE_INIT;
    *c = d;
    return MKT_OK;
}

MKT_EXPORT int mkt_dnc_entry_init(mkt_dnc_entry *e)
{
    if (e == NULL)
        return MKT_EINVAL;
    mkt_dnc_entry d = MKT_DNC_ENTRY_INIT;
    *e = d;
    return MKT_OK;
}

/* Copy a caller struct of @size bytes into a full one whose defaults are already set. */
static int copy_struct(mkt_ctx *ctx, const char *where, void *dst, const void *src,
                       size_t full, size_t min)
{
    size_t size = *(const size_t *)src;
    if (size < min || size > 4096)
        return mkt__error(ctx, MKT_EINVAL, "%s: struct_size %zu is not valid", where, size);
    memcpy(dst, src, size < full ? size : full);
    *(size_t *)dst = full;
    return MKT_OK;
}

static int fill_ts(mkt_ctx *ctx, const char *where, mkt_time *ts)
{
    if (*ts < 0)
        return mkt__error(ctx, MKT_EINVAL, "%s: ts %" PRId64 " is before 1970", where, *ts);
    return *ts == 0 ? mkt_ctx_now(ctx, ts) : MKT_OK;
}

static int check_channel(mkt_ctx *ctx, const char *where, int32_t channel, int allow_all)
{
    if ((channel == MKT_CHANNEL_ALL && allow_all) ||
        (channel >= MKT_CHANNEL_EMAIL && channel <= MKT__NCHANNELS))
        return MKT_OK;
    return mkt__error(ctx, MKT_EINVAL, "%s: channel %" PRId32 " is not %s", where, channel,
                      allow_all ? "0 (all) or 1..6" : "a channel 1..6");
}

static int check_text(mkt_ctx *ctx, const char *where, const char *field, const char *s,
                      int required)
{
    if (s == NULL || s[0] == '\0')
        return required ? mkt__error(ctx, MKT_EINVAL, "%s: %s is required", where, field)
                        : MKT_OK;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return mkt__error(ctx, MKT_EINVAL, "%s: %s has a control character", where,
                              field);
    return strlen(s) <= 1024 ? MKT_OK
                             : mkt__error(ctx, MKT_EINVAL, "%s: %s is over 1024 bytes",
                                          where, field);
}

/* ---- consent ---------------------------------------------------------------------------- */

struct consent_op {
    mkt_consent_change c;
    int confirm;
};

static int apply_consent(mkt_ctx *ctx, mkt__consent_state *s, void *data)
{
    struct consent_op *op = data;
    struct mkt__channel_state *ch = &s->ch[op->c.channel];
    if (op->confirm) {
        if (ch->status != MKT_CONSENT_PENDING)
            return mkt__error(ctx, MKT_ESTATE, "consent confirm: %s consent of customer '%s' "
                              "is not pending a double opt-in",
                              mkt__channel_name(op->c.channel), op->c.customer_id);
        ch->status = MKT_CONSENT_GIVEN;
        ch->ts = op->c.ts > ch->ts ? op->c.ts : ch->ts;
        return MKT_OK;
    }
    uint8_t status = (uint8_t)op->c.status;
    if (status == MKT_CONSENT_GIVEN && op->c.double_opt_in)
        status = MKT_CONSENT_PENDING;
    /* The latest decision wins; on the same second a withdrawal beats a grant (the safe
     * side). An older record only goes to the history. */
    if (ch->status != MKT_CONSENT_NONE &&
        (op->c.ts < ch->ts || (op->c.ts == ch->ts && ch->status == MKT_CONSENT_WITHDRAWN)))
        return MKT__NO_CHANGE;
    ch->status = status;
    ch->ts = op->c.ts;
    return MKT_OK;
}

static int consent_detail(mkt__buf *b, const mkt_consent_change *c)
{
    int rc = mkt__buf_appendf(b, "source=%s", c->source);
    if (rc == MKT_OK && c->ip && c->ip[0])
        rc = mkt__buf_appendf(b, "; ip=%s", c->ip);
    if (rc == MKT_OK && c->proof_version && c->proof_version[0])
        rc = mkt__buf_appendf(b, "; proof=%s", c->proof_version);
    if (rc == MKT_OK && c->double_opt_in && c->status == MKT_CONSENT_GIVEN)
        rc = mkt__buf_appends(b, "; double_opt_in=pending");
    return rc;
}

static int run_consent(mkt_ctx *ctx, const mkt_consent_change *change, int confirm)
{
    const char *where = confirm ? "mkt_consent_confirm" : "mkt_consent_set";
    if (ctx == NULL)
        return MKT_EINVAL;
    if (change == NULL)
        return mkt__error(ctx, MKT_EINVAL, "%s: change is NULL", where);
    struct consent_op op = { MKT_CONSENT_CHANGE_INIT, confirm };
    int rc = copy_struct(ctx, where, &op.c, change, sizeof op.c,
                         offsetof(mkt_consent_change, source) + sizeof(const char *));
    if (rc == MKT_OK)
        rc = mkt__consent_check_customer(ctx, where, op.c.customer_id);
    if (rc == MKT_OK)
        rc = check_channel(ctx, where, op.c.channel, 0);
    if (rc == MKT_OK && !confirm && op.c.status != MKT_CONSENT_GIVEN &&
        op.c.status != MKT_CONSENT_WITHDRAWN)
        rc = mkt__error(ctx, MKT_EINVAL, "%s: status %" PRId32 " is not GIVEN (1) or "
                        "WITHDRAWN (2)", where, op.c.status);
    if (rc == MKT_OK)
        rc = check_text(ctx, where, "source", op.c.source, 1);
    if (rc == MKT_OK)
        rc = check_text(ctx, where, "ip", op.c.ip, 0);
    if (rc == MKT_OK)
        rc = check_text(ctx, where, "proof_version", op.c.proof_version, 0);
    if (rc == MKT_OK)
        rc = fill_ts(ctx, where, &op.c.ts);
    if (rc)
        return rc;
    mkt__buf detail;
    mkt__buf_init(&detail, ctx);
    if (consent_detail(&detail, &op.c) != MKT_OK) {
        mkt__buf_free(&detail);
        return mkt__oom(ctx);
    }
    const char *action = confirm ? "consent.confirm"
                         : op.c.status == MKT_CONSENT_GIVEN ? "consent.give" : "consent.withdraw";
    struct mkt__consent_note note = { action, op.c.actor, op.c.channel, op.c.ts, detail.data };
    rc = mkt__consent_update(ctx, op.c.customer_id, apply_consent, &op, &note);
    mkt__buf_free(&detail);
    return rc;
}

MKT_EXPORT int mkt_consent_set(mkt_ctx *ctx, const mkt_consent_change *change)
{
    return run_consent(ctx, change, 0);
}

MKT_EXPORT int mkt_consent_confirm(mkt_ctx *ctx, const mkt_consent_change *change)
{
    return run_consent(ctx, change, 1);
}

MKT_EXPORT int mkt_consent_get(mkt_ctx *ctx, const char *customer_id, int32_t channel,
                               int32_t *status, mkt_time *ts)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    int rc = mkt__consent_check_customer(ctx, "mkt_consent_get", customer_id);
    if (rc == MKT_OK)
        rc = check_channel(ctx, "mkt_consent_get", channel, 0);
    if (rc == MKT_OK && status == NULL)
        rc = mkt__error(ctx, MKT_EINVAL, "mkt_consent_get: status is NULL");
    if (rc)
        return rc;
    mkt__consent_state *s = mkt__malloc(ctx, sizeof *s);
    if (s == NULL)
        return mkt__oom(ctx);
    uint64_t version;
    rc = mkt__consent_state_load(ctx, customer_id, s, &version);
    if (rc == MKT_OK) {
        *status = s->ch[channel].status;
        if (ts)
            *ts = s->ch[channel].ts;
    }
    mkt__free(ctx, s);
    return rc;
}

/* ---- DNC -------------------------------------------------------------------------------- */

struct dnc_op {
    mkt_dnc_entry e;
    int remove;
};

static int apply_dnc(mkt_ctx *ctx, mkt__consent_state *s, void *data)
{
    struct dnc_op *op = data;
    int i = mkt__consent_find_dnc(s, op->e.scope, op->e.reason);
    if (op->remove) {
        if (i < 0)
            return mkt__error(ctx, MKT_ENOTFOUND, "mkt_dnc_remove: customer '%s' has no DNC "
                              "entry (%s, %s)", op->e.customer_id,
                              mkt__channel_name(op->e.scope), mkt__dnc_reason_name(op->e.reason));
        s->dnc[i] = s->dnc[--s->ndnc];
        return MKT_OK;
    }
    if (i >= 0) {
        s->dnc[i].ts = op->e.ts;
        return MKT_OK;
    }
    if (s->ndnc == MKT__MAX_DNC)
        return mkt__error(ctx, MKT_ETOOBIG, "mkt_dnc_add: customer '%s' already has %d DNC "
                          "entries", op->e.customer_id, MKT__MAX_DNC);
    struct mkt__dnc_state d = { (uint8_t)op->e.scope, (uint8_t)op->e.reason, op->e.ts };
    s->dnc[s->ndnc++] = d;
    return MKT_OK;
}

static int run_dnc(mkt_ctx *ctx, const mkt_dnc_entry *entry, int remove)
{
    const char *where = remove ? "mkt_dnc_remove" : "mkt_dnc_add";
    if (ctx == NULL)
        return MKT_EINVAL;
    if (entry == NULL)
        return mkt__error(ctx, MKT_EINVAL, "%s: entry is NULL", where);
    struct dnc_op op = { MKT_DNC_ENTRY_INIT, remove };
    int rc = copy_struct(ctx, where, &op.e, entry, sizeof op.e,
                         offsetof(mkt_dnc_entry, source) + sizeof(const char *));
    if (rc == MKT_OK)
        rc = mkt__consent_check_customer(ctx, where, op.e.customer_id);
    if (rc == MKT_OK)
        rc = check_channel(ctx, where, op.e.scope, 1);
    if (rc == MKT_OK && mkt__dnc_reason_name(op.e.reason) == NULL)
        rc = mkt__error(ctx, MKT_EINVAL, "%s: reason %" PRId32 " is not a DNC reason 1..7",
                        where, op.e.reason);
    if (rc == MKT_OK)
        rc = check_text(ctx, where, "source", op.e.source, 1);
    if (rc == MKT_OK)
        rc = check_text(ctx, where, "actor", op.e.actor, remove);
    if (rc == MKT_OK)
        rc = check_text(ctx, where, "note", op.e.note, 0);
    if (rc == MKT_OK)
        rc = fill_ts(ctx, where, &op.e.ts);
    if (rc)
        return rc;
    mkt__buf detail;
    mkt__buf_init(&detail, ctx);
    rc = mkt__buf_appendf(&detail, "reason=%s; source=%s", mkt__dnc_reason_name(op.e.reason),
                          op.e.source);
    if (rc == MKT_OK && op.e.note && op.e.note[0])
        rc = mkt__buf_appendf(&detail, "; note=%s", op.e.note);
    if (rc) {
        mkt__buf_free(&detail);
        return mkt__oom(ctx);
    }
    struct mkt__consent_note note = { remove ? "dnc.remove" : "dnc.add", op.e.actor, op.e.scope,
                                      op.e.ts, detail.data };
    rc = mkt__consent_update(ctx, op.e.customer_id, apply_dnc, &op, &note);
    mkt__buf_free(&detail);
    return rc;
}

MKT_EXPORT int mkt_dnc_add(mkt_ctx *ctx, const mkt_dnc_entry *entry)
{
    return run_dnc(ctx, entry, 0);
}

MKT_EXPORT int mkt_dnc_remove(mkt_ctx *ctx, const mkt_dnc_entry *entry)
{
    return run_dnc(ctx, entry, 1);
}

MKT_EXPORT int mkt_dnc_has(mkt_ctx *ctx, const char *customer_id, int32_t channel,
                           int32_t reason, int32_t *found)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    int rc = mkt__consent_check_customer(ctx, "mkt_dnc_has", customer_id);
    if (rc == MKT_OK)
        rc = check_channel(ctx, "mkt_dnc_has", channel, 1);
    if (rc == MKT_OK && reason != 0 && mkt__dnc_reason_name(reason) == NULL)
        rc = mkt__error(ctx, MKT_EINVAL, "mkt_dnc_has: reason %" PRId32 " is not 0 or 1..7",
                        reason);
    if (rc == MKT_OK && found == NULL)
        rc = mkt__error(ctx, MKT_EINVAL, "mkt_dnc_has: found is NULL");
    if (rc)
        return rc;
    mkt__consent_state *s = mkt__malloc(ctx, sizeof *s);
    if (s == NULL)
        return mkt__oom(ctx);
    uint64_t version;
    rc = mkt__consent_state_load(ctx, customer_id, s, &version);
    *found = 0;
    for (int i = 0; rc == MKT_OK && i < s->ndnc; i++)
        if ((s->dnc[i].scope == MKT_CHANNEL_ALL || s->dnc[i].scope == channel) &&
            (reason == 0 || s->dnc[i].reason == reason))
            *found = 1;
    mkt__free(ctx, s);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * Action nodes: a send (consent decision, then the host's `send` callback) or a host action
 * (update, tag, emit: the engine's `action` callback), both through one durable path:
 * idempotency record, host call, retry with exponential backoff.
 *
 * "journey.sent" holds one record per action step: "I" (intent, written before calling the
 * host) then "D" (done) or "F" (failed for good). A step found "D" or "F" is not done again; a
 * step found "I" (a crash after the intent) is done again with the same idempotency key
 * without a second consent check (its cap was already counted): at least once, and exactly
 * once for a host that honours the key.
 *
 * Host return codes: ::MKT_OK done; ::MKT_EIO transient (retried after retry_delay, doubling,
 * up to max_attempts attempts); ::MKT_EUSER aborts the engine call (the instance is not
 * written, so the step is retried at the next call); anything else (including
 * ::MKT_EUNSUPPORTED when the host has no `send`) fails the step for good.
 *
 * A send with an offer issues the customer's code (mkt_promo_derive() + mkt_promo_bind())
 * right before the host call, on every attempt: the code is deterministic and the binding
 * idempotent, so retries and replays after a crash carry the same code and make one binding.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "engine-private.h"

static int sent_key(mkt__buf *b, const char *customer, size_t clen,
                    const struct mkt__je_journey *jj, const struct mkt__je_inst *in)
{
    mkt__buf_reset(b);
    if (mkt__buf_append(b, customer, clen) || mkt__buf_putc(b, '\x1f') ||
        mkt__buf_append(b, jj->id, jj->id_len) ||
        mkt__buf_appendf(b, "\x1f%" PRIu32 "\x1f%" PRIu32, in->entries, in->step))
        return MKT_ENOMEM;
    return MKT_OK;
}

/* Remember the record of e->val for deletion after the instance is saved. */
static int log_sent(mkt_journey_engine *e)
{
    uint32_t len = (uint32_t)e->val.len;
    if (mkt__buf_append(&e->sent_log, &len, sizeof len) ||
        mkt__buf_append(&e->sent_log, e->val.data, e->val.len))
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    return MKT_OK;
}

static int mark_sent(mkt_journey_engine *e, const char *state)
{
    int rc = mkt_store_put(e->ctx, MKT__JE_NS_SENT, e->val.data, e->val.len, state, 1,
                           MKT_VERSION_ANY, NULL);
    return rc != MKT_OK || *state == 'I' ? rc : log_sent(e);
}

int mkt__je_forget_sent(mkt_journey_engine *e)
{
    int rc = MKT_OK;
    for (size_t at = 0; at < e->sent_log.len && rc == MKT_OK;) {
        uint32_t len;
        memcpy(&len, e->sent_log.data + at, sizeof len);
        at += sizeof len;
        rc = mkt_store_delete(e->ctx, MKT__JE_NS_SENT, e->sent_log.data + at, len,
                              MKT_VERSION_ANY);
        if (rc == MKT_ENOTFOUND)
            rc = MKT_OK;
        at += len;
    }
    mkt__buf_reset(&e->sent_log);
    return rc;
}

/* 1: send, 0: suppressed or deferred (handled here), < 0: error. */
static int consent_allows(mkt_journey_engine *e, struct mkt__je_journey *jj,
                          const char *customer, struct mkt__je_inst *in, int64_t now)
{
    const mkt_journey_node_def *d = &jj->j->nodes[in->node].def;
    mkt_contact_request req = MKT_CONTACT_REQUEST_INIT;
    mkt_contact_decision out = { sizeof out, 0, 0, 0, 0 };
    req.customer_id = customer;
    req.channel = d->channel;
    req.message_class = e->opts.message_class;
    req.at = now;
    req.flags = MKT_CONTACT_SEND;
    req.actor = "journey";
    int rc = mkt_consent_check(e->opts.consent, &req, &out);
    if (rc != MKT_OK)
        return rc;
    if (out.allow)
        return 1;
    if (out.next_allowed > now) { /* only quiet hours or caps: try again then */
        MKT__JE_COUNT(jj, in->node, deferred);
        mkt__je_sleep(jj, in, out.next_allowed, now);
        return 0;
    }
    MKT__JE_COUNT(jj, in->node, suppressed);
    for (uint32_t r = 0; r < 32; r++)
        if (out.reasons & (1u << r))
            MKT__JE_COUNT(jj, in->node, suppressed_by_reason[r]);
    mkt__je_go(jj, in, MKT_JOURNEY_PORT_NEXT);
    return 0;
}

/* The send node's context as one JSON object into e->json (NUL-terminated); with the
 * issued @code (NULL: the node has no offer) as "offer_id" and "offer_code". */
static int context_json(mkt_journey_engine *e, const struct mkt__je_journey *jj,
                        const char *customer, size_t clen, const mkt_journey_node_def *d,
                        const char *code)
{
    mkt__buf *b = &e->json;
    mkt__buf_reset(b);
    int rc = mkt__buf_appends(b, "{\"journey_id\":");
    rc = rc ? rc : mkt__json_string(b, jj->id, jj->id_len);
    rc = rc ? rc : mkt__buf_appends(b, ",\"customer_id\":");
    rc = rc ? rc : mkt__json_string(b, customer, clen);
    rc = rc ? rc : mkt__buf_appends(b, ",\"node_id\":");
    rc = rc ? rc : mkt__json_string(b, d->id, strlen(d->id));
    if (code) {
        rc = rc ? rc : mkt__buf_appends(b, ",\"offer_id\":");
        rc = rc ? rc : mkt__json_string(b, d->offer, strlen(d->offer));
        rc = rc ? rc : mkt__buf_appends(b, ",\"offer_code\":");
        rc = rc ? rc : mkt__json_string(b, code, strlen(code));
    }
    rc = rc ? rc : mkt__buf_appends(b, ",\"context\":{");
    for (size_t i = 0; rc == MKT_OK && i < d->ncontext; i++) {
        if (i > 0)
            rc = mkt__buf_putc(b, ',');
        rc = rc ? rc : mkt__json_string(b, d->context_keys[i], strlen(d->context_keys[i]));
        rc = rc ? rc : mkt__buf_putc(b, ':');
        rc = rc ? rc : mkt__json_string(b, d->context_values[i],
                                        strlen(d->context_values[i]));
    }
    return rc ? rc : mkt__buf_appends(b, "}}");
}

/* Issue the code of the send node's offer to @customer into @code: derived, so a retried
 * or replayed step gets the same code, and bound (idempotent for that same binding) before
 * the host sends it. A code already issued otherwise (a collision) sets @host_rc to
 * MKT_EEXIST: the send fails for good rather than carry a code that is not the customer's.
 * Returns the engine's own status (out of memory, the store's error: the message is set). */
static int issue_offer(mkt_journey_engine *e, const struct mkt__je_journey *jj,
                       const char *customer, const mkt_journey_node_def *d, char *code,
                       size_t code_size, int *host_rc)
{
    /* mkt_journey_engine_new() refused offers without a format and a long enough secret */
    int rc = mkt_promo_derive(e->ctx, e->opts.promo_format, e->opts.promo_secret,
                              e->opts.promo_secret_len, d->offer, customer, code, code_size,
                              NULL);
    rc = rc ? rc : mkt_promo_bind(e->ctx, code, d->offer, customer);
    if (rc != MKT_EEXIST)
        return rc;
    mkt__log(e->ctx, MKT_LOG_WARN, "journey engine: %s node %s: the code of offer %s for this "
             "customer is already issued otherwise; send failed", jj->id, d->id, d->offer);
    *host_rc = mkt__error(e->ctx, MKT_EEXIST, "journey engine: %s node %s: the code of offer "
                          "%s for this customer is already issued otherwise; send failed",
                          jj->id, d->id, d->offer);
    return MKT_OK;
}

/* Call the host's `send` for the current node (after issuing its offer code, if any); its
 * answer goes to @host_rc, the return value is the engine's own status (message set). */
static int deliver(mkt_journey_engine *e, const struct mkt__je_journey *jj,
                   const char *customer, size_t clen, const struct mkt__je_inst *in,
                   int64_t now, const char *idem, int *host_rc)
{
    const mkt_journey_node_def *d = &jj->j->nodes[in->node].def;
    mkt_host *h = &e->ctx->host;
    char code[MKT_PROMO_MAX_DISPLAY + 1];
    if (!h->send) {
        *host_rc = MKT_EUNSUPPORTED;
        return MKT_OK;
    }
    if (d->offer) {
        int rc = issue_offer(e, jj, customer, d, code, sizeof code, host_rc);
        if (rc != MKT_OK || *host_rc != MKT_OK)
            return rc;
    }
    if (context_json(e, jj, customer, clen, d, d->offer ? code : NULL) != MKT_OK)
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    mkt_message m = { sizeof m, d->channel, customer, customer, d->subject, NULL, NULL,
                      NULL, NULL, NULL, jj->id, idem, d->template_id, d->id, in->entries,
                      in->step, e->json.data, now };
    *host_rc = h->send(&m, h->user_data);
    return MKT_OK;
}

static void call_action(mkt_journey_engine *e, const struct mkt__je_journey *jj,
                        const char *customer, const struct mkt__je_inst *in, int64_t now,
                        const char *idem, int *host_rc)
{
    const mkt_journey_node_def *d = &jj->j->nodes[in->node].def;
    mkt_journey_action a = { sizeof a, d->kind, customer, jj->id, d->id, in->node,
                             in->entries, in->step, NULL, NULL, NULL, NULL, now, idem };
    if (d->kind == MKT_JOURNEY_UPDATE) {
        a.attribute = d->field;
        a.value = d->value;
    } else if (d->kind == MKT_JOURNEY_EMIT) {
        a.event_type = d->event;
    } else {
        a.tag = d->value;
    }
    /* mkt_journey_engine_new() refused such journeys without a callback */
    *host_rc = e->opts.action(&a, e->opts.action_user);
}

/* Call the host for the current node; its answer goes to @host_rc, the return value is the
 * engine's own status (out of memory before the call). */
static int call_host(mkt_journey_engine *e, const struct mkt__je_journey *jj,
                     const char *customer, size_t clen, const struct mkt__je_inst *in,
                     int64_t now, int *host_rc)
{
    const mkt_journey_node_def *d = &jj->j->nodes[in->node].def;
    mkt__buf *idem = &e->key2;
    mkt__buf_reset(idem);
    if (mkt__buf_appendf(idem, "%s:%s:%" PRIu32 ":%s:%" PRIu32, jj->id, customer, in->entries,
                         d->id, in->step) != MKT_OK)
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    if (d->kind != MKT_JOURNEY_SEND) {
        call_action(e, jj, customer, in, now, idem->data, host_rc);
        return MKT_OK;
    }
    return deliver(e, jj, customer, clen, in, now, idem->data, host_rc);
}

static int64_t backoff(const mkt_journey_engine *e, uint32_t attempt)
{
    uint32_t shift = attempt > 1 ? attempt - 1 : 0; /* attempt <= 30: no overflow */
    return e->opts.retry_delay * ((int64_t)1 << shift);
}

int mkt__je_perform(mkt_journey_engine *e, struct mkt__je_journey *jj, const char *customer,
                    size_t clen, struct mkt__je_inst *in, int64_t now)
{
    int is_send = jj->j->nodes[in->node].def.kind == MKT_JOURNEY_SEND;
    char state = 0;
    size_t len = 0;
    if (sent_key(&e->val, customer, clen, jj, in) != MKT_OK)
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    int rc = mkt__store_get_buf(e->ctx, MKT__JE_NS_SENT, e->val.data, e->val.len, &state, 1,
                                &len, NULL);
    if (rc == MKT_ENOTFOUND)
        state = 0;
    else if (rc != MKT_OK)
        return rc == MKT_ETOOBIG ? mkt__error(e->ctx, MKT_EPARSE, "journey engine: corrupt "
                                              "send record") : rc;
    if (state == 'D' || state == 'F') { /* done before a crash: never twice */
        mkt__je_go(jj, in, MKT_JOURNEY_PORT_NEXT);
        return log_sent(e);
    }
    if (state == 0) {
        if (is_send && e->opts.consent && (rc = consent_allows(e, jj, customer, in, now)) <= 0)
            return rc;
        if ((rc = mark_sent(e, "I")) != MKT_OK)
            return rc;
    }
    int host_rc = MKT_OK;
    if ((rc = call_host(e, jj, customer, clen, in, now, &host_rc)) != MKT_OK)
        return rc;
    if (host_rc == MKT_EUSER)
        return host_rc;
    if (host_rc == MKT_EIO && ++in->attempt < e->opts.max_attempts) {
        MKT__JE_COUNT(jj, in->node, retried);
        mkt__je_sleep(jj, in, now + backoff(e, in->attempt), now);
        return MKT_OK;
    }
    if ((rc = mark_sent(e, host_rc == MKT_OK ? "D" : "F")) != MKT_OK)
        return rc;
    if (host_rc == MKT_OK)
        MKT__JE_COUNT(jj, in->node, sent);
    else
        MKT__JE_COUNT(jj, in->node, failed);
    mkt__je_go(jj, in, MKT_JOURNEY_PORT_NEXT);
    return MKT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * How every consent change is written: read the state record, apply the change, audit it,
 * write it back with compare-and-set (another process may have changed the record meanwhile:
 * then read again and re-apply), and append a line to the customer's history. Plus the names
 * of channels and DNC reasons used in history lines, audit details and the CSV import.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "consent-private.h"
#include "privacy-private.h"

#define UPDATE_MAX_TRIES 16
#define HISTORY_MAX_TRIES 1000

static const char *const channel_names[] = { "all", "email", "sms", "push", "in_app", "web",
                                             "social" };
static const char *const dnc_names[] = { NULL, "hard_bounce", "unsubscribe", "spam_complaint",
                                         "sms_stop", "customer_service", "legal",
                                         "internal_policy" };

const char *mkt__channel_name(int32_t channel)
{
    return channel >= 0 && channel <= MKT__NCHANNELS ? channel_names[channel] : NULL;
}

static int name_index(const char *const *names, int n, const char *s, size_t len)
{
    for (int i = 0; i < n; i++) {
        if (names[i] == NULL || strlen(names[i]) != len)
            continue;
        size_t k = 0;
        while (k < len && (s[k] | 0x20) == names[i][k])
            k++;
        if (k == len)
            return i;
    }
    return -1;
}

int mkt__channel_parse(const char *s, size_t len)
{
    return name_index(channel_names, MKT__NCHANNELS + 1, s, len);
}

const char *mkt__dnc_reason_name(int32_t reason)
{
    return reason >= MKT_DNC_HARD_BOUNCE && reason <= MKT_DNC_INTERNAL_POLICY ? dnc_names[reason]
                                                                             : NULL;
}

int mkt__dnc_reason_parse(const char *s, size_t len)
{
    return name_index(dnc_names, MKT_DNC_INTERNAL_POLICY + 1, s, len);
}

static int audit_note(mkt_ctx *ctx, const char *customer, const struct mkt__consent_note *note)
{
    mkt__buf detail;
    mkt__buf_init(&detail, ctx);
    int rc = mkt__buf_appendf(&detail, "channel=%s; %s", mkt__channel_name(note->channel),
                              note->detail ? note->detail : "");
    if (rc) {
        mkt__buf_free(&detail);
        return mkt__oom(ctx);
    }
    mkt_audit_record r = { sizeof r, note->ts, note->actor ? note->actor : "consent",
                           note->action, customer, detail.data };
    rc = mkt_ctx_audit(ctx, &r);
    mkt__buf_free(&detail);
    return rc;
}

/* One line "ts<TAB>action<TAB>channel<TAB>detail" under "<id>\x1f<ts:20>.<seq:6>"; the
 * create-only put finds a free sequence number when several changes share a second. */
static int append_history(mkt_ctx *ctx, const char *customer,
                          const struct mkt__consent_note *note)
{
    mkt__buf line;
    mkt__buf_init(&line, ctx);
    int rc = mkt__buf_appendf(&line, "%" PRId64 "\t%s\t%s\t%s", note->ts, note->action,
                              mkt__channel_name(note->channel),
                              note->detail ? note->detail : "");
    if (rc) {
        mkt__buf_free(&line);
        return mkt__oom(ctx);
    }
    char key[MKT__CONSENT_KEY_MAX];
    size_t base = mkt__consent_key(key, customer);
    for (int seq = 0; seq < HISTORY_MAX_TRIES; seq++) {
        int n = snprintf(key + base, sizeof key - base, "%020" PRId64 ".%06d", note->ts, seq);
        rc = mkt_store_put(ctx, MKT__CONSENT_NS_HISTORY, key, base + (size_t)n, line.data,
                           line.len, MKT_VERSION_ABSENT, NULL);
        if (rc != MKT_ECONFLICT)
            break;
    }
    mkt__buf_free(&line);
    if (rc == MKT_ECONFLICT)
        rc = mkt__error(ctx, rc, "consent: no free history key for customer '%s' at ts %"
                        PRId64, customer, note->ts);
    return rc;
}

int mkt__consent_update(mkt_ctx *ctx, const char *customer, mkt__consent_apply_fn apply,
                        void *data, const struct mkt__consent_note *note)
{
    mkt__consent_state *s = mkt__malloc(ctx, sizeof *s);
    if (s == NULL)
        return mkt__oom(ctx);
    int rc = MKT_ECONFLICT, audited = 0;
    for (int tries = 0; tries < UPDATE_MAX_TRIES && rc == MKT_ECONFLICT; tries++) {
        uint64_t version;
        rc = mkt__consent_state_load(ctx, customer, s, &version);
        if (rc == MKT_OK && version == MKT_VERSION_ABSENT) /* a new record: erased before? */
            rc = mkt__privacy_suppress_if_erased(ctx, customer, s);
        if (rc == MKT_OK)
            rc = apply(ctx, s, data);
        int change = rc == MKT_OK;
        if (rc == MKT__NO_CHANGE)
            rc = MKT_OK;
        if (rc == MKT_OK && !audited && note != NULL) {
            rc = audit_note(ctx, customer, note);
            audited = rc == MKT_OK;
        }
        if (rc == MKT_OK && change)
            rc = mkt__consent_state_store(ctx, customer, s, version);
    }
    mkt__free(ctx, s);
    if (rc == MKT_ECONFLICT)
        return mkt__error(ctx, rc, "consent: customer '%s' changed by others %d times in a "
                          "row; gave up", customer, UPDATE_MAX_TRIES);
    return rc || note == NULL ? rc : append_history(ctx, customer, note);
}

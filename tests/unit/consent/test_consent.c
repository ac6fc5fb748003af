/* SPDX-License-Identifier: MIT */
/*
 * Consent records, DNC entries, preferences, topics, delivery feedback, history, import:
 * behaviour, validation messages, the audit trail (and that a failing audit sink changes
 * nothing), the per-customer key layout, compare-and-set retries, and allocation failures.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "consent_support.h"
#include "failalloc.h"

static mkt_ctx *ctx;
static audit_log audit;

static void setup(void)
{
    memset(&audit, 0, sizeof audit);
    mkt_host h = MKT_HOST_INIT;
    h.audit = audit_log_sink;
    h.user_data = &audit;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_OK);
}

static void teardown(void)
{
    mkt_ctx_free(ctx);
}

static int set_consent(const char *id, int32_t channel, int32_t status, mkt_time ts, int doi)
{
    mkt_consent_change c = MKT_CONSENT_CHANGE_INIT;
    c.customer_id = id;
    c.channel = channel;
    c.status = status;
    c.ts = ts;
    c.double_opt_in = doi;
    c.source = "web-signup";
    c.ip = "192.0.2.7";
    c.proof_version = "v3";
    return mkt_consent_set(ctx, &c);
}

static int32_t status_of(const char *id, int32_t channel, mkt_time *ts)
{
    int32_t st = -1;
    ck_assert_int_eq(mkt_consent_get(ctx, id, channel, &st, ts), MKT_OK);
    return st;
}

static int dnc(const char *id, int32_t scope, int32_t reason, int remove)
{
    mkt_dnc_entry e = MKT_DNC_ENTRY_INIT;
    e.customer_id = id;
    e.scope = scope;
    e.reason = reason;
    e.ts = 1700000000;
    e.source = "test";
    e.actor = "agent:7";
    return remove ? mkt_dnc_remove(ctx, &e) : mkt_dnc_add(ctx, &e);
}

static int32_t has_dnc(const char *id, int32_t channel, int32_t reason)
{
    int32_t found = -1;
    ck_assert_int_eq(mkt_dnc_has(ctx, id, channel, reason, &found), MKT_OK);
    return found;
}

START_TEST(latest_consent_wins)
{
    mkt_time ts;
    ck_assert_int_eq(status_of("C1", MKT_CHANNEL_EMAIL, &ts), MKT_CONSENT_NONE);
    ck_assert_int_eq(ts, 0);
    ck_assert_int_eq(set_consent("C1", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 1000, 0), MKT_OK);
    ck_assert_int_eq(status_of("C1", MKT_CHANNEL_EMAIL, &ts), MKT_CONSENT_GIVEN);
    ck_assert_int_eq(ts, 1000);
    /* An older withdrawal arrives late: history only. */
    ck_assert_int_eq(set_consent("C1", MKT_CHANNEL_EMAIL, MKT_CONSENT_WITHDRAWN, 900, 0), MKT_OK);
    ck_assert_int_eq(status_of("C1", MKT_CHANNEL_EMAIL, &ts), MKT_CONSENT_GIVEN);
    /* Same second: the withdrawal wins, and a grant of that second does not undo it. */
    ck_assert_int_eq(set_consent("C1", MKT_CHANNEL_EMAIL, MKT_CONSENT_WITHDRAWN, 1000, 0), MKT_OK);
    ck_assert_int_eq(status_of("C1", MKT_CHANNEL_EMAIL, NULL), MKT_CONSENT_WITHDRAWN);
    ck_assert_int_eq(set_consent("C1", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 1000, 0), MKT_OK);
    ck_assert_int_eq(status_of("C1", MKT_CHANNEL_EMAIL, NULL), MKT_CONSENT_WITHDRAWN);
    ck_assert_int_eq(set_consent("C1", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 1001, 0), MKT_OK);
    ck_assert_int_eq(status_of("C1", MKT_CHANNEL_EMAIL, NULL), MKT_CONSENT_GIVEN);
    /* Channels are independent. */
    ck_assert_int_eq(status_of("C1", MKT_CHANNEL_SMS, NULL), MKT_CONSENT_NONE);
    /* Every record is audited (5 changes) and in the history, oldest first. */
    ck_assert_int_eq(audit_log_count(&audit, "consent.give"), 3);
    ck_assert_int_eq(audit_log_count(&audit, "consent.withdraw"), 2);
    char *h;
    ck_assert_int_eq(mkt_consent_history(ctx, "C1", &h), MKT_OK);
    ck_assert_msg(strncmp(h, "900\tconsent.withdraw\temail\tsource=web-signup; ip=192.0.2.7; "
                             "proof=v3\n1000\tconsent.give\t", 76) == 0, "%s", h);
    int lines = 0;
    for (const char *p = h; *p; p++)
        lines += *p == '\n';
    ck_assert_int_eq(lines, 5);
    mkt_free(h);
    ck_assert_int_eq(mkt_consent_history(ctx, "nobody", &h), MKT_OK);
    ck_assert_str_eq(h, "");
    mkt_free(h);
}
END_TEST

START_TEST(double_opt_in)
{
    ck_assert_int_eq(set_consent("C2", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 1000, 1), MKT_OK);
    ck_assert_int_eq(status_of("C2", MKT_CHANNEL_EMAIL, NULL), MKT_CONSENT_PENDING);
    mkt_consent_change c = MKT_CONSENT_CHANGE_INIT;
    c.customer_id = "C2";
    c.channel = MKT_CHANNEL_EMAIL;
    c.ts = 1100;
    c.source = "confirm-link";
    ck_assert_int_eq(mkt_consent_confirm(ctx, &c), MKT_OK);
    mkt_time ts;
    ck_assert_int_eq(status_of("C2", MKT_CHANNEL_EMAIL, &ts), MKT_CONSENT_GIVEN);
    ck_assert_int_eq(ts, 1100);
    /* Nothing pending any more. */
    ck_assert_int_eq(mkt_consent_confirm(ctx, &c), MKT_ESTATE);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "not pending"));
    ck_assert_int_eq(audit_log_count(&audit, "consent.confirm"), 1);
}
END_TEST

START_TEST(validation)
{
    mkt_consent_change c = MKT_CONSENT_CHANGE_INIT;
    ck_assert_int_eq(mkt_consent_set(NULL, &c), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_set(ctx, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_set(ctx, &c), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "customer_id is NULL"));
    char longid[300];
    memset(longid, 'x', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    const char *bad_ids[] = { "", longid, "C\x1f" "1", "C\n", "C\xff", "C\xc3", "\xed\xa0\x80" };
    c.channel = MKT_CHANNEL_EMAIL;
    c.status = MKT_CONSENT_GIVEN;
    c.source = "s";
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        c.customer_id = bad_ids[i];
        ck_assert_int_eq(mkt_consent_set(ctx, &c), MKT_EINVAL);
        ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "customer_id"));
    }
    c.customer_id = "Zo\xc3\xab"; /* valid UTF-8 */
    ck_assert_int_eq(mkt_consent_set(ctx, &c), MKT_OK);
    /* Longer ids are checked eight bytes at a time: a bad byte at every offset of two words
     * and a tail is found and named, and valid ones pass (DEL, the top of the ASCII range, and
     * a two-byte sequence after a word). */
    const unsigned char bad_bytes[] = { 0x00 + 1, 0x1f, 0x80, 0xff };
    for (size_t at = 0; at < 19; at++) {
        for (size_t b = 0; b < sizeof bad_bytes; b++) {
            char id[20];
            memset(id, 'a' + (int)(at % 26), sizeof id - 1);
            id[sizeof id - 1] = '\0';
            id[at] = (char)bad_bytes[b];
            c.customer_id = id;
            ck_assert_int_eq(mkt_consent_set(ctx, &c), MKT_EINVAL);
            char offset[32];
            snprintf(offset, sizeof offset, "at offset %zu", at);
            ck_assert_msg(strstr(mkt_ctx_last_error(ctx)->message, offset),
                          "byte 0x%02x at %zu: %s", bad_bytes[b], at,
                          mkt_ctx_last_error(ctx)->message);
        }
    }
    c.customer_id = "abcdefgh\x7f ~\xc3\xabxyz";
    ck_assert_int_eq(mkt_consent_set(ctx, &c), MKT_OK);
    c.channel = 7;
    ck_assert_int_eq(mkt_consent_set(ctx, &c), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "channel 7"));
    c.channel = MKT_CHANNEL_ALL;
    ck_assert_int_eq(mkt_consent_set(ctx, &c), MKT_EINVAL);
    c.channel = MKT_CHANNEL_SMS;
    c.status = MKT_CONSENT_PENDING;
    ck_assert_int_eq(mkt_consent_set(ctx, &c), MKT_EINVAL);
    c.status = MKT_CONSENT_GIVEN;
    c.source = NULL;
    ck_assert_int_eq(mkt_consent_set(ctx, &c), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "source is required"));
    c.source = "a\tb";
    ck_assert_int_eq(mkt_consent_set(ctx, &c), MKT_EINVAL);
    c.source = "ok";
    c.ts = -5;
    ck_assert_int_eq(mkt_consent_set(ctx, &c), MKT_EINVAL);
    c.ts = 0;
    c.struct_size = 8;
    ck_assert_int_eq(mkt_consent_set(ctx, &c), MKT_EINVAL);
    int32_t st;
    ck_assert_int_eq(mkt_consent_get(ctx, "C", 0, &st, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_get(ctx, "C", 1, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_get(NULL, "C", 1, &st, NULL), MKT_EINVAL);
    char *h;
    ck_assert_int_eq(mkt_consent_history(ctx, "C", NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_history(ctx, "", &h), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_change_init(NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_change_init(&c), MKT_OK);
    ck_assert_uint_eq(c.struct_size, sizeof c);
    /* Only the two valid changes were written. */
    ck_assert_int_eq(audit.count, 2);
}
END_TEST

START_TEST(dnc_entries)
{
    ck_assert_int_eq(has_dnc("C3", MKT_CHANNEL_EMAIL, 0), 0);
    ck_assert_int_eq(dnc("C3", MKT_CHANNEL_ALL, MKT_DNC_LEGAL, 0), MKT_OK);
    ck_assert_int_eq(dnc("C3", MKT_CHANNEL_SMS, MKT_DNC_SMS_STOP, 0), MKT_OK);
    ck_assert_int_eq(dnc("C3", MKT_CHANNEL_SMS, MKT_DNC_SMS_STOP, 0), MKT_OK); /* again: same */
    /* The all-channel entry covers every channel; the SMS one only SMS. */
    ck_assert_int_eq(has_dnc("C3", MKT_CHANNEL_PUSH, MKT_DNC_LEGAL), 1);
    ck_assert_int_eq(has_dnc("C3", MKT_CHANNEL_PUSH, MKT_DNC_SMS_STOP), 0);
    ck_assert_int_eq(has_dnc("C3", MKT_CHANNEL_SMS, MKT_DNC_SMS_STOP), 1);
    ck_assert_int_eq(has_dnc("C3", MKT_CHANNEL_ALL, 0), 1);
    /* Removal needs an actor, and an existing entry. */
    mkt_dnc_entry e = MKT_DNC_ENTRY_INIT;
    e.customer_id = "C3";
    e.scope = MKT_CHANNEL_ALL;
    e.reason = MKT_DNC_LEGAL;
    e.source = "ticket";
    ck_assert_int_eq(mkt_dnc_remove(ctx, &e), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "actor is required"));
    ck_assert_int_eq(dnc("C3", MKT_CHANNEL_ALL, MKT_DNC_LEGAL, 1), MKT_OK);
    ck_assert_int_eq(has_dnc("C3", MKT_CHANNEL_PUSH, 0), 0);
    ck_assert_int_eq(dnc("C3", MKT_CHANNEL_ALL, MKT_DNC_LEGAL, 1), MKT_ENOTFOUND);
    ck_assert_int_eq(audit_log_count(&audit, "dnc.add"), 3);
    ck_assert_int_eq(audit_log_count(&audit, "dnc.remove"), 1);
    /* Bad entries. */
    ck_assert_int_eq(dnc("C3", 9, MKT_DNC_LEGAL, 0), MKT_EINVAL);
    ck_assert_int_eq(dnc("C3", 1, 0, 0), MKT_EINVAL);
    ck_assert_int_eq(dnc("C3", 1, 8, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_dnc_add(ctx, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_dnc_add(NULL, &e), MKT_EINVAL);
    int32_t found;
    ck_assert_int_eq(mkt_dnc_has(ctx, "C3", 1, 99, &found), MKT_EINVAL);
    ck_assert_int_eq(mkt_dnc_has(ctx, "C3", 1, 0, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_dnc_entry_init(NULL), MKT_EINVAL);
    /* At most 32 entries per customer: 7 reasons x 7 scopes would be 49. */
    int rc = MKT_OK, added = 0;
    for (int s = 0; s <= 6 && rc == MKT_OK; s++)
        for (int r = 1; r <= 7 && rc == MKT_OK; r++)
            if ((rc = dnc("C4", s, r, 0)) == MKT_OK)
                added++;
    ck_assert_int_eq(rc, MKT_ETOOBIG);
    ck_assert_int_eq(added, 32);
}
END_TEST

START_TEST(preferences_and_topics)
{
    mkt_preferences p = MKT_PREFERENCES_INIT;
    p.customer_id = "C5";
    p.channel = MKT_CHANNEL_SMS;
    ck_assert_int_eq(mkt_preferences_get(ctx, &p), MKT_OK); /* defaults */
    ck_assert_int_eq(p.promotional, 1);
    ck_assert_int_eq(p.weekly_cap, 0);
    p.promotional = 0;
    p.weekly_cap = 3;
    p.monthly_cap = 65535;
    ck_assert_int_eq(mkt_preferences_set(ctx, &p), MKT_OK);
    mkt_preferences q = MKT_PREFERENCES_INIT;
    q.customer_id = "C5";
    q.channel = MKT_CHANNEL_SMS;
    ck_assert_int_eq(mkt_preferences_get(ctx, &q), MKT_OK);
    ck_assert_int_eq(q.promotional, 0);
    ck_assert_int_eq(q.transactional, 1);
    ck_assert_int_eq(q.weekly_cap, 3);
    ck_assert_int_eq(q.monthly_cap, 65535);
    q.channel = MKT_CHANNEL_ALL;
    q.daily_cap = 2;
    ck_assert_int_eq(mkt_preferences_set(ctx, &q), MKT_OK);
    mkt_preferences g = MKT_PREFERENCES_INIT;
    g.customer_id = "C5";
    ck_assert_int_eq(mkt_preferences_get(ctx, &g), MKT_OK);
    ck_assert_int_eq(g.daily_cap, 2);
    p.weekly_cap = 65536;
    ck_assert_int_eq(mkt_preferences_set(ctx, &p), MKT_ERANGE);
    p.weekly_cap = -1;
    ck_assert_int_eq(mkt_preferences_set(ctx, &p), MKT_ERANGE);
    p.weekly_cap = 1;
    p.promotional = 2;
    ck_assert_int_eq(mkt_preferences_set(ctx, &p), MKT_EINVAL);
    p.channel = 8;
    ck_assert_int_eq(mkt_preferences_set(ctx, &p), MKT_EINVAL);
    ck_assert_int_eq(mkt_preferences_set(ctx, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_preferences_init(NULL), MKT_EINVAL);
    ck_assert_int_eq(audit_log_count(&audit, "consent.preferences"), 2);

    ck_assert_int_eq(mkt_topic_set(ctx, "C5", "deals", MKT_TOPIC_EXCLUDED, "cc"), MKT_OK);
    ck_assert_int_eq(mkt_topic_set(ctx, "C5", "deals", MKT_TOPIC_CHOSEN, NULL), MKT_OK);
    ck_assert_int_eq(mkt_topic_set(ctx, "C5", "deals", MKT_TOPIC_CLEAR, NULL), MKT_OK);
    ck_assert_int_eq(mkt_topic_set(ctx, "C5", "deals", MKT_TOPIC_CLEAR, NULL), MKT_OK);
    ck_assert_int_eq(mkt_topic_set(ctx, "C5", "", MKT_TOPIC_CHOSEN, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_topic_set(ctx, "C5", "x", 3, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_topic_set(ctx, "C5", "a\nb", 1, NULL), MKT_EINVAL);
    char name[16];
    int rc = MKT_OK, n = 0;
    for (; rc == MKT_OK && n < 70; n++) {
        snprintf(name, sizeof name, "t%d", n);
        rc = mkt_topic_set(ctx, "C6", name, MKT_TOPIC_CHOSEN, NULL);
    }
    ck_assert_int_eq(rc, MKT_ETOOBIG);
    ck_assert_int_eq(n, 65); /* 64 stored, the 65th refused */
}
END_TEST

START_TEST(feedback)
{
    mkt_feedback f = MKT_FEEDBACK_INIT;
    f.customer_id = "C7";
    f.channel = MKT_CHANNEL_EMAIL;
    f.kind = MKT_FEEDBACK_SOFT_BOUNCE;
    f.ts = 5000;
    int32_t added = -1;
    /* Limit 3: two soft bounces, a delivery resets, then three in a row escalate. */
    ck_assert_int_eq(mkt_consent_feedback(ctx, &f, &added), MKT_OK);
    ck_assert_int_eq(added, 0);
    ck_assert_int_eq(mkt_consent_feedback(ctx, &f, &added), MKT_OK);
    f.kind = MKT_FEEDBACK_DELIVERED;
    ck_assert_int_eq(mkt_consent_feedback(ctx, &f, &added), MKT_OK);
    f.kind = MKT_FEEDBACK_SOFT_BOUNCE;
    ck_assert_int_eq(mkt_consent_feedback(ctx, &f, &added), MKT_OK);
    ck_assert_int_eq(mkt_consent_feedback(ctx, &f, &added), MKT_OK);
    ck_assert_int_eq(added, 0);
    ck_assert_int_eq(has_dnc("C7", MKT_CHANNEL_EMAIL, MKT_DNC_HARD_BOUNCE), 0);
    ck_assert_int_eq(mkt_consent_feedback(ctx, &f, &added), MKT_OK);
    ck_assert_int_eq(added, 1);
    ck_assert_int_eq(has_dnc("C7", MKT_CHANNEL_EMAIL, MKT_DNC_HARD_BOUNCE), 1);
    /* Soft bounces are bookkeeping: only the escalation is audited. */
    ck_assert_int_eq(audit.count, 1);
    const int32_t kinds[] = { MKT_FEEDBACK_HARD_BOUNCE, MKT_FEEDBACK_COMPLAINT,
                              MKT_FEEDBACK_UNSUBSCRIBE };
    const int32_t reasons[] = { MKT_DNC_HARD_BOUNCE, MKT_DNC_SPAM_COMPLAINT,
                                MKT_DNC_UNSUBSCRIBE };
    for (int i = 0; i < 3; i++) {
        f.kind = kinds[i];
        f.channel = MKT_CHANNEL_SMS;
        ck_assert_int_eq(mkt_consent_feedback(ctx, &f, &added), MKT_OK);
        ck_assert_int_eq(added, 1);
        ck_assert_int_eq(has_dnc("C7", MKT_CHANNEL_SMS, reasons[i]), 1);
    }
    /* A limit of 1 escalates at once. */
    f.kind = MKT_FEEDBACK_SOFT_BOUNCE;
    f.channel = MKT_CHANNEL_PUSH;
    f.soft_bounce_limit = 1;
    ck_assert_int_eq(mkt_consent_feedback(ctx, &f, NULL), MKT_OK);
    ck_assert_int_eq(has_dnc("C7", MKT_CHANNEL_PUSH, MKT_DNC_HARD_BOUNCE), 1);
    f.kind = 9;
    ck_assert_int_eq(mkt_consent_feedback(ctx, &f, &added), MKT_EINVAL);
    f.kind = 1;
    f.soft_bounce_limit = -1;
    ck_assert_int_eq(mkt_consent_feedback(ctx, &f, &added), MKT_EINVAL);
    f.soft_bounce_limit = 3;
    f.channel = 0;
    ck_assert_int_eq(mkt_consent_feedback(ctx, &f, &added), MKT_EINVAL);
    ck_assert_int_eq(mkt_consent_feedback(ctx, NULL, &added), MKT_EINVAL);
    ck_assert_int_eq(mkt_feedback_init(NULL), MKT_EINVAL);
}
END_TEST

/* When the audit sink fails, the change does not happen. */
START_TEST(failing_audit_changes_nothing)
{
    audit.fail = 1;
    ck_assert_int_eq(set_consent("C8", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 10, 0), MKT_EIO);
    ck_assert_int_eq(dnc("C8", MKT_CHANNEL_ALL, MKT_DNC_LEGAL, 0), MKT_EIO);
    audit.fail = 0;
    ck_assert_int_eq(status_of("C8", MKT_CHANNEL_EMAIL, NULL), MKT_CONSENT_NONE);
    ck_assert_int_eq(has_dnc("C8", MKT_CHANNEL_EMAIL, 0), 0);
    char *h;
    ck_assert_int_eq(mkt_consent_history(ctx, "C8", &h), MKT_OK);
    ck_assert_str_eq(h, "");
    mkt_free(h);
}
END_TEST

struct key_check {
    const char *prefix;
    size_t prefix_len;
    int keys, bad;
};

static int check_key(const char *key, size_t key_len, const void *value, size_t value_len,
                     uint64_t version, void *data)
{
    (void)value, (void)value_len, (void)version;
    struct key_check *k = data;
    k->keys++;
    if (key_len < k->prefix_len || memcmp(key, k->prefix, k->prefix_len) != 0)
        k->bad++;
    return 0;
}

/* Every key this module writes about a customer starts with "<id>\x1f" (common-keys rule):
 * a prefix scan of each namespace finds all of them, and nothing of another customer. */
START_TEST(key_layout)
{
    ck_assert_int_eq(set_consent("C9", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 10, 0), MKT_OK);
    ck_assert_int_eq(set_consent("C99", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN, 10, 0), MKT_OK);
    ck_assert_int_eq(dnc("C9", MKT_CHANNEL_SMS, MKT_DNC_SMS_STOP, 0), MKT_OK);
    const char *nss[] = { "consent.state", "consent.history" };
    int total = 0;
    for (int i = 0; i < 2; i++) {
        struct key_check k = { "C9\x1f", 3, 0, 0 };
        ck_assert_int_eq(mkt_store_scan(ctx, nss[i], "C9\x1f", 3, check_key, &k), MKT_OK);
        struct key_check all = { "C9\x1f", 3, 0, 0 };
        ck_assert_int_eq(mkt_store_scan(ctx, nss[i], "", 0, check_key, &all), MKT_OK);
        ck_assert_int_eq(k.bad, 0);
        ck_assert_int_eq(all.keys - all.bad, k.keys); /* C99's keys are not under C9\x1f */
        total += k.keys;
    }
    ck_assert_int_eq(total, 1 + 2); /* the state record, two history lines */
}
END_TEST

/* Another writer changes the record between our read and our write: we read again. */
START_TEST(conflict_retry)
{
    fault_store fs;
    mkt_ctx *c = fault_store_ctx(&fs);
    ck_assert_ptr_nonnull(c);
    mkt_consent_change ch = MKT_CONSENT_CHANGE_INIT;
    ch.customer_id = "C10";
    ch.channel = MKT_CHANNEL_SMS;
    ch.status = MKT_CONSENT_GIVEN;
    ch.source = "x";
    fs.conflicts = 3;
    ck_assert_msg(mkt_consent_set(c, &ch) == MKT_OK, "%s", mkt_ctx_last_error(c)->message);
    int32_t st;
    ck_assert_int_eq(mkt_consent_get(c, "C10", MKT_CHANNEL_SMS, &st, NULL), MKT_OK);
    ck_assert_int_eq(st, MKT_CONSENT_GIVEN);
    fs.conflicts = 1000; /* a store that always conflicts: give up with a message */
    ck_assert_int_eq(mkt_consent_set(c, &ch), MKT_ECONFLICT);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(c)->message, "gave up"));
    fs.conflicts = 0;
    /* Any store failure is reported, never swallowed. */
    for (long n = 0; n < 8; n++) {
        fs.ops = 0;
        fs.fail_at = n;
        ch.ts = 100 + n;
        int rc = mkt_consent_set(c, &ch);
        ck_assert_msg(rc == MKT_EIO || (rc == MKT_OK && fs.ops <= n), "op %ld: %d", n, rc);
    }
    mkt_ctx_free(c);
    fault_store_free(&fs);
}
END_TEST

static char *write_temp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/consent-test-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

START_TEST(import_csv)
{
    const char *csv =
        "customer_id,kind,channel,value,ts,source\n"
        "A1,consent,email,given,2024-03-01T10:00:00Z,crm\n"
        "A1,consent,sms,pending,1700000000,\n"
        "A1,dnc,all,legal,,dpo\n"
        "A1,promotional,push,off,,\n"
        "A1,cap_weekly,email,3,,\n"
        "A1,cap_daily,all,2,,\n"
        "A1,topic_excluded,,deals,,\n"
        "\"A2\",consent,EMAIL,withdrawn,1,\"web, footer\"\n";
    char *path = write_temp(csv);
    uint64_t rows = 0;
    ck_assert_int_eq(mkt_consent_import(ctx, path, &rows), MKT_OK);
    ck_assert_int_eq(rows, 8);
    mkt_time ts;
    ck_assert_int_eq(status_of("A1", MKT_CHANNEL_EMAIL, &ts), MKT_CONSENT_GIVEN);
    ck_assert_int_eq(ts, 1709287200); /* 2024-03-01: 19783 days * 86400 + 10 h */
    ck_assert_int_eq(status_of("A1", MKT_CHANNEL_SMS, NULL), MKT_CONSENT_PENDING);
    ck_assert_int_eq(status_of("A2", MKT_CHANNEL_EMAIL, NULL), MKT_CONSENT_WITHDRAWN);
    ck_assert_int_eq(has_dnc("A1", MKT_CHANNEL_SMS, MKT_DNC_LEGAL), 1);
    mkt_preferences p = MKT_PREFERENCES_INIT;
    p.customer_id = "A1";
    p.channel = MKT_CHANNEL_EMAIL;
    ck_assert_int_eq(mkt_preferences_get(ctx, &p), MKT_OK);
    ck_assert_int_eq(p.weekly_cap, 3);
    unlink(path);

    const char *bad[][2] = {
        { "customer_id,kind,channel,value,ts\n", "header" },
        { "customer_id,kind,channel,value,ts,source\nA,consent,fax,given,,\n", ":2:3:" },
        { "customer_id,kind,channel,value,ts,source\nA,consent,email,maybe,,\n", ":2:4:" },
        { "customer_id,kind,channel,value,ts,source\nA,consent,email,given,2024-02-30T00:00:00Z,\n",
          ":2:5:" },
        { "customer_id,kind,channel,value,ts,source\nA,wish,email,given,,\n", ":2:2:" },
        { "customer_id,kind,channel,value,ts,source\nA,cap_daily,email,99999,,\n", ":2:4:" },
        { "customer_id,kind,channel,value,ts,source\nA,dnc,email,whim,,\n", ":2:4:" },
        { "customer_id,kind,channel,value,ts,source\nA,consent,all,given,,\n", ":2:3:" },
        { "customer_id,kind,channel,value,ts,source\nA,consent\n", ":2:" },
        { "customer_id,kind,channel,value,ts,source\n,consent,email,given,,\n", "customer_id" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        path = write_temp(bad[i][0]);
        int rc = mkt_consent_import(ctx, path, &rows);
        ck_assert_msg(rc == MKT_EPARSE || rc == MKT_EINVAL, "case %zu: %d", i, rc);
        ck_assert_msg(strstr(mkt_ctx_last_error(ctx)->message, bad[i][1]) != NULL,
                      "case %zu: %s", i, mkt_ctx_last_error(ctx)->message);
        unlink(path);
    }
    ck_assert_int_eq(mkt_consent_import(ctx, "/nonexistent/x.csv", &rows), MKT_EIO);
    ck_assert_int_eq(mkt_consent_import(ctx, NULL, &rows), MKT_EINVAL);
}
END_TEST

static int records_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *c;
    int rc = mkt_ctx_new(&c, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_consent_change ch = MKT_CONSENT_CHANGE_INIT;
    ch.customer_id = "F1";
    ch.channel = MKT_CHANNEL_EMAIL;
    ch.status = MKT_CONSENT_GIVEN;
    ch.double_opt_in = 1;
    ch.ts = 50;
    ch.source = "form";
    ch.ip = "198.51.100.1";
    rc = mkt_consent_set(c, &ch);
    if (rc == MKT_OK)
        rc = mkt_consent_confirm(c, &ch);
    mkt_dnc_entry e = MKT_DNC_ENTRY_INIT;
    e.customer_id = "F1";
    e.scope = MKT_CHANNEL_SMS;
    e.reason = MKT_DNC_SMS_STOP;
    e.source = "sms";
    e.actor = "me";
    if (rc == MKT_OK)
        rc = mkt_dnc_add(c, &e);
    if (rc == MKT_OK)
        rc = mkt_dnc_remove(c, &e);
    mkt_preferences p = MKT_PREFERENCES_INIT;
    p.customer_id = "F1";
    p.channel = MKT_CHANNEL_EMAIL;
    p.daily_cap = 1;
    if (rc == MKT_OK)
        rc = mkt_preferences_set(c, &p);
    if (rc == MKT_OK)
        rc = mkt_preferences_get(c, &p);
    if (rc == MKT_OK)
        rc = mkt_topic_set(c, "F1", "news", MKT_TOPIC_CHOSEN, NULL);
    mkt_feedback f = MKT_FEEDBACK_INIT;
    f.customer_id = "F1";
    f.channel = MKT_CHANNEL_PUSH;
    f.kind = MKT_FEEDBACK_SOFT_BOUNCE;
    f.soft_bounce_limit = 1;
    if (rc == MKT_OK)
        rc = mkt_consent_feedback(c, &f, NULL);
    int32_t st, found;
    if (rc == MKT_OK)
        rc = mkt_consent_get(c, "F1", MKT_CHANNEL_EMAIL, &st, NULL);
    if (rc == MKT_OK)
        rc = mkt_dnc_has(c, "F1", MKT_CHANNEL_PUSH, 0, &found);
    char *h = NULL;
    if (rc == MKT_OK)
        rc = mkt_consent_history(c, "F1", &h);
    mkt_free(h);
    mkt_ctx_free(c);
    return rc;
}

START_TEST(allocation_failures)
{
    ck_assert_int_gt(failalloc_run(records_scenario, NULL), 20);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("consent");
    TCase *tc = tcase_create("records");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, latest_consent_wins);
    tcase_add_test(tc, double_opt_in);
    tcase_add_test(tc, validation);
    tcase_add_test(tc, dnc_entries);
    tcase_add_test(tc, preferences_and_topics);
    tcase_add_test(tc, feedback);
    tcase_add_test(tc, failing_audit_changes_nothing);
    tcase_add_test(tc, key_layout);
    tcase_add_test(tc, conflict_retry);
    tcase_add_test(tc, import_csv);
    tcase_add_test(tc, allocation_failures);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* SPDX-License-Identifier: MIT */
/*
 * mkt_privacy_export(): everything stored about one customer, as one JSON document (access
 * request). The consent state is decoded (it is binary); every registered per-customer
 * namespace is also listed raw, so data added by later modules is exported without code here;
 * the audit records about the customer are found by their subject hash. The export is
 * audited before anything is read: a data access that cannot be recorded does not happen.
 *
 * {"customer_id":..., "exported_at":TS, "erased":false,
 *  "consent":{"channels":[...],"global_caps":{...},"dnc":[...],"topics":[...]},
 *  "namespaces":{"consent.history":[{"key":"<suffix>","value":"<text>"}|{"key":..,
 *                "value_hex":".."}, ...], ...},
 *  "audit":[{"seq":"...","ts":"...","action":"...",...}, ...]}
 */
#include <inttypes.h>
#include <string.h>

#include "consent-private.h"
#include "privacy-private.h"

static const char *const STATUS_NAMES[] = { "none", "given", "withdrawn", "pending" };
static const char *const TOPIC_NAMES[] = { "clear", "chosen", "excluded" };

static int caps_json(mkt__buf *b, const uint16_t caps[MKT__NPERIODS])
{
    return mkt__buf_appendf(b, "{\"daily\":%u,\"weekly\":%u,\"monthly\":%u}",
                            (unsigned)caps[MKT__PERIOD_DAY], (unsigned)caps[MKT__PERIOD_WEEK],
                            (unsigned)caps[MKT__PERIOD_MONTH]);
}

static int channels_json(mkt__buf *b, const mkt__consent_state *s)
{
    int rc = mkt__buf_appends(b, "\"channels\":[");
    for (int c = 1; rc == MKT_OK && c <= MKT__NCHANNELS; c++) {
        const struct mkt__channel_state *ch = &s->ch[c];
        rc = mkt__buf_appendf(b, "%s{\"channel\":\"%s\",\"status\":\"%s\",\"ts\":%" PRId64
                              ",\"promotional\":%s,\"transactional\":%s,\"soft_bounces\":%u,"
                              "\"caps\":", c > 1 ? "," : "", mkt__channel_name(c),
                              ch->status < 4 ? STATUS_NAMES[ch->status] : "unknown", ch->ts,
                              ch->flags & MKT__CH_PROMO_OFF ? "false" : "true",
                              ch->flags & MKT__CH_TRANS_OFF ? "false" : "true",
                              (unsigned)ch->soft_bounces);
        if (rc == MKT_OK)
            rc = caps_json(b, ch->caps);
        if (rc == MKT_OK)
            rc = mkt__buf_putc(b, '}');
    }
    return rc ? rc : mkt__buf_appends(b, "],\"global_caps\":");
}

static int state_json(mkt__buf *b, const mkt__consent_state *s)
{
    int rc = mkt__buf_appends(b, "\"consent\":{");
    if (rc == MKT_OK)
        rc = channels_json(b, s);
    if (rc == MKT_OK)
        rc = caps_json(b, s->global_caps);
    if (rc == MKT_OK)
        rc = mkt__buf_appends(b, ",\"dnc\":[");
    for (int i = 0; rc == MKT_OK && i < s->ndnc; i++) {
        const char *reason = mkt__dnc_reason_name(s->dnc[i].reason);
        rc = mkt__buf_appendf(b, "%s{\"scope\":\"%s\",\"reason\":\"%s\",\"ts\":%" PRId64 "}",
                              i ? "," : "", mkt__channel_name(s->dnc[i].scope)
                                                ? mkt__channel_name(s->dnc[i].scope) : "?",
                              reason ? reason : "?", s->dnc[i].ts);
    }
    if (rc == MKT_OK)
        rc = mkt__buf_appends(b, "],\"topics\":[");
    for (int i = 0; rc == MKT_OK && i < s->ntopics; i++) {
        rc = mkt__buf_appends(b, i ? ",{\"topic\":" : "{\"topic\":");
        if (rc == MKT_OK)
            rc = mkt__json_string(b, s->topics[i].name, s->topics[i].len);
        if (rc == MKT_OK)
            rc = mkt__buf_appendf(b, ",\"choice\":\"%s\"}", s->topics[i].choice < 3
                                      ? TOPIC_NAMES[s->topics[i].choice] : "unknown");
    }
    return rc ? rc : mkt__buf_appends(b, "]}");
}

/* Text that is safe to show as a JSON string: UTF-8-ish without NUL (binary goes as hex). */
static int is_text(const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] == 0 || (p[i] < 0x20 && p[i] != '\n' && p[i] != '\t' && p[i] != 0x1f))
            return 0;
    return 1;
}

struct raw_walk {
    mkt__buf *b;
    size_t prefix_len;
    int n;
};

static int raw_entry(const char *key, size_t key_len, const void *value, size_t len,
                     uint64_t version, void *data)
{
    (void)version;
    struct raw_walk *w = data;
    int rc = mkt__buf_appends(w->b, w->n++ ? ",{\"key\":" : "{\"key\":");
    if (rc == MKT_OK)
        rc = mkt__json_string(w->b, key + w->prefix_len, key_len - w->prefix_len);
    if (rc == MKT_OK && is_text(value, len)) {
        rc = mkt__buf_appends(w->b, ",\"value\":");
        if (rc == MKT_OK)
            rc = mkt__json_string(w->b, value, len);
    } else if (rc == MKT_OK) {
        rc = mkt__buf_appends(w->b, ",\"value_hex\":\"");
        for (size_t i = 0; rc == MKT_OK && i < len; i++)
            rc = mkt__buf_appendf(w->b, "%02x", ((const unsigned char *)value)[i]);
        if (rc == MKT_OK)
            rc = mkt__buf_putc(w->b, '"');
    }
    if (rc == MKT_OK)
        rc = mkt__buf_putc(w->b, '}');
    return rc ? MKT_ENOMEM : 0;
}

static int namespaces_json(mkt_ctx *ctx, mkt__buf *b, const char *prefix, size_t prefix_len)
{
    int rc = mkt__buf_appends(b, ",\"namespaces\":{");
    for (size_t i = 0; rc == MKT_OK && mkt__pii_namespaces[i].ns; i++) {
        rc = mkt__buf_appendf(b, "%s\"%s\":[", i ? "," : "", mkt__pii_namespaces[i].ns);
        struct raw_walk w = { b, prefix_len, 0 };
        if (rc == MKT_OK)
            rc = mkt_store_scan(ctx, mkt__pii_namespaces[i].ns, prefix, prefix_len, raw_entry,
                                &w);
        if (rc == MKT_OK)
            rc = mkt__buf_putc(b, ']');
    }
    return rc ? rc : mkt__buf_putc(b, '}');
}

struct audit_walk {
    mkt__buf *b;
    const uint8_t *mac;
    int n;
};

/* One audit record as an object of its lines (values as the sink escaped them). */
static int audit_entry(const char *key, size_t key_len, const void *value, size_t len,
                       uint64_t version, void *data)
{
    (void)key, (void)key_len, (void)version;
    struct audit_walk *w = data;
    uint8_t mac[MKT__MAC_LEN];
    if (mkt__audit_subject_mac(value, len, mac) != 0 || !mkt__ct_equal(mac, w->mac, sizeof mac))
        return 0;
    const char *p = value, *end = p + len;
    int rc = mkt__buf_appends(w->b, w->n++ ? ",{" : "{");
    for (int first = 1; rc == MKT_OK && p < end; first = 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        const char *eq = memchr(p, '=', (size_t)(line_end - p));
        if (eq == NULL)
            eq = line_end;
        rc = first ? MKT_OK : mkt__buf_putc(w->b, ',');
        if (rc == MKT_OK)
            rc = mkt__json_string(w->b, p, (size_t)(eq - p));
        if (rc == MKT_OK)
            rc = mkt__buf_putc(w->b, ':');
        if (rc == MKT_OK)
            rc = mkt__json_string(w->b, eq < line_end ? eq + 1 : eq,
                                  eq < line_end ? (size_t)(line_end - eq - 1) : 0);
        p = line_end + 1;
    }
    if (rc == MKT_OK)
        rc = mkt__buf_putc(w->b, '}');
    return rc ? MKT_ENOMEM : 0;
}

static int body(mkt_ctx *ctx, mkt__buf *b, const char *id, mkt_time now, int *was_erased)
{
    mkt__consent_state s;
    int erased = 0;
    uint64_t version = 0;
    int rc = mkt__consent_state_load(ctx, id, &s, &version);
    if (rc == MKT_OK)
        rc = mkt__privacy_tombstoned(ctx, id, &erased);
    if (rc == MKT_OK)
        rc = mkt__buf_appends(b, "{\"customer_id\":");
    if (rc == MKT_OK)
        rc = mkt__json_string(b, id, strlen(id));
    if (rc == MKT_OK)
        rc = mkt__buf_appendf(b, ",\"exported_at\":%" PRId64 ",\"erased\":%s,", now,
                              erased ? "true" : "false");
    if (rc == MKT_OK)
        rc = state_json(b, &s);
    char prefix[MKT__CONSENT_KEY_MAX];
    size_t prefix_len = mkt__consent_key(prefix, id);
    if (rc == MKT_OK)
        rc = namespaces_json(ctx, b, prefix, prefix_len);
    uint8_t mac[MKT__MAC_LEN];
    if (rc == MKT_OK)
        rc = mkt__salted_mac(ctx, "customer", id, strlen(id), mac);
    struct audit_walk w = { b, mac, 0 };
    if (rc == MKT_OK)
        rc = mkt__buf_appends(b, ",\"audit\":[");
    if (rc == MKT_OK)
        rc = mkt_store_scan(ctx, MKT__AUDIT_NS, NULL, 0, audit_entry, &w);
    if (rc == MKT_OK)
        rc = mkt__buf_appends(b, "]}");
    /* an erased customer stays erased: the record of this export keeps only the hash */
    if (rc == MKT_OK && erased)
        rc = mkt__audit_redact(ctx, mac, NULL);
    *was_erased = erased;
    return rc == MKT_ENOMEM ? mkt__oom(ctx) : rc;
}

MKT_EXPORT int mkt_privacy_export(mkt_ctx *ctx, const char *customer_id, const char *actor,
                                  char **json)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (json == NULL)
        return mkt__error(ctx, MKT_EINVAL, "privacy export: json is NULL");
    *json = NULL;
    int rc = mkt__consent_check_customer(ctx, "privacy export", customer_id);
    mkt_time now = 0;
    if (rc == MKT_OK)
        rc = mkt_ctx_now(ctx, &now);
    mkt_audit_record r = { sizeof r, now, actor ? actor : "privacy", "privacy.export",
                           customer_id, "access request: data export" };
    if (rc == MKT_OK)
        rc = mkt_ctx_audit(ctx, &r);
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    int erased = 0;
    if (rc == MKT_OK)
        rc = body(ctx, &b, customer_id, now, &erased);
    char *s = rc == MKT_OK ? mkt__caller_alloc(ctx, b.len + 1) : NULL;
    if (rc == MKT_OK && s == NULL)
        rc = mkt__oom(ctx);
    if (rc == MKT_OK) {
        memcpy(s, b.data, b.len + 1);
        *json = s;
    }
    mkt__buf_free(&b);
    return rc;
}

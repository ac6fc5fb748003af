/* SPDX-License-Identifier: MIT */
/*
 * Right to be forgotten: mkt_privacy_erase() and the tombstones (privacy-private.h has the
 * layout).
 *
 * Order matters for a resumable erasure: the tombstones come first, so a customer stays
 * suppressed even when the run stops half-way; then the audit record (a failing sink stops
 * before anything is deleted); then the per-customer keys, namespace by namespace (deleting an
 * absent key is fine, so a re-run just finds less); the audit text about the customer goes
 * last, after the "done" record that itself names the customer. Each step is idempotent.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "consent-private.h"
#include "privacy-private.h"

static const char *const KIND_NAMES[] = { NULL, "customer", "email", "phone" };

MKT_EXPORT int mkt_erase_request_init(mkt_erase_request *r)
{
    if (r == NULL)
        return MKT_EINVAL;
    static const mkt_erase_request init = MKT_ERASE_REQUEST_INIT;
    *r = init;
    return MKT_OK;
}

int mkt__privacy_normalize(mkt_ctx *ctx, int32_t kind, const char *value, mkt__buf *out)
{
    mkt__buf_reset(out);
    int rc = MKT_OK;
    size_t len = strlen(value);
    while (len && (unsigned char)value[len - 1] <= ' ')
        len--;
    while (len && (unsigned char)*value <= ' ')
        value++, len--;
    for (size_t i = 0; rc == MKT_OK && i < len; i++) {
        char c = value[i];
        if (kind == MKT_ERASED_EMAIL)
            rc = mkt__buf_putc(out, c >= 'A' && c <= 'Z' ? (char)(c + 32) : c);
        else if (kind == MKT_ERASED_PHONE && ((c >= '0' && c <= '9') || (c == '+' && !i)))
            rc = mkt__buf_putc(out, c);
        else if (kind == MKT_ERASED_CUSTOMER)
            rc = mkt__buf_putc(out, c);
    }
    if (rc == MKT_OK && out->len == 0)
        rc = mkt__error(ctx, MKT_EINVAL, "privacy: the %s is empty", KIND_NAMES[kind]);
    return rc;
}

/* The tombstone key (64 hex digits) of an identifier. */
static int tombstone_key(mkt_ctx *ctx, int32_t kind, const char *value, char hex[65],
                         uint8_t mac[MKT__MAC_LEN])
{
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    int rc = kind == MKT_ERASED_CUSTOMER ? mkt__buf_appends(&b, value)
                                         : mkt__privacy_normalize(ctx, kind, value, &b);
    if (rc == MKT_OK)
        rc = mkt__salted_mac(ctx, KIND_NAMES[kind], b.data, b.len, mac);
    if (rc == MKT_OK)
        mkt__hex(mac, MKT__MAC_LEN, hex);
    mkt__buf_free(&b);
    return rc;
}

MKT_EXPORT int mkt_privacy_is_erased(mkt_ctx *ctx, int32_t kind, const char *value,
                                     int32_t *erased)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (erased == NULL || value == NULL)
        return mkt__error(ctx, MKT_EINVAL, "privacy is_erased: %s is NULL",
                          erased ? "value" : "erased");
    *erased = 0;
    if (kind < MKT_ERASED_CUSTOMER || kind > MKT_ERASED_PHONE)
        return mkt__error(ctx, MKT_EINVAL, "privacy is_erased: kind %" PRId32 " is unknown",
                          kind);
    if (value[0] == '\0')
        return mkt__error(ctx, MKT_EINVAL, "privacy is_erased: value is empty");
    char hex[65];
    uint8_t mac[MKT__MAC_LEN];
    int rc = tombstone_key(ctx, kind, value, hex, mac);
    if (rc == MKT_OK)
        rc = mkt_store_get(ctx, MKT__TOMBSTONE_NS, hex, MKT__MAC_HEX, NULL, NULL, NULL);
    if (rc == MKT_OK)
        *erased = 1;
    return rc == MKT_ENOTFOUND ? MKT_OK : rc;
}

int mkt__privacy_tombstoned(mkt_ctx *ctx, const char *customer_id, int *found)
{
    int32_t e = 0;
    int rc = mkt_privacy_is_erased(ctx, MKT_ERASED_CUSTOMER, customer_id, &e);
    *found = e;
    return rc;
}

int mkt__privacy_suppress_if_erased(mkt_ctx *ctx, const char *customer_id,
                                    mkt__consent_state *s)
{
    int found = 0;
    int rc = mkt__privacy_tombstoned(ctx, customer_id, &found);
    if (rc || !found || s->ndnc == MKT__MAX_DNC ||
        mkt__consent_find_dnc(s, MKT_CHANNEL_ALL, MKT_DNC_INTERNAL_POLICY) >= 0)
        return rc;
    mkt_time now = 0;
    rc = mkt_ctx_now(ctx, &now);
    if (rc == MKT_OK) {
        struct mkt__dnc_state d = { MKT_CHANNEL_ALL, MKT_DNC_INTERNAL_POLICY, now };
        s->dnc[s->ndnc++] = d;
    }
    return rc;
}

/* Create the tombstone; an existing one keeps its first erasure time. */
static int put_tombstone(mkt_ctx *ctx, const char *hex, mkt_time ts)
{
    char v[40];
    int n = snprintf(v, sizeof v, "erased_at=%" PRId64 "\n", ts);
    int rc = mkt_store_put(ctx, MKT__TOMBSTONE_NS, hex, MKT__MAC_HEX, v, (size_t)n,
                           MKT_VERSION_ABSENT, NULL);
    return rc == MKT_ECONFLICT ? MKT_OK : rc;
}

/* ---- per-namespace erasure ------------------------------------------------------------- */

struct key_list {
    mkt_ctx *ctx;
    mkt__buf bytes;              /* the keys, back to back */
    MKT__VEC(size_t) ends;       /* end offset of each key in bytes */
};

static int collect_key(const char *key, size_t key_len, const void *value, size_t len,
                       uint64_t version, void *data)
{
    (void)value, (void)len, (void)version;
    struct key_list *k = data;
    if (mkt__buf_append(&k->bytes, key, key_len) || MKT__VEC_PUSH(k->ctx, &k->ends,
                                                                    k->bytes.len))
        return MKT_ENOMEM;
    return 0;
}

/* Move one value under the anonymous prefix, then delete the original. */
static int anonymize_key(mkt_ctx *ctx, const char *ns, const char *key, size_t key_len,
                         size_t prefix_len, const char *hex)
{
    char *v = NULL;
    size_t vl = 0;
    int rc = mkt_store_get(ctx, ns, key, key_len, &v, &vl, NULL);
    if (rc == MKT_ENOTFOUND)
        return MKT_OK;
    mkt__buf nk;
    mkt__buf_init(&nk, ctx);
    if (rc == MKT_OK)
        rc = mkt__buf_appendf(&nk, "~%s\x1f", hex);
    if (rc == MKT_OK)
        rc = mkt__buf_append(&nk, key + prefix_len, key_len - prefix_len);
    if (rc == MKT_OK)
        rc = mkt_store_put(ctx, ns, nk.data, nk.len, v, vl, MKT_VERSION_ANY, NULL);
    if (rc == MKT_OK)
        rc = mkt_store_delete(ctx, ns, key, key_len, MKT_VERSION_ANY);
    mkt__buf_free(&nk);
    mkt_free(v);
    return rc == MKT_ENOTFOUND ? MKT_OK : rc;
}

static int erase_namespace(mkt_ctx *ctx, const struct mkt__pii_ns *r, const char *prefix,
                           size_t prefix_len, const char *hex, uint64_t *count)
{
    struct key_list k = { ctx, { 0 }, MKT__VEC_EMPTY };
    mkt__buf_init(&k.bytes, ctx);
    int rc = mkt_store_scan(ctx, r->ns, prefix, prefix_len, collect_key, &k);
    if (rc == MKT_ENOMEM)
        rc = mkt__oom(ctx);
    size_t start = 0;
    for (size_t i = 0; rc == MKT_OK && i < k.ends.len; i++) {
        const char *key = k.bytes.data + start;
        size_t len = k.ends.data[i] - start;
        if (r->mode == MKT__PII_ANONYMIZE)
            rc = anonymize_key(ctx, r->ns, key, len, prefix_len, hex);
        else
            rc = mkt_store_delete(ctx, r->ns, key, len, MKT_VERSION_ANY);
        if (rc == MKT_ENOTFOUND)
            rc = MKT_OK; /* a concurrent erasure was faster */
        start = k.ends.data[i];
        *count += rc == MKT_OK;
    }
    mkt__buf_free(&k.bytes);
    MKT__VEC_FREE(ctx, &k.ends);
    return rc;
}

/* ---- the receipt ----------------------------------------------------------------------- */

struct erasure {
    mkt_erase_request req;
    char hex[65];
    uint8_t mac[MKT__MAC_LEN];
    uint64_t counts[16];
    uint64_t redacted;
};

static int build_receipt(mkt_ctx *ctx, const struct mkt__pii_ns *registry,
                         const struct erasure *e, char **out)
{
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    int rc = mkt__buf_appendf(&b, "{\"tombstone\":\"%s\",\"erased_at\":%" PRId64
                              ",\"tombstones\":[\"customer\"%s%s],\"namespaces\":[", e->hex,
                              e->req.ts, e->req.email ? ",\"email\"" : "",
                              e->req.phone ? ",\"phone\"" : "");
    for (size_t i = 0; rc == MKT_OK && registry[i].ns; i++) {
        int anon = registry[i].mode == MKT__PII_ANONYMIZE;
        rc = mkt__buf_appendf(&b, "%s{\"namespace\":\"%s\",\"deleted\":%" PRIu64
                              ",\"anonymized\":%" PRIu64 "}", i ? "," : "", registry[i].ns,
                              anon ? 0 : e->counts[i], anon ? e->counts[i] : 0);
    }
    if (rc == MKT_OK)
        rc = mkt__buf_appendf(&b, "],\"audit_records_redacted\":%" PRIu64 "}", e->redacted);
    char *s = rc == MKT_OK ? mkt__caller_alloc(ctx, b.len + 1) : NULL;
    if (rc == MKT_OK && s == NULL)
        rc = mkt__oom(ctx);
    if (rc == MKT_OK) {
        memcpy(s, b.data, b.len + 1);
        *out = s;
    }
    mkt__buf_free(&b);
    return rc;
}

/* ---- erasure --------------------------------------------------------------------------- */

static int read_request(mkt_ctx *ctx, const mkt_erase_request *in, struct erasure *e)
{
    memset(e, 0, sizeof *e);
    if (in == NULL)
        return mkt__error(ctx, MKT_EINVAL, "privacy erase: request is NULL");
    mkt_erase_request_init(&e->req);
    memcpy(&e->req, in, in->struct_size < sizeof e->req ? in->struct_size : sizeof e->req);
    e->req.struct_size = sizeof e->req;
    e->req.actor = e->req.actor ? e->req.actor : "privacy";
    int rc = mkt__consent_check_customer(ctx, "privacy erase", e->req.customer_id);
    /* check the optional identifiers before the first tombstone is written */
    mkt__buf b;
    mkt__buf_init(&b, ctx);
    if (rc == MKT_OK && e->req.email)
        rc = mkt__privacy_normalize(ctx, MKT_ERASED_EMAIL, e->req.email, &b);
    if (rc == MKT_OK && e->req.phone)
        rc = mkt__privacy_normalize(ctx, MKT_ERASED_PHONE, e->req.phone, &b);
    mkt__buf_free(&b);
    if (rc == MKT_OK && e->req.ts == 0)
        rc = mkt_ctx_now(ctx, &e->req.ts);
    return rc;
}

static int write_tombstones(mkt_ctx *ctx, struct erasure *e)
{
    int rc = tombstone_key(ctx, MKT_ERASED_CUSTOMER, e->req.customer_id, e->hex, e->mac);
    if (rc == MKT_OK)
        rc = put_tombstone(ctx, e->hex, e->req.ts);
    const char *extra[2] = { e->req.email, e->req.phone };
    for (int i = 0; rc == MKT_OK && i < 2; i++) {
        char hex[65];
        uint8_t mac[MKT__MAC_LEN];
        if (extra[i] == NULL)
            continue;
        rc = tombstone_key(ctx, i ? MKT_ERASED_PHONE : MKT_ERASED_EMAIL, extra[i], hex, mac);
        if (rc == MKT_OK)
            rc = put_tombstone(ctx, hex, e->req.ts);
    }
    return rc;
}

static int audit_erasure(mkt_ctx *ctx, const struct erasure *e, const char *action,
                         const char *detail)
{
    mkt_audit_record r = { sizeof r, e->req.ts, e->req.actor, action, e->req.customer_id,
                           detail };
    return mkt_ctx_audit(ctx, &r);
}

int mkt__privacy_erase_with(mkt_ctx *ctx, const struct mkt__pii_ns *registry,
                            const mkt_erase_request *req, char **receipt)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (receipt)
        *receipt = NULL;
    struct erasure e;
    int rc = read_request(ctx, req, &e);
    if (rc == MKT_OK)
        rc = write_tombstones(ctx, &e);
    if (rc == MKT_OK)
        rc = audit_erasure(ctx, &e, "privacy.erase", "right to be forgotten: started");
    char prefix[MKT__CONSENT_KEY_MAX];
    size_t prefix_len = rc == MKT_OK ? mkt__consent_key(prefix, e.req.customer_id) : 0;
    uint64_t total = 0;
    for (size_t i = 0; rc == MKT_OK && registry[i].ns; i++) {
        if (i == sizeof e.counts / sizeof e.counts[0])
            return mkt__error(ctx, MKT_EINTERNAL, "privacy erase: too many namespaces");
        if (registry[i].prepare)
            rc = registry[i].prepare(ctx, e.req.customer_id);
        if (rc == MKT_OK)
            rc = erase_namespace(ctx, &registry[i], prefix, prefix_len, e.hex, &e.counts[i]);
        total += e.counts[i];
    }
    if (rc == MKT_OK) {
        char detail[80];
        snprintf(detail, sizeof detail, "right to be forgotten: %" PRIu64 " keys removed",
                 total);
        rc = audit_erasure(ctx, &e, "privacy.erase.done", detail);
    }
    if (rc == MKT_OK)
        rc = mkt__audit_redact(ctx, e.mac, &e.redacted);
    if (rc == MKT_OK && receipt)
        rc = build_receipt(ctx, registry, &e, receipt);
    return rc;
}

MKT_EXPORT int mkt_privacy_erase(mkt_ctx *ctx, const mkt_erase_request *req, char **receipt)
{
    return mkt__privacy_erase_with(ctx, mkt__pii_namespaces, req, receipt);
}

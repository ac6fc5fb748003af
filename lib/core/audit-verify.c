/* SPDX-License-Identifier: MIT */
/*
 * mkt_audit_verify(): walk the default sink's chain (audit.c describes the format) in one
 * streaming scan and name the first bad record; and the erasure step that drops an erased
 * customer's subject and detail text from the chain without breaking it.
 *
 * Which record is bad when the link k -> k+1 breaks (prev of k+1 is not the hash of k): if k
 * was edited, k+1 is intact and its own successor (or the head) still matches hash(k+1); if
 * k+1 was edited (its prev line included), that next link breaks too. So the verdict waits for
 * one more link.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit-private.h"
#include "util.h"

struct walk {
    mkt_ctx *ctx;
    mkt_audit_report *rep;
    const uint8_t *salt;     /* NULL when the store has none (then no subject may exist) */
    uint64_t head_seq;
    uint8_t head_hash[MKT__MAC_LEN];
    int have_head;
    uint64_t last;           /* last record number seen (0: none) */
    uint8_t last_hash[MKT__MAC_LEN];
    uint64_t broken_after;   /* k when the link k -> k+1 broke and the verdict waits; else 0 */
    int head_checked;        /* the record at head_seq was seen and matched */
    int rc;                  /* an error while checking (allocation) */
};

static int fail(struct walk *w, int problem, uint64_t seq, const char *fmt, ...)
    MKT_PRINTF(4, 5);

static int fail(struct walk *w, int problem, uint64_t seq, const char *fmt, ...)
{
    w->rep->intact = 0;
    w->rep->problem = problem;
    w->rep->first_bad = seq;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->rep->message, sizeof w->rep->message, fmt, ap);
    va_end(ap);
    return 1; /* stop the scan */
}

/* The value of line "name=" (without the newline), or NULL. */
static const char *find_line(const char *v, size_t len, const char *name, size_t *out_len)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i + nl <= len; i = i + 1) {
        if ((i == 0 || v[i - 1] == '\n') && memcmp(v + i, name, nl) == 0) {
            const char *start = v + i + nl;
            const char *end = memchr(start, '\n', len - (size_t)(start - v));
            *out_len = end ? (size_t)(end - start) : len - (size_t)(start - v);
            return start;
        }
    }
    return NULL;
}

/* Undo the sink's escaping into @b. */
static int unescape(mkt__buf *b, const char *s, size_t len)
{
    mkt__buf_reset(b);
    int rc = mkt__buf_reserve(b, len);
    for (size_t i = 0; rc == MKT_OK && i < len; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < len) {
            c = s[++i];
            c = c == 'n' ? '\n' : c == 'r' ? '\r' : c;
        }
        rc = mkt__buf_putc(b, c);
    }
    return rc;
}

/* 1 if the text line @name matches its keyed hash line @mac_name (or is absent), 0 if not,
 * < 0 on error. */
static int text_matches(struct walk *w, const char *v, size_t len, const char *name,
                        const char *mac_name, const char *kind)
{
    size_t tl, ml;
    const char *text = find_line(v, len, name, &tl);
    if (text == NULL)
        return 1;
    const char *mac = find_line(v, len, mac_name, &ml);
    uint8_t want[MKT__MAC_LEN], got[MKT__MAC_LEN];
    if (mac == NULL || w->salt == NULL || mkt__unhex(mac, ml, want, sizeof want) != 0)
        return 0;
    mkt__buf b;
    mkt__buf_init(&b, w->ctx);
    int rc = unescape(&b, text, tl);
    if (rc == MKT_OK) {
        mkt__hmac_sha256 m;
        mkt__hmac_sha256_init(&m, w->salt, MKT__MAC_LEN);
        mkt__hmac_sha256_update(&m, kind, strlen(kind));
        mkt__hmac_sha256_update(&m, "\x1f", 1);
        mkt__hmac_sha256_update(&m, b.data ? b.data : "", b.len);
        mkt__hmac_sha256_final(&m, got);
    }
    mkt__buf_free(&b);
    return rc ? rc : mkt__ct_equal(want, got, sizeof want);
}

static int parse_seq(const char *s, size_t len, uint64_t *out)
{
    if (len == 0 || len > 20)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* The link k -> k+1 broke earlier; @next_ok says whether the link after k+1 holds. */
static int judge_break(struct walk *w, int next_ok)
{
    uint64_t k = w->broken_after;
    if (next_ok)
        return fail(w, MKT_AUDIT_MODIFIED, k, "record %" PRIu64 " was changed: record %"
                    PRIu64 " chained over other content", k, k + 1);
    return fail(w, MKT_AUDIT_MODIFIED, k + 1, "record %" PRIu64 " was changed or inserted: "
                "it does not chain to record %" PRIu64 " and its successor does not chain to "
                "it", k + 1, k);
}

static int check_links(struct walk *w, uint64_t seq, const uint8_t *prev, const uint8_t *hash)
{
    int link_ok = memcmp(prev, w->last_hash, MKT__MAC_LEN) == 0;
    if (w->broken_after)
        return judge_break(w, link_ok);
    if (!link_ok) {
        if (seq == 1)
            return fail(w, MKT_AUDIT_MODIFIED, 1, "record 1 was changed: its prev is not "
                        "zero");
        w->broken_after = seq - 1;
    }
    if (w->have_head && seq == w->head_seq) {
        if (memcmp(hash, w->head_hash, MKT__MAC_LEN) != 0 && !w->broken_after)
            return fail(w, MKT_AUDIT_MODIFIED, seq, "record %" PRIu64 " (the last) was "
                        "changed: the head chained over other content", seq);
        w->head_checked = memcmp(hash, w->head_hash, MKT__MAC_LEN) == 0;
    }
    return 0;
}

static int visit(const char *key, size_t key_len, const void *value, size_t len,
                 uint64_t version, void *data)
{
    (void)version;
    struct walk *w = data;
    const char *v = value;
    w->rep->records++;
    uint64_t seq, inner;
    size_t sl, pl;
    if (key_len != MKT__AUDIT_KEY_LEN || parse_seq(key, key_len, &seq) != 0 || seq == 0)
        return fail(w, MKT_AUDIT_MALFORMED, w->last + 1, "key '%.*s' is not a record number",
                    (int)(key_len > 40 ? 40 : key_len), key);
    if (w->have_head && seq > w->head_seq + 1)
        return fail(w, MKT_AUDIT_BEYOND_HEAD, seq, "record %" PRIu64 " is beyond the head (%"
                    PRIu64 ")", seq, w->head_seq);
    if (seq != w->last + 1)
        return fail(w, MKT_AUDIT_GAP, w->last + 1, "record %" PRIu64 " is missing", w->last + 1);
    const char *s = find_line(v, len, "seq=", &sl);
    const char *p = find_line(v, len, "prev=", &pl);
    uint8_t prev[MKT__MAC_LEN], hash[MKT__MAC_LEN];
    if (s == NULL || p == NULL || parse_seq(s, sl, &inner) != 0 ||
        mkt__unhex(p, pl, prev, sizeof prev) != 0 || mkt__audit_record_hash(v, len, hash) != 0)
        return fail(w, MKT_AUDIT_MALFORMED, seq, "record %" PRIu64 " is not an audit record",
                    seq);
    if (inner != seq)
        return fail(w, MKT_AUDIT_REORDERED, seq, "record %" PRIu64 " holds record %" PRIu64
                    " (moved)", seq, inner);
    if (!w->have_head)
        return fail(w, MKT_AUDIT_HEAD, seq, "records exist but the chain head is missing");
    int stop = check_links(w, seq, prev, hash);
    if (stop)
        return stop;
    int ok = text_matches(w, v, len, "subject=", "subject_mac=", "customer");
    if (ok == 1)
        ok = text_matches(w, v, len, "detail=", "detail_mac=", "detail");
    if (ok < 0) {
        w->rc = ok;
        return ok;
    }
    if (!ok)
        return fail(w, MKT_AUDIT_SUBJECT, seq, "record %" PRIu64 ": subject or detail was "
                    "changed (does not match its keyed hash)", seq);
    w->last = seq;
    memcpy(w->last_hash, hash, sizeof hash);
    return 0;
}

/* After the scan: a verdict still waiting, and the tail against the head. */
static void finish(struct walk *w)
{
    if (!w->rep->intact)
        return;
    if (w->broken_after) {
        /* the successor of k+1 is the head when k+1 is the head record */
        int next_ok = w->broken_after + 1 == w->head_seq && w->head_checked;
        judge_break(w, next_ok);
        return;
    }
    if (w->have_head && w->last < w->head_seq)
        fail(w, MKT_AUDIT_GAP, w->last + 1, "record %" PRIu64 " is missing (the head says %"
             PRIu64 ")", w->last + 1, w->head_seq);
}

/* Read the head without creating anything; problems go to the report. */
static int load_head(struct walk *w)
{
    char *v = NULL;
    size_t len = 0;
    int rc = mkt_store_get(w->ctx, MKT__AUDIT_HEAD_NS, MKT__AUDIT_HEAD_KEY,
                           strlen(MKT__AUDIT_HEAD_KEY), &v, &len, NULL);
    if (rc == MKT_ENOTFOUND)
        return MKT_OK;
    if (rc)
        return rc;
    const char *sp = memchr(v, ' ', len);
    if (sp == NULL || parse_seq(v, (size_t)(sp - v), &w->head_seq) != 0 || w->head_seq == 0 ||
        mkt__unhex(sp + 1, len - (size_t)(sp + 1 - v), w->head_hash, MKT__MAC_LEN) != 0)
        fail(w, MKT_AUDIT_HEAD, 0, "the chain head is garbled");
    else
        w->have_head = 1;
    mkt_free(v);
    return MKT_OK;
}

MKT_EXPORT int mkt_audit_verify(mkt_ctx *ctx, mkt_audit_report *report)
{
    if (ctx == NULL)
        return MKT_EINVAL;
    if (report == NULL || report->struct_size < sizeof *report)
        return mkt__error(ctx, MKT_EINVAL, "audit verify: report is %s",
                          report ? "smaller than this library's" : "NULL");
    memset(report, 0, sizeof *report);
    report->struct_size = sizeof *report;
    report->intact = 1;
    struct walk w = { ctx, report, NULL, 0, { 0 }, 0, 0, { 0 }, 0, 0, MKT_OK };
    int rc = load_head(&w);
    if (rc == MKT_OK && w.have_head)
        rc = mkt__store_salt(ctx, &w.salt);
    if (rc == MKT_OK && report->intact)
        rc = mkt_store_scan(ctx, MKT__AUDIT_NS, NULL, 0, visit, &w);
    if (rc == MKT_OK && w.rc)
        rc = w.rc;
    if (rc)
        return rc;
    finish(&w);
    report->head_seq = w.head_seq;
    memcpy(report->head_hash, w.head_hash, MKT__MAC_LEN);
    return MKT_OK;
}

/* ---- erasure: drop the text of an erased customer's records --------------------------- */

struct redact_scan {
    mkt_ctx *ctx;
    const uint8_t *mac;
    MKT__VEC(uint64_t) seqs;
    int rc;
};

/* Records about the customer that still carry text after the prev line. */
static int collect_redactable(const char *key, size_t key_len, const void *value, size_t len,
                              uint64_t version, void *data)
{
    (void)version;
    struct redact_scan *r = data;
    uint8_t mac[MKT__MAC_LEN], hash[MKT__MAC_LEN];
    uint64_t seq;
    size_t tl;
    if (parse_seq(key, key_len, &seq) != 0 || mkt__audit_subject_mac(value, len, mac) != 0 ||
        !mkt__ct_equal(mac, r->mac, sizeof mac) || mkt__audit_record_hash(value, len, hash))
        return 0;
    if (find_line(value, len, "subject=", &tl) == NULL &&
        find_line(value, len, "detail=", &tl) == NULL)
        return 0; /* already redacted: erasure is idempotent */
    if (MKT__VEC_PUSH(r->ctx, &r->seqs, seq)) {
        r->rc = MKT_ENOMEM;
        return MKT_ENOMEM;
    }
    return 0;
}

/* Cut one record after its prev line, with compare-and-set (records never change otherwise,
 * so a conflict means a concurrent erasure did it: re-read). */
static int redact_one(mkt_ctx *ctx, uint64_t seq)
{
    char key[MKT__AUDIT_KEY_LEN + 1];
    snprintf(key, sizeof key, "%020" PRIu64, seq);
    for (int tries = 0; tries < 8; tries++) {
        char *v = NULL;
        size_t len = 0;
        uint64_t ver = 0;
        int rc = mkt_store_get(ctx, MKT__AUDIT_NS, key, MKT__AUDIT_KEY_LEN, &v, &len, &ver);
        if (rc)
            return rc == MKT_ENOTFOUND ? MKT_OK : rc;
        size_t pl;
        const char *p = find_line(v, len, "prev=", &pl);
        size_t keep = p ? (size_t)(p - v) + pl + 1 : len;
        rc = keep < len ? mkt_store_put(ctx, MKT__AUDIT_NS, key, MKT__AUDIT_KEY_LEN, v, keep,
                                        ver, NULL)
                        : MKT_OK;
        mkt_free(v);
        if (rc != MKT_ECONFLICT)
            return rc;
    }
    return mkt__error(ctx, MKT_ECONFLICT, "audit: record %s kept changing during erasure", key);
}

int mkt__audit_redact(mkt_ctx *ctx, const uint8_t mac[MKT__MAC_LEN], uint64_t *redacted)
{
    struct redact_scan r = { ctx, mac, MKT__VEC_EMPTY, MKT_OK };
    int rc = mkt_store_scan(ctx, MKT__AUDIT_NS, NULL, 0, collect_redactable, &r);
    if (rc == MKT_ENOMEM && r.rc == MKT_ENOMEM)
        rc = mkt__oom(ctx);
    size_t done = 0;
    while (rc == MKT_OK && done < r.seqs.len) {
        rc = redact_one(ctx, r.seqs.data[done]);
        done += rc == MKT_OK;
    }
    if (redacted)
        *redacted = done;
    MKT__VEC_FREE(ctx, &r.seqs);
    return rc;
}

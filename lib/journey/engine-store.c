/* SPDX-License-Identifier: MIT */
/*
 * Journey engine persistence: the instance record (a compact, versioned binary encoding), the
 * timer keys of "journey.timer" and the in-memory min-heap of timers ordered by (due, key).
 *
 * Record, version 1, little-endian: u8 format (1), u8 state, u8 asleep, u8 nmarks, u32 node,
 * u32 entries, u32 step, u32 attempt, i64 entered_at, i64 wake_at, nmarks x i64 marks.
 *
 * Version 2 (an instance of a journey with waits until a field): version 1 with format 2,
 * then u8 ncaptures and ncaptures x (u8 kind, i64 value), the field values captured at entry
 * (engine-field.c). An instance without captures is still written as version 1, so journeys
 * without such waits keep their records as small as before. A version 1 record read for a
 * journey that has field waits (its definition changed) captured nothing: its field waits
 * find no value.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "engine-private.h"

#define RECORD_FORMAT 1u
#define RECORD_FORMAT_CAPTURES 2u
#define RECORD_FIXED 36u
#define CAPTURE_SIZE 9u
#define RECORD_MAX (RECORD_FIXED + 8 * MKT__JE_MAX_MARKS + 1 + CAPTURE_SIZE * MKT__JE_MAX_FIELDS)

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_i64(unsigned char *p, int64_t s)
{
    uint64_t v = (uint64_t)s;
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static int64_t get_i64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return (int64_t)v;
}

int mkt__je_instance_key(mkt__buf *b, const char *customer, size_t clen,
                         const struct mkt__je_journey *jj)
{
    mkt__buf_reset(b);
    if (mkt__buf_append(b, customer, clen) || mkt__buf_putc(b, '\x1f') ||
        mkt__buf_append(b, jj->id, jj->id_len))
        return MKT_ENOMEM;
    return MKT_OK;
}

static size_t encode_captures(const struct mkt__je_inst *in, unsigned char *p)
{
    p[0] = (unsigned char)in->ncaptures;
    for (uint32_t i = 0; i < in->ncaptures; i++) {
        p[1 + CAPTURE_SIZE * i] = in->captures[i].kind;
        put_i64(p + 2 + CAPTURE_SIZE * i, in->captures[i].value);
    }
    return 1 + CAPTURE_SIZE * in->ncaptures;
}

static size_t encode(const struct mkt__je_inst *in, unsigned char *p)
{
    size_t len = RECORD_FIXED + 8u * in->nmarks;
    p[0] = in->ncaptures ? RECORD_FORMAT_CAPTURES : RECORD_FORMAT;
    p[1] = (unsigned char)in->state;
    p[2] = in->asleep;
    p[3] = (unsigned char)in->nmarks;
    put_u32(p + 4, in->node);
    put_u32(p + 8, in->entries);
    put_u32(p + 12, in->step);
    put_u32(p + 16, in->attempt);
    put_i64(p + 20, in->entered_at);
    put_i64(p + 28, in->wake_at);
    for (uint32_t i = 0; i < in->nmarks; i++)
        put_i64(p + RECORD_FIXED + 8 * i, in->marks[i]);
    return in->ncaptures ? len + encode_captures(in, p + len) : len;
}

static int decode_captures(struct mkt__je_inst *in, const unsigned char *p, size_t len,
                           uint32_t nfields)
{
    if (len != 1 + CAPTURE_SIZE * (size_t)nfields || p[0] != nfields)
        return MKT_EPARSE;
    for (uint32_t i = 0; i < nfields; i++) {
        in->captures[i].kind = p[1 + CAPTURE_SIZE * i];
        in->captures[i].value = get_i64(p + 2 + CAPTURE_SIZE * i);
        if (in->captures[i].kind > MKT__JE_VAL_TIME)
            return MKT_EPARSE;
    }
    return MKT_OK;
}

static int decode(struct mkt__je_inst *in, const unsigned char *p, size_t len, uint32_t nmarks,
                  uint32_t nfields)
{
    size_t fixed = RECORD_FIXED + 8u * nmarks;
    if (len < RECORD_FIXED)
        return MKT_EPARSE;
    int v1 = len == fixed && p[0] == RECORD_FORMAT;
    int v2 = len > fixed && p[0] == RECORD_FORMAT_CAPTURES;
    if (p[3] != nmarks || !(v1 || v2) ||
        p[1] < MKT_JOURNEY_INSTANCE_WAITING || p[1] > MKT_JOURNEY_INSTANCE_NO_FIELD || p[2] > 1)
        return MKT_EPARSE;
    /* Version 1 for a journey with field waits: nothing was captured (all missing). */
    in->ncaptures = nfields;
    memset(in->captures, 0, sizeof in->captures[0] * nfields);
    if (v2 && decode_captures(in, p + fixed, len - fixed, nfields) != MKT_OK)
        return MKT_EPARSE;
    in->state = p[1];
    in->asleep = p[2];
    in->nmarks = nmarks;
    in->node = get_u32(p + 4);
    in->entries = get_u32(p + 8);
    in->step = get_u32(p + 12);
    in->attempt = get_u32(p + 16);
    in->entered_at = get_i64(p + 20);
    in->wake_at = get_i64(p + 28);
    for (uint32_t i = 0; i < nmarks; i++)
        in->marks[i] = get_i64(p + RECORD_FIXED + 8 * i);
    return MKT_OK;
}

int mkt__je_load(mkt_journey_engine *e, const char *key, size_t klen, uint32_t nmarks,
                 uint32_t nfields, struct mkt__je_inst *in)
{
    unsigned char rec[RECORD_MAX];
    size_t len = 0;
    memset(in, 0, offsetof(struct mkt__je_inst, marks));
    in->nmarks = nmarks;
    in->ncaptures = 0; /* a new instance captures at entry */
    in->version = MKT_VERSION_ABSENT;
    /* The hot-path read: no allocation, and absence (a new customer) is not an error. */
    int rc = mkt__store_get_buf(e->ctx, MKT__JE_NS_INSTANCE, key, klen, rec, sizeof rec, &len,
                                &in->version);
    if (rc == MKT_ENOTFOUND) {
        in->version = MKT_VERSION_ABSENT;
        for (uint32_t i = 0; i < nmarks; i++)
            in->marks[i] = MKT__JE_NEVER;
        return MKT_OK;
    }
    if (rc != MKT_OK && rc != MKT_ETOOBIG)
        return rc;
    rc = rc == MKT_ETOOBIG ? MKT_EPARSE : decode(in, rec, len, nmarks, nfields);
    if (rc != MKT_OK)
        return mkt__error(e->ctx, rc, "journey engine: the stored instance %.*s is corrupt",
                          (int)klen, key);
    return MKT_OK;
}

/* Due times are >= 0 (the engine refuses negative times), so 20 digits always suffice. */
static int timer_key(mkt__buf *b, int64_t due, const char *key, size_t klen)
{
    char digits[MKT__JE_DUE_DIGITS];
    uint64_t v = (uint64_t)due;
    for (int i = MKT__JE_DUE_DIGITS - 1; i >= 0; i--, v /= 10)
        digits[i] = (char)('0' + v % 10);
    mkt__buf_reset(b);
    if (mkt__buf_append(b, digits, sizeof digits) || mkt__buf_append(b, key, klen))
        return MKT_ENOMEM;
    return MKT_OK;
}

/* Deleting a timer already gone (the usual case for a stale one) is not an error, so the
 * store is called directly rather than through mkt_store_delete(), which records one. */
int mkt__je_timer_delete(mkt_journey_engine *e, const char *key, size_t klen, int64_t due)
{
    if (!e->opts.timer_records)
        return MKT_OK;
    if (timer_key(&e->key2, due, key, klen) != MKT_OK)
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    mkt_ctx *ctx = e->ctx;
    int rc = ctx->store.del(MKT__JE_NS_TIMER, e->key2.data, e->key2.len, MKT_VERSION_ANY,
                            ctx->store.user_data);
    if (rc == MKT_OK || rc == MKT_ENOTFOUND)
        return MKT_OK;
    return mkt__error(ctx, rc, "store delete in '%s' failed: %s", MKT__JE_NS_TIMER,
                      mkt_strerror(rc));
}

/* Order of writes, so that a crash between any two leaves a recoverable store: the new timer
 * first (a timer whose instance does not match is dropped when it fires), then the instance
 * (compare-and-set), then the old timer goes. */
int mkt__je_save(mkt_journey_engine *e, const char *key, size_t klen, struct mkt__je_inst *in,
                 int64_t old_wake)
{
    unsigned char rec[RECORD_MAX];
    int64_t new_wake = in->state == MKT_JOURNEY_INSTANCE_WAITING ? in->wake_at : 0;
    int rc;
    if (new_wake && new_wake != old_wake && e->opts.timer_records) {
        if ((rc = timer_key(&e->key2, new_wake, key, klen)) != MKT_OK)
            return mkt__error(e->ctx, rc, "journey engine: out of memory");
        if (
(rc = mkt_store_put(e->ctx, MKT__JE_NS_TIMER, e->key2.data, e->key2.len, "", 0,
                               MKT_VERSION_ANY, NULL)) != MKT_OK)
            return rc;
    }
    size_t len = encode(in, rec);
    rc = mkt_store_put(e->ctx, MKT__JE_NS_INSTANCE, key, klen, rec, len, in->version,
                       &in->version);
    if (rc != MKT_OK)
        return rc;
    if (new_wake && new_wake != old_wake &&
        (rc = mkt__je_heap_push(e, new_wake, key, klen)) != MKT_OK)
        return rc;
    if (old_wake && old_wake != new_wake)
        return mkt__je_timer_delete(e, key, klen, old_wake);
    return MKT_OK;
}

/* ---- the heap ------------------------------------------------------------------------------ */

static int timer_less(const struct mkt__je_timer *a, const struct mkt__je_timer *b)
{
    if (a->due != b->due)
        return a->due < b->due;
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(a->key, b->key, n);
    return c != 0 ? c < 0 : a->key_len < b->key_len;
}

int mkt__je_heap_push(mkt_journey_engine *e, int64_t due, const char *key, size_t klen)
{
    struct mkt__je_timer t = { due, mkt__strndup(e->ctx, key, klen), (uint32_t)klen };
    if (!t.key || MKT__VEC_PUSH(e->ctx, &e->heap, t) != MKT_OK) {
        mkt__free(e->ctx, t.key);
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory for a timer");
    }
    struct mkt__je_timer *h = e->heap.data;
    size_t i = e->heap.len - 1;
    while (i > 0 && timer_less(&t, &h[(i - 1) / 2])) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = t;
    return MKT_OK;
}

void mkt__je_heap_pop(mkt_journey_engine *e, struct mkt__je_timer *out)
{
    struct mkt__je_timer *h = e->heap.data;
    *out = h[0];
    struct mkt__je_timer last = h[--e->heap.len];
    size_t n = e->heap.len, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && timer_less(&h[c + 1], &h[c]))
            c++;
        if (!timer_less(&h[c], &last))
            break;
        h[i] = h[c];
        i = c;
    }
    if (n > 0)
        h[i] = last;
}

void mkt__je_heap_free(mkt_journey_engine *e)
{
    for (size_t i = 0; i < e->heap.len; i++)
        mkt__free(e->ctx, e->heap.data[i].key);
    MKT__VEC_FREE(e->ctx, &e->heap);
}

/* ---- recovery: every stored timer of our journeys back into the heap ---------------------- */

struct load_state {
    mkt_journey_engine *e;
    int rc;
};

static int visit_timer(const char *key, size_t klen, const void *value, size_t vlen,
                       uint64_t version, void *data)
{
    struct load_state *s = data;
    (void)value, (void)vlen, (void)version;
    int64_t due = 0;
    if (klen <= MKT__JE_DUE_DIGITS + 2)
        goto corrupt;
    for (size_t i = 0; i < MKT__JE_DUE_DIGITS; i++) {
        if (key[i] < '0' || key[i] > '9' || due > (INT64_MAX - 9) / 10)
            goto corrupt;
        due = due * 10 + (key[i] - '0');
    }
    const char *ik = key + MKT__JE_DUE_DIGITS;
    size_t iklen = klen - MKT__JE_DUE_DIGITS;
    const char *sep = NULL;
    for (size_t i = 0; i < iklen; i++)
        if (ik[i] == '\x1f')
            sep = ik + i;
    if (!sep)
        goto corrupt;
    /* A timer of a journey this engine does not run belongs to another engine: leave it. */
    if (!mkt__je_find(s->e, sep + 1, (size_t)(ik + iklen - sep - 1)))
        return 0;
    s->rc = mkt__je_heap_push(s->e, due, ik, iklen);
    return s->rc == MKT_OK ? 0 : s->rc;
corrupt:
    s->rc = mkt__error(s->e->ctx, MKT_EPARSE, "journey engine: corrupt key in %s: %.*s",
                       MKT__JE_NS_TIMER, (int)klen, key);
    return s->rc;
}

/* Without timer records: every sleeping instance of our journeys, from its own record. */
static int visit_instance(const char *key, size_t klen, const void *value, size_t vlen,
                          uint64_t version, void *data)
{
    struct load_state *s = data;
    (void)version;
    const char *sep = NULL;
    for (size_t i = 0; i < klen; i++)
        if (key[i] == '\x1f')
            sep = key + i;
    const struct mkt__je_journey *jj =
        sep ? mkt__je_find(s->e, sep + 1, (size_t)(key + klen - sep - 1)) : NULL;
    if (!jj)
        return 0; /* another engine's journey */
    struct mkt__je_inst in;
    if (decode(&in, value, vlen, jj->nmarks, jj->nfields) != MKT_OK) {
        s->rc = mkt__error(s->e->ctx, MKT_EPARSE, "journey engine: the stored instance %.*s "
                           "is corrupt", (int)klen, key);
        return s->rc;
    }
    if (in.state != MKT_JOURNEY_INSTANCE_WAITING || !in.asleep)
        return 0;
    s->rc = mkt__je_heap_push(s->e, in.wake_at, key, klen);
    return s->rc == MKT_OK ? 0 : s->rc;
}

int mkt__je_load_timers(mkt_journey_engine *e)
{
    struct load_state s = { e, MKT_OK };
    int rc = e->opts.timer_records
                 ? mkt_store_scan(e->ctx, MKT__JE_NS_TIMER, "", 0, visit_timer, &s)
                 : mkt_store_scan(e->ctx, MKT__JE_NS_INSTANCE, "", 0, visit_instance, &s);
    return s.rc != MKT_OK ? s.rc : rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * The per-customer state record (layout in consent-private.h): one compact binary value per
 * customer so that a decision costs one store get in the common case. Decoding checks every
 * length and enum, because a record is read from a store other processes write too: a corrupt
 * record is reported (MKT_EPARSE), and the decision turns that into a deny.
 */
#include <string.h>

#include "consent-private.h"

/* 2: the send counters moved into the record (a trailer) from "consent.caps"; 3: only the
 * channels with an entry are written (a typical customer has two of six), which keeps the
 * record, and so the cache lines a decision waits for, small. */
#define STATE_VERSION 3
#define CHANNEL_BYTES 18
#define CAPS_BYTES (2 * MKT__NPERIODS) /* the all-channel caps */

void mkt__consent_state_empty(mkt__consent_state *s)
{
    memset(s->ch, 0, sizeof s->ch);
    memset(s->global_caps, 0, sizeof s->global_caps);
    s->ndnc = 0;
    s->ntopics = 0;
    mkt__consent_caps_empty(&s->counts);
}

static uint16_t get16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static int64_t get64(const unsigned char *p)
{
    /* Spelled out so that compilers turn it into one load on little-endian machines. */
    uint64_t v = (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
                 (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
                 (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
    return (int64_t)v;
}

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put64(unsigned char *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++, u >>= 8)
        p[i] = (unsigned char)u;
}

static int corrupt(mkt_ctx *ctx, const char *customer, const char *why)
{
    return mkt__error(ctx, MKT_EPARSE, "consent: the state record of customer '%s' in '%s' "
                      "is corrupt: %s", customer, MKT__CONSENT_NS_STATE, why);
}

/* Whether channel entry @ch holds anything (an empty one is not written). */
static int channel_used(const struct mkt__channel_state *ch)
{
    int caps = 0;
    for (int k = 0; k < MKT__NPERIODS; k++)
        caps |= ch->caps[k];
    return ch->status || ch->flags || ch->soft_bounces || caps || ch->ts;
}

/* Where the parts of a checked record are. */
struct layout {
    const unsigned char *channel[MKT__NCHANNELS + 1]; /* channel c's entry, NULL: none */
    const unsigned char *global_caps;
    const unsigned char *dnc;        /* ndnc entries of 10 bytes */
    const unsigned char *topics;     /* ntopics entries: u8 choice, u8 len, len bytes */
    const unsigned char *counts;     /* the counters trailer */
    unsigned ndnc, ntopics;
};

/* Check the whole record (every length and enum) and find its parts. Both readers (the full
 * decode for writers, the view for decisions) start here, so that they refuse the same
 * records. */
static int walk(mkt_ctx *ctx, const char *customer, const unsigned char *p, size_t len,
                struct layout *l)
{
    if (len < 2 + CAPS_BYTES + 3 || p[0] != STATE_VERSION)
        return corrupt(ctx, customer, len ? "unknown version or truncated" : "empty");
    const unsigned mask = p[1]; /* bit c - 1: channel c has an entry */
    if (mask >> MKT__NCHANNELS)
        return corrupt(ctx, customer, "unknown channel in the channel mask");
    size_t at = 2;
    l->channel[0] = NULL;
    for (int c = 1; c <= MKT__NCHANNELS; c++) {
        l->channel[c] = NULL;
        if (!(mask >> (c - 1) & 1))
            continue;
        if (len - at < CHANNEL_BYTES)
            return corrupt(ctx, customer, "truncated");
        if (p[at] > MKT_CONSENT_PENDING)
            return corrupt(ctx, customer, "unknown consent status");
        l->channel[c] = p + at;
        at += CHANNEL_BYTES;
    }
    if (len - at < CAPS_BYTES + 3)
        return corrupt(ctx, customer, "truncated");
    l->global_caps = p + at;
    at += CAPS_BYTES;
    l->ndnc = p[at++];
    if (l->ndnc > MKT__MAX_DNC || len - at < (size_t)l->ndnc * 10 + 1)
        return corrupt(ctx, customer, "DNC list truncated");
    l->dnc = p + at;
    for (unsigned i = 0; i < l->ndnc; i++, at += 10)
        if (p[at] > MKT__NCHANNELS || p[at + 1] < MKT_DNC_HARD_BOUNCE ||
            p[at + 1] > MKT_DNC_INTERNAL_POLICY)
            return corrupt(ctx, customer, "DNC entry with an unknown scope or reason");
    l->ntopics = p[at++];
    if (l->ntopics > MKT__MAX_TOPICS)
        return corrupt(ctx, customer, "too many topics");
    l->topics = p + at;
    for (unsigned i = 0; i < l->ntopics; i++) {
        if (len - at < 2 || p[at + 1] == 0 || p[at + 1] > MKT__MAX_TOPIC_LEN ||
            len - at - 2 < p[at + 1] || (p[at] != MKT_TOPIC_CHOSEN && p[at] != MKT_TOPIC_EXCLUDED))
            return corrupt(ctx, customer, "topic list truncated or invalid");
        at += 2 + (size_t)p[at + 1];
    }
    l->counts = p + at;
    size_t counts = mkt__consent_caps_check(p + at, len - at);
    if (counts == 0)
        return corrupt(ctx, customer, "send counters truncated or invalid");
    return at + counts == len ? MKT_OK : corrupt(ctx, customer, "trailing bytes");
}

/* Channel entry @q into @ch (NULL: no entry, all zero). */
static void channel_decode(const unsigned char *q, struct mkt__channel_state *ch)
{
    if (q == NULL) {
        memset(ch, 0, sizeof *ch);
        return;
    }
    ch->status = q[0];
    ch->flags = q[1];
    ch->soft_bounces = get16(q + 2);
    for (int k = 0; k < MKT__NPERIODS; k++)
        ch->caps[k] = get16(q + 4 + 2 * k);
    ch->ts = get64(q + 10);
}

int mkt__consent_state_decode(mkt_ctx *ctx, const char *customer, const unsigned char *p,
                              size_t len, mkt__consent_state *s)
{
    struct layout l;
    int rc = walk(ctx, customer, p, len, &l);
    if (rc)
        return rc;
    for (int c = 0; c <= MKT__NCHANNELS; c++)
        channel_decode(l.channel[c], &s->ch[c]);
    for (int k = 0; k < MKT__NPERIODS; k++)
        s->global_caps[k] = get16(l.global_caps + 2 * k);
    s->ndnc = (uint8_t)l.ndnc;
    for (unsigned i = 0; i < l.ndnc; i++) {
        s->dnc[i].scope = l.dnc[10 * i];
        s->dnc[i].reason = l.dnc[10 * i + 1];
        s->dnc[i].ts = get64(l.dnc + 10 * i + 2);
    }
    s->ntopics = (uint8_t)l.ntopics;
    const unsigned char *q = l.topics;
    for (unsigned i = 0; i < l.ntopics; i++) {
        struct mkt__topic_state *t = &s->topics[i];
        t->choice = q[0];
        t->len = q[1];
        memcpy(t->name, q + 2, t->len);
        q += 2 + (size_t)t->len;
    }
    mkt__consent_caps_decode(l.counts, &s->counts);
    return MKT_OK;
}

/* ---- the view of one decision ------------------------------------------------------------ */

static void view_empty(mkt__consent_view *v)
{
    memset(&v->ch, 0, sizeof v->ch);
    memset(v->global_caps, 0, sizeof v->global_caps);
    v->dnc = 0;
    v->topics = 0;
    for (int g = 0; g < 2; g++)
        for (int k = 0; k < MKT__NPERIODS; k++)
            v->counts[g][k] = (struct mkt__cap_counter){ MKT__CAPS_NO_WINDOW, 0 };
}

/* The topic flags of @purpose (@plen bytes; none when empty). */
static unsigned view_topics(const struct layout *l, const char *purpose, size_t plen)
{
    unsigned flags = 0;
    const unsigned char *q = l->topics;
    for (unsigned i = 0; i < l->ntopics; i++, q += 2 + (size_t)q[1]) {
        const int chosen = q[0] == MKT_TOPIC_CHOSEN;
        flags |= chosen ? MKT__VIEW_CHOSEN_ANY : 0u;
        if (plen && q[1] == plen && memcmp(q + 2, purpose, plen) == 0)
            flags |= chosen ? MKT__VIEW_CHOSEN : MKT__VIEW_EXCLUDED;
    }
    return flags;
}

int mkt__consent_view_decode(mkt_ctx *ctx, const char *customer, const unsigned char *p,
                             size_t len, int channel, const char *purpose,
                             mkt__consent_view *v)
{
    struct layout l;
    int rc = walk(ctx, customer, p, len, &l);
    if (rc)
        return rc;
    channel_decode(l.channel[channel], &v->ch);
    for (int k = 0; k < MKT__NPERIODS; k++)
        v->global_caps[k] = get16(l.global_caps + 2 * k);
    v->dnc = 0;
    for (unsigned i = 0; i < l.ndnc; i++)
        if (l.dnc[10 * i] == MKT_CHANNEL_ALL || l.dnc[10 * i] == channel)
            v->dnc |= 1u << l.dnc[10 * i + 1];
    v->topics = view_topics(&l, purpose, purpose ? strlen(purpose) : 0);
    mkt__consent_caps_pick(l.counts, channel, v->counts);
    return MKT_OK;
}

int mkt__consent_state_encode(const mkt__consent_state *s, mkt__buf *out)
{
    unsigned char fixed[2 + CHANNEL_BYTES * MKT__NCHANNELS + CAPS_BYTES];
    unsigned char *p = fixed + 2;
    fixed[0] = STATE_VERSION;
    fixed[1] = 0;
    for (int c = 1; c <= MKT__NCHANNELS; c++) {
        const struct mkt__channel_state *ch = &s->ch[c];
        if (!channel_used(ch))
            continue;
        fixed[1] |= (unsigned char)(1u << (c - 1));
        p[0] = ch->status;
        p[1] = ch->flags;
        put16(p + 2, ch->soft_bounces);
        for (int k = 0; k < MKT__NPERIODS; k++)
            put16(p + 4 + 2 * k, ch->caps[k]);
        put64(p + 10, ch->ts);
        p += CHANNEL_BYTES;
    }
    for (int k = 0; k < MKT__NPERIODS; k++)
        put16(p + 2 * k, s->global_caps[k]);
    p += CAPS_BYTES;
    int rc = mkt__buf_append(out, fixed, (size_t)(p - fixed));
    if (rc == MKT_OK)
        rc = mkt__buf_putc(out, (char)s->ndnc);
    for (unsigned i = 0; rc == MKT_OK && i < s->ndnc; i++) {
        unsigned char e[10] = { s->dnc[i].scope, s->dnc[i].reason };
        put64(e + 2, s->dnc[i].ts);
        rc = mkt__buf_append(out, e, sizeof e);
    }
    if (rc == MKT_OK)
        rc = mkt__buf_putc(out, (char)s->ntopics);
    for (unsigned i = 0; rc == MKT_OK && i < s->ntopics; i++) {
        unsigned char h[2] = { s->topics[i].choice, s->topics[i].len };
        rc = mkt__buf_append(out, h, 2);
        if (rc == MKT_OK)
            rc = mkt__buf_append(out, s->topics[i].name, s->topics[i].len);
    }
    return rc == MKT_OK ? mkt__consent_caps_encode(&s->counts, out) : rc;
}

int mkt__consent_find_dnc(const mkt__consent_state *s, int scope, int reason)
{
    for (int i = 0; i < s->ndnc; i++)
        if (s->dnc[i].scope == scope && s->dnc[i].reason == reason)
            return i;
    return -1;
}

/* ---- customer ids and keys ---------------------------------------------------------------- */

/* Length of the UTF-8 sequence at @p (n bytes left), or 0 when invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    if (p[0] < 0x80)
        return 1;
    size_t len = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
    if (len == 0 || len > n || p[0] > 0xF4)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    uint32_t cp = len == 2 ? (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu)
                : len == 3 ? (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu)
                           : (p[0] & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 |
                                 (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu);
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

/* Whether the eight bytes of @w are all printable ASCII (0x20..0x7f). Borrows of the
 * subtraction start only at a byte below 0x20, so without one no top bit is set by it. */
static int printable8(uint64_t w)
{
    return (((w - UINT64_C(0x2020202020202020)) | w) & UINT64_C(0x8080808080808080)) == 0;
}

int mkt__consent_customer_len(mkt_ctx *ctx, const char *where, const char *id, size_t *len)
{
    if (id == NULL)
        return mkt__error(ctx, MKT_EINVAL, "%s: customer_id is NULL", where);
    size_t n = strlen(id);
    if (n == 0 || n > MKT__CUSTOMER_MAX)
        return mkt__error(ctx, MKT_EINVAL, "%s: customer_id must be 1..%d bytes, not %zu",
                          where, MKT__CUSTOMER_MAX, n);
    const unsigned char *p = (const unsigned char *)id;
    size_t i = 0;
    while (i + 8 <= n && printable8(mkt__load_le64(p + i)))
        i += 8; /* the common case: printable ASCII */
    while (i < n && p[i] >= 0x20 && p[i] < 0x80)
        i++;
    while (i < n) {
        if (p[i] < 0x20)
            return mkt__error(ctx, MKT_EINVAL, "%s: customer_id has control byte 0x%02x at "
                              "offset %zu", where, p[i], i);
        size_t l = utf8_len(p + i, n - i);
        if (l == 0)
            return mkt__error(ctx, MKT_EINVAL, "%s: customer_id is not valid UTF-8 at "
                              "offset %zu", where, i);
        i += l;
    }
    *len = n;
    return MKT_OK;
}

int mkt__consent_check_customer(mkt_ctx *ctx, const char *where, const char *id)
{
    size_t n;
    return mkt__consent_customer_len(ctx, where, id, &n);
}

size_t mkt__consent_key_n(char *key, const char *id, size_t n)
{
    memcpy(key, id, n);
    key[n] = MKT__KEY_SEP;
    return n + 1;
}

size_t mkt__consent_key(char *key, const char *id)
{
    return mkt__consent_key_n(key, id, strlen(id));
}

void mkt__consent_key_make(struct mkt__record_key *k, const char *customer, size_t len,
                           const uint64_t *hash)
{
    k->len = mkt__consent_key_n(k->key, customer, len);
    k->hinted = hash != NULL;
    k->hash = hash ? *hash : mkt__memstore_hash(k->key, k->len);
}

/* A fetched record: @p, @len bytes inside the memory store, in @small or in @big (to free
 * with mkt_free()); @p NULL when there is none. */
struct fetched {
    const unsigned char *p;
    size_t len;
    char *big;
    unsigned char small[512]; /* a typical record is ~130 bytes: no allocation */
};

/* The record read through @ref (a decision; the memory store reads it in place) or by
 * namespace name (@ref NULL). */
static int fetch(mkt_ctx *ctx, mkt__ns_ref *ref, const struct mkt__record_key *k,
                 uint64_t *version, struct fetched *f)
{
    const unsigned char *value = f->small;
    f->p = NULL;
    f->len = 0;
    f->big = NULL;
    int rc = ref ? mkt__store_view_hashed(ctx, MKT__CONSENT_NS_STATE, ref, k->key, k->len,
                                          k->hash, f->small, sizeof f->small, &value, &f->len,
                                          version)
                 : mkt__store_get_buf(ctx, MKT__CONSENT_NS_STATE, k->key, k->len, f->small,
                                      sizeof f->small, &f->len, version);
    if (rc == MKT_ENOTFOUND && ref && k->hinted) {
        /* A hash from a batch's prefetch that is not the key's (the caller changed the id
         * meanwhile) finds nothing: "no record" must come from the key's own hash. */
        const uint64_t hash = mkt__memstore_hash(k->key, k->len);
        if (hash != k->hash)
            rc = mkt__store_view_hashed(ctx, MKT__CONSENT_NS_STATE, ref, k->key, k->len, hash,
                                        f->small, sizeof f->small, &value, &f->len, version);
    }
    if (rc == MKT_ETOOBIG) {
        rc = mkt_store_get(ctx, MKT__CONSENT_NS_STATE, k->key, k->len, &f->big, &f->len,
                           version);
        value = (const unsigned char *)f->big;
    }
    if (rc == MKT_ENOTFOUND) { /* no record, or deleted between the two reads */
        *version = MKT_VERSION_ABSENT;
        return MKT_OK;
    }
    if (rc == MKT_OK)
        f->p = value;
    return rc;
}

int mkt__consent_state_load(mkt_ctx *ctx, const char *customer, mkt__consent_state *s,
                            uint64_t *version)
{
    struct mkt__record_key k;
    k.len = mkt__consent_key(k.key, customer);
    k.hinted = 0;
    struct fetched f;
    int rc = fetch(ctx, NULL, &k, version, &f);
    if (rc == MKT_OK && f.p)
        rc = mkt__consent_state_decode(ctx, customer, f.p, f.len, s);
    else if (rc == MKT_OK)
        mkt__consent_state_empty(s);
    mkt_free(f.big);
    return rc;
}

int mkt__consent_state_store(mkt_ctx *ctx, const char *customer, const mkt__consent_state *s,
                             uint64_t version)
{
    mkt__buf value;
    mkt__buf_init(&value, ctx);
    int rc = mkt__consent_state_encode(s, &value);
    if (rc) {
        mkt__buf_free(&value);
        return mkt__oom(ctx);
    }
    char key[MKT__CONSENT_KEY_MAX];
    size_t klen = mkt__consent_key(key, customer);
    rc = mkt_store_put(ctx, MKT__CONSENT_NS_STATE, key, klen, value.data, value.len, version,
                       NULL);
    mkt__buf_free(&value);
    return rc;
}

int mkt__consent_view_read(mkt_ctx *ctx, mkt__ns_ref *ref, const char *customer,
                           const struct mkt__record_key *k, int channel, const char *purpose,
                           mkt__consent_view *v)
{
    uint64_t version;
    struct fetched f;
    int rc = fetch(ctx, ref, k, &version, &f);
    if (rc == MKT_OK && f.p)
        rc = mkt__consent_view_decode(ctx, customer, f.p, f.len, channel, purpose, v);
    else if (rc == MKT_OK)
        view_empty(v);
    mkt_free(f.big);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * The frequency-cap counters of one customer: ONE fixed-size record per customer in
 * "consent.caps" (layout in consent-private.h), so that a decision reads all of them with one
 * store get instead of one get per cap, and a send counts with one compare-and-set instead of
 * six increments.
 *
 * Each (scope, period) slot keeps only the current window (local day, Monday week or month)
 * and its count: when the window moves on, the old count is dead and the next send overwrites
 * it, so old counters never pile up. A request for an EARLIER window than the stored one
 * cannot know that window's count any more; it counts as reached (the safe side: a past-dated
 * promotional send is refused rather than risk passing a cap).
 *
 * A send is counted by read, check every bounded slot, write with compare-and-set; on a
 * conflict (another thread or process counted meanwhile) it starts over, at most
 * CAPS_MAX_TRIES times. No write happens when a cap would be passed, so concurrent senders
 * can never push a counter past its cap.
 */
#include <string.h>

#include "consent-private.h"

#define CAPS_MAX_TRIES 100
#define SLOT_BYTES 6

void mkt__consent_caps_empty(mkt__consent_caps *k)
{
    for (int s = 0; s < MKT__CAPS_SCOPES; s++) {
        for (int p = 0; p < MKT__NPERIODS; p++) {
            k->c[s][p].window = MKT__CAPS_NO_WINDOW;
            k->c[s][p].count = 0;
        }
    }
}

/* Decode the scopes of bitmask @scopes (bit s: scope s); the others are not touched. */
static int decode_scopes(mkt_ctx *ctx, const char *customer, const unsigned char *p, size_t len,
                         mkt__consent_caps *k, uint32_t scopes)
{
    if (len != MKT__CAPS_RECORD_LEN || p[0] != MKT__CAPS_VERSION)
        return mkt__error(ctx, MKT_EPARSE, "consent: the cap counters of customer '%s' in '%s' "
                          "are corrupt: %zu bytes or version %u, not %d bytes of version %d",
                          customer, MKT__CONSENT_NS_CAPS, len, len ? p[0] : 0u,
                          MKT__CAPS_RECORD_LEN, MKT__CAPS_VERSION);
    for (int s = 0; s < MKT__CAPS_SCOPES; s++) {
        if (!(scopes >> s & 1u))
            continue;
        const unsigned char *q = p + 1 + (size_t)s * MKT__NPERIODS * SLOT_BYTES;
        for (int per = 0; per < MKT__NPERIODS; per++, q += SLOT_BYTES) {
            uint32_t w = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
                         (uint32_t)q[3] << 24;
            /* two's complement without implementation-defined conversion */
            k->c[s][per].window = w <= INT32_MAX ? (int32_t)w
                                                 : -(int32_t)(UINT32_MAX - w) - 1;
            k->c[s][per].count = (uint16_t)(q[4] | q[5] << 8);
        }
    }
    return MKT_OK;
}

int mkt__consent_caps_decode(mkt_ctx *ctx, const char *customer, const unsigned char *p,
                             size_t len, mkt__consent_caps *k)
{
    return decode_scopes(ctx, customer, p, len, k, (1u << MKT__CAPS_SCOPES) - 1);
}

void mkt__consent_caps_encode(const mkt__consent_caps *k, unsigned char *out)
{
    unsigned char *q = out;
    *q++ = MKT__CAPS_VERSION;
    for (int s = 0; s < MKT__CAPS_SCOPES; s++) {
        for (int per = 0; per < MKT__NPERIODS; per++, q += SLOT_BYTES) {
            uint32_t w = (uint32_t)k->c[s][per].window;
            q[0] = (unsigned char)w;
            q[1] = (unsigned char)(w >> 8);
            q[2] = (unsigned char)(w >> 16);
            q[3] = (unsigned char)(w >> 24);
            q[4] = (unsigned char)k->c[s][per].count;
            q[5] = (unsigned char)(k->c[s][per].count >> 8);
        }
    }
}

/* The counters of bitmask @scopes read through @ref (a decision) or by namespace name (@ref
 * NULL). */
static int caps_load(mkt_ctx *ctx, mkt__ns_ref *ref, const char *customer,
                     const struct mkt__record_key *key, mkt__consent_caps *k,
                     uint64_t *version, uint32_t scopes)
{
    unsigned char buf[MKT__CAPS_RECORD_LEN];
    const unsigned char *value = buf; /* or the record inside the memory store */
    size_t len = 0;
    int rc = ref ? mkt__store_view_hashed(ctx, MKT__CONSENT_NS_CAPS, ref, key->key, key->len,
                                          key->hash, buf, sizeof buf, &value, &len, version)
                 : mkt__store_get_buf(ctx, MKT__CONSENT_NS_CAPS, key->key, key->len, buf,
                                      sizeof buf, &len, version);
    if (rc == MKT_ENOTFOUND) {
        mkt__consent_caps_empty(k);
        *version = MKT_VERSION_ABSENT;
        return MKT_OK;
    }
    if (rc == MKT_ETOOBIG) /* nothing was copied: report the size alone */
        return mkt__error(ctx, MKT_EPARSE, "consent: the cap counters of customer '%s' in "
                          "'%s' are corrupt: %zu bytes, not %d", customer,
                          MKT__CONSENT_NS_CAPS, len, MKT__CAPS_RECORD_LEN);
    return rc ? rc : decode_scopes(ctx, customer, value, len, k, scopes);
}

int mkt__consent_caps_load(mkt_ctx *ctx, const char *customer, mkt__consent_caps *k,
                           uint64_t *version)
{
    struct mkt__record_key key;
    key.len = mkt__consent_key(key.key, customer);
    return caps_load(ctx, NULL, customer, &key, k, version, (1u << MKT__CAPS_SCOPES) - 1);
}

int mkt__consent_caps_read(mkt_ctx *ctx, mkt__ns_ref *ref, const char *customer,
                           const struct mkt__record_key *key, int channel,
                           mkt__consent_caps *k)
{
    uint64_t version;
    return caps_load(ctx, ref, customer, key, k, &version, 1u | 1u << channel);
}

uint32_t mkt__cap_count(const struct mkt__cap_counter *e, int64_t window)
{
    if (e->window == window)
        return e->count;
    return e->window < window ? 0u : UINT16_MAX; /* a later window is stored: see the top */
}

/* Count one send into @k; returns the bits (1 << (g * NPERIODS + k)) of the slots whose cap
 * it would pass (then @k is left half-changed and must not be written). */
static uint32_t count_into(mkt__consent_caps *k, const struct mkt__cap_plan *plan)
{
    uint32_t reached = 0;
    for (int g = 0; g < 2; g++) {
        for (int per = 0; per < MKT__NPERIODS; per++) {
            struct mkt__cap_counter *e = &k->c[plan->scope[g]][per];
            const int64_t w = plan->window[per];
            const uint32_t cur = mkt__cap_count(e, w), cap = (uint32_t)plan->cap[g][per];
            if (cap && cur + 1 > cap) {
                reached |= 1u << (g * MKT__NPERIODS + per);
                continue;
            }
            if (e->window > w)
                continue; /* uncapped and dated before the stored window: nothing to count */
            e->window = (int32_t)w;
            e->count = (uint16_t)(cur < UINT16_MAX ? cur + 1 : cur); /* caps are <= 65535 */
        }
    }
    return reached;
}

/* Give back one counted send (the audit failed): only where the window is still ours.
 * Never refuses (returns no reached caps). */
static uint32_t uncount_into(mkt__consent_caps *k, const struct mkt__cap_plan *plan)
{
    for (int g = 0; g < 2; g++) {
        for (int per = 0; per < MKT__NPERIODS; per++) {
            struct mkt__cap_counter *e = &k->c[plan->scope[g]][per];
            if (e->window == plan->window[per] && e->count > 0 && e->count < UINT16_MAX)
                e->count--;
        }
    }
    return 0;
}

static int update(mkt_ctx *ctx, const char *customer, const struct mkt__cap_plan *plan,
                  uint32_t (*apply)(mkt__consent_caps *, const struct mkt__cap_plan *),
                  uint32_t *reached)
{
    char key[MKT__CONSENT_KEY_MAX];
    size_t klen = mkt__consent_key(key, customer);
    for (int attempt = 0; attempt < CAPS_MAX_TRIES; attempt++) {
        mkt__consent_caps k;
        uint64_t version;
        int rc = mkt__consent_caps_load(ctx, customer, &k, &version);
        if (rc)
            return rc;
        *reached = apply(&k, plan);
        if (*reached)
            return MKT_ELIMIT;
        unsigned char value[MKT__CAPS_RECORD_LEN];
        mkt__consent_caps_encode(&k, value);
        rc = mkt_store_put(ctx, MKT__CONSENT_NS_CAPS, key, klen, value, sizeof value, version,
                           NULL);
        if (rc != MKT_ECONFLICT)
            return rc;
    }
    return mkt__error(ctx, MKT_ECONFLICT, "consent: the cap counters of customer '%s' changed "
                      "under %d attempts in a row", customer, CAPS_MAX_TRIES);
}

int mkt__consent_caps_count(mkt_ctx *ctx, const char *customer,
                            const struct mkt__cap_plan *plan, uint32_t *reached)
{
    *reached = 0;
    return update(ctx, customer, plan, count_into, reached);
}

int mkt__consent_caps_uncount(mkt_ctx *ctx, const char *customer,
                              const struct mkt__cap_plan *plan)
{
    uint32_t none;
    return update(ctx, customer, plan, uncount_into, &none);
}

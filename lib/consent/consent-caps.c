/* SPDX-License-Identifier: MIT */
/*
 * The frequency-cap counters of one customer: a trailer of the customer's "consent.state"
 * record (layout in consent-private.h), so that a decision reads its state and every counter
 * with ONE store get, and a send counts with one compare-and-set of that record. Only the
 * used slots are written (a typical customer has six: day, week and month of one channel and
 * of all channels), which keeps the record, and so the cache lines a decision waits for,
 * small.
 *
 * Each (scope, period) slot keeps only the current window (local day, Monday week or month)
 * and its count: when the window moves on, the old count is dead and the next send overwrites
 * it, so old counters never pile up. A request for an EARLIER window than the stored one
 * cannot know that window's count any more; it counts as reached (the safe side: a past-dated
 * promotional send is refused rather than risk passing a cap).
 *
 * A send is counted by read, check every bounded slot, write with compare-and-set; on a
 * conflict (another thread or process changed the record meanwhile) it starts over, at most
 * CAPS_MAX_TRIES times. No write happens when a cap would be passed, so concurrent senders
 * can never push a counter past its cap. Every other writer of the record (consent-update.c)
 * decodes and re-encodes the counters unchanged under its own compare-and-set.
 */
#include <string.h>

#include "consent-private.h"

#define CAPS_MAX_TRIES 100
#define SLOT_BYTES 7 /* u8 slot, i32 window, u16 count */

void mkt__consent_caps_empty(mkt__consent_caps *k)
{
    for (int s = 0; s < MKT__CAPS_SCOPES; s++) {
        for (int p = 0; p < MKT__NPERIODS; p++) {
            k->c[s][p].window = MKT__CAPS_NO_WINDOW;
            k->c[s][p].count = 0;
        }
    }
}

size_t mkt__consent_caps_check(const unsigned char *p, size_t len)
{
    if (len < 1 || p[0] > MKT__CAPS_SLOTS || len - 1 < (size_t)p[0] * SLOT_BYTES)
        return 0;
    const unsigned char *end = p + 1 + (size_t)p[0] * SLOT_BYTES;
    int last = -1;
    for (const unsigned char *q = p + 1; q < end; q += SLOT_BYTES) {
        if (q[0] >= MKT__CAPS_SLOTS || (int)q[0] <= last)
            return 0; /* unknown or repeated slot */
        last = q[0];
    }
    return (size_t)(end - p);
}

/* The window and count of the slot at @q. */
static struct mkt__cap_counter slot_counter(const unsigned char *q)
{
    uint32_t w = (uint32_t)q[1] | (uint32_t)q[2] << 8 | (uint32_t)q[3] << 16 |
                 (uint32_t)q[4] << 24;
    struct mkt__cap_counter e;
    /* two's complement without implementation-defined conversion */
    e.window = w <= INT32_MAX ? (int32_t)w : -(int32_t)(UINT32_MAX - w) - 1;
    e.count = (uint16_t)(q[5] | q[6] << 8);
    return e;
}

void mkt__consent_caps_decode(const unsigned char *p, mkt__consent_caps *k)
{
    mkt__consent_caps_empty(k);
    const unsigned char *end = p + 1 + (size_t)p[0] * SLOT_BYTES;
    for (const unsigned char *q = p + 1; q < end; q += SLOT_BYTES)
        k->c[q[0] / MKT__NPERIODS][q[0] % MKT__NPERIODS] = slot_counter(q);
}

void mkt__consent_caps_pick(const unsigned char *p, int channel,
                            struct mkt__cap_counter out[2][MKT__NPERIODS])
{
    _Static_assert(MKT__NPERIODS == 3, "one unused counter a period and scope");
    static const struct mkt__cap_counter unused = { MKT__CAPS_NO_WINDOW, 0 };
    out[0][0] = out[0][1] = out[0][2] = out[1][0] = out[1][1] = out[1][2] = unused;
    const unsigned first = (unsigned)channel * MKT__NPERIODS;
    const unsigned char *end = p + 1 + (size_t)p[0] * SLOT_BYTES;
    for (const unsigned char *q = p + 1; q < end; q += SLOT_BYTES) {
        if (q[0] < MKT__NPERIODS)
            out[1][q[0]] = slot_counter(q);
        else if (q[0] - first < MKT__NPERIODS)
            out[0][q[0] - first] = slot_counter(q);
    }
}

int mkt__consent_caps_encode(const mkt__consent_caps *k, mkt__buf *out)
{
    unsigned char rec[1 + MKT__CAPS_SLOTS * SLOT_BYTES];
    unsigned char *q = rec + 1;
    for (int slot = 0; slot < MKT__CAPS_SLOTS; slot++) {
        const struct mkt__cap_counter *e = &k->c[slot / MKT__NPERIODS][slot % MKT__NPERIODS];
        if (e->window == MKT__CAPS_NO_WINDOW)
            continue; /* never used: not written */
        uint32_t w = (uint32_t)e->window;
        q[0] = (unsigned char)slot;
        for (int i = 0; i < 4; i++)
            q[1 + i] = (unsigned char)(w >> (8 * i));
        q[5] = (unsigned char)e->count;
        q[6] = (unsigned char)(e->count >> 8);
        q += SLOT_BYTES;
    }
    rec[0] = (unsigned char)((size_t)(q - rec - 1) / SLOT_BYTES);
    return mkt__buf_append(out, rec, (size_t)(q - rec));
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
    mkt__consent_state s; /* ~4.6 KiB: the topics */
    int rc = MKT_ECONFLICT;
    for (int attempt = 0; attempt < CAPS_MAX_TRIES && rc == MKT_ECONFLICT; attempt++) {
        uint64_t version;
        rc = mkt__consent_state_load(ctx, customer, &s, &version);
        if (rc)
            break;
        *reached = apply(&s.counts, plan);
        if (*reached) {
            rc = MKT_ELIMIT;
            break;
        }
        rc = mkt__consent_state_store(ctx, customer, &s, version);
    }
    if (rc == MKT_ECONFLICT)
        return mkt__error(ctx, MKT_ECONFLICT, "consent: the state record of customer '%s' "
                          "changed under %d attempts in a row to count a send", customer,
                          CAPS_MAX_TRIES);
    return rc;
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

/* SPDX-License-Identifier: MIT */
/*
 * Internal consent API: the store namespaces and key layouts (the ONE place that lists them;
 * lib/consent/privacy*.c erases and exports by them), the per-customer state record and its
 * codec, and the helpers the record functions share. Nothing here is exported.
 *
 * Namespaces (every key starts with the customer id and 0x1F, see doc/consent.md):
 *   consent.state    key "<id>\x1f"                   the customer's state record with its
 *                    send counters (PII)
 *   consent.history  key "<id>\x1f<ts:20>.<seq:6>"   one text line per change (PII)
 */
#ifndef MKT_CONSENT_PRIVATE_H
#define MKT_CONSENT_PRIVATE_H

#include <stdint.h>

#include "core-private.h"
#include "libmarketing/consent.h"
#include "tz-private.h"
#include "util.h"

#define MKT__CONSENT_NS_STATE "consent.state"
#define MKT__CONSENT_NS_HISTORY "consent.history"

/* Separator between the customer id and the rest of a per-customer key. */
#define MKT__KEY_SEP '\x1f'
#define MKT__CUSTOMER_MAX 256
/* Room for the longest per-customer key of this module: id, separator, suffix. */
#define MKT__CONSENT_KEY_MAX (MKT__CUSTOMER_MAX + 48)

#define MKT__NCHANNELS 6   /* MKT_CHANNEL_EMAIL .. MKT_CHANNEL_SOCIAL */
#define MKT__MAX_DNC 32
#define MKT__MAX_TOPICS 64
#define MKT__MAX_TOPIC_LEN 64
#define MKT__CAP_MAX 65535

enum { MKT__PERIOD_DAY, MKT__PERIOD_WEEK, MKT__PERIOD_MONTH, MKT__NPERIODS };

/* ---- cap counters (consent-caps.c) --------------------------------------------------------
 * The customer's send counters live in the state record (its trailer, see below), so that a
 * decision reads ONE record. For each scope (0 = all channels, 1..6 = a channel) and period
 * (day, week, month) a slot keeps the current window (local day number; Monday-week number,
 * week 0 starting Monday 1969-12-29; year * 12 + month - 1) and its count. An unused slot
 * has window INT32_MIN and count 0. Decisions are limited to times before the year 10000, so
 * every window fits in 32 bits. */
#define MKT__CAPS_SCOPES (MKT__NCHANNELS + 1)
#define MKT__CAPS_SLOTS (MKT__CAPS_SCOPES * MKT__NPERIODS)
#define MKT__CAPS_NO_WINDOW INT32_MIN
/* 9999-12-31 23:59:59 UTC: the latest decision time. */
#define MKT__CONSENT_AT_MAX INT64_C(253402300799)

struct mkt__cap_counter {
    int32_t window;
    uint16_t count;  /* saturates at 65535 (caps are at most 65535) */
};

typedef struct mkt__consent_caps {
    struct mkt__cap_counter c[MKT__CAPS_SCOPES][MKT__NPERIODS];
} mkt__consent_caps;

/* One send to count: the two scopes (the channel, 0 = all channels), the cap of each (scope,
 * period) (0: none, counted all the same) and the window of each period. */
struct mkt__cap_plan {
    int scope[2];
    int32_t cap[2][MKT__NPERIODS];
    int64_t window[MKT__NPERIODS];
};

void mkt__consent_caps_empty(mkt__consent_caps *k);
/* Check the counters trailer of the state record at @p (@len bytes to the record's end): the
 * used slots only. Returns the bytes it takes, or 0 when it is corrupt (does not fit, or an
 * unknown or repeated slot). */
size_t mkt__consent_caps_check(const unsigned char *p, size_t len);
/* Decode a CHECKED trailer: every slot. */
void mkt__consent_caps_decode(const unsigned char *p, mkt__consent_caps *k);
/* Decode of a CHECKED trailer only what a decision on @channel reads: out[0] the channel's
 * slots, out[1] the all-channel slots (unused ones: window MKT__CAPS_NO_WINDOW, count 0). */
void mkt__consent_caps_pick(const unsigned char *p, int channel,
                            struct mkt__cap_counter out[2][MKT__NPERIODS]);
int mkt__consent_caps_encode(const mkt__consent_caps *k, mkt__buf *out);
/* The count of a slot for @window: its count, 0 for a later window, 65535 (reached) for an
 * earlier one (that count is gone). */
uint32_t mkt__cap_count(const struct mkt__cap_counter *e, int64_t window);
/* Count one send with a compare-and-set of the state record. MKT_ELIMIT (nothing written)
 * when it would pass a cap, with *reached = bits 1 << (g * MKT__NPERIODS + period) of those
 * caps; MKT_ECONFLICT after too many concurrent changes; the store's error. */
int mkt__consent_caps_count(mkt_ctx *ctx, const char *customer,
                            const struct mkt__cap_plan *plan, uint32_t *reached);
/* Give a counted send back (best effort: a count left too high only makes caps stricter). */
int mkt__consent_caps_uncount(mkt_ctx *ctx, const char *customer,
                              const struct mkt__cap_plan *plan);

/* Channel flags in the state record. */
#define MKT__CH_PROMO_OFF 0x1u
#define MKT__CH_TRANS_OFF 0x2u

struct mkt__channel_state {
    uint8_t status;            /* mkt_consent_status */
    uint8_t flags;             /* MKT__CH_* */
    uint16_t soft_bounces;     /* in a row */
    uint16_t caps[MKT__NPERIODS];
    int64_t ts;                /* when the current status was decided */
};

struct mkt__dnc_state {
    uint8_t scope, reason;
    int64_t ts;
};

struct mkt__topic_state {
    uint8_t choice, len;
    char name[MKT__MAX_TOPIC_LEN];
};

/* The decoded state record. Encoded little-endian (consent-state.c):
 *   u8 version (3); u8 channel mask (bit c - 1: channel c has an entry); for each channel
 *   in the mask, in order: u8 status, u8 flags, u16 soft_bounces, 3 x u16 caps, i64 ts (18
 *   bytes; a channel without an entry reads as all zero); 3 x u16 all-channel caps; u8 ndnc, ndnc x (u8 scope, u8 reason,
 *   i64 ts); u8 ntopics, ntopics x (u8 choice, u8 len, len bytes); then the counters
 *   trailer (consent-caps.c): u8 nslots, nslots x (u8 slot = scope * 3 + period, in
 *   ascending order; i32 window; u16 count) for the used slots only. Every writer of the
 *   record carries the counters through. */
typedef struct mkt__consent_state {
    struct mkt__channel_state ch[MKT__NCHANNELS + 1]; /* [0] unused: index = channel */
    uint16_t global_caps[MKT__NPERIODS];
    uint8_t ndnc, ntopics;
    struct mkt__dnc_state dnc[MKT__MAX_DNC];
    struct mkt__topic_state topics[MKT__MAX_TOPICS];
    mkt__consent_caps counts; /* the send counters */
} mkt__consent_state;

/* An empty state (no record). */
void mkt__consent_state_empty(mkt__consent_state *s);
/* Decode; MKT_EPARSE (with a message) on a corrupt record. */
int mkt__consent_state_decode(mkt_ctx *ctx, const char *customer, const unsigned char *p,
                              size_t len, mkt__consent_state *s);
int mkt__consent_state_encode(const mkt__consent_state *s, mkt__buf *out);

/* Check a customer id (1..256 bytes of UTF-8, no byte < 0x20); MKT_EINVAL with a message
 * naming @where. */
int mkt__consent_check_customer(mkt_ctx *ctx, const char *where, const char *id);
/* The same, with the id's length in *len when it is valid. */
int mkt__consent_customer_len(mkt_ctx *ctx, const char *where, const char *id, size_t *len);
/* "<id>\x1f" into key (MKT__CONSENT_KEY_MAX bytes); returns the length. */
size_t mkt__consent_key(char *key, const char *id);
/* The same for an id of @n bytes (n <= MKT__CUSTOMER_MAX). */
size_t mkt__consent_key_n(char *key, const char *id, size_t n);

/* Read the state (an absent record is the empty state). */
int mkt__consent_state_load(mkt_ctx *ctx, const char *customer, mkt__consent_state *s,
                            uint64_t *version);
/* Write it back if the record is still at @version (from the load): MKT_ECONFLICT when
 * someone wrote meanwhile, MKT_ENOMEM. */
int mkt__consent_state_store(mkt_ctx *ctx, const char *customer, const mkt__consent_state *s,
                             uint64_t version);

/* A customer's record key "<id>\x1f" and its mkt__memstore_hash(), made once per decision. */
struct mkt__record_key {
    char key[MKT__CONSENT_KEY_MAX];
    size_t len;
    uint64_t hash;
    int hinted;  /* the hash came from the caller (a batch's prefetch), not from the key */
};
/* The key of the checked id @customer of @len bytes. @hash: the key's hash when already
 * known (a batch hashed it for its prefetch), or NULL. */
void mkt__consent_key_make(struct mkt__record_key *k, const char *customer, size_t len,
                           const uint64_t *hash);

/* What one decision (on @channel, for a purpose) reads of the state record, taken from it in
 * place: no copy of the other channels, the DNC list or the topics. */
#define MKT__VIEW_CHOSEN_ANY 0x1u /* the customer chose some topic */
#define MKT__VIEW_CHOSEN 0x2u     /* ... and chose the purpose */
#define MKT__VIEW_EXCLUDED 0x4u   /* the customer excluded the purpose */
typedef struct mkt__consent_view {
    struct mkt__channel_state ch;    /* the channel's entry */
    uint16_t global_caps[MKT__NPERIODS];
    uint32_t dnc;                    /* bits 1 << reason of the DNC entries on the channel or
                                      * on all channels */
    uint32_t topics;                 /* MKT__VIEW_* of the purpose */
    struct mkt__cap_counter counts[2][MKT__NPERIODS]; /* [0] the channel, [1] all channels */
} mkt__consent_view;

/* Check the whole record like mkt__consent_state_decode() (MKT_EPARSE with a message on a
 * corrupt one) and take the view of a decision on @channel for @purpose (NULL or ""). */
int mkt__consent_view_decode(mkt_ctx *ctx, const char *customer, const unsigned char *p,
                             size_t len, int channel, const char *purpose,
                             mkt__consent_view *v);
/* The view of the customer's record (none: the empty state's), key made and hashed once,
 * the namespace found through @ref. */
int mkt__consent_view_read(mkt_ctx *ctx, mkt__ns_ref *ref, const char *customer,
                           const struct mkt__record_key *k, int channel, const char *purpose,
                           mkt__consent_view *v);

/* A change to apply under compare-and-set: @apply edits the state (returns MKT_OK, or an
 * error that stops without writing; MKT__NO_CHANGE skips the write). */
#define MKT__NO_CHANGE 1
typedef int (*mkt__consent_apply_fn)(mkt_ctx *ctx, mkt__consent_state *s, void *data);

/* What the history and the audit say about a change. */
struct mkt__consent_note {
    const char *action;  /* "consent.give", "dnc.add", ... */
    const char *actor;   /* default "consent" */
    int32_t channel;     /* 0 for all/none */
    mkt_time ts;
    const char *detail;  /* "source=...; ip=..." */
};

/* Read, apply, audit (once), write with compare-and-set (retrying on conflict), then append
 * the history line. The audit comes before the write: a failing sink changes nothing.
 * @note NULL: bookkeeping that is neither audited nor kept in the history (soft-bounce
 * counts). */
int mkt__consent_update(mkt_ctx *ctx, const char *customer, mkt__consent_apply_fn apply,
                        void *data, const struct mkt__consent_note *note);

/* The DNC entry (scope, reason) index, or -1. */
int mkt__consent_find_dnc(const mkt__consent_state *s, int scope, int reason);

/* Names for messages and history lines. */
const char *mkt__channel_name(int32_t channel);   /* "email", "all", NULL if unknown */
int mkt__channel_parse(const char *s, size_t len); /* -1 if unknown; "all" is 0 */
const char *mkt__dnc_reason_name(int32_t reason);
int mkt__dnc_reason_parse(const char *s, size_t len);

/* ---- the policy (consent-policy.c) and the decision (consent-decide.c) -------------------- */

#define MKT__REGION_MAX 15

struct mkt__quiet_rule {
    char region[MKT__REGION_MAX + 1]; /* "" default, "US" country, "US-FL" region */
    int32_t start, end;               /* seconds of the local day: [start, end) */
    uint32_t days;                    /* bit 0 Monday .. bit 6 Sunday */
};

struct mkt_consent {
    mkt_ctx *ctx;
    mkt_consent_options opts;   /* strings point into this struct's own copies */
    char *zoneinfo_dir, *default_zone;
    mkt__tz_cache tz;
    struct mkt__quiet_rule *rules;
    uint32_t nrules, rules_cap;
    mkt__ns_ref ns_state;       /* the decision's namespace, resolved once */
};

/* mkt_consent_check() (a batch prefetches the customer's record before, and passes the @hash
 * of its key it computed for that; NULL: none). */
int mkt__consent_decide(mkt_consent *c, const mkt_contact_request *req,
                        mkt_contact_decision *out, const uint64_t *hash);

/* The rule for @region (NULL or ""): exact region, then its country, then the default rule,
 * then the built-in 08:00-21:00 every day. */
const struct mkt__quiet_rule *mkt__quiet_rule_for(const mkt_consent *c, const char *region);

/* ---- local time (consent-time.c) ----------------------------------------------------------- */
/* The earliest UTC instant whose local time is >= @local (a civil time in seconds): the local
 * time itself, the earlier one on a fold, or the end of a gap that swallows it. */
int64_t mkt__first_local_at_or_after(const mkt__tz *z, int64_t local);
/* Whether the rule allows UTC instant @t, and if not the earliest instant after it that it
 * allows (in *next). */
int mkt__quiet_allows(const struct mkt__quiet_rule *r, const mkt__tz *z, int64_t t,
                      int64_t *next);
/* Number of the local period (day, Monday week, month) holding local civil time @local, and
 * the local civil time where the next one starts. */
int64_t mkt__period_number(int period, int64_t local, int64_t *next_start_local);

#endif /* MKT_CONSENT_PRIVATE_H */

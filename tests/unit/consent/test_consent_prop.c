/* SPDX-License-Identifier: MIT */
/*
 * Property test of the contact decision: random states (consents, DNC entries of every
 * scope, switches, topics, caps with counts in the current and neighbouring periods,
 * quiet-hour rules per region, zones with DST and 30/45-minute offsets, instants near
 * transitions and far in the future) are compared, decision by decision, with an oracle
 * written here from the rules in doc/consent.md. The oracle shares no code with the library:
 * local time comes from glibc's localtime_r() (TZ set per zone), periods are computed from
 * the broken-down time, and the next allowed time is found by brute force, stepping through
 * the next eight days in 15-minute steps (all rule windows, zone offsets and transitions used
 * here are multiples of 15 minutes, so the answer lies on that grid or is the instant itself).
 *
 * The state record is written with the library's encoder (its layout is an internal detail;
 * the record functions are tested in test_consent.c), all but its send counters trailer,
 * which is written here by the layout doc/consent.md documents, each slot holding the
 * request's window, the one before (dead: counts 0) or the one after (the request's count is
 * gone: counts as reached).
 * Every case is decided twice more in batches of BATCH through mkt_consent_check_many(),
 * which must give the same decisions. MKT_PROP_CASES sets the number of cases (default
 * 120,000). Failures are collected in the loop and checked after it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "consent/consent-private.h"

#define BIT(r) (1u << (r))

/* ---- a small deterministic generator (splitmix64) -------------------------------------- */
static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static int pick(int n)
{
    return (int)(rnd() % (uint64_t)n);
}

/* ---- the oracle's local time ------------------------------------------------------------- */

struct local {
    int64_t day;   /* days since 1970-01-01 of the local date */
    int sod;       /* second of the local day */
    int wday;      /* 0 Monday .. 6 Sunday */
    int64_t week;  /* Monday-start week number */
    int64_t month; /* year * 12 + month - 1 */
};

static struct local local_of(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    struct tm copy = tm;
    int64_t as_utc = (int64_t)timegm(&copy); /* the civil time read as if it were UTC */
    struct local l;
    l.day = as_utc >= 0 ? as_utc / 86400 : -((-as_utc + 86399) / 86400);
    l.sod = (int)(as_utc - l.day * 86400);
    l.wday = (tm.tm_wday + 6) % 7;
    l.week = (l.day - l.wday + 3) / 7; /* day of its Monday, + 3, / 7 (Monday 1969-12-29) */
    l.month = (int64_t)(tm.tm_year + 1900) * 12 + tm.tm_mon;
    return l;
}

/* ---- generated cases ---------------------------------------------------------------------- */

struct rule {
    const char *region;
    int start, end; /* minutes */
    unsigned days;
};

static const struct rule rules[] = {
    { "", 8 * 60, 21 * 60, 0x7F },
    { "US", 9 * 60, 20 * 60, 0x7F },
    { "US-FL", 8 * 60, 20 * 60, 0x3F },      /* no Sunday */
    { "DE", 2 * 60 + 30, 22 * 60, 0x5F },    /* no Saturday, starts in DST gaps */
    { "NZ", 0, 24 * 60, 0x01 },              /* Mondays only, all day */
    { "AU-NSW", 3 * 60, 3 * 60 + 15, 0x7F }, /* a 15-minute window */
};
static const char *const regions[] = { NULL, "US", "US-FL", "US-TX", "DE", "DE-BY", "FR",
                                       "NZ", "AU-NSW", "AU" };
static const char *const zones[] = { "Europe/Paris", "America/New_York", "Australia/Lord_Howe",
                                     "Pacific/Chatham", "Asia/Kolkata", "UTC",
                                     "America/Los_Angeles" };
static const char *const topics[] = { "deals", "news", "miles" };

struct policy_caps {
    int day, week, month;
};

struct gen {
    mkt__consent_state s;
    mkt_contact_request q;
    int64_t counts[2][MKT__NPERIODS]; /* [0] channel, [1] all channels: current period */
    int shift[2][MKT__NPERIODS];      /* stored window - the request's: -1, 0 or 1 */
    uint32_t implied;
    struct policy_caps pcaps;
};

/* Instants: half near a transition of the zone (found by scanning with localtime_r), the
 * rest anywhere in 2024-2026 or in 2100 (past every table: the POSIX footer). */
static int64_t transitions[64];
static int ntransitions;

static void find_transitions(void)
{
    ntransitions = 0;
    const int64_t starts[] = { 1735689600 /* 2025-01-01 */, 4102444800 /* 2100-01-01 */ };
    for (int y = 0; y < 2; y++) {
        int64_t t = starts[y];
        time_t tt = (time_t)t;
        struct tm tm;
        localtime_r(&tt, &tm);
        long off = tm.tm_gmtoff;
        for (int64_t h = 900; h < 366 * 86400 && ntransitions < 64; h += 900) {
            tt = (time_t)(t + h);
            localtime_r(&tt, &tm);
            if (tm.tm_gmtoff != off) {
                transitions[ntransitions++] = t + h;
                off = tm.tm_gmtoff;
            }
        }
    }
}

static int64_t random_instant(void)
{
    if (ntransitions && pick(2))
        return transitions[pick(ntransitions)] + pick(8 * 3600) - 4 * 3600;
    if (pick(8) == 0)
        return 4102444800 + (int64_t)(rnd() % (366 * 86400ull));
    return 1704067200 + (int64_t)(rnd() % (3 * 366 * 86400ull));
}

static void gen_state(struct gen *g)
{
    mkt__consent_state *s = &g->s;
    mkt__consent_state_empty(s);
    for (int c = 1; c <= MKT__NCHANNELS; c++) {
        static const uint8_t statuses[] = { 0, 1, 1, 1, 1, 2, 3 };
        s->ch[c].status = statuses[pick(7)];
        s->ch[c].ts = 1000;
        s->ch[c].flags = (uint8_t)(pick(6) == 0 ? pick(4) : 0);
        for (int k = 0; k < MKT__NPERIODS; k++)
            s->ch[c].caps[k] = (uint16_t)(pick(3) == 0 ? 1 + pick(4) : 0);
    }
    for (int k = 0; k < MKT__NPERIODS; k++)
        s->global_caps[k] = (uint16_t)(pick(4) == 0 ? 1 + pick(5) : 0);
    int ndnc = pick(3) == 0 ? pick(4) : 0;
    for (int i = 0; i < ndnc; i++) {
        int scope = pick(3) == 0 ? 0 : 1 + pick(MKT__NCHANNELS);
        int reason = 1 + pick(7);
        if (mkt__consent_find_dnc(s, scope, reason) < 0) {
            struct mkt__dnc_state d = { (uint8_t)scope, (uint8_t)reason, 1000 };
            s->dnc[s->ndnc++] = d;
        }
    }
    int ntopics = pick(3) == 0 ? 1 + pick(3) : 0;
    for (int i = 0; i < ntopics; i++) {
        struct mkt__topic_state *t = &s->topics[s->ntopics++];
        t->choice = (uint8_t)(1 + pick(2));
        t->len = (uint8_t)strlen(topics[i]);
        memcpy(t->name, topics[i], t->len);
    }
    for (int g2 = 0; g2 < 2; g2++) {
        for (int k = 0; k < MKT__NPERIODS; k++) {
            g->counts[g2][k] = pick(2) ? pick(6) : 0;
            static const int shifts[8] = { 0, 0, 0, 0, 0, 0, -1, 1 };
            g->shift[g2][k] = shifts[pick(8)];
        }
    }
}

static void gen_request(struct gen *g, const char *id, const char *zone)
{
    mkt_contact_request q = MKT_CONTACT_REQUEST_INIT;
    q.customer_id = id;
    q.channel = 1 + pick(MKT__NCHANNELS);
    q.message_class = pick(4) ? MKT_CLASS_PROMOTIONAL : MKT_CLASS_TRANSACTIONAL;
    q.purpose = pick(3) ? topics[pick(3)] : NULL;
    q.at = random_instant();
    q.time_zone = zone;
    q.region = regions[pick((int)(sizeof regions / sizeof regions[0]))];
    q.address = pick(10) == 0;
    g->q = q;
}

/* ---- the oracle ---------------------------------------------------------------------------- */

static const struct rule *oracle_rule(const char *region)
{
    static const struct rule builtin = { "", 8 * 60, 21 * 60, 0x7F };
    const struct rule *best = NULL;
    int best_rank = 0;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        const struct rule *r = &rules[i];
        int rank = 0;
        if (r->region[0] == '\0')
            rank = 1;
        else if (region && strcmp(r->region, region) == 0)
            rank = 3;
        else if (region && strlen(r->region) == 2 && strncmp(region, r->region, 2) == 0 &&
                 region[2] == '-')
            rank = 2;
        if (rank > best_rank) {
            best = r;
            best_rank = rank;
        }
    }
    return best ? best : &builtin;
}

static int window_open(const struct rule *r, int64_t t)
{
    struct local l = local_of(t);
    return ((r->days >> l.wday) & 1u) && l.sod >= r->start * 60 && l.sod < r->end * 60;
}

static int64_t period_of(int k, int64_t t)
{
    struct local l = local_of(t);
    return k == 0 ? l.day : k == 1 ? l.week : l.month;
}

/* Whether every reached cap's period at @u differs from the one at the decision time. */
static int periods_changed(int reached[2][3], const int64_t periods[3], int64_t u)
{
    for (int k = 0; k < 3; k++)
        if ((reached[0][k] || reached[1][k]) && period_of(k, u) == periods[k])
            return 0;
    return 1;
}

static int stricter(int a, int b)
{
    return a == 0 ? b : b == 0 ? a : a < b ? a : b;
}

struct answer {
    uint32_t reasons;
    int64_t next;
};

static struct answer oracle(const struct gen *g)
{
    const mkt__consent_state *s = &g->s;
    const mkt_contact_request *q = &g->q;
    const struct mkt__channel_state *ch = &s->ch[q->channel];
    const int promo = q->message_class == MKT_CLASS_PROMOTIONAL;
    struct answer a = { 0, 0 };
    if (q->address)
        a.reasons |= BIT(MKT_REASON_INVALID_ADDRESS);
    for (int i = 0; i < s->ndnc; i++) {
        int r = s->dnc[i].reason;
        int covers = s->dnc[i].scope == 0 || s->dnc[i].scope == q->channel;
        int stops = promo || r == MKT_DNC_HARD_BOUNCE || r == MKT_DNC_SMS_STOP ||
                    r == MKT_DNC_LEGAL;
        if (covers && stops)
            a.reasons |= BIT(MKT_REASON_DNC_HARD_BOUNCE + r - 1);
    }
    if ((promo && (ch->flags & 1)) || (!promo && (ch->flags & 2)))
        a.reasons |= BIT(MKT_REASON_CHANNEL_OFF);
    if (!promo)
        return a;
    if (ch->status == 2)
        a.reasons |= BIT(MKT_REASON_CONSENT_WITHDRAWN);
    if (ch->status == 3)
        a.reasons |= BIT(MKT_REASON_OPT_IN_PENDING);
    if (ch->status == 0 && !((g->implied >> q->channel) & 1))
        a.reasons |= BIT(MKT_REASON_NO_CONSENT);
    if (q->purpose) {
        int any_chosen = 0, chosen = 0, excluded = 0;
        for (int i = 0; i < s->ntopics; i++) {
            int same = strlen(q->purpose) == s->topics[i].len &&
                       memcmp(q->purpose, s->topics[i].name, s->topics[i].len) == 0;
            any_chosen |= s->topics[i].choice == 1;
            chosen |= same && s->topics[i].choice == 1;
            excluded |= same && s->topics[i].choice == 2;
        }
        if (excluded)
            a.reasons |= BIT(MKT_REASON_TOPIC_EXCLUDED);
        else if (any_chosen && !chosen)
            a.reasons |= BIT(MKT_REASON_TOPIC_NOT_CHOSEN);
    }
    const int pc[3] = { g->pcaps.day, g->pcaps.week, g->pcaps.month };
    int reached[2][3] = { { 0 } };
    int64_t count[2][3]; /* a dead window counts 0; a later one means "reached" */
    for (int g2 = 0; g2 < 2; g2++)
        for (int k = 0; k < 3; k++)
            count[g2][k] = g->shift[g2][k] < 0 ? 0 : g->shift[g2][k] > 0 ? 1000000
                                                                         : g->counts[g2][k];
    for (int k = 0; k < 3; k++) {
        int capc = ch->caps[k], capg = stricter(s->global_caps[k], pc[k]);
        if (capc && count[0][k] >= capc) {
            reached[0][k] = 1;
            a.reasons |= BIT(MKT_REASON_CAP_CHANNEL);
        }
        if (capg && count[1][k] >= capg) {
            reached[1][k] = 1;
            a.reasons |= BIT(MKT_REASON_CAP_GLOBAL);
        }
    }
    const int quiet = q->channel == MKT_CHANNEL_SMS || q->channel == MKT_CHANNEL_PUSH;
    const struct rule *rule = quiet ? oracle_rule(q->region) : NULL;
    if (rule && !window_open(rule, q->at))
        a.reasons |= BIT(MKT_REASON_QUIET_HOURS);
    const uint32_t soft = BIT(MKT_REASON_QUIET_HOURS) | BIT(MKT_REASON_CAP_CHANNEL) |
                          BIT(MKT_REASON_CAP_GLOBAL);
    if (a.reasons == 0 || (a.reasons & ~soft))
        return a;
    /* Brute force: the first instant >= at (at itself, then the 15-minute grid) where the
     * window is open and every reached cap's period has changed. A monthly cap can take a
     * month: walk hours until the periods have changed, then go back one hour and walk the
     * grid (a period, once changed, stays changed: no zone here folds across midnight). */
    int64_t periods[3];
    for (int k = 0; k < 3; k++)
        periods[k] = period_of(k, q->at);
    int64_t grid = q->at - (((q->at % 900) + 900) % 900) + 900;
    int64_t u = grid;
    int capped = 0;
    for (int k = 0; k < 3; k++)
        capped |= reached[0][k] | reached[1][k];
    if (capped) {
        while (!periods_changed(reached, periods, u))
            u += 3600;
        u = u - 3600 > grid ? u - 3600 : grid;
    } else if (window_open(rule, q->at)) {
        a.next = q->at; /* cannot happen: the window was closed at q->at */
        return a;
    }
    for (int step = 0; step < 8 * 96 + 8; step++, u += 900) {
        if (periods_changed(reached, periods, u) && (!rule || window_open(rule, u))) {
            a.next = u;
            return a;
        }
    }
    a.next = -1; /* not found: cannot happen with these rules */
    return a;
}

/* ---- the run ------------------------------------------------------------------------------- */

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++, v >>= 8)
        p[i] = (unsigned char)v;
}

/* The send counters trailer of the encoded state record in @rec (encoded with no counters:
 * it ends with the slot count 0) by its documented layout: u8 nslots, then for each used
 * slot (scope 0 = all channels .. 6, period day, week, month; slot = scope * 3 + period, in
 * ascending order) u8 slot, i32 window, u16 count. Slots of other channels hold 9 in the
 * current window: reading the wrong scope shows. Returns 0 when no counters are written. */
static int put_counters(struct gen *g, mkt__buf *rec)
{
    if (pick(16) == 0) { /* sometimes no counters: every count 0 */
        memset(g->counts, 0, sizeof g->counts);
        memset(g->shift, 0, sizeof g->shift);
        return 0;
    }
    unsigned char t[1 + 21 * 7], *p = t + 1;
    for (int scope = 0; scope < 7; scope++) {
        for (int k = 0; k < 3; k++, p += 7) {
            int g2 = scope == 0 ? 1 : scope == g->q.channel ? 0 : -1;
            int64_t window = period_of(k, g->q.at) + (g2 >= 0 ? g->shift[g2][k] : 0);
            int64_t count = g2 >= 0 ? g->counts[g2][k] : 9;
            p[0] = (unsigned char)(scope * 3 + k);
            put_le(p + 1, (uint64_t)(uint32_t)(int32_t)window, 4);
            put_le(p + 5, (uint64_t)count, 2);
        }
    }
    t[0] = 21;
    rec->len--; /* the empty trailer */
    mkt__buf_append(rec, t, sizeof t);
    return 1;
}

/* The same requests again through the batch call: the decisions must be identical. */
#define BATCH 61
struct batch {
    int n;
    char ids[BATCH][32];
    mkt_contact_request q[BATCH];
    mkt_contact_decision single[BATCH];
};

static long check_batch(mkt_consent *p, struct batch *b, char *first, size_t first_len)
{
    mkt_contact_decision out[BATCH];
    int32_t status[BATCH];
    out[0].struct_size = sizeof out[0];
    long bad = 0;
    for (int i = 0; i < b->n; i++)
        b->q[i].customer_id = b->ids[i];
    int rc = mkt_consent_check_many(p, b->q, (size_t)b->n, out, status);
    for (int i = 0; i < b->n; i++) {
        const mkt_contact_decision *s = &b->single[i];
        if (status[i] == MKT_OK && out[i].allow == s->allow && out[i].reasons == s->reasons &&
            out[i].next_allowed == s->next_allowed && out[i].at == s->at)
            continue;
        if (bad++ == 0 && first[0] == '\0')
            snprintf(first, first_len, "batch: customer %s rc %d status %d reasons 0x%x next "
                     "%lld; single reasons 0x%x next %lld", b->ids[i], rc, status[i],
                     out[i].reasons, (long long)out[i].next_allowed, s->reasons,
                     (long long)s->next_allowed);
    }
    b->n = 0;
    return bad + (rc != MKT_OK);
}

START_TEST(decision_matches_oracle)
{
    const char *env = getenv("MKT_PROP_CASES");
    long cases = env && *env ? strtol(env, NULL, 10) : 120000;
    const char *old_tz = getenv("TZ");
    char *saved_tz = old_tz ? strdup(old_tz) : NULL;
    rng_state = 20250611;
    long mismatches = 0, allowed = 0, with_next = 0, done = 0;
    char first[512] = "";
    const int nzones = (int)(sizeof zones / sizeof zones[0]);
    for (int z = 0; z < nzones; z++) {
        char tzvar[64];
        snprintf(tzvar, sizeof tzvar, ":%s", zones[z]);
        setenv("TZ", tzvar, 1);
        tzset();
        find_transitions();
        /* One context per zone: policies with and without implied consent and caps. */
        mkt_ctx *ctx;
        ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
        struct gen g;
        g.implied = z % 2 ? (1u << MKT_CHANNEL_IN_APP) | (1u << MKT_CHANNEL_WEB) : 0;
        g.pcaps.day = z % 3 == 0 ? 2 : 0;
        g.pcaps.week = z % 3 == 1 ? 4 : 0;
        g.pcaps.month = 0;
        mkt_consent_options o = MKT_CONSENT_OPTIONS_INIT;
        o.implied_consent_channels = g.implied;
        o.daily_cap = g.pcaps.day;
        o.weekly_cap = g.pcaps.week;
        mkt_consent *p;
        ck_assert_int_eq(mkt_consent_new(&p, ctx, &o), MKT_OK);
        for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
            mkt_quiet_rule r = { sizeof r, rules[i].region, rules[i].start, rules[i].end,
                                 rules[i].days };
            ck_assert_int_eq(mkt_consent_add_quiet_rule(p, &r), MKT_OK);
        }
        mkt__buf b;
        mkt__buf_init(&b, ctx);
        static struct batch batch;
        batch.n = 0;
        long per_zone = cases / nzones + (z < cases % nzones);
        for (long n = 0; n < per_zone; n++, done++) {
            char id[32];
            snprintf(id, sizeof id, "P%ld", done);
            gen_state(&g);
            gen_request(&g, id, zones[z]);
            mkt__buf_reset(&b);
            mkt__consent_state_encode(&g.s, &b);
            char key[40];
            size_t klen = mkt__consent_key(key, id);
            const int counted = put_counters(&g, &b);
            if (counted || g.s.ndnc || g.s.ntopics || pick(8)) /* sometimes no record */
                mkt_store_put(ctx, "consent.state", key, klen, b.data, b.len, MKT_VERSION_ANY,
                              NULL);
            else
                mkt__consent_state_empty(&g.s);
            mkt_contact_decision d = { sizeof d, -1, 0, 0, 0 };
            int rc = mkt_consent_check(p, &g.q, &d);
            struct answer a = oracle(&g);
            int same = rc == MKT_OK && d.reasons == a.reasons && d.allow == (a.reasons == 0) &&
                       d.next_allowed == a.next;
            if (!same && mismatches++ == 0)
                snprintf(first, sizeof first, "case %ld zone %s at %lld ch %d class %d region "
                         "%s: library rc %d reasons 0x%x next %lld; oracle reasons 0x%x next "
                         "%lld", done, zones[z], (long long)g.q.at, g.q.channel,
                         g.q.message_class, g.q.region ? g.q.region : "-", rc, d.reasons,
                         (long long)d.next_allowed, a.reasons, (long long)a.next);
            allowed += d.allow;
            with_next += d.next_allowed != 0;
            snprintf(batch.ids[batch.n], sizeof batch.ids[0], "%s", id);
            batch.q[batch.n] = g.q;
            batch.single[batch.n++] = d;
            if (batch.n == BATCH || n + 1 == per_zone)
                mismatches += check_batch(p, &batch, first, sizeof first);
        }
        mkt__buf_free(&b);
        mkt_consent_free(p);
        mkt_ctx_free(ctx);
    }
    if (saved_tz)
        setenv("TZ", saved_tz, 1);
    else
        unsetenv("TZ");
    tzset();
    free(saved_tz);
    ck_assert_msg(mismatches == 0, "%ld mismatches of %ld; first: %s", mismatches, done, first);
    /* The generator must exercise both answers and the next-allowed time. */
    ck_assert_int_gt(allowed, done / 20);
    ck_assert_int_gt(done - allowed, done / 5);
    ck_assert_int_gt(with_next, done / 50);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("consent_prop");
    TCase *tc = tcase_create("property");
    tcase_add_test(tc, decision_matches_oracle);
    tcase_set_timeout(tc, 600);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* SPDX-License-Identifier: MIT */
/*
 * Segment entries found by the library (mkt_journey_engine_enter_due()): customers who ENTER
 * the segment, not every member at every call.
 *
 * Membership is remembered per customer in "journey.member", key
 * "<customer>\x1f<journey id>\x1f<entry node id>" (per-customer data, erased with the
 * customer), value the time the customer was found entering (ASCII decimal). A call evaluates
 * the segment over the whole customers table at once (bitmaps), reads the remembered members
 * with one scan of the namespace, forgets those who left (so that a later return counts as a
 * new entry) and reports members not remembered: the entering ones. They are remembered after
 * their entry was tried, whether the journey's policy let them in or not: the transition is
 * used up either way. A crash in between re-finds them, and the live-instance rule and the
 * re-entry policy keep that from starting a second instance.
 */
#include <stdio.h>
#include <string.h>

#include "engine-private.h"

struct member_scan {
    const mkt_table *customers;
    const char *suffix;     /* "\x1f<journey id>\x1f<node id>" */
    size_t suffix_len;
    const mkt_members *now; /* members at this call */
    mkt_members *known;     /* remembered and still members */
    mkt__buf gone;          /* keys of remembered customers who left: u32 length + bytes */
};

static int visit(const char *key, size_t key_len, const void *value, size_t value_len,
                 uint64_t version, void *data)
{
    (void)value, (void)value_len, (void)version;
    struct member_scan *s = data;
    const char *sep = memchr(key, 0x1f, key_len); /* customer ids have no control byte */
    size_t clen = sep ? (size_t)(sep - key) : 0;
    uint64_t row;
    if (!sep || key_len - clen != s->suffix_len || memcmp(sep, s->suffix, s->suffix_len) != 0)
        return 0; /* another journey's or entry's */
    if (mkt_table_find(s->customers, key, clen, &row) == MKT_OK &&
        mkt_members_contains(s->now, row) == 1)
        return mkt_members_set(s->known, row, 1);
    uint32_t n = (uint32_t)key_len; /* no longer a member (or no longer in the table) */
    int rc = mkt__buf_append(&s->gone, &n, sizeof n);
    return rc != MKT_OK ? rc : mkt__buf_append(&s->gone, key, key_len);
}

static int forget_gone(mkt_ctx *ctx, const mkt__buf *gone)
{
    for (size_t at = 0; at < gone->len;) {
        uint32_t n;
        memcpy(&n, gone->data + at, sizeof n);
        int rc = mkt_store_delete(ctx, MKT__JE_NS_MEMBER, gone->data + at + sizeof n, n,
                                  MKT_VERSION_ANY);
        if (rc != MKT_OK && rc != MKT_ENOTFOUND) /* another engine forgot it first: fine */
            return rc;
        at += sizeof n + n;
    }
    return MKT_OK;
}

static int append_entering(mkt_journey_engine *e, const struct member_scan *s, uint32_t journey,
                           uint32_t node, int64_t to, mkt__je_due_vec *out)
{
    for (uint64_t r = 0; mkt_members_next(s->now, r, &r) == MKT_OK; r++) {
        if (mkt_members_contains(s->known, r) == 1)
            continue;
        struct mkt__je_due d;
        d.at = to;
        d.row = r;
        d.id = mkt_table_customer_id(e->opts.customers, r);
        d.journey = journey;
        d.node = node;
        if (MKT__VEC_PUSH(e->ctx, out, d) != MKT_OK)
            return MKT_ENOMEM;
    }
    return MKT_OK;
}

int mkt__je_due_segment(mkt_journey_engine *e, uint32_t journey, uint32_t node, int64_t to,
                        mkt__je_due_vec *out)
{
    const struct mkt__je_journey *jj = &e->journeys[journey];
    const struct mkt__jnode *n = &jj->j->nodes[node];
    struct member_scan s;
    memset(&s, 0, sizeof s);
    s.customers = e->opts.customers;
    mkt__buf_init(&s.gone, e->ctx);
    mkt__buf suffix;
    mkt__buf_init(&suffix, e->ctx);
    mkt_members *now = NULL;
    int rc = mkt_segment_evaluate(n->compiled, e->ctx, e->opts.customers, &now);
    if (rc != MKT_OK) { /* the segment module's message says why */
        mkt__buf_free(&suffix);
        return rc;
    }
    s.now = now;
    rc = mkt_members_new(&s.known, e->ctx, mkt_members_rows(now));
    if (rc == MKT_OK)
        rc = mkt__buf_appendf(&suffix, "\x1f%s\x1f%s", jj->id, n->def.id);
    s.suffix = suffix.data;
    s.suffix_len = suffix.len;
    if (rc == MKT_OK)
        rc = mkt_store_scan(e->ctx, MKT__JE_NS_MEMBER, "", 0, visit, &s);
    if (rc == MKT_OK)
        rc = forget_gone(e->ctx, &s.gone);
    if (rc == MKT_OK)
        rc = append_entering(e, &s, journey, node, to, out);
    mkt_members_free(s.known);
    mkt_members_free(now);
    mkt__buf_free(&s.gone);
    mkt__buf_free(&suffix);
    if (rc == MKT_ENOMEM)
        return mkt__error(e->ctx, rc, "journey engine: out of memory");
    return rc;
}

int mkt__je_member_remember(mkt_journey_engine *e, const struct mkt__je_journey *jj,
                            uint32_t node, const char *customer, size_t clen, int64_t at)
{
    char value[24];
    int vlen = snprintf(value, sizeof value, "%lld", (long long)at);
    mkt__buf_reset(&e->key2);
    if (mkt__buf_append(&e->key2, customer, clen) != MKT_OK ||
        mkt__buf_appendf(&e->key2, "\x1f%s\x1f%s", jj->id, jj->j->nodes[node].def.id) != MKT_OK)
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    int rc = mkt_store_put(e->ctx, MKT__JE_NS_MEMBER, e->key2.data, e->key2.len, value,
                           (size_t)vlen, MKT_VERSION_ABSENT, NULL);
    return rc == MKT_ECONFLICT ? MKT_OK : rc; /* another engine remembered it first */
}

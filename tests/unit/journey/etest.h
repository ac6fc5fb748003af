/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the journey engine suites: a context over a fault-injecting store (the consent
 * suites' faultstore, so two engines can share one store as two processes would), a send
 * callback that records every message and can fail on request, and journey loading.
 */
#ifndef MKT_TEST_ETEST_H
#define MKT_TEST_ETEST_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../consent/test_privacy_store.h"
#include "libmarketing.h"

#define ET_MAX_SENT 64

typedef struct et_sent {
    char customer[64];
    char template_id[64];
    char idem[160];
    char node_id[64];
    char context[512];
    uint32_t entry, step;
    int32_t channel;
} et_sent;

/* The promo secret of the engines of these suites (send nodes with an offer need one). */
#define ET_PROMO_SECRET "journey-test-secret-0123456789"

typedef struct et_host {
    faultstore fs;
    mkt_ctx *ctx;
    mkt_promo_format *promo; /* default format (8 unambiguous characters), on ctx */
    et_sent sent[ET_MAX_SENT];
    int nsent;      /* delivered messages */
    int calls;      /* send callback calls */
    int fail_from;  /* calls number >= fail_from (0-based) return fail_rc; -1: never */
    int fail_count; /* how many calls fail from fail_from (-1: all) */
    int fail_rc;
} et_host;

static inline int et_send(const mkt_message *m, void *ud)
{
    et_host *h = ud;
    int n = h->calls++;
    if (h->fail_from >= 0 && n >= h->fail_from &&
        (h->fail_count < 0 || n < h->fail_from + h->fail_count))
        return h->fail_rc;
    ck_assert_int_lt(h->nsent, ET_MAX_SENT);
    et_sent *s = &h->sent[h->nsent++];
    snprintf(s->customer, sizeof s->customer, "%s", m->customer_id);
    snprintf(s->idem, sizeof s->idem, "%s", m->idempotency_key);
    s->channel = m->channel;
    ck_assert_ptr_nonnull(m->template_id);
    snprintf(s->template_id, sizeof s->template_id, "%s", m->template_id);
    snprintf(s->node_id, sizeof s->node_id, "%s", m->node_id);
    snprintf(s->context, sizeof s->context, "%s", m->context_json);
    s->entry = m->entry;
    s->step = m->step;
    return MKT_OK;
}

/* A new context on @h's store (created on the first call; later calls share it). */
static inline mkt_ctx *et_ctx(et_host *h)
{
    static const mkt_store_ops ops = { sizeof(mkt_store_ops), fs_get, fs_put, fs_del, fs_incr,
                                       fs_scan, NULL, NULL };
    mkt_store_ops o = ops;
    o.user_data = &h->fs;
    mkt_host host = MKT_HOST_INIT;
    host.store = &o;
    host.now = fixed_clock_1700;
    host.send = et_send;
    host.user_data = h;
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &host, NULL), MKT_OK);
    return ctx;
}

static inline void et_init(et_host *h)
{
    memset(h, 0, sizeof *h);
    faultstore_init(&h->fs);
    h->fail_from = -1;
    h->ctx = et_ctx(h);
    ck_assert_int_eq(mkt_promo_format_new(&h->promo, h->ctx, NULL), MKT_OK);
}

/* Give @o the suites' promo format and secret, so journeys with offers run. */
static inline void et_promo(const et_host *h, mkt_journey_engine_options *o)
{
    o->promo_format = h->promo;
    o->promo_secret = ET_PROMO_SECRET;
    o->promo_secret_len = strlen(ET_PROMO_SECRET);
}

static inline void et_free(et_host *h)
{
    mkt_promo_format_free(h->promo);
    mkt_ctx_free(h->ctx);
    faultstore_free(&h->fs);
}

static inline mkt_journey *et_load_file(mkt_ctx *ctx, const char *name)
{
    const char *root = getenv("MKT_SOURCE_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/journeys/%s", root ? root : ".", name);
    mkt_journey *j = NULL;
    ck_assert_msg(mkt_journey_load_xml_file(&j, ctx, path, NULL) == MKT_OK, "%s: %s", path,
                  mkt_ctx_last_error(ctx)->message);
    return j;
}

static inline mkt_journey *et_load(mkt_ctx *ctx, const char *xml)
{
    mkt_journey *j = NULL;
    ck_assert_msg(mkt_journey_load_xml_memory(&j, ctx, xml, strlen(xml), "t.xml", NULL) ==
                      MKT_OK, "%s", mkt_ctx_last_error(ctx)->message);
    return j;
}

/* An engine over @h's context with default options and @h's promo format and secret. */
static inline mkt_journey_engine *et_engine(et_host *h, const mkt_journey *j)
{
    mkt_journey_engine *e = NULL;
    const mkt_journey *js[1] = { j };
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    et_promo(h, &o);
    ck_assert_msg(mkt_journey_engine_new(&e, h->ctx, js, 1, &o) == MKT_OK, "%s",
                  mkt_ctx_last_error(h->ctx)->message);
    return e;
}

static inline uint32_t et_node(const mkt_journey *j, const char *id)
{
    uint32_t i = 0;
    ck_assert_int_eq(mkt_journey_node_find(j, id, &i), MKT_OK);
    return i;
}

static inline mkt_journey_node_counts et_counts(const mkt_journey_engine *e, const mkt_journey *j,
                                                const char *jid, const char *node)
{
    mkt_journey_node_counts c;
    memset(&c, 0, sizeof c);
    c.struct_size = sizeof c;
    ck_assert_int_eq(mkt_journey_engine_counts(e, jid, et_node(j, node), &c), MKT_OK);
    return c;
}

static inline mkt_journey_instance et_instance(mkt_journey_engine *e, const char *jid,
                                               const char *customer)
{
    mkt_journey_instance in;
    memset(&in, 0, sizeof in);
    in.struct_size = sizeof in;
    ck_assert_int_eq(mkt_journey_engine_instance(e, jid, customer, &in), MKT_OK);
    return in;
}

static inline int et_count_visit(const char *k, size_t kl, const void *v, size_t vl,
                                 uint64_t ver, void *d)
{
    (void)k, (void)kl, (void)v, (void)vl, (void)ver;
    ++*(long *)d;
    return 0;
}

/* Keys in namespace @ns of @h's store. */
static inline long et_count_ns(et_host *h, const char *ns)
{
    long n = 0;
    ck_assert_int_eq(mkt_store_scan(h->fs.backing, ns, "", 0, et_count_visit, &n), MKT_OK);
    return n;
}

#endif /* MKT_TEST_ETEST_H */

/* SPDX-License-Identifier: MIT */
/*
 * The journey engine's host actions (update, tag, emit through the action callback, with the
 * send's durability), the message fields of a send, and the counts persisted in
 * "journey.count" (flush, restart, several engines, undo of unsaved steps).
 */
#include <stddef.h>

#include "etest.h"
#include "failalloc.h"

#define T0 INT64_C(1800000000) /* 2027-01-15 08:00 UTC */
#define HOUR 3600
#define DAY 86400
#define MAX_ACTS 16

typedef struct act_rec {
    int32_t kind;
    char customer[16], journey[16], node_id[16], attribute[32], value[16], tag[16], event[16];
    char idem[64];
    uint32_t node, entry, step;
    mkt_time at;
} act_rec;

typedef struct acts {
    act_rec rec[MAX_ACTS];
    int n;      /* actions done */
    int calls;  /* callback calls */
    int fail_from, fail_count, fail_rc; /* as et_host: calls fail_from.. fail (-1: none) */
} acts;

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "(null)");
}

static int record_action(const mkt_journey_action *a, void *user)
{
    acts *s = user;
    int call = s->calls++;
    if (s->fail_from >= 0 && call >= s->fail_from &&
        (s->fail_count < 0 || call < s->fail_from + s->fail_count))
        return s->fail_rc;
    ck_assert_int_lt(s->n, MAX_ACTS);
    ck_assert_uint_eq(a->struct_size, sizeof *a);
    act_rec *r = &s->rec[s->n++];
    r->kind = a->kind;
    copy(r->customer, sizeof r->customer, a->customer_id);
    copy(r->journey, sizeof r->journey, a->journey_id);
    copy(r->node_id, sizeof r->node_id, a->node_id);
    copy(r->attribute, sizeof r->attribute, a->attribute);
    copy(r->value, sizeof r->value, a->value);
    copy(r->tag, sizeof r->tag, a->tag);
    copy(r->event, sizeof r->event, a->event_type);
    copy(r->idem, sizeof r->idem, a->idempotency_key);
    r->node = a->node, r->entry = a->entry, r->step = a->step, r->at = a->at;
    return MKT_OK;
}

static void acts_init(acts *s)
{
    memset(s, 0, sizeof *s);
    s->fail_from = -1;
}

/* entry (step 1), four actions (steps 2..5), a send (step 6), exit */
static const char *acts_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"acts\">\n"
    "  <entry id=\"e\" manual=\"true\"/>\n"
    "  <update id=\"tier\" field=\"customer.tier\" value=\"GOLD\"/>\n"
    "  <add-tag id=\"tag\" tag=\"vip\"/>\n"
    "  <remove-tag id=\"untag\" tag=\"trial\"/>\n"
    "  <emit id=\"emit\" event=\"WELCOMED\"/>\n"
    "  <send id=\"m\" channel=\"email\" template=\"t1\" subject=\"Hi\">\n"
    "    <context name=\"a\" value=\"x &quot;y&quot;\"/>\n"
    "    <context name=\"link\" value=\"{{event.url}}\"/>\n"
    "  </send>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

/* entry, a 1 hour wait, then an update */
static const char *later_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"later\">\n"
    "  <entry id=\"e\" manual=\"true\"/>\n"
    "  <wait id=\"w\" duration=\"1 hour\"/>\n"
    "  <update id=\"u\" field=\"customer.tier\" value=\"GOLD\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

static mkt_journey_engine *engine_acting(mkt_ctx *ctx, const mkt_journey *j, acts *s)
{
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    o.action = record_action;
    o.action_user = s;
    mkt_journey_engine *e = NULL;
    const mkt_journey *js[1] = { j };
    ck_assert_msg(mkt_journey_engine_new(&e, ctx, js, 1, &o) == MKT_OK, "%s",
                  mkt_ctx_last_error(ctx)->message);
    return e;
}

START_TEST(each_action_reaches_the_callback)
{
    et_host h;
    acts s;
    et_init(&h);
    acts_init(&s);
    mkt_journey *j = et_load(h.ctx, acts_xml);
    mkt_journey_engine *e = engine_acting(h.ctx, j, &s);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "acts", "A", T0, NULL), MKT_OK);
    ck_assert_int_eq(s.n, 4);
    static const int32_t kinds[4] = { MKT_JOURNEY_UPDATE, MKT_JOURNEY_TAG_ADD,
                                      MKT_JOURNEY_TAG_REMOVE, MKT_JOURNEY_EMIT };
    static const char *const ids[4] = { "tier", "tag", "untag", "emit" };
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(s.rec[i].kind, kinds[i]);
        ck_assert_str_eq(s.rec[i].customer, "A");
        ck_assert_str_eq(s.rec[i].journey, "acts");
        ck_assert_str_eq(s.rec[i].node_id, ids[i]);
        ck_assert_uint_eq(s.rec[i].node, et_node(j, ids[i]));
        ck_assert_uint_eq(s.rec[i].entry, 1);
        ck_assert_uint_eq(s.rec[i].step, (uint32_t)i + 2); /* the entry is step 1 */
        ck_assert_int_eq(s.rec[i].at, T0);
    }
    /* "<journey>:<customer>:<entry>:<node>:<step>", as a send's */
    ck_assert_str_eq(s.rec[0].idem, "acts:A:1:tier:2");
    ck_assert_str_eq(s.rec[0].attribute, "customer.tier");
    ck_assert_str_eq(s.rec[0].value, "GOLD");
    ck_assert_str_eq(s.rec[0].tag, "(null)");
    ck_assert_str_eq(s.rec[1].tag, "vip");
    ck_assert_str_eq(s.rec[1].attribute, "(null)");
    ck_assert_str_eq(s.rec[2].tag, "trial");
    ck_assert_str_eq(s.rec[3].event, "WELCOMED");
    ck_assert_str_eq(s.rec[3].value, "(null)");
    /* the send after them carries its fields, not X-Mkt-* headers */
    ck_assert_int_eq(h.nsent, 1);
    ck_assert_str_eq(h.sent[0].template_id, "t1");
    ck_assert_str_eq(h.sent[0].node_id, "m");
    ck_assert_uint_eq(h.sent[0].entry, 1);
    ck_assert_uint_eq(h.sent[0].step, 6);
    ck_assert_str_eq(h.sent[0].idem, "acts:A:1:m:6");
    ck_assert_str_eq(h.sent[0].context, "{\"journey_id\":\"acts\",\"customer_id\":\"A\","
                                        "\"node_id\":\"m\",\"context\":{\"a\":\"x \\\"y\\\"\","
                                        "\"link\":\"{{event.url}}\"}}");
    /* actions count under sent; the emitted event did not feed the engine */
    ck_assert_uint_eq(et_counts(e, j, "acts", "tier").sent, 1);
    ck_assert_uint_eq(et_counts(e, j, "acts", "emit").sent, 1);
    ck_assert_uint_eq(et_counts(e, j, "acts", "x").ended, 1);
    ck_assert_int_eq(et_count_ns(&h, "journey.sent"), 0); /* records go with the save */
    mkt_journey_engine_free(e);
    /* without the callback the journey is refused, naming the first such node */
    const mkt_journey *js[1] = { j };
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, NULL), MKT_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(h.ctx)->message, "node tier"));
    /* options of a caller built before the callback existed: it is not read */
    mkt_journey_engine_options old;
    mkt_journey_engine_options_init(&old);
    old.action = record_action;
    old.struct_size = offsetof(mkt_journey_engine_options, action);
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, &old), MKT_EUNSUPPORTED);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(action_failures_retry_count_and_abort)
{
    et_host h;
    acts s;
    et_init(&h);
    acts_init(&s);
    mkt_journey *j = et_load(h.ctx, acts_xml);
    mkt_journey_engine *e = engine_acting(h.ctx, j, &s);
    /* transient: the update sleeps retry_delay (60 s) and is done at the retry, same key */
    s.fail_from = 0, s.fail_count = 1, s.fail_rc = MKT_EIO;
    ck_assert_int_eq(mkt_journey_engine_enter(e, "acts", "A", T0, NULL), MKT_OK);
    ck_assert_int_eq(s.n, 0);
    ck_assert_int_eq(et_instance(e, "acts", "A").wake_at, T0 + 60);
    ck_assert_uint_eq(et_counts(e, j, "acts", "tier").retried, 1);
    ck_assert_int_eq(et_counts(e, j, "acts", "tier").waiting, 1);
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 60, NULL), MKT_OK);
    ck_assert_int_eq(s.n, 4);
    ck_assert_str_eq(s.rec[0].idem, "acts:A:1:tier:2");
    ck_assert_int_eq(et_counts(e, j, "acts", "tier").waiting, 0);
    ck_assert_uint_eq(et_counts(e, j, "acts", "tier").sent, 1);

    /* permanent: the tag fails for good (counted), the path goes on */
    acts_init(&s);
    s.fail_from = 1, s.fail_count = 1, s.fail_rc = MKT_EINVAL;
    ck_assert_int_eq(mkt_journey_engine_enter(e, "acts", "B", T0 + 100, NULL), MKT_OK);
    ck_assert_int_eq(s.n, 3);
    ck_assert_str_eq(s.rec[1].node_id, "untag");
    ck_assert_uint_eq(et_counts(e, j, "acts", "tag").failed, 1);
    ck_assert_uint_eq(et_counts(e, j, "acts", "tag").sent, 1); /* A's */

    /* abort: nothing of the step is written or counted; the next try reuses the key */
    acts_init(&s);
    s.fail_from = 0, s.fail_count = 1, s.fail_rc = MKT_EUSER;
    mkt_journey_node_counts before = et_counts(e, j, "acts", "e");
    ck_assert_int_eq(mkt_journey_engine_enter(e, "acts", "C", T0 + 200, NULL), MKT_EUSER);
    mkt_journey_instance in = { sizeof in, 0, 0, 0, 0, 0, 0 };
    ck_assert_int_eq(mkt_journey_engine_instance(e, "acts", "C", &in), MKT_ENOTFOUND);
    ck_assert_uint_eq(et_counts(e, j, "acts", "e").entered, before.entered);
    ck_assert_uint_eq(et_counts(e, j, "acts", "tier").entered, 2);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "acts", "C", T0 + 200, NULL), MKT_OK);
    ck_assert_str_eq(s.rec[0].idem, "acts:C:1:tier:2");
    ck_assert_uint_eq(et_counts(e, j, "acts", "e").entered, before.entered + 1);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(crash_between_intent_and_done_repeats_the_key)
{
    et_host h;
    acts s;
    et_init(&h);
    acts_init(&s);
    mkt_journey *j = et_load(h.ctx, later_xml);
    mkt_journey_engine *e = engine_acting(h.ctx, j, &s);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "later", "A", T0, NULL), MKT_OK);
    /* journey.sent writes: 0 = intent, 1 = done (fails: the process "dies" after the call) */
    h.fs.only_ns = "journey.sent";
    h.fs.kinds = FS_WRITE;
    faultstore_arm(&h.fs, 1, 0);
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + HOUR, NULL), MKT_EIO);
    ck_assert_int_eq(s.n, 1);
    mkt_journey_engine_free(e);
    faultstore_arm(&h.fs, -1, 0);
    e = engine_acting(h.ctx, j, &s);
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + DAY, NULL), MKT_OK);
    /* at least once: the update came twice, under one key the host dedups */
    ck_assert_int_eq(s.n, 2);
    ck_assert_str_eq(s.rec[0].idem, "later:A:1:u:3");
    ck_assert_str_eq(s.rec[1].idem, s.rec[0].idem);
    ck_assert_int_eq(et_instance(e, "later", "A").state, MKT_JOURNEY_INSTANCE_DONE);
    ck_assert_int_eq(et_count_ns(&h, "journey.sent"), 0);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

/* The stored counter "<journey>\x1f<node>\x1f<what>" as text ("" when absent). */
static void stored(et_host *h, const char *node, const char *what, char *out, size_t size)
{
    char key[128];
    int n = snprintf(key, sizeof key, "abandoned-cart\x1f%s\x1f%s", node, what);
    char *v = NULL;
    size_t len = 0;
    out[0] = '\0';
    if (mkt_store_get(h->fs.backing, "journey.count", key, (size_t)n, &v, &len, NULL) == MKT_OK)
        snprintf(out, size, "%.*s", (int)len, v);
    mkt_free(v);
}

START_TEST(counts_persist_across_engines)
{
    et_host h;
    char text[32];
    et_init(&h);
    mkt_journey *j = et_load_file(h.ctx, "abandoned-cart.xml");
    mkt_journey_engine *e = et_engine(&h, j);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C2", "CART_ABANDONED", T0 + 10), MKT_OK);
    /* events only gather: nothing stored until a flush */
    ck_assert_int_eq(et_count_ns(&h, "journey.count"), 0);
    ck_assert_int_eq(et_counts(e, j, "abandoned-cart", "cart-abandoned").waiting, 2);
    ck_assert_int_eq(mkt_journey_engine_flush(e), MKT_OK);
    /* entered and waiting of the entry node (asleep for its 1 h delay) */
    ck_assert_int_eq(et_count_ns(&h, "journey.count"), 2);
    stored(&h, "cart-abandoned", "entered", text, sizeof text);
    ck_assert_str_eq(text, "2");
    /* flushing again adds nothing */
    ck_assert_int_eq(mkt_journey_engine_flush(e), MKT_OK);
    stored(&h, "cart-abandoned", "entered", text, sizeof text);
    ck_assert_str_eq(text, "2");
    ck_assert_uint_eq(et_counts(e, j, "abandoned-cart", "cart-abandoned").entered, 2);
    mkt_journey_engine_free(e);

    /* a second engine sees the totals, and wakes the instances the first put to sleep:
     * waiting moves from the entry (2 - 2 = 0) to wait-24h (2), a true total */
    e = et_engine(&h, j);
    ck_assert_uint_eq(et_counts(e, j, "abandoned-cart", "cart-abandoned").entered, 2);
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + HOUR + 10, NULL), MKT_OK);
    mkt_journey_node_counts c = et_counts(e, j, "abandoned-cart", "cart-abandoned");
    ck_assert_int_eq(c.waiting, 0);
    ck_assert_uint_eq(c.exited, 2);
    ck_assert_int_eq(et_counts(e, j, "abandoned-cart", "wait-24h").waiting, 2);
    stored(&h, "cart-abandoned", "waiting", text, sizeof text);
    ck_assert_str_eq(text, "0"); /* +2 by the first engine, -2 flushed by the advance */
    /* one conversion, then a third engine reads every total */
    ck_assert_int_eq(mkt_journey_engine_event(e, "C2", "BOOKING_COMPLETED", T0 + 2 * HOUR),
                     MKT_OK);
    mkt_journey_engine_free(e); /* flushes */
    e = et_engine(&h, j);
    ck_assert_uint_eq(et_counts(e, j, "abandoned-cart", "email-1").sent, 2);
    ck_assert_int_eq(et_counts(e, j, "abandoned-cart", "wait-24h").waiting, 1);
    ck_assert_uint_eq(et_counts(e, j, "abandoned-cart", "booked").converted, 1);
    uint32_t first = 0, n = 0;
    uint64_t taken = 0;
    ck_assert_int_eq(mkt_journey_node_edges(j, et_node(j, "cart-abandoned"), &first, &n),
                     MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_edge_count(e, "abandoned-cart", first, &taken), MKT_OK);
    ck_assert_uint_eq(taken, 2);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(flush_failures_keep_what_is_pending)
{
    et_host h;
    char text[32];
    et_init(&h);
    mkt_journey *j = et_load_file(h.ctx, "abandoned-cart.xml");
    mkt_journey_engine *e = et_engine(&h, j);
    ck_assert_int_eq(mkt_journey_engine_event(e, "C1", "CART_ABANDONED", T0), MKT_OK);
    /* the second increment (waiting) fails: entered is stored, waiting stays pending */
    h.fs.only_ns = "journey.count";
    h.fs.kinds = FS_WRITE;
    faultstore_arm(&h.fs, 1, 0);
    ck_assert_int_eq(mkt_journey_engine_flush(e), MKT_EIO);
    stored(&h, "cart-abandoned", "entered", text, sizeof text);
    ck_assert_str_eq(text, "1");
    stored(&h, "cart-abandoned", "waiting", text, sizeof text);
    ck_assert_str_eq(text, "");
    ck_assert_int_eq(et_counts(e, j, "abandoned-cart", "cart-abandoned").waiting, 1);
    ck_assert_uint_eq(et_counts(e, j, "abandoned-cart", "cart-abandoned").entered, 1);
    ck_assert_int_eq(mkt_journey_engine_flush(e), MKT_OK);
    stored(&h, "cart-abandoned", "waiting", text, sizeof text);
    ck_assert_str_eq(text, "1");
    ck_assert_uint_eq(et_counts(e, j, "abandoned-cart", "cart-abandoned").entered, 1);
    /* a counter that is not a number: reading fails, naming it; unknown names are skipped */
    static const char bad[] = "abandoned-cart\x1f" "email-1\x1f" "sent";
    static const char later[] = "abandoned-cart\x1f" "email-1\x1f" "opened";
    ck_assert_int_eq(mkt_store_put(h.fs.backing, "journey.count", later, sizeof later - 1, "7",
                                   1, MKT_VERSION_ANY, NULL), MKT_OK);
    ck_assert_uint_eq(et_counts(e, j, "abandoned-cart", "email-1").entered, 0);
    ck_assert_int_eq(mkt_store_put(h.fs.backing, "journey.count", bad, sizeof bad - 1, "x", 1,
                                   MKT_VERSION_ANY, NULL), MKT_OK);
    mkt_journey_node_counts c;
    memset(&c, 0, sizeof c);
    c.struct_size = sizeof c;
    ck_assert_int_eq(mkt_journey_engine_counts(e, "abandoned-cart", et_node(j, "email-1"), &c),
                     MKT_EPARSE);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(h.ctx)->message, "not a counter"));
    ck_assert_int_eq(mkt_journey_engine_flush(NULL), MKT_EINVAL);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

static int noop_action(const mkt_journey_action *a, void *user)
{
    (void)a, (void)user;
    return MKT_OK;
}

static int noop_send(const mkt_message *m, void *user)
{
    (void)m, (void)user;
    return MKT_OK;
}

static int alloc_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    fa->host.send = noop_send;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    failalloc_pause(fa);
    mkt_journey *j = NULL;
    rc = mkt_journey_load_xml_memory(&j, ctx, acts_xml, strlen(acts_xml), "a.xml", NULL);
    failalloc_resume(fa);
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    o.action = noop_action;
    mkt_journey_engine *e = NULL;
    const mkt_journey *js[1] = { j };
    if (rc == MKT_OK)
        rc = mkt_journey_engine_new(&e, ctx, js, 1, &o);
    if (rc == MKT_OK)
        rc = mkt_journey_engine_enter(e, "acts", "A", T0, NULL);
    if (rc == MKT_OK)
        rc = mkt_journey_engine_flush(e);
    mkt_journey_node_counts c;
    memset(&c, 0, sizeof c);
    c.struct_size = sizeof c;
    if (rc == MKT_OK)
        rc = mkt_journey_engine_counts(e, "acts", 1, &c);
    if (rc == MKT_OK && c.sent != 1)
        rc = MKT_EINTERNAL;
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(allocation_failures)
{
    ck_assert_int_gt(failalloc_run(alloc_scenario, NULL), 1);
    ck_assert_int_gt(failalloc_run_sticky(alloc_scenario, NULL), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("journey_engine_actions");
    TCase *tc = tcase_create("actions");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, each_action_reaches_the_callback);
    tcase_add_test(tc, action_failures_retry_count_and_abort);
    tcase_add_test(tc, crash_between_intent_and_done_repeats_the_key);
    tcase_add_test(tc, counts_persist_across_engines);
    tcase_add_test(tc, flush_failures_keep_what_is_pending);
    tcase_add_test(tc, allocation_failures);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

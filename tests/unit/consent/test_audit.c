/* SPDX-License-Identifier: MIT */
/*
 * The audit hash chain: record format and hashes against values computed independently
 * (Python hashlib), verification naming the first bad record for every kind of tampering,
 * erasure redaction keeping the chain verifiable, a writer dying between its two steps,
 * failing stores and allocation failures.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit-private.h"
#include "util.h"
#include "failalloc.h"
#include "test_privacy_store.h"

/* ---- helpers ----------------------------------------------------------------------------- */

static void audit(mkt_ctx *ctx, const char *action, const char *subject, const char *detail)
{
    mkt_audit_record r = { sizeof r, 0, "crm", action, subject, detail };
    ck_assert_int_eq(mkt_ctx_audit(ctx, &r), MKT_OK);
}

static mkt_audit_report verify(mkt_ctx *ctx)
{
    mkt_audit_report rep;
    rep.struct_size = sizeof rep;
    ck_assert_int_eq(mkt_audit_verify(ctx, &rep), MKT_OK);
    return rep;
}

static char *get(mkt_ctx *ctx, const char *ns, const char *key)
{
    char *v = NULL;
    ck_assert_int_eq(mkt_store_get(ctx, ns, key, strlen(key), &v, NULL, NULL), MKT_OK);
    return v;
}

static void put(mkt_ctx *ctx, const char *ns, const char *key, const char *value)
{
    ck_assert_int_eq(mkt_store_put(ctx, ns, key, strlen(key), value, strlen(value),
                                   MKT_VERSION_ANY, NULL), MKT_OK);
}

static void del(mkt_ctx *ctx, const char *ns, const char *key)
{
    ck_assert_int_eq(mkt_store_delete(ctx, ns, key, strlen(key), MKT_VERSION_ANY), MKT_OK);
}

/* Replace the first @from in record @key by @to. */
static void edit(mkt_ctx *ctx, const char *key, const char *from, const char *to)
{
    char *v = get(ctx, "audit", key);
    char *hit = strstr(v, from);
    ck_assert_ptr_nonnull(hit);
    char out[1024];
    snprintf(out, sizeof out, "%.*s%s%s", (int)(hit - v), v, to, hit + strlen(from));
    put(ctx, "audit", key, out);
    mkt_free(v);
}

static const char K1[] = "00000000000000000001", K2[] = "00000000000000000002",
                  K3[] = "00000000000000000003", K4[] = "00000000000000000004",
                  K5[] = "00000000000000000005", K6[] = "00000000000000000006",
                  K7[] = "00000000000000000007";

/* A context with the fixed clock and five records, subjects c42 / c7 alternating. */
static mkt_ctx *five(void)
{
    mkt_host h = MKT_HOST_INIT;
    h.now = fixed_clock_1700;
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_OK);
    audit(ctx, "consent.give", "c42", "email; source=web");
    audit(ctx, "consent.give", "c7", NULL);
    audit(ctx, "dnc.add", "c42", "sms stop\nline two");
    audit(ctx, "erase", NULL, NULL);
    audit(ctx, "export", "c7", "access");
    mkt_audit_report rep = verify(ctx);
    ck_assert_int_eq(rep.intact, 1);
    ck_assert_uint_eq(rep.records, 5);
    ck_assert_uint_eq(rep.head_seq, 5);
    return ctx;
}

static void expect(mkt_ctx *ctx, int problem, uint64_t first_bad)
{
    mkt_audit_report rep = verify(ctx);
    ck_assert_int_eq(rep.intact, 0);
    ck_assert_msg(rep.problem == problem && rep.first_bad == first_bad,
                  "problem %d first_bad %llu (want %d, %llu): %s", rep.problem,
                  (unsigned long long)rep.first_bad, problem, (unsigned long long)first_bad,
                  rep.message);
    ck_assert_str_ne(rep.message, "");
    mkt_ctx_free(ctx);
}

/* ---- format and hashes ------------------------------------------------------------------- */

START_TEST(format_and_known_hashes)
{
    mkt_host h = MKT_HOST_INIT;
    h.now = fixed_clock_1700;
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_OK);
    audit(ctx, "erase", NULL, NULL);
    mkt_audit_record r2 = { sizeof r2, 0, NULL, "export", NULL, NULL };
    ck_assert_int_eq(mkt_ctx_audit(ctx, &r2), MKT_OK);
    char *v1 = get(ctx, "audit", K1);
    static const char zeros[] = "0000000000000000000000000000000000000000000000000000000000000000";
    char want[256];
    snprintf(want, sizeof want, "seq=1\nts=1700000000\nactor=crm\naction=erase\nprev=%s\n",
             zeros);
    ck_assert_str_eq(v1, want);
    /* python3: hashlib.sha256(b"seq=1\nts=1700000000\nactor=crm\naction=erase\nprev="
     *                          + b"0" * 64 + b"\n").hexdigest() */
    static const char h1[] = "3c76271d8e50722c83b0e81ad55a416e964c2a61c6d3d5c21466ebd2a8e500d5";
    /* ... and of "seq=2\nts=1700000000\naction=export\nprev=" + h1 + "\n" */
    static const char h2[] = "832d9d0100a07de39e909446dec7ac2f91de9877ba2fd4e112ea6930bf330797";
    char *v2 = get(ctx, "audit", K2);
    snprintf(want, sizeof want, "seq=2\nts=1700000000\naction=export\nprev=%s\n", h1);
    ck_assert_str_eq(v2, want);
    char *head = get(ctx, "audit.head", "head");
    snprintf(want, sizeof want, "2 %s", h2);
    ck_assert_str_eq(head, want);
    mkt_audit_report rep = verify(ctx);
    ck_assert_int_eq(rep.intact, 1);
    ck_assert_int_eq(rep.problem, MKT_AUDIT_INTACT);
    ck_assert_uint_eq(rep.first_bad, 0);
    char hex[65];
    mkt__hex(rep.head_hash, 32, hex);
    ck_assert_str_eq(hex, h2);
    ck_assert_str_eq(rep.message, "");
    /* a host sink chains the same way with mkt_audit_chain_hash */
    uint8_t prev[32] = { 0 }, out[32];
    mkt_audit_record r1 = { sizeof r1, 1700000000, "crm", "erase", NULL, NULL };
    ck_assert_int_eq(mkt_audit_chain_hash(ctx, &r1, 1, prev, out), MKT_OK);
    mkt__hex(out, 32, hex);
    ck_assert_str_eq(hex, h1);
    r2.ts = 1700000000;
    ck_assert_int_eq(mkt_audit_chain_hash(ctx, &r2, 2, out, prev), MKT_OK);
    mkt__hex(prev, 32, hex);
    ck_assert_str_eq(hex, h2);
    mkt_free(v1);
    mkt_free(v2);
    mkt_free(head);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(subject_and_detail_are_keyed_hashes)
{
    mkt_ctx *ctx = five();
    char *v3 = get(ctx, "audit", K3);
    /* chained lines first, then the text the chain does not cover */
    const char *prev = strstr(v3, "\nprev=");
    ck_assert_ptr_nonnull(prev);
    ck_assert_str_eq(prev + 6 + 64, "\nsubject=c42\ndetail=sms stop\\nline two\n");
    uint8_t mac[32], stored[32];
    ck_assert_int_eq(mkt__salted_mac(ctx, "customer", "c42", 3, mac), MKT_OK);
    ck_assert_int_eq(mkt__audit_subject_mac(v3, strlen(v3), stored), 0);
    ck_assert_mem_eq(mac, stored, 32);
    /* the hash covers exactly up to the prev line */
    uint8_t a[32], b[32];
    ck_assert_int_eq(mkt__audit_record_hash(v3, strlen(v3), a), 0);
    mkt__sha256_buf(v3, (size_t)(prev - v3) + 6 + 64 + 1, b);
    ck_assert_mem_eq(a, b, 32);
    ck_assert_int_eq(mkt__audit_record_hash("seq=1\n", 6, a), -1);
    mkt_free(v3);
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- tampering ------------------------------------------------------------------------- */

START_TEST(modified_middle_record)
{
    mkt_ctx *ctx = five();
    edit(ctx, K3, "action=dnc.add", "action=dnc.remove");
    expect(ctx, MKT_AUDIT_MODIFIED, 3);
}
END_TEST

START_TEST(modified_first_and_last_records)
{
    mkt_ctx *ctx = five();
    edit(ctx, K1, "ts=1700000000", "ts=1700000001");
    expect(ctx, MKT_AUDIT_MODIFIED, 1);
    ctx = five();
    edit(ctx, K5, "action=export", "action=exported");
    expect(ctx, MKT_AUDIT_MODIFIED, 5); /* caught by the head */
}
END_TEST

START_TEST(modified_prev_line_names_that_record)
{
    /* record 3 rewritten to chain over something else: link 2->3 and 3->4 both break */
    mkt_ctx *ctx = five();
    char *v = get(ctx, "audit", K3);
    char *p = strstr(v, "prev=") + 5;
    p[0] = p[0] == 'a' ? 'b' : 'a';
    put(ctx, "audit", K3, v);
    mkt_free(v);
    expect(ctx, MKT_AUDIT_MODIFIED, 3);
}
END_TEST

START_TEST(removed_records_are_gaps)
{
    mkt_ctx *ctx = five();
    del(ctx, "audit", K3);
    expect(ctx, MKT_AUDIT_GAP, 3);
    ctx = five();
    del(ctx, "audit", K5); /* the tail: the head still says 5 */
    expect(ctx, MKT_AUDIT_GAP, 5);
    ctx = five();
    del(ctx, "audit", K1);
    expect(ctx, MKT_AUDIT_GAP, 1);
}
END_TEST

START_TEST(reordered_records)
{
    mkt_ctx *ctx = five();
    char *v2 = get(ctx, "audit", K2), *v3 = get(ctx, "audit", K3);
    put(ctx, "audit", K2, v3);
    put(ctx, "audit", K3, v2);
    mkt_free(v2);
    mkt_free(v3);
    expect(ctx, MKT_AUDIT_REORDERED, 2);
}
END_TEST

START_TEST(inserted_records)
{
    /* beyond the head + 1 */
    mkt_ctx *ctx = five();
    put(ctx, "audit", K7, "seq=7\n");
    expect(ctx, MKT_AUDIT_BEYOND_HEAD, 7);
    /* one record after the head that does not chain */
    ctx = five();
    char text[256];
    snprintf(text, sizeof text, "seq=6\nts=1\naction=x\nprev=%064d\n", 0);
    put(ctx, "audit", K6, text);
    expect(ctx, MKT_AUDIT_MODIFIED, 6);
    /* inserted in the middle: renumbering the rest would be needed, so it replaces record 3
     * and the chain breaks at 3 or 4 */
    ctx = five();
    char *v2 = get(ctx, "audit", K2);
    uint8_t h2[32];
    ck_assert_int_eq(mkt__audit_record_hash(v2, strlen(v2), h2), 0);
    char hex[65];
    mkt__hex(h2, 32, hex);
    snprintf(text, sizeof text, "seq=3\nts=1700000000\naction=forged\nprev=%s\n", hex);
    put(ctx, "audit", K3, text);
    mkt_free(v2);
    expect(ctx, MKT_AUDIT_MODIFIED, 3);
}
END_TEST

START_TEST(pending_record_after_head_is_accepted)
{
    /* a writer that stored record 6 and died before moving the head */
    faultstore f;
    faultstore_init(&f);
    mkt_ctx *ctx = faultstore_ctx(&f);
    audit(ctx, "a", NULL, NULL);
    f.only_ns = "audit.head";
    f.kinds = FS_WRITE;
    faultstore_arm(&f, 0, 0);
    mkt_audit_record r = { sizeof r, 0, NULL, "b", "c1", NULL };
    ck_assert_int_eq(mkt_ctx_audit(ctx, &r), MKT_EIO);
    mkt_audit_report rep = verify(ctx);
    ck_assert_int_eq(rep.intact, 1);
    ck_assert_uint_eq(rep.records, 2);
    ck_assert_uint_eq(rep.head_seq, 1);
    /* the next writer (another context on the same store) moves the head over it first */
    mkt_ctx *other = faultstore_ctx(&f);
    audit(other, "c", NULL, NULL);
    rep = verify(ctx);
    ck_assert_int_eq(rep.intact, 1);
    ck_assert_uint_eq(rep.records, 3);
    ck_assert_uint_eq(rep.head_seq, 3);
    mkt_ctx_free(other);
    mkt_ctx_free(ctx);
    faultstore_free(&f);
}
END_TEST

START_TEST(interleaved_writers_never_fork)
{
    faultstore f;
    faultstore_init(&f);
    mkt_ctx *a = faultstore_ctx(&f), *b = faultstore_ctx(&f);
    for (int i = 0; i < 20; i++)
        audit(i % 3 ? a : b, i % 2 ? "x" : "y", "c1", NULL);
    mkt_audit_report rep = verify(a);
    ck_assert_int_eq(rep.intact, 1);
    ck_assert_uint_eq(rep.records, 20);
    mkt_ctx_free(a);
    mkt_ctx_free(b);
    faultstore_free(&f);
}
END_TEST

START_TEST(changed_subject_or_detail)
{
    mkt_ctx *ctx = five();
    edit(ctx, K2, "subject=c7", "subject=c8");
    expect(ctx, MKT_AUDIT_SUBJECT, 2);
    ctx = five();
    edit(ctx, K5, "detail=access", "detail=acces");
    expect(ctx, MKT_AUDIT_SUBJECT, 5);
    ctx = five(); /* a subject added where there was none */
    char *v = get(ctx, "audit", K4);
    char out[512];
    snprintf(out, sizeof out, "%ssubject=c42\n", v);
    put(ctx, "audit", K4, out);
    mkt_free(v);
    expect(ctx, MKT_AUDIT_SUBJECT, 4);
}
END_TEST

START_TEST(head_problems)
{
    mkt_ctx *ctx = five();
    del(ctx, "audit.head", "head");
    expect(ctx, MKT_AUDIT_HEAD, 1);
    ctx = five();
    put(ctx, "audit.head", "head", "5 nothex");
    expect(ctx, MKT_AUDIT_HEAD, 0);
    ctx = five();
    put(ctx, "audit.head", "head", "5 nothex");
    /* a writer refuses to chain onto a garbled head */
    mkt_audit_record r = { sizeof r, 0, NULL, "x", NULL, NULL };
    ck_assert_int_eq(mkt_ctx_audit(ctx, &r), MKT_ETYPE);
    mkt_ctx_free(ctx);
    ctx = five();
    put(ctx, "audit", "zzz", "x");
    expect(ctx, MKT_AUDIT_MALFORMED, 6);
    ctx = five();
    put(ctx, "audit", K2, "no lines at all");
    expect(ctx, MKT_AUDIT_MALFORMED, 2);
    ctx = five();
    edit(ctx, K2, "seq=2", "seq=9");
    expect(ctx, MKT_AUDIT_REORDERED, 2);
}
END_TEST

START_TEST(writer_refuses_damaged_pending_record)
{
    mkt_ctx *ctx = five();
    char text[256];
    snprintf(text, sizeof text, "seq=6\nts=1\naction=x\nprev=%064d\n", 0);
    put(ctx, "audit", K6, text);
    mkt_audit_record r = { sizeof r, 0, NULL, "x", NULL, NULL };
    ck_assert_int_eq(mkt_ctx_audit(ctx, &r), MKT_ESTATE);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "does not chain"));
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(empty_store_is_intact)
{
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    mkt_audit_report rep = verify(ctx);
    ck_assert_int_eq(rep.intact, 1);
    ck_assert_uint_eq(rep.records, 0);
    ck_assert_uint_eq(rep.head_seq, 0);
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- erasure redaction ----------------------------------------------------------------- */

START_TEST(redaction_keeps_the_chain)
{
    mkt_ctx *ctx = five();
    uint8_t mac[32];
    ck_assert_int_eq(mkt__salted_mac(ctx, "customer", "c42", 3, mac), MKT_OK);
    uint64_t n = 99;
    ck_assert_int_eq(mkt__audit_redact(ctx, mac, &n), MKT_OK);
    ck_assert_uint_eq(n, 2); /* records 1 and 3 */
    ck_assert_int_eq(verify(ctx).intact, 1);
    for (const char *k = K1; k; k = k == K1 ? K3 : NULL) {
        char *v = get(ctx, "audit", k);
        ck_assert_ptr_null(strstr(v, "c42"));
        ck_assert_ptr_null(strstr(v, "detail="));
        ck_assert_ptr_nonnull(strstr(v, "subject_mac="));
        mkt_free(v);
    }
    char *v2 = get(ctx, "audit", K2);
    ck_assert_ptr_nonnull(strstr(v2, "subject=c7")); /* others untouched */
    mkt_free(v2);
    ck_assert_int_eq(mkt__audit_redact(ctx, mac, &n), MKT_OK);
    ck_assert_uint_eq(n, 0); /* idempotent */
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- errors and faults ----------------------------------------------------------------- */

START_TEST(argument_errors)
{
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    mkt_audit_report rep;
    rep.struct_size = sizeof rep;
    ck_assert_int_eq(mkt_audit_verify(NULL, &rep), MKT_EINVAL);
    ck_assert_int_eq(mkt_audit_verify(ctx, NULL), MKT_EINVAL);
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->message, "audit verify: report is NULL");
    rep.struct_size = 8;
    ck_assert_int_eq(mkt_audit_verify(ctx, &rep), MKT_EINVAL);
    uint8_t prev[32] = { 0 }, out[32];
    mkt_audit_record r = { sizeof r, 5, NULL, "x", NULL, NULL };
    ck_assert_int_eq(mkt_audit_chain_hash(NULL, &r, 1, prev, out), MKT_EINVAL);
    ck_assert_int_eq(mkt_audit_chain_hash(ctx, NULL, 1, prev, out), MKT_EINVAL);
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->message, "audit chain hash: record is NULL");
    ck_assert_int_eq(mkt_audit_chain_hash(ctx, &r, 1, NULL, out), MKT_EINVAL);
    ck_assert_int_eq(mkt_audit_chain_hash(ctx, &r, 1, prev, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_audit_chain_hash(ctx, &r, 0, prev, out), MKT_EINVAL);
    r.action = NULL;
    ck_assert_int_eq(mkt_audit_chain_hash(ctx, &r, 1, prev, out), MKT_EINVAL);
    r.action = "x";
    r.ts = -1;
    ck_assert_int_eq(mkt_audit_chain_hash(ctx, &r, 1, prev, out), MKT_EINVAL);
    mkt_ctx_free(ctx);
}
END_TEST

/* Every store call failing in turn: the audit call fails (never claims success without a
 * record), and the chain stays verifiable for the writers after it. */
START_TEST(failing_store_never_breaks_the_chain)
{
    for (long at = 0; at < 12; at++) {
        faultstore f;
        faultstore_init(&f);
        mkt_ctx *ctx = faultstore_ctx(&f);
        audit(ctx, "first", "c1", "d");
        faultstore_arm(&f, at, 0);
        mkt_audit_record r = { sizeof r, 0, NULL, "second", "c2", "e" };
        int rc = mkt_ctx_audit(ctx, &r);
        ck_assert(rc == MKT_OK || rc == MKT_EIO);
        faultstore_arm(&f, -1, 0);
        mkt_ctx *fresh = faultstore_ctx(&f); /* no cached salt */
        audit(fresh, "third", "c3", NULL);
        mkt_audit_report rep = verify(fresh);
        ck_assert_msg(rep.intact, "fail at %ld: %s", at, rep.message);
        ck_assert_uint_ge(rep.records, 2);
        mkt_ctx_free(fresh);
        mkt_ctx_free(ctx);
        faultstore_free(&f);
    }
}
END_TEST

START_TEST(verify_reports_store_errors)
{
    faultstore f;
    faultstore_init(&f);
    mkt_ctx *ctx = faultstore_ctx(&f);
    audit(ctx, "first", "c1", NULL);
    mkt_audit_report rep;
    rep.struct_size = sizeof rep;
    for (long at = 0; at < 2; at++) {
        faultstore_arm(&f, at, 0);
        ck_assert_int_eq(mkt_audit_verify(ctx, &rep), MKT_EIO);
    }
    mkt_ctx_free(ctx);
    faultstore_free(&f);
}
END_TEST

static int chain_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    fa->host.now = fixed_clock_1700;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_audit_record r = { sizeof r, 0, "crm", "consent.withdraw", "c42", "by phone\n" };
    rc = mkt_ctx_audit(ctx, &r);
    if (rc == MKT_OK)
        rc = mkt_ctx_audit(ctx, &r);
    mkt_audit_report rep;
    rep.struct_size = sizeof rep;
    if (rc == MKT_OK)
        rc = mkt_audit_verify(ctx, &rep);
    uint8_t mac[32];
    if (rc == MKT_OK)
        rc = mkt__salted_mac(ctx, "customer", "c42", 3, mac);
    if (rc == MKT_OK)
        rc = mkt__audit_redact(ctx, mac, NULL);
    if (rc == MKT_OK) {
        failalloc_pause(fa);
        ck_assert_int_eq(mkt_audit_verify(ctx, &rep), MKT_OK);
        ck_assert_int_eq(rep.intact, 1);
        failalloc_resume(fa);
    }
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(allocation_failures)
{
    ck_assert_int_gt(failalloc_run(chain_scenario, NULL), 5);
    failalloc_run_sticky(chain_scenario, NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("audit");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, format_and_known_hashes);
    tcase_add_test(tc, subject_and_detail_are_keyed_hashes);
    tcase_add_test(tc, modified_middle_record);
    tcase_add_test(tc, modified_first_and_last_records);
    tcase_add_test(tc, modified_prev_line_names_that_record);
    tcase_add_test(tc, removed_records_are_gaps);
    tcase_add_test(tc, reordered_records);
    tcase_add_test(tc, inserted_records);
    tcase_add_test(tc, pending_record_after_head_is_accepted);
    tcase_add_test(tc, interleaved_writers_never_fork);
    tcase_add_test(tc, changed_subject_or_detail);
    tcase_add_test(tc, head_problems);
    tcase_add_test(tc, writer_refuses_damaged_pending_record);
    tcase_add_test(tc, empty_store_is_intact);
    tcase_add_test(tc, redaction_keeps_the_chain);
    tcase_add_test(tc, argument_errors);
    tcase_add_test(tc, failing_store_never_breaks_the_chain);
    tcase_add_test(tc, verify_reports_store_errors);
    tcase_add_test(tc, allocation_failures);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

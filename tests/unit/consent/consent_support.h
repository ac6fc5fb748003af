/* SPDX-License-Identifier: MIT */
/*
 * Test support for the consent suites: a host store that keeps its data in an inner context's
 * memory store and can fail (operation number N, or N and every later one), report a conflict,
 * or let "another process" bump a counter between two operations; plus an audit sink that
 * remembers the actions it saw and can fail.
 */
#ifndef MKT_TEST_CONSENT_SUPPORT_H
#define MKT_TEST_CONSENT_SUPPORT_H

#include "libmarketing.h"

typedef struct fault_store {
    mkt_ctx *inner;       /* holds the data */
    long ops;             /* operations seen */
    long fail_at;         /* operation number to fail (-1: never) */
    int sticky;           /* fail every operation from fail_at on */
    int fail_rc;          /* what a failing operation returns (default MKT_EIO) */
    int conflicts;        /* the next N puts to consent.state report MKT_ECONFLICT */
    long bump_after_op;   /* after this operation, run bump (once; -1 never) */
    const char *bump_ns, *bump_key; /* the bump: +1 on this counter, */
    size_t bump_key_len;
    void (*bump_fn)(struct fault_store *f); /* or this function when set */
} fault_store;

void fault_store_init(fault_store *f);
void fault_store_free(fault_store *f);
/* Ops that use @f; copy into a host's store field. */
void fault_store_ops(fault_store *f, mkt_store_ops *ops);
/* fault_store_init(@f) and a context whose store is @f (NULL if that fails). */
mkt_ctx *fault_store_ctx(fault_store *f);

typedef struct audit_log {
    int count;
    int fail;             /* return MKT_EIO from every call */
    char actions[64][32];
    char subjects[64][64];
} audit_log;

/* A send counter of the customer's "consent.state" record, read by the layout doc/consent.md
 * documents: the count (0 for a slot not written, whose window is INT32_MIN), the window in
 * *window; -1 when there is no record or it is not as documented. */
int64_t consent_counter_slot(mkt_ctx *c, const char *id, int scope, int period,
                             int64_t *window);

int audit_log_sink(const mkt_audit_record *r, void *user_data);
/* How many recorded actions equal @action. */
int audit_log_count(const audit_log *a, const char *action);

#endif

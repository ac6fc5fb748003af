/* SPDX-License-Identifier: MIT */
/*
 * Store keys and counters of offers (layout in doc/offers.md, "Storage"). Keys are built on
 * the stack: validation reads up to four counters and must not allocate for their names.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "offer-private.h"

void mkt__date_key(mkt_date d, int month, char buf[MKT_DATE_BUFSZ])
{
    mkt_date_format(d, buf, MKT_DATE_BUFSZ);
    if (month)
        buf[7] = '\0'; /* "YYYY-MM" of "YYYY-MM-DD" */
}

static void put(struct skey *k, const char *s)
{
    size_t n = strlen(s);
    /* Callers bound every part (ids, routes, dates), so this never truncates; the check
     * keeps the buffer safe if a bound is ever loosened. */
    if (n > sizeof k->b - 1 - k->len)
        n = sizeof k->b - 1 - k->len;
    memcpy(k->b + k->len, s, n);
    k->len += n;
    k->b[k->len] = '\0';
}

void mkt__key(struct skey *k, const char *a, const char *p2, const char *p3, const char *p4)
{
    const char *parts[3] = {p2, p3, p4};
    k->len = 0;
    put(k, a);
    for (int i = 0; i < 3 && parts[i]; i++) {
        put(k, "\x1f");
        put(k, parts[i]);
    }
}

int mkt__counter_get(mkt_ctx *ctx, const char *ns, const struct skey *k, int64_t *out)
{
    char *v = NULL;
    size_t len = 0;
    *out = 0;
    int rc = mkt_store_get(ctx, ns, k->b, k->len, &v, &len, NULL);
    if (rc == MKT_ENOTFOUND)
        return MKT_OK;
    if (rc)
        return rc;
    char *end = NULL;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    int bad = len == 0 || errno || end != v + len;
    mkt_free(v);
    if (bad)
        return mkt__error(ctx, MKT_ETYPE, "store %s: key %.*s is not a counter", ns,
                          (int)strcspn(k->b, "\x1f"), k->b);
    *out = (int64_t)x;
    return MKT_OK;
}

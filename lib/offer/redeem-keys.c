/* SPDX-License-Identifier: MIT */
/*
 * Store keys and counters of offers (layout in doc/offers.md, "Storage"). Keys are built on
 * the stack: validation reads up to four counters and must not allocate for their names.
 * Reads go through a scan with the exact key as prefix: an absent key (the usual case for a
 * customer's first use) is then a quiet miss, where mkt_store_get() would record a "not
 * found" error message on the context each time, which costs more than the read itself.
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

struct peek {
    const struct skey *k;
    char *buf;
    size_t size, len;
    uint64_t version;
    int found;
};

static int peek_visit(const char *key, size_t key_len, const void *value, size_t value_len,
                      uint64_t version, void *data)
{
    struct peek *p = data;
    /* Keys come in ascending order and ours is a prefix of every other match, so it is
     * the first one visited if it exists at all: stop at the first key either way. */
    if (key_len != p->k->len || memcmp(key, p->k->b, key_len) != 0)
        return 1;
    if (value_len >= p->size)
        return MKT_ETYPE;
    memcpy(p->buf, value, value_len);
    p->buf[value_len] = '\0';
    p->len = value_len;
    p->version = version;
    p->found = 1;
    return 1;
}

int mkt__store_peek(mkt_ctx *ctx, const char *ns, const struct skey *k, char *buf,
                    size_t size, size_t *len, uint64_t *version)
{
    struct peek p = {k, buf, size, 0, 0, 0};
    int rc = mkt_store_scan(ctx, ns, k->b, k->len, peek_visit, &p);
    if (rc == MKT_ETYPE)
        return mkt__error(ctx, MKT_ETYPE, "store %s: value too long for its kind", ns);
    if (rc != MKT_OK)
        return rc;
    if (!p.found)
        return MKT_ENOTFOUND;
    if (len)
        *len = p.len;
    if (version)
        *version = p.version;
    return MKT_OK;
}

int mkt__counter_get(mkt_ctx *ctx, const char *ns, const struct skey *k, int64_t *out)
{
    char v[32];
    size_t len = 0;
    *out = 0;
    int rc = mkt__store_peek(ctx, ns, k, v, sizeof v, &len, NULL);
    if (rc == MKT_ENOTFOUND)
        return MKT_OK;
    if (rc && rc != MKT_ETYPE)
        return rc;
    char *end = NULL;
    errno = 0;
    long long x = rc ? 0 : strtoll(v, &end, 10);
    if (rc || len == 0 || errno || end != v + len)
        return mkt__error(ctx, MKT_ETYPE, "store %s: key %.*s is not a counter", ns,
                          (int)strcspn(k->b, "\x1f"), k->b);
    *out = (int64_t)x;
    return MKT_OK;
}

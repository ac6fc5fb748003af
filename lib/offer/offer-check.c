/* SPDX-License-Identifier: MIT */
/*
 * Input checks shared by the offer files (customer and booking ids, currencies), route
 * patterns, and the whole-offer checks mkt_offers_add() runs.
 */
#include <string.h>

#include "data/csv-private.h"
#include "offer-private.h"

int mkt__offer_check_customer(mkt_ctx *ctx, const char *what, const char *id)
{
    size_t len = id ? strlen(id) : 0;
    if (len == 0 || len > CUSTOMER_ID_MAX)
        return mkt__error(ctx, MKT_EINVAL, "%s: customer id must be 1..%d bytes", what,
                          CUSTOMER_ID_MAX);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)id[i] < 0x20)
            return mkt__error(ctx, MKT_EINVAL,
                              "%s: customer id has a control byte (0x%02x) at byte %zu", what,
                              (unsigned)(unsigned char)id[i], i + 1);
    if (!mkt__utf8_valid(id, len))
        return mkt__error(ctx, MKT_EINVAL, "%s: customer id is not valid UTF-8", what);
    return MKT_OK;
}

int mkt__offer_check_booking_id(mkt_ctx *ctx, const char *id)
{
    size_t len = id ? strlen(id) : 0;
    if (len == 0 || len > BOOKING_ID_MAX)
        return mkt__error(ctx, MKT_EINVAL, "booking id must be 1..%d bytes", BOOKING_ID_MAX);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)id[i] < 0x20)
            return mkt__error(ctx, MKT_EINVAL, "booking id has a control byte at byte %zu",
                              i + 1);
    return MKT_OK;
}

int mkt__offer_is_currency(const char *s)
{
    if (!s)
        return 0;
    for (int i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return 0;
    return s[3] == '\0';
}

MKT_EXPORT int32_t mkt_offer_currency_decimals(const char *currency)
{
    return currency ? mkt__currency_decimals(currency) : 2;
}

int32_t mkt__currency_decimals(const char *c)
{
    /* ISO 4217 currencies whose minor unit is not the cent. */
    static const char zero[][4] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
                                   "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF",
                                   "XPF"};
    static const char three[][4] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
    for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
        if (strcmp(c, zero[i]) == 0)
            return 0;
    for (size_t i = 0; i < sizeof three / sizeof three[0]; i++)
        if (strcmp(c, three[i]) == 0)
            return 3;
    return 2;
}

/* Case-insensitive ASCII equality of [s, s+n) and NUL-terminated @pat. */
static int side_eq(const char *s, size_t n, const char *pat)
{
    if (pat[0] == '*' && pat[1] == '\0')
        return 1;
    size_t m = strlen(pat);
    if (m != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c != pat[i])
            return 0;
    }
    return 1;
}

int mkt__offer_route_matches(const mkt_offer *o, const char *route, int excluded)
{
    const char *dash = strchr(route, '-');
    size_t olen = dash ? (size_t)(dash - route) : strlen(route);
    const char *dest = dash ? dash + 1 : "";
    size_t dlen = strlen(dest);
    for (size_t i = 0; i < o->routes.len; i++) {
        const struct route_pat *p = &o->routes.data[i];
        if (p->excluded != excluded)
            continue;
        if (p->origin[0] == '*' && p->dest[0] == '\0')
            return 1; /* "*" alone */
        if (dash && side_eq(route, olen, p->origin) && side_eq(dest, dlen, p->dest))
            return 1;
    }
    return 0;
}

static int bad_route(mkt_offer *o, const char *pattern)
{
    return mkt__error(o->ctx, MKT_EINVAL,
                      "offer %s: route \"%s\" is not ORIGIN-DEST, ORIGIN-*, *-DEST or *",
                      o->id, pattern ? pattern : "(null)");
}

/* Copy one side of a route pattern upper-cased; 0 if empty, too long or a '*' inside. */
static int copy_side(char dst[ROUTE_MAX], const char *s, size_t n)
{
    if (n == 0 || n >= ROUTE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if ((c == '*' && n != 1) || c == '-' || (unsigned char)c < 0x21 || c == 0x7f)
            return 0;
        dst[i] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
    dst[n] = '\0';
    return 1;
}

MKT_EXPORT int mkt_offer_add_route(mkt_offer *o, const char *pattern, int32_t excluded)
{
    if (!o)
        return MKT_EINVAL;
    if (!pattern || (excluded != 0 && excluded != 1))
        return bad_route(o, pattern);
    struct route_pat p = {{0}, {0}, excluded};
    const char *dash = strchr(pattern, '-');
    if (!dash) {
        if (strcmp(pattern, "*") != 0)
            return bad_route(o, pattern);
        p.origin[0] = '*';
    } else if (!copy_side(p.origin, pattern, (size_t)(dash - pattern)) ||
               !copy_side(p.dest, dash + 1, strlen(dash + 1))) {
        return bad_route(o, pattern);
    }
    int rc = MKT__VEC_PUSH(o->ctx, &o->routes, p);
    if (rc == MKT_OK && !excluded)
        o->has_applicable_route = 1;
    return rc;
}

MKT_EXPORT int mkt_offer_add_fare_class(mkt_offer *o, const char *fare, int32_t excluded)
{
    if (!o)
        return MKT_EINVAL;
    size_t n = fare ? strlen(fare) : 0;
    if (n == 0 || n > FARE_MAX || (excluded != 0 && excluded != 1))
        return mkt__error(o->ctx, MKT_EINVAL, "offer %s: a fare class is 1..%d bytes", o->id,
                          FARE_MAX);
    struct fare f = {{0}, excluded};
    for (size_t i = 0; i < n; i++) {
        char c = fare[i];
        if ((unsigned char)c < 0x21 || (unsigned char)c > 0x7e)
            return mkt__error(o->ctx, MKT_EINVAL,
                              "offer %s: fare class \"%s\" is not printable ASCII", o->id,
                              fare);
        f.name[i] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
    int rc = MKT__VEC_PUSH(o->ctx, &o->fares, f);
    if (rc == MKT_OK && !excluded)
        o->has_applicable_fare = 1;
    return rc;
}

int mkt__offer_check_complete(const mkt_offer *o)
{
    mkt_ctx *ctx = o->ctx;
    if (o->kind == 0)
        return mkt__error(ctx, MKT_EINVAL, "offer %s: no discount", o->id);
    const char *needs = o->kind == MKT_DISCOUNT_FIXED ? "a fixed discount"
                        : o->cap ? "a cap"
                        : o->min_purchase ? "a minimum purchase"
                        : o->budget ? "a budget"
                                    : NULL;
    if (needs && o->currency[0] == '\0')
        return mkt__error(ctx, MKT_EINVAL, "offer %s: %s needs a currency", o->id, needs);
    return MKT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * Building offers from <offer> elements that already passed the schema. The schema checks
 * shapes (patterns of dates, amounts, ids); this file checks meaning (a real date, a window
 * in order, an amount that fits the currency's minor unit, a rule that parses) and reports
 * every failure at the element's line. Each element goes through the same mkt_offer_* calls
 * a C host would make, so both paths share one set of rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml-private.h"

static int is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns &&
           xmlStrcmp(n->ns->href, BAD_CAST OFFER_XML_NS) == 0 &&
           xmlStrcmp(n->name, BAD_CAST name) == 0;
}

/* Re-report the context's last error (from an mkt_offer_* call) at @node's line. A value
 * the API calls invalid is, in a file, a parse error at that line. */
static int at(struct mkt__offer_xml *l, const xmlNode *node, int rc)
{
    if (rc == MKT_OK || rc == MKT_ENOMEM)
        return rc;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", mkt_ctx_last_error(l->ctx)->message);
    return mkt__offer_xml_error(l, node, rc == MKT_EINVAL ? MKT_EPARSE : rc, "%s", msg);
}

struct attr {
    xmlChar *v;
};

static const char *get(struct attr *a, const xmlNode *n, const char *name)
{
    a->v = xmlGetProp(n, BAD_CAST name);
    return (const char *)a->v;
}

static void put(struct attr *a)
{
    xmlFree(a->v);
    a->v = NULL;
}

static int date_attr(struct mkt__offer_xml *l, const xmlNode *n, const char *name, mkt_date *d)
{
    struct attr a;
    const char *t = get(&a, n, name);
    int rc = MKT_OK;
    *d = MKT_NULL_DATE;
    if (t && mkt_date_parse(d, t, strlen(t)) != MKT_OK)
        rc = mkt__offer_xml_error(l, n, MKT_EPARSE, "%s: \"%s\" is not a date", name, t);
    put(&a);
    return rc;
}

/* Parse an amount of the offer's currency into minor units. */
static int amount(struct mkt__offer_xml *l, const xmlNode *n, const mkt_offer *o,
                  const char *what, const char *t, int64_t *out)
{
    if (!o->currency[0])
        return mkt__offer_xml_error(l, n, MKT_EPARSE, "%s needs the offer's currency attribute",
                                    what);
    int32_t dec = mkt__currency_decimals(o->currency);
    if (mkt_money_parse(out, t, strlen(t), dec) != MKT_OK)
        return mkt__offer_xml_error(l, n, MKT_EPARSE,
                                    "%s: \"%s\" is not an amount of %s (%d decimals)", what, t,
                                    o->currency, (int)dec);
    return MKT_OK;
}

static int discount(struct mkt__offer_xml *l, const xmlNode *n, mkt_offer *o)
{
    struct attr p, c, a;
    const char *pct = get(&p, n, "percent"), *cap = get(&c, n, "cap"), *amt = get(&a, n, "amount");
    int64_t value = 0, capv = 0;
    int rc = MKT_OK;
    if (pct) {
        if (mkt_money_parse(&value, pct, strlen(pct), 2) != MKT_OK || value < 1 || value > 10000)
            rc = mkt__offer_xml_error(l, n, MKT_EPARSE, "percent \"%s\" is not in 0.01..100",
                                      pct);
        if (rc == MKT_OK && cap)
            rc = amount(l, n, o, "cap", cap, &capv);
        if (rc == MKT_OK)
            rc = at(l, n, mkt_offer_set_discount(o, MKT_DISCOUNT_PERCENT, value, capv));
    } else {
        rc = amount(l, n, o, "amount", amt ? amt : "", &value);
        if (rc == MKT_OK)
            rc = at(l, n, mkt_offer_set_discount(o, MKT_DISCOUNT_FIXED, value, 0));
    }
    put(&p);
    put(&c);
    put(&a);
    return rc;
}

static int window(struct mkt__offer_xml *l, const xmlNode *n, mkt_offer *o, int travel)
{
    mkt_date from, to;
    int rc = date_attr(l, n, "from", &from);
    if (rc == MKT_OK)
        rc = date_attr(l, n, "to", &to);
    if (rc == MKT_OK)
        rc = at(l, n, travel ? mkt_offer_set_travel_window(o, from, to)
                             : mkt_offer_set_booking_window(o, from, to));
    return rc;
}

static int blackout(struct mkt__offer_xml *l, const xmlNode *n, mkt_offer *o)
{
    mkt_date from, to;
    int rc = date_attr(l, n, "from", &from);
    if (rc == MKT_OK)
        rc = date_attr(l, n, "to", &to);
    return rc ? rc : at(l, n, mkt_offer_add_blackout(o, from, to));
}

/* <routes> or <fare-classes>: include/exclude children. */
static int lists(struct mkt__offer_xml *l, const xmlNode *n, mkt_offer *o, int routes)
{
    int rc = MKT_OK;
    for (const xmlNode *k = n->children; k && rc == MKT_OK; k = k->next) {
        int excluded = is(k, "exclude");
        if (!excluded && !is(k, "include"))
            continue;
        xmlChar *t = xmlNodeGetContent(k);
        if (!t)
            return mkt__oom(l->ctx);
        rc = at(l, k, routes ? mkt_offer_add_route(o, (const char *)t, excluded)
                             : mkt_offer_add_fare_class(o, (const char *)t, excluded));
        xmlFree(t);
    }
    return rc;
}

static int text_call(struct mkt__offer_xml *l, const xmlNode *n, mkt_offer *o,
                     int (*fn)(mkt_offer *, const char *))
{
    xmlChar *t = xmlNodeGetContent(n);
    if (!t)
        return mkt__oom(l->ctx);
    int rc = at(l, n, fn(o, (const char *)t));
    xmlFree(t);
    return rc;
}

static int eligible(struct mkt__offer_xml *l, const xmlNode *n, mkt_offer *o)
{
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (is(k, "segment"))
            return text_call(l, k, o, mkt_offer_set_segment_rule);
        if (is(k, "customer"))
            return text_call(l, k, o, mkt_offer_set_customer);
    }
    return MKT_OK;
}

static int limits(struct mkt__offer_xml *l, const xmlNode *n, mkt_offer *o)
{
    static const char *const names[] = {"total", "per-customer", "per-customer-month"};
    static const int32_t kinds[] = {MKT_OFFER_LIMIT_TOTAL, MKT_OFFER_LIMIT_PER_CUSTOMER,
                                    MKT_OFFER_LIMIT_PER_CUSTOMER_MONTH};
    int rc = MKT_OK;
    for (int i = 0; i < 3 && rc == MKT_OK; i++) {
        struct attr a;
        const char *t = get(&a, n, names[i]);
        if (t) /* the schema allows 1..18 digits: fits int64 */
            rc = at(l, n, mkt_offer_set_limit(o, kinds[i], strtoll(t, NULL, 10)));
        put(&a);
    }
    struct attr b;
    const char *t = get(&b, n, "budget");
    int64_t v = 0;
    if (rc == MKT_OK && t && (rc = amount(l, n, o, "budget", t, &v)) == MKT_OK)
        rc = v > 0 ? at(l, n, mkt_offer_set_limit(o, MKT_OFFER_LIMIT_BUDGET, v))
                   : mkt__offer_xml_error(l, n, MKT_EPARSE, "budget must be > 0");
    put(&b);
    return rc;
}

static int code(struct mkt__offer_xml *l, const xmlNode *n, mkt_offer *o)
{
    struct attr c;
    const char *customer = get(&c, n, "customer");
    xmlChar *t = xmlNodeGetContent(n);
    int rc = t ? at(l, n, mkt_offer_add_code(o, (const char *)t, customer)) : mkt__oom(l->ctx);
    xmlFree(t);
    put(&c);
    return rc;
}

static int offer_attrs(struct mkt__offer_xml *l, const xmlNode *n, mkt_offer *o)
{
    struct attr c, s, p, t;
    const char *cur = get(&c, n, "currency"), *stack = get(&s, n, "stackable");
    const char *prio = get(&p, n, "priority"), *ttl = get(&t, n, "reservation-ttl");
    int rc = cur ? at(l, n, mkt_offer_set_currency(o, cur)) : MKT_OK;
    if (rc == MKT_OK)
        rc = at(l, n, mkt_offer_set_stacking(o, stack && strcmp(stack, "true") == 0,
                                             prio ? (int32_t)strtol(prio, NULL, 10) : 0));
    if (rc == MKT_OK && ttl)
        rc = at(l, n, mkt_offer_set_reservation_ttl(o, strtoll(ttl, NULL, 10)));
    put(&c);
    put(&s);
    put(&p);
    put(&t);
    return rc;
}

static int child(struct mkt__offer_xml *l, const xmlNode *k, mkt_offer *o)
{
    if (is(k, "discount"))
        return discount(l, k, o);
    if (is(k, "min-purchase")) {
        xmlChar *t = xmlNodeGetContent(k);
        int64_t v = 0;
        int rc = t ? amount(l, k, o, "min-purchase", (const char *)t, &v) : mkt__oom(l->ctx);
        xmlFree(t);
        return rc ? rc : at(l, k, mkt_offer_set_min_purchase(o, v));
    }
    if (is(k, "booking-window") || is(k, "travel-window"))
        return window(l, k, o, is(k, "travel-window"));
    if (is(k, "blackout"))
        return blackout(l, k, o);
    if (is(k, "routes") || is(k, "fare-classes"))
        return lists(l, k, o, is(k, "routes"));
    if (is(k, "eligible"))
        return eligible(l, k, o);
    if (is(k, "limits"))
        return limits(l, k, o);
    if (is(k, "combine-with"))
        return text_call(l, k, o, mkt_offer_add_combinable);
    if (is(k, "code"))
        return code(l, k, o);
    return MKT_OK; /* <description> and text nodes */
}

static int build_offer(struct mkt__offer_xml *l, mkt_offers *into, const xmlNode *n)
{
    struct attr id;
    mkt_offer *o = NULL;
    int rc = at(l, n, mkt_offer_new(&o, l->ctx, get(&id, n, "id")));
    put(&id);
    if (rc == MKT_OK)
        rc = offer_attrs(l, n, o);
    for (const xmlNode *k = n->children; k && rc == MKT_OK; k = k->next)
        rc = child(l, k, o);
    if (rc != MKT_OK) {
        mkt_offer_free(o);
        return rc;
    }
    return at(l, n, mkt_offers_add(into, o)); /* takes @o whatever happens */
}

int mkt__offer_xml_build(struct mkt__offer_xml *l, mkt_offers *into, xmlDocPtr doc)
{
    const xmlNode *root = xmlDocGetRootElement(doc);
    int rc = MKT_OK;
    for (const xmlNode *k = root ? root->children : NULL; k && rc == MKT_OK; k = k->next)
        if (is(k, "offer"))
            rc = build_offer(l, into, k);
    return rc;
}

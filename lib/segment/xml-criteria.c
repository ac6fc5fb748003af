/* SPDX-License-Identifier: MIT */
/*
 * The structured form of a segment definition, after the product brief's SegmentCriteria:
 * <criteria logic="AND|OR"> holding <condition field= operator= value=/> elements (a list as
 * <value> children) and nested <criteria>. Operators are any name mkt_rule_op_from_name()
 * knows (">=", "IN", "GREATER_THAN_OR_EQUAL", "not_in", ...). A value is typed by its text:
 * true/false, a number, `today [+|- N days]`, else a string; type="string" forces text.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xml-private.h"

#define MAX_DEPTH 64u
#define MAX_VALUES 10000u

static int is_number(const char *s)
{
    const char *p = s + (*s == '-');
    size_t digits = strspn(p, "0123456789");
    if (digits == 0)
        return 0;
    p += digits;
    if (*p == '.') {
        size_t frac = strspn(p + 1, "0123456789");
        if (frac == 0)
            return 0;
        p += 1 + frac;
    }
    return *p == '\0';
}

/* "today", "today - 30 days", "today + 1 day" (spaces optional around the sign). */
static int parse_today(const char *s, int64_t *days)
{
    if (strncasecmp(s, "today", 5) != 0)
        return 0;
    s += 5;
    s += strspn(s, " ");
    if (*s == '\0') {
        *days = 0;
        return 1;
    }
    int sign = *s == '-' ? -1 : *s == '+' ? 1 : 0;
    if (!sign)
        return 0;
    s++;
    s += strspn(s, " ");
    size_t nd = strspn(s, "0123456789");
    if (nd == 0 || nd > 6)
        return 0;
    int64_t n = strtoll(s, NULL, 10);
    s += nd;
    s += strspn(s, " ");
    if (strcasecmp(s, "day") != 0 && strcasecmp(s, "days") != 0)
        return 0;
    *days = sign * n;
    return 1;
}

/* Type the text of one value (borrowed by @v). */
static void typed_value(const char *s, int force_string, mkt_rule_value *v)
{
    *v = (mkt_rule_value){sizeof *v, MKT_VALUE_STRING, s, strlen(s), 0};
    if (force_string)
        return;
    if (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0) {
        v->kind = MKT_VALUE_BOOL;
        v->integer = s[0] == 't' || s[0] == 'T';
    } else if (is_number(s)) {
        errno = 0;
        long long i = strchr(s, '.') ? 0 : strtoll(s, NULL, 10);
        v->kind = strchr(s, '.') || errno == ERANGE ? MKT_VALUE_DECIMAL : MKT_VALUE_INT;
        v->integer = i;
    } else if (parse_today(s, &v->integer)) {
        v->kind = MKT_VALUE_TODAY;
    }
}

/* The value texts of a condition: its value attribute, or its <value> children. */
static int collect_values(struct mkt__xml_load *l, const xmlNode *cond, xmlChar **texts,
                          size_t *n)
{
    *n = 0;
    xmlChar *attr = xmlGetProp(cond, BAD_CAST "value");
    if (attr) {
        texts[(*n)++] = attr;
        return MKT_OK;
    }
    for (const xmlNode *k = cond->children; k; k = k->next) {
        if (!mkt__xml_is(k, "value"))
            continue;
        if (*n >= MAX_VALUES)
            return mkt__xml_error(l, k, MKT_ETOOBIG, "more than %u values", MAX_VALUES);
        if (!(texts[(*n)++] = xmlNodeGetContent(k)))
            return mkt__oom(l->ctx);
    }
    return MKT_OK;
}

/* Rewrite the builder's error (no position) as a parse error at the condition's line. */
static int condition_error(struct mkt__xml_load *l, const xmlNode *cond, int rc)
{
    if (rc == MKT_ENOMEM)
        return rc;
    const mkt_error *e = mkt_ctx_last_error(l->ctx);
    char *msg = mkt__strdup(l->ctx, e && e->message ? e->message : mkt_strerror(rc));
    if (!msg)
        return mkt__oom(l->ctx);
    rc = mkt__xml_error(l, cond, MKT_EPARSE, "%s", msg);
    mkt__free(l->ctx, msg);
    return rc;
}

static int flags_of(const xmlNode *cond)
{
    xmlChar *c = xmlGetProp(cond, BAD_CAST "case");
    int f = !c ? 0 : xmlStrcmp(c, BAD_CAST "insensitive") == 0 ? MKT_RULE_CI : MKT_RULE_CS;
    xmlFree(c);
    return f;
}

static int build_condition(struct mkt__xml_load *l, const xmlNode *cond, xmlChar **texts,
                           mkt_rule_value *vals, mkt_rule **out)
{
    size_t n = 0;
    xmlChar *field = xmlGetProp(cond, BAD_CAST "field");
    xmlChar *opname = xmlGetProp(cond, BAD_CAST "operator");
    xmlChar *type = xmlGetProp(cond, BAD_CAST "type");
    int32_t op = 0;
    int rc = !field || !opname ? mkt__xml_error(l, cond, MKT_EPARSE, "condition needs field "
                                                "and operator")
             : mkt_rule_op_from_name((const char *)opname, &op) != MKT_OK
                 ? mkt__xml_error(l, cond, MKT_EPARSE, "unknown operator '%.80s'",
                                  (const char *)opname)
                 : collect_values(l, cond, texts, &n);
    int force = type && xmlStrcmp(type, BAD_CAST "string") == 0;
    for (size_t i = 0; rc == MKT_OK && i < n; i++)
        typed_value((const char *)texts[i], force, &vals[i]);
    if (rc == MKT_OK) {
        rc = mkt_rule_condition(out, l->ctx, (const char *)field, op, n ? vals : NULL, n,
                                flags_of(cond));
        if (rc != MKT_OK)
            rc = condition_error(l, cond, rc);
    }
    for (size_t i = 0; i < n; i++)
        xmlFree(texts[i]);
    xmlFree(field);
    xmlFree(opname);
    xmlFree(type);
    return rc;
}

static int condition(struct mkt__xml_load *l, const xmlNode *cond, mkt_rule **out)
{
    size_t cap = 1; /* the value attribute, or the <value> children (bounded below) */
    for (const xmlNode *k = cond->children; k && cap <= MAX_VALUES; k = k->next)
        cap += mkt__xml_is(k, "value");
    xmlChar **texts = mkt__calloc(l->ctx, cap, sizeof *texts);
    mkt_rule_value *vals = mkt__calloc(l->ctx, cap, sizeof *vals);
    int rc = texts && vals ? build_condition(l, cond, texts, vals, out) : mkt__oom(l->ctx);
    mkt__free(l->ctx, texts);
    mkt__free(l->ctx, vals);
    return rc;
}

static int child_rule(struct mkt__xml_load *l, const xmlNode *k, uint32_t depth,
                      mkt_rule **out)
{
    return mkt__xml_is(k, "condition") ? condition(l, k, out)
                                       : mkt__xml_criteria(l, k, depth + 1, out);
}

/* Build the children of @crit into @kids (grown as needed); *n gets their number. */
static int build_children(struct mkt__xml_load *l, const xmlNode *crit, uint32_t depth,
                          mkt_rule ***kids, size_t *n)
{
    size_t cap = 0;
    int rc = MKT_OK;
    for (const xmlNode *k = crit->children; k && rc == MKT_OK; k = k->next) {
        if (!mkt__xml_is(k, "condition") && !mkt__xml_is(k, "criteria"))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            mkt_rule **p = mkt__reallocarray(l->ctx, *kids, cap, sizeof *p);
            if (!p)
                return mkt__oom(l->ctx);
            *kids = p;
        }
        mkt_rule *r = NULL;
        rc = child_rule(l, k, depth, &r);
        if (rc == MKT_OK)
            (*kids)[(*n)++] = r;
    }
    if (rc == MKT_OK && *n == 0)
        rc = mkt__xml_error(l, crit, MKT_EPARSE, "criteria without conditions");
    return rc;
}

int mkt__xml_criteria(struct mkt__xml_load *l, const xmlNode *crit, uint32_t depth,
                      mkt_rule **out)
{
    if (depth > MAX_DEPTH)
        return mkt__xml_error(l, crit, MKT_ETOOBIG, "criteria nested more than %u deep",
                              MAX_DEPTH);
    xmlChar *logic = xmlGetProp(crit, BAD_CAST "logic");
    int is_or = logic && xmlStrcasecmp(logic, BAD_CAST "OR") == 0;
    xmlFree(logic);
    mkt_rule **kids = NULL;
    size_t n = 0;
    int rc = build_children(l, crit, depth, &kids, &n);
    if (rc == MKT_OK)
        rc = (is_or ? mkt_rule_or : mkt_rule_and)(out, l->ctx, (const mkt_rule *const *)kids, n);
    for (size_t i = 0; i < n; i++)
        mkt_rule_free(kids[i]);
    mkt__free(l->ctx, kids);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * The segment catalog object: an ordered list of definitions with two hash indexes (id and
 * name, interned so that the intern id is the definition's index), adding from text or from a
 * built rule, lookup, and compilation that resolves `in segment 'Name'` through the catalog.
 * Unavailable definitions still try to compile (a module may have added their fields); when
 * they fail, the error says why they are unavailable.
 */
#include <string.h>

#include "catalog-private.h"

MKT_EXPORT int mkt_catalog_new(mkt_catalog **out, mkt_ctx *ctx)
{
    if (!out)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_catalog_new: NULL out") : MKT_EINVAL;
    *out = NULL;
    if (!ctx)
        return MKT_EINVAL;
    mkt_catalog *c = mkt__calloc(ctx, 1, sizeof *c);
    if (!c)
        return mkt__oom(ctx);
    c->ctx = ctx;
    mkt__intern_init(&c->ids, ctx);
    mkt__intern_init(&c->names, ctx);
    *out = c;
    return MKT_OK;
}

static void def_free(mkt_ctx *ctx, struct mkt__catdef *d)
{
    char *strs[] = {d->id, d->name, d->category, d->description, d->unavailable, d->source,
                    d->rule_text};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        mkt__free(ctx, strs[i]);
    mkt_rule_free(d->rule);
    memset(d, 0, sizeof *d);
}

MKT_EXPORT void mkt_catalog_free(mkt_catalog *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        def_free(c->ctx, &c->defs[i]);
    mkt__free(c->ctx, c->defs);
    mkt__intern_free(&c->ids);
    mkt__intern_free(&c->names);
    mkt__free(c->ctx, c);
}

/* Ids are lower-case words of letters and digits joined by single hyphens. */
static int id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 128 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        int word = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
        if (!word && !(ch == '-' && s[i + 1] != '-'))
            return 0;
    }
    return 1;
}

static int check_def(mkt_catalog *c, const mkt_segment_def *d, uint32_t line)
{
    const char *src = d->source;
    if (!d->id || !id_ok(d->id))
        return mkt__error_at(c->ctx, MKT_EINVAL, src, line, 0, NULL,
                             "segment id '%s' is invalid: expected lower-case letters and "
                             "digits joined by '-' (at most 128 bytes)",
                             d->id ? d->id : "(null)");
    if (!d->name || !d->name[0] || strlen(d->name) > 256)
        return mkt__error_at(c->ctx, MKT_EINVAL, src, line, 0, NULL,
                             "segment '%s' needs a name of 1 to 256 bytes", d->id);
    uint32_t k;
    if (mkt__intern_find(&c->ids, d->id, strlen(d->id), &k))
        return mkt__error_at(c->ctx, MKT_EEXIST, src, line, 0, NULL,
                             "duplicate segment id '%s'", d->id);
    if (mkt__intern_find(&c->names, d->name, strlen(d->name), &k))
        return mkt__error_at(c->ctx, MKT_EEXIST, src, line, 0, NULL,
                             "duplicate segment name '%s'", d->name);
    if (c->n >= MKT__CATALOG_MAX)
        return mkt__error_at(c->ctx, MKT_ETOOBIG, src, line, 0, NULL,
                             "a catalog holds at most %u segments", MKT__CATALOG_MAX);
    return MKT_OK;
}

/* Copy an optional string; 0 on success. */
static int dup_opt(mkt_ctx *ctx, char **dst, const char *s)
{
    *dst = s ? mkt__strdup(ctx, s) : NULL;
    return s && !*dst;
}

static int fill_def(mkt_catalog *c, struct mkt__catdef *d, const mkt_segment_def *in,
                    mkt_rule *rule)
{
    mkt__buf b;
    mkt__buf_init(&b, c->ctx);
    int bad = dup_opt(c->ctx, &d->id, in->id) | dup_opt(c->ctx, &d->name, in->name) |
              dup_opt(c->ctx, &d->category, in->category) |
              dup_opt(c->ctx, &d->description, in->description) |
              dup_opt(c->ctx, &d->unavailable, in->unavailable) |
              dup_opt(c->ctx, &d->source, in->source);
    if (!bad && mkt__format_rule(&b, rule) == MKT_OK)
        d->rule_text = mkt__buf_detach(&b, NULL);
    mkt__buf_free(&b);
    d->rule = rule;
    d->line = in->line;
    return bad || !d->rule_text ? mkt__oom(c->ctx) : MKT_OK;
}

static int grow(mkt_catalog *c)
{
    if (c->n < c->cap)
        return MKT_OK;
    size_t cap = c->cap ? c->cap * 2 : 16;
    struct mkt__catdef *p = mkt__reallocarray(c->ctx, c->defs, cap, sizeof *p);
    if (!p)
        return mkt__oom(c->ctx);
    c->defs = p;
    c->cap = cap;
    return MKT_OK;
}

int mkt__catalog_add_rule(mkt_catalog *c, const mkt_segment_def *def, mkt_rule *rule,
                          uint32_t def_line)
{
    int rc = check_def(c, def, def_line);
    if (rc == MKT_OK)
        rc = grow(c);
    if (rc != MKT_OK) {
        mkt_rule_free(rule);
        return rc;
    }
    struct mkt__catdef *d = &c->defs[c->n];
    memset(d, 0, sizeof *d);
    uint32_t nid = mkt__intern_count(&c->ids), k;
    rc = fill_def(c, d, def, rule);
    if (rc == MKT_OK)
        rc = mkt__intern_put(&c->ids, def->id, strlen(def->id), &k, NULL);
    if (rc == MKT_OK)
        rc = mkt__intern_put(&c->names, def->name, strlen(def->name), &k, NULL);
    if (rc != MKT_OK) {
        mkt__intern_truncate(&c->ids, nid);
        mkt__intern_truncate(&c->names, nid);
        def_free(c->ctx, d); /* frees the rule too */
        return rc;
    }
    c->n++;
    return MKT_OK;
}

MKT_EXPORT int mkt_catalog_add(mkt_catalog *c, const mkt_segment_def *def)
{
    if (!c)
        return MKT_EINVAL;
    if (!def || def->struct_size < sizeof(mkt_segment_def))
        return mkt__error(c->ctx, MKT_EINVAL, "mkt_catalog_add: NULL or too small definition");
    uint32_t line = def->line ? def->line : 1;
    if (!def->rule)
        return mkt__error_at(c->ctx, MKT_EINVAL, def->source, line, 0, NULL,
                             "segment '%s' has no rule", def->id ? def->id : "(null)");
    int rc = check_def(c, def, line);
    if (rc != MKT_OK)
        return rc;
    mkt_rule_parse_options o;
    mkt_rule_parse_options_init(&o);
    o.source = def->source;
    o.first_line = line;
    mkt_rule *rule = NULL;
    rc = mkt_rule_parse(&rule, c->ctx, def->rule, strlen(def->rule), &o);
    return rc == MKT_OK ? mkt__catalog_add_rule(c, def, rule, line) : rc;
}

int mkt__catalog_merge(mkt_catalog *dst, mkt_catalog *src)
{
    size_t base = dst->n;
    uint32_t nid = mkt__intern_count(&dst->ids);
    int rc = MKT_OK;
    size_t i = 0;
    for (; i < src->n && rc == MKT_OK; i++) {
        struct mkt__catdef *d = &src->defs[i];
        mkt_segment_def def = {sizeof def,   d->id,     d->name,   d->category, d->description,
                               d->rule_text, d->unavailable, d->source, d->line};
        mkt_rule *r = d->rule;
        d->rule = NULL;
        rc = mkt__catalog_add_rule(dst, &def, r, d->line);
    }
    if (rc != MKT_OK) { /* undo: move the rules back is not needed, src is discarded */
        while (dst->n > base)
            def_free(dst->ctx, &dst->defs[--dst->n]);
        mkt__intern_truncate(&dst->ids, nid);
        mkt__intern_truncate(&dst->names, nid);
    }
    for (size_t k = 0; k < src->n; k++)
        def_free(src->ctx, &src->defs[k]);
    src->n = 0;
    mkt__intern_truncate(&src->ids, 0);
    mkt__intern_truncate(&src->names, 0);
    return rc;
}

MKT_EXPORT int mkt_segment_def_init(mkt_segment_def *def)
{
    if (!def)
        return MKT_EINVAL;
    *def = (mkt_segment_def)MKT_SEGMENT_DEF_INIT;
    return MKT_OK;
}

MKT_EXPORT size_t mkt_catalog_count(const mkt_catalog *c)
{
    return c ? c->n : 0;
}

MKT_EXPORT int mkt_catalog_get(const mkt_catalog *c, size_t index, mkt_segment_def *out)
{
    if (!c || !out || out->struct_size < sizeof(mkt_segment_def))
        return MKT_EINVAL;
    if (index >= c->n)
        return MKT_ENOTFOUND;
    const struct mkt__catdef *d = &c->defs[index];
    *out = (mkt_segment_def){sizeof *out,  d->id,     d->name,   d->category, d->description,
                             d->rule_text, d->unavailable, d->source, d->line};
    return MKT_OK;
}

MKT_EXPORT int mkt_catalog_find(const mkt_catalog *c, const char *key, size_t *index)
{
    if (!c || !key || !index)
        return MKT_EINVAL;
    uint32_t k;
    size_t n = strlen(key);
    if (mkt__intern_find(&c->names, key, n, &k) || mkt__intern_find(&c->ids, key, n, &k)) {
        *index = k;
        return MKT_OK;
    }
    return MKT_ENOTFOUND;
}

MKT_EXPORT const mkt_rule *mkt_catalog_rule(const mkt_catalog *c, size_t index)
{
    return c && index < c->n ? c->defs[index].rule : NULL;
}

MKT_EXPORT int mkt_catalog_resolve(const char *name, const mkt_rule **rule, void *catalog)
{
    size_t i;
    if (!rule)
        return MKT_EINVAL;
    int rc = mkt_catalog_find(catalog, name, &i);
    if (rc == MKT_OK)
        *rule = mkt_catalog_rule(catalog, i);
    return rc;
}

MKT_EXPORT const char *mkt_catalog_xml_schema(void)
{
    return mkt__segments_rng;
}

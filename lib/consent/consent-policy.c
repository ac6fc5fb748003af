/* SPDX-License-Identifier: MIT */
/*
 * The consent policy object: options (organisation-wide caps, the channels under quiet hours,
 * channels with implied consent), the quiet-hours rules (added one by one or loaded from a
 * CSV file) and the time-zone cache the decision uses.
 */
#include <inttypes.h>
#include <string.h>

#include "consent-private.h"
#include "data/csv-private.h"

#define DEFAULT_START (8 * 3600)
#define DEFAULT_END (21 * 3600)

MKT_EXPORT int mkt_consent_options_init(mkt_consent_options *opts)
{
    if (opts == NULL)
        return MKT_EINVAL;
    mkt_consent_options d = MKT_CONSENT_OPTIONS_INIT;
    *opts = d;
    return MKT_OK;
}

static int check_options(mkt_ctx *ctx, const mkt_consent_options *o)
{
    const int32_t caps[] = { o->daily_cap, o->weekly_cap, o->monthly_cap };
    for (int k = 0; k < 3; k++)
        if (caps[k] < 0 || caps[k] > MKT__CAP_MAX)
            return mkt__error(ctx, MKT_EINVAL, "mkt_consent_new: cap %" PRId32 " is outside "
                              "0..%d", caps[k], MKT__CAP_MAX);
    const uint32_t channels = ((1u << (MKT__NCHANNELS + 1)) - 1) & ~1u;
    if ((o->quiet_channels & ~channels) || (o->implied_consent_channels & ~channels))
        return mkt__error(ctx, MKT_EINVAL, "mkt_consent_new: a channel mask has bits other "
                          "than 1u << 1 .. 1u << 6");
    return MKT_OK;
}

MKT_EXPORT int mkt_consent_new(mkt_consent **out, mkt_ctx *ctx, const mkt_consent_options *opts)
{
    if (out == NULL || ctx == NULL)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_consent_new: out is NULL") : MKT_EINVAL;
    *out = NULL;
    mkt_consent_options o = MKT_CONSENT_OPTIONS_INIT;
    if (opts) {
        if (opts->struct_size < sizeof(size_t) || opts->struct_size > 4096)
            return mkt__error(ctx, MKT_EINVAL, "mkt_consent_new: options struct_size %zu is "
                              "not valid", opts->struct_size);
        memcpy(&o, opts, opts->struct_size < sizeof o ? opts->struct_size : sizeof o);
        o.struct_size = sizeof o;
    }
    int rc = check_options(ctx, &o);
    if (rc)
        return rc;
    mkt_consent *c = mkt__calloc(ctx, 1, sizeof *c);
    if (c == NULL)
        return mkt__oom(ctx);
    c->ctx = ctx;
    c->opts = o;
    c->default_zone = mkt__strdup(ctx, o.default_zone ? o.default_zone : "UTC");
    rc = c->default_zone ? mkt__tz_cache_init(&c->tz, ctx, o.zoneinfo_dir) : mkt__oom(ctx);
    if (rc) {
        mkt__free(ctx, c->default_zone);
        mkt__free(ctx, c);
        return rc;
    }
    c->opts.default_zone = c->default_zone;
    c->opts.zoneinfo_dir = c->tz.dir;
    *out = c;
    return MKT_OK;
}

MKT_EXPORT void mkt_consent_free(mkt_consent *c)
{
    if (c == NULL)
        return;
    mkt__tz_cache_free(&c->tz);
    mkt__free(c->ctx, c->default_zone);
    mkt__free(c->ctx, c->rules);
    mkt__free(c->ctx, c);
}

/* "" or "CC" or "CC-XXX" (ISO 3166-1 alpha-2, then an ISO 3166-2 subdivision). */
static int valid_region(const char *r)
{
    size_t n = strlen(r);
    if (n == 0)
        return 1;
    if (n < 2 || n > MKT__REGION_MAX || !(r[0] >= 'A' && r[0] <= 'Z') ||
        !(r[1] >= 'A' && r[1] <= 'Z') || (n > 2 && (r[2] != '-' || n == 3)))
        return 0;
    for (size_t i = 3; i < n; i++)
        if (!((r[i] >= 'A' && r[i] <= 'Z') || (r[i] >= '0' && r[i] <= '9')))
            return 0;
    return 1;
}

static int add_rule(mkt_consent *c, const struct mkt__quiet_rule *rule)
{
    for (uint32_t i = 0; i < c->nrules; i++) {
        if (strcmp(c->rules[i].region, rule->region) == 0) {
            c->rules[i] = *rule;
            return MKT_OK;
        }
    }
    if (c->nrules == c->rules_cap) {
        uint32_t cap = c->rules_cap ? c->rules_cap * 2 : 8;
        struct mkt__quiet_rule *r = mkt__reallocarray(c->ctx, c->rules, cap, sizeof *r);
        if (r == NULL)
            return mkt__oom(c->ctx);
        c->rules = r;
        c->rules_cap = cap;
    }
    c->rules[c->nrules++] = *rule;
    return MKT_OK;
}

MKT_EXPORT int mkt_consent_add_quiet_rule(mkt_consent *c, const mkt_quiet_rule *rule)
{
    if (c == NULL)
        return MKT_EINVAL;
    const char *where = "mkt_consent_add_quiet_rule";
    if (rule == NULL || rule->struct_size < sizeof(mkt_quiet_rule))
        return mkt__error(c->ctx, MKT_EINVAL, "%s: rule is NULL or its struct_size is too "
                          "small", where);
    const char *region = rule->region ? rule->region : "";
    if (!valid_region(region))
        return mkt__error(c->ctx, MKT_EINVAL, "%s: region '%s' is not \"\", \"CC\" or "
                          "\"CC-SUB\" (ISO 3166, upper case)", where, region);
    if (rule->start_minute < 0 || rule->start_minute >= 1440 ||
        rule->end_minute <= rule->start_minute || rule->end_minute > 1440)
        return mkt__error(c->ctx, MKT_EINVAL, "%s: window %" PRId32 "..%" PRId32 " minutes "
                          "is not within 0..1440 with start < end", where, rule->start_minute,
                          rule->end_minute);
    if (rule->days == 0 || (rule->days & ~MKT_DAYS_ALL))
        return mkt__error(c->ctx, MKT_EINVAL, "%s: days 0x%" PRIx32 " must be a non-empty "
                          "set of bits 0..6", where, rule->days);
    struct mkt__quiet_rule r;
    memset(&r, 0, sizeof r);
    memcpy(r.region, region, strlen(region));
    r.start = rule->start_minute * 60;
    r.end = rule->end_minute * 60;
    r.days = rule->days;
    return add_rule(c, &r);
}

const struct mkt__quiet_rule *mkt__quiet_rule_for(const mkt_consent *c, const char *region)
{
    static const struct mkt__quiet_rule builtin = { "", DEFAULT_START, DEFAULT_END,
                                                    MKT_DAYS_ALL };
    const struct mkt__quiet_rule *country = NULL, *fallback = NULL;
    size_t n = region ? strlen(region) : 0;
    for (uint32_t i = 0; i < c->nrules; i++) {
        const struct mkt__quiet_rule *r = &c->rules[i];
        if (r->region[0] == '\0')
            fallback = r;
        else if (n && strcmp(r->region, region) == 0)
            return r;
        else if (n > 2 && r->region[2] == '\0' && memcmp(r->region, region, 2) == 0 &&
                 region[2] == '-')
            country = r;
    }
    return country ? country : fallback ? fallback : &builtin;
}

/* ---- the CSV form -------------------------------------------------------------------------- */

static int parse_hhmm(const char *s, size_t n, int32_t *minute)
{
    if (n != 5 || s[2] != ':')
        return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 24 || m > 59 || (h == 24 && m != 0))
        return -1;
    *minute = h * 60 + m;
    return 0;
}

static int day_index(const char *s, size_t n)
{
    static const char names[] = "MonTueWedThuFriSatSun";
    if (n != 3)
        return -1;
    for (int i = 0; i < 7; i++)
        if ((s[0] | 0x20) == (names[3 * i] | 0x20) && (s[1] | 0x20) == names[3 * i + 1] &&
            (s[2] | 0x20) == names[3 * i + 2])
            return i;
    return -1;
}

/* "all", or day items joined by '+': "Mon", or a range "Mon-Fri" / "Sat-Mon" (wraps). */
static int parse_days(const char *s, size_t n, uint32_t *days)
{
    if (n == 3 && (s[0] | 0x20) == 'a' && (s[1] | 0x20) == 'l' && (s[2] | 0x20) == 'l') {
        *days = MKT_DAYS_ALL;
        return 0;
    }
    *days = 0;
    size_t i = 0;
    for (;;) {
        int a = n - i >= 3 ? day_index(s + i, 3) : -1, b = a;
        i += 3;
        if (a >= 0 && i < n && s[i] == '-') {
            b = n - i - 1 >= 3 ? day_index(s + i + 1, 3) : -1;
            i += 4;
        }
        if (a < 0 || b < 0)
            return -1;
        for (int d = a;; d = (d + 1) % 7) {
            *days |= 1u << d;
            if (d == b)
                break;
        }
        if (i == n)
            return 0;
        if (s[i] != '+')
            return -1;
        i++;
    }
}

static int load_row(mkt_consent *c, mkt__csv *r)
{
    if (r->nfields != 4)
        return mkt__csv_error(r, MKT_EPARSE, r->nfields < 4 ? r->nfields : 4,
                              "expected 4 fields (region,start,end,days), found %zu",
                              r->nfields);
    const struct mkt__csv_field *f = r->fields;
    char region[MKT__REGION_MAX + 1];
    if (f[0].len > MKT__REGION_MAX)
        return mkt__csv_error(r, MKT_EPARSE, 0, "region is too long");
    memcpy(region, f[0].ptr, f[0].len);
    region[f[0].len] = '\0';
    mkt_quiet_rule q = { sizeof q, region, 0, 0, 0 };
    if (!valid_region(region))
        return mkt__csv_error(r, MKT_EPARSE, 0, "region '%s' is not \"\", \"CC\" or \"CC-SUB\"",
                              region);
    if (parse_hhmm(f[1].ptr, f[1].len, &q.start_minute))
        return mkt__csv_error(r, MKT_EPARSE, 1, "start is not HH:MM");
    if (parse_hhmm(f[2].ptr, f[2].len, &q.end_minute) || q.end_minute <= q.start_minute)
        return mkt__csv_error(r, MKT_EPARSE, 2, "end is not HH:MM after start");
    if (parse_days(f[3].ptr, f[3].len, &q.days))
        return mkt__csv_error(r, MKT_EPARSE, 3, "days is not 'all', 'Mon-Fri' or "
                              "'Mon+Wed+Sat'");
    return mkt_consent_add_quiet_rule(c, &q);
}

MKT_EXPORT int mkt_consent_load_quiet_rules(mkt_consent *c, const char *path)
{
    if (c == NULL)
        return MKT_EINVAL;
    if (path == NULL)
        return mkt__error(c->ctx, MKT_EINVAL, "mkt_consent_load_quiet_rules: path is NULL");
    struct mkt__csv_options o = { 0 };
    o.has_header = 1;
    mkt__csv *r;
    int rc = mkt__csv_open_file(&r, c->ctx, path, &o);
    if (rc)
        return rc;
    /* Rules go in only when the whole file is valid: no half-loaded policy. */
    uint32_t before = c->nrules;
    struct mkt__quiet_rule *saved = NULL;
    if (before && (saved = mkt__calloc(c->ctx, before, sizeof *saved)) == NULL)
        rc = mkt__oom(c->ctx);
    else if (before)
        memcpy(saved, c->rules, before * sizeof *saved);
    int got;
    while (rc == MKT_OK && (got = mkt__csv_next(r)) != 0)
        rc = got < 0 ? got : r->records == 1 ? MKT_OK : load_row(c, r);
    if (rc && saved) {
        memcpy(c->rules, saved, before * sizeof *saved);
    }
    if (rc)
        c->nrules = before;
    mkt__free(c->ctx, saved);
    mkt__csv_free(r);
    return rc;
}

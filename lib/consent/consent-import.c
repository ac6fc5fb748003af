/* SPDX-License-Identifier: MIT */
/*
 * `mkt consent import`: consent, DNC and preference rows from CSV, each applied through the
 * public record functions (so every row is validated, audited and kept in the history like
 * any other change). Header: customer_id,kind,channel,value,ts,source. Kinds and values:
 *   consent      given | withdrawn | pending (given with double opt-in) | confirmed
 *   dnc          a DNC reason name (hard_bounce, unsubscribe, ...); channel may be "all"
 *   promotional  on | off          transactional  on | off
 *   cap_daily | cap_weekly | cap_monthly   a number 0..65535 (channel "all": all channels)
 *   topic_chosen | topic_excluded | topic_clear   the topic (channel left empty)
 * ts: empty (now), seconds since the epoch, or YYYY-MM-DDTHH:MM:SSZ. source: empty means
 * "import:<file name>".
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "consent-private.h"
#include "data/csv-private.h"

enum { COL_ID, COL_KIND, COL_CHANNEL, COL_VALUE, COL_TS, COL_SOURCE, NCOLS };

struct row {
    char id[MKT__CUSTOMER_MAX + 1];
    char value[MKT__MAX_TOPIC_LEN + 1];
    char source[1025];
    int channel;
    mkt_time ts;
};

static int field_eq(const struct mkt__csv_field *f, const char *s)
{
    return f->len == strlen(s) && memcmp(f->ptr, s, f->len) == 0;
}

static int copy_field(const mkt__csv *r, int col, char *dst, size_t cap)
{
    const struct mkt__csv_field *f = &r->fields[col];
    if (f->len >= cap)
        return mkt__csv_error(r, MKT_EPARSE, (size_t)col, "value is longer than %zu bytes",
                              cap - 1);
    memcpy(dst, f->ptr, f->len);
    dst[f->len] = '\0';
    return MKT_OK;
}

static int digits(const char *p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return 0;
}

static int parse_ts(const struct mkt__csv_field *f, mkt_time *ts)
{
    const char *p = f->ptr;
    *ts = 0;
    if (f->len == 0)
        return 0;
    if (f->len == 20 && p[4] == '-' && p[7] == '-' && p[10] == 'T' && p[13] == ':' &&
        p[16] == ':' && p[19] == 'Z') {
        int y, mo, d, h, mi, s;
        if (digits(p, 4, &y) || digits(p + 5, 2, &mo) || digits(p + 8, 2, &d) ||
            digits(p + 11, 2, &h) || digits(p + 14, 2, &mi) || digits(p + 17, 2, &s) ||
            mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
            return -1;
        int64_t days = mkt__days_from_civil(y, mo, d);
        int64_t y2;
        int m2, d2;
        mkt__civil_from_days(days, &y2, &m2, &d2);
        if (m2 != mo || d2 != d)
            return -1; /* February 30th and friends */
        *ts = days * 86400 + h * 3600 + mi * 60 + s;
        return *ts > 0 ? 0 : -1;
    }
    int64_t v = 0;
    for (size_t i = 0; i < f->len; i++) {
        if (p[i] < '0' || p[i] > '9' || v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    *ts = v;
    return v > 0 ? 0 : -1;
}

static int apply_consent(mkt_ctx *ctx, const mkt__csv *r, const struct row *w)
{
    const struct mkt__csv_field *v = &r->fields[COL_VALUE];
    mkt_consent_change c = MKT_CONSENT_CHANGE_INIT;
    c.customer_id = w->id;
    c.channel = w->channel;
    c.ts = w->ts;
    c.source = w->source;
    c.actor = "import";
    if (field_eq(v, "confirmed"))
        return mkt_consent_confirm(ctx, &c);
    if (field_eq(v, "given") || field_eq(v, "pending"))
        c.status = MKT_CONSENT_GIVEN;
    else if (field_eq(v, "withdrawn"))
        c.status = MKT_CONSENT_WITHDRAWN;
    else
        return mkt__csv_error(r, MKT_EPARSE, COL_VALUE, "consent value must be given, "
                              "withdrawn, pending or confirmed");
    c.double_opt_in = field_eq(v, "pending");
    return mkt_consent_set(ctx, &c);
}

static int apply_pref(mkt_ctx *ctx, const mkt__csv *r, const struct row *w, int kind)
{
    mkt_preferences p = MKT_PREFERENCES_INIT;
    p.customer_id = w->id;
    p.channel = w->channel;
    int rc = mkt_preferences_get(ctx, &p);
    if (rc)
        return rc;
    p.actor = "import";
    const struct mkt__csv_field *v = &r->fields[COL_VALUE];
    if (kind <= 1) {
        int on = field_eq(v, "on");
        if (!on && !field_eq(v, "off"))
            return mkt__csv_error(r, MKT_EPARSE, COL_VALUE, "value must be on or off");
        if (w->channel == MKT_CHANNEL_ALL)
            return mkt__csv_error(r, MKT_EPARSE, COL_CHANNEL, "switches are per channel");
        *(kind == 0 ? &p.promotional : &p.transactional) = on;
    } else {
        int n;
        if (v->len == 0 || v->len > 5 || digits(v->ptr, (int)v->len, &n) || n > MKT__CAP_MAX)
            return mkt__csv_error(r, MKT_EPARSE, COL_VALUE, "cap must be a number 0..%d",
                                  MKT__CAP_MAX);
        int32_t *caps[] = { &p.daily_cap, &p.weekly_cap, &p.monthly_cap };
        *caps[kind - 2] = n;
    }
    return mkt_preferences_set(ctx, &p);
}

static int apply_row(mkt_ctx *ctx, const mkt__csv *r, struct row *w)
{
    static const char *const prefs[] = { "promotional", "transactional", "cap_daily",
                                         "cap_weekly", "cap_monthly" };
    static const char *const topics[] = { "topic_clear", "topic_chosen", "topic_excluded" };
    const struct mkt__csv_field *kind = &r->fields[COL_KIND];
    const struct mkt__csv_field *ch = &r->fields[COL_CHANNEL];
    for (int i = 0; i < 3; i++)
        if (field_eq(kind, topics[i])) {
            int rc = copy_field(r, COL_VALUE, w->value, sizeof w->value);
            return rc ? rc : mkt_topic_set(ctx, w->id, w->value, i, "import");
        }
    w->channel = mkt__channel_parse(ch->ptr, ch->len);
    if (w->channel < 0)
        return mkt__csv_error(r, MKT_EPARSE, COL_CHANNEL, "channel must be email, sms, push, "
                              "in_app, web, social or all");
    if (field_eq(kind, "consent"))
        return w->channel ? apply_consent(ctx, r, w)
                          : mkt__csv_error(r, MKT_EPARSE, COL_CHANNEL, "consent is per channel");
    if (field_eq(kind, "dnc")) {
        const struct mkt__csv_field *v = &r->fields[COL_VALUE];
        mkt_dnc_entry e = MKT_DNC_ENTRY_INIT;
        e.customer_id = w->id;
        e.scope = w->channel;
        e.reason = mkt__dnc_reason_parse(v->ptr, v->len);
        e.ts = w->ts;
        e.source = w->source;
        e.actor = "import";
        return e.reason > 0 ? mkt_dnc_add(ctx, &e)
                            : mkt__csv_error(r, MKT_EPARSE, COL_VALUE, "unknown DNC reason");
    }
    for (int i = 0; i < 5; i++)
        if (field_eq(kind, prefs[i]))
            return apply_pref(ctx, r, w, i);
    return mkt__csv_error(r, MKT_EPARSE, COL_KIND, "unknown kind (consent, dnc, promotional, "
                          "transactional, cap_daily, cap_weekly, cap_monthly, topic_chosen, "
                          "topic_excluded, topic_clear)");
}

static int check_header(const mkt__csv *r)
{
    static const char *const names[NCOLS] = { "customer_id", "kind", "channel", "value", "ts",
                                              "source" };
    if (r->nfields != NCOLS)
        return mkt__csv_error(r, MKT_EPARSE, 0, "header must be "
                              "customer_id,kind,channel,value,ts,source");
    for (int i = 0; i < NCOLS; i++)
        if (!field_eq(&r->fields[i], names[i]))
            return mkt__csv_error(r, MKT_EPARSE, (size_t)i, "column %d must be '%s'", i + 1,
                                  names[i]);
    return MKT_OK;
}

static int import_row(mkt_ctx *ctx, const mkt__csv *r, const char *path, struct row *w)
{
    if (r->nfields != NCOLS)
        return mkt__csv_error(r, MKT_EPARSE, 0, "expected %d fields, found %zu", NCOLS,
                              r->nfields);
    int rc = copy_field(r, COL_ID, w->id, sizeof w->id);
    if (rc == MKT_OK && r->fields[COL_SOURCE].len == 0) {
        mkt__buf b;
        mkt__buf_init(&b, ctx);
        rc = mkt__buf_appendf(&b, "import:%.1000s", path);
        if (rc == MKT_OK)
            memcpy(w->source, b.data, b.len + 1);
        mkt__buf_free(&b);
    } else if (rc == MKT_OK) {
        rc = copy_field(r, COL_SOURCE, w->source, sizeof w->source);
    }
    if (rc == MKT_OK && parse_ts(&r->fields[COL_TS], &w->ts))
        rc = mkt__csv_error(r, MKT_EPARSE, COL_TS, "ts must be empty, seconds since 1970 or "
                            "YYYY-MM-DDTHH:MM:SSZ");
    return rc ? rc : apply_row(ctx, r, w);
}

MKT_EXPORT int mkt_consent_import(mkt_ctx *ctx, const char *path, uint64_t *rows)
{
    if (rows)
        *rows = 0;
    if (ctx == NULL)
        return MKT_EINVAL;
    if (path == NULL)
        return mkt__error(ctx, MKT_EINVAL, "mkt_consent_import: path is NULL");
    struct mkt__csv_options o = { 0 };
    o.has_header = 1;
    mkt__csv *r;
    int rc = mkt__csv_open_file(&r, ctx, path, &o);
    if (rc)
        return rc;
    struct row *w = mkt__malloc(ctx, sizeof *w);
    if (w == NULL)
        rc = mkt__oom(ctx);
    int got;
    while (rc == MKT_OK && (got = mkt__csv_next(r)) != 0) {
        if (got < 0)
            rc = got;
        else if (r->records == 1)
            rc = check_header(r);
        else if ((rc = import_row(ctx, r, path, w)) == MKT_OK && rows)
            (*rows)++;
        else if (mkt_ctx_last_error(ctx)->line == 0) {
            /* A record function refused the row: say which row. */
            char msg[600];
            snprintf(msg, sizeof msg, "%s", mkt_ctx_last_error(ctx)->message);
            rc = mkt__csv_error(r, rc, 0, "%s", msg);
        }
    }
    mkt__free(ctx, w);
    mkt__csv_free(r);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * Output of `mkt attribute`: CSV tables of channel, campaign, touch credits and the Markov
 * transition matrix. Conversion credits print as exact fixed-point numbers with 6 decimals
 * (micro-conversions) and values with the input's decimals, so a column sums exactly to the
 * total. Files are written atomically (outfile.c).
 */
#include <stdlib.h>
#include <string.h>

#include "cmd-attribute.h"
#include "outfile.h"

static void micro(FILE *f, int64_t m)
{
    fprintf(f, "%lld.%06lld", (long long)(m / MKT_ATTR_MICRO), (long long)(m % MKT_ATTR_MICRO));
}

static void minor_units(FILE *f, int64_t v, int32_t decimals)
{
    char buf[MKT_MONEY_BUFSZ];
    if (mkt_money_format(v, decimals, buf, sizeof buf) != MKT_OK)
        snprintf(buf, sizeof buf, "?");
    fputs(buf, f);
}

static void text_field(FILE *f, const char *s)
{
    if (s)
        csv_field(f, s, strlen(s));
}

struct named {
    const char *name;
    uint32_t id;
};

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/* Channel ids of @r in name order (malloc'd; NULL on failure). */
static uint32_t *channels_by_name(const mkt_attribution *r)
{
    uint32_t n = mkt_attribution_channel_count(r);
    struct named *v = malloc((n ? n : 1) * sizeof *v);
    uint32_t *ids = malloc((n ? n : 1) * sizeof *ids);
    if (!v || !ids) {
        free(v);
        free(ids);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        mkt_attr_credit c;
        mkt_attribution_channel(r, i, &c);
        v[i].name = c.name;
        v[i].id = i;
    }
    qsort(v, n, sizeof *v, by_name);
    for (uint32_t i = 0; i < n; i++)
        ids[i] = v[i].id;
    free(v);
    return ids;
}

static int open_out(outfile *o, const char *path)
{
    return outfile_open(o, path ? path : "-");
}

int attr_write_channels(const char *path, const attr_args *a, const mkt_attribution *r)
{
    uint32_t *ids = channels_by_name(r);
    if (!ids) {
        fprintf(stderr, "mkt: out of memory\n");
        return MKT_EXIT_FAIL;
    }
    outfile o;
    int rc = open_out(&o, path);
    if (rc != MKT_EXIT_OK) {
        free(ids);
        return rc;
    }
    int markov = mkt_attribution_model(r) == MKT_ATTR_MARKOV;
    fputs(markov ? "channel,conversions,value,removal_effect\n" : "channel,conversions,value\n",
          o.f);
    for (uint32_t i = 0; i < mkt_attribution_channel_count(r); i++) {
        mkt_attr_credit c;
        mkt_attribution_channel(r, ids[i], &c);
        text_field(o.f, c.name);
        fputc(',', o.f);
        micro(o.f, c.conversions_micro);
        fputc(',', o.f);
        minor_units(o.f, c.value, a->load.value_decimals);
        if (markov)
            fprintf(o.f, ",%.15f", c.removal_effect);
        fputc('\n', o.f);
    }
    free(ids);
    return outfile_commit(&o);
}

int attr_write_all(const char *path, const attr_args *a, mkt_attribution *const *r, uint32_t n)
{
    uint32_t *ids = channels_by_name(r[0]);
    if (!ids) {
        fprintf(stderr, "mkt: out of memory\n");
        return MKT_EXIT_FAIL;
    }
    outfile o;
    int rc = open_out(&o, path);
    if (rc != MKT_EXIT_OK) {
        free(ids);
        return rc;
    }
    fputs("channel", o.f);
    for (uint32_t m = 0; m < n; m++)
        fprintf(o.f, ",%s", mkt_attr_model_name(mkt_attribution_model(r[m])));
    fputc('\n', o.f);
    for (uint32_t i = 0; i < mkt_attribution_channel_count(r[0]); i++) {
        for (uint32_t m = 0; m < n; m++) {
            mkt_attr_credit c;
            mkt_attribution_channel(r[m], ids[i], &c);
            if (m == 0)
                text_field(o.f, c.name);
            fputc(',', o.f);
            if (a->metric_value)
                minor_units(o.f, c.value, a->load.value_decimals);
            else
                micro(o.f, c.conversions_micro);
        }
        fputc('\n', o.f);
    }
    free(ids);
    return outfile_commit(&o);
}

int attr_write_campaigns(const char *path, const attr_args *a, const mkt_attribution *r)
{
    outfile o;
    int rc = open_out(&o, path);
    if (rc != MKT_EXIT_OK)
        return rc;
    fputs("campaign,conversions,value\n", o.f);
    for (uint32_t i = 0; i < mkt_attribution_campaign_count(r); i++) {
        mkt_attr_credit c;
        mkt_attribution_campaign(r, i, &c);
        text_field(o.f, c.name); /* empty: touches without a campaign */
        fputc(',', o.f);
        micro(o.f, c.conversions_micro);
        fputc(',', o.f);
        minor_units(o.f, c.value, a->load.value_decimals);
        fputc('\n', o.f);
    }
    return outfile_commit(&o);
}

int attr_write_touches(const char *path, const attr_args *a, const mkt_paths *p,
                       const mkt_attribution *r)
{
    outfile o;
    int rc = open_out(&o, path);
    if (rc != MKT_EXIT_OK)
        return rc;
    fputs("path,journey_id,touch,ts,channel,campaign,conversions,value\n", o.f);
    for (uint64_t i = 0; i < mkt_paths_count(p); i++) {
        mkt_path path_row;
        mkt_paths_get(p, i, &path_row);
        for (uint32_t k = 0; k < path_row.length; k++) {
            int64_t m, v;
            mkt_attribution_touch(r, i, k, &m, &v);
            fprintf(o.f, "%llu,", (unsigned long long)i);
            text_field(o.f, path_row.journey_id);
            fprintf(o.f, ",%u,", k + 1);
            if (path_row.ts) {
                char t[MKT_TIME_BUFSZ];
                fmt_time(t, path_row.ts[k]);
                fputs(t, o.f);
            }
            fputc(',', o.f);
            text_field(o.f, mkt_paths_channel_name(p, path_row.channels[k]));
            fputc(',', o.f);
            if (path_row.campaigns)
                text_field(o.f, mkt_paths_campaign_name(p, path_row.campaigns[k]));
            fputc(',', o.f);
            micro(o.f, m);
            fputc(',', o.f);
            minor_units(o.f, v, a->load.value_decimals);
            fputc('\n', o.f);
        }
    }
    return outfile_commit(&o);
}

int attr_write_transitions(const char *path, const mkt_attribution *r)
{
    outfile o;
    int rc = open_out(&o, path);
    if (rc != MKT_EXIT_OK)
        return rc;
    fputs("from,to,count,probability\n", o.f);
    for (uint64_t i = 0; i < mkt_attribution_transition_count(r); i++) {
        mkt_attr_transition t;
        mkt_attribution_transition(r, i, &t);
        text_field(o.f, mkt_attribution_state_name(r, t.from));
        fputc(',', o.f);
        text_field(o.f, mkt_attribution_state_name(r, t.to));
        fprintf(o.f, ",%lld,%.15f\n", (long long)t.count, t.probability);
    }
    return outfile_commit(&o);
}

/* SPDX-License-Identifier: MIT */
/*
 * Waits until a field, and the customer's time zone.
 *
 * A wait until a field reads a date or a date-time from the triggering event ("event.X": a
 * property of the event that started the instance) or from the profile ("customer.X": a
 * column of the engine's customers table). The value is captured when the instance enters,
 * parsed, and kept in the instance record, so the wait computes the same time after a
 * restart, when the event is long gone, and a later change of the profile does not move a
 * wait already planned. Only the fields the journey's waits name are captured.
 *
 * Times of day (waits until a time, a date or a field at a time of day) are read in the
 * customer's zone (the profile's `timezone` column) when the journey's zone policy says so and
 * the engine has a customers table; otherwise, and when the profile has no valid zone, in the
 * journey's zone.
 */
#include <string.h>

#include "engine-private.h"

static int field_error(mkt_journey_engine *e, const struct mkt__je_journey *jj,
                       const mkt_journey_node_def *n, int rc, const char *why)
{
    return mkt__error(e->ctx, rc, "journey engine: %s node %s: field %s: %s", jj->id, n->id,
                      n->field, why);
}

static int customer_column(mkt_journey_engine *e, const struct mkt__je_journey *jj,
                           const mkt_journey_node_def *n, const char *name, uint32_t *col)
{
    const mkt_table *t = e->opts.customers;
    mkt_column_info info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    if (!t)
        return field_error(e, jj, n, MKT_EUNSUPPORTED, "a customer field needs the engine's "
                                                       "customers option");
    if (mkt_table_column_find(t, name, col) != MKT_OK)
        return field_error(e, jj, n, MKT_ENOTFOUND, "the customers table has no such column");
    if (mkt_table_column_info(t, *col, &info) != MKT_OK ||
        (info.type != MKT_TYPE_DATE && info.type != MKT_TYPE_TIME &&
         info.type != MKT_TYPE_STRING))
        return field_error(e, jj, n, MKT_ETYPE, "the column is not a date, a time or text");
    return MKT_OK;
}

int mkt__je_field_add(mkt_journey_engine *e, struct mkt__je_journey *jj,
                      const mkt_journey_node_def *n)
{
    for (uint32_t i = 0; i < jj->nfields; i++)
        if (strcmp(jj->fields[i].ref, n->field) == 0)
            return MKT_OK;
    if (jj->nfields == MKT__JE_MAX_FIELDS)
        return field_error(e, jj, n, MKT_ETOOBIG, "the waits of one journey may read at most "
                                                  "16 distinct fields");
    struct mkt__je_field *f = &jj->fields[jj->nfields];
    int is_event = strncmp(n->field, "event.", 6) == 0; /* else "customer." (load checks) */
    f->ref = n->field;
    f->name = n->field + (is_event ? 6 : 9);
    f->source = is_event ? MKT__JE_FIELD_EVENT : MKT__JE_FIELD_CUSTOMER;
    f->column = MKT__J_NONE;
    if (!is_event) {
        int rc = customer_column(e, jj, n, f->name, &f->column);
        if (rc != MKT_OK)
            return rc;
    }
    jj->nfields++;
    return MKT_OK;
}

/* "YYYY-MM-DD" is a local date; anything else must be an ISO date-time (mkt_time_parse: a
 * time without a zone designator is UTC). */
static struct mkt__je_capture parse_value(const char *s, size_t len)
{
    struct mkt__je_capture c = { MKT__JE_VAL_BAD, 0 };
    mkt_date d;
    mkt_time t;
    if (len == 10 && mkt_date_parse(&d, s, len) == MKT_OK)
        c.kind = MKT__JE_VAL_DATE, c.value = d;
    else if (mkt_time_parse(&t, s, len) == MKT_OK)
        c.kind = MKT__JE_VAL_TIME, c.value = t;
    return c;
}

static struct mkt__je_capture from_event(const struct mkt__je_field *f,
                                         const mkt_journey_event *ev)
{
    struct mkt__je_capture c = { MKT__JE_VAL_MISSING, 0 };
    for (size_t i = 0; ev && i < ev->nproperties; i++)
        if (strcmp(ev->property_names[i], f->name) == 0)
            return parse_value(ev->property_values[i], strlen(ev->property_values[i]));
    return c;
}

static struct mkt__je_capture from_profile(const mkt_table *t, const struct mkt__je_field *f,
                                           uint64_t row)
{
    struct mkt__je_capture c = { MKT__JE_VAL_MISSING, 0 };
    mkt_column_info info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    if (mkt_table_column_info(t, f->column, &info) != MKT_OK)
        return c;
    if (info.type == MKT_TYPE_STRING) {
        const char *s = NULL;
        size_t len = 0;
        if (mkt_table_get_string(t, f->column, row, &s, &len) == MKT_OK && s)
            c = parse_value(s, len);
        return c;
    }
    int64_t v = 0;
    int32_t is_null = 1;
    if (mkt_table_get_int(t, f->column, row, &v, &is_null) == MKT_OK && !is_null) {
        c.kind = info.type == MKT_TYPE_DATE ? MKT__JE_VAL_DATE : MKT__JE_VAL_TIME;
        c.value = v;
    }
    return c;
}

void mkt__je_capture(mkt_journey_engine *e, const struct mkt__je_journey *jj,
                     const char *customer, size_t clen, const mkt_journey_event *trigger,
                     struct mkt__je_inst *in)
{
    uint64_t row = 0;
    int has_row = -1; /* looked up once, on the first customer field */
    in->ncaptures = jj->nfields;
    for (uint32_t i = 0; i < jj->nfields; i++) {
        const struct mkt__je_field *f = &jj->fields[i];
        struct mkt__je_capture none = { MKT__JE_VAL_MISSING, 0 };
        if (f->source == MKT__JE_FIELD_EVENT) {
            in->captures[i] = from_event(f, trigger);
            continue;
        }
        if (has_row < 0)
            has_row = mkt_table_find(e->opts.customers, customer, clen, &row) == MKT_OK;
        in->captures[i] = has_row ? from_profile(e->opts.customers, f, row) : none;
    }
}

static int known_bad_zone(const mkt_journey_engine *e, const char *name, size_t len)
{
    uint32_t id;
    return mkt__intern_find(&e->bad_zones, name, len, &id);
}

int mkt__je_zone(mkt_journey_engine *e, const struct mkt__je_journey *jj, const char *customer,
                 size_t clen, const mkt__tz **out)
{
    uint64_t row;
    *out = jj->zone;
    if (jj->j->def.zone_policy != MKT_JOURNEY_ZONE_CUSTOMER || e->zone_column == MKT__J_NONE ||
        mkt_table_find(e->opts.customers, customer, clen, &row) != MKT_OK)
        return MKT_OK;
    return mkt__je_zone_row(e, jj, row, out);
}

int mkt__je_zone_row(mkt_journey_engine *e, const struct mkt__je_journey *jj, uint64_t row,
                     const mkt__tz **out)
{
    const mkt_table *t = e->opts.customers;
    const char *name = NULL;
    size_t len = 0;
    *out = jj->zone;
    if (jj->j->def.zone_policy != MKT_JOURNEY_ZONE_CUSTOMER || e->zone_column == MKT__J_NONE ||
        mkt_table_get_string(t, e->zone_column, row, &name, &len) != MKT_OK || !name ||
        len == 0 || known_bad_zone(e, name, len))
        return MKT_OK;
    /* A zone that does not load (bad name, no such file) falls back to the journey's zone:
     * the customer still gets the message, at the journey's local time. It is remembered so
     * that the zoneinfo directory is not searched again for every wait. */
    int rc = mkt__tz_get(&e->tz, name, out);
    if (rc == MKT_OK || rc == MKT_ENOMEM) {
        if (rc != MKT_OK)
            *out = jj->zone;
        return rc;
    }
    *out = jj->zone;
    uint32_t id;
    int is_new;
    if (mkt__intern_put(&e->bad_zones, name, len, &id, &is_new) != MKT_OK)
        return mkt__error(e->ctx, MKT_ENOMEM, "journey engine: out of memory");
    return MKT_OK;
}

/* The instant of local civil time @local (seconds since 1970-01-01 local) at @tod: the same
 * local day at time of day @tod, or @local itself when there is no time of day. */
static int64_t at_time_of_day(const mkt__tz *zone, int64_t local, int32_t tod)
{
    if (tod >= 0)
        local = mkt__floor_div(local, 86400) * 86400 + tod;
    return mkt__tz_local_to_utc(zone, local);
}

int mkt__je_field_due(const struct mkt__je_journey *jj, const struct mkt__je_inst *in,
                      const mkt_journey_node_def *d, const mkt__tz *zone, int64_t *due)
{
    for (uint32_t i = 0; i < jj->nfields && i < in->ncaptures; i++) {
        if (strcmp(jj->fields[i].ref, d->field) != 0)
            continue;
        const struct mkt__je_capture *c = &in->captures[i];
        if (c->kind == MKT__JE_VAL_DATE) {
            /* A date is a local day: its midnight plus the offset, in local civil time, so
             * "3 days before" lands on the same local hour across a DST change. */
            *due = at_time_of_day(zone, c->value * 86400 + d->delay, d->time_of_day);
            return 1;
        }
        if (c->kind == MKT__JE_VAL_TIME) {
            int64_t t = c->value + d->delay;
            *due = d->time_of_day < 0
                       ? t
                       : at_time_of_day(zone, t + mkt__tz_offset(zone, t), d->time_of_day);
            return 1;
        }
        return 0;
    }
    return 0; /* a record of format 1 captured nothing */
}

static int has_control_byte(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20)
            return 1;
    return 0;
}

static int check_property(mkt_ctx *ctx, const mkt_journey_event *ev, size_t i)
{
    const char *name = ev->property_names[i], *value = ev->property_values[i];
    if (!name || !*name)
        return mkt__error(ctx, MKT_EINVAL, "journey event: property %zu has no name", i);
    size_t nlen = strlen(name);
    if (nlen > MKT_JOURNEY_EVENT_MAX_NAME)
        return mkt__error(ctx, MKT_ETOOBIG, "journey event: property %zu: name of %zu bytes; "
                          "the limit is %d", i, nlen, MKT_JOURNEY_EVENT_MAX_NAME);
    if (has_control_byte(name))
        return mkt__error(ctx, MKT_EINVAL, "journey event: property %zu: the name has a "
                                           "control byte", i);
    if (!value)
        return mkt__error(ctx, MKT_EINVAL, "journey event: property %s has a NULL value", name);
    size_t vlen = strlen(value);
    if (vlen > MKT_JOURNEY_EVENT_MAX_VALUE)
        return mkt__error(ctx, MKT_ETOOBIG, "journey event: property %s: value of %zu bytes; "
                          "the limit is %d", name, vlen, MKT_JOURNEY_EVENT_MAX_VALUE);
    for (size_t k = 0; k < i; k++)
        if (strcmp(ev->property_names[k], name) == 0)
            return mkt__error(ctx, MKT_EINVAL, "journey event: property %s given twice", name);
    return MKT_OK;
}

int mkt__je_event_check(mkt_ctx *ctx, const mkt_journey_event *ev)
{
    if (ev->struct_size < sizeof *ev)
        return mkt__error(ctx, MKT_EINVAL, "journey event: struct_size not set");
    if (ev->nproperties > MKT_JOURNEY_EVENT_MAX_PROPERTIES)
        return mkt__error(ctx, MKT_ETOOBIG, "journey event: %zu properties; the limit is %d",
                          ev->nproperties, MKT_JOURNEY_EVENT_MAX_PROPERTIES);
    if (ev->nproperties > 0 && (!ev->property_names || !ev->property_values))
        return mkt__error(ctx, MKT_EINVAL, "journey event: %zu properties but no name or "
                          "value array", ev->nproperties);
    for (size_t i = 0; i < ev->nproperties; i++) {
        int rc = check_property(ctx, ev, i);
        if (rc != MKT_OK)
            return rc;
    }
    return MKT_OK;
}

MKT_EXPORT int mkt_journey_event_init(mkt_journey_event *ev)
{
    if (!ev)
        return MKT_EINVAL;
    mkt_journey_event d = MKT_JOURNEY_EVENT_INIT;
    *ev = d;
    return MKT_OK;
}

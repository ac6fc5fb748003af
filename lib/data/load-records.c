/* SPDX-License-Identifier: MIT */
/*
 * Loading bookings.csv and events.csv: each row is validated, staged into the columnar stores
 * (creating id-only customers as mkt_unknown_customer says) and, once the whole file has been
 * read, committed into the per-customer aggregates. Any error rolls the table back. With the
 * threads option the records are parsed by load-parallel.c and staged here all the same.
 */
#include <string.h>

#include "load-private.h"

const struct mkt__field_spec mkt__booking_spec[B_N] = {
    {"booking_id", 1}, {"customer_id", 1}, {"booking_date", 1}, {"departure_date", 0},
    {"origin", 0},     {"destination", 0}, {"route", 0},        {"trip_type", 0},
    {"cabin_class", 0}, {"fare_class", 0}, {"channel", 0},      {"passengers", 0},
    {"total_amount", 1}, {"ancillary_amount", 0}, {"currency", 0}, {"status", 0},
};

static int parse_status(mkt__csv *r, int col, int32_t *status)
{
    struct mkt__str s = mkt__field(r, col);
    *status = MKT_BOOKING_CONFIRMED;
    if (!s.p || (s.n == 9 && memcmp(s.p, "CONFIRMED", 9) == 0))
        return MKT_OK;
    if (s.n == 9 && memcmp(s.p, "CANCELLED", 9) == 0) {
        *status = MKT_BOOKING_CANCELLED;
        return MKT_OK;
    }
    return mkt__csv_error(r, MKT_EPARSE, (size_t)col,
                          "invalid status '%.*s' (expected CONFIRMED or CANCELLED)",
                          mkt__quote_len(s.p, s.n), s.p);
}

static int parse_pax(mkt__csv *r, int col, int32_t *pax)
{
    struct mkt__str s = mkt__field(r, col);
    *pax = 0;
    if (!s.p)
        return MKT_OK;
    int64_t v;
    int rc = mkt__parse_int64(s.p, s.n, &v);
    if (rc == MKT_OK && (v < 1 || v > INT32_MAX))
        rc = MKT_ERANGE;
    if (rc)
        return mkt__csv_error(r, rc, (size_t)col, "invalid passengers '%.*s' (an integer >= 1)",
                              mkt__quote_len(s.p, s.n), s.p);
    *pax = (int32_t)v;
    return MKT_OK;
}

int mkt__parse_booking(mkt__csv *r, const int *m, struct mkt__bk_in *in)
{
    int rc;
    in->row1 = 0; /* not looked up */
    if ((rc = mkt__field_str(r, m[B_ID], 1, &in->id)) ||
        (rc = mkt__field_str(r, m[B_CUST], 1, &in->cust)) ||
        (rc = mkt__field_time(r, m[B_DATE], 1, "invalid date", &in->time)) ||
        (rc = mkt__field_date(r, m[B_DEP], &in->dep)) ||
        (rc = parse_pax(r, m[B_PAX], &in->pax)) ||
        (rc = mkt__field_money(r, m[B_TOTAL], 1, 1, &in->total)) ||
        (rc = mkt__field_money(r, m[B_ANC], 0, 1, &in->anc)) ||
        (rc = parse_status(r, m[B_STATUS], &in->status)))
        return rc;
    in->origin = mkt__field(r, m[B_ORIGIN]);
    in->dest = mkt__field(r, m[B_DEST]);
    in->route = mkt__field(r, m[B_ROUTE]);
    in->trip = mkt__field(r, m[B_TRIP]);
    in->cabin = mkt__field(r, m[B_CABIN]);
    in->fare = mkt__field(r, m[B_FARE]);
    in->channel = mkt__field(r, m[B_CHANNEL]);
    in->currency = mkt__field(r, m[B_CURRENCY]);
    if (in->currency.p && !mkt__currency_valid(in->currency.p, in->currency.n))
        return mkt__csv_error(r, MKT_EPARSE, (size_t)m[B_CURRENCY],
                              "invalid currency '%.*s' (an ISO 4217 code such as USD)",
                              mkt__quote_len(in->currency.p, in->currency.n), in->currency.p);
    return MKT_OK;
}

/* Lines of the records of a load, kept sparsely: only records that do not start on the line
 * after the previous record's start (blank lines, quoted newlines) are noted, so a plain file
 * costs nothing, yet the line of any record is found again when its id turns out to be a
 * duplicate at commit time. */
struct line_jump {
    uint64_t rec, line;
};
struct rec_lines {
    MKT__VEC(struct line_jump) jumps;
    uint64_t n, last;
};

static int note_line(mkt_ctx *ctx, struct rec_lines *l, uint64_t line)
{
    int rc = MKT_OK;
    if (l->n == 0 || line != l->last + 1)
        rc = MKT__VEC_PUSH(ctx, &l->jumps, ((struct line_jump){l->n, line}));
    l->last = line;
    l->n++;
    return rc;
}

static uint64_t line_of(const struct rec_lines *l, uint64_t rec)
{
    size_t lo = 0, hi = l->jumps.len; /* the last jump with .rec <= rec; jumps[0].rec == 0 */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->jumps.data[mid].rec <= rec)
            lo = mid;
        else
            hi = mid;
    }
    return l->jumps.data[lo].line + (rec - l->jumps.data[lo].rec);
}

/* What a record loop needs to name a duplicate id found after the row that carried it. */
struct id_check {
    mkt__csv *r;
    struct mkt__idstore *ids;
    size_t from;          /* first id of this load */
    int col;              /* id column */
    const char *kind;     /* "booking" / "event" */
    struct rec_lines lines;
};

static int dup_error(struct id_check *c, uint64_t line, size_t dup)
{
    size_t n;
    const char *id = mkt__idstore_str(c->ids, dup, &n);
    return mkt__error_at(c->r->ctx, MKT_EEXIST, c->r->name, line, (uint64_t)c->col + 1,
                         mkt__csv_column_name(c->r, (size_t)c->col), "duplicate %s_id '%.*s'",
                         c->kind, mkt__quote_len(id, n), id);
}

/* After a commit found id @dup repeating an earlier one: the error at its line. */
static int commit_dup(struct id_check *c, int rc, size_t dup)
{
    if (rc != MKT_EEXIST)
        return rc;
    return dup_error(c, line_of(&c->lines, dup - c->from), dup);
}

/* A row failed with @rc. Ids are checked for duplicates only at commit, so a duplicate in an
 * earlier row must win: that is the error a row-by-row check would have stopped at. */
static int row_failed(struct id_check *c, int rc)
{
    size_t dup_of, dup;
    int irc = mkt__idstore_index(c->ids, &dup_of, &dup);
    if (irc == MKT_EEXIST)
        return commit_dup(c, irc, dup);
    return irc ? irc : rc;
}

/* Turn a staging failure into an error at the right column; the row's own id is checked
 * first, as it was the first thing checked when ids were looked up row by row. */
static int stage_failed(struct id_check *c, int rc, int bad, int cust_col, int amount_col,
                        struct mkt__str id, struct mkt__str cust)
{
    mkt__csv *r = c->r;
    if (rc == MKT_ENOMEM)
        return row_failed(c, rc);
    int irc = row_failed(c, MKT_OK);
    if (irc)
        return irc;
    if (mkt__idstore_find(c->ids, id.p, id.n))
        return mkt__csv_error(r, MKT_EEXIST, (size_t)c->col, "duplicate %s_id '%.*s'", c->kind,
                              mkt__quote_len(id.p, id.n), id.p);
    if (bad == MKT__BAD_CUSTOMER)
        return mkt__csv_error(r, rc, (size_t)cust_col, "unknown customer_id '%.*s'",
                              mkt__quote_len(cust.p, cust.n), cust.p);
    if (bad == MKT__BAD_AMOUNT)
        return mkt__csv_error(r, rc, (size_t)amount_col, "the sum of amounts overflows");
    return rc;
}

/* Records read before the rest of the file is estimated from their average size. */
#define PRESIZE_AFTER 256

/* How many more records a plain file probably holds (0 when unknown, e.g. gzip): growing the
 * arrays step by step would copy them several times, which costs more than parsing. */
size_t mkt__records_ahead(const mkt__csv *r, size_t seen)
{
    uint64_t done = mkt__csv_consumed(r);
    if (done == 0 || seen == 0 || r->raw_total <= done)
        return 0;
    uint64_t more = (r->raw_total - done) / (done / seen + 1);
    more += more / 16; /* slack: untouched pages of an over-estimate cost no memory */
    return more > SIZE_MAX / 64 ? 0 : (size_t)more;
}

/* Size the stores for the rest of the file once; failing here only means growing later. */
static void presize(mkt_table *t, const struct id_check *c, int (*reserve)(mkt_table *, size_t))
{
    size_t seen = c->ids->len - c->from;
    size_t more = mkt__records_ahead(c->r, (size_t)c->lines.n);
    if (more == 0 || seen == 0)
        return;
    size_t per_id = (c->ids->nbytes - c->ids->off[c->from]) / seen + 1;
    if (reserve(t, more) != MKT_OK || more > SIZE_MAX / per_id ||
        mkt__idstore_reserve(c->ids, more, more * per_id) != MKT_OK)
        mkt_ctx_clear_error(t->ctx); /* a failed optional reservation is no error */
}

/* Stage a parsed booking of the record the reader is at (a sequential or parallel load). */
static int stage_booking(mkt_table *t, struct id_check *c, const int *m, int32_t unknown,
                         const struct mkt__bk_in *in)
{
    int bad = 0;
    int rc = mkt__bookings_stage(t, in, unknown, &bad);
    if (rc)
        return stage_failed(c, rc, bad, m[B_CUST], m[B_TOTAL], in->id, in->cust);
    if ((rc = note_line(t->ctx, &c->lines, c->r->line)))
        return rc;
    if (c->lines.n == PRESIZE_AFTER)
        presize(t, c, mkt__bookings_reserve);
    return MKT_OK;
}

static int booking_rows(mkt_table *t, struct id_check *c, const int *m, int32_t unknown)
{
    mkt__csv *r = c->r;
    int rc;
    while ((rc = mkt__csv_next(r)) == 1) {
        struct mkt__bk_in in;
        if (m[B_CUST] < (int)r->nfields)
            mkt__idindex_prefetch(t, r->fields[m[B_CUST]].ptr, r->fields[m[B_CUST]].len);
        if ((rc = mkt__check_width(r)) || (rc = mkt__parse_booking(r, m, &in)))
            return row_failed(c, rc);
        if ((rc = stage_booking(t, c, m, unknown, &in)))
            return rc;
    }
    return rc ? row_failed(c, rc) : MKT_OK;
}

/* ---- parallel loads: what load-parallel.c calls back ---------------------------------- */

struct par_cfg {
    mkt_table *t;
    struct id_check *c;
    const int *m;
    int32_t unknown;
    int lookup; /* the customer index cannot change during this load: workers look up rows */
};

struct bk_rec {
    struct mkt__par_rec h;
    struct mkt__bk_in in;
};

struct ev_rec {
    struct mkt__par_rec h;
    struct mkt__ev_in in;
};

/* In a worker: the customer's row when the index is read-only during the load. */
static uint32_t lookup_row(const struct par_cfg *p, struct mkt__str cust)
{
    uint32_t row;
    return p->lookup && mkt__idindex_find(p->t, cust.p, cust.n, &row) ? row + 1 : 0;
}

static int par_parse_booking(mkt__csv *r, const void *cfg, void *rec)
{
    const struct par_cfg *p = cfg;
    struct mkt__bk_in *in = &((struct bk_rec *)rec)->in;
    int rc = mkt__check_width(r);
    if (rc == MKT_OK && (rc = mkt__parse_booking(r, p->m, in)) == MKT_OK)
        in->row1 = lookup_row(p, in->cust);
    return rc;
}

static int par_stage_booking(void *cfg, void *rec)
{
    struct par_cfg *p = cfg;
    return stage_booking(p->t, p->c, p->m, p->unknown, &((struct bk_rec *)rec)->in);
}

static int par_booking_rows(void *cfg)
{
    struct par_cfg *p = cfg;
    return booking_rows(p->t, p->c, p->m, p->unknown);
}

static const struct mkt__par_ops booking_ops = {
    sizeof(struct bk_rec), par_parse_booking, par_stage_booking, par_booking_rows, NULL, NULL,
};

/* Whether a load may add customers (id-only stubs) while it runs. */
static int adds_customers(const mkt_table *t, int32_t unknown)
{
    return unknown == MKT_UNKNOWN_CUSTOMER_CREATE ||
           (unknown == MKT_UNKNOWN_CUSTOMER_AUTO && !t->customers_loaded);
}

static int read_header(mkt_table *t, mkt__csv *r)
{
    int rc = mkt__csv_next(r);
    if (rc == 0)
        return mkt__error_at(t->ctx, MKT_EPARSE, r->name, 1, 0, NULL, "empty file: no header");
    return rc < 0 ? rc : MKT_OK;
}

int mkt__load_bookings_csv(mkt_table *t, mkt__csv *r, int32_t unknown)
{
    return mkt__load_bookings_mt(t, r, unknown, 1);
}

int mkt__load_bookings_mt(mkt_table *t, mkt__csv *r, int32_t unknown, size_t threads)
{
    int m[B_N];
    int rc = read_header(t, r);
    if (rc == MKT_OK)
        rc = mkt__map_header(r, mkt__booking_spec, B_N, m);
    if (rc)
        return rc;
    mkt__table_mark(t);
    struct id_check c = {r, &t->bk.ids, t->bk.len, m[B_ID], "booking", {MKT__VEC_EMPTY, 0, 0}};
    size_t dup_of, dup;
    struct par_cfg p = {t, &c, m, unknown, !adds_customers(t, unknown)};
    rc = mkt__load_parallel(r, threads, &booking_ops, &p);
    if (rc == MKT_OK && (rc = mkt__csv_finish(r)))
        rc = row_failed(&c, rc);
    if (rc == MKT_OK && (rc = mkt__bookings_commit(t, &dup_of, &dup)))
        rc = commit_dup(&c, rc, dup);
    MKT__VEC_FREE(t->ctx, &c.lines.jumps);
    if (rc)
        mkt__table_rollback(t);
    return rc;
}

enum { E_ID, E_CUST, E_TS, E_TYPE, E_CAMPAIGN, E_CHANNEL, E_VALUE, E_PROPS, E_N };

static const struct mkt__field_spec event_spec[E_N] = {
    {"event_id", 1}, {"customer_id", 1}, {"ts", 1},    {"type", 1},
    {"campaign", 0}, {"channel", 0},     {"value", 0}, {"properties", 0},
};

static int parse_event(mkt__csv *r, const int *m, struct mkt__ev_in *in)
{
    int rc;
    if ((rc = mkt__check_width(r)) || (rc = mkt__field_str(r, m[E_ID], 1, &in->id)) ||
        (rc = mkt__field_str(r, m[E_CUST], 1, &in->cust)) ||
        (rc = mkt__field_time(r, m[E_TS], 1, "invalid timestamp", &in->ts)) ||
        (rc = mkt__field_str(r, m[E_TYPE], 1, &in->type)) ||
        (rc = mkt__field_money(r, m[E_VALUE], 0, 1, &in->value)))
        return rc;
    in->campaign = mkt__field(r, m[E_CAMPAIGN]);
    in->channel = mkt__field(r, m[E_CHANNEL]);
    in->props = mkt__field(r, m[E_PROPS]);
    in->row1 = 0;
    return MKT_OK;
}

static int stage_event(mkt_table *t, struct id_check *c, const int *m, int32_t unknown,
                       const struct mkt__ev_in *in)
{
    int bad = 0;
    int rc = mkt__events_stage(t, in, unknown, &bad);
    if (rc)
        return stage_failed(c, rc, bad, m[E_CUST], m[E_VALUE], in->id, in->cust);
    if ((rc = note_line(t->ctx, &c->lines, c->r->line)))
        return rc;
    if (c->lines.n == PRESIZE_AFTER)
        presize(t, c, mkt__events_reserve);
    return MKT_OK;
}

static int event_rows(mkt_table *t, struct id_check *c, const int *m, int32_t unknown)
{
    mkt__csv *r = c->r;
    int rc;
    while ((rc = mkt__csv_next(r)) == 1) {
        struct mkt__ev_in in;
        if (m[E_CUST] < (int)r->nfields)
            mkt__idindex_prefetch(t, r->fields[m[E_CUST]].ptr, r->fields[m[E_CUST]].len);
        if ((rc = parse_event(r, m, &in)))
            return row_failed(c, rc);
        if ((rc = stage_event(t, c, m, unknown, &in)))
            return rc;
    }
    return rc ? row_failed(c, rc) : MKT_OK;
}

static int par_parse_event(mkt__csv *r, const void *cfg, void *rec)
{
    const struct par_cfg *p = cfg;
    struct mkt__ev_in *in = &((struct ev_rec *)rec)->in;
    int rc = parse_event(r, p->m, in);
    if (rc == MKT_OK)
        in->row1 = lookup_row(p, in->cust);
    return rc;
}

static int par_stage_event(void *cfg, void *rec)
{
    struct par_cfg *p = cfg;
    return stage_event(p->t, p->c, p->m, p->unknown, &((struct ev_rec *)rec)->in);
}

static int par_event_rows(void *cfg)
{
    struct par_cfg *p = cfg;
    return event_rows(p->t, p->c, p->m, p->unknown);
}

static const struct mkt__par_ops event_ops = {
    sizeof(struct ev_rec), par_parse_event, par_stage_event, par_event_rows, NULL, NULL,
};

int mkt__load_events_csv(mkt_table *t, mkt__csv *r, int32_t unknown)
{
    return mkt__load_events_mt(t, r, unknown, 1);
}

int mkt__load_events_mt(mkt_table *t, mkt__csv *r, int32_t unknown, size_t threads)
{
    int m[E_N];
    int rc = read_header(t, r);
    if (rc == MKT_OK)
        rc = mkt__map_header(r, event_spec, E_N, m);
    if (rc)
        return rc;
    mkt__table_mark(t);
    struct id_check c = {r, &t->ev.ids, t->ev.len, m[E_ID], "event", {MKT__VEC_EMPTY, 0, 0}};
    size_t dup_of, dup;
    struct par_cfg p = {t, &c, m, unknown, !adds_customers(t, unknown)};
    rc = mkt__load_parallel(r, threads, &event_ops, &p);
    if (rc == MKT_OK && (rc = mkt__csv_finish(r)))
        rc = row_failed(&c, rc);
    if (rc == MKT_OK && (rc = mkt__events_commit(t, &dup_of, &dup)))
        rc = commit_dup(&c, rc, dup);
    MKT__VEC_FREE(t->ctx, &c.lines.jumps);
    if (rc)
        mkt__table_rollback(t);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * mkt__bk_stream(): see bkstream-private.h. The records go through the parallel reader of
 * load-parallel.c like a load's, but each one is handed to the sink as soon as it is staged
 * instead of being stored, so the memory used does not grow with the file.
 */
#include <string.h>

#include "bkstream-private.h"

int mkt__bk_stream_exact;

struct stream {
    mkt_ctx *ctx;
    mkt__csv *r;
    const struct mkt__bk_sink *sink;
    int map[B_N];
    int exact;        /* intern every id (second pass, or the bet is off) */
    int restart;      /* an id did not ascend: reset the sink and stream again, exactly */
    mkt__intern ids;  /* exact: every id seen */
    char *last;       /* the bet: the previous id */
    size_t last_len, last_cap;
    int have_last;
};

/* The bet: strictly ascending ids (byte order, shorter prefix first) cannot repeat. */
static int ascends(const struct stream *s, struct mkt__str id)
{
    if (!s->have_last)
        return 1;
    size_t n = id.n < s->last_len ? id.n : s->last_len;
    int c = memcmp(s->last, id.p, n);
    return c < 0 || (c == 0 && id.n > s->last_len);
}

static int remember(struct stream *s, struct mkt__str id)
{
    if (id.n > s->last_cap) {
        char *p = mkt__realloc(s->ctx, s->last, id.n);
        if (!p)
            return mkt__oom(s->ctx);
        s->last = p;
        s->last_cap = id.n;
    }
    memcpy(s->last, id.p, id.n);
    s->last_len = id.n;
    s->have_last = 1;
    return MKT_OK;
}

/* Check the id of a parsed record, then hand the record to the sink. */
static int stage(struct stream *s, const struct mkt__bk_in *in)
{
    int rc;
    if (s->exact) {
        uint32_t id;
        int is_new;
        if ((rc = mkt__intern_put(&s->ids, in->id.p, in->id.n, &id, &is_new)))
            return rc;
        if (!is_new)
            return mkt__csv_error(s->r, MKT_EEXIST, (size_t)s->map[B_ID],
                                  "duplicate booking_id '%.*s'", mkt__quote_len(in->id.p, in->id.n),
                                  in->id.p);
    } else if (!ascends(s, in->id)) {
        s->restart = 1;
        return MKT_ESTATE; /* not an error: the caller starts over (no message set) */
    } else if ((rc = remember(s, in->id))) {
        return rc;
    }
    return s->sink->add(s->sink->data, s->r, s->map, in);
}

struct rec {
    struct mkt__par_rec h;
    struct mkt__bk_in in;
};

/* Check the current record into @in (any thread). */
static int parse(mkt__csv *r, const struct stream *s, struct mkt__bk_in *in)
{
    int rc = mkt__check_width(r);
    if (rc == MKT_OK && (rc = mkt__parse_booking(r, s->map, in)) == MKT_OK)
        in->row1 = 0;
    return rc;
}

static int par_parse(mkt__csv *r, const void *cfg, void *rec)
{
    return parse(r, cfg, &((struct rec *)rec)->in);
}

/* How many records ahead a chunk's lookups are prefetched. */
#define LOCATE_AHEAD 12

/* The sink's lookups over a parsed chunk, each one's memory fetched a few records early. */
static void par_parsed(const void *cfg, void *recs, size_t n)
{
    const struct mkt__bk_sink *k = ((const struct stream *)cfg)->sink;
    struct rec *r = recs;
    if (!k->locate)
        return;
    for (size_t i = 0; i < n; i++) {
        if (k->locate_ahead && i + LOCATE_AHEAD < n)
            k->locate_ahead(k->data, &r[i + LOCATE_AHEAD].in);
        k->locate(k->data, &r[i].in);
    }
}

static void par_prefetch(const void *cfg, const void *rec)
{
    const struct stream *s = cfg;
    if (s->sink->prefetch)
        s->sink->prefetch(s->sink->data, &((const struct rec *)rec)->in);
}

static int par_stage(void *cfg, void *rec)
{
    return stage(cfg, &((struct rec *)rec)->in);
}

static int rows(void *cfg)
{
    struct stream *s = cfg;
    int rc;
    while ((rc = mkt__csv_next(s->r)) == 1) {
        struct mkt__bk_in in;
        if ((rc = parse(s->r, s, &in)))
            return rc;
        if (s->sink->locate)
            s->sink->locate(s->sink->data, &in);
        if ((rc = stage(s, &in)))
            return rc;
    }
    return rc;
}

static const struct mkt__par_ops stream_ops = {
    sizeof(struct rec), par_parse, par_stage, rows, par_prefetch, par_parsed,
};

/* One pass over the file: the bet (parallel when it can) or the exact sequential pass. */
static int pass(struct stream *s, const char *path, const mkt_load_options *o)
{
    mkt_ctx *ctx = s->ctx;
    int rc = mkt__open_for_load(&s->r, ctx, path, o->separator, o->progress, o->progress_data);
    if (rc)
        return rc;
    rc = mkt__csv_next(s->r);
    if (rc == 0)
        rc = mkt__error_at(ctx, MKT_EPARSE, s->r->name, 1, 0, NULL, "empty file: no header");
    else if (rc == 1)
        rc = mkt__map_header(s->r, mkt__booking_spec, B_N, s->map);
    if (rc == MKT_OK)
        rc = s->exact ? rows(s) : mkt__load_parallel(s->r, mkt__par_threads(o->threads),
                                                      &stream_ops, s);
    if (rc == MKT_OK)
        rc = mkt__csv_finish(s->r);
    mkt__csv_free(s->r);
    s->r = NULL;
    return rc;
}

int mkt__bk_stream(mkt_ctx *ctx, const char *path, const mkt_load_options *opts,
                   const struct mkt__bk_sink *sink)
{
    mkt_load_options o;
    if (mkt__load_options_get(ctx, opts, &o))
        return MKT_EINVAL;
    struct stream s;
    memset(&s, 0, sizeof s);
    s.ctx = ctx;
    s.sink = sink;
    s.exact = mkt__bk_stream_exact;
    mkt__intern_init(&s.ids, ctx);
    int rc = pass(&s, path, &o);
    if (s.restart) {
        sink->reset(sink->data);
        s.exact = 1;
        s.restart = 0;
        rc = pass(&s, path, &o);
    }
    mkt__intern_free(&s.ids);
    mkt__free(ctx, s.last);
    return rc;
}

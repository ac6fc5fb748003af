/* SPDX-License-Identifier: MIT */
/*
 * mkt__bk_stream(): see bkstream-private.h. The records go through the parallel reader of
 * load-parallel.c like a load's, but each one is condensed by the parsing thread and handed to
 * the sink as soon as it is staged instead of being stored, so the memory used does not grow
 * with the file.
 */
#include <string.h>

#include "bkstream-private.h"

int mkt__bk_stream_exact;

/* How a record's id relates to its neighbours, found by the parsing thread. */
enum {
    ORDER_FIRST = 1, /* first of its chunk: compare with the last id of the chunk before */
    ORDER_UP = 2,    /* greater than the id of the record before it in the chunk */
    ORDER_LAST = 4,  /* last of its chunk: the next chunk compares with it */
};

/* A parsed record: what the folding thread reads (header, order, fact) in the first 64 bytes,
 * the full record after it. */
struct rec {
    struct mkt__par_rec h;
    uint64_t order;
    uint64_t fact[MKT__BK_FACT_MAX / 8];
    struct mkt__bk_in in;
};

struct stream {
    mkt_ctx *ctx;
    mkt__csv *r;
    const struct mkt__bk_sink *sink;
    int map[B_N];
    int exact;        /* intern every id (second pass, or the bet is off) */
    int restart;      /* an id did not ascend: reset the sink and stream again, exactly */
    mkt__intern ids;  /* exact: every id seen */
    char *last;       /* the bet: the last id of the chunk before */
    size_t last_len, last_cap;
    int have_last;
};

/* The bet: strictly ascending ids (byte order, a prefix before its extensions). */
static int id_less(const char *a, size_t an, struct mkt__str b)
{
    size_t n = an < b.n ? an : b.n;
    int c = memcmp(a, b.p, n);
    return c < 0 || (c == 0 && an < b.n);
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

/* Exact mode: a repeated id is the load's error at this record. */
static int check_exact(struct stream *s, struct mkt__str id)
{
    uint32_t index;
    int is_new;
    int rc = mkt__intern_put(&s->ids, id.p, id.n, &index, &is_new);
    if (rc == MKT_OK && !is_new)
        rc = mkt__csv_error(s->r, MKT_EEXIST, (size_t)s->map[B_ID], "duplicate booking_id '%.*s'",
                            mkt__quote_len(id.p, id.n), id.p);
    return rc;
}

/* The bet: MKT_ESTATE (no message: the caller starts over) when the id does not ascend. */
static int check_order(struct stream *s, uint64_t order, struct mkt__str id)
{
    int up = order & ORDER_FIRST ? !s->have_last || id_less(s->last, s->last_len, id)
                                 : (order & ORDER_UP) != 0;
    if (!up) {
        s->restart = 1;
        return MKT_ESTATE;
    }
    return order & ORDER_LAST ? remember(s, id) : MKT_OK;
}

static int stage(struct stream *s, const struct rec *rec)
{
    int rc = s->exact ? check_exact(s, rec->in.id) : check_order(s, rec->order, rec->in.id);
    return rc ? rc : s->sink->add(s->sink->data, s->r, s->map, &rec->in, rec->fact);
}

/* Check the current record into @in (any thread). */
static int parse(mkt__csv *r, const struct stream *s, struct mkt__bk_in *in)
{
    int rc = mkt__check_width(r);
    return rc ? rc : mkt__parse_booking(r, s->map, in);
}

static int par_parse(mkt__csv *r, const void *cfg, void *rec)
{
    return parse(r, cfg, &((struct rec *)rec)->in);
}

/* How many records ahead a chunk's condense() and local() reads are prefetched. */
#define CONDENSE_AHEAD 16
#define LOCAL_AHEAD 8

/* In a parsing thread, over a parsed chunk: the id order and the condensed facts. With a sink
 * that folds in the parsing threads, the facts it takes are done with here; staged are only
 * the chunk's first and last records (the calling thread checks the order across chunks with
 * them), any whose id does not ascend (where the bet is lost, in file order) and those the
 * sink leaves. */
static size_t par_parsed(const void *cfg, unsigned thread, void *recs, size_t n)
{
    const struct mkt__bk_sink *k = ((const struct stream *)cfg)->sink;
    struct rec *r = recs;
    for (size_t i = 0; i < n; i++) {
        if (k->condense_ahead && i + CONDENSE_AHEAD < n)
            k->condense_ahead(k->data, &r[i + CONDENSE_AHEAD].in);
        r[i].order = (i == 0 ? ORDER_FIRST : 0) | (i + 1 == n ? ORDER_LAST : 0);
        if (i > 0 && id_less(r[i - 1].in.id.p, r[i - 1].in.id.n, r[i].in.id))
            r[i].order |= ORDER_UP;
        k->condense(k->data, &r[i].in, r[i].fact);
    }
    if (!k->local)
        return n;
    /* A second pass, so that the state a fact goes to can be fetched a few facts ahead. */
    size_t keep = 0;
    for (size_t i = 0; i < n; i++) {
        if (k->local_ahead && i + LOCAL_AHEAD < n)
            k->local_ahead(k->data, thread, r[i + LOCAL_AHEAD].fact);
        if (r[i].order == ORDER_UP && k->local(k->data, thread, r[i].fact))
            continue;
        if (keep != i)
            r[keep] = r[i];
        keep++;
    }
    return keep;
}

static void par_prefetch(const void *cfg, const void *rec)
{
    const struct mkt__bk_sink *k = ((const struct stream *)cfg)->sink;
    if (k->add_ahead)
        k->add_ahead(k->data, ((const struct rec *)rec)->fact);
}

static int par_stage(void *cfg, void *rec)
{
    return stage(cfg, rec);
}

/* The sequential loop: each record is a chunk of its own. */
static int rows(void *cfg)
{
    struct stream *s = cfg;
    struct rec rec;
    int rc;
    while ((rc = mkt__csv_next(s->r)) == 1) {
        if ((rc = parse(s->r, s, &rec.in)))
            return rc;
        rec.order = ORDER_FIRST | ORDER_LAST;
        s->sink->condense(s->sink->data, &rec.in, rec.fact);
        if ((rc = stage(s, &rec)))
            return rc;
    }
    return rc;
}

static const struct mkt__par_ops stream_ops = {
    sizeof(struct rec), par_parse, par_stage, rows, par_prefetch, par_parsed,
};

/* The bet's pass, parallel when it can be. A sink that folds in the parsing threads merges
 * their states after it. */
static int parallel(struct stream *s, size_t threads)
{
    const struct mkt__bk_sink *k = s->sink;
    int rc = k->local ? k->threads(k->data, (unsigned)threads, s->r->raw_total) : MKT_OK;
    if (rc == MKT_OK)
        rc = mkt__load_parallel(s->r, threads, &stream_ops, s);
    if (!k->local)
        return rc;
    int merged = k->merge(k->data, rc != MKT_OK);
    return rc ? rc : merged;
}

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
        rc = s->exact ? rows(s) : parallel(s, mkt__par_threads(o->threads));
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

/* SPDX-License-Identifier: MIT */
/*
 * Parallel parsing of a plain CSV file (customers, bookings, events; the bookings stream).
 * The loading thread reads the file in chunks cut after a line feed and hands them, in file
 * order, to worker threads that parse them with the reader's fast path into records. The
 * loading thread then stages the records chunk by chunk in file order, so ids, rows and
 * string ids come out exactly as a sequential load makes them; rather than wait for a worker
 * it parses a chunk no worker took yet.
 *
 * A worker never reports an error: it stops at the first record it cannot take (a bad field,
 * a quoted field not closed within the chunk, anything unusual). The loading thread then
 * drops the chunks read ahead and parses with the sequential reader from that record to the
 * end of its chunk (sequential_stretch()), which reports the first bad record exactly as a
 * single-threaded load would, or else ends on a record boundary from which the threads take
 * over again. That also settles quoted line feeds: a chunk cut inside a quoted field cannot be
 * parsed to its end by the fast path (the quote does not close before the cut), so the chunk
 * after it, which starts mid-field, is never staged. Workers never allocate (everything is set
 * up before they start), so the host allocator is only called from the loading thread and an
 * allocation failure there is an ordinary MKT_ENOMEM.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "load-private.h"

#define PAR_CHUNK (1024u * 1024u) /* bytes of file per chunk */
#define PAR_MAX_WORKERS 64
#define PAR_PREFETCH 8 /* records ahead whose stage() memory is fetched early */

size_t mkt__par_chunk_bytes; /* tests only: 0 means PAR_CHUNK */

enum { SLOT_FREE, SLOT_READY, SLOT_DONE };

struct slot {
    char *buf;
    size_t len;                /* whole lines, except maybe at the end of the input */
    uint64_t off;              /* file offset of buf[0] */
    unsigned char *recs;       /* n records of ops->rec_size bytes */
    size_t n;
    size_t nstage;             /* the first nstage records are left to stage() */
    int state;
    int failed;                /* reading it failed: all of it goes to the sequential path */
    int stopped;               /* records from stop_at on are left to the sequential path */
    size_t stop_at;
    uint64_t stop_line, end_line; /* relative to the chunk's first line (0) */
    mkt__csv rd;               /* the worker's quiet reader over buf */
};

struct par;
struct worker_arg {
    struct par *p;
    unsigned thread; /* 1.. (0 is the loading thread) */
};

struct par {
    mkt__csv *r;
    const struct mkt__par_ops *ops;
    void *cfg;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct slot *slots;
    size_t nslots, chunk, rec_cap;
    uint64_t seq_fill, seq_take; /* chunks read / taken by a worker (under mu) */
    int quit;                    /* under mu */
    char *carry;                 /* bytes read after the last line feed of the last chunk */
    size_t carry_len;
    uint64_t carry_off;
    int no_more;                 /* nothing more to read into chunks */
    uint64_t seq_until;          /* after a stop: where the sequential stretch may end */
    struct worker_arg args[PAR_MAX_WORKERS];
};

/* Parse one chunk in parsing thread @thread. */
static void parse_chunk(struct par *p, struct slot *s, unsigned thread)
{
    mkt__csv *rd = &s->rd;
    rd->buf = s->buf;
    rd->start = 0;
    rd->end = s->len;
    rd->next_line = 0;
    s->n = 0;
    s->stopped = s->failed;
    s->stop_at = 0;
    s->stop_line = 0;
    while (!s->stopped) {
        size_t at = rd->start;
        uint64_t at_line = rd->next_line;
        int k = s->n < p->rec_cap ? mkt__csv_next_fast(rd) : -1;
        void *rec = s->recs + s->n * p->ops->rec_size;
        if (k > 0 && p->ops->parse(rd, p->cfg, rec) == MKT_OK) {
            struct mkt__par_rec *h = rec;
            h->line = (uint32_t)rd->line; /* a chunk is far below 4 GiB: both fit */
            h->end = (uint32_t)rd->start;
            s->n++;
            continue;
        }
        if (k != 0) {
            s->stopped = 1;
            s->stop_at = at;
            s->stop_line = at_line;
        }
        s->end_line = rd->next_line;
        break;
    }
    s->nstage = p->ops->parsed ? p->ops->parsed(p->cfg, thread, s->recs, s->n) : s->n;
}

static void *worker(void *arg)
{
    struct par *p = ((struct worker_arg *)arg)->p;
    unsigned thread = ((struct worker_arg *)arg)->thread;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->quit && p->seq_take == p->seq_fill)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->quit)
            break;
        struct slot *s = &p->slots[p->seq_take++ % p->nslots];
        pthread_mutex_unlock(&p->mu);
        parse_chunk(p, s, thread);
        pthread_mutex_lock(&p->mu);
        s->state = SLOT_DONE;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Read the next chunk into @s: the carried bytes, then the file up to the chunk size, cut
 * after the last line feed (the rest is carried to the next chunk). A chunk without a line
 * feed, the last one or a failed read ends the chunks: its worker stops at the record that
 * runs past its end (or at once), and the sequential path takes over from there. */
static void fill_chunk(struct par *p, struct slot *s)
{
    memcpy(s->buf, p->carry, p->carry_len);
    size_t len = p->carry_len;
    s->off = p->carry_off;
    int eof = 0;
    s->failed = 0;
    while (len < p->chunk) {
        size_t got;
        if (mkt__csv_read_more(p->r, s->buf + len, p->chunk - len, &got) != MKT_OK) {
            s->failed = 1; /* the sequential path reads (and fails) again, in order */
            len = 0;
            eof = 1;
            break;
        }
        if (got == 0) {
            eof = 1;
            break;
        }
        len += got;
    }
    const char *nl = eof ? NULL : memrchr(s->buf, '\n', len);
    size_t cut = nl ? (size_t)(nl - s->buf) + 1 : len;
    p->no_more = !nl;
    p->carry_len = len - cut;
    memcpy(p->carry, s->buf + cut, p->carry_len);
    p->carry_off = s->off + cut;
    s->len = cut;
    s->state = SLOT_READY;
}

/* Stage the records of a parsed chunk that its parse left to stage(). *line is the chunk's
 * first line, moved past it; *rows counts records (all of them). *stopped is set when a
 * record stopped the chunk: the reader is then at that record, and p->seq_until at the end
 * of the chunk. */
static int consume_chunk(struct par *p, struct slot *s, uint64_t *line, uint64_t *rows,
                         int *stopped)
{
    mkt__csv *r = p->r;
    for (size_t i = 0; i < s->nstage; i++) {
        void *rec = s->recs + i * p->ops->rec_size;
        if (p->ops->prefetch && i + PAR_PREFETCH < s->nstage)
            p->ops->prefetch(p->cfg, s->recs + (i + PAR_PREFETCH) * p->ops->rec_size);
        const struct mkt__par_rec *h = rec;
        r->line = *line + h->line;
        r->consumed_at = s->off + h->end;
        int rc = p->ops->stage(p->cfg, rec);
        if (rc)
            return rc;
    }
    *rows += s->n;
    if (s->stopped) {
        *stopped = 1;
        p->seq_until = s->off + s->len;
        r->consumed_at = 0;
        return mkt__csv_resume_at(r, s->off + s->stop_at, *line + s->stop_line);
    }
    *line += s->end_line;
    return mkt__csv_report(r, *rows + 1);
}

/* After a chunk stopped at a record the fast path leaves (a field it cannot take, an error):
 * drop the chunks read ahead, once no worker parses them any more; let the sequential path
 * parse on up to the end of the stopped chunk, where a record starts; and read chunks again
 * from there, so that one odd record does not leave the rest of the file to one thread.
 * *done is set when the input ended on the way. */
static int sequential_stretch(struct par *p, uint64_t *seq_consume, uint64_t *line, int *done)
{
    pthread_mutex_lock(&p->mu);
    uint64_t taken = p->seq_take;
    p->seq_take = p->seq_fill; /* workers take none of the chunks read ahead */
    for (uint64_t k = *seq_consume + 1; k < taken; k++)
        while (p->slots[k % p->nslots].state != SLOT_DONE)
            pthread_cond_wait(&p->cv, &p->mu);
    *seq_consume = p->seq_fill;
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < p->nslots; i++)
        p->slots[i].state = SLOT_FREE;
    mkt__csv *r = p->r;
    r->stop_at = p->seq_until;
    int rc = p->ops->rows(p->cfg);
    r->stop_at = 0;
    uint64_t at = mkt__csv_consumed(r);
    if (rc || at < p->seq_until) {
        *done = 1; /* an error, or the end of the input */
        return rc;
    }
    p->carry_len = 0;
    p->carry_off = at;
    p->no_more = 0;
    *line = r->next_line;
    return mkt__csv_resume_at(r, at, r->next_line);
}

/* The loading thread: keep the slots filled, stage finished chunks in order. */
static int run(struct par *p)
{
    uint64_t seq_consume = 0, line = p->r->next_line, rows = 0;
    for (;;) {
        while (!p->no_more && p->seq_fill - seq_consume < p->nslots) {
            fill_chunk(p, &p->slots[p->seq_fill % p->nslots]);
            pthread_mutex_lock(&p->mu);
            p->seq_fill++;
            pthread_cond_broadcast(&p->cv);
            pthread_mutex_unlock(&p->mu);
        }
        if (seq_consume == p->seq_fill)
            return MKT_OK; /* every chunk staged, the input ended cleanly */
        struct slot *s = &p->slots[seq_consume % p->nslots];
        pthread_mutex_lock(&p->mu);
        int mine = p->seq_take == seq_consume; /* no worker took it yet: parse it here */
        p->seq_take += (uint64_t)mine;
        while (!mine && s->state != SLOT_DONE) {
            if (p->seq_take == p->seq_fill) {
                pthread_cond_wait(&p->cv, &p->mu);
                continue;
            }
            /* Rather than wait, parse a chunk further on that no worker took yet. */
            struct slot *ahead = &p->slots[p->seq_take++ % p->nslots];
            pthread_mutex_unlock(&p->mu);
            parse_chunk(p, ahead, 0);
            pthread_mutex_lock(&p->mu);
            ahead->state = SLOT_DONE;
        }
        pthread_mutex_unlock(&p->mu);
        if (mine)
            parse_chunk(p, s, 0);
        int stopped = 0, done = 0;
        int rc = consume_chunk(p, s, &line, &rows, &stopped);
        if (rc == MKT_OK && stopped)
            rc = sequential_stretch(p, &seq_consume, &line, &done);
        if (rc || done)
            return rc;
        if (!stopped) {
            s->state = SLOT_FREE;
            seq_consume++;
        }
    }
}

static void free_slots(struct par *p)
{
    mkt_ctx *ctx = p->r->ctx;
    for (size_t i = 0; p->slots && i < p->nslots; i++) {
        mkt__free(ctx, p->slots[i].buf);
        mkt__free(ctx, p->slots[i].recs);
        mkt__free(ctx, p->slots[i].rd.fields);
    }
    mkt__free(ctx, p->slots);
    mkt__free(ctx, p->carry);
}

/* Everything the workers use, allocated up front. */
static int setup(struct par *p, size_t workers)
{
    mkt__csv *r = p->r;
    mkt_ctx *ctx = r->ctx;
    /* A record is at least one byte per field (separators and its line feed). */
    p->rec_cap = p->chunk / (r->nheader ? r->nheader : 1) + 1;
    /* Enough chunks read ahead that a worker finds one whenever it is free: the loading
     * thread refills a slot only after staging it, and with a slot or two per worker the
     * workers ran dry and slept about one chunk in three (waking a thread is slow on virtual
     * machines), leaving the loading thread to parse half the file itself. */
    p->nslots = 4 * workers + 4;
    p->slots = mkt__calloc(ctx, p->nslots, sizeof *p->slots);
    p->carry = mkt__malloc(ctx, p->chunk);
    if (!p->slots || !p->carry)
        return mkt__oom(ctx);
    for (size_t i = 0; i < p->nslots; i++) {
        struct slot *s = &p->slots[i];
        s->buf = mkt__malloc(ctx, p->chunk);
        s->recs = mkt__reallocarray(ctx, NULL, p->rec_cap, p->ops->rec_size);
        s->rd.fields = mkt__reallocarray(ctx, NULL, r->nheader + 1, sizeof *s->rd.fields);
        if (!s->buf || !s->recs || !s->rd.fields)
            return mkt__oom(ctx);
        mkt__csv *rd = &s->rd;
        rd->ctx = ctx; /* never used: a quiet reader records nothing */
        rd->name = r->name;
        rd->fields_cap = r->nheader + 1;
        rd->header = r->header;
        rd->nheader = r->nheader;
        memcpy(rd->cls, r->cls, sizeof rd->cls);
        rd->sep = r->sep;
        rd->max_field = r->max_field;
        rd->max_fields = r->max_fields;
        rd->started = rd->eof = rd->quiet = 1;
        rd->fd = -1;
    }
    /* Chunks start at the first record: what the reader buffered past the header is read
     * again through the chunks. */
    p->carry_off = mkt__csv_consumed(r);
    return mkt__csv_resume_at(r, p->carry_off, r->next_line);
}

size_t mkt__par_threads(int32_t threads)
{
    long n = threads > 0 ? threads : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > PAR_MAX_WORKERS + 1 ? PAR_MAX_WORKERS + 1 : (size_t)n;
}

int mkt__load_parallel(mkt__csv *r, size_t threads, const struct mkt__par_ops *ops, void *cfg)
{
    size_t chunk = mkt__par_chunk_bytes ? mkt__par_chunk_bytes : PAR_CHUNK;
    /* gzip cannot be split; a file of one or two chunks gains nothing from threads */
    if (threads < 2 || r->fd < 0 || r->gz || r->raw_total < 2 * (uint64_t)chunk)
        return ops->rows(cfg);
    struct par p = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    p.r = r;
    p.ops = ops;
    p.cfg = cfg;
    p.chunk = chunk;
    size_t workers = threads - 1;
    pthread_t tid[PAR_MAX_WORKERS];
    int rc = setup(&p, workers);
    size_t started = 0;
    for (size_t i = 0; i < workers; i++)
        p.args[i] = (struct worker_arg){&p, (unsigned)i + 1};
    while (rc == MKT_OK && started < workers &&
           pthread_create(&tid[started], NULL, worker, &p.args[started]) == 0)
        started++; /* fewer threads than asked for is fine, none means parse here */
    if (rc == MKT_OK && started > 0)
        rc = run(&p);
    if (started > 0) {
        pthread_mutex_lock(&p.mu);
        p.quit = 1;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
        for (size_t i = 0; i < started; i++)
            pthread_join(tid[i], NULL);
    }
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    free_slots(&p);
    r->consumed_at = 0;
    if (rc == MKT_OK && started == 0)
        rc = ops->rows(cfg); /* no thread at all: parse here */
    return rc;
}

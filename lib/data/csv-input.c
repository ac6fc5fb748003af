/* SPDX-License-Identifier: MIT */
/*
 * Input side of the CSV reader: opening a file or a memory buffer, telling gzip from plain text
 * by the magic bytes (not the name), inflating concatenated gzip members through zlib with the
 * host allocator, and progress reports in stored (compressed) bytes. A truncated or corrupt
 * gzip stream is an MKT_EIO error naming the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "csv-private.h"

#define CSV_DEFAULT_BLOCK (1024u * 1024u) /* fewer reads and block-boundary reparses */
#define CSV_PROGRESS_STEP (UINT64_C(1) << 20)

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    return mkt__reallocarray((mkt_ctx *)opaque, NULL, items, size);
}

static void z_free(voidpf opaque, voidpf ptr)
{
    mkt__free((mkt_ctx *)opaque, ptr);
}

static int io_error(mkt__csv *r, const char *what, int err)
{
    char text[128];
    const char *msg = strerror_r(err, text, sizeof text);
    return mkt__error_at(r->ctx, MKT_EIO, r->name, 0, 0, NULL, "%s: %s", what, msg);
}

/* Read up to @n stored bytes; *got 0 means end of input. */
static int raw_read(mkt__csv *r, unsigned char *dst, size_t n, size_t *got)
{
    *got = 0;
    if (r->raw_eof)
        return MKT_OK;
    if (r->fd < 0) {
        size_t k = r->mem_len - r->mem_pos;
        if (k > n)
            k = n;
        memcpy(dst, r->mem + r->mem_pos, k);
        r->mem_pos += k;
        *got = k;
    } else {
        ssize_t k;
        do
            k = read(r->fd, dst, n);
        while (k < 0 && errno == EINTR);
        if (k < 0)
            return io_error(r, "read failed", errno);
        *got = (size_t)k;
    }
    if (*got == 0)
        r->raw_eof = 1;
    r->raw_done += *got;
    return MKT_OK;
}

static int report_progress(mkt__csv *r, int final)
{
    if (!r->progress || (!final && r->raw_done < r->next_progress))
        return MKT_OK;
    r->next_progress = r->raw_done + CSV_PROGRESS_STEP;
    if (r->progress(r->raw_done, r->raw_total, r->records, r->progress_data) != 0)
        return mkt__error_at(r->ctx, MKT_EUSER, r->name, 0, 0, NULL,
                             "load aborted by the progress callback");
    return MKT_OK;
}

uint64_t mkt__csv_consumed(const mkt__csv *r)
{
    if (r->consumed_at)
        return r->consumed_at;
    return r->gz ? 0 : r->raw_done - (r->end - r->start);
}

int mkt__csv_read_more(mkt__csv *r, void *dst, size_t n, size_t *got)
{
    return raw_read(r, dst, n, got);
}

int mkt__csv_report(mkt__csv *r, uint64_t rows)
{
    r->records = rows;
    return report_progress(r, 0);
}

int mkt__csv_resume_at(mkt__csv *r, uint64_t off, uint64_t line)
{
    if (r->fd < 0 || r->gz || off > (uint64_t)INT64_MAX)
        return mkt__error(r->ctx, MKT_EINTERNAL, "CSV reader cannot resume here");
    if (lseek(r->fd, (off_t)off, SEEK_SET) < 0)
        return io_error(r, "seek failed", errno);
    r->raw_done = off;
    r->raw_eof = r->eof = 0;
    r->start = r->end = 0;
    r->started = 1;
    r->next_line = line;
    r->consumed_at = 0;
    return MKT_OK;
}

int mkt__csv_finish(mkt__csv *r)
{
    return report_progress(r, 1);
}

/* The line named is where the record being read when the stream failed starts: everything
 * before it was decoded intact. */
static int gz_error(mkt__csv *r, const char *what)
{
    z_stream *z = r->z;
    return mkt__error_at(r->ctx, MKT_EIO, r->name, r->next_line, 0, NULL, "%s%s%s", what,
                         z->msg ? ": " : "", z->msg ? z->msg : "");
}

/* Inflate into [dst, dst+cap); stops early once something was produced and the raw block is
 * used up, so the parser can work on what is there. */
static int gz_fill(mkt__csv *r, char *dst, size_t cap, size_t *got)
{
    z_stream *z = r->z;
    z->next_out = (Bytef *)dst;
    z->avail_out = (uInt)cap;
    while (z->avail_out > 0) {
        if (z->avail_in == 0 && !r->raw_eof) {
            if (z->avail_out < cap)
                break;
            size_t n;
            int rc = raw_read(r, r->zin, r->zin_cap, &n);
            if (rc)
                return rc;
            z->next_in = r->zin;
            z->avail_in = (uInt)n;
        }
        if (r->member_done) {
            if (z->avail_in == 0)
                break; /* raw_eof: a clean end after a complete member */
            /* Concatenated members (what `cat a.gz b.gz` makes) form one stream. */
            if (inflateReset(z) != Z_OK)
                return gz_error(r, "gzip reset failed");
            r->member_done = 0;
        }
        if (z->avail_in == 0)
            return gz_error(r, "truncated gzip stream");
        int ret = inflate(z, Z_NO_FLUSH);
        if (ret == Z_STREAM_END)
            r->member_done = 1;
        else if (ret == Z_MEM_ERROR)
            return mkt__oom(r->ctx);
        else if (ret != Z_OK && ret != Z_BUF_ERROR)
            return gz_error(r, "corrupt gzip stream");
        else if (ret == Z_BUF_ERROR && z->avail_in > 0 && z->avail_out > 0)
            return gz_error(r, "gzip stream stalled"); /* never loop without progress */
    }
    *got = cap - z->avail_out;
    return MKT_OK;
}

int mkt__csv_fill_(mkt__csv *r, size_t *got)
{
    size_t room = r->cap - r->end;
    if (room > r->block)
        room = r->block;
    int rc = r->gz ? gz_fill(r, r->buf + r->end, room, got)
                   : raw_read(r, (unsigned char *)r->buf + r->end, room, got);
    if (rc)
        return rc;
    r->end += *got;
    return report_progress(r, 0);
}

static int setup(mkt__csv *r, const struct mkt__csv_options *opts)
{
    r->block = opts && opts->block_size ? opts->block_size : CSV_DEFAULT_BLOCK;
    r->cap = r->block < CSV_DEFAULT_BLOCK ? CSV_DEFAULT_BLOCK : r->block;
    /* Small inputs get small buffers (the buffer still grows when gzip expands). */
    if (r->raw_total > 0 && r->raw_total < r->cap / 2)
        r->cap = (size_t)r->raw_total + 64;
    if (r->block > r->cap)
        r->block = r->cap;
    r->buf = mkt__malloc(r->ctx, r->cap);
    r->zin_cap = r->block < 16 ? 16 : r->block;
    r->zin = mkt__malloc(r->ctx, r->zin_cap);
    if (!r->buf || !r->zin)
        return mkt__oom(r->ctx);
    r->next_progress = CSV_PROGRESS_STEP;

    /* Sniff the first stored bytes: gzip starts with 1f 8b whatever the file is called. */
    size_t n;
    int rc = raw_read(r, r->zin, 2, &n);
    if (rc)
        return rc;
    if (n == 1) { /* a short read from a pipe */
        size_t more;
        rc = raw_read(r, r->zin + 1, 1, &more);
        if (rc)
            return rc;
        n += more;
    }
    r->gz = n == 2 && r->zin[0] == 0x1f && r->zin[1] == 0x8b;
    size_t nlen = strlen(r->name);
    if (!r->gz && nlen > 3 && strcmp(r->name + nlen - 3, ".gz") == 0)
        return mkt__error_at(r->ctx, MKT_EIO, r->name, 0, 0, NULL, "not in gzip format");
    if (!r->gz) {
        memcpy(r->buf, r->zin, n);
        r->end = n;
        return MKT_OK;
    }
    z_stream *z = mkt__calloc(r->ctx, 1, sizeof *z);
    if (!z)
        return mkt__oom(r->ctx);
    z->zalloc = z_alloc;
    z->zfree = z_free;
    z->opaque = r->ctx;
    z->next_in = r->zin;
    z->avail_in = (uInt)n;
    int ret = inflateInit2(z, 16 + MAX_WBITS);
    if (ret != Z_OK) {
        mkt__free(r->ctx, z);
        return ret == Z_MEM_ERROR ? mkt__oom(r->ctx)
                                  : mkt__error(r->ctx, MKT_EINTERNAL, "zlib init failed");
    }
    r->z = z;
    return MKT_OK;
}

static int create(mkt__csv **out, mkt_ctx *ctx, const char *name,
                  const struct mkt__csv_options *opts)
{
    mkt__csv *r = mkt__calloc(ctx, 1, sizeof *r);
    *out = r;
    if (!r)
        return mkt__oom(ctx);
    r->ctx = ctx;
    r->fd = -1;
    r->name = mkt__strdup(ctx, name);
    mkt__buf_init(&r->scratch, ctx);
    int sep = opts && opts->sep ? opts->sep : ',';
    r->sep = (unsigned char)sep;
    r->has_header = opts ? opts->has_header : 0;
    r->progress = opts ? opts->progress : NULL;
    r->progress_data = opts ? opts->progress_data : NULL;
    r->max_field = ctx->opts.max_field_bytes;
    r->max_fields = ctx->opts.max_fields;
    r->next_line = 1;
    for (unsigned c = 0x80; c < 256; c++)
        r->cls[c] = 1;
    r->cls[0] = r->cls['\n'] = r->cls['\r'] = r->cls['"'] = r->cls[r->sep] = 1;
    if (!r->name)
        return mkt__oom(ctx);
    return MKT_OK;
}

static int check_sep(mkt_ctx *ctx, const struct mkt__csv_options *opts)
{
    int sep = opts && opts->sep ? opts->sep : ',';
    if (sep < 1 || sep > 127 || sep == '"' || sep == '\n' || sep == '\r')
        return mkt__error(ctx, MKT_EINVAL, "invalid CSV separator %d", sep);
    return MKT_OK;
}

int mkt__csv_open_file(mkt__csv **out, mkt_ctx *ctx, const char *path,
                       const struct mkt__csv_options *opts)
{
    if (!out || !ctx || !path)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "NULL argument") : MKT_EINVAL;
    *out = NULL;
    int rc = check_sep(ctx, opts);
    if (rc)
        return rc;
    mkt__csv *r = NULL;
    rc = create(&r, ctx, path, opts);
    if (rc == MKT_OK) {
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->fd < 0)
            rc = io_error(r, "cannot open", errno);
    }
    if (rc == MKT_OK) {
        struct stat st;
        if (fstat(r->fd, &st) == 0 && S_ISDIR(st.st_mode))
            rc = mkt__error_at(ctx, MKT_EIO, path, 0, 0, NULL, "is a directory");
        else if (fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode))
            r->raw_total = (uint64_t)st.st_size;
    }
    if (rc == MKT_OK)
        rc = setup(r, opts);
    if (rc) {
        mkt__csv_free(r);
        return rc;
    }
    *out = r;
    return MKT_OK;
}

int mkt__csv_open_memory(mkt__csv **out, mkt_ctx *ctx, const char *name, const void *data,
                         size_t len, const struct mkt__csv_options *opts)
{
    if (!out || !ctx || (!data && len))
        return ctx ? mkt__error(ctx, MKT_EINVAL, "NULL argument") : MKT_EINVAL;
    *out = NULL;
    int rc = check_sep(ctx, opts);
    if (rc)
        return rc;
    mkt__csv *r = NULL;
    rc = create(&r, ctx, name ? name : "<memory>", opts);
    if (rc == MKT_OK) {
        r->mem = data;
        r->mem_len = len;
        r->raw_total = len;
        rc = setup(r, opts);
    }
    if (rc) {
        mkt__csv_free(r);
        return rc;
    }
    *out = r;
    return MKT_OK;
}

void mkt__csv_free(mkt__csv *r)
{
    if (!r)
        return;
    mkt_ctx *ctx = r->ctx;
    if (r->z) {
        inflateEnd(r->z);
        mkt__free(ctx, r->z);
    }
    if (r->fd >= 0)
        close(r->fd);
    mkt__buf_free(&r->scratch);
    mkt__free(ctx, r->buf);
    mkt__free(ctx, r->zin);
    mkt__free(ctx, r->spans);
    mkt__free(ctx, r->fields);
    mkt__free(ctx, r->header);
    mkt__free(ctx, r->header_bytes);
    mkt__free(ctx, r->name);
    mkt__free(ctx, r);
}

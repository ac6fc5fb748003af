/* SPDX-License-Identifier: MIT */
/*
 * Member export: the customer ids of a set, sorted by bytes, as a one-column CSV, plain or
 * gzip-compressed, to a file or an open descriptor. A file is written to a temporary file in
 * the target's directory (O_EXCL, mode 0666 less the umask, as a plain open() would create it),
 * synced and renamed over the target only when every byte was written, so readers never see
 * half a file and a failure leaves the previous file alone. Output goes through one 1 MiB
 * buffer; the only per-member work is the sort of pointers to the interned ids.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "data/table-private.h"
#include "libmarketing/audience.h"
#include "segment-private.h"

#define FLUSH_AT (1u << 20)

struct sink {
    mkt_ctx *ctx;
    const char *name; /* the path, or "file descriptor N", for messages */
    int fd;
    gzFile gz;        /* on a duplicate of fd, or NULL */
    mkt__buf buf;
    int err;          /* first errno, 0 if none */
};

static int io_error(mkt_ctx *ctx, const char *what, const char *name, int err)
{
    char text[128];
    const char *msg = strerror_r(err, text, sizeof text);
    return mkt__error(ctx, MKT_EIO, "%s '%s': %s", what, name, msg);
}

static void write_all(struct sink *s, const char *p, size_t n)
{
    while (n && !s->err) {
        if (s->gz) {
            unsigned piece = n > (1u << 30) ? 1u << 30 : (unsigned)n;
            errno = 0;
            if (gzwrite(s->gz, p, piece) != (int)piece) {
                s->err = errno ? errno : EIO;
                return;
            }
            p += piece;
            n -= piece;
            continue;
        }
        ssize_t w = write(s->fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            s->err = w < 0 ? errno : EIO;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static void flush(struct sink *s)
{
    write_all(s, s->buf.data, s->buf.len);
    mkt__buf_truncate(&s->buf, 0);
}

/* One CSV line: the id quoted (quotes doubled) only when it holds a separator, quote or line
 * end. */
static int put_id(struct sink *s, const char *id, size_t n)
{
    int rc;
    if (!memchr(id, ',', n) && !memchr(id, '"', n) && !memchr(id, '\n', n) &&
        !memchr(id, '\r', n)) {
        rc = mkt__buf_append(&s->buf, id, n);
    } else {
        rc = mkt__buf_putc(&s->buf, '"');
        for (size_t i = 0; i < n && rc == MKT_OK; i++)
            rc = id[i] == '"' ? mkt__buf_append(&s->buf, "\"\"", 2) : mkt__buf_putc(&s->buf, id[i]);
        if (rc == MKT_OK)
            rc = mkt__buf_putc(&s->buf, '"');
    }
    if (rc == MKT_OK)
        rc = mkt__buf_putc(&s->buf, '\n');
    if (rc == MKT_OK && s->buf.len >= FLUSH_AT)
        flush(s);
    return rc;
}

struct idref {
    const char *s;
    size_t n;
};

static int by_bytes(const void *a, const void *b)
{
    const struct idref *x = a, *y = b;
    int c = memcmp(x->s, y->s, x->n < y->n ? x->n : y->n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* The members' ids sorted by bytes (borrowed from the table's dictionary). */
static int sorted_ids(mkt_ctx *ctx, const mkt_members *m, const mkt_table *t,
                      struct idref **out, size_t *n)
{
    size_t count = (size_t)mkt_members_count(m), k = 0;
    struct idref *ids = mkt__reallocarray(ctx, NULL, count ? count : 1, sizeof *ids);
    if (!ids)
        return mkt__oom(ctx);
    for (uint64_t r = 0; k < count && mkt_members_next(m, r, &r) == MKT_OK; r++) {
        ids[k].s = mkt__table_id(t, r, &ids[k].n);
        k++;
    }
    qsort(ids, k, sizeof *ids, by_bytes);
    *out = ids;
    *n = k;
    return MKT_OK;
}

/* Write the whole CSV into @s; the stream is finished (gzip trailer) but fd stays open. */
static int write_csv(struct sink *s, const mkt_members *m, const mkt_table *t, int level)
{
    struct idref *ids = NULL;
    size_t n = 0;
    int rc = sorted_ids(s->ctx, m, t, &ids, &n);
    if (rc)
        return rc;
    if (level) {
        char mode[8] = "wb";
        mode[2] = (char)('0' + level);
        mode[3] = '\0';
        int dupfd = dup(s->fd); /* gzclose() closes its descriptor: keep ours for fsync */
        if (dupfd < 0 || !(s->gz = gzdopen(dupfd, mode))) {
            s->err = dupfd < 0 ? errno : ENOMEM;
            if (dupfd >= 0)
                close(dupfd);
        } else {
            gzbuffer(s->gz, 1u << 17);
        }
    }
    rc = mkt__buf_append(&s->buf, "customer_id\n", 12);
    for (size_t i = 0; i < n && rc == MKT_OK && !s->err; i++)
        rc = put_id(s, ids[i].s, ids[i].n);
    mkt__free(s->ctx, ids);
    if (rc == MKT_OK)
        flush(s);
    if (s->gz) {
        errno = 0;
        int zrc = gzclose(s->gz);
        if (zrc != Z_OK && !s->err)
            s->err = errno ? errno : EIO;
        s->gz = NULL;
    }
    if (rc == MKT_OK && s->err)
        rc = io_error(s->ctx, "cannot write", s->name, s->err);
    return rc;
}

static int read_options(mkt_ctx *ctx, const mkt_export_options *in, mkt_export_options *o,
                        const char *fn)
{
    mkt_export_options_init(o);
    if (!in)
        return MKT_OK;
    if (in->struct_size < sizeof(size_t))
        return mkt__error(ctx, MKT_EINVAL, "%s: options without struct_size", fn);
    if (MKT_HAS_FIELD(in, mkt_export_options, gzip))
        o->gzip = in->gzip;
    if (MKT_HAS_FIELD(in, mkt_export_options, gzip_level))
        o->gzip_level = in->gzip_level;
    if (o->gzip < MKT_EXPORT_GZIP_AUTO || o->gzip > MKT_EXPORT_GZIP_NEVER)
        return mkt__error(ctx, MKT_EINVAL, "%s: bad gzip option %d", fn, (int)o->gzip);
    if (o->gzip_level < 1 || o->gzip_level > 9)
        return mkt__error(ctx, MKT_EINVAL, "%s: gzip_level %d is not 1..9", fn,
                          (int)o->gzip_level);
    return MKT_OK;
}

static int check_args(mkt_ctx *ctx, const mkt_members *m, const mkt_table *t, const char *fn)
{
    if (mkt_members_rows(m) > mkt__table_rows(t))
        return mkt__error(ctx, MKT_EINVAL, "%s: the set ranges over %llu rows but the table "
                                           "has %llu",
                          fn, (unsigned long long)mkt_members_rows(m),
                          (unsigned long long)mkt__table_rows(t));
    return MKT_OK;
}

MKT_EXPORT int mkt_export_options_init(mkt_export_options *opts)
{
    if (!opts)
        return MKT_EINVAL;
    mkt_export_options d = MKT_EXPORT_OPTIONS_INIT;
    *opts = d;
    return MKT_OK;
}

MKT_EXPORT int mkt_members_export_csv_fd(const mkt_members *m, mkt_ctx *ctx,
                                         const mkt_table *t, int fd,
                                         const mkt_export_options *opts)
{
    static const char fn[] = "mkt_members_export_csv_fd";
    if (!m || !ctx || !t || fd < 0)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "%s: NULL argument or bad descriptor", fn)
                   : MKT_EINVAL;
    mkt_export_options o;
    int rc = read_options(ctx, opts, &o, fn);
    if (rc || (rc = check_args(ctx, m, t, fn)))
        return rc;
    char name[48];
    snprintf(name, sizeof name, "file descriptor %d", fd);
    struct sink s = {ctx, name, fd, NULL, {0}, 0};
    mkt__buf_init(&s.buf, ctx);
    rc = write_csv(&s, m, t, o.gzip == MKT_EXPORT_GZIP_ALWAYS ? o.gzip_level : 0);
    mkt__buf_free(&s.buf);
    return rc;
}

/* ---- atomic file ----------------------------------------------------------------------- */

/* Create "<path>.tmp.<random hex>" exclusively; *tmp is freed by the caller. */
static int open_temp(mkt_ctx *ctx, const char *path, char **tmp, int *fd)
{
    size_t n = strlen(path);
    if (!(*tmp = mkt__malloc(ctx, n + 32)))
        return mkt__oom(ctx);
    for (int attempt = 0; attempt < 16; attempt++) {
        uint64_t r = 0;
        if (mkt_ctx_random(ctx, &r, sizeof r) != MKT_OK)
            r = mkt__hash64(path, n, (uint64_t)getpid() * 1000003u + (uint64_t)attempt);
        snprintf(*tmp, n + 32, "%s.tmp.%012llx", path,
                 (unsigned long long)(r & UINT64_C(0xffffffffffff)));
        *fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (*fd >= 0)
            return MKT_OK;
        if (errno != EEXIST)
            break;
    }
    return io_error(ctx, "cannot write", path, errno);
}

/* Make the rename durable: sync the directory holding @path (best effort). */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) < sizeof dir)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

static int ends_with_gz(const char *path)
{
    size_t n = strlen(path);
    return n >= 3 && strcmp(path + n - 3, ".gz") == 0;
}

MKT_EXPORT int mkt_members_export_csv(const mkt_members *m, mkt_ctx *ctx, const mkt_table *t,
                                      const char *path, const mkt_export_options *opts)
{
    static const char fn[] = "mkt_members_export_csv";
    if (!m || !ctx || !t || !path || !*path)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "%s: NULL argument or empty path", fn)
                   : MKT_EINVAL;
    mkt_export_options o;
    int rc = read_options(ctx, opts, &o, fn);
    if (rc || (rc = check_args(ctx, m, t, fn)))
        return rc;
    int gzip = o.gzip == MKT_EXPORT_GZIP_ALWAYS ||
               (o.gzip == MKT_EXPORT_GZIP_AUTO && ends_with_gz(path));
    char *tmp = NULL;
    int fd = -1;
    if ((rc = open_temp(ctx, path, &tmp, &fd))) {
        mkt__free(ctx, tmp);
        return rc;
    }
    struct sink s = {ctx, path, fd, NULL, {0}, 0};
    mkt__buf_init(&s.buf, ctx);
    rc = write_csv(&s, m, t, gzip ? o.gzip_level : 0);
    mkt__buf_free(&s.buf);
    if (rc == MKT_OK && fsync(fd) != 0)
        rc = io_error(ctx, "cannot write", path, errno);
    if (close(fd) != 0 && rc == MKT_OK)
        rc = io_error(ctx, "cannot write", path, errno);
    if (rc == MKT_OK && rename(tmp, path) != 0)
        rc = io_error(ctx, "cannot write", path, errno);
    if (rc)
        unlink(tmp);
    else
        sync_dir(path);
    mkt__free(ctx, tmp);
    return rc;
}

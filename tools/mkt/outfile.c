/* SPDX-License-Identifier: MIT */
/*
 * Output files written atomically: the data goes to a temporary file next to the target
 * (same directory, so rename() is atomic), which is synced and renamed over the target only
 * when everything was written. A reader therefore sees the old file or the whole new one, and
 * a failure (disk full, an error before the end) leaves no partial file behind. "-" writes to
 * standard output instead. Either can be gzip-compressed through zlib.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "mkt.h"

struct out_file {
    const char *path; /* the target, "-" for standard output */
    char *tmp;        /* temporary file name; NULL for standard output */
    int fd;           /* the temporary file, or STDOUT_FILENO */
    FILE *plain;      /* uncompressed stream on fd (NULL with gzip) */
    gzFile gz;        /* compressed stream on a dup of fd (NULL without gzip) */
    int err;          /* first errno seen while writing, 0 if none */
};

static int fail_errno(const char *what, const char *path, int err)
{
    fprintf(stderr, "mkt: %s %s: %s\n", what, path, strerror(err));
    return MKT_EXIT_FAIL;
}

/* mkstemp() makes the file 0600; give it the mode a plain fopen() would (0666 & ~umask). */
static void default_mode(int fd)
{
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
}

static int open_temp(out_file *o)
{
    size_t n = strlen(o->path);
    o->tmp = malloc(n + sizeof ".tmp.XXXXXX");
    if (o->tmp == NULL)
        return fail_errno("cannot write", o->path, ENOMEM);
    memcpy(o->tmp, o->path, n);
    memcpy(o->tmp + n, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    o->fd = mkstemp(o->tmp);
    if (o->fd < 0) {
        int err = errno;
        free(o->tmp);
        o->tmp = NULL;
        return fail_errno("cannot write", o->path, err);
    }
    default_mode(o->fd);
    return MKT_EXIT_OK;
}

static int open_stream(out_file *o, int gzip)
{
    if (!gzip) {
        o->plain = o->tmp ? fdopen(o->fd, "wb") : stdout;
        return o->plain ? MKT_EXIT_OK : errno;
    }
    /* gzclose() closes its descriptor; give zlib a duplicate so that the temporary file can
     * still be synced (or standard output stays open) afterwards. */
    int dupfd = dup(o->fd);
    if (dupfd < 0)
        return errno;
    o->gz = gzdopen(dupfd, "wb");
    if (o->gz == NULL) {
        close(dupfd);
        return ENOMEM;
    }
    gzbuffer(o->gz, 1 << 17);
    return MKT_EXIT_OK;
}

int out_open(out_file **out, const char *path, int gzip)
{
    *out = NULL;
    out_file *o = calloc(1, sizeof *o);
    if (o == NULL)
        return fail_errno("cannot write", path, ENOMEM);
    o->path = path;
    o->fd = STDOUT_FILENO;
    if (strcmp(path, "-") != 0 && open_temp(o) != MKT_EXIT_OK) {
        free(o);
        return MKT_EXIT_FAIL;
    }
    int err = open_stream(o, gzip);
    if (err != 0) {
        out_abort(o);
        return fail_errno("cannot write", path, err);
    }
    *out = o;
    return MKT_EXIT_OK;
}

void out_write(out_file *o, const char *data, size_t len)
{
    if (o->err != 0 || len == 0)
        return;
    if (o->plain != NULL) {
        if (fwrite(data, 1, len, o->plain) != len)
            o->err = errno ? errno : EIO;
        return;
    }
    /* gzwrite takes an unsigned length: write huge buffers in pieces. */
    while (len > 0) {
        unsigned piece = len > (1u << 30) ? 1u << 30 : (unsigned)len;
        if (gzwrite(o->gz, data, piece) != (int)piece) {
            o->err = errno ? errno : EIO;
            return;
        }
        data += piece;
        len -= piece;
    }
}

/* Close the zlib stream (it owns a duplicate descriptor) and flush the plain stream;
 * returns the first error (an errno value) or 0. */
static int flush_streams(out_file *o)
{
    int err = o->err;
    if (o->gz != NULL) {
        errno = 0;
        if (gzclose(o->gz) != Z_OK && err == 0)
            err = errno ? errno : EIO;
        o->gz = NULL;
    }
    if (o->plain != NULL && fflush(o->plain) != 0 && err == 0)
        err = errno ? errno : EIO;
    return err;
}

/* Close the temporary file (through its stream when there is one) and free @o. */
static int out_free(out_file *o)
{
    int err = 0;
    if (o->tmp != NULL) {
        if (o->plain != NULL)
            err = fclose(o->plain) != 0 ? errno : 0; /* also closes fd */
        else if (o->fd >= 0)
            err = close(o->fd) != 0 ? errno : 0;
    }
    free(o->tmp);
    free(o);
    return err;
}

void out_abort(out_file *o)
{
    if (o == NULL)
        return;
    (void)flush_streams(o);
    if (o->tmp != NULL)
        unlink(o->tmp);
    (void)out_free(o);
}

int out_commit(out_file *o)
{
    int err = flush_streams(o);
    if (err == 0 && o->tmp != NULL && fsync(o->fd) != 0)
        err = errno;
    const char *path = o->path;
    char *tmp = o->tmp;
    o->tmp = NULL; /* keep the name past out_free() */
    if (tmp != NULL) {
        if (o->plain != NULL && fclose(o->plain) != 0 && err == 0)
            err = errno;
        else if (o->plain == NULL && close(o->fd) != 0 && err == 0)
            err = errno;
        if (err == 0 && rename(tmp, path) != 0)
            err = errno;
        if (err != 0)
            unlink(tmp);
        free(tmp);
    }
    free(o);
    if (err != 0) {
        if (strcmp(path, "-") == 0)
            return fail_errno("cannot write to", "standard output", err);
        return fail_errno("cannot write", path, err);
    }
    return MKT_EXIT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * Atomic output files for the report commands: mkstemp next to the target, the mode an
 * ordinary fopen would give (0666 minus the umask), fsync, rename. See outfile.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkt.h"
#include "outfile.h"

int outfile_open(outfile *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        return MKT_EXIT_OK;
    }
    size_t n = strlen(path);
    o->tmp = malloc(n + sizeof ".tmpXXXXXX");
    if (o->tmp == NULL) {
        fputs("mkt: out of memory\n", stderr);
        return MKT_EXIT_FAIL;
    }
    memcpy(o->tmp, path, n);
    memcpy(o->tmp + n, ".tmpXXXXXX", sizeof ".tmpXXXXXX");
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        fprintf(stderr, "mkt: cannot create %s: %s\n", path, strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        return MKT_EXIT_FAIL;
    }
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || (o->f = fdopen(fd, "w")) == NULL) {
        fprintf(stderr, "mkt: cannot write %s: %s\n", path, strerror(errno));
        close(fd);
        outfile_abort(o);
        return MKT_EXIT_FAIL;
    }
    return MKT_EXIT_OK;
}

int outfile_commit(outfile *o)
{
    if (o->tmp == NULL)
        return finish_output();
    int bad = fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0;
    int err = errno;
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    o->f = NULL;
    if (!bad && rename(o->tmp, o->path) != 0) {
        bad = 1;
        err = errno;
    }
    if (bad) {
        fprintf(stderr, "mkt: cannot write %s: %s\n", o->path, strerror(err));
        outfile_abort(o);
        return MKT_EXIT_FAIL;
    }
    free(o->tmp);
    o->tmp = NULL;
    return MKT_EXIT_OK;
}

void outfile_abort(outfile *o)
{
    if (o == NULL || o->tmp == NULL)
        return;
    if (o->f != NULL)
        fclose(o->f);
    o->f = NULL;
    unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
}

void csv_field(FILE *f, const char *s, size_t n)
{
    if (strcspn(s, ",\"\r\n") >= n) {
        fwrite(s, 1, n, f);
        return;
    }
    putc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            putc('"', f);
        putc(s[i], f);
    }
    putc('"', f);
}

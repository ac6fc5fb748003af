/* SPDX-License-Identifier: MIT */
/*
 * Output files of the report commands (rfm, lifecycle): written to a temporary file in the same
 * directory and renamed over the target when complete, so a failure leaves no partial file and
 * readers see the old file or the new one; "-" is standard output.
 */
#ifndef MKT_TOOL_OUTFILE_H
#define MKT_TOOL_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

typedef struct outfile {
    FILE *f;
    const char *path; /* the target ("-" for stdout) */
    char *tmp;        /* the temporary file, NULL for stdout */
} outfile;

/* Open @path for writing. Prints the error and returns MKT_EXIT_FAIL on failure. */
int outfile_open(outfile *o, const char *path);
/* Flush, sync, close and rename into place. Prints the error and returns MKT_EXIT_FAIL. */
int outfile_commit(outfile *o);
/* Close and remove the temporary file (after a failure). NULL-safe, idempotent. */
void outfile_abort(outfile *o);
/* Write one CSV field: quoted (quotes doubled) only when it holds a comma, quote or line
 * break. */
void csv_field(FILE *f, const char *s, size_t n);

#endif /* MKT_TOOL_OUTFILE_H */

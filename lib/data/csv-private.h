/* SPDX-License-Identifier: MIT */
/*
 * Internal streaming CSV reader (RFC 4180) over a plain file, a gzip file (detected by its
 * magic bytes) or a memory buffer. Records come back as arrays of (pointer, length) fields
 * that stay valid until the next call; no per-field allocation. Nothing here is exported.
 */
#ifndef MKT_DATA_CSV_PRIVATE_H
#define MKT_DATA_CSV_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "core-private.h"
#include "libmarketing/data.h"
#include "util.h"

/* One field of the current record: not NUL-terminated, valid UTF-8, no NUL bytes. */
struct mkt__csv_field {
    const char *ptr;
    size_t len;
};

struct mkt__csv_options {
    int sep;                  /* separator byte; 0 means ',' */
    int has_header;           /* 1: the first record is kept as column names for messages */
    size_t block_size;        /* bytes per read; 0 means 256 KiB (tests use tiny blocks) */
    mkt_progress_fn progress; /* optional, about every MiB of stored bytes */
    void *progress_data;
};

struct mkt__csv_span; /* where a field lies while its record is being parsed */

typedef struct mkt__csv {
    mkt_ctx *ctx;
    char *name;                     /* source name used in messages */

    /* the current record (valid after mkt__csv_next() returned 1) */
    struct mkt__csv_field *fields;
    size_t nfields;
    uint64_t line;                  /* physical line where the record starts (1-based) */
    uint64_t records;               /* records returned so far, the header included */

    /* the header, when has_header */
    struct mkt__csv_field *header;
    size_t nheader;
    char *header_bytes;

    /* parser state */
    unsigned char cls[256];         /* non-zero for bytes that stop an unquoted scan */
    unsigned char sep;
    int has_header;
    int eof;                        /* no more decoded input */
    int started;                    /* the BOM check has been done */
    char *buf;                      /* decoded bytes [start, end) not consumed yet */
    size_t cap, start, end;
    uint64_t next_line;             /* line of buf[start] */
    struct mkt__csv_span *spans;
    size_t spans_cap, fields_cap;
    mkt__buf scratch;               /* unescaped bytes of fields with "" inside */
    uint32_t max_field, max_fields;

    /* input */
    int fd;                         /* -1 for memory input */
    const unsigned char *mem;
    size_t mem_len, mem_pos;
    int raw_eof;
    int gz;                         /* 1 when the input is gzip */
    void *z;                        /* z_stream *, owned */
    int member_done;                /* the current gzip member reached its end */
    unsigned char *zin;             /* raw input block */
    size_t zin_cap;
    size_t block;
    uint64_t raw_done, raw_total, next_progress;
    mkt_progress_fn progress;
    void *progress_data;

    /* parallel loads (load-parallel.c) */
    int quiet;                      /* a worker's reader: errors return codes, record nothing */
    uint64_t consumed_at;           /* non-zero: what mkt__csv_consumed() answers */
    uint64_t stop_at;               /* non-zero: mkt__csv_next() ends once this many stored
                                       bytes are consumed (plain files) */

    /* for the typed field parsers (load-common.c): the month of the last date of a time
     * column (0) and of a date column (1); a reader is parsed by one thread at a time */
    struct mkt__month_memo months[2];
} mkt__csv;

/* Open a file (plain or gzip). Errors: MKT_EIO (naming the file), MKT_ENOMEM, MKT_EINVAL. */
int mkt__csv_open_file(mkt__csv **out, mkt_ctx *ctx, const char *path,
                       const struct mkt__csv_options *opts);
/* Read from @len bytes at @data (plain or gzip), not copied: they must outlive the reader.
 * @name is used in messages. */
int mkt__csv_open_memory(mkt__csv **out, mkt_ctx *ctx, const char *name, const void *data,
                         size_t len, const struct mkt__csv_options *opts);
/* 1: a record is in r->fields; 0: end of input; < 0: error recorded on the context. */
int mkt__csv_next(mkt__csv *r);
/* Name of column @col (0-based) from the header, or NULL. */
const char *mkt__csv_column_name(const mkt__csv *r, size_t col);
/* Stored bytes parsed so far for plain input (0 for gzip, where it means nothing). */
uint64_t mkt__csv_consumed(const mkt__csv *r);
/* Report a final progress call (done == total). Returns MKT_OK or MKT_EUSER. */
int mkt__csv_finish(mkt__csv *r);
void mkt__csv_free(mkt__csv *r);
/* Between the two halves of the reader: append decoded bytes at buf[end..cap); *got 0 means
 * the end of the input. */
int mkt__csv_fill_(mkt__csv *r, size_t *got);

/* The next record of a quiet reader whose buf[start, end) holds whole records up to the end
 * of its input, by the fast path only (never allocates, never touches the context):
 * 1 a record, 0 the end, -1 a record the fast path leaves to the general parser (a quote
 * not closed before the end, a stray quote, invalid UTF-8, a limit, more fields than
 * fields_cap, no final line feed). Quoted fields are taken, their "" pairs collapsed in
 * place. */
int mkt__csv_next_fast(mkt__csv *r);
/* csv-plain.c: the record at r->start when it is plain (ASCII, no quote, no CR, 64 bytes or
 * more before r->end; skip_blank() done): 1 with the record taken as fast_record() takes it,
 * or 0 with nothing changed. */
int mkt__csv_plain_record(mkt__csv *r);
/* Read up to @n more stored bytes of a plain file past what the reader buffered; *got 0 at
 * the end. Counts them for progress, which is reported (@rows records so far). */
int mkt__csv_read_more(mkt__csv *r, void *dst, size_t n, size_t *got);
int mkt__csv_report(mkt__csv *r, uint64_t rows);
/* Drop what is buffered and go on parsing a plain file from byte @off, where a record
 * starts on line @line. */
int mkt__csv_resume_at(mkt__csv *r, uint64_t off, uint64_t line);

/* Record an error about column @col (0-based) of the current record: "name:line:col: field:
 * text". Returns @code. */
int mkt__csv_error(const mkt__csv *r, int code, size_t col, const char *fmt, ...)
    MKT_PRINTF(4, 5);

/* Length of the valid UTF-8 sequence at @p (n bytes available): > 0 the sequence length,
 * 0 when it is cut by the end of the data, -1 when invalid (NUL counts as invalid). */
int mkt__utf8_seq(const unsigned char *p, size_t n);
/* 1 when [p, p+n) is valid UTF-8 without NUL bytes. */
int mkt__utf8_valid(const char *p, size_t n);

#endif /* MKT_DATA_CSV_PRIVATE_H */

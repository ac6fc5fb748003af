/* SPDX-License-Identifier: MIT */
/*
 * The CSV parser proper (RFC 4180). A record is parsed in place in the decoded block; when it
 * runs past the end of the block the parser asks for more input and simply parses the record
 * again from its start (this happens about once per 256 KiB block, so it costs nothing while
 * keeping the parser free of resumable state). Unquoted and plainly quoted fields point into
 * the block; only fields containing "" escapes are copied, into one scratch buffer per record.
 * Physical line numbers count every newline, including those inside quoted fields.
 *
 * Most records have no quotes and are ASCII: mkt__csv_plain_record() (csv-plain.c) takes the
 * plainest, fast_record() the rest of those it can, finding separators and line ends 16 bytes
 * at a time (SSE2 on x86-64, a portable word-at-a-time scan elsewhere), and hands anything
 * unusual (a cut sequence, the end of the block, a limit, a stray quote) back to the general
 * parser, which then parses the record from its start.
 */
#include <stdarg.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "csv-private.h"

#define NEED_MORE 2

struct mkt__csv_span {
    size_t off, len;
    int in_scratch;
};

static int perr(const mkt__csv *r, int code, uint64_t line, size_t col, const char *fmt, ...)
    MKT_PRINTF(5, 6);

static int perr(const mkt__csv *r, int code, uint64_t line, size_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *field = col < r->nheader ? r->header[col].ptr : NULL;
    int rc = mkt__verror_at(r->ctx, code, r->name, line, (uint64_t)col + 1, field, fmt, ap);
    va_end(ap);
    return rc;
}

int mkt__csv_error(const mkt__csv *r, int code, size_t col, const char *fmt, ...)
{
    if (r->quiet) /* a worker thread: the loading thread parses the record again to report */
        return code;
    va_list ap;
    va_start(ap, fmt);
    const char *field = col < r->nheader ? r->header[col].ptr : NULL;
    int rc = mkt__verror_at(r->ctx, code, r->name, r->line, (uint64_t)col + 1, field, fmt, ap);
    va_end(ap);
    return rc;
}

const char *mkt__csv_column_name(const mkt__csv *r, size_t col)
{
    return col < r->nheader ? r->header[col].ptr : NULL;
}

static int push_span(mkt__csv *r, size_t *nf, size_t off, size_t len, int in_scratch,
                     uint64_t line)
{
    if (len > r->max_field)
        return perr(r, MKT_ETOOBIG, line, *nf, "field longer than %u bytes", r->max_field);
    if (*nf >= r->max_fields)
        return perr(r, MKT_ETOOBIG, line, *nf, "more than %u fields in a record", r->max_fields);
    if (*nf == r->spans_cap) {
        size_t cap = r->spans_cap ? r->spans_cap * 2 : 32;
        struct mkt__csv_span *s = mkt__reallocarray(r->ctx, r->spans, cap, sizeof *s);
        if (!s)
            return mkt__oom(r->ctx);
        r->spans = s;
        r->spans_cap = cap;
    }
    r->spans[*nf] = (struct mkt__csv_span){off, len, in_scratch};
    (*nf)++;
    return MKT_OK;
}

/* Validate quoted text [p, p+n) and count its newlines. @open_end: the data may continue
 * past n, so a sequence cut at the end asks for more input. */
static int scan_quoted(const mkt__csv *r, const unsigned char *p, size_t n, int open_end,
                       uint64_t *lines, size_t col)
{
    size_t i = 0;
    while (i < n) {
        if (p[i] == '\n') {
            (*lines)++;
            i++;
            continue;
        }
        int k = mkt__utf8_seq(p + i, n - i);
        if (k > 0) {
            i += (size_t)k;
            continue;
        }
        if (k == 0 && open_end)
            return NEED_MORE;
        return perr(r, MKT_EPARSE, r->next_line + *lines, col,
                    p[i] == 0 ? "NUL byte in field" : "invalid UTF-8");
    }
    return MKT_OK;
}

/* After a field: separator (1 = another field follows), end of line or input (0), more
 * input needed, or an error. */
static int after_field(mkt__csv *r, size_t *pos, uint64_t *lines, size_t col, int quoted)
{
    const unsigned char *b = (const unsigned char *)r->buf;
    if (*pos == r->end)
        return r->eof ? 0 : NEED_MORE;
    unsigned c = b[*pos];
    if (c == r->sep) {
        (*pos)++;
        return 1;
    }
    if (c == '\n') {
        (*pos)++;
        (*lines)++;
        return 0;
    }
    if (c == '\r') {
        if (*pos + 1 == r->end && !r->eof)
            return NEED_MORE;
        if (*pos + 1 < r->end && b[*pos + 1] == '\n') {
            *pos += 2;
            (*lines)++;
            return 0;
        }
        return perr(r, MKT_EPARSE, r->next_line + *lines, col,
                    "carriage return not followed by a line feed");
    }
    if (quoted)
        return perr(r, MKT_EPARSE, r->next_line + *lines, col,
                    "unexpected character after the closing quote");
    if (c == '"')
        return perr(r, MKT_EPARSE, r->next_line + *lines, col,
                    "quote inside an unquoted field (quote the whole field and double the "
                    "quotes inside)");
    return perr(r, MKT_EPARSE, r->next_line + *lines, col, "NUL byte in field");
}

/* Scan an unquoted field from *pos up to its terminator. */
static int scan_unquoted(mkt__csv *r, size_t *pos, uint64_t line, size_t col, size_t fstart)
{
    const unsigned char *b = (const unsigned char *)r->buf;
    size_t p = *pos, end = r->end;
    for (;;) {
        while (p < end && !r->cls[b[p]])
            p++;
        if (p < end && b[p] >= 0x80) {
            int k = mkt__utf8_seq(b + p, end - p);
            if (k > 0) {
                p += (size_t)k;
                continue;
            }
            if (k < 0 || r->eof)
                return perr(r, MKT_EPARSE, line, col, "invalid UTF-8");
        }
        break;
    }
    if (p == end && !r->eof && p - fstart <= r->max_field)
        return NEED_MORE;
    if (p < end && b[p] >= 0x80)
        return NEED_MORE; /* a sequence cut by the end of the block */
    *pos = p;
    return MKT_OK;
}

/* Scan a quoted field starting at the opening quote at *pos. */
static int scan_quoted_field(mkt__csv *r, size_t *pos, uint64_t *lines, size_t col,
                             struct mkt__csv_span *span)
{
    const unsigned char *b = (const unsigned char *)r->buf;
    uint64_t field_line = r->next_line + *lines;
    size_t p = *pos + 1, seg = p, soff = r->scratch.len, end = r->end;
    int esc = 0;
    for (;;) {
        const unsigned char *q = memchr(b + p, '"', end - p);
        size_t qpos = q ? (size_t)(q - b) : end;
        int rc = scan_quoted(r, b + p, qpos - p, !q && !r->eof, lines, col);
        if (rc)
            return rc;
        size_t have = (esc ? r->scratch.len - soff : 0) + (qpos - seg);
        if (have > r->max_field)
            return perr(r, MKT_ETOOBIG, field_line, col, "field longer than %u bytes",
                        r->max_field);
        if (!q) {
            if (!r->eof)
                return NEED_MORE;
            return perr(r, MKT_EPARSE, field_line, col, "unterminated quoted field");
        }
        if (qpos + 1 == end && !r->eof)
            return NEED_MORE;
        if (qpos + 1 < end && b[qpos + 1] == '"') {
            /* An escaped quote: keep the text so far and one quote. */
            if (mkt__buf_append(&r->scratch, b + seg, qpos + 1 - seg))
                return MKT_ENOMEM;
            esc = 1;
            p = seg = qpos + 2;
            continue;
        }
        if (esc) {
            if (mkt__buf_append(&r->scratch, b + seg, qpos - seg))
                return MKT_ENOMEM;
            *span = (struct mkt__csv_span){soff, r->scratch.len - soff, 1};
        } else {
            *span = (struct mkt__csv_span){seg, qpos - seg, 0};
        }
        *pos = qpos + 1;
        return MKT_OK;
    }
}

/* Skip the BOM once and any blank lines before a record. 0: at a record, NEED_MORE, or 3
 * for the end of the input. */
static int skip_blank(mkt__csv *r)
{
    const unsigned char *b = (const unsigned char *)r->buf;
    if (!r->started) {
        if (r->end - r->start < 3 && !r->eof)
            return NEED_MORE;
        if (r->end - r->start >= 3 && b[r->start] == 0xEF && b[r->start + 1] == 0xBB &&
            b[r->start + 2] == 0xBF)
            r->start += 3;
        r->started = 1;
    }
    for (;;) {
        if (r->start == r->end)
            return r->eof ? 3 : NEED_MORE;
        if (b[r->start] == '\n') {
            r->start++;
            r->next_line++;
        } else if (b[r->start] == '\r') {
            if (r->start + 1 == r->end && !r->eof)
                return NEED_MORE;
            if (r->start + 1 == r->end || b[r->start + 1] != '\n')
                return 0; /* reported by the field scan */
            r->start += 2;
            r->next_line++;
        } else {
            return 0;
        }
    }
}

static int resolve_fields(mkt__csv *r, size_t nf)
{
    if (nf > r->fields_cap) {
        size_t cap = r->spans_cap;
        struct mkt__csv_field *f = mkt__reallocarray(r->ctx, r->fields, cap, sizeof *f);
        if (!f)
            return mkt__oom(r->ctx);
        r->fields = f;
        r->fields_cap = cap;
    }
    for (size_t i = 0; i < nf; i++) {
        const struct mkt__csv_span *s = &r->spans[i];
        const char *base = s->in_scratch ? r->scratch.data : r->buf;
        r->fields[i].ptr = base + s->off;
        r->fields[i].len = s->len;
    }
    r->nfields = nf;
    return MKT_OK;
}


/* The fast path's view of the stop bytes: one bit per byte of a 64-byte window starting at
 * base, so that a record's fields cost a bit scan each rather than a vector scan each. */
struct stops {
    size_t base;
    uint64_t mask;
};

#if defined(__SSE2__)
static uint64_t stop_mask(const mkt__csv *r, const unsigned char *b, size_t p, size_t end)
{
    if (end - p < 64) {
        uint64_t m = 0;
        for (size_t i = 0; p + i < end; i++)
            m |= (uint64_t)(r->cls[b[p + i]] != 0) << i;
        return m;
    }
    const __m128i sep = _mm_set1_epi8((char)r->sep), nl = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r'), qt = _mm_set1_epi8('"'), zero = _mm_setzero_si128();
    uint64_t m = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + p + 16 * k));
        __m128i x = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, sep), _mm_cmpeq_epi8(v, nl)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, qt)));
        x = _mm_or_si128(x, _mm_cmpeq_epi8(v, zero));
        unsigned bits = (unsigned)_mm_movemask_epi8(x) | (unsigned)_mm_movemask_epi8(v);
        m |= (uint64_t)bits << (16 * k);
    }
    return m;
}
#else
static uint64_t stop_mask(const mkt__csv *r, const unsigned char *b, size_t p, size_t end)
{
    uint64_t m = 0;
    for (size_t i = 0; i < 64 && p + i < end; i++)
        m |= (uint64_t)(r->cls[b[p + i]] != 0) << i;
    return m;
}
#endif

/* Position of the first stop byte in [p, end), or end (next_stop() through the window). */
static size_t next_stop_at(const mkt__csv *r, const unsigned char *b, struct stops *st, size_t p,
                           size_t end)
{
    for (;;) {
        if (p < st->base || p - st->base >= 64) {
            st->base = p;
            st->mask = stop_mask(r, b, p, end);
        }
        uint64_t m = st->mask & (~UINT64_C(0) << (p - st->base));
        if (m)
            return st->base + (size_t)__builtin_ctzll(m);
        if (end - st->base <= 64)
            return end;
        p = st->base + 64;
    }
}

/* A quoted field starting at b[p] == '"' in the fast path: 1 with *close at its closing
 * quote, *lines the line feeds inside and *esc set when it holds "" pairs; 0 when it is not
 * closed before @end or holds a NUL byte or invalid UTF-8 (the general parser decides). */
static int fast_quoted(const unsigned char *b, size_t p, size_t end, size_t *close,
                       uint64_t *lines, int *esc)
{
    size_t i = p + 1;
    *lines = 0;
    *esc = 0;
    for (;;) {
        const unsigned char *q = memchr(b + i, '"', end - i);
        if (!q)
            return 0;
        for (size_t stop = (size_t)(q - b); i < stop;) {
            if (b[i] >= 0x80) {
                int k = mkt__utf8_seq(b + i, stop - i);
                if (k <= 0)
                    return 0;
                i += (size_t)k;
                continue;
            }
            if (b[i] == 0)
                return 0;
            *lines += b[i++] == '\n';
        }
        if (i + 1 < end && b[i + 1] == '"') {
            *esc = 1;
            i += 2;
            continue;
        }
        *close = i;
        return 1;
    }
}

/* Turn the "" pairs of a quoted field into single quotes, in place. */
static size_t unescape_in_place(char *f, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++, w++) {
        f[w] = f[i];
        i += f[i] == '"'; /* the second quote of the pair */
    }
    return w;
}

/* Parse a record at r->start straight into r->fields. 1: done; 0: let the general parser do
 * it (invalid or cut UTF-8, an unclosed quote, a stray quote, end of block, limits, a lone
 * CR). Quoted fields are taken; their "" pairs are collapsed in place only once the whole
 * record succeeded, so a record handed to the general parser is untouched. */
static int fast_record(mkt__csv *r)
{
    if (mkt__csv_plain_record(r))
        return 1; /* the plainest records, from bit masks (csv-plain.c) */
    unsigned char *b = (unsigned char *)r->buf;
    size_t pos = r->start, fstart = pos, end = r->end, nf = 0;
    size_t maxf = r->fields_cap < r->max_fields ? r->fields_cap : r->max_fields;
    uint64_t lines = 0, escaped = 0; /* bit k: field k holds "" pairs (fields < 64) */
    struct stops st = {SIZE_MAX, 0};
    for (;;) {
        size_t p = next_stop_at(r, b, &st, pos, end), fend = p;
        if (p == end || p - fstart > r->max_field)
            return 0;
        unsigned c = b[p];
        if (c >= 0x80) {
            int k = mkt__utf8_seq(b + p, end - p);
            if (k <= 0)
                return 0;
            pos = p + (size_t)k;
            continue;
        }
        if (c == '"') {
            uint64_t in_lines;
            int esc;
            if (p != fstart || !fast_quoted(b, p, end, &fend, &in_lines, &esc) ||
                fend - p - 1 > r->max_field || fend + 1 == end || (esc && nf >= 64))
                return 0;
            escaped |= (uint64_t)esc << (esc ? nf : 0);
            lines += in_lines;
            fstart = p + 1;
            p = fend + 1;
            c = b[p];
        }
        if (c != r->sep && c != '\n' && (c != '\r' || p + 1 == end || b[p + 1] != '\n'))
            return 0;
        if (nf == maxf)
            return 0;
        r->fields[nf++] = (struct mkt__csv_field){(const char *)b + fstart, fend - fstart};
        pos = fstart = p + 1;
        if (c == r->sep)
            continue;
        for (size_t k = 0; escaped >> k; k++)
            if (escaped >> k & 1)
                r->fields[k].len = unescape_in_place((char *)(uintptr_t)r->fields[k].ptr,
                                                     r->fields[k].len);
        r->nfields = nf;
        r->line = r->next_line;
        r->next_line += 1 + lines;
        r->start = c == '\n' ? p + 1 : p + 2;
        r->records++;
        return 1;
    }
}

int mkt__csv_next_fast(mkt__csv *r)
{
    int rc = skip_blank(r); /* at the end of the input: never NEED_MORE */
    if (rc == 3)
        return 0;
    return rc == 0 && fast_record(r) ? 1 : -1;
}

/* Parse one record from r->start: 1 record, 0 end of input, NEED_MORE, or an error. */
static int parse_once(mkt__csv *r)
{
    int rc = skip_blank(r);
    if (rc == 3)
        return 0;
    if (rc)
        return rc;
    if (fast_record(r))
        return 1;
    mkt__buf_reset(&r->scratch);
    size_t pos = r->start, nf = 0;
    uint64_t lines = 0;
    for (;;) {
        struct mkt__csv_span span = {0, 0, 0};
        uint64_t line = r->next_line + lines;
        int quoted = pos < r->end && r->buf[pos] == '"';
        if (quoted) {
            rc = scan_quoted_field(r, &pos, &lines, nf, &span);
        } else {
            size_t fstart = pos;
            rc = scan_unquoted(r, &pos, line, nf, fstart);
            span = (struct mkt__csv_span){fstart, pos - fstart, 0};
        }
        if (rc)
            return rc;
        rc = push_span(r, &nf, span.off, span.len, span.in_scratch, line);
        if (rc)
            return rc;
        rc = after_field(r, &pos, &lines, nf - 1, quoted);
        if (rc == 1)
            continue;
        if (rc)
            return rc;
        break;
    }
    rc = resolve_fields(r, nf);
    if (rc)
        return rc;
    r->line = r->next_line;
    r->next_line += lines;
    r->start = pos;
    r->records++;
    return 1;
}

/* Keep the first record as column names (copied: the block moves on). */
static int keep_header(mkt__csv *r)
{
    size_t total = 0;
    for (size_t i = 0; i < r->nfields; i++)
        total += r->fields[i].len + 1;
    r->header_bytes = mkt__malloc(r->ctx, total ? total : 1);
    r->header = mkt__reallocarray(r->ctx, NULL, r->nfields ? r->nfields : 1, sizeof *r->header);
    if (!r->header_bytes || !r->header)
        return mkt__oom(r->ctx);
    char *p = r->header_bytes;
    for (size_t i = 0; i < r->nfields; i++) {
        memcpy(p, r->fields[i].ptr, r->fields[i].len);
        p[r->fields[i].len] = '\0';
        r->header[i] = (struct mkt__csv_field){p, r->fields[i].len};
        p += r->fields[i].len + 1;
    }
    r->nheader = r->nfields;
    return MKT_OK;
}

/* Make room after the unconsumed bytes: slide them to the front, grow when the block is full. */
static int make_room(mkt__csv *r)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->end < r->cap)
        return MKT_OK;
    if (r->cap > SIZE_MAX / 2)
        return mkt__oom(r->ctx);
    char *nb = mkt__realloc(r->ctx, r->buf, r->cap * 2);
    if (!nb)
        return mkt__oom(r->ctx);
    r->buf = nb;
    r->cap *= 2;
    return MKT_OK;
}

int mkt__csv_next(mkt__csv *r)
{
    if (r->stop_at && mkt__csv_consumed(r) >= r->stop_at)
        return 0; /* a parallel load takes over again from here */
    for (;;) {
        int rc = parse_once(r);
        if (rc == 1 && r->has_header && r->records == 1) {
            int hrc = keep_header(r);
            if (hrc)
                return hrc;
        }
        if (rc != NEED_MORE)
            return rc;
        if (r->eof)
            return mkt__error(r->ctx, MKT_EINTERNAL, "CSV parser wants input after its end");
        rc = make_room(r);
        if (rc)
            return rc;
        size_t got;
        rc = mkt__csv_fill_(r, &got);
        if (rc)
            return rc;
        if (got == 0)
            r->eof = 1;
    }
}

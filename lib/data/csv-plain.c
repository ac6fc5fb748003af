/* SPDX-License-Identifier: MIT */
/*
 * The plainest records, which are nearly all of a generated or exported file: ASCII, no
 * quotes, no carriage returns, 64 bytes or more before the end of the block. For 64 bytes at
 * a time three bit masks are made: the separators and line feeds, the line feeds, and every
 * byte this path does not take (quote, CR, NUL, bytes >= 0x80). One test per block then
 * clears the bytes up to the record's line feed, and the fields fall out of the first mask one
 * set bit at a time, a dozen instructions each. Anything else hands the whole record to
 * fast_record() (csv.c), which starts again from its first byte: nothing is changed before a
 * record succeeds.
 *
 * fast_record() looks for the next stop byte field by field and checks every byte it stops
 * at: on the booking files about 1,000 instructions per record; this path takes about a third
 * of that with SSE2, less with AVX2 (chosen at run time where the CPU has it).
 */
#include "csv-private.h"

#if defined(__SSE2__)
#include <emmintrin.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
#endif

struct masks {
    uint64_t delims; /* separators and line feeds */
    uint64_t nl;     /* line feeds */
    uint64_t odd;    /* bytes this path leaves to fast_record() */
};

static void masks_sse2(const unsigned char *b, int sep, struct masks *m)
{
    const __m128i vs = _mm_set1_epi8((char)sep), nl = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r'), qt = _mm_set1_epi8('"'), zero = _mm_setzero_si128();
    m->delims = m->nl = m->odd = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * k));
        __m128i n = _mm_cmpeq_epi8(v, nl);
        __m128i y = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, qt)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, zero), v)); /* v: high bits */
        m->nl |= (uint64_t)(unsigned)_mm_movemask_epi8(n) << (16 * k);
        m->delims |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(n, _mm_cmpeq_epi8(v, vs)))
                     << (16 * k);
        m->odd |= (uint64_t)(unsigned)_mm_movemask_epi8(y) << (16 * k);
    }
}

#ifdef HAVE_AVX2_PATH
__attribute__((target("avx2"))) static void masks_avx2(const unsigned char *b, int sep,
                                                        struct masks *m)
{
    const __m256i vs = _mm256_set1_epi8((char)sep), nl = _mm256_set1_epi8('\n');
    const __m256i cr = _mm256_set1_epi8('\r'), qt = _mm256_set1_epi8('"');
    const __m256i zero = _mm256_setzero_si256();
    m->delims = m->nl = m->odd = 0;
    for (int k = 0; k < 2; k++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(b + 32 * k));
        __m256i n = _mm256_cmpeq_epi8(v, nl);
        __m256i y = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(v, cr), _mm256_cmpeq_epi8(v, qt)),
            _mm256_or_si256(_mm256_cmpeq_epi8(v, zero), v)); /* v: its high bits count */
        m->nl |= (uint64_t)(uint32_t)_mm256_movemask_epi8(n) << (32 * k);
        m->delims |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
                         _mm256_or_si256(n, _mm256_cmpeq_epi8(v, vs)))
                     << (32 * k);
        m->odd |= (uint64_t)(uint32_t)_mm256_movemask_epi8(y) << (32 * k);
    }
}
#endif

int mkt__csv_plain_record(mkt__csv *r)
{
    const unsigned char *b = (const unsigned char *)r->buf;
    struct mkt__csv_field *fields = r->fields;
    const size_t max_field = r->max_field, end = r->end;
    size_t fstart = r->start, nf = 0;
    size_t maxf = r->fields_cap < r->max_fields ? r->fields_cap : r->max_fields;
#ifdef HAVE_AVX2_PATH
    const int wide = __builtin_cpu_supports("avx2");
#endif
    for (size_t base = r->start; end - base >= 64; base += 64) {
        struct masks m;
#ifdef HAVE_AVX2_PATH
        if (wide)
            masks_avx2(b + base, r->sep, &m);
        else
#endif
            masks_sse2(b + base, r->sep, &m);
        /* The bytes up to the record's line feed, or the whole block when it has none. */
        uint64_t upto = m.nl ? ((m.nl & (0 - m.nl)) << 1) - 1 : ~UINT64_C(0);
        uint64_t delims = m.delims & upto;
        if (m.odd & upto)
            return 0;
        for (; delims; delims &= delims - 1) {
            size_t p = base + (size_t)__builtin_ctzll(delims);
            if (p - fstart > max_field || nf == maxf)
                return 0;
            fields[nf++] = (struct mkt__csv_field){(const char *)b + fstart, p - fstart};
            fstart = p + 1;
        }
        if (m.nl) {
            r->nfields = nf;
            r->line = r->next_line++;
            r->start = fstart;
            r->records++;
            return 1;
        }
    }
    return 0;
}

#else

int mkt__csv_plain_record(mkt__csv *r)
{
    (void)r;
    return 0; /* fast_record() takes every record */
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * PCRE2 for the `matches` operator and for case-insensitive string comparisons (a `ci`
 * literal is compiled as a PCRE2_LITERAL | PCRE2_CASELESS pattern, so case folding follows
 * Unicode the same way everywhere). Memory goes through the context's allocator; patterns are
 * JIT-compiled when the platform allows and otherwise run in the interpreter; the match and
 * depth limits of the segment options bound the work of one match.
 */
#include <string.h>

#include "compile-private.h"

/* PCRE2's JIT code reads subjects a word at a time, past their end; memcheck reports those
 * reads of bytes beyond the string as uses of uninitialised memory although no result depends
 * on them. Under valgrind the interpreter runs instead (same results), so that the checker
 * stays quiet about real errors. Outside valgrind this is a no-op test. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND() 0
#endif

static void *pcre_alloc(PCRE2_SIZE size, void *data)
{
    return mkt__malloc((mkt_ctx *)data, size);
}

static void pcre_free(void *p, void *data)
{
    mkt__free((mkt_ctx *)data, p);
}

pcre2_general_context *mkt__pcre_gctx(mkt_ctx *ctx)
{
    return pcre2_general_context_create(pcre_alloc, pcre_free, ctx);
}

/* The column in the rule text of byte @off of the literal's value: the value starts after the
 * opening quote, counts characters, and each quote inside was written twice. */
static uint32_t pattern_column(const struct mkt__lit *v, size_t off)
{
    uint32_t col = v->col + 1;
    for (size_t i = 0; i < off && i < v->len; i++) {
        unsigned char ch = (unsigned char)v->text[i];
        if ((ch & 0xC0) != 0x80)
            col++;
        if (ch == '\'')
            col++;
    }
    return col;
}

/* A pattern matching exactly @s: ASCII punctuation escaped (always safe in PCRE2), letters,
 * digits and non-ASCII characters as they are. Freed by the caller. */
static char *escape_literal(mkt_ctx *ctx, const char *s, size_t n, size_t *len)
{
    char *p = mkt__malloc(ctx, 2 * n + 1);
    if (!p)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        int plain = ch >= 0x80 || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
                    (ch >= 'A' && ch <= 'Z');
        if (!plain)
            p[j++] = '\\';
        p[j++] = (char)ch;
    }
    p[j] = '\0';
    *len = j;
    return p;
}

int mkt__regex_compile(struct mkt__comp *c, const struct mkt_rule *r, const struct mkt__lit *v,
                       uint32_t options, int literal, pcre2_code **out)
{
    *out = NULL;
    size_t plen = v->len;
    char *escaped = literal ? escape_literal(c->ctx, v->text, v->len, &plen) : NULL;
    pcre2_compile_context *cc = (!literal || escaped) ? pcre2_compile_context_create(c->seg->gctx)
                                                      : NULL;
    if (!cc) {
        mkt__free(c->ctx, escaped);
        return mkt__oom(c->ctx);
    }
    int err = 0;
    PCRE2_SIZE off = 0;
    *out = pcre2_compile((PCRE2_SPTR)(literal ? escaped : v->text), plen,
                         options | PCRE2_UTF | PCRE2_UCP, &err, &off, cc);
    pcre2_compile_context_free(cc);
    mkt__free(c->ctx, escaped);
    if (!*out) {
        if (err == PCRE2_ERROR_NOMEMORY || err == PCRE2_ERROR_HEAP_FAILED)
            return mkt__oom(c->ctx);
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        struct mkt__lit at = *v;
        if (v->line)
            at.col = pattern_column(v, off);
        return mkt__comp_error(c, MKT_EPARSE, r, &at, "invalid regular expression: %s", msg);
    }
    /* JIT is an optimisation only: when unavailable (or out of memory), the interpreter runs
     * the same pattern with the same results. */
    if (c->o.regex_jit && !UNDER_VALGRIND())
        (void)pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE);
    c->seg->uses_regex = 1;
    return MKT_OK;
}

int mkt__regex_fail(mkt_ctx *ctx, int pcre_rc, const struct mkt__node *lf)
{
    const char *field = lf->src ? lf->src->field : NULL;
    if (pcre_rc == PCRE2_ERROR_NOMEMORY || pcre_rc == PCRE2_ERROR_HEAP_FAILED)
        return mkt__oom(ctx);
    if (pcre_rc == PCRE2_ERROR_MATCHLIMIT || pcre_rc == PCRE2_ERROR_DEPTHLIMIT ||
        pcre_rc == PCRE2_ERROR_JIT_STACKLIMIT)
        return mkt__error(ctx, MKT_ETOOBIG, "regular expression on %s hit its match limit",
                          field ? field : "a field");
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(pcre_rc, msg, sizeof msg);
    return mkt__error(ctx, MKT_EINTERNAL, "regular expression on %s failed: %s",
                      field ? field : "a field", msg);
}

/* SPDX-License-Identifier: MIT */
/*
 * The tokenizer of the rule language: identifiers (field paths with dots, or double-quoted),
 * single-quoted strings with '' escapes, numbers, punctuation and comparison operators, and
 * `--` comments to the end of the line. It tracks 1-based line and column (columns count
 * characters, not bytes) so that every error can say where it is.
 */
#include <stdio.h>
#include <string.h>

#include "lex-private.h"

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Advance one byte, keeping line and column. */
static void step(struct mkt__lexer *lx)
{
    char c = lx->s[lx->pos++];
    if (c == '\n') {
        lx->line++;
        lx->col = 1;
    } else if (((unsigned char)c & 0xC0) != 0x80) {
        lx->col++; /* continuation bytes of a UTF-8 character do not count */
    }
}

static char peek(const struct mkt__lexer *lx, size_t ahead)
{
    return lx->pos + ahead < lx->len ? lx->s[lx->pos + ahead] : '\0';
}

static void skip_space(struct mkt__lexer *lx)
{
    for (;;) {
        char c = peek(lx, 0);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            step(lx);
        } else if (c == '-' && peek(lx, 1) == '-') {
            while (lx->pos < lx->len && lx->s[lx->pos] != '\n')
                step(lx);
        } else {
            return;
        }
    }
}

int mkt__lex_error(struct mkt__lexer *lx, int code, uint32_t line, uint32_t col,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mkt__verror_at(lx->ctx, code, lx->source, line, col, NULL, fmt, ap);
    va_end(ap);
    return code;
}

/* A quoted token ('string' or "field"): the quote doubled inside stands for itself. */
static int lex_quoted(struct mkt__lexer *lx, struct mkt__tok *t, char q)
{
    step(lx);
    t->p = lx->s + lx->pos;
    for (;;) {
        if (lx->pos >= lx->len)
            return mkt__lex_error(lx, MKT_EPARSE, t->line, t->col,
                                  "unterminated %s (missing closing %c)",
                                  q == '\'' ? "string" : "quoted field", q);
        if (lx->s[lx->pos] == q) {
            if (peek(lx, 1) != q)
                break;
            t->escapes = 1;
            step(lx);
        }
        step(lx);
    }
    t->n = (size_t)(lx->s + lx->pos - t->p);
    step(lx);
    return MKT_OK;
}

static void lex_ident(struct mkt__lexer *lx, struct mkt__tok *t)
{
    t->type = MKT__T_IDENT;
    while (is_alpha(peek(lx, 0)) || is_digit(peek(lx, 0)) ||
           (peek(lx, 0) == '.' && (is_alpha(peek(lx, 1)) || is_digit(peek(lx, 1))))) {
        if (peek(lx, 0) == '.')
            t->dotted = 1;
        step(lx);
    }
}

static void lex_number(struct mkt__lexer *lx, struct mkt__tok *t)
{
    t->type = MKT__T_NUMBER;
    while (is_digit(peek(lx, 0)))
        step(lx);
    if (peek(lx, 0) == '.' && is_digit(peek(lx, 1))) {
        step(lx);
        while (is_digit(peek(lx, 0)))
            step(lx);
    }
}

/* Punctuation and operators; 0 if @c starts none. */
static int lex_punct(struct mkt__lexer *lx, struct mkt__tok *t, char c)
{
    static const char *const two[] = {"!=", "<>", "<=", ">=", "=="};
    for (size_t i = 0; i < sizeof two / sizeof two[0]; i++) {
        if (c == two[i][0] && peek(lx, 1) == two[i][1]) {
            t->type = MKT__T_OP;
            step(lx);
            step(lx);
            return 1;
        }
    }
    const char *one = "()[],=<>+-";
    if (!strchr(one, c))
        return 0;
    static const int types[] = {MKT__T_LPAREN, MKT__T_RPAREN, MKT__T_LBRACK, MKT__T_RBRACK,
                                MKT__T_COMMA,  MKT__T_OP,     MKT__T_OP,     MKT__T_OP,
                                MKT__T_PLUS,   MKT__T_MINUS};
    t->type = types[strchr(one, c) - one];
    step(lx);
    return 1;
}

int mkt__lex_next(struct mkt__lexer *lx)
{
    struct mkt__tok *t = &lx->tok;
    skip_space(lx);
    memset(t, 0, sizeof *t);
    t->line = lx->line;
    t->col = lx->col;
    t->p = lx->s + lx->pos;
    if (lx->pos >= lx->len) {
        t->type = MKT__T_EOF;
        return MKT_OK;
    }
    char c = lx->s[lx->pos];
    if (c == '\'' || c == '"') {
        t->type = c == '\'' ? MKT__T_STRING : MKT__T_QFIELD;
        return lex_quoted(lx, t, c);
    }
    if (is_alpha(c))
        lex_ident(lx, t);
    else if (is_digit(c))
        lex_number(lx, t);
    else if (!lex_punct(lx, t, c))
        return mkt__lex_error(lx, MKT_EPARSE, t->line, t->col, "unexpected character '%s%c'",
                              (unsigned char)c < 0x20 ? "\\x" : "",
                              (unsigned char)c < 0x20 ? "0123456789abcdef"[c & 15] : c);
    t->n = (size_t)(lx->s + lx->pos - t->p);
    return MKT_OK;
}

int mkt__tok_is(const struct mkt__tok *t, const char *kw)
{
    if (t->type != MKT__T_IDENT || t->dotted || strlen(kw) != t->n)
        return 0;
    for (size_t i = 0; i < t->n; i++) {
        char c = t->p[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != kw[i])
            return 0;
    }
    return 1;
}

void mkt__tok_describe(const struct mkt__tok *t, char *buf, size_t size)
{
    if (t->type == MKT__T_EOF) {
        snprintf(buf, size, "end of rule");
        return;
    }
    size_t n = t->n > 24 ? 24 : t->n;
    int quoted = t->type == MKT__T_STRING || t->type == MKT__T_QFIELD;
    snprintf(buf, size, "'%s%.*s%s'%s", quoted ? (t->type == MKT__T_STRING ? "'" : "\"") : "",
             (int)n, t->p, quoted ? (t->type == MKT__T_STRING ? "'" : "\"") : "",
             n < t->n ? "..." : "");
}

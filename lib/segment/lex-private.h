/* SPDX-License-Identifier: MIT */
/*
 * The tokenizer shared by the rule parser (see lex.c).
 */
#ifndef MKT_SEGMENT_LEX_PRIVATE_H
#define MKT_SEGMENT_LEX_PRIVATE_H

#include <stdarg.h>

#include "segment-private.h"

enum mkt__tok_type {
    MKT__T_EOF = 1,
    MKT__T_IDENT,  /* word or dotted field path */
    MKT__T_QFIELD, /* "quoted field" (p/n: the inside, escapes set if "" occurs) */
    MKT__T_STRING, /* 'string' (p/n: the inside) */
    MKT__T_NUMBER, /* digits[.digits] */
    MKT__T_OP,     /* = != <> == < <= > >= */
    MKT__T_LPAREN, MKT__T_RPAREN, MKT__T_LBRACK, MKT__T_RBRACK, MKT__T_COMMA,
    MKT__T_PLUS, MKT__T_MINUS
};

struct mkt__tok {
    int type;
    const char *p;
    size_t n;
    uint32_t line, col;
    int dotted;  /* IDENT contains a dot (never a keyword) */
    int escapes; /* quoted token contains a doubled quote */
};

struct mkt__lexer {
    mkt_ctx *ctx;
    const char *source;
    const char *s;
    size_t len, pos;
    uint32_t line, col;
    struct mkt__tok tok; /* the current token */
};

/* Read the next token into lx->tok; MKT_EPARSE (recorded) on a bad character or string. */
int mkt__lex_next(struct mkt__lexer *lx);
/* 1 if the token is the keyword @kw (lower case), compared ignoring case. */
int mkt__tok_is(const struct mkt__tok *t, const char *kw);
/* The token for an error message: 'text' or "end of rule". */
void mkt__tok_describe(const struct mkt__tok *t, char *buf, size_t size);
int mkt__lex_error(struct mkt__lexer *lx, int code, uint32_t line, uint32_t col,
                   const char *fmt, ...) MKT_PRINTF(5, 6);

#endif /* MKT_SEGMENT_LEX_PRIVATE_H */

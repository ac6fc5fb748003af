/* SPDX-License-Identifier: MIT */
/*
 * `mkt promo SUBCOMMAND`: the dispatcher, and the promo-code subcommands of promo.h:
 * generate (unique random codes to a file, all-or-nothing, with the entropy report), check
 * (offline syntax and check character) and derive (customer-bound codes). The offer
 * subcommands (validate, redemption) live in promo-offer.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-promo.h"
#include "outfile.h"

enum { OPT_COUNT = OPT_FIRST_COMMAND_OPTION, OPT_LENGTH, OPT_CHARSET, OPT_PREFIX, OPT_SUFFIX,
       OPT_PATTERN, OPT_CHECK_CHAR, OPT_OUT, OPT_OFFER, OPT_SECRET_FILE, OPT_CUSTOMER,
       OPT_BIND };

static void code_usage(FILE *out)
{
    fputs("Usage: mkt promo generate --count N [--length L] [--charset C] [--prefix P]\n"
          "                  [--suffix S] [--pattern P] [--check-char] [--offer-id ID] --out F\n"
          "       mkt promo check [--length L] [--charset C] [--prefix P] [--suffix S]\n"
          "                  [--pattern P] [--check-char] CODE...\n"
          "       mkt promo derive --secret-file F --offer-id ID --customer C [--bind]\n"
          "                  [format options]\n", out);
}

static void code_help(FILE *out)
{
    fputs("\n"
          "Promo codes (doc/promo-codes.md).\n"
          "  generate  N distinct random codes, one per line, to F ('-': standard output;\n"
          "            a file is written completely or not at all). Prints the entropy report:\n"
          "            code space, bits per code, and the chance that a guess hits one of the\n"
          "            N codes (to stderr when the codes go to standard output). With\n"
          "            --offer-id the codes are also issued to offer ID in the store (namespace\n"
          "            offer.code; durable with --state FILE), never re-issuing a code that\n"
          "            is there already.\n"
          "  check     the syntax and check character of each CODE against the format: exit\n"
          "            0 if all are well formed, else 1 with one line per bad code on stdout:\n"
          "            CODE<TAB>reason<TAB>position<TAB>text (reason: bad_byte, too_short,\n"
          "            too_long, literal, charset, check_char; position 0 = none).\n"
          "  derive    the code of customer C for offer ID: HMAC-SHA-256 keyed by the secret\n"
          "            in F (at least 16 bytes; one final newline is ignored), so it cannot be\n"
          "            guessed from the customer id. --bind also issues it to the offer, bound\n"
          "            to C, in the store (durable with --state FILE).\n"
          "Format options (the same for generate and check):\n"
          "  --charset C   unambiguous (default: 23456789ABCDEFGHJKMNPQRSTUVWXYZ),\n"
          "                alphanumeric, alphabetic, numeric, or the characters themselves\n"
          "  --length L    random characters per code (default 8, or the pattern's #)\n"
          "  --pattern P   '#' random character, '!' check character, '\\' escapes, any\n"
          "                other character literal (e.g. 'SUMMER-####-####')\n"
          "  --prefix P, --suffix S   literal text around the code\n"
          "  --check-char  append a check character that catches every single-character\n"
          "                typo and every swap of adjacent characters\n"
          "Codes are compared case-insensitively, ignoring spaces and dashes.\n", out);
}

void cmd_promo_usage(FILE *out)
{
    code_usage(out);
    promo_offer_usage(out);
    code_help(out);
    fputs("  --state FILE   SQLite state file (see 'mkt --help')\n"
          "  -h, --help     show this help\n", out);
}

static const struct option code_options[] = {
    { "count", required_argument, NULL, OPT_COUNT },
    { "length", required_argument, NULL, OPT_LENGTH },
    { "charset", required_argument, NULL, OPT_CHARSET },
    { "prefix", required_argument, NULL, OPT_PREFIX },
    { "suffix", required_argument, NULL, OPT_SUFFIX },
    { "pattern", required_argument, NULL, OPT_PATTERN },
    { "check-char", no_argument, NULL, OPT_CHECK_CHAR },
    { "out", required_argument, NULL, OPT_OUT },
    { "offer-id", required_argument, NULL, OPT_OFFER },
    { "secret-file", required_argument, NULL, OPT_SECRET_FILE },
    { "customer", required_argument, NULL, OPT_CUSTOMER },
    { "bind", no_argument, NULL, OPT_BIND },
    MKT_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 },
};

typedef struct code_args {
    mkt_promo_options fmt;
    uint64_t count;
    const char *out;
    const char *offer;
    const char *secret_file;
    const char *customer;
    int bind;
} code_args;

static int parse_count(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = (*s >= '0' && *s <= '9') ? strtoull(s, &end, 10) : 0;
    if (*s < '0' || *s > '9' || errno || *end || v == 0 || v > max)
        return usage_error("promo", "invalid --%s '%s': expected 1..%llu", opt, s,
                           (unsigned long long)max);
    *out = v;
    return -1;
}

static int code_option(code_args *a, int c, const char *arg)
{
    uint64_t len = 0;
    int rc;
    switch (c) {
    case OPT_COUNT: return parse_count("count", arg, UINT64_C(1) << 32, &a->count);
    case OPT_LENGTH:
        rc = parse_count("length", arg, MKT_PROMO_MAX_LEN - 1, &len);
        a->fmt.length = (int32_t)len;
        return rc;
    case OPT_CHARSET: a->fmt.charset = arg; return -1;
    case OPT_PREFIX: a->fmt.prefix = arg; return -1;
    case OPT_SUFFIX: a->fmt.suffix = arg; return -1;
    case OPT_PATTERN: a->fmt.pattern = arg; return -1;
    case OPT_CHECK_CHAR: a->fmt.check_char = 1; return -1;
    case OPT_OUT: a->out = arg; return -1;
    case OPT_SECRET_FILE: a->secret_file = arg; return -1;
    case OPT_CUSTOMER: a->customer = arg; return -1;
    case OPT_BIND: a->bind = 1; return -1;
    default: a->offer = arg; return -1;
    }
}

/* Parse the options of generate/check; returns -1 to go on or an exit code. */
static int parse_code_args(mkt_app *app, code_args *a, int argc, char **argv)
{
    const mkt_command *self = mkt_command_find("promo");
    memset(a, 0, sizeof *a);
    mkt_promo_options_init(&a->fmt);
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", code_options, NULL)) != -1) {
        int rc = c >= OPT_COUNT && c <= OPT_BIND ? code_option(a, c, optarg)
                                                  : common_option(app, self, c, argv);
        if (rc >= 0)
            return rc;
    }
    return -1;
}

static void entropy_report(FILE *out, const mkt_promo_entropy *e, uint64_t count,
                           const char *where)
{
    fprintf(out, "codes: %llu written to %s\n", (unsigned long long)count, where);
    fprintf(out, "code space: %d^%d = %.6g codes (%.1f bits per code)\n", e->charset_size,
            e->random_chars, e->space, e->bits);
    fprintf(out, "guess: P(one random code is live) = %.3g (1 in %.3g)\n",
            e->guess_probability, 1.0 / e->guess_probability);
}

static int promo_generate(mkt_app *app, int argc, char **argv)
{
    code_args a;
    int rc = parse_code_args(app, &a, argc, argv);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return usage_error("promo", "unexpected argument '%s'", argv[optind]);
    if (a.count == 0 || a.out == NULL)
        return usage_error("promo", "promo generate needs --count N and --out F");
    if (a.secret_file != NULL || a.customer != NULL || a.bind)
        return usage_error("promo", "promo generate takes no --secret-file, --customer or "
                                    "--bind (see promo derive)");
    mkt_ctx *ctx;
    if ((rc = app_ctx(app, &ctx)) != MKT_EXIT_OK)
        return rc;
    /* The output first: with --offer-id a path that cannot be written must fail before any
     * code is issued in the store. */
    outfile o;
    if ((rc = outfile_open(&o, a.out)) != MKT_EXIT_OK)
        return rc;
    mkt_promo_format *fmt = NULL;
    char *codes = NULL;
    size_t len = 0;
    int st = mkt_promo_format_new(&fmt, ctx, &a.fmt);
    if (st == MKT_OK)
        st = mkt_promo_generate(ctx, fmt, a.count, a.offer, &codes, &len);
    if (st != MKT_OK) {
        outfile_abort(&o);
        mkt_promo_format_free(fmt);
        return app_fail(app, st);
    }
    fwrite(codes, 1, len, o.f);
    mkt_free(codes);
    rc = outfile_commit(&o);
    if (rc == MKT_EXIT_OK) {
        mkt_promo_entropy e;
        mkt_promo_entropy_get(fmt, a.count, &e);
        int to_stdout = strcmp(a.out, "-") == 0;
        entropy_report(to_stdout ? stderr : stdout, &e, a.count,
                       to_stdout ? "standard output" : a.out);
        rc = finish_output();
    }
    mkt_promo_format_free(fmt);
    return rc;
}

static const char *reason_text(int32_t reason)
{
    switch (reason) {
    case MKT_PROMO_BAD_BYTE: return "a byte is not printable ASCII";
    case MKT_PROMO_TOO_SHORT: return "too short for the format";
    case MKT_PROMO_TOO_LONG: return "too long for the format";
    case MKT_PROMO_LITERAL: return "does not match the prefix, suffix or pattern text";
    case MKT_PROMO_CHARSET: return "a character outside the charset";
    case MKT_PROMO_CHECK_CHAR: return "wrong check character (a typo?)";
    default: return "valid";
    }
}

static int promo_check(mkt_app *app, int argc, char **argv)
{
    code_args a;
    int rc = parse_code_args(app, &a, argc, argv);
    if (rc >= 0)
        return rc;
    if (a.count != 0 || a.out != NULL || a.offer != NULL || a.secret_file != NULL ||
        a.customer != NULL || a.bind)
        return usage_error("promo", "promo check takes only format options and codes");
    if (optind >= argc)
        return usage_error("promo", "promo check needs at least one CODE");
    mkt_ctx *ctx;
    if ((rc = app_ctx(app, &ctx)) != MKT_EXIT_OK)
        return rc;
    mkt_promo_format *fmt = NULL;
    int st = mkt_promo_format_new(&fmt, ctx, &a.fmt);
    if (st != MKT_OK)
        return app_fail(app, st);
    int bad = 0;
    for (int i = optind; i < argc; i++) {
        mkt_promo_check_result r;
        mkt_promo_check(fmt, argv[i], strlen(argv[i]), &r);
        if (r.valid)
            continue;
        bad = 1;
        printf("%s\t%s\t%d\t%s\n", argv[i], mkt_promo_reason_name(r.reason), (int)r.position,
               reason_text(r.reason));
    }
    mkt_promo_format_free(fmt);
    rc = finish_output();
    return rc != MKT_EXIT_OK ? rc : bad ? MKT_EXIT_FAIL : MKT_EXIT_OK;
}

/* The secret: the file's bytes, without one final newline (a secret written by a text
 * editor or `echo`). Prints the error and returns MKT_EXIT_FAIL. */
int promo_read_secret(const char *path, char *buf, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "mkt: %s: %s\n", path, strerror(errno));
        return MKT_EXIT_FAIL;
    }
    *len = fread(buf, 1, cap, f);
    int failed = ferror(f);
    fclose(f);
    if (failed || *len == cap) {
        fprintf(stderr, "mkt: %s: %s\n", path, failed ? "read error" : "secret too long");
        return MKT_EXIT_FAIL;
    }
    if (*len > 0 && buf[*len - 1] == '\n')
        (*len)--;
    return MKT_EXIT_OK;
}

static int promo_derive(mkt_app *app, int argc, char **argv)
{
    code_args a;
    int rc = parse_code_args(app, &a, argc, argv);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return usage_error("promo", "unexpected argument '%s'", argv[optind]);
    if (a.secret_file == NULL || a.offer == NULL || a.customer == NULL)
        return usage_error("promo", "promo derive needs --secret-file F, --offer-id ID and "
                                    "--customer C");
    char secret[4096], code[MKT_PROMO_MAX_DISPLAY + 1];
    size_t secret_len = 0;
    rc = promo_read_secret(a.secret_file, secret, sizeof secret, &secret_len);
    if (rc != MKT_EXIT_OK)
        return rc;
    mkt_ctx *ctx;
    if ((rc = app_ctx(app, &ctx)) != MKT_EXIT_OK)
        return rc;
    mkt_promo_format *fmt = NULL;
    int st = mkt_promo_format_new(&fmt, ctx, &a.fmt);
    if (st == MKT_OK)
        st = mkt_promo_derive(ctx, fmt, secret, secret_len, a.offer, a.customer, code,
                              sizeof code, NULL);
    memset(secret, 0, sizeof secret);
    mkt_promo_format_free(fmt);
    if (st == MKT_OK && a.bind)
        st = mkt_promo_bind(ctx, code, a.offer, a.customer);
    if (st != MKT_OK)
        return app_fail(app, st);
    printf("%s\n", code);
    return finish_output();
}

int cmd_promo(mkt_app *app, int argc, char **argv)
{
    const mkt_command *self = mkt_command_find("promo");
    if (argc < 2)
        return usage_error("promo", "no subcommand given: generate, check, or an offer "
                                    "subcommand (see mkt promo --help)");
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        self->usage(stdout);
        return finish_output();
    }
    /* The subcommand sees itself as argv[0], as a command does. */
    optind = 0;
    if (strcmp(argv[1], "generate") == 0)
        return promo_generate(app, argc - 1, argv + 1);
    if (strcmp(argv[1], "check") == 0)
        return promo_check(app, argc - 1, argv + 1);
    if (strcmp(argv[1], "derive") == 0)
        return promo_derive(app, argc - 1, argv + 1);
    int rc = promo_offer_run(app, argc - 1, argv + 1);
    if (rc >= 0)
        return rc;
    return usage_error("promo", "unknown subcommand '%s'", argv[1]);
}

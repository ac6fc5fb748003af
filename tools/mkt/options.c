/* SPDX-License-Identifier: MIT */
/*
 * Option parsing shared by every command: usage errors in one format ("mkt: ..." plus a hint,
 * exit 2), getopt's error results turned into that format (getopt's own messages are off
 * because they would name the command as the program), and the options every command accepts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mkt.h"

int usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mkt: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (command != NULL)
        fprintf(stderr, "\nTry 'mkt %s --help' for more information.\n", command);
    else
        fputs("\nTry 'mkt --help' for more information.\n", stderr);
    return MKT_EXIT_USAGE;
}

/* The text of the option getopt rejected: the short option letter, or the argv word. */
static int bad_option(const mkt_command *cmd, const char *what, char **argv)
{
    const char *name = cmd ? cmd->name : NULL;
    if (optopt > 0 && optopt < 0x100)
        return usage_error(name, "%s '-%c'", what, optopt);
    return usage_error(name, "%s '%s'", what, argv[optind - 1]);
}

int common_option(mkt_app *app, const mkt_command *cmd, int c, char **argv)
{
    switch (c) {
    case 'h':
        cmd->usage(stdout);
        return MKT_EXIT_OK;
    case OPT_STATE:
        app->state_path = optarg;
        return -1;
    case ':':
        return bad_option(cmd, "missing argument for", argv);
    default:
        return bad_option(cmd, "unknown option", argv);
    }
}

int parse_separator(const char *text, int32_t *out)
{
    if (strcmp(text, "\\t") == 0 || strcmp(text, "tab") == 0) {
        *out = '\t';
        return 0;
    }
    /* One byte that cannot be part of a quoted field's syntax or a line end. */
    if (strlen(text) != 1 || text[0] == '"' || text[0] == '\n' || text[0] == '\r')
        return -1;
    *out = (unsigned char)text[0];
    return 0;
}

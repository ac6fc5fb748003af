/* SPDX-License-Identifier: MIT */
/*
 * mkt: the command-line front end of libmarketing. main() parses the global options that stand
 * before the command, finds the command in the table (commands.c) and hands it the rest of
 * the arguments. Exit status: 0 success, 1 runtime failure, 2 usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkt.h"

static void main_usage(FILE *out)
{
    fputs("Usage: mkt [--state FILE] <command> [options]\n"
          "       mkt help <command>\n"
          "\n"
          "Run libmarketing's batch jobs over CSV files.\n"
          "\n"
          "Commands:\n", out);
    for (const mkt_command *c = mkt_commands; c->name != NULL; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fputs("\n"
          "Global options (also accepted after the command):\n"
          "  --state FILE   keep state (consent, counters, journeys) in this SQLite file;\n"
          "                 default: in memory, forgotten when mkt exits\n"
          "  -h, --help     show this help; 'mkt <command> --help' for a command's options\n"
          "  -V, --version  show the libmarketing version\n"
          "\n"
          "Exit status: 0 success, 1 runtime failure, 2 usage error.\n", out);
}

static int help_command(int argc, char **argv)
{
    if (argc < 2) {
        main_usage(stdout);
        return finish_output();
    }
    if (argc > 2)
        return usage_error(NULL, "help takes one command name");
    const mkt_command *c = mkt_command_find(argv[1]);
    if (c == NULL)
        return usage_error(NULL, "unknown command '%s'", argv[1]);
    c->usage(stdout);
    return finish_output();
}

static const struct option main_options[] = {
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { "state", required_argument, NULL, OPT_STATE },
    { NULL, 0, NULL, 0 },
};

/* Global options end at the first word that is not an option: the command ("+" in the
 * option string stops GNU getopt from permuting the command's own options forward). */
static int parse_global(mkt_app *app, int argc, char **argv)
{
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+:hV", main_options, NULL)) != -1) {
        switch (c) {
        case 'h':
            main_usage(stdout);
            return finish_output();
        case 'V':
            printf("mkt (libmarketing) %s\n", mkt_version());
            return finish_output();
        case OPT_STATE:
            app->state_path = optarg;
            break;
        case ':':
            return usage_error(NULL, "missing argument for '%s'", argv[optind - 1]);
        default:
            if (optopt > 0 && optopt < 0x100)
                return usage_error(NULL, "unknown option '-%c'", optopt);
            return usage_error(NULL, "unknown option '%s'", argv[optind - 1]);
        }
    }
    return -1;
}

int main(int argc, char **argv)
{
    mkt_app app = { NULL, NULL };
    int rc = parse_global(&app, argc, argv);
    if (rc >= 0)
        return rc;
    if (optind >= argc)
        return usage_error(NULL, "no command given");
    char **cargv = argv + optind;
    int cargc = argc - optind;
    if (strcmp(cargv[0], "help") == 0)
        return help_command(cargc, cargv);
    const mkt_command *cmd = mkt_command_find(cargv[0]);
    if (cmd == NULL)
        return usage_error(NULL, "unknown command '%s'", cargv[0]);
    optind = 0; /* 0, not 1: GNU getopt then starts over, forgetting the "+" mode */
    rc = cmd->run(&app, cargc, cargv);
    app_close(&app);
    return rc;
}

/* main.c - ivmprof: dispatches to the subcommands listed in commands.h. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

#define DECLARE(name, summary) int ivm_cmd_##name(int argc, char **argv);
IVM_COMMANDS(DECLARE)
#undef DECLARE

static const struct {
  const char *name;
  const char *summary;
  int (*run)(int argc, char **argv);
} commands[] = {
#define ENTRY(name, summary) {#name, summary, ivm_cmd_##name},
    IVM_COMMANDS(ENTRY)
#undef ENTRY
};

static void usage(FILE *out) {
  fprintf(out,
          "usage: ivmprof COMMAND [OPTIONS]\n"
          "\n"
          "Drives every interval manager through the same protocol with the "
          "same\nseeded operations, checks that they agree, and measures "
          "them.\n\ncommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\n`ivmprof COMMAND --help` describes a command's options.\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return IVM_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
      strcmp(cmd, "help") == 0) {
    usage(stdout);
    return IVM_EXIT_OK;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(cmd, commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "ivmprof: unknown command '%s' (see `ivmprof --help`)\n",
          cmd);
  return IVM_EXIT_USAGE;
}

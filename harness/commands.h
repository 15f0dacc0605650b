/* commands.h - the ivmprof subcommands, one line each: name and summary.
 * A subcommand NAME is a function `int ivm_cmd_NAME(int argc, char **argv)`
 * (argv[0] is the subcommand) in harness/cmd_NAME.c; adding one is a line
 * here and that file in the ivmprof sources. */
#define IVM_COMMANDS(X)                                                      \
  X(list, "the implementations and workload profiles")                       \
  X(trace, "write a profile's operation stream as a trace")                  \
  X(replay, "replay a trace on one implementation, log and dump results")    \
  X(compare, "all implementations side by side: agreement, speed, memory")   \
  X(scale, "time per operation at growing sizes, against n log n")           \
  X(profile, "where the time goes: call statistics, flame charts, pprof")    \
  X(baseline, "measure and record the regression gate's baseline")           \
  X(regress, "the regression gate: measure again, compare with baseline")

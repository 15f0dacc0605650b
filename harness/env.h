/* env.h - the environment a measurement ran in, recorded with every JSON
 * report so figures can be compared knowingly: compiler, flags, CPU,
 * commit, date.
 *
 * Usage:
 *
 *     ivm_env env;
 *     ivm_env_collect(&env);
 *     printf("%s on %s\n", env.compiler, env.cpu);
 */
#ifndef IVM_HARNESS_ENV_H
#define IVM_HARNESS_ENV_H

#include <stdbool.h>

typedef struct ivm_env {
  char compiler[128];   /* "gcc 12.2.0" */
  char flags[512];      /* the C flags of this build, build type first */
  char cpu[160];        /* model name from /proc/cpuinfo, or "unknown" */
  int cpus;             /* online processors */
  char os[256];         /* uname: system, release, machine */
  char commit[48];      /* git commit of the source tree; "" when unknown */
  bool dirty;           /* the tree had uncommitted changes */
  char date[32];        /* UTC, ISO 8601 */
} ivm_env;

/* Fills *env; fields that cannot be learned are "unknown" (commit: ""). */
void ivm_env_collect(ivm_env *env);

#endif /* IVM_HARNESS_ENV_H */

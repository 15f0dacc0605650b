/* cmd_profile.h - the `ivmprof profile` subcommand (see its --help). */
#ifndef IVM_PROF_CMD_PROFILE_H
#define IVM_PROF_CMD_PROFILE_H

/* argv[0] is the subcommand's name; returns the exit status: 0 done, 1 a
 * profile could not be made or written, 2 a usage error. */
int ivm_cmd_profile(int argc, char **argv);

#endif /* IVM_PROF_CMD_PROFILE_H */

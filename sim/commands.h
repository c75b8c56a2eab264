/* Sub-commands of the bulwark front end beyond the plain `run` (main.c). */
#ifndef BULWARK_COMMANDS_H
#define BULWARK_COMMANDS_H

#include <stddef.h>

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_BAD_INPUT = 2, EXIT_INTERNAL = 3 };

/* `bulwark run SCENARIO.json ...`: argv[0] is "run". */
int scenario_cmd_run(int argc, char **argv, const char *self);
/* `bulwark test DIR|FILE...`: argv[0] is "test". */
int test_cmd(int argc, char **argv, const char *self);
/* The meson build root this executable lives in: dirname(dirname(self)). */
void default_build_dir(const char *self, char *buf, size_t len);

#endif

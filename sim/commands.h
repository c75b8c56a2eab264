/* Sub-commands of the bulwark front end beyond the plain `run` (main.c). */
#ifndef BULWARK_COMMANDS_H
#define BULWARK_COMMANDS_H

#include <stddef.h>
#include <stdio.h>

#include "app_images.h"
#include "scenario.h"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_BAD_INPUT = 2, EXIT_INTERNAL = 3 };

/* `bulwark run SCENARIO.json ...`: argv[0] is "run". */
int scenario_cmd_run(int argc, char **argv, const char *self);
/* `bulwark campaign SCENARIO.json ...`: argv[0] is "campaign". */
int campaign_cmd(int argc, char **argv, const char *self);
/* `bulwark test DIR|FILE...`: argv[0] is "test". */
int test_cmd(int argc, char **argv, const char *self);
/* scenario_run.c, shared with campaigns: everything about the scenario
 * that can be wrong is found here, before anything runs (message on
 * stderr, status returned); the kernel ELF in img must be freed after. */
int scenario_run_prepare(scenario *s, board *b, elf_image *img, app_placement *placed);
/* A reset machine with the scenario's firmware, inputs and faults on its
 * queue, UART0 going to uart (NULL: nowhere); NULL with *status set. */
machine *scenario_run_start(const scenario *s, const board *b, const elf_image *img,
                            const app_placement *placed, FILE *uart, int *status);
/* The meson build root this executable lives in: dirname(dirname(self)). */
void default_build_dir(const char *self, char *buf, size_t len);
/* Loads a scenario named on the command line; "@build" stands for
 * build_dir, or the default build root of self when it is NULL.  Returns
 * EXIT_OK, or EXIT_BAD_INPUT after printing why. */
int scenario_load_cli(const char *file, const char *build_dir, const char *self, scenario *s);

#endif

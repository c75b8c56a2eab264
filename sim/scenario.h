/* Scenario files (scenarios/SCHEMA.md): a run described in JSON — board,
 * kernel, apps, a timeline of inputs and what must hold at the end.  Loading
 * checks everything first, so a bad file never runs half-configured. */
#ifndef BULWARK_SCENARIO_H
#define BULWARK_SCENARIO_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "duration.h"
#include "machine.h"

#define SCENARIO_VERSION 1

typedef struct scenario_app {
    char *name; /* the built image's name, or the file name without .tbf */
    char *path; /* resolved */
} scenario_app;

enum scenario_input_kind { SCN_INPUT_UART, SCN_INPUT_BUTTON };

typedef struct scenario_input {
    duration at;
    enum scenario_input_kind kind;
    char *text; /* UART0 bytes */
    size_t len;
    unsigned button;
    bool pressed;
} scenario_input;

enum scenario_fault_kind { SCN_FAULT_BITFLIP, SCN_FAULT_REGISTER };

typedef struct scenario_fault {
    duration at;
    enum scenario_fault_kind kind;
    uint32_t address; /* bitflip: given, or the symbol's once resolved */
    char *symbol;     /* bitflip by kernel ELF symbol, or NULL */
    char *where;      /* "FILE:LINE:COL: faults[i].bitflip.symbol", for errors
                       * found when the kernel ELF is loaded */
    unsigned reg;     /* register: 0..12 r0..r12, 13 sp, 14 lr, 15 pc */
    unsigned bit;
} scenario_fault;

/* "process_state" / "restarts": one per named app. */
typedef struct scenario_proc_expect {
    char *name;
    char *state; /* process_state: running, faulted, stopped, terminated, exited */
    long restarts;
} scenario_proc_expect;

typedef struct string_list {
    char **v;
    size_t n;
} string_list;

typedef struct scenario_expect {
    string_list uart_contains;
    string_list uart_not_contains;
    string_list uart_matches; /* sources, for messages */
    regex_t *uart_regex;      /* compiled, one per uart_matches entry */
    size_t num_regex;         /* how many of them compiled */
    bool has_exit;
    enum run_end exit;
    bool has_no_faults_outside;
    string_list no_faults_outside;
    bool has_kernel_alive;
    bool kernel_alive;
    scenario_proc_expect *states;
    size_t num_states;
    scenario_proc_expect *restarts;
    size_t num_restarts;
} scenario_expect;

typedef struct scenario {
    char *file;
    char *name;
    char *board;
    uint64_t clock_hz;   /* 0: the board's own */
    uint32_t flash_size; /* 0: the board's own */
    uint32_t ram_size;
    char *kernel;
    scenario_app *apps;
    size_t num_apps;
    duration duration;
    int64_t seed;
    scenario_input *inputs;
    size_t num_inputs;
    scenario_fault *faults;
    size_t num_faults;
    scenario_expect expect;
} scenario;

/* Reads and checks `path`; "@build" at the start of a path stands for
 * build_dir.  Returns 0, or -1 with "FILE:LINE:COL: KEY.PATH: what was
 * expected" in err (*out is then empty). */
int scenario_load(const char *path, const char *build_dir, scenario *out, char *err, size_t errlen);
void scenario_free(scenario *s);
/* "time_limit", "firmware_exit", ...: the names scenario files use. */
const char *scenario_end_key(enum run_end end);
/* scenario_faults.c: look symbols up in the kernel ELF and check every
 * target lies in the board's RAM or flash; err starts FILE:LINE:COL. */
int scenario_resolve_faults(scenario *s, const board *b, const elf_image *img, char *err,
                            size_t errlen);
/* Put the faults on the machine's event queue; -1 when out of memory. */
int scenario_schedule_faults(machine *m, const scenario *s, uint64_t hz);
/* One "injected: ..." line per fault applied so far. */
void scenario_print_injected(FILE *out, const machine *m);
/* "r0".."r12", "sp", "lr", "pc" for register numbers 0..15. */
const char *scenario_register_name(unsigned reg);

#endif

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
    char *name;        /* the built image's name, or the file name without .tbf */
    char *path;        /* resolved */
    int fault_policy;  /* kernel FAULT_* (kernel/kconfig.h), -1: the kernel's default */
    long max_restarts; /* -1: not given */
    char *where;       /* "FILE:LINE:COL: apps[i].fault_policy" for kconfig_patch.c */
} scenario_app;

enum scenario_input_kind {
    SCN_INPUT_UART,
    SCN_INPUT_BUTTON,
    SCN_INPUT_GPIO,
    SCN_INPUT_CONSOLE,
    SCN_INPUT_LOAD,
};

typedef struct scenario_input {
    duration at;
    enum scenario_input_kind kind;
    char *text; /* UART or console bytes; load: the image's path */
    size_t len;
    unsigned port; /* UART index; GPIO port */
    unsigned button;
    bool pressed;
    unsigned pin; /* GPIO */
    bool level;
} scenario_input;

enum scenario_fault_kind {
    SCN_FAULT_BITFLIP,
    SCN_FAULT_REGISTER,
    SCN_FAULT_PROCESS,    /* "process_fault": NAME */
    SCN_FAULT_PERIPHERAL, /* "peripheral": {device, mode, for} */
    SCN_FAULT_BROWNOUT,   /* "brownout": {ram} */
};

typedef struct scenario_fault {
    duration at;
    bool at_boot; /* "at": "boot": applied before the reset vector is fetched */
    enum scenario_fault_kind kind;
    uint32_t address; /* bitflip: given, or the symbol's once resolved */
    char *symbol;     /* bitflip by kernel ELF symbol, or NULL */
    char *where;      /* "FILE:LINE:COL: faults[i].bitflip.symbol", for errors
                       * found when the kernel ELF is loaded */
    unsigned reg;     /* register: 0..12 r0..r12, 13 sp, 14 lr, 15 pc */
    unsigned bit;
    int region;         /* FAULT_REGION_* (fault_inject.h) */
    char *app;          /* region's or process_fault's app (one of apps) */
    unsigned app_index; /* its index in apps */
    uint32_t offset;    /* region: byte offset */
    bool offset_drawn;  /* random: offset = draw % region size when applied */
    uint32_t draw;      /* that draw */
    char *device;       /* peripheral: board device name */
    int periph_mode;    /* PERIPH_FAULT_* (fault_inject.h) */
    bool has_for;       /* peripheral: "for" given (else to the end) */
    duration for_;      /* how long */
    bool has_period;    /* peripheral irq_flood: "period" given (pulses) */
    duration period;
    int ram;            /* brownout: BROWNOUT_RAM_* (fault_inject.h) */
    bool at_drawn;      /* random: at = window lo + at_frac * (hi - lo) */
    uint32_t at_frac;   /* as a 32-bit fraction */
    duration window_lo; /* random: the window the time was drawn from */
    duration window_hi;
    int64_t drawn_seed; /* random: the seed it was drawn with */
    bool drawn;         /* labels say "drawn (seed N)" */
    bool draw_bit;      /* template: "bit" left out */
    bool draw_reg;      /* template: "register": "any" */
} scenario_fault;

/* "random_faults": templates are faults without "at"; bits, offsets and
 * registers left out are drawn (scenario_draw_random_faults). */
typedef struct scenario_random_faults {
    unsigned count;
    duration window_lo, window_hi;
    scenario_fault *templates;
    size_t num_templates;
} scenario_random_faults;

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

/* A metric threshold: the report value at `name` (a dotted path) must lie
 * in [min, max] (each bound optional). */
typedef struct scenario_metric {
    char *name;
    bool has_min, has_max;
    double min, max;
} scenario_metric;

/* Output expectations for UART1/UART2. */
typedef struct scenario_uart_expect {
    string_list contains;
    string_list not_contains;
    string_list matches; /* sources, for messages */
    regex_t *regex;      /* compiled, one per matches entry */
    size_t num_regex;
} scenario_uart_expect;

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
    scenario_metric *metrics; /* "metrics": {"PATH": {"min": X, "max": Y}} */
    size_t num_metrics;
    scenario_uart_expect uart[3]; /* "uart1", "uart2" (index 0 unused: uart_* keys) */
} scenario_expect;

/* "campaign" (scenario_campaign_parse.c): runs for `bulwark test` and the
 * bounds each outcome class's count must keep (campaign*.c). */
enum campaign_class {
    CAMPAIGN_MASKED,
    CAMPAIGN_CONTAINED,
    CAMPAIGN_SPREAD,
    CAMPAIGN_SILENT,
    CAMPAIGN_HANG,
    CAMPAIGN_PANIC,
    CAMPAIGN_NUM_CLASSES
};
#define CAMPAIGN_MAX_RUNS 100000
typedef struct scenario_campaign {
    bool present;
    long runs;
    long min[CAMPAIGN_NUM_CLASSES]; /* 0 when not given */
    long max[CAMPAIGN_NUM_CLASSES]; /* -1 when not given */
} scenario_campaign;
/* "masked", "contained", ...: the names campaign files and reports use. */
const char *campaign_class_key(enum campaign_class c);

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
    /* "FILE:LINE:COL: key" of board, kernel and apps, for errors found only
     * once those files are read (before the run); apps may be NULL */
    char *where_board, *where_kernel, *where_apps;
    duration duration;
    int64_t seed;
    scenario_input *inputs;
    size_t num_inputs;
    int sched;             /* kernel SCHED_* (kernel/kconfig.h), -1: the kernel's own */
    uint32_t timeslice_us; /* 0: the kernel's own */
    scenario_fault *faults;
    size_t num_faults;
    scenario_random_faults random_faults;
    scenario_expect expect;
    scenario_campaign campaign;
    /* "nodes" (scenario_nodes.h): each node is a whole single-board scenario
     * of its own; the machine fields above then stay empty. */
    struct scenario *nodes;
    size_t num_nodes;             /* 0: the single-board form */
    char *node_name;              /* a node's name; NULL otherwise */
    struct scenario_radio *radio; /* radio frames and medium; NULL without radio keys */
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
/* scenario_inputs.c: put the inputs on the machine's event queue; -1 when
 * out of memory or an image to load cannot be read (message on stderr). */
int scenario_schedule_inputs(machine *m, const scenario *s, uint64_t hz);
/* The cycle fault f is due at (a drawn time is a fraction of its window). */
uint64_t scenario_fault_cycle(const scenario_fault *f, uint64_t hz);
/* Put the faults on the machine's event queue (those at "boot" are applied
 * now and the machine is reset); -1 when out of memory. */
int scenario_schedule_faults(machine *m, const scenario *s, uint64_t hz);
/* One "injected: ..." line per fault applied so far, then one "skipped:
 * ... because ..." line per fault that was due but could not be applied. */
void scenario_print_injected(FILE *out, const machine *m);
/* The report's "skipped" list (a cJSON array). */
struct cJSON *scenario_skipped_json(const machine *m);
/* Appends `count` faults (0: the scenario's "random_faults.count") drawn
 * from its "random_faults" templates with a PRNG seeded by `seed`, each
 * labelled "drawn (seed N)".  Call before scenario_resolve_faults.  Returns
 * how many were appended (0 without "random_faults"), -1 out of memory. */
int scenario_draw_random_faults(scenario *s, uint64_t seed, unsigned count);
/* "r0".."r12", "sp", "lr", "pc" for register numbers 0..15. */
const char *scenario_register_name(unsigned reg);

#endif

/* `bulwark campaign`: many runs of one scenario, each with one fault drawn
 * from the scenario's fault space, each classified against a fault-free
 * golden run (scenarios/SCHEMA.md, "campaign").  Shared by campaign_*.c. */
#ifndef BULWARK_CAMPAIGN_H
#define BULWARK_CAMPAIGN_H

#include <stdbool.h>
#include <stdint.h>

#include "app_images.h"
#include "elf_load.h"
#include "machine.h"
#include "scenario.h"
#include "scenario_check.h"

/* Beyond the six outcome classes: the simulator itself failed (internal
 * error or a crashed run); never expected, always reported. */
#define CAMPAIGN_ERROR     CAMPAIGN_NUM_CLASSES
#define CAMPAIGN_NUM_SLOTS (CAMPAIGN_NUM_CLASSES + 1)

/* Who a fault hits: an app (index into the scenario's apps), the kernel,
 * or nothing that belongs to anyone (unused memory, a device). */
enum { CAMPAIGN_TARGET_KERNEL = -1, CAMPAIGN_TARGET_NONE = -2 };

/* What one app did, as seen from outside. */
typedef struct campaign_app_obs {
    uint64_t out_hash; /* its UART0 lines (campaign_outcome.c says which) */
    uint32_t lines;
    uint32_t faults;   /* CPU faults at a pc inside its image */
    uint32_t faulted;  /* "[kernel] process NAME faulted" lines */
    uint32_t restarts; /* "[kernel] NAME restarted" lines */
    char state[16];    /* the last state the kernel's lines gave it */
    bool ran_late;     /* it ran in the last quarter of the run */
} campaign_app_obs;

/* A run's observable outcome; fixed size, so it can be written into memory
 * shared with the worker processes. */
typedef struct campaign_outcome {
    bool filled;  /* written by the run (a crashed run leaves it false) */
    bool applied; /* the fault was applied (not: the run ended first) */
    int end;      /* enum run_end */
    uint32_t exit_code;
    bool panic; /* "[kernel] panic" in UART0 */
    uint64_t kernel_hash, other_hash;
    uint32_t kernel_lines, other_lines;
    uint32_t kernel_faults; /* CPU faults at a pc in the kernel's code */
    uint64_t faults;        /* all CPU faults, logged or not */
    uint64_t fault_cycle;   /* when the fault was applied */
    uint64_t instructions;  /* not observable: checks that split runs agree */
    uint64_t sleep_cycles;
    int target;      /* app index or CAMPAIGN_TARGET_* */
    char fault[160]; /* the injected fault, as the summary names it */
    char detail[96]; /* run end detail (lockup, error) */
    unsigned num_apps;
    campaign_app_obs apps[APP_PLACEMENT_MAX];
} campaign_outcome;

/* One run of the campaign. */
typedef struct campaign_run {
    unsigned index;
    uint64_t seed;
    uint64_t at;  /* cycle the fault is due */
    size_t fault; /* its entry in the scenario's faults */
    int cls;      /* enum campaign_class or CAMPAIGN_ERROR */
    char reason[200];
    char fault_label[160]; /* as applied; "" when it never was */
    uint64_t applied_at;   /* cycle it was applied at */
    int target;            /* app index or CAMPAIGN_TARGET_* */
} campaign_run;

/* Everything a campaign works with, prepared once before any run. */
typedef struct campaign {
    scenario *s;
    board b;
    elf_image img;
    app_placement placed;
    uint64_t end_cycle; /* the scenario's duration */
    int64_t seed;
    unsigned num_runs;
    unsigned jobs;
    size_t first_fault; /* s->faults[first_fault + k] is run k's fault */
    campaign_run *runs;
    campaign_outcome golden;
    unsigned counts[CAMPAIGN_NUM_SLOTS];
} campaign;

/* Per-run seed: splitmix64 of S + K, cut to 48 bits so that JSON readers
 * that hold numbers as doubles keep it exact. */
uint64_t campaign_run_seed(int64_t seed, unsigned index);
/* campaign_exec.c: draws each run's fault (appending to s->faults) and
 * resolves them; 0, or -1 with FILE:LINE:COL in err (no fault space). */
int campaign_plan(campaign *c, char *err, size_t errlen);
/* Runs the golden run and every run, `jobs` processes at once; fills
 * c->golden, each run's class and c->counts.  0, or -1 when the simulator
 * could not run (message on stderr). */
int campaign_execute(campaign *c);
/* One run from scratch, printing like `bulwark run` (UART0 on stdout, the
 * summary on stderr); fills *golden and *out. */
int campaign_replay(campaign *c, unsigned index, campaign_outcome *golden, campaign_outcome *out);

/* campaign_outcome.c */
/* What the exception engine shows while a run goes on; forked children
 * inherit it with the machine. */
typedef struct campaign_watch {
    const campaign *c;
    int running;                              /* image index of the process running, or -1 */
    uint64_t app_last_run[APP_PLACEMENT_MAX]; /* by image index */
    uint32_t app_faults[APP_PLACEMENT_MAX];   /* faults it took, by image index */
    uint32_t kernel_faults;                   /* faults at a pc in the kernel's code */
} campaign_watch;
/* The last quarter of a run: in a system that still works the apps that
 * ran there in the golden run run there again. */
#define CAMPAIGN_LATE_NUM 3
#define CAMPAIGN_LATE_DEN 4
void campaign_watch_attach(const campaign *c, campaign_watch *w, machine *m);
/* Who the fault about to be applied hits, given the machine as it stands. */
int campaign_fault_target(const campaign *c, machine *m, const scenario_fault *f);
void campaign_observe(const campaign *c, machine *m, const run_result *r, const campaign_watch *w,
                      campaign_outcome *out);
/* The class of run `o` against the golden run, and why, in reason. */
int campaign_classify(const campaign *c, const campaign_outcome *g, const campaign_outcome *o,
                      char *reason, size_t len);

/* campaign_report.c */
/* The report (--report FILE.json): no wall-clock figures, so the same
 * scenario and seed give the same bytes.  0, or -1 when it cannot be
 * written. */
int campaign_write_report(const campaign *c, const char *path, const scenario_verdict *v, size_t n);
/* The class name of a slot, "error" for CAMPAIGN_ERROR. */
const char *campaign_slot_name(int slot);
/* "[kernel]", "nothing owned" or the app's name. */
const char *campaign_target_name(const campaign *c, int target);

#endif

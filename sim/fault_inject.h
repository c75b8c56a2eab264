/* Faults injected into a running machine, beyond the plain bit flips of
 * machine.h: bit flips in named regions (resolved when applied, from the
 * kernel's process table), a forced process fault, a misbehaving device,
 * a brown-out reset, and flips applied before boot.  Each applied fault is
 * recorded as a machine_injection; one that cannot be applied when due is
 * recorded as skipped, with the reason. */
#ifndef BULWARK_FAULT_INJECT_H
#define BULWARK_FAULT_INJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine.h"

enum fault_region {
    FAULT_REGION_NONE, /* by address or symbol */
    FAULT_REGION_APP_STACK,
    FAULT_REGION_APP_DATA, /* data and bss */
    FAULT_REGION_APP_HEAP,
    FAULT_REGION_APP_GRANT,
    FAULT_REGION_APP_RAM,   /* the whole block */
    FAULT_REGION_APP_FLASH, /* the placed TBF image */
    FAULT_REGION_KERNEL_DATA,
    FAULT_REGION_KERNEL_STACK,
};

enum periph_fault_mode {
    PERIPH_FAULT_NONE,
    PERIPH_FAULT_DEAD,      /* reads 0, writes ignored, IRQs held low */
    PERIPH_FAULT_STUCK,     /* reads as at the start, writes ignored, IRQs frozen */
    PERIPH_FAULT_IRQ_FLOOD, /* IRQs held high: pended again as soon as cleared */
};

enum brownout_ram {
    BROWNOUT_RAM_RETAINED,
    BROWNOUT_RAM_CLEARED,
    BROWNOUT_RAM_RANDOM, /* filled from the fault's seed */
};

/* A bit flip in a named region of an app or of the kernel. */
typedef struct fault_region_flip {
    int region;         /* FAULT_REGION_* */
    char app[32];       /* app regions: the process's package name */
    unsigned app_index; /* its image in the placement (flash regions) */
    uint32_t offset;    /* byte offset into the region */
    bool offset_drawn;  /* offset = draw % the region's size when applied */
    uint32_t draw;
    unsigned bit; /* 0..31, as for machine_schedule_bitflip */
} fault_region_flip;

/* "app:NAME stack", "kernel data", ... for messages. */
const char *fault_region_name(int region);
/* The label gets the region, offset and address once resolved; `note`
 * (may be "") is appended, e.g. " (drawn, seed 7)".  Returns 0 or -1. */
int machine_schedule_region_flip(machine *m, uint64_t cycle, const fault_region_flip *r,
                                 const char *note);
/* Flip now, before the reset vector is fetched (the caller resets after):
 * the address must be in RAM or flash.  Returns 0 or -1. */
int machine_boot_bitflip(machine *m, uint32_t address, unsigned bit, const char *label);
/* The same for a region, now; one that cannot be resolved is skipped. */
int machine_boot_region_flip(machine *m, const fault_region_flip *r, const char *note);
/* Where fault region `r` lies now: 0, or -1 with the reason in why. */
int fault_region_resolve(machine *m, const fault_region_flip *r, uint32_t *lo, uint32_t *hi,
                         char *why, size_t whylen);

/* The next instruction app `app_index` executes (unprivileged thread mode,
 * pc inside its placed image) raises a UsageFault UNDEFINSTR; if it is not
 * running when the time comes, the fault waits until it next runs. */
int machine_schedule_process_fault(machine *m, uint64_t cycle, unsigned app_index,
                                   const char *label);
/* Called by the run loop before running code and by the exception engine
 * after a return to thread mode: raises an armed process fault whose
 * process is about to run.  True if one was raised. */
bool fault_inject_forced_check(machine *m);

/* Board device `name` misbehaves from `cycle` until `until` (UINT64_MAX: to
 * the end).  An irq_flood with a non-zero `period` pulses the device's
 * lines once per period instead of holding them high.  Returns 0, or -1
 * (no such device, out of memory). */
int machine_schedule_peripheral_fault(machine *m, uint64_t cycle, uint64_t until, const char *name,
                                      int mode, uint64_t period, const char *label);

/* Brown-out: RAM per `ram` (random: filled from `seed`), then CPU, NVIC
 * and devices reset and the firmware boots again. */
int machine_schedule_brownout(machine *m, uint64_t cycle, int ram, uint64_t seed,
                              const char *label);

/* The placed image of app `index`: false if there is none. */
bool machine_app_image(const machine *m, unsigned index, uint32_t *start, uint32_t *size);

typedef struct machine_skip {
    uint64_t cycle; /* when it was due */
    char label[160];
    char reason[160];
} machine_skip;
/* Faults that were due but not applied, in order, then forced process
 * faults still waiting for their process; copies at most max, returns how
 * many there are. */
size_t machine_skipped(const machine *m, machine_skip *out, size_t max);

/* fault_inject.c internals shared with periph_fault.c and fault_region.c */
void fault_inject_record(machine *m, const machine_injection *w);
void fault_inject_skip(machine *m, const char *label, const char *reason);
/* periph_fault.c: an IRQ line of a board device, routed through the
 * peripheral fault layer to the NVIC (machine_setup.c hands these out). */
void periph_fault_irq_set(void *ctx, int line, bool level);
void periph_fault_free_all(machine *m);

#endif

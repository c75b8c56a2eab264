/* State of the fault injector kept with a machine (machine->fstate), shared
 * by fault_inject.c, fault_region.c and periph_fault.c only. */
#ifndef BULWARK_FAULT_STATE_H
#define BULWARK_FAULT_STATE_H

#include "fault_inject.h"
#include "nvic.h"

struct periph_wrap;  /* periph_fault.c */
struct periph_event; /* periph_fault.c */

struct fault_state {
    machine_skip *skips;
    size_t num_skips;
    unsigned num_armed; /* process faults waiting for their process */
    /* External IRQ lines of wrapped devices: the level the device drives
     * (what the NVIC would see without the fault) and the wrapper that
     * decides what the NVIC sees instead. */
    struct periph_wrap *line_owner[NVIC_MAX_IRQS];
    bool line_level[NVIC_MAX_IRQS];
    struct periph_event *periph_events; /* freed after the event queue */
};

/* Allocated on first use; NULL when out of memory. */
struct fault_state *fault_state_get(machine *m);
/* "app:NAME stack", "kernel data": the region's words for labels. */
void fault_region_label(const fault_region_flip *r, char *buf, size_t len);
/* Brown-out: RAM retained, cleared or filled from seed. */
void fault_brownout_ram(machine *m, int ram, uint64_t seed);
/* splitmix64: the PRNG behind "random" RAM and random fault draws. */
uint64_t fault_rng_next(uint64_t *state);

#endif

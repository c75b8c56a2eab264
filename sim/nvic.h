/* Armv7-M exception priority logic: enable, pending, active and priority
 * state of every exception, priority grouping, and the decisions built on
 * them (which exception is next, may it preempt, execution priority).
 * Pure data: no CPU, no Unicorn, so it is unit-tested directly. */
#ifndef BULWARK_NVIC_H
#define BULWARK_NVIC_H

#include <stdbool.h>
#include <stdint.h>

enum {
    EXC_RESET = 1,
    EXC_NMI = 2,
    EXC_HARDFAULT = 3,
    EXC_MEMMANAGE = 4,
    EXC_BUSFAULT = 5,
    EXC_USAGEFAULT = 6,
    EXC_SVCALL = 11,
    EXC_DEBUGMON = 12,
    EXC_PENDSV = 14,
    EXC_SYSTICK = 15,
    EXC_IRQ0 = 16,
};

#define NVIC_MAX_IRQS 240
#define NVIC_NUM_EXC  (EXC_IRQ0 + NVIC_MAX_IRQS)
/* Execution priority of thread mode with nothing active and no masking. */
#define NVIC_PRIO_THREAD 256

typedef struct nvic {
    unsigned num_irqs;  /* external interrupts implemented */
    unsigned prio_bits; /* implemented priority bits (top of the byte) */
    unsigned prigroup;  /* AIRCR.PRIGROUP */
    uint8_t prio[NVIC_NUM_EXC];
    bool enabled[NVIC_NUM_EXC];
    bool pending[NVIC_NUM_EXC];
    bool active[NVIC_NUM_EXC];
    bool level[NVIC_NUM_EXC]; /* input line level of external interrupts */
    unsigned num_active;
} nvic;

/* Masking registers as they stand in the CPU. */
typedef struct nvic_masks {
    bool primask;
    bool faultmask;
    uint8_t basepri;
} nvic_masks;

void nvic_reset(nvic *n, unsigned num_irqs, unsigned prio_bits);
bool nvic_valid(const nvic *n, int exc);

/* Priority byte as written by software, reduced to the implemented bits. */
void nvic_set_priority(nvic *n, int exc, uint8_t value);
/* Priority of an exception: -3/-2/-1 for Reset/NMI/HardFault. */
int nvic_priority(const nvic *n, int exc);
/* The group (preemption) part of a priority value. */
int nvic_group_priority(const nvic *n, int prio);

void nvic_set_pending(nvic *n, int exc);
void nvic_clear_pending(nvic *n, int exc);
/* An external interrupt input changed level: a rising level pends it; an
 * interrupt whose line is still high when it is deactivated pends again. */
void nvic_set_level(nvic *n, int irq, bool level);

/* Highest-priority pending and enabled exception, 0 when none. */
int nvic_next_pending(const nvic *n);
/* Current execution priority from active exceptions and masks. */
int nvic_execution_priority(const nvic *n, nvic_masks m);
/* Same, as it would be with exception `exc` no longer active. */
int nvic_priority_without(const nvic *n, int exc, nvic_masks m);
/* Would `exc` preempt at execution priority `exec_prio`? */
bool nvic_can_preempt(const nvic *n, int exc, int exec_prio);

void nvic_activate(nvic *n, int exc);
void nvic_deactivate(nvic *n, int exc);
/* Lowest-numbered active exception besides `except` (for RETTOBASE). */
bool nvic_only_active(const nvic *n, int exc);

#endif

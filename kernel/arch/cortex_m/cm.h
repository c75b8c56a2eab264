/* Shared inside kernel/arch/cortex_m/: the pieces of the port that talk to
 * each other but not to the portable core. */
#ifndef BULWARK_CM_H
#define BULWARK_CM_H

#include <stdbool.h>
#include <stdint.h>

#include "../arch.h"

/* Read by the context switch (switch.S): keep the field order. */
typedef struct arch_cpu_state {
    arch_ctx *running;   /* the process in thread mode, or NULL */
    arch_ctx *mpu_owner; /* whose regions the MPU holds, or NULL */
} arch_cpu_state;
extern arch_cpu_state arch_cpu;
extern volatile uint8_t arch_slice_expired;

/* Exception priorities (3 bits on MPS2: the top three bits count). */
#define PRIO_FAULT  0x00u /* MemManage, BusFault, UsageFault */
#define PRIO_DEVICE 0x80u /* UART, timers: they only record and kick */
#define PRIO_KERNEL 0xE0u /* SVCall, PendSV, SysTick: never preempt each other */

static inline uint32_t irq_save(void)
{
    uint32_t primask;
    __asm volatile("mrs %0, primask\n\t" /* remember whether interrupts were masked */
                   "cpsid i"             /* mask them */
                   : "=r"(primask)
                   :
                   : "memory");
    return primask;
}

static inline void irq_restore(uint32_t primask)
{
    __asm volatile("msr primask, %0" /* back to what irq_save found */
                   :
                   : "r"(primask)
                   : "memory");
}

void nvic_enable_irq(unsigned irq, uint8_t priority);
/* Events for the kernel loop, raised from interrupt handlers. */
void cm_raise(uint32_t events);
bool cm_on_bulwark(void);

void cm_mpu_init(void);
void cm_uart_init(void);
void cm_time_init(uint32_t clock_hz);
uint32_t cm_measure_clock(void);
void cm_board_init(void);
void cm_set_clock(uint32_t hz);
/* Stop the timeslice (the kernel sleeps); arch_slice_restart starts it. */
void cm_slice_pause(void);
/* Fill the unused kernel stack with a pattern (`kernel` reports its use). */
void cm_stack_paint(void);

#endif

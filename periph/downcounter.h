/* Arithmetic shared by the down-counting timers (CMSDK timer, dual timer,
 * SysTick), which are never ticked.
 *
 * A counter is kept as its value at a sync tick, in ticks of its own clock
 * counted from cycle 0.  It steps down once per tick; stepping from 1 to 0
 * is the event the models signal, and on the tick after it reaches 0 it
 * loads `reload`, so the period is reload + 1 ticks.  A reload of 0 holds
 * the counter at 0 (a one-shot counter behaves the same way).
 *
 * Clock rates are in Hz, nonzero and below 2^32, which keeps every product
 * within 64 bits. */
#ifndef BULWARK_PERIPH_DOWNCOUNTER_H
#define BULWARK_PERIPH_DOWNCOUNTER_H

#include <stdbool.h>
#include <stdint.h>

/* "No 1 -> 0 step is coming." */
#define DOWNCOUNTER_NEVER UINT64_MAX

/* The rate a CMSDK timer counts at: its PCLK, 0 meaning the core clock.
 * Both rates must be below 2^32 Hz, which keeps the tick arithmetic within
 * 64 bits (asserted: a board file cannot give more). */
uint64_t downcounter_pclk(uint64_t core_hz, uint64_t pclk_hz);

/* Ticks of a `tick_hz` clock completed by core cycle `cycle`, exactly. */
uint64_t downcounter_tick_at(uint64_t cycle, uint64_t core_hz, uint64_t tick_hz);

/* First core cycle at which downcounter_tick_at() reaches `tick`. */
uint64_t downcounter_cycle_of(uint64_t tick, uint64_t core_hz, uint64_t tick_hz);

/* Ticks from a counter at `value` until its next 1 -> 0 step. */
uint64_t downcounter_ticks_to_wrap(uint32_t value, uint32_t reload);

/* The counter's value `ticks` ticks after it was at `value`. */
uint32_t downcounter_value_after(uint32_t value, uint32_t reload, uint64_t ticks);

/* Move a counter at `*value` on by `ticks`; true when it stepped from 1 to 0
 * on the way. */
bool downcounter_advance(uint32_t *value, uint32_t reload, uint64_t ticks);

/* The tick of the next 1 -> 0 step of a counter that was at `value` at
 * `sync_tick`, or DOWNCOUNTER_NEVER. */
uint64_t downcounter_next_wrap(uint32_t value, uint32_t reload, uint64_t sync_tick);

#endif

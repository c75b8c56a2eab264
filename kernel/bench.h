/* Self-measurement of the two figures of the kernel issue, in the kernel
 * built with -DKERNEL_BENCH (bulwark-kernel-bench.elf):
 *
 *   null command round trip: svc -> capsule -> back in the process
 *   process -> kernel -> other process switch (yield-wait of one process
 *   until the next one runs, upcall delivery included)
 *
 * The arch stamps the DWT cycle counter at the first instruction of every
 * svc entry and records it with bench_svc() (a fixed-cost recorder, whose
 * own cost, with the code that calls it, is measured at boot and
 * subtracted).  The bench app (test/kernel/) runs
 * twice and loops { command(led, exists); command(bench, wake others);
 * yield-wait }, so the time between two svc entries is one of the figures
 * plus a known number of the app's own instruction cycles, subtracted too.
 * In other builds these are empty and bench_print() says so. */
#ifndef BULWARK_BENCH_H
#define BULWARK_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "driver.h"

#define BENCH_SAMPLES 96u
#define BENCH_DRIVER  0xBE0u
#define BENCH_SPOILED 0x80u /* in bench_raw.slot: another trap came before */

/* The app's own cycles between the svcs (test/kernel/bench_app.S, priced
 * with the cycle model of the README). */
#define BENCH_APP_AFTER_NULL   2u /* movw, movs before the wake command */
#define BENCH_APP_AFTER_SWITCH 8u /* bx lr (upcall), b, movs, movs */

typedef struct bench_raw {
    uint32_t stamp;
    uint8_t slot, cls, r0, r1; /* low bytes of r0/r1: which call it was */
} bench_raw;

typedef struct bench_result {
    uint32_t null_median, null_samples;
    uint32_t switch_median, switch_samples;
} bench_result;

/* Recorder, called with the svc entry stamp; fixed cost. */
void bench_svc(uint32_t stamp, unsigned slot, unsigned cls, uint32_t r0, uint32_t r1);
/* Any other trap in between spoils the interval. */
void bench_other_trap(void);
/* The recorder's own cost, measured at boot. */
void bench_set_overhead(uint32_t cycles);
void bench_reset(void);
/* Median of the classified intervals of raw[0..n). */
bench_result bench_analyze(const bench_raw *raw, unsigned n, uint32_t overhead);
/* From the kernel loop: print the figures once the samples are in. */
void bench_poll(void);
/* The figures, for the process console. */
void bench_print(void);

extern const driver bench_driver;

#endif

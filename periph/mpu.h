/* The Armv7-M PMSAv7 memory protection unit: registers at 0xE000ED90 and
 * the pure decision "may this access happen" (ARM DDI 0403, B3.5).  The
 * machine turns the decision into page protections; the model itself only
 * answers questions and reports reprogramming through its observer. */
#ifndef BULWARK_MPU_H
#define BULWARK_MPU_H

#include <stdbool.h>
#include <stdint.h>

#include "../sim/device.h"

#define MPU_BASE    0xE000ED90u
#define MPU_SIZE    0x2Cu /* TYPE .. RASR_A3 */
#define MPU_REGIONS 8

enum { MPU_R = 1u, MPU_W = 2u, MPU_X = 4u };

/* CTRL bits */
#define MPU_CTRL_ENABLE     (1u << 0)
#define MPU_CTRL_HFNMIENA   (1u << 1)
#define MPU_CTRL_PRIVDEFENA (1u << 2)

typedef struct mpu_observer {
    void (*changed)(void *ctx); /* any region or CTRL write */
    void *ctx;
} mpu_observer;

typedef struct mpu mpu;

/* Everything that decides permissions: two equal configs decide alike. */
typedef struct mpu_config {
    uint32_t ctrl;
    uint32_t rbar[MPU_REGIONS];
    uint32_t rasr[MPU_REGIONS];
} mpu_config;

mpu *mpu_create(mpu_observer obs);
device mpu_device(mpu *m);
uint32_t mpu_ctrl(const mpu *m);
void mpu_snapshot(const mpu *m, mpu_config *out);
/* Read-back of one region's RBAR/RASR (for reports and tests). */
void mpu_region(const mpu *m, unsigned n, uint32_t *rbar, uint32_t *rasr);
/* Program region n directly (tests, host tools); same rules as the guest. */
void mpu_set_region(mpu *m, unsigned n, uint32_t rbar, uint32_t rasr);
void mpu_set_ctrl(mpu *m, uint32_t ctrl);

/* MPU_R/W/X allowed at addr.  `applies` is false when the MPU is off for
 * this access (CTRL.ENABLE clear, or HFNMIENA clear at negative execution
 * priority): the default memory map decides alone. */
unsigned mpu_perms(const mpu *m, uint32_t addr, bool privileged, bool applies);
/* The default memory map: RWX, minus X in the Peripheral, Device and
 * System regions. */
unsigned mpu_default_perms(uint32_t addr);
/* The end (exclusive, as a 64-bit value) of the span starting at addr
 * within which mpu_perms stays the same, capped at `limit`. */
uint64_t mpu_uniform_until(const mpu *m, uint32_t addr, uint64_t limit, bool privileged,
                           bool applies);
/* The highest-numbered enabled region containing addr and not switched off
 * there by its subregion bits, or -1. */
int mpu_match(const mpu *m, uint32_t addr);

#endif

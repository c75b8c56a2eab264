/* The MPU at start-up: every region off, the kernel stack guard on, the
 * background map for privileged code.  Per-process regions are programmed
 * by enter_process (switch.S) from the pairs mpu_layout.c computes. */
#include "cm.h"
#include "regs.h"

#define GUARD_REGION 7u
#define RASR_ENABLE  (1u << 0)
#define RASR_XN      (1u << 28)
#define RASR_SIZE_32 (4u << 1) /* 2^(4+1) = 32 bytes, no access (AP = 0) */
#define RBAR_VALID   (1u << 4)

extern uint32_t __stack_bottom[];

void cm_mpu_init(void)
{
    MPU_CTRL = 0;
    for (uint32_t region = 0; region < 8; region++) {
        MPU_RBAR = RBAR_VALID | region;
        MPU_RASR = 0;
    }
    MPU_RBAR = (uint32_t)(uintptr_t)__stack_bottom | RBAR_VALID | GUARD_REGION;
    MPU_RASR = RASR_XN | RASR_SIZE_32 | RASR_ENABLE;
    MPU_CTRL = MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA;
    __asm volatile("dsb\n\t" /* the MPU configuration is written */
                   "isb"     /* and in force for the next instruction */
                   ::
                       : "memory");
    arch_cpu.mpu_owner = NULL;
}

void arch_mpu_invalidate(void)
{
    arch_cpu.mpu_owner = NULL;
}

/* Shared by the mpu_* test firmware: the PMSAv7 MPU register map, region
 * helpers, the "process-like" set-up (code readable by everyone, a
 * process stack, everything else denied to unprivileged code), running a
 * function unprivileged on that stack, one-instruction probes at known
 * addresses (mpu_common_asm.S) and one fault recorder for MemManage,
 * BusFault and HardFault that resumes the code after the fault. */
#ifndef MPU_COMMON_H
#define MPU_COMMON_H

/* ---- MPU registers (ARM DDI 0403, B3.5) -------------------------------- */
#define MPU_TYPE_ADDR    0xE000ED90
#define MPU_CTRL_ADDR    0xE000ED94
#define MPU_RNR_ADDR     0xE000ED98
#define MPU_RBAR_ADDR    0xE000ED9C
#define MPU_RASR_ADDR    0xE000EDA0
#define MPU_RBAR_A1_ADDR 0xE000EDA4 /* aliases: A1..A3 at RBAR/RASR + 8 * n */
#define MPU_RASR_A1_ADDR 0xE000EDA8
#define SCB_CPUID_ADDR   0xE000ED00

/* The process stack every unpriv_call runs on (a region of its own). */
#define PROC_STACK_BYTES 1024
#define PROC_STACK_LG2   10
/* The SVC number unpriv_call uses to get privilege back. */
#define SVC_PRIVILEGE 0xF0

#ifdef __ASSEMBLER__
/* A global Thumb function, and a global label on one probe instruction. */
/* clang-format off */
    .macro FUNC name
    .global \name
    .type \name, %function
    .thumb_func
\name:
    .endm

    .macro INSN_LABEL name
    .global \name
\name:
    .endm
/* clang-format on */
#else
#include <stddef.h>

#include "fw.h"

#define MPU_TYPE      REG32(MPU_TYPE_ADDR)
#define MPU_CTRL      REG32(MPU_CTRL_ADDR)
#define MPU_RNR       REG32(MPU_RNR_ADDR)
#define MPU_RBAR      REG32(MPU_RBAR_ADDR)
#define MPU_RASR      REG32(MPU_RASR_ADDR)
#define MPU_RBAR_A(n) REG32(MPU_RBAR_ADDR + 8u * (n)) /* n = 1..3 */
#define MPU_RASR_A(n) REG32(MPU_RASR_ADDR + 8u * (n))
#define SCB_CPUID     REG32(SCB_CPUID_ADDR)

#define MPU_CTRL_ENABLE     (1u << 0)
#define MPU_CTRL_HFNMIENA   (1u << 1)
#define MPU_CTRL_PRIVDEFENA (1u << 2)

#define RBAR_VALID (1u << 4)
/* MPU_TYPE of an 8-region unified MPU (the Cortex-M4's and QEMU's). */
#define MPU_TYPE_8_UNIFIED 0x00000800u

#define RASR_ENABLE    (1u << 0)
#define RASR_SIZE(lg2) ((((uint32_t)(lg2)) - 1u) << 1) /* region of 2^lg2 bytes */
#define RASR_SRD(mask) ((uint32_t)(mask) << 8)         /* bit n: subregion n disabled */
#define RASR_AP(ap)    ((uint32_t)(ap) << 24)
#define RASR_XN        (1u << 28)
/* Memory attributes: Normal (TEX 0, C 1, shareable) for memory, so that
 * unaligned accesses are allowed; shareable Device for peripherals. */
#define RASR_NORMAL (1u << 18 | 1u << 17)
#define RASR_DEVICE (1u << 18 | 1u << 16)

/* AP encodings: privileged / unprivileged permissions. */
enum {
    AP_NONE = 0,       /* no access / no access */
    AP_PRIV_RW = 1,    /* RW / no access */
    AP_PRIV_RW_RO = 2, /* RW / RO */
    AP_FULL = 3,       /* RW / RW */
    AP_RESERVED = 4,
    AP_PRIV_RO = 5, /* RO / no access */
    AP_RO = 6,      /* RO / RO */
    AP_RO_7 = 7,    /* RO / RO as well */
};

/* Regions the process set-up uses; tests use 2..7. */
#define REGION_CODE  0
#define REGION_STACK 1

/* MMFSR (CFSR 7:0) */
#define CFSR_IACCVIOL  (1u << 0)
#define CFSR_DACCVIOL  (1u << 1)
#define CFSR_MUNSTKERR (1u << 3)
#define CFSR_MSTKERR   (1u << 4)
#define CFSR_MMARVALID (1u << 7)
/* BFSR stacking bits (CFSR 15:8) */
#define CFSR_UNSTKERR (1u << 11)
#define CFSR_STKERR   (1u << 12)

#define SHCSR_MEMFAULTPENDED (1u << 13)
#define SHCSR_SVCALLPENDED   (1u << 15)

/* Program region n (RNR, RBAR, RASR) and make it take effect. */
void mpu_set(unsigned n, uint32_t base, uint32_t rasr);
/* Region n off. */
void mpu_off(unsigned n);
/* Write CTRL, then DSB + ISB. */
void mpu_ctrl(uint32_t ctrl);
/* MPU off and all its regions cleared. */
void mpu_reset(void);
/* The process-like configuration: region 0 = code memory (256 KiB at 0,
 * read-only for everyone, executable), region 1 = the process stack (RW
 * for everyone, XN), CTRL = ENABLE | PRIVDEFENA; MemManage, BusFault and
 * UsageFault enabled. */
void mpu_process_setup(void);

extern uint8_t proc_stack[PROC_STACK_BYTES];
static inline uint32_t addr_of(const void *p)
{
    return (uint32_t)(uintptr_t)p & ~1u;
}

/* Runs fn(a, b) in unprivileged thread mode on a fresh process stack
 * (proc_stack) and returns its result, privileged on MSP again. */
typedef uint32_t (*unpriv_fn)(uint32_t a, uint32_t b);
uint32_t unpriv_call(unpriv_fn fn, uint32_t a, uint32_t b);

/* Single-access probes (mpu_common_asm.S).  The access is the
 * instruction at probe_X_insn; a fault handler that skips it leaves the
 * destination as it was, so loads return `sentinel` when they faulted. */
uint32_t probe_ldrb(uint32_t addr, uint32_t sentinel);
uint32_t probe_ldrh(uint32_t addr, uint32_t sentinel);
uint32_t probe_ldr(uint32_t addr, uint32_t sentinel);
uint32_t probe_strb(uint32_t addr, uint32_t value);
uint32_t probe_strh(uint32_t addr, uint32_t value);
uint32_t probe_str(uint32_t addr, uint32_t value);
/* LDMIA addr!, {r1, r2} with r1 = r2 = sentinel before: returns r2 (the
 * second word); probe_ldm_base returns what the base register ended as. */
uint32_t probe_ldm(uint32_t addr, uint32_t sentinel);
uint32_t probe_ldm_base(uint32_t addr, uint32_t sentinel);
/* STMIA addr!, {r1, r2} storing value and ~value; returns the base register. */
uint32_t probe_stm(uint32_t addr, uint32_t value);
/* Calls target (Thumb bit added) with r0 = sentinel; returns its r0. */
uint32_t probe_call(uint32_t target, uint32_t sentinel);
extern const char probe_ldrb_insn[], probe_ldrh_insn[], probe_ldr_insn[];
extern const char probe_strb_insn[], probe_strh_insn[], probe_str_insn[];
extern const char probe_ldm_insn[], probe_ldm_base_insn[], probe_stm_insn[];
extern const char probe_call_ret[];

/* What the last faults looked like (the first one's details are kept). */
typedef struct fault_rec {
    unsigned count;
    uint32_t exc; /* IPSR in the handler */
    uint32_t cfsr, hfsr, mmfar, bfar, shcsr, exc_return, psp;
    exc_frame frame; /* not read when the stacking failed */
} fault_rec;
extern fault_rec fault_seen;

/* Called by mpu_fault_dispatch after recording; returns true when it has
 * taken care of resuming (then the default fix-up is skipped).  The
 * default: an instruction fetch fault (IACCVIOL) returns to the caller
 * (PC = stacked LR), anything else skips the faulting instruction. */
typedef bool (*fault_hook_fn)(exc_frame *f, uint32_t exc_return);
extern fault_hook_fn fault_hook;
void fault_reset(void);
void mpu_fault_dispatch(exc_frame *f, uint32_t exc_return);
/* SVC_PRIVILEGE clears CONTROL.nPRIV; other numbers go to svc_hook. */
typedef void (*svc_hook_fn)(exc_frame *f, uint32_t number);
extern svc_hook_fn svc_hook;
void mpu_svc_dispatch(exc_frame *f, uint32_t exc_return);

/* Binds MemManage, BusFault and HardFault to mpu_fault_dispatch and
 * SVCall to mpu_svc_dispatch (UsageFault stays unexpected). */
#define MPU_HANDLERS_DEFAULT                                                                       \
    EXC_FRAME_HANDLER(memmanage_handler, mpu_fault_dispatch)                                       \
    EXC_FRAME_HANDLER(busfault_handler, mpu_fault_dispatch)                                        \
    EXC_FRAME_HANDLER(hardfault_handler, mpu_fault_dispatch)                                       \
    EXC_FRAME_HANDLER(svc_handler, mpu_svc_dispatch)

/* " fault=<exc> cfsr=.. [mmfar=..] [bfar=..]" or " fault=none": what the
 * last probe saw, for an observation line. */
void print_fault(void);

/* Checks of the last probe: exactly one fault of this kind.  `insn` is
 * the instruction that must be the stacked PC (NULL: not checked). */
#define EXPECT_NO_FAULT() expect_no_fault(FW_FILE, __LINE__)
#define EXPECT_MM_DATA(addr, insn)                                                                 \
    expect_fault(EXC_MEMMANAGE, CFSR_DACCVIOL | CFSR_MMARVALID, (addr), (insn), FW_FILE, __LINE__)
#define EXPECT_FAULT(exc, cfsr, addr, insn)                                                        \
    expect_fault((exc), (cfsr), (addr), (insn), FW_FILE, __LINE__)
void expect_no_fault(const char *file, int line);
void expect_fault(uint32_t exc, uint32_t cfsr, uint32_t addr, const void *insn, const char *file,
                  int line);

#endif /* __ASSEMBLER__ */
#endif

/* MPU helpers, the process-like set-up and the fault recorder shared by
 * the mpu_* test firmware (see mpu_common.h). */
#include "mpu_common.h"

#define MPU_REGIONS 8
/* More faults than this in one probe means a handler keeps re-faulting. */
#define FAULT_RUNAWAY 8
#define CODE_SIZE_LG2 18 /* the firmware's 256 KiB of code memory */
#define CONTROL_NPRIV 1u

uint8_t proc_stack[PROC_STACK_BYTES] __attribute__((aligned(PROC_STACK_BYTES)));
fault_rec fault_seen;
fault_hook_fn fault_hook;
svc_hook_fn svc_hook;

void mpu_set(unsigned n, uint32_t base, uint32_t rasr)
{
    MPU_RNR = n;
    MPU_RBAR = base; /* VALID clear: RNR picks the region */
    MPU_RASR = rasr;
    barrier();
}

void mpu_off(unsigned n)
{
    MPU_RNR = n;
    MPU_RASR = 0;
    barrier();
}

void mpu_ctrl(uint32_t ctrl)
{
    MPU_CTRL = ctrl;
    barrier();
}

void mpu_reset(void)
{
    mpu_ctrl(0);
    for (unsigned n = 0; n < MPU_REGIONS; n++) {
        MPU_RNR = n;
        MPU_RASR = 0;
        MPU_RBAR = 0;
    }
    barrier();
}

void mpu_process_setup(void)
{
    mpu_reset();
    mpu_set(REGION_CODE, 0, RASR_ENABLE | RASR_SIZE(CODE_SIZE_LG2) | RASR_AP(AP_RO) | RASR_NORMAL);
    mpu_set(REGION_STACK, addr_of(proc_stack),
            RASR_ENABLE | RASR_SIZE(PROC_STACK_LG2) | RASR_AP(AP_FULL) | RASR_XN | RASR_NORMAL);
    SCB_SHCSR |= SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA;
    mpu_ctrl(MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
    fault_reset();
}

void fault_reset(void)
{
    fault_seen = (fault_rec){0};
}

static void record(const exc_frame *f, uint32_t cfsr, uint32_t exc_return)
{
    fault_seen.exc = get_ipsr();
    fault_seen.cfsr = cfsr;
    fault_seen.hfsr = SCB_HFSR;
    fault_seen.mmfar = SCB_MMFAR;
    fault_seen.bfar = SCB_BFAR;
    fault_seen.shcsr = SCB_SHCSR;
    fault_seen.exc_return = exc_return;
    fault_seen.psp = get_psp();
    if (!(cfsr & (CFSR_MSTKERR | CFSR_STKERR))) {
        fault_seen.frame = *f; /* a failed stacking left no frame to read */
    }
}

void mpu_fault_dispatch(exc_frame *f, uint32_t exc_return)
{
    uint32_t cfsr = SCB_CFSR;
    if (fault_seen.count++ == 0) {
        record(f, cfsr, exc_return);
    }
    SCB_CFSR = cfsr;     /* write-one-to-clear */
    SCB_HFSR = SCB_HFSR; /* likewise */
    if (fault_seen.count > FAULT_RUNAWAY) {
        mpu_ctrl(0);
        fault_report("runaway fault", f);
        check_failed("the same fault keeps coming back", FW_FILE, __LINE__);
        test_end();
    }
    if (fault_hook != NULL && fault_hook(f, exc_return)) {
        return;
    }
    if (cfsr & CFSR_IACCVIOL) {
        f->pc = f->lr & ~1u; /* the fetch failed at a call target: back to the caller */
    } else {
        f->pc += thumb_insn_size(f->pc);
    }
}

void mpu_svc_dispatch(exc_frame *f, uint32_t exc_return)
{
    (void)exc_return;
    uint32_t number = ((const uint16_t *)(uintptr_t)f->pc)[-1] & 0xFFu;
    if (number == SVC_PRIVILEGE) {
        __asm volatile("msr control, %0" /* clear nPRIV; SPSEL comes back from EXC_RETURN */
                       ::"r"(get_control() & ~CONTROL_NPRIV));
    } else if (svc_hook != NULL) {
        svc_hook(f, number);
    }
}

void print_fault(void)
{
    if (fault_seen.count == 0) {
        uart_puts(" fault=none");
        return;
    }
    print_kv_dec("fault", fault_seen.exc);
    if (fault_seen.count != 1) {
        print_kv_dec("count", fault_seen.count);
    }
    print_kv_hex("cfsr", fault_seen.cfsr);
    if (fault_seen.exc == EXC_HARDFAULT) {
        print_kv_hex("hfsr", fault_seen.hfsr);
    }
    if (fault_seen.cfsr & CFSR_MMARVALID) {
        print_kv_hex("mmfar", fault_seen.mmfar);
    }
    if (fault_seen.cfsr & CFSR_BFARVALID) {
        print_kv_hex("bfar", fault_seen.bfar);
    }
}

void expect_no_fault(const char *file, int line)
{
    if (fault_seen.count != 0) {
        check_failed("no fault expected", file, line);
    }
    fault_reset();
}

void expect_fault(uint32_t exc, uint32_t cfsr, uint32_t addr, const void *insn, const char *file,
                  int line)
{
    if (fault_seen.count != 1) {
        check_failed(fault_seen.count == 0 ? "no fault, one expected" : "more than one fault", file,
                     line);
        fault_reset();
        return;
    }
    if (fault_seen.exc != exc) {
        check_failed("wrong exception (IPSR)", file, line);
    }
    if (fault_seen.cfsr != cfsr) {
        check_failed("wrong CFSR", file, line);
    }
    if ((cfsr & CFSR_MMARVALID) && fault_seen.mmfar != addr) {
        check_failed("MMFAR is not the faulting address", file, line);
    }
    if ((cfsr & CFSR_BFARVALID) && fault_seen.bfar != addr) {
        check_failed("BFAR is not the faulting address", file, line);
    }
    if (exc == EXC_HARDFAULT && !(fault_seen.hfsr & HFSR_FORCED)) {
        check_failed("HFSR.FORCED clear", file, line);
    }
    if (insn != NULL && fault_seen.frame.pc != addr_of(insn)) {
        check_failed("stacked PC is not the faulting instruction", file, line);
    }
    fault_reset();
}

/* The exception engine, as Armv7-M defines it (ARM DDI 0403, B1.5):
 * stacking of the 8-word frame with 8-byte alignment, EXC_RETURN, MSP/PSP
 * and CONTROL, preemption by priority, tail-chaining, fault escalation to
 * HardFault and lockup.  Unicorn only reports that something happened; all
 * of the above is done here on the CPU registers and guest memory. */
#include <stdio.h>
#include <string.h>

#include "fault_inject.h"
#include "machine_internal.h"

#define EXC_RETURN_HANDLER    0xFFFFFFF1u
#define EXC_RETURN_THREAD_MSP 0xFFFFFFF9u
#define EXC_RETURN_THREAD_PSP 0xFFFFFFFDu
#define XPSR_ALIGN_BIT        (1u << 9)
#define XPSR_T_BIT            (1u << 24)
#define CONTROL_SPSEL         2u

static nvic_masks read_masks(machine *m)
{
    static const int ids[3] = {UC_ARM_REG_PRIMASK, UC_ARM_REG_FAULTMASK, UC_ARM_REG_BASEPRI};
    uint32_t v[3] = {0, 0, 0};
    void *ptrs[3] = {&v[0], &v[1], &v[2]};
    uc_reg_read_batch(m->uc, (int *)ids, ptrs, 3);
    nvic_masks k = {.primask = v[0] & 1, .faultmask = v[1] & 1, .basepri = (uint8_t)v[2]};
    return k;
}

/* The registers exception entry stacks, plus what decides where: one
 * batch call instead of eleven. */
enum { ER_R0, ER_R1, ER_R2, ER_R3, ER_R12, ER_LR, ER_XPSR, ER_SP, ER_IPSR, ER_CONTROL, ER_COUNT };

static void read_entry_regs(machine *m, uint32_t v[ER_COUNT])
{
    static const int ids[ER_COUNT] = {
        UC_ARM_REG_R0, UC_ARM_REG_R1,   UC_ARM_REG_R2, UC_ARM_REG_R3,   UC_ARM_REG_R12,
        UC_ARM_REG_LR, UC_ARM_REG_XPSR, UC_ARM_REG_SP, UC_ARM_REG_IPSR, UC_ARM_REG_CONTROL};
    void *ptrs[ER_COUNT];
    for (int i = 0; i < ER_COUNT; i++) {
        ptrs[i] = &v[i];
    }
    uc_reg_read_batch(m->uc, (int *)ids, ptrs, ER_COUNT);
}

static int execution_priority(machine *m)
{
    return nvic_execution_priority(&m->nvic, read_masks(m));
}

void exc_reset(machine *m)
{
    nvic_reset(&m->nvic, m->board.nvic_irqs, m->board.nvic_priority_bits);
    memset(&m->scb, 0, sizeof(m->scb));
    m->scb.ccr = CCR_STKALIGN;
    m->fault_pending = false;
    m->locked_up = false;
}

/* Guest memory as the exception engine sees it: only real memory regions,
 * writes only where the CPU could store. */
enum frame_result { FRAME_OK, FRAME_MPU, FRAME_BUS };

/* The frame as the exception engine reads or writes it: first the MPU, with
 * the privilege of the context being stacked or returned to (`ctx`), then
 * the bus (real memory only, writes only where the CPU could store). */
static enum frame_result frame_access(machine *m, uint32_t addr, uint32_t *words, bool write,
                                      int ctx)
{
    uint32_t bad;
    if (!machine_mpu_allows(m, addr, 32, write ? MPU_W : MPU_R, ctx, &bad)) {
        return FRAME_MPU;
    }
    const board_memory *mem = board_memory_containing(&m->board, addr, 32);
    if (mem == NULL || (write && !mem->writable) || (addr & 3) != 0) {
        return FRAME_BUS;
    }
    uc_err e = write ? uc_mem_write(m->uc, addr, words, 32) : uc_mem_read(m->uc, addr, words, 32);
    return e == UC_ERR_OK ? FRAME_OK : FRAME_BUS;
}

/* The derived fault of a failed stacking or unstacking. */
static pending_fault frame_fault(enum frame_result r, bool stacking, uint32_t return_pc)
{
    pending_fault f = {.return_pc = return_pc};
    f.exc = r == FRAME_MPU ? EXC_MEMMANAGE : EXC_BUSFAULT;
    if (r == FRAME_MPU) {
        f.cfsr = stacking ? CFSR_MSTKERR : CFSR_MUNSTKERR;
    } else {
        f.cfsr = stacking ? CFSR_STKERR : CFSR_UNSTKERR;
    }
    return f;
}

static void lockup(machine *m, const char *why, uint32_t pc)
{
    m->locked_up = true;
    snprintf(m->lockup_reason, sizeof(m->lockup_reason), "%s (at pc 0x%08x)", why, pc);
    machine_request_stop(m, STOP_EXIT);
}

static void record_fault(machine *m, int taken, const pending_fault *f)
{
    fault_record rec, *r = &rec;
    m->stats.faults++;
    if (m->stats.fault_log_len < MACHINE_MAX_FAULT_RECORDS) {
        r = &m->stats.fault_log[m->stats.fault_log_len++];
    }
    r->cycle = m->cycles;
    r->exception = taken;
    r->cause = f->exc;
    r->pc = f->return_pc;
    r->cfsr = f->cfsr;
    r->hfsr = f->hfsr;
    r->address = f->address;
    r->address_valid = f->address_valid;
    measure_fault(&m->measure, f->return_pc);
    machine_notify_fault(m, r);
}

/* Push the frame of the interrupted context.  SP moves even when a write
 * fails, as on silicon; the caller turns failure into STKERR. */
static enum frame_result push_frame(machine *m, uint32_t return_pc, uint32_t *exc_return)
{
    int ctx = guard_context(m->guard); /* the interrupted context's rights */
    uint32_t v[ER_COUNT];
    read_entry_regs(m, v);
    uint32_t ipsr = v[ER_IPSR];
    uint32_t control = v[ER_CONTROL];
    uint32_t sp = v[ER_SP] & ~3u; /* SP[1:0] read as zero on Armv7-M */
    uint32_t frame[8] = {v[ER_R0], v[ER_R1], v[ER_R2], v[ER_R3], v[ER_R12], v[ER_LR]};
    frame[6] = return_pc & ~1u;
    frame[7] = v[ER_XPSR] & ~XPSR_ALIGN_BIT;
    bool realign = (sp & 4u) && (m->scb.ccr & CCR_STKALIGN);
    uint32_t fp = (sp - 32u) & ~(realign ? 4u : 0u);
    if (realign) {
        frame[7] |= XPSR_ALIGN_BIT;
    }
    machine_set_reg(m, UC_ARM_REG_SP, fp);
    if (ipsr != 0) {
        *exc_return = EXC_RETURN_HANDLER;
    } else {
        *exc_return = (control & CONTROL_SPSEL) ? EXC_RETURN_THREAD_PSP : EXC_RETURN_THREAD_MSP;
    }
    return frame_access(m, fp, frame, true, ctx);
}

/* Handler mode, MSP, vector fetch, PC.  Returns false on a vector fetch
 * failure (the caller escalates). */
static bool vector_enter(machine *m, int exc, uint32_t exc_return, unsigned cost)
{
    uint32_t vector;
    if (uc_mem_read(m->uc, m->scb.vtor + 4u * (uint32_t)exc, &vector, 4) != UC_ERR_OK ||
        board_memory_containing(&m->board, m->scb.vtor + 4u * (uint32_t)exc, 4) == NULL) {
        return false;
    }
    /* XPSR write: IPSR = exc switches to handler mode (SP becomes MSP), IT
     * bits cleared, T taken from the vector as the hardware does. */
    machine_set_reg(m, UC_ARM_REG_XPSR, (uint32_t)exc | ((vector & 1u) ? XPSR_T_BIT : 0));
    uint32_t control = machine_reg(m, UC_ARM_REG_CONTROL);
    machine_set_reg(m, UC_ARM_REG_CONTROL, control & ~CONTROL_SPSEL);
    machine_set_reg(m, UC_ARM_REG_LR, exc_return);
    machine_set_reg(m, UC_ARM_REG_PC, vector);
    nvic_activate(&m->nvic, exc);
    m->cycles += cost;
    if (exc >= EXC_IRQ0) { /* the handler's first instruction runs now */
        measure_irq_entered(&m->measure, exc - EXC_IRQ0, m->cycles);
    }
    m->stats.exceptions_taken++;
    m->stats.per_exception[exc]++;
    machine_notify_exc_enter(m, exc);
    machine_update_protection(m);
    return true;
}

/* Which handler a synchronous fault of type `exc` reaches: itself when
 * enabled and of enough priority, else HardFault (FORCED), else lockup. */
static int escalate(machine *m, int exc, uint32_t *hfsr)
{
    int prio = execution_priority(m);
    if (exc != EXC_HARDFAULT && m->nvic.enabled[exc] && nvic_can_preempt(&m->nvic, exc, prio)) {
        return exc;
    }
    if (exc != EXC_HARDFAULT) {
        *hfsr |= HFSR_FORCED;
    }
    return nvic_can_preempt(&m->nvic, EXC_HARDFAULT, prio) ? EXC_HARDFAULT : 0;
}

/* Stacking failed: the exception being entered stays pending and a derived
 * MemManage (MSTKERR) or BusFault (STKERR) is pended beside it; whichever ranks higher is entered
 * on the frame already allocated, without stacking again. */
static void stacking_failed(machine *m, int exc, enum frame_result r, uint32_t exc_return,
                            uint32_t return_pc)
{
    pending_fault f = frame_fault(r, true, return_pc);
    int target = exc == EXC_HARDFAULT ? 0 : escalate(m, f.exc, &f.hfsr);
    m->scb.cfsr |= f.cfsr;
    m->scb.hfsr |= f.hfsr;
    record_fault(m, target, &f);
    if (target == 0) {
        lockup(m, "stacking failed while entering HardFault", return_pc);
        return;
    }
    nvic_set_pending(&m->nvic, exc);
    nvic_set_pending(&m->nvic, target);
    int next = nvic_next_pending(&m->nvic);
    nvic_clear_pending(&m->nvic, next);
    if (!vector_enter(m, next, exc_return, CYCLES_EXC_ENTRY)) {
        lockup(m, "vector table fetch failed", return_pc);
    }
}

/* A process leaves for the kernel: start timing, if processes are known. */
static void measure_exception(machine *m, int exc, uint32_t return_pc)
{
    if (m->measure.num_apps == 0 || (guard_context(m->guard) & GUARD_PRIVILEGED)) {
        return;
    }
    int cls = -1;
    uint16_t svc = 0;
    uint32_t r0 = 0;
    if (exc == EXC_SVCALL && uc_mem_read(m->uc, return_pc - 2u, &svc, 2) == UC_ERR_OK) {
        cls = svc & 0xFFu;
        r0 = machine_reg(m, UC_ARM_REG_R0);
    }
    /* Where push_frame will put the frame: the process's stack sample. */
    uint32_t sp = machine_reg(m, UC_ARM_REG_SP) & ~3u;
    uint32_t frame_sp = (sp - 32u) & ((m->scb.ccr & CCR_STKALIGN) ? ~7u : ~0u);
    int app = measure_leave(&m->measure, m->cycles, m->sleep_cycles, return_pc, cls, r0, frame_sp);
    machine_notify_process(m, app, false);
}

static void take(machine *m, int exc, uint32_t return_pc)
{
    uint32_t exc_return;
    measure_exception(m, exc, return_pc);
    enum frame_result r = push_frame(m, return_pc, &exc_return);
    if (r != FRAME_OK) {
        stacking_failed(m, exc, r, exc_return, return_pc);
        return;
    }
    if (vector_enter(m, exc, exc_return, CYCLES_EXC_ENTRY)) {
        return;
    }
    if (exc == EXC_HARDFAULT) {
        lockup(m, "vector table fetch failed for HardFault", return_pc);
        return;
    }
    m->scb.hfsr |= HFSR_VECTTBL;
    nvic_deactivate(&m->nvic, exc);
    if (!vector_enter(m, EXC_HARDFAULT, exc_return, 0)) {
        lockup(m, "vector table fetch failed for HardFault", return_pc);
    }
}

bool exc_dispatch_pending(machine *m)
{
    int exc = nvic_next_pending(&m->nvic);
    if (exc == 0 || !nvic_can_preempt(&m->nvic, exc, execution_priority(m))) {
        return false;
    }
    take(m, exc, machine_reg(m, UC_ARM_REG_PC));
    return true;
}

bool exc_wakeup_pending(machine *m)
{
    /* WFI wakes for an interrupt that could preempt were PRIMASK clear. */
    int exc = nvic_next_pending(&m->nvic);
    if (exc == 0) {
        return false;
    }
    nvic_masks k = read_masks(m);
    k.primask = false;
    return nvic_can_preempt(&m->nvic, exc, nvic_execution_priority(&m->nvic, k));
}

void exc_raise_fault(machine *m, const pending_fault *f)
{
    pending_fault g = *f;
    int target = escalate(m, f->exc, &g.hfsr);
    m->scb.cfsr |= g.cfsr;
    m->scb.hfsr |= g.hfsr;
    if (g.address_valid && (g.cfsr & CFSR_BFARVALID)) {
        m->scb.bfar = g.address;
    }
    if (g.address_valid && (g.cfsr & CFSR_MMARVALID)) {
        m->scb.mmfar = g.address;
    }
    record_fault(m, target, &g);
    if (target == 0) {
        lockup(m, "fault while HardFault or NMI was active", g.return_pc);
        return;
    }
    take(m, target, g.return_pc);
}

void exc_raise_sync(machine *m, int exc, uint32_t return_pc)
{
    uint32_t hfsr = 0;
    int target = escalate(m, exc, &hfsr);
    if (target == exc) {
        take(m, exc, return_pc);
        return;
    }
    pending_fault f = {.exc = exc, .hfsr = hfsr, .return_pc = return_pc};
    m->scb.hfsr |= hfsr;
    record_fault(m, target, &f);
    if (target == 0) {
        lockup(m, "SVC or debug event while HardFault or NMI was active", return_pc);
        return;
    }
    take(m, target, return_pc);
}

static bool valid_exc_return(uint32_t v)
{
    return v == EXC_RETURN_HANDLER || v == EXC_RETURN_THREAD_MSP || v == EXC_RETURN_THREAD_PSP;
}

static void invalid_return(machine *m, uint32_t value)
{
    pending_fault f = {.exc = EXC_USAGEFAULT, .cfsr = CFSR_INVPC, .return_pc = value & ~1u};
    exc_raise_fault(m, &f);
}

/* The rights unstacking uses: those of the mode being returned to (the
 * returning exception is no longer active). */
static int return_context(machine *m, uint32_t value)
{
    bool to_thread = (value & 8u) != 0;
    bool priv = !to_thread || !(machine_reg(m, UC_ARM_REG_CONTROL) & 1u);
    uint32_t ctrl = mpu_ctrl(m->mpu);
    bool negative = m->nvic.active[EXC_HARDFAULT] || m->nvic.active[EXC_NMI];
    bool applies = (ctrl & MPU_CTRL_ENABLE) && (!negative || (ctrl & MPU_CTRL_HFNMIENA));
    return (priv ? GUARD_PRIVILEGED : 0) | (applies ? GUARD_MPU_APPLIES : 0);
}

/* Restore the frame at the stack EXC_RETURN names.  False: unstacking
 * failed (UNSTKERR) and nothing was changed. */
static enum frame_result pop_frame(machine *m, uint32_t value)
{
    bool psp = (value & 4u) != 0;
    uint32_t sp = machine_reg(m, psp ? UC_ARM_REG_PSP : UC_ARM_REG_MSP);
    uint32_t f[8];
    enum frame_result r = frame_access(m, sp, f, false, return_context(m, value));
    if (r != FRAME_OK) {
        return r;
    }
    uint32_t xpsr = f[7];
    uint32_t new_sp = sp + 32u + ((xpsr & XPSR_ALIGN_BIT) && (m->scb.ccr & CCR_STKALIGN) ? 4u : 0);
    machine_set_reg(m, psp ? UC_ARM_REG_PSP : UC_ARM_REG_MSP, new_sp);
    uint32_t control = machine_reg(m, UC_ARM_REG_CONTROL);
    machine_set_reg(m, UC_ARM_REG_CONTROL, (control & ~CONTROL_SPSEL) | (psp ? CONTROL_SPSEL : 0));
    static const int regs[6] = {UC_ARM_REG_R0, UC_ARM_REG_R1,  UC_ARM_REG_R2,
                                UC_ARM_REG_R3, UC_ARM_REG_R12, UC_ARM_REG_LR};
    void *vals[6] = {&f[0], &f[1], &f[2], &f[3], &f[4], &f[5]};
    uc_reg_write_batch(m->uc, (int *)regs, vals, 6);
    /* XPSR last but one: it switches mode (and the banked SP) per IPSR. */
    machine_set_reg(m, UC_ARM_REG_XPSR, xpsr & ~XPSR_ALIGN_BIT);
    machine_set_reg(m, UC_ARM_REG_PC, (f[6] & ~1u) | ((xpsr & XPSR_T_BIT) ? 1u : 0));
    return FRAME_OK;
}

static void unstacking_failed(machine *m, enum frame_result r, uint32_t value)
{
    pending_fault f = frame_fault(r, false, value);
    int target = escalate(m, f.exc, &f.hfsr);
    m->scb.cfsr |= f.cfsr;
    m->scb.hfsr |= f.hfsr;
    record_fault(m, target, &f);
    if (target == 0 || !vector_enter(m, target, value, CYCLES_TAIL_CHAIN)) {
        lockup(m, "unstacking failed during HardFault return", value);
    }
}

void exc_return(machine *m, uint32_t pc_value)
{
    uint32_t value = pc_value | 1u; /* the PC register drops bit 0 */
    int exc = (int)(machine_reg(m, UC_ARM_REG_IPSR) & 0x1FFu);
    bool to_thread = (value & 8u) != 0;
    bool nesting_ok = to_thread
                          ? (nvic_only_active(&m->nvic, exc) || (m->scb.ccr & CCR_NONBASETHRDENA))
                          : m->nvic.num_active > 1;
    if (!valid_exc_return(value) || exc == 0 || !m->nvic.active[exc] || !nesting_ok) {
        invalid_return(m, value);
        return;
    }
    m->stats.exception_returns++;
    machine_notify_exc_return(m, exc);
    if (exc != EXC_NMI) {
        machine_set_reg(m, UC_ARM_REG_FAULTMASK, 0);
    }
    nvic_deactivate(&m->nvic, exc);
    if (exc >= EXC_IRQ0 && m->nvic.pending[exc]) { /* its line is still high */
        measure_irq_pended(&m->measure, exc - EXC_IRQ0, m->cycles);
    }
    int next = nvic_next_pending(&m->nvic);
    if (next != 0 && nvic_can_preempt(&m->nvic, next, execution_priority(m))) {
        /* Tail-chain: the frame stays; the next handler returns with the
         * same EXC_RETURN. */
        m->stats.tail_chains++;
        if (!vector_enter(m, next, value, CYCLES_TAIL_CHAIN)) {
            lockup(m, "vector table fetch failed", value);
        }
        return;
    }
    enum frame_result r = pop_frame(m, value);
    if (r != FRAME_OK) {
        unstacking_failed(m, r, value);
        return;
    }
    m->cycles += CYCLES_EXC_RETURN;
    machine_update_protection(m);
    if (m->measure.num_apps != 0 && !(guard_context(m->guard) & GUARD_PRIVILEGED)) {
        int app =
            measure_enter(&m->measure, m->cycles, m->sleep_cycles, machine_reg(m, UC_ARM_REG_PC));
        machine_notify_process(m, app, true);
    }
    if (m->fault_events != NULL && fault_inject_forced_check(m)) {
        return; /* a forced process fault: its process does not run on */
    }
    if (to_thread && (m->scb.scr & SCR_SLEEPONEXIT)) {
        /* Sleep-on-exit: the thread does not run until the next interrupt. */
        machine_request_stop(m, STOP_HANDLED | STOP_SLEEP);
    }
}

void exc_irq_set(void *ctx, int line, bool level)
{
    machine *m = ctx;
    bool was = line >= 0 && line < NVIC_MAX_IRQS && m->nvic.pending[EXC_IRQ0 + line];
    nvic_set_level(&m->nvic, line, level);
    if (level && !was && line >= 0 && line < NVIC_MAX_IRQS && m->nvic.pending[EXC_IRQ0 + line]) {
        measure_irq_pended(&m->measure, line, machine_now(m)); /* latency starts */
    }
    if (level) {
        machine_request_stop(m, STOP_EVAL);
    }
}

void exc_systick_set(void *ctx, int line, bool level)
{
    (void)line;
    machine *m = ctx;
    if (level) {
        nvic_set_pending(&m->nvic, EXC_SYSTICK);
        machine_request_stop(m, STOP_EVAL);
    }
}

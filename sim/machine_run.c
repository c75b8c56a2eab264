/* The run loop: run translated code until the next event, then deliver
 * whatever stopped it (events, exceptions, faults, sleep, exit). */
#include <stdio.h>
#include <string.h>

#include "fault_inject.h"
#include "machine_internal.h"

#define UNTIL_NEVER         0xFFFFFFFFu /* PC values are even: never reached */
#define THUMB_WFI           0xBF30u
#define THUMB_WFE           0xBF20u
#define THUMB_YIELD         0xBF10u
#define THUMB_SEV           0xBF40u
#define THUMB_BKPT_SEMIHOST 0xBEABu

/* QEMU exception numbers reported through UC_HOOK_INTR. */
enum {
    QEXC_UDEF = 1,
    QEXC_SWI = 2,
    QEXC_PREFETCH_ABORT = 3,
    QEXC_DATA_ABORT = 4,
    QEXC_BKPT = 7,
    QEXC_EXCEPTION_EXIT = 8,
    QEXC_NOCP = 17,
    QEXC_INVSTATE = 18,
    QEXC_UNALIGNED = 22,
};

/* Semihosting operations the test firmware uses to end a run in QEMU. */
enum {
    SH_SYS_WRITEC = 0x03,
    SH_SYS_WRITE0 = 0x04,
    SH_SYS_EXIT = 0x18,
    SH_SYS_EXIT_EXTENDED = 0x20,
    SH_ADP_STOPPED_APPLICATION_EXIT = 0x20026,
};

static void usage_fault(machine *m, uint32_t cfsr, uint32_t pc)
{
    pending_fault f = {.exc = EXC_USAGEFAULT, .cfsr = cfsr, .return_pc = pc};
    exc_raise_fault(m, &f);
}

static void semihost_write(machine *m, uint32_t addr, bool one)
{
    for (unsigned i = 0; i < 4096; i++) {
        uint8_t c;
        if (uc_mem_read(m->uc, addr + i, &c, 1) != UC_ERR_OK || (!one && c == 0)) {
            return;
        }
        if (m->opt.uart_out != NULL) {
            fputc(c, m->opt.uart_out);
        }
        if (one) {
            return;
        }
    }
}

static void semihost(machine *m, uint32_t pc)
{
    uint32_t op = machine_reg(m, UC_ARM_REG_R0);
    uint32_t arg = machine_reg(m, UC_ARM_REG_R1);
    uint32_t block[2] = {0, 0};
    switch (op) {
    case SH_SYS_EXIT:
        m->exit_code = arg == SH_ADP_STOPPED_APPLICATION_EXIT ? 0 : 1;
        machine_request_stop(m, STOP_EXIT);
        break;
    case SH_SYS_EXIT_EXTENDED:
        uc_mem_read(m->uc, arg, block, sizeof(block));
        m->exit_code = block[0] == SH_ADP_STOPPED_APPLICATION_EXIT ? block[1] : 1;
        machine_request_stop(m, STOP_EXIT);
        break;
    case SH_SYS_WRITEC:
    case SH_SYS_WRITE0:
        semihost_write(m, arg, op == SH_SYS_WRITEC);
        machine_set_reg(m, UC_ARM_REG_R0, 0);
        break;
    default:
        machine_set_reg(m, UC_ARM_REG_R0, 0xFFFFFFFFu);
        break;
    }
    machine_set_reg(m, UC_ARM_REG_PC, (pc + 2u) | 1u);
}

static void breakpoint(machine *m, uint32_t pc)
{
    uint16_t insn = 0;
    uc_mem_read(m->uc, pc, &insn, 2);
    machine_settle(m, pc, true);
    if (insn == THUMB_BKPT_SEMIHOST) {
        semihost(m, pc);
        return;
    }
    /* No debugger attached and DebugMonitor not enabled: HardFault with
     * HFSR.DEBUGEVT, as on silicon. */
    pending_fault f = {.exc = EXC_HARDFAULT, .hfsr = HFSR_DEBUGEVT, .return_pc = pc};
    exc_raise_fault(m, &f);
}

static void internal_error(machine *m, const char *what, uint32_t pc)
{
    snprintf(m->error, sizeof(m->error), "%s at pc 0x%08x", what, pc);
    machine_request_stop(m, STOP_ERROR);
}

/* Called from the interrupt hook, while the CPU is stopped inside
 * uc_emu_start: the exception is taken right here and emulation carries on
 * at the new PC, which saves a stop and restart per exception. */
void machine_handle_intr(machine *m, uint32_t intno)
{
    uint32_t pc = machine_reg(m, UC_ARM_REG_PC);
    switch (intno) {
    case QEXC_SWI:
        machine_settle(m, pc - 2u, true);
        exc_raise_sync(m, EXC_SVCALL, pc);
        break;
    case QEXC_EXCEPTION_EXIT:
        exc_return(m, pc);
        break;
    case QEXC_UDEF:
        machine_settle(m, pc, false);
        usage_fault(m, CFSR_UNDEFINSTR, pc);
        break;
    case QEXC_NOCP:
        machine_settle(m, pc, false);
        usage_fault(m, CFSR_NOCP, pc);
        break;
    case QEXC_INVSTATE:
        machine_settle(m, pc, false);
        usage_fault(m, CFSR_INVSTATE, pc);
        break;
    case QEXC_UNALIGNED:
        machine_settle(m, pc, false);
        usage_fault(m, CFSR_UNALIGNED, pc);
        break;
    case QEXC_BKPT:
        breakpoint(m, pc);
        break;
    case QEXC_PREFETCH_ABORT:
        /* Fetch from a device region: the default memory map makes it
         * execute-never, which is a MemManage fault (IACCVIOL). */
        access_fault_fetch(m, pc);
        break;
    default:
        snprintf(m->error, sizeof(m->error), "unexpected CPU exception %u at pc 0x%08x", intno, pc);
        machine_request_stop(m, STOP_ERROR);
        break;
    }
    m->cur = NULL; /* the rest of the block did not run */
    m->pending_refill = 0;
}

/* Unicorn 2.0.1 reports undefined instructions (and the hints WFE, YIELD,
 * SEV, which it does not implement) here rather than as EXCP_UDEF, with PC
 * at the instruction.  Returning from the hook ends uc_emu_start. */
void machine_handle_invalid(machine *m)
{
    uint32_t pc = machine_reg(m, UC_ARM_REG_PC);
    uint16_t insn = 0;
    uc_mem_read(m->uc, pc, &insn, 2);
    if (insn == THUMB_WFE || insn == THUMB_YIELD || insn == THUMB_SEV) {
        machine_settle(m, pc, true);
        machine_set_reg(m, UC_ARM_REG_PC, (pc + 2u) | 1u);
        m->stop |= STOP_HANDLED | (insn == THUMB_WFE ? STOP_SLEEP : 0);
        return;
    }
    machine_settle(m, pc, false);
    /* With EPSR.T clear Unicorn decodes ARM code and calls it invalid: on
     * an M-profile core that is an INVSTATE UsageFault. */
    bool thumb = (machine_reg(m, UC_ARM_REG_XPSR) >> 24) & 1u;
    usage_fault(m, thumb ? CFSR_UNDEFINSTR : CFSR_INVSTATE, pc);
    m->stop |= STOP_HANDLED;
}

/* Checks Unicorn does not make, done by a code hook on every instruction
 * while CCR.DIV_0_TRP or CCR.UNALIGN_TRP is set (both are invisible to
 * Unicorn): division by zero, unaligned single loads/stores, and the
 * alignment LDM/STM/LDRD/STRD/LDREX require.  The last should fault whatever
 * CCR says; it is only checked while the hook is on, because Unicorn 2.0.1
 * misbehaves once any address-bounded code hook exists (see README). */
static uint32_t trap_cause(machine *m, const insn_info *in, uint32_t addr)
{
    uint32_t r[16];
    uint32_t lo, len;
    if ((m->scb.ccr & CCR_DIV_0_TRP) && (in->flags & INSN_DIVIDE) && in->index >= 0) {
        machine_read_core(m, r);
        return r[in->index] == 0 ? CFSR_DIVBYZERO : 0;
    }
    bool single = (m->scb.ccr & CCR_UNALIGN_TRP) && (in->flags & INSN_SINGLE_LDST) &&
                  (in->access == 2 || in->access == 4);
    if (!single && !(in->flags & INSN_ALIGNED_ONLY)) {
        return 0;
    }
    machine_read_core(m, r);
    r[15] = addr;
    uint32_t align = in->access >= 4 ? 4u : in->access;
    if (insn_access_range(in, r, &lo, &len) && (lo & (align - 1u)) != 0) {
        return CFSR_UNALIGNED;
    }
    return 0;
}

static void trap_check(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    (void)uc;
    (void)size;
    machine *m = user;
    int idx = m->cur ? block_insn_index(m->cur, (uint32_t)addr) : -1;
    uint32_t cause = idx < 0 ? 0 : trap_cause(m, &m->cur->insns[idx], (uint32_t)addr);
    if (cause != 0) {
        machine_settle(m, (uint32_t)addr, false);
        usage_fault(m, cause, (uint32_t)addr); /* writes PC: the insn never runs */
        m->cur = NULL;
    }
}

static void flush_translations(machine *m)
{
    for (unsigned i = 0; i < m->board.num_memory; i++) {
        const board_memory *mem = &m->board.memory[i];
        uc_ctl_remove_cache(m->uc, (uint64_t)mem->base, (uint64_t)mem->base + mem->size);
    }
}

static void sync_trap_hook(machine *m)
{
    bool want = (m->scb.ccr & (CCR_DIV_0_TRP | CCR_UNALIGN_TRP)) != 0;
    if (want == m->trap_hook_on) {
        return;
    }
    if (want) {
        uc_hook_add(m->uc, &m->trap_hook, UC_HOOK_CODE, (void *)trap_check, m, 1, 0);
    } else {
        uc_hook_del(m->uc, m->trap_hook);
    }
    m->trap_hook_on = want;
    flush_translations(m);
}

static bool stopped_at_wfi(machine *m)
{
    uint32_t pc = machine_reg(m, UC_ARM_REG_PC);
    uint16_t insn = 0;
    return uc_mem_read(m->uc, pc - 2u, &insn, 2) == UC_ERR_OK && insn == THUMB_WFI;
}

/* Run translated code until something stops it; returns true when the CPU
 * went to sleep (WFI). */
static bool execute(machine *m, uint32_t until)
{
    m->cur = NULL;
    m->pending_refill = 0;
    m->recheck = false;
    sync_trap_hook(m);
    uint32_t pc = machine_reg(m, UC_ARM_REG_PC);
    uint32_t thumb = (machine_reg(m, UC_ARM_REG_XPSR) >> 24) & 1u;
    m->running = true;
    m->stepping = until != 0;
    m->step_blocks = 0;
    uc_err e = uc_emu_start(m->uc, pc | thumb, until ? until : UNTIL_NEVER, 0, 0);
    m->stepping = false;
    m->running = false;
    if (until != 0 && m->stop == 0 && e == UC_ERR_OK) {
        return false; /* the step reached its end: the block ended there */
    }
    if (m->stop & STOP_MEMFAULT) {
        access_fault_handle(m);
    } else if (m->stop & STOP_FETCH_DENIED) {
        access_fault_fetch(m, m->fetch_denied_addr);
    } else if (m->stop & STOP_HANDLED) {
        return (m->stop & STOP_SLEEP) != 0; /* WFE: treated as WFI */
    } else if (e == UC_ERR_EXCEPTION) {
        /* Unicorn stops on EXCP_INVSTATE (execution with EPSR.T clear)
         * instead of reporting it to the interrupt hook. */
        usage_fault(m, CFSR_INVSTATE, machine_reg(m, UC_ARM_REG_PC));
    } else if (e != UC_ERR_OK) {
        internal_error(m, uc_strerror(e), machine_reg(m, UC_ARM_REG_PC));
    } else if (m->stop == 0) {
        return stopped_at_wfi(m);
    }
    if (m->fault_pending) {
        m->fault_pending = false;
        m->fault.return_pc = machine_reg(m, UC_ARM_REG_PC);
        exc_raise_fault(m, &m->fault);
    }
    return false;
}

/* WFI: skip straight to the next event; the skipped time is sleep. */
static bool sleep_until_wakeup(machine *m, uint64_t end)
{
    while (!exc_wakeup_pending(m) && !m->locked_up && !(m->stop & STOP_RESET)) {
        uint64_t next = evq_next(m->events);
        uint64_t target = next < end ? next : end;
        if (target == EVQ_NEVER) {
            return false;
        }
        if (target > m->cycles) {
            m->sleep_cycles += target - m->cycles;
            m->cycles = target;
        }
        if (m->cycles >= end) {
            m->asleep = true; /* still in WFI when the next run starts */
            return true;
        }
        evq_run_due(m->events, m->cycles);
    }
    return true;
}

/* Returns whether an exception was taken. */
static bool dispatch(machine *m)
{
    /* Late arrivals: a higher-priority exception pended during entry is
     * taken before the first handler instruction.  Bounded by the number
     * of priority levels. */
    int i = 0;
    while (i < 300 && !m->locked_up && exc_dispatch_pending(m)) {
        i++;
    }
    m->asleep = m->asleep && i == 0; /* an exception taken ends the WFI */
    return i > 0;
}

/* One run of translated code; a pending step-through limits it to the
 * instructions before step_until, with the pages they need opened. */
static bool run_code(machine *m)
{
    uint32_t until = m->step_until;
    bool open = until != 0 && m->step_len != 0;
    m->step_until = 0;
    if (open) {
        guard_open(m->guard, m->step_lo, m->step_len);
    }
    if (until != 0) {
        /* A block translated earlier may run past `until`: drop it, so the
         * step is translated to end there. */
        uint32_t pc = machine_reg(m, UC_ARM_REG_PC);
        uc_ctl_remove_cache(m->uc, (uint64_t)pc, (uint64_t)until);
    }
    bool slept = execute(m, until);
    if (open) {
        guard_reclose(m->guard);
        m->step_len = 0;
    }
    return slept;
}

/* A run that ended in WFI leaves the core asleep: the next run sleeps on
 * rather than execute past the WFI, so a run split in two does what one
 * run does (campaigns fork runs at fault times). */
static bool run_or_sleep_on(machine *m)
{
    bool asleep = m->asleep && !exc_wakeup_pending(m);
    m->asleep = false;
    return asleep || run_code(m);
}

static bool finished(machine *m, run_result *r, uint64_t end)
{
    if (m->stop & STOP_ERROR) {
        r->end = END_INTERNAL_ERROR;
        snprintf(r->detail, sizeof(r->detail), "%s", m->error);
        return true;
    }
    if (m->locked_up) {
        r->end = END_LOCKUP;
        snprintf(r->detail, sizeof(r->detail), "%s", m->lockup_reason);
        return true;
    }
    if (m->stop & STOP_EXIT) {
        r->end = END_FIRMWARE_EXIT;
        r->exit_code = m->exit_code;
        return true;
    }
    if (m->cycles >= end) {
        r->end = END_TIME_LIMIT;
        return true;
    }
    return false;
}

/* Bytes the firmware handed to a transmitter before the run ended still
 * leave the wire: devices run on for a moment, the CPU does not. */
static void drain_devices(machine *m)
{
    evq_run_due(m->events, m->cycles + m->board.clock_hz / 100);
}

run_result machine_run(machine *m, uint64_t budget)
{
    run_result r = {.end = END_TIME_LIMIT};
    uint64_t end = budget > EVQ_NEVER - m->cycles ? EVQ_NEVER : m->cycles + budget;
    m->stop = 0;
    for (;;) {
        evq_run_due(m->events, m->cycles);
        if (m->stop & STOP_RESET) {
            machine_reset(m);
            m->asleep = false;
        }
        if (finished(m, &r, end)) {
            if (r.end != END_TIME_LIMIT) {
                drain_devices(m);
            }
            return r;
        }
        m->stop = 0;
        machine_update_protection(m);
        if (dispatch(m) || fault_inject_forced_check(m)) {
            m->step_until = 0; /* an interrupt came first: the step is redone later */
        }
        uint64_t next = evq_next(m->events);
        m->deadline = next < end ? next : end;
        if (!m->locked_up && run_or_sleep_on(m) && !sleep_until_wakeup(m, end)) {
            r.end = END_ASLEEP_FOREVER;
            snprintf(r.detail, sizeof(r.detail), "wfi with no event left that could wake the core");
            return r;
        }
    }
}

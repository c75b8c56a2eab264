/* Memory accesses the page guard stopped: decided precisely here, in the
 * order the architecture checks them (MPU, then the bus).  A forbidden
 * access becomes a MemManage or BusFault on the exact instruction; an
 * access that is allowed but sits on a page an MPU edge cuts is stepped
 * through with that page opened for one instruction. */
#include "machine_internal.h"

#define PPB_START 0xE0000000u
#define PPB_END   0xE0100000u

static void raise(machine *m, int exc, uint32_t cfsr, uint32_t pc, uint32_t addr, bool valid)
{
    pending_fault f = {
        .exc = exc, .cfsr = cfsr, .return_pc = pc, .address = addr, .address_valid = valid};
    exc_raise_fault(m, &f);
}

static void fetch_fault(machine *m, uint32_t addr, int ctx)
{
    uint32_t bad;
    machine_settle(m, addr, false);
    if (!machine_mpu_allows(m, addr, 2, MPU_X, ctx, &bad) ||
        board_memory_containing(&m->board, addr, 2) != NULL) {
        /* Execute-never by the MPU or the default map (or a mapped page
         * that refused the fetch): MemManage, no address recorded. */
        raise(m, EXC_MEMMANAGE, CFSR_IACCVIOL, addr, 0, false);
        return;
    }
    raise(m, EXC_BUSFAULT, CFSR_IBUSERR, addr, 0, false);
}

/* ITSTATE as xPSR holds it: IT[1:0] in bits 26:25, IT[7:2] in bits 15:10. */
static uint32_t xpsr_it(uint32_t xpsr)
{
    return ((xpsr >> 25) & 3u) | ((xpsr >> 8) & 0xFCu);
}

static uint32_t with_it(uint32_t xpsr, uint32_t it)
{
    return (xpsr & ~((3u << 25) | (0x3Fu << 10))) | ((it & 3u) << 25) | ((it >> 2) << 10);
}

/* When Unicorn abandons an access it leaves the IT state of the block's
 * start, not of the instruction: work it out from the IT instructions
 * before it, so that a stacked xPSR or a step-through resumes the IT block
 * where it was. */
static void restore_it_state(machine *m, const block_info *b, int idx)
{
    uint32_t xpsr = machine_reg(m, UC_ARM_REG_XPSR);
    uint32_t it = xpsr_it(xpsr);
    for (int i = 0; i < idx; i++) {
        uint16_t hw = 0;
        uc_mem_read(m->uc, b->insns[i].addr, &hw, 2);
        if ((hw & 0xFF00u) == 0xBF00u && (hw & 0x000Fu) != 0) {
            it = hw & 0xFFu; /* IT firstcond:mask (mask 0 would be a hint) */
        } else if (it != 0) {
            it = (it & 7u) == 0 ? 0 : ((it & 0xE0u) | ((it << 1) & 0x1Fu));
        }
    }
    if (it != xpsr_it(xpsr)) {
        machine_set_reg(m, UC_ARM_REG_XPSR, with_it(xpsr, it));
    }
}

/* The bytes the faulting instruction touches, as far as it can be told. */
static const insn_info *culprit(machine *m, uint32_t *pc, uint32_t *lo, uint32_t *len)
{
    const insn_info *in = NULL;
    *pc = machine_reg(m, UC_ARM_REG_PC);
    *lo = m->memfault_addr;
    *len = 1;
    if (m->cur != NULL && m->memfault_index >= 0) {
        in = &m->cur->insns[m->memfault_index];
        *pc = in->addr;
        restore_it_state(m, m->cur, m->memfault_index);
        uint32_t r[16];
        machine_read_core(m, r);
        r[15] = in->addr;
        if (!insn_access_range(in, r, lo, len)) {
            *lo = m->memfault_addr;
            *len = 1;
        }
    }
    return in;
}

/* A store multiple runs word by word on silicon: the words before the one
 * refused are written before the fault is taken. */
static void store_allowed_words(machine *m, const insn_info *in, uint32_t lo, uint32_t bad)
{
    uint32_t r[16];
    machine_read_core(m, r);
    uint32_t addr = lo;
    for (int reg = 0; reg < 16 && addr + 4u <= bad; reg++) {
        if (in->list & (1u << reg)) {
            uc_mem_write(m->uc, addr, &r[reg], 4);
            addr += 4;
        }
    }
}

static void data_fault(machine *m, bool write, bool unmapped, int ctx)
{
    uint32_t pc, lo, len, bad;
    const insn_info *in = culprit(m, &pc, &lo, &len);
    machine_settle(m, pc, false);
    uint32_t addr = m->memfault_addr;
    if (addr >= PPB_START && addr < PPB_END) {
        /* The PPB ignores the MPU; unprivileged access is a BusFault. */
        raise(m, EXC_BUSFAULT, CFSR_PRECISERR | CFSR_BFARVALID, pc, addr, true);
        return;
    }
    if (!machine_mpu_allows(m, lo, len, write ? MPU_W : MPU_R, ctx, &bad)) {
        if (write && in != NULL && in->list != 0) {
            store_allowed_words(m, in, lo, bad);
        }
        raise(m, EXC_MEMMANAGE, CFSR_DACCVIOL | CFSR_MMARVALID, pc, bad, true);
        return;
    }
    const board_memory *mem = board_memory_containing(&m->board, addr, 1);
    if (unmapped || (write && (mem == NULL || !mem->writable))) {
        raise(m, EXC_BUSFAULT, CFSR_PRECISERR | CFSR_BFARVALID, pc, addr, true);
        return;
    }
    /* Allowed, on a page an MPU edge cuts: run just this instruction with
     * the pages it touches opened. */
    m->step_until = pc + (in ? in->size : 2u);
    m->step_lo = lo;
    m->step_len = len;
    machine_set_reg(m, UC_ARM_REG_PC, pc | 1u);
}

void access_fault_handle(machine *m)
{
    uc_mem_type t = (uc_mem_type)m->memfault_type;
    int ctx = guard_context(m->guard);
    switch (t) {
    case UC_MEM_FETCH_UNMAPPED:
    case UC_MEM_FETCH_PROT: {
        /* A 32-bit instruction whose second half is refused faults at its
         * first half: Unicorn starts a block at such an instruction. */
        uint32_t pc = machine_reg(m, UC_ARM_REG_PC);
        uint32_t at = m->memfault_addr;
        fetch_fault(m, pc < at && at - pc <= 2u ? pc : at, ctx);
        break;
    }
    case UC_MEM_WRITE_UNMAPPED:
    case UC_MEM_WRITE_PROT:
        data_fault(m, true, t == UC_MEM_WRITE_UNMAPPED, ctx);
        break;
    default:
        data_fault(m, false, t == UC_MEM_READ_UNMAPPED, ctx);
        break;
    }
}

void access_fault_fetch(machine *m, uint32_t addr)
{
    fetch_fault(m, addr, guard_context(m->guard));
}

bool access_check_block_fetch(machine *m, const block_info *b)
{
    guard *g = m->guard;
    if (m->stepping) {
        return true;
    }
    unsigned edges = guard_edges(g, b->start) | guard_edges(g, b->start + b->size - 1u);
    if (!(edges & GUARD_EXEC_EDGE)) {
        return true;
    }
    int ctx = guard_context(g);
    uint32_t k = 0;
    uint32_t bad;
    while (k < b->ninsns &&
           machine_mpu_allows(m, b->insns[k].addr, b->insns[k].size, MPU_X, ctx, &bad)) {
        k++;
    }
    if (k == b->ninsns) {
        return true;
    }
    if (k == 0) {
        m->fetch_denied_addr = b->insns[0].addr;
        m->stop |= STOP_FETCH_DENIED;
    } else {
        m->step_until = b->insns[k].addr; /* run up to what may not execute */
        m->step_len = 0;
        m->stop |= STOP_EVAL;
    }
    return false;
}

/* Unicorn checks execute permission when it translates a block, not when it
 * runs one again: a block translated before the MPU or privilege changed is
 * checked here.  One page is remembered, so a loop costs one compare. */
bool access_check_block_page(machine *m, const block_info *b)
{
    uint32_t first = b->start & ~(GUARD_PAGE - 1u);
    uint32_t last = (b->start + b->size - 1u) & ~(GUARD_PAGE - 1u);
    if (!guard_page_executable(m->guard, b->start)) {
        m->fetch_denied_addr = b->start;
        m->stop |= STOP_FETCH_DENIED;
        return false;
    }
    if (last != first && !guard_page_executable(m->guard, last)) {
        /* The block runs into a page it may not execute: stop before it. */
        m->step_until = last;
        m->step_len = 0;
        m->stop |= STOP_EVAL;
        return false;
    }
    m->exec_page = first;
    return true;
}

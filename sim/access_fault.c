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

/* An LDRD whose first destination is its base faulted on its second word:
 * the base already holds the first word.  Put it back, so that the
 * instruction is judged, and run again, as written. */
static void undo_clobbered_base(machine *m)
{
    uc_mem_type t = (uc_mem_type)m->memfault_type;
    uint32_t first = 0, r[16];
    if (m->cur == NULL || m->memfault_index >= 0 ||
        (t != UC_MEM_READ_PROT && t != UC_MEM_READ_UNMAPPED) ||
        uc_mem_read(m->uc, m->memfault_addr - 4u, &first, 4) != UC_ERR_OK) {
        return;
    }
    machine_read_core(m, r);
    int k = block_find_clobbered_ldrd(m->cur, r, first, m->access_cursor);
    if (k >= 0) {
        const insn_info *in = &m->cur->insns[k];
        uint32_t base = m->memfault_addr - 4u - (uint32_t)in->disp;
        machine_set_reg(m, UC_ARM_REG_R0 + in->base, base);
        m->memfault_index = k;
    }
}

/* The bytes the faulting instruction touches, as far as it can be told. */
static const insn_info *culprit(machine *m, uint32_t *pc, uint32_t *lo, uint32_t *len)
{
    const insn_info *in = NULL;
    *pc = machine_reg(m, UC_ARM_REG_PC);
    *lo = m->memfault_addr;
    *len = 1;
    undo_clobbered_base(m);
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
 * the MPU refuses are written before the fault is taken, unless the bus
 * refuses one of them first (read-only or unmapped memory): false, and
 * *at is that word. */
static bool store_allowed_words(machine *m, const insn_info *in, uint32_t lo, uint32_t bad,
                                uint32_t *at)
{
    uint32_t r[16];
    machine_read_core(m, r);
    uint32_t addr = lo;
    for (int reg = 0; reg < 16 && addr + 4u <= bad; reg++) {
        if (!(in->list & (1u << reg))) {
            continue;
        }
        const board_memory *mem = board_memory_containing(&m->board, addr, 4);
        if ((mem != NULL && !mem->writable) || uc_mem_write(m->uc, addr, &r[reg], 4) != UC_ERR_OK) {
            *at = addr;
            return false;
        }
        addr += 4;
    }
    return true;
}

/* LDRT/STRT and their kin access memory with unprivileged rights even
 * when privileged code runs them. */
static bool unprivileged_insn(machine *m, const insn_info *in)
{
    uint8_t code[4];
    return in != NULL && in->size == 4 && uc_mem_read(m->uc, in->addr, code, 4) == UC_ERR_OK &&
           block_insn_unprivileged(code);
}

static void data_fault(machine *m, bool write, bool unmapped, int ctx)
{
    uint32_t pc, lo, len, bad;
    const insn_info *in = culprit(m, &pc, &lo, &len);
    machine_settle(m, pc, false);
    if (unprivileged_insn(m, in)) {
        ctx &= ~GUARD_PRIVILEGED;
    }
    uint32_t addr = m->memfault_addr;
    if (addr >= PPB_START && addr < PPB_END) {
        /* The PPB ignores the MPU; unprivileged access is a BusFault. */
        raise(m, EXC_BUSFAULT, CFSR_PRECISERR | CFSR_BFARVALID, pc, addr, true);
        return;
    }
    if (!machine_mpu_allows(m, lo, len, write ? MPU_W : MPU_R, ctx, &bad)) {
        uint32_t refused;
        if (write && in != NULL && in->list != 0 &&
            !store_allowed_words(m, in, lo, bad, &refused)) {
            raise(m, EXC_BUSFAULT, CFSR_PRECISERR | CFSR_BFARVALID, pc, refused, true);
            return;
        }
        raise(m, EXC_MEMMANAGE, CFSR_DACCVIOL | CFSR_MMARVALID, pc, bad, true);
        return;
    }
    const board_memory *mem = board_memory_containing(&m->board, addr, 1);
    if (unmapped || (write && (mem == NULL || !mem->writable))) {
        raise(m, EXC_BUSFAULT, CFSR_PRECISERR | CFSR_BFARVALID, pc, addr, true);
        return;
    }
    if (in == NULL) {
        /* Allowed, but by which instruction is unknown, and so is what it
         * would touch with the page opened: refuse to guess. */
        snprintf(m->error, sizeof(m->error),
                 "access to 0x%08x on a page an MPU edge cuts, by an instruction of the block "
                 "at pc 0x%08x that could not be identified",
                 addr, pc);
        m->stop |= STOP_ERROR;
        return;
    }
    /* Allowed, on a page an MPU edge cuts: run just this instruction with
     * the pages it touches opened. */
    m->step_until = pc + in->size;
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

/* The first LDRT/STRT-family instruction of b, or -1. */
static int first_unprivileged(machine *m, const block_info *b)
{
    for (uint32_t k = 0; k < b->ninsns; k++) {
        if (unprivileged_insn(m, &b->insns[k])) {
            return (int)k;
        }
    }
    return -1;
}

/* The page guard gives privileged code privileged rights, but an LDRT or
 * STRT it runs must have only unprivileged ones: such a block runs up to
 * the instruction, which is then decided here with the registers it will
 * use, and faults or is stepped through alone. */
bool access_check_block_unpriv(machine *m, const block_info *b)
{
    int ctx = guard_context(m->guard);
    if (m->stepping || !(ctx & GUARD_PRIVILEGED)) {
        return true; /* unprivileged code already has only its own rights */
    }
    int k = first_unprivileged(m, b);
    if (k < 0) {
        return true;
    }
    const insn_info *in = &b->insns[k];
    m->step_until = in->addr + (k == 0 ? in->size : 0u);
    m->step_len = 0;
    m->stop |= STOP_EVAL;
    uint32_t r[16], lo, len, bad;
    machine_read_core(m, r);
    r[15] = in->addr;
    if (k != 0 || !insn_access_range(in, r, &lo, &len)) {
        return false; /* run up to it first; decided when a block starts there */
    }
    bool write = in->mem == MEM_STORE;
    if (lo >= PPB_START && lo < PPB_END) {
        m->fault = (pending_fault){.exc = EXC_BUSFAULT, .cfsr = CFSR_PRECISERR | CFSR_BFARVALID};
        bad = lo;
    } else if (!machine_mpu_allows(m, lo, len, write ? MPU_W : MPU_R, ctx & ~GUARD_PRIVILEGED,
                                   &bad)) {
        m->fault = (pending_fault){.exc = EXC_MEMMANAGE, .cfsr = CFSR_DACCVIOL | CFSR_MMARVALID};
    } else {
        return false; /* allowed: step through it alone */
    }
    m->fault.address = bad;
    m->fault.address_valid = true;
    m->fault_pending = true; /* raised at the instruction once the run stops */
    m->step_until = 0;
    return false;
}

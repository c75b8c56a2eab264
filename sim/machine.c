/* The machine: Unicorn CPU, memory map, bus and devices, and the run loop
 * that interleaves translated code with virtual time and exceptions. */
#include "machine_internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

uint32_t machine_reg(machine *m, int reg)
{
    uint32_t v = 0;
    uc_reg_read(m->uc, reg, &v);
    return v;
}

void machine_set_reg(machine *m, int reg, uint32_t value)
{
    uc_reg_write(m->uc, reg, &value);
}

void machine_read_core(machine *m, uint32_t r[16])
{
    static const int ids[16] = {UC_ARM_REG_R0,  UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,
                                UC_ARM_REG_R4,  UC_ARM_REG_R5, UC_ARM_REG_R6,  UC_ARM_REG_R7,
                                UC_ARM_REG_R8,  UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
                                UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR,  UC_ARM_REG_PC};
    void *ptrs[16];
    for (int i = 0; i < 16; i++) {
        ptrs[i] = &r[i];
    }
    uc_reg_read_batch(m->uc, (int *)ids, ptrs, 16);
}

void machine_request_stop(machine *m, unsigned why)
{
    m->stop |= why;
    /* Never from inside a device access: Unicorn would abandon the block
     * there and resume it from its start, repeating what already ran.  The
     * block hook stops cleanly before the next block instead. */
    if (m->running && !m->in_access) {
        uc_emu_stop(m->uc);
    }
}

/* ---- time inside a block ------------------------------------------------ */

static int access_instruction(machine *m)
{
    if (m->access_index == -2) {
        uint32_t r[16];
        machine_read_core(m, r);
        int kind = m->access_write ? MEM_STORE : MEM_LOAD;
        m->access_index = block_find_access(m->cur, r, m->access_addr, kind, m->access_cursor);
    }
    return m->access_index;
}

uint64_t machine_now(machine *m)
{
    if (!m->in_access || m->cur == NULL) {
        return m->cycles;
    }
    int idx = access_instruction(m);
    return m->cur_start_cycles + m->cur->prefix[idx < 0 ? 0 : idx];
}

static uint64_t clock_now(void *ctx)
{
    return machine_now(ctx);
}

void machine_settle(machine *m, uint32_t pc, bool executed)
{
    if (m->cur == NULL) {
        return;
    }
    int idx = block_insn_index(m->cur, pc);
    if (idx < 0) {
        return;
    }
    unsigned done = (unsigned)idx + (executed ? 1u : 0u);
    m->cycles = m->cur_start_cycles + m->cur->prefix[done];
    m->insns = m->cur_start_insns + done;
}

/* ---- hooks --------------------------------------------------------------- */

static bool any_pending(const nvic *n)
{
    return nvic_next_pending(n) != 0;
}

static bool protection_changed(machine *m)
{
    return m->guard_dirty || machine_protection_context(m) != guard_context(m->guard);
}

static bool in_writable_memory(const machine *m, uint32_t addr)
{
    for (unsigned i = 0; i < m->board.num_memory; i++) {
        const board_memory *mem = &m->board.memory[i];
        if (mem->writable && addr - mem->base < mem->size) {
            return true;
        }
    }
    return false;
}

/* A block with an LDRT or STRT is decided every time it runs: its
 * accesses depend on the registers of the moment. */
static block_info *unpriv_checked(machine *m, block_info *b)
{
    return access_check_block_unpriv(m, b) ? b : NULL;
}

/* The decoded block, checked against the protection context.  The common
 * case (a loop on a page already known executable, with no MPU edge on it)
 * costs a hash probe and two compares. */
static block_info *checked_block(machine *m, uint32_t addr, uint32_t size)
{
    block_info *b = block_cache_find(m->blocks, addr, size);
    if (b == NULL || (b->code != NULL && !block_cache_current(b, m->uc))) {
        b = block_cache_add(m->blocks, m->uc, addr, size, in_writable_memory(m, addr));
    }
    if (b->checked_gen == m->protection_gen) {
        /* checked already, and neither context nor MPU changed since */
        return b->unpriv_access ? unpriv_checked(m, b) : b;
    }
    uint32_t page = addr & ~(GUARD_PAGE - 1u);
    bool known = page == m->exec_page && ((addr + size - 1u) & ~(GUARD_PAGE - 1u)) == page;
    if (!known && !access_check_block_page(m, b)) {
        return NULL;
    }
    if (m->exec_edges && !access_check_block_fetch(m, b)) {
        return NULL;
    }
    if (!m->stepping) { /* a step does not check execute edges */
        b->checked_gen = m->protection_gen;
    }
    return b->unpriv_access ? unpriv_checked(m, b) : b;
}

static void on_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    machine *m = user;
    if (m->pending_refill == (uint32_t)addr) {
        m->cycles += CYCLES_REFILL; /* the previous block's branch was taken */
    }
    m->pending_refill = 0;
    if (m->stepping && m->step_blocks++ > 0) {
        m->stop |= STOP_EVAL; /* a step runs one block only */
        m->cur = NULL;
        uc_emu_stop(uc);
        return;
    }
    bool recheck = m->recheck && (any_pending(&m->nvic) || protection_changed(m));
    m->recheck = false;
    if (m->stop || m->cycles >= m->deadline || recheck) {
        m->stop |= recheck ? STOP_EVAL : STOP_DEADLINE;
        m->cur = NULL;
        uc_emu_stop(uc); /* this block does not run, so it is not charged */
        return;
    }
    block_info *b = checked_block(m, (uint32_t)addr, size);
    if (b == NULL) {
        m->cur = NULL;
        uc_emu_stop(uc);
        return;
    }
    m->cur = b;
    m->cur_start_cycles = m->cycles;
    m->cur_start_insns = m->insns;
    m->access_cursor = 0;
    m->cycles += b->cycles;
    m->insns += b->ninsns;
    m->pending_refill = b->ends_cond_branch ? b->cond_target : 0;
    m->recheck = (b->flags & INSN_MASK_CHANGE) != 0;
}

static void on_intr(uc_engine *uc, uint32_t intno, void *user)
{
    (void)uc;
    machine_handle_intr(user, intno);
}

static bool on_invalid(uc_engine *uc, void *user)
{
    (void)uc;
    machine_handle_invalid(user);
    return true;
}

static bool on_mem_fault(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                         void *user)
{
    (void)uc;
    (void)size;
    (void)value;
    machine *m = user;
    m->memfault_addr = (uint32_t)addr;
    m->memfault_type = type;
    m->memfault_index = -1;
    bool fetch = type == UC_MEM_FETCH_UNMAPPED || type == UC_MEM_FETCH_PROT;
    if (!fetch && m->cur != NULL) {
        uint32_t r[16];
        machine_read_core(m, r);
        bool write = type == UC_MEM_WRITE_UNMAPPED || type == UC_MEM_WRITE_PROT;
        m->memfault_index = block_find_access(m->cur, r, (uint32_t)addr,
                                              write ? MEM_STORE : MEM_LOAD, m->access_cursor);
    }
    m->stop |= STOP_MEMFAULT;
    return false; /* abandon the access: the instruction has no effect */
}

/* ---- bus observer ---------------------------------------------------------- */

static void access_begin(void *ctx, uint32_t addr, unsigned size, bool is_write)
{
    (void)size;
    machine *m = ctx;
    m->in_access = true;
    m->access_addr = addr;
    m->access_write = is_write;
    m->access_index = -2;
}

static void access_end(void *ctx)
{
    machine *m = ctx;
    if (m->access_index >= 0) {
        m->access_cursor = m->access_index + 1;
    }
    m->in_access = false;
    /* A device may have scheduled something sooner than the deadline. */
    uint64_t next = evq_next(m->events);
    if (next < m->deadline) {
        m->deadline = next;
    }
}

static void bus_error(void *ctx, uint32_t addr, unsigned size, bool is_write, const char *why)
{
    (void)size;
    (void)is_write;
    (void)why;
    machine *m = ctx;
    m->stats.bus_errors++;
    /* The access has already completed as far as the CPU knows: report it
     * as an imprecise BusFault, as a buffered write on silicon would be. */
    m->fault = (pending_fault){.exc = EXC_BUSFAULT, .cfsr = CFSR_IMPRECISERR, .address = addr};
    m->fault_pending = true;
    machine_request_stop(m, STOP_EVAL);
}

/* ---- protection context ------------------------------------------------------ */

int machine_protection_context(machine *m)
{
    bool handler = machine_reg(m, UC_ARM_REG_IPSR) != 0;
    bool priv = handler || !(machine_reg(m, UC_ARM_REG_CONTROL) & 1);
    uint32_t ctrl = mpu_ctrl(m->mpu);
    bool applies = (ctrl & MPU_CTRL_ENABLE) != 0;
    if (applies && !(ctrl & MPU_CTRL_HFNMIENA)) {
        /* HardFault, NMI and FAULTMASK run with the MPU off unless HFNMIENA. */
        bool negative = m->nvic.active[EXC_HARDFAULT] || m->nvic.active[EXC_NMI] ||
                        (machine_reg(m, UC_ARM_REG_FAULTMASK) & 1);
        applies = !negative;
    }
    return (priv ? GUARD_PRIVILEGED : 0) | (applies ? GUARD_MPU_APPLIES : 0);
}

bool machine_mpu_allows(machine *m, uint32_t addr, uint32_t len, unsigned need, int ctx,
                        uint32_t *bad)
{
    bool priv = ctx & GUARD_PRIVILEGED;
    bool applies = ctx & GUARD_MPU_APPLIES;
    if (!applies && !(need & MPU_X)) {
        return true; /* the default map allows every read and write */
    }
    uint64_t end = (uint64_t)addr + (len ? len : 1u);
    for (uint64_t at = addr; at < end;) {
        if ((mpu_perms(m->mpu, (uint32_t)at, priv, applies) & need) != need) {
            *bad = (uint32_t)at;
            return false;
        }
        at = mpu_uniform_until(m->mpu, (uint32_t)at, end, priv, applies);
    }
    return true;
}

void machine_update_protection(machine *m)
{
    int ctx = machine_protection_context(m);
    if (ctx == guard_context(m->guard) && !m->guard_dirty) {
        return;
    }
    if (m->guard_dirty) {
        guard_invalidate(m->guard);
        m->guard_dirty = false;
    }
    guard_apply(m->guard, ctx);
    m->exec_page = 1u; /* no page is known executable in the new context */
    m->protection_gen = m->protection_gen + 1u ? m->protection_gen + 1u : 1u;
    m->exec_edges = guard_has_exec_edges(m->guard);
}

int machine_install_hooks(machine *m)
{
    uc_hook h;
    uc_err e = uc_hook_add(m->uc, &h, UC_HOOK_BLOCK, (void *)on_block, m, 1, 0);
    if (e == UC_ERR_OK) {
        e = uc_hook_add(m->uc, &h, UC_HOOK_INTR, (void *)on_intr, m, 1, 0);
    }
    if (e == UC_ERR_OK) {
        e = uc_hook_add(m->uc, &h, UC_HOOK_INSN_INVALID, (void *)on_invalid, m, 1, 0);
    }
    if (e == UC_ERR_OK) {
        e = uc_hook_add(m->uc, &h, UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT, (void *)on_mem_fault, m,
                        1, 0);
    }
    return e == UC_ERR_OK ? 0 : -1;
}

bus_observer machine_bus_observer(machine *m)
{
    bus_observer o = {
        .access_begin = access_begin,
        .access_end = access_end,
        .error = bus_error,
        .ctx = m,
    };
    return o;
}

vclock machine_vclock(machine *m)
{
    vclock c = {.now = clock_now, .ctx = m, .events = m->events, .hz = m->board.clock_hz};
    return c;
}

const struct measure *machine_measure(const machine *m)
{
    return &m->measure;
}

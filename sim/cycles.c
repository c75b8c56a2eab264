#include "cycles.h"

#include <assert.h>
#include <capstone/capstone.h>
#include <stdlib.h>
#include <string.h>

struct cycle_decoder {
    csh cs;
    cs_insn *insn;
};

cycle_decoder *cycle_decoder_create(void)
{
    cycle_decoder *d = calloc(1, sizeof(*d));
    assert(d != NULL);
    cs_err err = cs_open(CS_ARCH_ARM, CS_MODE_THUMB | CS_MODE_MCLASS, &d->cs);
    assert(err == CS_ERR_OK);
    cs_option(d->cs, CS_OPT_DETAIL, CS_OPT_ON);
    d->insn = cs_malloc(d->cs);
    assert(d->insn != NULL);
    return d;
}

void cycle_decoder_destroy(cycle_decoder *d)
{
    if (d == NULL) {
        return;
    }
    cs_free(d->insn, 1);
    cs_close(&d->cs);
    free(d);
}

static int reg_num(unsigned reg)
{
    if (reg >= ARM_REG_R0 && reg <= ARM_REG_R12) {
        return (int)(reg - ARM_REG_R0);
    }
    switch (reg) {
    case ARM_REG_SP:
        return 13;
    case ARM_REG_LR:
        return 14;
    case ARM_REG_PC:
        return 15;
    default:
        return -1;
    }
}

static uint16_t reg_bit(unsigned reg)
{
    int n = reg_num(reg);
    return n < 0 ? 0 : (uint16_t)(1u << n);
}

static unsigned transfer_size(unsigned id)
{
    switch (id) {
    case ARM_INS_LDRB:
    case ARM_INS_LDRBT:
    case ARM_INS_LDRSB:
    case ARM_INS_LDRSBT:
    case ARM_INS_LDREXB:
    case ARM_INS_STRB:
    case ARM_INS_STRBT:
    case ARM_INS_STREXB:
    case ARM_INS_TBB:
        return 1;
    case ARM_INS_LDRH:
    case ARM_INS_LDRHT:
    case ARM_INS_LDRSH:
    case ARM_INS_LDRSHT:
    case ARM_INS_LDREXH:
    case ARM_INS_STRH:
    case ARM_INS_STRHT:
    case ARM_INS_STREXH:
    case ARM_INS_TBH:
        return 2;
    case ARM_INS_LDRD:
    case ARM_INS_STRD:
        return 8;
    default:
        return 4;
    }
}

static int multiple_kind(unsigned id, uint8_t *mem, uint8_t *mode)
{
    switch (id) {
    case ARM_INS_LDM: /* LDMIA */
        *mem = MEM_LOAD;
        *mode = AM_IA;
        return 1;
    case ARM_INS_LDMDB:
        *mem = MEM_LOAD;
        *mode = AM_DB;
        return 1;
    case ARM_INS_STM:
        *mem = MEM_STORE;
        *mode = AM_IA;
        return 1;
    case ARM_INS_STMDB:
        *mem = MEM_STORE;
        *mode = AM_DB;
        return 1;
    case ARM_INS_POP:
        *mem = MEM_LOAD;
        *mode = AM_IA;
        return 2;
    case ARM_INS_PUSH:
        *mem = MEM_STORE;
        *mode = AM_DB;
        return 2;
    default:
        return 0;
    }
}

static bool is_store(unsigned id)
{
    switch (id) {
    case ARM_INS_STR:
    case ARM_INS_STRB:
    case ARM_INS_STRH:
    case ARM_INS_STRD:
    case ARM_INS_STRT:
    case ARM_INS_STRBT:
    case ARM_INS_STRHT:
    case ARM_INS_STREX:
    case ARM_INS_STREXB:
    case ARM_INS_STREXH:
        return true;
    default:
        return false;
    }
}

static bool is_load(unsigned id)
{
    switch (id) {
    case ARM_INS_LDR:
    case ARM_INS_LDRB:
    case ARM_INS_LDRH:
    case ARM_INS_LDRSB:
    case ARM_INS_LDRSH:
    case ARM_INS_LDRD:
    case ARM_INS_LDRT:
    case ARM_INS_LDRBT:
    case ARM_INS_LDRHT:
    case ARM_INS_LDRSBT:
    case ARM_INS_LDRSHT:
    case ARM_INS_LDREX:
    case ARM_INS_LDREXB:
    case ARM_INS_LDREXH:
    case ARM_INS_TBB:
    case ARM_INS_TBH:
        return true;
    default:
        return false;
    }
}

/* Register list transfers: base operand first (or SP for PUSH/POP). */
static void describe_multiple(const cs_insn *ci, int kind, insn_info *in)
{
    const cs_arm *a = &ci->detail->arm;
    unsigned first = kind == 2 ? 0 : 1;
    in->base = kind == 2 ? 13 : (int8_t)reg_num(a->operands[0].reg);
    in->count = (uint8_t)(a->op_count - first);
    in->access = 4;
    for (unsigned i = first; i < a->op_count; i++) {
        in->list |= reg_bit(a->operands[i].reg);
        if (in->mem == MEM_LOAD) {
            in->writes |= reg_bit(a->operands[i].reg);
        }
    }
    if (kind == 2 || a->writeback) {
        in->writes |= (uint16_t)(1u << in->base);
    }
    in->cycles = (uint8_t)(1 + in->count);
}

static void describe_single(const cs_insn *ci, insn_info *in)
{
    const cs_arm *a = &ci->detail->arm;
    in->mem = is_store(ci->id) ? MEM_STORE : MEM_LOAD;
    in->access = (uint8_t)transfer_size(ci->id);
    in->count = 1;
    in->flags |= INSN_SINGLE_LDST;
    for (unsigned i = 0; i < a->op_count; i++) {
        const cs_arm_op *op = &a->operands[i];
        if (op->type == ARM_OP_MEM) {
            in->base = (int8_t)reg_num(op->mem.base);
            in->index = (int8_t)reg_num(op->mem.index);
            in->sign = (int8_t)(op->mem.scale < 0 ? -1 : 1);
            in->disp = op->mem.disp;
            in->shift = (uint8_t)(op->shift.type == ARM_SFT_LSL ? op->shift.value : 0);
            if (ci->id == ARM_INS_TBH) {
                in->shift = 1;
            }
        } else if (op->type == ARM_OP_REG && in->mem == MEM_LOAD) {
            in->writes |= reg_bit(op->reg);
        }
    }
    if (ci->id == ARM_INS_STREX || ci->id == ARM_INS_STREXB || ci->id == ARM_INS_STREXH) {
        in->writes |= reg_bit(a->operands[0].reg); /* the status result */
    }
    if (a->writeback && in->base >= 0) {
        in->writes |= (uint16_t)(1u << in->base);
    }
    in->cycles = in->access == 8 ? 3 : 2;
}

static void describe_branch(const cs_insn *ci, insn_info *in)
{
    const cs_arm *a = &ci->detail->arm;
    bool cond = a->cc != ARM_CC_AL && a->cc != ARM_CC_INVALID;
    if (ci->id == ARM_INS_CBZ || ci->id == ARM_INS_CBNZ) {
        cond = true;
    }
    in->flags |= cond ? INSN_COND_BRANCH : (INSN_BRANCH | INSN_WRITES_PC);
    for (unsigned i = 0; i < a->op_count; i++) {
        if (a->operands[i].type == ARM_OP_IMM) {
            in->branch_target = (uint32_t)a->operands[i].imm;
        }
    }
    if (ci->id == ARM_INS_BL || ci->id == ARM_INS_BLX) {
        in->writes |= 1u << 14;
    }
    in->cycles = (uint8_t)(cond ? 1 : 1 + CYCLES_REFILL);
}

static void describe_other(const cs_insn *ci, insn_info *in)
{
    const cs_arm *a = &ci->detail->arm;
    in->cycles = 1;
    switch (ci->id) {
    case ARM_INS_MLA:
    case ARM_INS_MLS:
        in->cycles = 2;
        break;
    case ARM_INS_SDIV:
    case ARM_INS_UDIV:
        in->cycles = CYCLES_DIVIDE;
        in->flags |= INSN_DIVIDE;
        in->index = (int8_t)reg_num(a->operands[a->op_count - 1].reg); /* the divisor */
        break;
    case ARM_INS_ISB:
        in->cycles = 1 + CYCLES_REFILL;
        break;
    case ARM_INS_CPS:
        in->flags |= INSN_MASK_CHANGE;
        break;
    case ARM_INS_MSR:
        /* Capstone's system-register numbering differs between versions;
         * any MSR is treated as possibly touching the masks (a recheck of
         * pending exceptions is cheap). */
        in->flags |= INSN_MASK_CHANGE;
        break;
    case ARM_INS_SVC:
        in->flags |= INSN_SVC;
        break;
    case ARM_INS_WFI:
        in->flags |= INSN_WFI;
        break;
    default:
        break;
    }
    for (unsigned i = 0; i < a->op_count; i++) {
        if (a->operands[i].type == ARM_OP_REG && (a->operands[i].access & CS_AC_WRITE)) {
            in->writes |= reg_bit(a->operands[i].reg);
        }
    }
}

static bool in_group(const cs_insn *ci, unsigned group)
{
    for (unsigned i = 0; i < ci->detail->groups_count; i++) {
        if (ci->detail->groups[i] == group) {
            return true;
        }
    }
    return false;
}

/* Multi-word and exclusive accesses must be aligned on Armv7-M; with SP as
 * the base they always are (SP[1:0] reads as zero), so only others need a
 * run-time check. */
static bool alignment_checked(const cs_insn *ci, const insn_info *in)
{
    switch (ci->id) {
    case ARM_INS_LDREX:
    case ARM_INS_STREX:
    case ARM_INS_LDREXH:
    case ARM_INS_STREXH:
    case ARM_INS_LDRD:
    case ARM_INS_STRD:
    case ARM_INS_LDM:
    case ARM_INS_LDMDB:
    case ARM_INS_STM:
    case ARM_INS_STMDB:
        return in->base != 13;
    default:
        return false;
    }
}

static void describe(const cs_insn *ci, insn_info *in)
{
    int kind = multiple_kind(ci->id, &in->mem, &in->mode);
    if (kind != 0) {
        describe_multiple(ci, kind, in);
    } else if (is_load(ci->id) || is_store(ci->id)) {
        describe_single(ci, in);
    } else if (in_group(ci, CS_GRP_JUMP) || ci->id == ARM_INS_B || ci->id == ARM_INS_BL ||
               ci->id == ARM_INS_BX || ci->id == ARM_INS_BLX || ci->id == ARM_INS_CBZ ||
               ci->id == ARM_INS_CBNZ) {
        describe_branch(ci, in);
    } else {
        describe_other(ci, in);
    }
    if (ci->id == ARM_INS_TBB || ci->id == ARM_INS_TBH) {
        in->flags = (uint16_t)((in->flags & ~INSN_SINGLE_LDST) | INSN_BRANCH | INSN_WRITES_PC);
        in->cycles = 2 + CYCLES_REFILL;
        return;
    }
    if (alignment_checked(ci, in)) {
        in->flags |= INSN_ALIGNED_ONLY;
    }
    if ((in->writes & (1u << 15)) && !(in->flags & (INSN_BRANCH | INSN_COND_BRANCH))) {
        in->flags |= INSN_WRITES_PC;
        in->cycles = (uint8_t)(in->cycles + CYCLES_REFILL);
    }
}

unsigned cycle_decode(cycle_decoder *d, const uint8_t *code, size_t len, uint32_t addr,
                      insn_info *info)
{
    memset(info, 0, sizeof(*info));
    info->addr = addr;
    info->base = -1;
    info->index = -1;
    info->sign = 1;
    info->count = 1;
    info->size = 2;
    info->cycles = 1;
    const uint8_t *p = code;
    size_t n = len;
    uint64_t a = addr;
    if (!cs_disasm_iter(d->cs, &p, &n, &a, d->insn)) {
        return 0;
    }
    info->size = (uint8_t)d->insn->size;
    describe(d->insn, info);
    return info->size;
}

unsigned cycle_cost(const insn_info *prev, const insn_info *cur)
{
    /* TRM: neighbouring single loads and stores pipeline their address and
     * data phases, so the second completes in one cycle. */
    if (prev != NULL && (prev->flags & INSN_SINGLE_LDST) && (cur->flags & INSN_SINGLE_LDST) &&
        cur->access != 8 && !(cur->flags & INSN_WRITES_PC)) {
        return cur->cycles - 1u;
    }
    return cur->cycles;
}

bool insn_access_range(const insn_info *in, const uint32_t r[16], uint32_t *lo, uint32_t *len)
{
    if (in->mem == MEM_NONE || in->base < 0) {
        return false;
    }
    uint32_t base = in->base == 15 ? ((in->addr + 4u) & ~3u) : r[in->base];
    if (in->base == 15 && in->index >= 0) {
        base = in->addr + 4u; /* TBB/TBH [pc, rm] use the unaligned PC */
    }
    uint32_t total = (uint32_t)in->access * in->count;
    switch (in->mode) {
    case AM_IA:
        *lo = base;
        break;
    case AM_DB:
        *lo = base - total;
        break;
    default: {
        uint32_t idx = in->index >= 0 ? r[in->index] << in->shift : 0;
        *lo = base + (in->sign < 0 ? -idx : idx) + (uint32_t)in->disp;
        break;
    }
    }
    *len = total;
    return true;
}

/* memop (system-call class 5): the break and what a process may know about
 * its own memory (TRD104 4.6). */
#include "abi.h"
#include "driver.h"
#include "syscall.h"

static void sbrk(struct proc *p, int32_t delta, uint32_t *r)
{
    uint32_t old = p->brk;
    int64_t target = (int64_t)old + delta;
    if (target < 0 || target > (int64_t)UINT32_MAX) {
        ret_fail(r, delta < 0 ? E_INVALID : E_NOMEM);
        return;
    }
    uint32_t err = proc_set_brk(p, (uint32_t)target);
    if (err != 0) {
        ret_fail(r, err);
    } else {
        ret_u32(r, old);
    }
}

/* Writeable flash region `index` (TBF TLV 2): start or end address. */
static void wflash(struct proc *p, uint32_t index, bool end, uint32_t *r)
{
    tbf_info info;
    uint32_t off, size;
    if (!proc_tbf(p, &info) || !tbf_wflash(kmem(p->tbf), &info, index, &off, &size) ||
        off > info.total_size || size > info.total_size - off) {
        ret_fail(r, E_INVALID);
        return;
    }
    ret_u32(r, p->tbf + off + (end ? size : 0));
}

static void wflash_count(struct proc *p, uint32_t *r)
{
    tbf_info info;
    ret_u32(r, proc_tbf(p, &info) ? info.wflash_count : 0);
}

/* memop 10/11: where the stack and heap start, for fault dumps only. */
static void hint(struct proc *p, uint16_t *field, uint32_t addr, uint32_t *r)
{
    if (addr >= proc_block(p) && addr <= p->grant_lo) {
        *field = (uint16_t)(addr - proc_block(p));
    }
    ret_success(r);
}

void memop_dispatch(struct proc *p, uint32_t *r)
{
    uint32_t err;
    switch (r[0]) {
    case MEMOP_BRK:
        err = proc_set_brk(p, r[1]);
        if (err != 0) {
            ret_fail(r, err);
        } else {
            ret_success(r);
        }
        break;
    case MEMOP_SBRK:
        sbrk(p, (int32_t)r[1], r);
        break;
    case MEMOP_RAM_START:
        ret_u32(r, proc_block(p));
        break;
    case MEMOP_RAM_END:
        ret_u32(r, proc_block_end(p));
        break;
    case MEMOP_FLASH_START:
        ret_u32(r, p->tbf);
        break;
    case MEMOP_FLASH_END:
        ret_u32(r, proc_flash_end(p));
        break;
    case MEMOP_GRANT_START:
        ret_u32(r, p->grant_lo);
        break;
    case MEMOP_WFLASH_COUNT:
        wflash_count(p, r);
        break;
    case MEMOP_WFLASH_START:
    case MEMOP_WFLASH_END:
        wflash(p, r[1], r[0] == MEMOP_WFLASH_END, r);
        break;
    case MEMOP_STACK_HINT:
        hint(p, &p->stack_hint, r[1], r);
        break;
    case MEMOP_HEAP_HINT:
        hint(p, &p->heap_hint, r[1], r);
        break;
    default:
        ret_fail(r, E_NOSUPPORT);
        break;
    }
}

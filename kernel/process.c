/* The process table, the layout of a process's block and its lifecycle
 * (see process.h). */
#include "process.h"

#include <string.h>

#include "abi.h"
#include "driver.h"
#include "grant.h"

struct proc *proc_table[PROC_MAX];
/* The last id given out in each slot: a process that takes over a slot (a
 * new image, maybe in a terminated process's block) goes on from there, so
 * an id a capsule kept never names a later process. */
static proc_id slot_ids[PROC_MAX];

/* ---- the table ------------------------------------------------------------ */

static bool state_live(unsigned state)
{
    return state == PS_RUNNING || state == PS_YIELDED || state == PS_YIELDED_FOR;
}

struct proc *proc_get(proc_id id)
{
    struct proc *p = proc_table[id % PROC_MAX];
    return p != NULL && p->id == id && state_live(p->state) ? p : NULL;
}

unsigned proc_count(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < PROC_MAX; i++) {
        n += proc_table[i] != NULL;
    }
    return n;
}

/* A replacement may carry the name of the terminated process it replaces:
 * the name then means the one that is not terminated. */
struct proc *proc_find(const char *name, unsigned len)
{
    struct proc *found = NULL;
    for (unsigned i = 0; i < PROC_MAX; i++) {
        unsigned plen;
        const char *pname = proc_table[i] ? proc_name(proc_table[i], &plen) : NULL;
        if (pname == NULL || plen != len || memcmp(pname, name, len) != 0) {
            continue;
        }
        if (proc_table[i]->state != PS_TERMINATED) {
            return proc_table[i];
        }
        found = found != NULL ? found : proc_table[i];
    }
    return found;
}

void proc_table_reset(void)
{
    memset(proc_table, 0, sizeof proc_table);
    memset(slot_ids, 0, sizeof slot_ids);
}

/* ---- layout ------------------------------------------------------------- */

uaddr proc_block_end(const struct proc *p)
{
    return kaddr(p) + (uaddr)sizeof(struct proc);
}

uint32_t proc_block_size(const struct proc *p)
{
    return 1u << p->block_log2;
}

uaddr proc_block(const struct proc *p)
{
    return proc_block_end(p) - proc_block_size(p);
}

static uint32_t grant_table_bytes(void)
{
    return (kernel_driver_count * 2u + 7u) & ~7u;
}

uint32_t proc_kernel_area(void)
{
    return (uint32_t)sizeof(struct proc) + PROC_QUEUE * (uint32_t)sizeof(upcall_entry) +
           grant_table_bytes();
}

unsigned proc_block_log2_for(uint32_t min_ram)
{
    uint64_t need = (uint64_t)min_ram + proc_kernel_area() + 64u;
    unsigned log2 = PROC_MIN_LOG2;
    while (log2 < PROC_MAX_LOG2 && (1ull << log2) < need) {
        log2++;
    }
    return (1ull << log2) >= need ? log2 : 0;
}

upcall_entry *proc_queue(struct proc *p)
{
    return (upcall_entry *)(void *)p - PROC_QUEUE;
}

uint16_t *proc_grant_table(struct proc *p)
{
    return (uint16_t *)(void *)((char *)proc_queue(p) - grant_table_bytes());
}

const char *proc_name(const struct proc *p, unsigned *len)
{
    *len = p->name_len;
    return p->name_off != 0 ? (const char *)kmem(p->tbf + p->name_off) : "";
}

const char *proc_state_name(const struct proc *p)
{
    static const char *const names[] = {
        [PS_FREE] = "free",           [PS_RUNNING] = "running", [PS_YIELDED] = "yielded",
        [PS_YIELDED_FOR] = "yielded", [PS_FAULTED] = "faulted", [PS_TERMINATED] = "terminated",
    };
    if ((p->flags & PF_STOPPED) && state_live(p->state)) {
        return "stopped";
    }
    return p->state <= PS_TERMINATED ? names[p->state] : "?";
}

/* ---- lifecycle ------------------------------------------------------------ */

bool proc_tbf(const struct proc *p, tbf_info *info)
{
    uaddr end = arch_apps_end();
    return p->tbf < end && tbf_parse(kmem(p->tbf), end - p->tbf, info) == TBF_OK;
}

/* The total size was checked at load time; it is read again rather than
 * kept (the control block has no room), bounded by app flash. */
uaddr proc_flash_end(const struct proc *p)
{
    const uint8_t *h = kmem(p->tbf + 4);
    uint32_t total =
        (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
    uaddr limit = arch_apps_end();
    return total <= limit - p->tbf ? p->tbf + total : p->code_end;
}

/* The image was checked when it was loaded; if the flash changed since, the
 * process starts at its binary start, where at worst it faults. */
static uaddr proc_entry(const struct proc *p)
{
    tbf_info info;
    return proc_tbf(p, &info) ? p->tbf + info.entry : proc_code_start(p);
}

static void set_ram_mpu(struct proc *p)
{
    arch_mpu_ram(&p->mpu, proc_block(p), p->block_log2, p->brk);
    arch_mpu_invalidate();
}

/* Everything but the control block goes back to zero: RAM, grants, the
 * upcall queue, the grant table. */
static void reclaim(struct proc *p, bool zero_ram)
{
    uaddr block = proc_block(p);
    uaddr top = proc_block_end(p) - (uaddr)sizeof(struct proc);
    uaddr from = zero_ram ? block : p->grant_lo;
    memset(kmem(from), 0, top - from);
    p->grant_lo = proc_block_end(p) - proc_kernel_area();
    p->q_head = 0;
    p->q_count = 0;
}

void proc_start(struct proc *p)
{
    uaddr block = proc_block(p);
    reclaim(p, true);
    uint16_t gen = (uint16_t)((slot_ids[p->slot] / PROC_MAX + 1u) % (65536u / PROC_MAX));
    p->id = (uint16_t)((gen != 0 ? gen : 1u) * PROC_MAX + p->slot);
    slot_ids[p->slot] = p->id;
    p->brk = block + arch_mpu_granule(p->block_log2);
    p->stack_hint = 0;
    p->heap_hint = 0;
    p->flags &= PF_STOPPED;
    p->state = PS_RUNNING;
    uint32_t args[4] = {proc_code_start(p), block, proc_block_size(p), p->brk};
    arch_ctx_init(&p->ctx, p->brk, proc_entry(p), args);
    set_ram_mpu(p);
}

uint32_t proc_exit_code(const struct proc *p)
{
    return arch_frame(&p->ctx)[FR_R1];
}

struct proc *proc_create(uaddr tbf, const tbf_info *info, uaddr block, unsigned log2)
{
    unsigned slot = 0;
    if (info->binary_start > UINT16_MAX) {
        return NULL; /* the loader refuses such images first */
    }
    while (slot < PROC_MAX && proc_table[slot] != NULL) {
        slot++;
    }
    if (slot == PROC_MAX) {
        return NULL;
    }
    struct proc *p = kmem(block + (1u << log2) - (uaddr)sizeof(struct proc));
    memset(p, 0, sizeof *p);
    p->slot = (uint8_t)slot;
    p->block_log2 = (uint8_t)log2;
    p->tbf = tbf;
    p->code_off = (uint16_t)info->binary_start;
    p->code_end = tbf + info->binary_end;
    p->name_off = (uint16_t)info->name_offset;
    p->name_len = (uint8_t)(info->name_len < TBF_NAME_MAX ? info->name_len : TBF_NAME_MAX);
    uaddr open_start, open_end;
    arch_mpu_flash(&p->mpu, tbf, tbf + info->total_size, &open_start, &open_end);
    proc_table[slot] = p;
    proc_start(p);
    return p;
}

void proc_terminate(struct proc *p)
{
    reclaim(p, false);
    p->flags &= (uint8_t)~PF_PENDING;
    p->state = PS_TERMINATED;
    arch_mpu_invalidate();
}

void proc_mark_faulted(struct proc *p)
{
    reclaim(p, false);
    p->state = PS_FAULTED;
}

/* ---- the break -------------------------------------------------------------- */

uaddr proc_highest_allow(struct proc *p)
{
    uaddr high = proc_block(p);
    for (unsigned d = 0; d < kernel_driver_count; d++) {
        uint32_t *base = grant_base(p, d, false, NULL);
        const driver *drv = kernel_drivers[d];
        unsigned n = drv->allows_rw + drv->allows_ro + drv->allows_ur;
        for (unsigned i = 0; base != NULL && i < n; i++) {
            uint32_t *slot = grant_allow_slots(base, drv) + 2 * i;
            bool in_ram = slot[0] >= proc_block(p) && slot[0] < p->brk;
            if (slot[1] != 0 && in_ram && slot[0] + slot[1] > high) {
                high = slot[0] + slot[1];
            }
        }
    }
    return high;
}

uint32_t proc_set_brk(struct proc *p, uaddr new_brk)
{
    uaddr block = proc_block(p);
    if (new_brk < block || new_brk < proc_highest_allow(p)) {
        return E_INVALID;
    }
    if (new_brk > p->grant_lo) {
        return E_NOMEM;
    }
    uint32_t granule = arch_mpu_granule(p->block_log2);
    uaddr rounded = block + ((new_brk - block + granule - 1u) & ~(granule - 1u));
    if (rounded > p->grant_lo) {
        return E_NOMEM;
    }
    if (rounded != p->brk) {
        p->brk = rounded;
        set_ram_mpu(p);
    }
    return 0;
}

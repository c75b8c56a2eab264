/* Named regions for bit flips ("app:NAME stack", "kernel data", ...),
 * resolved when the flip is due: a process's areas come from the kernel's
 * process table (kernel_info.h) as it stands then, an app's flash from the
 * simulator's own placement, the kernel's areas from its ELF symbols.  Also
 * the brown-out's RAM policy and the injector's PRNG. */
#include <stdio.h>
#include <string.h>

#include "fault_state.h"
#include "kernel_info.h"
#include "machine_internal.h"

static const char *const region_names[] = {
    [FAULT_REGION_NONE] = "address",
    [FAULT_REGION_APP_STACK] = "stack",
    [FAULT_REGION_APP_DATA] = "data",
    [FAULT_REGION_APP_HEAP] = "heap",
    [FAULT_REGION_APP_GRANT] = "grant",
    [FAULT_REGION_APP_RAM] = "ram",
    [FAULT_REGION_APP_FLASH] = "flash",
    [FAULT_REGION_KERNEL_DATA] = "kernel data",
    [FAULT_REGION_KERNEL_STACK] = "kernel stack",
};

const char *fault_region_name(int region)
{
    if (region < 0 || region > FAULT_REGION_KERNEL_STACK) {
        return "?";
    }
    return region_names[region];
}

static bool is_app_region(int region)
{
    return region >= FAULT_REGION_APP_STACK && region <= FAULT_REGION_APP_FLASH;
}

void fault_region_label(const fault_region_flip *r, char *buf, size_t len)
{
    if (is_app_region(r->region)) {
        snprintf(buf, len, "app:%s %s", r->app, fault_region_name(r->region));
    } else {
        snprintf(buf, len, "%s", fault_region_name(r->region));
    }
}

/* A process's RAM areas, low to high (kernel_info.h). */
static void proc_area(const kinfo_proc *p, int region, uint32_t *lo, uint32_t *hi)
{
    switch (region) {
    case FAULT_REGION_APP_STACK:
        *lo = p->block, *hi = p->stack_top;
        break;
    case FAULT_REGION_APP_DATA:
        *lo = p->stack_top, *hi = p->heap_start;
        break;
    case FAULT_REGION_APP_HEAP:
        *lo = p->heap_start, *hi = p->brk;
        break;
    case FAULT_REGION_APP_GRANT:
        *lo = p->grant_lo, *hi = p->block_end;
        break;
    default:
        *lo = p->block, *hi = p->block_end;
        break;
    }
}

static int area_of(machine *m, const fault_region_flip *r, uint32_t *lo, uint32_t *hi, char *why,
                   size_t whylen)
{
    uint32_t size;
    if (r->region == FAULT_REGION_APP_FLASH) {
        if (!machine_app_image(m, r->app_index, lo, &size)) {
            snprintf(why, whylen, "app %s has no image in flash", r->app);
            return -1;
        }
        *hi = *lo + size;
        return 0;
    }
    if (is_app_region(r->region)) {
        kinfo_proc p;
        char err[128];
        if (kinfo_proc_named(m, r->app, &p, err, sizeof(err)) != 0) {
            snprintf(why, whylen, "app %s is not loaded (%s)", r->app, err);
            return -1;
        }
        proc_area(&p, r->region, lo, hi);
        return 0;
    }
    kinfo_kernel k;
    if (kinfo_kernel_areas(m, &k, why, whylen) != 0) {
        return -1;
    }
    bool data = r->region == FAULT_REGION_KERNEL_DATA;
    *lo = data ? k.data_lo : k.stack_lo;
    *hi = data ? k.data_hi : k.stack_hi;
    return 0;
}

int fault_region_resolve(machine *m, const fault_region_flip *r, uint32_t *lo, uint32_t *hi,
                         char *why, size_t whylen)
{
    char name[64];
    if (area_of(m, r, lo, hi, why, whylen) != 0) {
        return -1;
    }
    fault_region_label(r, name, sizeof(name));
    if (*hi <= *lo) {
        snprintf(why, whylen, "%s is empty", name);
        return -1;
    }
    uint32_t last = (r->offset_drawn ? 0 : r->offset) + r->bit / 8u;
    if (last >= *hi - *lo) {
        snprintf(why, whylen, "byte %u is past the end of %s (%u bytes)", last, name, *hi - *lo);
        return -1;
    }
    if (board_memory_containing(&m->board, *lo, *hi - *lo) == NULL) {
        snprintf(why, whylen, "%s (0x%08x-0x%08x) is not in RAM or flash", name, *lo, *hi);
        return -1;
    }
    return 0;
}

uint64_t fault_rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Every writable memory of the board (RAM) is what a brown-out touches;
 * flash keeps its contents. */
void fault_brownout_ram(machine *m, int ram, uint64_t seed)
{
    uint8_t chunk[1024];
    uint64_t state = seed;
    if (ram == BROWNOUT_RAM_RETAINED) {
        return;
    }
    for (unsigned i = 0; i < m->board.num_memory; i++) {
        const board_memory *mem = &m->board.memory[i];
        for (uint32_t off = 0; mem->writable && off < mem->size; off += sizeof(chunk)) {
            for (size_t k = 0; k < sizeof(chunk); k += 8) {
                uint64_t v = ram == BROWNOUT_RAM_RANDOM ? fault_rng_next(&state) : 0;
                memcpy(chunk + k, &v, 8);
            }
            uint32_t n = mem->size - off < sizeof(chunk) ? mem->size - off : sizeof(chunk);
            uc_mem_write(m->uc, mem->base + off, chunk, n);
        }
    }
    for (unsigned i = 0; i < m->board.num_memory; i++) {
        const board_memory *mem = &m->board.memory[i];
        uc_ctl_remove_cache(m->uc, mem->base, (uint64_t)mem->base + mem->size);
    }
    block_cache_flush(m->blocks);
}

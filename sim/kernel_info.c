/* Reading the kernel's process table from outside (kernel_info.h).  Every
 * value comes from guest memory, which a fault campaign may have corrupted:
 * each pointer is checked against the board's memories before it is
 * followed, and a table that makes no sense is reported, never trusted. */
#include "kernel_info.h"

#include <stdio.h>
#include <string.h>

#include "machine_internal.h"

#define DEBUG_MAGIC     0x47424442u /* "BDBG" */
#define DEBUG_VERSION   1u
#define DESCRIPTOR_SIZE 48u

/* Control-block field offsets, in the descriptor's order from byte 28. */
enum {
    OFF_PSP,
    OFF_BRK,
    OFF_GRANT_LO,
    OFF_TBF,
    OFF_NAME_OFF,
    OFF_STACK_HINT,
    OFF_HEAP_HINT,
    OFF_ID,
    OFF_STATE,
    OFF_FLAGS,
    OFF_BLOCK_LOG2,
    OFF_RESTARTS,
    OFF_NAME_LEN,
    OFF_SLOT,
    OFF_COUNT
};

/* Bytes of each field, in the same order. */
static const uint8_t field_width[OFF_COUNT] = {4, 4, 4, 4, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1};

typedef struct descriptor {
    uint32_t table, max, size, queue_bytes, driver_count_addr;
    uint8_t off[OFF_COUNT];
} descriptor;

/* Kernel states (kernel/process.h enum proc_state) and the stopped flag. */
static const char *const state_names[] = {"free",    "running", "yielded",
                                          "yielded", "faulted", "terminated"};
#define PF_STOPPED 0x01u

static bool read_mem(machine *m, uint32_t addr, void *buf, uint32_t len)
{
    return machine_read_memory(m, addr, buf, len) == 0;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int fail(char *err, size_t errlen, const char *why)
{
    snprintf(err, errlen, "%s", why);
    return -1;
}

static int read_descriptor(machine *m, descriptor *d, char *err, size_t errlen)
{
    const elf_symbol *sym = m->image ? elf_symbol_named(m->image, "bulwark_debug") : NULL;
    uint8_t raw[DESCRIPTOR_SIZE];
    if (sym == NULL) {
        return fail(err, errlen, "the kernel ELF has no bulwark_debug descriptor");
    }
    if (!read_mem(m, sym->addr, raw, sizeof(raw)) || le32(raw) != DEBUG_MAGIC ||
        le32(raw + 4) != DEBUG_VERSION) {
        return fail(err, errlen, "the kernel's bulwark_debug descriptor is not valid");
    }
    d->table = le32(raw + 8);
    d->max = le32(raw + 12);
    d->size = le32(raw + 16);
    d->queue_bytes = le32(raw + 20);
    d->driver_count_addr = le32(raw + 24);
    memcpy(d->off, raw + 28, OFF_COUNT);
    for (int i = 0; i < OFF_COUNT; i++) {
        if (d->off[i] + field_width[i] > d->size) {
            return fail(err, errlen, "the kernel's bulwark_debug descriptor is not valid");
        }
    }
    if (d->max == 0 || d->max > KINFO_MAX_PROCS || d->size > 256) {
        return fail(err, errlen, "the kernel's bulwark_debug descriptor is not valid");
    }
    return 0;
}

static uint32_t field32(const uint8_t *pcb, const descriptor *d, int f)
{
    return le32(pcb + d->off[f]);
}

static uint16_t field16(const uint8_t *pcb, const descriptor *d, int f)
{
    return (uint16_t)(pcb[d->off[f]] | pcb[d->off[f] + 1] << 8);
}

/* Bytes at the top of every block that are the kernel's own: control
 * block, upcall queue and the grant table (one slot per driver). */
static uint32_t kernel_area(machine *m, const descriptor *d)
{
    uint8_t raw[4];
    uint32_t drivers = read_mem(m, d->driver_count_addr, raw, 4) ? le32(raw) : 0;
    return d->size + d->queue_bytes + ((drivers * 2u + 7u) & ~7u);
}

static void read_name(machine *m, uint32_t addr, unsigned len, char *out)
{
    len = len < KINFO_NAME_MAX - 1 ? len : KINFO_NAME_MAX - 1;
    if (len == 0 || !read_mem(m, addr, out, len)) {
        len = 0;
    }
    out[len] = '\0';
    for (unsigned i = 0; i < len; i++) {
        out[i] = (out[i] >= 0x20 && out[i] < 0x7f) ? out[i] : '?';
    }
}

static const char *state_of(const uint8_t *pcb, const descriptor *d)
{
    uint8_t state = pcb[d->off[OFF_STATE]];
    if (state >= sizeof(state_names) / sizeof(state_names[0])) {
        return "?";
    }
    bool live = state >= 1 && state <= 3;
    return live && (pcb[d->off[OFF_FLAGS]] & PF_STOPPED) ? "stopped" : state_names[state];
}

/* The flash image's total size is the TBF header's second word. */
static uint32_t image_end(machine *m, uint32_t tbf)
{
    uint8_t raw[8];
    if (!read_mem(m, tbf, raw, 8)) {
        return tbf;
    }
    uint32_t total = le32(raw + 4);
    return board_memory_containing(&m->board, tbf, total ? total : 1) ? tbf + total : tbf;
}

/* Fills p from the control block at addr; false if it makes no sense. */
static bool decode(machine *m, const descriptor *d, uint32_t addr, const uint8_t *pcb,
                   uint32_t area, kinfo_proc *p)
{
    unsigned log2 = pcb[d->off[OFF_BLOCK_LOG2]];
    if (log2 < 8 || log2 > 24) {
        return false;
    }
    p->block_end = addr + d->size;
    p->block = p->block_end - (1u << log2);
    uint16_t stack_hint = field16(pcb, d, OFF_STACK_HINT);
    uint16_t heap_hint = field16(pcb, d, OFF_HEAP_HINT);
    p->stack_top = p->block + stack_hint;
    p->heap_start = heap_hint != 0 ? p->block + heap_hint : p->stack_top;
    p->brk = field32(pcb, d, OFF_BRK);
    p->grant_lo = field32(pcb, d, OFF_GRANT_LO);
    p->kernel_lo = area < (1u << log2) ? p->block_end - area : p->block;
    p->sp = field32(pcb, d, OFF_PSP);
    p->slot = pcb[d->off[OFF_SLOT]];
    p->id = field16(pcb, d, OFF_ID);
    p->restarts = pcb[d->off[OFF_RESTARTS]];
    p->state = state_of(pcb, d);
    p->flash_start = field32(pcb, d, OFF_TBF);
    p->flash_end = image_end(m, p->flash_start);
    uint16_t name_off = field16(pcb, d, OFF_NAME_OFF);
    read_name(m, p->flash_start + name_off, name_off ? pcb[d->off[OFF_NAME_LEN]] : 0, p->name);
    return board_memory_containing(&m->board, p->block, 1u << log2) != NULL;
}

int kinfo_procs(machine *m, kinfo_proc *out, int max, char *err, size_t errlen)
{
    descriptor d;
    uint8_t table[KINFO_MAX_PROCS * 4], pcb[256];
    if (read_descriptor(m, &d, err, errlen) != 0) {
        return -1;
    }
    if (!read_mem(m, d.table, table, d.max * 4)) {
        return fail(err, errlen, "the kernel's process table is outside RAM");
    }
    uint32_t area = kernel_area(m, &d);
    int n = 0;
    for (uint32_t slot = 0; slot < d.max && n < max; slot++) {
        uint32_t addr = le32(table + slot * 4);
        if (addr != 0 && read_mem(m, addr, pcb, d.size) &&
            decode(m, &d, addr, pcb, area, &out[n])) {
            n++;
        }
    }
    return n;
}

int kinfo_proc_named(machine *m, const char *name, kinfo_proc *out, char *err, size_t errlen)
{
    kinfo_proc all[KINFO_MAX_PROCS];
    int n = kinfo_procs(m, all, KINFO_MAX_PROCS, err, errlen);
    for (int i = 0; i < n; i++) {
        if (strcmp(all[i].name, name) == 0) {
            *out = all[i];
            return 0;
        }
    }
    if (n >= 0) {
        snprintf(err, errlen, "no process named %s is loaded", name);
    }
    return -1;
}

static bool symbol_addr(const elf_image *img, const char *name, uint32_t *addr)
{
    const elf_symbol *s = img ? elf_symbol_named(img, name) : NULL;
    if (s != NULL) {
        *addr = s->addr;
    }
    return s != NULL;
}

int kinfo_kernel_areas(const machine *m, kinfo_kernel *out, char *err, size_t errlen)
{
    const elf_image *img = m->image;
    if (!symbol_addr(img, "__data_start", &out->data_lo) ||
        !symbol_addr(img, "__bss_end", &out->data_hi) ||
        !symbol_addr(img, "__stack_bottom", &out->stack_lo) ||
        !symbol_addr(img, "__stack_top", &out->stack_hi) || out->data_hi < out->data_lo ||
        out->stack_hi < out->stack_lo) {
        return fail(err, errlen,
                    "the kernel ELF lacks __data_start/__bss_end/__stack_bottom/__stack_top");
    }
    return 0;
}

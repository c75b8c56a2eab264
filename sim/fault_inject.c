/* Faults injected at a chosen simulated time (scenario "faults"): a bit of
 * guest memory or of a CPU register flipped.  Each is an event on the
 * machine's queue, so it lands between translated blocks, where Unicorn's
 * memory and registers may be changed, and a run is repeatable. */
#include <stdlib.h>
#include <string.h>

#include "machine_internal.h"

/* Translated code covers at most this much of a page to drop (the flash
 * controller's page size is the same). */
#define INJECT_PAGE 1024u

struct fault_event {
    struct event ev;
    machine *m;
    struct fault_event *next; /* the machine's list, freed with it */
    machine_injection what;
};

static const int reg_ids[16] = {
    UC_ARM_REG_R0,  UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4,  UC_ARM_REG_R5,
    UC_ARM_REG_R6,  UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
    UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC,
};

/* Flash holds code translated without its bytes: drop both caches of the
 * page, as the flash controller does.  Code in RAM is compared on use, but
 * dropping it too costs nothing worth measuring. */
static bool flip_memory(machine *m, machine_injection *w)
{
    uint8_t byte;
    if (uc_mem_read(m->uc, w->address, &byte, 1) != UC_ERR_OK) {
        return false;
    }
    w->before = byte;
    byte ^= (uint8_t)(1u << w->bit);
    if (uc_mem_write(m->uc, w->address, &byte, 1) != UC_ERR_OK ||
        uc_mem_read(m->uc, w->address, &byte, 1) != UC_ERR_OK) {
        return false;
    }
    w->after = byte; /* read back: what the guest will see */
    uint64_t page = w->address & ~(uint64_t)(INJECT_PAGE - 1u);
    uc_ctl_remove_cache(m->uc, page, page + INJECT_PAGE);
    block_cache_flush(m->blocks);
    return true;
}

/* The Thumb bit is not part of the M-profile pc: it stays set. */
static bool flip_register(machine *m, machine_injection *w)
{
    int id = reg_ids[w->reg];
    w->before = machine_reg(m, id);
    w->after = w->before ^ (1u << w->bit);
    machine_set_reg(m, id, id == UC_ARM_REG_PC ? w->after | 1u : w->after);
    return true;
}

static void record(machine *m, const machine_injection *w)
{
    machine_injection *grown = realloc(m->injected, (m->num_injected + 1) * sizeof(*m->injected));
    if (grown == NULL) {
        return;
    }
    m->injected = grown;
    m->injected[m->num_injected++] = *w;
}

static void fault_event_fire(void *ctx, uint64_t when)
{
    struct fault_event *f = ctx;
    machine *m = f->m;
    if (when > m->cycles) {
        return; /* devices draining after the run ended: the CPU is gone */
    }
    f->what.cycle = m->cycles;
    if (f->what.is_register ? flip_register(m, &f->what) : flip_memory(m, &f->what)) {
        record(m, &f->what);
    }
}

static int fault_event_add(machine *m, uint64_t cycle, const machine_injection *w)
{
    struct fault_event *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        return -1;
    }
    f->m = m;
    f->what = *w;
    f->next = m->fault_events;
    m->fault_events = f;
    event_init(&f->ev, fault_event_fire, f);
    evq_schedule(m->events, &f->ev, cycle);
    return 0;
}

int machine_schedule_bitflip(machine *m, uint64_t cycle, uint32_t address, unsigned bit,
                             const char *label)
{
    machine_injection w = {.address = address + bit / 8u, .bit = bit % 8u};
    snprintf(w.label, sizeof(w.label), "%s", label);
    return bit < 32 ? fault_event_add(m, cycle, &w) : -1;
}

int machine_schedule_register_flip(machine *m, uint64_t cycle, unsigned reg, unsigned bit,
                                   const char *label)
{
    machine_injection w = {.is_register = true, .reg = reg, .bit = bit};
    snprintf(w.label, sizeof(w.label), "%s", label);
    return reg < 16 && bit < 32 ? fault_event_add(m, cycle, &w) : -1;
}

const machine_injection *machine_injections(const machine *m, size_t *n)
{
    *n = m->num_injected;
    return m->injected;
}

void fault_inject_free_all(machine *m)
{
    while (m->fault_events != NULL) {
        struct fault_event *f = m->fault_events;
        m->fault_events = f->next;
        free(f);
    }
    free(m->injected);
    m->injected = NULL;
    m->num_injected = 0;
}

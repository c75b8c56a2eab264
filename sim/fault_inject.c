/* Faults injected at a chosen simulated time (scenario "faults"): a bit of
 * guest memory or of a CPU register flipped, a forced process fault, a
 * brown-out.  Each is an event on the machine's queue, so it lands between
 * translated blocks, where Unicorn's memory and registers may be changed,
 * and a run is repeatable.  Region targets are in fault_region.c, devices
 * that misbehave in periph_fault.c. */
#include <stdlib.h>
#include <string.h>

#include "fault_inject.h"
#include "fault_state.h"
#include "machine_internal.h"

enum fault_event_kind { FE_FLIP, FE_REGISTER, FE_REGION, FE_PROCESS, FE_BROWNOUT };

struct fault_event {
    struct event ev;
    machine *m;
    struct fault_event *next; /* the machine's list, freed with it */
    enum fault_event_kind kind;
    machine_injection what;
    fault_region_flip region; /* FE_REGION */
    char note[48];            /* FE_REGION: appended to the label */
    unsigned app_index;       /* FE_PROCESS */
    bool armed;               /* FE_PROCESS: due, waiting for its process */
    uint64_t due;
    int ram; /* FE_BROWNOUT */
    uint64_t seed;
};

static const int reg_ids[16] = {
    UC_ARM_REG_R0,  UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4,  UC_ARM_REG_R5,
    UC_ARM_REG_R6,  UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
    UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC,
};

struct fault_state *fault_state_get(machine *m)
{
    if (m->fstate == NULL) {
        m->fstate = calloc(1, sizeof(*m->fstate));
    }
    return m->fstate;
}

/* machine_write_memory drops the page's translated and decoded code, so a
 * flip in flash runs as flipped. */
static bool flip_memory(machine *m, machine_injection *w)
{
    uint8_t byte;
    if (machine_read_memory(m, w->address, &byte, 1) != 0) {
        return false;
    }
    w->before = byte;
    byte ^= (uint8_t)(1u << w->bit);
    if (machine_write_memory(m, w->address, &byte, 1) != 0 ||
        machine_read_memory(m, w->address, &byte, 1) != 0) {
        return false;
    }
    w->after = byte; /* read back: what the guest will see */
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

void fault_inject_record(machine *m, const machine_injection *w)
{
    machine_injection *grown = realloc(m->injected, (m->num_injected + 1) * sizeof(*m->injected));
    if (grown == NULL) {
        return;
    }
    m->injected = grown;
    m->injected[m->num_injected++] = *w;
}

void fault_inject_skip(machine *m, const char *label, const char *reason)
{
    struct fault_state *st = fault_state_get(m);
    machine_skip *grown = st ? realloc(st->skips, (st->num_skips + 1) * sizeof(*grown)) : NULL;
    if (grown == NULL) {
        return;
    }
    st->skips = grown;
    machine_skip *s = &st->skips[st->num_skips++];
    s->cycle = m->cycles;
    snprintf(s->label, sizeof(s->label), "%s", label);
    snprintf(s->reason, sizeof(s->reason), "%s", reason);
}

/* A region is looked up when the flip is due: where a process's stack or
 * heap is depends on what the kernel has done by then. */
static void fire_region(machine *m, struct fault_event *f)
{
    uint32_t lo, hi;
    char why[160], where[96];
    fault_region_label(&f->region, where, sizeof(where));
    if (fault_region_resolve(m, &f->region, &lo, &hi, why, sizeof(why)) != 0) {
        char label[160];
        snprintf(label, sizeof(label), "bitflip %s bit %u%s", where, f->region.bit, f->note);
        fault_inject_skip(m, label, why);
        return;
    }
    uint32_t offset = f->region.offset_drawn ? f->region.draw % (hi - lo) : f->region.offset;
    f->what.address = lo + offset + f->region.bit / 8u;
    f->what.bit = f->region.bit % 8u;
    snprintf(f->what.label, sizeof(f->what.label), "bitflip %.60s+0x%x (0x%08x) bit %u%.40s", where,
             offset, lo + offset, f->region.bit, f->note);
    if (flip_memory(m, &f->what)) {
        fault_inject_record(m, &f->what);
    }
}

static void fire_brownout(machine *m, struct fault_event *f)
{
    fault_brownout_ram(m, f->ram, f->seed);
    fault_inject_record(m, &f->what);
    /* a switch or system call under way never completes: not a sample */
    m->measure.open = false;
    /* the run loop resets before the next instruction, as for SYSRESETREQ */
    machine_request_stop(m, STOP_RESET);
}

static void fault_event_fire(void *ctx, uint64_t when)
{
    struct fault_event *f = ctx;
    machine *m = f->m;
    if (when > m->cycles) {
        return; /* devices draining after the run ended: the CPU is gone */
    }
    f->what.cycle = m->cycles;
    switch (f->kind) {
    case FE_FLIP:
    case FE_REGISTER:
        if (f->kind == FE_REGISTER ? flip_register(m, &f->what) : flip_memory(m, &f->what)) {
            fault_inject_record(m, &f->what);
        }
        break;
    case FE_REGION:
        fire_region(m, f);
        break;
    case FE_PROCESS:
        if (fault_state_get(m) != NULL) {
            f->armed = true;
            f->due = m->cycles;
            m->fstate->num_armed++;
        }
        break;
    case FE_BROWNOUT:
        fire_brownout(m, f);
        break;
    }
}

static struct fault_event *fault_event_add(machine *m, uint64_t cycle, enum fault_event_kind kind,
                                           const machine_injection *w)
{
    struct fault_event *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        return NULL;
    }
    f->m = m;
    f->kind = kind;
    f->what = *w;
    f->next = m->fault_events;
    m->fault_events = f;
    event_init(&f->ev, fault_event_fire, f);
    evq_schedule(m->events, &f->ev, cycle);
    return f;
}

static machine_injection injection(const char *kind, const char *label)
{
    machine_injection w = {.kind = kind};
    snprintf(w.label, sizeof(w.label), "%s", label);
    return w;
}

int machine_schedule_bitflip(machine *m, uint64_t cycle, uint32_t address, unsigned bit,
                             const char *label)
{
    machine_injection w = injection("bitflip", label);
    w.address = address + bit / 8u;
    w.bit = bit % 8u;
    return bit < 32 && fault_event_add(m, cycle, FE_FLIP, &w) ? 0 : -1;
}

int machine_schedule_register_flip(machine *m, uint64_t cycle, unsigned reg, unsigned bit,
                                   const char *label)
{
    machine_injection w = injection("register", label);
    w.is_register = true;
    w.reg = reg;
    w.bit = bit;
    return reg < 16 && bit < 32 && fault_event_add(m, cycle, FE_REGISTER, &w) ? 0 : -1;
}

int machine_schedule_region_flip(machine *m, uint64_t cycle, const fault_region_flip *r,
                                 const char *note)
{
    machine_injection w = injection("bitflip", "");
    struct fault_event *f = r->bit < 32 ? fault_event_add(m, cycle, FE_REGION, &w) : NULL;
    if (f == NULL) {
        return -1;
    }
    f->region = *r;
    snprintf(f->note, sizeof(f->note), "%s", note);
    return 0;
}

int machine_boot_bitflip(machine *m, uint32_t address, unsigned bit, const char *label)
{
    machine_injection w = injection("bitflip", label);
    w.address = address + bit / 8u;
    w.bit = bit % 8u;
    if (bit >= 32 || board_memory_containing(&m->board, w.address, 1) == NULL ||
        !flip_memory(m, &w)) {
        return -1;
    }
    fault_inject_record(m, &w);
    return 0;
}

int machine_boot_region_flip(machine *m, const fault_region_flip *r, const char *note)
{
    struct fault_event f = {.m = m, .kind = FE_REGION, .region = *r};
    f.what = injection("bitflip", "");
    f.what.cycle = m->cycles;
    snprintf(f.note, sizeof(f.note), "%s", note);
    fire_region(m, &f);
    return 0;
}

int machine_schedule_process_fault(machine *m, uint64_t cycle, unsigned app_index,
                                   const char *label)
{
    machine_injection w = injection("process_fault", label);
    struct fault_event *f = fault_event_add(m, cycle, FE_PROCESS, &w);
    if (f == NULL) {
        return -1;
    }
    f->app_index = app_index;
    return 0;
}

int machine_schedule_brownout(machine *m, uint64_t cycle, int ram, uint64_t seed, const char *label)
{
    machine_injection w = injection("brownout", label);
    struct fault_event *f = fault_event_add(m, cycle, FE_BROWNOUT, &w);
    if (f == NULL) {
        return -1;
    }
    f->ram = ram;
    f->seed = seed;
    return 0;
}

bool machine_app_image(const machine *m, unsigned index, uint32_t *start, uint32_t *size)
{
    if (index >= m->measure.num_apps) {
        return false;
    }
    *start = m->measure.app_start[index];
    *size = m->measure.app_size[index];
    return true;
}

/* Unprivileged thread mode with pc in the app's image: its next
 * instruction is the process's. */
static bool process_running(machine *m, unsigned app_index, uint32_t *pc)
{
    uint32_t start, size;
    if (!machine_app_image(m, app_index, &start, &size) ||
        (machine_reg(m, UC_ARM_REG_IPSR) & 0x1FFu) != 0 ||
        (machine_reg(m, UC_ARM_REG_CONTROL) & 1u) == 0) {
        return false;
    }
    *pc = machine_reg(m, UC_ARM_REG_PC) & ~1u;
    return *pc - start < size;
}

/* As an undefined instruction would: UsageFault UNDEFINSTR with the
 * instruction's own address stacked, escalating like any other fault. */
bool fault_inject_forced_check(machine *m)
{
    uint32_t pc;
    if (m->fstate == NULL || m->fstate->num_armed == 0) {
        return false; /* the common case, checked before every run of code */
    }
    for (struct fault_event *f = m->fault_events; f != NULL; f = f->next) {
        if (f->kind != FE_PROCESS || !f->armed || !process_running(m, f->app_index, &pc)) {
            continue;
        }
        f->armed = false;
        m->fstate->num_armed--;
        f->what.cycle = m->cycles;
        f->what.address = pc;
        size_t len = strlen(f->what.label);
        snprintf(f->what.label + len, sizeof(f->what.label) - len, " (UsageFault at 0x%08x)", pc);
        fault_inject_record(m, &f->what);
        pending_fault pf = {.exc = EXC_USAGEFAULT, .cfsr = CFSR_UNDEFINSTR, .return_pc = pc};
        exc_raise_fault(m, &pf);
        m->cur = NULL; /* nothing of a block runs before the fault */
        return true;
    }
    return false;
}

size_t machine_skipped(const machine *m, machine_skip *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; m->fstate != NULL && i < m->fstate->num_skips; i++, n++) {
        if (n < max) {
            out[n] = m->fstate->skips[i];
        }
    }
    /* the list is newest first: count, then fill from the back */
    size_t waiting = 0;
    for (const struct fault_event *f = m->fault_events; f != NULL; f = f->next) {
        waiting += f->kind == FE_PROCESS && f->armed;
    }
    size_t k = n + waiting;
    for (const struct fault_event *f = m->fault_events; f != NULL; f = f->next) {
        if (f->kind == FE_PROCESS && f->armed && --k < max) {
            out[k].cycle = f->due;
            snprintf(out[k].label, sizeof(out[k].label), "%s", f->what.label);
            snprintf(out[k].reason, sizeof(out[k].reason),
                     "the process did not run again before the run ended");
        }
    }
    return n + waiting;
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
    periph_fault_free_all(m);
    if (m->fstate != NULL) {
        free(m->fstate->skips);
        free(m->fstate);
        m->fstate = NULL;
    }
}

const machine_injection *machine_injections(const machine *m, size_t *n)
{
    *n = m->num_injected;
    return m->injected;
}

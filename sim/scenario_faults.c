/* A scenario's faults on a machine: symbols and device names resolved
 * against the kernel ELF and the board before the run, then scheduled as
 * events (or, at "boot", applied before the reset vector is fetched). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "fault_inject.h"
#include "scenario.h"

static int resolve_symbol(scenario_fault *f, const elf_image *img, char *err, size_t errlen)
{
    const elf_symbol *sym = elf_symbol_named(img, f->symbol);
    if (sym == NULL) {
        snprintf(err, errlen, "%s: no symbol \"%s\" in the kernel ELF %s", f->where, f->symbol,
                 img->path);
        return -1;
    }
    if (sym->size != 0 && f->bit / 8u >= sym->size) {
        snprintf(err, errlen, "%s: bit %u is past the end of %s (%u bytes)", f->where, f->bit,
                 f->symbol, sym->size);
        return -1;
    }
    f->address = sym->addr;
    return 0;
}

static int resolve_device(scenario_fault *f, const board *b, char *err, size_t errlen)
{
    char names[256] = "";
    if (board_find_device(b, f->device) != NULL) {
        return 0;
    }
    for (unsigned i = 0; i < b->num_devices; i++) {
        size_t used = strlen(names);
        snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "", b->devices[i].name);
    }
    snprintf(err, errlen, "%s: board %s has no device \"%s\" (it has: %s)", f->where, b->name,
             f->device, names);
    return -1;
}

static int resolve_one(scenario_fault *f, const board *b, const elf_image *img, char *err,
                       size_t errlen)
{
    if (f->kind == SCN_FAULT_PERIPHERAL) {
        return resolve_device(f, b, err, errlen);
    }
    if (f->kind != SCN_FAULT_BITFLIP || f->region != FAULT_REGION_NONE) {
        return 0; /* regions are looked up when the flip is due */
    }
    if (f->symbol != NULL && resolve_symbol(f, img, err, errlen) != 0) {
        return -1;
    }
    if (board_memory_containing(b, f->address + f->bit / 8u, 1) == NULL) {
        snprintf(err, errlen, "%s: 0x%08x is in none of board %s's memories (RAM or flash)",
                 f->where, f->address + f->bit / 8u, b->name);
        return -1;
    }
    return 0;
}

int scenario_resolve_faults(scenario *s, const board *b, const elf_image *img, char *err,
                            size_t errlen)
{
    for (size_t i = 0; i < s->num_faults; i++) {
        if (resolve_one(&s->faults[i], b, img, err, errlen) != 0) {
            return -1;
        }
    }
    return 0;
}

/* " (drawn, seed N)" for drawn faults, "" otherwise. */
static void drawn_note(const scenario_fault *f, char *buf, size_t len)
{
    snprintf(buf, len, f->drawn ? " (drawn, seed %lld)" : "", (long long)f->drawn_seed);
}

static void duration_text(duration d, char *buf, size_t len)
{
    snprintf(buf, len, d.in_cycles ? "%.0f cycles" : "%g ms",
             d.in_cycles ? d.value : d.value * 1e3);
}

static const char *const periph_modes[] = {"none", "dead", "stuck", "irq_flood"};
static const char *const ram_policies[] = {"retained", "cleared", "random"};

static void kind_label(const scenario_fault *f, char *buf, size_t len)
{
    char d[48] = "to the end", every[48] = "";
    switch (f->kind) {
    case SCN_FAULT_REGISTER:
        snprintf(buf, len, "register %s bit %u", scenario_register_name(f->reg), f->bit);
        break;
    case SCN_FAULT_PROCESS:
        snprintf(buf, len, "process_fault %s", f->app);
        break;
    case SCN_FAULT_PERIPHERAL:
        if (f->has_for) {
            strcpy(d, "for ");
            duration_text(f->for_, d + 4, sizeof(d) - 4);
        }
        if (f->has_period) {
            strcpy(every, " every ");
            duration_text(f->period, every + 7, sizeof(every) - 7);
        }
        snprintf(buf, len, "peripheral %s %s%s %s", f->device, periph_modes[f->periph_mode], every,
                 d);
        break;
    case SCN_FAULT_BROWNOUT:
        snprintf(buf, len, "brownout (RAM %s)", ram_policies[f->ram]);
        break;
    default:
        if (f->symbol != NULL) {
            snprintf(buf, len, "bitflip %.40s (0x%08x) bit %u", f->symbol, f->address, f->bit);
        } else {
            snprintf(buf, len, "bitflip 0x%08x bit %u", f->address, f->bit);
        }
        break;
    }
}

static void fault_label(const scenario_fault *f, char *buf, size_t len)
{
    char note[48], what[112];
    drawn_note(f, note, sizeof(note));
    kind_label(f, what, sizeof(what));
    snprintf(buf, len, "%s%s", what, note);
}

uint64_t scenario_fault_cycle(const scenario_fault *f, uint64_t hz)
{
    if (!f->at_drawn) {
        return duration_cycles(f->at, hz);
    }
    uint64_t lo = duration_cycles(f->window_lo, hz), hi = duration_cycles(f->window_hi, hz);
    return lo + (uint64_t)((double)(hi - lo) * ((double)f->at_frac / 4294967296.0));
}

/* An irq_flood's pulse period; at least one cycle when given. */
static uint64_t period_cycles(const scenario_fault *f, uint64_t hz)
{
    uint64_t c = f->has_period ? duration_cycles(f->period, hz) : 0;
    return f->has_period && c == 0 ? 1 : c;
}

static fault_region_flip region_of(const scenario_fault *f)
{
    fault_region_flip r = {.region = f->region,
                           .app_index = f->app_index,
                           .offset = f->offset,
                           .offset_drawn = f->offset_drawn,
                           .draw = f->draw,
                           .bit = f->bit};
    snprintf(r.app, sizeof(r.app), "%s", f->app ? f->app : "");
    return r;
}

/* Before the reset vector is fetched: the caller resets afterwards. */
static int apply_at_boot(machine *m, const scenario_fault *f)
{
    char label[160], note[64];
    drawn_note(f, note, sizeof(note));
    strncat(note, " (before boot)", sizeof(note) - strlen(note) - 1);
    if (f->region != FAULT_REGION_NONE) {
        fault_region_flip r = region_of(f);
        return machine_boot_region_flip(m, &r, note);
    }
    fault_label(f, label, sizeof(label));
    strncat(label, " (before boot)", sizeof(label) - strlen(label) - 1);
    return machine_boot_bitflip(m, f->address, f->bit, label);
}

static int schedule_one(machine *m, const scenario *s, size_t i, uint64_t hz)
{
    const scenario_fault *f = &s->faults[i];
    uint64_t at = scenario_fault_cycle(f, hz);
    char label[160], note[48];
    fault_label(f, label, sizeof(label));
    switch (f->kind) {
    case SCN_FAULT_REGISTER:
        return machine_schedule_register_flip(m, at, f->reg, f->bit, label);
    case SCN_FAULT_PROCESS:
        return machine_schedule_process_fault(m, at, f->app_index, label);
    case SCN_FAULT_PERIPHERAL:
        return machine_schedule_peripheral_fault(
            m, at, f->has_for ? at + duration_cycles(f->for_, hz) : UINT64_MAX, f->device,
            f->periph_mode, period_cycles(f, hz), label);
    case SCN_FAULT_BROWNOUT:
        /* each brown-out its own stream of the scenario's seed */
        return machine_schedule_brownout(
            m, at, f->ram, (uint64_t)s->seed ^ (0x9E3779B97F4A7C15ull * (i + 1)), label);
    default:
        break;
    }
    if (f->region != FAULT_REGION_NONE) {
        fault_region_flip r = region_of(f);
        drawn_note(f, note, sizeof(note));
        return machine_schedule_region_flip(m, at, &r, note);
    }
    return machine_schedule_bitflip(m, at, f->address, f->bit, label);
}

int scenario_schedule_faults(machine *m, const scenario *s, uint64_t hz)
{
    bool boot = false;
    for (size_t i = 0; i < s->num_faults; i++) {
        if (s->faults[i].at_boot) {
            if (apply_at_boot(m, &s->faults[i]) != 0) {
                return -1;
            }
            boot = true;
        } else if (schedule_one(m, s, i, hz) != 0) {
            return -1;
        }
    }
    if (boot) {
        machine_reset(m); /* the core fetches its vectors from flash as flipped */
    }
    return 0;
}

static double at_ms(const machine *m, uint64_t cycle)
{
    uint64_t hz = machine_board(m)->clock_hz;
    return hz ? (double)cycle * 1000.0 / (double)hz : 0.0;
}

void scenario_print_injected(FILE *out, const machine *m)
{
    size_t n;
    const machine_injection *inj = machine_injections(m, &n);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "injected: %s at %.3f ms\n", inj[i].label, at_ms(m, inj[i].cycle));
    }
    machine_skip skips[64];
    size_t k = machine_skipped(m, skips, 64);
    for (size_t i = 0; i < k && i < 64; i++) {
        fprintf(out, "skipped: %s at %.3f ms because %s\n", skips[i].label,
                at_ms(m, skips[i].cycle), skips[i].reason);
    }
}

cJSON *scenario_skipped_json(const machine *m)
{
    machine_skip skips[64];
    size_t k = machine_skipped(m, skips, 64);
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < k && i < 64; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "what", skips[i].label);
        cJSON_AddNumberToObject(o, "cycle", (double)skips[i].cycle);
        cJSON_AddStringToObject(o, "reason", skips[i].reason);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

/* A scenario's faults on a machine: symbols resolved against the kernel
 * ELF and targets checked before the run, then scheduled as events. */
#include <stdio.h>
#include <string.h>

#include "scenario.h"

static int resolve_one(scenario_fault *f, const board *b, const elf_image *img, char *err,
                       size_t errlen)
{
    if (f->symbol != NULL) {
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
        if (s->faults[i].kind == SCN_FAULT_BITFLIP &&
            resolve_one(&s->faults[i], b, img, err, errlen) != 0) {
            return -1;
        }
    }
    return 0;
}

static void fault_label(const scenario_fault *f, char *buf, size_t len)
{
    if (f->kind == SCN_FAULT_REGISTER) {
        snprintf(buf, len, "register %s bit %u", scenario_register_name(f->reg), f->bit);
    } else if (f->symbol != NULL) {
        snprintf(buf, len, "bitflip %.40s (0x%08x) bit %u", f->symbol, f->address, f->bit);
    } else {
        snprintf(buf, len, "bitflip 0x%08x bit %u", f->address, f->bit);
    }
}

int scenario_schedule_faults(machine *m, const scenario *s, uint64_t hz)
{
    for (size_t i = 0; i < s->num_faults; i++) {
        const scenario_fault *f = &s->faults[i];
        uint64_t at = duration_cycles(f->at, hz);
        char label[96];
        fault_label(f, label, sizeof(label));
        int rc = f->kind == SCN_FAULT_REGISTER
                     ? machine_schedule_register_flip(m, at, f->reg, f->bit, label)
                     : machine_schedule_bitflip(m, at, f->address, f->bit, label);
        if (rc != 0) {
            return -1;
        }
    }
    return 0;
}

void scenario_print_injected(FILE *out, const machine *m)
{
    size_t n;
    const machine_injection *inj = machine_injections(m, &n);
    uint64_t hz = machine_board(m)->clock_hz;
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "injected: %s at %.3f ms\n", inj[i].label,
                hz ? (double)inj[i].cycle * 1000.0 / (double)hz : 0.0);
    }
}

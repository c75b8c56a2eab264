#include "report.h"

#include <string.h>

#include "kernel_info.h"
#include "measure.h"
#include "nvic.h"

const char *const report_class_keys[REPORT_CLASSES] = {
    "yield", "subscribe", "command", "allow_rw", "allow_ro", "memop", "exit", "allow_ur"};

static const struct {
    uint32_t bit;
    const char *name;
} cfsr_names[] = {
    {1u << 0, "IACCVIOL"},   {1u << 1, "DACCVIOL"},    {1u << 3, "MUNSTKERR"},
    {1u << 4, "MSTKERR"},    {1u << 5, "MLSPERR"},     {1u << 7, "MMARVALID"},
    {1u << 8, "IBUSERR"},    {1u << 9, "PRECISERR"},   {1u << 10, "IMPRECISERR"},
    {1u << 11, "UNSTKERR"},  {1u << 12, "STKERR"},     {1u << 13, "LSPERR"},
    {1u << 15, "BFARVALID"}, {1u << 16, "UNDEFINSTR"}, {1u << 17, "INVSTATE"},
    {1u << 18, "INVPC"},     {1u << 19, "NOCP"},       {1u << 24, "UNALIGNED"},
    {1u << 25, "DIVBYZERO"},
};

const char *report_end_name(enum run_end end)
{
    switch (end) {
    case END_TIME_LIMIT:
        return "time limit reached";
    case END_FIRMWARE_EXIT:
        return "firmware exit";
    case END_LOCKUP:
        return "LOCKUP";
    case END_ASLEEP_FOREVER:
        return "asleep with nothing left to wake it";
    default:
        return "internal simulator error";
    }
}

static void append(char *buf, size_t len, const char *word)
{
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "%s%s", used ? " " : "", word);
}

void report_fault_bits(uint32_t cfsr, uint32_t hfsr, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(cfsr_names) / sizeof(cfsr_names[0]); i++) {
        if (cfsr & cfsr_names[i].bit) {
            append(buf, len, cfsr_names[i].name);
        }
    }
    if (hfsr & (1u << 1)) {
        append(buf, len, "VECTTBL");
    }
    if (hfsr & (1u << 30)) {
        append(buf, len, "FORCED");
    }
    if (hfsr & (1u << 31)) {
        append(buf, len, "DEBUGEVT");
    }
}

static void print_exceptions(FILE *out, const machine_stats *s)
{
    fprintf(out, "exceptions:     %llu taken", (unsigned long long)s->exceptions_taken);
    uint64_t irqs = 0;
    const char *sep = " (";
    for (int exc = 1; exc < 16 + 240; exc++) {
        if (exc >= EXC_IRQ0) {
            irqs += s->per_exception[exc];
        } else if (s->per_exception[exc]) {
            fprintf(out, "%s%s %llu", sep, machine_exception_name(exc),
                    (unsigned long long)s->per_exception[exc]);
            sep = ", ";
        }
    }
    if (irqs) {
        fprintf(out, "%sIRQ %llu", sep, (unsigned long long)irqs);
        sep = ", ";
    }
    fprintf(out, "%s; %llu tail-chained, %llu returns\n", sep[0] == ',' ? ")" : "",
            (unsigned long long)s->tail_chains, (unsigned long long)s->exception_returns);
}

static void print_place(FILE *out, const machine *m, uint32_t pc)
{
    const elf_image *img = machine_image(m);
    const elf_symbol *sym = img ? elf_symbol_at(img, pc) : NULL;
    /* Only a symbol that plausibly contains pc names it. */
    uint32_t reach = sym && sym->size ? sym->size : 0x1000u;
    if (sym != NULL && pc - sym->addr < reach) {
        fprintf(out, " (%s+0x%x)", sym->name, pc - sym->addr);
    }
}

static void print_faults(FILE *out, const machine *m, const machine_stats *s)
{
    fprintf(out, "faults:         %llu\n", (unsigned long long)s->faults);
    for (unsigned i = 0; i < s->fault_log_len; i++) {
        const fault_record *f = &s->fault_log[i];
        char bits[160];
        report_fault_bits(f->cfsr, f->hfsr, bits, sizeof(bits));
        const char *taken = f->exception ? machine_exception_name(f->exception) : "lockup";
        fprintf(out, "  #%u %s at pc 0x%08x", i + 1, taken, f->pc);
        print_place(out, m, f->pc);
        fprintf(out, ": %s", bits[0] ? bits : "-");
        if (f->address_valid) {
            fprintf(out, ", address 0x%08x", f->address);
        }
        fprintf(out, "\n");
    }
}

static void print_cycles(FILE *out, const char *what, machine_cycles_summary c)
{
    fprintf(out, "%s%llu, cycles min %u / median %u / p99 %u / max %u\n", what,
            (unsigned long long)c.count, c.min, c.median, c.p99, c.max);
}

static void copy_table_entry(proc_figures *f, const kinfo_proc *k)
{
    f->in_table = true;
    snprintf(f->name, sizeof(f->name), "%s", k->name);
    f->state = k->state;
    f->restarts = k->restarts;
    f->heap_bytes = k->brk > k->heap_start ? k->brk - k->heap_start : 0;
    f->grant_bytes = k->kernel_lo > k->grant_lo ? k->kernel_lo - k->grant_lo : 0;
    f->ram_bytes = k->block_end - k->block;
    f->ram_start = k->block;
    f->stack_known = f->sp_seen && k->stack_top > k->block;
    if (f->stack_known) {
        f->stack_size = k->stack_top - k->block;
        f->stack_bytes = k->stack_top > f->lowest_sp ? k->stack_top - f->lowest_sp : 0;
    }
}

static void measured_figures(const measure *ms, const machine *m, unsigned i, proc_figures *f)
{
    const measure_proc *p = &ms->procs[i];
    const machine_stats *s = machine_get_stats(m);
    memset(f, 0, sizeof(*f));
    snprintf(f->name, sizeof(f->name), "image %u", i);
    f->state = "not loaded";
    f->cycles = measure_proc_cycles(ms, i, s->cycles, s->sleep_cycles);
    for (int c = 0; c < REPORT_CLASSES; c++) {
        f->syscalls[c] = p->syscalls[c];
        f->syscalls_total += p->syscalls[c];
    }
    f->upcalls = p->upcalls;
    f->faults = p->faults;
    f->sp_seen = p->sp_seen;
    f->lowest_sp = p->lowest_sp;
}

int report_processes(const machine *m, proc_figures *out, int max)
{
    const measure *ms = machine_measure(m);
    kinfo_proc table[KINFO_MAX_PROCS];
    char err[128];
    /* Reading guest memory changes nothing; the API wants a mutable machine. */
    int n = kinfo_procs((machine *)m, table, KINFO_MAX_PROCS, err, sizeof(err));
    int count = (int)ms->num_apps < max ? (int)ms->num_apps : max;
    for (int i = 0; i < count; i++) {
        measured_figures(ms, m, (unsigned)i, &out[i]);
        for (int k = 0; k < n; k++) {
            if (table[k].flash_start == ms->app_start[i]) {
                copy_table_entry(&out[i], &table[k]);
                break;
            }
        }
    }
    return count;
}

void report_energy(const machine *m, double *mj, double *average_ma)
{
    const machine_stats *s = machine_get_stats(m);
    const board *b = machine_board(m);
    double hz = b->clock_hz ? (double)b->clock_hz : 1.0;
    double asleep = (double)s->sleep_cycles, awake = (double)(s->cycles - s->sleep_cycles);
    /* mA x V x s = mJ */
    *mj = (b->active_ma * awake + b->sleep_ma * asleep) / hz * b->volts;
    *average_ma =
        s->cycles ? (b->active_ma * awake + b->sleep_ma * asleep) / (double)s->cycles : 0.0;
}

static void print_process(FILE *out, const proc_figures *f, uint64_t cycles)
{
    fprintf(out, "  %-12s %5.1f %% cycles (%llu), %llu syscalls, %llu upcalls, %llu faults",
            f->name, cycles ? 100.0 * (double)f->cycles / (double)cycles : 0.0,
            (unsigned long long)f->cycles, (unsigned long long)f->syscalls_total,
            (unsigned long long)f->upcalls, (unsigned long long)f->faults);
    if (!f->in_table) {
        fprintf(out, "; not in the kernel's process table\n");
        return;
    }
    fprintf(out, ", %u restarts, %s\n", f->restarts, f->state);
    fprintf(out, "  %-12s RAM %u at 0x%08x: ", "", f->ram_bytes, f->ram_start);
    if (f->stack_known) {
        fprintf(out, "stack %u of %u used, ", f->stack_bytes, f->stack_size);
    } else {
        fprintf(out, "stack unknown, ");
    }
    fprintf(out, "heap %u, grants %u bytes\n", f->heap_bytes, f->grant_bytes);
}

static void print_processes(FILE *out, const machine *m)
{
    proc_figures f[MEASURE_MAX_APPS];
    int n = report_processes(m, f, MEASURE_MAX_APPS);
    if (n > 0) {
        fprintf(out, "processes:\n");
    }
    for (int i = 0; i < n; i++) {
        print_process(out, &f[i], machine_get_stats(m)->cycles);
    }
}

static void print_irq_latency(FILE *out, const machine *m)
{
    cycle_summary c = measure_irq_summary(machine_measure(m));
    if (c.count) {
        machine_cycles_summary s = {c.count, c.min, c.median, c.p99, c.max};
        print_cycles(out, "irq latency:    interrupts ", s);
    }
}

static void print_energy(FILE *out, const machine *m)
{
    const board *b = machine_board(m);
    double mj, ma;
    report_energy(m, &mj, &ma);
    fprintf(out, "energy:         %.3f mJ, average %.3f mA (board power: active %g mA, ", mj, ma,
            b->active_ma);
    fprintf(out, "sleep %g mA, %g V)\n", b->sleep_ma, b->volts);
}

/* Measured from outside the kernel: see sim/measure.h. */
static void print_process_figures(FILE *out, const machine *m)
{
    static const char *const classes[8] = {"yield",    "subscribe", "command", "allow-rw",
                                           "allow-ro", "memop",     "exit",    "allow-ur"};
    machine_cycles_summary sw = machine_switch_cycles(m);
    if (sw.count) {
        print_cycles(out, "switches:       process to process ", sw);
    }
    for (int cls = 0; cls < 8; cls++) {
        machine_cycles_summary c = machine_syscall_cycles(m, cls);
        if (c.count) {
            char label[64];
            snprintf(label, sizeof(label), "syscall %-9s round trips ", classes[cls]);
            fprintf(out, "%-16s", "");
            print_cycles(out, label, c);
        }
    }
}

void report_summary(FILE *out, const machine *m, const run_result *r, double host_seconds)
{
    const machine_stats *s = machine_get_stats(m);
    const board *b = machine_board(m);
    double secs = (double)s->cycles / (double)b->clock_hz;
    fprintf(out, "---- bulwark summary (%s) ----\n", b->name);
    fprintf(out, "end:            %s", report_end_name(r->end));
    if (r->end == END_FIRMWARE_EXIT) {
        fprintf(out, ", code %u", r->exit_code);
    }
    fprintf(out, "%s%s\n", r->detail[0] ? ": " : "", r->detail);
    fprintf(out, "simulated time: %.6f s (%llu cycles at %.3f MHz)\n", secs,
            (unsigned long long)s->cycles, (double)b->clock_hz / 1e6);
    fprintf(out, "instructions:   %llu\n", (unsigned long long)s->instructions);
    fprintf(out, "sleep:          %.1f %% of cycles\n",
            s->cycles ? 100.0 * (double)s->sleep_cycles / (double)s->cycles : 0.0);
    print_exceptions(out, s);
    print_faults(out, m, s);
    print_irq_latency(out, m);
    print_process_figures(out, m);
    print_processes(out, m);
    print_energy(out, m);
    fprintf(out, "protection:     %llu context changes, %llu MPU recomputes, %llu page updates\n",
            (unsigned long long)s->protection_applies, (unsigned long long)s->protection_recomputes,
            (unsigned long long)s->protect_calls);
    if (s->bus_errors) {
        fprintf(out, "bus errors:     %llu (bad width or no device)\n",
                (unsigned long long)s->bus_errors);
    }
    fprintf(out, "host:           %.3f s, %.1f MIPS\n", host_seconds,
            host_seconds > 0 ? (double)s->instructions / host_seconds / 1e6 : 0.0);
}

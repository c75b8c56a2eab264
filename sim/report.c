#include "report.h"

#include <string.h>

#include "nvic.h"

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
    print_process_figures(out, m);
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

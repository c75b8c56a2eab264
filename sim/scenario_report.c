/* The --report JSON.  Keys are stable and documented in scenarios/SCHEMA.md;
 * nothing host-dependent (wall time) goes in, so the same scenario and seed
 * give the same bytes. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "measure.h"
#include "nvic.h"
#include "report.h"
#include "scenario_check.h"

static cJSON *cycles_json(machine_cycles_summary c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "count", (double)c.count);
    cJSON_AddNumberToObject(o, "min", c.min);
    cJSON_AddNumberToObject(o, "median", c.median);
    cJSON_AddNumberToObject(o, "p99", c.p99);
    cJSON_AddNumberToObject(o, "max", c.max);
    return o;
}

static cJSON *exceptions_json(const machine_stats *st)
{
    cJSON *o = cJSON_CreateObject();
    uint64_t irqs = 0;
    for (int exc = 1; exc < 16 + 240; exc++) {
        if (exc >= EXC_IRQ0) {
            irqs += st->per_exception[exc];
        } else if (st->per_exception[exc]) {
            cJSON_AddNumberToObject(o, machine_exception_name(exc), (double)st->per_exception[exc]);
        }
    }
    cJSON_AddNumberToObject(o, "IRQ", (double)irqs);
    return o;
}

static cJSON *faults_json(const scenario *s, const machine_stats *st, const app_placement *p)
{
    cJSON *a = cJSON_CreateArray();
    for (unsigned i = 0; i < st->fault_log_len; i++) {
        const fault_record *f = &st->fault_log[i];
        cJSON *o = cJSON_CreateObject();
        char bits[160];
        int app = scenario_app_at(p, f->pc);
        report_fault_bits(f->cfsr, f->hfsr, bits, sizeof(bits));
        cJSON_AddNumberToObject(o, "cycle", (double)f->cycle);
        cJSON_AddStringToObject(o, "exception",
                                f->exception ? machine_exception_name(f->exception) : "lockup");
        cJSON_AddStringToObject(o, "cause", machine_exception_name(f->cause));
        cJSON_AddNumberToObject(o, "pc", f->pc);
        cJSON_AddStringToObject(o, "bits", bits);
        cJSON_AddItemToObject(
            o, "address", f->address_valid ? cJSON_CreateNumber(f->address) : cJSON_CreateNull());
        cJSON_AddItemToObject(
            o, "app", app >= 0 ? cJSON_CreateString(s->apps[app].name) : cJSON_CreateNull());
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

/* Faults the scenario injected, in the order they were applied. */
static cJSON *injected_json(const machine *m)
{
    cJSON *a = cJSON_CreateArray();
    size_t n;
    const machine_injection *inj = machine_injections(m, &n);
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "what", inj[i].label);
        cJSON_AddNumberToObject(o, "cycle", (double)inj[i].cycle);
        cJSON_AddStringToObject(o, "kind", inj[i].kind ? inj[i].kind : "bitflip");
        if (inj[i].is_register) {
            cJSON_AddStringToObject(o, "register", scenario_register_name(inj[i].reg));
        } else {
            cJSON_AddNumberToObject(o, "address", inj[i].address);
        }
        cJSON_AddNumberToObject(o, "bit", inj[i].bit);
        cJSON_AddNumberToObject(o, "before", inj[i].before);
        cJSON_AddNumberToObject(o, "after", inj[i].after);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *syscalls_json(const machine *m)
{
    cJSON *o = cJSON_CreateObject();
    for (int cls = 0; cls < REPORT_CLASSES; cls++) {
        cJSON_AddItemToObject(o, report_class_keys[cls],
                              cycles_json(machine_syscall_cycles(m, cls)));
    }
    return o;
}

static cJSON *summary_json(cycle_summary c)
{
    machine_cycles_summary s = {c.count, c.min, c.median, c.p99, c.max};
    return cycles_json(s);
}

/* Only interrupts that were taken at least once, keyed by IRQ number. */
static cJSON *irq_latency_json(const measure *ms)
{
    cJSON *o = cJSON_CreateObject();
    for (int irq = 0; irq < MEASURE_MAX_IRQS; irq++) {
        if (ms->irq_latency[irq].n) {
            char key[8];
            snprintf(key, sizeof(key), "%d", irq);
            cJSON_AddItemToObject(o, key, summary_json(measure_summarize(&ms->irq_latency[irq])));
        }
    }
    return o;
}

static cJSON *proc_syscalls_json(const proc_figures *f)
{
    cJSON *o = cJSON_CreateObject();
    for (int cls = 0; cls < REPORT_CLASSES; cls++) {
        cJSON_AddNumberToObject(o, report_class_keys[cls], (double)f->syscalls[cls]);
    }
    cJSON_AddNumberToObject(o, "total", (double)f->syscalls_total);
    return o;
}

static cJSON *number_or_null(bool known, double v)
{
    return known ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

/* Figures the kernel's process table gives are null when it has none. */
static cJSON *process_json(const scenario *s, unsigned i, const proc_figures *f)
{
    cJSON *o = cJSON_CreateObject();
    bool t = f->in_table;
    cJSON_AddStringToObject(o, "name", f->name);
    cJSON_AddStringToObject(o, "app", i < s->num_apps ? s->apps[i].name : "");
    cJSON_AddStringToObject(o, "state", f->state);
    cJSON_AddItemToObject(o, "restarts", number_or_null(t, f->restarts));
    cJSON_AddNumberToObject(o, "cycles", (double)f->cycles);
    cJSON_AddItemToObject(o, "syscalls", proc_syscalls_json(f));
    cJSON_AddNumberToObject(o, "upcalls", (double)f->upcalls);
    cJSON_AddNumberToObject(o, "faults", (double)f->faults);
    cJSON_AddItemToObject(o, "stack_lowest_sp", number_or_null(f->sp_seen, f->lowest_sp));
    cJSON_AddItemToObject(o, "stack_bytes", number_or_null(f->stack_known, f->stack_bytes));
    cJSON_AddItemToObject(o, "stack_size", number_or_null(f->stack_known, f->stack_size));
    cJSON_AddItemToObject(o, "heap_bytes", number_or_null(t, f->heap_bytes));
    cJSON_AddItemToObject(o, "grant_bytes", number_or_null(t, f->grant_bytes));
    cJSON_AddItemToObject(o, "ram_bytes", number_or_null(t, f->ram_bytes));
    cJSON_AddItemToObject(o, "ram_start", number_or_null(t, f->ram_start));
    return o;
}

static cJSON *processes_json(const scenario *s, const machine *m)
{
    proc_figures f[MEASURE_MAX_APPS];
    int n = report_processes(m, f, MEASURE_MAX_APPS);
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        cJSON_AddItemToArray(a, process_json(s, (unsigned)i, &f[i]));
    }
    return a;
}

void scenario_add_measurements(void *obj, const scenario *s, const machine *m)
{
    cJSON *o = obj;
    const measure *ms = machine_measure(m);
    double mj, ma;
    report_energy(m, &mj, &ma);
    cJSON_AddNumberToObject(o, "energy_mj", mj);
    cJSON_AddNumberToObject(o, "average_current_ma", ma);
    cJSON_AddItemToObject(o, "switch_cycles", cycles_json(machine_switch_cycles(m)));
    cJSON_AddItemToObject(o, "syscall_cycles", syscalls_json(m));
    cJSON_AddItemToObject(o, "irq_latency_cycles", summary_json(measure_irq_summary(ms)));
    cJSON_AddItemToObject(o, "irq_latency_cycles_per_irq", irq_latency_json(ms));
    cJSON_AddItemToObject(o, "processes", processes_json(s, m));
}

static void add_run(cJSON *o, const machine *m, const run_result *r);

void *scenario_metrics_json(const scenario *s, const machine *m, const run_result *r)
{
    cJSON *o = cJSON_CreateObject();
    add_run(o, m, r);
    scenario_add_measurements(o, s, m);
    return o;
}

static cJSON *uart_text(const machine *m, int index)
{
    size_t len;
    const uint8_t *bytes = machine_uart_log(m, index, &len);
    char *text = calloc(len + 1, 1);
    if (len) {
        memcpy(text, bytes, len);
    }
    cJSON *s = cJSON_CreateString(text);
    free(text);
    return s;
}

void *scenario_verdicts_json(const scenario_verdict *v, size_t n, bool *passed)
{
    cJSON *a = cJSON_CreateArray();
    *passed = true;
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "expect", v[i].what);
        cJSON_AddStringToObject(o, "subject", v[i].subject);
        cJSON_AddBoolToObject(o, "passed", v[i].passed);
        cJSON_AddStringToObject(o, "reason", v[i].reason);
        cJSON_AddItemToArray(a, o);
        *passed = *passed && v[i].passed;
    }
    return a;
}

static void add_run(cJSON *o, const machine *m, const run_result *r)
{
    const machine_stats *st = machine_get_stats(m);
    const board *b = machine_board(m);
    cJSON_AddStringToObject(o, "end", scenario_end_key(r->end));
    cJSON_AddStringToObject(o, "end_detail", r->detail);
    cJSON_AddNumberToObject(o, "exit_code", r->exit_code);
    cJSON_AddNumberToObject(o, "clock_hz", (double)b->clock_hz);
    cJSON_AddNumberToObject(o, "cycles", (double)st->cycles);
    cJSON_AddNumberToObject(o, "instructions", (double)st->instructions);
    cJSON_AddNumberToObject(o, "sleep_fraction",
                            st->cycles ? (double)st->sleep_cycles / (double)st->cycles : 0.0);
    cJSON_AddNumberToObject(o, "exceptions_taken", (double)st->exceptions_taken);
    cJSON_AddItemToObject(o, "exceptions", exceptions_json(st));
    cJSON_AddNumberToObject(o, "fault_count", (double)st->faults);
}

void *scenario_report_json(const scenario *s, const machine *m, const run_result *r,
                           const app_placement *placed, const scenario_verdict *v, size_t n)
{
    size_t len;
    const uint8_t *uart = machine_uart_log(m, 0, &len);
    char *text = calloc(len + 1, 1);
    if (text != NULL && len > 0) { /* no output yet: uart may be NULL */
        memcpy(text, uart, len);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "bulwark_report", 1);
    cJSON_AddStringToObject(o, "scenario", s->name);
    cJSON_AddStringToObject(o, "board", machine_board(m)->name);
    cJSON_AddNumberToObject(o, "seed", (double)s->seed);
    add_run(o, m, r);
    cJSON_AddItemToObject(o, "faults", faults_json(s, machine_get_stats(m), placed));
    cJSON_AddItemToObject(o, "injected", injected_json(m));
    cJSON_AddItemToObject(o, "skipped", scenario_skipped_json(m));
    scenario_add_measurements(o, s, m);
    bool passed;
    cJSON *list = scenario_verdicts_json(v, n, &passed);
    cJSON_AddBoolToObject(o, "passed", passed);
    cJSON_AddItemToObject(o, "expectations", list);
    cJSON_AddStringToObject(o, "uart0", text);
    cJSON_AddItemToObject(o, "uart1", uart_text(m, 1));
    cJSON_AddItemToObject(o, "uart2", uart_text(m, 2));
    free(text);
    return o;
}

int scenario_write_json(const char *path, void *obj)
{
    char *json = cJSON_Print(obj);
    FILE *f = fopen(path, "w");
    int rc = json != NULL && f != NULL && fprintf(f, "%s\n", json) > 0 ? 0 : -1;
    if (f != NULL && fclose(f) != 0) {
        rc = -1;
    }
    free(json);
    cJSON_Delete(obj);
    return rc;
}

int scenario_write_report(const char *path, const scenario *s, const machine *m,
                          const run_result *r, const app_placement *placed,
                          const scenario_verdict *v, size_t n)
{
    return scenario_write_json(path, scenario_report_json(s, m, r, placed, v, n));
}

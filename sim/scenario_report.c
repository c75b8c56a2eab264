/* The --report JSON.  Keys are stable and documented in scenarios/SCHEMA.md;
 * nothing host-dependent (wall time) goes in, so the same scenario and seed
 * give the same bytes. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

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
        cJSON_AddStringToObject(o, "kind", inj[i].is_register ? "register" : "bitflip");
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
    static const char *const classes[8] = {"yield",    "subscribe", "command", "allow_rw",
                                           "allow_ro", "memop",     "exit",    "allow_ur"};
    cJSON *o = cJSON_CreateObject();
    for (int cls = 0; cls < 8; cls++) {
        cJSON_AddItemToObject(o, classes[cls], cycles_json(machine_syscall_cycles(m, cls)));
    }
    return o;
}

static cJSON *verdicts_json(const scenario_verdict *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "expect", v[i].what);
        cJSON_AddStringToObject(o, "subject", v[i].subject);
        cJSON_AddBoolToObject(o, "passed", v[i].passed);
        cJSON_AddStringToObject(o, "reason", v[i].reason);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static bool all_passed(const scenario_verdict *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!v[i].passed) {
            return false;
        }
    }
    return true;
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

int scenario_write_report(const char *path, const scenario *s, const machine *m,
                          const run_result *r, const app_placement *placed,
                          const scenario_verdict *v, size_t n)
{
    size_t len;
    const uint8_t *uart = machine_uart_log(m, 0, &len);
    char *text = calloc(len + 1, 1);
    memcpy(text, uart, len);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "bulwark_report", 1);
    cJSON_AddStringToObject(o, "scenario", s->name);
    cJSON_AddStringToObject(o, "board", machine_board(m)->name);
    cJSON_AddNumberToObject(o, "seed", (double)s->seed);
    add_run(o, m, r);
    cJSON_AddItemToObject(o, "faults", faults_json(s, machine_get_stats(m), placed));
    cJSON_AddItemToObject(o, "injected", injected_json(m));
    cJSON_AddItemToObject(o, "switch_cycles", cycles_json(machine_switch_cycles(m)));
    cJSON_AddItemToObject(o, "syscall_cycles", syscalls_json(m));
    cJSON_AddBoolToObject(o, "passed", all_passed(v, n));
    cJSON_AddItemToObject(o, "expectations", verdicts_json(v, n));
    cJSON_AddStringToObject(o, "uart0", text);
    char *json = cJSON_Print(o);
    FILE *f = fopen(path, "w");
    int rc = f != NULL && fprintf(f, "%s\n", json) > 0 ? 0 : -1;
    if (f != NULL && fclose(f) != 0) {
        rc = -1;
    }
    free(json);
    free(text);
    cJSON_Delete(o);
    return rc;
}

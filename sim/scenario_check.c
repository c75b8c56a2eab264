/* Expectations are checked from outside the kernel: UART0's bytes, how the
 * run ended and the fault log the exception engine kept. */
#include "scenario_check.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "scenario_procs.h"

typedef struct check_ctx {
    const scenario *s;
    const machine *m;
    const run_result *r;
    const app_placement *placed;
    char *uart; /* UART0 output as a C string */
    scenario_verdict *v;
    size_t n;
} check_ctx;

static scenario_verdict *verdict(check_ctx *c, const char *what, const char *subject)
{
    scenario_verdict *v = &c->v[c->n++];
    memset(v, 0, sizeof(*v));
    snprintf(v->what, sizeof(v->what), "%s", what);
    snprintf(v->subject, sizeof(v->subject), "%s", subject);
    v->passed = true;
    return v;
}

int scenario_app_at(const app_placement *placed, uint32_t pc)
{
    for (unsigned i = 0; i < placed->count; i++) {
        if (pc - placed->start[i] < placed->size[i]) {
            return (int)i;
        }
    }
    return -1;
}

static void check_uart(check_ctx *c)
{
    const scenario_expect *e = &c->s->expect;
    for (size_t i = 0; i < e->uart_contains.n; i++) {
        scenario_verdict *v = verdict(c, "uart_contains", e->uart_contains.v[i]);
        v->passed = strstr(c->uart, e->uart_contains.v[i]) != NULL;
        snprintf(v->reason, sizeof(v->reason), "%s", v->passed ? "found" : "not in UART0 output");
    }
    for (size_t i = 0; i < e->uart_not_contains.n; i++) {
        scenario_verdict *v = verdict(c, "uart_not_contains", e->uart_not_contains.v[i]);
        v->passed = strstr(c->uart, e->uart_not_contains.v[i]) == NULL;
        snprintf(v->reason, sizeof(v->reason), "%s",
                 v->passed ? "absent" : "found in UART0 output");
    }
    for (size_t i = 0; i < e->num_regex; i++) {
        scenario_verdict *v = verdict(c, "uart_matches", e->uart_matches.v[i]);
        v->passed = regexec(&e->uart_regex[i], c->uart, 0, NULL, 0) == 0;
        snprintf(v->reason, sizeof(v->reason), "%s",
                 v->passed ? "matched" : "no match in UART0 output");
    }
}

static void check_exit(check_ctx *c)
{
    const scenario_expect *e = &c->s->expect;
    if (!e->has_exit) {
        return;
    }
    scenario_verdict *v = verdict(c, "exit", scenario_end_key(e->exit));
    v->passed = c->r->end == e->exit;
    snprintf(v->reason, sizeof(v->reason), "run ended: %s%s%s", scenario_end_key(c->r->end),
             c->r->detail[0] ? ": " : "", c->r->detail);
}

static bool named(const string_list *names, const char *name)
{
    for (size_t i = 0; i < names->n; i++) {
        if (strcmp(names->v[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* Every logged fault must be at a pc in one of the named apps' images. */
static void check_faults(check_ctx *c)
{
    const scenario_expect *e = &c->s->expect;
    if (!e->has_no_faults_outside) {
        return;
    }
    const machine_stats *st = machine_get_stats(c->m);
    scenario_verdict *v = verdict(c, "no_faults_outside", "");
    for (size_t i = 0; i < e->no_faults_outside.n; i++) {
        size_t used = strlen(v->subject);
        snprintf(v->subject + used, sizeof(v->subject) - used, "%s%s", i ? ", " : "",
                 e->no_faults_outside.v[i]);
    }
    snprintf(v->reason, sizeof(v->reason), "%llu faults, all inside",
             (unsigned long long)st->faults);
    for (unsigned i = 0; i < st->fault_log_len; i++) {
        const fault_record *f = &st->fault_log[i];
        int app = scenario_app_at(c->placed, f->pc);
        if (app < 0 || !named(&e->no_faults_outside, c->s->apps[app].name)) {
            v->passed = false;
            snprintf(v->reason, sizeof(v->reason), "fault #%u (%s) at pc 0x%08x in %s", i + 1,
                     machine_exception_name(f->exception ? f->exception : f->cause), f->pc,
                     app < 0 ? "the kernel or outside any app" : c->s->apps[app].name);
            return;
        }
    }
    if (st->faults > st->fault_log_len) {
        v->passed = false; /* the unlogged ones could be anywhere */
        snprintf(v->reason, sizeof(v->reason), "%llu faults but only %u logged: cannot check",
                 (unsigned long long)st->faults, st->fault_log_len);
    }
}

static void check_kernel_alive(check_ctx *c)
{
    const scenario_expect *e = &c->s->expect;
    if (!e->has_kernel_alive) {
        return;
    }
    scenario_verdict *v = verdict(c, "kernel_alive", e->kernel_alive ? "true" : "false");
    bool panicked = strstr(c->uart, "[kernel] panic") != NULL;
    bool dead = panicked || c->r->end == END_LOCKUP || c->r->end == END_INTERNAL_ERROR;
    v->passed = dead != e->kernel_alive;
    snprintf(v->reason, sizeof(v->reason), "%s",
             panicked ? "\"[kernel] panic\" in UART0 output"
             : dead   ? report_end_name(c->r->end)
                      : "no panic, no lockup");
}

/* Process state and restart count, as the kernel's own lines tell them. */
static void check_procs(check_ctx *c)
{
    const scenario_expect *e = &c->s->expect;
    scenario_proc_state st;
    for (size_t i = 0; i < e->num_states; i++) {
        scenario_verdict *v = verdict(c, "process_state", e->states[i].name);
        scenario_proc_tally(c->uart, e->states[i].name, &st);
        v->passed = strcmp(st.state, e->states[i].state) == 0;
        snprintf(v->reason, sizeof(v->reason), "%s (expected %s)", st.state, e->states[i].state);
    }
    for (size_t i = 0; i < e->num_restarts; i++) {
        scenario_verdict *v = verdict(c, "restarts", e->restarts[i].name);
        scenario_proc_tally(c->uart, e->restarts[i].name, &st);
        v->passed = st.restarts == e->restarts[i].restarts;
        snprintf(v->reason, sizeof(v->reason), "%ld restarts (expected %ld)", st.restarts,
                 e->restarts[i].restarts);
    }
}

size_t scenario_check(const scenario *s, const machine *m, const run_result *r,
                      const app_placement *placed, scenario_verdict **out)
{
    const scenario_expect *e = &s->expect;
    size_t len, max = e->uart_contains.n + e->uart_not_contains.n + e->num_regex + 3 +
                      e->num_states + e->num_restarts;
    const uint8_t *bytes = machine_uart_log(m, 0, &len);
    check_ctx c = {.s = s, .m = m, .r = r, .placed = placed};
    c.v = calloc(max, sizeof(*c.v));
    c.uart = malloc(len + 1);
    if (len) {
        memcpy(c.uart, bytes, len);
    }
    c.uart[len] = '\0';
    check_uart(&c);
    check_exit(&c);
    check_faults(&c);
    check_kernel_alive(&c);
    check_procs(&c);
    free(c.uart);
    *out = c.v;
    return c.n;
}

void scenario_print_verdicts(FILE *out, const scenario_verdict *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s %s \"%s\": %s\n", v[i].passed ? "PASS" : "FAIL", v[i].what, v[i].subject,
                v[i].reason);
    }
}

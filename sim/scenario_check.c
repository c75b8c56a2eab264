/* Expectations are checked from outside the kernel: UART0's bytes, how the
 * run ended and the fault log the exception engine kept. */
#include "scenario_check.h"

#include <cjson/cJSON.h>
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

static bool in_list(const char *const *list, const char *word)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcmp(list[i], word) == 0) {
            return true;
        }
    }
    return false;
}

static const char *const dist_keys[] = {"count", "min", "median", "p99", "max", NULL};
static const char *const class_keys[] = {"yield", "subscribe", "command",  "allow_rw", "allow_ro",
                                         "memop", "exit",      "allow_ur", NULL};

static bool known_irq(const char *word)
{
    char *end;
    long n = strtol(word, &end, 10);
    /* spelled as the report's keys: decimal, no leading zero */
    bool canonical = word[0] >= '1' || (word[0] == '0' && word[1] == '\0');
    return canonical && word[0] <= '9' && *end == '\0' && n < 240;
}

static bool known_app(const scenario *s, const char *name)
{
    for (size_t i = 0; i < s->num_apps; i++) {
        if (strcmp(s->apps[i].name, name) == 0) {
            return true;
        }
    }
    return false;
}

/* processes.APP.FIELD or processes.APP.syscalls.CLASS|total */
static bool known_process_metric(const scenario *s, char **w, int n)
{
    static const char *const fields[] = {
        "restarts",        "cycles",      "upcalls",    "faults",
        "stack_lowest_sp", "stack_bytes", "stack_size", "heap_bytes",
        "grant_bytes",     "ram_bytes",   NULL};
    if (n < 3 || !known_app(s, w[1])) {
        return false;
    }
    if (n == 3) {
        return in_list(fields, w[2]);
    }
    return n == 4 && strcmp(w[2], "syscalls") == 0 &&
           (in_list(class_keys, w[3]) || strcmp(w[3], "total") == 0);
}

static bool known_words(const scenario *s, char **w, int n)
{
    static const char *const scalars[] = {
        "cycles",      "instructions", "sleep_fraction",     "exceptions_taken",
        "fault_count", "energy_mj",    "average_current_ma", "exit_code",
        NULL};
    if (n == 1) {
        return in_list(scalars, w[0]);
    }
    if (n == 2 && (strcmp(w[0], "switch_cycles") == 0 || strcmp(w[0], "irq_latency_cycles") == 0)) {
        return in_list(dist_keys, w[1]);
    }
    if (n == 3 && strcmp(w[0], "syscall_cycles") == 0) {
        return in_list(class_keys, w[1]) && in_list(dist_keys, w[2]);
    }
    if (n == 3 && strcmp(w[0], "irq_latency_cycles_per_irq") == 0) {
        return known_irq(w[1]) && in_list(dist_keys, w[2]);
    }
    return strcmp(w[0], "processes") == 0 && known_process_metric(s, w, n);
}

#define METRIC_MAX_WORDS 6

/* Splits a copy of name at dots into w[]; returns the count (0: too many
 * or an empty word). */
static int split_metric(char *copy, char **w)
{
    int n = 0;
    for (char *p = copy; n < METRIC_MAX_WORDS; n++) {
        w[n] = p;
        char *dot = strchr(p, '.');
        if (*p == '\0' || dot == p) {
            return 0;
        }
        if (dot == NULL) {
            return n + 1;
        }
        *dot = '\0';
        p = dot + 1;
    }
    return 0;
}

bool scenario_metric_known(const scenario *s, const char *name)
{
    char copy[256], *w[METRIC_MAX_WORDS];
    if (strlen(name) >= sizeof(copy)) {
        return false;
    }
    snprintf(copy, sizeof(copy), "%s", name);
    int n = split_metric(copy, w);
    return n > 0 && known_words(s, w, n);
}

static bool is_app(const cJSON *proc, const char *name)
{
    const char *app = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(proc, "app"));
    return app != NULL && strcmp(app, name) == 0;
}

/* The report value at the metric's path; NULL with why when there is none
 * (a distribution without samples, a figure the kernel's table lacked). */
static const cJSON *metric_value(const cJSON *root, const char *name, const char **why)
{
    char copy[256], *w[METRIC_MAX_WORDS];
    snprintf(copy, sizeof(copy), "%s", name);
    int n = split_metric(copy, w);
    const cJSON *node = root;
    *why = "not in the report";
    for (int i = 0; i < n && node != NULL; i++) {
        if (cJSON_IsArray(node)) { /* processes: the first image of that app */
            const cJSON *it = node->child;
            while (it != NULL && !is_app(it, w[i])) {
                it = it->next;
            }
            node = it;
            continue;
        }
        const cJSON *count = cJSON_GetObjectItemCaseSensitive(node, "count");
        if (cJSON_IsNumber(count) && count->valuedouble == 0 && strcmp(w[i], "count") != 0) {
            *why = "no samples";
            return NULL;
        }
        node = cJSON_GetObjectItemCaseSensitive(node, w[i]);
    }
    if (node != NULL && cJSON_IsNull(node)) {
        *why = "not known (the kernel's process table did not give it)";
    }
    if (node == NULL && n == 3 && strcmp(w[0], "irq_latency_cycles_per_irq") == 0) {
        *why = "no samples";
    }
    return cJSON_IsNumber(node) ? node : NULL;
}

/* "min 100, max 400", "max 400" */
static void metric_bounds(const scenario_metric *mt, char *buf, size_t len)
{
    buf[0] = '\0';
    if (mt->has_min) {
        snprintf(buf, len, "min %.10g", mt->min);
    }
    if (mt->has_max) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%smax %.10g", used ? ", " : "", mt->max);
    }
}

static void check_metrics(check_ctx *c)
{
    const scenario_expect *e = &c->s->expect;
    if (e->num_metrics == 0) {
        return;
    }
    cJSON *root = scenario_metrics_json(c->s, c->m, c->r);
    for (size_t i = 0; i < e->num_metrics; i++) {
        const scenario_metric *mt = &e->metrics[i];
        scenario_verdict *v = verdict(c, "metric", mt->name);
        const char *why;
        const cJSON *val = metric_value(root, mt->name, &why);
        char bounds[96];
        metric_bounds(mt, bounds, sizeof(bounds));
        if (val == NULL) {
            v->passed = false;
            snprintf(v->reason, sizeof(v->reason), "%s (expected %s)", why, bounds);
            continue;
        }
        double x = val->valuedouble;
        v->passed = (!mt->has_min || x >= mt->min) && (!mt->has_max || x <= mt->max);
        snprintf(v->reason, sizeof(v->reason), "%.10g (expected %s)", x, bounds);
    }
    cJSON_Delete(root);
}

static char *uart_string(const machine *m, int index)
{
    size_t len;
    const uint8_t *bytes = machine_uart_log(m, index, &len);
    char *text = malloc(len + 1);
    if (len) {
        memcpy(text, bytes, len);
    }
    text[len] = '\0';
    return text;
}

/* "uart1"/"uart2": the same three checks as UART0's, on that UART's bytes. */
static void check_other_uart(check_ctx *c, int index)
{
    const scenario_uart_expect *u = &c->s->expect.uart[index];
    char what[32], where[16];
    char *text = uart_string(c->m, index);
    snprintf(where, sizeof(where), "UART%d", index);
    for (size_t i = 0; i < u->contains.n; i++) {
        snprintf(what, sizeof(what), "uart%d_contains", index);
        scenario_verdict *v = verdict(c, what, u->contains.v[i]);
        v->passed = strstr(text, u->contains.v[i]) != NULL;
        snprintf(v->reason, sizeof(v->reason), v->passed ? "found" : "not in %s output", where);
    }
    for (size_t i = 0; i < u->not_contains.n; i++) {
        snprintf(what, sizeof(what), "uart%d_not_contains", index);
        scenario_verdict *v = verdict(c, what, u->not_contains.v[i]);
        v->passed = strstr(text, u->not_contains.v[i]) == NULL;
        snprintf(v->reason, sizeof(v->reason), v->passed ? "absent" : "found in %s output", where);
    }
    for (size_t i = 0; i < u->num_regex; i++) {
        snprintf(what, sizeof(what), "uart%d_matches", index);
        scenario_verdict *v = verdict(c, what, u->matches.v[i]);
        v->passed = regexec(&u->regex[i], text, 0, NULL, 0) == 0;
        snprintf(v->reason, sizeof(v->reason), v->passed ? "matched" : "no match in %s output",
                 where);
    }
    free(text);
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
                      e->num_states + e->num_restarts + e->num_metrics;
    for (int u = 1; u < 3; u++) {
        max += e->uart[u].contains.n + e->uart[u].not_contains.n + e->uart[u].num_regex;
    }
    const uint8_t *bytes = machine_uart_log(m, 0, &len);
    check_ctx c = {.s = s, .m = m, .r = r, .placed = placed};
    c.v = calloc(max, sizeof(*c.v));
    c.uart = malloc(len + 1);
    if (len) {
        memcpy(c.uart, bytes, len);
    }
    c.uart[len] = '\0';
    check_uart(&c);
    check_other_uart(&c, 1);
    check_other_uart(&c, 2);
    check_exit(&c);
    check_faults(&c);
    check_kernel_alive(&c);
    check_procs(&c);
    check_metrics(&c);
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

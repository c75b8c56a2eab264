/* `bulwark run` for a scenario with "nodes": one machine per node, each with
 * its own Unicorn instance, advanced in lockstep NODE_QUANTUM_US of
 * simulated time at a time.  Between two quanta every node has reached the
 * same time: that is where a radio medium will carry frames from node to
 * node.  Nodes always run in file order, quantum by quantum, so the same
 * scenario and seed give the same run. */
#define _GNU_SOURCE /* fopencookie */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "commands.h"
#include "junit_out.h"
#include "report.h"
#include "scenario_check.h"
#include "scenario_nodes.h"

/* A node's UART0 on stdout a whole line at a time behind "[name] ", so
 * lines of different nodes never mix. */
typedef struct prefixed {
    const char *name;
    char line[1024];
    size_t len;
} prefixed;

typedef struct node_rt {
    scenario *s;
    board b;
    elf_image img;
    bool loaded; /* img holds the kernel ELF */
    app_placement placed;
    prefixed out;
    FILE *uart; /* the prefixing stream, or NULL (one node: plain stdout) */
    machine *m;
    run_result r;
    bool done;
    uint64_t end; /* the cycle the node's run ends at */
    double host;  /* host seconds spent running it */
} node_rt;

static void prefixed_flush(prefixed *p)
{
    if (p->len == 0) {
        return;
    }
    bool newline = p->line[p->len - 1] == '\n';
    printf("[%s] %.*s%s", p->name, (int)p->len, p->line, newline ? "" : "\n");
    p->len = 0;
}

static ssize_t prefixed_write(void *cookie, const char *buf, size_t n)
{
    prefixed *p = cookie;
    for (size_t i = 0; i < n; i++) {
        p->line[p->len++] = buf[i];
        if (buf[i] == '\n' || p->len == sizeof(p->line)) {
            prefixed_flush(p);
        }
    }
    return (ssize_t)n;
}

static int prefixed_close(void *cookie)
{
    prefixed_flush(cookie);
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int prepare_nodes(scenario *s, node_rt *n)
{
    for (size_t i = 0; i < s->num_nodes; i++) {
        n[i].s = &s->nodes[i];
        n[i].s->seed = s->seed; /* --seed is given once, for the whole scenario */
        /* each node draws its own "random_faults", from seed + its index */
        if (scenario_draw_random_faults(n[i].s, (uint64_t)s->seed + i, 0) < 0) {
            return EXIT_INTERNAL;
        }
        int status = scenario_run_prepare(n[i].s, &n[i].b, &n[i].img, &n[i].placed);
        if (status != EXIT_OK) {
            fprintf(stderr, "bulwark: the error above is in node %s\n", n[i].s->node_name);
            return status;
        }
        n[i].loaded = true;
    }
    return EXIT_OK;
}

static FILE *open_prefixed(node_rt *n)
{
    cookie_io_functions_t io = {.write = prefixed_write, .close = prefixed_close};
    n->out.name = n->s->node_name;
    n->uart = fopencookie(&n->out, "w", io);
    if (n->uart != NULL) {
        setvbuf(n->uart, NULL, _IONBF, 0); /* lines leave as soon as they are whole */
    }
    return n->uart;
}

static int start_nodes(const scenario *s, node_rt *n)
{
    for (size_t i = 0; i < s->num_nodes; i++) {
        int status = EXIT_INTERNAL;
        FILE *out = s->num_nodes > 1 ? open_prefixed(&n[i]) : stdout;
        if (out == NULL) {
            fprintf(stderr, "bulwark: out of memory\n");
            return EXIT_INTERNAL;
        }
        n[i].m = scenario_run_start(n[i].s, &n[i].b, &n[i].img, &n[i].placed, out, &status);
        if (n[i].m == NULL) {
            return status;
        }
        n[i].end = duration_cycles(s->duration, n[i].b.clock_hz);
    }
    return EXIT_OK;
}

/* The cycle at which simulated time t_us begins on a node: the same instant
 * on every node whatever its clock, computed from the start each time so
 * that no rounding piles up, and split so long runs do not overflow. */
static uint64_t cycle_at_us(uint64_t t_us, uint64_t hz)
{
    return t_us / 1000000 * hz + t_us % 1000000 * hz / 1000000;
}

/* Runs the node up to simulated time t_us (or its end). */
static void run_quantum(node_rt *n, uint64_t t_us)
{
    uint64_t target = cycle_at_us(t_us, n->b.clock_hz);
    uint64_t now = machine_cycles(n->m);
    target = target < n->end ? target : n->end;
    if (target > now) {
        double t0 = now_seconds();
        n->r = machine_run(n->m, target - now);
        n->host += now_seconds() - t0;
    }
    n->done = n->r.end != END_TIME_LIMIT || machine_cycles(n->m) >= n->end;
}

static void run_lockstep(node_rt *n, size_t count)
{
    size_t running = count;
    for (uint64_t t = NODE_QUANTUM_US; running > 0; t += NODE_QUANTUM_US) {
        running = 0;
        for (size_t i = 0; i < count; i++) {
            if (!n[i].done) {
                run_quantum(&n[i], t);
                running += !n[i].done;
            }
        }
        /* Every node is at time t: the radio medium's exchange goes here.
         * Loading refuses radio keys while no board has a radio, so there
         * is nothing to carry yet. */
    }
    /* A last line without its newline goes out now, before the summaries,
     * not when the stream is closed after them. */
    for (size_t i = 0; i < count; i++) {
        if (n[i].uart != NULL) {
            fflush(n[i].uart);
            prefixed_flush(&n[i].out);
        }
    }
    fflush(stdout);
}

static void print_summaries(const node_rt *n, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        fprintf(stderr, "node:           %s\n", n[i].s->node_name);
        report_summary(stderr, n[i].m, &n[i].r, n[i].host);
        scenario_print_injected(stderr, n[i].m);
    }
}

/* The node's report object, its name first. */
static cJSON *node_report(const node_rt *n, const scenario_verdict *v, size_t k)
{
    cJSON *body = scenario_report_json(n->s, n->m, &n->r, &n->placed, v, k);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "node", n->s->node_name);
    while (body->child != NULL) {
        cJSON *item = cJSON_DetachItemViaPointer(body, body->child);
        char *key = item->string;
        item->string = NULL;
        cJSON_AddItemToObject(o, key, item);
        free(key);
    }
    cJSON_Delete(body);
    return o;
}

/* Verdicts of every node in one list, each subject naming its node. */
static size_t check_nodes(const node_rt *n, size_t count, cJSON *reports, scenario_verdict **out)
{
    size_t total = 0;
    *out = NULL;
    for (size_t i = 0; i < count; i++) {
        scenario_verdict *v;
        size_t k = scenario_check(n[i].s, n[i].m, &n[i].r, &n[i].placed, &v);
        cJSON_AddItemToArray(reports, node_report(&n[i], v, k));
        *out = realloc(*out, (total + k + 1) * sizeof(**out));
        for (size_t j = 0; j < k; j++) {
            scenario_verdict *d = &(*out)[total + j];
            *d = v[j];
            snprintf(d->subject, sizeof(d->subject), "%s: %.*s", n[i].s->node_name,
                     (int)(sizeof(d->subject) - NODE_NAME_MAX - 3), v[j].subject);
        }
        total += k;
        free(v);
    }
    return total;
}

static int write_report(const char *path, const scenario *s, cJSON *reports,
                        const scenario_verdict *v, size_t n)
{
    bool passed;
    cJSON *o = cJSON_CreateObject();
    cJSON *list = scenario_verdicts_json(v, n, &passed);
    cJSON_AddNumberToObject(o, "bulwark_report", 1);
    cJSON_AddStringToObject(o, "scenario", s->name);
    cJSON_AddNumberToObject(o, "seed", (double)s->seed);
    cJSON_AddNumberToObject(o, "quantum_us", NODE_QUANTUM_US);
    cJSON_AddBoolToObject(o, "passed", passed);
    cJSON_AddItemToObject(o, "expectations", list);
    cJSON_AddItemToObject(o, "nodes", reports);
    return scenario_write_json(path, o);
}

static double longest_seconds(const node_rt *n, size_t count)
{
    double most = 0;
    for (size_t i = 0; i < count; i++) {
        double secs = (double)machine_cycles(n[i].m) / (double)n[i].b.clock_hz;
        most = secs > most ? secs : most;
    }
    return most;
}

static int judge_nodes(const scenario *s, const node_rt *n, const char *report, const char *junit)
{
    scenario_verdict *v;
    cJSON *reports = cJSON_CreateArray();
    size_t total = check_nodes(n, s->num_nodes, reports, &v);
    int status = EXIT_OK;
    fprintf(stderr, "scenario:       %s (seed %lld, %zu nodes)\n", s->name, (long long)s->seed,
            s->num_nodes);
    scenario_print_verdicts(stderr, v, total);
    for (size_t i = 0; i < total; i++) {
        status = v[i].passed ? status : EXIT_FAILED;
    }
    if (report != NULL && write_report(report, s, reports, v, total) != 0) {
        fprintf(stderr, "bulwark: cannot write report %s\n", report);
        status = EXIT_BAD_INPUT;
    } else if (report == NULL) {
        cJSON_Delete(reports);
    }
    if (junit && junit_write(junit, s->name, longest_seconds(n, s->num_nodes), v, total) != 0) {
        fprintf(stderr, "bulwark: cannot write JUnit XML %s\n", junit);
        status = EXIT_BAD_INPUT;
    }
    free(v);
    return status;
}

static void free_nodes(node_rt *n, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        machine_destroy(n[i].m);
        if (n[i].uart != NULL) {
            fclose(n[i].uart);
        }
        if (n[i].loaded) {
            elf_image_free(&n[i].img);
        }
    }
    free(n);
}

int nodes_cmd_run(scenario *s, const char *report, const char *junit, bool waveforms, bool quiet)
{
    if (waveforms) {
        fprintf(stderr,
                "bulwark: %s: --trace and --vcd take a single-board scenario, this one "
                "has \"nodes\"\n",
                s->file);
        return EXIT_BAD_INPUT;
    }
    node_rt *n = calloc(s->num_nodes, sizeof(*n));
    int status = n ? prepare_nodes(s, n) : EXIT_INTERNAL;
    if (status == EXIT_OK) {
        status = start_nodes(s, n);
    }
    if (status == EXIT_OK) {
        run_lockstep(n, s->num_nodes);
        if (!quiet) {
            print_summaries(n, s->num_nodes);
        }
        status = judge_nodes(s, n, report, junit);
        for (size_t i = 0; i < s->num_nodes; i++) {
            status = n[i].r.end == END_INTERNAL_ERROR ? EXIT_INTERNAL : status;
        }
    }
    if (n != NULL) {
        free_nodes(n, s->num_nodes);
    }
    return status;
}

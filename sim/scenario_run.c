/* `bulwark run SCENARIO.json`: the same machine, app placement and run loop
 * as a command-line run, configured from a checked scenario file. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_images.h"
#include "commands.h"
#include "junit_out.h"
#include "kconfig_patch.h"
#include "report.h"
#include "run_outputs.h"
#include "scenario.h"
#include "scenario_check.h"
#include "scenario_nodes.h"

typedef struct scenario_args {
    const char *file;
    const char *report;
    const char *junit;
    const char *trace;
    const char *vcd;
    const char *build_dir;
    bool has_seed;
    long long seed;
    bool quiet;
} scenario_args;

void default_build_dir(const char *self, char *buf, size_t len)
{
    char *copy = strdup(self), *slash;
    for (int up = 0; up < 2; up++) {
        slash = strrchr(copy, '/');
        if (slash == NULL) {
            snprintf(copy, strlen(copy) + 1, ".");
            break;
        }
        *slash = '\0';
    }
    snprintf(buf, len, "%s", copy[0] ? copy : "/");
    free(copy);
}

static int parse_args(int argc, char **argv, scenario_args *a)
{
    static const struct option opts[] = {
        {"report", required_argument, 0, 'r'},    {"seed", required_argument, 0, 's'},
        {"build-dir", required_argument, 0, 'b'}, {"quiet", no_argument, 0, 'q'},
        {"junit", required_argument, 0, 'j'},     {"trace", required_argument, 0, 't'},
        {"vcd", required_argument, 0, 'v'},       {0, 0, 0, 0}};
    char *end;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'r') {
            a->report = optarg;
        } else if (c == 'b') {
            a->build_dir = optarg;
        } else if (c == 'j') {
            a->junit = optarg;
        } else if (c == 't') {
            a->trace = optarg;
        } else if (c == 'v') {
            a->vcd = optarg;
        } else if (c == 'q') {
            a->quiet = true;
        } else if (c == 's' && (errno = 0, a->seed = strtoll(optarg, &end, 0),
                                *end == '\0' && *optarg && errno == 0)) {
            a->has_seed = true;
        } else {
            fprintf(stderr, "bulwark: bad or unknown option '%s' for a scenario run\n",
                    argv[optind - 1]);
            return EXIT_BAD_INPUT;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr,
                "usage: bulwark run SCENARIO.json [--report FILE.json] [--junit FILE.xml] "
                "[--trace FILE.json] [--vcd FILE.vcd] [--seed N] [--build-dir DIR] [--quiet]\n");
        return EXIT_BAD_INPUT;
    }
    a->file = argv[optind];
    return EXIT_OK;
}

/* An error in a file the scenario names, at the key that names it. */
static int input_error(const scenario *s, const char *where, const char *err)
{
    fprintf(stderr, "bulwark: %s: %s\n", where ? where : s->file, err);
    return EXIT_BAD_INPUT;
}

/* Everything that can be wrong with the input is found before the run. */
static int prepare(scenario *s, board *b, elf_image *img, app_placement *placed)
{
    char err[512];
    const char *paths[APP_PLACEMENT_MAX];
    for (size_t i = 0; i < s->num_apps; i++) {
        paths[i] = s->apps[i].path;
    }
    if (board_load_named(s->board, b, err, sizeof(err)) != 0 ||
        board_override(b, s->clock_hz, s->flash_size, s->ram_size, err, sizeof(err)) != 0) {
        return input_error(s, s->where_board, err);
    }
    if (elf_image_load(s->kernel, b, img, err, sizeof(err)) != 0) {
        return input_error(s, s->where_kernel, err);
    }
    if (app_images_place(img, b, paths, s->num_apps, placed, err, sizeof(err)) != 0) {
        elf_image_free(img);
        return input_error(s, s->where_apps ? s->where_apps : s->where_kernel, err);
    }
    if (scenario_resolve_faults(s, b, img, err, sizeof(err)) != 0 ||
        kconfig_patch(img, s, err, sizeof(err)) != 0) {
        fprintf(stderr, "bulwark: %s\n", err); /* err starts FILE:LINE:COL */
        elf_image_free(img);
        return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double sim_seconds(const machine *m)
{
    uint64_t hz = machine_board(m)->clock_hz;
    return hz ? (double)machine_cycles(m) / (double)hz : 0.0;
}

static int judge(const scenario_args *a, const scenario *s, machine *m, const run_result *r,
                 const app_placement *placed)
{
    scenario_verdict *v;
    size_t n = scenario_check(s, m, r, placed, &v);
    int status = EXIT_OK;
    fprintf(stderr, "scenario:       %s (seed %lld)\n", s->name, (long long)s->seed);
    scenario_print_verdicts(stderr, v, n);
    for (size_t i = 0; i < n; i++) {
        status = v[i].passed ? status : EXIT_FAILED;
    }
    if (a->report && scenario_write_report(a->report, s, m, r, placed, v, n) != 0) {
        fprintf(stderr, "bulwark: cannot write report %s\n", a->report);
        status = EXIT_BAD_INPUT;
    }
    if (a->junit && junit_write(a->junit, s->name, sim_seconds(m), v, n) != 0) {
        fprintf(stderr, "bulwark: cannot write JUnit XML %s\n", a->junit);
        status = EXIT_BAD_INPUT;
    }
    free(v);
    return status;
}

/* A machine with the scenario's firmware and inputs, watched by outs. */
static machine *start_machine(const scenario *s, const board *b, const elf_image *img,
                              const app_placement *placed, run_outputs *outs, int *status,
                              FILE *uart)
{
    char err[512];
    machine_options opt = {.uart_out = uart};
    machine *m = machine_create(b, &opt, err, sizeof(err));
    if (m == NULL || machine_load(m, img, err, sizeof(err)) != 0) {
        fprintf(stderr, "bulwark: %s: %s\n", s->file, err);
        machine_destroy(m);
        *status = EXIT_BAD_INPUT;
        return NULL;
    }
    run_outputs_attach(outs, m);
    machine_reset(m);
    machine_set_apps(m, placed->start, placed->size, placed->count);
    if (scenario_schedule_inputs(m, s, b->clock_hz) != 0 ||
        scenario_schedule_faults(m, s, b->clock_hz) != 0) {
        machine_destroy(m);
        *status = EXIT_INTERNAL;
        return NULL;
    }
    return m;
}

static int run_and_judge(const scenario_args *a, const scenario *s, machine *m,
                         const app_placement *placed)
{
    double t0 = now_seconds();
    run_result r = machine_run(m, duration_cycles(s->duration, machine_board(m)->clock_hz));
    double host = now_seconds() - t0;
    fflush(stdout);
    if (!a->quiet) {
        report_summary(stderr, m, &r, host);
        scenario_print_injected(stderr, m);
    }
    return r.end == END_INTERNAL_ERROR ? EXIT_INTERNAL : judge(a, s, m, &r, placed);
}

static int simulate(const scenario_args *a, const scenario *s, const board *b, const elf_image *img,
                    const app_placement *placed)
{
    char err[512];
    run_outputs outs;
    int status = EXIT_OK;
    if (run_outputs_open(&outs, a->trace, a->vcd, b, err, sizeof(err)) != 0) {
        fprintf(stderr, "bulwark: %s: %s\n", s->file, err);
        return EXIT_BAD_INPUT;
    }
    machine *m = start_machine(s, b, img, placed, &outs, &status, stdout);
    if (m != NULL) {
        status = run_and_judge(a, s, m, placed);
    }
    if (run_outputs_close(&outs, m ? machine_cycles(m) : 0) != 0) {
        fprintf(stderr, "bulwark: %s: cannot write the trace or VCD file\n", s->file);
        status = status == EXIT_OK ? EXIT_BAD_INPUT : status;
    }
    machine_destroy(m);
    return status;
}

int scenario_run_prepare(scenario *s, board *b, elf_image *img, app_placement *placed)
{
    return prepare(s, b, img, placed);
}

machine *scenario_run_start(const scenario *s, const board *b, const elf_image *img,
                            const app_placement *placed, FILE *uart, int *status)
{
    run_outputs none = {0};
    return start_machine(s, b, img, placed, &none, status, uart);
}

int scenario_load_cli(const char *file, const char *build_dir, const char *self, scenario *s)
{
    char root[4096], err[1024];
    default_build_dir(self, root, sizeof(root));
    if (scenario_load(file, build_dir ? build_dir : root, s, err, sizeof(err)) != 0) {
        fprintf(stderr, "bulwark: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
}

int scenario_cmd_run(int argc, char **argv, const char *self)
{
    scenario_args a = {0};
    scenario s;
    int status = parse_args(argc, argv, &a);
    if (status != EXIT_OK ||
        (status = scenario_load_cli(a.file, a.build_dir, self, &s)) != EXIT_OK) {
        return status;
    }
    s.seed = a.has_seed ? a.seed : s.seed;
    if (s.num_nodes > 0) { /* several boards: node_run.c */
        status = nodes_cmd_run(&s, a.report, a.junit, a.trace || a.vcd, a.quiet);
        scenario_free(&s);
        return status;
    }
    if (scenario_draw_random_faults(&s, (uint64_t)s.seed, 0) < 0) {
        scenario_free(&s);
        return EXIT_INTERNAL;
    }
    board b;
    elf_image img;
    app_placement placed = {.count = 0};
    status = prepare(&s, &b, &img, &placed);
    if (status == EXIT_OK) {
        status = simulate(&a, &s, &b, &img, &placed);
        elf_image_free(&img);
    }
    scenario_free(&s);
    return status;
}

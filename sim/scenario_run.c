/* `bulwark run SCENARIO.json`: the same machine, app placement and run loop
 * as a command-line run, configured from a checked scenario file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_images.h"
#include "commands.h"
#include "report.h"
#include "scenario.h"
#include "scenario_check.h"

typedef struct scenario_args {
    const char *file;
    const char *report;
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
    static const struct option opts[] = {{"report", required_argument, 0, 'r'},
                                         {"seed", required_argument, 0, 's'},
                                         {"build-dir", required_argument, 0, 'b'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {0, 0, 0, 0}};
    char *end;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'r') {
            a->report = optarg;
        } else if (c == 'b') {
            a->build_dir = optarg;
        } else if (c == 'q') {
            a->quiet = true;
        } else if (c == 's' && (a->seed = strtoll(optarg, &end, 0), *end == '\0' && *optarg)) {
            a->has_seed = true;
        } else {
            fprintf(stderr, "bulwark: bad or unknown option '%s' for a scenario run\n",
                    argv[optind - 1]);
            return EXIT_BAD_INPUT;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: bulwark run SCENARIO.json [--report FILE.json] [--seed N] "
                        "[--build-dir DIR]\n");
        return EXIT_BAD_INPUT;
    }
    a->file = argv[optind];
    return EXIT_OK;
}

/* Everything that can be wrong with the input is found before the run. */
static int prepare(const scenario *s, board *b, elf_image *img, app_placement *placed)
{
    char err[512];
    const char *paths[APP_PLACEMENT_MAX];
    for (size_t i = 0; i < s->num_apps; i++) {
        paths[i] = s->apps[i].path;
    }
    if (board_load_named(s->board, b, err, sizeof(err)) != 0 ||
        board_override(b, s->clock_hz, s->flash_size, s->ram_size, err, sizeof(err)) != 0 ||
        elf_image_load(s->kernel, b, img, err, sizeof(err)) != 0) {
        fprintf(stderr, "bulwark: %s: %s\n", s->file, err);
        return EXIT_BAD_INPUT;
    }
    if (app_images_place(img, b, paths, s->num_apps, placed, err, sizeof(err)) != 0) {
        fprintf(stderr, "bulwark: %s: %s\n", s->file, err);
        elf_image_free(img);
        return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
}

static int schedule_inputs(machine *m, const scenario *s, uint64_t hz)
{
    int rc = 0;
    for (size_t i = 0; i < s->num_inputs && rc == 0; i++) {
        const scenario_input *in = &s->inputs[i];
        uint64_t at = duration_cycles(in->at, hz);
        rc = in->kind == SCN_INPUT_UART
                 ? machine_schedule_uart_input(m, 0, at, (const uint8_t *)in->text, in->len)
                 : machine_schedule_button(m, in->button, at, in->pressed);
    }
    return rc;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
    free(v);
    return status;
}

static int simulate(const scenario_args *a, const scenario *s, const board *b, const elf_image *img,
                    const app_placement *placed)
{
    char err[512];
    machine_options opt = {.uart_out = stdout};
    machine *m = machine_create(b, &opt, err, sizeof(err));
    if (m == NULL || machine_load(m, img, err, sizeof(err)) != 0) {
        fprintf(stderr, "bulwark: %s: %s\n", s->file, err);
        machine_destroy(m);
        return EXIT_BAD_INPUT;
    }
    machine_reset(m);
    machine_set_apps(m, placed->start, placed->size, placed->count);
    if (schedule_inputs(m, s, b->clock_hz) != 0) {
        machine_destroy(m);
        return EXIT_INTERNAL;
    }
    double t0 = now_seconds();
    run_result r = machine_run(m, duration_cycles(s->duration, b->clock_hz));
    double host = now_seconds() - t0;
    fflush(stdout);
    if (!a->quiet) {
        report_summary(stderr, m, &r, host);
    }
    int status = r.end == END_INTERNAL_ERROR ? EXIT_INTERNAL : judge(a, s, m, &r, placed);
    machine_destroy(m);
    return status;
}

int scenario_cmd_run(int argc, char **argv, const char *self)
{
    scenario_args a = {0};
    char build_dir[4096], err[1024];
    scenario s;
    int status = parse_args(argc, argv, &a);
    if (status != EXIT_OK) {
        return status;
    }
    default_build_dir(self, build_dir, sizeof(build_dir));
    if (scenario_load(a.file, a.build_dir ? a.build_dir : build_dir, &s, err, sizeof(err)) != 0) {
        fprintf(stderr, "bulwark: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    s.seed = a.has_seed ? a.seed : s.seed;
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

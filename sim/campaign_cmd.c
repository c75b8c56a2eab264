/* `bulwark campaign SCENARIO.json --runs N --seed S [--jobs J]
 * [--report FILE.json] [--junit FILE.xml] [--replay K] [--build-dir DIR]`:
 * the class table on standard output; the scenario line, the expectations
 * and the speed (wall clock, never in the report) on standard error. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "campaign.h"
#include "commands.h"
#include "junit_out.h"

typedef struct campaign_args {
    const char *file;
    const char *report;
    const char *junit;
    const char *build_dir;
    long runs;   /* 0: the scenario's campaign.runs */
    long jobs;   /* 0: one per core */
    long replay; /* -1: none */
    bool has_seed;
    long long seed;
} campaign_args;

#define LIST_MAX 10 /* runs listed under the table */

static const char usage_text[] =
    "usage: bulwark campaign SCENARIO.json [--runs N] [--seed S] [--jobs J] [--report FILE.json]\n"
    "                        [--junit FILE.xml] [--replay K] [--build-dir DIR]\n";

/* Decimal only: "--runs 010" is ten runs, not eight. */
static bool number(const char *text, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < lo || v > hi) {
        return false;
    }
    *out = v;
    return true;
}

static int option(campaign_args *a, int c, const char *arg)
{
    char *end;
    switch (c) {
    case 'r':
        return number(arg, 1, CAMPAIGN_MAX_RUNS, &a->runs) ? 0 : -1;
    case 'j':
        return number(arg, 1, 256, &a->jobs) ? 0 : -1;
    case 'k':
        return number(arg, 0, CAMPAIGN_MAX_RUNS - 1, &a->replay) ? 0 : -1;
    case 's':
        errno = 0; /* strtoll saturates silently past its range */
        a->seed = strtoll(arg, &end, 0);
        a->has_seed = *arg != '\0' && *end == '\0' && errno == 0;
        return a->has_seed ? 0 : -1;
    case 'R':
        a->report = arg;
        return 0;
    case 'J':
        a->junit = arg;
        return 0;
    case 'b':
        a->build_dir = arg;
        return 0;
    default:
        return -1;
    }
}

static int parse_args(int argc, char **argv, campaign_args *a)
{
    static const struct option opts[] = {
        {"runs", required_argument, 0, 'r'},      {"seed", required_argument, 0, 's'},
        {"jobs", required_argument, 0, 'j'},      {"report", required_argument, 0, 'R'},
        {"junit", required_argument, 0, 'J'},     {"replay", required_argument, 0, 'k'},
        {"build-dir", required_argument, 0, 'b'}, {0, 0, 0, 0}};
    int c;
    opterr = 0;
    optind = 1;
    a->replay = -1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (option(a, c, optarg) != 0) {
            fprintf(stderr, "bulwark: bad or unknown option '%s' for a campaign\n%s",
                    argv[optind - 1], usage_text);
            return EXIT_BAD_INPUT;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "%s", usage_text);
        return EXIT_BAD_INPUT;
    }
    a->file = argv[optind];
    return EXIT_OK;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One verdict per class the scenario's "campaign.expect" bounds. */
static size_t check_expectations(const campaign *c, scenario_verdict *v)
{
    const scenario_campaign *cp = &c->s->campaign;
    size_t n = 0;
    for (int k = 0; k < CAMPAIGN_NUM_CLASSES; k++) {
        if (cp->min[k] == 0 && cp->max[k] < 0) {
            continue;
        }
        long got = (long)c->counts[k];
        scenario_verdict *x = &v[n++];
        memset(x, 0, sizeof(*x));
        snprintf(x->what, sizeof(x->what), "campaign");
        snprintf(x->subject, sizeof(x->subject), "%s", campaign_class_key((enum campaign_class)k));
        x->passed = got >= cp->min[k] && (cp->max[k] < 0 || got <= cp->max[k]);
        if (cp->max[k] < 0) {
            snprintf(x->reason, sizeof(x->reason), "%ld runs (expected at least %ld)", got,
                     cp->min[k]);
        } else {
            snprintf(x->reason, sizeof(x->reason), "%ld runs (expected %ld to %ld)", got,
                     cp->min[k], cp->max[k]);
        }
    }
    return n;
}

/* The first runs worth a look, by index: what --replay K takes. */
static void print_unmasked(const campaign *c)
{
    unsigned shown = 0, total = c->num_runs - c->counts[CAMPAIGN_MASKED];
    for (unsigned k = 0; k < c->num_runs && shown < LIST_MAX; k++) {
        const campaign_run *r = &c->runs[k];
        if (r->cls == CAMPAIGN_MASKED) {
            continue;
        }
        if (shown++ == 0) {
            printf("runs not masked (bulwark campaign ... --replay K):\n");
        }
        printf("  %u %s, fault in %s: %s\n", r->index, campaign_slot_name(r->cls),
               campaign_target_name(c, r->target), r->reason);
    }
    if (total > shown) {
        printf("  ... and %u more (--report lists every run)\n", total - shown);
    }
}

static void print_table(const campaign *c)
{
    printf("campaign: %s, %u runs, seed %lld\n", c->s->name, c->num_runs, (long long)c->seed);
    printf("golden run: %s, %llu faults\n", scenario_end_key((enum run_end)c->golden.end),
           (unsigned long long)c->golden.faults);
    printf("%-18s %6s %7s\n", "class", "runs", "%");
    for (int k = 0; k < CAMPAIGN_NUM_SLOTS; k++) {
        if (k == CAMPAIGN_ERROR && c->counts[k] == 0) {
            continue;
        }
        printf("%-18s %6u %6.1f%%\n", campaign_slot_name(k), c->counts[k],
               100.0 * c->counts[k] / (c->num_runs ? c->num_runs : 1));
    }
    print_unmasked(c);
    fflush(stdout);
}

static int judge(const campaign *c, const campaign_args *a)
{
    scenario_verdict v[CAMPAIGN_NUM_CLASSES];
    size_t n = check_expectations(c, v);
    int status = c->counts[CAMPAIGN_ERROR] ? EXIT_INTERNAL : EXIT_OK;
    fprintf(stderr, "scenario:       %s (seed %lld)\n", c->s->name, (long long)c->seed);
    scenario_print_verdicts(stderr, v, n);
    for (size_t i = 0; i < n && status == EXIT_OK; i++) {
        status = v[i].passed ? status : EXIT_FAILED;
    }
    if (a->report && campaign_write_report(c, a->report, v, n) != 0) {
        fprintf(stderr, "bulwark: cannot write report %s\n", a->report);
        status = EXIT_BAD_INPUT;
    }
    double sim = c->b.clock_hz ? (double)c->end_cycle / (double)c->b.clock_hz : 0.0;
    if (a->junit && junit_write(a->junit, c->s->name, sim * (c->num_runs + 1), v, n) != 0) {
        fprintf(stderr, "bulwark: cannot write JUnit XML %s\n", a->junit);
        status = EXIT_BAD_INPUT;
    }
    return status;
}

static int replay(campaign *c, unsigned k)
{
    campaign_outcome golden, out;
    char reason[200];
    if (k >= c->num_runs) {
        fprintf(stderr, "bulwark: --replay %u: the campaign has runs 0 to %u\n", k,
                c->num_runs - 1);
        return EXIT_BAD_INPUT;
    }
    int status = campaign_replay(c, k, &golden, &out);
    if (status != EXIT_OK) {
        return status;
    }
    int cls = campaign_classify(c, &golden, &out, reason, sizeof(reason));
    fprintf(stderr, "campaign run %u (seed %llu): fault in %s: %s: %s\n", k,
            (unsigned long long)c->runs[k].seed, campaign_target_name(c, out.target),
            campaign_slot_name(cls), reason);
    return cls == CAMPAIGN_ERROR ? EXIT_INTERNAL : EXIT_OK;
}

static int run_campaign(campaign *c, const campaign_args *a)
{
    if (a->replay >= 0) {
        return replay(c, (unsigned)a->replay);
    }
    double t0 = now_seconds();
    int status = campaign_execute(c);
    double wall = now_seconds() - t0;
    if (status != EXIT_OK) {
        return status;
    }
    print_table(c);
    status = judge(c, a);
    fprintf(stderr, "speed:          %u runs in %.2f s wall, %.1f runs/s (%u jobs)\n", c->num_runs,
            wall, wall > 0 ? c->num_runs / wall : 0.0, c->jobs);
    return status;
}

static unsigned default_jobs(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 0 ? (unsigned)cores : 1u;
}

/* Draw the faults (before their targets are resolved), then prepare. */
static int setup(campaign *c, const campaign_args *a)
{
    char err[1024];
    scenario *s = c->s;
    long runs = a->runs ? a->runs : s->campaign.runs;
    if (s->num_nodes > 0) {
        fprintf(stderr, "bulwark: %s: campaigns run one board; this scenario has \"nodes\"\n",
                s->file);
        return EXIT_BAD_INPUT;
    }
    if (runs <= 0) {
        fprintf(stderr, "bulwark: %s: give --runs N (the scenario has no \"campaign.runs\")\n",
                s->file);
        return EXIT_BAD_INPUT;
    }
    c->num_runs = (unsigned)runs;
    c->seed = a->has_seed ? a->seed : s->seed;
    c->jobs = a->jobs ? (unsigned)a->jobs : default_jobs();
    c->jobs = c->jobs > c->num_runs ? c->num_runs : c->jobs;
    if (s->num_faults > 0) {
        fprintf(stderr,
                "bulwark: note: %s: the %zu listed \"faults\" are not applied in a "
                "campaign; its faults come from \"random_faults\"\n",
                s->file, s->num_faults);
    }
    if (campaign_plan(c, err, sizeof(err)) != 0) {
        fprintf(stderr, "bulwark: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    int status = scenario_run_prepare(s, &c->b, &c->img, &c->placed);
    if (status == EXIT_OK) {
        c->end_cycle = duration_cycles(s->duration, c->b.clock_hz);
    }
    return status;
}

int campaign_cmd(int argc, char **argv, const char *self)
{
    campaign_args a = {0};
    scenario s;
    int status = parse_args(argc, argv, &a);
    if (status != EXIT_OK ||
        (status = scenario_load_cli(a.file, a.build_dir, self, &s)) != EXIT_OK) {
        return status;
    }
    campaign c = {.s = &s};
    status = setup(&c, &a);
    if (status == EXIT_OK) {
        status = run_campaign(&c, &a);
        elf_image_free(&c.img);
    }
    free(c.runs);
    scenario_free(&s);
    return status;
}

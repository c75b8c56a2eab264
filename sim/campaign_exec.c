/* Running a campaign.  The simulation is deterministic, so the runs do not
 * each start from reset: a worker process runs the fault-free machine
 * forward, and at each of its runs' fault times fork()s a child that
 * injects the fault and runs to the end, while the worker's own line goes
 * on to the next fault time and, finally, to the end as the golden run.
 * Runs are sorted by fault time and dealt out to `jobs` workers in turn;
 * outcomes go into memory shared with the children.  Every worker's golden
 * run must come out the same; --replay runs one run from reset the same
 * way, without fork. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "campaign.h"
#include "commands.h"
#include "report.h"

uint64_t campaign_run_seed(int64_t seed, unsigned index)
{
    uint64_t z = (uint64_t)seed + index + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (z ^ (z >> 31)) & ((1ull << 48) - 1u);
}

/* The fault space is the scenario's "random_faults": run k's fault is drawn
 * with run k's seed and appended to s->faults (the listed "faults" are not
 * part of a campaign: its golden run has none). */
int campaign_plan(campaign *c, char *err, size_t errlen)
{
    scenario *s = c->s;
    if (s->random_faults.num_templates == 0) {
        snprintf(err, errlen,
                 "%s:1:1: top level: a campaign needs a fault space: add \"random_faults\" "
                 "(scenarios/SCHEMA.md)",
                 s->file);
        return -1;
    }
    c->runs = calloc(c->num_runs, sizeof(*c->runs));
    c->first_fault = s->num_faults;
    for (unsigned k = 0; k < c->num_runs && c->runs != NULL; k++) {
        campaign_run *r = &c->runs[k];
        r->index = k;
        r->seed = campaign_run_seed(c->seed, k);
        r->fault = c->first_fault + k;
        if (scenario_draw_random_faults(s, r->seed, 1) != 1) {
            snprintf(err, errlen, "%s: out of memory drawing the fault of run %u", s->file, k);
            return -1;
        }
    }
    if (c->runs == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static scenario_fault run_fault(const campaign *c, const campaign_run *r)
{
    return c->s->faults[r->fault];
}

static void set_times(campaign *c)
{
    for (unsigned k = 0; k < c->num_runs; k++) {
        scenario_fault f = run_fault(c, &c->runs[k]);
        c->runs[k].at = scenario_fault_cycle(&f, c->b.clock_hz);
    }
}

/* Cycles left to the scenario's end; a block may have run past it. */
static uint64_t remaining(const campaign *c, const machine *m)
{
    uint64_t now = machine_cycles(m);
    return now < c->end_cycle ? c->end_cycle - now : 0;
}

/* The scenario as the golden run sees it: no faults at all. */
static machine *start_line(const campaign *c, FILE *uart, campaign_watch *w)
{
    scenario view = *c->s;
    int status;
    view.num_faults = 0;
    machine *m = scenario_run_start(&view, &c->b, &c->img, &c->placed, uart, &status);
    if (m != NULL) {
        campaign_watch_attach(c, w, m);
    }
    return m;
}

/* From the line's machine at (or just past) the fault's time: inject now,
 * run to the end, write the outcome. */
static void finish_run(const campaign *c, machine *m, const campaign_watch *w,
                       const campaign_run *r, campaign_outcome *out, run_result *res)
{
    scenario_fault f = run_fault(c, r);
    scenario view = *c->s;
    size_t n;
    int target = campaign_fault_target(c, m, &f);
    view.faults = &f;
    view.num_faults = 1;
    if (scenario_schedule_faults(m, &view, c->b.clock_hz) != 0) {
        res->end = END_INTERNAL_ERROR;
        snprintf(res->detail, sizeof(res->detail), "out of memory");
    } else {
        *res = machine_run(m, remaining(c, m));
    }
    campaign_observe(c, m, res, w, out);
    const machine_injection *inj = machine_injections(m, &n);
    out->target = n > 0 ? target : CAMPAIGN_TARGET_NONE; /* a skipped fault hits nothing */
    out->applied = n > 0;
    out->fault_cycle = n > 0 ? inj[0].cycle : 0;
    snprintf(out->fault, sizeof(out->fault), "%s", n > 0 ? inj[0].label : "");
}

/* Advance the fault-free line to `at`; false once it has ended. */
static bool advance(const campaign *c, machine *m, uint64_t at, run_result *line)
{
    if (line->end != END_TIME_LIMIT) {
        return false;
    }
    uint64_t now = machine_cycles(m);
    if (at > c->end_cycle) {
        return false; /* due after the run is over: never applied */
    }
    if (now < at) {
        *line = machine_run(m, at - now);
    }
    return line->end == END_TIME_LIMIT;
}

/* A fork()ed worker or run dies with the process that forked it: a
 * campaign killed from outside (a test's timeout, a CI job cancelled)
 * must not leave its workers running on for thousands of runs. */
static void die_with_parent(pid_t parent)
{
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (getppid() != parent) {
        _exit(EXIT_INTERNAL); /* it died before the line above */
    }
}

/* waitpid() that a signal handler interrupting it does not confuse. */
static bool wait_child(pid_t pid, int *wstatus)
{
    pid_t got;
    do {
        got = waitpid(pid, wstatus, 0);
    } while (got < 0 && errno == EINTR);
    return got == pid;
}

static void fork_run(const campaign *c, machine *m, const campaign_watch *w, const campaign_run *r,
                     campaign_outcome *out)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        run_result res;
        die_with_parent(parent);
        finish_run(c, m, w, r, out, &res);
        _exit(0);
    }
    int wstatus;
    if (pid < 0 || !wait_child(pid, &wstatus) || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        /* a crashed or killed run: a simulator error; what it left is not to be trusted */
        memset(out, 0, sizeof(*out));
        out->target = CAMPAIGN_TARGET_NONE;
    }
}

static int worker(const campaign *c, const unsigned *order, unsigned w, campaign_outcome *shared)
{
    campaign_watch watch;
    machine *m = start_line(c, NULL, &watch);
    run_result line = {.end = END_TIME_LIMIT};
    if (m == NULL) {
        return EXIT_INTERNAL;
    }
    for (unsigned i = w; i < c->num_runs; i += c->jobs) {
        const campaign_run *r = &c->runs[order[i]];
        campaign_outcome *out = &shared[order[i]];
        if (!advance(c, m, r->at, &line)) {
            memset(out, 0, sizeof(*out));
            out->filled = true; /* never applied: the golden run's outcome */
            out->target = CAMPAIGN_TARGET_NONE;
            continue;
        }
        fork_run(c, m, &watch, r, out);
    }
    if (line.end == END_TIME_LIMIT && machine_cycles(m) < c->end_cycle) {
        line = machine_run(m, remaining(c, m));
    }
    campaign_observe(c, m, &line, &watch, &shared[c->num_runs + w]);
    machine_destroy(m);
    return EXIT_OK;
}

static const campaign *sort_ctx;
static int by_time(const void *a, const void *b)
{
    const campaign_run *x = &sort_ctx->runs[*(const unsigned *)a];
    const campaign_run *y = &sort_ctx->runs[*(const unsigned *)b];
    return x->at != y->at ? (x->at < y->at ? -1 : 1) : (x->index < y->index ? -1 : 1);
}

static int spawn_workers(campaign *c, const unsigned *order, campaign_outcome *shared)
{
    pid_t *pids = calloc(c->jobs, sizeof(pid_t));
    int status = pids ? EXIT_OK : EXIT_INTERNAL;
    pid_t parent = getpid();
    fflush(NULL); /* nothing buffered may be written twice */
    for (unsigned w = 0; w < c->jobs && status == EXIT_OK; w++) {
        pids[w] = fork();
        if (pids[w] == 0) {
            die_with_parent(parent);
            _exit(worker(c, order, w, shared));
        }
        status = pids[w] < 0 ? EXIT_INTERNAL : status;
    }
    for (unsigned w = 0; w < c->jobs && pids != NULL; w++) {
        int ws;
        if (pids[w] > 0 && (!wait_child(pids[w], &ws) || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0)) {
            fprintf(stderr, "bulwark: campaign worker %u failed\n", w);
            status = EXIT_INTERNAL;
        }
    }
    free(pids);
    return status;
}

/* Every worker ran the fault-free line to the end: all must agree. */
static int check_goldens(campaign *c, const campaign_outcome *shared)
{
    c->golden = shared[c->num_runs];
    for (unsigned w = 1; w < c->jobs; w++) {
        if (memcmp(&shared[c->num_runs + w], &c->golden, sizeof(c->golden)) != 0) {
            fprintf(stderr,
                    "bulwark: campaign: the golden runs of workers 0 and %u differ: the "
                    "simulation is not deterministic\n",
                    w);
            return EXIT_INTERNAL;
        }
    }
    return c->golden.filled ? EXIT_OK : EXIT_INTERNAL;
}

static void classify_all(campaign *c, const campaign_outcome *shared)
{
    memset(c->counts, 0, sizeof(c->counts));
    for (unsigned k = 0; k < c->num_runs; k++) {
        campaign_run *r = &c->runs[k];
        r->cls = campaign_classify(c, &c->golden, &shared[k], r->reason, sizeof(r->reason));
        snprintf(r->fault_label, sizeof(r->fault_label), "%s", shared[k].fault);
        r->target = shared[k].target;
        r->applied_at = shared[k].fault_cycle;
        c->counts[r->cls]++;
    }
}

int campaign_execute(campaign *c)
{
    size_t bytes = (c->num_runs + c->jobs) * sizeof(campaign_outcome);
    campaign_outcome *shared =
        mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    unsigned *order = calloc(c->num_runs, sizeof(unsigned));
    int status = shared != MAP_FAILED && order != NULL ? EXIT_OK : EXIT_INTERNAL;
    set_times(c);
    for (unsigned k = 0; k < c->num_runs && order != NULL; k++) {
        order[k] = k;
    }
    if (status == EXIT_OK) {
        sort_ctx = c;
        qsort(order, c->num_runs, sizeof(unsigned), by_time);
        status = spawn_workers(c, order, shared);
    }
    if (status == EXIT_OK) {
        status = check_goldens(c, shared);
    }
    if (status == EXIT_OK) {
        classify_all(c, shared);
    }
    free(order);
    if (shared != MAP_FAILED) {
        munmap(shared, bytes);
    }
    return status;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Run `index` alone from reset, UART0 on stdout, the summary on stderr. */
static int replay_run(campaign *c, unsigned index, campaign_outcome *out)
{
    campaign_watch w;
    run_result line = {.end = END_TIME_LIMIT}, res;
    struct timespec t0;
    machine *m = start_line(c, stdout, &w);
    if (m == NULL) {
        return EXIT_INTERNAL;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (advance(c, m, c->runs[index].at, &line)) {
        finish_run(c, m, &w, &c->runs[index], out, &res);
    } else {
        res = line.end == END_TIME_LIMIT ? machine_run(m, remaining(c, m)) : line;
        campaign_observe(c, m, &res, &w, out);
        out->target = CAMPAIGN_TARGET_NONE; /* never applied */
    }
    fflush(stdout);
    report_summary(stderr, m, &res, seconds_since(&t0));
    scenario_print_injected(stderr, m);
    machine_destroy(m);
    return EXIT_OK;
}

/* The golden run, then run `index` from reset printing like `bulwark run`. */
int campaign_replay(campaign *c, unsigned index, campaign_outcome *golden, campaign_outcome *out)
{
    campaign_watch wg;
    set_times(c);
    machine *g = start_line(c, NULL, &wg);
    if (g == NULL) {
        return EXIT_INTERNAL;
    }
    run_result line = machine_run(g, c->end_cycle);
    campaign_observe(c, g, &line, &wg, golden);
    machine_destroy(g);
    return replay_run(c, index, out);
}

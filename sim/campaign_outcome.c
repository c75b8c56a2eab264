/* What a campaign run did, seen from outside the kernel, and its class
 * against the golden run (the rules are in scenarios/SCHEMA.md, "campaign").
 * UART0 is split into one stream per app, the kernel's own lines and the
 * rest, so a restart that only shifts how lines interleave changes nothing,
 * while a line that changed or went missing does. */
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "fault_inject.h"
#include "kernel_info.h"
#include "machine_internal.h"
#include "scenario_check.h"
#include "scenario_procs.h"

#define OWNER_KERNEL -1
#define OWNER_OTHER  -2

/* The exception engine resumed a process (app < 0: at a pc in no image)
 * or left it. */
static void on_process(void *ctx, uint64_t cycle, int app, bool running)
{
    campaign_watch *w = ctx;
    w->running = running && app >= 0 && app < APP_PLACEMENT_MAX ? app : -1;
    if (w->running >= 0) {
        w->app_last_run[app] = cycle;
    }
}

/* The kernel's own code: flash below the first app image. */
static bool in_kernel_code(const campaign *c, uint32_t pc)
{
    const board_memory *flash = board_memory_containing(&c->b, 0, 1);
    return flash != NULL && board_memory_containing(&c->b, pc, 1) == flash &&
           (c->placed.count == 0 || pc < c->placed.start[0]);
}

/* A fault taken from a running process is that process's, wherever its pc
 * went (a jump to address 0 is in the kernel's flash, but the kernel did
 * not fault); otherwise the pc says whose code faulted. */
static void on_fault(void *ctx, const fault_record *f)
{
    campaign_watch *w = ctx;
    int app = w->running >= 0 ? w->running : scenario_app_at(&w->c->placed, f->pc);
    if (app >= 0 && (size_t)app < w->c->s->num_apps) {
        w->app_faults[app]++;
    } else if (app < 0 && in_kernel_code(w->c, f->pc)) {
        w->kernel_faults++;
    }
}

void campaign_watch_attach(const campaign *c, campaign_watch *w, machine *m)
{
    machine_observer obs = {.process = on_process, .fault = on_fault, .ctx = w};
    memset(w, 0, sizeof(*w));
    w->c = c;
    w->running = -1;
    machine_set_observer(m, &obs);
}

static uint64_t fnv1a(uint64_t h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (uint8_t)p[i]) * 0x100000001b3ull;
    }
    return h;
}

static bool word_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

/* Where `name` first occurs in line[0..n) as a whole word, or -1. */
static long word_at(const char *line, size_t n, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; len > 0 && i + len <= n; i++) {
        if (memcmp(line + i, name, len) == 0 && (i == 0 || !word_char(line[i - 1])) &&
            (i + len == n || !word_char(line[i + len]))) {
            return (long)i;
        }
    }
    return -1;
}

/* The app whose name comes first in the line (the first listed app of
 * that name), or -1. */
static int app_named_in(const scenario *s, const char *line, size_t n)
{
    int best = -1;
    long best_at = -1;
    for (size_t i = 0; i < s->num_apps; i++) {
        long at = word_at(line, n, s->apps[i].name);
        if (at >= 0 && (best < 0 || at < best_at)) {
            best = (int)i;
            best_at = at;
        }
    }
    return best;
}

static bool starts(const char *line, size_t n, const char *prefix)
{
    size_t len = strlen(prefix);
    return n >= len && memcmp(line, prefix, len) == 0;
}

/* A fault dump (from "[kernel] process NAME faulted" to "[kernel] end of
 * dump") belongs to NAME; other lines to the app they name, else to the
 * kernel ("[kernel] ...") or to nobody. */
static int line_owner(const scenario *s, const char *line, size_t n, int *dump, bool *faulted)
{
    *faulted = false;
    if (*dump != OWNER_OTHER) {
        int owner = *dump;
        if (n == strlen("[kernel] end of dump") && starts(line, n, "[kernel] end of dump")) {
            *dump = OWNER_OTHER;
        }
        return owner;
    }
    int app = app_named_in(s, line, n);
    if (app >= 0 && starts(line, n, "[kernel] process ") && n > 8 &&
        memcmp(line + n - 8, " faulted", 8) == 0) {
        *dump = app;
        *faulted = true;
    }
    if (app >= 0) {
        return app;
    }
    return starts(line, n, "[kernel]") ? OWNER_KERNEL : OWNER_OTHER;
}

static void add_line(campaign_outcome *o, int owner, const char *line, size_t n, bool faulted)
{
    uint64_t *h = owner >= 0              ? &o->apps[owner].out_hash
                  : owner == OWNER_KERNEL ? &o->kernel_hash
                                          : &o->other_hash;
    uint32_t *count = owner >= 0              ? &o->apps[owner].lines
                      : owner == OWNER_KERNEL ? &o->kernel_lines
                                              : &o->other_lines;
    *h = fnv1a(fnv1a(*h, line, n), "\n", 1);
    (*count)++;
    if (faulted) {
        o->apps[owner].faulted++;
    }
}

/* By length, not as a C string: a wild app may print NUL bytes, and what
 * follows one must still count. */
static void split_streams(const scenario *s, const char *uart, size_t len, campaign_outcome *o)
{
    int dump = OWNER_OTHER;
    bool faulted = false;
    o->kernel_hash = o->other_hash = 0xcbf29ce484222325ull;
    for (unsigned i = 0; i < o->num_apps; i++) {
        o->apps[i].out_hash = 0xcbf29ce484222325ull;
    }
    for (const char *p = uart, *end = uart + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        add_line(o, line_owner(s, p, n, &dump, &faulted), p, n, faulted);
        p += n + (nl != NULL);
    }
}

static int app_index_named(const campaign *c, const char *name)
{
    for (size_t i = 0; i < c->s->num_apps; i++) {
        if (strcmp(c->s->apps[i].name, name) == 0) {
            return (int)i;
        }
    }
    return CAMPAIGN_TARGET_NONE;
}

/* Faults as on_fault() attributed them (every one, not only those the
 * machine's fault log has room for); one at a wild pc while no process ran
 * is left to the kernel's own lines ("[kernel] process NAME faulted"). */
static void count_faults(const campaign *c, const machine *m, const campaign_watch *w,
                         campaign_outcome *o)
{
    o->faults = machine_get_stats(m)->faults;
    o->kernel_faults = w->kernel_faults;
    for (unsigned i = 0; i < o->num_apps; i++) {
        o->apps[app_index_named(c, c->s->apps[i].name)].faults += w->app_faults[i];
    }
}

void campaign_observe(const campaign *c, machine *m, const run_result *r, const campaign_watch *w,
                      campaign_outcome *out)
{
    size_t len;
    const uint8_t *bytes = machine_uart_log(m, 0, &len);
    char *uart = malloc(len + 1);
    memset(out, 0, sizeof(*out));
    out->filled = true;
    out->end = r->end;
    out->exit_code = r->exit_code;
    snprintf(out->detail, sizeof(out->detail), "%.*s", (int)sizeof(out->detail) - 1, r->detail);
    out->num_apps = (unsigned)c->s->num_apps;
    out->instructions = machine_get_stats(m)->instructions;
    out->sleep_cycles = machine_get_stats(m)->sleep_cycles;
    if (uart == NULL) {
        return;
    }
    memcpy(uart, bytes, len);
    uart[len] = '\0';
    split_streams(c->s, uart, len, out);
    for (size_t i = 0; i < len; i++) {
        uart[i] = uart[i] == '\0' ? ' ' : uart[i]; /* the kernel's lines after a NUL count too */
    }
    out->panic = strstr(uart, "[kernel] panic") != NULL;
    count_faults(c, m, w, out);
    uint64_t late = c->end_cycle / CAMPAIGN_LATE_DEN * CAMPAIGN_LATE_NUM;
    for (unsigned i = 0; i < out->num_apps; i++) {
        if (w->app_last_run[i] >= late) {
            out->apps[app_index_named(c, c->s->apps[i].name)].ran_late = true;
        }
    }
    for (unsigned i = 0; i < out->num_apps; i++) {
        scenario_proc_state st;
        scenario_proc_tally(uart, c->s->apps[i].name, &st);
        snprintf(out->apps[i].state, sizeof(out->apps[i].state), "%s", st.state);
        out->apps[i].restarts = (uint32_t)st.restarts;
    }
    free(uart);
}

/* A plain address: the app whose RAM block (from the kernel's process
 * table) or placed image holds it, else the kernel's RAM or flash. */
static int address_target(const campaign *c, machine *m, uint32_t addr)
{
    kinfo_proc procs[KINFO_MAX_PROCS];
    kinfo_kernel k;
    char err[128];
    int n = kinfo_procs(m, procs, KINFO_MAX_PROCS, err, sizeof(err));
    for (int i = 0; i < n; i++) {
        if (addr - procs[i].block < procs[i].block_end - procs[i].block) {
            return app_index_named(c, procs[i].name);
        }
    }
    int app = scenario_app_at(&c->placed, addr);
    if (app >= 0) {
        return app;
    }
    if (kinfo_kernel_areas(m, &k, err, sizeof(err)) == 0 &&
        (addr - k.data_lo < k.data_hi - k.data_lo || addr - k.stack_lo < k.stack_hi - k.stack_lo)) {
        return CAMPAIGN_TARGET_KERNEL;
    }
    if (c->placed.count > 0 && addr < c->placed.start[0] &&
        board_memory_containing(&c->b, addr, 1) == board_memory_containing(&c->b, 0, 1)) {
        return CAMPAIGN_TARGET_KERNEL; /* the kernel's flash, below the apps */
    }
    return CAMPAIGN_TARGET_NONE;
}

static int region_target(const scenario_fault *f)
{
    if (f->region == FAULT_REGION_KERNEL_DATA || f->region == FAULT_REGION_KERNEL_STACK) {
        return CAMPAIGN_TARGET_KERNEL;
    }
    return (int)f->app_index;
}

static int target_of(const campaign *c, machine *m, const scenario_fault *f)
{
    switch (f->kind) {
    case SCN_FAULT_BITFLIP:
        if (f->region != FAULT_REGION_NONE) {
            return region_target(f);
        }
        return address_target(c, m, f->address + f->bit / 8u);
    case SCN_FAULT_REGISTER: {
        /* the code about to run owns the registers */
        int app = scenario_app_at(&c->placed, machine_reg(m, UC_ARM_REG_PC) & ~1u);
        return app >= 0 ? app : CAMPAIGN_TARGET_KERNEL;
    }
    case SCN_FAULT_PROCESS:
        return (int)f->app_index;
    default:
        return CAMPAIGN_TARGET_NONE;
    }
}

/* Apps of the same name share one stream: so do their faults. */
int campaign_fault_target(const campaign *c, machine *m, const scenario_fault *f)
{
    int target = target_of(c, m, f);
    return target >= 0 ? app_index_named(c, c->s->apps[target].name) : target;
}

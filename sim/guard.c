#include "guard.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "guard_unicorn.h"

#define GUARD_MAX_AREAS 64
/* Computed contexts kept, keyed by MPU configuration: a kernel switching
 * among a few processes finds each one's permissions already worked out. */
#define GUARD_SLOTS 16
/* Up to this many pages losing rights are flushed from the TLB one by one
 * (a step through an edge page closes one); beyond, the whole TLB is. */
#define GUARD_FLUSH_PAGES 8

typedef struct guard_area {
    uint32_t base;
    uint32_t pages;
    uint32_t first; /* index of its first page in the per-page arrays */
    uint8_t cap;
    bool ppb;
} guard_area;

typedef struct guard_slot {
    bool used;
    int ctx;
    mpu_config cfg;
    uint64_t last_use;
    uint8_t *want;  /* per page: UC_PROT_* */
    uint8_t *edges; /* per page: GUARD_*_EDGE */
    bool exec_edges;
} guard_slot;

struct guard {
    uc_engine *uc;
    const mpu *mpu;
    guard_area areas[GUARD_MAX_AREAS];
    unsigned num_areas;
    uint32_t num_pages;
    uint8_t *cur;    /* per page: what Unicorn has now */
    uint8_t *starts; /* per page: a Unicorn memory region begins here */
    void *cpu;       /* Unicorn's CPU, once a map rebuild has shown it */
    bool flush_due;  /* rights were taken away since the TLB was flushed */
    /* The first pages that lost rights: a few are flushed one by one. */
    uint32_t reduced[GUARD_FLUSH_PAGES];
    unsigned num_reduced;
    guard_slot slots[GUARD_SLOTS];
    guard_slot *active;
    uint64_t clock;
    uint32_t open_lo, open_hi; /* pages opened by guard_open, hi exclusive */
    guard_stats stats;
};

guard *guard_create(uc_engine *uc, const mpu *m)
{
    guard *g = calloc(1, sizeof(*g));
    assert(g != NULL);
    g->uc = uc;
    g->mpu = m;
    return g;
}

void guard_destroy(guard *g)
{
    if (g == NULL) {
        return;
    }
    for (unsigned i = 0; i < GUARD_SLOTS; i++) {
        free(g->slots[i].want);
        free(g->slots[i].edges);
    }
    free(g->cur);
    free(g->starts);
    free(g);
}

static void grow_pages(guard *g, uint32_t extra, uint8_t cap)
{
    g->cur = realloc(g->cur, g->num_pages + extra);
    g->starts = realloc(g->starts, g->num_pages + extra);
    assert(g->cur != NULL && g->starts != NULL);
    memset(g->cur + g->num_pages, cap, extra); /* as mapped */
    memset(g->starts + g->num_pages, 0, extra);
    g->starts[g->num_pages] = 1; /* each area is one mapping */
    for (unsigned i = 0; i < GUARD_SLOTS; i++) {
        free(g->slots[i].want);
        free(g->slots[i].edges);
        g->slots[i] = (guard_slot){0};
    }
    g->active = NULL;
    g->num_pages += extra;
}

int guard_add_area(guard *g, uint32_t base, uint32_t size, unsigned cap, bool ppb)
{
    if (size == 0 || (base | size) % GUARD_PAGE) {
        return -1;
    }
    guard_area *last = g->num_areas ? &g->areas[g->num_areas - 1] : NULL;
    if (last && last->cap == cap && last->ppb == ppb &&
        last->base + last->pages * GUARD_PAGE == base) {
        last->pages += size / GUARD_PAGE; /* adjacent device pages: one area */
    } else if (g->num_areas == GUARD_MAX_AREAS) {
        return -1;
    } else {
        g->areas[g->num_areas++] = (guard_area){
            .base = base, .pages = 0, .first = g->num_pages, .cap = (uint8_t)cap, .ppb = ppb};
        g->areas[g->num_areas - 1].pages = size / GUARD_PAGE;
    }
    grow_pages(g, size / GUARD_PAGE, (uint8_t)cap);
    return 0;
}

void guard_invalidate(guard *g)
{
    g->active = NULL; /* the next apply looks the configuration up again */
}

int guard_context(const guard *g)
{
    return g->active ? g->active->ctx : -1;
}

/* Permissions of one page that a span edge cuts: reads and writes only
 * where every byte allows them (the rest is checked precisely in the fault
 * hook), execution where any byte allows it (checked per block). */
static void cut_page(const guard *g, uint32_t page, bool priv, bool applies, uint8_t *want,
                     uint8_t *edges)
{
    unsigned all = MPU_R | MPU_W | MPU_X;
    unsigned any = 0;
    uint64_t end = (uint64_t)page + GUARD_PAGE;
    for (uint64_t at = page; at < end;) {
        unsigned p = mpu_perms(g->mpu, (uint32_t)at, priv, applies);
        all &= p;
        any |= p;
        at = mpu_uniform_until(g->mpu, (uint32_t)at, end, priv, applies);
    }
    *want = (uint8_t)((all & (MPU_R | MPU_W)) | (any & MPU_X));
    *edges = (uint8_t)((((all ^ any) & (MPU_R | MPU_W)) ? GUARD_DATA_EDGE : 0) |
                       (((all ^ any) & MPU_X) ? GUARD_EXEC_EDGE : 0));
}

static void compute_area(const guard *g, const guard_area *a, int ctx, uint8_t *want,
                         uint8_t *edges)
{
    bool priv = ctx & GUARD_PRIVILEGED;
    bool applies = ctx & GUARD_MPU_APPLIES;
    if (a->ppb) {
        memset(want, priv ? a->cap : 0, a->pages);
        memset(edges, 0, a->pages);
        return;
    }
    uint64_t limit = (uint64_t)a->base + (uint64_t)a->pages * GUARD_PAGE;
    for (uint32_t i = 0; i < a->pages;) {
        uint32_t page = a->base + i * GUARD_PAGE;
        uint64_t end = mpu_uniform_until(g->mpu, page, limit, priv, applies);
        uint32_t whole = (uint32_t)((end - page) / GUARD_PAGE);
        if (whole == 0) {
            cut_page(g, page, priv, applies, &want[i], &edges[i]);
            want[i] &= a->cap;
            i++;
            continue;
        }
        uint8_t p = (uint8_t)(mpu_perms(g->mpu, page, priv, applies) & a->cap);
        memset(&want[i], p, whole);
        memset(&edges[i], 0, whole);
        i += whole;
    }
}

static void compute_slot(guard *g, guard_slot *s)
{
    s->exec_edges = false;
    for (unsigned i = 0; i < g->num_areas; i++) {
        const guard_area *a = &g->areas[i];
        compute_area(g, a, s->ctx, s->want + a->first, s->edges + a->first);
    }
    for (uint32_t k = 0; k < g->num_pages && !s->exec_edges; k++) {
        s->exec_edges = (s->edges[k] & GUARD_EXEC_EDGE) != 0;
    }
    g->stats.recomputes++;
}

static guard_slot *find_slot(guard *g, int ctx, const mpu_config *cfg)
{
    guard_slot *victim = &g->slots[0];
    for (unsigned i = 0; i < GUARD_SLOTS; i++) {
        guard_slot *s = &g->slots[i];
        if (s->used && s->ctx == ctx && memcmp(&s->cfg, cfg, sizeof(*cfg)) == 0) {
            return s;
        }
        if (!s->used || s->last_use < victim->last_use) {
            victim = s;
        }
    }
    if (victim->want == NULL) {
        victim->want = malloc(g->num_pages ? g->num_pages : 1);
        victim->edges = malloc(g->num_pages ? g->num_pages : 1);
        assert(victim->want != NULL && victim->edges != NULL);
    }
    victim->used = true;
    victim->ctx = ctx;
    victim->cfg = *cfg;
    compute_slot(g, victim);
    return victim;
}

/* Unicorn splits its regions at the ends of every protected run, and never
 * merges them again: `starts` follows where they begin.  A run that would
 * split a region (unmap, map and copy through the memory map) is not made
 * inside a batch: the map must be current for that. */
static unsigned protect_run(guard *g, uint32_t addr, uint32_t first, uint32_t count, uint8_t p)
{
    uint32_t end = first + count;
    bool whole = g->starts[first] && (end == g->num_pages || g->starts[end]);
    bool batched = guard_unicorn_batch_open();
    for (uint32_t k = first; k < end; k++) {
        if ((g->cur[k] & ~p) != 0) { /* a right taken away */
            if (g->num_reduced < GUARD_FLUSH_PAGES) {
                g->reduced[g->num_reduced] = addr + (k - first) * GUARD_PAGE;
            }
            g->num_reduced++;
            g->flush_due = true;
        }
    }
    if (!whole && batched) {
        guard_unicorn_batch_end();
    }
    guard_unicorn_protect(g->uc, addr, (size_t)count * GUARD_PAGE, p, &g->cpu);
    if (!whole && batched) {
        guard_unicorn_batch_begin();
    }
    g->starts[first] = 1;
    if (end < g->num_pages) {
        g->starts[end] = 1;
    }
    memset(&g->cur[first], p, count);
    return 1;
}

/* Bring Unicorn's pages [from, to) of an area (area-relative) to target. */
static unsigned sync_area(guard *g, const guard_area *a, const uint8_t *target, uint32_t from,
                          uint32_t to)
{
    unsigned calls = 0;
    const uint8_t *cur = g->cur + a->first;
    if (memcmp(cur + from, target + from, to - from) == 0) {
        return 0;
    }
    for (uint32_t i = from; i < to;) {
        if (cur[i] == target[i]) {
            i++;
            continue;
        }
        uint32_t j = i + 1;
        while (j < to && target[j] == target[i] && cur[j] != target[j]) {
            j++;
        }
        calls += protect_run(g, a->base + i * GUARD_PAGE, a->first + i, j - i, target[i]);
        i = j;
    }
    return calls;
}

static const guard_area *area_of(const guard *g, uint32_t addr, uint32_t *page);

/* Without Unicorn's CPU (no rebuild has shown it yet, or a Unicorn build
 * that does not call what guard_unicorn.c replaces) only a map rebuild
 * flushes the TLB, and taking away read or execute rights alone from a
 * whole region makes none: flip the write right of the region holding the
 * first page that lost rights, and back.  In the usual build the first
 * flip shows the CPU, which is then flushed outright. */
static void flush_by_rebuild(guard *g)
{
    uint32_t i;
    const guard_area *a = area_of(g, g->reduced[0], &i);
    if (a == NULL) {
        return;
    }
    uint32_t lo = i, hi = i + 1;
    while (lo > 0 && !g->starts[a->first + lo]) {
        lo--;
    }
    while (hi < a->pages && !g->starts[a->first + hi]) {
        hi++;
    }
    uint32_t addr = a->base + lo * GUARD_PAGE;
    size_t size = (size_t)(hi - lo) * GUARD_PAGE;
    uint8_t p = g->cur[a->first + i];
    guard_unicorn_protect(g->uc, addr, size, p ^ UC_PROT_WRITE, &g->cpu);
    guard_unicorn_protect(g->uc, addr, size, p, &g->cpu);
    if (g->cpu != NULL) {
        guard_unicorn_flush_tlb(g->cpu);
    }
}

/* Rights taken away must not live on in TLB entries made before. */
static void finish_changes(guard *g)
{
    if (g->flush_due && g->cpu == NULL) {
        flush_by_rebuild(g);
    } else if (g->flush_due && g->num_reduced > GUARD_FLUSH_PAGES) {
        guard_unicorn_flush_tlb(g->cpu);
    } else if (g->flush_due) {
        for (unsigned i = 0; i < g->num_reduced; i++) {
            guard_unicorn_flush_tlb_page(g->cpu, g->reduced[i]);
        }
    }
    g->flush_due = false;
    g->num_reduced = 0;
}

unsigned guard_apply(guard *g, int ctx)
{
    mpu_config cfg;
    mpu_snapshot(g->mpu, &cfg);
    guard_slot *s = find_slot(g, ctx, &cfg);
    s->last_use = ++g->clock;
    unsigned calls = 0;
    guard_unicorn_batch_begin();
    for (unsigned i = 0; i < g->num_areas; i++) {
        const guard_area *a = &g->areas[i];
        calls += sync_area(g, a, s->want + a->first, 0, a->pages);
    }
    guard_unicorn_batch_end();
    finish_changes(g);
    g->active = s;
    g->stats.applies++;
    g->stats.protect_calls += calls;
    return calls;
}

static const guard_area *area_of(const guard *g, uint32_t addr, uint32_t *page)
{
    for (unsigned i = 0; i < g->num_areas; i++) {
        const guard_area *a = &g->areas[i];
        if ((addr - a->base) / GUARD_PAGE < a->pages) {
            *page = (addr - a->base) / GUARD_PAGE;
            return a;
        }
    }
    return NULL;
}

bool guard_has_exec_edges(const guard *g)
{
    return g->active != NULL && g->active->exec_edges;
}

bool guard_page_executable(const guard *g, uint32_t addr)
{
    uint32_t page;
    const guard_area *a = g->active ? area_of(g, addr, &page) : NULL;
    return a != NULL && (g->active->want[a->first + page] & UC_PROT_EXEC);
}

unsigned guard_edges(const guard *g, uint32_t addr)
{
    uint32_t page;
    const guard_area *a = g->active ? area_of(g, addr, &page) : NULL;
    return a ? g->active->edges[a->first + page] : 0;
}

void guard_open(guard *g, uint32_t addr, uint32_t len)
{
    g->open_lo = addr & ~(GUARD_PAGE - 1u);
    g->open_hi = addr + (len ? len : 1u);
    for (uint32_t p = g->open_lo; p - g->open_lo < g->open_hi - g->open_lo; p += GUARD_PAGE) {
        uint32_t i;
        const guard_area *a = area_of(g, p, &i);
        if (a != NULL && g->cur[a->first + i] != a->cap) {
            g->stats.protect_calls += protect_run(g, p, a->first + i, 1, a->cap);
        }
    }
}

void guard_reclose(guard *g)
{
    for (uint32_t p = g->open_lo; p - g->open_lo < g->open_hi - g->open_lo; p += GUARD_PAGE) {
        uint32_t i;
        const guard_area *a = area_of(g, p, &i);
        if (a != NULL && g->active != NULL) {
            g->stats.protect_calls += sync_area(g, a, g->active->want + a->first, i, i + 1);
        }
    }
    finish_changes(g);
    g->open_lo = g->open_hi = 0;
}

const guard_stats *guard_get_stats(const guard *g)
{
    return &g->stats;
}

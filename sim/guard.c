#include "guard.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define GUARD_MAX_AREAS 300

typedef struct guard_area {
    uint32_t base;
    uint32_t pages;
    uint8_t cap;
    bool ppb;
    uint8_t *cur;                   /* what Unicorn has now */
    uint8_t *want[GUARD_CONTEXTS];  /* per context: UC_PROT_* */
    uint8_t *edges[GUARD_CONTEXTS]; /* per context: GUARD_*_EDGE */
} guard_area;

struct guard {
    uc_engine *uc;
    const mpu *mpu;
    guard_area areas[GUARD_MAX_AREAS];
    unsigned num_areas;
    bool valid[GUARD_CONTEXTS];
    bool exec_edges[GUARD_CONTEXTS]; /* any page of the context has one */
    int ctx;
    uint32_t open_lo, open_hi; /* pages opened by guard_open, hi exclusive */
    guard_stats stats;
};

guard *guard_create(uc_engine *uc, const mpu *m)
{
    guard *g = calloc(1, sizeof(*g));
    assert(g != NULL);
    g->uc = uc;
    g->mpu = m;
    g->ctx = -1;
    return g;
}

void guard_destroy(guard *g)
{
    if (g == NULL) {
        return;
    }
    for (unsigned i = 0; i < g->num_areas; i++) {
        free(g->areas[i].cur);
        for (int c = 0; c < GUARD_CONTEXTS; c++) {
            free(g->areas[i].want[c]);
            free(g->areas[i].edges[c]);
        }
    }
    free(g);
}

int guard_add_area(guard *g, uint32_t base, uint32_t size, unsigned cap, bool ppb)
{
    if (g->num_areas == GUARD_MAX_AREAS || size == 0 || (base | size) % GUARD_PAGE) {
        return -1;
    }
    guard_area *a = &g->areas[g->num_areas++];
    a->base = base;
    a->pages = size / GUARD_PAGE;
    a->cap = (uint8_t)cap;
    a->ppb = ppb;
    a->cur = malloc(a->pages);
    assert(a->cur != NULL);
    memset(a->cur, (int)cap, a->pages); /* as mapped */
    for (int c = 0; c < GUARD_CONTEXTS; c++) {
        a->want[c] = calloc(a->pages, 1);
        a->edges[c] = calloc(a->pages, 1);
        assert(a->want[c] != NULL && a->edges[c] != NULL);
    }
    return 0;
}

void guard_invalidate(guard *g)
{
    memset(g->valid, 0, sizeof(g->valid));
}

int guard_context(const guard *g)
{
    return g->ctx;
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

static void compute_area(const guard *g, guard_area *a, int ctx)
{
    bool priv = ctx & GUARD_PRIVILEGED;
    bool applies = ctx & GUARD_MPU_APPLIES;
    uint8_t *want = a->want[ctx];
    uint8_t *edges = a->edges[ctx];
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

static unsigned protect_run(guard *g, guard_area *a, uint32_t first, uint32_t count, uint8_t p)
{
    uc_mem_protect(g->uc, (uint64_t)a->base + (uint64_t)first * GUARD_PAGE,
                   (size_t)count * GUARD_PAGE, p);
    memset(&a->cur[first], p, count);
    return 1;
}

/* Bring Unicorn's pages [from, to) of an area to `target`. */
static unsigned sync_area(guard *g, guard_area *a, const uint8_t *target, uint32_t from,
                          uint32_t to)
{
    unsigned calls = 0;
    for (uint32_t i = from; i < to;) {
        if (a->cur[i] == target[i]) {
            i++;
            continue;
        }
        uint32_t j = i + 1;
        while (j < to && target[j] == target[i] && a->cur[j] != target[j]) {
            j++;
        }
        calls += protect_run(g, a, i, j - i, target[i]);
        i = j;
    }
    return calls;
}

unsigned guard_apply(guard *g, int ctx)
{
    unsigned calls = 0;
    if (!g->valid[ctx]) {
        g->exec_edges[ctx] = false;
        for (unsigned i = 0; i < g->num_areas; i++) {
            guard_area *a = &g->areas[i];
            compute_area(g, a, ctx);
            for (uint32_t k = 0; k < a->pages && !g->exec_edges[ctx]; k++) {
                g->exec_edges[ctx] = (a->edges[ctx][k] & GUARD_EXEC_EDGE) != 0;
            }
        }
        g->valid[ctx] = true;
        g->stats.recomputes++;
    }
    for (unsigned i = 0; i < g->num_areas; i++) {
        guard_area *a = &g->areas[i];
        calls += sync_area(g, a, a->want[ctx], 0, a->pages);
    }
    g->ctx = ctx;
    g->stats.applies++;
    g->stats.protect_calls += calls;
    return calls;
}

static guard_area *area_of(const guard *g, uint32_t addr, uint32_t *page)
{
    for (unsigned i = 0; i < g->num_areas; i++) {
        const guard_area *a = &g->areas[i];
        if ((addr - a->base) / GUARD_PAGE < a->pages) {
            *page = (addr - a->base) / GUARD_PAGE;
            return (guard_area *)a;
        }
    }
    return NULL;
}

bool guard_has_exec_edges(const guard *g)
{
    return g->ctx >= 0 && g->exec_edges[g->ctx];
}

unsigned guard_edges(const guard *g, uint32_t addr)
{
    uint32_t page;
    const guard_area *a = g->ctx >= 0 ? area_of(g, addr, &page) : NULL;
    return a ? a->edges[g->ctx][page] : 0;
}

void guard_open(guard *g, uint32_t addr, uint32_t len)
{
    g->open_lo = addr & ~(GUARD_PAGE - 1u);
    g->open_hi = addr + (len ? len : 1u);
    for (uint32_t p = g->open_lo; p - g->open_lo < g->open_hi - g->open_lo; p += GUARD_PAGE) {
        uint32_t i;
        guard_area *a = area_of(g, p, &i);
        if (a != NULL && a->cur[i] != a->cap) {
            g->stats.protect_calls += protect_run(g, a, i, 1, a->cap);
        }
    }
}

void guard_reclose(guard *g)
{
    for (uint32_t p = g->open_lo; p - g->open_lo < g->open_hi - g->open_lo; p += GUARD_PAGE) {
        uint32_t i;
        guard_area *a = area_of(g, p, &i);
        if (a != NULL && g->ctx >= 0) {
            g->stats.protect_calls += sync_area(g, a, a->want[g->ctx], i, i + 1);
        }
    }
    g->open_lo = g->open_hi = 0;
}

const guard_stats *guard_get_stats(const guard *g)
{
    return &g->stats;
}

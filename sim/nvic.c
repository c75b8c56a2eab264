#include "nvic.h"

#include <string.h>

void nvic_reset(nvic *n, unsigned num_irqs, unsigned prio_bits)
{
    memset(n, 0, sizeof(*n));
    n->num_irqs = num_irqs > NVIC_MAX_IRQS ? NVIC_MAX_IRQS : num_irqs;
    n->prio_bits = prio_bits < 2 ? 2 : (prio_bits > 8 ? 8 : prio_bits);
    /* These cannot be disabled; configurable faults start disabled. */
    const int always[] = {EXC_RESET,    EXC_NMI,    EXC_HARDFAULT, EXC_SVCALL,
                          EXC_DEBUGMON, EXC_PENDSV, EXC_SYSTICK};
    for (unsigned i = 0; i < sizeof(always) / sizeof(always[0]); i++) {
        n->enabled[always[i]] = true;
    }
}

bool nvic_valid(const nvic *n, int exc)
{
    if (exc >= EXC_IRQ0) {
        return (unsigned)(exc - EXC_IRQ0) < n->num_irqs;
    }
    switch (exc) {
    case EXC_RESET:
    case EXC_NMI:
    case EXC_HARDFAULT:
    case EXC_MEMMANAGE:
    case EXC_BUSFAULT:
    case EXC_USAGEFAULT:
    case EXC_SVCALL:
    case EXC_DEBUGMON:
    case EXC_PENDSV:
    case EXC_SYSTICK:
        return true;
    default:
        return false;
    }
}

void nvic_set_priority(nvic *n, int exc, uint8_t value)
{
    if (exc <= EXC_HARDFAULT || !nvic_valid(n, exc)) {
        return; /* fixed priorities, reserved numbers: writes ignored */
    }
    n->prio[exc] = (uint8_t)(value & (0xFFu << (8 - n->prio_bits)));
}

int nvic_priority(const nvic *n, int exc)
{
    switch (exc) {
    case EXC_RESET:
        return -3;
    case EXC_NMI:
        return -2;
    case EXC_HARDFAULT:
        return -1;
    default:
        return n->prio[exc];
    }
}

int nvic_group_priority(const nvic *n, int prio)
{
    if (prio < 0) {
        return prio;
    }
    /* PRIGROUP = g: bits [7:g+1] are the group priority. */
    unsigned sub_mask = (2u << n->prigroup) - 1u;
    return (int)((unsigned)prio & ~sub_mask & 0xFFu);
}

void nvic_set_pending(nvic *n, int exc)
{
    if (nvic_valid(n, exc)) {
        n->pending[exc] = true;
    }
}

void nvic_clear_pending(nvic *n, int exc)
{
    if (nvic_valid(n, exc)) {
        n->pending[exc] = false;
    }
}

void nvic_set_level(nvic *n, int irq, bool level)
{
    int exc = EXC_IRQ0 + irq;
    if (irq < 0 || !nvic_valid(n, exc)) {
        return;
    }
    if (level && !n->level[exc] && !n->active[exc]) {
        n->pending[exc] = true;
    }
    n->level[exc] = level;
}

static bool ranks_before(const nvic *n, int a, int b)
{
    int pa = nvic_priority(n, a);
    int pb = nvic_priority(n, b);
    int ga = nvic_group_priority(n, pa);
    int gb = nvic_group_priority(n, pb);
    if (ga != gb) {
        return ga < gb;
    }
    if (pa != pb) {
        return pa < pb; /* subpriority decides among equal groups */
    }
    return a < b;
}

int nvic_next_pending(const nvic *n)
{
    int best = 0;
    int last = EXC_IRQ0 + (int)n->num_irqs;
    for (int exc = 1; exc < last; exc++) {
        if (n->pending[exc] && n->enabled[exc] && (best == 0 || ranks_before(n, exc, best))) {
            best = exc;
        }
    }
    return best;
}

static int active_priority(const nvic *n, int except)
{
    int best = NVIC_PRIO_THREAD;
    int last = EXC_IRQ0 + (int)n->num_irqs;
    for (int exc = 1; exc < last && n->num_active > 0; exc++) {
        if (n->active[exc] && exc != except) {
            int g = nvic_group_priority(n, nvic_priority(n, exc));
            best = g < best ? g : best;
        }
    }
    return best;
}

static int apply_masks(const nvic *n, int prio, nvic_masks m)
{
    uint8_t basepri = (uint8_t)(m.basepri & (0xFFu << (8 - n->prio_bits)));
    if (basepri != 0) {
        int g = nvic_group_priority(n, basepri);
        prio = g < prio ? g : prio;
    }
    if (m.primask && prio > 0) {
        prio = 0;
    }
    if (m.faultmask && prio > -1) {
        prio = -1;
    }
    return prio;
}

int nvic_execution_priority(const nvic *n, nvic_masks m)
{
    return apply_masks(n, active_priority(n, 0), m);
}

int nvic_priority_without(const nvic *n, int exc, nvic_masks m)
{
    return apply_masks(n, active_priority(n, exc), m);
}

bool nvic_can_preempt(const nvic *n, int exc, int exec_prio)
{
    return nvic_group_priority(n, nvic_priority(n, exc)) < exec_prio;
}

void nvic_activate(nvic *n, int exc)
{
    if (!n->active[exc]) {
        n->active[exc] = true;
        n->num_active++;
    }
    n->pending[exc] = false;
}

void nvic_deactivate(nvic *n, int exc)
{
    if (n->active[exc]) {
        n->active[exc] = false;
        n->num_active--;
    }
    /* A level-sensitive input still asserted pends the interrupt again. */
    if (exc >= EXC_IRQ0 && n->level[exc]) {
        n->pending[exc] = true;
    }
}

bool nvic_only_active(const nvic *n, int exc)
{
    return n->num_active == 1 && n->active[exc];
}

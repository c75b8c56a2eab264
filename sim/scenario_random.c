/* "random_faults": faults drawn from templates by a PRNG seeded with the
 * scenario's seed, so a run is repeatable (scenarios/SCHEMA.md).  The PRNG
 * is splitmix64; each draw takes, in this order: the template (next % n),
 * the time (the high 32 bits as a fraction of the window), the register
 * (next % 16, or next % 15 with a fixed bit 0: not pc) when "any", the bit (next % 32, or 1 + next
 * % 31 for pc) when left out, and the region offset (the low 32 bits, taken modulo the region's
 * size when the flip is applied) when left out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault_state.h"
#include "scenario_fault_internal.h"

#define RANDOM_MAX_COUNT 10000

static int parse_window(scn_ctx *c, const cJSON *obj, scenario_random_faults *r)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(obj, "window");
    const char *path = "random_faults.window";
    if (!cJSON_IsArray(w) || cJSON_GetArraySize(w) != 2 || !cJSON_IsString(w->child) ||
        !cJSON_IsString(w->child->next)) {
        return w ? scn_fail(c, path, false, "expected [FROM, TO], two durations")
                 : scn_fail(c, "random_faults", false, "missing required key \"window\"");
    }
    if (!duration_parse(w->child->valuestring, &r->window_lo) ||
        !duration_parse(w->child->next->valuestring, &r->window_hi)) {
        return scn_fail(c, path, false, "expected durations like \"100ms\" or \"4000cycles\"");
    }
    if (r->window_lo.in_cycles != r->window_hi.in_cycles ||
        r->window_lo.value > r->window_hi.value) {
        return scn_fail(c, path, false, "expected FROM <= TO, both in time or both in cycles");
    }
    return 0;
}

static int parse_count(scn_ctx *c, const cJSON *obj, scenario_random_faults *r)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "count");
    if (v == NULL) {
        return scn_fail(c, "random_faults", false, "missing required key \"count\"");
    }
    if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > RANDOM_MAX_COUNT ||
        v->valuedouble != (double)(int)v->valuedouble) {
        return scn_fail(c, "random_faults.count", false, "expected a whole number 1..%d",
                        RANDOM_MAX_COUNT);
    }
    r->count = (unsigned)v->valueint;
    return 0;
}

static int parse_templates(scn_ctx *c, const cJSON *obj, scenario *s)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, "faults");
    scenario_random_faults *r = &s->random_faults;
    char path[80];
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0) {
        return arr ? scn_fail(c, "random_faults.faults", false, "expected a non-empty list")
                   : scn_fail(c, "random_faults", false, "missing required key \"faults\"");
    }
    r->templates = calloc((size_t)cJSON_GetArraySize(arr), sizeof(*r->templates));
    for (const cJSON *it = arr->child; r->templates && it != NULL; it = it->next) {
        scn_path(path, sizeof(path), "random_faults.faults", NULL, (int)r->num_templates);
        if (scn_parse_fault(c, s, it, path, &r->templates[r->num_templates++], true) != 0) {
            return -1;
        }
    }
    return r->templates ? 0 : scn_fail(c, "random_faults", false, "out of memory");
}

int scn_parse_random_faults(scn_ctx *c, const cJSON *root, scenario *s)
{
    static const char *const keys[] = {"count", "window", "faults", NULL};
    const cJSON *obj = cJSON_GetObjectItemCaseSensitive(root, "random_faults");
    if (obj == NULL) {
        return 0;
    }
    if (!cJSON_IsObject(obj)) {
        return scn_fail(c, "random_faults", false,
                        "expected {\"count\": K, \"window\": [FROM, TO], \"faults\": [...]}");
    }
    if (scn_check_keys(c, obj, "random_faults", keys) != 0 ||
        parse_count(c, obj, &s->random_faults) || parse_window(c, obj, &s->random_faults) != 0) {
        return -1;
    }
    return parse_templates(c, obj, s);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* One fault from template t, drawing what it leaves out. */
static scenario_fault draw_one(const scenario_random_faults *r, const scenario_fault *t,
                               uint64_t *state, int64_t seed)
{
    scenario_fault f = *t;
    f.symbol = dup_or_null(t->symbol);
    f.where = dup_or_null(t->where);
    f.app = dup_or_null(t->app);
    f.device = dup_or_null(t->device);
    f.at_drawn = true;
    f.at_frac = (uint32_t)(fault_rng_next(state) >> 32);
    f.window_lo = r->window_lo;
    f.window_hi = r->window_hi;
    if (t->draw_reg) {
        /* with a fixed bit 0, not pc: its bit 0 is the Thumb state */
        unsigned regs = !t->draw_bit && t->bit == 0 ? 15u : 16u;
        f.reg = (unsigned)(fault_rng_next(state) % regs);
    }
    if (t->draw_bit) {
        uint64_t v = fault_rng_next(state);
        f.bit = f.kind == SCN_FAULT_REGISTER && f.reg == 15 ? 1u + (unsigned)(v % 31u)
                                                            : (unsigned)(v % 32u);
    }
    if (t->offset_drawn) {
        f.draw = (uint32_t)fault_rng_next(state);
    }
    f.draw_reg = f.draw_bit = false;
    f.drawn = true;
    f.drawn_seed = seed;
    return f;
}

int scenario_draw_random_faults(scenario *s, uint64_t seed, unsigned count)
{
    const scenario_random_faults *r = &s->random_faults;
    unsigned n = count ? count : r->count;
    if (r->num_templates == 0 || n == 0) {
        return 0;
    }
    scenario_fault *grown = realloc(s->faults, (s->num_faults + n) * sizeof(*grown));
    if (grown == NULL) {
        return -1;
    }
    s->faults = grown;
    uint64_t state = seed;
    for (unsigned i = 0; i < n; i++) {
        size_t k = (size_t)(fault_rng_next(&state) % r->num_templates);
        s->faults[s->num_faults++] = draw_one(r, &r->templates[k], &state, (int64_t)seed);
    }
    return (int)n;
}

/* A campaign run's class against the golden run.  The rules, in the order
 * they are tried, are documented in scenarios/SCHEMA.md ("campaign"). */
#include <stdio.h>
#include <string.h>

#include "campaign.h"

static bool detected(const campaign_outcome *g, const campaign_outcome *o)
{
    if (g->faults != o->faults || g->kernel_faults != o->kernel_faults) {
        return true;
    }
    for (unsigned i = 0; i < o->num_apps; i++) {
        if (g->apps[i].faults != o->apps[i].faults || g->apps[i].faulted != o->apps[i].faulted ||
            g->apps[i].restarts != o->apps[i].restarts) {
            return true;
        }
    }
    return false;
}

/* How app i differs from the golden run, or NULL when it does not. */
static const char *app_diff(const campaign_outcome *g, const campaign_outcome *o, unsigned i)
{
    const campaign_app_obs *a = &g->apps[i], *b = &o->apps[i];
    if (a->faults != b->faults || a->faulted != b->faulted) {
        return "faulted";
    }
    if (a->restarts != b->restarts) {
        return "restarted";
    }
    if (strcmp(a->state, b->state) != 0) {
        return "ended in another state";
    }
    if (a->ran_late && !b->ran_late) {
        return "stopped running";
    }
    if (a->out_hash != b->out_hash || a->lines != b->lines) {
        return "printed other lines";
    }
    return NULL;
}

/* How the kernel's side differs: the end of the run, faults in the
 * kernel's code, the kernel's own lines, lines of no app; or NULL. */
static const char *kernel_diff(const campaign_outcome *g, const campaign_outcome *o)
{
    if (g->end != o->end || g->exit_code != o->exit_code) {
        return "the run ended another way";
    }
    if (g->kernel_faults != o->kernel_faults) {
        return "a CPU fault in the kernel's code";
    }
    if (g->kernel_hash != o->kernel_hash || g->kernel_lines != o->kernel_lines) {
        return "the kernel printed other lines";
    }
    if (g->other_hash != o->other_hash || g->other_lines != o->other_lines) {
        return "lines of no known app changed";
    }
    return NULL;
}

const char *campaign_target_name(const campaign *c, int target)
{
    return target >= 0                        ? c->s->apps[target].name
           : target == CAMPAIGN_TARGET_KERNEL ? "kernel"
                                              : "none";
}

const char *campaign_slot_name(int slot)
{
    return slot == CAMPAIGN_ERROR ? "error" : campaign_class_key((enum campaign_class)slot);
}

/* The first app other than the target that differs, or -1. */
static int other_app_affected(const campaign_outcome *g, const campaign_outcome *o)
{
    for (unsigned i = 0; i < o->num_apps; i++) {
        if ((int)i != o->target && app_diff(g, o, i) != NULL) {
            return (int)i;
        }
    }
    return -1;
}

/* An app other than the target that ran late in the golden run, or -1:
 * the target stopping by itself is its own affair, not a hang. */
static int late_bystander(const campaign_outcome *g, const campaign_outcome *o)
{
    for (unsigned i = 0; i < g->num_apps; i++) {
        if ((int)i != o->target && g->apps[i].ran_late) {
            return (int)i;
        }
    }
    return -1;
}

static bool any_ran_late(const campaign_outcome *o)
{
    for (unsigned i = 0; i < o->num_apps; i++) {
        if (o->apps[i].ran_late) {
            return true;
        }
    }
    return false;
}

static int hang_or_panic(const campaign *c, const campaign_outcome *g, const campaign_outcome *o,
                         char *reason, size_t len)
{
    int bystander = late_bystander(g, o);
    if (o->panic && !g->panic) {
        snprintf(reason, len, "\"[kernel] panic\" in UART0");
        return CAMPAIGN_PANIC;
    }
    if (o->end == END_LOCKUP && g->end != END_LOCKUP) {
        snprintf(reason, len, "locked up: %s", o->detail);
        return CAMPAIGN_PANIC;
    }
    if (o->end == END_ASLEEP_FOREVER && g->end != END_ASLEEP_FOREVER) {
        snprintf(reason, len, "asleep forever: nothing left to wake the core");
        return CAMPAIGN_HANG;
    }
    if (bystander >= 0 && !any_ran_late(o) && o->end == END_TIME_LIMIT) {
        snprintf(reason, len,
                 "no process ran in the last quarter of the run (in the golden run %s did)",
                 c->s->apps[bystander].name);
        return CAMPAIGN_HANG;
    }
    return -1;
}

/* Detected, so contained or spread: who else is affected decides. */
static int contained_or_spread(const campaign *c, const campaign_outcome *g,
                               const campaign_outcome *o, char *reason, size_t len)
{
    const char *k = kernel_diff(g, o);
    int other = other_app_affected(g, o);
    if (o->target >= 0 && k == NULL && other < 0) {
        snprintf(reason, len, "%s %s; the kernel and the other apps as in the golden run",
                 c->s->apps[o->target].name, app_diff(g, o, (unsigned)o->target));
        return CAMPAIGN_CONTAINED;
    }
    if (other >= 0) {
        snprintf(reason, len, "fault in %s, but %s %s", campaign_target_name(c, o->target),
                 c->s->apps[other].name, app_diff(g, o, (unsigned)other));
    } else {
        snprintf(reason, len, "fault in %s, but %s", campaign_target_name(c, o->target),
                 k ? k : "no app owns it");
    }
    return CAMPAIGN_SPREAD;
}

static const char *first_diff(const campaign *c, const campaign_outcome *g,
                              const campaign_outcome *o, char *buf, size_t len)
{
    const char *k = kernel_diff(g, o);
    for (unsigned i = 0; i < o->num_apps; i++) {
        const char *d = app_diff(g, o, i);
        if (d != NULL) {
            snprintf(buf, len, "%s %s", c->s->apps[i].name, d);
            return buf;
        }
    }
    return k;
}

int campaign_classify(const campaign *c, const campaign_outcome *g, const campaign_outcome *o,
                      char *reason, size_t len)
{
    char diff[128];
    if (!o->filled || o->end == END_INTERNAL_ERROR) {
        snprintf(reason, len, "simulator error: %s", o->filled ? o->detail : "the run crashed");
        return CAMPAIGN_ERROR;
    }
    if (!o->applied) {
        snprintf(reason, len,
                 "not applied: the run ended first or the fault could not be applied "
                 "when due");
        return CAMPAIGN_MASKED;
    }
    int cls = hang_or_panic(c, g, o, reason, len);
    bool seen = detected(g, o);
    if (cls == CAMPAIGN_PANIC) {
        return cls;
    }
    if (seen && o->target >= 0 && kernel_diff(g, o) == NULL && other_app_affected(g, o) < 0) {
        return contained_or_spread(c, g, o, reason, len);
    }
    if (cls >= 0) {
        return cls;
    }
    if (seen) {
        return contained_or_spread(c, g, o, reason, len);
    }
    if (first_diff(c, g, o, diff, sizeof(diff)) != NULL) {
        snprintf(reason, len, "no fault detected, but %s", first_diff(c, g, o, diff, sizeof(diff)));
        return CAMPAIGN_SILENT;
    }
    snprintf(reason, len, "same outcome as the golden run");
    return CAMPAIGN_MASKED;
}

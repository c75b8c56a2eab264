/* See kconfig_patch.h.  The word is read by the kernel through a volatile
 * pointer at boot, so patching the image's bytes is all it takes; the layout
 * comes from the kernel's own header, checked by size and magic. */
#include "kconfig_patch.h"

#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(kconfig) == 32 + KCONFIG_OVERRIDES * 24, "kconfig layout (kernel/ABI.md)");

/* The bytes of the symbol inside a loaded segment, or NULL. */
static kconfig *find_word(elf_image *img, char *err, size_t errlen)
{
    const elf_symbol *sym = elf_symbol_named(img, KCONFIG_SYMBOL);
    if (sym == NULL) {
        snprintf(err, errlen, "%s: no symbol %s: cannot set the scheduler or fault policies",
                 img->path, KCONFIG_SYMBOL);
        return NULL;
    }
    for (size_t i = 0; i < img->num_segments; i++) {
        elf_segment *seg = &img->segments[i];
        if (sym->addr >= seg->addr && seg->filesz >= sizeof(kconfig) &&
            sym->addr - seg->addr <= seg->filesz - sizeof(kconfig)) {
            return (kconfig *)(void *)(seg->data + (sym->addr - seg->addr));
        }
    }
    snprintf(err, errlen, "%s: %s at 0x%08x is not in the image's loaded data", img->path,
             KCONFIG_SYMBOL, sym->addr);
    return NULL;
}

/* The override slot for `name`: its own, else the first unused one. */
static kconfig_override *slot_for(kconfig *k, const char *name)
{
    kconfig_override *free_slot = NULL;
    for (unsigned i = 0; i < KCONFIG_OVERRIDES; i++) {
        kconfig_override *o = &k->overrides[i];
        if (strncmp(o->name, name, KCONFIG_NAME_LEN) == 0) {
            return o;
        }
        if (o->name[0] == '\0' && free_slot == NULL) {
            free_slot = o;
        }
    }
    return free_slot;
}

static int set_policy(kconfig *k, const scenario_app *app, char *err, size_t errlen)
{
    if (strlen(app->name) > KCONFIG_NAME_LEN) {
        snprintf(err, errlen, "%s: the kernel matches at most %d characters of an app name",
                 app->where, KCONFIG_NAME_LEN);
        return -1;
    }
    kconfig_override *o = slot_for(k, app->name);
    if (o == NULL) {
        snprintf(err, errlen, "%s: the kernel has room for %d per-app fault policies", app->where,
                 KCONFIG_OVERRIDES);
        return -1;
    }
    memset(o->name, 0, sizeof(o->name));
    memcpy(o->name, app->name, strlen(app->name));
    o->fault_policy = (uint32_t)app->fault_policy;
    o->max_restarts = app->max_restarts >= 0 ? (uint32_t)app->max_restarts : 0;
    return 0;
}

static bool wants_patch(const scenario *s)
{
    bool any = s->sched >= 0 || s->timeslice_us != 0;
    for (size_t i = 0; i < s->num_apps; i++) {
        any = any || s->apps[i].fault_policy >= 0;
    }
    return any;
}

int kconfig_patch(elf_image *img, const scenario *s, char *err, size_t errlen)
{
    if (!wants_patch(s)) {
        return 0;
    }
    kconfig *k = find_word(img, err, errlen);
    if (k == NULL) {
        return -1;
    }
    if (k->magic != KCONFIG_MAGIC || k->version != KCONFIG_VERSION) {
        snprintf(err, errlen, "%s: %s has magic 0x%08x version %u, expected 0x%08x version %u",
                 img->path, KCONFIG_SYMBOL, k->magic, k->version, KCONFIG_MAGIC, KCONFIG_VERSION);
        return -1;
    }
    if (s->sched >= 0) {
        k->sched = (uint32_t)s->sched;
    }
    if (s->timeslice_us != 0) {
        k->timeslice_us = s->timeslice_us;
    }
    for (size_t i = 0; i < s->num_apps; i++) {
        if (s->apps[i].fault_policy >= 0 && set_policy(k, &s->apps[i], err, errlen) != 0) {
            return -1;
        }
    }
    return 0;
}

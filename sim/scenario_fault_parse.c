/* The "faults" list of a scenario file: bit flips in memory (by address,
 * kernel symbol or named region) and registers, forced process faults,
 * misbehaving devices and brown-outs on the timeline.  Symbols and device
 * names are checked later, when the kernel ELF and board are loaded; each
 * fault keeps where it was written for that message.  The same parser
 * reads the templates of "random_faults" (scenario_random.c), which have
 * no "at" and may leave bits, offsets and registers out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault_inject.h"
#include "json_pos.h"
#include "scenario_fault_internal.h"

static const char *const reg_names[16] = {"r0", "r1", "r2",  "r3",  "r4",  "r5", "r6", "r7",
                                          "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc"};

const char *scenario_register_name(unsigned reg)
{
    return reg < 16 ? reg_names[reg] : "?";
}

/* An integer in lo..hi at prefix.key; a template may leave it out. */
static int get_uint(scn_ctx *c, const cJSON *obj, const char *prefix, const char *key, unsigned lo,
                    unsigned hi, bool *missing, unsigned *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    char path[160];
    scn_path(path, sizeof(path), prefix, key, -1);
    if (v == NULL) {
        if (missing != NULL) {
            *missing = true;
            return 0;
        }
        return scn_fail(c, prefix, false, "missing required key \"%s\"", key);
    }
    if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi ||
        v->valuedouble != (double)(uint64_t)v->valuedouble) {
        return scn_fail(c, path, false, "expected %s %u..%u",
                        strcmp(key, "bit") == 0 ? "a bit number" : "a whole number", lo, hi);
    }
    *out = (unsigned)v->valuedouble;
    return 0;
}

static int get_bit(scn_ctx *c, const cJSON *obj, const char *prefix, unsigned lo, scenario_fault *f,
                   bool tmpl)
{
    return get_uint(c, obj, prefix, "bit", lo, 31, tmpl ? &f->draw_bit : NULL, &f->bit);
}

static int parse_address(scn_ctx *c, const cJSON *v, const char *path, uint32_t *out)
{
    char *end = NULL;
    unsigned long long a = 0;
    if (cJSON_IsString(v) && v->valuestring[0] != '\0') {
        a = strtoull(v->valuestring, &end, 0);
    }
    /* bounded before the cast: a double past uint64_t's range is undefined */
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= UINT32_MAX &&
        v->valuedouble == (double)(uint64_t)v->valuedouble) {
        a = (unsigned long long)v->valuedouble;
        end = "";
    }
    if (end == NULL || *end != '\0' || a > UINT32_MAX) {
        return scn_fail(c, path, false, "expected a 32-bit address (\"0x20004000\" or a number)");
    }
    *out = (uint32_t)a;
    return 0;
}

static void remember_where(scn_ctx *c, const char *path, scenario_fault *f)
{
    char buf[512];
    scn_where(c, path, buf, sizeof(buf));
    free(f->where);
    f->where = strdup(buf);
}

/* The app at path must be one of the scenario's; f gets its name and index. */
static int set_app(scn_ctx *c, const scenario *s, const char *name, const char *path,
                   scenario_fault *f)
{
    if (scn_check_app_name(c, s, name, path, false) != 0) {
        return -1;
    }
    for (size_t i = 0; i < s->num_apps; i++) {
        if (strcmp(s->apps[i].name, name) == 0) {
            f->app_index = (unsigned)i;
        }
    }
    f->app = strdup(name);
    return 0;
}

static const char *const app_areas[] = {
    [FAULT_REGION_APP_STACK] = "stack", [FAULT_REGION_APP_DATA] = "data",
    [FAULT_REGION_APP_HEAP] = "heap",   [FAULT_REGION_APP_GRANT] = "grant",
    [FAULT_REGION_APP_RAM] = "ram",     [FAULT_REGION_APP_FLASH] = "flash",
};

/* "app:NAME AREA", "kernel data" or "kernel stack". */
static int parse_region(scn_ctx *c, const scenario *s, const char *text, const char *path,
                        scenario_fault *f)
{
    if (strcmp(text, "kernel data") == 0 || strcmp(text, "kernel stack") == 0) {
        f->region = text[7] == 'd' ? FAULT_REGION_KERNEL_DATA : FAULT_REGION_KERNEL_STACK;
        return 0;
    }
    const char *space = strrchr(text, ' ');
    for (int r = FAULT_REGION_APP_STACK; space && r <= FAULT_REGION_APP_FLASH; r++) {
        if (strncmp(text, "app:", 4) == 0 && space > text + 4 &&
            strcmp(space + 1, app_areas[r]) == 0) {
            char name[64];
            snprintf(name, sizeof(name), "%.*s", (int)(space - text - 4), text + 4);
            f->region = r;
            return set_app(c, s, name, path, f);
        }
    }
    return scn_fail(c, path, false,
                    "expected \"app:NAME stack|data|heap|grant|ram|flash\", \"kernel data\" or "
                    "\"kernel stack\"");
}

/* "region" and "offset" (a template may leave the offset out: drawn). */
static int parse_region_target(scn_ctx *c, const scenario *s, const cJSON *obj, const char *path,
                               scenario_fault *f, bool tmpl)
{
    const char *text;
    char p[160];
    scn_path(p, sizeof(p), path, "region", -1);
    remember_where(c, p, f);
    if (scn_get_string(c, obj, path, "region", true, &text) != 0 ||
        parse_region(c, s, text, p, f) != 0) {
        return -1;
    }
    unsigned offset = 0;
    if (get_uint(c, obj, path, "offset", 0, UINT32_MAX, tmpl ? &f->offset_drawn : NULL, &offset)) {
        return -1;
    }
    f->offset = offset;
    return 0;
}

static int parse_bitflip(scn_ctx *c, const scenario *s, const cJSON *obj, const char *path,
                         scenario_fault *f, bool tmpl)
{
    static const char *const keys[] = {"address", "symbol", "region", "offset", "bit", NULL};
    const cJSON *addr = cJSON_GetObjectItemCaseSensitive(obj, "address");
    bool region = cJSON_GetObjectItemCaseSensitive(obj, "region") != NULL;
    const char *symbol = NULL;
    char p[160];
    if (!cJSON_IsObject(obj)) {
        return scn_fail(c, path, false,
                        "expected {\"address\", \"symbol\" or \"region\", \"bit\"}");
    }
    if (scn_check_keys(c, obj, path, keys) != 0 ||
        scn_get_string(c, obj, path, "symbol", false, &symbol) != 0) {
        return -1;
    }
    if ((addr != NULL) + (symbol != NULL) + region != 1) {
        return scn_fail(c, path, false,
                        "expected exactly one of \"address\", \"symbol\", \"region\"");
    }
    if (!region && cJSON_GetObjectItemCaseSensitive(obj, "offset") != NULL) {
        scn_path(p, sizeof(p), path, "offset", -1);
        return scn_fail(c, p, true, "\"offset\" goes with \"region\"");
    }
    f->kind = SCN_FAULT_BITFLIP;
    if (region) {
        if (parse_region_target(c, s, obj, path, f, tmpl) != 0) {
            return -1;
        }
    } else {
        scn_path(p, sizeof(p), path, addr ? "address" : "symbol", -1);
        remember_where(c, p, f);
        if (symbol != NULL) {
            f->symbol = strdup(symbol);
        } else if (parse_address(c, addr, p, &f->address) != 0) {
            return -1;
        }
    }
    return get_bit(c, obj, path, 0, f, tmpl);
}

static int parse_register(scn_ctx *c, const cJSON *it, const char *path, scenario_fault *f,
                          bool tmpl)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "register");
    char p[160];
    scn_path(p, sizeof(p), path, "register", -1);
    f->kind = SCN_FAULT_REGISTER;
    if (tmpl && cJSON_IsString(v) && strcmp(v->valuestring, "any") == 0) {
        f->draw_reg = true;
        return get_bit(c, it, path, 0, f, tmpl); /* 0 is redrawn for pc */
    }
    for (unsigned i = 0; cJSON_IsString(v) && i < 16; i++) {
        if (strcmp(v->valuestring, reg_names[i]) == 0) {
            f->reg = i;
            /* bit 0 of pc is the Thumb state, not part of the address */
            return get_bit(c, it, path, i == 15 ? 1 : 0, f, tmpl);
        }
    }
    return scn_fail(c, p, false, "expected a register name: r0..r12, sp, lr or pc%s",
                    tmpl ? " (or \"any\")" : "");
}

static int parse_process_fault(scn_ctx *c, const scenario *s, const cJSON *it, const char *path,
                               scenario_fault *f)
{
    const char *name;
    char p[160];
    scn_path(p, sizeof(p), path, "process_fault", -1);
    if (scn_get_string(c, it, path, "process_fault", true, &name) != 0) {
        return -1;
    }
    f->kind = SCN_FAULT_PROCESS;
    return set_app(c, s, name, p, f);
}

/* One of names[] at prefix.key; absent gives dflt (or fails if it is -1). */
static int get_choice(scn_ctx *c, const cJSON *obj, const char *prefix, const char *key,
                      const char *const *names, int dflt, int *out)
{
    const char *text;
    char p[160], want[160] = "";
    if (scn_get_string(c, obj, prefix, key, dflt < 0, &text) != 0) {
        return -1;
    }
    for (int i = 0; text != NULL && names[i] != NULL; i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    if (text == NULL) {
        *out = dflt;
        return 0;
    }
    for (int i = 0; names[i] != NULL; i++) {
        size_t used = strlen(want);
        snprintf(want + used, sizeof(want) - used, "%s\"%s\"", i ? ", " : "", names[i]);
    }
    scn_path(p, sizeof(p), prefix, key, -1);
    return scn_fail(c, p, false, "expected one of %s", want);
}

static int parse_peripheral(scn_ctx *c, const cJSON *obj, const char *path, scenario_fault *f)
{
    static const char *const keys[] = {"device", "mode", "for", "period", NULL};
    static const char *const modes[] = {"dead", "stuck", "irq_flood", NULL};
    const char *device;
    char p[160];
    int mode;
    if (!cJSON_IsObject(obj)) {
        return scn_fail(c, path, false, "expected {\"device\", \"mode\", \"for\"}");
    }
    if (scn_check_keys(c, obj, path, keys) != 0 ||
        scn_get_string(c, obj, path, "device", true, &device) != 0 ||
        get_choice(c, obj, path, "mode", modes, -1, &mode) != 0) {
        return -1;
    }
    f->kind = SCN_FAULT_PERIPHERAL;
    f->device = strdup(device);
    f->periph_mode = PERIPH_FAULT_DEAD + mode;
    scn_path(p, sizeof(p), path, "device", -1);
    remember_where(c, p, f);
    f->has_for = cJSON_GetObjectItemCaseSensitive(obj, "for") != NULL;
    f->has_period = cJSON_GetObjectItemCaseSensitive(obj, "period") != NULL;
    if (f->has_period && f->periph_mode != PERIPH_FAULT_IRQ_FLOOD) {
        scn_path(p, sizeof(p), path, "period", -1);
        return scn_fail(c, p, true, "\"period\" goes with mode \"irq_flood\"");
    }
    if ((f->has_for && scn_get_duration(c, obj, path, "for", &f->for_) != 0) ||
        (f->has_period && scn_get_duration(c, obj, path, "period", &f->period) != 0)) {
        return -1;
    }
    if (f->has_period && f->period.value <= 0) {
        scn_path(p, sizeof(p), path, "period", -1);
        return scn_fail(c, p, false, "expected a period above zero");
    }
    return 0;
}

static int parse_brownout(scn_ctx *c, const cJSON *obj, const char *path, scenario_fault *f)
{
    static const char *const keys[] = {"ram", NULL};
    static const char *const policies[] = {"retained", "cleared", "random", NULL};
    if (!cJSON_IsObject(obj)) {
        return scn_fail(c, path, false,
                        "expected {} or {\"ram\": \"retained\"|\"cleared\"|\"random\"}");
    }
    f->kind = SCN_FAULT_BROWNOUT;
    if (scn_check_keys(c, obj, path, keys) != 0 ||
        get_choice(c, obj, path, "ram", policies, 0, &f->ram) != 0) {
        return -1;
    }
    f->ram += BROWNOUT_RAM_RETAINED;
    return 0;
}

static const char *const kind_keys[] = {"bitflip", "register", "process_fault", "peripheral",
                                        "brownout"};

/* Exactly one kind key; returns its index or -1 (message written). */
static int which_kind(scn_ctx *c, const cJSON *it, const char *path)
{
    int found = -1, n = 0;
    for (int k = 0; k < 5; k++) {
        if (cJSON_GetObjectItemCaseSensitive(it, kind_keys[k]) != NULL) {
            found = k;
            n++;
        }
    }
    if (n != 1) {
        return scn_fail(c, path, false,
                        "expected exactly one of \"bitflip\", \"register\", \"process_fault\", "
                        "\"peripheral\" and \"brownout\"");
    }
    return found;
}

/* "at": a duration, or "boot" for a bit flip in flash before the reset. */
static int parse_at(scn_ctx *c, const cJSON *it, const char *path, scenario_fault *f)
{
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(it, "at");
    if (cJSON_IsString(at) && strcmp(at->valuestring, "boot") == 0) {
        f->at_boot = true;
        return 0;
    }
    return scn_get_duration(c, it, path, "at", &f->at);
}

/* At boot nothing runs yet: only flash (and memory by address or symbol)
 * can be flipped, by no kernel table. */
static int check_boot(scn_ctx *c, const char *path, const scenario_fault *f)
{
    char p[160];
    scn_path(p, sizeof(p), path, "at", -1);
    if (f->kind != SCN_FAULT_BITFLIP) {
        return scn_fail(c, p, false, "only a \"bitflip\" can be applied at \"boot\"");
    }
    if (f->region != FAULT_REGION_NONE && f->region != FAULT_REGION_APP_FLASH) {
        return scn_fail(c, p, false,
                        "at \"boot\" a region must be \"app:NAME flash\" (nothing else is "
                        "placed before the kernel runs)");
    }
    return 0;
}

static int parse_kind(scn_ctx *c, const scenario *s, const cJSON *it, const char *path, int kind,
                      scenario_fault *f, bool tmpl)
{
    char p[160];
    scn_path(p, sizeof(p), path, kind_keys[kind], -1);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, kind_keys[kind]);
    if (kind != 1 && cJSON_GetObjectItemCaseSensitive(it, "bit") != NULL) {
        char b[160];
        scn_path(b, sizeof(b), path, "bit", -1);
        return scn_fail(c, b, true,
                        kind == 0 ? "a bitflip's \"bit\" goes inside \"bitflip\""
                                  : "\"bit\" belongs to a bitflip or register fault");
    }
    switch (kind) {
    case 0:
        return parse_bitflip(c, s, v, p, f, tmpl);
    case 1:
        return parse_register(c, it, path, f, tmpl);
    case 2:
        return parse_process_fault(c, s, it, path, f);
    case 3:
        return parse_peripheral(c, v, p, f);
    default:
        return parse_brownout(c, v, p, f);
    }
}

int scn_parse_fault(scn_ctx *c, const scenario *s, const cJSON *it, const char *path,
                    scenario_fault *f, bool tmpl)
{
    static const char *const keys[] = {"at",         "bitflip",  "register", "bit", "process_fault",
                                       "peripheral", "brownout", NULL};
    if (!cJSON_IsObject(it)) {
        return scn_fail(c, path, false, "expected a fault object%s",
                        tmpl ? " (without \"at\")" : " with \"at\"");
    }
    if (scn_check_keys(c, it, path, keys + (tmpl ? 1 : 0)) != 0 ||
        (!tmpl && parse_at(c, it, path, f) != 0)) {
        return -1;
    }
    int kind = which_kind(c, it, path);
    if (kind < 0 || parse_kind(c, s, it, path, kind, f, tmpl) != 0) {
        return -1;
    }
    return f->at_boot ? check_boot(c, path, f) : 0;
}

int scn_parse_faults(scn_ctx *c, const cJSON *root, scenario *s)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "faults");
    char path[64];
    if (arr != NULL && !cJSON_IsArray(arr)) {
        return scn_fail(c, "faults", false, "expected a list of faults");
    }
    if (arr != NULL) {
        s->faults = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*s->faults));
    }
    for (const cJSON *it = arr ? arr->child : NULL; it != NULL; it = it->next) {
        scn_path(path, sizeof(path), "faults", NULL, (int)s->num_faults);
        if (scn_parse_fault(c, s, it, path, &s->faults[s->num_faults++], false) != 0) {
            return -1;
        }
    }
    return scn_parse_random_faults(c, root, s);
}

void scn_fault_free(scenario_fault *f)
{
    free(f->symbol);
    free(f->where);
    free(f->app);
    free(f->device);
}

void scn_faults_free(scenario *s)
{
    for (size_t i = 0; i < s->num_faults; i++) {
        scn_fault_free(&s->faults[i]);
    }
    free(s->faults);
    s->faults = NULL;
    s->num_faults = 0;
    scenario_random_faults *r = &s->random_faults;
    for (size_t i = 0; i < r->num_templates; i++) {
        scn_fault_free(&r->templates[i]);
    }
    free(r->templates);
    memset(r, 0, sizeof(*r));
}

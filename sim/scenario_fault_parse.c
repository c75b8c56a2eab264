/* The "faults" list of a scenario file: bit flips in memory and registers
 * on the timeline.  Symbols are looked up later, when the kernel ELF is
 * loaded; each fault keeps where it was written for that message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pos.h"
#include "scenario_internal.h"

static const char *const reg_names[16] = {"r0", "r1", "r2",  "r3",  "r4",  "r5", "r6", "r7",
                                          "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc"};

const char *scenario_register_name(unsigned reg)
{
    return reg < 16 ? reg_names[reg] : "?";
}

/* An integer in lo..hi at prefix.key. */
static int get_bit(scn_ctx *c, const cJSON *obj, const char *prefix, unsigned lo, unsigned hi,
                   unsigned *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "bit");
    char path[160];
    scn_path(path, sizeof(path), prefix, "bit", -1);
    if (v == NULL) {
        return scn_fail(c, prefix, false, "missing required key \"bit\"");
    }
    if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi ||
        v->valuedouble != (double)v->valueint) {
        return scn_fail(c, path, false, "expected a bit number %u..%u", lo, hi);
    }
    *out = (unsigned)v->valueint;
    return 0;
}

static int parse_address(scn_ctx *c, const cJSON *v, const char *path, uint32_t *out)
{
    char *end = NULL;
    unsigned long long a = 0;
    if (cJSON_IsString(v) && v->valuestring[0] != '\0') {
        a = strtoull(v->valuestring, &end, 0);
    }
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
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
    json_pos p = json_pos_find(c->text, path, false);
    char buf[512];
    snprintf(buf, sizeof(buf), "%s:%d:%d: %s", c->file, p.line, p.col, path);
    f->where = strdup(buf);
}

static int parse_bitflip(scn_ctx *c, const cJSON *obj, const char *path, scenario_fault *f)
{
    static const char *const keys[] = {"address", "symbol", "bit", NULL};
    const cJSON *addr = cJSON_GetObjectItemCaseSensitive(obj, "address");
    const char *symbol = NULL;
    char p[160];
    if (!cJSON_IsObject(obj)) {
        return scn_fail(c, path, false, "expected {\"address\" or \"symbol\", \"bit\"}");
    }
    if (scn_check_keys(c, obj, path, keys) != 0 ||
        scn_get_string(c, obj, path, "symbol", false, &symbol) != 0) {
        return -1;
    }
    if ((addr != NULL) == (symbol != NULL)) {
        return scn_fail(c, path, false, "expected exactly one of \"address\" and \"symbol\"");
    }
    f->kind = SCN_FAULT_BITFLIP;
    scn_path(p, sizeof(p), path, addr ? "address" : "symbol", -1);
    remember_where(c, p, f);
    if (symbol != NULL) {
        f->symbol = strdup(symbol);
    } else if (parse_address(c, addr, p, &f->address) != 0) {
        return -1;
    }
    return get_bit(c, obj, path, 0, 31, &f->bit);
}

static int parse_register(scn_ctx *c, const cJSON *it, const char *path, scenario_fault *f)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "register");
    char p[160];
    scn_path(p, sizeof(p), path, "register", -1);
    f->kind = SCN_FAULT_REGISTER;
    for (unsigned i = 0; cJSON_IsString(v) && i < 16; i++) {
        if (strcmp(v->valuestring, reg_names[i]) == 0) {
            f->reg = i;
            /* bit 0 of pc is the Thumb state, not part of the address */
            return get_bit(c, it, path, i == 15 ? 1 : 0, 31, &f->bit);
        }
    }
    return scn_fail(c, p, false, "expected a register name: r0..r12, sp, lr or pc");
}

static int parse_fault(scn_ctx *c, const cJSON *it, const char *path, scenario_fault *f)
{
    static const char *const keys[] = {"at", "bitflip", "register", "bit", NULL};
    if (!cJSON_IsObject(it)) {
        return scn_fail(c, path, false,
                        "expected an object with \"at\" and \"bitflip\" or \"register\"");
    }
    if (scn_check_keys(c, it, path, keys) != 0 ||
        scn_get_duration(c, it, path, "at", &f->at) != 0) {
        return -1;
    }
    const cJSON *flip = cJSON_GetObjectItemCaseSensitive(it, "bitflip");
    bool reg = cJSON_GetObjectItemCaseSensitive(it, "register") != NULL;
    if ((flip != NULL) == reg) {
        return scn_fail(c, path, false, "expected exactly one of \"bitflip\" and \"register\"");
    }
    if (flip != NULL) {
        char p[160];
        if (cJSON_GetObjectItemCaseSensitive(it, "bit") != NULL) {
            scn_path(p, sizeof(p), path, "bit", -1);
            return scn_fail(c, p, true, "a bitflip's \"bit\" goes inside \"bitflip\"");
        }
        scn_path(p, sizeof(p), path, "bitflip", -1);
        return parse_bitflip(c, flip, p, f);
    }
    return parse_register(c, it, path, f);
}

int scn_parse_faults(scn_ctx *c, const cJSON *root, scenario *s)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "faults");
    char path[64];
    if (arr == NULL) {
        return 0;
    }
    if (!cJSON_IsArray(arr)) {
        return scn_fail(c, "faults", false, "expected a list of faults");
    }
    s->faults = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*s->faults));
    for (const cJSON *it = arr->child; it != NULL; it = it->next) {
        scn_path(path, sizeof(path), "faults", NULL, (int)s->num_faults);
        if (parse_fault(c, it, path, &s->faults[s->num_faults++]) != 0) {
            return -1;
        }
    }
    return 0;
}

void scn_faults_free(scenario *s)
{
    for (size_t i = 0; i < s->num_faults; i++) {
        free(s->faults[i].symbol);
        free(s->faults[i].where);
    }
    free(s->faults);
    s->faults = NULL;
    s->num_faults = 0;
}

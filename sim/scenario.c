/* Loading scenario files: cJSON reads the text, these functions check every
 * key against scenarios/SCHEMA.md and json_pos.c finds where the offending
 * key or value sits, so each message reads FILE:LINE:COL. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app_images.h"
#include "board.h"
#include "json_pos.h"
#include "scenario_internal.h"

int scn_fail(scn_ctx *c, const char *path, bool at_key, const char *fmt, ...)
{
    char mapped[256];
    path = scn_map_path(c, path, mapped, sizeof(mapped));
    json_pos p = json_pos_find(c->text, path, at_key);
    int n = snprintf(c->err, c->errlen, "%s:%d:%d: %s: ", c->file, p.line, p.col,
                     path[0] ? path : "top level");
    if (n >= 0 && (size_t)n < c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void scn_path(char *buf, size_t len, const char *prefix, const char *key, int index)
{
    if (index >= 0) {
        snprintf(buf, len, "%s[%d]", prefix, index);
    } else {
        snprintf(buf, len, "%s%s%s", prefix, prefix[0] ? "." : "", key);
    }
}

int scn_check_keys(scn_ctx *c, const cJSON *obj, const char *prefix, const char *const *allowed)
{
    for (const cJSON *it = obj->child; it != NULL; it = it->next) {
        size_t i = 0;
        while (allowed[i] != NULL && strcmp(allowed[i], it->string) != 0) {
            i++;
        }
        if (allowed[i] == NULL) {
            char path[256], want[512] = "";
            scn_path(path, sizeof(path), prefix, it->string, -1);
            for (i = 0; allowed[i] != NULL; i++) {
                size_t used = strlen(want);
                snprintf(want + used, sizeof(want) - used, "%s%s", i ? ", " : "", allowed[i]);
            }
            return scn_fail(c, path, true, "unknown key (expected one of: %s)", want);
        }
        /* cJSON keeps both and lookups see the first: the second would be ignored */
        for (const cJSON *prev = obj->child; prev != it; prev = prev->next) {
            if (strcmp(prev->string, it->string) == 0) {
                char path[256];
                scn_path(path, sizeof(path), prefix, it->string, -1);
                return scn_fail(c, path, true, "key appears twice");
            }
        }
    }
    return 0;
}

int scn_string_list(scn_ctx *c, const cJSON *obj, const char *prefix, const char *key,
                    string_list *out)
{
    char path[256], item[300];
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, key);
    scn_path(path, sizeof(path), prefix, key, -1);
    if (arr == NULL) {
        return 0;
    }
    if (!cJSON_IsArray(arr)) {
        return scn_fail(c, path, false, "expected a list of strings");
    }
    out->v = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(char *));
    for (const cJSON *it = arr->child; it != NULL; it = it->next) {
        scn_path(item, sizeof(item), path, NULL, (int)out->n);
        if (!cJSON_IsString(it)) {
            return scn_fail(c, item, false, "expected a string");
        }
        out->v[out->n++] = strdup(it->valuestring);
    }
    return 0;
}

void scn_string_list_free(string_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i]);
    }
    free(l->v);
}

int scn_get_string(scn_ctx *c, const cJSON *obj, const char *prefix, const char *key, bool required,
                   const char **out)
{
    char path[256];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    scn_path(path, sizeof(path), prefix, key, -1);
    if (v == NULL) {
        if (required) {
            return scn_fail(c, prefix, false, "missing required key \"%s\"", key);
        }
        *out = NULL;
        return 0;
    }
    if (!cJSON_IsString(v) || v->valuestring[0] == '\0') {
        return scn_fail(c, path, false, "expected a non-empty string");
    }
    *out = v->valuestring;
    return 0;
}

/* "@build/..." -> build_dir + "/...", other relative paths against the
 * scenario's directory, so a scenario works from any working directory. */
char *scn_resolve(const char *scenario_file, const char *build_dir, const char *raw)
{
    char buf[4096];
    if (strncmp(raw, "@build", 6) == 0 && (raw[6] == '/' || raw[6] == '\0')) {
        snprintf(buf, sizeof(buf), "%s%s", build_dir, raw + 6);
    } else if (raw[0] == '/') {
        snprintf(buf, sizeof(buf), "%s", raw);
    } else {
        const char *slash = strrchr(scenario_file, '/');
        int dirlen = slash ? (int)(slash - scenario_file) : 1;
        snprintf(buf, sizeof(buf), "%.*s/%s", dirlen, slash ? scenario_file : ".", raw);
    }
    return strdup(buf);
}

static int get_path(scn_ctx *c, const cJSON *obj, const char *prefix, const char *key,
                    const char *build_dir, char **out)
{
    const char *raw;
    char path[256];
    if (scn_get_string(c, obj, prefix, key, true, &raw) != 0) {
        return -1;
    }
    *out = scn_resolve(c->file, build_dir, raw);
    scn_path(path, sizeof(path), prefix, key, -1);
    if (access(*out, R_OK) != 0) {
        return scn_fail(c, path, false, "cannot read %s: %s", *out, strerror(errno));
    }
    return 0;
}

int scn_get_duration(scn_ctx *c, const cJSON *obj, const char *prefix, const char *key,
                     duration *out)
{
    const char *text;
    char path[256];
    if (scn_get_string(c, obj, prefix, key, true, &text) != 0) {
        return -1;
    }
    scn_path(path, sizeof(path), prefix, key, -1);
    if (!duration_parse(text, out)) {
        return scn_fail(c, path, false,
                        "expected a duration like \"2s\", \"500ms\", \"100us\" or \"4000cycles\", "
                        "got \"%s\"",
                        text);
    }
    return 0;
}

/* Clock and memory sizes: a number, or a string with a suffix ("64M"). */
static int get_quantity(scn_ctx *c, const cJSON *obj, const char *key, bool frequency,
                        uint64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL) {
        return 0;
    }
    if (cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble <= 4294967295.0 * 1000) {
        *out = (uint64_t)v->valuedouble;
        return 0;
    }
    if (cJSON_IsString(v) && (frequency ? board_parse_frequency(v->valuestring, out)
                                        : board_parse_size(v->valuestring, out)) == 0) {
        return 0;
    }
    return scn_fail(c, key, false, "expected %s",
                    frequency ? "a frequency (64000000 or \"64M\")"
                              : "a size in bytes (262144 or \"256K\")");
}

static int parse_app(scn_ctx *c, const cJSON *it, const char *path, const char *build_dir,
                     scenario_app *app)
{
    static const char *const keys[] = {"image", "path", "fault_policy", "max_restarts", NULL};
    const char *image;
    char buf[512];
    if (!cJSON_IsObject(it)) {
        return scn_fail(c, path, false, "expected {\"image\": NAME} or {\"path\": FILE.tbf}");
    }
    if (scn_check_keys(c, it, path, keys) != 0 || scn_parse_app_policy(c, it, path, app) != 0 ||
        scn_get_string(c, it, path, "image", false, &image) != 0) {
        return -1;
    }
    if ((image != NULL) == (cJSON_GetObjectItemCaseSensitive(it, "path") != NULL)) {
        return scn_fail(c, path, false, "expected exactly one of \"image\" and \"path\"");
    }
    if (image != NULL) {
        snprintf(buf, sizeof(buf), "@build/apps/%s.tbf", image);
        app->name = strdup(image);
        app->path = scn_resolve(c->file, build_dir, buf);
        scn_path(buf, sizeof(buf), path, "image", -1);
        if (access(app->path, R_OK) != 0) {
            return scn_fail(c, buf, false, "no built app %s: %s", app->path, strerror(errno));
        }
        return 0;
    }
    if (get_path(c, it, path, "path", build_dir, &app->path) != 0) {
        return -1;
    }
    const char *base = strrchr(app->path, '/');
    base = base ? base + 1 : app->path;
    size_t n = strlen(base);
    app->name = strndup(base, n > 4 && strcmp(base + n - 4, ".tbf") == 0 ? n - 4 : n);
    return 0;
}

/* "FILE:LINE:COL: key" of a top-level key, kept for later errors. */
static char *where_of(const scn_ctx *c, const char *key)
{
    char buf[512];
    scn_where(c, key, buf, sizeof(buf));
    return strdup(buf);
}

static int parse_apps(scn_ctx *c, const cJSON *root, const char *build_dir, scenario *s)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "apps");
    char path[64];
    if (arr == NULL) {
        return 0;
    }
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > APP_PLACEMENT_MAX) {
        return scn_fail(c, "apps", false, "expected a list of at most %d apps", APP_PLACEMENT_MAX);
    }
    s->apps = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*s->apps));
    s->where_apps = where_of(c, "apps");
    for (const cJSON *it = arr->child; it != NULL; it = it->next) {
        scn_path(path, sizeof(path), "apps", NULL, (int)s->num_apps);
        if (parse_app(c, it, path, build_dir, &s->apps[s->num_apps++]) != 0) {
            return -1;
        }
    }
    return 0;
}

static int parse_header(scn_ctx *c, const cJSON *root, scenario *s)
{
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "bulwark_scenario");
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(root, "seed");
    const char *name, *board, *description;
    if (version == NULL) {
        return scn_fail(c, "", false, "missing required key \"bulwark_scenario\" (the version, 1)");
    }
    if (!cJSON_IsNumber(version) || version->valuedouble != SCENARIO_VERSION) {
        return scn_fail(c, "bulwark_scenario", false, "expected version %d", SCENARIO_VERSION);
    }
    if (scn_get_string(c, root, "", "name", true, &name) != 0 ||
        scn_get_string(c, root, "", "description", false, &description) != 0 ||
        scn_get_string(c, root, "", "board", true, &board) != 0) {
        return -1;
    }
    /* bounded before the cast: a double past int64_t's range is undefined */
    if (seed != NULL && (!cJSON_IsNumber(seed) || !(fabs(seed->valuedouble) < 0x1p63) ||
                         seed->valuedouble != (double)(int64_t)seed->valuedouble)) {
        return scn_fail(c, "seed", false, "expected an integer");
    }
    s->seed = seed ? (int64_t)seed->valuedouble : 0;
    s->name = strdup(name);
    s->board = strdup(board);
    s->where_board = where_of(c, "board");
    return 0;
}

static int parse_machine(scn_ctx *c, const cJSON *root, const char *build_dir, scenario *s)
{
    uint64_t flash = 0, ram = 0;
    if (get_quantity(c, root, "clock", true, &s->clock_hz) != 0 ||
        get_quantity(c, root, "flash_size", false, &flash) != 0 ||
        get_quantity(c, root, "ram_size", false, &ram) != 0) {
        return -1;
    }
    if (flash > UINT32_MAX || ram > UINT32_MAX) {
        return scn_fail(c, flash > UINT32_MAX ? "flash_size" : "ram_size", false,
                        "expected at most 4G");
    }
    /* board_override() checks these too, but only here is the key's position known */
    if (s->clock_hz != 0 && (s->clock_hz < 1000 || s->clock_hz > 1000000000)) {
        return scn_fail(c, "clock", false, "expected 1 kHz..1 GHz");
    }
    if (flash % 1024 != 0 || ram % 1024 != 0) {
        return scn_fail(c, flash % 1024 != 0 ? "flash_size" : "ram_size", false,
                        "expected a multiple of 1 KiB");
    }
    s->flash_size = (uint32_t)flash;
    s->ram_size = (uint32_t)ram;
    /* a board file path is relative to the scenario, a bare name is built in */
    if (strchr(s->board, '/') != NULL || strstr(s->board, ".json") != NULL) {
        char *p = scn_resolve(c->file, build_dir, s->board);
        free(s->board);
        s->board = p;
    }
    s->where_kernel = where_of(c, "kernel");
    return get_path(c, root, "", "kernel", build_dir, &s->kernel);
}

int scn_parse_root(scn_ctx *c, const cJSON *root, const char *build_dir, scenario *s)
{
    static const char *const keys[] = {"bulwark_scenario",
                                       "name",
                                       "description",
                                       "board",
                                       "clock",
                                       "flash_size",
                                       "ram_size",
                                       "kernel",
                                       "apps",
                                       "duration",
                                       "seed",
                                       "inputs",
                                       "faults",
                                       "expect",
                                       "scheduler",
                                       "timeslice",
                                       "campaign",
                                       "random_faults",
                                       NULL};
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(root, "expect");
    if (!cJSON_IsObject(root)) {
        return scn_fail(c, "", false, "expected a JSON object");
    }
    if (scn_check_keys(c, root, "", keys) != 0 || parse_header(c, root, s) != 0 ||
        parse_machine(c, root, build_dir, s) != 0 || parse_apps(c, root, build_dir, s) != 0 ||
        scn_get_duration(c, root, "", "duration", &s->duration) != 0 ||
        scn_parse_sched(c, root, s) != 0 || scn_parse_inputs(c, root, build_dir, s) != 0 ||
        scn_parse_faults(c, root, s) != 0 || scn_parse_campaign(c, root, s) != 0) {
        return -1;
    }
    return expect ? scn_parse_expect(c, expect, s, &s->expect) : 0;
}

#define SCENARIO_MAX_BYTES (16u << 20)

static char *read_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t len = 0, cap = 0, n;
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    do {
        if (len + 4096 + 1 > cap) {
            cap = (cap + 4096) * 2;
            char *grown = realloc(text, cap);
            if (grown == NULL) {
                free(text);
                fclose(f);
                snprintf(err, errlen, "%s: out of memory reading the file", path);
                return NULL;
            }
            text = grown;
        }
        n = fread(text + len, 1, cap - len - 1, f);
        len += n;
    } while (n > 0 && len <= SCENARIO_MAX_BYTES);
    fclose(f);
    if (len > SCENARIO_MAX_BYTES) { /* /dev/zero would take all memory */
        free(text);
        snprintf(err, errlen, "%s: larger than 16 MiB, not a scenario file", path);
        return NULL;
    }
    text[len] = '\0';
    return text;
}

int scenario_load(const char *path, const char *build_dir, scenario *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    char *text = read_file(path, err, errlen);
    if (text == NULL) {
        return -1;
    }
    scn_ctx c = {.file = path, .text = text, .err = err, .errlen = errlen};
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, true);
    int rc;
    if (root == NULL) {
        json_pos p = json_pos_of_offset(text, end ? (size_t)(end - text) : 0);
        snprintf(err, errlen, "%s:%d:%d: JSON syntax error", path, p.line, p.col);
        rc = -1;
    } else {
        out->file = strdup(path);
        rc = scn_parse_nodes(&c, root, build_dir, out);
        rc = rc > 0 ? scn_parse_root(&c, root, build_dir, out) : rc;
    }
    cJSON_Delete(root);
    free(text);
    if (rc != 0) {
        scenario_free(out);
    }
    return rc;
}

void scenario_free(scenario *s)
{
    for (size_t i = 0; i < s->num_apps; i++) {
        free(s->apps[i].name);
        free(s->apps[i].path);
        free(s->apps[i].where);
    }
    for (size_t i = 0; i < s->num_inputs; i++) {
        free(s->inputs[i].text);
    }
    scn_expect_free(&s->expect);
    scn_faults_free(s);
    free(s->apps);
    free(s->inputs);
    free(s->file);
    free(s->name);
    free(s->board);
    free(s->kernel);
    free(s->where_board);
    free(s->where_kernel);
    free(s->where_apps);
    scn_nodes_free(s);
    memset(s, 0, sizeof(*s));
}

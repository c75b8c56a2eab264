/* The "inputs" list of a scenario file (scenarios/SCHEMA.md, "inputs"):
 * UART bytes, button presses, GPIO levels, process-console commands and app
 * images to load at run time.  Every input is checked here, so a bad one is
 * a load error naming FILE:LINE:COL and nothing runs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario_internal.h"

#define UART_PORTS 3
#define GPIO_PORTS 2
#define GPIO_PINS  16
/* The kernel's `load SIZE` takes at most 100000000; app flash is far
 * smaller, so anything near that is a mistake worth catching early. */
#define LOAD_MAX_BYTES (16u * 1024u * 1024u)

/* A whole number in [lo, hi] at prefix.key (absent: *out unchanged). */
static int get_int(scn_ctx *c, const cJSON *obj, const char *prefix, const char *key, long lo,
                   long hi, bool required, unsigned *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    char p[160];
    scn_path(p, sizeof(p), prefix, key, -1);
    if (v == NULL) {
        return required ? scn_fail(c, prefix, false, "missing required key \"%s\"", key) : 0;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble < (double)lo || v->valuedouble > (double)hi ||
        v->valuedouble != (double)(long)v->valuedouble) {
        return scn_fail(c, p, false, "expected a whole number %ld..%ld", lo, hi);
    }
    *out = (unsigned)v->valuedouble;
    return 0;
}

static int parse_uart(scn_ctx *c, const cJSON *it, const char *path, scenario_input *in)
{
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(it, "uart");
    char p[160];
    scn_path(p, sizeof(p), path, "uart", -1);
    if (!cJSON_IsString(text)) {
        return scn_fail(c, p, false, "expected a string of bytes for the UART");
    }
    in->kind = SCN_INPUT_UART;
    in->port = 0;
    in->text = strdup(text->valuestring);
    in->len = strlen(in->text);
    return get_int(c, it, path, "port", 0, UART_PORTS - 1, false, &in->port);
}

static int parse_button(scn_ctx *c, const cJSON *it, const char *path, scenario_input *in)
{
    const cJSON *pressed = cJSON_GetObjectItemCaseSensitive(it, "pressed");
    char p[160];
    if (get_int(c, it, path, "button", 0, 31, true, &in->button) != 0) {
        return -1;
    }
    scn_path(p, sizeof(p), path, "pressed", -1);
    if (!cJSON_IsBool(pressed)) {
        return pressed ? scn_fail(c, p, false, "expected true or false")
                       : scn_fail(c, path, false, "missing required key \"pressed\"");
    }
    in->kind = SCN_INPUT_BUTTON;
    in->pressed = cJSON_IsTrue(pressed);
    return 0;
}

static int parse_gpio(scn_ctx *c, const cJSON *it, const char *path, scenario_input *in)
{
    static const char *const keys[] = {"port", "pin", "level", NULL};
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(it, "gpio");
    char p[160];
    unsigned level = 0;
    scn_path(p, sizeof(p), path, "gpio", -1);
    if (!cJSON_IsObject(g)) {
        return scn_fail(c, p, false, "expected {\"port\": 0, \"pin\": 3, \"level\": 1}");
    }
    if (scn_check_keys(c, g, p, keys) != 0 ||
        get_int(c, g, p, "port", 0, GPIO_PORTS - 1, true, &in->port) != 0 ||
        get_int(c, g, p, "pin", 0, GPIO_PINS - 1, true, &in->pin) != 0 ||
        get_int(c, g, p, "level", 0, 1, true, &level) != 0) {
        return -1;
    }
    in->kind = SCN_INPUT_GPIO;
    in->level = level != 0;
    return 0;
}

/* A console command is one line: the kernel ends it at the first newline. */
static int parse_console(scn_ctx *c, const cJSON *it, const char *path, scenario_input *in)
{
    const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(it, "console");
    char p[160];
    scn_path(p, sizeof(p), path, "console", -1);
    if (!cJSON_IsString(cmd) || cmd->valuestring[0] == '\0' ||
        strpbrk(cmd->valuestring, "\r\n") != NULL) {
        return scn_fail(c, p, false, "expected one console command line, e.g. \"list\"");
    }
    in->kind = SCN_INPUT_CONSOLE;
    in->len = strlen(cmd->valuestring) + 1;
    in->text = malloc(in->len + 1);
    memcpy(in->text, cmd->valuestring, in->len - 1);
    memcpy(in->text + in->len - 1, "\n", 2);
    return 0;
}

/* The image must be sendable with `load SIZE` (kernel/ABI.md, "Process console"). */
static int check_image(scn_ctx *c, const char *p, const char *file)
{
    struct stat st;
    if (access(file, R_OK) != 0 || stat(file, &st) != 0) {
        return scn_fail(c, p, false, "cannot read %s: %s", file, strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) { /* a directory's size is no image's: it cannot be sent */
        return scn_fail(c, p, false, "%s is not a regular file", file);
    }
    if (st.st_size < 16 || st.st_size % 4 != 0 || st.st_size > (off_t)LOAD_MAX_BYTES) {
        return scn_fail(c, p, false,
                        "%s is %lld bytes; the kernel's load command takes a multiple of 4 "
                        "from 16 bytes up",
                        file, (long long)st.st_size);
    }
    return 0;
}

static int parse_load(scn_ctx *c, const cJSON *it, const char *path, const char *build_dir,
                      scenario_input *in)
{
    static const char *const keys[] = {"image", "path", NULL};
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(it, "load");
    const char *image = NULL, *file = NULL;
    char p[160], q[200], raw[512];
    scn_path(p, sizeof(p), path, "load", -1);
    if (!cJSON_IsObject(l)) {
        return scn_fail(c, p, false, "expected {\"image\": NAME} or {\"path\": FILE.tbf}");
    }
    if (scn_check_keys(c, l, p, keys) != 0 || scn_get_string(c, l, p, "image", false, &image) ||
        scn_get_string(c, l, p, "path", false, &file) != 0) {
        return -1;
    }
    if ((image == NULL) == (file == NULL)) {
        return scn_fail(c, p, false, "expected exactly one of \"image\" and \"path\"");
    }
    snprintf(raw, sizeof(raw), image ? "@build/apps/%s.tbf" : "%s", image ? image : file);
    in->kind = SCN_INPUT_LOAD;
    in->text = scn_resolve(c->file, build_dir, raw);
    scn_path(q, sizeof(q), p, image ? "image" : "path", -1);
    return check_image(c, q, in->text);
}

/* Which of the mutually exclusive input keys the object has (NULL: none or
 * several, *count says which). */
static const char *input_kind(const cJSON *it, int *count)
{
    static const char *const kinds[] = {"uart", "button", "gpio", "console", "load"};
    const char *found = NULL;
    *count = 0;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (cJSON_GetObjectItemCaseSensitive(it, kinds[i]) != NULL) {
            found = kinds[i];
            (*count)++;
        }
    }
    return *count == 1 ? found : NULL;
}

/* "pressed" and "port" belong to one kind each. */
static int check_companions(scn_ctx *c, const cJSON *it, const char *path, const char *kind)
{
    char p[160];
    if (strcmp(kind, "button") != 0 && cJSON_GetObjectItemCaseSensitive(it, "pressed")) {
        scn_path(p, sizeof(p), path, "pressed", -1);
        return scn_fail(c, p, true, "\"pressed\" belongs to a button input");
    }
    if (strcmp(kind, "uart") != 0 && cJSON_GetObjectItemCaseSensitive(it, "port")) {
        scn_path(p, sizeof(p), path, "port", -1);
        return scn_fail(c, p, true, "\"port\" belongs to a uart input (gpio has its own)");
    }
    return 0;
}

static int parse_input(scn_ctx *c, const cJSON *it, const char *path, const char *build_dir,
                       scenario_input *in)
{
    static const char *const keys[] = {"at",   "uart",    "port", "button", "pressed",
                                       "gpio", "console", "load", NULL};
    int count;
    if (!cJSON_IsObject(it)) {
        return scn_fail(c, path, false,
                        "expected an object with \"at\" and one of \"uart\", "
                        "\"button\", \"gpio\", \"console\", \"load\"");
    }
    if (scn_check_keys(c, it, path, keys) != 0 ||
        scn_get_duration(c, it, path, "at", &in->at) != 0) {
        return -1;
    }
    const char *kind = input_kind(it, &count);
    if (kind == NULL) {
        return scn_fail(c, path, false,
                        "expected exactly one of \"uart\", \"button\", \"gpio\", \"console\" "
                        "and \"load\" (found %d)",
                        count);
    }
    if (check_companions(c, it, path, kind) != 0) {
        return -1;
    }
    switch (kind[0]) {
    case 'u':
        return parse_uart(c, it, path, in);
    case 'b':
        return parse_button(c, it, path, in);
    case 'g':
        return parse_gpio(c, it, path, in);
    case 'c':
        return parse_console(c, it, path, in);
    default:
        return parse_load(c, it, path, build_dir, in);
    }
}

int scn_parse_inputs(scn_ctx *c, const cJSON *root, const char *build_dir, scenario *s)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "inputs");
    char path[64];
    if (arr == NULL) {
        return 0;
    }
    if (!cJSON_IsArray(arr)) {
        return scn_fail(c, "inputs", false, "expected a list of inputs");
    }
    s->inputs = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*s->inputs));
    for (const cJSON *it = arr->child; it != NULL; it = it->next) {
        scn_path(path, sizeof(path), "inputs", NULL, (int)s->num_inputs);
        if (parse_input(c, it, path, build_dir, &s->inputs[s->num_inputs++]) != 0) {
            return -1;
        }
    }
    return 0;
}

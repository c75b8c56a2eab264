/* Board description files: JSON parsed with cJSON, validated strictly so
 * that a typo in a board file is an error naming the key, never a silently
 * different machine.  The format is documented in sim/boards/README.md. */
#include "board.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define KIB          1024u
#define CLOCK_MIN_HZ 1000u
#define CLOCK_MAX_HZ 1000000000u
#define PPB_BASE     0xE0000000u /* core peripherals: SysTick, NVIC, SCB, MPU, DWT */
#define PPB_END      0xE0100000u
#define PATH_MAX_LEN 96

/* What the parser needs to know about each device type. */
typedef struct device_type {
    const char *name;
    uint32_t size;
    int num_irqs;
    const char *irq_names[BOARD_MAX_DEVICE_IRQS + 1]; /* keys of an "irq" object */
    bool has_io;                                      /* "leds" and "buttons" */
} device_type;

static const device_type device_types[] = {
    {"cmsdk-apb-timer", 0x1000, 1, {"irq"}, false},
    {"cmsdk-apb-dualtimer", 0x1000, 1, {"irq"}, false},
    {"cmsdk-apb-uart", 0x1000, 2, {"rx", "tx"}, false},
    {"mps2-fpgaio", 0x1000, 0, {NULL}, true},
    /* CMSDK AHB GPIO: COMBINT only, or also GPIOINT[n] on lines pin0 + n */
    {"cmsdk-ahb-gpio", 0x1000, 1, {"irq"}, false},
    {"cmsdk-ahb-gpio-pin-irqs", 0x1000, 2, {"combined", "pin0"}, false},
    {"bulwark-simctrl", 0x1000, 0, {NULL}, false},
    {"bulwark-flashctl", 0x1000, 0, {NULL}, false},
};
#define NUM_DEVICE_TYPES (sizeof device_types / sizeof device_types[0])

typedef struct pctx {
    const char *origin;
    char *err;
    size_t errlen;
} pctx;

enum unit { UNIT_COUNT, UNIT_BYTES, UNIT_HZ };

static int fail(const pctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(const pctx *c, const char *path, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (path != NULL && path[0] != '\0') {
        snprintf(c->err, c->errlen, "%s: %s: %s", c->origin, path, msg);
    } else {
        snprintf(c->err, c->errlen, "%s: %s", c->origin, msg);
    }
    return -1;
}

/* A non-negative integer from a JSON number or (for sizes and clocks) a
 * string in the syntax above, no larger than max. */
static int get_uint(const pctx *c, const cJSON *v, const char *path, enum unit u, uint64_t max,
                    uint64_t *out)
{
    static const char *const wanted[] = {
        [UNIT_COUNT] = "expected a non-negative integer",
        [UNIT_BYTES] = "expected a number or a string like \"0x20000000\" or \"64K\"",
        [UNIT_HZ] = "expected a number of Hz or a string like \"64MHz\"",
    };
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (!(d >= 0 && d <= 9007199254740992.0) || d != (double)(uint64_t)d) {
            return fail(c, path, "%s, got %g", wanted[u], d);
        }
        *out = (uint64_t)d;
    } else if (cJSON_IsString(v) && u != UNIT_COUNT) {
        int rc = u == UNIT_HZ ? board_parse_frequency(v->valuestring, out)
                              : board_parse_size(v->valuestring, out);
        if (rc != 0) {
            return fail(c, path, "%s, got \"%s\"", wanted[u], v->valuestring);
        }
    } else {
        return fail(c, path, "%s", wanted[u]);
    }
    if (*out > max) {
        return fail(c, path, "%llu is too large (at most %llu)", (unsigned long long)*out,
                    (unsigned long long)max);
    }
    return 0;
}

/* ---- JSON structure --------------------------------------------------- */

/* buf = parent.key (a key path for messages, truncated if very long). */
static void join(char *buf, const char *parent, const char *key)
{
    size_t n = strnlen(parent, PATH_MAX_LEN - 2);
    memcpy(buf, parent, n);
    if (n > 0) {
        buf[n++] = '.';
    }
    size_t k = strnlen(key, PATH_MAX_LEN - 1 - n);
    memcpy(buf + n, key, k);
    buf[n + k] = '\0';
}

/* Every key of obj must be in `allowed` (NULL-terminated) and appear once. */
static int check_keys(const pctx *c, const cJSON *obj, const char *path, const char *const *allowed)
{
    for (const cJSON *it = obj->child; it != NULL; it = it->next) {
        char kp[PATH_MAX_LEN];
        join(kp, path, it->string);
        size_t i = 0;
        while (allowed[i] != NULL && strcmp(allowed[i], it->string) != 0) {
            i++;
        }
        if (allowed[i] == NULL) {
            char list[160] = "";
            for (i = 0; allowed[i] != NULL; i++) {
                size_t n = strlen(list);
                snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", allowed[i]);
            }
            return fail(c, kp, "unknown key (allowed here: %s)", list);
        }
        for (const cJSON *prev = obj->child; prev != it; prev = prev->next) {
            if (strcmp(prev->string, it->string) == 0) {
                return fail(c, kp, "key appears twice");
            }
        }
    }
    return 0;
}

static const cJSON *require(const pctx *c, const cJSON *obj, const char *path, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL) {
        fail(c, path, "missing key \"%s\"", key);
    }
    return v;
}

static int get_name(const pctx *c, const cJSON *v, const char *path, char out[BOARD_NAME_MAX])
{
    if (!cJSON_IsString(v)) {
        return fail(c, path, "expected a string");
    }
    size_t n = strlen(v->valuestring);
    if (n == 0 || n >= BOARD_NAME_MAX) {
        return fail(c, path, "must be 1 to %d characters long", BOARD_NAME_MAX - 1);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v->valuestring[i];
        if (!isalnum(ch) && ch != '-' && ch != '_' && ch != '.') {
            return fail(c, path, "\"%s\": only letters, digits, '-', '_' and '.' are allowed",
                        v->valuestring);
        }
    }
    memcpy(out, v->valuestring, n + 1);
    return 0;
}

/* Names share one namespace across memory and devices: reports use them. */
static int check_unique_name(const pctx *c, const board *b, const char *path, const char *name)
{
    for (unsigned i = 0; i < b->num_memory; i++) {
        if (strcmp(b->memory[i].name, name) == 0) {
            return fail(c, path, "duplicate name \"%s\" (also memory[%u])", name, i);
        }
    }
    for (unsigned i = 0; i < b->num_devices; i++) {
        if (strcmp(b->devices[i].name, name) == 0) {
            return fail(c, path, "duplicate name \"%s\" (also devices[%u])", name, i);
        }
    }
    return 0;
}

/* ---- memory ----------------------------------------------------------- */

static int parse_access(const pctx *c, const cJSON *v, const char *path, board_memory *m)
{
    static const char *const ok[] = {"r", "rw", "rx", "rwx"};
    for (size_t i = 0; cJSON_IsString(v) && i < sizeof ok / sizeof ok[0]; i++) {
        if (strcmp(v->valuestring, ok[i]) == 0) {
            m->writable = strchr(ok[i], 'w') != NULL;
            m->executable = strchr(ok[i], 'x') != NULL;
            return 0;
        }
    }
    return fail(c, path, "expected \"rx\" (flash), \"rwx\" (RAM), \"r\" or \"rw\"");
}

/* A memory or device entry starts alike: an object with only the allowed
 * keys and a "name" no other entry of the board has. */
static int begin_named(const pctx *c, const cJSON *obj, const char *path, const char *const *keys,
                       const board *b, char name[BOARD_NAME_MAX])
{
    char kp[PATH_MAX_LEN];
    const cJSON *v;
    if (!cJSON_IsObject(obj)) {
        return fail(c, path, "expected an object");
    }
    if (check_keys(c, obj, path, keys) != 0) {
        return -1;
    }
    join(kp, path, "name");
    if (!(v = require(c, obj, path, "name")) || get_name(c, v, kp, name) ||
        check_unique_name(c, b, kp, name)) {
        return -1;
    }
    return 0;
}

static int parse_memory(const pctx *c, const cJSON *obj, const char *path, board *b)
{
    static const char *const keys[] = {"name", "base", "size", "access", NULL};
    board_memory *m = &b->memory[b->num_memory];
    char kp[PATH_MAX_LEN];
    uint64_t base, size;
    const cJSON *v;
    if (begin_named(c, obj, path, keys, b, m->name) != 0) {
        return -1;
    }
    join(kp, path, "base");
    if (!(v = require(c, obj, path, "base")) || get_uint(c, v, kp, UNIT_BYTES, UINT32_MAX, &base)) {
        return -1;
    }
    if (base % KIB != 0) {
        return fail(c, kp, "0x%08llx is not a multiple of 1 KiB", (unsigned long long)base);
    }
    join(kp, path, "size");
    if (!(v = require(c, obj, path, "size")) || get_uint(c, v, kp, UNIT_BYTES, UINT32_MAX, &size)) {
        return -1;
    }
    if (size < KIB || size % KIB != 0) {
        return fail(c, kp, "%llu bytes is not a non-zero multiple of 1 KiB",
                    (unsigned long long)size);
    }
    if (base + size > (1ull << 32)) {
        return fail(c, kp, "region [0x%08llx, 0x%llx) runs past the 4 GiB address space",
                    (unsigned long long)base, (unsigned long long)(base + size));
    }
    join(kp, path, "access");
    if (!(v = require(c, obj, path, "access")) || parse_access(c, v, kp, m)) {
        return -1;
    }
    m->base = (uint32_t)base;
    m->size = (uint32_t)size;
    b->num_memory++;
    return 0;
}

/* ---- devices ---------------------------------------------------------- */

static const device_type *find_type(const char *name)
{
    for (size_t i = 0; i < NUM_DEVICE_TYPES; i++) {
        if (strcmp(device_types[i].name, name) == 0) {
            return &device_types[i];
        }
    }
    return NULL;
}

static int parse_type(const pctx *c, const cJSON *v, const char *path, const device_type **t)
{
    if (!cJSON_IsString(v)) {
        return fail(c, path, "expected a string");
    }
    *t = find_type(v->valuestring);
    if (*t == NULL) {
        char list[160] = "";
        for (size_t i = 0; i < NUM_DEVICE_TYPES; i++) {
            size_t n = strlen(list);
            snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", device_types[i].name);
        }
        return fail(c, path, "unknown device type \"%s\" (known: %s)", v->valuestring, list);
    }
    return 0;
}

/* Appends one line to the device being parsed (devices[num_devices]).  A
 * line is never shared: the NVIC input is a level, not a wired OR. */
static int parse_one_irq(const pctx *c, const cJSON *v, const char *path, board *b)
{
    board_device *d = &b->devices[b->num_devices];
    uint64_t n;
    if (get_uint(c, v, path, UNIT_COUNT, UINT32_MAX, &n) != 0) {
        return -1;
    }
    if (n >= b->nvic_irqs) {
        return fail(c, path, "IRQ %llu is outside 0..%u (nvic_irqs is %u)", (unsigned long long)n,
                    b->nvic_irqs - 1, b->nvic_irqs);
    }
    for (unsigned i = 0; i <= b->num_devices; i++) {
        for (int k = 0; k < b->devices[i].num_irqs; k++) {
            if (b->devices[i].irqs[k] == (int)n) {
                return fail(c, path, "IRQ %llu is already used by devices[%u] \"%s\"",
                            (unsigned long long)n, i, b->devices[i].name);
            }
        }
    }
    d->irqs[d->num_irqs++] = (int)n;
    return 0;
}

/* One line: "irq": N.  Several: "irq": {"rx": N, "tx": M}. */
static int parse_irqs(const pctx *c, const cJSON *obj, const char *path, const device_type *t,
                      board *b)
{
    char kp[PATH_MAX_LEN];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "irq");
    join(kp, path, "irq");
    if (t->num_irqs == 0) {
        return v == NULL ? 0 : fail(c, kp, "a %s has no interrupt", t->name);
    }
    if (v == NULL) {
        return fail(c, path, "missing key \"irq\"");
    }
    if (t->num_irqs == 1) {
        return parse_one_irq(c, v, kp, b);
    }
    if (!cJSON_IsObject(v)) {
        return fail(c, kp, "expected an object naming each line, like {\"rx\": 0, \"tx\": 1}");
    }
    if (check_keys(c, v, kp, t->irq_names) != 0) {
        return -1;
    }
    for (int i = 0; i < t->num_irqs; i++) {
        char lp[PATH_MAX_LEN];
        const cJSON *line = require(c, v, kp, t->irq_names[i]);
        join(lp, kp, t->irq_names[i]);
        if (line == NULL || parse_one_irq(c, line, lp, b) != 0) {
            return -1;
        }
    }
    return 0;
}

static int parse_io_count(const pctx *c, const cJSON *obj, const char *path, const device_type *t,
                          const char *key, unsigned *out)
{
    char kp[PATH_MAX_LEN];
    uint64_t n;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    join(kp, path, key);
    if (!t->has_io) {
        return v == NULL ? 0 : fail(c, kp, "only a mps2-fpgaio has %s", key);
    }
    if (v == NULL) {
        return fail(c, path, "missing key \"%s\"", key);
    }
    if (get_uint(c, v, kp, UNIT_COUNT, 32, &n) != 0) {
        return -1;
    }
    *out = (unsigned)n;
    return 0;
}

static int parse_device(const pctx *c, const cJSON *obj, const char *path, board *b)
{
    static const char *const keys[] = {"name", "type", "base", "irq", "leds", "buttons", NULL};
    board_device *d = &b->devices[b->num_devices];
    const device_type *t = NULL;
    char kp[PATH_MAX_LEN];
    uint64_t base;
    const cJSON *v;
    if (begin_named(c, obj, path, keys, b, d->name) != 0) {
        return -1;
    }
    join(kp, path, "type");
    if (!(v = require(c, obj, path, "type")) || parse_type(c, v, kp, &t)) {
        return -1;
    }
    snprintf(d->type, sizeof d->type, "%s", t->name);
    d->size = t->size;
    join(kp, path, "base");
    if (!(v = require(c, obj, path, "base")) ||
        get_uint(c, v, kp, UNIT_BYTES, UINT32_MAX - t->size + 1, &base)) {
        return -1;
    }
    if (base % t->size != 0) {
        return fail(c, kp, "0x%08llx is not a multiple of 0x%x", (unsigned long long)base, t->size);
    }
    d->base = (uint32_t)base;
    for (int k = 0; k < BOARD_MAX_DEVICE_IRQS; k++) {
        d->irqs[k] = -1;
    }
    if (parse_irqs(c, obj, path, t, b) || parse_io_count(c, obj, path, t, "leds", &d->leds) ||
        parse_io_count(c, obj, path, t, "buttons", &d->buttons)) {
        return -1;
    }
    b->num_devices++;
    return 0;
}

typedef int (*entry_parser)(const pctx *c, const cJSON *obj, const char *path, board *b);

static int parse_list(const pctx *c, const cJSON *v, const char *key, unsigned max, bool nonempty,
                      entry_parser parse, board *b)
{
    if (!cJSON_IsArray(v)) {
        return fail(c, key, "expected an array");
    }
    int n = cJSON_GetArraySize(v);
    if (n > (int)max || (nonempty && n == 0)) {
        return fail(c, key, "expected %s%u entries, got %d", nonempty ? "1 to " : "at most ", max,
                    n);
    }
    int i = 0;
    for (const cJSON *it = v->child; it != NULL; it = it->next, i++) {
        char path[PATH_MAX_LEN];
        snprintf(path, sizeof path, "%s[%d]", key, i);
        if (parse(c, it, path, b) != 0) {
            return -1;
        }
    }
    return 0;
}

/* ---- address-map overlaps --------------------------------------------- */

typedef struct span {
    uint64_t start, end;
    char label[PATH_MAX_LEN];
} span;

/* Spans in order: memory, devices, then the core's private peripheral bus. */
static unsigned board_spans(const board *b, span *out)
{
    unsigned n = 0;
    for (unsigned i = 0; i < b->num_memory; i++, n++) {
        const board_memory *m = &b->memory[i];
        out[n] = (span){m->base, (uint64_t)m->base + m->size, ""};
        snprintf(out[n].label, PATH_MAX_LEN, "memory[%u] \"%s\"", i, m->name);
    }
    for (unsigned i = 0; i < b->num_devices; i++, n++) {
        const board_device *d = &b->devices[i];
        out[n] = (span){d->base, (uint64_t)d->base + d->size, ""};
        snprintf(out[n].label, PATH_MAX_LEN, "devices[%u] \"%s\"", i, d->name);
    }
    out[n++] = (span){PPB_BASE, PPB_END, "the core peripherals (SysTick, NVIC, SCB, MPU, DWT)"};
    return n;
}

int board_find_overlap(const board *b, char *msg, size_t len)
{
    span s[BOARD_MAX_MEMORY + BOARD_MAX_DEVICES + 1];
    unsigned n = board_spans(b, s);
    for (unsigned j = 1; j < n; j++) {
        for (unsigned i = 0; i < j; i++) {
            if (s[i].start < s[j].end && s[j].start < s[i].end) {
                unsigned a = j == n - 1 ? j : i, z = j == n - 1 ? i : j;
                snprintf(msg, len, "%s [0x%08llx, 0x%08llx) overlaps %s [0x%08llx, 0x%08llx)",
                         s[z].label, (unsigned long long)s[z].start, (unsigned long long)s[z].end,
                         s[a].label, (unsigned long long)s[a].start, (unsigned long long)s[a].end);
                return (int)z;
            }
        }
    }
    return -1;
}

static int check_overlaps(const pctx *c, const board *b)
{
    char msg[320], path[PATH_MAX_LEN];
    int k = board_find_overlap(b, msg, sizeof msg);
    if (k < 0) {
        return 0;
    }
    if ((unsigned)k < b->num_memory) {
        snprintf(path, sizeof path, "memory[%d]", k);
    } else {
        snprintf(path, sizeof path, "devices[%u].base", (unsigned)k - b->num_memory);
    }
    return fail(c, path, "%s", msg);
}

/* ---- top level -------------------------------------------------------- */

/* A required top-level integer within [min, max]; `range` says it in words. */
static int get_ranged(const pctx *c, const cJSON *root, const char *key, enum unit u, uint64_t min,
                      uint64_t max, const char *range, uint64_t *out)
{
    const cJSON *v = require(c, root, "", key);
    if (v == NULL || get_uint(c, v, key, u, UINT64_MAX, out) != 0) {
        return -1;
    }
    if (*out < min || *out > max) {
        return fail(c, key, "%llu%s is outside %s", (unsigned long long)*out,
                    u == UNIT_HZ ? " Hz" : "", range);
    }
    return 0;
}

static int parse_scalars(const pctx *c, const cJSON *root, board *b)
{
    const cJSON *v;
    uint64_t irqs, bits;
    if (!(v = require(c, root, "", "name")) || get_name(c, v, "name", b->name)) {
        return -1;
    }
    v = cJSON_GetObjectItemCaseSensitive(root, "description");
    if (v != NULL && !cJSON_IsString(v)) {
        return fail(c, "description", "expected a string");
    }
    if (get_ranged(c, root, "clock", UNIT_HZ, CLOCK_MIN_HZ, CLOCK_MAX_HZ, "1 kHz..1 GHz",
                   &b->clock_hz) ||
        get_ranged(c, root, "systick_ref_clock", UNIT_HZ, 1, CLOCK_MAX_HZ, "1 Hz..1 GHz",
                   &b->systick_ref_hz) ||
        get_ranged(c, root, "nvic_irqs", UNIT_COUNT, 32, 240, "32..240", &irqs) ||
        get_ranged(c, root, "nvic_priority_bits", UNIT_COUNT, 3, 8, "3..8", &bits)) {
        return -1;
    }
    b->nvic_irqs = (unsigned)irqs;
    b->nvic_priority_bits = (unsigned)bits;
    return 0;
}

/* "power": {"active_ma", "sleep_ma", "volts"}, each optional. */
static int parse_power(const pctx *c, const cJSON *root, board *b)
{
    static const char *const keys[] = {"active_ma", "sleep_ma", "volts", NULL};
    double *dst[] = {&b->active_ma, &b->sleep_ma, &b->volts};
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "power");
    b->active_ma = 6.0, b->sleep_ma = 0.01, b->volts = 3.0;
    if (p == NULL) {
        return 0;
    }
    if (!cJSON_IsObject(p) || check_keys(c, p, "power", keys)) {
        return cJSON_IsObject(p) ? -1 : fail(c, "power", "expected an object");
    }
    for (int i = 0; keys[i] != NULL; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, keys[i]);
        char kp[PATH_MAX_LEN];
        join(kp, "power", keys[i]);
        if (v != NULL && (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble < 1e6))) {
            return fail(c, kp, "expected a number >= 0");
        }
        *dst[i] = v != NULL ? v->valuedouble : *dst[i];
    }
    return 0;
}

static int parse_root(const pctx *c, const cJSON *root, board *b)
{
    static const char *const keys[] = {"name",      "description",
                                       "clock",     "systick_ref_clock",
                                       "nvic_irqs", "nvic_priority_bits",
                                       "memory",    "devices",
                                       "power",     NULL};
    const cJSON *v;
    if (!cJSON_IsObject(root)) {
        return fail(c, NULL, "expected a JSON object at the top level");
    }
    if (check_keys(c, root, "", keys) || parse_scalars(c, root, b) || parse_power(c, root, b)) {
        return -1;
    }
    if (!(v = require(c, root, "", "memory")) ||
        parse_list(c, v, "memory", BOARD_MAX_MEMORY, true, parse_memory, b)) {
        return -1;
    }
    if (!(v = require(c, root, "", "devices")) ||
        parse_list(c, v, "devices", BOARD_MAX_DEVICES, false, parse_device, b)) {
        return -1;
    }
    return check_overlaps(c, b);
}

/* Line and column (1-based, counting characters, not UTF-8 bytes). */
static void line_column(const char *text, size_t offset, unsigned *line, unsigned *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < offset && text[i] != '\0'; i++) {
        if (text[i] == '\n') {
            ++*line;
            *col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            ++*col;
        }
    }
}

static int syntax_error(const pctx *c, const char *text, const char *where)
{
    size_t off = where != NULL && where >= text ? (size_t)(where - text) : 0;
    unsigned line, col;
    line_column(text, off, &line, &col);
    off = strnlen(text, off);
    unsigned char ch = (unsigned char)text[off];
    char near[32];
    if (ch == '\0') {
        snprintf(near, sizeof near, "at end of input");
    } else if (ch == '\n' || ch == '\r') {
        snprintf(near, sizeof near, "at end of line");
    } else if (isprint(ch)) {
        snprintf(near, sizeof near, "near '%c'", ch);
    } else {
        snprintf(near, sizeof near, "near byte 0x%02x", ch);
    }
    snprintf(c->err, c->errlen, "%s:%u:%u: JSON syntax error %s", c->origin, line, col, near);
    return -1;
}

int board_parse(const char *text, const char *origin, board *out, char *err, size_t errlen)
{
    pctx c = {origin != NULL ? origin : "(board)", err, errlen};
    const char *end = NULL;
    board b;
    memset(&b, 0, sizeof b);
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    if (root == NULL) {
        return syntax_error(&c, text, end);
    }
    int rc = parse_root(&c, root, &b);
    cJSON_Delete(root);
    if (rc == 0) {
        *out = b;
    }
    return rc;
}

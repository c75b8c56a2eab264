/* Board files: finding and reading them, the value syntax they share with
 * the command line, overrides and queries.  Parsing is in board_parse.c. */
#include "board.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BULWARK_BOARDS_DIR
#define BULWARK_BOARDS_DIR "sim/boards"
#endif

#define KIB            1024u
#define BOARD_FILE_MAX (1u << 20)
#define CLOCK_MIN_HZ   1000u
#define CLOCK_MAX_HZ   1000000000u

/* ---- value syntax --------------------------------------------------- */

static int parse_digits(const char **p, unsigned base, uint64_t *out)
{
    uint64_t v = 0;
    const char *s = *p;
    for (; isxdigit((unsigned char)*s); s++) {
        unsigned d = isdigit((unsigned char)*s) ? (unsigned)(*s - '0')
                                                : (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
        if (d >= base || v > (UINT64_MAX - d) / base) {
            return -1;
        }
        v = v * base + d;
    }
    if (s == *p) {
        return -1;
    }
    *p = s;
    *out = v;
    return 0;
}

static uint64_t size_multiplier(const char *s)
{
    static const struct {
        const char *suffix;
        uint64_t mult;
    } units[] = {
        {"", 1},         {"K", KIB},        {"k", KIB},         {"KiB", KIB},
        {"KB", KIB},     {"M", KIB * KIB},  {"MiB", KIB * KIB}, {"MB", KIB * KIB},
        {"G", 1u << 30}, {"GiB", 1u << 30}, {"GB", 1u << 30},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(s, units[i].suffix) == 0) {
            return units[i].mult;
        }
    }
    return 0;
}

int board_parse_size(const char *text, uint64_t *bytes)
{
    const char *s = text;
    uint64_t v;
    unsigned base = 10;
    if (s == NULL) {
        return -1;
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (parse_digits(&s, base, &v) != 0) {
        return -1;
    }
    if (*s == ' ') {
        s++;
    }
    uint64_t mult = size_multiplier(s);
    if (mult == 0 || v > UINT64_MAX / mult) {
        return -1;
    }
    *bytes = v * mult;
    return 0;
}

static uint64_t frequency_multiplier(const char *s)
{
    uint64_t mult = 1;
    if (*s == 'k' || *s == 'K') {
        mult = 1000;
    } else if (*s == 'M') {
        mult = 1000000;
    } else if (*s == 'G') {
        mult = 1000000000;
    }
    s += mult != 1;
    if (*s == '\0' || ((s[0] == 'H' || s[0] == 'h') && (s[1] == 'z' || s[1] == 'Z') && !s[2])) {
        return mult;
    }
    return 0;
}

int board_parse_frequency(const char *text, uint64_t *hz)
{
    const char *s = text;
    uint64_t whole, frac = 0, scale = 1;
    if (s == NULL || !isdigit((unsigned char)*s) || parse_digits(&s, 10, &whole) != 0) {
        return -1;
    }
    if (*s == '.') {
        const char *f = ++s;
        if (parse_digits(&s, 10, &frac) != 0 || s - f > 9) {
            return -1;
        }
        for (const char *q = f; q < s; q++) {
            scale *= 10;
        }
    }
    if (*s == ' ') {
        s++;
    }
    uint64_t mult = frequency_multiplier(s);
    if (mult == 0 || whole > UINT64_MAX / mult || frac * mult % scale != 0) {
        return -1;
    }
    uint64_t v = whole * mult;
    if (v > UINT64_MAX - frac * mult / scale) {
        return -1;
    }
    *hz = v + frac * mult / scale;
    return 0;
}

/* ---- files ------------------------------------------------------------ */

static char *read_text_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open (%s)", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(BOARD_FILE_MAX + 1);
    if (buf == NULL) {
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    size_t n = fread(buf, 1, BOARD_FILE_MAX + 1, f);
    const char *why = NULL;
    if (ferror(f)) {
        why = strerror(errno);
    } else if (n > BOARD_FILE_MAX) {
        why = "larger than 1 MiB, not a board file";
    } else if (memchr(buf, '\0', n) != NULL) {
        why = "contains a NUL byte, not a text file";
    }
    fclose(f);
    if (why != NULL) {
        snprintf(err, errlen, "%s: cannot read (%s)", path, why);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

int board_load_file(const char *path, board *out, char *err, size_t errlen)
{
    char *text = read_text_file(path, err, errlen);
    if (text == NULL) {
        return -1;
    }
    int rc = board_parse(text, path, out, err, errlen);
    free(text);
    return rc;
}

static bool file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f != NULL) {
        fclose(f);
    }
    return f != NULL;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* "a, b, c": the board names (files NAME.json) in dir, sorted. */
static void list_boards(const char *dir, char *buf, size_t len)
{
    char names[BOARD_MAX_DEVICES][BOARD_NAME_MAX];
    size_t count = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d != NULL && count < BOARD_MAX_DEVICES && (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n > 5 && n - 5 < BOARD_NAME_MAX && strcmp(e->d_name + n - 5, ".json") == 0 &&
            e->d_name[0] != '.') {
            snprintf(names[count++], BOARD_NAME_MAX, "%.*s", (int)(n - 5), e->d_name);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    qsort(names, count, sizeof names[0], compare_names);
    buf[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", i ? ", " : "", names[i]);
    }
}

/* dir/name.json, if that file exists. */
static bool board_path(const char *dir, const char *name, char *path, size_t len)
{
    if (dir == NULL || dir[0] == '\0') {
        return false;
    }
    snprintf(path, len, "%s/%s.json", dir, name);
    return file_exists(path);
}

int board_load_named(const char *name, board *out, char *err, size_t errlen)
{
    size_t n = strlen(name);
    if (strchr(name, '/') != NULL || (n >= 5 && strcmp(name + n - 5, ".json") == 0)) {
        return board_load_file(name, out, err, errlen);
    }
    char path[4096], avail[512];
    const char *env = getenv("BULWARK_BOARDS_DIR");
    bool plausible = n > 0 && name[0] != '.';
    if (plausible && (board_path(env, name, path, sizeof path) ||
                      board_path(BULWARK_BOARDS_DIR, name, path, sizeof path))) {
        return board_load_file(path, out, err, errlen);
    }
    list_boards(BULWARK_BOARDS_DIR, avail, sizeof avail);
    bool has_env = env != NULL && env[0] != '\0';
    /* a name is at most 31 characters: cut a long one so the reason still fits */
    snprintf(err, errlen, "%.64s: unknown board (looked in %s%s%s; available: %s)", name,
             has_env ? env : "", has_env ? " and " : "", BULWARK_BOARDS_DIR,
             avail[0] ? avail : "none");
    return -1;
}

/* ---- overrides and queries -------------------------------------------- */

static int override_size(board *b, const char *region, uint32_t size, char *err, size_t errlen)
{
    board_memory *m = (board_memory *)board_find_memory(b, region);
    if (size == 0) {
        return 0;
    }
    if (m == NULL) {
        snprintf(err, errlen, "board %s: no memory region named \"%s\" to resize", b->name, region);
        return -1;
    }
    if (size < KIB || size % KIB != 0 || (uint64_t)m->base + size > (1ull << 32)) {
        snprintf(err, errlen,
                 "board %s: %s size %lu bytes: must be a multiple of 1 KiB, "
                 "at least 1 KiB, and end below 4 GiB",
                 b->name, region, (unsigned long)size);
        return -1;
    }
    m->size = size;
    char msg[320];
    if (board_find_overlap(b, msg, sizeof msg) >= 0) {
        snprintf(err, errlen, "board %s: %s size %lu bytes: %s", b->name, region,
                 (unsigned long)size, msg);
        return -1;
    }
    return 0;
}

int board_override(board *b, uint64_t clock_hz, uint32_t flash_size, uint32_t ram_size, char *err,
                   size_t errlen)
{
    board t = *b;
    if (clock_hz != 0 && (clock_hz < CLOCK_MIN_HZ || clock_hz > CLOCK_MAX_HZ)) {
        snprintf(err, errlen, "board %s: clock %llu Hz is outside 1 kHz..1 GHz", b->name,
                 (unsigned long long)clock_hz);
        return -1;
    }
    if (clock_hz != 0) {
        t.clock_hz = clock_hz;
    }
    if (override_size(&t, "flash", flash_size, err, errlen) ||
        override_size(&t, "ram", ram_size, err, errlen)) {
        return -1;
    }
    *b = t;
    return 0;
}

unsigned board_led_count(const board *b)
{
    for (unsigned i = 0; i < b->num_devices; i++) {
        if (strcmp(b->devices[i].type, "mps2-fpgaio") == 0) {
            return b->devices[i].leds;
        }
    }
    return 0;
}

const board_memory *board_find_memory(const board *b, const char *name)
{
    for (unsigned i = 0; i < b->num_memory; i++) {
        if (strcmp(b->memory[i].name, name) == 0) {
            return &b->memory[i];
        }
    }
    return NULL;
}

const board_memory *board_memory_containing(const board *b, uint32_t addr, uint32_t len)
{
    uint64_t end = (uint64_t)addr + (len != 0 ? len : 1);
    for (unsigned i = 0; i < b->num_memory; i++) {
        const board_memory *m = &b->memory[i];
        if (addr >= m->base && end <= (uint64_t)m->base + m->size) {
            return m;
        }
    }
    return NULL;
}

const board_device *board_find_device(const board *b, const char *name)
{
    for (unsigned i = 0; i < b->num_devices; i++) {
        if (strcmp(b->devices[i].name, name) == 0) {
            return &b->devices[i];
        }
    }
    return NULL;
}

/* A walker over JSON already known to be well formed (cJSON accepted it), so
 * it only needs to skip values and match keys, never to validate. */
#include "json_pos.h"

#include <stdlib.h>
#include <string.h>

json_pos json_pos_of_offset(const char *text, size_t offset)
{
    json_pos p = {1, 1};
    for (size_t i = 0; i < offset && text[i] != '\0'; i++) {
        if (text[i] == '\n') {
            p.line++;
            p.col = 1;
        } else {
            p.col++;
        }
    }
    return p;
}

static size_t skip_ws(const char *s, size_t i)
{
    while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
        i++;
    }
    return i;
}

static size_t skip_string(const char *s, size_t i)
{
    for (i++; s[i] != '"' && s[i] != '\0'; i++) {
        if (s[i] == '\\' && s[i + 1] != '\0') {
            i++;
        }
    }
    return s[i] == '"' ? i + 1 : i;
}

/* Containers are skipped by depth, minding strings that hold brackets. */
static size_t skip_value(const char *s, size_t i)
{
    int depth = 0;
    do {
        if (s[i] == '"') {
            i = skip_string(s, i);
            continue;
        }
        if (s[i] == '{' || s[i] == '[') {
            depth++;
        } else if (s[i] == '}' || s[i] == ']') {
            depth--;
        } else if (depth == 0 &&
                   (s[i] == ',' || s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) {
            return i;
        }
        i++;
    } while (s[i] != '\0' && depth > 0);
    /* a scalar at depth 0 runs to its terminator */
    while (depth == 0 && s[i] != '\0' && strchr(",}] \t\r\n", s[i]) == NULL) {
        i++;
    }
    return i;
}

static bool find(const char *s, size_t i, const char *path, bool want_key, size_t *at);

static bool find_index(const char *s, size_t i, const char *path, bool want_key, size_t *at)
{
    char *end;
    long want = strtol(path + 1, &end, 10);
    if (s[i] != '[' || *end != ']') {
        return false;
    }
    i = skip_ws(s, i + 1);
    for (long k = 0; s[i] != ']' && s[i] != '\0'; k++) {
        if (k == want) {
            return find(s, i, end + 1, want_key, at);
        }
        i = skip_ws(s, skip_value(s, i));
        i = s[i] == ',' ? skip_ws(s, i + 1) : i;
    }
    return false;
}

static bool find_key(const char *s, size_t i, const char *path, bool want_key, size_t *at)
{
    size_t klen = strcspn(path, ".[");
    if (s[i] != '{') {
        return false;
    }
    i = skip_ws(s, i + 1);
    while (s[i] == '"') {
        size_t key = i;
        size_t end = skip_string(s, i);
        i = skip_ws(s, skip_ws(s, end) + 1); /* past the colon */
        if (end - key - 2 == klen && strncmp(s + key + 1, path, klen) == 0) {
            if (path[klen] == '\0' && want_key) {
                *at = key;
                return true;
            }
            return find(s, i, path + klen, want_key, at);
        }
        i = skip_ws(s, skip_value(s, i));
        i = s[i] == ',' ? skip_ws(s, i + 1) : i;
    }
    return false;
}

static bool find(const char *s, size_t i, const char *path, bool want_key, size_t *at)
{
    i = skip_ws(s, i);
    if (*path == '\0') {
        *at = i;
        return true;
    }
    if (*path == '[') {
        return find_index(s, i, path, want_key, at);
    }
    return find_key(s, i, *path == '.' ? path + 1 : path, want_key, at);
}

json_pos json_pos_find(const char *text, const char *path, bool want_key)
{
    size_t at = 0;
    if (!find(text, 0, path, want_key, &at)) {
        at = 0;
    }
    return json_pos_of_offset(text, at);
}

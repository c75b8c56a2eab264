/* Process expectations ("process_state", "restarts") and the rules that
 * read them from the kernel's UART0 lines (kernel/ABI.md, "Kernel output";
 * the rules are listed in scenarios/SCHEMA.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"
#include "scenario_procs.h"

static const char *const states[] = {"running", "faulted", "stopped", "terminated", "exited", NULL};

int scn_check_app_name(scn_ctx *c, const scenario *s, const char *name, const char *path,
                       bool at_key)
{
    for (size_t k = 0; k < s->num_apps; k++) {
        if (strcmp(s->apps[k].name, name) == 0) {
            return 0;
        }
    }
    return scn_fail(c, path, at_key, "expected the name of one of the scenario's apps");
}

static bool known_state(const char *state)
{
    for (size_t i = 0; states[i] != NULL; i++) {
        if (strcmp(states[i], state) == 0) {
            return true;
        }
    }
    return false;
}

static int parse_one(scn_ctx *c, const cJSON *it, const char *path, bool is_state,
                     scenario_proc_expect *out)
{
    out->name = strdup(it->string);
    if (is_state) {
        if (!cJSON_IsString(it) || !known_state(it->valuestring)) {
            return scn_fail(c, path, false,
                            "expected one of: running, faulted, stopped, terminated, exited");
        }
        out->state = strdup(it->valuestring);
        return 0;
    }
    if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 1e9 ||
        it->valuedouble != (double)it->valueint) {
        return scn_fail(c, path, false, "expected a restart count (an integer >= 0)");
    }
    out->restarts = it->valueint;
    return 0;
}

static int parse_map(scn_ctx *c, const cJSON *obj, const scenario *s, const char *key,
                     scenario_proc_expect **out, size_t *n)
{
    const cJSON *map = cJSON_GetObjectItemCaseSensitive(obj, key);
    char prefix[64], path[256];
    if (map == NULL) {
        return 0;
    }
    scn_path(prefix, sizeof(prefix), "expect", key, -1);
    if (!cJSON_IsObject(map)) {
        return scn_fail(c, prefix, false, "expected an object {\"APP\": ...}");
    }
    *out = calloc((size_t)cJSON_GetArraySize(map) + 1, sizeof(**out));
    for (const cJSON *it = map->child; it != NULL; it = it->next) {
        scn_path(path, sizeof(path), prefix, it->string, -1);
        if (scn_check_app_name(c, s, it->string, path, true) != 0 ||
            parse_one(c, it, path, strcmp(key, "process_state") == 0, &(*out)[(*n)++]) != 0) {
            return -1;
        }
    }
    return 0;
}

int scn_parse_proc_expects(scn_ctx *c, const cJSON *obj, const scenario *s, scenario_expect *e)
{
    if (parse_map(c, obj, s, "process_state", &e->states, &e->num_states) != 0) {
        return -1;
    }
    return parse_map(c, obj, s, "restarts", &e->restarts, &e->num_restarts);
}

static void free_list(scenario_proc_expect *l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(l[i].name);
        free(l[i].state);
    }
    free(l);
}

void scn_proc_expects_free(scenario_expect *e)
{
    free_list(e->states, e->num_states);
    free_list(e->restarts, e->num_restarts);
}

/* Does line (up to its end) read exactly head NAME tail...? tail_prefix:
 * only the start of what follows NAME must match. */
static bool line_is(const char *line, size_t len, const char *head, const char *name,
                    const char *tail, bool tail_prefix)
{
    size_t h = strlen(head), n = strlen(name), t = strlen(tail);
    if (len < h + n + t || memcmp(line, head, h) != 0 || memcmp(line + h, name, n) != 0 ||
        memcmp(line + h + n, tail, t) != 0) {
        return false;
    }
    return tail_prefix || len == h + n + t;
}

/* The process console's answer "[kernel]  NAME: STATE" ("yielded" is running). */
static const char *shell_state(const char *line, size_t len, const char *name)
{
    static const char *const answers[] = {"running", "yielded",    "faulted",
                                          "stopped", "terminated", NULL};
    for (size_t i = 0; answers[i] != NULL; i++) {
        char tail[32];
        snprintf(tail, sizeof(tail), ": %s", answers[i]);
        if (line_is(line, len, "[kernel]  ", name, tail, false)) {
            return i == 1 ? "running" : answers[i];
        }
    }
    return NULL;
}

static void apply_line(const char *line, size_t len, const char *name, scenario_proc_state *st)
{
    const char *shell = shell_state(line, len, name);
    if (line_is(line, len, "[kernel] loaded ", name, ": ", true) ||
        line_is(line, len, "[kernel] ", name, " asked to restart (code ", true)) {
        snprintf(st->state, sizeof(st->state), "running");
    } else if (line_is(line, len, "[kernel] process ", name, " faulted", false)) {
        snprintf(st->state, sizeof(st->state), "faulted");
    } else if (line_is(line, len, "[kernel] ", name, " restarted", false)) {
        snprintf(st->state, sizeof(st->state), "running");
        st->restarts++;
    } else if (line_is(line, len, "[kernel] ", name, " exited (code ", true)) {
        snprintf(st->state, sizeof(st->state), "exited");
    } else if (shell != NULL) {
        snprintf(st->state, sizeof(st->state), "%s", shell);
    }
}

void scenario_proc_tally(const char *uart, const char *name, scenario_proc_state *st)
{
    snprintf(st->state, sizeof(st->state), "not loaded");
    st->restarts = 0;
    for (const char *line = uart; *line != '\0';) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        apply_line(line, len, name, st);
        line = nl ? nl + 1 : line + len;
        if (nl == NULL) {
            break;
        }
    }
}

/* The "expect" object of a scenario file: what must hold when the run ends. */
#include <stdlib.h>
#include <string.h>

#include "json_pos.h"
#include "scenario_check.h"
#include "scenario_internal.h"

static const char *const end_keys[] = {
    [END_TIME_LIMIT] = "time_limit",
    [END_FIRMWARE_EXIT] = "firmware_exit",
    [END_LOCKUP] = "lockup",
    [END_ASLEEP_FOREVER] = "asleep_forever",
    [END_INTERNAL_ERROR] = "internal_error",
};
#define NUM_END_KEYS (sizeof(end_keys) / sizeof(end_keys[0]))

const char *scenario_end_key(enum run_end end)
{
    return (size_t)end < NUM_END_KEYS ? end_keys[end] : "internal_error";
}

static int parse_exit(scn_ctx *c, const cJSON *obj, scenario_expect *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "exit");
    if (v == NULL) {
        return 0;
    }
    for (size_t i = 0; cJSON_IsString(v) && i < NUM_END_KEYS; i++) {
        if (strcmp(v->valuestring, end_keys[i]) == 0) {
            e->has_exit = true;
            e->exit = (enum run_end)i;
            return 0;
        }
    }
    return scn_fail(c, "expect.exit", false,
                    "expected one of: time_limit, firmware_exit, lockup, asleep_forever, "
                    "internal_error");
}

/* glibc's regcomp expands each bounded repetition into copies of its
 * operand, so nested ones multiply: "((a{1000}){1000}){1000}" took over 4 GB
 * and 30 s.  An upper bound on the copies, to refuse such a pattern first. */
#define REGEX_MAX_ATOMS 100000.0
#define REGEX_MAX_DEPTH 64

static const char *skip_bracket(const char *p)
{
    p += p[1] == '^' ? 2 : 1;
    p += *p == ']' ? 1 : 0; /* a leading ']' is a member */
    while (*p != '\0' && *p != ']') {
        if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
            const char *end = strchr(p + 2, p[1]);
            p = end != NULL && end[1] == ']' ? end + 1 : p;
        }
        p++;
    }
    return *p == ']' ? p : p - 1;
}

static bool regex_size_ok(const char *p)
{
    double total[REGEX_MAX_DEPTH + 1] = {0}, last[REGEX_MAX_DEPTH + 1] = {0};
    int d = 0;
    for (; *p != '\0'; p++) {
        double atom = 1;
        if (*p == '(' && d < REGEX_MAX_DEPTH) {
            d++;
            total[d] = last[d] = 0;
            continue;
        } else if (*p == '(') {
            return false;
        } else if (*p == ')' && d > 0) {
            atom = total[d] > 1 ? total[d] : 1;
            d--;
        } else if (*p == '{') {
            char *end;
            double lo = strtod(p + 1, &end), hi = *end == ',' ? strtod(end + 1, &end) : lo;
            double times = (hi > lo ? hi : lo) + (end[-1] == ',' ? 1 : 0); /* {m,}: m+1 */
            times = times >= 1 ? times : 1;
            total[d] += last[d] * (times - 1);
            last[d] *= times;
            p = strchr(p, '}') ? strchr(p, '}') : p;
            if (total[d] > REGEX_MAX_ATOMS) {
                return false;
            }
            continue;
        } else if (*p == '\\' && p[1] != '\0') {
            p++;
        } else if (*p == '[') {
            p = skip_bracket(p);
        }
        total[d] += atom;
        last[d] = atom;
    }
    return total[0] <= REGEX_MAX_ATOMS;
}

/* Compiled now so that a bad pattern is a load error, not a failed run. */
static int compile_list(scn_ctx *c, const string_list *src, const char *key, regex_t **out,
                        size_t *n)
{
    *out = calloc(src->n + 1, sizeof(regex_t));
    for (size_t i = 0; i < src->n; i++) {
        if (!regex_size_ok(src->v[i])) {
            char path[64];
            scn_path(path, sizeof(path), key, NULL, (int)i);
            return scn_fail(c, path, false,
                            "expected a POSIX extended regex: nested repetitions expand to "
                            "more than %.0f atoms",
                            REGEX_MAX_ATOMS);
        }
        int rc = regcomp(&(*out)[i], src->v[i], REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char why[128], path[64];
            regerror(rc, &(*out)[i], why, sizeof(why));
            scn_path(path, sizeof(path), key, NULL, (int)i);
            return scn_fail(c, path, false, "expected a POSIX extended regex: %s", why);
        }
        (*n)++;
    }
    return 0;
}

static int compile_regexes(scn_ctx *c, scenario_expect *e)
{
    return compile_list(c, &e->uart_matches, "expect.uart_matches", &e->uart_regex, &e->num_regex);
}

/* "uart1"/"uart2": {"contains", "not_contains", "matches"}, like UART0's
 * uart_* keys. */
static int parse_uart(scn_ctx *c, const cJSON *obj, int index, scenario_uart_expect *u)
{
    static const char *const keys[] = {"contains", "not_contains", "matches", NULL};
    char key[8], prefix[32], mpath[48];
    snprintf(key, sizeof(key), "uart%d", index);
    snprintf(prefix, sizeof(prefix), "expect.%s", key);
    snprintf(mpath, sizeof(mpath), "%s.matches", prefix);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL) {
        return 0;
    }
    if (!cJSON_IsObject(v)) {
        return scn_fail(c, prefix, false,
                        "expected an object with \"contains\", \"not_contains\", \"matches\"");
    }
    if (scn_check_keys(c, v, prefix, keys) != 0 ||
        scn_string_list(c, v, prefix, "contains", &u->contains) != 0 ||
        scn_string_list(c, v, prefix, "not_contains", &u->not_contains) != 0 ||
        scn_string_list(c, v, prefix, "matches", &u->matches) != 0) {
        return -1;
    }
    return compile_list(c, &u->matches, mpath, &u->regex, &u->num_regex);
}

/* Metric names hold dots, which key paths use as separators, so the
 * position of a metric's key (or of a bound inside it) is searched for
 * from the start of the "metrics" object. */
static int metric_fail(scn_ctx *c, const char *name, const char *bound, const char *msg)
{
    json_pos p = scn_pos(c, "expect.metrics", false);
    size_t off = 0;
    for (int line = 1, col = 1; c->text[off] != '\0' && (line < p.line || col < p.col); off++) {
        line += c->text[off] == '\n';
        col = c->text[off] == '\n' ? 1 : col + 1;
    }
    char quoted[300];
    snprintf(quoted, sizeof(quoted), "\"%s\"", name);
    const char *at = strstr(c->text + off, quoted);
    if (at != NULL && bound != NULL) {
        snprintf(quoted, sizeof(quoted), "\"%s\"", bound);
        const char *b = strstr(at, quoted);
        at = b != NULL ? b : at;
    }
    json_pos q = json_pos_of_offset(c->text, at != NULL ? (size_t)(at - c->text) : off);
    snprintf(c->err, c->errlen, "%s:%d:%d: expect.metrics.%s%s%s: %s", c->file, q.line, q.col, name,
             bound ? "." : "", bound ? bound : "", msg);
    return -1;
}

static int parse_bound(scn_ctx *c, const cJSON *it, const char *bound, bool *has, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, bound);
    if (v == NULL) {
        return 0;
    }
    if (!cJSON_IsNumber(v)) {
        return metric_fail(c, it->string, bound, "expected a number");
    }
    *has = true;
    *out = v->valuedouble;
    return 0;
}

static int parse_metric(scn_ctx *c, const cJSON *it, const scenario *s, scenario_metric *out)
{
    out->name = strdup(it->string);
    if (!scenario_metric_known(s, it->string)) {
        return metric_fail(c, it->string, NULL,
                           "unknown metric (expected a report path such as switch_cycles.p99, "
                           "sleep_fraction or processes.APP.cycles; see scenarios/SCHEMA.md)");
    }
    if (!cJSON_IsObject(it)) {
        return metric_fail(c, it->string, NULL, "expected {\"min\": X, \"max\": Y}");
    }
    for (const cJSON *k = it->child; k != NULL; k = k->next) {
        if (strcmp(k->string, "min") != 0 && strcmp(k->string, "max") != 0) {
            return metric_fail(c, it->string, k->string, "unknown key (expected min, max)");
        }
    }
    if (parse_bound(c, it, "min", &out->has_min, &out->min) != 0 ||
        parse_bound(c, it, "max", &out->has_max, &out->max) != 0) {
        return -1;
    }
    if (!out->has_min && !out->has_max) {
        return metric_fail(c, it->string, NULL, "expected \"min\", \"max\" or both");
    }
    return 0;
}

static int parse_metrics(scn_ctx *c, const cJSON *obj, const scenario *s, scenario_expect *e)
{
    const cJSON *map = cJSON_GetObjectItemCaseSensitive(obj, "metrics");
    if (map == NULL) {
        return 0;
    }
    if (!cJSON_IsObject(map)) {
        return scn_fail(c, "expect.metrics", false, "expected an object {\"METRIC\": {...}}");
    }
    e->metrics = calloc((size_t)cJSON_GetArraySize(map) + 1, sizeof(*e->metrics));
    for (const cJSON *it = map->child; it != NULL; it = it->next) {
        if (parse_metric(c, it, s, &e->metrics[e->num_metrics++]) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Names must be apps of this scenario: a typo would make the check vacuous. */
static int check_app_names(scn_ctx *c, const scenario *s, const string_list *names)
{
    for (size_t i = 0; i < names->n; i++) {
        size_t k = 0;
        while (k < s->num_apps && strcmp(s->apps[k].name, names->v[i]) != 0) {
            k++;
        }
        if (k == s->num_apps) {
            char path[64];
            scn_path(path, sizeof(path), "expect.no_faults_outside", NULL, (int)i);
            return scn_fail(c, path, false, "expected the name of one of the scenario's apps");
        }
    }
    return 0;
}

static int parse_kernel_alive(scn_ctx *c, const cJSON *obj, scenario_expect *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "kernel_alive");
    if (v == NULL) {
        return 0;
    }
    if (!cJSON_IsBool(v)) {
        return scn_fail(c, "expect.kernel_alive", false, "expected true or false");
    }
    e->has_kernel_alive = true;
    e->kernel_alive = cJSON_IsTrue(v);
    return 0;
}

int scn_parse_expect(scn_ctx *c, const cJSON *obj, const scenario *s, scenario_expect *e)
{
    static const char *const keys[] = {"uart_contains",
                                       "uart_not_contains",
                                       "uart_matches",
                                       "exit",
                                       "no_faults_outside",
                                       "kernel_alive",
                                       "process_state",
                                       "restarts",
                                       "metrics",
                                       "uart1",
                                       "uart2",
                                       NULL};
    if (!cJSON_IsObject(obj)) {
        return scn_fail(c, "expect", false, "expected an object");
    }
    if (scn_check_keys(c, obj, "expect", keys) != 0 ||
        scn_string_list(c, obj, "expect", "uart_contains", &e->uart_contains) != 0 ||
        scn_string_list(c, obj, "expect", "uart_not_contains", &e->uart_not_contains) != 0 ||
        scn_string_list(c, obj, "expect", "uart_matches", &e->uart_matches) != 0 ||
        compile_regexes(c, e) != 0 || parse_exit(c, obj, e) != 0 ||
        scn_string_list(c, obj, "expect", "no_faults_outside", &e->no_faults_outside) != 0 ||
        check_app_names(c, s, &e->no_faults_outside) != 0 || parse_kernel_alive(c, obj, e) != 0 ||
        scn_parse_proc_expects(c, obj, s, e) != 0 || parse_metrics(c, obj, s, e) != 0 ||
        parse_uart(c, obj, 1, &e->uart[1]) != 0 || parse_uart(c, obj, 2, &e->uart[2]) != 0) {
        return -1;
    }
    e->has_no_faults_outside = cJSON_GetObjectItemCaseSensitive(obj, "no_faults_outside") != NULL;
    return 0;
}

void scn_expect_free(scenario_expect *e)
{
    for (size_t i = 0; i < e->num_regex; i++) {
        regfree(&e->uart_regex[i]);
    }
    free(e->uart_regex);
    scn_string_list_free(&e->uart_contains);
    scn_string_list_free(&e->uart_not_contains);
    scn_string_list_free(&e->uart_matches);
    scn_string_list_free(&e->no_faults_outside);
    scn_proc_expects_free(e);
    for (size_t i = 0; i < e->num_metrics; i++) {
        free(e->metrics[i].name);
    }
    free(e->metrics);
    for (int u = 1; u < 3; u++) {
        for (size_t i = 0; i < e->uart[u].num_regex; i++) {
            regfree(&e->uart[u].regex[i]);
        }
        free(e->uart[u].regex);
        scn_string_list_free(&e->uart[u].contains);
        scn_string_list_free(&e->uart[u].not_contains);
        scn_string_list_free(&e->uart[u].matches);
    }
}

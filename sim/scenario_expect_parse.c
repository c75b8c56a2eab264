/* The "expect" object of a scenario file: what must hold when the run ends. */
#include <stdlib.h>
#include <string.h>

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

/* Compiled now so that a bad pattern is a load error, not a failed run. */
static int compile_regexes(scn_ctx *c, scenario_expect *e)
{
    e->uart_regex = calloc(e->uart_matches.n + 1, sizeof(regex_t));
    for (size_t i = 0; i < e->uart_matches.n; i++) {
        int rc = regcomp(&e->uart_regex[i], e->uart_matches.v[i], REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char why[128], path[64];
            regerror(rc, &e->uart_regex[i], why, sizeof(why));
            scn_path(path, sizeof(path), "expect.uart_matches", NULL, (int)i);
            return scn_fail(c, path, false, "expected a POSIX extended regex: %s", why);
        }
        e->num_regex++;
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
    static const char *const keys[] = {"uart_contains", "uart_not_contains", "uart_matches",
                                       "exit",          "no_faults_outside", "kernel_alive",
                                       "process_state", "restarts",          NULL};
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
        scn_parse_proc_expects(c, obj, s, e) != 0) {
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
}

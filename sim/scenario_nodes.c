/* The "nodes" form of a scenario file and its radio keys.  A node's own
 * keys, the shared top-level keys and the inputs, faults and expectations
 * aimed at it are copied into one object per node, which scenario.c's
 * single-board parser reads; scn_map_path() turns paths in that copy back
 * into paths in the file, so every message still points at FILE:LINE:COL. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "json_pos.h"
#include "scenario_internal.h"
#include "scenario_nodes.h"

struct scn_node_map {
    int node;    /* index in "nodes"; -1: the root itself (single board) */
    int *inputs; /* the file's index of each input in the copy */
    int *faults;
    int num_inputs, num_faults;
    char expect[32]; /* where the node's expect object is in the file */
};

typedef struct node_names {
    const char *v[SCENARIO_MAX_NODES];
    size_t n;
} node_names;

static const char *const shared_keys[] = {"bulwark_scenario", "name", "description",
                                          "duration",         "seed", NULL};
static const char *const top_keys[] = {
    "bulwark_scenario", "name",   "description", "duration", "seed", "nodes",
    "inputs",           "faults", "expect",      "radio",    NULL};
#define CAMPAIGN_WITH_NODES "campaigns take single-board scenarios, not ones with \"nodes\""

/* Machine keys people are likely to leave at the top level by habit. */
static const char *const machine_keys[] = {"board",         "clock", "flash_size", "ram_size",
                                           "kernel",        "apps",  "scheduler",  "timeslice",
                                           "random_faults", NULL};

static bool listed(const char *const *list, const char *key, size_t len)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strlen(list[i]) == len && strncmp(list[i], key, len) == 0) {
            return true;
        }
    }
    return false;
}

static const cJSON *member(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static const char *remap_index(const char *path, size_t n, const int *idx, int count, char *buf,
                               size_t len)
{
    char *end;
    long k = strtol(path + n + 1, &end, 10);
    if (k < 0 || k >= count) {
        return path;
    }
    snprintf(buf, len, "%.*s[%d%s", (int)n, path, idx[k], end);
    return buf;
}

const char *scn_map_path(const scn_ctx *c, const char *path, char *buf, size_t len)
{
    const scn_node_map *m = c->map;
    if (m == NULL) {
        return path;
    }
    size_t n = strcspn(path, ".[");
    if (path[n] == '[' && n == 6 && strncmp(path, "inputs", 6) == 0) {
        return remap_index(path, n, m->inputs, m->num_inputs, buf, len);
    }
    if (path[n] == '[' && n == 6 && strncmp(path, "faults", 6) == 0) {
        return remap_index(path, n, m->faults, m->num_faults, buf, len);
    }
    if (n == 6 && strncmp(path, "expect", 6) == 0) {
        snprintf(buf, len, "%s%s", m->expect, path + n);
        return buf;
    }
    if (m->node < 0 || (path[0] != '\0' && listed(shared_keys, path, n))) {
        return path;
    }
    snprintf(buf, len, "nodes[%d]%s%s", m->node, path[0] ? "." : "", path);
    return buf;
}

json_pos scn_pos(const scn_ctx *c, const char *path, bool at_key)
{
    char mapped[256];
    return json_pos_find(c->text, scn_map_path(c, path, mapped, sizeof(mapped)), at_key);
}

void scn_where(const scn_ctx *c, const char *path, char *buf, size_t len)
{
    char mapped[256];
    path = scn_map_path(c, path, mapped, sizeof(mapped));
    json_pos p = json_pos_find(c->text, path, false);
    snprintf(buf, len, "%s:%d:%d: %s", c->file, p.line, p.col, path);
}

static void join_names(const node_names *nm, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < nm->n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", i ? ", " : "", nm->v[i]);
    }
}

/* The node an input, fault or expect object is aimed at: its "node", which
 * may be left out when there is only one node.  -1 after an error. */
static int node_of(scn_ctx *c, const cJSON *it, const char *path, const node_names *nm)
{
    const cJSON *v = member(it, "node");
    char p[160], all[SCENARIO_MAX_NODES * (NODE_NAME_MAX + 2) + 1];
    join_names(nm, all, sizeof(all));
    if (v == NULL) {
        if (nm->n == 1) {
            return 0;
        }
        return scn_fail(c, path, false, "missing required key \"node\" (nodes: %s)", all);
    }
    scn_path(p, sizeof(p), path, "node", -1);
    for (size_t i = 0; cJSON_IsString(v) && i < nm->n; i++) {
        if (strcmp(nm->v[i], v->valuestring) == 0) {
            return (int)i;
        }
    }
    return scn_fail(c, p, false, "expected the name of a node (nodes: %s)", all);
}

static bool good_name(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-') {
            return false;
        }
    }
    return n >= 1 && n <= NODE_NAME_MAX;
}

static int parse_names(scn_ctx *c, const cJSON *arr, node_names *nm)
{
    char path[32], p[48];
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1 ||
        cJSON_GetArraySize(arr) > SCENARIO_MAX_NODES) {
        return scn_fail(c, "nodes", false, "expected a list of 1 to %d nodes", SCENARIO_MAX_NODES);
    }
    for (const cJSON *it = arr->child; it != NULL; it = it->next) {
        const char *name;
        scn_path(path, sizeof(path), "nodes", NULL, (int)nm->n);
        scn_path(p, sizeof(p), path, "name", -1);
        if (!cJSON_IsObject(it)) {
            return scn_fail(c, path, false,
                            "expected a node: {\"name\", \"board\", \"kernel\", ...}");
        }
        if (scn_get_string(c, it, path, "name", true, &name) != 0) {
            return -1;
        }
        int names = 0; /* the node's copy leaves "name" out: scn_check_keys never sees it */
        for (const cJSON *k = it->child; k != NULL; k = k->next) {
            names += strcmp(k->string, "name") == 0;
        }
        if (names > 1) {
            return scn_fail(c, p, true, "key appears twice");
        }
        if (!good_name(name)) {
            return scn_fail(c, p, false, "expected 1 to %d letters, digits, '_' or '-'",
                            NODE_NAME_MAX);
        }
        for (size_t j = 0; j < nm->n; j++) {
            if (strcmp(nm->v[j], name) == 0) {
                return scn_fail(c, p, false, "duplicate node name \"%s\" (also nodes[%zu])", name,
                                j);
            }
        }
        nm->v[nm->n++] = name;
    }
    return 0;
}

/* Required shared keys are checked here: in a node's copy a missing one
 * would be blamed on the node. */
static int check_top(scn_ctx *c, const cJSON *root)
{
    static const char *const required[] = {"bulwark_scenario", "name", "duration", NULL};
    for (const cJSON *it = root->child; it != NULL; it = it->next) {
        if (strcmp(it->string, "campaign") == 0) {
            return scn_fail(c, it->string, true, CAMPAIGN_WITH_NODES);
        }
        if (listed(machine_keys, it->string, strlen(it->string))) {
            return scn_fail(c, it->string, true, "goes inside each node when \"nodes\" is given");
        }
    }
    if (scn_check_keys(c, root, "", top_keys) != 0) {
        return -1;
    }
    for (size_t i = 0; required[i] != NULL; i++) {
        if (member(root, required[i]) == NULL) {
            return scn_fail(c, "", false, "missing required key \"%s\"", required[i]);
        }
    }
    return 0;
}

static bool is_radio_input(const cJSON *it)
{
    return cJSON_IsObject(it) && member(it, "radio") != NULL;
}

/* Copies of root[key]'s items aimed at node `node` (nm NULL: all of them),
 * without their "node"; radio inputs belong to the medium and are left
 * out.  (*idx)[k] is the file's index of the k-th copy. */
static int copy_items(scn_ctx *c, const cJSON *root, const char *key, const node_names *nm,
                      int node, cJSON *into, int **idx, int *count)
{
    const cJSON *arr = member(root, key);
    char path[64];
    int k = 0;
    if (arr == NULL) {
        return 0;
    }
    if (!cJSON_IsArray(arr)) {
        return scn_fail(c, key, false, "expected a list");
    }
    cJSON *out = cJSON_AddArrayToObject(into, key);
    *idx = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(int));
    for (const cJSON *it = arr->child; it != NULL; it = it->next, k++) {
        int target = node; /* the single-board form takes them all */
        scn_path(path, sizeof(path), key, NULL, k);
        if (is_radio_input(it)) {
            continue;
        }
        if (nm != NULL && !cJSON_IsObject(it)) {
            target = 0; /* node 0's parser says what is wrong with it */
        } else if (nm != NULL && (target = node_of(c, it, path, nm)) < 0) {
            return -1;
        }
        if (target == node) {
            cJSON *dup = cJSON_Duplicate(it, true);
            cJSON_DeleteItemFromObjectCaseSensitive(dup, "node");
            cJSON_AddItemToArray(out, dup);
            (*idx)[(*count)++] = k;
        }
    }
    return 0;
}

static void add_expect(cJSON *into, const cJSON *e)
{
    cJSON *dup = cJSON_Duplicate(e, true);
    cJSON_DeleteItemFromObjectCaseSensitive(dup, "node");
    cJSON_AddItemToObject(into, "expect", dup);
}

/* "expect": one object, or a list of them, each naming its node. */
static int copy_expect(scn_ctx *c, const cJSON *root, const node_names *nm, int node, cJSON *into,
                       scn_node_map *map)
{
    const cJSON *e = member(root, "expect");
    int j = 0, found = -1;
    snprintf(map->expect, sizeof(map->expect), "expect");
    if (e == NULL || cJSON_IsObject(e)) {
        int target = e ? node_of(c, e, "expect", nm) : -2;
        if (target == node) {
            add_expect(into, e);
        }
        return target == -1 ? -1 : 0;
    }
    if (!cJSON_IsArray(e)) {
        return scn_fail(c, "expect", false,
                        "expected an object, or a list of objects each with "
                        "its \"node\"");
    }
    for (const cJSON *it = e->child; it != NULL; it = it->next, j++) {
        char p[32];
        scn_path(p, sizeof(p), "expect", NULL, j);
        int target = cJSON_IsObject(it) ? node_of(c, it, p, nm)
                                        : scn_fail(c, p, false, "expected an object");
        if (target < 0) {
            return -1;
        }
        if (target == node && found >= 0) {
            return scn_fail(c, p, false, "node \"%s\" already has its expectations in expect[%d]",
                            nm->v[node], found);
        }
        if (target == node) {
            found = j;
            snprintf(map->expect, sizeof(map->expect), "expect[%d]", j);
            add_expect(into, it);
        }
    }
    return 0;
}

/* The shared keys plus the node's own ("name" is the node's, not the
 * scenario's). */
static int copy_node_keys(scn_ctx *c, const cJSON *root, const cJSON *node, const char *npath,
                          cJSON *into)
{
    for (size_t i = 0; shared_keys[i] != NULL; i++) {
        const cJSON *v = member(root, shared_keys[i]);
        if (v != NULL) {
            cJSON_AddItemToObject(into, shared_keys[i], cJSON_Duplicate(v, true));
        }
    }
    for (const cJSON *it = node->child; it != NULL; it = it->next) {
        char p[160];
        if (strcmp(it->string, "name") == 0) {
            continue;
        }
        if (strcmp(it->string, "campaign") == 0) {
            scn_path(p, sizeof(p), npath, it->string, -1);
            return scn_fail(c, p, true, CAMPAIGN_WITH_NODES);
        }
        if (listed(top_keys, it->string, strlen(it->string))) {
            scn_path(p, sizeof(p), npath, it->string, -1);
            return scn_fail(c, p, true,
                            "goes at the top level (inputs, faults and expect name their node "
                            "with \"node\")");
        }
        cJSON_AddItemToObject(into, it->string, cJSON_Duplicate(it, true));
    }
    return 0;
}

static int parse_node(scn_ctx *c, const cJSON *root, const node_names *nm, int i,
                      const char *build_dir, scenario *out)
{
    char npath[32];
    scn_node_map map = {.node = i};
    scn_path(npath, sizeof(npath), "nodes", NULL, i);
    cJSON *copy = cJSON_CreateObject();
    int rc = copy_node_keys(c, root, cJSON_GetArrayItem(member(root, "nodes"), i), npath, copy);
    if (rc == 0) {
        rc = copy_items(c, root, "inputs", nm, i, copy, &map.inputs, &map.num_inputs);
    }
    if (rc == 0) {
        rc = copy_items(c, root, "faults", nm, i, copy, &map.faults, &map.num_faults);
    }
    if (rc == 0) {
        rc = copy_expect(c, root, nm, i, copy, &map);
    }
    out->file = strdup(c->file);
    out->node_name = strdup(nm->v[i]);
    if (rc == 0) {
        scn_ctx nc = *c;
        nc.map = &map;
        rc = scn_parse_root(&nc, copy, build_dir, out);
    }
    cJSON_Delete(copy);
    free(map.inputs);
    free(map.faults);
    return rc;
}

/* The single-board form with radio keys: the file minus those, read as
 * usual (only input indexes move). */
static int parse_single(scn_ctx *c, const cJSON *root, const char *build_dir, scenario *s)
{
    scn_node_map map = {.node = -1, .expect = "expect"};
    cJSON *copy = cJSON_Duplicate(root, true);
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "radio");
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "inputs");
    int rc = copy_items(c, root, "inputs", NULL, -1, copy, &map.inputs, &map.num_inputs);
    if (rc == 0) {
        scn_ctx nc = *c;
        nc.map = &map;
        rc = scn_parse_root(&nc, copy, build_dir, s);
    }
    cJSON_Delete(copy);
    free(map.inputs);
    return rc;
}

static bool has_radio_keys(const cJSON *root)
{
    const cJSON *inputs = member(root, "inputs");
    if (member(root, "radio") != NULL) {
        return true;
    }
    for (const cJSON *it = cJSON_IsArray(inputs) ? inputs->child : NULL; it; it = it->next) {
        if (is_radio_input(it)) {
            return true;
        }
    }
    return false;
}

int scn_parse_nodes(scn_ctx *c, const cJSON *root, const char *build_dir, scenario *s)
{
    const cJSON *nodes = cJSON_IsObject(root) ? member(root, "nodes") : NULL;
    node_names nm = {.n = 0};
    if (!cJSON_IsObject(root) || (nodes == NULL && !has_radio_keys(root))) {
        return 1; /* the plain single-board form */
    }
    if (nodes == NULL) {
        return parse_single(c, root, build_dir, s) != 0 ? -1 : scn_parse_radio(c, root, s);
    }
    if (check_top(c, root) != 0 || parse_names(c, nodes, &nm) != 0) {
        return -1;
    }
    s->nodes = calloc(nm.n, sizeof(*s->nodes));
    s->num_nodes = nm.n;
    for (size_t i = 0; i < nm.n; i++) {
        if (parse_node(c, root, &nm, (int)i, build_dir, &s->nodes[i]) != 0) {
            return -1;
        }
    }
    s->name = strdup(s->nodes[0].name);
    s->seed = s->nodes[0].seed;
    s->duration = s->nodes[0].duration;
    return scn_parse_radio(c, root, s);
}

void scn_nodes_free(scenario *s)
{
    for (size_t i = 0; i < s->num_nodes; i++) {
        scenario_free(&s->nodes[i]);
    }
    free(s->nodes);
    free(s->node_name);
    scn_radio_free(s->radio);
    s->nodes = NULL;
    s->num_nodes = 0;
    s->node_name = NULL;
    s->radio = NULL;
}

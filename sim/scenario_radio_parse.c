/* Radio keys of a scenario file: frames from a scripted peer among the
 * inputs, and the top-level "radio" medium.  Both are checked now, so a
 * scenario written today needs no change once a board has a radio; until
 * then they are load errors naming the board that lacks one. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "scenario_internal.h"
#include "scenario_nodes.h"

static size_t node_count(const scenario *s)
{
    return s->num_nodes ? s->num_nodes : 1;
}

/* The single-board form is a node of its own. */
static const scenario *node_at(const scenario *s, size_t i)
{
    return s->num_nodes ? &s->nodes[i] : s;
}

/* The board's name, and whether it has a radio; a board that does not
 * load is reported later, when the run is prepared. */
static bool board_has_radio(const scenario *node, char *name, size_t len)
{
    board *b = calloc(1, sizeof(*b));
    char err[512];
    bool found = true;
    snprintf(name, len, "%s", node->board);
    if (b != NULL && board_load_named(node->board, b, err, sizeof(err)) == 0) {
        found = false;
        snprintf(name, len, "%s", b->name);
        for (unsigned i = 0; i < b->num_devices; i++) {
            found = found || strcmp(b->devices[i].type, RADIO_DEVICE_TYPE) == 0;
        }
    }
    free(b);
    return found;
}

/* Every node that hears a frame (one, or all with node -1) needs a radio. */
static int check_receivers(scn_ctx *c, const scenario *s, int node, const char *path)
{
    char name[BOARD_NAME_MAX + 256];
    for (size_t i = 0; i < node_count(s); i++) {
        const scenario *n = node_at(s, i);
        if ((node < 0 || (size_t)node == i) && !board_has_radio(n, name, sizeof(name))) {
            return scn_fail(c, path, false, "%s%s%sboard %s has no radio; radio inputs need one",
                            n->node_name ? "node " : "", n->node_name ? n->node_name : "",
                            n->node_name ? ": " : "", name);
        }
    }
    return 0;
}

static int parse_hex(scn_ctx *c, const cJSON *v, const char *path, scenario_radio_frame *f)
{
    size_t n = cJSON_IsString(v) ? strlen(v->valuestring) : 0;
    bool ok = n >= 2 && n % 2 == 0 && n / 2 <= RADIO_FRAME_MAX;
    for (size_t i = 0; ok && i < n; i++) {
        ok = isxdigit((unsigned char)v->valuestring[i]) != 0;
    }
    if (!ok) {
        return scn_fail(c, path, false,
                        "expected the frame's bytes in hex, e.g. \"41c8000102\" (1 to %d bytes)",
                        RADIO_FRAME_MAX);
    }
    f->len = n / 2;
    f->bytes = malloc(f->len);
    for (size_t i = 0; i < f->len; i++) {
        char byte[3] = {v->valuestring[2 * i], v->valuestring[2 * i + 1], '\0'};
        f->bytes[i] = (uint8_t)strtoul(byte, NULL, 16);
    }
    return 0;
}

/* "radio.node": the one node that hears the frame; absent, all of them. */
static int parse_receiver(scn_ctx *c, const cJSON *r, const char *path, const scenario *s,
                          int *node)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, "node");
    char p[200];
    *node = -1;
    if (v == NULL) {
        return 0;
    }
    for (size_t i = 0; cJSON_IsString(v) && i < s->num_nodes; i++) {
        if (strcmp(s->nodes[i].node_name, v->valuestring) == 0) {
            *node = (int)i;
            return 0;
        }
    }
    scn_path(p, sizeof(p), path, "node", -1);
    return scn_fail(c, p, false, "expected the name of a node%s",
                    s->num_nodes ? "" : " (this scenario has no \"nodes\")");
}

static int parse_frame(scn_ctx *c, const cJSON *it, const char *path, const scenario *s,
                       scenario_radio_frame *f)
{
    static const char *const keys[] = {"at", "radio", NULL};
    static const char *const radio_keys[] = {"frame", "node", NULL};
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(it, "radio");
    char p[160], q[200];
    scn_path(p, sizeof(p), path, "radio", -1);
    if (cJSON_GetObjectItemCaseSensitive(it, "node") != NULL) {
        scn_path(q, sizeof(q), path, "node", -1);
        return scn_fail(c, q, true, "a radio frame's receiving node goes inside \"radio\"");
    }
    if (scn_check_keys(c, it, path, keys) != 0 || scn_get_duration(c, it, path, "at", &f->at)) {
        return -1;
    }
    if (!cJSON_IsObject(r)) {
        return scn_fail(c, p, false, "expected {\"frame\": HEX} with an optional \"node\"");
    }
    scn_path(q, sizeof(q), p, "frame", -1);
    if (scn_check_keys(c, r, p, radio_keys) != 0 || parse_receiver(c, r, p, s, &f->node) != 0) {
        return -1;
    }
    if (cJSON_GetObjectItemCaseSensitive(r, "frame") == NULL) {
        return scn_fail(c, p, false, "missing required key \"frame\"");
    }
    return parse_hex(c, cJSON_GetObjectItemCaseSensitive(r, "frame"), q, f) != 0
               ? -1
               : check_receivers(c, s, f->node, p);
}

static int parse_frames(scn_ctx *c, const cJSON *root, scenario *s)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "inputs");
    scenario_radio *r = s->radio;
    char path[64];
    int k = 0;
    r->frames = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*r->frames));
    for (const cJSON *it = arr ? arr->child : NULL; it != NULL; it = it->next, k++) {
        if (!cJSON_IsObject(it) || cJSON_GetObjectItemCaseSensitive(it, "radio") == NULL) {
            continue;
        }
        scn_path(path, sizeof(path), "inputs", NULL, k);
        if (parse_frame(c, it, path, s, &r->frames[r->num_frames++]) != 0) {
            return -1;
        }
    }
    return 0;
}

static int get_rate(scn_ctx *c, const cJSON *m, const char *key, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, key);
    char p[64];
    scn_path(p, sizeof(p), "radio", key, -1);
    if (v == NULL) {
        return 0;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1) {
        return scn_fail(c, p, false, "expected a probability from 0 to 1");
    }
    *out = v->valuedouble;
    return 0;
}

/* The medium: "radio": {"loss": P, "corrupt": P}.  Some node must have a
 * radio for it to mean anything. */
static int parse_medium(scn_ctx *c, const cJSON *root, scenario *s)
{
    static const char *const keys[] = {"loss", "corrupt", NULL};
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "radio");
    char name[BOARD_NAME_MAX + 256] = "";
    if (m == NULL) {
        return 0;
    }
    if (!cJSON_IsObject(m)) {
        return scn_fail(c, "radio", false, "expected {\"loss\": 0.1, \"corrupt\": 0.01}");
    }
    if (scn_check_keys(c, m, "radio", keys) != 0 || get_rate(c, m, "loss", &s->radio->loss) ||
        get_rate(c, m, "corrupt", &s->radio->corrupt) != 0) {
        return -1;
    }
    s->radio->has_medium = true;
    for (size_t i = 0; i < node_count(s); i++) {
        if (board_has_radio(node_at(s, i), name, sizeof(name))) {
            return 0;
        }
    }
    return scn_fail(c, "radio", false,
                    "no node has a radio (board %s has none); the radio "
                    "medium needs one",
                    name);
}

int scn_parse_radio(scn_ctx *c, const cJSON *root, scenario *s)
{
    s->radio = calloc(1, sizeof(*s->radio));
    if (s->radio == NULL) {
        return scn_fail(c, "", false, "out of memory");
    }
    return parse_frames(c, root, s) != 0 ? -1 : parse_medium(c, root, s);
}

void scn_radio_free(scenario_radio *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < r->num_frames; i++) {
        free(r->frames[i].bytes);
    }
    free(r->frames);
    free(r);
}

/* Line and column of things in JSON text: cJSON keeps no positions, yet every
 * error about a scenario file must point at the offending key or value. */
#ifndef BULWARK_JSON_POS_H
#define BULWARK_JSON_POS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct json_pos {
    int line; /* 1-based */
    int col;  /* 1-based, in bytes */
} json_pos;

json_pos json_pos_of_offset(const char *text, size_t offset);
/* Where the value at `path` (e.g. "inputs[2].at"; "" is the root) starts in
 * text that cJSON parsed successfully; with want_key, where the key naming it
 * starts.  Falls back to 1:1 if the path is not there. */
json_pos json_pos_find(const char *text, const char *path, bool want_key);

#endif

/* The scenario's inputs on the machine's event queue.  Console commands and
 * app images go into UART0 like anything a person would type: an image is
 * the kernel's `load SIZE` command followed by its bytes as hex text
 * (kernel/ABI.md, "Process console"), so it arrives at the UART's real byte rate
 * and the kernel sees exactly what a host tool would send. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define HEX_LINE_BYTES 32 /* 64 digits a line, as a terminal tool would send */

static uint8_t *read_image(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    long size = -1;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)size)) != NULL &&
        fread(data, 1, (size_t)size, f) != (size_t)size) {
        free(data);
        data = NULL;
    }
    if (f != NULL) {
        fclose(f);
    }
    *len = size > 0 ? (size_t)size : 0;
    return data;
}

/* "load SIZE\n" and the image as lines of hex digits; *out is malloc'd. */
static char *upload_text(const uint8_t *img, size_t len, size_t *out_len)
{
    size_t cap = 32 + 2 * len + len / HEX_LINE_BYTES + 2;
    char *t = malloc(cap);
    if (t == NULL) {
        return NULL;
    }
    size_t n = (size_t)snprintf(t, cap, "load %zu\n", len);
    for (size_t i = 0; i < len; i++) {
        n += (size_t)snprintf(t + n, cap - n, "%02x", img[i]);
        if ((i + 1) % HEX_LINE_BYTES == 0 || i + 1 == len) {
            t[n++] = '\n';
        }
    }
    *out_len = n;
    return t;
}

static int schedule_load(machine *m, const scenario_input *in, uint64_t at)
{
    size_t len, text_len;
    uint8_t *img = read_image(in->text, &len);
    if (img == NULL) {
        fprintf(stderr, "bulwark: cannot read app image %s\n", in->text);
        return -1;
    }
    char *text = upload_text(img, len, &text_len);
    free(img);
    int rc = text ? machine_schedule_uart_input(m, 0, at, (const uint8_t *)text, text_len) : -1;
    free(text);
    return rc;
}

static int schedule_one(machine *m, const scenario_input *in, uint64_t at)
{
    switch (in->kind) {
    case SCN_INPUT_UART:
        return machine_schedule_uart_input(m, (int)in->port, at, (const uint8_t *)in->text,
                                           in->len);
    case SCN_INPUT_CONSOLE:
        return machine_schedule_uart_input(m, 0, at, (const uint8_t *)in->text, in->len);
    case SCN_INPUT_BUTTON:
        return machine_schedule_button(m, in->button, at, in->pressed);
    case SCN_INPUT_GPIO:
        return machine_schedule_gpio(m, in->port, in->pin, at, in->level);
    case SCN_INPUT_LOAD:
        return schedule_load(m, in, at);
    }
    return -1;
}

int scenario_schedule_inputs(machine *m, const scenario *s, uint64_t hz)
{
    for (size_t i = 0; i < s->num_inputs; i++) {
        if (schedule_one(m, &s->inputs[i], duration_cycles(s->inputs[i].at, hz)) != 0) {
            return -1;
        }
    }
    return 0;
}

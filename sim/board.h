/* Board descriptions: data files (sim/boards/NAME.json), not code.
 * See sim/boards/README.md for the format. */
#ifndef BULWARK_BOARD_H
#define BULWARK_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOARD_NAME_MAX 32
#define BOARD_MAX_MEMORY 8
#define BOARD_MAX_DEVICES 32
#define BOARD_MAX_DEVICE_IRQS 4

typedef struct board_memory {
    char name[BOARD_NAME_MAX];
    uint32_t base;
    uint32_t size;
    bool writable;   /* by CPU stores; flash is not */
    bool executable;
} board_memory;

typedef struct board_device {
    char name[BOARD_NAME_MAX];
    char type[BOARD_NAME_MAX]; /* "cmsdk-apb-uart", "cmsdk-apb-timer", ... */
    uint32_t base;
    int irqs[BOARD_MAX_DEVICE_IRQS]; /* external IRQ numbers, in the type's order */
    int num_irqs;
    unsigned leds;    /* mps2-fpgaio only */
    unsigned buttons; /* mps2-fpgaio only */
} board_device;

typedef struct board {
    char name[BOARD_NAME_MAX];
    uint64_t clock_hz;
    uint64_t systick_ref_hz; /* SysTick external reference (CLKSOURCE = 0) */
    unsigned nvic_irqs;      /* external interrupts, 32..240 */
    unsigned nvic_priority_bits;
    board_memory memory[BOARD_MAX_MEMORY];
    unsigned num_memory;
    board_device devices[BOARD_MAX_DEVICES];
    unsigned num_devices;
} board;

/* Parse a board file.  On failure returns -1 and writes a message naming
 * the file (and, for JSON syntax errors, line and column) into err. */
int board_load_file(const char *path, board *out, char *err, size_t errlen);
/* Parse board JSON held in memory; `origin` names it in messages. */
int board_parse(const char *text, const char *origin, board *out, char *err, size_t errlen);
/* Resolve a board name to its file: $BULWARK_BOARDS_DIR, then the built-in
 * directory.  A name containing '/' or ending in .json is taken as a path. */
int board_load_named(const char *name, board *out, char *err, size_t errlen);

/* Settings that override the file (0 = keep). */
int board_override(board *b, uint64_t clock_hz, uint32_t flash_size, uint32_t ram_size, char *err,
                   size_t errlen);

const board_memory *board_find_memory(const board *b, const char *name);
/* The memory region holding [addr, addr+len), or NULL. */
const board_memory *board_memory_containing(const board *b, uint32_t addr, uint32_t len);
const board_device *board_find_device(const board *b, const char *name);

#endif

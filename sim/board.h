/* Board descriptions: data files (sim/boards/NAME.json), not code.
 * See sim/boards/README.md for the format. */
#ifndef BULWARK_BOARD_H
#define BULWARK_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOARD_NAME_MAX        32
#define BOARD_MAX_MEMORY      8
#define BOARD_MAX_DEVICES     32
#define BOARD_MAX_DEVICE_IRQS 4

typedef struct board_memory {
    char name[BOARD_NAME_MAX];
    uint32_t base;
    uint32_t size;
    bool writable; /* by CPU stores; flash is not */
    bool executable;
} board_memory;

typedef struct board_device {
    char name[BOARD_NAME_MAX];
    char type[BOARD_NAME_MAX]; /* "cmsdk-apb-uart", "cmsdk-apb-timer", ... */
    uint32_t base;
    uint32_t size;                   /* register window, fixed by the type */
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
    /* "power": supply current awake and asleep, and the supply voltage, for
     * the run's energy estimate (defaults in sim/boards/README.md) */
    double active_ma, sleep_ma, volts;
} board;

/* Parse a board file.  On failure returns -1 and writes a message naming
 * the file (and, for JSON syntax errors, line and column) into err. */
int board_load_file(const char *path, board *out, char *err, size_t errlen);
/* Parse board JSON held in memory; `origin` names it in messages. */
int board_parse(const char *text, const char *origin, board *out, char *err, size_t errlen);
/* Resolve a board name to its file: $BULWARK_BOARDS_DIR, then the built-in
 * directory.  A name containing '/' or ending in .json is taken as a path. */
int board_load_named(const char *name, board *out, char *err, size_t errlen);

/* Settings that override the file (0 = keep): the core clock (1 kHz..1 GHz)
 * and the sizes of the memory regions named "flash" and "ram" (at least
 * 1 KiB, a multiple of 1 KiB, overlapping nothing).  On failure nothing is
 * changed and err says why. */
int board_override(board *b, uint64_t clock_hz, uint32_t flash_size, uint32_t ram_size, char *err,
                   size_t errlen);

const board_memory *board_find_memory(const board *b, const char *name);
/* LEDs of the board's FPGA IO device (0 without one). */
unsigned board_led_count(const board *b);
/* The memory region holding [addr, addr+len), or NULL. */
const board_memory *board_memory_containing(const board *b, uint32_t addr, uint32_t len);
const board_device *board_find_device(const board *b, const char *name);
/* Checks that no memory region or device overlaps another or the core's
 * private peripheral bus (0xE0000000-0xE00FFFFF).  Returns -1 if none, else
 * the index of the later offender (memory first, then devices) and a
 * description in msg. */
int board_find_overlap(const board *b, char *msg, size_t len);

/* Value syntax shared by board files and command-line options.  Sizes and
 * addresses: decimal or 0x-hex, optional K/M/G suffix (powers of 1024,
 * "KiB"/"KB" also accepted): "0x40004000", "512K", "4M".  Frequencies:
 * decimal, optional fraction, optional k/K/M/G (powers of 1000) and "Hz":
 * "64MHz", "25 MHz", "32.768kHz", "1000000".  Return 0, or -1 if malformed
 * or too large. */
int board_parse_size(const char *text, uint64_t *bytes);
int board_parse_frequency(const char *text, uint64_t *hz);

#endif

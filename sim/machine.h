/* The simulated microcontroller: a Unicorn Cortex-M CPU plus everything
 * Unicorn does not model (exceptions, devices, virtual time).  Reports and
 * front ends read the machine through this API only. */
#ifndef BULWARK_MACHINE_H
#define BULWARK_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "board.h"
#include "elf_load.h"

typedef struct machine machine;

enum run_end {
    END_TIME_LIMIT,     /* ran for the requested duration */
    END_FIRMWARE_EXIT,  /* simulation-control EXIT or semihosting exit */
    END_LOCKUP,         /* the core locked up (fault during HardFault/NMI) */
    END_ASLEEP_FOREVER, /* wfi with nothing left that could wake it */
    END_INTERNAL_ERROR, /* a simulator invariant broke */
};

typedef struct machine_options {
    FILE *uart_out;      /* where UART0 output goes (stdout by default) */
    bool echo_all_uarts; /* also copy UART1/2 to uart_out, prefixed */
} machine_options;

typedef struct fault_record {
    uint64_t cycle;
    int exception; /* EXC_* number actually taken (after escalation) */
    int cause;     /* EXC_* number of the original fault */
    uint32_t pc;   /* address of the faulting instruction */
    uint32_t cfsr; /* status bits this fault set */
    uint32_t hfsr;
    uint32_t address; /* MMFAR/BFAR when valid */
    bool address_valid;
} fault_record;

#define MACHINE_MAX_FAULT_RECORDS 32

typedef struct machine_stats {
    uint64_t cycles;
    uint64_t instructions;
    uint64_t sleep_cycles;
    uint64_t exceptions_taken;
    uint64_t tail_chains;
    uint64_t exception_returns;
    uint64_t per_exception[16 + 240];
    uint64_t faults;
    uint64_t bus_errors; /* guest accesses to nothing or with a bad width */
    uint64_t blocks_decoded;
    uint64_t protection_applies;    /* page permissions brought to a new context */
    uint64_t protection_recomputes; /* contexts recomputed after MPU writes */
    uint64_t protect_calls;         /* uc_mem_protect calls they needed */
    fault_record fault_log[MACHINE_MAX_FAULT_RECORDS];
    unsigned fault_log_len;
} machine_stats;

typedef struct run_result {
    enum run_end end;
    uint32_t exit_code; /* END_FIRMWARE_EXIT */
    char detail[256];   /* lockup / error explanation */
} run_result;

machine *machine_create(const board *b, const machine_options *opt, char *err, size_t errlen);
void machine_destroy(machine *m);
/* Copy an ELF's segments into memory; the image must stay alive while the
 * machine runs (its symbols name addresses in reports). */
int machine_load(machine *m, const elf_image *img, char *err, size_t errlen);
/* Power-on reset: devices, NVIC, CPU from the vector table at address 0. */
void machine_reset(machine *m);
/* Run for at most `cycles` more model cycles. */
run_result machine_run(machine *m, uint64_t cycles);

const machine_stats *machine_get_stats(const machine *m);
const board *machine_board(const machine *m);
uint64_t machine_cycles(const machine *m);
/* Bytes each UART has transmitted so far. */
const uint8_t *machine_uart_log(const machine *m, int index, size_t *len);
/* Queue host input for a UART receiver. */
void machine_uart_input(machine *m, int index, const uint8_t *data, size_t len);
void machine_press_button(machine *m, unsigned index, bool pressed);
/* The same, delivered when the machine's clock reaches `cycle` (an event on
 * its queue).  Return 0, or -1 when out of memory. */
int machine_schedule_uart_input(machine *m, int index, uint64_t cycle, const uint8_t *data,
                                size_t len);
int machine_schedule_button(machine *m, unsigned index, uint64_t cycle, bool pressed);
/* GPIO pins (CMSDK GPIO ports, 16 pins each): drive an input level from
 * outside; read what the pins show (outputs driven by firmware, inputs from
 * the host).  A port the board lacks reads 0 and ignores input. */
#define MACHINE_GPIO_PORTS 2
void machine_set_gpio(machine *m, unsigned port, unsigned pin, bool level);
int machine_schedule_gpio(machine *m, unsigned port, unsigned pin, uint64_t cycle, bool level);
bool machine_has_gpio(const machine *m, unsigned port);
uint32_t machine_gpio_levels(const machine *m, unsigned port);

/* A fault injected at a chosen cycle (fault_inject.c), and what it did. */
typedef struct machine_injection {
    uint64_t cycle;   /* when it was applied */
    char label[160];  /* the caller's words for it, for reports */
    const char *kind; /* "bitflip", "register", "process_fault", "peripheral",
                       * "brownout" (fault_inject.h) */
    bool is_register;
    uint32_t address; /* memory: the byte flipped */
    unsigned reg;     /* register: 0..12 r0..r12, 13 sp, 14 lr, 15 pc */
    unsigned bit;     /* in that byte (0..7) or register (0..31) */
    uint32_t before, after;
} machine_injection;
/* Flip bit `bit` (0..31) of the little-endian word at `address`, i.e. bit
 * bit%8 of the byte at address + bit/8, in RAM or flash.  Returns 0, or -1
 * when out of memory or bit is out of range. */
int machine_schedule_bitflip(machine *m, uint64_t cycle, uint32_t address, unsigned bit,
                             const char *label);
/* Flip bit `bit` of register `reg` (numbered as in machine_injection). */
int machine_schedule_register_flip(machine *m, uint64_t cycle, unsigned reg, unsigned bit,
                                   const char *label);
/* The injections applied so far, in the order they were applied. */
const machine_injection *machine_injections(const machine *m, size_t *n);
uint32_t machine_leds(const machine *m);
const char *machine_exception_name(int exc);

/* The app images placed in flash (start and size of each): lets the machine
 * tell processes apart to measure switches and system calls from outside. */
void machine_set_apps(machine *m, const uint32_t *start, const uint32_t *size, unsigned n);
typedef struct machine_cycles_summary {
    uint64_t count;
    uint32_t min, median, p99, max;
} machine_cycles_summary;
/* Process -> kernel -> other process, from the exception that left the
 * first to the instruction the second resumes at. */
machine_cycles_summary machine_switch_cycles(const machine *m);
/* SVC of class `cls` -> kernel -> the same process again. */
machine_cycles_summary machine_syscall_cycles(const machine *m, int cls);
const elf_image *machine_image(const machine *m);
/* Everything measured from outside the kernel so far (sim/measure.h). */
const struct measure *machine_measure(const machine *m);
/* Guest RAM or flash, as the CPU sees it (sim/machine_memory.c); 0, or -1
 * when [addr, addr+len) is not all inside one of the board's memories.
 * Writing drops translated code of the pages written, so it runs as written. */
int machine_read_memory(machine *m, uint32_t addr, void *buf, size_t len);
int machine_write_memory(machine *m, uint32_t addr, const void *buf, size_t len);

/* What a front end may watch as it happens (the trace and waveform
 * writers).  Callbacks may be NULL; they run inside the run loop and must
 * not touch the machine. */
typedef struct machine_observer {
    void (*exception_entered)(void *ctx, uint64_t cycle, int exc);
    void (*exception_returned)(void *ctx, uint64_t cycle, int exc);
    void (*fault)(void *ctx, const fault_record *f);
    void (*uart_tx)(void *ctx, uint64_t cycle, int index, uint8_t byte);
    void (*leds_changed)(void *ctx, uint64_t cycle, uint32_t leds);
    void (*gpio_changed)(void *ctx, uint64_t cycle, int port, uint32_t levels);
    /* app image index `app` started (running) or stopped running */
    void (*process)(void *ctx, uint64_t cycle, int app, bool running);
    void *ctx;
} machine_observer;
void machine_set_observer(machine *m, const machine_observer *obs);

#endif

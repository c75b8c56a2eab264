/* A host stand-in for kernel/arch/ (the "fake machine") shared by the
 * kernel's Check suites: flash and RAM arrays at the machine's addresses,
 * the console captured into a string, time, LEDs and buttons as variables,
 * and TBF image builders.  The register-free Cortex-M files (context.c,
 * mpu_layout.c) are the real ones. */
#ifndef BULWARK_TEST_KERNEL_FAKE_H
#define BULWARK_TEST_KERNEL_FAKE_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "../kernel/arch/arch.h"
#include "../kernel/driver.h"

#define FAKE_FLASH_BASE  0x00000000u
#define FAKE_FLASH_SIZE  0x80000u
#define FAKE_RAM_BASE    0x20000000u
#define FAKE_RAM_SIZE    0x10000u
#define FAKE_APPS        0x00040000u
#define FAKE_APPMEM      0x20002000u
#define FAKE_TEST_DRIVER 0x99u

/* Everything back to power-on: memory, processes, loader, console. */
void fake_reset(void);

/* Console output since the last clear, NUL-terminated. */
const char *fake_console(void);
void fake_console_clear(void);
bool fake_console_has(const char *text);
/* Bytes for arch_console_getc. */
void fake_console_input(const char *text);

/* Machine state the tests drive or read. */
extern uint32_t fake_now;           /* arch_time_now */
#define fake_events arch_event_bits /* arch_take_events */
extern uint32_t fake_buttons;       /* arch_buttons */
extern uint32_t fake_leds;          /* arch_led_* */
extern bool fake_alarm_armed;
extern uint32_t fake_alarm_reference, fake_alarm_dt;
extern unsigned fake_slice_restarts, fake_mpu_invalidations;
extern size_t fake_console_room; /* arch_console_space: shrinks as bytes go out */
/* arch_exit longjmps here when fake_exit_armed (then clears it). */
extern jmp_buf fake_exit_jmp;
extern bool fake_exit_armed;
extern uint32_t fake_exit_code;

/* ---- TBF images ------------------------------------------------------------ */

typedef struct fake_tbf {
    const char *name;     /* Package Name TLV (NULL: none) */
    uint32_t min_ram;     /* minimum_ram_size */
    uint32_t binary_size; /* bytes after the header (multiple of 4) */
    uint32_t init_offset; /* from the end of the header */
    bool main_tlv;        /* a Main TLV instead of a Program TLV */
    bool no_program;      /* neither */
    uint32_t flags;       /* 0 means enabled (bit 0 set) */
} fake_tbf;

/* Writes an image at `at`, header and checksum right; returns total size.
 * The binary is filled with Thumb `bx lr` instructions. */
uint32_t fake_tbf_write(uaddr at, const fake_tbf *spec);
/* Recomputes the checksum of the image at `at` (after editing fields). */
void fake_tbf_fix_checksum(uaddr at);
/* A fresh machine whose process RAM is full: alpha and beta (4 KiB blocks
 * each), then big16 and big32 (16 and 32 KiB) take the other 48 KiB; all
 * four loaded.  Returns alpha and beta. */
void fake_load_full_ram(struct proc **alpha, struct proc **beta);
/* A fresh machine with two processes, "a" in slot 0 and "b" in slot 1
 * (4 KiB blocks). */
void fake_load_two(struct proc **a, struct proc **b);
void fake_put16(uaddr at, uint16_t v);
void fake_put32(uaddr at, uint32_t v);
uint32_t fake_get32(uaddr at);

/* ---- the test driver (0x99) ----------------------------------------------------- */

/* 2 subscribes, 2 RW / 2 RO / 1 UR allows, 64 bytes of grant.  Commands:
 * 0 exists; 1 upcall(sub = arg1) with (arg2, 7, 8); 2 read RO allow 0
 * into fake_test_bytes; 3 write fake_test_bytes into RW allow 0; 4 enter
 * the grant (NOMEM comes back as the failure). */
extern const driver fake_test_driver;
extern uint8_t fake_test_bytes[64];
extern uint32_t fake_test_copied;

/* Load one image at the start of app flash and return its process. */
struct proc *fake_load_one(const fake_tbf *spec);
/* Make a system call as p: regs go into p's frame, results come back. */
uint32_t fake_syscall(struct proc *p, unsigned cls, uint32_t r0, uint32_t r1, uint32_t r2,
                      uint32_t r3, uint32_t out[4]);

#endif

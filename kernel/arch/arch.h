/* The contract between the portable kernel core and the architecture.
 *
 * The core (the .c files of kernel/, and capsules/) reaches the machine only through the
 * functions and types declared here; kernel/arch/cortex_m/ implements them
 * on the Cortex-M4 and test/test_kernel_fake.c implements them on the host
 * for the unit tests.  Process memory is named by 32-bit addresses
 * (uaddr) everywhere in the core and turned into a pointer only through
 * kmem(), which is a cast on the target and a lookup on the host. */
#ifndef BULWARK_ARCH_H
#define BULWARK_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t uaddr; /* an address in the simulated machine */

/* ---- saved process state -------------------------------------------- */

/* What the arch keeps of a process while it is not running: r4-r11 and its
 * stack pointer (r0-r3, r12, lr, pc, xPSR live in the exception frame on its
 * own stack).  The core embeds it at offset 0 of the process control block,
 * followed by the MPU configuration; the context switch relies on both. */
typedef struct arch_ctx {
    uint32_t r4_r11[8];
    uint32_t psp;
} arch_ctx;

/* MPU regions a process owns: flash regions first, then its RAM. */
#define ARCH_MPU_PROC_REGIONS 7
#define ARCH_MPU_RAM_REGIONS  2
#define ARCH_MPU_FLASH_MAX    (ARCH_MPU_PROC_REGIONS - ARCH_MPU_RAM_REGIONS)

/* RBAR/RASR pairs, in the order the alias registers take them. */
typedef struct arch_mpu_cfg {
    uint32_t reg[2 * ARCH_MPU_PROC_REGIONS];
} arch_mpu_cfg;

/* The eight words an exception pushes on the process stack. */
enum { FR_R0, FR_R1, FR_R2, FR_R3, FR_R12, FR_LR, FR_PC, FR_XPSR, FR_WORDS };

/* ---- memory ----------------------------------------------------------- */

#ifdef BULWARK_HOST
void *kmem(uaddr addr);
uaddr kaddr(const void *ptr);
#else
static inline void *kmem(uaddr addr)
{
    return (void *)(uintptr_t)addr;
}
static inline uaddr kaddr(const void *ptr)
{
    return (uaddr)(uintptr_t)ptr;
}
#endif

/* App flash and process RAM as the link script lays them out. */
uaddr arch_apps_start(void);
uaddr arch_apps_end(void);
uaddr arch_appmem_start(void);
uaddr arch_appmem_end(void);

/* Writing app flash at run time (the Bulwark flash controller; other
 * machines have none).  The page size, or 0 when flash cannot be written;
 * erase the page holding addr to 0xFF; program one word (bits only go
 * 1 -> 0).  False when the controller refused the operation. */
uint32_t arch_flash_page(void);
bool arch_flash_erase(uaddr addr);
bool arch_flash_program(uaddr addr, uint32_t word);

/* ---- processes --------------------------------------------------------- */

/* Lay out a fresh exception frame so that the process starts at pc with
 * r0-r3 = args, its stack just below top (frame at top - 32). */
void arch_ctx_init(arch_ctx *ctx, uaddr top, uaddr pc, const uint32_t args[4]);
/* The process's exception frame (valid only while it is stopped in a
 * system call or was preempted: the frame is on its stack). */
uint32_t *arch_frame(const arch_ctx *ctx);
/* Rewrite the exception frame of a process stopped in yield so that it
 * returns into fn(a0, a1, a2, a3) and from there back after its svc. */
void arch_frame_upcall(uint32_t *frame, uaddr fn, uint32_t a0, uint32_t a1, uint32_t a2,
                       uint32_t a3);

/* MPU: the RAM granule for a block of 2^log2 bytes (the break is rounded up
 * to it), and the region sets. */
uint32_t arch_mpu_granule(unsigned block_log2);
/* Exact cover of [start, end) of flash, read/execute; returns false when the
 * range cannot be covered exactly with ARCH_MPU_FLASH_MAX regions, in which
 * case the smallest enclosing range that can is opened and *open_start,
 * *open_end say what it is. */
bool arch_mpu_flash(arch_mpu_cfg *cfg, uaddr start, uaddr end, uaddr *open_start, uaddr *open_end);
/* [block, brk) read/write, never execute; brk a multiple of the granule. */
void arch_mpu_ram(arch_mpu_cfg *cfg, uaddr block, unsigned block_log2, uaddr brk);
/* The process's configuration changed: program it again on next entry. */
void arch_mpu_invalidate(void);

/* Kernel loop: run a process until control comes back to the kernel. */
void arch_run(arch_ctx *ctx);
/* Start a fresh timeslice for the process about to be entered. */
void arch_slice_restart(void);
/* Configure the timeslice; 0 turns preemption off. */
void arch_slice_config(uint32_t us);
/* Did the timeslice run out while the kernel loop ran?  (Clears it.) */
bool arch_slice_take_expired(void);

/* ---- kernel services --------------------------------------------------- */

/* Console output (UART0): queue bytes, waiting (by polling if need be) while
 * the transmit buffer is full.  Never drops bytes. */
void arch_console_write(const char *s, size_t n);
/* Free space in the transmit buffer: capsules copy at most that much. */
size_t arch_console_space(void);
/* Wait until everything queued has left the UART. */
void arch_console_flush(void);
/* Next received byte, or -1. */
int arch_console_getc(void);

/* Events raised by interrupts, handled by the kernel loop. */
enum {
    EV_UART_RX = 1u << 0,
    EV_UART_TX = 1u << 1,
    EV_ALARM = 1u << 2,
};
uint32_t arch_take_events(void);
/* Set by interrupts (arch), read on every switch: kept in a variable. */
extern volatile uint32_t arch_event_bits;
static inline bool arch_events_pending(void)
{
    return arch_event_bits != 0;
}
/* Ask the kernel loop to run soon (returns from the running process). */
void arch_kick(void);
/* Sleep until an interrupt unless an event is already pending. */
void arch_idle(void);
/* Ask to be told (EV_UART_TX) when the transmit buffer has room again. */
void arch_console_want_space(void);

/* Time: a free-running 1 MHz counter wrapping at 2^32 and one alarm. */
uint32_t arch_time_now(void);
uint32_t arch_time_hz(void);
/* EV_ALARM once now reaches `at` (reference + dt, as unsigned wrapping
 * arithmetic); re-arming replaces the previous alarm. */
void arch_alarm_set(uint32_t reference, uint32_t dt);
void arch_alarm_cancel(void);

/* LEDs and buttons of the board. */
unsigned arch_led_count(void);
void arch_led_set(unsigned index, bool on);
bool arch_led_get(unsigned index);
unsigned arch_button_count(void);
uint32_t arch_buttons(void);

/* Cycle counter (0 when the machine has none) and the core clock. */
uint32_t arch_cycles(void);
uint32_t arch_clock_hz(void);

/* Fault dumps: the decoded fault status recorded at the last process fault
 * and the process's registers, as kernel lines (forced: the process console
 * asked for the fault, nothing was recorded). */
void arch_fault_print(const arch_ctx *ctx, bool forced);
/* The stack pointer the process had when it trapped last. */
uint32_t arch_ctx_sp(const arch_ctx *ctx);

/* Kernel facts for the process console (`kernel`): footprint, stack use. */
void arch_print_info(void);

/* End the run (simulation control / semihosting); code 0 = success. */
_Noreturn void arch_exit(uint32_t code);

#endif

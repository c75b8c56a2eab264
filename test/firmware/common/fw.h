/* Tiny runtime shared by every test firmware: UART0 console, number
 * printing, machine detection, exit, checks and fault reporting.
 *
 * A test calls test_begin("name"), prints its observations one per line,
 * uses CHECK() for every assertion and ends with test_end(), which prints
 * "PASS name" or "FAIL name" and exits 0 or 1. */
#ifndef FW_H
#define FW_H

#include <stdbool.h>
#include <stdint.h>

#include "regs.h"
#include "vectors.h"

/* The eight words the core pushes on exception entry. */
typedef struct exc_frame {
    uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr;
} exc_frame;

/* ---- console (UART0) ------------------------------------------------- */
void uart_init(void);
void uart_putc(char c);
void uart_puts(const char *s);
int uart_getc(void);        /* blocking, polled */
void print_hex(uint32_t v); /* 0x%08X */
void print_dec(uint32_t v);
void print_sdec(int32_t v);
/* " key=0x0000002A" or " key=42": a line is a label and such pairs */
void print_kv_hex(const char *key, uint32_t v);
void print_kv_dec(const char *key, uint32_t v);
void print_nl(void);
/* A whole line: "<label> 0x0000002A" */
void print_line_hex(const char *label, uint32_t v);
void print_line_dec(const char *label, uint32_t v);

/* Starts every line printed only when running in Bulwark (cycle counts,
 * sleep statistics).  qemu_diff.py leaves such lines out of the QEMU
 * comparison; everything else must match QEMU line for line. */
#define BULWARK_ONLY "[bulwark] "

/* ---- machine ----------------------------------------------------------- */
/* True when running in Bulwark (simulation control answers its ID). */
bool on_bulwark(void);
/* Ends the run: Bulwark's EXIT register, otherwise semihosting SYS_EXIT. */
_Noreturn void fw_exit(uint32_t code);
/* Turn on DWT CYCCNT (Bulwark only: QEMU has no cycle counter). */
void dwt_enable(void);

static inline void nvic_enable(unsigned irq)
{
    NVIC_ISER(irq / 32) = 1u << (irq % 32);
}
static inline void nvic_disable(unsigned irq)
{
    NVIC_ICER(irq / 32) = 1u << (irq % 32);
}
static inline void nvic_pend(unsigned irq)
{
    NVIC_ISPR(irq / 32) = 1u << (irq % 32);
}
static inline void nvic_unpend(unsigned irq)
{
    NVIC_ICPR(irq / 32) = 1u << (irq % 32);
}
static inline bool nvic_is_pending(unsigned irq)
{
    return (NVIC_ISPR(irq / 32) >> (irq % 32)) & 1u;
}
static inline bool nvic_is_active(unsigned irq)
{
    return (NVIC_IABR(irq / 32) >> (irq % 32)) & 1u;
}
static inline void nvic_set_priority(unsigned irq, uint8_t prio)
{
    NVIC_IPR8(irq) = prio;
}

/* Make an NVIC/SCB write take effect before the next instruction. */
static inline void barrier(void)
{
    __asm volatile("dsb\n\t" /* complete the register write */
                   "isb"     /* re-evaluate pending exceptions before going on */
                   ::
                       : "memory");
}
static inline uint32_t get_ipsr(void)
{
    uint32_t v;
    __asm volatile("mrs %0, ipsr" : "=r"(v)); /* current exception number */
    return v;
}
static inline uint32_t get_control(void)
{
    uint32_t v;
    __asm volatile("mrs %0, control" : "=r"(v)); /* nPRIV (bit 0), SPSEL (bit 1) */
    return v;
}
static inline uint32_t get_primask(void)
{
    uint32_t v;
    __asm volatile("mrs %0, primask" : "=r"(v)); /* reads 0 when unprivileged */
    return v;
}
static inline uint32_t get_psp(void)
{
    uint32_t v;
    __asm volatile("mrs %0, psp" : "=r"(v)); /* process stack pointer */
    return v;
}
static inline uint32_t get_msp(void)
{
    uint32_t v;
    __asm volatile("mrs %0, msp" : "=r"(v)); /* main stack pointer */
    return v;
}

/* ---- test protocol ------------------------------------------------------ */
void test_begin(const char *name);
_Noreturn void test_end(void);
void check_failed(const char *msg, const char *file, int line);
unsigned test_failures(void);

#ifdef __FILE_NAME__
#define FW_FILE __FILE_NAME__
#else
#define FW_FILE __FILE__
#endif

/* Records a failure ("FAIL: <test>: <msg> (file:line)") and goes on. */
#define CHECK(cond, msg)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            check_failed((msg), FW_FILE, __LINE__);                                                \
        }                                                                                          \
    } while (0)

/* Like CHECK but ends the test at once: later steps depend on this one. */
#define REQUIRE(cond, msg)                                                                         \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            check_failed((msg), FW_FILE, __LINE__);                                                \
            test_end();                                                                            \
        }                                                                                          \
    } while (0)

/* ---- faults -------------------------------------------------------------- */
/* Prints "<what> cfsr=.. hfsr=.. mmfar=.. bfar=.. pc=.. lr=.. xpsr=.." */
void fault_report(const char *what, const exc_frame *f);
/* Reports an exception nobody expected and ends the test as FAIL. */
void fault_unexpected(const exc_frame *f, uint32_t exc_return);
/* Size in bytes (2 or 4) of the Thumb instruction at addr. */
uint32_t thumb_insn_size(uint32_t addr);

/* Defines `name` as an exception handler that calls
 * `void cfunc(exc_frame *frame, uint32_t exc_return)` with the stacked
 * frame of whichever stack was active. cfunc returns normally: LR still
 * holds EXC_RETURN because the stub branches without linking. */
#define EXC_FRAME_HANDLER(name, cfunc)                                                             \
    __attribute__((naked)) void name(void)                                                         \
    {                                                                                              \
        __asm volatile("tst lr, #4\n\t"    /* EXC_RETURN bit 2: frame on PSP? */                   \
                       "ite eq\n\t"        /* choose the stack that holds the frame */             \
                       "mrseq r0, msp\n\t" /* bit 2 clear: frame on MSP */                         \
                       "mrsne r0, psp\n\t" /* bit 2 set: frame on PSP */                           \
                       "mov r1, lr\n\t"    /* second argument: EXC_RETURN */                       \
                       "b " #cfunc "\n\t"  /* tail call; cfunc returns through LR */               \
        );                                                                                         \
    }

#endif

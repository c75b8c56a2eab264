/* Machine state shared by the files that make up the machine (machine.c,
 * exc.c, scs.c).  Nothing outside sim/ includes this. */
#ifndef BULWARK_MACHINE_INTERNAL_H
#define BULWARK_MACHINE_INTERNAL_H

#include <unicorn/unicorn.h>

#include "blocks.h"
#include "bus.h"
#include "evq.h"
#include "guard.h"
#include "machine.h"
#include "measure.h"
#include "nvic.h"
#include "mpu.h"
#include "gpio.h"
#include "periph.h"
#include "vclock.h"

/* Why emulation stopped (bits). */
enum {
    STOP_DEADLINE = 1u << 0,     /* next event or end of run */
    STOP_EVAL = 1u << 1,         /* exception state changed: re-evaluate */
    STOP_ERROR = 1u << 2,        /* simulator invariant broken: end the run */
    STOP_MEMFAULT = 1u << 3,     /* unmapped or protected access */
    STOP_EXIT = 1u << 4,         /* firmware asked to end the run */
    STOP_RESET = 1u << 5,        /* AIRCR.SYSRESETREQ */
    STOP_SLEEP = 1u << 6,        /* WFE */
    STOP_HANDLED = 1u << 7,      /* a hook already took the exception */
    STOP_FETCH_DENIED = 1u << 8, /* a block starts where it may not execute */
};

/* Configurable fault status bits (CFSR). */
enum {
    CFSR_IACCVIOL = 1u << 0,
    CFSR_DACCVIOL = 1u << 1,
    CFSR_MUNSTKERR = 1u << 3,
    CFSR_MSTKERR = 1u << 4,
    CFSR_MMARVALID = 1u << 7,
    CFSR_IBUSERR = 1u << 8,
    CFSR_PRECISERR = 1u << 9,
    CFSR_IMPRECISERR = 1u << 10,
    CFSR_UNSTKERR = 1u << 11,
    CFSR_STKERR = 1u << 12,
    CFSR_BFARVALID = 1u << 15,
    CFSR_UNDEFINSTR = 1u << 16,
    CFSR_INVSTATE = 1u << 17,
    CFSR_INVPC = 1u << 18,
    CFSR_NOCP = 1u << 19,
    CFSR_UNALIGNED = 1u << 24,
    CFSR_DIVBYZERO = 1u << 25,
};
enum {
    HFSR_VECTTBL = 1u << 1,
    HFSR_FORCED = 1u << 30,
    HFSR_DEBUGEVT = 1u << 31,
};
enum {
    CCR_NONBASETHRDENA = 1u << 0,
    CCR_USERSETMPEND = 1u << 1,
    CCR_UNALIGN_TRP = 1u << 3,
    CCR_DIV_0_TRP = 1u << 4,
    CCR_STKALIGN = 1u << 9,
};
#define SHCSR_MEMFAULTENA (1u << 16)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_USGFAULTENA (1u << 18)
#define SCR_SLEEPONEXIT   (1u << 1)
#define DEMCR_TRCENA      (1u << 24)

typedef struct scb_regs {
    uint32_t vtor;
    uint32_t scr;
    uint32_t ccr;
    uint32_t cfsr;
    uint32_t hfsr;
    uint32_t mmfar;
    uint32_t bfar;
    uint32_t demcr;
    uint32_t cpacr;
} scb_regs;

/* A synchronous fault found while emulating, raised by the run loop. */
typedef struct pending_fault {
    int exc;       /* EXC_MEMMANAGE / EXC_BUSFAULT / EXC_USAGEFAULT / EXC_HARDFAULT */
    uint32_t cfsr; /* status bits */
    uint32_t hfsr;
    uint32_t address; /* BFAR / MMFAR */
    bool address_valid;
    uint32_t return_pc; /* stacked PC */
} pending_fault;

#define MACHINE_UARTS 3

typedef struct byte_log {
    uint8_t *data;
    size_t len;
    size_t cap;
} byte_log;

struct machine {
    uc_engine *uc;
    board board;
    machine_options opt;
    nvic nvic;
    scb_regs scb;
    evq *events;
    vclock clock;
    bus *bus;
    block_cache *blocks;
    const elf_image *image;

    /* Time.  `cycles` includes the whole block being executed. */
    uint64_t cycles;
    uint64_t insns;
    uint64_t deadline;
    uint64_t sleep_cycles;
    bool asleep;  /* the last run's budget ran out in WFI: the next one sleeps on */
    bool running; /* inside uc_emu_start */

    /* The block being executed, for placing events inside it. */
    block_info *cur;
    uint64_t cur_start_cycles;
    uint64_t cur_start_insns;
    int access_cursor;       /* instructions before this one already ran */
    uint32_t pending_refill; /* taken-branch target of the previous block */
    bool recheck;            /* previous block changed masks or CONTROL */

    /* A device access in progress (mmio callback). */
    bool in_access;
    uint32_t access_addr;
    bool access_write;
    int access_index; /* instruction index, -2 = not worked out yet */

    unsigned stop;
    char error[200];
    /* Memory fault caught by the hook. */
    uint32_t memfault_addr;
    int memfault_type;
    int memfault_index;

    guard *guard; /* page permissions for the MPU and the PPB */
    mpu *mpu;
    bool guard_dirty; /* the MPU was reprogrammed since the last apply */
    /* Step-through of instructions on pages an MPU edge cuts. */
    uint32_t step_until; /* run next only up to this address (0: no step) */
    uint32_t step_lo;    /* bytes to open meanwhile (step_len 0: none) */
    uint32_t step_len;
    bool stepping; /* a step runs: one block, then stop */
    unsigned step_blocks;
    uint32_t exec_page; /* a page known executable in the current context */
    bool exec_edges;    /* the context has pages an execute edge cuts */

    uint32_t protection_gen; /* changes with the context or the MPU (blocks.h) */
    uint32_t fetch_denied_addr;
    bool trap_hook_on; /* CCR.DIV_0_TRP / UNALIGN_TRP checking installed */
    uc_hook trap_hook;
    pending_fault fault;
    bool fault_pending;
    uint32_t exit_code;
    bool locked_up;
    char lockup_reason[200];

    machine_stats stats;
    measure measure;

    cmsdk_uart *uart[MACHINE_UARTS];
    byte_log uart_log[MACHINE_UARTS];
    systick *systick;
    dwt *dwt;
    fpgaio *fpgaio;
    cmsdk_gpio *gpio[MACHINE_GPIO_PORTS];
    struct timed_input *timed_inputs; /* timed_input.c */
    struct fault_event *fault_events; /* fault_inject.c */
    machine_injection *injected;      /* applied, in order */
    size_t num_injected;
    struct fault_state *fstate; /* fault_inject.c, periph_fault.c; NULL until used */
    machine_observer obs;       /* all NULL unless a front end watches */
};

/* Tell the observer (if any) what the exception engine and devices did. */
static inline void machine_notify_exc_enter(machine *m, int exc)
{
    if (m->obs.exception_entered != NULL) {
        m->obs.exception_entered(m->obs.ctx, m->cycles, exc);
    }
}

static inline void machine_notify_exc_return(machine *m, int exc)
{
    if (m->obs.exception_returned != NULL) {
        m->obs.exception_returned(m->obs.ctx, m->cycles, exc);
    }
}

/* Process `app` (an image index; -1: none) started or stopped running. */
static inline void machine_notify_process(machine *m, int app, bool running)
{
    if (app >= 0 && m->obs.process != NULL) {
        m->obs.process(m->obs.ctx, m->cycles, app, running);
    }
}

static inline void machine_notify_fault(machine *m, const fault_record *f)
{
    if (m->obs.fault != NULL) {
        m->obs.fault(m->obs.ctx, f);
    }
}

/* machine.c */
uint64_t machine_now(machine *m);
void machine_request_stop(machine *m, unsigned why);
void machine_read_core(machine *m, uint32_t r[16]);
/* Make page permissions follow privilege, execution priority and the MPU. */
void machine_update_protection(machine *m);
/* The protection context (GUARD_* bits) the CPU is in now. */
int machine_protection_context(machine *m);
/* Does the MPU let context `ctx` make accesses `need` (MPU_R/W/X) to every
 * byte of [addr, addr+len)?  If not, *bad is the first refused byte. */
bool machine_mpu_allows(machine *m, uint32_t addr, uint32_t len, unsigned need, int ctx,
                        uint32_t *bad);
uint32_t machine_reg(machine *m, int reg);
void machine_set_reg(machine *m, int reg, uint32_t value);
int machine_install_hooks(machine *m);
bus_observer machine_bus_observer(machine *m);
vclock machine_vclock(machine *m);
/* Cut the current block's accounting back to where it really ended. */
void machine_settle(machine *m, uint32_t pc, bool executed);
void machine_handle_intr(machine *m, uint32_t intno);
void machine_handle_invalid(machine *m);

/* exc.c: the exception engine */
void exc_reset(machine *m);
/* Take the best pending exception if it may preempt now; true if taken. */
bool exc_dispatch_pending(machine *m);
/* Synchronous exceptions raised by an instruction (SVC, faults). */
void exc_raise_sync(machine *m, int exc, uint32_t return_pc);
void exc_raise_fault(machine *m, const pending_fault *f);
/* The CPU loaded an EXC_RETURN value into PC. */
void exc_return(machine *m, uint32_t exc_return);
bool exc_wakeup_pending(machine *m);
void exc_irq_set(void *ctx, int line, bool level);
void exc_systick_set(void *ctx, int line, bool level);

/* access_fault.c: accesses the page guard stopped */
void access_fault_handle(machine *m);
/* An instruction fetch refused at addr: MemManage IACCVIOL or BusFault. */
void access_fault_fetch(machine *m, uint32_t addr);
/* Block hook: false when the block may not run now (a fetch fault or a
 * step up to the first instruction that may not execute was arranged). */
bool access_check_block_fetch(machine *m, const block_info *b);
bool access_check_block_page(machine *m, const block_info *b);
bool access_check_block_unpriv(machine *m, const block_info *b);

/* timed_input.c: inputs scheduled on the event queue; after evq_destroy */
void timed_input_free_all(machine *m);
/* fault_inject.c: faults scheduled on the event queue; after evq_destroy */
void fault_inject_free_all(machine *m);

/* scs.c: NVIC, SCB and debug registers at 0xE000E000 */
device scs_device(machine *m);

#endif

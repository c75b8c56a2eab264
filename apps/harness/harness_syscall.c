/* Stand-in kernel: the system calls, emulated just far enough for the apps.
 * Time is virtual: a yield-wait with only the alarm armed jumps `now` to the
 * alarm's expiration, so sleeps cost nothing and the output is exact. */
#include "harness.h"

#define RET_FAILURE      0u
#define RET_SUCCESS      128u
#define RET_SUCCESS_U32  129u
#define RET_SUCCESS_2U32 130u
#define RET_FAILURE_2U32 2u
#define ERR_INVALID      6u
#define ERR_NOMEM        9u
#define ERR_NOSUPPORT    10u
#define ERR_NODEVICE     11u

#define DRIVER_ALARM   0u
#define DRIVER_CONSOLE 1u
#define DRIVER_LED     2u
#define DRIVER_BUTTON  3u

#define ALARM_HZ       1000000u
#define LED_COUNT      2u /* as many as mps2-an386 has, so QEMU agrees */
#define BUTTON_COUNT   2u
#define FPGAIO_LEDS    REG32(FPGAIO_BASE + 0x0)
#define FPGAIO_BUTTONS REG32(FPGAIO_BASE + 0x8)

enum slot { SLOT_ALARM, SLOT_CONSOLE_WRITE, SLOT_CONSOLE_READ, SLOT_BUTTON, NUM_SLOTS };

typedef struct upcall_slot {
    uint32_t driver, number; /* what subscribe names it by */
    uint32_t fn, userdata;
    bool pending;
    uint32_t args[3];
} upcall_slot;

static upcall_slot slots[NUM_SLOTS] = {
    [SLOT_ALARM] = {DRIVER_ALARM, 0, 0, 0, false, {0}},
    [SLOT_CONSOLE_WRITE] = {DRIVER_CONSOLE, 1, 0, 0, false, {0}},
    [SLOT_CONSOLE_READ] = {DRIVER_CONSOLE, 2, 0, 0, false, {0}},
    [SLOT_BUTTON] = {DRIVER_BUTTON, 0, 0, 0, false, {0}},
};

typedef struct allowed_buffer {
    uint32_t ptr, len;
} allowed_buffer;

static allowed_buffer console_ro, console_rw;

static uint32_t now_ticks, alarm_expiration;
static uint32_t process_break = HARNESS_RAM_START;
static bool alarm_armed;

static void ret(exc_frame *f, uint32_t variant, uint32_t a, uint32_t b, uint32_t c)
{
    f->r0 = variant;
    f->r1 = a;
    f->r2 = b;
    f->r3 = c;
}

static bool in_process(uint32_t ptr, uint32_t len)
{
    const harness_app *a = &harness_process;
    bool ram = ptr >= HARNESS_RAM_START && len <= HARNESS_RAM_START + HARNESS_RAM_SIZE - ptr;
    bool flash = ptr >= a->start && len <= a->binary_end - ptr;
    return len == 0 || ram || flash;
}

static void queue(enum slot s, uint32_t a, uint32_t b, uint32_t c)
{
    slots[s] = (upcall_slot){slots[s].driver, slots[s].number, slots[s].fn, slots[s].userdata, true,
                             {a, b, c}};
}

/* Returns from the yield's svc into fn(args, userdata), and from fn back to
 * the instruction after the svc (kernel/ABI.md, "System calls"). */
static bool deliver(exc_frame *f)
{
    for (int i = 0; i < NUM_SLOTS; i++) {
        upcall_slot *s = &slots[i];
        if (s->pending && s->fn != 0) {
            s->pending = false;
            ret(f, s->args[0], s->args[1], s->args[2], s->userdata);
            f->lr = f->pc | 1u;
            f->pc = s->fn & ~1u;
            return true;
        }
    }
    return false;
}

static void do_yield(exc_frame *f)
{
    if (f->r0 == 0) { /* no-wait: report through the byte at r1 */
        bool ran = deliver(f);
        *(volatile uint8_t *)f->r1 = ran;
        return;
    }
    if (deliver(f)) {
        return;
    }
    if (alarm_armed) {
        now_ticks = alarm_expiration; /* nothing else can happen: warp to it */
        alarm_armed = false;
        queue(SLOT_ALARM, now_ticks, alarm_expiration, 0);
        if (deliver(f)) {
            return;
        }
    }
    uart_puts(HARNESS_LINE "yield-wait with nothing left to wait for\n");
    fw_exit(3);
}

static void do_subscribe(exc_frame *f)
{
    for (int i = 0; i < NUM_SLOTS; i++) {
        upcall_slot *s = &slots[i];
        if (s->driver == f->r0 && s->number == f->r1) {
            uint32_t old_fn = s->fn, old_ud = s->userdata;
            s->fn = f->r2;
            s->userdata = f->r3;
            ret(f, RET_SUCCESS_2U32, old_fn, old_ud, 0);
            return;
        }
    }
    ret(f, RET_FAILURE_2U32, ERR_NOSUPPORT, f->r2, f->r3);
}

static void console_command(exc_frame *f, uint32_t cmd, uint32_t len)
{
    if (cmd == 1) {
        uint32_t n = len < console_ro.len ? len : console_ro.len;
        for (uint32_t i = 0; i < n; i++) {
            uart_putc(((const char *)console_ro.ptr)[i]);
        }
        queue(SLOT_CONSOLE_WRITE, n, 0, 0);
        ret(f, RET_SUCCESS, 0, 0, 0);
    } else if (cmd == 2) {
        /* Blocks the whole machine until the bytes arrive: fine for a test. */
        uint32_t n = len < console_rw.len ? len : console_rw.len;
        for (uint32_t i = 0; i < n; i++) {
            ((char *)console_rw.ptr)[i] = (char)uart_getc();
        }
        queue(SLOT_CONSOLE_READ, 0, n, 0);
        ret(f, RET_SUCCESS, 0, 0, 0);
    } else {
        ret(f, cmd == 0 ? RET_SUCCESS : RET_FAILURE, ERR_NOSUPPORT, 0, 0);
    }
}

static void alarm_command(exc_frame *f, uint32_t cmd, uint32_t a, uint32_t b)
{
    now_ticks++; /* time moves a little with every look at it */
    if (cmd == 1 || cmd == 2) {
        ret(f, RET_SUCCESS_U32, cmd == 1 ? ALARM_HZ : now_ticks, 0, 0);
    } else if (cmd == 5 || cmd == 6) {
        alarm_expiration = cmd == 5 ? now_ticks + a : a + b;
        alarm_armed = true;
        ret(f, RET_SUCCESS_U32, alarm_expiration, 0, 0);
    } else if (cmd == 3 || cmd == 0) {
        alarm_armed = cmd == 3 ? false : alarm_armed;
        ret(f, RET_SUCCESS, 0, 0, 0);
    } else {
        ret(f, RET_FAILURE, ERR_NOSUPPORT, 0, 0);
    }
}

static void led_command(exc_frame *f, uint32_t cmd, uint32_t index)
{
    uint32_t bit = 1u << (index & 31u);
    if (cmd == 0) {
        ret(f, RET_SUCCESS_U32, LED_COUNT, 0, 0);
        return;
    }
    if (index >= LED_COUNT || cmd > 3) {
        ret(f, RET_FAILURE, index >= LED_COUNT ? ERR_INVALID : ERR_NOSUPPORT, 0, 0);
        return;
    }
    uint32_t leds = FPGAIO_LEDS;
    FPGAIO_LEDS = cmd == 1 ? leds | bit : cmd == 2 ? leds & ~bit : leds ^ bit;
    ret(f, RET_SUCCESS, 0, 0, 0);
}

static void button_command(exc_frame *f, uint32_t cmd, uint32_t index)
{
    if (cmd == 0) {
        ret(f, RET_SUCCESS_U32, BUTTON_COUNT, 0, 0);
    } else if (cmd == 3 && index < BUTTON_COUNT) {
        ret(f, RET_SUCCESS_U32, (FPGAIO_BUTTONS >> index) & 1u, 0, 0);
    } else {
        ret(f, RET_FAILURE, index >= BUTTON_COUNT ? ERR_INVALID : ERR_NOSUPPORT, 0, 0);
    }
}

static void do_command(exc_frame *f)
{
    switch (f->r0) {
    case DRIVER_ALARM:
        alarm_command(f, f->r1, f->r2, f->r3);
        break;
    case DRIVER_CONSOLE:
        console_command(f, f->r1, f->r2);
        break;
    case DRIVER_LED:
        led_command(f, f->r1, f->r2);
        break;
    case DRIVER_BUTTON:
        button_command(f, f->r1, f->r2);
        break;
    default:
        ret(f, RET_FAILURE, ERR_NODEVICE, 0, 0);
    }
}

/* Console allow 1 only: RO (class 4) for writes, RW (class 3) for reads. */
static void do_allow(exc_frame *f, uint32_t class)
{
    if (f->r0 != DRIVER_CONSOLE || f->r1 != 1 || class == 7) {
        ret(f, RET_FAILURE_2U32, ERR_NOSUPPORT, f->r2, f->r3);
        return;
    }
    if (!in_process(f->r2, f->r3) || (class == 3 && f->r3 != 0 && f->r2 < HARNESS_RAM_START)) {
        ret(f, RET_FAILURE_2U32, ERR_INVALID, f->r2, f->r3);
        return;
    }
    allowed_buffer *slot = class == 4 ? &console_ro : &console_rw;
    allowed_buffer previous = *slot;
    *slot = (allowed_buffer){f->r2, f->r3};
    ret(f, RET_SUCCESS_2U32, previous.ptr, previous.len, 0);
}

static void do_memop(exc_frame *f)
{
    uint32_t op = f->r0, arg = f->r1;
    const uint32_t end = HARNESS_RAM_START + HARNESS_RAM_SIZE;
    if (op == 0 || op == 1) {
        uint32_t old = process_break, want = op == 0 ? arg : old + arg;
        bool ok = want >= HARNESS_RAM_START && want <= end;
        process_break = ok ? want : old;
        ret(f, ok ? (op == 0 ? RET_SUCCESS : RET_SUCCESS_U32) : RET_FAILURE, ok ? old : ERR_NOMEM,
            0, 0);
    } else if (op == 2 || op == 3) {
        ret(f, RET_SUCCESS_U32, op == 2 ? HARNESS_RAM_START : end, 0, 0);
    } else if (op == 4 || op == 5) {
        ret(f, RET_SUCCESS_U32, op == 4 ? harness_process.start : harness_process.binary_end, 0, 0);
    } else if (op == 10 || op == 11) {
        ret(f, RET_SUCCESS, 0, 0, 0);
    } else {
        ret(f, RET_FAILURE, ERR_NOSUPPORT, 0, 0);
    }
}

static void do_exit(exc_frame *f)
{
    uart_puts(HARNESS_LINE);
    uart_puts(harness_process.name);
    uart_puts(f->r0 == 0 ? " exited:" : " asked for a restart:");
    print_kv_dec("completion_code", f->r1);
    print_nl();
    fw_exit(f->r1);
}

void harness_syscall(exc_frame *f)
{
    uint32_t class = ((const uint8_t *)f->pc)[-2]; /* the svc's immediate */
    switch (class) {
    case 0:
        do_yield(f);
        break;
    case 1:
        do_subscribe(f);
        break;
    case 2:
        do_command(f);
        break;
    case 3:
    case 4:
    case 7:
        do_allow(f, class);
        break;
    case 5:
        do_memop(f);
        break;
    case 6:
        do_exit(f);
        break;
    default:
        ret(f, RET_FAILURE, ERR_NOSUPPORT, 0, 0);
    }
}

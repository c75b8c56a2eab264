/* The host stand-in for kernel/arch/ (see test_kernel_fake.h). */
#include "test_kernel_fake.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../capsules/capsules.h"
#include "../kernel/bench.h"
#include "../kernel/kernel.h"
#include "../kernel/loader.h"
#include "../kernel/process.h"

static uint8_t flash[FAKE_FLASH_SIZE];
static uint8_t ram[FAKE_RAM_SIZE];
static char console[1 << 16];
static size_t console_len;
static char input[256];
static size_t input_pos, input_len;

uint32_t fake_now, fake_buttons, fake_leds;
volatile uint32_t arch_event_bits;
bool fake_alarm_armed;
uint32_t fake_alarm_reference, fake_alarm_dt;
unsigned fake_slice_restarts, fake_mpu_invalidations;
size_t fake_console_room = 1u << 20;
jmp_buf fake_exit_jmp;
bool fake_exit_armed;
uint32_t fake_exit_code;

/* ---- memory --------------------------------------------------------------------- */

void *kmem(uaddr addr)
{
    if (addr < FAKE_FLASH_BASE + FAKE_FLASH_SIZE) {
        return &flash[addr - FAKE_FLASH_BASE];
    }
    if (addr >= FAKE_RAM_BASE && addr - FAKE_RAM_BASE <= FAKE_RAM_SIZE) {
        return &ram[addr - FAKE_RAM_BASE];
    }
    ck_abort_msg("kernel touched 0x%08x, outside the fake machine", addr);
    return NULL;
}

uaddr kaddr(const void *ptr)
{
    const uint8_t *p = ptr;
    if (p >= flash && p <= flash + FAKE_FLASH_SIZE) {
        return FAKE_FLASH_BASE + (uaddr)(p - flash);
    }
    if (p >= ram && p <= ram + FAKE_RAM_SIZE) {
        return FAKE_RAM_BASE + (uaddr)(p - ram);
    }
    ck_abort_msg("kaddr of a pointer outside the fake machine");
    return 0;
}

uaddr arch_apps_start(void)
{
    return FAKE_APPS;
}
uaddr arch_apps_end(void)
{
    return FAKE_FLASH_BASE + FAKE_FLASH_SIZE;
}
uaddr arch_appmem_start(void)
{
    return FAKE_APPMEM;
}
uaddr arch_appmem_end(void)
{
    return FAKE_RAM_BASE + FAKE_RAM_SIZE;
}

/* Flash programming on the fake machine: a plain store, with flash's AND. */
uint32_t arch_flash_page(void)
{
    return 1024;
}
bool arch_flash_erase(uaddr addr)
{
    memset(kmem(addr & ~1023u), 0xFF, 1024);
    return true;
}
bool arch_flash_program(uaddr addr, uint32_t word)
{
    uint32_t old;
    memcpy(&old, kmem(addr), 4);
    old &= word;
    memcpy(kmem(addr), &old, 4);
    return true;
}

/* ---- mechanism the unit tests never run ------------------------------------------ */

void arch_mpu_invalidate(void)
{
    fake_mpu_invalidations++;
}
void arch_run(arch_ctx *ctx)
{
    (void)ctx;
    ck_abort_msg("arch_run in a unit test");
}
void arch_slice_restart(void)
{
    fake_slice_restarts++;
}
void arch_slice_config(uint32_t us)
{
    (void)us;
}
bool arch_slice_take_expired(void)
{
    return false;
}
void arch_fault_print(const arch_ctx *ctx, bool forced)
{
    (void)ctx;
    const char *line = forced ? "[kernel]  (fake record, forced)\n" : "[kernel]  (fake record)\n";
    arch_console_write(line, strlen(line));
}
void arch_print_info(void)
{
    const char *line = "[kernel]  fake machine\n";
    arch_console_write(line, strlen(line));
}
_Noreturn void arch_exit(uint32_t code)
{
    fake_exit_code = code;
    if (fake_exit_armed) {
        fake_exit_armed = false;
        longjmp(fake_exit_jmp, 1);
    }
    ck_abort_msg("arch_exit(%u) in a unit test", code);
    abort();
}

/* ---- console ---------------------------------------------------------------------- */

void arch_console_write(const char *s, size_t n)
{
    fake_console_room -= n < fake_console_room ? n : fake_console_room;
    if (console_len + n < sizeof console) {
        memcpy(console + console_len, s, n);
        console_len += n;
        console[console_len] = '\0';
    }
}
size_t arch_console_space(void)
{
    return fake_console_room;
}
void arch_console_flush(void) {}
void arch_console_want_space(void) {}
int arch_console_getc(void)
{
    return input_pos < input_len ? (unsigned char)input[input_pos++] : -1;
}
const char *fake_console(void)
{
    return console;
}
void fake_console_clear(void)
{
    console_len = 0;
    console[0] = '\0';
}
bool fake_console_has(const char *text)
{
    return strstr(console, text) != NULL;
}
void fake_console_input(const char *text)
{
    input_len = strlen(text) < sizeof input ? strlen(text) : sizeof input;
    memcpy(input, text, input_len);
    input_pos = 0;
}

/* ---- events, time, board -------------------------------------------------------------- */

uint32_t arch_take_events(void)
{
    uint32_t e = fake_events;
    fake_events = 0;
    return e;
}
void arch_kick(void) {}
void arch_idle(void) {}
uint32_t arch_time_now(void)
{
    return fake_now;
}
uint32_t arch_time_hz(void)
{
    return 1000000u;
}
void arch_alarm_set(uint32_t reference, uint32_t dt)
{
    fake_alarm_armed = true;
    fake_alarm_reference = reference;
    fake_alarm_dt = dt;
}
void arch_alarm_cancel(void)
{
    fake_alarm_armed = false;
}
unsigned arch_led_count(void)
{
    return 8;
}
void arch_led_set(unsigned index, bool on)
{
    fake_leds = on ? fake_leds | 1u << index : fake_leds & ~(1u << index);
}
bool arch_led_get(unsigned index)
{
    return (fake_leds >> index) & 1u;
}
unsigned arch_button_count(void)
{
    return 4;
}
uint32_t arch_buttons(void)
{
    return fake_buttons;
}
uint32_t arch_cycles(void)
{
    return 0;
}
uint32_t arch_clock_hz(void)
{
    return 64000000u;
}

/* ---- the board: capsules plus the test driver ----------------------------------------- */

uint8_t fake_test_bytes[64];
uint32_t fake_test_copied;

static void touch_grant(void *data, void *ctx)
{
    (void)ctx;
    ((uint8_t *)data)[0]++;
}

static void test_command(proc_id pid, uint32_t cmd, uint32_t a1, uint32_t a2, uint32_t ret[4])
{
    uint32_t err;
    switch (cmd) {
    case 0:
        ret_success(ret);
        break;
    case 1:
        ret_u32(ret, upcall_schedule(pid, &fake_test_driver, a1, a2, 7, 8));
        break;
    case 2:
        fake_test_copied = ubuf_read(ubuf_get(pid, &fake_test_driver, UBUF_RO, 0), a1,
                                     fake_test_bytes, a2 < 64 ? a2 : 64);
        ret_u32(ret, fake_test_copied);
        break;
    case 3:
        fake_test_copied = ubuf_write(ubuf_get(pid, &fake_test_driver, UBUF_RW, 0), a1,
                                      fake_test_bytes, a2 < 64 ? a2 : 64);
        ret_u32(ret, fake_test_copied);
        break;
    case 4:
        err = grant_enter(pid, &fake_test_driver, touch_grant, NULL);
        if (err != 0) {
            ret_fail(ret, err);
        } else {
            ret_success(ret);
        }
        break;
    default:
        ret_fail(ret, E_NOSUPPORT);
    }
}

const driver fake_test_driver = {
    .num = FAKE_TEST_DRIVER,
    .subscribes = 2,
    .allows_rw = 2,
    .allows_ro = 2,
    .allows_ur = 1,
    .grant_size = 64,
    .command = test_command,
};

const driver *const kernel_drivers[] = {&alarm_driver, &console_driver, &led_driver, &button_driver,
                                        &fake_test_driver};
const unsigned kernel_driver_count = sizeof kernel_drivers / sizeof kernel_drivers[0];

/* ---- TBF images --------------------------------------------------------------------- */

void fake_put16(uaddr at, uint16_t v)
{
    uint8_t *p = kmem(at);
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void fake_put32(uaddr at, uint32_t v)
{
    fake_put16(at, (uint16_t)v);
    fake_put16(at + 2, (uint16_t)(v >> 16));
}

uint32_t fake_get32(uaddr at)
{
    const uint8_t *p = kmem(at);
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void fake_tbf_fix_checksum(uaddr at)
{
    uint32_t header = (uint32_t)((uint8_t *)kmem(at))[2] | (uint32_t)((uint8_t *)kmem(at))[3] << 8;
    uint32_t sum = 0;
    for (uint32_t off = 0; off + 4 <= header; off += 4) {
        if (off != 12) {
            sum ^= fake_get32(at + off);
        }
    }
    fake_put32(at + 12, sum);
}

/* TLVs from offset 16; returns the header size. */
static uint32_t put_tlvs(uaddr at, const fake_tbf *s)
{
    uint32_t off = 16;
    if (!s->no_program) {
        bool main = s->main_tlv;
        fake_put16(at + off, main ? TBF_TLV_MAIN : TBF_TLV_PROGRAM);
        fake_put16(at + off + 2, main ? 12 : 20);
        fake_put32(at + off + 4, s->init_offset);
        fake_put32(at + off + 8, 0);
        fake_put32(at + off + 12, s->min_ram);
        off += main ? 16 : 24;
    }
    if (s->name != NULL) {
        uint32_t len = (uint32_t)strlen(s->name);
        fake_put16(at + off, TBF_TLV_PACKAGE_NAME);
        fake_put16(at + off + 2, (uint16_t)len);
        memset(kmem(at + off + 4), 0, (len + 3u) & ~3u);
        memcpy(kmem(at + off + 4), s->name, len);
        off += 4 + ((len + 3u) & ~3u);
    }
    return off;
}

uint32_t fake_tbf_write(uaddr at, const fake_tbf *s)
{
    uint32_t header = put_tlvs(at, s);
    uint32_t end = header + s->binary_size;
    /* A power of two, as elf2tbf writes: the MPU opens exactly the image. */
    uint32_t total = 32;
    while (total < end) {
        total *= 2;
    }
    if (!s->no_program && !s->main_tlv) {
        fake_put32(at + 16 + 16, end); /* binary_end_offset */
        fake_put32(at + 16 + 20, 1);   /* version */
    }
    for (uint32_t off = header; off + 2 <= total; off += 2) {
        fake_put16(at + off, 0x4770); /* bx lr */
    }
    fake_put16(at, 2);
    fake_put16(at + 2, (uint16_t)header);
    fake_put32(at + 4, total);
    fake_put32(at + 8, s->flags != 0 ? s->flags : TBF_FLAG_ENABLED);
    fake_tbf_fix_checksum(at);
    return total;
}

void fake_reset(void)
{
    memset(flash, 0xFF, sizeof flash);
    memset(ram, 0, sizeof ram);
    fake_console_clear();
    input_len = input_pos = 0;
    proc_table_reset();
    loader_reset();
    bench_reset();
    fake_now = fake_events = fake_buttons = fake_leds = 0;
    fake_alarm_armed = false;
    fake_slice_restarts = fake_mpu_invalidations = 0;
    fake_console_room = 1u << 20;
    fake_exit_armed = false;
}

struct proc *fake_load_one(const fake_tbf *spec)
{
    fake_tbf_write(FAKE_APPS, spec);
    ck_assert_uint_eq(loader_scan(), 1);
    return proc_slot(0);
}

uint32_t fake_syscall(struct proc *p, unsigned cls, uint32_t r0, uint32_t r1, uint32_t r2,
                      uint32_t r3, uint32_t out[4])
{
    uint32_t *frame = arch_frame(&p->ctx);
    frame[FR_R0] = r0;
    frame[FR_R1] = r1;
    frame[FR_R2] = r2;
    frame[FR_R3] = r3;
    kernel_syscall(p, cls, frame);
    if (out != NULL) {
        memcpy(out, frame, 4 * sizeof out[0]);
    }
    return frame[FR_R0];
}

void fake_load_full_ram(struct proc **alpha, struct proc **beta)
{
    fake_reset();
    fake_tbf s = {.name = "alpha", .min_ram = 2700, .binary_size = 64};
    uaddr at = FAKE_APPS;
    at += fake_tbf_write(at, &s);
    s.name = "beta";
    at += fake_tbf_write(at, &s);
    s.name = "big16";
    s.min_ram = 14000;
    at += fake_tbf_write(at, &s);
    s.name = "big32";
    s.min_ram = 30000;
    fake_tbf_write(at, &s);
    ck_assert_uint_eq(loader_scan(), 4);
    *alpha = proc_find("alpha", 5);
    *beta = proc_find("beta", 4);
    ck_assert_ptr_nonnull(*alpha);
    ck_assert_ptr_nonnull(*beta);
}

void fake_load_two(struct proc **a, struct proc **b)
{
    fake_reset();
    fake_tbf s = {.name = "a", .min_ram = 2700, .binary_size = 64};
    uaddr next = FAKE_APPS + fake_tbf_write(FAKE_APPS, &s);
    s.name = "b";
    fake_tbf_write(next, &s);
    ck_assert_uint_eq(loader_scan(), 2);
    *a = proc_slot(0);
    *b = proc_slot(1);
}

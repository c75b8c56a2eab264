/* Stand-in kernel: finds the TBF image at _sapps, opens exactly its flash and
 * RAM block in the MPU, and enters it the way kernel/ABI.md says the kernel
 * does.  Faults of the process end the run with a report. */
#include "harness.h"

#define TBF_VERSION      2
#define TBF_BASE_HEADER  16
#define TLV_MAIN         1
#define TLV_PACKAGE_NAME 3
#define TLV_PROGRAM      9
#define XPSR_THUMB       (1u << 24)
#define INITIAL_LR       0xFFFFFFFFu /* returning from _start would fault: it never does */
#define FRAME_WORDS      8

#define MPU_CTRL            REG32(0xE000ED94)
#define MPU_RNR             REG32(0xE000ED98)
#define MPU_RBAR            REG32(0xE000ED9C)
#define MPU_RASR            REG32(0xE000EDA0)
#define MPU_CTRL_ENABLE     (1u << 0)
#define MPU_CTRL_PRIVDEFENA (1u << 2) /* the harness itself keeps the default map */
#define RASR_ENABLE         (1u << 0)
#define RASR_SIZE(log2)     (((log2)-1u) << 1)
#define RASR_AP_RO          (6u << 24) /* read-only, privileged and not */
#define RASR_AP_RW          (3u << 24) /* read-write, privileged and not */
#define RASR_XN             (1u << 28)
#define RASR_NORMAL_CACHED  (1u << 17) /* C = 1: normal memory, write-through */
#define APP_FLASH_LOG2      18         /* 256 KiB from _sapps */
#define HARNESS_RAM_LOG2    14         /* 16 KiB */

extern const uint8_t _sapps[], _eapps[];

harness_app harness_process;

static uint32_t get16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
    return get16(p) | get16(p + 2) << 16;
}

static void read_program(harness_app *a, const uint8_t *value, uint32_t *init, uint32_t *trailer)
{
    *init = get32(value);
    *trailer = get32(value + 4);
    a->minimum_ram = get32(value + 8);
}

static void read_name(harness_app *a, const uint8_t *value, uint32_t len)
{
    uint32_t n = len < sizeof(a->name) - 1 ? len : sizeof(a->name) - 1;
    for (uint32_t i = 0; i < n; i++) {
        a->name[i] = (char)value[i];
    }
    a->name[n] = '\0';
}

/* The first image in app flash, taken as well-formed. */
static bool find_app(harness_app *a)
{
    const uint8_t *tbf = _sapps;
    uint32_t header_size = get16(tbf + 2), init = 0, trailer = 0;
    if (get16(tbf) != TBF_VERSION || header_size < TBF_BASE_HEADER) {
        return false;
    }
    for (uint32_t off = TBF_BASE_HEADER; off + 4 <= header_size;) {
        uint32_t type = get16(tbf + off), len = get16(tbf + off + 2);
        if (type == TLV_MAIN || type == TLV_PROGRAM) {
            read_program(a, tbf + off + 4, &init, &trailer);
        } else if (type == TLV_PACKAGE_NAME) {
            read_name(a, tbf + off + 4, len);
        }
        off += 4 + ((len + 3u) & ~3u);
    }
    a->start = (uint32_t)tbf;
    a->binary = a->start + header_size + trailer;
    a->binary_end = a->start + get32(tbf + 4);
    a->entry = a->start + header_size + init;
    return true;
}

/* Walks app flash as the kernel will (kernel/ABI.md): images back to back
 * until a word that is no plausible header, e.g. erased flash.  Printing
 * them shows where `bulwark run --app` put each one. */
static void list_images(void)
{
    const uint8_t *p = _sapps;
    unsigned count = 0;
    while (p + TBF_BASE_HEADER <= _eapps && get16(p) == TBF_VERSION &&
           get16(p + 2) >= TBF_BASE_HEADER && get32(p + 4) >= TBF_BASE_HEADER &&
           get32(p + 4) % 4 == 0 && get32(p + 4) <= (uint32_t)(_eapps - p)) {
        uart_puts(HARNESS_LINE "image");
        print_kv_dec("index", count++);
        print_kv_hex("at", (uint32_t)p);
        print_kv_dec("total_size", get32(p + 4));
        print_nl();
        p += get32(p + 4);
    }
    uart_puts(HARNESS_LINE "images");
    print_kv_dec("count", count);
    print_kv_hex("end", (uint32_t)p);
    print_kv_hex("next_word", p + 4 <= _eapps ? get32(p) : 0);
    print_nl();
}

static void mpu_region(uint32_t number, uint32_t base, uint32_t rasr)
{
    MPU_RNR = number;
    MPU_RBAR = base;
    MPU_RASR = rasr;
}

/* Exactly app flash (read/execute) and the process RAM block (read/write,
 * never execute) for the process; kernel RAM stays closed. */
static void mpu_setup(void)
{
    mpu_region(0, (uint32_t)_sapps,
               RASR_AP_RO | RASR_NORMAL_CACHED | RASR_SIZE(APP_FLASH_LOG2) | RASR_ENABLE);
    mpu_region(1, HARNESS_RAM_START,
               RASR_AP_RW | RASR_XN | RASR_NORMAL_CACHED | RASR_SIZE(HARNESS_RAM_LOG2) |
                   RASR_ENABLE);
    MPU_CTRL = MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA;
    SCB_SHCSR |= SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA;
    barrier();
}

/* The first frame, at the top of the block: the SVC return unstacks it. */
static uint32_t initial_frame(const harness_app *a)
{
    exc_frame *f = (exc_frame *)(HARNESS_RAM_START + HARNESS_RAM_SIZE - 4 * FRAME_WORDS);
    *f = (exc_frame){.r0 = a->binary,
                     .r1 = HARNESS_RAM_START,
                     .r2 = HARNESS_RAM_SIZE,
                     .r3 = HARNESS_RAM_START, /* nothing accessible yet: crt0 calls brk */
                     .lr = INITIAL_LR,
                     .pc = a->entry & ~1u,
                     .xpsr = XPSR_THUMB};
    return (uint32_t)f;
}

void harness_fault(exc_frame *f, uint32_t exc_return)
{
    uart_puts(HARNESS_LINE "process fault:");
    print_kv_dec("exception", get_ipsr());
    print_kv_hex("cfsr", SCB_CFSR);
    print_kv_hex("mmfar", SCB_MMFAR);
    print_kv_hex("bfar", SCB_BFAR);
    print_kv_hex("pc", f->pc);
    print_kv_hex("exc_return", exc_return);
    print_nl();
    fw_exit(1);
}

EXC_FRAME_HANDLER(hardfault_handler, harness_fault)
EXC_FRAME_HANDLER(memmanage_handler, harness_fault)
EXC_FRAME_HANDLER(busfault_handler, harness_fault)
EXC_FRAME_HANDLER(usagefault_handler, harness_fault)

int main(void)
{
    uart_init();
    list_images();
    harness_app *a = &harness_process;
    if (!find_app(a)) {
        uart_puts(HARNESS_LINE "no TBF image at _sapps\n");
        fw_exit(1);
    }
    if (a->minimum_ram > HARNESS_RAM_SIZE) {
        uart_puts(HARNESS_LINE "image wants more RAM than the harness block\n");
        fw_exit(1);
    }
    uart_puts(HARNESS_LINE "starting ");
    uart_puts(a->name);
    print_kv_hex("entry", a->entry);
    print_kv_hex("ram", HARNESS_RAM_START);
    print_kv_dec("minimum_ram", a->minimum_ram);
    print_nl();
    mpu_setup();
    harness_launch(initial_frame(a));
    return 0;
}

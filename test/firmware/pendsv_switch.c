/* pendsv_switch: round-robin context switching between two threads, each
 * on its own process stack, through PendSV.
 *
 * Asserts: threads alternate strictly A B A B ...; each thread's r2-r12
 * survive every switch (checked in pendsv_switch_asm.S); a running
 * thread's PSP lies in its own stack and it is in thread mode; PendSV
 * runs THREADS * ROUNDS times: the first switch from main, then one after
 * every step but the last. */
#include "fw.h"

#define THREADS       2
#define ROUNDS        5
#define STACK_WORDS   128
#define XPSR_THUMB    (1u << 24)
#define PENDSV_LOWEST (0xFFu << 16)

void thread_entry(uint32_t id);

/* Used by pendsv_handler. */
int32_t thread_current = -1;
uint32_t thread_sp[THREADS];

static uint64_t stacks[THREADS][STACK_WORDS / 2];
static unsigned steps[THREADS];
static unsigned switches;
static int32_t last_step = -1;

/* A saved context: r4-r11 (by PendSV), then the hardware frame. */
typedef struct thread_context {
    uint32_t r4_r11[8];
    exc_frame frame;
} thread_context;

static void thread_create(uint32_t id)
{
    uint8_t *top = (uint8_t *)stacks[id] + sizeof(stacks[id]);
    thread_context *ctx = (thread_context *)(top - sizeof(thread_context));
    *ctx = (thread_context){0};
    ctx->frame.r0 = id;
    ctx->frame.pc = (uint32_t)(uintptr_t)thread_entry & ~1u;
    ctx->frame.lr = 0xFFFFFFFFu; /* threads never return */
    ctx->frame.xpsr = XPSR_THUMB;
    thread_sp[id] = (uint32_t)(uintptr_t)ctx;
}

uint32_t pendsv_pick_next(void)
{
    switches++;
    return (uint32_t)(thread_current + 1) % THREADS;
}

static void finish(void)
{
    uart_puts("done");
    print_kv_dec("switches", switches);
    print_nl();
    CHECK(switches == THREADS * ROUNDS, "one PendSV per step, counting the first");
    test_end();
}

void thread_step(uint32_t id)
{
    uint32_t psp = get_psp();
    uint32_t lo = (uint32_t)(uintptr_t)stacks[id];
    steps[id]++;
    uart_putc((char)('A' + id));
    print_kv_dec("step", steps[id]);
    print_kv_dec("own_stack", psp >= lo && psp < lo + sizeof(stacks[id]));
    print_kv_hex("control", get_control());
    print_nl();
    CHECK(last_step != (int32_t)id, "threads alternate");
    CHECK((uint32_t)thread_current == id, "thread_current is the running thread");
    CHECK(psp >= lo && psp < lo + sizeof(stacks[id]), "PSP inside the thread's stack");
    CHECK(get_ipsr() == 0, "thread mode");
    last_step = (int32_t)id;
    if (steps[0] == ROUNDS && steps[1] == ROUNDS) {
        finish();
    }
}

void thread_corrupt(uint32_t signature_base)
{
    print_line_hex("corrupted registers in thread with signature", signature_base);
    check_failed("registers changed across a context switch", FW_FILE, __LINE__);
    test_end();
}

int main(void)
{
    test_begin("pendsv_switch");
    SCB_SHPR3 = (SCB_SHPR3 & ~PENDSV_LOWEST) | PENDSV_LOWEST;
    for (uint32_t id = 0; id < THREADS; id++) {
        thread_create(id);
    }
    SCB_ICSR = ICSR_PENDSVSET;
    barrier();
    check_failed("main resumed after the first switch", FW_FILE, __LINE__);
    test_end();
}

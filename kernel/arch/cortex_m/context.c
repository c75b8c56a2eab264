/* The Armv7-M exception frame of a process: building the first one, and
 * turning the frame of a yield into a call of an upcall.  Memory only, no
 * register access, so the host unit tests build it too. */
#include "../arch.h"

#define XPSR_THUMB     (1u << 24)
#define XPSR_FRAME_PAD (1u << 9) /* the core aligned the frame: 4 bytes above it */
#define FRAME_BYTES    (FR_WORDS * 4u)

void arch_ctx_init(arch_ctx *ctx, uaddr top, uaddr pc, const uint32_t args[4])
{
    uaddr frame_addr = (top - FRAME_BYTES) & ~7u;
    uint32_t *frame = kmem(frame_addr);
    for (unsigned i = 0; i < 4; i++) {
        frame[FR_R0 + i] = args[i];
    }
    frame[FR_R12] = 0;
    frame[FR_LR] = 0;
    frame[FR_PC] = pc & ~1u;
    frame[FR_XPSR] = XPSR_THUMB;
    for (unsigned i = 0; i < 8; i++) {
        ctx->r4_r11[i] = 0;
    }
    ctx->psp = frame_addr;
}

uint32_t *arch_frame(const arch_ctx *ctx)
{
    return kmem(ctx->psp);
}

uint32_t arch_ctx_sp(const arch_ctx *ctx)
{
    return ctx->psp;
}

/* The yield's svc left pc just after itself: the upcall returns there
 * through lr.  Only the alignment flag of the old xPSR survives (it says
 * where the stack pointer goes back to); the upcall starts in Thumb state
 * with clean flags. */
void arch_frame_upcall(uint32_t *frame, uaddr fn, uint32_t a0, uint32_t a1, uint32_t a2,
                       uint32_t a3)
{
    frame[FR_LR] = frame[FR_PC] | 1u;
    frame[FR_PC] = fn & ~1u;
    frame[FR_R0] = a0;
    frame[FR_R1] = a1;
    frame[FR_R2] = a2;
    frame[FR_R3] = a3;
    frame[FR_XPSR] = (frame[FR_XPSR] & XPSR_FRAME_PAD) | XPSR_THUMB;
}

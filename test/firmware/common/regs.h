/* Register map of the sim64 / MPS2 AN386 machine as seen by test firmware.
 *
 * Addresses are plain numbers so that both C and the assembler (.S files)
 * can use them; bit masks and typed accessors are C only. */
#ifndef FW_REGS_H
#define FW_REGS_H

/* ---- System Control Block ------------------------------------------- */
#define SCB_ICSR_ADDR  0xE000ED04
#define SCB_VTOR_ADDR  0xE000ED08
#define SCB_AIRCR_ADDR 0xE000ED0C
#define SCB_SCR_ADDR   0xE000ED10
#define SCB_CCR_ADDR   0xE000ED14
#define SCB_SHPR1_ADDR 0xE000ED18 /* MemManage, BusFault, UsageFault */
#define SCB_SHPR2_ADDR 0xE000ED1C /* SVCall in bits 31:24 */
#define SCB_SHPR3_ADDR 0xE000ED20 /* PendSV 23:16, SysTick 31:24 */
#define SCB_SHCSR_ADDR 0xE000ED24
#define SCB_CFSR_ADDR  0xE000ED28
#define SCB_HFSR_ADDR  0xE000ED2C
#define SCB_MMFAR_ADDR 0xE000ED34
#define SCB_BFAR_ADDR  0xE000ED38

#define ICSR_PENDSVSET (1 << 28)

/* ---- NVIC ------------------------------------------------------------ */
#define NVIC_ISER0_ADDR 0xE000E100
#define NVIC_ICER0_ADDR 0xE000E180
#define NVIC_ISPR0_ADDR 0xE000E200
#define NVIC_ICPR0_ADDR 0xE000E280
#define NVIC_IABR0_ADDR 0xE000E300
#define NVIC_IPR0_ADDR  0xE000E400

/* ---- SysTick ---------------------------------------------------------- */
#define SYST_CSR_ADDR 0xE000E010
#define SYST_RVR_ADDR 0xE000E014
#define SYST_CVR_ADDR 0xE000E018

/* ---- DWT and debug ---------------------------------------------------- */
#define DWT_CTRL_ADDR   0xE0001000
#define DWT_CYCCNT_ADDR 0xE0001004
#define DEMCR_ADDR      0xE000EDFC

/* ---- MPS2 peripherals -------------------------------------------------- */
#define TIMER0_BASE  0x40000000
#define TIMER1_BASE  0x40001000
#define UART0_BASE   0x40004000
#define FPGAIO_BASE  0x40028000
#define SIMCTRL_BASE 0x4002E000 /* Bulwark only; RAZ/WI in QEMU */

#define UART0_RX_IRQ 0
#define UART0_TX_IRQ 1
#define TIMER0_IRQ   8
#define TIMER1_IRQ   9

/* Never decoded by either machine: any access is a precise BusFault. */
#define UNMAPPED_ADDR 0x60000000

#ifndef __ASSEMBLER__
#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define REG8(addr)  (*(volatile uint8_t *)(uintptr_t)(addr))

#define SCB_ICSR  REG32(SCB_ICSR_ADDR)
#define SCB_AIRCR REG32(SCB_AIRCR_ADDR)
#define SCB_SCR   REG32(SCB_SCR_ADDR)
#define SCB_CCR   REG32(SCB_CCR_ADDR)
#define SCB_SHPR1 REG32(SCB_SHPR1_ADDR)
#define SCB_SHPR2 REG32(SCB_SHPR2_ADDR)
#define SCB_SHPR3 REG32(SCB_SHPR3_ADDR)
#define SCB_SHCSR REG32(SCB_SHCSR_ADDR)
#define SCB_CFSR  REG32(SCB_CFSR_ADDR)
#define SCB_HFSR  REG32(SCB_HFSR_ADDR)
#define SCB_MMFAR REG32(SCB_MMFAR_ADDR)
#define SCB_BFAR  REG32(SCB_BFAR_ADDR)

#define ICSR_VECTACTIVE_MASK 0x1FFu
#define ICSR_PENDSTSET       (1u << 26)

#define AIRCR_VECTKEY        (0x05FAu << 16)
#define AIRCR_PRIGROUP_SHIFT 8
#define AIRCR_PRIGROUP_MASK  (7u << 8)

#define CCR_UNALIGN_TRP (1u << 3)
#define CCR_DIV_0_TRP   (1u << 4)

#define SHCSR_MEMFAULTACT (1u << 0)
#define SHCSR_BUSFAULTACT (1u << 1)
#define SHCSR_USGFAULTACT (1u << 3)
#define SHCSR_SVCALLACT   (1u << 7)
#define SHCSR_MEMFAULTENA (1u << 16)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_USGFAULTENA (1u << 18)

/* CFSR = MMFSR (7:0) | BFSR (15:8) | UFSR (31:16) */
#define CFSR_IBUSERR     (1u << 8)
#define CFSR_PRECISERR   (1u << 9)
#define CFSR_IMPRECISERR (1u << 10)
#define CFSR_BFARVALID   (1u << 15)
#define CFSR_UNDEFINSTR  (1u << 16)
#define CFSR_INVSTATE    (1u << 17)
#define CFSR_INVPC       (1u << 18)
#define CFSR_NOCP        (1u << 19)
#define CFSR_UNALIGNED   (1u << 24)
#define CFSR_DIVBYZERO   (1u << 25)

#define HFSR_VECTTBL  (1u << 1)
#define HFSR_FORCED   (1u << 30)
#define HFSR_DEBUGEVT (1u << 31)

/* Exception numbers (IPSR values) */
#define EXC_HARDFAULT  3
#define EXC_MEMMANAGE  4
#define EXC_BUSFAULT   5
#define EXC_USAGEFAULT 6
#define EXC_SVCALL     11
#define EXC_PENDSV     14
#define EXC_SYSTICK    15
#define EXC_IRQ0       16

/* EXC_RETURN values */
#define EXC_RETURN_HANDLER    0xFFFFFFF1u
#define EXC_RETURN_THREAD_MSP 0xFFFFFFF9u
#define EXC_RETURN_THREAD_PSP 0xFFFFFFFDu

#define NVIC_ISER(n) REG32(NVIC_ISER0_ADDR + 4 * (n))
#define NVIC_ICER(n) REG32(NVIC_ICER0_ADDR + 4 * (n))
#define NVIC_ISPR(n) REG32(NVIC_ISPR0_ADDR + 4 * (n))
#define NVIC_ICPR(n) REG32(NVIC_ICPR0_ADDR + 4 * (n))
#define NVIC_IABR(n) REG32(NVIC_IABR0_ADDR + 4 * (n))
#define NVIC_IPR8(n) REG8(NVIC_IPR0_ADDR + (n))

#define SYST_CSR REG32(SYST_CSR_ADDR)
#define SYST_RVR REG32(SYST_RVR_ADDR)
#define SYST_CVR REG32(SYST_CVR_ADDR)

#define SYST_CSR_ENABLE    (1u << 0)
#define SYST_CSR_TICKINT   (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2)
#define SYST_CSR_COUNTFLAG (1u << 16)

#define DWT_CTRL   REG32(DWT_CTRL_ADDR)
#define DWT_CYCCNT REG32(DWT_CYCCNT_ADDR)
#define DEMCR      REG32(DEMCR_ADDR)

#define DWT_CTRL_CYCCNTENA (1u << 0)
#define DEMCR_TRCENA       (1u << 24)

/* CMSDK APB UART */
#define UART_DATA(base)      REG32((base) + 0x00)
#define UART_STATE(base)     REG32((base) + 0x04)
#define UART_CTRL(base)      REG32((base) + 0x08)
#define UART_INTSTATUS(base) REG32((base) + 0x0C) /* write 1 to clear */
#define UART_BAUDDIV(base)   REG32((base) + 0x10)

#define UART_STATE_TXFULL (1u << 0)
#define UART_STATE_RXFULL (1u << 1)
#define UART_CTRL_TXEN    (1u << 0)
#define UART_CTRL_RXEN    (1u << 1)
#define UART_CTRL_TXINTEN (1u << 2)
#define UART_CTRL_RXINTEN (1u << 3)
#define UART_INT_TX       (1u << 0)
#define UART_INT_RX       (1u << 1)

/* CMSDK APB timer */
#define TIMER_CTRL(base)      REG32((base) + 0x00)
#define TIMER_VALUE(base)     REG32((base) + 0x04)
#define TIMER_RELOAD(base)    REG32((base) + 0x08)
#define TIMER_INTSTATUS(base) REG32((base) + 0x0C) /* write 1 to clear */

#define TIMER_CTRL_EN    (1u << 0)
#define TIMER_CTRL_IRQEN (1u << 3)

/* MPS2 FPGA IO */
#define FPGAIO_LED0 REG32(FPGAIO_BASE + 0x00)

/* Bulwark simulation control */
#define SIMCTRL_ID       REG32(SIMCTRL_BASE + 0x00)
#define SIMCTRL_EXIT     REG32(SIMCTRL_BASE + 0x04)
#define SIMCTRL_ID_VALUE 0x42554C57u /* "BULW" */

#endif /* __ASSEMBLER__ */
#endif

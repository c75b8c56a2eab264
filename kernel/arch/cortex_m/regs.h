/* Registers of the Cortex-M4 and of the MPS2 AN385/AN386 peripherals the
 * kernel uses (sim64 and mps2-an386 share the map).  Addresses are plain
 * numbers so that the assembler can use them too. */
#ifndef BULWARK_CM_REGS_H
#define BULWARK_CM_REGS_H

/* ---- System Control Block, SysTick, NVIC, MPU, DWT ------------------------ */
#define SCB_ICSR_ADDR   0xE000ED04
#define SCB_VTOR_ADDR   0xE000ED08
#define SCB_SCR_ADDR    0xE000ED10
#define SCB_CCR_ADDR    0xE000ED14
#define SCB_SHPR1_ADDR  0xE000ED18
#define SCB_SHPR2_ADDR  0xE000ED1C
#define SCB_SHPR3_ADDR  0xE000ED20
#define SCB_SHCSR_ADDR  0xE000ED24
#define SCB_CFSR_ADDR   0xE000ED28
#define SCB_HFSR_ADDR   0xE000ED2C
#define SCB_MMFAR_ADDR  0xE000ED34
#define SCB_BFAR_ADDR   0xE000ED38
#define SYST_CSR_ADDR   0xE000E010
#define SYST_RVR_ADDR   0xE000E014
#define SYST_CVR_ADDR   0xE000E018
#define NVIC_ISER0_ADDR 0xE000E100
#define NVIC_ICER0_ADDR 0xE000E180
#define NVIC_IPR0_ADDR  0xE000E400
#define MPU_CTRL_ADDR   0xE000ED94
#define MPU_RNR_ADDR    0xE000ED98
#define MPU_RBAR_ADDR   0xE000ED9C
#define MPU_RASR_ADDR   0xE000EDA0
#define DWT_CTRL_ADDR   0xE0001000
#define DWT_CYCCNT_ADDR 0xE0001004
#define DEMCR_ADDR      0xE000EDFC

#define ICSR_PENDSVSET  (1 << 28)
#define SYST_CVR_OFFSET 8 /* from SYST_CSR */

/* ---- MPS2 peripherals ------------------------------------------------------ */
#define TIMER0_BASE  0x40000000
#define TIMER1_BASE  0x40001000
#define UART0_BASE   0x40004000
#define FPGAIO_BASE  0x40028000
#define SIMCTRL_BASE 0x4002E000

#define IRQ_UART0_RX 0
#define IRQ_UART0_TX 1
#define IRQ_TIMER0   8
#define IRQ_TIMER1   9

#ifndef __ASSEMBLER__
#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

#define SCB_ICSR   REG32(SCB_ICSR_ADDR)
#define SCB_VTOR   REG32(SCB_VTOR_ADDR)
#define SCB_SCR    REG32(SCB_SCR_ADDR)
#define SCB_CCR    REG32(SCB_CCR_ADDR)
#define SCB_SHPR1  REG32(SCB_SHPR1_ADDR)
#define SCB_SHPR2  REG32(SCB_SHPR2_ADDR)
#define SCB_SHPR3  REG32(SCB_SHPR3_ADDR)
#define SCB_SHCSR  REG32(SCB_SHCSR_ADDR)
#define SCB_CFSR   REG32(SCB_CFSR_ADDR)
#define SCB_HFSR   REG32(SCB_HFSR_ADDR)
#define SCB_MMFAR  REG32(SCB_MMFAR_ADDR)
#define SCB_BFAR   REG32(SCB_BFAR_ADDR)
#define SYST_CSR   REG32(SYST_CSR_ADDR)
#define SYST_RVR   REG32(SYST_RVR_ADDR)
#define SYST_CVR   REG32(SYST_CVR_ADDR)
#define MPU_CTRL   REG32(MPU_CTRL_ADDR)
#define MPU_RNR    REG32(MPU_RNR_ADDR)
#define MPU_RBAR   REG32(MPU_RBAR_ADDR)
#define MPU_RASR   REG32(MPU_RASR_ADDR)
#define DWT_CTRL   REG32(DWT_CTRL_ADDR)
#define DWT_CYCCNT REG32(DWT_CYCCNT_ADDR)
#define DEMCR      REG32(DEMCR_ADDR)

#define NVIC_ISER(n) REG32(NVIC_ISER0_ADDR + 4 * (n))
#define NVIC_IPR8(n) (*(volatile uint8_t *)(uintptr_t)(NVIC_IPR0_ADDR + (n)))

#define SHCSR_SVCALLPENDED (1u << 15)
#define SHCSR_MEMFAULTENA  (1u << 16)
#define SHCSR_BUSFAULTENA  (1u << 17)
#define SHCSR_USGFAULTENA  (1u << 18)
#define SCR_SLEEPDEEP      (1u << 2)
#define CCR_STKALIGN       (1u << 9)
#define CCR_DIV_0_TRP      (1u << 4)

#define SYST_CSR_ENABLE    (1u << 0)
#define SYST_CSR_TICKINT   (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2)
#define SYST_CSR_COUNTFLAG (1u << 16)

#define MPU_CTRL_ENABLE     (1u << 0)
#define MPU_CTRL_PRIVDEFENA (1u << 2)

#define DWT_CTRL_CYCCNTENA (1u << 0)
#define DEMCR_TRCENA       (1u << 24)

/* CMSDK APB UART */
#define UART_DATA         REG32(UART0_BASE + 0x00)
#define UART_STATE        REG32(UART0_BASE + 0x04)
#define UART_CTRL         REG32(UART0_BASE + 0x08)
#define UART_INTSTATUS    REG32(UART0_BASE + 0x0C)
#define UART_BAUDDIV      REG32(UART0_BASE + 0x10)
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
#define TIMER_INTSTATUS(base) REG32((base) + 0x0C)
#define TIMER_CTRL_EN         (1u << 0)
#define TIMER_CTRL_IRQEN      (1u << 3)

/* MPS2 FPGA IO */
#define FPGAIO_LED0   REG32(FPGAIO_BASE + 0x00)
#define FPGAIO_BUTTON REG32(FPGAIO_BASE + 0x08)

/* Bulwark simulation control (reads as zero in QEMU) */
#define SIMCTRL_ID       REG32(SIMCTRL_BASE + 0x00)
#define SIMCTRL_EXIT     REG32(SIMCTRL_BASE + 0x04)
#define SIMCTRL_ID_VALUE 0x42554C57u

#endif /* __ASSEMBLER__ */
#endif

/* Names of every entry of the vector table.  startup.c binds each one
 * weakly to default_handler; a firmware overrides one by defining it. */
#ifndef FW_VECTORS_H
#define FW_VECTORS_H

void reset_handler(void);
void nmi_handler(void);
void hardfault_handler(void);
void memmanage_handler(void);
void busfault_handler(void);
void usagefault_handler(void);
void svc_handler(void);
void debugmon_handler(void);
void pendsv_handler(void);
void systick_handler(void);
void default_handler(void);

/* External interrupts of the MPS2 AN385/AN386 map (IRQ number). */
void uart0_rx_handler(void);  /* 0 */
void uart0_tx_handler(void);  /* 1 */
void uart1_rx_handler(void);  /* 2 */
void uart1_tx_handler(void);  /* 3 */
void uart2_rx_handler(void);  /* 4 */
void uart2_tx_handler(void);  /* 5 */
void gpio0_handler(void);     /* 6 */
void gpio1_handler(void);     /* 7 */
void timer0_handler(void);    /* 8 */
void timer1_handler(void);    /* 9 */
void dualtimer_handler(void); /* 10 */
/* IRQs 11..47 keep generic names; tests pend the unused ones (20..31,
 * below QEMU's 32 implemented lines) from software. */
/* One row per ten IRQs; clang-format would reflow it. */
/* clang-format off */
#define FW_GENERIC_IRQS(X)                                                                         \
    X(11) X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19)                                          \
    X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29)                                    \
    X(30) X(31) X(32) X(33) X(34) X(35) X(36) X(37) X(38) X(39)                                    \
    X(40) X(41) X(42) X(43) X(44) X(45) X(46) X(47)
/* clang-format on */
#define FW_DECLARE_IRQ(n) void irq##n##_handler(void);
FW_GENERIC_IRQS(FW_DECLARE_IRQ)
#undef FW_DECLARE_IRQ

#endif

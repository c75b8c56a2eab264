/* A stand-in kernel for testing the app library before the real kernel runs
 * apps: it starts the one TBF image at _sapps unprivileged under the MPU, as
 * kernel/ABI.md says, and emulates just enough of the system calls for the
 * apps in apps/ (console output, alarm by warping time, LEDs, buttons,
 * memop, exit).  It trusts the image: it is test equipment, not a kernel. */
#ifndef HARNESS_H
#define HARNESS_H

#include "fw.h"

#define HARNESS_RAM_START 0x20004000u /* MPU-aligned to its size */
#define HARNESS_RAM_SIZE  0x4000u
#define HARNESS_LINE      "[harness] "

/* The process as the loader found it. */
typedef struct harness_app {
    uint32_t start;       /* the TBF */
    uint32_t binary;      /* start + header size + protected trailer */
    uint32_t binary_end;  /* start + total size */
    uint32_t entry;       /* start + header size + init offset */
    uint32_t minimum_ram; /* from the Program/Main TLV */
    char name[16];
} harness_app;

extern harness_app harness_process;

/* Called from svc_handler (harness_asm.S) with the process's frame. */
void harness_syscall(exc_frame *f);
void harness_launch(uint32_t psp);
/* Reached from the fault vectors: reports the process's fault, ends the run. */
void harness_fault(exc_frame *f, uint32_t exc_return);

#endif

/* The process console (see shell.h).  Every answer is a kernel line; the
 * command itself is echoed as "[kernel] > command". */
#include "shell.h"

#include <string.h>

#include "kconfig.h"
#include "kernel.h"
#include "kprint.h"
#include "loader.h"
#include "process.h"
#include "upload.h"

#define SHELL_LINE 48u

static char line[SHELL_LINE];
static unsigned line_len;
static bool line_overflow;

void shell_list(void)
{
    klog(" slot name             state       restarts  RAM block   break");
    for (unsigned slot = 0; slot < PROC_MAX; slot++) {
        struct proc *p = proc_slot(slot);
        if (p == NULL) {
            continue;
        }
        unsigned len;
        const char *name = proc_name(p, &len);
        klog(" %4u %-16.*s %-11s %8u  0x%08x  0x%08x", slot, (int)len, name, proc_state_name(p),
             p->restarts, proc_block(p), p->brk);
    }
}

static void status(void)
{
    unsigned live = 0, total = 0;
    uint32_t used = 0;
    for (unsigned slot = 0; slot < PROC_MAX; slot++) {
        struct proc *p = proc_slot(slot);
        if (p != NULL) {
            total++;
            live += proc_get(p->id) != NULL;
            used += proc_block_size(p);
        }
    }
    klog(" time %u us, %u processes (%u live), process RAM %u of %u bytes in blocks",
         arch_time_now(), total, live, used, arch_appmem_end() - arch_appmem_start());
}

static void help(void)
{
    klog(" commands: list, status, stop NAME, start NAME, fault NAME, terminate NAME,");
    klog("           boot NAME, restart NAME, load [SIZE], kernel, help");
}

/* Commands that act on one process. */
static void act(const char *cmd, struct proc *p)
{
    if (strcmp(cmd, "stop") == 0) {
        p->flags |= PF_STOPPED;
    } else if (strcmp(cmd, "start") == 0) {
        p->flags &= (uint8_t)~PF_STOPPED;
    } else if (strcmp(cmd, "fault") == 0) {
        if (proc_get(p->id) == NULL) {
            klog(" not running");
            return;
        }
        p->flags |= PF_FAULT_PENDING | PF_FORCED;
        kernel_request_service();
    } else if (strcmp(cmd, "terminate") == 0) {
        proc_terminate(p);
    } else if (strcmp(cmd, "boot") == 0) {
        if (proc_get(p->id) != NULL) {
            klog(" already running");
            return;
        }
        p->restarts = 0;
        proc_start(p);
    } else {
        proc_start(p); /* restart */
    }
    unsigned len;
    const char *name = proc_name(p, &len);
    klog(" %.*s: %s", (int)len, name, proc_state_name(p));
}

static bool is_process_command(const char *cmd)
{
    static const char *const cmds[] = {"stop", "start", "fault", "terminate", "boot", "restart"};
    for (unsigned i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        if (strcmp(cmd, cmds[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* `load`: pick up images already in free flash; `load SIZE`: receive one
 * of SIZE bytes as hex (upload.h). */
static void load(const char *arg, unsigned len)
{
    if (len == 0) {
        klog(" %u new process(es)", loader_scan());
        return;
    }
    uint32_t size = 0;
    for (unsigned i = 0; i < len; i++) {
        if (arg[i] < '0' || arg[i] > '9' || size > 100000000u) {
            klog(" load: '%.*s' is not a size in bytes", (int)len, arg);
            return;
        }
        size = size * 10u + (uint32_t)(arg[i] - '0');
    }
    upload_begin(size);
}

static void run(const char *cmd, const char *arg, unsigned arg_len)
{
    if (is_process_command(cmd)) {
        struct proc *p = arg_len != 0 ? proc_find(arg, arg_len) : NULL;
        if (p == NULL) {
            klog(" no process named '%.*s'", (int)arg_len, arg);
        } else {
            act(cmd, p);
        }
    } else if (strcmp(cmd, "list") == 0) {
        shell_list();
    } else if (strcmp(cmd, "status") == 0) {
        status();
    } else if (strcmp(cmd, "kernel") == 0) {
        arch_print_info();
    } else if (strcmp(cmd, "load") == 0) {
        load(arg, arg_len);
#ifdef KERNEL_TEST_PANIC
    } else if (strcmp(cmd, "panic-test") == 0) {
        /* Test builds only: a fault in privileged kernel code (a load from
         * unmapped memory) must end in the panic dump. */
        klog(" faulting in the kernel on purpose");
        (void)*(volatile uint32_t *)kmem(0x30000000u);
#endif
    } else if (strcmp(cmd, "help") == 0) {
        help();
    } else {
        klog(" unknown command '%s' (help lists them)", cmd);
    }
}

void shell_execute(const char *text, unsigned len)
{
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t')) {
        len--;
    }
    while (len > 0 && (text[0] == ' ' || text[0] == '\t')) {
        text++;
        len--;
    }
    if (len == 0) {
        return;
    }
    klog("> %.*s", (int)len, text);
    char cmd[12];
    unsigned n = 0;
    while (n < len && text[n] != ' ' && n < sizeof cmd - 1) {
        cmd[n] = text[n];
        n++;
    }
    cmd[n] = '\0';
    while (n < len && text[n] == ' ') {
        n++;
    }
    run(cmd, text + n, len - n);
}

void shell_input(char c)
{
    if (upload_active()) {
        upload_input(c);
        return;
    }
    if (c == '\r' || c == '\n') {
        if (line_overflow) {
            klog(" line too long (at most %u characters)", SHELL_LINE);
        } else {
            shell_execute(line, line_len);
        }
        line_len = 0;
        line_overflow = false;
    } else if (line_len < SHELL_LINE) {
        line[line_len++] = c;
    } else {
        line_overflow = true;
    }
}

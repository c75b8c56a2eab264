/* Console driver (0x1), virtualised among processes over UART0, which the
 * kernel's own lines share.
 *
 * Commands: 0 exists, 1 putnstr(len) from read-only allow 1, 2 getnstr(len)
 * into read-write allow 1, 3 abort the read.  Upcalls: 1 write done(len),
 * 2 read done(status, len).  One write per process at a time; writers take
 * turns request by request, so a process's output is never cut into by
 * another's.  Received bytes go to the oldest pending read, or to the
 * process console when no process is reading. */
#include "../kernel/shell.h"
#include "../kernel/upload.h"
#include "capsules.h"

#define CHUNK 32u

typedef struct console_state {
    uint32_t tx_len, tx_done;
    uint32_t rx_len, rx_done;
    uint8_t tx_busy, rx_busy;
} console_state;

static proc_id writer; /* whose request is being sent (0: none) */

/* ---- transmit ------------------------------------------------------------------- */

typedef struct tx_step {
    proc_id pid;
    bool busy, finished;
    uint32_t len;
} tx_step;

/* Copies what fits of the process's request into the UART buffer. */
static void tx_in_grant(void *data, void *ctx)
{
    console_state *s = data;
    tx_step *t = ctx;
    t->busy = s->tx_busy;
    if (!s->tx_busy) {
        return;
    }
    ubuf b = ubuf_get(t->pid, &console_driver, UBUF_RO, 1);
    while (s->tx_done < s->tx_len && arch_console_space() != 0) {
        char chunk[CHUNK];
        uint32_t want = s->tx_len - s->tx_done;
        uint32_t room = (uint32_t)arch_console_space();
        uint32_t n = ubuf_read(b, s->tx_done, chunk, want < CHUNK ? want : CHUNK);
        n = n < room ? n : room;
        if (n == 0) {
            s->tx_len = s->tx_done; /* the buffer went away or shrank: stop here */
            break;
        }
        arch_console_write(chunk, n);
        s->tx_done += n;
    }
    if (s->tx_done >= s->tx_len) {
        s->tx_busy = 0;
        t->finished = true;
        t->len = s->tx_done;
    }
}

static void find_writer(proc_id pid, void *data, void *ctx)
{
    proc_id *next = ctx;
    if (*next == PROC_ID_NONE && ((console_state *)data)->tx_busy) {
        *next = pid;
    }
}

static void pump(void)
{
    for (;;) {
        if (writer == PROC_ID_NONE) {
            grant_each(&console_driver, find_writer, &writer);
            if (writer == PROC_ID_NONE) {
                return;
            }
        }
        tx_step t = {.pid = writer};
        if (grant_enter(writer, &console_driver, tx_in_grant, &t) != 0 || !t.busy) {
            writer = PROC_ID_NONE; /* gone, or nothing to send */
            continue;
        }
        if (!t.finished) {
            arch_console_want_space();
            return;
        }
        upcall_schedule(writer, &console_driver, 1, t.len, 0, 0);
        writer = PROC_ID_NONE;
    }
}

void console_handle_tx(void)
{
    pump();
}

/* ---- receive ----------------------------------------------------------------------- */

typedef struct rx_step {
    proc_id pid;
    char c;
    bool taken;
} rx_step;

static void rx_in_grant(void *data, void *ctx)
{
    console_state *s = data;
    rx_step *r = ctx;
    ubuf b = ubuf_get(r->pid, &console_driver, UBUF_RW, 1);
    if (ubuf_write(b, s->rx_done, &r->c, 1) == 1) {
        s->rx_done++;
    }
    if (s->rx_done >= s->rx_len || s->rx_done >= ubuf_len(b)) {
        s->rx_busy = 0;
        upcall_schedule(r->pid, &console_driver, 2, 0, s->rx_done, 0);
    }
}

static void find_reader(proc_id pid, void *data, void *ctx)
{
    rx_step *r = ctx;
    if (!r->taken && ((console_state *)data)->rx_busy) {
        r->pid = pid;
        r->taken = true;
    }
}

/* An image being received over the console (kernel/upload.c) gets every
 * byte until it is complete: a process that starts reading meanwhile must
 * not take some of them. */
void console_handle_rx(void)
{
    int c;
    while ((c = arch_console_getc()) >= 0) {
        rx_step r = {.c = (char)c};
        if (!upload_receiving()) {
            grant_each(&console_driver, find_reader, &r);
        }
        if (r.taken) {
            grant_enter(r.pid, &console_driver, rx_in_grant, &r);
        } else {
            shell_input((char)c);
        }
    }
}

/* ---- commands ---------------------------------------------------------------------- */

typedef struct console_cmd {
    proc_id pid;
    uint32_t cmd, len;
    uint32_t *ret;
} console_cmd;

static void start_write(console_state *s, console_cmd *c)
{
    uint32_t avail = ubuf_len(ubuf_get(c->pid, &console_driver, UBUF_RO, 1));
    s->tx_len = c->len < avail ? c->len : avail;
    s->tx_done = 0;
    s->tx_busy = 1;
    ret_success(c->ret);
}

static void start_read(console_state *s, console_cmd *c)
{
    uint32_t avail = ubuf_len(ubuf_get(c->pid, &console_driver, UBUF_RW, 1));
    uint32_t len = c->len < avail ? c->len : avail;
    if (len == 0) {
        ret_fail(c->ret, E_SIZE);
        return;
    }
    *s = (console_state){s->tx_len, s->tx_done, len, 0, s->tx_busy, 1};
    ret_success(c->ret);
}

static void console_in_grant(void *data, void *ctx)
{
    console_state *s = data;
    console_cmd *c = ctx;
    if (c->cmd == 1) {
        if (s->tx_busy) {
            ret_fail(c->ret, E_BUSY);
        } else {
            start_write(s, c);
        }
    } else if (c->cmd == 2) {
        if (s->rx_busy) {
            ret_fail(c->ret, E_BUSY);
        } else {
            start_read(s, c);
        }
    } else {
        if (s->rx_busy) {
            s->rx_busy = 0;
            upcall_schedule(c->pid, &console_driver, 2, E_CANCEL, s->rx_done, 0);
        }
        ret_success(c->ret);
    }
}

static void console_command(proc_id pid, uint32_t cmd, uint32_t arg1, uint32_t arg2,
                            uint32_t ret[4])
{
    (void)arg2;
    if (cmd == 0) {
        ret_success(ret);
        return;
    }
    if (cmd > 3) {
        ret_fail(ret, E_NOSUPPORT);
        return;
    }
    console_cmd c = {pid, cmd, arg1, ret};
    uint32_t err = grant_enter(pid, &console_driver, console_in_grant, &c);
    if (err != 0) {
        ret_fail(ret, err);
    } else if (cmd == 1) {
        pump();
    }
}

const driver console_driver = {
    .num = DRIVER_NUM_CONSOLE,
    .subscribes = 3,
    .allows_rw = 2,
    .allows_ro = 2,
    .grant_size = sizeof(console_state),
    .command = console_command,
};

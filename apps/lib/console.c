/* Console driver (0x1): putnstr from a read-only allow, getnstr into a
 * read-write allow, each finished by an upcall we wait for. */
#include "console.h"

#include <stdbool.h>
#include <string.h>

#include "tock.h"

#define CONSOLE_PUTNSTR     1u
#define CONSOLE_GETNSTR     2u
#define CONSOLE_ALLOW_WRITE 1u
#define CONSOLE_ALLOW_READ  1u
#define CONSOLE_SUB_WRITE   1u
#define CONSOLE_SUB_READ    2u

/* Output is staged here so that what the kernel reads is always our RAM. */
#define CONSOLE_CHUNK 64

typedef struct console_done {
    volatile bool done;
    uint32_t status; /* read: kernel status code (0 = ok) */
    uint32_t len;
} console_done;

static void write_done(uint32_t len, uint32_t unused1, uint32_t unused2, void *userdata)
{
    (void)unused1;
    (void)unused2;
    console_done *d = userdata;
    d->len = len;
    d->done = true;
}

static void read_done(uint32_t status, uint32_t len, uint32_t unused, void *userdata)
{
    (void)unused;
    console_done *d = userdata;
    d->status = status;
    d->len = len;
    d->done = true;
}

/* Subscribes, runs the command, waits for the upcall, unsubscribes. */
static int run_and_wait(uint32_t sub, upcall_fn *fn, uint32_t cmd, uint32_t len, console_done *d)
{
    int status = tock_status(subscribe(DRIVER_CONSOLE, sub, fn, d));
    if (status == TOCK_OK) {
        status = tock_status(command(DRIVER_CONSOLE, cmd, len, 0));
    }
    while (status == TOCK_OK && !d->done) {
        yield();
    }
    subscribe(DRIVER_CONSOLE, sub, NULL, NULL);
    return status;
}

static int write_chunk(const char *buf, size_t len)
{
    static char chunk[CONSOLE_CHUNK];
    console_done d = {0};
    memcpy(chunk, buf, len);
    int status = tock_status(allow_ro(DRIVER_CONSOLE, CONSOLE_ALLOW_WRITE, chunk, len));
    if (status == TOCK_OK) {
        status = run_and_wait(CONSOLE_SUB_WRITE, write_done, CONSOLE_PUTNSTR, len, &d);
    }
    allow_ro(DRIVER_CONSOLE, CONSOLE_ALLOW_WRITE, NULL, 0);
    return status;
}

int console_write(const char *buf, size_t len)
{
    for (size_t done = 0; done < len;) {
        size_t n = len - done < CONSOLE_CHUNK ? len - done : CONSOLE_CHUNK;
        int status = write_chunk(buf + done, n);
        if (status != TOCK_OK) {
            return status;
        }
        done += n;
    }
    return (int)len;
}

int console_puts(const char *s)
{
    return console_write(s, strlen(s));
}

int console_read(char *buf, size_t len)
{
    console_done d = {0};
    int status = tock_status(allow_rw(DRIVER_CONSOLE, CONSOLE_ALLOW_READ, buf, len));
    if (status == TOCK_OK) {
        status = run_and_wait(CONSOLE_SUB_READ, read_done, CONSOLE_GETNSTR, len, &d);
    }
    allow_rw(DRIVER_CONSOLE, CONSOLE_ALLOW_READ, NULL, 0);
    if (status == TOCK_OK && d.status != 0) {
        status = -(int)d.status;
    }
    return status == TOCK_OK ? (int)d.len : status;
}

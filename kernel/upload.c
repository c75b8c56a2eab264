/* Receiving an app image over the console (see upload.h).  The image goes
 * 32-byte aligned after the last image in use; pages wholly past it are
 * erased, and a page shared with that image is used only if its free part
 * is still erased (erasing it would destroy the image).  Each word is
 * programmed as soon as its 8 digits arrived, so nothing is buffered. */
#include "upload.h"

#include "kprint.h"
#include "loader.h"
#include "shell.h"

/* SKIPPING: a refused or aborted upload's sender still sends its digits;
 * lines of them are dropped quietly rather than run as commands. */
enum { IDLE, RECEIVING, DISCARDING, SKIPPING };

/* Hex digits that open a skipped line before it counts as data: every
 * console command has a non-hex letter among its first three. */
#define SKIP_PROOF 3u

static struct {
    uint8_t mode;
    uaddr dest;
    uint32_t size, got; /* bytes */
    uint32_t word;      /* bytes of the current word, little-endian */
    uint32_t left;      /* SKIPPING: digits the sender still owes */
    char opening[SKIP_PROOF];
    uint8_t opened; /* SKIPPING: digits of this line so far (capped) */
} up;

/* Drop the next `digits` hex digits sent, line by line (see SKIPPING). */
static void skip_rest(uint32_t digits)
{
    up.left = digits;
    up.opened = 0;
    up.mode = digits != 0 ? SKIPPING : IDLE;
}

bool upload_active(void)
{
    return up.mode != IDLE;
}

bool upload_receiving(void)
{
    return up.mode == RECEIVING || up.mode == DISCARDING;
}

static bool erased(uaddr from, uaddr to)
{
    for (uaddr a = from; a < to; a++) {
        if (*(const uint8_t *)kmem(a) != 0xFFu) {
            return false;
        }
    }
    return true;
}

/* Where an image of `size` bytes can go (0: nowhere), pages erased. */
static uaddr place(uint32_t size, uint32_t page)
{
    /* At a multiple of its size rounded up to a power of two: the MPU must be
     * able to open exactly this image (the loader refuses it otherwise). */
    uint32_t align = 32;
    while (align < size && align < (1u << 30)) {
        align *= 2;
    }
    uaddr used = loader_used_end();
    uaddr dest = (used + align - 1u) & ~(align - 1u);
    uaddr page_end = (dest + page - 1u) & ~(page - 1u);
    if (!erased(dest, page_end)) {
        dest = page_end; /* leftovers of a refused load share the page */
    }
    uaddr end = arch_apps_end();
    if (dest > end || end - dest < size) {
        /* The free flash, not what is left past the aligned start. */
        klog(" load: no room: %u bytes asked, %u free in app flash", size, end - used);
        return 0;
    }
    for (uaddr a = (dest + page - 1u) & ~(page - 1u); a < dest + size; a += page) {
        if (!arch_flash_erase(a)) {
            klog(" load: the flash controller refused to erase 0x%08x", a);
            return 0;
        }
    }
    return dest;
}

void upload_begin(uint32_t size)
{
    uint32_t page = arch_flash_page();
    if (page == 0) {
        klog(" load: this machine has no flash controller");
        skip_rest(2u * size);
        return;
    }
    if (size < 16u || size % 4u != 0) {
        klog(" load: the size must be a multiple of 4, at least 16");
        skip_rest(2u * size);
        return;
    }
    uaddr dest = place(size, page);
    if (dest == 0) {
        skip_rest(2u * size);
        return;
    }
    up.mode = RECEIVING;
    up.dest = dest;
    up.size = size;
    up.got = 0;
    up.word = 0;
    klog(" load: send %u bytes as %u hex digits, for 0x%08x", size, 2u * size, dest);
}

static void abort_load(const char *why)
{
    klog(" load: %s after %u of %u bytes; nothing was started", why, up.got, up.size);
    /* A refused image must not look like one to a later scan. */
    arch_flash_program(up.dest, 0);
    up.left = 2u * (up.size - up.got);
    up.mode = DISCARDING;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The rest of the line of the last digit still belongs to the upload (a
 * sender ends it with a newline), so a process reading the console next does
 * not get that newline. */
static void finish(void)
{
    up.left = 0;
    up.mode = DISCARDING;
    if (loader_load_at(up.dest, up.size)) {
        klog(" load: started, the other processes kept running");
    } else {
        klog(" load: image refused; nothing was started");
        arch_flash_program(up.dest, 0);
    }
}

/* One more byte of the image: program each word once complete. */
static void take_byte(uint32_t byte)
{
    up.word |= byte << (8u * (up.got % 4u));
    up.got++;
    if (up.got % 4u != 0) {
        return;
    }
    uaddr at = up.dest + up.got - 4u;
    if (!arch_flash_program(at, up.word) || *(const uint32_t *)kmem(at) != up.word) {
        abort_load("flash did not take the data");
        return;
    }
    up.word = 0;
    if (up.got == up.size) {
        finish();
    }
}

static uint8_t nibbles, high; /* a byte is two digits */

/* A line that opens with fewer than SKIP_PROOF digits and then something
 * else was typed, not sent: it goes to the console after all. */
static void skip_input(char c, int v)
{
    if (c == '\n' || c == '\r') {
        up.opened = 0;
        up.mode = up.left != 0 ? SKIPPING : IDLE;
    } else if (v >= 0 && up.opened < SKIP_PROOF) {
        up.opening[up.opened++] = c;
        up.left -= up.left != 0;
    } else if (v >= 0) {
        up.left -= up.left != 0;
    } else if (c != ' ' && c != '\t' && up.opened < SKIP_PROOF) {
        up.mode = IDLE;
        for (unsigned i = 0; i < up.opened; i++) {
            shell_input(up.opening[i]);
        }
        shell_input(c);
    }
}

void upload_input(char c)
{
    if (up.mode == DISCARDING) {
        if (c == '\n' || c == '\r') {
            skip_rest(up.left);
        }
        return;
    }
    if (up.mode == SKIPPING) {
        skip_input(c, hex_value(c));
        return;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        return; /* digits may be split over lines */
    }
    int v = hex_value(c);
    if (v < 0) {
        nibbles = 0;
        abort_load("bad hex digit");
        return;
    }
    if (nibbles++ == 0) {
        high = (uint8_t)v;
        return;
    }
    nibbles = 0;
    take_byte((uint32_t)high << 4 | (uint32_t)v);
}

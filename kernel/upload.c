/* Receiving an app image over the console (see upload.h).  The image goes
 * 32-byte aligned after the last image in use; pages wholly past it are
 * erased, and a page shared with that image is used only if its free part
 * is still erased (erasing it would destroy the image).  Each word is
 * programmed as soon as its 8 digits arrived, so nothing is buffered. */
#include "upload.h"

#include "kprint.h"
#include "loader.h"

enum { IDLE, RECEIVING, DISCARDING };

static struct {
    uint8_t mode;
    uaddr dest;
    uint32_t size, got; /* bytes */
    uint32_t word;      /* bytes of the current word, little-endian */
} up;

bool upload_active(void)
{
    return up.mode != IDLE;
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
    uaddr dest = (loader_used_end() + align - 1u) & ~(align - 1u);
    uaddr page_end = (dest + page - 1u) & ~(page - 1u);
    if (!erased(dest, page_end)) {
        dest = page_end; /* leftovers of a refused load share the page */
    }
    uaddr end = arch_apps_end();
    if (dest > end || end - dest < size) {
        klog(" load: no room: %u bytes asked, %u free in app flash", size,
             dest < end ? end - dest : 0);
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
        return;
    }
    if (size < 16u || size % 4u != 0) {
        klog(" load: the size must be a multiple of 4, at least 16");
        return;
    }
    uaddr dest = place(size, page);
    if (dest == 0) {
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

static void finish(void)
{
    up.mode = IDLE;
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

void upload_input(char c)
{
    if (up.mode == DISCARDING) {
        up.mode = c == '\n' || c == '\r' ? IDLE : DISCARDING;
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

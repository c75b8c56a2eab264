/* Placing TBF app images into app flash for `bulwark run --app`. */
#include "app_images.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Erased flash: the kernel stops scanning for images at such a word. */
#define ERASED_BYTE 0xFF

typedef struct app_region {
    uint32_t start; /* _sapps */
    uint32_t size;  /* _eapps - _sapps */
    uint8_t *bytes; /* the region's new contents */
    uint32_t used;  /* bytes taken by the images so far */
    uint32_t last;  /* offset where the last image added starts */
} app_region;

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static bool ranges_overlap(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    uint64_t a_end = (uint64_t)a + alen, b_end = (uint64_t)b + blen;
    return alen != 0 && blen != 0 && a < b_end && b < a_end;
}

/* The process RAM the kernel hands out (_sappmem.._eappmem, when it says)
 * must exist on the board: a smaller ram_size would have it use memory
 * that is not there. */
static int check_app_ram(const elf_image *img, const board *b, char *err, size_t errlen)
{
    const elf_symbol *s = elf_symbol_named(img, "_sappmem");
    const elf_symbol *e = elf_symbol_named(img, "_eappmem");
    if (s == NULL || e == NULL || e->addr <= s->addr ||
        board_memory_containing(b, s->addr, e->addr - s->addr) != NULL) {
        return 0;
    }
    return fail(err, errlen,
                "%s: the kernel gives processes RAM 0x%08x-0x%08x (_sappmem, _eappmem), "
                "which is not all in board %s's memory (is ram_size too small?)",
                img->path, s->addr, e->addr - 1, b->name);
}

/* The app flash region from the kernel ELF's symbols, checked against the
 * board's memory and the kernel's own segments. */
static int find_region(const elf_image *img, const board *b, app_region *r, char *err,
                       size_t errlen)
{
    const elf_symbol *s = elf_symbol_named(img, "_sapps");
    const elf_symbol *e = elf_symbol_named(img, "_eapps");
    if (s == NULL || e == NULL) {
        return fail(err, errlen,
                    "%s: no %s symbol: --app needs a kernel ELF that defines "
                    "_sapps and _eapps (the app flash region)",
                    img->path, s == NULL ? "_sapps" : "_eapps");
    }
    if (e->addr <= s->addr) {
        return fail(err, errlen, "%s: app flash region is empty (_sapps 0x%08x, _eapps 0x%08x)",
                    img->path, s->addr, e->addr);
    }
    r->start = s->addr;
    r->size = e->addr - s->addr;
    if (board_memory_containing(b, r->start, r->size) == NULL) {
        return fail(err, errlen, "%s: app flash 0x%08x-0x%08x is outside the board's memory",
                    img->path, r->start, e->addr - 1);
    }
    if (check_app_ram(img, b, err, errlen) != 0) {
        return -1;
    }
    for (size_t i = 0; i < img->num_segments; i++) {
        const elf_segment *seg = &img->segments[i];
        if (ranges_overlap(seg->addr, seg->memsz, r->start, r->size)) {
            return fail(err, errlen, "%s: segment %zu at 0x%08x overlaps app flash 0x%08x-0x%08x",
                        img->path, i, seg->addr, r->start, e->addr - 1);
        }
    }
    return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* A padding image, as Tock's tools write: TBF version 2, a bare 16-byte
 * header, flags 0 (disabled), so the kernel's scan steps over the gap. */
static void put_padding(uint8_t *at, uint32_t size)
{
    uint32_t words[3] = {2u | (16u << 16), size, 0};
    for (int i = 0; i < 3; i++) {
        put32(at + 4 * i, words[i]);
    }
    put32(at + 12, words[0] ^ words[1] ^ words[2]);
}

/* Images start at a multiple of their size rounded up to a power of two,
 * so that the kernel can open exactly one image with one MPU region; the
 * gap before it is a padding image. */
static void align_for(app_region *r, long file_size)
{
    uint32_t align = 32;
    while (align < (uint64_t)file_size && align < r->size) {
        align *= 2;
    }
    uint32_t at = (r->used + align - 1u) & ~(align - 1u);
    if (at > r->size) {
        at = r->size; /* no room: the read below says so */
    }
    if (at - r->used >= 16u) {
        put_padding(r->bytes + r->used, at - r->used);
    }
    r->used = at;
}

/* Appends one image file at r->used. */
static int add_image(app_region *r, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return fail(err, errlen, "%s: %s", path, strerror(errno));
    }
    if (fseek(f, 0, SEEK_END) == 0) {
        long file_size = ftell(f);
        rewind(f);
        align_for(r, file_size > 0 ? file_size : 1);
    }
    r->last = r->used;
    uint32_t room = r->size - r->used;
    /* Read one byte more than fits, so an oversized file is told apart. */
    size_t n = fread(r->bytes + r->used, 1, room, f);
    bool more = n == room && fgetc(f) != EOF;
    bool read_error = ferror(f) != 0;
    fclose(f);
    if (read_error) {
        return fail(err, errlen, "%s: read error", path);
    }
    if (n == 0 && !more) {
        return fail(err, errlen, "%s: empty app image", path);
    }
    if (more) {
        return fail(err, errlen,
                    "%s: app image does not fit in app flash (%u bytes free of %u at 0x%08x)", path,
                    room, r->size, r->start);
    }
    r->used += (uint32_t)n;
    return 0;
}

static int append_segment(elf_image *img, app_region *r, char *err, size_t errlen)
{
    elf_segment *grown = realloc(img->segments, (img->num_segments + 1) * sizeof *grown);
    if (grown == NULL) {
        return fail(err, errlen, "%s: out of memory", img->path);
    }
    img->segments = grown;
    img->segments[img->num_segments++] = (elf_segment){r->start, r->size, r->size, r->bytes};
    r->bytes = NULL; /* now owned by img, freed by elf_image_free */
    return 0;
}

int app_images_place(elf_image *img, const board *b, const char *const *paths, size_t count,
                     app_placement *placed, char *err, size_t errlen)
{
    if (count == 0) {
        return 0;
    }
    app_region r = {0};
    if (find_region(img, b, &r, err, errlen) != 0) {
        return -1;
    }
    r.bytes = malloc(r.size);
    if (r.bytes == NULL) {
        return fail(err, errlen, "%s: out of memory", img->path);
    }
    memset(r.bytes, ERASED_BYTE, r.size);
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++) {
        rc = add_image(&r, paths[i], err, errlen);
        if (rc == 0 && placed != NULL && placed->count < APP_PLACEMENT_MAX) {
            placed->start[placed->count] = r.start + r.last;
            placed->size[placed->count++] = r.used - r.last;
        }
    }
    /* The last read may have stored bytes past `used`: erase them again. */
    memset(r.bytes + r.used, ERASED_BYTE, r.size - r.used);
    if (rc == 0) {
        rc = append_segment(img, &r, err, errlen);
    }
    free(r.bytes);
    return rc;
}

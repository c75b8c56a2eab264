/* The C half of process start-up, called by _start (crt0.S) once the stack
 * and r9 are set.  It must not touch a global: the GOT it would go through
 * is what it is filling in. */
#include <stddef.h>
#include <stdint.h>

/* The ten-word crt0 header at the start of the binary (kernel/ABI.md). */
typedef struct crt0_header {
    uint32_t got_sym_start;  /* .got initial values, offset from binary start */
    uint32_t got_start;      /* .got in RAM, offset from RAM start */
    uint32_t got_size;       /* bytes */
    uint32_t data_sym_start; /* .data initial values, offset from binary start */
    uint32_t data_start;     /* .data in RAM, offset from RAM start */
    uint32_t data_size;      /* bytes */
    uint32_t bss_start;      /* offset from RAM start */
    uint32_t bss_size;       /* bytes */
    uint32_t reldata_start;  /* relocation table, offset from binary start */
    uint32_t stack_size;     /* bytes */
} crt0_header;

/* The table elf2tbf appends: its size in bytes, then Elf32_Rel pairs
 * (r_offset: RAM offset of a word to relocate, r_info: unused here). */
typedef struct reldata {
    uint32_t size;
    uint32_t entries[];
} reldata;

/* app.ld links flash at 0x80000000 and RAM at 0: bit 31 says which. */
#define FLASH_LINK_BIT 0x80000000u

void crt0_relocate(const uint8_t *binary, uint8_t *ram);

static uint32_t relocate(uint32_t linked, uint32_t flash, uint32_t ram)
{
    return (linked & FLASH_LINK_BIT) ? (linked ^ FLASH_LINK_BIT) + flash : linked + ram;
}

static void copy_words(uint32_t *dst, const uint32_t *src, uint32_t bytes)
{
    for (uint32_t i = 0; i < bytes / 4; i++) {
        dst[i] = src[i];
    }
}

void crt0_relocate(const uint8_t *binary, uint8_t *ram)
{
    const crt0_header *h = (const crt0_header *)binary;
    uint32_t flash = (uint32_t)binary, base = (uint32_t)ram;
    uint32_t *got = (uint32_t *)(ram + h->got_start);
    const uint32_t *got_init = (const uint32_t *)(binary + h->got_sym_start);
    for (uint32_t i = 0; i < h->got_size / 4; i++) {
        got[i] = relocate(got_init[i], flash, base);
    }
    copy_words((uint32_t *)(ram + h->data_start), (const uint32_t *)(binary + h->data_sym_start),
               h->data_size);
    uint32_t *bss = (uint32_t *)(ram + h->bss_start);
    for (uint32_t i = 0; i < h->bss_size / 4; i++) {
        bss[i] = 0;
    }
    const reldata *rd = (const reldata *)(binary + h->reldata_start);
    for (uint32_t i = 0; i + 1 < rd->size / 4; i += 2) {
        uint32_t *target = (uint32_t *)(ram + rd->entries[i]);
        *target = relocate(*target, flash, base);
    }
}

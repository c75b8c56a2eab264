/* ELF loading with libelf: PT_LOAD segments placed at their load (physical)
 * addresses, checked against the board's memory map; symbols kept so that
 * reports can name addresses. */
#ifndef BULWARK_ELF_LOAD_H
#define BULWARK_ELF_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "board.h"

typedef struct elf_segment {
    uint32_t addr;   /* load address (p_paddr) */
    uint32_t filesz; /* bytes of data */
    uint32_t memsz;  /* filesz plus zero fill */
    uint8_t *data;   /* filesz bytes */
} elf_segment;

typedef struct elf_symbol {
    char *name;
    uint32_t addr; /* Thumb bit cleared for functions */
    uint32_t size;
    int is_func;
} elf_symbol;

typedef struct elf_image {
    char *path;
    uint32_t entry;
    elf_segment *segments;
    size_t num_segments;
    elf_symbol *symbols; /* sorted by address */
    size_t num_symbols;
} elf_image;

/* Returns 0, or -1 with a message "PATH: reason" in err: missing file,
 * truncated/corrupt ELF, not 32-bit little-endian ARM, not an executable, no
 * loadable segment, a segment outside the board's memory. */
int elf_image_load(const char *path, const board *b, elf_image *img, char *err, size_t errlen);
void elf_image_free(elf_image *img);
/* The symbol containing addr (or the nearest one below it), or NULL. */
const elf_symbol *elf_symbol_at(const elf_image *img, uint32_t addr);
const elf_symbol *elf_symbol_named(const elf_image *img, const char *name);

#endif

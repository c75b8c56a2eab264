/* The reference point for speed: the same firmware ELF in Unicorn with no
 * hooks at all.  Runs until the firmware touches memory that is not there
 * (its exit register), prints host seconds. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unicorn/unicorn.h>

#include "board.h"
#include "elf_load.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: raw_unicorn BOARD FIRMWARE.elf\n");
        return 2;
    }
    char err[512];
    board b;
    elf_image img;
    if (board_load_named(argv[1], &b, err, sizeof(err)) != 0 ||
        elf_image_load(argv[2], &b, &img, err, sizeof(err)) != 0) {
        fprintf(stderr, "raw_unicorn: %s\n", err);
        return 2;
    }
    uc_engine *uc;
    uc_open(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS, &uc);
    for (unsigned i = 0; i < b.num_memory; i++) {
        uc_mem_map(uc, b.memory[i].base, b.memory[i].size, UC_PROT_ALL);
    }
    for (size_t i = 0; i < img.num_segments; i++) {
        uc_mem_write(uc, img.segments[i].addr, img.segments[i].data, img.segments[i].filesz);
    }
    uint32_t vec[2];
    uc_mem_read(uc, 0, vec, sizeof(vec));
    uc_reg_write(uc, UC_ARM_REG_SP, &vec[0]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uc_err e = uc_emu_start(uc, vec[1], 0xFFFFFFFFu, 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("raw_seconds %.6f stop \"%s\"\n", secs, uc_strerror(e));
    uc_close(uc);
    elf_image_free(&img);
    return 0;
}

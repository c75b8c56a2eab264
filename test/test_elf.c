/* ELF loader tests on small ELF32 files written by hand, so that every
 * header field can be broken on purpose. */
#include <check.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_load.h"
#include "check_main.h"

/* Layout of the good file (offsets). */
enum {
    OFF_PHDR = sizeof(Elf32_Ehdr), /* 3 program headers */
    OFF_TEXT = 0x100,              /* 64 bytes, loaded at 0x0 */
    OFF_DATA = 0x140,              /* 16 bytes, load 0x40, run 0x20000000, +32 bss */
    OFF_SYMTAB = 0x150,
    NUM_SYMS = 10,
    OFF_STRTAB = OFF_SYMTAB + NUM_SYMS * sizeof(Elf32_Sym),
    OFF_SHSTRTAB = OFF_STRTAB + 0x80,
    OFF_SHDR = OFF_SHSTRTAB + 0x40, /* 6 section headers */
    FILE_SIZE = OFF_SHDR + 6 * sizeof(Elf32_Shdr),
};

static const char strtab[] = "\0$t\0Reset_Handler\0main\0counter\0ghost\0_estack\0$d.x\0file.c";
static const char shstrtab[] = "\0.text\0.data\0.symtab\0.strtab\0.shstrtab";

static unsigned char image[FILE_SIZE];
static char dir[] = "/tmp/bulwark-elf-XXXXXX";
static char path[128];
static char err[512];
static board sim64;
static elf_image img;

static Elf32_Ehdr *ehdr(void)
{
    return (Elf32_Ehdr *)image;
}

static Elf32_Phdr *phdr(int i)
{
    return (Elf32_Phdr *)(image + OFF_PHDR) + i;
}

static uint32_t str_at(const char *table, size_t len, const char *s)
{
    for (size_t i = 0; i < len; i++) {
        if (strcmp(table + i, s) == 0) {
            return (uint32_t)i;
        }
    }
    ck_abort_msg("test bug: no string %s", s);
    return 0;
}

static void put_sym(int i, const char *name, uint32_t value, uint32_t size, int type, int shndx)
{
    Elf32_Sym *s = (Elf32_Sym *)(image + OFF_SYMTAB) + i;
    s->st_name = name[0] ? str_at(strtab, sizeof strtab, name) : 0;
    s->st_value = value;
    s->st_size = size;
    s->st_info = ELF32_ST_INFO(STB_GLOBAL, type);
    s->st_shndx = (Elf32_Half)shndx;
}

static void put_shdr(int i, const char *name, uint32_t type, uint32_t off, uint32_t size,
                     uint32_t link, uint32_t entsize)
{
    Elf32_Shdr *s = (Elf32_Shdr *)(image + OFF_SHDR) + i;
    s->sh_name = str_at(shstrtab, sizeof shstrtab, name);
    s->sh_type = type;
    s->sh_offset = off;
    s->sh_size = size;
    s->sh_link = link;
    s->sh_entsize = entsize;
    s->sh_addralign = 4;
}

static void build_headers(void)
{
    Elf32_Ehdr *e = ehdr();
    memcpy(e->e_ident, ELFMAG, SELFMAG);
    e->e_ident[EI_CLASS] = ELFCLASS32;
    e->e_ident[EI_DATA] = ELFDATA2LSB;
    e->e_ident[EI_VERSION] = EV_CURRENT;
    e->e_type = ET_EXEC;
    e->e_machine = EM_ARM;
    e->e_version = EV_CURRENT;
    e->e_entry = 0x9;
    e->e_phoff = OFF_PHDR;
    e->e_shoff = OFF_SHDR;
    e->e_flags = 0x05000200;
    e->e_ehsize = sizeof(Elf32_Ehdr);
    e->e_phentsize = sizeof(Elf32_Phdr);
    e->e_phnum = 3;
    e->e_shentsize = sizeof(Elf32_Shdr);
    e->e_shnum = 6;
    e->e_shstrndx = 5;
    *phdr(0) = (Elf32_Phdr){PT_LOAD, OFF_TEXT, 0x0, 0x0, 64, 64, PF_R | PF_X, 4};
    *phdr(1) = (Elf32_Phdr){PT_LOAD, OFF_DATA, 0x20000000, 0x40, 16, 48, PF_R | PF_W, 4};
    *phdr(2) = (Elf32_Phdr){PT_ARM_EXIDX, OFF_TEXT, 0x10, 0x10, 8, 8, PF_R, 4};
}

static void build_good_image(void)
{
    memset(image, 0, sizeof image);
    build_headers();
    for (int i = 0; i < 64; i++) {
        image[OFF_TEXT + i] = (unsigned char)i;
    }
    memset(image + OFF_DATA, 0xAB, 16);
    put_sym(1, "$t", 0x8, 0, STT_NOTYPE, 1);
    put_sym(2, "Reset_Handler", 0x9, 0x10, STT_FUNC, 1);
    put_sym(3, "main", 0x19, 0x20, STT_FUNC, 1);
    put_sym(4, "counter", 0x20000000, 4, STT_OBJECT, 2);
    put_sym(5, "ghost", 0, 0, STT_NOTYPE, SHN_UNDEF);
    put_sym(6, "", 0x30, 4, STT_FUNC, 1);
    put_sym(7, "_estack", 0x20010000, 0, STT_NOTYPE, SHN_ABS);
    put_sym(8, "$d.x", 0x38, 0, STT_NOTYPE, 1);
    put_sym(9, "file.c", 0, 0, STT_FILE, SHN_ABS);
    memcpy(image + OFF_STRTAB, strtab, sizeof strtab);
    memcpy(image + OFF_SHSTRTAB, shstrtab, sizeof shstrtab);
    put_shdr(1, ".text", SHT_PROGBITS, OFF_TEXT, 64, 0, 0);
    put_shdr(2, ".data", SHT_PROGBITS, OFF_DATA, 16, 0, 0);
    put_shdr(3, ".symtab", SHT_SYMTAB, OFF_SYMTAB, NUM_SYMS * sizeof(Elf32_Sym), 4,
             sizeof(Elf32_Sym));
    put_shdr(4, ".strtab", SHT_STRTAB, OFF_STRTAB, sizeof strtab, 0, 0);
    put_shdr(5, ".shstrtab", SHT_STRTAB, OFF_SHSTRTAB, sizeof shstrtab, 0, 0);
}

static void write_file(const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* Loading `len` bytes of image must fail with "PATH: ...needle...". */
static void expect_reject(size_t len, const char *needle)
{
    write_file(image, len);
    int rc = elf_image_load(path, &sim64, &img, err, sizeof err);
    if (rc == 0) {
        elf_image_free(&img);
    }
    ck_assert_msg(rc == -1, "loaded, expected \"%s\"", needle);
    ck_assert_msg(strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':',
                  "message does not start with the file name: %s", err);
    ck_assert_msg(strstr(err, needle) != NULL, "'%s' not in: %s", needle, err);
    ck_assert_uint_eq(img.num_segments, 0);
    ck_assert_ptr_null(img.path);
}

static void setup(void)
{
    ck_assert_int_eq(board_load_named("sim64", &sim64, err, sizeof err), 0);
    strcpy(dir, "/tmp/bulwark-elf-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/fw.elf", dir);
    build_good_image();
}

static void teardown(void)
{
    unlink(path);
    rmdir(dir);
}

START_TEST(good_file_loads)
{
    write_file(image, sizeof image);
    ck_assert_int_eq(elf_image_load(path, &sim64, &img, err, sizeof err), 0);
    ck_assert_str_eq(img.path, path);
    ck_assert_uint_eq(img.entry, 0x9);
    ck_assert_uint_eq(img.num_segments, 3);
    ck_assert_uint_eq(img.segments[0].addr, 0x0);
    ck_assert_uint_eq(img.segments[0].filesz, 64);
    ck_assert_uint_eq(img.segments[0].memsz, 64);
    ck_assert_uint_eq(img.segments[0].data[63], 63);
    /* .data: its bytes at the load address in flash ... */
    ck_assert_uint_eq(img.segments[1].addr, 0x40);
    ck_assert_uint_eq(img.segments[1].filesz, 16);
    ck_assert_uint_eq(img.segments[1].memsz, 16);
    ck_assert_uint_eq(img.segments[1].data[0], 0xAB);
    /* ... and the .bss zero fill at its run address in RAM */
    ck_assert_uint_eq(img.segments[2].addr, 0x20000010);
    ck_assert_uint_eq(img.segments[2].filesz, 0);
    ck_assert_uint_eq(img.segments[2].memsz, 32);
    elf_image_free(&img);
    ck_assert_ptr_null(img.segments);
}
END_TEST

START_TEST(symbols_are_kept_and_sorted)
{
    write_file(image, sizeof image);
    ck_assert_int_eq(elf_image_load(path, &sim64, &img, err, sizeof err), 0);
    ck_assert_uint_eq(img.num_symbols, 4); /* no $t, $d.x, undefined, unnamed, file */
    ck_assert_str_eq(img.symbols[0].name, "Reset_Handler");
    ck_assert_uint_eq(img.symbols[0].addr, 0x8); /* Thumb bit cleared */
    ck_assert(img.symbols[0].is_func);
    ck_assert_str_eq(img.symbols[1].name, "main");
    ck_assert_str_eq(img.symbols[2].name, "counter");
    ck_assert(!img.symbols[2].is_func);
    ck_assert_str_eq(img.symbols[3].name, "_estack");
    ck_assert_str_eq(elf_symbol_at(&img, 0x10)->name, "Reset_Handler");
    ck_assert_str_eq(elf_symbol_at(&img, 0x18)->name, "main");
    ck_assert_str_eq(elf_symbol_at(&img, 0x1000)->name, "main"); /* nearest below */
    ck_assert_str_eq(elf_symbol_at(&img, 0x20000003)->name, "counter");
    ck_assert_ptr_null(elf_symbol_at(&img, 0x4));
    ck_assert_uint_eq(elf_symbol_named(&img, "main")->addr, 0x18);
    ck_assert_uint_eq(elf_symbol_named(&img, "_estack")->addr, 0x20010000);
    ck_assert_ptr_null(elf_symbol_named(&img, "ghost"));
    ck_assert_ptr_null(elf_symbol_named(&img, "$t"));
    elf_image_free(&img);
}
END_TEST

START_TEST(missing_and_empty_files)
{
    ck_assert_int_eq(elf_image_load(path, &sim64, &img, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot open (No such file or directory)"));
    ck_assert_ptr_nonnull(strstr(err, path));
    ck_assert_int_eq(elf_image_load(dir, &sim64, &img, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot open (Is a directory)"));
    expect_reject(0, "not an ELF file");
    memcpy(image, "#!/bin/sh\n", 10);
    expect_reject(sizeof image, "not an ELF file");
}
END_TEST

START_TEST(truncated_files)
{
    expect_reject(30, "truncated");
    expect_reject(OFF_PHDR + 40, "program headers");
    expect_reject(OFF_SHDR + 10, "section headers");
    /* every proper prefix fails cleanly, naming the file */
    for (size_t len = 0; len < sizeof image; len++) {
        write_file(image, len);
        ck_assert_int_eq(elf_image_load(path, &sim64, &img, err, sizeof err), -1);
        ck_assert_msg(strncmp(err, path, strlen(path)) == 0, "len %zu: %s", len, err);
    }
}
END_TEST

START_TEST(wrong_kind_of_elf)
{
    image[EI_CLASS] = ELFCLASS64;
    expect_reject(sizeof image, "not 32-bit");
    build_good_image();
    image[EI_DATA] = ELFDATA2MSB;
    expect_reject(sizeof image, "not little-endian");
    build_good_image();
    ehdr()->e_machine = EM_X86_64;
    expect_reject(sizeof image, "not ARM (e_machine 62, x86-64)");
    build_good_image();
    ehdr()->e_type = ET_REL;
    expect_reject(sizeof image, "not an executable (a relocatable object");
}
END_TEST

START_TEST(bad_segments)
{
    phdr(0)->p_paddr = 0x10000000;
    expect_reject(sizeof image, "segment 0 [0x10000000, 0x10000040) is outside the memory map");
    build_good_image();
    phdr(0)->p_paddr = 0x7FFE0;
    expect_reject(sizeof image, "segment 0 [0x0007ffe0, 0x00080020) crosses the boundary of "
                                "memory \"flash\"");
    build_good_image();
    phdr(1)->p_memsz = 0x10010; /* .bss past the end of 64 KiB of RAM */
    expect_reject(sizeof image, "segment 1 zero fill");
    build_good_image();
    phdr(0)->p_paddr = 0xFFFFFFF0;
    expect_reject(sizeof image, "outside the memory map");
    build_good_image();
    phdr(1)->p_offset = 0x7FFFFFF0;
    expect_reject(sizeof image, "segment 1: file data [0x7ffffff0, 0x80000000) lies beyond");
    build_good_image();
    phdr(1)->p_filesz = 0x1000;
    expect_reject(sizeof image, "larger than its memory size");
    build_good_image();
    phdr(0)->p_type = PT_NULL;
    phdr(1)->p_type = PT_NOTE;
    expect_reject(sizeof image, "no loadable segment");
}
END_TEST

START_TEST(bad_header_tables)
{
    ehdr()->e_phoff = 0x10000;
    expect_reject(sizeof image, "truncated or corrupt ELF file (program headers");
    build_good_image();
    ehdr()->e_phentsize = 20;
    expect_reject(sizeof image, "entry size 20");
    build_good_image();
    ehdr()->e_shoff = 0xFFFFFF00;
    expect_reject(sizeof image, "section headers");
    build_good_image();
    put_shdr(3, ".symtab", SHT_SYMTAB, 0xFFFF0000, NUM_SYMS * sizeof(Elf32_Sym), 4,
             sizeof(Elf32_Sym));
    expect_reject(sizeof image, "symbol table");
}
END_TEST

/* Flipped bytes anywhere must never crash; whatever loads must be sane. */
START_TEST(random_corruption_never_crashes)
{
    unsigned seed = 12345;
    for (int round = 0; round < 2000; round++) {
        build_good_image();
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            image[(seed >> 8) % sizeof image] ^= (unsigned char)(1u << ((seed >> 4) % 8));
        }
        write_file(image, sizeof image);
        if (elf_image_load(path, &sim64, &img, err, sizeof err) == 0) {
            for (size_t i = 0; i < img.num_segments; i++) {
                ck_assert_ptr_nonnull(
                    board_memory_containing(&sim64, img.segments[i].addr, img.segments[i].memsz));
            }
            elf_image_free(&img);
        } else {
            ck_assert_msg(strncmp(err, path, strlen(path)) == 0, "%s", err);
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("elf");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60); /* hundreds of files written: slow on a loaded machine */
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, good_file_loads);
    tcase_add_test(tc, symbols_are_kept_and_sorted);
    tcase_add_test(tc, missing_and_empty_files);
    tcase_add_test(tc, truncated_files);
    tcase_add_test(tc, wrong_kind_of_elf);
    tcase_add_test(tc, bad_segments);
    tcase_add_test(tc, bad_header_tables);
    tcase_add_test(tc, random_corruption_never_crashes);
    suite_add_tcase(s, tc);
    return run_suite(s);
}

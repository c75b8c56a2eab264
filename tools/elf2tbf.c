/* elf2tbf: packs a position-independent app ELF (apps/lib/app.ld) into a TBF
 * v2 image, or decodes an image with --inspect.
 *
 * The app binary is every loadable byte the ELF places in flash (the crt0
 * header, code, read-only data and the initial values of .got and .data),
 * followed by the .data relocations crt0 applies: one word with their size in
 * bytes, then the Elf32_Rel entries of .rel.data (the ELF is linked with
 * --emit-relocs).  The crt0 header's reldata_start must point there. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tbf.h"
#include "tbf_print.h"

/* apps/lib/app.ld links flash here; everything below is RAM, at its offset
 * from the start of the process's RAM block. */
#define APP_FLASH_BASE 0x80000000u

#define CRT0_HEADER_WORDS  10
#define CRT0_RELDATA_START 8 /* word index in the crt0 header */

/* Room for the grant region the kernel carves from the top of the block;
 * Tock's elf2tab defaults to the same. */
#define DEFAULT_KERNEL_HEAP 1024u

enum { EXIT_OK = 0, EXIT_MALFORMED = 1, EXIT_BAD_INPUT = 2 };

typedef struct options {
    const char *input;
    const char *output;
    const char *name;
    uint32_t kernel_heap;
    uint32_t app_version;
    bool disabled;
    bool sticky;
} options;

typedef struct app_elf {
    const char *path;
    Elf *elf;
    const uint8_t *raw; /* the whole file */
    size_t raw_size;
    uint32_t flash_start, flash_end; /* link addresses of the flash bytes */
    uint8_t *binary;                 /* flash bytes, then the relocation table */
    uint32_t binary_size;
    uint32_t ram_end; /* highest RAM offset used by a section */
} app_elf;

static int fail(const app_elf *a, const char *what)
{
    fprintf(stderr, "elf2tbf: %s: %s\n", a->path, what);
    return -1;
}

static int failx(const app_elf *a, const char *what, uint32_t x)
{
    fprintf(stderr, "elf2tbf: %s: %s 0x%08x\n", a->path, what, x);
    return -1;
}

static int check_elf_header(app_elf *a)
{
    GElf_Ehdr eh;
    if (elf_kind(a->elf) != ELF_K_ELF || gelf_getehdr(a->elf, &eh) == NULL) {
        return fail(a, "not an ELF file");
    }
    if (gelf_getclass(a->elf) != ELFCLASS32 || eh.e_machine != EM_ARM || eh.e_type != ET_EXEC) {
        return fail(a, "not a 32-bit ARM executable");
    }
    return 0;
}

/* The flash extent: every PT_LOAD segment with file bytes must load there. */
static int find_flash(app_elf *a, size_t phnum)
{
    a->flash_start = UINT32_MAX;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(a->elf, (int)i, &ph) == NULL) {
            return fail(a, "corrupt program headers");
        }
        if (ph.p_type != PT_LOAD || ph.p_filesz == 0) {
            continue;
        }
        if (ph.p_paddr < APP_FLASH_BASE || ph.p_paddr + ph.p_filesz > UINT32_MAX ||
            ph.p_offset + ph.p_filesz > a->raw_size) {
            return failx(a, "loadable segment outside app flash (link with apps/lib/app.ld) at",
                         (uint32_t)ph.p_paddr);
        }
        if (ph.p_paddr < a->flash_start) {
            a->flash_start = (uint32_t)ph.p_paddr;
        }
        if (ph.p_paddr + ph.p_filesz > a->flash_end) {
            a->flash_end = (uint32_t)(ph.p_paddr + ph.p_filesz);
        }
    }
    return a->flash_start == UINT32_MAX ? fail(a, "no loadable bytes") : 0;
}

static int copy_segments(app_elf *a, size_t phnum)
{
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(a->elf, (int)i, &ph) != NULL && ph.p_type == PT_LOAD && ph.p_filesz != 0) {
            memcpy(a->binary + (ph.p_paddr - a->flash_start), a->raw + ph.p_offset, ph.p_filesz);
        }
    }
    return 0;
}

/* .rel.data as crt0 wants it; only absolute word relocations make sense there. */
static int find_reldata(app_elf *a, Elf_Data **out)
{
    size_t shstrndx;
    *out = NULL;
    if (elf_getshdrstrndx(a->elf, &shstrndx) != 0) {
        return fail(a, "corrupt section headers");
    }
    for (Elf_Scn *scn = elf_nextscn(a->elf, NULL); scn != NULL; scn = elf_nextscn(a->elf, scn)) {
        GElf_Shdr sh;
        const char *name = gelf_getshdr(scn, &sh) ? elf_strptr(a->elf, shstrndx, sh.sh_name) : 0;
        if (name != NULL && sh.sh_type == SHT_REL && strcmp(name, ".rel.data") == 0) {
            *out = elf_getdata(scn, NULL);
            return *out == NULL ? fail(a, "unreadable .rel.data") : 0;
        }
    }
    return 0;
}

static int check_relocations(const app_elf *a, const Elf_Data *rel)
{
    size_t count = rel->d_size / sizeof(Elf32_Rel);
    for (size_t i = 0; i < count; i++) {
        GElf_Rel r;
        if (gelf_getrel((Elf_Data *)rel, (int)i, &r) == NULL) {
            return fail(a, "corrupt .rel.data");
        }
        if (GELF_R_TYPE(r.r_info) != R_ARM_ABS32) {
            return failx(a, ".rel.data: crt0 can only apply R_ARM_ABS32, not a relocation at",
                         (uint32_t)r.r_offset);
        }
    }
    return 0;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Flash bytes plus the relocation table, checked against the crt0 header. */
static int build_binary(app_elf *a, size_t phnum)
{
    Elf_Data *rel;
    if (find_flash(a, phnum) != 0 || find_reldata(a, &rel) != 0 ||
        (rel != NULL && check_relocations(a, rel) != 0)) {
        return -1;
    }
    uint32_t flash_size = a->flash_end - a->flash_start;
    uint32_t rel_size = rel != NULL ? (uint32_t)rel->d_size : 0;
    if (flash_size < 4 * CRT0_HEADER_WORDS || flash_size % 4 != 0) {
        return fail(a, "flash part too small or not word-sized: no crt0 header");
    }
    a->binary_size = flash_size + 4 + rel_size;
    a->binary = calloc(1, a->binary_size);
    if (a->binary == NULL) {
        return fail(a, "out of memory");
    }
    copy_segments(a, phnum);
    if (get32(a->binary + 4 * CRT0_RELDATA_START) != flash_size) {
        return failx(a, "crt0 header: reldata_start is not the end of flash data, but",
                     get32(a->binary + 4 * CRT0_RELDATA_START));
    }
    memcpy(a->binary + flash_size, &rel_size, 4); /* host is little-endian like the target */
    if (rel_size != 0) {
        memcpy(a->binary + flash_size + 4, rel->d_buf, rel_size);
    }
    return 0;
}

/* Highest RAM offset of any allocated section: stack, .got, .data, .bss, heap. */
static int find_ram_end(app_elf *a)
{
    for (Elf_Scn *scn = elf_nextscn(a->elf, NULL); scn != NULL; scn = elf_nextscn(a->elf, scn)) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) == NULL) {
            return fail(a, "corrupt section headers");
        }
        if ((sh.sh_flags & SHF_ALLOC) && sh.sh_size != 0 && sh.sh_addr < APP_FLASH_BASE &&
            sh.sh_addr + sh.sh_size > a->ram_end) {
            a->ram_end = (uint32_t)(sh.sh_addr + sh.sh_size);
        }
    }
    return a->ram_end >= APP_FLASH_BASE ? fail(a, "RAM sections run into flash") : 0;
}

static int load_app(app_elf *a)
{
    size_t phnum;
    a->raw = (const uint8_t *)elf_rawfile(a->elf, &a->raw_size);
    if (a->raw == NULL || check_elf_header(a) != 0) {
        return a->raw == NULL ? fail(a, "unreadable") : -1;
    }
    if (elf_getphdrnum(a->elf, &phnum) != 0) {
        return fail(a, "corrupt program headers");
    }
    return build_binary(a, phnum) != 0 || find_ram_end(a) != 0 ? -1 : 0;
}

static int write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        fprintf(stderr, "elf2tbf: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int make_image(const options *o, app_elf *a)
{
    GElf_Ehdr eh;
    gelf_getehdr(a->elf, &eh);
    uint32_t entry = (uint32_t)eh.e_entry & ~1u; /* pc is even; the kernel sets the T bit */
    if (entry < a->flash_start || entry >= a->flash_end) {
        return failx(a, "entry point outside the app's flash:", entry);
    }
    uint64_t ram = ((uint64_t)a->ram_end + o->kernel_heap + 7u) & ~(uint64_t)7u;
    tbf_spec spec = {o->name,
                     (o->disabled ? 0 : TBF_FLAG_ENABLED) | (o->sticky ? TBF_FLAG_STICKY : 0),
                     entry - a->flash_start,
                     (uint32_t)ram,
                     o->app_version,
                     a->binary,
                     a->binary_size};
    uint32_t size;
    uint8_t *img = ram > UINT32_MAX ? NULL : tbf_build(&spec, &size);
    if (img == NULL) {
        return fail(a, "image too large for a TBF header");
    }
    int rc = write_file(o->output, img, size);
    free(img);
    return rc;
}

static int convert(const options *o)
{
    app_elf a = {.path = o->input};
    int fd = open(o->input, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "elf2tbf: %s: %s\n", o->input, strerror(errno));
        return EXIT_BAD_INPUT;
    }
    elf_version(EV_CURRENT);
    a.elf = elf_begin(fd, ELF_C_READ, NULL);
    int rc = a.elf == NULL ? fail(&a, "not an ELF file") : load_app(&a);
    if (rc == 0) {
        rc = make_image(o, &a);
    }
    free(a.binary);
    if (a.elf != NULL) {
        elf_end(a.elf);
    }
    close(fd);
    return rc == 0 ? EXIT_OK : EXIT_BAD_INPUT;
}

static uint8_t *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0, got;
    if (f == NULL) {
        fprintf(stderr, "elf2tbf: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    do {
        uint8_t *grown = n == cap ? realloc(buf, cap = cap * 2 + 4096) : buf;
        if (grown == NULL) {
            break;
        }
        buf = grown;
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got != 0);
    bool ok = !ferror(f) && buf != NULL;
    fclose(f);
    if (!ok) {
        fprintf(stderr, "elf2tbf: %s: read error\n", path);
        free(buf);
        return NULL;
    }
    *size = n;
    return buf;
}

static int inspect(const char *path)
{
    size_t size;
    uint8_t *buf = read_all(path, &size);
    if (buf == NULL) {
        return EXIT_BAD_INPUT;
    }
    tbf_decoded *d = malloc(sizeof *d);
    unsigned problems = d != NULL ? tbf_decode(buf, size, d) : 1;
    if (d != NULL) {
        tbf_print(stdout, path, buf, d);
    }
    free(d);
    free(buf);
    return problems == 0 ? EXIT_OK : EXIT_MALFORMED;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: elf2tbf [options] -o OUT.tbf APP.elf\n"
            "       elf2tbf --inspect FILE.tbf\n"
            "\n"
            "  -o, --output FILE     the TBF image to write\n"
            "  -n, --name NAME       package name (default: the ELF's file name, no extension)\n"
            "  --kernel-heap BYTES   grant space added to minimum_ram_size (default %u)\n"
            "  --app-version N       Program TLV app_version (default 0)\n"
            "  --disabled            clear the enabled flag\n"
            "  --sticky              set the sticky flag\n"
            "  --inspect FILE        decode and check a TBF image\n"
            "\n"
            "exit status: 0 ok; 1 --inspect found a malformed image; 2 bad input\n",
            DEFAULT_KERNEL_HEAP);
}

static bool parse_u32(const char *s, uint32_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0' || x > UINT32_MAX || s[0] == '-') {
        return false;
    }
    *v = (uint32_t)x;
    return true;
}

/* Default package name: the input's base name without its extension. */
static char *default_name(const char *input)
{
    char *copy = strdup(input);
    char *name = copy ? strdup(basename(copy)) : NULL;
    free(copy);
    char *dot = name ? strrchr(name, '.') : NULL;
    if (dot != NULL && dot != name) {
        *dot = '\0';
    }
    return name;
}

static int parse_args(int argc, char **argv, options *o, const char **inspect_path)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                         {"name", required_argument, 0, 'n'},
                                         {"kernel-heap", required_argument, 0, 'k'},
                                         {"app-version", required_argument, 0, 'v'},
                                         {"disabled", no_argument, 0, 'd'},
                                         {"sticky", no_argument, 0, 's'},
                                         {"inspect", required_argument, 0, 'i'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "o:n:h", opts, NULL)) != -1) {
        bool ok = true;
        switch (c) {
        case 'o':
            o->output = optarg;
            break;
        case 'n':
            o->name = optarg;
            break;
        case 'k':
            ok = parse_u32(optarg, &o->kernel_heap);
            break;
        case 'v':
            ok = parse_u32(optarg, &o->app_version);
            break;
        case 'd':
            o->disabled = true;
            break;
        case 's':
            o->sticky = true;
            break;
        case 'i':
            *inspect_path = optarg;
            break;
        case 'h':
            usage(stdout);
            exit(EXIT_OK);
        default:
            ok = false;
        }
        if (!ok) {
            fprintf(stderr, "elf2tbf: bad option or value (see elf2tbf --help)\n");
            return EXIT_BAD_INPUT;
        }
    }
    o->input = optind == argc - 1 ? argv[optind] : NULL;
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    options o = {.kernel_heap = DEFAULT_KERNEL_HEAP};
    const char *inspect_path = NULL;
    if (parse_args(argc, argv, &o, &inspect_path) != EXIT_OK) {
        return EXIT_BAD_INPUT;
    }
    if (inspect_path != NULL) {
        return optind == argc ? inspect(inspect_path) : (usage(stderr), EXIT_BAD_INPUT);
    }
    if (o.input == NULL || o.output == NULL) {
        usage(stderr);
        return EXIT_BAD_INPUT;
    }
    char *name = o.name ? NULL : default_name(o.input);
    if (o.name == NULL) {
        o.name = name ? name : "app";
    }
    int rc = convert(&o);
    free(name);
    return rc;
}

/* ELF loading.  The whole file is read into memory first so that every
 * offset can be checked against its real size; libelf then decodes the
 * headers.  Every field is untrusted: a bad file is a message, never a
 * crash. */
#include "elf_load.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ELF_FILE_MAX (1ull << 30) /* far beyond any firmware, short of silly */

typedef struct loader {
    const char *path;
    char *err;
    size_t errlen;
    const board *board;
    char *buf; /* the whole file */
    size_t size;
    Elf *elf;
    elf_image *img;
} loader;

static int lfail(loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int lfail(loader *ld, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(ld->err, ld->errlen, "%s: %s", ld->path, msg);
    return -1;
}

static int corrupt(loader *ld, const char *what)
{
    return lfail(ld, "truncated or corrupt ELF file (%s: %s)", what, elf_errmsg(-1));
}

/* ---- reading the file ------------------------------------------------- */

static int read_fd(loader *ld, int fd)
{
    size_t cap = 0;
    for (;;) {
        if (ld->size == cap) {
            cap = cap != 0 ? cap * 2 : 64 * 1024;
            char *grown = cap <= ELF_FILE_MAX ? realloc(ld->buf, cap) : NULL;
            if (grown == NULL) {
                return lfail(ld, "cannot read (file too large or out of memory)");
            }
            ld->buf = grown;
        }
        ssize_t n = read(fd, ld->buf + ld->size, cap - ld->size);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return lfail(ld, "cannot read (%s)", strerror(errno));
        }
        if (n == 0) {
            return 0;
        }
        ld->size += (size_t)n;
    }
}

static int read_file(loader *ld)
{
    int fd = open(ld->path, O_RDONLY);
    if (fd < 0) {
        return lfail(ld, "cannot open (%s)", strerror(errno));
    }
    struct stat st;
    int rc;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        rc = lfail(ld, "cannot open (%s)", strerror(EISDIR));
    } else {
        rc = read_fd(ld, fd);
    }
    close(fd);
    return rc;
}

/* ---- the ELF header --------------------------------------------------- */

static const char *machine_name(unsigned m)
{
    switch (m) {
    case EM_386:
        return ", x86";
    case EM_X86_64:
        return ", x86-64";
    case EM_AARCH64:
        return ", AArch64";
    case EM_MIPS:
        return ", MIPS";
    case EM_RISCV:
        return ", RISC-V";
    default:
        return "";
    }
}

static const char *type_name(unsigned t)
{
    switch (t) {
    case ET_REL:
        return "a relocatable object, ET_REL: link it first";
    case ET_DYN:
        return "a shared object or PIE, ET_DYN";
    case ET_CORE:
        return "a core dump, ET_CORE";
    default:
        return "e_type is not ET_EXEC";
    }
}

/* Identification bytes are checked by hand: libelf refuses some of these
 * files outright, and the user deserves to know which check failed. */
static int check_ident(loader *ld)
{
    const unsigned char *id = (const unsigned char *)ld->buf;
    if (ld->size < SELFMAG || memcmp(id, ELFMAG, SELFMAG) != 0) {
        return lfail(ld, "not an ELF file");
    }
    if (ld->size < EI_NIDENT) {
        return lfail(ld, "truncated or corrupt ELF file (%zu bytes, shorter than e_ident)",
                     ld->size);
    }
    if (id[EI_CLASS] != ELFCLASS32) {
        return lfail(ld, "not 32-bit (%s)",
                     id[EI_CLASS] == ELFCLASS64 ? "ELFCLASS64" : "bad class");
    }
    if (id[EI_DATA] != ELFDATA2LSB) {
        return lfail(ld, "not little-endian (%s)",
                     id[EI_DATA] == ELFDATA2MSB ? "big-endian" : "bad data encoding");
    }
    if (ld->size < sizeof(Elf32_Ehdr)) {
        return lfail(ld, "truncated or corrupt ELF file (%zu bytes, shorter than the ELF header)",
                     ld->size);
    }
    return 0;
}

static int check_header(loader *ld)
{
    if (check_ident(ld) != 0) {
        return -1;
    }
    elf_version(EV_CURRENT);
    ld->elf = elf_memory(ld->buf, ld->size);
    if (ld->elf == NULL || elf_kind(ld->elf) != ELF_K_ELF) {
        return corrupt(ld, "header");
    }
    const Elf32_Ehdr *eh = elf32_getehdr(ld->elf);
    if (eh == NULL) {
        return corrupt(ld, "header");
    }
    if (eh->e_machine != EM_ARM) {
        return lfail(ld, "not ARM (e_machine %u%s)", eh->e_machine, machine_name(eh->e_machine));
    }
    if (eh->e_type != ET_EXEC) {
        return lfail(ld, "not an executable (%s)", type_name(eh->e_type));
    }
    ld->img->entry = eh->e_entry;
    return 0;
}

/* A table of `count` entries of `entsize` bytes at `off` must lie in the file. */
static int check_table(loader *ld, const char *what, uint64_t off, uint64_t count, uint64_t entsize,
                       uint64_t expected_entsize)
{
    if (count == 0) {
        return 0;
    }
    if (entsize != expected_entsize) {
        return lfail(ld, "truncated or corrupt ELF file (%s entry size %llu, expected %llu)", what,
                     (unsigned long long)entsize, (unsigned long long)expected_entsize);
    }
    if (off > ld->size || count * entsize > ld->size - off) {
        return lfail(ld,
                     "truncated or corrupt ELF file (%s [0x%llx, 0x%llx) beyond end of file, "
                     "%zu bytes)",
                     what, (unsigned long long)off, (unsigned long long)(off + count * entsize),
                     ld->size);
    }
    return 0;
}

/* ---- segments ---------------------------------------------------------- */

/* [addr, addr+len) must lie inside one memory region of the board. */
static int check_placement(loader *ld, const char *what, uint32_t addr, uint32_t len)
{
    uint64_t end = (uint64_t)addr + len;
    if (end <= (1ull << 32) && board_memory_containing(ld->board, addr, len) != NULL) {
        return 0;
    }
    for (unsigned i = 0; i < ld->board->num_memory; i++) {
        const board_memory *m = &ld->board->memory[i];
        if (addr < (uint64_t)m->base + m->size && m->base < end) {
            return lfail(ld,
                         "%s [0x%08x, 0x%08llx) crosses the boundary of memory \"%s\" "
                         "[0x%08x, 0x%08llx) on board %s",
                         what, addr, (unsigned long long)end, m->name, m->base,
                         (unsigned long long)m->base + m->size, ld->board->name);
        }
    }
    return lfail(ld, "%s [0x%08x, 0x%08llx) is outside the memory map of board %s", what, addr,
                 (unsigned long long)end, ld->board->name);
}

static int add_segment(loader *ld, uint32_t addr, uint32_t filesz, uint32_t memsz, const char *data)
{
    elf_image *img = ld->img;
    elf_segment *grown = realloc(img->segments, (img->num_segments + 1) * sizeof *grown);
    if (grown == NULL) {
        return lfail(ld, "out of memory");
    }
    img->segments = grown;
    elf_segment *s = &img->segments[img->num_segments];
    *s = (elf_segment){addr, filesz, memsz, NULL};
    if (filesz != 0) {
        s->data = malloc(filesz);
        if (s->data == NULL) {
            return lfail(ld, "out of memory");
        }
        memcpy(s->data, data, filesz);
    }
    img->num_segments++;
    return 0;
}

/* File bytes go to the load address (p_paddr).  The zero fill beyond them
 * (.bss) belongs at the run address: when the two differ (.data copied
 * from flash to RAM by the start-up code) it becomes a segment of its own
 * at p_vaddr + p_filesz instead of zeroing flash past the data image. */
static int load_segment(loader *ld, size_t index, const GElf_Phdr *ph)
{
    char what[64];
    snprintf(what, sizeof what, "segment %zu", index);
    if (ph->p_filesz > ph->p_memsz) {
        return lfail(ld,
                     "truncated or corrupt ELF file (%s: file size 0x%llx larger than its memory "
                     "size 0x%llx)",
                     what, (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
    }
    if (ph->p_offset > ld->size || ph->p_filesz > ld->size - ph->p_offset) {
        return lfail(ld,
                     "%s: file data [0x%llx, 0x%llx) lies beyond the end of the file (%zu bytes)",
                     what, (unsigned long long)ph->p_offset,
                     (unsigned long long)(ph->p_offset + ph->p_filesz), ld->size);
    }
    uint32_t paddr = (uint32_t)ph->p_paddr, vaddr = (uint32_t)ph->p_vaddr;
    uint32_t filesz = (uint32_t)ph->p_filesz, memsz = (uint32_t)ph->p_memsz;
    uint32_t fill = memsz - filesz;
    bool split = fill != 0 && paddr != vaddr;
    uint32_t here = split ? filesz : memsz;
    if (here != 0 && (check_placement(ld, what, paddr, here) ||
                      add_segment(ld, paddr, filesz, here, ld->buf + ph->p_offset))) {
        return -1;
    }
    if (!split) {
        return 0;
    }
    snprintf(what, sizeof what, "segment %zu zero fill", index);
    if ((uint64_t)vaddr + filesz > UINT32_MAX) {
        return lfail(ld, "%s at 0x%08x + 0x%x is outside the 32-bit address space", what, vaddr,
                     filesz);
    }
    return check_placement(ld, what, vaddr + filesz, fill) ||
           add_segment(ld, vaddr + filesz, 0, fill, NULL);
}

static int load_segments(loader *ld)
{
    size_t phnum;
    const Elf32_Ehdr *eh = elf32_getehdr(ld->elf);
    /* The raw counts first: libelf quietly treats tables beyond the end of
     * the file as empty, which would hide a truncated file. */
    if (check_table(ld, "program headers", eh->e_phoff, eh->e_phnum, eh->e_phentsize,
                    sizeof(Elf32_Phdr)) != 0) {
        return -1;
    }
    if (elf_getphdrnum(ld->elf, &phnum) != 0) {
        return corrupt(ld, "program headers");
    }
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(ld->elf, (int)i, &ph) == NULL) {
            return corrupt(ld, "program headers");
        }
        if (ph.p_type == PT_LOAD && ph.p_memsz != 0 && load_segment(ld, i, &ph) != 0) {
            return -1;
        }
    }
    if (ld->img->num_segments == 0) {
        return lfail(ld, "no loadable segment (no PT_LOAD program header with a size)");
    }
    return 0;
}

/* ---- symbols ----------------------------------------------------------- */

static bool keep_symbol(const GElf_Sym *s, const char *name)
{
    int type = GELF_ST_TYPE(s->st_info);
    if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE) {
        return false;
    }
    if (name == NULL || name[0] == '\0' || s->st_shndx == SHN_UNDEF) {
        return false;
    }
    /* ARM mapping symbols ($a, $t, $d, optionally with a ".suffix") */
    return !(name[0] == '$' && name[1] != '\0' && strchr("atd", name[1]) != NULL &&
             (name[2] == '\0' || name[2] == '.'));
}

static int add_symbol(loader *ld, const GElf_Sym *s, const char *name, size_t *cap)
{
    elf_image *img = ld->img;
    if (img->num_symbols == *cap) {
        *cap = *cap != 0 ? *cap * 2 : 256;
        elf_symbol *grown = realloc(img->symbols, *cap * sizeof *grown);
        if (grown == NULL) {
            return lfail(ld, "out of memory");
        }
        img->symbols = grown;
    }
    int is_func = GELF_ST_TYPE(s->st_info) == STT_FUNC;
    elf_symbol *sym = &img->symbols[img->num_symbols];
    *sym = (elf_symbol){strdup(name), (uint32_t)s->st_value & (is_func ? ~1u : ~0u),
                        (uint32_t)s->st_size, is_func};
    if (sym->name == NULL) {
        return lfail(ld, "out of memory");
    }
    img->num_symbols++;
    return 0;
}

static int load_symtab(loader *ld, Elf_Scn *scn, const GElf_Shdr *sh, size_t *cap)
{
    if (sh->sh_offset > ld->size || sh->sh_size > ld->size - sh->sh_offset) {
        return lfail(ld, "truncated or corrupt ELF file (symbol table beyond end of file)");
    }
    Elf_Data *data = elf_getdata(scn, NULL);
    if (data == NULL) {
        return corrupt(ld, "symbol table");
    }
    size_t count = data->d_size / sizeof(Elf32_Sym);
    for (size_t i = 1; i < count; i++) {
        GElf_Sym s;
        if (gelf_getsym(data, (int)i, &s) == NULL) {
            return corrupt(ld, "symbol table");
        }
        const char *name = elf_strptr(ld->elf, sh->sh_link, s.st_name);
        if (keep_symbol(&s, name) && add_symbol(ld, &s, name, cap) != 0) {
            return -1;
        }
    }
    return 0;
}

static int compare_symbols(const void *pa, const void *pb)
{
    const elf_symbol *a = pa, *b = pb;
    if (a->addr != b->addr) {
        return a->addr < b->addr ? -1 : 1;
    }
    if (a->is_func != b->is_func) {
        return b->is_func - a->is_func; /* functions first */
    }
    if (a->size != b->size) {
        return a->size > b->size ? -1 : 1; /* then sized symbols */
    }
    return strcmp(a->name, b->name);
}

static int load_symbols(loader *ld)
{
    const Elf32_Ehdr *eh = elf32_getehdr(ld->elf);
    size_t shnum, cap = 0;
    /* e_shnum 0 with e_shoff set: the real count is in section header 0 */
    uint64_t raw = eh->e_shnum != 0 ? eh->e_shnum : eh->e_shoff != 0;
    if (check_table(ld, "section headers", eh->e_shoff, raw, eh->e_shentsize, sizeof(Elf32_Shdr)) !=
        0) {
        return -1;
    }
    if (elf_getshdrnum(ld->elf, &shnum) != 0) {
        return corrupt(ld, "section headers");
    }
    if (check_table(ld, "section headers", eh->e_shoff, shnum, eh->e_shentsize,
                    sizeof(Elf32_Shdr)) != 0) {
        return -1;
    }
    for (Elf_Scn *scn = elf_nextscn(ld->elf, NULL); scn != NULL; scn = elf_nextscn(ld->elf, scn)) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) == NULL) {
            return corrupt(ld, "section headers");
        }
        if (sh.sh_type == SHT_SYMTAB && load_symtab(ld, scn, &sh, &cap) != 0) {
            return -1;
        }
    }
    if (ld->img->num_symbols > 1) {
        qsort(ld->img->symbols, ld->img->num_symbols, sizeof(elf_symbol), compare_symbols);
    }
    return 0;
}

/* ---- public ------------------------------------------------------------ */

int elf_image_load(const char *path, const board *b, elf_image *img, char *err, size_t errlen)
{
    loader ld = {path, err, errlen, b, NULL, 0, NULL, img};
    memset(img, 0, sizeof *img);
    img->path = strdup(path);
    int rc = img->path == NULL ? lfail(&ld, "out of memory") : 0;
    rc = rc || read_file(&ld) || check_header(&ld) || load_segments(&ld) || load_symbols(&ld);
    if (ld.elf != NULL) {
        elf_end(ld.elf);
    }
    free(ld.buf);
    if (rc != 0) {
        elf_image_free(img);
        return -1;
    }
    return 0;
}

void elf_image_free(elf_image *img)
{
    for (size_t i = 0; i < img->num_segments; i++) {
        free(img->segments[i].data);
    }
    for (size_t i = 0; i < img->num_symbols; i++) {
        free(img->symbols[i].name);
    }
    free(img->segments);
    free(img->symbols);
    free(img->path);
    memset(img, 0, sizeof *img);
}

/* Among the symbols at the highest address <= addr, the first one that
 * contains addr (functions and sized symbols sort first), else the first. */
const elf_symbol *elf_symbol_at(const elf_image *img, uint32_t addr)
{
    size_t lo = 0, hi = img->num_symbols;
    while (lo < hi) { /* first symbol above addr */
        size_t mid = lo + (hi - lo) / 2;
        if (img->symbols[mid].addr <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0) {
        return NULL;
    }
    size_t first = lo - 1;
    while (first > 0 && img->symbols[first - 1].addr == img->symbols[lo - 1].addr) {
        first--;
    }
    for (size_t i = first; i < lo; i++) {
        if (addr - img->symbols[i].addr < img->symbols[i].size) {
            return &img->symbols[i];
        }
    }
    return &img->symbols[first];
}

const elf_symbol *elf_symbol_named(const elf_image *img, const char *name)
{
    for (size_t i = 0; i < img->num_symbols; i++) {
        if (strcmp(img->symbols[i].name, name) == 0) {
            return &img->symbols[i];
        }
    }
    return NULL;
}

/* TBF v2 header building and hostile-input decoding. */
#include "tbf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECKSUM_WORD 3 /* word index of the checksum in the base header */

static uint32_t pad4(uint64_t n)
{
    return (uint32_t)((n + 3u) & ~(uint64_t)3u);
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

uint32_t tbf_checksum(const uint8_t *header, size_t header_size)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < header_size / 4; i++) {
        if (i != CHECKSUM_WORD) {
            sum ^= get32(header + 4 * i);
        }
    }
    return sum;
}

uint32_t tbf_header_size(size_t name_len)
{
    uint64_t n = TBF_BASE_HEADER_SIZE + TBF_TLV_HEADER_SIZE + TBF_PROGRAM_TLV_LENGTH +
                 TBF_TLV_HEADER_SIZE + pad4(name_len);
    return n > UINT16_MAX ? 0 : (uint32_t)n;
}

/* ---- building ---------------------------------------------------------- */

static uint8_t *put_tlv(uint8_t *p, uint16_t type, uint32_t length)
{
    put16(p, type);
    put16(p + 2, length);
    return p + TBF_TLV_HEADER_SIZE;
}

static void put_header(uint8_t *img, const tbf_spec *spec, uint32_t header_size, uint32_t total)
{
    size_t name_len = strlen(spec->name);
    put16(img, TBF_VERSION);
    put16(img + 2, header_size);
    put32(img + 4, total);
    put32(img + 8, spec->flags);
    uint8_t *p = put_tlv(img + TBF_BASE_HEADER_SIZE, TBF_TLV_PROGRAM, TBF_PROGRAM_TLV_LENGTH);
    const uint32_t program[] = {spec->init_offset, 0, spec->minimum_ram_size,
                                header_size + pad4(spec->binary_size), spec->app_version};
    for (size_t i = 0; i < sizeof(program) / sizeof(program[0]); i++) {
        put32(p + 4 * i, program[i]);
    }
    p = put_tlv(p + TBF_PROGRAM_TLV_LENGTH, TBF_TLV_PACKAGE_NAME, (uint32_t)name_len);
    memcpy(p, spec->name, name_len); /* padding stays zero (calloc) */
    put32(img + 4 * CHECKSUM_WORD, tbf_checksum(img, header_size));
}

uint8_t *tbf_build(const tbf_spec *spec, uint32_t *size)
{
    size_t name_len = strlen(spec->name);
    uint32_t header_size = tbf_header_size(name_len);
    /* A power of two of at least 32 bytes: placed at a multiple of its size
     * (the --app loader and the kernel's upload do), one MPU region opens
     * exactly the image and nothing of its neighbours. */
    uint64_t used = (uint64_t)header_size + pad4(spec->binary_size);
    uint64_t total = 32;
    while (total < used) {
        total *= 2;
    }
    if (header_size == 0 || name_len > UINT16_MAX || total > UINT32_MAX) {
        return NULL;
    }
    uint8_t *img = calloc(1, (size_t)total);
    if (img == NULL) {
        return NULL;
    }
    memcpy(img + header_size, spec->binary, spec->binary_size);
    put_header(img, spec, header_size, (uint32_t)total);
    *size = (uint32_t)total;
    return img;
}

/* ---- decoding ---------------------------------------------------------- */

static void problem(tbf_decoded *d, const char *fmt, ...)
{
    if (d->num_problems < TBF_MAX_PROBLEMS) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->problems[d->num_problems], TBF_PROBLEM_LEN, fmt, ap);
        va_end(ap);
    }
    d->num_problems++;
}

const char *tbf_tlv_name(uint16_t type)
{
    static const char *const names[] = {
        [TBF_TLV_MAIN] = "main",
        [TBF_TLV_WRITEABLE_FLASH] = "writeable flash region",
        [TBF_TLV_PACKAGE_NAME] = "package name",
        [TBF_TLV_FIXED_ADDRESSES] = "fixed addresses",
        [TBF_TLV_PERMISSIONS] = "permissions",
        [TBF_TLV_PERSISTENT_ACL] = "persistent ACL",
        [TBF_TLV_KERNEL_VERSION] = "kernel version",
        [TBF_TLV_PROGRAM] = "program",
        [TBF_TLV_SHORT_ID] = "short id",
    };
    return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}

static void check_base(tbf_decoded *d)
{
    if (d->version != TBF_VERSION) {
        problem(d, "version: %u, expected %u", d->version, TBF_VERSION);
    }
    if (d->header_size < TBF_BASE_HEADER_SIZE) {
        problem(d, "header_size: %u is less than the %u-byte base header", d->header_size,
                TBF_BASE_HEADER_SIZE);
    }
    if (d->header_size % 4 != 0) {
        problem(d, "header_size: %u is not a multiple of 4", d->header_size);
    }
    if (d->header_size > d->total_size) {
        problem(d, "header_size: %u is larger than total_size %u", d->header_size, d->total_size);
    }
    if (d->header_size > d->file_size) {
        problem(d, "header_size: %u runs past the end of the file (%zu bytes)", d->header_size,
                d->file_size);
    }
    if (d->total_size % 4 != 0) {
        problem(d, "total_size: %u is not a multiple of 4", d->total_size);
    }
    if (d->total_size > d->file_size) {
        problem(d, "total_size: %u runs past the end of the file (%zu bytes)", d->total_size,
                d->file_size);
    }
}

static void decode_program(tbf_decoded *d, const uint8_t *v, uint16_t type, uint16_t length)
{
    bool is_main = type == TBF_TLV_MAIN;
    uint16_t want = is_main ? TBF_MAIN_TLV_LENGTH : TBF_PROGRAM_TLV_LENGTH;
    bool *have = is_main ? &d->have_main : &d->have_program;
    const char *what = tbf_tlv_name(type);
    if (length != want) {
        problem(d, "%s tlv: length %u, expected %u", what, length, want);
        return;
    }
    if (*have) {
        problem(d, "%s tlv: appears more than once", what);
        return;
    }
    *have = true;
    if (is_main && d->have_program) {
        return; /* Program supersedes Main */
    }
    d->program = (tbf_program){get32(v), get32(v + 4), get32(v + 8), is_main ? 0 : get32(v + 12),
                               is_main ? 0 : get32(v + 16)};
}

static void decode_name(tbf_decoded *d, const uint8_t *v, uint16_t length)
{
    if (d->have_name) {
        problem(d, "package name tlv: appears more than once");
        return;
    }
    d->have_name = true;
    d->name_len = length;
    size_t keep = length < sizeof(d->name) - 1 ? length : sizeof(d->name) - 1;
    memcpy(d->name, v, keep);
    d->name[keep] = '\0';
}

/* One TLV at off (< end); returns the offset of the next, or end to stop. */
static uint32_t decode_tlv(tbf_decoded *d, const uint8_t *buf, uint32_t off, uint32_t end)
{
    if (end - off < TBF_TLV_HEADER_SIZE) {
        problem(d, "tlv at offset %u: its 4-byte type/length runs past header_size %u", off, end);
        return end;
    }
    uint16_t type = get16(buf + off), length = get16(buf + off + 2);
    uint32_t value = off + TBF_TLV_HEADER_SIZE;
    if (length > end - value) {
        problem(d, "tlv type %u at offset %u: length %u overruns the header (%u bytes left)", type,
                off, length, end - value);
        return end;
    }
    if (d->num_tlvs < TBF_MAX_TLVS) {
        d->tlvs[d->num_tlvs] = (tbf_tlv){type, length, off};
    }
    d->num_tlvs++;
    if (type == TBF_TLV_MAIN || type == TBF_TLV_PROGRAM) {
        decode_program(d, buf + value, type, length);
    } else if (type == TBF_TLV_PACKAGE_NAME) {
        decode_name(d, buf + value, length);
    }
    uint64_t next = (uint64_t)value + pad4(length);
    return next > end ? end : (uint32_t)next;
}

/* The entry point and sizes against the image's own extent. */
static void check_program(tbf_decoded *d)
{
    const tbf_program *p = &d->program;
    if (!d->have_main && !d->have_program) {
        problem(d, "no main or program tlv: the image has no entry point");
        return;
    }
    uint32_t after_header = d->total_size - d->header_size;
    if (p->protected_trailer_size > after_header) {
        problem(d, "protected_trailer_size: %u is larger than the %u bytes after the header",
                p->protected_trailer_size, after_header);
        return;
    }
    uint32_t binary = after_header - p->protected_trailer_size;
    if (d->have_program) {
        uint32_t start = d->header_size + p->protected_trailer_size;
        if (p->binary_end_offset < start || p->binary_end_offset > d->total_size) {
            problem(d, "binary_end_offset: %u is outside the binary (%u..%u)", p->binary_end_offset,
                    start, d->total_size);
        } else {
            binary = p->binary_end_offset - start;
        }
    }
    if (p->init_offset >= binary) {
        problem(d, "init_offset: %u is outside the binary (%u bytes)", p->init_offset, binary);
    }
}

static void decode_tlvs(tbf_decoded *d, const uint8_t *buf)
{
    uint32_t end = d->header_size;
    if (end > d->file_size) {
        end = (uint32_t)d->file_size;
    }
    for (uint32_t off = TBF_BASE_HEADER_SIZE; off < end;) {
        off = decode_tlv(d, buf, off, end);
    }
}

unsigned tbf_decode(const uint8_t *buf, size_t len, tbf_decoded *d)
{
    memset(d, 0, sizeof *d);
    d->file_size = len;
    if (len < TBF_BASE_HEADER_SIZE) {
        problem(d, "file: %zu bytes, shorter than the %u-byte base header", len,
                TBF_BASE_HEADER_SIZE);
        return d->num_problems;
    }
    d->have_base = true;
    d->version = get16(buf);
    d->header_size = get16(buf + 2);
    d->total_size = get32(buf + 4);
    d->flags = get32(buf + 8);
    d->checksum = get32(buf + 12);
    size_t summed = d->header_size < len ? d->header_size : len;
    d->computed_checksum = tbf_checksum(buf, summed);
    d->checksum_ok = d->checksum == d->computed_checksum;
    check_base(d);
    if (!d->checksum_ok) {
        problem(d, "checksum: stored 0x%08x, computed 0x%08x", d->checksum, d->computed_checksum);
    }
    /* Past a wrong version or an impossible header size the layout is unknown. */
    if (d->version != TBF_VERSION || d->header_size < TBF_BASE_HEADER_SIZE ||
        d->header_size > d->total_size) {
        return d->num_problems;
    }
    decode_tlvs(d, buf);
    check_program(d);
    return d->num_problems;
}

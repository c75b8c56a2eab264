/* Human-readable dump of a decoded TBF header (elf2tbf --inspect). */
#include "tbf_print.h"

#include <ctype.h>

#define HEX_PREVIEW_BYTES 16

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Names may hold any byte in a hostile image: print them escaped. */
static void print_escaped(FILE *out, const uint8_t *s, size_t len)
{
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        if (isprint(s[i]) && s[i] != '"' && s[i] != '\\') {
            fputc(s[i], out);
        } else {
            fprintf(out, "\\x%02x", s[i]);
        }
    }
    fputc('"', out);
}

static void print_base(FILE *out, const tbf_decoded *d)
{
    fprintf(out, "base header\n");
    fprintf(out, "  version                %u\n", d->version);
    fprintf(out, "  header_size            %u\n", d->header_size);
    fprintf(out, "  total_size             %u\n", d->total_size);
    fprintf(out, "  flags                  0x%08x (%s%s)\n", d->flags,
            d->flags & TBF_FLAG_ENABLED ? "enabled" : "disabled",
            d->flags & TBF_FLAG_STICKY ? ", sticky" : "");
    if (d->checksum_ok) {
        fprintf(out, "  checksum               0x%08x (ok)\n", d->checksum);
    } else {
        fprintf(out, "  checksum               0x%08x (bad: computed 0x%08x)\n", d->checksum,
                d->computed_checksum);
    }
}

static void print_program(FILE *out, const uint8_t *v, uint16_t type, uint16_t length)
{
    static const char *const fields[] = {"init_offset", "protected_trailer_size",
                                         "minimum_ram_size", "binary_end_offset", "app_version"};
    size_t count = type == TBF_TLV_MAIN ? 3 : 5;
    if (length != (type == TBF_TLV_MAIN ? TBF_MAIN_TLV_LENGTH : TBF_PROGRAM_TLV_LENGTH)) {
        count = 0; /* wrong length: the decoder said so; show raw bytes only */
    }
    for (size_t i = 0; i < count; i++) {
        uint32_t x = get32(v + 4 * i);
        fprintf(out, "  %-22s %u (0x%08x)\n", fields[i], x, x);
    }
}

static void print_raw(FILE *out, const uint8_t *v, uint16_t length)
{
    size_t shown = length < HEX_PREVIEW_BYTES ? length : HEX_PREVIEW_BYTES;
    if (shown == 0) {
        return;
    }
    fprintf(out, "  bytes                 ");
    for (size_t i = 0; i < shown; i++) {
        fprintf(out, " %02x", v[i]);
    }
    fprintf(out, "%s\n", shown < length ? " ..." : "");
}

static void print_tlv(FILE *out, const uint8_t *buf, const tbf_tlv *t)
{
    const char *name = tbf_tlv_name(t->type);
    const uint8_t *v = buf + t->offset + TBF_TLV_HEADER_SIZE;
    fprintf(out, "tlv %s (type %u) at offset %u, length %u\n", name ? name : "unknown, skipped",
            t->type, t->offset, t->length);
    if (t->type == TBF_TLV_MAIN || t->type == TBF_TLV_PROGRAM) {
        print_program(out, v, t->type, t->length);
        if (t->length == (t->type == TBF_TLV_MAIN ? TBF_MAIN_TLV_LENGTH : TBF_PROGRAM_TLV_LENGTH)) {
            return;
        }
    } else if (t->type == TBF_TLV_PACKAGE_NAME) {
        fprintf(out, "  %-22s ", "name");
        print_escaped(out, v, t->length);
        fputc('\n', out);
        return;
    }
    print_raw(out, v, t->length);
}

unsigned tbf_print(FILE *out, const char *path, const uint8_t *buf, const tbf_decoded *d)
{
    fprintf(out, "%s: %zu bytes\n", path, d->file_size);
    if (d->have_base) {
        print_base(out, d);
    }
    unsigned shown = d->num_tlvs < TBF_MAX_TLVS ? d->num_tlvs : TBF_MAX_TLVS;
    for (unsigned i = 0; i < shown; i++) {
        print_tlv(out, buf, &d->tlvs[i]);
    }
    if (shown < d->num_tlvs) {
        fprintf(out, "... %u more tlvs not shown\n", d->num_tlvs - shown);
    }
    unsigned listed = d->num_problems < TBF_MAX_PROBLEMS ? d->num_problems : TBF_MAX_PROBLEMS;
    for (unsigned i = 0; i < listed; i++) {
        fprintf(out, "%s: error: %s\n", path, d->problems[i]);
    }
    if (listed < d->num_problems) {
        fprintf(out, "%s: ... %u more errors\n", path, d->num_problems - listed);
    }
    if (d->num_problems == 0) {
        fprintf(out, "%s: well-formed TBF v2 image\n", path);
    }
    return d->num_problems;
}

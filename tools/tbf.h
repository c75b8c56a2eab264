/* Tock Binary Format v2 headers: building one for an app binary, and
 * decoding one from untrusted bytes without ever reading past them.
 * The layout is in kernel/ABI.md ("TBF images"). */
#ifndef BULWARK_TBF_H
#define BULWARK_TBF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TBF_VERSION          2
#define TBF_BASE_HEADER_SIZE 16
#define TBF_TLV_HEADER_SIZE  4
#define TBF_FLAG_ENABLED     (1u << 0)
#define TBF_FLAG_STICKY      (1u << 1)

#define TBF_TLV_MAIN            1
#define TBF_TLV_WRITEABLE_FLASH 2
#define TBF_TLV_PACKAGE_NAME    3
#define TBF_TLV_FIXED_ADDRESSES 5
#define TBF_TLV_PERMISSIONS     6
#define TBF_TLV_PERSISTENT_ACL  7
#define TBF_TLV_KERNEL_VERSION  8
#define TBF_TLV_PROGRAM         9
#define TBF_TLV_SHORT_ID        10

#define TBF_MAIN_TLV_LENGTH    12
#define TBF_PROGRAM_TLV_LENGTH 20

/* What the decoder keeps of a TLV list and its complaints (the rest is
 * counted, not stored). */
#define TBF_MAX_TLVS     32
#define TBF_MAX_PROBLEMS 16
#define TBF_PROBLEM_LEN  160

/* The fields shared by the Main TLV (first three) and the Program TLV. */
typedef struct tbf_program {
    uint32_t init_offset;            /* entry, from the start of the binary */
    uint32_t protected_trailer_size; /* bytes between header and binary */
    uint32_t minimum_ram_size;
    uint32_t binary_end_offset; /* from the start of the TBF (Program TLV only) */
    uint32_t app_version;       /* Program TLV only */
} tbf_program;

/* What elf2tbf puts into an image. */
typedef struct tbf_spec {
    const char *name; /* Package Name TLV */
    uint32_t flags;
    uint32_t init_offset;
    uint32_t minimum_ram_size;
    uint32_t app_version;
    const uint8_t *binary;
    uint32_t binary_size; /* padded with zeros to a multiple of 4 */
} tbf_spec;

typedef struct tbf_tlv {
    uint16_t type;
    uint16_t length; /* as stored, before padding */
    uint32_t offset; /* of the TLV's own 4-byte header, from the image start */
} tbf_tlv;

typedef struct tbf_decoded {
    size_t file_size;
    bool have_base; /* the 16-byte base header was there to read */
    uint16_t version;
    uint16_t header_size;
    uint32_t total_size;
    uint32_t flags;
    uint32_t checksum;          /* as stored */
    uint32_t computed_checksum; /* over the header words the file holds */
    bool checksum_ok;
    bool have_main, have_program, have_name;
    tbf_program program; /* from Program if present, else Main */
    char name[64];       /* Package Name, cut at 63 bytes, may hold any byte */
    size_t name_len;     /* as stored */
    tbf_tlv tlvs[TBF_MAX_TLVS];
    unsigned num_tlvs; /* all seen, possibly more than TBF_MAX_TLVS */
    char problems[TBF_MAX_PROBLEMS][TBF_PROBLEM_LEN];
    unsigned num_problems; /* all found, possibly more than TBF_MAX_PROBLEMS */
} tbf_decoded;

/* XOR of the header's 32-bit little-endian words except word 3 (the checksum
 * itself); header_size is rounded down to whole words. */
uint32_t tbf_checksum(const uint8_t *header, size_t header_size);

/* Header size for a Program TLV plus a Package Name TLV of name_len bytes. */
uint32_t tbf_header_size(size_t name_len);

/* A complete image for spec in a new buffer (free() it).  Returns NULL when
 * it would not fit the 16-bit header size or 32-bit total size. */
uint8_t *tbf_build(const tbf_spec *spec, uint32_t *size);

/* Decodes buf[0..len) as hostile input: every field is checked and each
 * problem is recorded naming the field.  Returns the number of problems
 * (0 = a well-formed image). */
unsigned tbf_decode(const uint8_t *buf, size_t len, tbf_decoded *d);

/* Name of a TLV type ("program", "package name", ...) or NULL if unknown. */
const char *tbf_tlv_name(uint16_t type);

#endif

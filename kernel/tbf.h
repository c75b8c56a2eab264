/* Tock Binary Format v2 headers, parsed from untrusted flash (kernel/ABI.md,
 * "TBF images").  Every field is hostile input: the parser reads only
 * bytes inside [image, image + available) and answers either a complete,
 * consistent description or the first reason the image cannot run. */
#ifndef BULWARK_TBF_H
#define BULWARK_TBF_H

#include <stdbool.h>
#include <stdint.h>

#define TBF_VERSION      2u
#define TBF_BASE_SIZE    16u
#define TBF_FLAG_ENABLED (1u << 0)

enum tbf_tlv_type {
    TBF_TLV_MAIN = 1,
    TBF_TLV_WRITEABLE_FLASH = 2,
    TBF_TLV_PACKAGE_NAME = 3,
    TBF_TLV_PROGRAM = 9,
};

typedef enum tbf_err {
    TBF_OK = 0,
    TBF_END,            /* not a TBF header: the list of images ends here */
    TBF_E_TOTAL_SIZE,   /* total size < 16 or not a multiple of 4 */
    TBF_E_PAST_FLASH,   /* total size runs past the end of app flash */
    TBF_E_HEADER_SMALL, /* header size < 16 */
    TBF_E_HEADER_ALIGN, /* header size not a multiple of 4 */
    TBF_E_HEADER_LARGE, /* header size > total size */
    TBF_E_CHECKSUM,     /* checksum mismatch */
    TBF_E_TLV_OVERRUN,  /* a TLV runs past the end of the header */
    TBF_E_TLV_LENGTH,   /* Main/Program TLV with the wrong length */
    TBF_E_NO_PROGRAM,   /* neither a Main nor a Program TLV */
    TBF_E_TRAILER,      /* protected trailer runs past the image */
    TBF_E_BINARY_END,   /* binary end outside the image (overlaps the next) */
    TBF_E_INIT_OFFSET,  /* entry point outside the binary */
    TBF_E_DISABLED,     /* the enabled flag is clear */
    TBF_E_COUNT
} tbf_err;

#define TBF_NAME_MAX 32u

typedef struct tbf_info {
    uint32_t total_size;
    uint32_t header_size;
    uint32_t flags;
    uint32_t init_offset;
    uint32_t trailer_size;    /* protected trailer */
    uint32_t min_ram;         /* minimum_ram_size */
    uint32_t binary_start;    /* offset of the app binary from the image */
    uint32_t binary_end;      /* offset just past it */
    uint32_t entry;           /* offset of the first instruction */
    uint32_t name_offset;     /* of the package name bytes (0: none) */
    uint32_t name_len;        /* as stored, may exceed TBF_NAME_MAX */
    uint32_t wflash_count;    /* writeable flash region TLV entries */
    uint32_t checksum_stored; /* for the message on TBF_E_CHECKSUM */
    uint32_t checksum_computed;
} tbf_info;

/* Parses the image at `img` with `avail` bytes of app flash from there on.
 * On failure *info still holds what was read (total_size for skipping when
 * tbf_can_skip(err)). */
tbf_err tbf_parse(const uint8_t *img, uint32_t avail, tbf_info *info);
/* After this error, is the next image at img + total_size? */
bool tbf_can_skip(tbf_err err);
const char *tbf_strerror(tbf_err err);
/* Writeable flash region i as (offset, size) from the image; false if none. */
bool tbf_wflash(const uint8_t *img, const tbf_info *info, uint32_t i, uint32_t *offset,
                uint32_t *size);

#endif

/* TBF v2 parser (see tbf.h).  Checks run in the order in which a later one
 * can rely on an earlier one: sizes first (so that the image can be skipped
 * and the header read), then the checksum, then the TLVs, then the program
 * fields. */
#include "tbf.h"

#include <stddef.h>

static uint32_t get16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
    return get16(p) | get16(p + 2) << 16;
}

static const char *const messages[TBF_E_COUNT] = {
    [TBF_OK] = "ok",
    [TBF_END] = "no TBF header",
    [TBF_E_TOTAL_SIZE] = "total size is below 16 or not a multiple of 4",
    [TBF_E_PAST_FLASH] = "total size runs past the end of app flash",
    [TBF_E_HEADER_SMALL] = "header size is below 16",
    [TBF_E_HEADER_ALIGN] = "header size is not a multiple of 4",
    [TBF_E_HEADER_LARGE] = "header size is larger than the total size",
    [TBF_E_CHECKSUM] = "bad header checksum",
    [TBF_E_TLV_OVERRUN] = "a TLV runs past the end of the header",
    [TBF_E_TLV_LENGTH] = "Main or Program TLV has the wrong length",
    [TBF_E_NO_PROGRAM] = "no Main or Program TLV",
    [TBF_E_TRAILER] = "protected trailer runs past the image",
    [TBF_E_BINARY_END] = "binary end lies outside the image (overlaps the next one)",
    [TBF_E_INIT_OFFSET] = "entry point lies outside the binary",
    [TBF_E_DISABLED] = "image is disabled (flags bit 0 clear)",
};

const char *tbf_strerror(tbf_err err)
{
    return (unsigned)err < TBF_E_COUNT ? messages[err] : "?";
}

bool tbf_can_skip(tbf_err err)
{
    return err != TBF_END && err != TBF_E_TOTAL_SIZE && err != TBF_E_PAST_FLASH;
}

/* Sizes from the base header: enough to skip the image and read its header. */
static tbf_err check_sizes(const uint8_t *img, uint32_t avail, tbf_info *info)
{
    if (avail < TBF_BASE_SIZE || get16(img) != TBF_VERSION || get32(img) == UINT32_MAX) {
        return TBF_END;
    }
    info->header_size = get16(img + 2);
    info->total_size = get32(img + 4);
    info->flags = get32(img + 8);
    if (info->total_size < TBF_BASE_SIZE || info->total_size % 4 != 0) {
        return TBF_E_TOTAL_SIZE;
    }
    if (info->total_size > avail) {
        return TBF_E_PAST_FLASH;
    }
    if (info->header_size < TBF_BASE_SIZE) {
        return TBF_E_HEADER_SMALL;
    }
    if (info->header_size % 4 != 0) {
        return TBF_E_HEADER_ALIGN;
    }
    return info->header_size > info->total_size ? TBF_E_HEADER_LARGE : TBF_OK;
}

static tbf_err check_checksum(const uint8_t *img, tbf_info *info)
{
    uint32_t sum = 0;
    for (uint32_t off = 0; off < info->header_size; off += 4) {
        if (off != 12) {
            sum ^= get32(img + off);
        }
    }
    info->checksum_stored = get32(img + 12);
    info->checksum_computed = sum;
    return sum == info->checksum_stored ? TBF_OK : TBF_E_CHECKSUM;
}

/* Main (12 bytes) or Program (20 bytes) TLV body at p. */
static void take_program(const uint8_t *p, bool program, tbf_info *info)
{
    info->init_offset = get32(p);
    info->trailer_size = get32(p + 4);
    info->min_ram = get32(p + 8);
    info->binary_end = program ? get32(p + 12) : info->total_size;
}

/* One TLV at offset off (its 4-byte header lies inside the header). */
static tbf_err take_tlv(const uint8_t *img, uint32_t off, uint32_t len, tbf_info *info,
                        bool *have_program)
{
    uint32_t type = get16(img + off);
    const uint8_t *body = img + off + 4;
    if (type == TBF_TLV_PROGRAM) {
        if (len != 20) {
            return TBF_E_TLV_LENGTH;
        }
        take_program(body, true, info);
        *have_program = true;
    } else if (type == TBF_TLV_MAIN) {
        if (len != 12) {
            return TBF_E_TLV_LENGTH;
        }
        if (!*have_program) { /* a Program TLV takes precedence */
            take_program(body, false, info);
        }
    } else if (type == TBF_TLV_PACKAGE_NAME) {
        info->name_offset = off + 4;
        info->name_len = len;
    } else if (type == TBF_TLV_WRITEABLE_FLASH) {
        info->wflash_count += len / 8;
    }
    return TBF_OK;
}

static tbf_err walk_tlvs(const uint8_t *img, tbf_info *info)
{
    bool have_program = false;
    info->init_offset = UINT32_MAX; /* "no Main TLV yet" */
    for (uint32_t off = TBF_BASE_SIZE; off < info->header_size;) {
        if (info->header_size - off < 4) {
            return TBF_E_TLV_OVERRUN;
        }
        uint32_t len = get16(img + off + 2);
        uint32_t padded = (len + 3u) & ~3u;
        if (padded > info->header_size - off - 4) {
            return TBF_E_TLV_OVERRUN;
        }
        tbf_err err = take_tlv(img, off, len, info, &have_program);
        if (err != TBF_OK) {
            return err;
        }
        off += 4 + padded;
    }
    return info->init_offset == UINT32_MAX && !have_program ? TBF_E_NO_PROGRAM : TBF_OK;
}

/* The binary [header + trailer, binary_end) and the entry point in it. */
static tbf_err check_program(tbf_info *info)
{
    uint32_t room = info->total_size - info->header_size;
    if (info->trailer_size > room) {
        return TBF_E_TRAILER;
    }
    info->binary_start = info->header_size + info->trailer_size;
    if (info->binary_end < info->binary_start || info->binary_end > info->total_size) {
        return TBF_E_BINARY_END;
    }
    /* kernel/ABI.md: pc = image + header size + init offset */
    uint64_t entry = (uint64_t)info->header_size + info->init_offset;
    if (entry < info->binary_start || entry >= info->binary_end || entry % 2 != 0) {
        return TBF_E_INIT_OFFSET;
    }
    info->entry = (uint32_t)entry;
    return (info->flags & TBF_FLAG_ENABLED) ? TBF_OK : TBF_E_DISABLED;
}

tbf_err tbf_parse(const uint8_t *img, uint32_t avail, tbf_info *info)
{
    *info = (tbf_info){0};
    tbf_err err = check_sizes(img, avail, info);
    if (err == TBF_OK) {
        err = check_checksum(img, info);
        if (err == TBF_E_CHECKSUM) {
            tbf_info named = *info; /* the name, if any, for the message only */
            if (walk_tlvs(img, &named) != TBF_E_TLV_OVERRUN) {
                info->name_offset = named.name_offset;
                info->name_len = named.name_len;
            }
        }
    }
    if (err == TBF_OK && info->header_size == TBF_BASE_SIZE && !(info->flags & TBF_FLAG_ENABLED)) {
        return TBF_E_DISABLED; /* padding between images placed at aligned addresses */
    }
    if (err == TBF_OK) {
        err = walk_tlvs(img, info);
    }
    if (err == TBF_OK) {
        err = check_program(info);
    }
    return err;
}

bool tbf_wflash(const uint8_t *img, const tbf_info *info, uint32_t i, uint32_t *offset,
                uint32_t *size)
{
    for (uint32_t off = TBF_BASE_SIZE; off + 4 <= info->header_size;) {
        uint32_t len = get16(img + off + 2);
        if (get16(img + off) == TBF_TLV_WRITEABLE_FLASH) {
            for (uint32_t e = 0; e + 8 <= len; e += 8, i--) {
                if (i == 0) {
                    *offset = get32(img + off + 4 + e);
                    *size = get32(img + off + 8 + e);
                    return true;
                }
            }
        }
        off += 4 + ((len + 3u) & ~3u);
    }
    return false;
}

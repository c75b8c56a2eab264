/* The loader (see loader.h).  Messages name the image by its position in
 * flash, its address and (when its header is sound enough) its name. */
#include "loader.h"

#include "kprint.h"
#include "process.h"
#include "tbf.h"

static uaddr scan_next; /* where the next scan starts (0: at the beginning) */
static unsigned scan_index;

void loader_reset(void)
{
    scan_next = 0;
    scan_index = 0;
}

static bool blocks_overlap(uaddr a, uint32_t size_a, uaddr b, uint32_t size_b)
{
    return a < b + size_b && b < a + size_a;
}

uaddr loader_find_block(unsigned log2)
{
    uint32_t size = 1u << log2;
    uaddr lo = arch_appmem_start(), hi = arch_appmem_end();
    for (uaddr cand = (lo + size - 1u) & ~(size - 1u); cand >= lo && hi - cand >= size;
         cand += size) {
        bool taken = false;
        for (unsigned slot = 0; slot < PROC_MAX && !taken; slot++) {
            struct proc *p = proc_slot(slot);
            taken = p != NULL && blocks_overlap(cand, size, proc_block(p), proc_block_size(p));
        }
        if (!taken) {
            return cand;
        }
    }
    return 0;
}

/* The package name for messages: printable ASCII only, or "?". */
static void name_of(uaddr img, const tbf_info *info, char out[TBF_NAME_MAX + 1])
{
    unsigned len = info->name_offset != 0 && info->name_len <= TBF_NAME_MAX ? info->name_len : 0;
    const char *name = kmem(img + info->name_offset);
    for (unsigned i = 0; i < len; i++) {
        out[i] = name[i] >= 0x20 && name[i] < 0x7F ? name[i] : '?';
    }
    out[len] = '\0';
    if (len == 0) {
        out[0] = '?';
        out[1] = '\0';
    }
}

static void skip(uaddr img, const char *name, const char *why)
{
    klog("image %u at 0x%08x (%s): skipped: %s", scan_index, img, name, why);
}

/* The image's flash must not overlap a process already loaded (images put
 * into free flash at run time). */
static bool flash_taken(uaddr img, uint32_t size)
{
    for (unsigned slot = 0; slot < PROC_MAX; slot++) {
        struct proc *p = proc_slot(slot);
        if (p != NULL && blocks_overlap(img, size, p->tbf, proc_flash_end(p) - p->tbf)) {
            return true;
        }
    }
    return false;
}

/* When process RAM is full, or every slot is taken, a terminated process's
 * block of exactly the size needed may take the new process (live update:
 * terminate an app, then load its replacement).  Only the same block: the
 * new control block then lies where the old one did, so the scheduler's
 * note of the process that ran last can never point into memory a process
 * owns. */
static struct proc *terminated_with_block(unsigned log2)
{
    for (unsigned slot = 0; slot < PROC_MAX; slot++) {
        struct proc *p = proc_slot(slot);
        if (p != NULL && p->state == PS_TERMINATED && p->block_log2 == log2) {
            return p;
        }
    }
    return NULL;
}

/* The terminated process gives up its slot and block for good. */
static void forget(struct proc *old, uaddr img, const char *name)
{
    unsigned len;
    const char *old_name = proc_name(old, &len);
    klog("image %u at 0x%08x (%s): takes the RAM block of terminated %.*s", scan_index, img, name,
         (int)len, old_name);
    proc_table[old->slot] = NULL;
}

static bool load_one(uaddr img, const tbf_info *info, const char *name)
{
    if (flash_taken(img, info->total_size)) {
        skip(img, name, "overlaps an image already loaded");
        return false;
    }
    unsigned log2 = proc_block_log2_for(info->min_ram);
    uaddr block = log2 != 0 ? loader_find_block(log2) : 0;
    /* Out of RAM, or out of slots (terminated processes keep theirs). */
    bool short_of_room = block == 0 || proc_count() == PROC_MAX;
    struct proc *old = short_of_room && log2 != 0 ? terminated_with_block(log2) : NULL;
    block = old != NULL ? proc_block(old) : block;
    if (block == 0) {
        klog("image %u at 0x%08x (%s): skipped: RAM request of %u bytes does not fit", scan_index,
             img, name, info->min_ram);
        return false;
    }
    arch_mpu_cfg probe;
    uaddr open_start, open_end;
    if (!arch_mpu_flash(&probe, img, img + info->total_size, &open_start, &open_end)) {
        /* Opening more would let it read (and run) a neighbour's image. */
        klog("image %u at 0x%08x (%s): skipped: the MPU cannot open exactly its flash "
             "0x%08x-0x%08x (it would open 0x%08x-0x%08x); pad it to a power of two "
             "placed at a multiple of its size",
             scan_index, img, name, img, img + info->total_size, open_start, open_end);
        return false;
    }
    if (info->binary_start > UINT16_MAX) {
        skip(img, name, "the binary starts more than 64 KiB into the image");
        return false;
    }
    if (old != NULL) {
        forget(old, img, name);
    }
    struct proc *p = proc_create(img, info, block, log2);
    if (p == NULL) {
        skip(img, name, "too many processes");
        return false;
    }
    klog("loaded %s: flash 0x%08x-0x%08x, RAM 0x%08x-0x%08x (%u bytes)", name, img,
         img + info->total_size, block, block + (1u << log2), 1u << log2);
    return true;
}

static void report(uaddr img, tbf_err err, const tbf_info *info, const char *name)
{
    if (err == TBF_E_DISABLED && info->header_size == TBF_BASE_SIZE) {
        return; /* a padding image, as the tools put between aligned images */
    }
    if (err == TBF_E_CHECKSUM) {
        klog("image %u at 0x%08x (%s): skipped: %s (stored 0x%08x, computed 0x%08x)", scan_index,
             img, name, tbf_strerror(err), info->checksum_stored, info->checksum_computed);
    } else {
        skip(img, name, tbf_strerror(err));
    }
    if (!tbf_can_skip(err)) {
        klog("image %u at 0x%08x: the images after it cannot be found", scan_index, img);
    }
}

unsigned loader_scan(void)
{
    uaddr end = arch_apps_end();
    uaddr img = scan_next != 0 ? scan_next : arch_apps_start();
    unsigned loaded = 0;
    while (img < end && end - img >= TBF_BASE_SIZE) {
        tbf_info info;
        tbf_err err = tbf_parse(kmem(img), end - img, &info);
        if (err == TBF_END) {
            break;
        }
        char name[TBF_NAME_MAX + 1];
        name_of(img, &info, name);
        if (err != TBF_OK) {
            report(img, err, &info, name);
        } else {
            loaded += load_one(img, &info, name);
        }
        if (!tbf_can_skip(err)) {
            break;
        }
        img += info.total_size;
        scan_index++;
    }
    scan_next = img;
    return loaded;
}

uaddr loader_used_end(void)
{
    uaddr end = scan_next != 0 ? scan_next : arch_apps_start();
    for (unsigned slot = 0; slot < PROC_MAX; slot++) {
        struct proc *p = proc_slot(slot);
        if (p != NULL && proc_flash_end(p) > end) {
            end = proc_flash_end(p);
        }
    }
    return end;
}

bool loader_load_at(uaddr img, uint32_t len)
{
    tbf_info info = {0};
    tbf_err err = tbf_parse(kmem(img), len, &info);
    char name[TBF_NAME_MAX + 1];
    name_of(img, &info, name);
    if (err == TBF_E_CHECKSUM) {
        report(img, err, &info, name);
    } else if (err != TBF_OK) {
        skip(img, name, tbf_strerror(err)); /* nothing follows it to find */
    }
    if (err != TBF_OK) {
        return false;
    }
    if (!load_one(img, &info, name)) {
        return false;
    }
    /* A later scan starts after it rather than finding it again. */
    scan_next = img + info.total_size;
    scan_index++;
    return true;
}

/* App images (TBF files) placed into the kernel's app flash region for
 * `bulwark run --app`.  Only sizes and placement are checked here: the TBF
 * contents are the kernel's to judge, as hostile input (kernel/ABI.md). */
#ifndef BULWARK_APP_IMAGES_H
#define BULWARK_APP_IMAGES_H

#include <stddef.h>

#include "board.h"
#include "elf_load.h"

/* Writes the files, in order, each at a multiple of its size rounded up to a
 * power of two (padding images in the gaps), from the kernel ELF's _sapps
 * symbol and fills the rest of app flash up to _eapps with 0xFF, as one extra
 * segment of img (loaded by machine_load like the ELF's own).  Does nothing
 * when count is 0.  Returns 0, or -1 with a message naming the file at fault
 * in err: a missing, unreadable or empty image, images that do not fit in app
 * flash, a kernel ELF without _sapps/_eapps or whose app flash lies outside
 * the board's memory or overlaps the kernel's own segments. */
#define APP_PLACEMENT_MAX 32

/* Where each image went: the simulator's own record, used only to tell
 * processes apart in measurements (it never looks inside the images). */
typedef struct app_placement {
    uint32_t start[APP_PLACEMENT_MAX];
    uint32_t size[APP_PLACEMENT_MAX];
    unsigned count;
} app_placement;

int app_images_place(elf_image *img, const board *b, const char *const *paths, size_t count,
                     app_placement *placed, char *err, size_t errlen);

#endif
